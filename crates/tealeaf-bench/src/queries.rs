//! `tealeaf-bench queries`: analyses and full-text search on a large store.
//!
//! Builds (or reuses, `--store PATH`) a store of generated articles,
//! extracted and coded by `tealeaf_core::extract` and written with
//! `Store::ingest_document` (the rows are the real statements), then times:
//!
//! * in process, the code path of `tealeaf timeline|shifts|divergence --db`:
//!   `tealeaf_store::Store::issue_facts` and the core analysis, for the
//!   default page (200 items) and for the whole answer;
//! * full-text search as `Store::statements` with `filter.text` runs it;
//! * the whole `tealeaf timeline|shifts|divergence` process (`--tealeaf`);
//! * the serve API over HTTP on loopback (`tealeaf serve`, `--tealeaf`):
//!   analyses and statement search, each request timed from connect to the
//!   last byte.
//!
//! Each figure is the median and p99 of `--runs` repetitions.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rayon::prelude::*;
use tealeaf_core::analyses::{Bucket, Facts, GroupBy, Paging, ShiftFilter, fast};
use tealeaf_core::{Pack, extract};
use tealeaf_store::{StatementFilter, Store};

use tealeaf_bench::generator;

/// What `tealeaf-bench queries` was asked.
pub struct Options {
    /// Reuse this store when it exists, else build it there.
    pub store: Option<PathBuf>,
    /// Statements to build at least.
    pub statements: usize,
    pub runs: usize,
    pub seed: u64,
    pub issue: String,
    /// The tealeaf binary, for whole-process and serve figures.
    pub tealeaf: Option<PathBuf>,
    /// Port for `tealeaf serve`.
    pub port: u16,
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and p99 (nearest rank) of the times, in ms.
fn summary(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    let at = |p: f64| xs[(((xs.len() as f64) * p).ceil() as usize).clamp(1, xs.len()) - 1];
    (at(0.5), at(0.99))
}

/// Builds the store: articles generated in batches (about 2,000 statements
/// of text per batch), extracted in parallel, written one document per
/// transaction as `tealeaf ingest` does.
fn build(path: &Path, target: usize, seed: u64) -> anyhow::Result<()> {
    let pack = Pack::default_pack()?;
    let cast = generator::Cast::from_pack(&pack);
    let mut store = Store::open(path)?;
    let started = Instant::now();
    let mut rng = generator::SplitMix64::new(seed);
    let (mut statements, mut docs, mut bytes) = (0usize, 0usize, 0usize);
    let mut extract_s = 0.0;
    let mut write_s = 0.0;
    while statements < target {
        let seeds: Vec<(u64, usize)> = (0..256).map(|i| (rng.next_u64(), docs + i)).collect();
        let t = Instant::now();
        let batch: Vec<_> = seeds
            .par_iter()
            .map(|&(s, n)| {
                let doc = generator::article(&cast, &pack, s, format!("q-{seed}-{n}"));
                let st = extract(&doc, &pack);
                (doc, st)
            })
            .collect();
        extract_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (doc, st) in &batch {
            store.ingest_document(doc, st, &pack.info)?;
            statements += st.len();
            bytes += doc.body.len();
        }
        write_s += t.elapsed().as_secs_f64();
        docs += batch.len();
        if docs.is_multiple_of(10_240) {
            eprintln!(
                "  {docs} documents, {statements} statements, {:.0} MB, {:.0} s (load {})",
                bytes as f64 / 1e6,
                started.elapsed().as_secs_f64(),
                load_avg()
            );
        }
    }
    println!(
        "built {} : {docs} documents, {:.1} MB of text, {statements} statements in {:.0} s \
         (generate+extract {extract_s:.0} s, write {write_s:.0} s; load {})",
        path.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        load_avg()
    );
    Ok(())
}

/// Times `f` `runs` times (after one untimed warm-up run); prints and
/// gives (median, p99) in ms.
fn time(
    name: &str,
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<usize>,
) -> anyhow::Result<(f64, f64)> {
    let out = f()?;
    let mut xs = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f()?;
        xs.push(ms(t.elapsed()));
    }
    let (p50, p99) = summary(xs);
    println!(
        "  {name:<58} median {p50:>8.1} ms  p99 {p99:>8.1} ms  ({out} out; load {})",
        load_avg()
    );
    Ok((p50, p99))
}

