//! End-to-end extraction tests on sentences written for them, with the
//! embedded Iran–US pack: each hard case of attribution and resolution.

use chrono::NaiveDate;

use super::*;
use crate::document::{Document, Meta};

fn doc(body: &str, published: &str) -> Document {
    Document {
        id: "test.txt".into(),
        source: "test.txt".into(),
        body: body.into(),
        meta: Meta {
            published: NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
            ..Meta::default()
        },
    }
}

fn run(body: &str, published: &str) -> Vec<Statement> {
    let pack = Pack::default_pack().expect("default pack loads");
    extract(&doc(body, published), &pack)
}

fn find<'a>(st: &'a [Statement], words: &str) -> &'a Statement {
    st.iter()
        .find(|s| s.text.contains(words))
        .unwrap_or_else(|| {
            panic!(
                "no statement contains {words:?}; got {:#?}",
                st.iter().map(|s| &s.text).collect::<Vec<_>>()
            )
        })
}

#[test]
fn split_quote_is_one_attribution() {
    let body = "“We are not in a hurry,” Zarif said on Monday. “Washington knows the way back.”";
    let st = run(body, "2019-08-27");
    let a = find(&st, "not in a hurry");
    let b = find(&st, "knows the way back");
    assert_eq!(
        a.attribution, b.attribution,
        "both halves share one attribution"
    );
    assert_eq!(b.speaker.as_deref(), Some("Mohammad Javad Zarif"));
    assert_eq!(a.quote_span[0], 0);
    assert_eq!(a.quote_span[1], body.chars().count());
    assert_eq!(
        a.date.as_deref(),
        Some("2019-08-26"),
        "Monday before a Tuesday publication"
    );
}

#[test]
fn pronoun_speaker_resolves_to_the_subject_before() {
    let body = "Hassan Rouhani met cabinet ministers in Tehran. “The door is not closed,” he said.";
    let st = run(body, "2019-08-27");
    let s = find(&st, "door is not closed");
    assert_eq!(s.speaker.as_deref(), Some("Hassan Rouhani"));
    assert_eq!(s.speaker_mention.as_deref(), Some("he"));
    assert!(s.rule.contains("pronoun"), "{}", s.rule);
}

#[test]
fn quotes_introduced_on_the_previous_line_take_its_speaker_and_outlet() {
    let body = "- March 3: The official news agency IRNA carried the minister's remarks, quoting Araghchi as saying:\n- “Pressure will not bring us to the table.”\n- “Our position has not changed.”";
    let st = run(body, "2025-03-05");
    for words in ["Pressure will not bring us", "Our position has not changed"] {
        let s = find(&st, words);
        assert_eq!(s.speaker.as_deref(), Some("Abbas Araghchi"), "{words}");
        assert_eq!(
            s.outlet.as_deref(),
            Some("Islamic Republic News Agency"),
            "{words}"
        );
        assert_eq!(
            s.date.as_deref(),
            Some("2025-03-03"),
            "section date for {words}"
        );
        assert!(s.direct);
    }
}

#[test]
fn transliteration_variants_resolve_to_one_actor() {
    for (name, expected) in [
        ("Araqchi", "Abbas Araghchi"),
        ("Rohani", "Hassan Rouhani"),
        ("Qalibaf", "Mohammad Bagher Ghalibaf"),
        ("Raeisi", "Ebrahim Raisi"),
    ] {
        let body = format!("{name} said that the proposal deserved a careful answer.");
        let st = run(&body, "2022-05-01");
        assert_eq!(st.len(), 1, "{body}");
        assert_eq!(st[0].speaker.as_deref(), Some(expected), "{name}");
    }
}

#[test]
fn role_depends_on_the_statement_date() {
    let st = run(
        "On Aug. 28, 2019, Araghchi said that pressure would fail.",
        "2019-08-30",
    );
    assert_eq!(
        st[0].speaker_role.as_deref(),
        Some("Deputy Foreign Minister")
    );
    let st = run(
        "On February 25, Araghchi said that pressure would fail.",
        "2025-02-27",
    );
    assert_eq!(st[0].speaker_role.as_deref(), Some("Foreign Minister"));
    assert_eq!(
        st[0].date.as_deref(),
        Some("2025-02-25"),
        "year inferred from publication"
    );
}

#[test]
fn titled_mention_resolves_by_who_held_the_role() {
    let st = run(
        "The foreign minister said that Tehran would study the letter.",
        "2019-09-02",
    );
    assert_eq!(st[0].speaker.as_deref(), Some("Mohammad Javad Zarif"));
    let st = run(
        "The foreign minister said that Tehran would study the letter.",
        "2025-03-10",
    );
    assert_eq!(st[0].speaker.as_deref(), Some("Abbas Araghchi"));
    assert_eq!(
        st[0].speaker_mention.as_deref(),
        Some("The foreign minister")
    );
}

