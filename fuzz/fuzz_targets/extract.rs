//! The extractor: bytes → UTF-8 (lossy) → Document → `extract` with the
//! embedded pack. The first byte picks the publication date (none, an
//! ordinary day, or the ends of the range dates can be written in), the
//! rest is the body. Checks what every statement promises: its span lies in
//! the body and `text` is the body at that span.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use tealeaf_core::document::Meta;
use tealeaf_core::{Document, Pack, extract};

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::default_pack().expect("the embedded pack loads"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let published = match first % 5 {
        0 => None,
        1 => NaiveDate::from_ymd_opt(2025, 2, 27),
        2 => NaiveDate::from_ymd_opt(0, 1, 1),
        3 => NaiveDate::from_ymd_opt(9999, 12, 31),
        _ => NaiveDate::from_ymd_opt(2019, 8, 26),
    };
    let body = String::from_utf8_lossy(rest).into_owned();
    let doc = Document {
        id: "fuzz".into(),
        source: "fuzz.txt".into(),
        body,
        meta: Meta {
            published,
            ..Meta::default()
        },
    };
    let chars: Vec<char> = doc.body.chars().collect();
    for s in extract(&doc, pack()) {
        let [a, b] = s.span;
        assert!(
            a <= b && b <= chars.len(),
            "span {:?} of {}",
            s.span,
            chars.len()
        );
        let at: String = chars[a..b].iter().collect();
        assert_eq!(at, s.text, "text is not the body at its span");
        let [qa, qb] = s.quote_span;
        assert!(
            qa <= qb && qb <= chars.len(),
            "quote_span {:?}",
            s.quote_span
        );
    }
});
