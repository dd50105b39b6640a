//! tealeaf-store: the embedded store of documents and coded statements.
//!
//! One SQLite file (rusqlite, bundled SQLite with FTS5) of 16 KiB pages
//! ([`PAGE_SIZE`]) in WAL mode with `synchronous=NORMAL`, foreign keys on
//! and a busy timeout; the first ingest into a new store may bulk load it
//! through a rollback journal instead ([`Store::begin_bulk_load`]). The
//! schema is a list of migrations (see [`schema`]) tracked by
//! `PRAGMA user_version`.
//!
//! * `documents`: one row per distinct document, keyed by a content hash of
//!   body and metadata (see [`hash`]), so ingesting the same document twice
//!   stores it once; with its source, metadata, body and the pack that coded
//!   it.
//! * `statements`: one row per statement, every field of
//!   [`tealeaf_core::Statement`] that is a scalar in its own column, plus
//!   `coded`, the other fields (the coding's lists and evidence) as JSON,
//!   so fields the coding stage adds later are kept without a schema
//!   change. [`statement_json`] puts the whole statement back together
//!   (before schema version 6, `coded` held the whole statement; such rows
//!   read the same way).
//! * `statements_fts`: FTS5 over statement text, speaker and outlet, kept in
//!   sync in the same transaction: rows are added by the store's insert
//!   path (a batch at a time), removed and changed by triggers.
//! * `runs` and `meta`: each ingest or recode with its pack and counts, and
//!   the pack that last wrote.
//!
//! Each document is written in one transaction (document row, statements,
//! full-text index), so a crash leaves every stored document whole.

mod batch;
mod bulk;
mod checkpoint;
mod encode;
mod facts;
pub mod hash;
mod rows;
pub mod schema;
mod search;
mod values;
mod write;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;
use tealeaf_core::document::Meta;
use tealeaf_core::{Document, Statement};
use values::EncodedStatements;

pub use batch::BatchWriter;
pub use bulk::{BulkLoad, FLUSH_EVERY};
pub use checkpoint::{CheckpointStats, Checkpointer};
pub use facts::IssueFacts;
pub use hash::ContentHash;
pub use schema::SCHEMA_VERSION;
pub use tealeaf_core::pack::PackInfo;
pub use write::PreparedDocument;

/// How long a writer waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What went wrong; every message names the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {context}: {source}")]
    Sqlite {
        path: String,
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: {context}: {source}")]
    Json {
        path: String,
        context: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {context}: {source}")]
    Io {
        path: String,
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: the database has schema version {found}, newer than this build of tealeaf \
         knows ({known}); use a newer tealeaf"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
    },
}

impl StoreError {
    /// The database file the error is about (`:memory:` for an in-memory store).
    pub fn path(&self) -> &str {
        match self {
            StoreError::Sqlite { path, .. }
            | StoreError::Json { path, .. }
            | StoreError::Io { path, .. }
            | StoreError::SchemaTooNew { path, .. } => path,
        }
    }
}

/// Attaches the database path and what was being done to an error.
trait At<T> {
    fn at(self, path: &str, context: impl FnOnce() -> String) -> Result<T, StoreError>;
}

impl<T> At<T> for rusqlite::Result<T> {
    fn at(self, path: &str, context: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite {
            path: path.to_string(),
            context: context(),
            source,
        })
    }
}

impl<T> At<T> for std::io::Result<T> {
    fn at(self, path: &str, context: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Io {
            path: path.to_string(),
            context: context(),
            source,
        })
    }
}

impl<T> At<T> for serde_json::Result<T> {
    fn at(self, path: &str, context: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Json {
            path: path.to_string(),
            context: context(),
            source,
        })
    }
}

/// Whether SQLite gave up on a lock another connection holds.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// What [`Store::ingest_document`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// The document was stored, with this many statements.
    New { document_id: i64, statements: usize },
    /// A document with the same content hash was already stored; nothing
    /// was written.
    Unchanged { document_id: i64 },
}

