//! Bulk loading: the first ingest into a new store writes each page once.
//!
//! In WAL mode every page a transaction writes goes to the log first and
//! into the database file again at the next checkpoint, with the log's
//! checksums, a checkpointing thread and its fsyncs besides: on 20 MB of
//! generated news the process wrote 400 MB for a 155 MB store, and the log
//! and the checkpoints were about a third of the ingest's CPU (kernel time
//! included).
//!
//! A store that holds no documents yet has nothing a failure could take
//! but what this ingest writes. [`Store::begin_bulk_load`] writes such a
//! store through a rollback journal (`journal_mode=TRUNCATE`) without
//! syncs (`synchronous=OFF`). A rollback journal keeps the original of a
//! page a transaction changes, and pages appended past the file's end have
//! no original: bulk-loaded rows are written once, into the file itself.
//! What that gives up, and what it keeps:
//!
//! - A process that crashes or is killed leaves a journal in the
//!   operating system's cache, and the next open rolls the interrupted
//!   batch back: whole batches only, as in WAL mode (the journal is written
//!   before the page it saves; syncs order writes for the disk, not for the
//!   cache other processes read).
//! - A power failure or operating-system crash during the load can leave
//!   the new store unreadable (nothing was synced in order). The store held
//!   nothing before, so nothing stored earlier is lost; `tealeaf ingest
//!   --no-bulk-load` writes through the log as usual for whoever would
//!   rather keep the batches written before such a failure.
//! - A reader that opens the store while a batch is being written reads
//!   through the journal, waiting for each commit (a rollback journal locks
//!   the file to write it); one that opens between two batches switches the
//!   store back to WAL mode, and the load goes on through the log.
//!
//! A thread syncs the file every [`FLUSH_EVERY`] meanwhile, so the pages
//! reach the disk while extraction goes on instead of all at the end (the
//! kernel itself starts writing only once a tenth of memory is dirty, or
//! after 30 s; 50, 100 or 250 ms measured alike); [`Store::finish_bulk_load`]
//! syncs the rest and switches the store back to WAL mode,
//! `synchronous=NORMAL`: from then on it is an ordinary store, as durable
//! as one written through the log. Measured on 20 MB of generated news
//! (16 KiB pages, alternating runs): 2.45 s through the log, 1.95 s bulk
//! loaded.

use std::fs::File;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::{At, Store, StoreError, is_busy};

/// How often the flushing thread syncs the file during a bulk load.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// The journal mode of a bulk load.
const BULK_JOURNAL: &str = "truncate";

/// A bulk load in progress; end it with [`Store::finish_bulk_load`].
/// Dropped unfinished (an error on the way), its thread stops and the store
/// stays in the rollback journal mode until the next [`Store::open`]
/// switches it back to WAL.
pub struct BulkLoad {
    stop: Arc<(Mutex<bool>, Condvar)>,
    flusher: Option<JoinHandle<StoreFile>>,
}

/// A descriptor of our own on the store's file, for the syncs. POSIX locks
/// belong to the process, not to a descriptor: closing any descriptor of
/// the file drops every lock SQLite holds on it. So it is closed only where
/// the connection is known to hold none ([`StoreFile::close_unlocked`]);
/// dropped anywhere else (an error, or another connection switched the
/// store to WAL mode, where connections keep a lock between transactions),
/// it stays open until the process exits.
struct StoreFile(ManuallyDrop<File>);

impl StoreFile {
    /// Closes the descriptor: only between transactions of a connection in
    /// a rollback journal mode, which then holds no lock on the file.
    fn close_unlocked(self) {
        drop(ManuallyDrop::into_inner(self.0));
    }
}

