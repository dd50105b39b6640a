//! The header and front-matter reader: `document::parse` of arbitrary bytes
//! as text and as Markdown (`key: value` headers, `---` front matter, BOMs,
//! UTF-16, binary detection).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tealeaf_core::document::{self, Format};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Text, Format::Markdown] {
        for r in document::parse("fuzz.md", data, format) {
            match r {
                Ok(d) => assert!(!d.body.trim().is_empty()),
                Err(e) => assert!(e.to_string().starts_with("fuzz.md: ")),
            }
        }
    }
});
