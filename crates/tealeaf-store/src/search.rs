//! How `Store::statements` runs a full-text search with a limit.
//!
//! SQLite's planner answers `s.id IN (full-text matches) ORDER BY
//! document_id, ordinal LIMIT n` by reading every match and sorting: on a
//! million statements a common word ("talks", 60,000 matches) costs 140 ms
//! of wide-row reads for 50 results. When the matches are many, walking the
//! statements in document order (the `UNIQUE (document_id, ordinal)` index)
//! and keeping those in the match list stops after about `n / density`
//! rows instead. When they are few, reading them all is cheaper, and the
//! planner's own plan is kept.

use crate::{At, Store, StoreError};

/// The `FROM` clause that walks statements in document order. The index is
/// the one SQLite makes for the `UNIQUE (document_id, ordinal)` constraint
/// of migration 1 (its name is fixed by SQLite: first unique constraint of
/// the table).
pub(crate) const IN_ORDER: &str = "FROM statements s INDEXED BY sqlite_autoindex_statements_1 ";

/// Above this many full-text matches, a limited search walks in order.
const MANY: i64 = 2_000;

impl Store {
    /// Does the full-text query `q` match more than [`MANY`] statements?
    /// Counting stops there, so it costs little for common words.
    pub(crate) fn many_matches(&self, q: &str) -> Result<bool, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT rowid FROM statements_fts \
                 WHERE statements_fts MATCH ?1 LIMIT ?2)",
            )
            .and_then(|mut st| st.query_row(rusqlite::params![q, MANY + 1], |r| r.get(0)))
            .at(&self.path, || "cannot count full-text matches".into())?;
        Ok(n > MANY)
    }
}

#[cfg(test)]
mod tests {
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Pack, extract};

    use crate::{StatementFilter, Store};

    #[test]
    fn limited_searches_over_many_matches_keep_document_order() {
        let pack = Pack::default_pack().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        for n in 0..3 {
            let text = format!(
                "title: T\ndate: 2025-02-10\n\nAbbas Araghchi said that \"talks can resume.\" \
                 ({n})\n"
            );
            let doc = parse("t.txt", text.as_bytes(), Format::Text)
                .pop()
                .unwrap()
                .unwrap();
            let base = extract(&doc, &pack).into_iter().next().unwrap();
            // Enough matches for the walk in document order.
            let statements: Vec<_> = (0..1500usize)
                .map(|k| {
                    let mut s = base.clone();
                    s.speaker_id = k.is_multiple_of(3).then(|| "abbas-araghchi".to_string());
                    s.text = if k.is_multiple_of(2) {
                        "talks resume"
                    } else {
                        "no"
                    }
                    .into();
                    s
                })
                .collect();
            store
                .ingest_document(&doc, &statements, &pack.info)
                .unwrap();
        }
        // Recoded: the first document's statements get the largest ids.
        let first: Vec<_> = store
            .statements(&StatementFilter {
                document_id: Some(1),
                ..Default::default()
            })
            .unwrap();
        let again: Vec<_> = first
            .iter()
            .map(|s| tealeaf_core::analyses::statement_from_json(&s.coded).unwrap())
            .collect();
        store.replace_statements(1, &again, &pack.info).unwrap();
        assert!(store.many_matches("\"talks\"").unwrap());
        for speaker in [None, Some("abbas-araghchi".to_string())] {
            let all = StatementFilter {
                text: Some("talks".into()),
                speaker_id: speaker.clone(),
                ..Default::default()
            };
            let every = store.statements(&all).unwrap();
            let page = store
                .statements(&StatementFilter {
                    limit: Some(25),
                    ..all.clone()
                })
                .unwrap();
            assert_eq!(page.len(), 25);
            assert_eq!(page, every[..25]);
            assert_eq!(page[0].document_id, 1);
        }
    }
}
