//! Criterion benchmarks of the extraction stages, each with its throughput
//! in bytes of article text. Run with `cargo bench -p tealeaf-bench`; they
//! never run under `cargo test`.
//!
//! The corpus is generated (seed 7, about 256 KB). When the PolNeAR dev
//! texts are found (`TEALEAF_POLNEAR_DEV`, else `../shared/data/polnear/dev.jsonl`
//! next to the workspace), whole extraction is also measured on them.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tealeaf_bench::generator::{self, Cast};
use tealeaf_core::dates::find_dates;
use tealeaf_core::document::Meta;
use tealeaf_core::mentions::find_mentions;
use tealeaf_core::pack::DEFAULT_PACK_TOML;
use tealeaf_core::quotes::find_quotations;
use tealeaf_core::sentences::segment;
use tealeaf_core::{Document, Pack, extract};

const CORPUS_BYTES: usize = 256 * 1024;

fn corpus(pack: &Pack) -> Vec<Document> {
    generator::generate_with(&Cast::from_pack(pack), pack, 7, CORPUS_BYTES)
}

fn total_bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.body.len() as u64).sum()
}

fn stages(c: &mut Criterion) {
    let pack = Pack::default_pack().expect("default pack");
    let docs = corpus(&pack);
    let bytes = total_bytes(&docs);
    let segs: Vec<_> = docs.iter().map(|d| segment(&d.body)).collect();
    let quotes: Vec<_> = docs
        .iter()
        .zip(&segs)
        .map(|(d, s)| find_quotations(&d.body, s))
        .collect();

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(4));

    g.bench_function("segmentation", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(segment(black_box(&d.body)));
            }
        })
    });
    g.bench_function("quotations", |b| {
        b.iter(|| {
            for (d, s) in docs.iter().zip(&segs) {
                black_box(find_quotations(black_box(&d.body), s));
            }
        })
    });
    g.bench_function("dates", |b| {
        b.iter(|| {
            for (d, s) in docs.iter().zip(&segs) {
                black_box(find_dates(black_box(&d.body), s, d.meta.published));
            }
        })
    });
    g.bench_function("lexicon_scan", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(pack.lexicon.scan(black_box(&d.body)));
            }
        })
    });
    g.bench_function("mentions", |b| {
        b.iter(|| {
            for ((d, s), q) in docs.iter().zip(&segs).zip(&quotes) {
                black_box(find_mentions(black_box(&d.body), s, q, &pack));
            }
        })
    });
    g.bench_function("extract", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(extract(black_box(d), &pack));
            }
        })
    });
    g.finish();

    // Whole extraction of one typical (about 5 KB) article.
    let one = docs
        .iter()
        .min_by_key(|d| d.body.len().abs_diff(5_000))
        .expect("documents");
    let mut g = c.benchmark_group("extract_document");
    g.throughput(Throughput::Bytes(one.body.len() as u64));
    g.bench_function("generated_5kb", |b| {
        b.iter(|| black_box(extract(black_box(one), &pack)))
    });
    g.finish();
}

fn pack_loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("pack");
    g.throughput(Throughput::Bytes(DEFAULT_PACK_TOML.len() as u64));
    g.sample_size(20);
    g.bench_function("default_pack", |b| {
        b.iter(|| black_box(Pack::default_pack().expect("default pack")))
    });
    g.finish();
}

fn polnear_dev_path() -> Option<PathBuf> {
    let p = std::env::var_os("TEALEAF_POLNEAR_DEV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polnear/dev.jsonl")
        });
    p.exists().then_some(p)
}

fn polnear(c: &mut Criterion) {
    let Some(path) = polnear_dev_path() else {
        return;
    };
    let Ok(raw) = std::fs::read_to_string(&path) else {
        return;
    };
    let docs: Vec<Document> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            let text = v.get("text")?.as_str()?.to_string();
            let id = v.get("id")?.as_str()?.to_string();
            Some(Document {
                source: id.clone(),
                id,
                body: text,
                meta: Meta::default(),
            })
        })
        .collect();
    if docs.is_empty() {
        return;
    }
    let pack = Pack::default_pack().expect("default pack");
    let mut g = c.benchmark_group("polnear_dev");
    g.throughput(Throughput::Bytes(total_bytes(&docs)));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(6));
    g.bench_function("extract", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(extract(black_box(d), &pack));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, stages, pack_loading, polnear);
criterion_main!(benches);