/// A stored document, without its body.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    pub id: i64,
    pub doc_key: String,
    pub content_hash: String,
    pub source: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub language: Option<String>,
    pub pack_id: String,
    pub pack_version: String,
    pub ingested_at: String,
    pub coded_at: String,
    /// How many statements are stored for it.
    pub statements: usize,
}

/// A stored statement: the indexed columns, and `coded`, the statement as
/// extraction and coding gave it (every field).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStatement {
    pub id: i64,
    pub document_id: i64,
    pub doc_key: String,
    pub ordinal: usize,
    pub text: String,
    pub speaker: Option<String>,
    pub speaker_id: Option<String>,
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub topic: Option<String>,
    pub stance: Option<String>,
    pub coded: Value,
}

/// Which statements [`Store::statements`] returns; every field set must
/// match. Dates are inclusive and compare a partial date (`2025-02`, `2025`)
/// as its first day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementFilter {
    pub speaker_id: Option<String>,
    pub topic: Option<String>,
    pub stance: Option<String>,
    pub date_from: Option<chrono::NaiveDate>,
    pub date_to: Option<chrono::NaiveDate>,
    /// Words that must all occur in the text, speaker or outlet (full-text
    /// search; the words are quoted, so FTS5 operators in them are plain
    /// words).
    pub text: Option<String>,
    pub document_id: Option<i64>,
    pub limit: Option<usize>,
}

/// What kind of run a `runs` row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Ingest,
    Recode,
}

impl RunKind {
    pub fn name(self) -> &'static str {
        match self {
            RunKind::Ingest => "ingest",
            RunKind::Recode => "recode",
        }
    }
}

/// The counts a run ends with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub documents_new: usize,
    pub documents_unchanged: usize,
    pub documents_failed: usize,
    /// Documents whose statements a recode replaced.
    pub documents_recoded: usize,
    pub statements: usize,
}

/// One row of `runs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: i64,
    pub kind: String,
    pub pack_id: String,
    pub pack_version: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub counts: RunCounts,
}

/// What [`Store::recode`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecodeSummary {
    pub documents: usize,
    pub statements_before: usize,
    pub statements_after: usize,
}

/// Stops SQLite from counting the memory it has allocated, for the rest of
/// the process; gives whether it took effect (only before SQLite's first
/// use in the process).
///
/// With the count on, every allocation and free inside SQLite takes a
/// process-wide mutex to update it; a bulk ingest allocates for each value
/// it binds and each page it touches, and the writer spent about a
/// twentieth of its time on that mutex. Nothing in tealeaf reads the count
/// (`sqlite3_memory_used`, soft heap limits).
///
/// # Safety
///
/// SQLite's configuration is process-wide and not thread-safe: no other
/// thread may use SQLite while this runs. Call it first thing, before
/// anything opens a connection.
pub unsafe fn skip_memory_statistics() -> bool {
    // SAFETY: the caller's promise; the call only sets a flag in SQLite's
    // global configuration, or fails with SQLITE_MISUSE once SQLite has
    // been initialized.
    let rc = unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0) };
    rc == rusqlite::ffi::SQLITE_OK
}

