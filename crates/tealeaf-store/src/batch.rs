//! [`BatchWriter`]: one transaction that takes documents as they arrive.
//!
//! Ingest used to collect a batch of prepared documents and then write it
//! whole. The writing thread was idle while the first batch filled, and
//! the last batch was written after extraction had ended, with one core
//! idle (on a small corpus such as PolNeAR train, 840 articles, the head
//! and the tail were a third of the run; writing as documents arrive took
//! it from 0.355 to 0.299 s, median of 21 alternating runs). A `BatchWriter`
//! writes each document as soon as it is added (its document row at once,
//! its statement rows as soon as a full multi-row `INSERT` is pending) and
//! commits when the caller says: the same transactions and the same rows,
//! written while the extractors are still busy.
//!
//! Until [`BatchWriter::commit`], nothing of the batch is visible to
//! readers, and dropping the writer (an error, a panic) rolls the whole
//! batch back: an interrupted ingest still leaves whole documents only.

use rusqlite::Connection;

use crate::rows::RowInsert;
use crate::write::{
    DocumentRow, ROWS_PER_INSERT, index_for_search, insert_rows, largest_statement_id,
};
use crate::{At, IngestOutcome, PackInfo, PreparedDocument, StatementRow, Store, StoreError, now};

/// An open write transaction of [`Store::begin_batch`].
pub struct BatchWriter<'s> {
    conn: &'s Connection,
    path: &'s str,
    pack: PackInfo,
    /// The batch's `ingested_at` and `coded_at`.
    at: String,
    /// The largest statement id before the batch: the rows above it are
    /// the batch's, added to the full-text index at commit.
    last_before: i64,
    docs: Vec<PreparedDocument>,
    outcomes: Vec<IngestOutcome>,
    /// The first statement whose row is not inserted yet: the index of its
    /// document in `docs`, and its ordinal.
    next_row: (usize, usize),
    /// Statement rows of new documents not inserted yet.
    pending: usize,
    /// Statements of the batch's new documents.
    statements: usize,
    /// The full-size `INSERT`, prepared once for the batch.
    full_insert: Option<RowInsert<'s>>,
    /// Committed: nothing left for `drop` to roll back.
    finished: bool,
    /// Foreign keys are off for the batch: `drop` turns them back on if
    /// `commit` did not.
    foreign_keys_off: bool,
}

impl Store {
    /// Opens a write transaction that stores documents as they are added
    /// ([`BatchWriter::add`]) and makes them visible together
    /// ([`BatchWriter::commit`]). Dropping the writer uncommitted rolls the
    /// batch back. (It borrows the store shared, so that a caller can keep
    /// a writer between batches; a second writer opened while one is open
    /// fails to begin its transaction.)
    pub fn begin_batch(&self, pack: &PackInfo) -> Result<BatchWriter<'_>, StoreError> {
        let (conn, path) = (&self.conn, self.path.as_str());
        // Foreign keys are not checked while a batch is written: an
        // immediate check of `statements.document_id` makes SQLite keep a
        // journal for every multi-row INSERT to undo it alone, which the
        // `OR ROLLBACK` of those INSERTs otherwise saves (see
        // `write::INSERT_ROWS`), and it looks the document up once per row.
        // The batch needs neither: it inserts statement rows only for
        // documents it inserted before, in the same transaction, with the
        // ids SQLite gave those rows. The pragma only takes effect outside
        // a transaction, so it is set around it, and set back whatever the
        // batch's outcome (by `commit` or `drop`).
        conn.pragma_update(None, "foreign_keys", false)
            .at(path, || "cannot turn foreign keys off for a batch".into())?;
        let mut writer = BatchWriter {
            conn,
            path,
            pack: pack.clone(),
            at: now(),
            last_before: 0,
            docs: Vec::new(),
            outcomes: Vec::new(),
            next_row: (0, 0),
            pending: 0,
            statements: 0,
            full_insert: None,
            // Nothing to roll back until the transaction has begun.
            finished: true,
            foreign_keys_off: true,
        };
        let begin = || "cannot begin a batch".to_string();
        conn.execute_batch("BEGIN IMMEDIATE").at(path, begin)?;
        writer.finished = false;
        writer.last_before = largest_statement_id(conn).at(path, begin)?;
        Ok(writer)
    }

    /// Stores documents in one transaction: each one unless a document with
    /// the same content hash is stored already (before this call, or earlier
    /// in `docs`). Gives one outcome per document, in order. On an error
    /// nothing of the batch is stored, and the error names the document.
    /// (Ingest adds its documents to a [`BatchWriter`] one at a time
    /// instead, without the copies made here.)
    pub fn ingest_batch(
        &mut self,
        docs: &[PreparedDocument],
        pack: &PackInfo,
    ) -> Result<Vec<IngestOutcome>, StoreError> {
        let mut writer = self.begin_batch(pack)?;
        for d in docs {
            writer.add(d.clone())?;
        }
        writer.commit()
    }
}

