//! Timeline, shifts and divergence over the issue's stored facts (the fast
//! path the API takes) answer exactly what the same analyses over the
//! decoded corpus answer: same JSON, indices and store ids included, for
//! every grouping, window and filter the API accepts.

use serde_json::Value;
use tealeaf_core::document::{Format, parse};
use tealeaf_core::{Pack, extract};
use tealeaf_serve::App;
use tealeaf_serve::analysis::{self, AnalysisParams};
use tealeaf_store::Store;

/// A store of generated articles (dates spread over months, documents
/// ingested out of date order) plus two written ones, so the corpus' date
/// order and the facts' document order differ.
fn app() -> App {
    let pack = Pack::default_pack().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    for doc in tealeaf_bench::generator::generate(11, 300_000) {
        let statements = extract(&doc, &pack);
        store
            .ingest_document(&doc, &statements, &pack.info)
            .unwrap();
    }
    let written = "title: Two days\npublished: 2025-02-10\noutlet: Tasnim\n\n\
        Foreign Minister Abbas Araghchi said on Monday that Iran was ready for talks with the \
        United States if Washington ended its maximum pressure campaign.\n\n\
        A day earlier, IRGC commander Hossein Salami said negotiations with America were a trap.\n";
    let doc = parse("two-days.txt", written.as_bytes(), Format::Text)
        .remove(0)
        .unwrap();
    let statements = extract(&doc, &pack);
    store
        .ingest_document(&doc, &statements, &pack.info)
        .unwrap();
    App::new(store, pack, None)
}

fn params(pairs: &[(&str, &str)]) -> AnalysisParams {
    let mut p = AnalysisParams::default();
    for &(k, v) in pairs {
        let v = Some(v.to_string());
        match k {
            "issue" => p.issue = v,
            "from" => p.from = v,
            "to" => p.to = v,
            "window" => p.window = v,
            "by" => p.by = v,
            "country" => p.country = v,
            "actor" => p.actor = v,
            "limit" => p.limit = v,
            "offset" => p.offset = v,
            _ => panic!("unknown parameter {k}"),
        }
    }
    p
}

/// Counts the statement citations of an answer, so a comparison of two
/// empty answers does not pass for a test.
fn cited(v: &Value) -> usize {
    match v {
        Value::Object(m) => {
            usize::from(m.contains_key("statement_ids")) + m.values().map(cited).sum::<usize>()
        }
        Value::Array(a) => a.iter().map(cited).sum(),
        _ => 0,
    }
}

#[test]
fn fast_path_answers_as_the_corpus() {
    let app = app();
    let corpus = app.corpus().unwrap();
    let pack = app.pack();
    let cases: &[&[(&str, &str)]] = &[
        &[],
        &[("issue", "us-talks")],
        &[("issue", "us-talks"), ("by", "faction")],
        &[
            ("issue", "us-talks"),
            ("by", "institution"),
            ("window", "day"),
        ],
        &[
            ("issue", "us-talks"),
            ("by", "country"),
            ("window", "month"),
        ],
        &[("issue", "us-talks"), ("by", "outlet")],
        &[("issue", "us-talks"), ("from", "2025-02-01")],
        &[("issue", "us-talks"), ("to", "2025-02-09")],
        &[
            ("issue", "us-talks"),
            ("from", "2025-01-15"),
            ("to", "2025-03-10"),
        ],
        &[("issue", "us-talks"), ("country", "United States")],
        &[("issue", "us-talks"), ("actor", "abbas-araghchi")],
        &[("issue", "us-talks"), ("from", "2031-01-01")],
        // Pages: the same slice of the same answer.
        &[("issue", "us-talks"), ("limit", "3")],
        &[("issue", "us-talks"), ("limit", "2"), ("offset", "4")],
        &[("issue", "us-talks"), ("offset", "1"), ("window", "month")],
        &[("issue", "us-talks"), ("limit", "all")],
        &[("issue", "us-talks"), ("limit", "0"), ("offset", "1000")],
        &[
            ("issue", "us-talks"),
            ("actor", "abbas-araghchi"),
            ("limit", "1"),
            ("offset", "1"),
        ],
    ];
    let mut total = 0;
    let mut pairs_and_voices = (0, 0);
    for pairs in cases {
        let r = params(pairs).resolve(pack).unwrap();
        let fast = app
            .with_slice(&r, |s| {
                (s.timeline(pack, &r), s.shifts(&r), s.divergence(pack, &r))
            })
            .unwrap()
            .expect("the fast path serves this store");
        // Byte for byte: the API sends the fast path's bytes as they are.
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        let slow = |v: Value| serde_json::to_string(&v).unwrap();
        let (timeline, shifts, divergence) = (text(fast.0), text(fast.1), text(fast.2));
        assert_eq!(
            timeline,
            slow(analysis::timeline(&corpus, pack, &r)),
            "timeline {pairs:?}"
        );
        assert_eq!(
            shifts,
            slow(analysis::shifts(&corpus, &r)),
            "shifts {pairs:?}"
        );
        assert_eq!(
            divergence,
            slow(analysis::divergence(&corpus, pack, &r)),
            "divergence {pairs:?}"
        );
        let json = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        // The divergence is written without a `Value` tree: its pairs and
        // voices must be among what is compared.
        for w in json(&divergence)["windows"].as_array().unwrap() {
            pairs_and_voices.0 += w["pairs"].as_array().unwrap().len();
            pairs_and_voices.1 += w["voices"].as_array().unwrap().len();
        }
        total += cited(&json(&timeline))
            + cited(&json(&divergence))
            + json(&shifts)["shifts"].as_array().unwrap().len();
    }
    assert!(
        pairs_and_voices.0 > 0 && pairs_and_voices.1 > 0,
        "{pairs_and_voices:?}"
    );
    assert!(
        total > 100,
        "the store should give the analyses something: {total}"
    );
}
