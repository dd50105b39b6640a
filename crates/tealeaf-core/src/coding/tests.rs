//! Coding tests: each construction of stance, conditions, mediators,
//! threats and likelihoods, on sentences written for them, with the
//! embedded Iran–US pack.

use chrono::NaiveDate;

use crate::document::{Document, Meta};
use crate::pack::Pack;
use crate::statements::{Statement, extract};

fn run(body: &str, published: &str) -> Vec<Statement> {
    let pack = Pack::default_pack().expect("default pack loads");
    let doc = Document {
        id: "t.txt".into(),
        source: "t.txt".into(),
        body: body.into(),
        meta: Meta {
            published: NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
            ..Meta::default()
        },
    };
    extract(&doc, &pack)
}

fn one(body: &str) -> Statement {
    let st = run(body, "2025-03-01");
    assert!(!st.is_empty(), "no statement in {body:?}");
    st.into_iter().max_by_key(|s| s.text.len()).unwrap()
}

fn stance(body: &str) -> String {
    one(body).coding.stance.unwrap_or_default()
}

#[test]
fn plain_support_and_opposition() {
    assert_eq!(
        stance("Araghchi said that Iran was ready to negotiate with Washington."),
        "support"
    );
    assert_eq!(
        stance("Salami said that negotiations with America are meaningless."),
        "oppose"
    );
    assert_eq!(
        stance("Ghalibaf said that talks with the United States would be a surrender."),
        "oppose"
    );
}

#[test]
fn negation_flips_the_cue() {
    assert_eq!(
        stance("Rouhani said that Iran would never negotiate with the United States."),
        "oppose"
    );
    assert_eq!(
        stance("Zarif said that Tehran was not opposed to talks with Washington."),
        "support"
    );
    assert_eq!(
        stance("Araghchi said that talks with Washington are not feasible."),
        "oppose"
    );
}

#[test]
fn conditionals_make_the_stance_conditional_and_set_conditions() {
    let s = one(
        "Araghchi said that talks with the United States are not feasible as long as the maximum pressure campaign remains in effect.",
    );
    assert_eq!(s.coding.stance.as_deref(), Some("conditional"));
    assert_eq!(s.coding.conditions, vec!["end-maximum-pressure"]);
    let s = one(
        "Zarif said there would be no meeting with U.S. officials unless Washington returns to the JCPOA.",
    );
    assert_eq!(s.coding.stance.as_deref(), Some("conditional"));
    assert!(
        s.coding
            .conditions
            .contains(&"us-returns-to-jcpoa".to_string()),
        "{:?}",
        s.coding.conditions
    );
    let s = one(
        "Rouhani said that removing sanctions is a prerequisite to negotiations with Washington.",
    );
    assert_eq!(s.coding.stance.as_deref(), Some("conditional"));
    assert_eq!(s.coding.conditions, vec!["sanctions-relief"]);
    assert_eq!(
        s.coding.cameo.as_deref(),
        Some("101"),
        "a demand for material cooperation"
    );
}

#[test]
fn principle_and_circumstances_hedge_an_opposition() {
    let s = one(
        "Rouhani said that the supreme leader is in principle not opposed to negotiations with America, and that circumstances may change.",
    );
    assert_eq!(s.coding.stance.as_deref(), Some("conditional"));
    assert!(s.coding.conditions.contains(&"circumstances".to_string()));
}

#[test]
fn reported_positions_name_whom_they_are_about() {
    let s = one(
        "Rouhani said that Khamenei's opposition to direct negotiations with the United States is not absolute.",
    );
    assert_eq!(s.coding.about.as_deref(), Some("Ali Khamenei"));
    assert_eq!(s.coding.stance.as_deref(), Some("conditional"));
}

#[test]
fn questions_and_statements_off_the_issue() {
    let s = one(
        "Araghchi said that Iran had held close consultations with China on regional security.",
    );
    assert_eq!(s.coding.topic.as_deref(), Some("other"));
    assert_eq!(s.coding.stance.as_deref(), Some("neutral"));
    assert_eq!(s.coding.cameo.as_deref(), Some("010"));
}