impl BatchWriter<'_> {
    /// Writes a document's row (unless its content hash is stored already,
    /// or was added earlier in the batch) and whatever full `INSERT`s of
    /// statement rows are now pending.
    pub fn add(&mut self, doc: PreparedDocument) -> Result<IngestOutcome, StoreError> {
        let hash = doc.hash.to_string();
        let row = DocumentRow {
            doc: &doc.doc,
            hash: &hash,
            meta: &doc.meta,
            encoded: &doc.encoded,
        };
        let outcome = row
            .insert_document(self.conn, &self.pack, &self.at)
            .at(self.path, || {
                format!("cannot store document {} ({})", doc.doc.id, doc.doc.source)
            })?;
        if let IngestOutcome::New { statements, .. } = outcome {
            self.pending += statements;
            self.statements += statements;
        }
        self.docs.push(doc);
        self.outcomes.push(outcome);
        while self.pending >= ROWS_PER_INSERT {
            self.insert_pending(ROWS_PER_INSERT)?;
        }
        Ok(outcome)
    }

    /// Documents added so far.
    pub fn documents(&self) -> usize {
        self.docs.len()
    }

    /// Statements of the new documents added so far.
    pub fn statements(&self) -> usize {
        self.statements
    }

    /// Writes the statement rows still pending, adds the batch's statements
    /// to the full-text index, and commits. Gives one outcome per document
    /// added, in order.
    pub fn commit(mut self) -> Result<Vec<IngestOutcome>, StoreError> {
        if self.pending > 0 {
            self.insert_pending(self.pending)?;
        }
        if self.statements > 0 {
            index_for_search(self.conn, self.last_before)
                .at(self.path, || self.describe_documents(0))?;
        }
        // The prepared INSERT is finalized before the transaction ends.
        self.full_insert = None;
        let n = self.docs.len();
        self.conn.execute_batch("COMMIT").at(self.path, || {
            format!("cannot store a batch of {n} document(s)")
        })?;
        self.finished = true;
        self.conn
            .pragma_update(None, "foreign_keys", true)
            .at(self.path, || "cannot turn foreign keys back on".into())?;
        self.foreign_keys_off = false;
        Ok(std::mem::take(&mut self.outcomes))
    }

    /// Inserts the next `n` pending statement rows (all of them, or a
    /// full-size `INSERT`), in document order.
    fn insert_pending(&mut self, n: usize) -> Result<(), StoreError> {
        let first_doc = self.next_row.0;
        let (mut d, mut ordinal) = self.next_row;
        let mut rows = Vec::with_capacity(n);
        while rows.len() < n && d < self.docs.len() {
            if let IngestOutcome::New { document_id, .. } = self.outcomes[d] {
                let encoded = &self.docs[d].encoded;
                while ordinal < encoded.len() && rows.len() < n {
                    rows.push(StatementRow {
                        document_id,
                        ordinal,
                        encoded,
                    });
                    ordinal += 1;
                }
                if ordinal < encoded.len() {
                    break;
                }
            }
            d += 1;
            ordinal = 0;
        }
        insert_rows(self.conn, &rows, &mut self.full_insert)
            .at(self.path, || self.describe_documents(first_doc))?;
        self.next_row = (d, ordinal);
        self.pending -= rows.len();
        Ok(())
    }

    /// "cannot store the statements of documents A to B" for the batch's
    /// documents from index `from`.
    fn describe_documents(&self, from: usize) -> String {
        let first = self.docs.get(from).map_or("", |d| d.doc.source.as_str());
        let last = self.docs.last().map_or("", |d| d.doc.source.as_str());
        format!("cannot store the statements of documents {first} to {last}")
    }
}

