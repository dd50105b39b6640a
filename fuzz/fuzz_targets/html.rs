//! HTML reading: `document::parse` of arbitrary bytes as HTML (metadata
//! from `<meta>`, `<time>` and JSON-LD; the body from the main content).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tealeaf_core::document::{self, Format};

fuzz_target!(|data: &[u8]| {
    for r in document::parse("fuzz.html", data, Format::Html) {
        match r {
            Ok(d) => assert!(!d.body.trim().is_empty()),
            Err(e) => assert!(e.to_string().starts_with("fuzz.html: ")),
        }
    }
});
