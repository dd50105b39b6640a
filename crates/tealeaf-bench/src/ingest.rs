//! `tealeaf-bench ingest`: the whole `tealeaf ingest` process on a directory
//! of generated article files, into a fresh store.
//!
//! Reports wall and CPU time, MB/s of article text, statements/s (counted
//! from the store afterwards), the child's peak RSS, and the writer
//! thread's own share (the ingest prints it with the hidden flag
//! `--bench-stats`). `--no-store` runs the same ingest with a writer that drops what it
//! receives, to separate reading and extraction from writing. `--baseline
//! OLD --rounds N` alternates two builds at the same moments and prints
//! both medians: the way to compare builds on a machine whose speed drifts.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use rayon::prelude::*;
use tealeaf_bench::generator::{self, Cast, SplitMix64};
use tealeaf_core::{Document, Pack};
use tealeaf_store::Store;

use crate::{MB, default_tealeaf, load_avg};

/// Files per sub-directory of a generated corpus (directories of a few
/// thousand entries stay quick to list).
const FILES_PER_DIR: usize = 1000;
/// Articles generated in parallel between two checks of the size reached.
const GENERATE_BATCH: usize = 512;
/// How often the child's memory is sampled.
const POLL: Duration = Duration::from_millis(10);
/// Records the corpus a directory holds, so a later run can reuse it.
const MARKER: &str = ".tealeaf-bench-corpus";

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Corpus size in MB (10^6 bytes of article text).
    #[arg(long, default_value_t = 100.0)]
    mb: f64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the article files go (kept and reused when they match the
    /// size and seed; default: a directory under the system temp dir,
    /// removed afterwards).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// The store to create (deleted first if it exists; default: beside
    /// the corpus, removed afterwards).
    #[arg(long)]
    db: Option<PathBuf>,
    /// The tealeaf binary (default: target/release/tealeaf, or
    /// $CARGO_TARGET_DIR/release/tealeaf).
    #[arg(long)]
    tealeaf: Option<PathBuf>,
    /// RAYON_NUM_THREADS for the child (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Extract and drop: the writer stores nothing.
    #[arg(long)]
    no_store: bool,
    /// Keep the store afterwards (the corpus is kept whenever --corpus is given).
    #[arg(long)]
    keep: bool,
    /// Another tealeaf binary to compare with: each round runs it and then
    /// `--tealeaf`, on the same corpus into a fresh store, so both see
    /// the machine at the same moments (this VM's speed drifts by a
    /// quarter within the hour); medians of both are printed at the end.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Rounds with `--baseline` (each runs both binaries once).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

pub fn run(a: &IngestArgs) -> anyhow::Result<()> {
    let bin = a.tealeaf.clone().unwrap_or_else(default_tealeaf);
    ensure!(
        bin.exists(),
        "{} not found; build it with cargo build --release -p tealeaf",
        bin.display()
    );
    let temp = std::env::temp_dir().join(format!("tealeaf-bench-ingest-{}", std::process::id()));
    let corpus = a.corpus.clone().unwrap_or_else(|| temp.join("corpus"));
    let (docs, bytes) = ensure_corpus(&corpus, a.mb, a.seed)?;
    let db = a.db.clone().unwrap_or_else(|| {
        let parent = corpus.parent().unwrap_or(Path::new("."));
        parent.join(format!("ingest-{}.db", std::process::id()))
    });
    remove_store(&db);

    println!(
        "ingest: {docs} files, {:.2} MB of article text in {}; store {}{}; load average before: {}",
        bytes as f64 / MB,
        corpus.display(),
        db.display(),
        if a.no_store { " (--no-store)" } else { "" },
        load_avg()
    );
    if let Some(baseline) = &a.baseline {
        ensure!(baseline.exists(), "{} not found", baseline.display());
        return compare(a, baseline, &bin, &corpus, &db, bytes, &temp);
    }
    let child = run_child(&bin, &corpus, &db, a)?;
    let statements = if a.no_store {
        child.writer.as_ref().map_or(0, |w| w.statements)
    } else {
        Store::open(&db)?.counts()?.1
    };
    let store_bytes = std::fs::metadata(&db).map_or(0, |m| m.len());

    let mbs = bytes as f64 / MB / child.wall;
    let sps = statements as f64 / child.wall;
    println!(
        "  wall {:.2} s, CPU {:.2} s (user+system of the child; {:.2} cores busy)",
        child.wall,
        child.cpu,
        child.cpu / child.wall
    );
    println!(
        "  {mbs:.2} MB/s, {statements} statements, {sps:.0} statements/s; {:.2} MB per CPU-second",
        bytes as f64 / MB / child.cpu
    );
    println!(
        "  peak RSS {:.1} MB (VmHWM, sampled every {} ms); store {:.1} MB",
        child.peak_rss_kb as f64 / 1024.0,
        POLL.as_millis(),
        store_bytes as f64 / MB
    );
    // With --no-store the writer only drops documents: nothing to report.
    let writer = match &child.writer {
        Some(w) if !a.no_store => {
            println!(
                "  writer thread: busy {:.2} s of {:.2} s ({:.0} statements/s while busy), \
                 CPU {:.2} s ({:.0} statements per CPU-second), {} transactions{}",
                w.busy,
                child.wall,
                w.statements as f64 / w.busy.max(1e-9),
                w.cpu,
                w.statements as f64 / w.cpu.max(1e-9),
                w.transactions,
                match w.bulk_load {
                    Some(true) => ", bulk loaded",
                    Some(false) => ", through the log",
                    None => "",
                }
            );
            format!(
                " writer_busy_s={:.2} writer_statements_s={:.0} writer_cpu_s={:.2} \
                 writer_statements_per_cpu_s={:.0}",
                w.busy,
                w.statements as f64 / w.busy.max(1e-9),
                w.cpu,
                w.statements as f64 / w.cpu.max(1e-9)
            )
        }
        _ => String::new(),
    };
    println!("  load average after: {}", load_avg());
    println!(
        "RESULT ingest mb={:.1} store={} wall_s={:.2} cpu_s={:.2} mb_s={mbs:.2} statements={statements} \
         statements_s={sps:.0} peak_rss_mb={:.1}{writer}",
        bytes as f64 / MB,
        !a.no_store,
        child.wall,
        child.cpu,
        child.peak_rss_kb as f64 / 1024.0,
    );

    if !a.keep {
        remove_store(&db);
    }
    if a.corpus.is_none() {
        std::fs::remove_dir_all(&temp).ok();
    }
    Ok(())
}

/// `--baseline`: alternating rounds of the baseline and `bin`, each run's
/// figures as it ends, then the medians side by side.
fn compare(
    a: &IngestArgs,
    baseline: &Path,
    bin: &Path,
    corpus: &Path,
    db: &Path,
    bytes: usize,
    temp: &Path,
) -> anyhow::Result<()> {
    let mb = bytes as f64 / MB;
    let builds = [("baseline", baseline), ("tealeaf", bin)];
    let mut walls: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut statements = [0usize; 2];
    for round in 1..=a.rounds.max(1) {
        for (i, (name, path)) in builds.iter().enumerate() {
            remove_store(db);
            let child = run_child(path, corpus, db, a)?;
            // From the writer's own count: a baseline may write a store
            // version this build cannot open.
            let n = child.writer.as_ref().map_or(0, |w| w.statements);
            statements[i] = n;
            walls[i].push(child.wall);
            println!(
                "  round {round} {name}: wall {:.2} s, {:.2} MB/s, {:.0} statements/s, \
                 CPU {:.2} s, peak RSS {:.1} MB",
                child.wall,
                mb / child.wall,
                n as f64 / child.wall,
                child.cpu,
                child.peak_rss_kb as f64 / 1024.0
            );
        }
    }
    println!("  load average after: {}", load_avg());
    for (i, (name, path)) in builds.iter().enumerate() {
        let median = median(&mut walls[i]);
        let min = walls[i].first().copied().unwrap_or(f64::NAN);
        println!(
            "RESULT ingest-compare build={name} bin={} mb={mb:.1} rounds={} median_wall_s={median:.3} \
             min_wall_s={min:.3} median_mb_s={:.2} median_statements_s={:.0} statements={}",
            path.display(),
            walls[i].len(),
            mb / median,
            statements[i] as f64 / median,
            statements[i]
        );
    }
    remove_store(db);
    if a.corpus.is_none() {
        std::fs::remove_dir_all(temp).ok();
    }
    Ok(())
}

/// The median of `xs` (sorted in place; NaN when empty).
fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn remove_store(db: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(ext);
        std::fs::remove_file(PathBuf::from(p)).ok();
    }
}

