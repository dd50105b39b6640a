//! Writing many documents quickly: [`PreparedDocument`] does the CPU work
//! of storing (content hash, metadata and statements as JSON) on whichever
//! thread makes it, and a [`crate::BatchWriter`] writes prepared documents,
//! many in one transaction.
//!
//! A transaction per document costs a commit per document: the write-ahead
//! log receives every page the document touched (the statement table, each
//! index, a new full-text segment), so a page shared by the next document
//! is written again. One transaction for a batch writes each such page
//! once. A batch is still all or nothing, so an interrupted ingest leaves
//! whole documents only.
//!
//! Statements are inserted many rows per `INSERT` (one statement per row
//! was a large share of the writer: parsing, a savepoint each), then added
//! to the full-text index in one more statement (see
//! `index_for_search`).

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};
use tealeaf_core::{Document, Statement};

use crate::rows::RowInsert;
use crate::values::EncodedStatements;
use crate::{
    At, ContentHash, INSERT_DOCUMENT, IngestOutcome, PackInfo, STATEMENT_COLUMNS, StatementRow,
    Store, StoreError, insert_statements,
};

/// Rows per multi-row `INSERT` (29 parameters each: 14,848, under
/// SQLite's 32,766). 512 instead of 64 cut the writer's time per statement
/// while a trigger fed the full-text index (schema version 6 and before);
/// 1,024 was no faster. A remainder goes in halving sizes (256, 128, …, 1),
/// so only ten statement shapes are ever prepared.
pub(crate) const ROWS_PER_INSERT: usize = 512;

/// `INSERT OR ROLLBACK INTO statements (…) VALUES (…), …` for 1, 2, 4, …
/// 512 rows, indexed by log2 of the row count.
///
/// `OR ROLLBACK`: a failed constraint ends the caller's whole transaction
/// rather than only this statement. Every caller gives up on the whole
/// transaction after any error anyway (a batch is all or nothing), and so
/// SQLite need not be able to undo one statement alone: with the default
/// (`ABORT`), a statement writing many rows keeps a journal of every page it
/// changes (in memory here), a fifteenth of the writer's time. Foreign keys
/// checked immediately need that journal too, whatever the clause: see
/// `Store::begin_batch`.
static INSERT_ROWS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let one = format!("({})", vec!["?"; STATEMENT_COLUMNS.len()].join(", "));
    let mut out = Vec::new();
    let mut rows = 1;
    while rows <= ROWS_PER_INSERT {
        out.push(format!(
            "INSERT OR ROLLBACK INTO statements ({}) VALUES {}",
            STATEMENT_COLUMNS.join(", "),
            vec![one.as_str(); rows].join(", ")
        ));
        rows *= 2;
    }
    out
});

/// Inserts statement rows, many per `INSERT`, in order, and indexes them
/// for full-text search. The caller's transaction makes it all or nothing.
pub(crate) fn insert_statement_rows(
    conn: &Connection,
    rows: &[StatementRow],
) -> rusqlite::Result<()> {
    let last_before = largest_statement_id(conn)?;
    insert_rows(conn, rows, &mut None)?;
    if !rows.is_empty() {
        index_for_search(conn, last_before)?;
    }
    Ok(())
}

/// The largest statement id now (0 in an empty store). Every row inserted
/// after this gets an id above it (ids are the largest + 1), so the rows
/// above it are the ones to add to the full-text index afterwards.
pub(crate) fn largest_statement_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT coalesce(max(id), 0) FROM statements")?
        .query_row([], |r| r.get(0))
}

