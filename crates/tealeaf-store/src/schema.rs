//! The schema, as an ordered list of migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Opening a
//! store applies the missing ones in order, all in one transaction, so a
//! database is never left half-upgraded. Never edit a migration that has
//! shipped: add a new one at the end.

use rusqlite::{Connection, TransactionBehavior};

/// Migration 1: documents and statements.
const M1_TABLES: &str = r#"
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    -- The document id as extraction reports it (file name, JSON lines id, feed item).
    doc_key       TEXT NOT NULL,
    -- FNV-1a 128 of body and metadata, 32 hex digits (see hash.rs).
    content_hash  TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    url           TEXT,
    title         TEXT,
    -- YYYY-MM-DD, the parsed publication date.
    published     TEXT,
    outlet        TEXT,
    author        TEXT,
    language      TEXT,
    body          TEXT NOT NULL,
    -- The whole tealeaf_core::document::Meta as JSON.
    meta          TEXT NOT NULL,
    -- The pack that coded the current statements.
    pack_id       TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    ingested_at   TEXT NOT NULL,
    coded_at      TEXT NOT NULL
);
CREATE INDEX documents_doc_key ON documents(doc_key);
CREATE INDEX documents_published ON documents(published);

CREATE TABLE statements (
    id                 INTEGER PRIMARY KEY,
    document_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    -- Position in the extraction's output for the document, from 0.
    ordinal            INTEGER NOT NULL,
    doc                TEXT NOT NULL,
    span_start         INTEGER NOT NULL,
    span_end           INTEGER NOT NULL,
    text               TEXT NOT NULL,
    quote_start        INTEGER NOT NULL,
    quote_end          INTEGER NOT NULL,
    attribution        INTEGER NOT NULL,
    kind               TEXT NOT NULL,
    direct             INTEGER NOT NULL,
    speaker            TEXT,
    speaker_mention    TEXT,
    speaker_start      INTEGER,
    speaker_end        INTEGER,
    speaker_role       TEXT,
    speaker_id         TEXT,
    faction            TEXT,
    outlet             TEXT,
    outlet_id          TEXT,
    outlet_affiliation TEXT,
    -- YYYY-MM-DD, YYYY-MM or YYYY, by precision.
    date               TEXT,
    date_precision     TEXT,
    cue                TEXT,
    confidence         REAL NOT NULL,
    rule               TEXT NOT NULL,
    -- From the coded JSON when the coding stage sets them.
    topic              TEXT,
    stance             TEXT,
    -- The whole statement as JSON: every field, including those added after
    -- this schema was written.
    coded              TEXT NOT NULL,
    UNIQUE (document_id, ordinal)
);
CREATE INDEX statements_speaker_date ON statements(speaker_id, date);
CREATE INDEX statements_date ON statements(date);
CREATE INDEX statements_topic_stance ON statements(topic, stance);
"#;

/// Migration 2: full-text search over statement text, speaker and outlet.
/// An external-content FTS5 table kept in sync by triggers, so every write
/// to `statements` updates it in the same transaction.
const M2_FTS: &str = r#"
CREATE VIRTUAL TABLE statements_fts USING fts5(
    text, speaker, outlet,
    content = 'statements', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text, speaker, outlet)
    VALUES (new.id, new.text, new.speaker, new.outlet);
END;
CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text, speaker, outlet)
    VALUES ('delete', old.id, old.text, old.speaker, old.outlet);
END;
CREATE TRIGGER statements_fts_update AFTER UPDATE OF text, speaker, outlet ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text, speaker, outlet)
    VALUES ('delete', old.id, old.text, old.speaker, old.outlet);
    INSERT INTO statements_fts(rowid, text, speaker, outlet)
    VALUES (new.id, new.text, new.speaker, new.outlet);
END;
-- Statements stored before this migration.
INSERT INTO statements_fts(statements_fts) VALUES ('rebuild');
"#;