/// What the child did.
struct Child {
    wall: f64,
    cpu: f64,
    peak_rss_kb: u64,
    writer: Option<WriterStats>,
}

/// The writer's line, printed by `tealeaf ingest --bench-stats` (or
/// `--bench-discard`): `tealeaf ingest bench: writer busy_s=… statements=… transactions=…`.
struct WriterStats {
    busy: f64,
    cpu: f64,
    statements: usize,
    transactions: usize,
    /// Whether the store was bulk loaded (`None` from builds before the
    /// bulk load, which do not say).
    bulk_load: Option<bool>,
}

fn parse_writer(stderr: &str) -> Option<WriterStats> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("tealeaf ingest bench: writer"))?;
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
    };
    Some(WriterStats {
        busy: field("busy_s")?.parse().ok()?,
        cpu: field("cpu_s")?.parse().ok()?,
        statements: field("statements")?.parse().ok()?,
        transactions: field("transactions")?.parse().ok()?,
        bulk_load: field("bulk_load").and_then(|v| v.parse().ok()),
    })
}

fn run_child(bin: &Path, corpus: &Path, db: &Path, a: &IngestArgs) -> anyhow::Result<Child> {
    let mut cmd = Command::new(bin);
    cmd.arg("ingest")
        .arg(corpus)
        .arg("--db")
        .arg(db)
        .arg(if a.no_store {
            "--bench-discard"
        } else {
            "--bench-stats"
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(n) = a.threads {
        cmd.env("RAYON_NUM_THREADS", n.to_string());
    }
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let mut child = cmd.spawn().with_context(|| bin.display().to_string())?;
    // Read stderr on a thread so a chatty child never blocks on a full pipe.
    let mut err = child.stderr.take().context("the child's stderr")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_rss_kb = 0;
    let status = loop {
        // VmHWM is the kernel's own high-water mark, so sampling misses
        // nothing but what the last interval adds.
        if let Some(kb) = vm_hwm_kb(&status_path) {
            peak_rss_kb = peak_rss_kb.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(POLL);
    };
    let wall = started.elapsed().as_secs_f64();
    let cpu = match (cpu_before, children_cpu_seconds()) {
        (Some(b), Some(e)) => e - b,
        _ => f64::NAN,
    };
    let stderr = reader.join().unwrap_or_default();
    if !status.success() {
        bail!("{} ingest failed ({status}):\n{stderr}", bin.display());
    }
    Ok(Child {
        wall,
        cpu,
        peak_rss_kb,
        writer: parse_writer(&stderr),
    })
}

fn vm_hwm_kb(status_path: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_path).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU seconds (user + system) of this process's waited-for children, from
/// /proc/self/stat (cutime and cstime, the 16th and 17th fields).
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(13)?.parse::<f64>().ok()? + f.get(14)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Makes `dir` hold the generated corpus of `mb` MB and `seed` (reusing it
/// when its marker says so); gives its file count and article bytes.
fn ensure_corpus(dir: &Path, mb: f64, seed: u64) -> anyhow::Result<(usize, usize)> {
    let marker = dir.join(MARKER);
    let wanted = format!("seed={seed} target_bytes={}", (mb * MB) as usize);
    if let Ok(text) = std::fs::read_to_string(&marker) {
        let mut lines = text.lines();
        if lines.next() == Some(wanted.as_str())
            && let Some((docs, bytes)) = lines.next().and_then(|l| l.split_once(' '))
        {
            println!("reusing the corpus in {}", dir.display());
            return Ok((docs.parse()?, bytes.parse()?));
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    let t = Instant::now();
    let (docs, bytes) = write_corpus(dir, mb, seed)?;
    std::fs::write(&marker, format!("{wanted}\n{docs} {bytes}\n"))
        .with_context(|| marker.display().to_string())?;
    println!(
        "wrote {docs} files ({:.2} MB of article text) to {} in {:.1} s",
        bytes as f64 / MB,
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    Ok((docs, bytes))
}

/// The documents of `generator::generate_with` (same seeds, ids and
/// stopping point), made and written a batch at a time so a large corpus
/// never sits in memory.
fn write_corpus(dir: &Path, mb: f64, seed: u64) -> anyhow::Result<(usize, usize)> {
    let pack = Pack::default_pack()?;
    let cast = Cast::from_pack(&pack);
    let target = (mb * MB) as usize;
    let mut rng = SplitMix64::new(seed);
    let (mut docs, mut bytes) = (0usize, 0usize);
    while bytes < target {
        let seeds: Vec<u64> = (0..GENERATE_BATCH).map(|_| rng.next_u64()).collect();
        let batch: Vec<Document> = seeds
            .par_iter()
            .enumerate()
            .map(|(i, &s)| generator::article(&cast, &pack, s, format!("gen-{seed}-{}", docs + i)))
            .collect();
        // As generate_with: stop after the article that reaches the target.
        for d in &batch {
            if bytes >= target {
                break;
            }
            write_article(dir, docs, d)?;
            bytes += d.body.len();
            docs += 1;
        }
    }
    Ok((docs, bytes))
}

fn write_article(dir: &Path, n: usize, d: &Document) -> anyhow::Result<()> {
    let sub = dir.join(format!("d{:04}", n / FILES_PER_DIR));
    if n.is_multiple_of(FILES_PER_DIR) {
        std::fs::create_dir_all(&sub).with_context(|| sub.display().to_string())?;
    }
    let path = sub.join(format!("{}.txt", d.id));
    let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
    let mut w = BufWriter::new(file);
    // The header `tealeaf-bench generate` writes.
    if let Some(t) = &d.meta.title {
        writeln!(w, "title: {t}")?;
    }
    if let Some(p) = &d.meta.published_raw {
        writeln!(w, "date: {p}")?;
    }
    if let Some(o) = &d.meta.outlet {
        writeln!(w, "outlet: {o}")?;
    }
    writeln!(w)?;
    writeln!(w, "{}", d.body)?;
    w.flush().with_context(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::{median, parse_writer};

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn the_writer_line_is_read_with_or_without_the_bulk_load_field() {
        let new = "x\ntealeaf ingest bench: writer busy_s=1.5 cpu_s=1.25 statements=10 \
                   transactions=2 checkpoints_passive=0 checkpoints_restart=0 bulk_load=true\n";
        let w = parse_writer(new).unwrap();
        assert_eq!(
            (w.busy, w.cpu, w.statements, w.transactions),
            (1.5, 1.25, 10, 2)
        );
        assert_eq!(w.bulk_load, Some(true));
        let old = "tealeaf ingest bench: writer busy_s=1 cpu_s=1 statements=3 transactions=1";
        assert_eq!(parse_writer(old).unwrap().bulk_load, None);
        assert!(parse_writer("tealeaf ingest: 3 document(s) new").is_none());
    }
}
