//! Does extraction stay linear on hostile input? Times `extract` on 1× and
//! 10× versions of the inputs that break naive text code (one sentence
//! without punctuation, quotations that never close, deeply nested
//! quotations, a word without spaces, thousands of statements in one
//! paragraph, many quotations in one sentence, dated and undated quotations
//! alternating, many names and pronouns, right-to-left text) and prints the
//! time ratio of each; ~10 is linear. The generic corpus and long-document
//! figures are `tealeaf-bench linearity`.
//!
//! `cargo run --release -p tealeaf-bench --example linearity_hostile [-- UNIT_KB [CASE]]`
//! (default unit 20 KB, so the 10× inputs are about 200 KB; CASE: only the
//! cases whose name contains it). Prints one
//! `RESULT hostile-linearity worst_ratio=…` line; exits 1 when a ratio is
//! above 20 (quadratic behaviour shows as ~100).

use std::process::ExitCode;
use std::time::Instant;

use tealeaf_core::document::Meta;
use tealeaf_core::statements::{ExtractOptions, extract_with};
use tealeaf_core::{Document, Pack};

/// One hostile input of about `bytes` bytes.
type Maker = fn(usize) -> String;

fn repeat_to(bytes: usize, unit: &str) -> String {
    unit.repeat(bytes / unit.len().max(1) + 1)
}

const CASES: &[(&str, Maker)] = &[
    ("sentence without punctuation", |n| {
        format!("Araghchi said \"{}", repeat_to(n, "word "))
    }),
    ("quotes that never close", |n| {
        repeat_to(n, "Zarif said \"the talks will go on\n\n")
    }),
    ("nested quotes", |n| {
        let depth = n / 6;
        format!(
            "Zarif said {}deep{} today.",
            "“".repeat(depth),
            "”".repeat(depth)
        )
    }),
    ("straight quotes only", |n| repeat_to(n, "\" ")),
    ("one word without spaces", |n| "a".repeat(n)),
    ("statements in one paragraph", |n| {
        repeat_to(n, "Zarif said \"the point stands.\" ")
    }),
    ("dated and undated quotes", |n| {
        repeat_to(
            n,
            "Araghchi said on Monday that \"the talks in Muscat can resume next week.\"\n\n\
             Zarif said \"the talks in Muscat can resume next week and not before.\"\n\n",
        )
    }),
    ("names and pronouns", |n| {
        repeat_to(
            n,
            "Zarif met Araghchi and Rouhani. He said \"yes.\" She told Trump \"no.\" ",
        )
    }),
    ("bullets and line breaks", |n| {
        repeat_to(n, "• Zarif: \"go\"\n- \n* ‘x’\n")
    }),
    ("quotations in one sentence", |n| {
        repeat_to(n, "Zarif said «ok» and ")
    }),
    ("right-to-left and controls", |n| {
        repeat_to(
            n,
            "محمد جواد ظریف گفت: «در باز است.» \u{200B}\u{202E}\u{2066}",
        )
    }),
];

fn time(doc: &Document, pack: &Pack, runs: usize) -> (f64, usize) {
    let mut best = f64::INFINITY;
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        // No statement cap: the cap would hide growth in the 10× inputs.
        let opts = ExtractOptions {
            max_statements: usize::MAX,
        };
        n = std::hint::black_box(extract_with(doc, pack, &opts)).len();
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, n)
}

fn doc(body: String) -> Document {
    Document {
        id: "hostile".into(),
        source: "hostile.txt".into(),
        body,
        meta: Meta::default(),
    }
}

fn main() -> ExitCode {
    let unit_kb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let only = std::env::args().nth(2).unwrap_or_default();
    let pack = Pack::default_pack().expect("the embedded pack loads");
    println!("hostile-input linearity (single thread, best of 3), 1× = {unit_kb} KB");
    let mut worst = 0.0f64;
    for (name, make) in CASES.iter().filter(|(name, _)| name.contains(&only)) {
        let small = doc(make(unit_kb * 1000));
        let large = doc(make(unit_kb * 10_000));
        let (t1, n1) = time(&small, &pack, 3);
        let (t10, n10) = time(&large, &pack, 3);
        let size = large.body.len() as f64 / small.body.len() as f64;
        let ratio = t10 / t1.max(1e-6);
        worst = worst.max(ratio / size * 10.0);
        println!(
            "  {name:30} 1×: {:8.1} KB {t1:8.4} s {n1:6} st   10×: {:8.1} KB {t10:8.4} s {n10:6} st   ratio {ratio:6.2} (size ×{size:.2})",
            small.body.len() as f64 / 1000.0,
            large.body.len() as f64 / 1000.0,
        );
    }
    println!("RESULT hostile-linearity worst_ratio={worst:.2}");
    if worst > 20.0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