#[test]
fn mediators_need_mediation_words_or_a_mediator_speaker() {
    let s = one(
        "Analysts said Russia is unlikely to serve as a mediator between Tehran and Washington.",
    );
    assert_eq!(s.coding.topic.as_deref(), Some("mediation"));
    assert_eq!(s.coding.mediators, vec!["Russia"]);
    assert_eq!(s.coding.stance.as_deref(), Some("neutral"));
    let s = one(
        "Araghchi said Iran would keep coordinating with its partners in Russia and China on the nuclear talks with Washington.",
    );
    assert!(s.coding.mediators.is_empty(), "{:?}", s.coding.mediators);
    let s = one("Macron said that a roadmap for talks between Tehran and Washington has been set.");
    assert_eq!(
        s.coding.mediators,
        vec!["France"],
        "the speaker's country mediates"
    );
    assert_eq!(s.coding.stance.as_deref(), Some("support"));
}

#[test]
fn threats_with_deadlines_and_event_codes() {
    let st = run(
        "On August 28, Araqchi warned that Iran would take a third step to reduce its commitments under the nuclear deal on September 6 if Europe failed to act.",
        "2019-08-30",
    );
    let s = st
        .iter()
        .find(|s| {
            s.coding
                .threats
                .contains(&"reduce-jcpoa-commitments".to_string())
        })
        .expect("threat coded");
    assert_eq!(s.coding.deadlines[0].deadline, "2019-09-06");
    assert_eq!(
        s.coding.cameo.as_deref(),
        Some("139"),
        "a threat with a deadline is an ultimatum"
    );
    assert_eq!(s.coding.plover_event.as_deref(), Some("THREATEN"));
}

#[test]
fn likelihoods_become_fractions() {
    let s = one(
        "“The likelihood is below 5%,” said Hassan Beheshtipour, an analyst, of a Russian message to Tehran.",
    );
    assert_eq!(s.coding.probability, Some(0.05));
    let s = one(
        "She said the chance of a meeting between the two presidents was less than 10 percent.",
    );
    assert_eq!(s.coding.probability, Some(0.1));
}

#[test]
fn every_coded_field_has_evidence() {
    let s = one(
        "Zarif said there would be no meeting with U.S. officials unless Washington returns to the JCPOA.",
    );
    for field in ["topic", "stance", "conditions"] {
        assert!(
            s.coding.evidence.iter().any(|e| e.field == field),
            "no evidence for {field}"
        );
    }
    let cond = s
        .coding
        .evidence
        .iter()
        .find(|e| e.field == "conditions")
        .unwrap();
    let span = cond.span.unwrap();
    let body: Vec<char> = "Zarif said there would be no meeting with U.S. officials unless Washington returns to the JCPOA.".chars().collect();
    let cue: String = body[span[0]..span[1]].iter().collect();
    assert_eq!(cue.to_lowercase(), "returns to the jcpoa");
}

#[test]
fn a_second_issue_needs_no_code() {
    let extra = r#"
[[issues]]
id = "enrichment-limits"
label = "Limits on uranium enrichment"
topic_cues = ["enrichment", "enrich*", "centrifuge*", "stockpile"]
support_cues = ["accept limits", "ready to limit", "could cap"]
oppose_cues = ["red line", "non-negotiable", "will never give up"]
conditional_cues = ["only if", "as long as"]

  [[issues.conditions]]
  id = "sanctions-relief"
  cues = ["sanctions relief", "lifting of sanctions"]
"#;
    let toml = format!("{}{}", crate::pack::DEFAULT_PACK_TOML, extra);
    let pack =
        Pack::from_toml("with-enrichment.toml", &toml).expect("pack with a second issue loads");
    let doc = Document {
        id: "e.txt".into(),
        source: "e.txt".into(),
        body: "Eslami said that enrichment is a red line for Iran.".into(),
        meta: Meta::default(),
    };
    let st = extract(&doc, &pack);
    assert_eq!(st[0].coding.topic.as_deref(), Some("enrichment-limits"));
    assert_eq!(st[0].coding.stance.as_deref(), Some("oppose"));
}

#[test]
fn questions_rhetorical_and_genuine() {
    assert_eq!(
        stance("“Why should we negotiate with America while it tightens sanctions?” Salami asked."),
        "oppose"
    );
    assert_eq!(
        stance("“Did we not negotiate the nuclear deal with the United States?” Rouhani asked."),
        "support"
    );
    assert_eq!(
        stance(
            "“Will there be talks with Washington before the election?” the reporter asked Rouhani."
        ),
        "neutral"
    );
}

