//! `tealeaf ingest` and `tealeaf recode`: documents into the store.
//!
//! Ingest reads files, directories (recursively), JSON lines, HTML, RSS and
//! Atom feeds (each item a document) and http(s) URLs; extracts statements
//! in parallel (rayon); and writes from one thread, through a bounded
//! channel so memory stays flat however large the corpus. The extracting
//! threads also hash and encode each document ([`PreparedDocument`]), so the
//! writer only writes, each document as it arrives, into one transaction per
//! batch (a few thousand statements, or what arrived within [`BATCH_TIME`]
//! while documents kept coming): an interrupted ingest leaves whole documents
//! only, and a re-run adds only what is missing.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SendError, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use tealeaf_core::document::{self, Document, Format, Meta};
use tealeaf_core::{Pack, Statement, extract};
use tealeaf_store::{
    BatchWriter, ContentHash, IngestOutcome, PreparedDocument, RunCounts, RunKind, Store,
};

use crate::inputs::{Limits, MAX_FILE_BYTES, read_file_with};

/// Messages in flight between the extractors and the writer. The writer
/// takes no message while it writes a batch (≈ 0.1–0.3 s), so the channel
/// must hold what the extractors make meanwhile or they stop: 64 left them
/// idle half of that time (1.34 of 2 cores busy; 256: 1.5 cores, 3.0 → 3.6
/// MB/s on 20 MB). A batch of [`BATCH_STATEMENTS`] is about 350 generated
/// articles, more than 256 messages: once extraction got faster, sampling
/// showed whole 0.2 s stretches with only the writer running, and 512
/// messages took 20 MB from 5.5–6.3 to 6.1–6.9 MB/s (1,024: 6.4–6.9, with
/// 176 MB peak RSS at 1 GB). A prepared article with its statements and
/// their JSON is tens of KB, so this is ≈ 10–40 MB at most.
const CHANNEL_CAPACITY: usize = 512;
/// A batch is written once it holds this many statements...
const BATCH_STATEMENTS: usize = 16_384;
/// ...or `--batch-documents` documents (1,024 by default)...
/// ...or, once its first document has waited this long, as soon as no other
/// document is waiting (so readers see progress and a slow input does not
/// hold finished documents back). At the end of an ingest the last batch,
/// and the checkpoint after it, are written with one core idle: 50 ms
/// instead of 100 made them smaller (PolNeAR train, 15 alternating runs:
/// median 0.316 -> 0.303 s) without more transactions while the writer is
/// the bottleneck (20 MB generated: 13, median 2.83 -> 2.80 s); 25 ms
/// took 20 MB to 20 transactions and no faster.
const BATCH_TIME: Duration = Duration::from_millis(50);
/// Work shorter than this shows no progress bar.
const PROGRESS_AFTER: Duration = Duration::from_millis(800);
/// Documents recoded per parallel batch.
const RECODE_BATCH: usize = 64;
/// How long a URL may take, connection to last byte.
const URL_TIMEOUT: Duration = Duration::from_secs(60);

/// One thing to ingest.
#[derive(Debug, Clone)]
enum Input {
    File(PathBuf),
    Url(String),
}

/// From an extractor to the writer.
enum Msg {
    /// A document and its statements, to store.
    Doc(Box<PreparedDocument>),
    /// A document whose content hash was stored before this run began.
    Known,
    /// A path, file, feed item or record that could not be read; `input`
    /// orders the report.
    Failed {
        input: (Order, usize),
        reason: String,
    },
    /// Everything of one input has been sent.
    InputDone,
}

fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `tealeaf ingest PATH-or-URL... [--db FILE] [--pack FILE]`.
pub fn ingest(
    args: &[String],
    db: &Path,
    pack: Option<&Path>,
    limits: &Limits,
    options: WriterOptions,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // SAFETY: `tealeaf ingest` runs one command per process, and this is
    // before it opens its store or starts a thread: nothing else uses
    // SQLite yet. If something had, the call only fails, harmlessly.
    unsafe {
        tealeaf_store::skip_memory_statistics();
    }
    let pack = super::load_pack(pack)?;
    let mut store = Store::open(db)?;
    store.tune_for_bulk_writes()?;

    let mut urls = Vec::new();
    let mut paths = Vec::new();
    for a in args {
        if is_url(a) {
            urls.push(Input::Url(a.clone()));
        } else {
            paths.push(PathBuf::from(a));
        }
    }
    let accept =
        |p: &Path| document::format_for_path(&p.to_string_lossy()).is_some() || is_feed_file(p);
    // URLs first, then the files, found as the extractors ask for them (no
    // list of every path): `Err` is a path that cannot be walked.
    let files = crate::inputs::prefetched(crate::inputs::visit_files_where(&paths, &accept));
    let inputs = urls
        .into_iter()
        .map(Ok)
        .chain(files.map(|f| f.map(Input::File)));

    let known = store.content_hashes()?;
    let run = store.start_run(RunKind::Ingest, &pack.info)?;
    let progress = Progress::new("inputs");

    let extractors = extractor_pool()?;
    let (tx, rx) = sync_channel::<Msg>(CHANNEL_CAPACITY);
    let (counts, written) = std::thread::scope(|s| {
        let (progress, info, pack, known) = (&progress, &pack.info, &pack, &known);
        // Named, so profiles and `top -H` tell it from the extractors.
        let writer = std::thread::Builder::new()
            .name("tealeaf-writer".into())
            .spawn_scoped(s, move || {
                write_all(&mut store, rx, info, run, progress, options)
            })
            .context("cannot start the writer thread")?;
        // An Err here means the writer stopped (its error is reported below).
        // `par_bridge` hands the inputs out in walk order, one at a time.
        let _ = extractors.install(|| {
            inputs
                .enumerate()
                .par_bridge()
                .try_for_each_with(tx, |tx, (i, input)| match input {
                    Ok(input) => {
                        produce(i, &input, pack, known, limits, tx)?;
                        tx.send(Msg::InputDone).map_err(|_| ())
                    }
                    // Sorted before the documents' failures, as before the walk
                    // was lazy, in walk order.
                    Err(reason) => tx
                        .send(Msg::Failed {
                            input: (Order::Path, i),
                            reason,
                        })
                        .map_err(|_| ()),
                })
        });
        writer.join().expect("the writer thread panicked")
    })?;
    progress.finish();

    let mut failures = written;
    // Paths that cannot be walked first, then input order.
    failures.sort_by_key(|(i, _)| *i);
    for (_, reason) in &failures {
        eprintln!("tealeaf: {reason}");
    }
    eprintln!(
        "tealeaf ingest: {} document(s) new, {} unchanged, {} failed; {} statement(s) written \
         to {} \
         (pack {} {}, {:.1} s)",
        counts.documents_new,
        counts.documents_unchanged,
        failures.len(),
        counts.statements,
        db.display(),
        pack.info.id,
        pack.info.version,
        started.elapsed().as_secs_f64()
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The threads that read and extract, one per core, each at a lower
/// scheduling priority than the writer. The writer is one thread that
/// every document passes through; when the cores are all busy it must not
/// wait for a turn behind the extractors, whose work can wait in the queue.
fn extractor_pool() -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("tealeaf-extract-{i}"))
        .start_handler(|_| lower_this_threads_priority())
        .build()
        .context("cannot start the extracting threads")
}

/// Nice value of the extracting threads: the writer, at 0, then gets
/// about three times their share of a core when both want one.
const EXTRACTOR_NICENESS: i32 = 5;

#[cfg(target_os = "linux")]
fn lower_this_threads_priority() {
    // On Linux a nice value belongs to a thread, named by its id. Raising
    // one's own nice value needs no privilege; if it fails, the thread
    // only keeps the normal priority.
    // SAFETY: plain system calls on the calling thread, no pointers.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, EXTRACTOR_NICENESS);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {}

/// A failure to report: where it sorts, and the message.
type Failure = ((Order, usize), String);

/// How failures are ordered in the report: paths that cannot be walked
/// (missing, unreadable directories) before what failed inside an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Order {
    Path,
    Input,
}

