//! Crash safety of `tealeaf ingest`: SIGKILL it at random moments, many
//! times, re-running it on the same store after each kill. After every kill
//! the store passes `PRAGMA integrity_check` (and FTS5's own check), and
//! every stored document has exactly the statements a clean run gives it:
//! nothing is half-stored. The final store equals a clean run's, compared
//! as sorted tuples of documents and statements.
//!
//! The kill moments come from a seed printed on failure; set
//! `TEALEAF_CRASH_SEED` to replay one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tealeaf_store::{StatementFilter, Store};

const SPEAKERS: &[&str] = &[
    "Abbas Araghchi",
    "Mohammad Javad Zarif",
    "Hassan Rouhani",
    "Masoud Pezeshkian",
    "Ayatollah Ali Khamenei",
    "Donald Trump",
];

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Article `i`: one to four quoted statements.
fn article(i: usize) -> String {
    let mut t = format!("Published in round {i}.\n\n",);
    for j in 0..=(i % 4) {
        let who = SPEAKERS[(i + j) % SPEAKERS.len()];
        t.push_str(&format!(
            "{who} said on Monday that \"point {j} of item {i} stands as stated.\"\n\n\
             Officials met for {h} hours and described round {i} as calm.\n\n",
            h = 2 + j
        ));
    }
    t
}

const TEXT_FILES: usize = 240;
const JSONL_FILES: usize = 4;
const RECORDS: usize = 20;

/// A small corpus: text files in three folders, and JSON lines files of
/// several records each (so a kill can land inside a multi-document file).
fn corpus(dir: &Path) {
    for i in 0..TEXT_FILES {
        write(
            &dir.join(format!("p{}/a{i:03}.txt", i % 3)),
            &format!(
                "title: Item {i}\ndate: 2025-02-{:02}\n\n{}",
                1 + i % 28,
                article(i)
            ),
        );
    }
    for f in 0..JSONL_FILES {
        let mut lines = String::new();
        for r in 0..RECORDS {
            let i = TEXT_FILES + f * RECORDS + r;
            let record = serde_json::json!({
                "id": format!("rec-{i}"),
                "date": "2025-03-01",
                "text": article(i),
            });
            lines.push_str(&record.to_string());
            lines.push('\n');
        }
        write(&dir.join(format!("wire/w{f}.jsonl")), &lines);
    }
}