impl Drop for BatchWriter<'_> {
    /// An uncommitted batch is rolled back (after an error, the transaction
    /// may be over already: `OR ROLLBACK` ends it), and foreign keys are
    /// checked again.
    fn drop(&mut self) {
        self.full_insert = None;
        if !self.finished {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        if self.foreign_keys_off {
            let _ = self.conn.pragma_update(None, "foreign_keys", true);
        }
    }
}

#[cfg(test)]
mod tests {
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Pack, extract};

    use crate::{IngestOutcome, PreparedDocument, Store};

    /// An article with `n` quoted statements.
    fn prepared(name: &str, n: usize) -> PreparedDocument {
        let mut text = format!("title: {name}\ndate: 2025-03-01\n\n");
        for i in 0..n {
            text.push_str(&format!(
                "Ali Khamenei said that \"line {i} of {name} holds.\"\n\n"
            ));
        }
        let doc = parse(name, text.as_bytes(), Format::Text)
            .pop()
            .unwrap()
            .unwrap();
        let statements = extract(&doc, &Pack::default_pack().unwrap());
        assert_eq!(statements.len(), n, "{name}");
        PreparedDocument::new(doc, statements).unwrap()
    }

    #[test]
    fn an_open_batch_is_written_as_it_grows_and_seen_only_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = Store::open(&path).unwrap();
        let reader = Store::open(&path).unwrap();
        let pack = Pack::default_pack().unwrap().info;
        let mut batch = store.begin_batch(&pack).unwrap();
        // 300 + 300 statements: the first full INSERT of 512 rows spans both
        // documents and is written before the commit.
        for name in ["a.txt", "b.txt"] {
            let outcome = batch.add(prepared(name, 300)).unwrap();
            assert!(matches!(
                outcome,
                IngestOutcome::New {
                    statements: 300,
                    ..
                }
            ));
        }
        let written: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM statements", [], |r| r.get(0))
            .unwrap();
        assert_eq!(written, 512);
        assert_eq!(reader.counts().unwrap(), (0, 0));
        assert_eq!((batch.documents(), batch.statements()), (2, 600));
        let outcomes = batch.commit().unwrap();
        assert_eq!(outcomes.len(), 2);
        assert_eq!(reader.counts().unwrap(), (2, 600));
        // Every statement is in the full-text index, in document order.
        let hits = reader
            .conn()
            .query_row(
                "SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'holds'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap();
        assert_eq!(hits, 600);
        let ordinals: Vec<(i64, i64)> = reader
            .conn()
            .prepare("SELECT document_id, ordinal FROM statements ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected: Vec<(i64, i64)> = (1..=2)
            .flat_map(|d| (0..300).map(move |o| (d, o)))
            .collect();
        assert_eq!(ordinals, expected);
    }

    #[test]
    fn a_batch_dropped_uncommitted_stores_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let pack = Pack::default_pack().unwrap().info;
        store.ingest_batch(&[prepared("a.txt", 2)], &pack).unwrap();
        {
            let mut batch = store.begin_batch(&pack).unwrap();
            batch.add(prepared("b.txt", 600)).unwrap();
            batch.add(prepared("c.txt", 1)).unwrap();
        }
        assert_eq!(store.counts().unwrap(), (1, 2));
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        // The next batch begins and commits as usual.
        let mut batch = store.begin_batch(&pack).unwrap();
        batch.add(prepared("b.txt", 3)).unwrap();
        batch.commit().unwrap();
        assert_eq!(store.counts().unwrap(), (2, 5));
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    }
}
