//! Property tests of the entry points the fuzz targets exercise (see
//! `fuzz/`): extraction from arbitrary text and document parsing of
//! arbitrary bytes never panic, and every statement points back into its
//! body with valid offsets and a valid date. Kept small and fast (256 cases
//! of short strings) so it stays in the normal suite.

use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use tealeaf_core::document::{self, Format, Meta};
use tealeaf_core::{Document, Pack, Statement, extract};

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::default_pack().expect("the embedded pack loads"))
}

/// Pieces that steer the pipeline into its rules: names, cues, every kind
/// of quotation mark, bullets, dates (some impossible), right-to-left names
/// and marks, zero-width and bidi controls, control characters.
const PIECES: &[&str] = &[
    "Zarif",
    "Abbas Araghchi",
    "Ayatollah Ali Khamenei",
    "Donald Trump",
    "Tehran Times",
    "he",
    "she",
    "the minister",
    "said",
    "told reporters",
    "according to",
    "warned that",
    " that ",
    "“",
    "”",
    "\"",
    "'",
    "''",
    "``",
    "‘",
    "’",
    "«",
    "»",
    "„",
    "• ",
    "- ",
    "* ",
    "1. ",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    ", ",
    ". ",
    "? ",
    "!",
    ":",
    "…",
    "—",
    "Mr. ",
    "U.S.",
    "on Monday",
    "a day later",
    "last week",
    "February 30, 2025",
    "0000-01-01",
    "99999-12-31",
    "27 Feb 2025",
    "in 2019",
    "talks",
    "sanctions",
    "the door remains open",
    "محمد جواد ظریف",
    "عباس عراقچی",
    "گفت",
    "قال",
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{200E}",
    "\u{200F}",
    "\u{202A}",
    "\u{202E}",
    "\u{2066}",
    "\u{2069}",
    "\u{FEFF}",
    "\u{2028}",
    "\u{0}",
    "\u{7}",
    "\t",
    "é",
    "😀",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(prop::sample::select(PIECES), 0..48).prop_map(|v| v.concat()),
        1 => any::<String>().prop_map(|s| s.chars().take(80).collect()),
        1 => "[ a-zA-Z\"“”«».,:\n]{0,80}",
    ]
}

fn published() -> impl Strategy<Value = Option<NaiveDate>> {
    prop_oneof![
        Just(None),
        Just(NaiveDate::from_ymd_opt(2025, 2, 27)),
        Just(NaiveDate::from_ymd_opt(0, 1, 1)),
        Just(NaiveDate::from_ymd_opt(9999, 12, 31)),
        (1900i32..2100, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
    ]
}

/// A rendered statement date: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, a real day.
fn valid_date(s: &str) -> bool {
    let full = match s.len() {
        4 => format!("{s}-01-01"),
        7 => format!("{s}-01"),
        _ => s.to_string(),
    };
    NaiveDate::parse_from_str(&full, "%Y-%m-%d").is_ok()
}

fn check_statement(body: &str, s: &Statement) -> Result<(), TestCaseError> {
    let n = body.chars().count();
    let [a, b] = s.span;
    prop_assert!(a <= b && b <= n, "span {:?} outside 0..{}", s.span, n);
    let at: String = body.chars().skip(a).take(b - a).collect();
    prop_assert_eq!(&at, &s.text, "text is not the body at its span");
    let [qa, qb] = s.quote_span;
    prop_assert!(
        qa <= qb && qb <= n,
        "quote_span {:?} outside 0..{}",
        s.quote_span,
        n
    );
    if let Some([sa, sb]) = s.speaker_span {
        prop_assert!(
            sa <= sb && sb <= n,
            "speaker_span {:?} outside 0..{}",
            s.speaker_span,
            n
        );
    }
    if let Some(d) = &s.date {
        prop_assert!(valid_date(d), "invalid date {:?}", d);
    }
    prop_assert!(s.confidence.is_finite());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn extract_never_panics_and_spans_point_into_the_body(
        body in text(),
        published in published(),
    ) {
        let doc = Document {
            id: "prop".into(),
            source: "prop.txt".into(),
            body: body.clone(),
            meta: Meta { published, ..Meta::default() },
        };
        for s in extract(&doc, pack()) {
            check_statement(&body, &s)?;
        }
    }

    #[test]
    fn document_parsing_never_panics_on_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        for format in [Format::Text, Format::Markdown, Format::Html, Format::JsonLines] {
            for r in document::parse("prop", &bytes, format) {
                match r {
                    Ok(d) => prop_assert!(!d.body.trim().is_empty()),
                    Err(e) => prop_assert!(e.to_string().starts_with("prop: "), "{}", e),
                }
            }
        }
    }

    #[test]
    fn headers_and_front_matter_never_panic(
        header in prop::collection::vec(
            prop::sample::select(&[
                "title: ", "date: ", "published: ", "---\n", "\n", ": ", "key", "x: y\n",
                "2025-02-30", "0000-00-00", "99999-01-01", "\u{202E}", "\u{FEFF}", "ظریف", "\"",
            ][..]),
            0..16,
        ).prop_map(|v| v.concat()),
        body in text(),
    ) {
        let bytes = format!("{header}\n\n{body}").into_bytes();
        for format in [Format::Text, Format::Markdown, Format::Html] {
            for d in document::parse("prop.md", &bytes, format).into_iter().flatten() {
                if let Some(p) = d.meta.published {
                    prop_assert!(valid_date(&p.format("%Y-%m-%d").to_string()));
                }
                for s in extract(&d, pack()) {
                    check_statement(&d.body, &s)?;
                }
            }
        }
    }
}