#[test]
fn hedged_support_is_conditional() {
    let s = one(
        "Rouhani said that the supreme leader may approve of negotiations with the United States in the coming months.",
    );
    assert_eq!(s.coding.stance.as_deref(), Some("conditional"));
    assert!(s.coding.evidence.iter().any(|e| e.rule == "hedged-support"));
}

/// `negated` reads the last five words of the cue's clause, lower-cased,
/// with ’ read as ': a clause mark (, ; : . ( —) ends the reach.
#[test]
fn negation_stays_inside_the_clause_and_reads_curly_apostrophes() {
    let cue_at = |text: &str| text.rfind("talk").unwrap();
    for (text, expected) in [
        ("They WON’T talk", true),
        ("They did not, in the end, talk", false),
        ("Not that—they talk", false),
        ("They never (as planned) talk", false),
        ("Never did anyone here really want to talk", false),
        ("Never did anyone want to talk", true),
        ("They shouldn’t talk", true),
        ("They couldn't talk", true),
    ] {
        assert_eq!(super::negated(text, cue_at(text)), expected, "{text}");
    }
}

#[test]
fn figure_words_are_the_automaton_matches() {
    // The automaton the byte-table scan replaced, as the reference.
    let automaton = aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(["%", "cent", "fifty", "odds"])
        .unwrap();
    let pieces = [
        "%", "cent", "CeNt", "fifty", "FIFTY", "odds", "oDDs", "percent", "c", "C", "f", "o", "ce",
        "fift", "odd", "en", "t", "é", "’", " ", "x", "s", "ifty",
    ];
    // A fixed sequence of pseudo-random texts (xorshift), so the test is
    // the same on every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2000 {
        let mut text = String::new();
        for _ in 0..(state % 12) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(pieces[(state % pieces.len() as u64) as usize]);
        }
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let expected: Vec<usize> = automaton.find_iter(&text).map(|m| m.start()).collect();
        assert_eq!(super::figure_words(&text), expected, "{text:?}");
    }
}

/// The reading by chars, as `negated` was before its byte reading: the
/// reference the byte reading must agree with.
fn negated_by_chars(text: &str, start: usize) -> bool {
    let from = crate::text::floor_boundary(text, start.saturating_sub(60));
    super::negation::clause_words_negate(super::negation::clause_of(&text[from..start]))
}

/// Pieces of text around a cue: negators in both cases and apostrophes,
/// clause marks, ASCII and Unicode spaces, letters that lower-case by
/// tables (İ, the Kelvin sign), and a word too long to fold on the stack.
fn negation_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    const PIECES: &[&str] = &[
        "not",
        "NOT",
        "No",
        "n't",
        "n’t",
        "won’t",
        "DON'T",
        "couldn’T",
        "Neither",
        "never",
        "cannot",
        "nor",
        "hardly",
        "without",
        "talk",
        "x",
        "a",
        "’",
        "'",
        " ",
        " ",
        " ",
        "\t",
        "\n",
        "\u{b}",
        "\u{c}",
        "\u{a0}",
        "\u{2009}",
        "\u{85}",
        "\u{3000}",
        "\u{1c}",
        ",",
        ".",
        ";",
        ":",
        "(",
        "—",
        "–",
        "”",
        "é",
        "É",
        "İ",
        "\u{212a}",
        "ı",
        "ñ",
        "Ô",
        "abcdefghijklmnopqrstuvwxyzabcdefn't",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ];
    proptest::collection::vec(proptest::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 2_000,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// At every char boundary, the byte reading gives the answer of the
    /// reading by chars.
    #[test]
    fn negated_reads_bytes_as_chars_would(text in negation_text()) {
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            proptest::prop_assert_eq!(
                super::negated(&text, start),
                negated_by_chars(&text, start),
                "{:?} at {}", &text, start
            );
        }
    }
}

/// The byte reading decides on ASCII text with ’ and em dashes, so the
/// reading by chars is rarely needed.
#[test]
fn negated_decides_on_ascii_with_curly_apostrophes() {
    for text in [
        "They won’t talk",
        "Not that—they talk",
        "no, never, x y z w v u talk",
    ] {
        let start = text.rfind("talk").unwrap();
        let from = crate::text::floor_boundary(text, start.saturating_sub(60));
        assert!(super::negation::last_words_negate(&text[from..start]).is_some());
    }
}
