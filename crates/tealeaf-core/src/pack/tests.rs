use super::*;

const SMALL: &str = r#"
[pack]
id = "test"
name = "Test pack"
home_country = "Iran"

[[actors]]
id = "abbas-araghchi"
name = "Abbas Araghchi"
gender = "m"
country = "Iran"
aliases = ["Araghchi", "Araqchi"]

  [[actors.roles]]
  title = "Deputy Foreign Minister"
  from = "2013-08"
  to = "2021-08-25"
  mentions = ["the deputy foreign minister"]

  [[actors.roles]]
  title = "Foreign Minister"
  from = 2024-08-21
  mentions = ["the foreign minister", "Iran's top diplomat"]

[[actors]]
id = "javad-zarif"
name = "Mohammad Javad Zarif"
aliases = ["Zarif", "Javad Zarif"]

  [[actors.roles]]
  title = "Foreign Minister"
  from = "2013-08-15"
  to = "2021-08-25"
  mentions = ["the foreign minister"]

[[outlets]]
id = "irna"
name = "Islamic Republic News Agency"
aliases = ["IRNA"]
affiliation = "official"
"#;

fn small() -> Pack {
    Pack::from_toml("small.toml", SMALL).expect("small pack loads")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn role_on_date_follows_the_calendar() {
    let pack = small();
    let a = pack.actor_index("abbas-araghchi").unwrap();
    assert_eq!(
        pack.role_on(a, Some(day("2019-08-28"))).as_deref(),
        Some("Deputy Foreign Minister")
    );
    assert_eq!(
        pack.role_on(a, Some(day("2025-02-25"))).as_deref(),
        Some("Foreign Minister")
    );
    assert_eq!(
        pack.role_on(a, Some(day("2022-05-01"))).as_deref(),
        Some("former Deputy Foreign Minister")
    );
    let z = pack.actor_index("javad-zarif").unwrap();
    assert_eq!(
        pack.role_on(z, Some(day("2025-01-01"))).as_deref(),
        Some("former Foreign Minister")
    );
}

#[test]
fn lexicon_finds_transliterations_and_mentions_on_word_boundaries() {
    let pack = small();
    let text = "Araqchi met IRNA reporters; the foreign minister spoke. Zarifian is someone else.";
    let hits = pack.lexicon.scan(text);
    let found: Vec<&str> = hits.iter().map(|h| &text[h.start..h.end]).collect();
    assert_eq!(found, vec!["Araqchi", "IRNA", "the foreign minister"]);
    let role_hit = &hits[2];
    assert_eq!(
        role_hit.entries.len(),
        2,
        "two actors held the role at some time"
    );
}

#[test]
fn proper_names_need_a_capital_but_descriptions_do_not() {
    let pack = small();
    let hits = pack.lexicon.scan("zarif said. The Foreign Minister said.");
    assert_eq!(hits.len(), 1);
    assert!(matches!(hits[0].entries[0], LexiconEntry::RoleMention(..)));
}

#[test]
fn check_reports_errors_with_lines() {
    let bad = "[pack]\nid = \"x\"\nname = \"X\"\n\n[[actors]]\nid = \"a\"\nname = \"A\"\nalises = [\"B\"]\n";
    let errors = check("bad.toml", bad);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 8, "{}", errors[0]);
    assert!(
        errors[0].to_string().starts_with("bad.toml:8:"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].message.contains("alises"),
        "{}",
        errors[0].message
    );

    let reversed = "[pack]\nid = \"x\"\nname = \"X\"\n[[actors]]\nid = \"a\"\nname = \"A\"\n[[actors.roles]]\ntitle = \"T\"\nfrom = \"2020\"\nto = \"2019\"\n";
    let errors = check("rev.toml", reversed);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 5);
    assert!(errors[0].message.contains("ends before it starts"));

    let dup = "[pack]\nid = \"x\"\nname = \"X\"\n[[actors]]\nid = \"a\"\nname = \"A\"\n[[actors]]\nid = \"a\"\nname = \"B\"\n";
    assert!(
        check("dup.toml", dup)[0]
            .message
            .contains("duplicate actor id")
    );

    let bad_date = "[pack]\nid = \"x\"\nname = \"X\"\n[[actors]]\nid = \"a\"\nname = \"A\"\n[[actors.roles]]\ntitle = \"T\"\nfrom = \"March 2020\"\n";
    let errors = check("date.toml", bad_date);
    assert_eq!(errors[0].line, 9);
    assert!(errors[0].message.contains("bad date"));

    assert!(!check("broken.toml", "[pack\nid=").is_empty());
}

