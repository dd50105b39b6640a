//! Readers keep working while `tealeaf ingest` writes: the store is in WAL
//! mode, so queries from other connections (threads here, each with its
//! own `Store::open` of the same file, one re-opening it on every read) never
//! fail and see the counts grow, never shrink — each document arrives whole,
//! in one transaction.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tealeaf_store::{StatementFilter, Store};

const SPEAKERS: &[&str] = &[
    "Abbas Araghchi",
    "Mohammad Javad Zarif",
    "Hassan Rouhani",
    "Masoud Pezeshkian",
];

fn corpus(dir: &Path, n: usize) {
    for i in 0..n {
        let path = dir.join(format!("p{}/a{i:04}.txt", i % 4));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut t = format!("title: Item {i}\ndate: 2025-02-{:02}\n\n", 1 + i % 28);
        for j in 0..=(i % 3) {
            t.push_str(&format!(
                "{} said on Monday that \"point {j} of item {i} stands.\"\n\n",
                SPEAKERS[(i + j) % SPEAKERS.len()]
            ));
        }
        std::fs::write(path, t).unwrap();
    }
}

/// What one reader saw: statement counts, in order.
#[derive(Debug, Default)]
struct Seen {
    reads: usize,
    counts: Vec<usize>,
}

fn read_loop(db: &Path, reopen: bool, done: &AtomicBool) -> Seen {
    let mut seen = Seen::default();
    let mut store = Store::open(db).expect("a reader opens the store");
    let (mut last_docs, mut last_statements, mut last_found) = (0, 0, 0);
    loop {
        // Read once more after the writer has finished.
        let finished = done.load(Ordering::SeqCst);
        if reopen {
            store = Store::open(db).expect("a second open while the ingest writes");
        }
        let (docs, _) = store.counts().expect("counts while the ingest writes");
        let all = store
            .statements(&StatementFilter::default())
            .expect("statements while the ingest writes");
        let found = store
            .statements(&StatementFilter {
                text: Some("point stands".into()),
                ..StatementFilter::default()
            })
            .expect("a full-text query while the ingest writes");
        // Each read is its own snapshot, so only non-decreasing between reads.
        assert!(
            docs >= last_docs,
            "documents went down: {last_docs} → {docs}"
        );
        assert!(
            all.len() >= last_statements,
            "statements went down: {last_statements} → {}",
            all.len()
        );
        assert!(found.len() >= last_found, "search results went down");
        (last_docs, last_statements, last_found) = (docs, all.len(), found.len());
        seen.reads += 1;
        seen.counts.push(all.len());
        if finished {
            return seen;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `tealeaf ingest` of `dir` into `db`, in many small transactions (the
/// default batch would hold this whole corpus): readers must see the store
/// part-way filled.
fn ingest(dir: &Path, db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tealeaf"));
    c.args([
        "ingest",
        dir.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ])
    .args(["--batch-documents", "5"])
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    c
}

/// Every reader ended on the final count, and the reads overlapped the
/// writing: some reader saw the store part-way filled.
fn assert_readers_saw_the_ingest(seen: &[Seen], statements: usize) {
    for (i, r) in seen.iter().enumerate() {
        assert_eq!(
            r.counts.last(),
            Some(&statements),
            "reader {i} ends on the final count"
        );
        let mut distinct = r.counts.clone();
        distinct.dedup();
        eprintln!("reader {i}: {} reads, counts {distinct:?}", r.reads);
    }
    assert!(
        seen.iter()
            .flat_map(|r| &r.counts)
            .any(|&n| n > 0 && n < statements),
        "no reader saw the ingest part-way: {seen:?}"
    );
}

#[test]
fn readers_keep_working_while_an_ingest_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    corpus(&dir, 600);
    let db = tmp.path().join("t.db");
    // The store exists (empty) before the readers start.
    drop(Store::open(&db).unwrap());

    let done = AtomicBool::new(false);
    let (seen, status) = std::thread::scope(|s| {
        let readers: Vec<_> = [false, false, true]
            .into_iter()
            .map(|reopen| {
                let (db, done) = (&db, &done);
                s.spawn(move || read_loop(db, reopen, done))
            })
            .collect();
        let t0 = Instant::now();
        let status = ingest(&dir, &db).status().unwrap();
        eprintln!("ingest took {:?}", t0.elapsed());
        done.store(true, Ordering::SeqCst);
        let seen: Vec<Seen> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        (seen, status)
    });
    assert!(status.success());

    let (docs, statements) = Store::open(&db).unwrap().counts().unwrap();
    assert_eq!(docs, 600);
    assert_readers_saw_the_ingest(&seen, statements);
}

/// The same while a new store is bulk loaded (written through a rollback
/// journal: `tealeaf_store::Store::begin_bulk_load`): readers that open it
/// once the load has begun never fail, never see counts go down, and end on
/// the final count; the store ends whole, in WAL mode.
#[test]
fn readers_opening_during_a_bulk_load_keep_working() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    corpus(&dir, 600);
    let db = tmp.path().join("bulk.db");
    let journal = db.with_extension("db-journal");

    let done = AtomicBool::new(false);
    let (seen, status, bulk) = std::thread::scope(|s| {
        let mut child = ingest(&dir, &db).spawn().unwrap();
        // The journal appears when the bulk load begins (in WAL mode there
        // is none).
        let t = Instant::now();
        let mut bulk = false;
        while child.try_wait().unwrap().is_none() && t.elapsed() < Duration::from_secs(60) {
            if journal.exists() {
                bulk = true;
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let readers: Vec<_> = [false, true]
            .into_iter()
            .map(|reopen| {
                let (db, done) = (&db, &done);
                s.spawn(move || read_loop(db, reopen, done))
            })
            .collect();
        let status = child.wait().unwrap();
        done.store(true, Ordering::SeqCst);
        let seen: Vec<Seen> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        (seen, status, bulk)
    });
    assert!(status.success());
    assert!(bulk, "the ingest ended before its bulk load was seen");
    let store = Store::open(&db).unwrap();
    let (docs, statements) = store.counts().unwrap();
    assert_eq!(docs, 600);
    assert_readers_saw_the_ingest(&seen, statements);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}