/// Inserts `rows` in order: full-size `INSERT`s (the one in `full`, prepared
/// on first use and kept for the caller's next call), then the remainder
/// in halving sizes (256, 128, …, 1), so only ten statement shapes are
/// ever prepared.
pub(crate) fn insert_rows<'c>(
    conn: &'c Connection,
    rows: &[StatementRow],
    full: &mut Option<RowInsert<'c>>,
) -> rusqlite::Result<()> {
    let mut rest = rows;
    while !rest.is_empty() {
        // The largest power of two not above what is left (and the cap).
        let shape = (usize::BITS - 1 - rest.len().min(ROWS_PER_INSERT).leading_zeros()) as usize;
        let n = 1 << shape;
        let (chunk, tail) = rest.split_at(n);
        let mut partial;
        let st = if n == ROWS_PER_INSERT {
            match full {
                Some(st) => st,
                None => full.insert(RowInsert::prepare(conn, &INSERT_ROWS[shape], n)?),
            }
        } else {
            partial = RowInsert::prepare(conn, &INSERT_ROWS[shape], n)?;
            &mut partial
        };
        st.insert(chunk)?;
        rest = tail;
    }
    Ok(())
}

/// Adds the statements with ids above `last_before` to the full-text
/// index, in one statement. Since migration 7 no trigger does it per row:
/// FTS5 writes its pending terms to disk as a new segment at every
/// statement savepoint, so the trigger made a segment per multi-row
/// `INSERT` (32 per batch of 16,384 statements, each later merged), where
/// one `INSERT … SELECT` makes one per megabyte of terms.
pub(crate) fn index_for_search(conn: &Connection, last_before: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO statements_fts (rowid, text, speaker, outlet) \
         SELECT id, text, speaker, outlet FROM statements WHERE id > ?1",
    )?
    .execute([last_before])?;
    Ok(())
}

/// A document and its statements, ready to be written: everything but the
/// writing is done. The statements are kept as their rows' values only
/// (see `values.rs`).
#[derive(Debug, Clone)]
pub struct PreparedDocument {
    pub(crate) doc: Document,
    pub(crate) hash: ContentHash,
    pub(crate) meta: String,
    pub(crate) encoded: EncodedStatements,
}

impl PreparedDocument {
    /// Hashes and encodes a document and its statements.
    pub fn new(doc: Document, statements: Vec<Statement>) -> serde_json::Result<PreparedDocument> {
        let hash = ContentHash::of(&doc);
        PreparedDocument::with_hash(hash, doc, statements)
    }

    /// As [`PreparedDocument::new`] with the content hash already computed
    /// (it must be `ContentHash::of(&doc)`). The statements are freed here,
    /// on the calling thread.
    pub fn with_hash(
        hash: ContentHash,
        doc: Document,
        statements: Vec<Statement>,
    ) -> serde_json::Result<PreparedDocument> {
        debug_assert_eq!(hash, ContentHash::of(&doc));
        let meta = serde_json::to_string(&doc.meta)?;
        let encoded = EncodedStatements::of(&statements)?;
        Ok(PreparedDocument {
            doc,
            hash,
            meta,
            encoded,
        })
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// How many statements the document has.
    pub fn statement_count(&self) -> usize {
        self.encoded.len()
    }

    pub fn hash(&self) -> ContentHash {
        self.hash
    }
}

impl Store {
    /// Settings for a long run of batch writes on this connection: a larger
    /// page cache (index pages stay in memory between batches) and a larger
    /// write-ahead log between checkpoints (fewer checkpoints, each of which
    /// syncs the database file). Both are per connection and bounded.
    pub fn tune_for_bulk_writes(&mut self) -> Result<(), StoreError> {
        let path = self.path.as_str();
        // Negative: KiB. 32 MiB: 64 MiB was measured no faster (100 MB of
        // text: 2.47 against 2.55 MB/s) for 40 MB more peak memory.
        self.conn
            .pragma_update(None, "cache_size", -32_768)
            .at(path, || "cannot set cache_size".into())?;
        // Statement journals in memory: the full-text rows' INSERT keeps
        // one (as every write to a virtual table), and multi-row INSERTs
        // into `statements` did until `OR ROLLBACK` (recode still does:
        // foreign keys stay on there); on disk it was a fifth of the
        // writer's time.
        self.conn
            .pragma_update(None, "temp_store", "MEMORY")
            .at(path, || "cannot set temp_store".into())?;
        // Pages of WAL before an automatic checkpoint (default 1000).
        let _: i64 = self
            .conn
            .query_row("PRAGMA wal_autocheckpoint = 10000", [], |r| r.get(0))
            .at(path, || "cannot set wal_autocheckpoint".into())?;
        Ok(())
    }
}

/// What one document's rows are made from.
pub(crate) struct DocumentRow<'a> {
    pub doc: &'a Document,
    pub hash: &'a str,
    pub meta: &'a str,
    pub encoded: &'a EncodedStatements,
}