/// Tells the C allocator (glibc's) to keep freed memory for reuse: blocks
/// up to 32 MiB come from the heap rather than a mapping of their own, and
/// the heap is given back to the system only past 512 MiB free at its top.
/// Returns whether both settings took (always `false` off glibc).
///
/// By default every block above a threshold (128 KiB, raised as such
/// blocks are freed, to 32 MiB at most) is mapped when allocated and
/// unmapped when freed, and the top of the heap is given back once a few
/// megabytes are free there. A query on a large store reads tens of
/// megabytes (the issue's facts, their columns, the page's working
/// vectors) and frees them, so every query faulted in fresh zeroed pages:
/// in a profile of the 1M-statement query benchmark, page faults fell
/// from 18 % to 11 % of the samples and unmapping from 3 % to 1 % with
/// these settings. Peak memory is unchanged; memory stays with the process
/// between queries, as a server's should. Call it at the start of `main`.
pub fn keep_freed_memory_for_reuse() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallopt` only changes the allocator's parameters (under
        // its own lock); no pointers are passed.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: String,
    /// The schema version the file had before this open migrated it.
    found_version: i64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

const INSERT_DOCUMENT: &str = "INSERT INTO documents (doc_key, content_hash, source, url, title, \
     published, outlet, author, language, body, meta, pack_id, pack_version, ingested_at, coded_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)";

/// The columns of a statement row, in the order `rows::RowInsert` binds them.
const STATEMENT_COLUMNS: &[&str] = &[
    "document_id",
    "ordinal",
    "doc",
    "span_start",
    "span_end",
    "text",
    "quote_start",
    "quote_end",
    "attribution",
    "kind",
    "direct",
    "speaker",
    "speaker_mention",
    "speaker_start",
    "speaker_end",
    "speaker_role",
    "speaker_id",
    "faction",
    "outlet",
    "outlet_id",
    "outlet_affiliation",
    "date",
    "date_precision",
    "cue",
    "confidence",
    "rule",
    "topic",
    "stance",
    "coded",
];

/// The columns of `statements` (aliased `s`) a whole statement is rebuilt
/// from, for a `SELECT` list; [`statement_json`] reads them in this order.
pub const STATEMENT_JSON_COLUMNS: &str = "s.doc, s.span_start, s.span_end, s.text, \
     s.quote_start, s.quote_end, s.attribution, s.kind, s.direct, s.speaker, s.speaker_mention, \
     s.speaker_start, s.speaker_end, s.speaker_role, s.speaker_id, s.faction, s.outlet, \
     s.outlet_id, s.outlet_affiliation, s.date, s.date_precision, s.cue, s.confidence, s.rule, \
     s.topic, s.stance, s.coded";

/// The whole statement as JSON (every field, as `serde_json::to_value` of
/// the [`Statement`] gives it) from a row holding
/// [`STATEMENT_JSON_COLUMNS`] from column `first` on.
///
/// Stores before schema version 6 hold the whole statement in `coded`;
/// later ones only the fields without a column (a third of the bytes, and
/// less to write at ingest). Both read the same way: the `coded` object
/// with the column values set over it (in an old row they are the same
/// values). `confidence` comes from its `REAL` column, the exact `f64`
/// the JSON printed.
pub fn statement_json(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Value> {
    use rusqlite::types::{Type, ValueRef};
    let at = |k: usize| first + k;
    let coded_at = at(26);
    let coded = row.get_ref(coded_at)?.as_str()?;
    let bad = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(coded_at, Type::Text, e)
    };
    let mut m = match serde_json::from_str::<Value>(coded).map_err(|e| bad(Box::new(e)))? {
        Value::Object(m) => m,
        _ => return Err(bad("the coded column is not a JSON object".into())),
    };
    // What a slim row leaves out.
    encode::restore_slim(&mut m);
    let text = |k: usize| -> rusqlite::Result<Value> {
        Ok(match row.get_ref(at(k))? {
            ValueRef::Null => Value::Null,
            v => Value::String(v.as_str()?.to_string()),
        })
    };
    let int = |k: usize| -> rusqlite::Result<Option<i64>> { row.get(at(k)) };
    let pair = |k: usize| -> rusqlite::Result<Value> {
        Ok(match (int(k)?, int(k + 1)?) {
            (Some(a), Some(b)) => Value::Array(vec![a.into(), b.into()]),
            _ => Value::Null,
        })
    };
    // The text columns, by position in STATEMENT_JSON_COLUMNS.
    for (key, k) in [
        ("doc", 0),
        ("text", 3),
        ("kind", 7),
        ("speaker", 9),
        ("speaker_mention", 10),
        ("speaker_role", 13),
        ("speaker_id", 14),
        ("faction", 15),
        ("outlet", 16),
        ("outlet_id", 17),
        ("outlet_affiliation", 18),
        ("date", 19),
        ("date_precision", 20),
        ("cue", 21),
        ("rule", 23),
        ("topic", 24),
        ("stance", 25),
    ] {
        m.insert(key.into(), text(k)?);
    }
    m.insert("span".into(), pair(1)?);
    m.insert("quote_span".into(), pair(4)?);
    m.insert("speaker_span".into(), pair(11)?);
    let attribution = int(6)?;
    m.insert(
        "attribution".into(),
        attribution.map_or(Value::Null, Value::from),
    );
    m.insert("direct".into(), Value::Bool(row.get(at(8))?));
    let confidence: Option<f64> = row.get(at(22))?;
    m.insert(
        "confidence".into(),
        confidence
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
    );
    Ok(Value::Object(m))
}

static SELECT_STATEMENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT s.id, s.document_id, d.doc_key, s.ordinal, s.text, s.speaker, s.speaker_id, \
         s.outlet, s.date, s.topic, s.stance, {STATEMENT_JSON_COLUMNS} \
         FROM statements s JOIN documents d ON d.id = s.document_id"
    )
});

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The FTS5 query for words typed by a user: each whitespace-separated word
/// quoted as a string (so `AND`, `NEAR(`, `col:` or `*` in it are plain
/// text), all required. Words without a letter or digit are dropped; `None`
/// when nothing is left.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

/// The page size of new stores, in bytes (SQLite's default is 4,096).
/// Ingest writes fewer, fuller pages: 20 MB of generated news went from
/// 2.13 to 1.95 s (6 alternating runs; 32 KiB: 1.89 s), and on two stores
/// of 1,013,386 statements ingested from the same files every query of
/// `tealeaf-bench queries` was as fast or faster (filtered search 31.2 ->
/// 28.4 ms, divergence 51.0 -> 45.9 ms). Session 6 had measured the
/// queries of its day 5–18 % slower on 16 KiB pages; they have since been
/// rewritten to read less.
pub const PAGE_SIZE: i64 = 16_384;

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema
    /// up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let shown = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).at(&shown, || "cannot open database".into())?;
        Store::setup(conn, shown, SCHEMA_VERSION)
    }

    /// A fresh store in memory (tests, the demo).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().at(":memory:", || "cannot open".into())?;
        Store::setup(conn, ":memory:".to_string(), SCHEMA_VERSION)
    }

    fn setup(mut conn: Connection, path: String, target: i64) -> Result<Store, StoreError> {
        let p = path.as_str();
        conn.busy_timeout(BUSY_TIMEOUT)
            .at(p, || "cannot set the busy timeout".into())?;
        // Before anything is written: a new database takes it, an existing
        // one keeps the size it was made with (see PAGE_SIZE).
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .at(p, || "cannot set the page size".into())?;
        // A no-op for a store in WAL mode already; "memory" for an
        // in-memory database, which has no WAL. A store in a rollback
        // journal (being bulk loaded, or left so by an interrupted bulk
        // load: see `bulk`) switches only when no other connection has it
        // open, at once or not at all: while a bulk load writes, waiting
        // would take as long as the load, and meanwhile the store reads
        // through its journal. A later open switches it.
        conn.busy_timeout(Duration::ZERO)
            .at(p, || "cannot set the busy timeout".into())?;
        let switched = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
        conn.busy_timeout(BUSY_TIMEOUT)
            .at(p, || "cannot set the busy timeout".into())?;
        match switched {
            Err(e) if !is_busy(&e) => return Err(e).at(p, || "cannot switch to WAL mode".into()),
            _ => {}
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .at(p, || "cannot set synchronous=NORMAL".into())?;
        conn.pragma_update(None, "foreign_keys", true)
            .at(p, || "cannot enable foreign keys".into())?;
        let found_version = match schema::migrate(&mut conn, target)
            .at(p, || "cannot migrate the schema".into())?
        {
            schema::Migrated::TooNew { found } => {
                return Err(StoreError::SchemaTooNew {
                    path,
                    found,
                    known: SCHEMA_VERSION,
                });
            }
            schema::Migrated::Upgraded { from } => from,
        };
        Ok(Store {
            conn,
            path,
            found_version,
        })
    }

    /// The database path as given (`:memory:` in memory).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The underlying connection, for queries this API does not cover
    /// (analyses). Writes through it bypass the store's invariants.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version the database had when opened, before migration
    /// (0 for a new file).
    pub fn found_schema_version(&self) -> i64 {
        self.found_version
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        schema::user_version(&self.conn).at(&self.path, || "cannot read user_version".into())
    }

    /// Stores a document and its statements in one transaction, unless a
    /// document with the same content hash is already stored.
    pub fn ingest_document(
        &mut self,
        doc: &Document,
        statements: &[Statement],
        pack: &PackInfo,
    ) -> Result<IngestOutcome, StoreError> {
        let hash = ContentHash::of(doc).to_string();
        let path = self.path.as_str();
        let ctx = || format!("cannot store document {} ({})", doc.id, doc.source);
        let meta = serde_json::to_string(&doc.meta).at(path, ctx)?;
        let encoded = encode_statements(path, statements)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .at(path, ctx)?;
        let row = write::DocumentRow {
            doc,
            hash: &hash,
            meta: &meta,
            encoded: &encoded,
        };
        let outcome = row.write(&tx, pack, &now()).at(path, ctx)?;
        // Nothing was written for an unchanged document: the commit is empty.
        tx.commit().at(path, ctx)?;
        Ok(outcome)
    }

    /// Whether a document with this content hash is stored.
    pub fn contains(&self, hash: ContentHash) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM documents WHERE content_hash = ?1",
                [hash.to_string()],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .at(&self.path, || "cannot look up a content hash".into())
    }

    /// The content hashes of every stored document (to skip extraction of
    /// known documents before writing).
    pub fn content_hashes(&self) -> Result<HashSet<ContentHash>, StoreError> {
        let ctx = || "cannot read content hashes".to_string();
        let mut st = self
            .conn
            .prepare("SELECT content_hash FROM documents")
            .at(&self.path, ctx)?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .at(&self.path, ctx)?;
        let mut out = HashSet::new();
        for r in rows {
            if let Some(h) = ContentHash::parse(&r.at(&self.path, ctx)?) {
                out.insert(h);
            }
        }
        Ok(out)
    }

    /// Every stored document, in ingestion order, without bodies.
    pub fn documents(&self) -> Result<Vec<StoredDocument>, StoreError> {
        let ctx = || "cannot list documents".to_string();
        let mut st = self
            .conn
            .prepare(
                "SELECT d.id, d.doc_key, d.content_hash, d.source, d.url, d.title, d.published, \
                 d.outlet, d.author, d.language, d.pack_id, d.pack_version, d.ingested_at, \
                 d.coded_at, (SELECT count(*) FROM statements s WHERE s.document_id = d.id) \
                 FROM documents d ORDER BY d.id",
            )
            .at(&self.path, ctx)?;
        let rows = st
            .query_map([], |r| {
                Ok(StoredDocument {
                    id: r.get(0)?,
                    doc_key: r.get(1)?,
                    content_hash: r.get(2)?,
                    source: r.get(3)?,
                    url: r.get(4)?,
                    title: r.get(5)?,
                    published: r.get(6)?,
                    outlet: r.get(7)?,
                    author: r.get(8)?,
                    language: r.get(9)?,
                    pack_id: r.get(10)?,
                    pack_version: r.get(11)?,
                    ingested_at: r.get(12)?,
                    coded_at: r.get(13)?,
                    statements: r.get(14)?,
                })
            })
            .at(&self.path, ctx)?;
        rows.collect::<rusqlite::Result<_>>().at(&self.path, ctx)
    }

    /// The stored document `id` as the core reads it, or `None`.
    pub fn document(&self, id: i64) -> Result<Option<Document>, StoreError> {
        let ctx = || format!("cannot read document {id}");
        let row: Option<(String, String, String, String)> = self
            .conn
            .query_row(
                "SELECT doc_key, source, body, meta FROM documents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .at(&self.path, ctx)?;
        let Some((key, source, body, meta)) = row else {
            return Ok(None);
        };
        let meta: Meta = serde_json::from_str(&meta).at(&self.path, ctx)?;
        Ok(Some(Document {
            id: key,
            source,
            body,
            meta,
        }))
    }

    /// Numbers of stored documents and statements.
    pub fn counts(&self) -> Result<(usize, usize), StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM statements)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .at(&self.path, || "cannot count rows".into())
    }

    /// The statements that match `filter`, in document and extraction order.
    pub fn statements(&self, filter: &StatementFilter) -> Result<Vec<StoredStatement>, StoreError> {
        let mut sql = SELECT_STATEMENT.clone();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let mut clauses: Vec<String> = Vec::new();
        let mut add = |clause: &str, arg: Box<dyn rusqlite::ToSql>| {
            args.push(arg);
            clauses.push(clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(v) = &filter.speaker_id {
            add("s.speaker_id = ?", Box::new(v.clone()));
        }
        if let Some(v) = &filter.topic {
            add("s.topic = ?", Box::new(v.clone()));
        }
        if let Some(v) = &filter.stance {
            add("s.stance = ?", Box::new(v.clone()));
        }
        // A partial date compares as its first day: "2025-02" → "2025-02-01".
        const DAY: &str = "substr(s.date || '-01-01', 1, 10)";
        if let Some(d) = filter.date_from {
            add(&format!("{DAY} >= ?"), Box::new(d.to_string()));
        }
        if let Some(d) = filter.date_to {
            add(&format!("{DAY} <= ?"), Box::new(d.to_string()));
        }
        if let Some(id) = filter.document_id {
            add("s.document_id = ?", Box::new(id));
        }
        if let Some(text) = &filter.text {
            match fts_query(text) {
                Some(q) => {
                    if filter.limit.is_some() && self.many_matches(&q)? {
                        sql = sql.replace("FROM statements s ", search::IN_ORDER);
                    }
                    add(
                        "s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)",
                        Box::new(q),
                    )
                }
                // Nothing searchable: nothing matches.
                None => return Ok(Vec::new()),
            }
        }
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY s.document_id, s.ordinal");
        if let Some(n) = filter.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        let ctx = || "cannot query statements".to_string();
        let mut st = self.conn.prepare(&sql).at(&self.path, ctx)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok(StoredStatement {
                    id: r.get(0)?,
                    document_id: r.get(1)?,
                    doc_key: r.get(2)?,
                    ordinal: r.get(3)?,
                    text: r.get(4)?,
                    speaker: r.get(5)?,
                    speaker_id: r.get(6)?,
                    outlet: r.get(7)?,
                    date: r.get(8)?,
                    topic: r.get(9)?,
                    stance: r.get(10)?,
                    coded: statement_json(r, 11)?,
                })
            })
            .at(&self.path, ctx)?;
        rows.collect::<rusqlite::Result<_>>().at(&self.path, ctx)
    }

    /// Replaces the statements of a stored document, in one transaction,
    /// and records the pack that coded them. Gives the number written.
    pub fn replace_statements(
        &mut self,
        document_id: i64,
        statements: &[Statement],
        pack: &PackInfo,
    ) -> Result<usize, StoreError> {
        let path = self.path.as_str();
        let ctx = || format!("cannot replace the statements of document {document_id}");
        let encoded = encode_statements(path, statements)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .at(path, ctx)?;
        tx.execute(
            "DELETE FROM statements WHERE document_id = ?1",
            [document_id],
        )
        .at(path, ctx)?;
        insert_statements(&tx, document_id, &encoded).at(path, ctx)?;
        tx.execute(
            "UPDATE documents SET pack_id = ?1, pack_version = ?2, coded_at = ?3 WHERE id = ?4",
            params![pack.id, pack.version, now(), document_id],
        )
        .at(path, ctx)?;
        tx.commit().at(path, ctx)?;
        Ok(statements.len())
    }

    /// Ids of every stored document, in ingestion order.
    pub fn document_ids(&self) -> Result<Vec<i64>, StoreError> {
        let ctx = || "cannot list documents".to_string();
        let mut st = self
            .conn
            .prepare("SELECT id FROM documents ORDER BY id")
            .at(&self.path, ctx)?;
        let rows = st.query_map([], |r| r.get(0)).at(&self.path, ctx)?;
        rows.collect::<rusqlite::Result<_>>().at(&self.path, ctx)
    }

    /// Re-runs extraction and coding on every stored document with the
    /// current pack and replaces its statements (a transaction per
    /// document); records the run and the pack.
    pub fn recode(
        &mut self,
        pack: &PackInfo,
        mut extract: impl FnMut(&Document) -> Vec<Statement>,
    ) -> Result<RecodeSummary, StoreError> {
        self.recode_batched(pack, 1, |docs| docs.iter().map(&mut extract).collect())
    }

    /// [`Store::recode`] handing `extract` up to `batch` documents at a time
    /// (so the caller can extract them in parallel); it must give one
    /// statement list per document, in order.
    pub fn recode_batched(
        &mut self,
        pack: &PackInfo,
        batch: usize,
        mut extract: impl FnMut(&[Document]) -> Vec<Vec<Statement>>,
    ) -> Result<RecodeSummary, StoreError> {
        let run = self.start_run(RunKind::Recode, pack)?;
        let (_, before) = self.counts()?;
        let ids = self.document_ids()?;
        let mut summary = RecodeSummary {
            statements_before: before,
            ..Default::default()
        };
        for chunk in ids.chunks(batch.max(1)) {
            let mut docs = Vec::with_capacity(chunk.len());
            let mut doc_ids = Vec::with_capacity(chunk.len());
            for &id in chunk {
                // A document deleted meanwhile (another process) is skipped.
                if let Some(d) = self.document(id)? {
                    docs.push(d);
                    doc_ids.push(id);
                }
            }
            let results = extract(&docs);
            assert_eq!(
                results.len(),
                docs.len(),
                "recode_batched: one statement list per document"
            );
            for (id, statements) in doc_ids.into_iter().zip(results) {
                summary.statements_after += self.replace_statements(id, &statements, pack)?;
                summary.documents += 1;
            }
        }
        self.finish_run(
            run,
            &RunCounts {
                documents_recoded: summary.documents,
                statements: summary.statements_after,
                ..RunCounts::default()
            },
        )?;
        Ok(summary)
    }

    /// Records the start of a run and the pack it uses; gives the run id.
    pub fn start_run(&mut self, kind: RunKind, pack: &PackInfo) -> Result<i64, StoreError> {
        let path = self.path.as_str();
        let ctx = || format!("cannot record the start of a {} run", kind.name());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .at(path, ctx)?;
        tx.execute(
            "INSERT INTO runs (kind, pack_id, pack_version, started_at) VALUES (?1, ?2, ?3, ?4)",
            params![kind.name(), pack.id, pack.version, now()],
        )
        .at(path, ctx)?;
        let id = tx.last_insert_rowid();
        for (k, v) in [("pack_id", &pack.id), ("pack_version", &pack.version)] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![k, v],
            )
            .at(path, ctx)?;
        }
        tx.commit().at(path, ctx)?;
        Ok(id)
    }

    /// Records the end of a run and its counts.
    pub fn finish_run(&mut self, run: i64, counts: &RunCounts) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?1, documents_new = ?2, documents_unchanged = ?3, \
                 documents_failed = ?4, documents_recoded = ?5, statements = ?6 WHERE id = ?7",
                params![
                    now(),
                    counts.documents_new,
                    counts.documents_unchanged,
                    counts.documents_failed,
                    counts.documents_recoded,
                    counts.statements,
                    run
                ],
            )
            .at(&self.path, || format!("cannot record the end of run {run}"))?;
        Ok(())
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<Run>, StoreError> {
        let ctx = || "cannot list runs".to_string();
        let mut st = self
            .conn
            .prepare(
                "SELECT id, kind, pack_id, pack_version, started_at, finished_at, documents_new, \
                 documents_unchanged, documents_failed, documents_recoded, statements \
                 FROM runs ORDER BY id",
            )
            .at(&self.path, ctx)?;
        let rows = st
            .query_map([], |r| {
                Ok(Run {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    pack_id: r.get(2)?,
                    pack_version: r.get(3)?,
                    started_at: r.get(4)?,
                    finished_at: r.get(5)?,
                    counts: RunCounts {
                        documents_new: r.get(6)?,
                        documents_unchanged: r.get(7)?,
                        documents_failed: r.get(8)?,
                        documents_recoded: r.get(9)?,
                        statements: r.get(10)?,
                    },
                })
            })
            .at(&self.path, ctx)?;
        rows.collect::<rusqlite::Result<_>>().at(&self.path, ctx)
    }

    /// A value of the `meta` table (`pack_id`, `pack_version`).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .at(&self.path, || format!("cannot read meta {key}"))
    }

    /// SQLite's `PRAGMA integrity_check` and FTS5's own check of the
    /// full-text index: `["ok"]` when all is well, else the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let ctx = || "cannot run the integrity check".to_string();
        let mut st = self
            .conn
            .prepare("PRAGMA integrity_check")
            .at(&self.path, ctx)?;
        let mut out: Vec<String> = st
            .query_map([], |r| r.get(0))
            .at(&self.path, ctx)?
            .collect::<rusqlite::Result<_>>()
            .at(&self.path, ctx)?;
        if let Err(e) = self.conn.execute(
            "INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')",
            [],
        ) {
            if out == ["ok"] {
                out.clear();
            }
            out.push(format!("full-text index: {e}"));
        }
        Ok(out)
    }
}

/// A document's statements encoded, before a transaction starts.
fn encode_statements(
    path: &str,
    statements: &[Statement],
) -> Result<EncodedStatements, StoreError> {
    EncodedStatements::of(statements).at(path, || {
        let doc = statements.first().map_or("", |s| s.doc.as_str());
        format!("cannot encode the statements of {doc} as JSON")
    })
}

/// Inserts a document's encoded statements (`ordinal` counting from 0)
/// inside the caller's transaction.
fn insert_statements(
    conn: &Connection,
    document_id: i64,
    encoded: &EncodedStatements,
) -> rusqlite::Result<()> {
    let rows: Vec<StatementRow> = statement_rows(document_id, encoded).collect();
    write::insert_statement_rows(conn, &rows)
}

/// A document's statement rows, in order.
fn statement_rows(
    document_id: i64,
    encoded: &EncodedStatements,
) -> impl Iterator<Item = StatementRow<'_>> {
    (0..encoded.len()).map(move |ordinal| StatementRow {
        document_id,
        ordinal,
        encoded,
    })
}

/// A statement row to insert: statement `ordinal` of `encoded`.
struct StatementRow<'a> {
    pub(crate) document_id: i64,
    pub(crate) ordinal: usize,
    pub(crate) encoded: &'a EncodedStatements,
}

#[cfg(test)]
mod tests;