#[test]
fn missing_year_is_inferred_and_relative_days_follow_the_text() {
    let body = "Salami spoke on December 30. A day later, Rouhani said that the talks were over.";
    let st = run(body, "2020-01-02");
    let s = find(&st, "talks were over");
    assert_eq!(s.date.as_deref(), Some("2019-12-31"));
}

#[test]
fn people_outside_the_pack_keep_the_role_the_text_gives() {
    let body = "Sara Mahdavi, a Tehran-based political analyst, told the reformist daily Etemad that a deal was unlikely before summer.";
    let st = run(body, "2025-02-26");
    let s = find(&st, "deal was unlikely");
    assert_eq!(s.speaker.as_deref(), Some("Sara Mahdavi"));
    assert_eq!(
        s.speaker_role.as_deref(),
        Some("Tehran-based political analyst")
    );
    assert_eq!(s.outlet.as_deref(), Some("Etemad"));
    assert_eq!(s.outlet_affiliation.as_deref(), Some("reformist"));
    assert!(!s.direct);
}

#[test]
fn editorial_outlet_is_the_speaker() {
    let body =
        "Javan, which is affiliated with the IRGC, wrote that the envoys had nothing new to offer.";
    let st = run(body, "2025-02-26");
    let s = find(&st, "nothing new to offer");
    assert_eq!(s.speaker.as_deref(), Some("Javan"));
    assert_eq!(s.outlet.as_deref(), Some("Javan"));
    assert_eq!(s.outlet_affiliation.as_deref(), Some("IRGC-affiliated"));
}

#[test]
fn scare_quotes_are_not_statements() {
    let st = run(
        "The so-called “moderate” camp met again in Tehran on Sunday.",
        "2019-08-27",
    );
    assert!(st.is_empty(), "{st:?}");
}

#[test]
fn indirect_cues_and_according_to() {
    let body = "According to Araghchi, the president told Macron that Europe must act. Zarif dismissed the idea of a meeting, while Rouhani stated that sanctions must go first.";
    let st = run(body, "2019-08-29");
    let a = find(&st, "Europe must act");
    assert_eq!(a.speaker.as_deref(), Some("Abbas Araghchi"));
    let z = find(&st, "the idea of a meeting");
    assert_eq!(z.speaker.as_deref(), Some("Mohammad Javad Zarif"));
    assert!(
        !z.text.contains("Rouhani"),
        "content stops before the next speaker: {}",
        z.text
    );
    let r = find(&st, "sanctions must go first");
    assert_eq!(r.speaker.as_deref(), Some("Hassan Rouhani"));
}

#[test]
fn offsets_are_chars_into_the_body() {
    let body = "Iran’s envoy said: “Talks are possible.”";
    let st = run(body, "2025-01-01");
    let s = find(&st, "Talks are possible");
    let chars: Vec<char> = body.chars().collect();
    let slice: String = chars[s.span[0]..s.span[1]].iter().collect();
    assert_eq!(slice, s.text);
}

#[test]
fn hostile_text_does_not_panic() {
    for body in [
        "“".repeat(500),
        "\u{202e}“عراقچی گفت” he said\u{200b}.".to_string(),
        "a".repeat(10_000),
        "“Never closes, he said".to_string(),
        "\"\"\"\"".to_string(),
        String::new(),
        "- \n- \n“\n\n”".to_string(),
    ] {
        let _ = run(&body, "2025-01-01");
    }
}

#[test]
fn holds_short_agrees_with_a_substring_search() {
    let hays = [
        "",
        "a",
        "ab",
        "the talks will go on",
        "aaab",
        "abababac",
        "xyz xyz",
    ];
    for hay in hays {
        for start in 0..=hay.len() {
            for end in start..=hay.len() {
                let needle = &hay[start..end];
                assert!(super::holds_short(hay.as_bytes(), needle.as_bytes()));
            }
        }
        for needle in [
            "b",
            "ba",
            "aab",
            "abac",
            "talks will",
            "talks wild",
            "zz",
            "xyz xyz x",
        ] {
            assert_eq!(
                super::holds_short(hay.as_bytes(), needle.as_bytes()),
                hay.contains(needle),
                "{hay:?} {needle:?}"
            );
        }
    }
}

/// `normalise` as first written, char by char: the definition the faster
/// one is checked against.
fn normalise_by_chars(s: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if c.is_alphanumeric() {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 5_000,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn normalise_is_the_char_by_char_definition(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "a", "Z", "09", " ", "\t", "\u{b}", "\n", ".", "’", "'s", "-", "U.S.", "ÉTAT",
            "ß", "İ", "٣", "\u{a0}", "\u{2009}", "—", "中文", "Iran", "TALKS", "“", "”",
        ]), 0..50),
    ) {
        let text = pieces.concat();
        proptest::prop_assert_eq!(normalise(&text), normalise_by_chars(&text));
    }
}