impl DocumentRow<'_> {
    /// Writes the document and its statements inside the caller's
    /// transaction, unless its content hash is stored already.
    pub fn write(
        &self,
        conn: &Connection,
        pack: &PackInfo,
        at: &str,
    ) -> rusqlite::Result<IngestOutcome> {
        let outcome = self.insert_document(conn, pack, at)?;
        if let IngestOutcome::New { document_id, .. } = outcome {
            insert_statements(conn, document_id, self.encoded)?;
        }
        Ok(outcome)
    }

    /// Writes the document row (not its statements), unless its content
    /// hash is stored already.
    pub(crate) fn insert_document(
        &self,
        conn: &Connection,
        pack: &PackInfo,
        at: &str,
    ) -> rusqlite::Result<IngestOutcome> {
        let existing: Option<i64> = conn
            .prepare_cached("SELECT id FROM documents WHERE content_hash = ?1")?
            .query_row([self.hash], |r| r.get(0))
            .optional()?;
        if let Some(document_id) = existing {
            return Ok(IngestOutcome::Unchanged { document_id });
        }
        let (doc, m) = (self.doc, &self.doc.meta);
        conn.prepare_cached(INSERT_DOCUMENT)?.execute(params![
            doc.id,
            self.hash,
            doc.source,
            m.url,
            m.title,
            m.published.map(|d| d.to_string()),
            m.outlet,
            m.author,
            m.language,
            doc.body,
            self.meta,
            pack.id,
            pack.version,
            at,
        ])?;
        let document_id = conn.last_insert_rowid();
        Ok(IngestOutcome::New {
            document_id,
            statements: self.encoded.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StatementFilter;
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Pack, extract};

    /// An article with `n` quoted statements, numbered so each one differs.
    fn article(name: &str, n: usize) -> (Document, Vec<Statement>) {
        let mut text = format!("title: {name}\ndate: 2025-02-10\n\nOfficials met in {name}.\n\n");
        for i in 0..n {
            text.push_str(&format!(
                "Abbas Araghchi said on Monday that \"point {i} of {name} stands.\"\n\n"
            ));
        }
        let doc = parse(name, text.as_bytes(), Format::Text)
            .pop()
            .unwrap()
            .unwrap();
        let pack = Pack::default_pack().unwrap();
        let statements = extract(&doc, &pack);
        assert_eq!(statements.len(), n, "{name}");
        (doc, statements)
    }

    fn prepared(name: &str, n: usize) -> PreparedDocument {
        let (d, st) = article(name, n);
        PreparedDocument::new(d, st).unwrap()
    }

    #[test]
    fn a_batch_stores_what_one_by_one_stores() {
        // Sizes around the INSERT shapes: 0, 1, a power of two, and with
        // the batch's other rows more than one full INSERT of 512.
        let sizes = [3, 0, 1, 32, 71, 520];
        let pack = Pack::default_pack().unwrap().info;
        let mut batched = Store::open_in_memory().unwrap();
        let mut single = Store::open_in_memory().unwrap();
        let articles: Vec<(Document, Vec<Statement>)> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| article(&format!("a{i}.txt"), n))
            .collect();
        let docs: Vec<PreparedDocument> = articles
            .iter()
            .map(|(d, st)| PreparedDocument::new(d.clone(), st.clone()).unwrap())
            .collect();
        let outcomes = batched.ingest_batch(&docs, &pack).unwrap();
        for ((d, st), o) in articles.iter().zip(&outcomes) {
            let one = single.ingest_document(d, st, &pack).unwrap();
            assert_eq!(o, &one);
        }
        let rows = |s: &Store| {
            s.statements(&StatementFilter::default())
                .unwrap()
                .into_iter()
                .map(|r| (r.document_id, r.ordinal, r.text, r.coded))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&batched), rows(&single));
        assert_eq!(batched.counts().unwrap(), (6, 627));
        assert_eq!(batched.integrity_check().unwrap(), ["ok"]);
    }

    #[test]
    fn values_bound_in_place_read_back_with_their_types() {
        let pack = Pack::default_pack().unwrap().info;
        let mut store = Store::open_in_memory().unwrap();
        let (d, mut st) = article("e.txt", 2);
        // An empty string is stored as text, not NULL; a missing one as NULL.
        st[0].rule = String::new();
        st[1].speaker = None;
        let span_end = st[1].span[1];
        store
            .ingest_batch(&[PreparedDocument::new(d, st).unwrap()], &pack)
            .unwrap();
        let rows: Vec<(String, String, Option<String>, i64)> = store
            .conn()
            .prepare("SELECT typeof(rule), rule, speaker, span_end FROM statements ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!((rows[0].0.as_str(), rows[0].1.as_str()), ("text", ""));
        assert_eq!(rows[1].2, None);
        assert_eq!(rows[1].3, span_end as i64);

        // A value SQLite cannot hold is an error, and nothing is stored.
        let (d, mut st) = article("f.txt", 3);
        st[2].span[1] = usize::MAX;
        let big = PreparedDocument::new(d, st).unwrap();
        assert!(store.ingest_batch(&[big], &pack).is_err());
        assert_eq!(store.counts().unwrap(), (1, 2));
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    }

    #[test]
    fn a_constraint_failure_rolls_the_batch_back_and_foreign_keys_come_back_on() {
        let pack = Pack::default_pack().unwrap().info;
        let mut store = Store::open_in_memory().unwrap();
        let fk = |s: &Store| -> i64 {
            s.conn()
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap()
        };
        store.ingest_batch(&[prepared("g.txt", 2)], &pack).unwrap();
        assert_eq!(fk(&store), 1);
        // A NaN confidence is bound as NULL into a NOT NULL column: the
        // INSERT's OR ROLLBACK ends the transaction, the batch's first
        // document included.
        let (d, mut st) = article("i.txt", 600);
        st[550].confidence = f32::NAN;
        let bad = PreparedDocument::new(d, st).unwrap();
        let err = store
            .ingest_batch(&[prepared("h.txt", 1), bad], &pack)
            .unwrap_err();
        assert!(err.to_string().contains("NOT NULL"), "{err}");
        assert_eq!(store.counts().unwrap(), (1, 2));
        assert_eq!(fk(&store), 1);
        // The store takes the next batch, and every row has its document.
        store.ingest_batch(&[prepared("h.txt", 1)], &pack).unwrap();
        assert_eq!(store.counts().unwrap(), (2, 3));
        let orphans: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(orphans, 0);
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    }

    #[test]
    fn a_duplicate_in_a_batch_is_stored_once_and_a_failure_stores_nothing() {
        let pack = Pack::default_pack().unwrap().info;
        let mut store = Store::open_in_memory().unwrap();
        let a = prepared("a.txt", 2);
        let b = prepared("b.txt", 3);
        let outcomes = store
            .ingest_batch(&[a.clone(), b.clone(), a.clone()], &pack)
            .unwrap();
        assert!(matches!(
            outcomes[0],
            IngestOutcome::New { statements: 2, .. }
        ));
        assert!(matches!(outcomes[2], IngestOutcome::Unchanged { .. }));
        assert_eq!(store.counts().unwrap(), (2, 5));

        // A failure in the second document's statements: the whole batch,
        // first document included, is rolled back.
        store
            .conn()
            .execute_batch(
                "CREATE TEMP TRIGGER fail BEFORE INSERT ON statements \
                 WHEN new.text LIKE '%of d.txt%' BEGIN SELECT RAISE(ABORT, 'injected'); END;",
            )
            .unwrap();
        let err = store
            .ingest_batch(&[prepared("c.txt", 1), prepared("d.txt", 1)], &pack)
            .unwrap_err();
        assert!(err.to_string().contains("injected"), "{err}");
        assert_eq!(store.counts().unwrap(), (2, 5));
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    }
}
