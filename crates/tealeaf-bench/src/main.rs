//! tealeaf-bench: whole-process performance figures for tealeaf.
//!
//! * `extract`   — extraction throughput on a generated corpus, one thread and N threads
//! * `polnear`   — the same on the PolNeAR train texts (when the file exists)
//! * `linearity` — time for 1× and 10× inputs (a corpus, and one long document)
//! * `cold`      — pack loading + one article in a fresh process, and the
//!   whole `tealeaf extract FILE` process
//! * `ingest`    — the whole `tealeaf ingest DIR` process into a fresh store
//! * `queries`   — analyses and full-text search on a store of 1,000,000 statements
//!
//! MB is 10^6 bytes of UTF-8 article text (document bodies only).

mod queries;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use rayon::prelude::*;
use tealeaf_bench::generator::{self, Cast};
use tealeaf_core::document::{Meta, parse_date};
use tealeaf_core::{Document, Pack, extract};

mod ingest;

/// The allocator the `tealeaf` binary uses, so in-process figures match it.
#[global_allocator]
static ALLOCATOR: tealeaf_alloc::MiMalloc = tealeaf_alloc::MiMalloc;

#[derive(Parser)]
#[command(name = "tealeaf-bench", about = "Whole-process benchmarks for tealeaf")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Extraction throughput on a generated corpus (MB/s, 1 and N threads).
    Extract {
        /// Corpus size in MB (10^6 bytes of article text).
        #[arg(long, default_value_t = 50.0)]
        mb: f64,
        /// Threads for the parallel run (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Timed passes per configuration; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Also time extraction plus JSON-lines serialisation of the statements.
        #[arg(long)]
        with_json: bool,
    },
    /// Extraction throughput on the PolNeAR train texts (JSON lines with "text").
    Polnear {
        #[arg(long, default_value = "../shared/data/polnear/train.jsonl")]
        train: PathBuf,
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Does time grow linearly with input size? (1× and 10× inputs)
    Linearity {
        /// Size of the 1× corpus in MB.
        #[arg(long, default_value_t = 5.0)]
        mb: f64,
        /// Articles joined into the 1× long document (10× joins ten times as many).
        #[arg(long, default_value_t = 4)]
        parts: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Cold single-article cost: pack loading + one extract in a fresh process,
    /// and the whole `tealeaf extract FILE` process.
    Cold {
        /// Fresh processes per figure; median and minimum are reported.
        #[arg(long, default_value_t = 15)]
        runs: usize,
        /// The article (default: a generated one of about 5 KB).
        #[arg(long)]
        file: Option<PathBuf>,
        /// The tealeaf binary (default: target/release/tealeaf, or
        /// $CARGO_TARGET_DIR/release/tealeaf).
        #[arg(long)]
        tealeaf: Option<PathBuf>,
    },
    /// `tealeaf ingest` of a generated corpus (files) into a fresh store:
    /// MB/s, statements/s, peak RSS, the writer's share.
    Ingest(ingest::IngestArgs),
    /// Write a generated corpus as text files with a metadata header.
    Generate {
        #[arg(long, default_value_t = 1.0)]
        mb: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Analyses and full-text search on a large store (see src/queries.rs).
    Queries {
        /// The store: reused when it exists, else built there
        /// (default: $TMPDIR/tealeaf-queries.db).
        #[arg(long)]
        store: Option<PathBuf>,
        /// Statements to build at least.
        #[arg(long, default_value_t = 1_000_000)]
        statements: usize,
        /// Timed repetitions per query; median and p99 are reported.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value = "us-talks")]
        issue: String,
        /// The tealeaf binary, for whole-process and serve figures
        /// (default: target/release/tealeaf, or $CARGO_TARGET_DIR/release/tealeaf).
        #[arg(long)]
        tealeaf: Option<PathBuf>,
        /// Port for `tealeaf serve`.
        #[arg(long, default_value_t = 18_731)]
        port: u16,
    },
    /// (internal) one cold measurement: prints pack and extract times in ms.
    #[command(hide = true)]
    ColdChild {
        #[arg(long)]
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    // Large queries and batches reuse freed memory instead of faulting in
    // fresh pages each time (see the function).
    tealeaf_store::keep_freed_memory_for_reuse();
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Extract {
            mb,
            threads,
            runs,
            seed,
            with_json,
        } => cmd_extract(mb, threads, runs, seed, with_json),
        Cmd::Polnear {
            train,
            threads,
            runs,
        } => cmd_polnear(&train, threads, runs),
        Cmd::Linearity {
            mb,
            parts,
            runs,
            seed,
        } => cmd_linearity(mb, parts, runs, seed),
        Cmd::Cold {
            runs,
            file,
            tealeaf,
        } => cmd_cold(runs, file, tealeaf),
        Cmd::Ingest(args) => ingest::run(&args),
        Cmd::Generate { mb, seed, out } => cmd_generate(mb, seed, &out),
        Cmd::ColdChild { file } => cold_child(&file),
        Cmd::Queries {
            store,
            statements,
            runs,
            seed,
            issue,
            tealeaf,
            port,
        } => queries::run(&queries::Options {
            store,
            statements,
            runs,
            seed,
            issue,
            tealeaf: tealeaf.or_else(|| Some(default_tealeaf())),
            port,
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tealeaf-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

const MB: f64 = 1_000_000.0;

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// CPU seconds (user + system) used so far by this process, from
/// /proc/self/stat (clock ticks, 100 per second on Linux); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn bytes_of(docs: &[Document]) -> usize {
    docs.iter().map(|d| d.body.len()).sum()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Extracts every document on the current thread; returns the statement count.
fn run_serial(docs: &[Document], pack: &Pack) -> usize {
    docs.iter()
        .map(|d| std::hint::black_box(extract(d, pack)).len())
        .sum()
}

/// Extracts and writes every statement as a JSON line into a sink.
fn run_serial_json(docs: &[Document], pack: &Pack) -> usize {
    use std::io::Write;
    let mut sink = std::io::BufWriter::new(std::io::sink());
    let mut n = 0;
    for d in docs {
        for s in extract(d, pack) {
            serde_json::to_writer(&mut sink, &s).expect("serialise");
            sink.write_all(b"\n").expect("sink");
            n += 1;
        }
    }
    n
}

fn run_parallel(pool: &rayon::ThreadPool, docs: &[Document], pack: &Pack) -> usize {
    pool.install(|| {
        docs.par_iter()
            .map(|d| std::hint::black_box(extract(d, pack)).len())
            .sum()
    })
}

/// Runs `f` `runs` times; returns the wall seconds of each run and the last result.
fn timed(runs: usize, f: impl FnMut() -> usize) -> (Vec<f64>, usize) {
    let (wall, _, out) = timed_cpu(runs, f);
    (wall, out)
}

/// As [`timed`], also giving the process CPU seconds of each run.
fn timed_cpu(runs: usize, mut f: impl FnMut() -> usize) -> (Vec<f64>, Vec<f64>, usize) {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut out = 0;
    for _ in 0..runs.max(1) {
        let c = cpu_seconds();
        let t = Instant::now();
        out = f();
        wall.push(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c, cpu_seconds()) {
            cpu.push(b - a);
        }
    }
    (wall, cpu, out)
}

/// " (CPU time: X MB/s)" when CPU time was measured.
fn cpu_note(bytes: f64, cpu: &[f64]) -> String {
    if cpu.is_empty() {
        return String::new();
    }
    format!(
        ", {:.2} MB/s per CPU-second",
        bytes / MB / median(cpu.to_vec())
    )
}

struct Throughput {
    single_mbs: f64,
    parallel_mbs: f64,
    threads: usize,
}

/// The single-thread and N-thread figures for one corpus.
fn throughput(
    label: &str,
    docs: &[Document],
    pack: &Pack,
    threads: usize,
    runs: usize,
) -> anyhow::Result<Throughput> {
    let bytes = bytes_of(docs) as f64;
    println!(
        "{label}: {} documents, {:.2} MB, load average before: {}",
        docs.len(),
        bytes / MB,
        load_avg()
    );
    // Warm-up: caches, lazily built regexes, allocator.
    let warm = docs.len().min(50);
    run_serial(&docs[..warm], pack);

    let (secs, cpu, statements) = timed_cpu(runs, || run_serial(docs, pack));
    let single = bytes / MB / median(secs.clone());
    println!(
        "  1 thread : {single:8.2} MB/s  (median of {} runs, best {:.2} MB/s; {:.3} s; {} statements, {:.0} statements/s{})",
        secs.len(),
        bytes / MB / min(&secs),
        median(secs.clone()),
        statements,
        statements as f64 / median(secs.clone()),
        cpu_note(bytes, &cpu),
    );

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("building the thread pool")?;
    run_parallel(&pool, &docs[..warm], pack);
    let (psecs, pcpu, pstatements) = timed_cpu(runs, || run_parallel(&pool, docs, pack));
    anyhow::ensure!(
        pstatements == statements,
        "parallel run found {pstatements} statements, serial {statements}"
    );
    let parallel = bytes / MB / median(psecs.clone());
    println!(
        "  {threads} threads: {parallel:8.2} MB/s  (median of {} runs, best {:.2} MB/s; {:.3} s{})  speed-up {:.2}×",
        psecs.len(),
        bytes / MB / min(&psecs),
        median(psecs.clone()),
        cpu_note(bytes, &pcpu),
        parallel / single
    );
    println!("  load average after: {}", load_avg());
    Ok(Throughput {
        single_mbs: single,
        parallel_mbs: parallel,
        threads,
    })
}

fn cmd_extract(
    mb: f64,
    threads: Option<usize>,
    runs: usize,
    seed: u64,
    with_json: bool,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let pack = Pack::default_pack()?;
    let cast = Cast::from_pack(&pack);
    let docs = generator::generate_with(&cast, &pack, seed, (mb * MB) as usize);
    println!(
        "generated corpus (seed {seed}) in {:.2} s; {} cores",
        t.elapsed().as_secs_f64(),
        cores()
    );
    let threads = threads.unwrap_or_else(cores);
    let r = throughput("generated corpus", &docs, &pack, threads, runs)?;
    if with_json {
        let bytes = bytes_of(&docs) as f64;
        let (secs, n) = timed(runs, || run_serial_json(&docs, &pack));
        println!(
            "  1 thread, extract + JSON lines: {:8.2} MB/s ({n} statements serialised)",
            bytes / MB / median(secs)
        );
    }
    println!(
        "RESULT extract single_mb_s={:.2} threads={} parallel_mb_s={:.2} speedup={:.2}",
        r.single_mbs,
        r.threads,
        r.parallel_mbs,
        r.parallel_mbs / r.single_mbs
    );
    Ok(())
}

/// Documents from a JSON-lines file with "text" (and "id", "date") fields.
fn read_jsonl_texts(path: &Path) -> anyhow::Result<Vec<Document>> {
    let raw = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let mut docs = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), n + 1))?;
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        let id = v
            .get("id")
            .and_then(|t| t.as_str())
            .map_or_else(|| format!("line-{}", n + 1), str::to_string);
        let published = v.get("date").and_then(|t| t.as_str()).and_then(parse_date);
        docs.push(Document {
            source: id.clone(),
            id,
            body: text.to_string(),
            meta: Meta {
                published,
                ..Meta::default()
            },
        });
    }
    Ok(docs)
}

fn cmd_polnear(train: &Path, threads: Option<usize>, runs: usize) -> anyhow::Result<()> {
    if !train.exists() {
        println!(
            "polnear: {} not found; skipped (pass --train PATH to the PolNeAR train.jsonl)",
            train.display()
        );
        return Ok(());
    }
    let docs = read_jsonl_texts(train)?;
    if docs.is_empty() {
        bail!("{}: no documents with a \"text\" field", train.display());
    }
    let pack = Pack::default_pack()?;
    let threads = threads.unwrap_or_else(cores);
    let r = throughput(
        &format!("PolNeAR {}", train.display()),
        &docs,
        &pack,
        threads,
        runs,
    )?;
    println!(
        "RESULT polnear single_mb_s={:.2} threads={} parallel_mb_s={:.2} speedup={:.2}",
        r.single_mbs,
        r.threads,
        r.parallel_mbs,
        r.parallel_mbs / r.single_mbs
    );
    Ok(())
}

/// Mean seconds per call of `f`, calling it until at least `budget` has passed.
fn per_call(budget: Duration, mut f: impl FnMut() -> usize) -> f64 {
    let t = Instant::now();
    let mut calls = 0u32;
    while calls == 0 || t.elapsed() < budget {
        std::hint::black_box(f());
        calls += 1;
    }
    t.elapsed().as_secs_f64() / f64::from(calls)
}

fn cmd_linearity(mb: f64, parts: usize, runs: usize, seed: u64) -> anyhow::Result<()> {
    let pack = Pack::default_pack()?;
    let cast = Cast::from_pack(&pack);
    println!(
        "linearity (single thread), load average before: {}",
        load_avg()
    );

    // A corpus and one ten times its size (the same seed: the small one is a prefix).
    let small = generator::generate_with(&cast, &pack, seed, (mb * MB) as usize);
    let large = generator::generate_with(&cast, &pack, seed, (10.0 * mb * MB) as usize);
    run_serial(&small[..small.len().min(50)], &pack);
    let (s1, _) = timed(runs, || run_serial(&small, &pack));
    let (s10, _) = timed(runs, || run_serial(&large, &pack));
    let (b1, b10) = (bytes_of(&small) as f64, bytes_of(&large) as f64);
    let (t1, t10) = (median(s1), median(s10));
    let corpus_ratio = t10 / t1;
    println!(
        "  corpus  1×: {:7.2} MB in {t1:.3} s ({:.2} MB/s)",
        b1 / MB,
        b1 / MB / t1
    );
    println!(
        "  corpus 10×: {:7.2} MB in {t10:.3} s ({:.2} MB/s)",
        b10 / MB,
        b10 / MB / t10
    );
    println!(
        "  corpus time ratio {corpus_ratio:.2} for size ratio {:.2} → {:.3} (1.000 = linear)",
        b10 / b1,
        corpus_ratio / (b10 / b1)
    );

    // One long document: 1× and 10× as many articles joined.
    let d1 = generator::long_document(&cast, &pack, seed, parts);
    let d10 = generator::long_document(&cast, &pack, seed, parts * 10);
    let budget = Duration::from_millis(400 * runs as u64);
    let t1 = per_call(budget, || extract(&d1, &pack).len());
    let t10 = per_call(budget, || extract(&d10, &pack).len());
    let (b1, b10) = (d1.body.len() as f64, d10.body.len() as f64);
    let doc_ratio = t10 / t1;
    println!(
        "  document  1×: {:8.0} bytes in {:8.3} ms ({:.2} MB/s)",
        b1,
        t1 * 1e3,
        b1 / MB / t1
    );
    println!(
        "  document 10×: {:8.0} bytes in {:8.3} ms ({:.2} MB/s)",
        b10,
        t10 * 1e3,
        b10 / MB / t10
    );
    println!(
        "  document time ratio {doc_ratio:.2} for size ratio {:.2} → {:.3} (1.000 = linear)",
        b10 / b1,
        doc_ratio / (b10 / b1)
    );
    println!("  load average after: {}", load_avg());
    println!(
        "RESULT linearity corpus_ratio={corpus_ratio:.2} document_ratio={doc_ratio:.2} document_size_ratio={:.2}",
        b10 / b1
    );
    Ok(())
}

fn cold_child(file: &Path) -> anyhow::Result<()> {
    let body = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
    let t0 = Instant::now();
    let pack = Pack::default_pack()?;
    let t1 = Instant::now();
    let doc = Document {
        id: "cold".into(),
        source: file.display().to_string(),
        body,
        meta: Meta::default(),
    };
    let n = extract(&doc, &pack).len();
    let t2 = Instant::now();
    println!(
        "{} {} {n}",
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3
    );
    Ok(())
}

fn default_tealeaf() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let p = PathBuf::from(dir).join("release/tealeaf");
        if p.exists() {
            return p;
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/tealeaf")
}

fn ms_summary(xs: &[f64]) -> String {
    format!(
        "median {:7.2} ms, min {:7.2} ms",
        median(xs.to_vec()),
        min(xs)
    )
}

fn cmd_cold(runs: usize, file: Option<PathBuf>, tealeaf: Option<PathBuf>) -> anyhow::Result<()> {
    let generated = file.is_none();
    let file = match file {
        Some(f) => f,
        None => {
            // A generated article of about 5 KB.
            let docs = generator::generate(42, 200_000);
            let doc = docs
                .iter()
                .min_by_key(|d| d.body.len().abs_diff(5_000))
                .expect("documents");
            let path =
                std::env::temp_dir().join(format!("tealeaf-bench-cold-{}.txt", std::process::id()));
            std::fs::write(&path, &doc.body).with_context(|| path.display().to_string())?;
            path
        }
    };
    let size = std::fs::metadata(&file)
        .with_context(|| file.display().to_string())?
        .len();
    println!(
        "cold: article {} ({size} bytes), {runs} fresh processes each, load average before: {}",
        file.display(),
        load_avg()
    );

    let me = std::env::current_exe().context("locating tealeaf-bench")?;
    let (mut pack_ms, mut extract_ms, mut both_ms, mut proc_ms) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut statements = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = Command::new(&me)
            .arg("cold-child")
            .arg("--file")
            .arg(&file)
            .stderr(Stdio::inherit())
            .output()
            .context("running cold-child")?;
        proc_ms.push(t.elapsed().as_secs_f64() * 1e3);
        if !out.status.success() {
            bail!("cold-child failed: {}", out.status);
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<f64> = text
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(f64::NAN))
            .collect();
        anyhow::ensure!(f.len() == 3, "cold-child printed {text:?}");
        pack_ms.push(f[0]);
        extract_ms.push(f[1]);
        both_ms.push(f[0] + f[1]);
        statements = f[2] as usize;
    }
    println!("  Pack::default_pack()          : {}", ms_summary(&pack_ms));
    println!(
        "  extract (1 article, first)    : {}  ({statements} statements)",
        ms_summary(&extract_ms)
    );
    println!("  pack + extract, in process    : {}", ms_summary(&both_ms));
    println!("  tealeaf-bench child process   : {}", ms_summary(&proc_ms));

    let bin = tealeaf.unwrap_or_else(default_tealeaf);
    let mut whole = None;
    if bin.exists() {
        let mut ms = Vec::new();
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            let status = Command::new(&bin)
                .arg("extract")
                .arg(&file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .with_context(|| bin.display().to_string())?;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            if !status.success() {
                bail!(
                    "{} extract {} failed: {status}",
                    bin.display(),
                    file.display()
                );
            }
        }
        println!(
            "  `tealeaf extract FILE` process: {}  ({})",
            ms_summary(&ms),
            bin.display()
        );
        whole = Some(median(ms));
    } else {
        println!(
            "  `tealeaf extract FILE`: {} not found; build it with cargo build --release -p tealeaf",
            bin.display()
        );
    }
    println!("  load average after: {}", load_avg());
    if generated {
        std::fs::remove_file(&file).ok();
    }
    println!(
        "RESULT cold pack_ms={:.2} extract_ms={:.2} in_process_ms={:.2} tealeaf_process_ms={}",
        median(pack_ms),
        median(extract_ms),
        median(both_ms),
        whole.map_or("n/a".to_string(), |m| format!("{m:.2}"))
    );
    Ok(())
}

fn cmd_generate(mb: f64, seed: u64, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| out.display().to_string())?;
    let docs = generator::generate(seed, (mb * MB) as usize);
    for d in &docs {
        let mut text = String::new();
        if let Some(t) = &d.meta.title {
            text.push_str(&format!("title: {t}\n"));
        }
        if let Some(p) = &d.meta.published_raw {
            text.push_str(&format!("date: {p}\n"));
        }
        if let Some(o) = &d.meta.outlet {
            text.push_str(&format!("outlet: {o}\n"));
        }
        text.push('\n');
        text.push_str(&d.body);
        text.push('\n');
        let path = out.join(format!("{}.txt", d.id));
        std::fs::write(&path, text).with_context(|| path.display().to_string())?;
    }
    println!(
        "wrote {} documents, {:.2} MB of article text, to {}",
        docs.len(),
        bytes_of(&docs) as f64 / MB,
        out.display()
    );
    Ok(())
}
