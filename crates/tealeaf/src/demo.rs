//! The demo corpus: short articles we wrote about the 2019 and 2025 episodes,
//! embedded in the binary so `tealeaf demo` runs on a fresh machine.

use tealeaf_core::document::{self, Document, Format};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// The demo articles as documents.
pub fn documents() -> Vec<Document> {
    DEMO_FILES
        .iter()
        .flat_map(|(name, text)| {
            let format = document::format_for_path(name).unwrap_or(Format::Text);
            document::parse(name, text.as_bytes(), format)
        })
        .filter_map(Result::ok)
        .collect()
}