fn ingest(corpus: &Path, db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tealeaf"));
    // Small batches (ingest's default is 1,024 documents per transaction):
    // the corpus is written in many transactions, so kills land between
    // and inside them, not only before or after one big write.
    c.args(["ingest", s(corpus), "--db", s(db), "--batch-documents", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Documents as sorted tuples: key, content hash, source, title, date, and
/// the number of statements.
type Docs = BTreeMap<String, (String, String, Option<String>, Option<String>, usize)>;
/// Statements as sorted tuples: document key, ordinal, text, speaker id,
/// outlet, date, topic, stance, and the whole coded statement.
type Statements = Vec<(
    String,
    usize,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
)>;

fn snapshot(db: &Path) -> (Docs, Statements) {
    let store = Store::open(db).unwrap();
    let docs = store
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| {
            (
                d.doc_key,
                (d.content_hash, d.source, d.title, d.published, d.statements),
            )
        })
        .collect();
    let mut st: Statements = store
        .statements(&StatementFilter::default())
        .unwrap()
        .into_iter()
        .map(|s| {
            (
                s.doc_key,
                s.ordinal,
                s.text,
                s.speaker_id,
                s.outlet,
                s.date,
                s.topic,
                s.stance,
                s.coded.to_string(),
            )
        })
        .collect();
    st.sort();
    (docs, st)
}

/// The store is sound and holds only whole documents of the reference.
fn check_after_kill(db: &Path, reference: &Docs, what: &str) -> usize {
    let store = Store::open(db).unwrap_or_else(|e| panic!("{what}: cannot open: {e}"));
    assert_eq!(store.integrity_check().unwrap(), ["ok"], "{what}");
    let docs = store.documents().unwrap();
    for d in &docs {
        let Some(r) = reference.get(&d.doc_key) else {
            panic!("{what}: {} is not a document of the clean run", d.doc_key);
        };
        assert_eq!(
            d.statements, r.4,
            "{what}: {} is half-stored ({} of {} statements)",
            d.doc_key, d.statements, r.4
        );
        assert_eq!(d.content_hash, r.0, "{what}: {}", d.doc_key);
    }
    let duplicates: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) - count(DISTINCT content_hash) FROM documents",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(duplicates, 0, "{what}: a document stored twice");
    docs.len()
}

/// Waits until the store at `db` holds `target` documents, the ingest
/// writing it has exited, or a minute has passed. Reads through a read-only
/// connection, which never writes to (or checkpoints) the store it watches.
fn wait_until_stored(db: &Path, target: usize, child: &mut std::process::Child) {
    use rusqlite::{Connection, OpenFlags};
    let t = Instant::now();
    let mut conn = None;
    while t.elapsed() < Duration::from_secs(60) && child.try_wait().unwrap().is_none() {
        if conn.is_none() && db.exists() {
            conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok();
        }
        let stored = conn.as_ref().and_then(|c| {
            c.query_row("SELECT count(*) FROM documents", [], |r| r.get::<_, i64>(0))
                .ok()
        });
        if stored.is_some_and(|n| n as usize >= target) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The seed of the kill moments: `TEALEAF_CRASH_SEED`, or the clock's
/// (printed, to replay a failure).
fn crash_seed() -> u64 {
    let seed = std::env::var("TEALEAF_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("TEALEAF_CRASH_SEED={seed}");
    seed
}

/// xorshift64*: the kill moments, from a seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

#[test]
fn ingest_killed_at_random_moments_leaves_only_whole_documents() {
    const ROUNDS: usize = 4;
    const MAX_ROUNDS: usize = 16;
    const KILLS_PER_ROUND: usize = 6;
    let seed = crash_seed();
    let mut rng = Rng(seed);

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    corpus(&dir);

    // The clean run: the reference.
    let clean = tmp.path().join("clean.db");
    let t0 = Instant::now();
    let status = ingest(&dir, &clean).status().unwrap();
    let clean_ms = t0.elapsed().as_millis() as u64;
    assert!(status.success());
    let (ref_docs, ref_statements) = snapshot(&clean);
    let total = TEXT_FILES + JSONL_FILES * RECORDS;
    assert_eq!(ref_docs.len(), total);
    // What a run costs before it writes (loading the pack, opening the
    // store): timed on an empty input.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let t0 = Instant::now();
    assert!(
        ingest(&empty, &tmp.path().join("empty.db"))
            .status()
            .unwrap()
            .success()
    );
    let startup_ms = (t0.elapsed().as_millis() as u64).min(clean_ms);
    let work_ms = clean_ms - startup_ms;
    assert!(ref_docs.values().all(|d| d.4 >= 1));

    let mut kills = 0;
    let mut mid_write = 0;
    // At least ROUNDS rounds, and more (up to MAX_ROUNDS) until enough
    // kills have landed while documents were being written: how many do
    // depends on the machine's timing.
    let mut round = 0;
    while round < ROUNDS || (mid_write < 3 && round < MAX_ROUNDS) {
        // Each round starts from an empty store and re-runs on it after
        // every kill, so kills land early, late and in between.
        let db = tmp.path().join(format!("round{round}.db"));
        let mut stored = 0;
        for k in 0..KILLS_PER_ROUND {
            let what = format!("round {round}, kill {k} (seed {seed})");
            // One kill in four at a random moment of the start-up; the
            // others at a random moment of the writing left to do, counted
            // from the first write (the write-ahead log changing).
            let left = work_ms * (total - stored) as u64 / total as u64;
            let wal = db.with_extension("db-wal");
            let wal_before = std::fs::metadata(&wal)
                .ok()
                .map(|m| (m.len(), m.modified().ok()));
            let mut child = ingest(&dir, &db).spawn().unwrap();
            let mode = rng.below(4);
            if mode == 0 {
                std::thread::sleep(Duration::from_millis(rng.below(startup_ms + 1)));
            } else if mode >= 2 && total - stored >= 2 {
                // Half the kills wait, watching the store, until a random
                // number of documents is stored short of all: they land
                // while documents are being written however fast or slow
                // the machine is at that moment (timing alone missed that
                // window on a loaded CI machine).
                let target = stored + 1 + rng.below((total - stored - 1) as u64) as usize;
                wait_until_stored(&db, target, &mut child);
                std::thread::sleep(Duration::from_millis(rng.below(3)));
            } else {
                let t = Instant::now();
                while t.elapsed() < Duration::from_millis(4 * startup_ms + 200)
                    && std::fs::metadata(&wal)
                        .ok()
                        .map(|m| (m.len(), m.modified().ok()))
                        == wal_before
                    && child.try_wait().unwrap().is_none()
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                std::thread::sleep(Duration::from_millis(rng.below(left * 5 / 4 + 10)));
            }
            let finished = child.try_wait().unwrap().is_some();
            // `Child::kill` is SIGKILL on Unix.
            let _ = child.kill();
            child.wait().unwrap();
            kills += 1;
            if !db.exists() {
                continue;
            }
            let now = check_after_kill(&db, &ref_docs, &what);
            assert!(now >= stored, "{what}: documents lost ({stored} → {now})");
            if !finished && now > stored && now < ref_docs.len() {
                mid_write += 1;
            }
            stored = now;
        }
        // A last run completes; the store equals the clean run's.
        let status = ingest(&dir, &db).status().unwrap();
        assert!(status.success(), "round {round}: the re-run failed");
        let (docs, statements) = snapshot(&db);
        assert_eq!(docs, ref_docs, "round {round} (seed {seed})");
        assert_eq!(statements, ref_statements, "round {round} (seed {seed})");
        assert_eq!(Store::open(&db).unwrap().integrity_check().unwrap(), ["ok"]);
        round += 1;
    }
    eprintln!(
        "{kills} kills ({mid_write} while documents were being written; a clean run takes {clean_ms} ms)"
    );
    assert!(kills >= 20);
    assert!(
        mid_write >= 3,
        "only {mid_write} kills landed while documents were being written"
    );
}

/// The first ingest into a new store bulk loads it through a rollback
/// journal without syncs (`tealeaf_store::Store::begin_bulk_load`); a kill
/// in the middle of that leaves the journal for the next open to roll back,
/// so the store holds whole batches only, opens in WAL mode again, and a
/// re-run completes it.
#[test]
fn a_bulk_load_killed_midway_leaves_whole_documents() {
    let seed = crash_seed();
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    corpus(&dir);
    let clean = tmp.path().join("clean.db");
    assert!(ingest(&dir, &clean).status().unwrap().success());
    let (ref_docs, ref_statements) = snapshot(&clean);

    let mut mid_load = 0;
    let mut round = 0;
    while round < 6 || (mid_load < 2 && round < 24) {
        let what = format!("round {round} (seed {seed})");
        let db = tmp.path().join(format!("bulk{round}.db"));
        let journal = db.with_extension("db-journal");
        let mut child = ingest(&dir, &db).spawn().unwrap();
        // The rollback journal appears when the bulk load begins (in WAL
        // mode there is none); the kill lands a random moment after.
        let t = Instant::now();
        while !journal.exists()
            && child.try_wait().unwrap().is_none()
            && t.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(Duration::from_micros(rng.below(40_000)));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        child.wait().unwrap();
        let stored = check_after_kill(&db, &ref_docs, &what);
        if !finished && stored > 0 && stored < ref_docs.len() {
            mid_load += 1;
        }
        let mode: String = Store::open(&db)
            .unwrap()
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal", "{what}: the next open switches back to WAL");
        assert!(ingest(&dir, &db).status().unwrap().success(), "{what}");
        let (docs, statements) = snapshot(&db);
        assert_eq!(docs, ref_docs, "{what}");
        assert_eq!(statements, ref_statements, "{what}");
        round += 1;
    }
    eprintln!("{round} bulk loads killed, {mid_load} part-way through");
    assert!(
        mid_load >= 2,
        "only {mid_load} kills landed while the bulk load was writing"
    );
}
