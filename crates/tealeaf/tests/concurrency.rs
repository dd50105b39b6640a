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
        let status = Command::new(env!("CARGO_BIN_EXE_tealeaf"))
            .args([
                "ingest",
                dir.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
                // Many small transactions (the default batch would hold this
                // whole corpus): readers must see the store part-way filled.
                "--batch-documents",
                "5",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        eprintln!("ingest took {:?}", t0.elapsed());
        done.store(true, Ordering::SeqCst);
        let seen: Vec<Seen> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        (seen, status)
    });
    assert!(status.success());

    let (docs, statements) = Store::open(&db).unwrap().counts().unwrap();
    assert_eq!(docs, 600);
    for (i, r) in seen.iter().enumerate() {
        assert_eq!(
            r.counts.last(),
            Some(&statements),
            "reader {i} ends on the final count"
        );
        eprintln!("reader {i}: {} reads, {} distinct counts", r.reads, {
            let mut c = r.counts.clone();
            c.dedup();
            c.len()
        });
    }
    // The reads overlapped the writing: some saw a store part-way filled.
    assert!(
        seen.iter()
            .flat_map(|r| &r.counts)
            .any(|&n| n > 0 && n < statements),
        "no reader saw the ingest part-way: {seen:?}"
    );
}