#[test]
fn pack_dates_cover_their_period() {
    let m = PackDate::parse("2024-02").unwrap();
    assert_eq!(m.first_day(), day("2024-02-01"));
    assert_eq!(m.last_day(), day("2024-02-29"));
    assert_eq!(
        PackDate::parse("2019").unwrap().last_day(),
        day("2019-12-31")
    );
    assert!(PackDate::parse("2019-13").is_none());
    assert!(PackDate::parse("19-01-01").is_none());
}

/// The trie (cues that all start with a word) and the automaton (a cue
/// starting with a symbol forces it) find the same cues in the same order.
#[test]
fn cue_trie_and_automaton_agree() {
    let def = |extra: &[&str]| IssueDef {
        id: "talks".into(),
        topic_cues: ["talks", "negotiat*", "maximum pressure", "pressure"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect(),
        ..Default::default()
    };
    let by_trie = [Issue::compile(def(&[]), &[])];
    let by_automaton = [Issue::compile(def(&["#talks"]), &[])];
    let trie = CueMatcher::build(&by_trie);
    let automaton = CueMatcher::build(&by_automaton);
    assert!(trie.at_word_starts.is_some() && automaton.at_word_starts.is_none());
    let text = "Talks under maximum pressure; negotiators said the pressure-free talks stall.";
    let found = |m: &CueMatcher, issue: &Issue| -> Vec<(usize, usize, String)> {
        m.matches(text, 1)[0]
            .scan(issue, text, 0, text.len())
            .iter()
            .map(|h| (h.start, h.end, h.phrase.to_string()))
            .collect()
    };
    let expected = found(&automaton, &by_automaton[0]);
    assert_eq!(found(&trie, &by_trie[0]), expected);
    assert_eq!(expected.len(), 6, "{expected:?}");
}

/// The terms and cues of `pack` as one text: every phrase, in pack order
/// and backwards, joined by spaces, commas and full stops, so phrases run
/// into, overlap and contain one another.
fn every_phrase(pack: &Pack) -> String {
    let phrases: Vec<&str> = pack
        .lexicon
        .texts
        .iter()
        .chain(&pack.cues.texts)
        .map(String::as_str)
        .collect();
    let forward = phrases.join(" ");
    let backward: Vec<&str> = phrases.iter().rev().copied().collect();
    format!(
        "{forward}. {}, {}",
        backward.join(", "),
        forward.to_uppercase()
    )
}

/// One walk over a pack's terms and cues finds exactly what the lexicon's
/// and the cue matcher's own tries find.
#[test]
fn one_trie_finds_what_the_terms_and_cues_tries_find() {
    let pack = Pack::default_pack().unwrap();
    assert!(pack.terms_and_cues.is_some());
    let texts = [
        "Foreign Minister Abbas Araghchi told IRNA on Monday that talks with the United \
         States could resume in Muscat if Washington ended maximum pressure first."
            .to_string(),
        "The Supreme Leader's office, state media and the U.S. State Department: the the \
         the foreign foreign minister's Iran-based Iran's."
            .to_string(),
        every_phrase(&pack),
        every_phrase(&small()),
    ];
    for text in &texts {
        let starts = WordStarts::of(text);
        let (hits, cues) = pack.terms_and_cues(text, &starts);
        assert_eq!(hits, pack.lexicon.scan_at(text, &starts), "{text}");
        let apart = pack.cues.matches_at(text, &starts, pack.issues.len());
        assert_eq!(format!("{cues:?}"), format!("{apart:?}"), "{text}");
    }
    assert!(every_phrase(&pack).len() > 10_000);
}

/// A pack whose phrases cannot share a word-start trie searches terms and
/// cues apart, with the same answers.
#[test]
fn terms_and_cues_are_searched_apart_when_a_phrase_starts_with_a_symbol() {
    let source = format!(
        "{SMALL}\n[[issues]]\nid = \"talks\"\nlabel = \"Talks\"\ntopic_cues = [\"#talks\", \"talks\"]\n"
    );
    let pack = Pack::from_toml("symbol.toml", &source).expect("pack loads");
    assert!(pack.terms_and_cues.is_none());
    let text = "The foreign minister said #talks and talks with IRNA went on.";
    let starts = WordStarts::of(text);
    let (hits, cues) = pack.terms_and_cues(text, &starts);
    assert_eq!(hits.len(), 2);
    assert_eq!(hits, pack.lexicon.scan_at(text, &starts));
    let apart = pack.cues.matches_at(text, &starts, pack.issues.len());
    assert_eq!(format!("{cues:?}"), format!("{apart:?}"));
}
