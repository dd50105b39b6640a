//! The analyses' input for one issue, kept in the store.
//!
//! `tealeaf timeline|shifts|divergence --db` used to read every statement
//! of the issue and decode its `coded` JSON: on a million-statement store,
//! half a million wide rows and seconds per run. [`Store::issue_facts`]
//! gives instead the issue's [`Facts`] (the fields the analyses read, with
//! strings interned) and the store id of each row. The facts are built
//! from the statement columns once, saved in `issue_facts` (migration 5)
//! and reused until the store is written to: the copy records the write
//! generation and the largest statement id it was made at, and a copy that
//! does not match both is rebuilt, as is a copy in a format this build
//! does not read (`Facts::from_bytes` checks the version; the `ids` blob is
//! `analyses::ids_to_bytes`, no longer the bare 64-bit ids of migration
//! 5's comment). Rows are in the order `Store::statements`
//! gives (document, then extraction order), so row `i` is the `i`-th
//! statement of the slow path and results are identical.

use std::time::Duration;

use rusqlite::{OptionalExtension, params};
use tealeaf_core::analyses::{self, FactRow, Facts, FactsBuilder};

use crate::{At, Store, StoreError, now};

/// One issue's facts and the store id of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueFacts {
    pub facts: Facts,
    pub ids: Vec<i64>,
    /// Was the stored copy reused (`false`: built now)?
    pub reused: bool,
}

/// What a copy must match to be current: (generation, largest statement id).
type Stamp = (i64, i64);