impl Store {
    /// Starts a bulk load (see the module documentation) if this store is
    /// on disk, holds no documents and this is the only connection to it;
    /// `None` otherwise, and the store writes through its log as usual.
    pub fn begin_bulk_load(&mut self) -> Result<Option<BulkLoad>, StoreError> {
        let path = self.path.clone();
        let p = path.as_str();
        if p == ":memory:" {
            return Ok(None);
        }
        let has_documents: bool = self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM documents)", [], |r| r.get(0))
            .at(p, || "cannot count the documents".into())?;
        if has_documents {
            return Ok(None);
        }
        // Opened before the switch, so that a failure leaves the store as
        // it was.
        let Ok(file) = File::options().write(true).open(p) else {
            return Ok(None);
        };
        let file = StoreFile(ManuallyDrop::new(file));
        // Leaving WAL mode takes the only connection: SQLite says "busy"
        // at once while another has the store open.
        let switch = format!("PRAGMA journal_mode = {BULK_JOURNAL}");
        let mode = match self.conn.query_row(&switch, [], |r| r.get::<_, String>(0)) {
            Ok(mode) => mode,
            Err(e) if is_busy(&e) => String::new(),
            Err(e) => return Err(e).at(p, || "cannot switch to a rollback journal".into()),
        };
        if !mode.eq_ignore_ascii_case(BULK_JOURNAL) {
            return Ok(None);
        }
        self.conn
            .pragma_update(None, "synchronous", "OFF")
            .at(p, || "cannot set synchronous=OFF".into())?;
        let stop: Arc<(Mutex<bool>, Condvar)> = Arc::default();
        let flusher = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("tealeaf-flush".into())
                .spawn(move || flush_until_stopped(file, &stop))
                .map_err(|source| StoreError::Io {
                    path: path.clone(),
                    context: "cannot start the flushing thread".into(),
                    source,
                })?
        };
        Ok(Some(BulkLoad {
            stop,
            flusher: Some(flusher),
        }))
    }

    /// Ends a bulk load: syncs the file and switches the store back to WAL
    /// mode and `synchronous=NORMAL`. Call it once the last batch is
    /// committed.
    pub fn finish_bulk_load(&mut self, mut bulk: BulkLoad) -> Result<(), StoreError> {
        let path = self.path.clone();
        let p = path.as_str();
        let file = bulk.stop_flusher();
        let synced = file.as_ref().map_or(Ok(()), |f| f.0.sync_all());
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .at(p, || "cannot read the journal mode".into())?;
        // Otherwise another connection switched the store to WAL meanwhile
        // (the load went on through the log), and the descriptor stays open.
        if mode.eq_ignore_ascii_case(BULK_JOURNAL)
            && let Some(file) = file
        {
            file.close_unlocked();
        }
        synced.at(p, || "cannot sync the bulk-loaded store".into())?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .at(p, || "cannot set synchronous=NORMAL".into())?;
        // Waits for readers' reads to end (the busy timeout); if another
        // connection still holds the store, the next `Store::open` with
        // the store to itself switches it instead.
        match self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
        {
            Err(e) if !is_busy(&e) => Err(e).at(p, || "cannot switch back to WAL mode".into()),
            _ => Ok(()),
        }
    }
}

impl BulkLoad {
    /// Stops the flushing thread; its file, unless the thread panicked.
    fn stop_flusher(&mut self) -> Option<StoreFile> {
        let thread = self.flusher.take()?;
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_one();
        thread.join().ok()
    }
}

impl Drop for BulkLoad {
    fn drop(&mut self) {
        // Unfinished: the connection may hold locks (an open batch), so the
        // descriptor stays open (`StoreFile`).
        self.stop_flusher();
    }
}