/// How much the data gives the analyses to do.
fn describe(store: &Store, issue: &str) -> anyhow::Result<()> {
    let (on, dated, positioned, speakers, dates): (i64, i64, i64, i64, i64) =
        store.conn().query_row(
            "SELECT count(*), count(date), \
             sum(date IS NOT NULL AND stance IN ('support', 'conditional', 'oppose')), \
             count(DISTINCT coalesce(speaker_id, speaker)), count(DISTINCT date) \
             FROM statements WHERE topic = ?1",
            [issue],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    println!(
        "issue {issue}: {on} statements, {dated} dated, {positioned} dated with a position \
         (support, conditional, oppose), {speakers} speakers, {dates} distinct dates"
    );
    Ok(())
}

/// A GET request on loopback: (status, body length), read to the end.
fn get(port: u16, target: &str) -> anyhow::Result<(u16, usize)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let head = String::from_utf8_lossy(&buf[..buf.len().min(64)]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    Ok((status, buf.len()))
}

/// `tealeaf serve` on the store, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(tealeaf: &Path, store: &Path, port: u16) -> anyhow::Result<Server> {
    let child = Command::new(tealeaf)
        .args(["serve", "--db"])
        .arg(store)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run {}", tealeaf.display()))?;
    let server = Server(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("tealeaf serve did not start listening on port {port}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(server)
}

/// `tealeaf-bench queries`.
pub fn run(o: &Options) -> anyhow::Result<()> {
    let path = o
        .store
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("tealeaf-queries.db"));
    if !path.exists() {
        build(&path, o.statements, o.seed)?;
    }
    let t = Instant::now();
    let store = Store::open(&path)?;
    let open_ms = ms(t.elapsed());
    let (documents, statements) = store.counts()?;
    println!(
        "store {}: {documents} documents, {statements} statements; opened (migrations \
         included) in {open_ms:.0} ms; load {}",
        path.display(),
        load_avg()
    );
    let issue = o.issue.as_str();
    describe(&store, issue)?;
    let pack = Pack::default_pack()?;

    // The first run after a write builds the facts from the statements.
    store
        .conn()
        .execute("DELETE FROM issue_facts WHERE issue = ?1", [issue])?;
    let t = Instant::now();
    let f = store.issue_facts(issue)?;
    println!(
        "facts of {issue} built from the statements in {:.0} ms ({} rows; load {})",
        ms(t.elapsed()),
        f.facts.len(),
        load_avg()
    );
    println!(
        "in process (the code path of `tealeaf timeline|shifts|divergence --db`), {} runs:",
        o.runs
    );
    let (facts_bytes, ids_bytes): (i64, i64) = store.conn().query_row(
        "SELECT length(facts), length(ids) FROM issue_facts WHERE issue = ?1",
        [issue],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    println!(
        "stored copy: facts {:.1} MB ({:.1} bytes per row), ids {:.1} MB",
        facts_bytes as f64 / 1e6,
        facts_bytes as f64 / f.facts.len().max(1) as f64,
        ids_bytes as f64 / 1e6
    );
    let runs = o.runs;
    let mut rows = Vec::new();
    rows.push((
        "issue_facts".to_string(),
        time("issue_facts (stored copy read)", runs, || {
            Ok(store.issue_facts(issue)?.facts.len())
        })?,
    ));
    // The default page of the CLI and the API, then the whole answer.
    let default_page = Paging::new(0, Some(200));
    for (suffix, paging) in [("", default_page), ("_all", Paging::ALL)] {
        let what = if suffix.is_empty() {
            "page of 200"
        } else {
            "whole"
        };
        type Run<'a> = Box<dyn Fn(&Facts) -> usize + 'a>;
        let analyses: [(&str, &str, Run); 3] = [
            (
                "timeline",
                ", actor, week",
                Box::new(|f| {
                    fast::timeline_page(f, &pack, GroupBy::Actor, Bucket::Week, paging).total
                }),
            ),
            (
                "shifts",
                "",
                Box::new(|f| fast::shifts_page(f, ShiftFilter::default(), paging).total),
            ),
            (
                "divergence",
                ", Iran, week",
                Box::new(|f| fast::divergence_page(f, &pack, "Iran", Bucket::Week, paging).total),
            ),
        ];
        for (name, how, run) in &analyses {
            let t = time(
                &format!("{name} {what} (issue_facts + fast{how})"),
                runs,
                || Ok(run(&store.issue_facts(issue)?.facts)),
            )?;
            rows.push((format!("{name}{suffix}"), t));
        }
    }

    println!("full-text search, Store::statements with filter.text, {runs} runs:");
    for (key, name, q, limit) in [
        ("search_rare", "rare word, limit 50", "Muscat", Some(50)),
        ("search_common", "common word, limit 50", "talks", Some(50)),
        (
            "search_two",
            "two common words, limit 50",
            "sanctions talks",
            Some(50),
        ),
        (
            "search_filtered",
            "common word, speaker and issue, limit 50",
            "talks",
            Some(50),
        ),
    ] {
        let mut filter = StatementFilter {
            text: Some(q.to_string()),
            limit,
            ..Default::default()
        };
        if name.contains("speaker") {
            filter.speaker_id = Some("abbas-araghchi".into());
            filter.topic = Some(issue.to_string());
        }
        let t = time(&format!("search {q:?} ({name})"), runs, || {
            Ok(store.statements(&filter)?.len())
        })?;
        rows.push((key.to_string(), t));
    }
    drop(store);

    if let Some(tealeaf) = o.tealeaf.as_deref().filter(|t| t.exists()) {
        let proc_runs = runs.min(10);
        println!("whole process ({}), {proc_runs} runs:", tealeaf.display());
        for args in [
            vec!["timeline", "--issue", issue],
            vec!["shifts", "--issue", issue],
            vec!["divergence", "--issue", issue],
            vec!["timeline", "--issue", issue, "--format", "json"],
            vec!["shifts", "--issue", issue, "--format", "json"],
            vec!["timeline", "--issue", issue, "--limit", "all"],
            vec!["shifts", "--issue", issue, "--limit", "all"],
            vec!["divergence", "--issue", issue, "--limit", "all"],
        ] {
            time(
                &format!("tealeaf {} > /dev/null", args.join(" ")),
                proc_runs,
                || {
                    let st = Command::new(tealeaf)
                        .args(&args)
                        .arg("--db")
                        .arg(&path)
                        .stdout(Stdio::null())
                        .status()?;
                    anyhow::ensure!(st.success(), "tealeaf {args:?} failed");
                    Ok(0)
                },
            )?;
        }
        println!("tealeaf serve, HTTP on loopback, {runs} runs (first request untimed, shown):");
        let server = serve(tealeaf, &path, o.port)?;
        for target in [
            "/api/v1/statements?q=talks&limit=50".to_string(),
            "/api/v1/statements?q=talks&limit=50&offset=5000".to_string(),
            "/api/v1/statements?q=Muscat&limit=50".to_string(),
            format!("/api/v1/statements?q=sanctions%20talks&issue={issue}&limit=50"),
            format!("/api/v1/timeline?issue={issue}"),
            format!("/api/v1/shifts?issue={issue}"),
            format!("/api/v1/divergence?issue={issue}"),
            format!("/api/v1/timeline?issue={issue}&limit=all"),
            format!("/api/v1/shifts?issue={issue}&limit=all"),
            format!("/api/v1/divergence?issue={issue}&limit=all"),
        ] {
            let t = Instant::now();
            let (status, bytes) = get(o.port, &target)?;
            println!(
                "  first {target}: {status}, {bytes} bytes in {:.0} ms",
                ms(t.elapsed())
            );
            if status != 200 {
                println!("  (not timed: HTTP {status})");
                continue;
            }
            time(&format!("GET {target}"), runs, || {
                let (status, bytes) = get(o.port, &target)?;
                anyhow::ensure!(status == 200, "{target}: HTTP {status}");
                Ok(bytes)
            })?;
        }
        drop(server);
    }
    let summary: Vec<String> = rows
        .iter()
        .map(|(n, (p50, p99))| format!("{n}={p50:.1}/{p99:.1}ms"))
        .collect();
    println!(
        "RESULT queries statements={statements} issue={issue} rows={} {} load={}",
        f.facts.len(),
        summary.join(" "),
        load_avg().replace(' ', ",")
    );
    Ok(())
}
