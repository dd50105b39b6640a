//! Checkpoints off the writing thread.
//!
//! In WAL mode every commit appends pages to the log, and a checkpoint
//! copies them back into the database file and syncs it. SQLite's automatic
//! checkpoint runs inside the commit that crosses the threshold, on the
//! writing thread: during a bulk ingest that was about a seventh of the
//! writer's time, fsyncs included, while extraction waited on it.
//!
//! [`Store::start_checkpointer`] instead gives the checkpoints to a thread
//! with its own connection. A WAL hook on the writer's connection (called
//! after each commit, with the log's size in pages) replaces the automatic
//! checkpoint and only wakes that thread. The thread runs a `PASSIVE`
//! checkpoint, which never waits for the writer and never blocks it; since
//! the writer keeps appending meanwhile, the log may never be entirely
//! copied at a moment when it could start over, so once it passes
//! [`RESTART_BYTES`] a `RESTART` checkpoint waits (at most
//! [`RESTART_WAIT`]) for the writer's transaction to end, copies the rest
//! and makes the next commit write from the start of the log again.
//!
//! Crash safety is SQLite's own: a checkpoint is an ordinary operation on
//! another connection of the same file, synced as any checkpoint is.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::{At, Store, StoreError};

/// Log size past which a checkpoint waits for the writer so the log can
/// start over (bounded disk use; a shorter log also reads faster).
pub const RESTART_BYTES: u64 = 256 * 1024 * 1024;
/// How long that checkpoint waits for the writer's transaction to end.
pub const RESTART_WAIT: Duration = Duration::from_secs(5);
/// Pages of log before a passive checkpoint is worth waking up for
/// (SQLite's own automatic-checkpoint default).
const PASSIVE_PAGES: i64 = 1000;

/// What the hook tells the thread.
#[derive(Default)]
struct Signal {
    /// The log's size in pages at the last commit, until the thread takes it.
    pages: Option<i64>,
    stop: bool,
}

type Shared = Arc<(Mutex<Signal>, Condvar)>;

/// The checkpointing thread of a store; [`Store::finish_checkpointer`] (or
/// dropping it) stops it and gives checkpoints back to the writer's
/// connection.
pub struct Checkpointer {
    shared: Shared,
    thread: Option<JoinHandle<CheckpointStats>>,
}

/// What the thread did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckpointStats {
    pub passive: usize,
    pub restart: usize,
    /// Checkpoints that failed (the next one retries; SQLite's own
    /// automatic checkpoint ignores failures the same way).
    pub failed: usize,
}

impl Store {
    /// Moves this connection's checkpoints to a thread of their own (see
    /// the module documentation) until the returned [`Checkpointer`] is
    /// finished or dropped. For an in-memory store (no log) the thread is
    /// not started.
    pub fn start_checkpointer(&mut self) -> Result<Checkpointer, StoreError> {
        self.start_checkpointer_at(PASSIVE_PAGES, RESTART_BYTES)
    }

    /// [`Store::start_checkpointer`] with its thresholds (tests use small
    /// ones).
    fn start_checkpointer_at(
        &mut self,
        passive_pages: i64,
        restart_bytes: u64,
    ) -> Result<Checkpointer, StoreError> {
        let path = self.path.clone();
        let shared: Shared = Arc::default();
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .at(&path, || "cannot read the journal mode".into())?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Ok(Checkpointer {
                shared,
                thread: None,
            });
        }
        let page_size: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .at(&path, || "cannot read the page size".into())?;
        let own = Connection::open(&path)
            .at(&path, || "cannot open a checkpointing connection".into())?;
        own.busy_timeout(RESTART_WAIT)
            .at(&path, || "cannot set the busy timeout".into())?;
        let restart_pages = (restart_bytes / page_size.max(512) as u64) as i64;
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("tealeaf-checkpoint".into())
                .spawn(move || run(own, &shared, passive_pages, restart_pages))
                .map_err(|source| StoreError::Io {
                    path: path.clone(),
                    context: "cannot start the checkpointing thread".into(),
                    source,
                })?
        };
        let hook_shared = shared.clone();
        // Replaces SQLite's automatic checkpoint (itself a WAL hook): the
        // commit only records the size and wakes the thread.
        self.conn
            .wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, pages: i32| {
                let (lock, wake) = &*hook_shared;
                lock.lock().unwrap_or_else(PoisonError::into_inner).pages = Some(i64::from(pages));
                wake.notify_one();
                Ok(())
            }))
            .at(&path, || "cannot set the WAL hook".into())?;
        Ok(Checkpointer {
            shared,
            thread: Some(thread),
        })
    }

    /// Ends a [`Store::start_checkpointer`]: stops its thread and gives the
    /// connection SQLite's automatic checkpoint back.
    pub fn finish_checkpointer(
        &mut self,
        mut checkpointer: Checkpointer,
    ) -> Result<CheckpointStats, StoreError> {
        let Some(stats) = checkpointer.stop() else {
            return Ok(CheckpointStats::default());
        };
        let path = self.path.as_str();
        self.conn
            .wal_hook(None::<fn(&mut rusqlite::hooks::Wal, i32) -> rusqlite::Result<()>>)
            .at(path, || "cannot remove the WAL hook".into())?;
        // Re-installs the automatic checkpoint at SQLite's default.
        let _: i64 = self
            .conn
            .query_row("PRAGMA wal_autocheckpoint = 1000", [], |r| r.get(0))
            .at(path, || "cannot set wal_autocheckpoint".into())?;
        Ok(stats)
    }
}