/// Reads one input and sends its documents, extracted, to the writer. An
/// `Err` means the writer has stopped.
fn produce(
    index: usize,
    input: &Input,
    pack: &Pack,
    known: &HashSet<ContentHash>,
    limits: &Limits,
    tx: &SyncSender<Msg>,
) -> Result<(), ()> {
    let send = |tx: &mut SyncSender<Msg>, d: Result<Document, String>| {
        let msg = match d.and_then(|doc| limits.check_document(doc)) {
            Ok(doc) => prepare(doc, pack, known, limits),
            Err(reason) => Err(reason),
        };
        tx.send(msg.unwrap_or_else(|reason| Msg::Failed {
            input: (Order::Input, index),
            reason,
        }))
    };
    let docs = match input {
        Input::File(p) if is_json_lines(p) => return produce_records(p, limits, tx, send),
        Input::File(p) => read_input_file(p, limits),
        Input::Url(u) => read_url(u),
    };
    docs.into_par_iter()
        .try_for_each_with(tx.clone(), send)
        .map_err(|_| ())
}

/// A JSON lines file's records, each parsed by the thread that extracts
/// it: they were all parsed first, on one thread, while the other cores
/// waited (PolNeAR train: about a tenth of the whole ingest).
fn produce_records(
    path: &Path,
    limits: &Limits,
    tx: &SyncSender<Msg>,
    send: impl Fn(&mut SyncSender<Msg>, Result<Document, String>) -> Result<(), SendError<Msg>>
    + Sync
    + Send,
) -> Result<(), ()> {
    let name = path.display().to_string();
    let read = crate::inputs::read_within_limits(path, limits, true);
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(reason) => return send(&mut tx.clone(), Err(reason)).map_err(|_| ()),
    };
    match document::jsonl::lines(&name, &bytes) {
        Ok(lines) => (0..lines.len())
            .into_par_iter()
            .try_for_each_with(tx.clone(), |tx, i| {
                send(tx, lines.record(i).map_err(|e| e.to_string()))
            })
            .map_err(|_| ()),
        Err(e) => send(&mut tx.clone(), Err(e.to_string())).map_err(|_| ()),
    }
}

/// A file read as JSON lines (by its extension), not as a feed.
fn is_json_lines(p: &Path) -> bool {
    document::format_for_path(&p.to_string_lossy()) == Some(Format::JsonLines)
}

/// One document's message: `Known`, or extracted and prepared for the
/// writer; an error names the document.
fn prepare(
    doc: Document,
    pack: &Pack,
    known: &HashSet<ContentHash>,
    limits: &Limits,
) -> Result<Msg, String> {
    let hash = ContentHash::of(&doc);
    if known.contains(&hash) {
        return Ok(Msg::Known);
    }
    let (statements, warning) = limits.extract(&doc, pack);
    if let Some(w) = warning {
        eprintln!("tealeaf: warning: {w}");
    }
    let name = format!("{}: document {}", doc.source, doc.id);
    PreparedDocument::with_hash(hash, doc, statements)
        .map(|p| Msg::Doc(Box::new(p)))
        .map_err(|e| format!("{name}: cannot encode its statements as JSON: {e}"))
}

/// What the writer has done so far.
#[derive(Default)]
struct Tally {
    counts: RunCounts,
    failures: Vec<Failure>,
    /// Time spent writing (adding documents and committing).
    busy: Duration,
    transactions: usize,
}

impl Tally {
    /// Commits an open batch and counts its documents.
    fn commit(&mut self, batch: BatchWriter<'_>) -> anyhow::Result<()> {
        let t = Instant::now();
        let outcomes = batch.commit()?;
        self.busy += t.elapsed();
        self.transactions += 1;
        for outcome in outcomes {
            match outcome {
                IngestOutcome::New { statements, .. } => {
                    self.counts.documents_new += 1;
                    self.counts.statements += statements;
                }
                IngestOutcome::Unchanged { .. } => self.counts.documents_unchanged += 1,
            }
        }
        Ok(())
    }
}

/// How the writer writes.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// At most this many documents per transaction (at least 1).
    pub batch_documents: usize,
    /// Bulk load the store if it holds no documents yet
    /// ([`Store::begin_bulk_load`]).
    pub bulk_load: bool,
    pub bench: BenchMode,
}

