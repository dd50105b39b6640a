//! Feed reading as `tealeaf ingest` does it: feed-rs with a caller-supplied
//! timestamp parser and no generated ids, then each item's title, content
//! and summary through the core HTML reader and its dates through
//! `parse_date`. The item → Document conversion itself lives in the CLI
//! crate (`commands::ingest::parse_feed`), which a fuzz target cannot reach
//! until it is exposed from a library.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tealeaf_core::document;

fn text(t: &str) {
    if t.contains('<') && t.contains('>') {
        let _ = document::html::extract("fuzz.rss", t);
    }
    let _ = document::parse_date(t);
}

fuzz_target!(|data: &[u8]| {
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(|s| {
            document::parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
        })
        .id_generator(|_, _, _| String::new())
        .build();
    let Ok(feed) = parser.parse(data) else {
        return;
    };
    if let Some(t) = &feed.title {
        text(&t.content);
    }
    for e in &feed.entries {
        if let Some(t) = &e.title {
            text(&t.content);
        }
        if let Some(b) = e.content.as_ref().and_then(|c| c.body.as_deref()) {
            text(b);
        }
        if let Some(s) = &e.summary {
            text(&s.content);
        }
        if let Some(dt) = e.published.or(e.updated) {
            let _ = document::parse_date(&dt.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
});