impl Checkpointer {
    /// Stops the thread; its counts, or `None` if none was started.
    fn stop(&mut self) -> Option<CheckpointStats> {
        let thread = self.thread.take()?;
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        wake.notify_one();
        // A panic on the thread loses only checkpoints.
        Some(thread.join().unwrap_or_default())
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread: a checkpoint each time a commit leaves enough log.
fn run(
    conn: Connection,
    shared: &Shared,
    passive_pages: i64,
    restart_pages: i64,
) -> CheckpointStats {
    let mut stats = CheckpointStats::default();
    let (lock, wake) = &**shared;
    loop {
        let (pages, last) = {
            let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
            while s.pages.is_none() && !s.stop {
                s = wake.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            // Told to stop with a commit not yet seen: check it first, so
            // the log left behind is no longer than usual.
            match s.pages.take() {
                Some(p) => (p, s.stop),
                None => return stats,
            }
        };
        if pages >= passive_pages {
            checkpoint(&conn, pages >= restart_pages, &mut stats);
        }
        if last {
            return stats;
        }
    }
}

/// One checkpoint, counted.
fn checkpoint(conn: &Connection, restart: bool, stats: &mut CheckpointStats) {
    let sql = if restart {
        "PRAGMA wal_checkpoint(RESTART)"
    } else {
        "PRAGMA wal_checkpoint(PASSIVE)"
    };
    // (busy, log pages, pages checkpointed); busy = 1 when a RESTART
    // gave up waiting, after copying what it could.
    match conn.query_row(sql, [], |r| r.get::<_, i64>(0)) {
        Ok(_) if restart => stats.restart += 1,
        Ok(_) => stats.passive += 1,
        Err(_) => stats.failed += 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StatementFilter;
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Pack, extract};

    #[test]
    fn checkpoints_run_on_their_thread_and_the_store_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let pack = Pack::default_pack().unwrap();
        let mut store = Store::open(&path).unwrap();
        store.tune_for_bulk_writes().unwrap();
        // Small thresholds, so this small store sees both kinds.
        let checkpointer = store.start_checkpointer_at(1, 64 * 4096).unwrap();
        let mut n = 0;
        for i in 0..60 {
            let mut text = format!("title: T{i}\ndate: 2025-02-10\n\n");
            for j in 0..20 {
                text.push_str(&format!(
                    "Abbas Araghchi said that \"point {j} of article {i} stands firm.\"\n\n"
                ));
            }
            let doc = parse(&format!("t{i}.txt"), text.as_bytes(), Format::Text)
                .pop()
                .unwrap()
                .unwrap();
            let st = extract(&doc, &pack);
            n += st.len();
            let p = crate::PreparedDocument::new(doc, st).unwrap();
            store.ingest_batch(&[p], &pack.info).unwrap();
            // The thread takes each commit before the next one: on a loaded
            // machine it could otherwise lag, see one large log for many
            // commits and only ever restart it.
            let waiting = std::time::Instant::now();
            while checkpointer.shared.0.lock().unwrap().pages.is_some()
                && waiting.elapsed() < Duration::from_secs(10)
            {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let stats = store.finish_checkpointer(checkpointer).unwrap();
        assert!(stats.passive > 0 && stats.restart > 0, "{stats:?}");
        assert_eq!(stats.failed, 0);
        assert_eq!(store.counts().unwrap(), (60, n));
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        // The automatic checkpoint is back.
        let auto: i64 = store
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(auto, 1000);
        drop(store);
        // Another connection sees everything.
        let again = Store::open(&path).unwrap();
        assert_eq!(
            again.statements(&StatementFilter::default()).unwrap().len(),
            n
        );
    }

    #[test]
    fn an_in_memory_store_has_no_thread() {
        let mut store = Store::open_in_memory().unwrap();
        let c = store.start_checkpointer().unwrap();
        assert!(c.thread.is_none());
        assert_eq!(
            store.finish_checkpointer(c).unwrap(),
            CheckpointStats::default()
        );
    }
}