/// The writer: stores documents as they arrive, into one open transaction
/// at a time ([`BatchWriter`]), committed once it holds
/// [`BATCH_STATEMENTS`] statements or `batch_documents` documents, or once
/// its first document has waited [`BATCH_TIME`] and no other is waiting.
fn write_all(
    store: &mut Store,
    rx: Receiver<Msg>,
    pack: &tealeaf_core::pack::PackInfo,
    run: i64,
    progress: &Progress,
    options: WriterOptions,
) -> anyhow::Result<(RunCounts, Vec<Failure>)> {
    let cpu_at_start = thread_cpu_seconds();
    let (batch_documents, bench) = (options.batch_documents.max(1), options.bench);
    let mut tally = Tally::default();
    // A new store: written once, through a rollback journal.
    let bulk = if options.bulk_load && bench != BenchMode::Discard {
        store.begin_bulk_load()?
    } else {
        None
    };
    let bulk_loaded = bulk.is_some();
    // Checkpoints (and their fsyncs) on a thread of their own; none in a
    // bulk load, which has no log.
    let checkpointer = store.start_checkpointer()?;
    let result = (|| -> anyhow::Result<()> {
        // The open batch and when its first document arrived.
        let mut open: Option<(BatchWriter<'_>, Instant)> = None;
        loop {
            let msg = match &open {
                None => match rx.recv() {
                    Ok(m) => m,
                    Err(_) => break,
                },
                // Past BATCH_TIME the wait is zero: commit as soon as the
                // channel is empty. A busy writer (documents always
                // waiting) commits by size, so its transactions stay few.
                Some((_, since)) => {
                    match rx.recv_timeout(BATCH_TIME.saturating_sub(since.elapsed())) {
                        Ok(m) => m,
                        Err(RecvTimeoutError::Timeout) => {
                            if let Some((batch, _)) = open.take() {
                                tally.commit(batch)?;
                            }
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            match msg {
                Msg::Doc(doc) if bench == BenchMode::Discard => {
                    tally.counts.documents_new += 1;
                    tally.counts.statements += doc.statement_count();
                }
                Msg::Doc(doc) => {
                    let t = Instant::now();
                    let (batch, _) = match &mut open {
                        Some(o) => o,
                        None => open.insert((store.begin_batch(pack)?, t)),
                    };
                    batch.add(*doc)?;
                    tally.busy += t.elapsed();
                    let full = batch.statements() >= BATCH_STATEMENTS
                        || batch.documents() >= batch_documents;
                    if full && let Some((batch, _)) = open.take() {
                        tally.commit(batch)?;
                    }
                }
                Msg::Known => tally.counts.documents_unchanged += 1,
                Msg::Failed { input, reason } => {
                    tally.counts.documents_failed += 1;
                    tally.failures.push((input, reason));
                }
                Msg::InputDone => progress.inc(format!(
                    "{} new, {} unchanged, {} failed",
                    tally.counts.documents_new,
                    tally.counts.documents_unchanged,
                    tally.counts.documents_failed
                )),
            }
        }
        match open.take() {
            Some((batch, _)) => tally.commit(batch),
            None => Ok(()),
        }
    })();
    // The run is recorded while the checkpointing thread still runs, so
    // its last checkpoint copies everything and closing the store has
    // nothing left to copy and sync (after it, the automatic checkpoint
    // would have checkpointed the run's row again, and the close once more).
    let recorded = result.and_then(|()| Ok(store.finish_run(run, &tally.counts)?));
    let checkpoints = store.finish_checkpointer(checkpointer)?;
    recorded?;
    if let Some(bulk) = bulk {
        store.finish_bulk_load(bulk)?;
    }
    if bench != BenchMode::Off {
        eprintln!(
            "tealeaf ingest bench: writer busy_s={:.3} cpu_s={:.3} statements={} \
             transactions={} checkpoints_passive={} checkpoints_restart={} bulk_load={}",
            tally.busy.as_secs_f64(),
            thread_cpu_seconds()
                .zip(cpu_at_start)
                .map_or(f64::NAN, |(b, a)| b - a),
            tally.counts.statements,
            tally.transactions,
            checkpoints.passive,
            checkpoints.restart,
            bulk_loaded,
        );
    }
    Ok((tally.counts, tally.failures))
}

/// CPU seconds (user + system) of the calling thread so far, from
/// /proc/thread-self/stat (clock ticks, 100 per second); `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split_whitespace().skip(11);
    let user: f64 = f.next()?.parse().ok()?;
    let system: f64 = f.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// For `tealeaf-bench ingest` (hidden flags): `Stats` (`--bench-stats`)
/// prints the writer's busy and CPU time; `Discard` (`--bench-discard`)
/// also stores nothing (the documents are extracted and dropped), to time
/// reading and extraction alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchMode {
    Off,
    Stats,
    Discard,
}

impl BenchMode {
    pub fn from_flags(stats: bool, discard: bool) -> BenchMode {
        match (stats, discard) {
            (_, true) => BenchMode::Discard,
            (true, false) => BenchMode::Stats,
            (false, false) => BenchMode::Off,
        }
    }
}

/// A progress bar on stderr, shown only when stderr is a terminal and the
/// work has lasted a moment.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    terminal: bool,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// A bar over `len` items, or a count when the total is not known.
    fn with_len(len: Option<u64>, unit: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        let template = match len {
            Some(_) => format!("{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {unit}  {{msg}}"),
            None => format!("{{elapsed_precise}} {{pos}} {unit}  {{msg}}"),
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// A count of items whose total is not known beforehand (the inputs
    /// of a directory walked as it is read).
    fn new(unit: &str) -> Progress {
        Progress::with_len(None, unit)
    }

    fn inc(&self, message: String) {
        use std::sync::atomic::Ordering;
        if self.terminal
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= PROGRESS_AFTER
        {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_message(message);
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

// ---------------------------------------------------------------------------
// Reading inputs

/// Extensions read as feeds whatever their content.
fn has_feed_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("rss") || e.eq_ignore_ascii_case("atom"))
}

/// Whether a file found in a directory is a feed: `.rss` and `.atom`
/// always, `.xml` when it opens like one.
fn is_feed_file(p: &Path) -> bool {
    if has_feed_extension(p) {
        return true;
    }
    let xml = p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    xml && read_head(p).is_some_and(|h| sniff_feed(&h))
}

fn read_head(p: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(p)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// Whether bytes open like an RSS, RDF or Atom feed: a `<rss`, `<rdf:RDF`
/// or `<feed` element near the top, and not an HTML page.
pub fn sniff_feed(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let lower = head.to_ascii_lowercase();
    let find = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if find(b"<html") || find(b"<!doctype html") {
        return false;
    }
    find(b"<rss") || find(b"<rdf:rdf") || find(b"<feed")
}

/// A file's documents: a feed's items, or what `read_file` makes of it.
fn read_input_file(p: &Path, limits: &Limits) -> Vec<Result<Document, String>> {
    let name = p.display().to_string();
    let known_format = document::format_for_path(&name).is_some();
    let feed =
        has_feed_extension(p) || (!known_format && read_head(p).is_some_and(|h| sniff_feed(&h)));
    if !feed {
        return read_file_with(p, limits);
    }
    match crate::inputs::read_within_limits(p, limits, true) {
        Ok(bytes) => parse_feed(&name, &bytes),
        Err(e) => vec![Err(e)],
    }
}

/// A URL's documents: fetched, then read as a feed, HTML, JSON lines or
/// text by its content type, extension or content.
fn read_url(url: &str) -> Vec<Result<Document, String>> {
    let (bytes, content_type) = match fetch(url) {
        Ok(x) => x,
        Err(e) => return vec![Err(e)],
    };
    let ct = content_type.unwrap_or_default().to_ascii_lowercase();
    let feed_type = ["rss", "atom", "rdf", "/xml", "+xml"]
        .iter()
        .any(|t| ct.contains(t));
    if (feed_type && !ct.contains("html")) || sniff_feed(&bytes) {
        return parse_feed(url, &bytes);
    }
    let format = if ct.contains("html") {
        Format::Html
    } else if ct.contains("json") {
        Format::JsonLines
    } else {
        document::format_for_path(url).unwrap_or_else(|| document::sniff_format(&bytes))
    };
    document::parse(url, &bytes, format)
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
}

/// GETs a URL: its body and content type. Follows redirects, honours the
/// proxy environment variables, refuses bodies over `MAX_FILE_BYTES`.
fn fetch(url: &str) -> Result<(Vec<u8>, Option<String>), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(URL_TIMEOUT))
        .user_agent(concat!("tealeaf/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut resp = agent
        .get(url)
        .call()
        .map_err(|e| format!("{url}: cannot fetch: {e}"))?;
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(MAX_FILE_BYTES)
        .read_to_vec()
        .map_err(|e| format!("{url}: cannot read the response: {e}"))?;
    Ok((bytes, content_type))
}

/// Feed timestamps as written: the wall-clock time in the feed's own zone,
/// carried as if it were UTC, so the date is the date the outlet wrote
/// (`…T23:30:00-05:00` is the 27th, not the UTC 28th), as for articles.
fn as_written_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.naive_local().and_utc());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.naive_local().and_utc());
    }
    document::parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

/// Text of a feed text construct: HTML turned into paragraphs, plain text
/// trimmed.
fn feed_text(source: &str, text: &str, html: bool) -> String {
    let looks_html = html || (text.contains('<') && text.contains('>'));
    if looks_html && let Ok((body, _)) = document::html::extract(source, text) {
        return body;
    }
    text.trim().to_string()
}

fn is_html(media: &impl std::fmt::Display) -> bool {
    media.to_string().to_ascii_lowercase().contains("html")
}

/// Turns a feed's bytes into one document per item: its text (content, else
/// summary), title, date (published, else updated), link and authors; the
/// feed's title is the outlet and its language the language. Ids are
/// `<file name>#<item number>`.
pub fn parse_feed(source: &str, bytes: &[u8]) -> Vec<Result<Document, String>> {
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(as_written_timestamp)
        // Only ids the feed gives: generated ones are random for items
        // without a link, and would change the content hash on every run.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = match parser.parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            return vec![Err(format!(
                "{source}: not a readable RSS or Atom feed: {e}"
            ))];
        }
    };
    if feed.entries.is_empty() {
        return vec![Err(format!("{source}: the feed has no items"))];
    }
    let base = document::base_name(source).to_string();
    let outlet = feed
        .title
        .as_ref()
        .map(|t| feed_text(source, &t.content, is_html(&t.content_type)))
        .filter(|t| !t.is_empty());
    let feed_link = feed.links.first().map(|l| l.href.clone());
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let n = i + 1;
            let title = e
                .title
                .as_ref()
                .map(|t| feed_text(source, &t.content, is_html(&t.content_type)))
                .filter(|t| !t.is_empty());
            let label = match &title {
                Some(t) => format!("{source}: item {n} ({t:?})"),
                None => format!("{source}: item {n}"),
            };
            let content = e
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref().map(|b| (b, is_html(&c.content_type))));
            let summary = e
                .summary
                .as_ref()
                .map(|s| (s.content.as_str(), is_html(&s.content_type)));
            let body = content
                .into_iter()
                .chain(summary)
                .map(|(text, html)| feed_text(source, text, html))
                .find(|b| !b.trim().is_empty());
            let Some(body) = body else {
                return Err(format!("{label}: no text (neither content nor summary)"));
            };
            let mut meta = Meta {
                title,
                outlet: outlet.clone(),
                url: e
                    .links
                    .iter()
                    .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                    .or(e.links.first())
                    .map(|l| l.href.clone()),
                author: Some(
                    e.authors
                        .iter()
                        .filter_map(|p| p.name.as_deref().map(str::trim))
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
                .filter(|a| !a.is_empty()),
                language: feed.language.clone(),
                ..Meta::default()
            };
            if let Some(dt) = e.published.or(e.updated) {
                meta.set_published(dt.format("%Y-%m-%dT%H:%M:%S").to_string());
            }
            if !e.id.is_empty() {
                meta.extra.insert("guid".to_string(), e.id.clone());
            }
            if let Some(l) = &feed_link {
                meta.extra.insert("feed".to_string(), l.clone());
            }
            Ok(Document {
                id: format!("{base}#{n}"),
                source: source.to_string(),
                body,
                meta,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Recode

/// `tealeaf recode [--db FILE] [--pack FILE]`: re-extracts and re-codes
/// every stored document with the pack, replacing its statements.
pub fn recode(db: &Path, pack: Option<&Path>) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if !db.exists() {
        anyhow::bail!(
            "{}: no such store (create one with `tealeaf ingest`)",
            db.display()
        );
    }
    let pack = super::load_pack(pack)?;
    let mut store = Store::open(db)?;
    let (documents, _) = store.counts()?;
    let progress = Progress::with_len(Some(documents as u64), "documents");
    let mut done = 0usize;
    let summary = store
        .recode_batched(&pack.info, RECODE_BATCH, |docs| {
            let out: Vec<Vec<Statement>> = docs.par_iter().map(|d| extract(d, &pack)).collect();
            for _ in docs {
                done += 1;
                progress.inc(format!("{done} recoded"));
            }
            out
        })
        .with_context(|| format!("{}: recode stopped", db.display()))?;
    progress.finish();
    eprintln!(
        "tealeaf recode: {} document(s) recoded with pack {} {}; statements: {} before, {} \
         after ({:.1} s)",
        summary.documents,
        pack.info.id,
        pack.info.version,
        summary.statements_before,
        summary.statements_after,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Gulf Wire</title><link>https://gulf.example/</link>
<language>en</language>
<item><title>Envoy speaks</title><link>https://gulf.example/a</link>
<guid>gw-1</guid><pubDate>Tue, 28 Jan 2025 23:30:00 -0500</pubDate>
<description>&lt;p&gt;The envoy said the door "remains open."&lt;/p&gt;</description></item>
<item><title>Headline only</title><link>https://gulf.example/b</link></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_documents_with_their_local_date() {
        let docs = parse_feed("wire.rss", RSS.as_bytes());
        assert_eq!(docs.len(), 2);
        let d = docs[0].as_ref().unwrap();
        assert_eq!(d.id, "wire.rss#1");
        assert_eq!(d.body, "The envoy said the door \"remains open.\"");
        assert_eq!(d.meta.title.as_deref(), Some("Envoy speaks"));
        assert_eq!(d.meta.outlet.as_deref(), Some("Gulf Wire"));
        assert_eq!(d.meta.url.as_deref(), Some("https://gulf.example/a"));
        assert_eq!(d.meta.language.as_deref(), Some("en"));
        // 23:30 in New York is the 29th in UTC; the date as written wins.
        assert_eq!(
            d.meta.published.map(|p| p.to_string()).as_deref(),
            Some("2025-01-28")
        );
        assert_eq!(d.meta.extra.get("guid").map(String::as_str), Some("gw-1"));
        let err = docs[1].as_ref().unwrap_err();
        assert!(
            err.starts_with("wire.rss: item 2 (\"Headline only\")"),
            "{err}"
        );
        // Parsing again gives the same documents (nothing random).
        assert_eq!(parse_feed("wire.rss", RSS.as_bytes())[0], docs[0]);
    }

    #[test]
    fn feeds_are_sniffed_and_html_is_not_a_feed() {
        assert!(sniff_feed(RSS.as_bytes()));
        assert!(sniff_feed(
            b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>"
        ));
        assert!(!sniff_feed(
            b"<!DOCTYPE html><html><body><feed></body></html>"
        ));
        assert!(!sniff_feed(b"title: x\n\nPlain text."));
        assert!(is_url("HTTPS://example.org/a"));
        assert!(!is_url("httpdocs/a.txt"));
    }

    #[test]
    fn a_broken_feed_is_one_failure_naming_the_file() {
        let docs = parse_feed("bad.atom", b"<feed><entry><title>x</title>");
        assert_eq!(docs.len(), 1);
        let err = docs[0].as_ref().unwrap_err();
        assert!(err.starts_with("bad.atom: "), "{err}");
    }
}