/// Migration 3: runs (each ingest and recode, with its pack and counts) and
/// a key–value table (the pack that last wrote to the store).
const M3_RUNS: &str = r#"
CREATE TABLE runs (
    id                  INTEGER PRIMARY KEY,
    -- ingest | recode
    kind                TEXT NOT NULL,
    pack_id             TEXT NOT NULL,
    pack_version        TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    -- NULL while running, or when the run was interrupted.
    finished_at         TEXT,
    documents_new       INTEGER NOT NULL DEFAULT 0,
    documents_unchanged INTEGER NOT NULL DEFAULT 0,
    documents_failed    INTEGER NOT NULL DEFAULT 0,
    documents_recoded   INTEGER NOT NULL DEFAULT 0,
    -- Statements written by the run.
    statements          INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

/// Migration 4: indexes for the workbench's statement filters (`tealeaf
/// serve`: faction, outlet, outlet affiliation, issue), each with the date
/// so a filtered page of newest statements needs no sort.
const M4_FILTER_INDEXES: &str = r#"
CREATE INDEX statements_faction_date ON statements(faction, date);
CREATE INDEX statements_outlet_date ON statements(outlet_id, date);
CREATE INDEX statements_affiliation_date ON statements(outlet_affiliation, date);
CREATE INDEX statements_topic_date ON statements(topic, date);
"#;

/// Migration 5: the analyses' compact copy of each issue's statements
/// (`tealeaf_core::analyses::Facts` as bytes, see facts.rs), and the write
/// generation that tells when a copy is stale.
///
/// Every write of statements writes their document row in the same
/// transaction (ingest inserts it; recode updates `coded_at`; deleting a
/// document deletes its statements), so triggers on `documents` bump the
/// generation once per document, not once per statement (the hot path of
/// ingest). Updates and deletes of statements bump it too; a statement
/// inserted on its own would still be seen, by its id above the copy's
/// `max_statement_id`.
const M5_ISSUE_FACTS: &str = r#"
CREATE TABLE generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO generation (id, n) VALUES (1, 0);
CREATE TRIGGER documents_generation_insert AFTER INSERT ON documents BEGIN
    UPDATE generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER documents_generation_update AFTER UPDATE ON documents BEGIN
    UPDATE generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER documents_generation_delete AFTER DELETE ON documents BEGIN
    UPDATE generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER statements_generation_update AFTER UPDATE ON statements BEGIN
    UPDATE generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER statements_generation_delete AFTER DELETE ON statements BEGIN
    UPDATE generation SET n = n + 1 WHERE id = 1;
END;
CREATE TABLE issue_facts (
    issue             TEXT PRIMARY KEY,
    -- The generation and largest statement id the copy was made at.
    generation        INTEGER NOT NULL,
    max_statement_id  INTEGER NOT NULL,
    -- The store ids of the statements, in the order of the facts' rows
    -- (little-endian i64s), so results can cite stored statements.
    ids               BLOB NOT NULL,
    facts             BLOB NOT NULL,
    built_at          TEXT NOT NULL
);
"#;

/// Migration 6: the `coded` column of statements written from now on holds
/// only the fields without a column of their own (the coding's lists,
/// evidence and rarer codes): about a third of the bytes the whole
/// statement took, which made the table twice the size it needed and the
/// writer's inserts and checkpoints slower. Readers rebuild the whole
/// statement from the columns and `coded` (`crate::statement_json`), and
/// read rows written before in the same way, so old rows need no rewrite
/// (a recode rewrites them slim). No table changes: the version number is
/// the point, so that a build older than this one refuses the store
/// instead of reading slim rows as incomplete statements.
const M6_SLIM_CODED: &str = "-- coded holds only the fields without a column (see statement_json)";

/// Migration 7: secondary indexes that cost ingest less, for the same
/// queries.
///
/// Every query of the store and the server reads these indexes by their
/// first column only (`speaker_id = ?`, `topic = ?`, `GROUP BY faction`, …;
/// `EXPLAIN QUERY PLAN` of each): the `date` after it served no query, and
/// `(topic, date)` repeated what `(topic, stance)` answers. The date did
/// cost: an entry keyed `(speaker_id, date)` lands anywhere in its
/// speaker's range, so once the index outgrew the page cache a batch
/// dirtied about one random leaf page per statement. Keyed by the column
/// alone, entries sort by rowid within a value, and rowids only grow: a
/// new entry goes to the last page of its value's range, a page the batch
/// before touched too, so the pages written stay few and cached.
/// `statements_date` stays: the server reads statements in date order
/// from it.
///
/// And the full-text index is no longer fed by a trigger per inserted row:
/// the store's one insert path (`write::insert_statement_rows`) adds a
/// whole batch in one statement, in the same transaction (see there why
/// that writes far less). The delete and update triggers stay.
const M7_LEAN_INDEXES: &str = r#"
DROP TRIGGER statements_fts_insert;
DROP INDEX statements_topic_date;
DROP INDEX statements_speaker_date;
DROP INDEX statements_faction_date;
DROP INDEX statements_outlet_date;
DROP INDEX statements_affiliation_date;
CREATE INDEX statements_speaker ON statements(speaker_id);
CREATE INDEX statements_faction ON statements(faction);
CREATE INDEX statements_outlet ON statements(outlet_id);
CREATE INDEX statements_affiliation ON statements(outlet_affiliation);
"#;

/// Migration 8: the filter indexes leave out the rows without a value.
///
/// Most statements have no outlet (nine in ten: people speak, outlets
/// carry them), no faction (seven in ten) and often no pack speaker or no
/// issue, yet every row was an entry in every index. Every query that
/// reads these indexes compares the column with a value (`speaker_id =
/// ?`, `topic = ?`) or asks `IS NOT NULL` (the server's counts per value),
/// which SQLite knows implies the partial index's condition, so each
/// still uses its index (`tests::filters_use_the_partial_indexes`).
/// Ingest: the writer's CPU per statement fell by about a sixth.
/// `statements_date` stays whole: the server reads all statements in
/// date order, undated ones included.
///
/// From this version on, `coded` also leaves out the coding fields at
/// their default (null, an empty list: `encode::SLIM_DEFAULTS`), which
/// `crate::statement_json` puts back; the version number keeps older
/// builds, which would read those rows as incomplete, away (as for
/// migration 6). A store 12 % smaller on generated news.
const M8_PARTIAL_INDEXES: &str = r#"
DROP INDEX statements_topic_stance;
DROP INDEX statements_speaker;
DROP INDEX statements_faction;
DROP INDEX statements_outlet;
DROP INDEX statements_affiliation;
CREATE INDEX statements_topic_stance ON statements(topic, stance) WHERE topic IS NOT NULL;
CREATE INDEX statements_speaker ON statements(speaker_id) WHERE speaker_id IS NOT NULL;
CREATE INDEX statements_faction ON statements(faction) WHERE faction IS NOT NULL;
CREATE INDEX statements_outlet ON statements(outlet_id) WHERE outlet_id IS NOT NULL;
CREATE INDEX statements_affiliation ON statements(outlet_affiliation)
    WHERE outlet_affiliation IS NOT NULL;
"#;

/// Migration 9: `coded` leaves out more of what a reader puts back
/// (`encode::restore_slim`): the CAMEO name and PLOVER event and mode when
/// they are what the event code gives (coding sets them from a fixed
/// table), an evidence item's empty cue and span, and the digits an `f32`
/// confidence gained by widening to `f64` ("0.6" instead of
/// "0.6000000238418579"). A third fewer bytes in `coded`, a sixth fewer in
/// a statement row. As for migrations 6 and 8 the version number is the
/// point: an older build would read the names as absent.
const M9_SLIMMER_CODED: &str =
    "-- coded leaves out the event names and empty evidence fields (see encode::restore_slim)";

/// Migration 10: the server's date-ordered reads come from an index kept in
/// document order instead of one kept in date order.
///
/// `statements_date` was read by one query only, the server's corpus order
/// (`SELECT id, date … ORDER BY date`, a scan of the narrow index that the
/// server then sorts again in memory); no filter can use it (date ranges
/// compare `substr(date || '-01-01', 1, 10)`). Yet it was the dearest
/// index to keep: statements arrive in document order, not date order, so
/// every insert landed on a random leaf, and every batch rewrote most of
/// the index into the log (on 1 GB, tens of MB a batch). An index on
/// `(document_id, ordinal, date)` gives the same narrow scan, in the
/// extraction order the server also needs, and grows at its end only:
/// ingest's writer spent 0.1–0.25 fewer CPU-seconds on 20 MB.
const M10_ORDER_INDEX: &str = r#"
DROP INDEX statements_date;
CREATE INDEX statements_order ON statements(document_id, ordinal, date);
"#;

/// Every migration, in order. `MIGRATIONS[i]` takes a database from
/// version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    M1_TABLES,
    M2_FTS,
    M3_RUNS,
    M4_FILTER_INDEXES,
    M5_ISSUE_FACTS,
    M6_SLIM_CODED,
    M7_LEAN_INDEXES,
    M8_PARTIAL_INDEXES,
    M9_SLIMMER_CODED,
    M10_ORDER_INDEX,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// What `migrate` found.
pub(crate) enum Migrated {
    /// From this version to `target`.
    Upgraded { from: i64 },
    /// The database is newer than this build.
    TooNew { found: i64 },
}

/// Applies the migrations a database lacks, up to `target`, in one
/// immediate transaction (so two processes opening the same new file do not
/// both migrate it).
pub(crate) fn migrate(conn: &mut Connection, target: i64) -> rusqlite::Result<Migrated> {
    // Up to date (every open but the first of each version): no write
    // lock, which another connection writing may hold for long.
    let found = user_version(conn)?;
    if found == target {
        return Ok(Migrated::Upgraded { from: found });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from = user_version(&tx)?;
    if from > SCHEMA_VERSION {
        return Ok(Migrated::TooNew { found: from });
    }
    if target > from {
        for sql in &MIGRATIONS[from.max(0) as usize..target as usize] {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", target)?;
    }
    tx.commit()?;
    Ok(Migrated::Upgraded { from })
}