impl Store {
    fn stamp(&self) -> rusqlite::Result<Stamp> {
        self.conn.query_row(
            "SELECT (SELECT n FROM generation WHERE id = 1), \
             (SELECT coalesce(max(id), 0) FROM statements)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The facts of the statements coded on `issue`, from the stored copy
    /// when it is current, else built from the statements (and saved, when
    /// the store can be written without waiting).
    pub fn issue_facts(&self, issue: &str) -> Result<IssueFacts, StoreError> {
        let path = self.path.as_str();
        let ctx = || format!("cannot read the statements of issue {issue}");
        // One read transaction: the stamp and the rows it describes.
        self.conn.execute_batch("BEGIN").at(path, ctx)?;
        let read = self
            .read_issue_facts(issue)
            .and_then(|(found, stamp)| match found {
                Some(f) => Ok((f, stamp)),
                None => Ok((self.build_issue_facts(issue)?, stamp)),
            });
        let _ = self.conn.execute_batch("COMMIT");
        let (facts, stamp) = read.at(path, ctx)?;
        if !facts.reused {
            self.save_issue_facts(issue, stamp, &facts);
        }
        Ok(facts)
    }

    /// The stored copy when current, and the store's stamp.
    fn read_issue_facts(&self, issue: &str) -> rusqlite::Result<(Option<IssueFacts>, Stamp)> {
        let stamp = self.stamp()?;
        // Decoded from SQLite's own buffers, inside the row callback: a
        // copy of the blobs (16 MB on a million statements) costs as much
        // as a good part of the decoding.
        let found = self
            .conn
            .query_row(
                "SELECT generation, max_statement_id, ids, facts FROM issue_facts \
                 WHERE issue = ?1",
                [issue],
                |r| {
                    if (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?) != stamp {
                        return Ok(None);
                    }
                    let (ids, facts) = (r.get_ref(2)?.as_blob()?, r.get_ref(3)?.as_blob()?);
                    // A copy this build cannot read (another version) is
                    // rebuilt.
                    Ok(Facts::from_bytes(facts).and_then(|facts| {
                        let ids = analyses::ids_from_bytes(ids)?;
                        (ids.len() == facts.len() && facts.issue == issue).then_some(IssueFacts {
                            facts,
                            ids,
                            reused: true,
                        })
                    }))
                },
            )
            .optional()?
            .flatten();
        Ok((found, stamp))
    }

    fn build_issue_facts(&self, issue: &str) -> rusqlite::Result<IssueFacts> {
        let mut st = self.conn.prepare(
            "SELECT id, doc, span_start, span_end, attribution, text, speaker, speaker_id, \
             speaker_role, faction, outlet, outlet_id, outlet_affiliation, date, stance, rule, \
             json_extract(coded, '$.conditions') \
             FROM statements WHERE topic = ?1 ORDER BY document_id, ordinal",
        )?;
        let mut rows = st.query([issue])?;
        let mut b = FactsBuilder::new(issue);
        let mut ids = Vec::new();
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                Ok(r.get_ref(i)?.as_str_or_null()?)
            };
            let conditions: Vec<String> = match text(16)? {
                // The coded JSON's own list: strings only, as the JSON
                // reader of the slow path keeps them.
                Some(json) => serde_json::from_str::<Vec<serde_json::Value>>(json)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                None => Vec::new(),
            };
            let count = |i: usize| -> rusqlite::Result<usize> {
                Ok(usize::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
            };
            b.push(&FactRow {
                doc: text(1)?.unwrap_or_default(),
                span: [count(2)?, count(3)?],
                attribution: count(4)?,
                text: text(5)?.unwrap_or_default(),
                speaker: text(6)?,
                speaker_id: text(7)?,
                speaker_role: text(8)?,
                faction: text(9)?,
                outlet: text(10)?,
                outlet_id: text(11)?,
                affiliation: text(12)?,
                date: text(13)?,
                stance: text(14)?,
                conditions: conditions.iter().map(String::as_str).collect(),
                rule: text(15)?.unwrap_or_default(),
            });
            ids.push(r.get(0)?);
        }
        Ok(IssueFacts {
            facts: b.finish(),
            ids,
            reused: false,
        })
    }

    /// Saves a copy for the next run. Best effort: a store that is being
    /// written (locked) or cannot be written (read-only file) is left as it
    /// is, without waiting; the next run builds the facts again.
    fn save_issue_facts(&self, issue: &str, stamp: Stamp, f: &IssueFacts) {
        let ids = analyses::ids_to_bytes(&f.ids);
        let _ = self.conn.busy_timeout(Duration::ZERO);
        let _ = self.conn.execute(
            "INSERT INTO issue_facts (issue, generation, max_statement_id, ids, facts, built_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT(issue) DO UPDATE SET generation = excluded.generation, \
             max_statement_id = excluded.max_statement_id, ids = excluded.ids, \
             facts = excluded.facts, built_at = excluded.built_at",
            params![issue, stamp.0, stamp.1, ids, f.facts.to_bytes(), now()],
        );
        let _ = self.conn.busy_timeout(crate::BUSY_TIMEOUT);
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use tealeaf_core::analyses::{self, Bucket, GroupBy, fast};
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Document, Pack, Statement, extract};

    use crate::{StatementFilter, Store};

    const TEXT: &str = "title: Talks\ndate: 2025-02-10\noutlet: Tehran Times\n\n\
        Foreign Minister Abbas Araghchi said on Monday that \"talks with Washington can \
        resume once the sanctions are lifted.\"\n";

    /// A document numbered `n` and varied statements made from a real one:
    /// speakers of both governments and none, dates, stances, conditions,
    /// topics, attributions.
    fn article(pack: &Pack, n: usize) -> (Document, Vec<Statement>) {
        let text = format!("{TEXT}\nNumber {n}.\n");
        let doc = parse(&format!("a{n}.txt"), text.as_bytes(), Format::Text)
            .pop()
            .unwrap()
            .unwrap();
        let base = extract(&doc, pack).into_iter().next().expect("a statement");
        let speakers = [
            ("abbas-araghchi", "Abbas Araghchi"),
            ("ali-khamenei", "Ali Khamenei"),
            ("donald-trump", "Donald Trump"),
            ("", "A Diplomat"),
        ];
        let stances = ["support", "oppose", "conditional", "neutral"];
        let conds: [&[&str]; 3] = [&[], &["sanctions-relief"], &["no-enrichment"]];
        let statements = (0..12)
            .map(|k| {
                let x = n * 31 + k * 7;
                let mut s = base.clone();
                let (id, name) = speakers[x % 4];
                s.speaker_id = (!id.is_empty()).then(|| id.to_string());
                s.speaker = Some(name.to_string());
                s.date = Some(format!("2025-0{}-{:02}", 1 + x % 3, 1 + x % 27));
                s.coding.stance = Some(stances[(x / 4) % 4].to_string());
                s.coding.conditions = conds[(x / 3) % 3].iter().map(|c| c.to_string()).collect();
                s.coding.topic = Some(
                    if x.is_multiple_of(5) {
                        "other"
                    } else {
                        "us-talks"
                    }
                    .into(),
                );
                s.attribution = k / 2;
                s.span = [k * 10, k * 10 + 5];
                s
            })
            .collect();
        (doc, statements)
    }

    /// The slow path: every statement of the issue, from its coded JSON.
    fn slow(store: &Store, issue: &str) -> Vec<Statement> {
        let filter = StatementFilter {
            topic: Some(issue.to_string()),
            ..Default::default()
        };
        store
            .statements(&filter)
            .unwrap()
            .iter()
            .map(|s| analyses::statement_from_json(&s.coded).unwrap())
            .collect()
    }

    fn same_results(store: &Store, pack: &Pack) {
        let st = slow(store, "us-talks");
        let f = store.issue_facts("us-talks").unwrap();
        assert_eq!(f.facts.len(), st.len());
        let ids: Vec<i64> = store
            .statements(&StatementFilter {
                topic: Some("us-talks".into()),
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(f.ids, ids);
        let t = analyses::timeline(&st, pack, "us-talks", GroupBy::Institution, Bucket::Week);
        assert!(!t.is_empty());
        assert_eq!(
            fast::timeline(&f.facts, pack, GroupBy::Institution, Bucket::Week),
            t
        );
        let sh = analyses::shifts(&st, "us-talks");
        assert!(!sh.is_empty());
        assert_eq!(fast::shifts(&f.facts), sh);
        let d = analyses::divergence(&st, pack, "us-talks", "Iran", Bucket::Month);
        assert!(!d.is_empty());
        assert_eq!(fast::divergence(&f.facts, pack, "Iran", Bucket::Month), d);
    }

    /// A store in `dir` holding articles `0..n`.
    fn store_of(pack: &Pack, dir: &tempfile::TempDir, n: usize) -> Store {
        let mut store = Store::open(dir.path().join("s.db")).unwrap();
        for k in 0..n {
            let (d, st) = article(pack, k);
            store.ingest_document(&d, &st, &pack.info).unwrap();
        }
        store
    }

    #[test]
    fn facts_give_the_slow_results_and_are_rebuilt_after_writes() {
        let pack = Pack::default_pack().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_of(&pack, &dir, 6);
        same_results(&store, &pack);
        assert!(store.issue_facts("us-talks").unwrap().reused);
        // A new document: stale, rebuilt.
        let (d, st) = article(&pack, 6);
        store.ingest_document(&d, &st, &pack.info).unwrap();
        assert!(!store.issue_facts("us-talks").unwrap().reused);
        same_results(&store, &pack);
        // New statements for a stored document (recode): stale, rebuilt.
        let (_, st) = article(&pack, 9);
        store.replace_statements(1, &st[..5], &pack.info).unwrap();
        assert!(!store.issue_facts("us-talks").unwrap().reused);
        same_results(&store, &pack);
        assert!(store.issue_facts("us-talks").unwrap().reused);
        // Another issue has its own copy.
        let other = store.issue_facts("other").unwrap();
        assert_eq!(other.facts.len(), slow(&store, "other").len());
        assert!(store.issue_facts("us-talks").unwrap().reused);
    }

    #[test]
    fn a_copy_in_another_format_is_rebuilt_not_misread() {
        let pack = Pack::default_pack().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = store_of(&pack, &dir, 3);
        let f = store.issue_facts("us-talks").unwrap();
        // A current stamp over a copy of the previous format (header
        // `tealeaf-facts-2`, ids as bare 64-bit numbers), as an older
        // build left it.
        let mut old = b"tealeaf-facts-2\n".to_vec();
        old.extend_from_slice(&f.facts.to_bytes()[16..]);
        let ids: Vec<u8> = f.ids.iter().flat_map(|i| i.to_le_bytes()).collect();
        store
            .conn()
            .execute(
                "UPDATE issue_facts SET facts = ?1, ids = ?2 WHERE issue = 'us-talks'",
                rusqlite::params![old, ids],
            )
            .unwrap();
        let again = store.issue_facts("us-talks").unwrap();
        assert!(!again.reused);
        assert_eq!((&again.facts, &again.ids), (&f.facts, &f.ids));
        assert!(store.issue_facts("us-talks").unwrap().reused);
        same_results(&store, &pack);
    }

    #[test]
    fn a_version_4_store_upgrades_and_keeps_its_statements() {
        let pack = Pack::default_pack().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            let mut store = Store::setup(conn, "old.db".into(), 4).unwrap();
            assert_eq!(store.schema_version().unwrap(), 4);
            for n in 0..3 {
                let (d, st) = article(&pack, n);
                store.ingest_document(&d, &st, &pack.info).unwrap();
            }
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.found_schema_version(), 4);
        assert_eq!(store.schema_version().unwrap(), crate::SCHEMA_VERSION);
        same_results(&store, &pack);
    }
}