/// The flushing thread: syncs `file` every [`FLUSH_EVERY`] until told to
/// stop, then hands the file back.
fn flush_until_stopped(file: StoreFile, stop: &(Mutex<bool>, Condvar)) -> StoreFile {
    let (lock, wake) = stop;
    let mut stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
    while !*stopped {
        let (guard, timeout) = wake
            .wait_timeout(stopped, FLUSH_EVERY)
            .unwrap_or_else(PoisonError::into_inner);
        stopped = guard;
        if timeout.timed_out() && !*stopped {
            drop(stopped);
            // A failed sync is retried at the next tick, and the final one
            // in `finish_bulk_load` reports its error.
            let _ = file.0.sync_data();
            stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
        }
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PreparedDocument, StatementFilter};
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Pack, extract};

    /// Article `i`, prepared for a batch.
    fn article(pack: &Pack, i: usize) -> PreparedDocument {
        let text = format!(
            "title: T{i}\ndate: 2025-02-10\n\nAbbas Araghchi said that \"item {i} stands firm.\"\n"
        );
        let doc = parse(&format!("t{i}.txt"), text.as_bytes(), Format::Text)
            .pop()
            .unwrap()
            .unwrap();
        let statements = extract(&doc, pack);
        PreparedDocument::new(doc, statements).unwrap()
    }

    fn journal_mode(store: &Store) -> String {
        store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    }

    fn synchronous(store: &Store) -> i64 {
        store
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_store_is_bulk_loaded_and_ends_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let pack = Pack::default_pack().unwrap();
        let mut store = Store::open(&path).unwrap();
        let bulk = store.begin_bulk_load().unwrap().expect("an empty store");
        assert_eq!(journal_mode(&store), "truncate");
        assert_eq!(synchronous(&store), 0);
        for b in 0..3 {
            let docs: Vec<_> = (0..4).map(|i| article(&pack, b * 4 + i)).collect();
            store.ingest_batch(&docs, &pack.info).unwrap();
        }
        store.finish_bulk_load(bulk).unwrap();
        assert_eq!(journal_mode(&store), "wal");
        assert_eq!(synchronous(&store), 1);
        let (docs, statements) = store.counts().unwrap();
        assert_eq!((docs, statements > 0), (12, true));
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(journal_mode(&again), "wal");
        assert_eq!(again.counts().unwrap(), (docs, statements));
        // Stored and searchable as through the log.
        let found = again
            .statements(&StatementFilter {
                text: Some("stands firm".into()),
                ..StatementFilter::default()
            })
            .unwrap();
        assert_eq!(found.len(), statements);
    }

    #[test]
    fn a_store_with_documents_or_in_memory_writes_through_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let pack = Pack::default_pack().unwrap();
        let mut store = Store::open(&path).unwrap();
        store
            .ingest_batch(&[article(&pack, 0)], &pack.info)
            .unwrap();
        assert!(store.begin_bulk_load().unwrap().is_none());
        assert_eq!(journal_mode(&store), "wal");
        let mut memory = Store::open_in_memory().unwrap();
        assert!(memory.begin_bulk_load().unwrap().is_none());
    }

    #[test]
    fn another_open_connection_keeps_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let mut store = Store::open(&path).unwrap();
        let reader = Store::open(&path).unwrap();
        assert!(store.begin_bulk_load().unwrap().is_none());
        assert_eq!(journal_mode(&store), "wal");
        assert_eq!(synchronous(&store), 1);
        assert_eq!(reader.counts().unwrap(), (0, 0));
    }

    /// A reader opens the store while it is bulk loaded, between the
    /// writer's transactions or `inside` one, and reads every commit.
    fn a_reader_opens_during_a_bulk_load(inside: bool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let pack = Pack::default_pack().unwrap();
        let mut store = Store::open(&path).unwrap();
        let bulk = store.begin_bulk_load().unwrap().unwrap();
        store
            .ingest_batch(&[article(&pack, 0)], &pack.info)
            .unwrap();
        fn open_batch<'s>(store: &'s Store, pack: &Pack) -> crate::BatchWriter<'s> {
            let mut batch = store.begin_batch(&pack.info).unwrap();
            batch.add(article(pack, 1)).unwrap();
            batch
        }
        let (reader, batch) = if inside {
            let batch = open_batch(&store, &pack);
            // The writer holds its lock: the open neither waits nor fails,
            // and reads through the journal (whose kind is the
            // connection's own: "delete").
            let reader = Store::open(&path).unwrap();
            assert_ne!(journal_mode(&reader), "wal");
            (reader, batch)
        } else {
            // No lock between transactions: this open switches the store
            // back to WAL mode, and the load goes on through the log.
            let reader = Store::open(&path).unwrap();
            (reader, open_batch(&store, &pack))
        };
        assert_eq!(reader.counts().unwrap().0, 1);
        batch.commit().unwrap();
        assert_eq!(reader.counts().unwrap().0, 2);
        store.finish_bulk_load(bulk).unwrap();
        assert_eq!(journal_mode(&store), "wal");
        assert_eq!(reader.counts().unwrap().0, 2);
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    }

    #[test]
    fn a_reader_opening_between_bulk_transactions_reads_and_brings_the_log_back() {
        a_reader_opens_during_a_bulk_load(false);
    }

    #[test]
    fn a_reader_opening_inside_a_bulk_transaction_reads_through_the_journal() {
        a_reader_opens_during_a_bulk_load(true);
    }

    #[test]
    fn new_stores_have_large_pages_and_old_ones_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |store: &Store| -> i64 {
            store
                .conn()
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap()
        };
        let new = Store::open(dir.path().join("new.db")).unwrap();
        assert_eq!(page_size(&new), crate::PAGE_SIZE);
        let old_path = dir.path().join("old.db");
        let conn = rusqlite::Connection::open(&old_path).unwrap();
        conn.execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x);")
            .unwrap();
        drop(conn);
        let old = Store::open(&old_path).unwrap();
        assert_eq!(page_size(&old), 4096);
    }
}
