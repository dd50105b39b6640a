//! Statement search latency on a store of 100,000 statements.
//!
//! ```sh
//! cargo run --release -p tealeaf-serve --example search_bench [-- STATEMENTS SEARCHES]
//! ```
//!
//! Builds a store in a temporary directory from generated articles
//! (`tealeaf_bench::generator`, extracted and coded with the default pack)
//! until it holds the number of statements asked (100,000 by default), then
//! runs searches (1,000 by default) through the whole router — full-text
//! words with and without filters (issue, stance, actor, faction, outlet,
//! affiliation, dates), paged — and prints p50, p90, p99 and max latency.
//! Target: p99 under 50 ms.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tealeaf_bench::generator::{Cast, SplitMix64, article};
use tealeaf_core::{Pack, extract};
use tealeaf_serve::{App, router};
use tealeaf_store::Store;
use tower::ServiceExt;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let target: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let searches: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000);

    let pack = Pack::default_pack()?;
    let dir = tempfile::tempdir()?;
    // TEALEAF_BENCH_KEEP=PATH: copy the store there afterwards, to inspect it.
    let keep = std::env::var("TEALEAF_BENCH_KEEP").ok();
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path)?;
    let cast = Cast::from_pack(&pack);
    let started = Instant::now();
    let (mut statements, mut documents, mut seed) = (0usize, 0usize, 1u64);
    while statements < target {
        // Extract a batch in parallel threads, then write.
        let batch: Vec<u64> = (seed..seed + 64).collect();
        seed += 64;
        let extracted: Vec<_> = std::thread::scope(|s| {
            let chunks: Vec<_> = batch
                .chunks(32)
                .map(|chunk| {
                    let (pack, cast) = (&pack, &cast);
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|&k| {
                                let doc = article(cast, pack, k, format!("gen-{k}.txt"));
                                let found = extract(&doc, pack);
                                (doc, found)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            chunks
                .into_iter()
                .flat_map(|h| h.join().expect("extraction thread"))
                .collect()
        });
        for (doc, found) in extracted {
            if statements >= target {
                break;
            }
            let n = found.len().min(target - statements);
            store.ingest_document(&doc, &found[..n], &pack.info)?;
            statements += n;
            documents += 1;
        }
    }
    let (docs, stored) = store.counts()?;
    assert_eq!((docs, stored), (documents, statements));
    let file_mb = std::fs::metadata(&path)?.len() as f64 / 1e6;
    println!(
        "store: {stored} statements in {docs} documents, {file_mb:.0} MB, built in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Values to search and filter by, from the store itself.
    let column =
        |c: &str| -> anyhow::Result<Vec<String>> { tealeaf_serve::query::distinct(&store, c) };
    let actors = column("speaker_id")?;
    let factions = column("faction")?;
    let outlets = column("outlet_id")?;
    let affiliations = column("outlet_affiliation")?;
    let words = [
        "talks",
        "negotiations",
        "sanctions",
        "pressure",
        "Washington",
        "nuclear",
        "agreement",
        "dialogue",
        "minister",
        "deadline",
        "message",
        "Oman",
        "honour",
        "guarantees",
        "europe",
        "meeting america",
        "lifted sanctions",
        "never negotiate",
    ];
    let app = App::new(store, pack, None);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut rng = SplitMix64::new(42);
    let mut uris = Vec::with_capacity(searches);
    for _ in 0..searches {
        let mut q: Vec<String> = Vec::new();
        // Most searches have words; filters are added at random.
        if rng.chance(85) {
            q.push(format!("q={}", rng.pick(&words).replace(' ', "+")));
        }
        if rng.chance(40) {
            q.push(format!(
                "issue={}",
                rng.pick(&["us-talks", "mediation", "other"])
            ));
        }
        if rng.chance(30) {
            q.push(format!(
                "stance={}",
                rng.pick(&["support", "oppose", "conditional", "neutral"])
            ));
        }
        if rng.chance(25) && !actors.is_empty() {
            q.push(format!("speaker_id={}", rng.pick(&actors)));
        }
        if rng.chance(10) && !factions.is_empty() {
            q.push(format!("faction={}", rng.pick(&factions).replace(' ', "+")));
        }
        if rng.chance(10) && !outlets.is_empty() {
            q.push(format!("outlet={}", rng.pick(&outlets)));
        }
        if rng.chance(10) && !affiliations.is_empty() {
            q.push(format!(
                "affiliation={}",
                rng.pick(&affiliations).replace(' ', "+")
            ));
        }
        if rng.chance(30) {
            let year = 2019 + rng.below(7);
            q.push(format!("from={year}-01-01&to={year}-12-31"));
        }
        if rng.chance(20) {
            q.push(format!("offset={}", 50 * rng.below(5)));
        }
        uris.push(format!("/api/v1/statements?{}", q.join("&")));
    }
    let mut times = Vec::with_capacity(searches);
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut total_hits = 0u64;
    let router = router(app);
    rt.block_on(async {
        // The first request builds the search facets (once per write).
        let t = Instant::now();
        let _ = router
            .clone()
            .oneshot(Request::get(&uris[0]).body(Body::empty()).unwrap())
            .await;
        println!(
            "first search (loads the search facets of every statement): {:.0} ms",
            ms(t.elapsed())
        );
        for uri in &uris {
            let t = Instant::now();
            let res = router
                .clone()
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{uri}");
            let body = res.into_body().collect().await.unwrap().to_bytes();
            times.push(t.elapsed());
            slowest.push((t.elapsed(), uri.clone()));
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            total_hits += v["total"].as_u64().unwrap_or(0);
        }
    });
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "{} searches (GET /api/v1/statements, FTS + filters, 50 per page, JSON): \
         mean {:.2} ms, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} matches per search on average",
        times.len(),
        ms(mean),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.90)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap()),
        total_hits as f64 / times.len() as f64
    );
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (t, uri) in slowest.iter().take(5) {
        println!("  slow: {:.1} ms {uri}", ms(*t));
    }
    let p99 = ms(percentile(&times, 0.99));
    if let Some(k) = keep {
        std::fs::copy(&path, &k)?;
        let wal = path.with_extension("db-wal");
        if wal.exists() {
            std::fs::copy(&wal, format!("{k}-wal"))?;
        }
        println!("store copied to {k}");
    }
    println!(
        "target p99 < 50 ms: {}",
        if p99 < 50.0 { "met" } else { "NOT met" }
    );
    Ok(())
}
