use super::*;

use tealeaf_core::document::{Format, parse};
use tealeaf_core::{Pack, extract};

fn pack() -> Pack {
    Pack::default_pack().expect("the default pack loads")
}

fn info(version: &str) -> PackInfo {
    let mut info = pack().info;
    info.version = version.to_string();
    info
}

const TALKS: &str = "title: Talks may resume\ndate: 2025-02-10\noutlet: Tehran Times\n\n\
Foreign Minister Abbas Araghchi said on Monday that \"talks with Washington can resume \
once the sanctions are lifted.\"\n\n\
Ayatollah Ali Khamenei said on February 7 that negotiating with America is \
\"not intelligent, not wise and not honourable.\"\n";

const HARBOUR: &str = "title: A quiet harbour\ndate: 2019-08-26\n\n\
Hassan Rouhani said on August 26 that \"we are ready to meet anyone who lifts the \
pressure on our people.\"\n";

fn doc(name: &str, text: &str) -> Document {
    let mut docs = parse(name, text.as_bytes(), Format::Text);
    assert_eq!(docs.len(), 1);
    docs.pop().unwrap().expect("the test article parses")
}

/// A document and its statements as the default pack extracts them.
fn coded(name: &str, text: &str) -> (Document, Vec<Statement>) {
    let d = doc(name, text);
    let st = extract(&d, &pack());
    (d, st)
}

fn fts_rows(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM statements_fts", [], |r| r.get(0))
        .unwrap()
}

fn search(store: &Store, text: &str) -> Vec<StoredStatement> {
    store
        .statements(&StatementFilter {
            text: Some(text.to_string()),
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn the_test_articles_give_statements() {
    let (_, talks) = coded("talks.txt", TALKS);
    let (_, harbour) = coded("harbour.txt", HARBOUR);
    assert!(talks.len() >= 2, "{talks:#?}");
    assert!(!harbour.is_empty(), "{harbour:#?}");
    assert!(
        talks
            .iter()
            .any(|s| s.speaker_id.as_deref() == Some("abbas-araghchi"))
    );
}

#[test]
fn ingesting_the_same_document_twice_stores_it_once() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    let first = store.ingest_document(&d, &st, &info("1")).unwrap();
    let IngestOutcome::New {
        document_id,
        statements,
    } = first
    else {
        panic!("first ingest: {first:?}");
    };
    assert_eq!(statements, st.len());
    assert_eq!(
        store.ingest_document(&d, &st, &info("1")).unwrap(),
        IngestOutcome::Unchanged { document_id }
    );
    // The same article under another name, from another directory.
    let mut copy = d.clone();
    copy.id = "copy-of-talks.txt".into();
    copy.source = "/elsewhere/copy-of-talks.txt".into();
    assert_eq!(
        store.ingest_document(&copy, &st, &info("1")).unwrap(),
        IngestOutcome::Unchanged { document_id }
    );
    assert_eq!(store.counts().unwrap(), (1, st.len()));
    assert_eq!(fts_rows(&store), st.len() as i64);
    assert!(store.contains(ContentHash::of(&d)).unwrap());
    assert_eq!(
        store.content_hashes().unwrap(),
        HashSet::from([ContentHash::of(&d)])
    );

    // A changed body is a new document.
    let mut edited = d.clone();
    edited.body.push_str("\nA correction was appended.\n");
    assert!(matches!(
        store.ingest_document(&edited, &st, &info("1")).unwrap(),
        IngestOutcome::New { .. }
    ));
    assert_eq!(store.counts().unwrap(), (2, 2 * st.len()));
}

#[test]
fn stored_rows_carry_every_field() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("7.1")).unwrap();
    let docs = store.documents().unwrap();
    assert_eq!(docs.len(), 1);
    let sd = &docs[0];
    assert_eq!(sd.doc_key, "talks.txt");
    assert_eq!(sd.source, "talks.txt");
    assert_eq!(sd.title.as_deref(), Some("Talks may resume"));
    assert_eq!(sd.published.as_deref(), Some("2025-02-10"));
    assert_eq!(sd.outlet.as_deref(), Some("Tehran Times"));
    assert_eq!(sd.pack_id, "iran-us");
    assert_eq!(sd.pack_version, "7.1");
    assert_eq!(sd.statements, st.len());
    assert_eq!(sd.content_hash, ContentHash::of(&d).to_string());
    // The document reads back as the core had it.
    assert_eq!(store.document(sd.id).unwrap().as_ref(), Some(&d));
    assert_eq!(store.document(sd.id + 100).unwrap(), None);

    let stored = store.statements(&StatementFilter::default()).unwrap();
    assert_eq!(stored.len(), st.len());
    for (i, (row, s)) in stored.iter().zip(&st).enumerate() {
        assert_eq!(row.ordinal, i);
        assert_eq!(row.text, s.text);
        assert_eq!(row.speaker_id, s.speaker_id);
        assert_eq!(row.date, s.date);
        assert_eq!(row.coded, serde_json::to_value(s).unwrap());
    }
    // Span columns match the statement.
    let (start, end, kind, direct): (usize, usize, String, bool) = store
        .conn()
        .query_row(
            "SELECT span_start, span_end, kind, direct FROM statements WHERE ordinal = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!([start, end], st[0].span);
    assert_eq!(
        Value::String(kind),
        serde_json::to_value(st[0].kind).unwrap()
    );
    assert_eq!(direct, st[0].direct);
}

#[test]
fn slim_and_whole_coded_rows_read_back_as_the_whole_statement() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    let (h, hs) = coded("harbour.txt", HARBOUR);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    let prepared = PreparedDocument::new(h, hs.clone()).unwrap();
    store.ingest_batch(&[prepared], &info("1")).unwrap();
    let all: Vec<&Statement> = st.iter().chain(&hs).collect();
    let whole = |store: &Store| -> Vec<String> {
        store
            .statements(&StatementFilter::default())
            .unwrap()
            .iter()
            .map(|r| r.coded.to_string())
            .collect()
    };
    // What a reader printed before schema version 6: the stored text of
    // the whole statement, parsed.
    let before: Vec<String> = all
        .iter()
        .map(|s| {
            let text = serde_json::to_value(s).unwrap().to_string();
            serde_json::from_str::<Value>(&text).unwrap().to_string()
        })
        .collect();
    assert_eq!(whole(&store), before);
    // The stored text holds only what has no column.
    let coded: String = store
        .conn()
        .query_row("SELECT coded FROM statements LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let slim: Value = serde_json::from_str(&coded).unwrap();
    assert!(slim.get("evidence").is_some() && slim.get("conditions").is_some());
    assert!(slim.get("text").is_none() && slim.get("speaker").is_none());
    // ...and of the coding, only what is not at its default.
    assert!(all[0].coding.probability.is_none() && slim.get("probability").is_none());
    assert!(all[0].coding.threats.is_empty() && slim.get("threats").is_none());

    // A row as schema version 5 wrote it (the whole statement in `coded`)
    // reads the same.
    for (i, s) in all.iter().enumerate() {
        store
            .conn()
            .execute(
                "UPDATE statements SET coded = ?1 WHERE id = ?2",
                params![serde_json::to_value(s).unwrap().to_string(), i as i64 + 1],
            )
            .unwrap();
    }
    assert_eq!(whole(&store), before);
}

#[test]
fn a_failing_statement_leaves_no_trace_of_its_document() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    assert!(st.len() >= 2);
    // Fail on the second statement, after the document row and the first
    // statement (and its full-text entry) have been written.
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_second BEFORE INSERT ON statements \
             WHEN new.ordinal = 1 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    let err = store.ingest_document(&d, &st, &info("1")).unwrap_err();
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert!(err.to_string().starts_with(":memory:"), "{err}");
    assert_eq!(store.counts().unwrap(), (0, 0));
    assert_eq!(fts_rows(&store), 0);

    store
        .conn()
        .execute_batch("DROP TRIGGER fail_second")
        .unwrap();
    assert!(matches!(
        store.ingest_document(&d, &st, &info("1")).unwrap(),
        IngestOutcome::New { .. }
    ));
    assert_eq!(store.counts().unwrap(), (1, st.len()));
}

#[test]
fn a_failing_recode_keeps_the_old_statements() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    let id = store.document_ids().unwrap()[0];
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_any BEFORE INSERT ON statements \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    assert!(store.replace_statements(id, &st[..1], &info("2")).is_err());
    assert_eq!(store.counts().unwrap(), (1, st.len()));
    assert_eq!(store.documents().unwrap()[0].pack_version, "1");
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn full_text_search_finds_words_speakers_and_outlets() {
    let mut store = Store::open_in_memory().unwrap();
    for (name, text) in [("talks.txt", TALKS), ("harbour.txt", HARBOUR)] {
        let (d, st) = coded(name, text);
        store.ingest_document(&d, &st, &info("1")).unwrap();
    }
    let hits = search(&store, "sanctions");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0].text.contains("sanctions are lifted"));
    assert_eq!(hits[0].doc_key, "talks.txt");

    // All words must occur; case and order do not matter.
    assert_eq!(search(&store, "LIFTED washington").len(), 1);
    assert!(search(&store, "sanctions pressure").is_empty());

    // The speaker column is searched too.
    let rouhani = search(&store, "rouhani");
    assert!(!rouhani.is_empty());
    assert!(
        rouhani
            .iter()
            .all(|s| s.speaker_id.as_deref() == Some("hassan-rouhani"))
    );

    // FTS5 syntax in user input is taken as words, never as an error.
    for odd in [
        "\"",
        "sanctions\"",
        "NEAR(talks",
        "text: sanctions",
        "talks AND",
        "OR",
        "*",
        "-sanctions",
        "(",
        "^talks",
    ] {
        store
            .statements(&StatementFilter {
                text: Some(odd.to_string()),
                ..Default::default()
            })
            .unwrap_or_else(|e| panic!("{odd:?}: {e}"));
    }
    assert_eq!(search(&store, "sanctions\"").len(), 1);
    assert_eq!(search(&store, "text: sanctions").len(), 0);
    assert!(search(&store, "!!!").is_empty());
    assert!(search(&store, "zeppelin").is_empty());
}

#[test]
fn fts_query_quotes_every_word() {
    assert_eq!(
        fts_query("talks AND \"pressure\"").as_deref(),
        Some("\"talks\" \"AND\" \"\"\"pressure\"\"\"")
    );
    assert_eq!(fts_query("  "), None);
    assert_eq!(fts_query("* - ()"), None);
    assert_eq!(fts_query("NEAR(x").as_deref(), Some("\"NEAR(x\""));
}

#[test]
fn filters_combine() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for (name, text) in [("talks.txt", TALKS), ("harbour.txt", HARBOUR)] {
        let (d, st) = coded(name, text);
        match store.ingest_document(&d, &st, &info("1")).unwrap() {
            IngestOutcome::New { document_id, .. } => ids.push(document_id),
            other => panic!("{other:?}"),
        }
    }
    let all = store.statements(&StatementFilter::default()).unwrap();
    let by = |f: StatementFilter| store.statements(&f).unwrap();

    let araghchi = by(StatementFilter {
        speaker_id: Some("abbas-araghchi".into()),
        ..Default::default()
    });
    assert!(!araghchi.is_empty());
    assert!(araghchi.iter().all(|s| s.doc_key == "talks.txt"));

    // 2019 only: the harbour article.
    let in_2019 = by(StatementFilter {
        date_from: chrono::NaiveDate::from_ymd_opt(2019, 1, 1),
        date_to: chrono::NaiveDate::from_ymd_opt(2019, 12, 31),
        ..Default::default()
    });
    assert!(!in_2019.is_empty());
    assert!(in_2019.iter().all(|s| s.doc_key == "harbour.txt"));
    let from_2025 = by(StatementFilter {
        date_from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
        ..Default::default()
    });
    assert_eq!(in_2019.len() + from_2025.len(), all.len());

    let in_doc = by(StatementFilter {
        document_id: Some(ids[1]),
        ..Default::default()
    });
    assert_eq!(in_doc, in_2019);
    assert_eq!(
        by(StatementFilter {
            limit: Some(1),
            ..Default::default()
        })
        .len(),
        1
    );

    // Topic and stance, as the coding stage will set them.
    store
        .conn()
        .execute(
            "UPDATE statements SET topic = 'us-talks', stance = 'oppose' WHERE speaker_id = ?1",
            ["ali-khamenei"],
        )
        .unwrap();
    let opposed = by(StatementFilter {
        topic: Some("us-talks".into()),
        stance: Some("oppose".into()),
        ..Default::default()
    });
    assert!(!opposed.is_empty());
    assert!(
        opposed
            .iter()
            .all(|s| s.speaker_id.as_deref() == Some("ali-khamenei"))
    );
    assert!(
        by(StatementFilter {
            topic: Some("us-talks".into()),
            stance: Some("support".into()),
            ..Default::default()
        })
        .is_empty()
    );
    // Filters and search together.
    assert!(
        by(StatementFilter {
            topic: Some("us-talks".into()),
            text: Some("honourable".into()),
            ..Default::default()
        })
        .len()
            == 1
    );
}

#[test]
fn partial_dates_compare_as_their_first_day() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    store
        .conn()
        .execute(
            "UPDATE statements SET date = '2025-03' WHERE ordinal = 0",
            [],
        )
        .unwrap();
    let march = store
        .statements(&StatementFilter {
            date_from: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
            date_to: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(march.len(), 1);
    assert_eq!(march[0].ordinal, 0);
}

#[test]
fn recode_replaces_statements_and_records_the_pack() {
    let mut store = Store::open_in_memory().unwrap();
    for (name, text) in [("talks.txt", TALKS), ("harbour.txt", HARBOUR)] {
        let (d, st) = coded(name, text);
        store.ingest_document(&d, &st, &info("1")).unwrap();
    }
    let (_, before) = store.counts().unwrap();
    let khamenei_before = search(&store, "honourable");
    assert_eq!(khamenei_before.len(), 1);

    // A "new pack" that keeps only the first statement of each document
    // and marks it.
    let p = pack();
    let mut seen = Vec::new();
    let summary = store
        .recode(&info("2"), |d| {
            seen.push(d.id.clone());
            let mut st = extract(d, &p);
            st.truncate(1);
            st[0].rule = "recoded".into();
            st
        })
        .unwrap();
    assert_eq!(seen, ["talks.txt", "harbour.txt"]);
    assert_eq!(
        summary,
        RecodeSummary {
            documents: 2,
            statements_before: before,
            statements_after: 2,
        }
    );
    assert_eq!(store.counts().unwrap(), (2, 2));
    let rows = store.statements(&StatementFilter::default()).unwrap();
    assert!(rows.iter().all(|s| s.coded["rule"] == "recoded"));
    assert!(rows.iter().all(|s| s.ordinal == 0));
    // The dropped statement is gone from the full-text index too.
    assert!(search(&store, "honourable").is_empty());
    assert_eq!(fts_rows(&store), 2);
    assert!(
        store
            .documents()
            .unwrap()
            .iter()
            .all(|d| d.pack_version == "2" && d.statements == 1)
    );
    assert_eq!(store.meta("pack_version").unwrap().as_deref(), Some("2"));
    assert_eq!(store.meta("pack_id").unwrap().as_deref(), Some("iran-us"));
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].kind, "recode");
    assert_eq!(runs[0].pack_version, "2");
    assert!(runs[0].finished_at.is_some());
    assert_eq!(runs[0].counts.statements, 2);
    assert_eq!(runs[0].counts.documents_recoded, 2);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);

    // Recoding in batches gives the same as extracting one by one.
    let summary = store
        .recode_batched(&info("3"), 5, |docs| {
            assert_eq!(docs.len(), 2);
            docs.iter().map(|d| extract(d, &p)).collect()
        })
        .unwrap();
    assert_eq!(summary.statements_after, before);
    assert_eq!(store.counts().unwrap(), (2, before));
}

#[test]
fn deleting_a_document_cascades_to_statements_and_search() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    store.conn().execute("DELETE FROM documents", []).unwrap();
    assert_eq!(store.counts().unwrap(), (0, 0));
    assert_eq!(fts_rows(&store), 0);
    assert!(search(&store, "sanctions").is_empty());
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn a_file_store_uses_wal_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (d, st) = coded("talks.txt", TALKS);
    {
        let mut store = Store::open(&path).unwrap();
        let run = store.start_run(RunKind::Ingest, &info("1")).unwrap();
        store.ingest_document(&d, &st, &info("1")).unwrap();
        store
            .finish_run(
                run,
                &RunCounts {
                    documents_new: 1,
                    statements: st.len(),
                    ..Default::default()
                },
            )
            .unwrap();
        let pragma = |name: &str| -> String {
            store
                .conn()
                .query_row(&format!("PRAGMA {name}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .map(|v| match v {
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    other => format!("{other:?}"),
                })
                .unwrap()
        };
        assert_eq!(pragma("journal_mode"), "wal");
        assert_eq!(pragma("synchronous"), "1"); // NORMAL
        assert_eq!(pragma("foreign_keys"), "1");
        assert_eq!(pragma("busy_timeout"), "30000");
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.counts().unwrap(), (1, st.len()));
    assert_eq!(
        store.ingest_document(&d, &st, &info("1")).unwrap(),
        IngestOutcome::Unchanged {
            document_id: store.documents().unwrap()[0].id
        }
    );
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].kind, "ingest");
    assert_eq!(runs[0].counts.documents_new, 1);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn opening_an_older_database_migrates_it_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // A database as the first schema version left it, with one document
    // and one statement.
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO documents (id, doc_key, content_hash, source, body, meta, pack_id, \
             pack_version, ingested_at, coded_at) VALUES (1, 'old.txt', \
             '0123456789abcdef0123456789abcdef', 'old.txt', 'Body.', '{\"extra\":{}}', 'iran-us', \
             '0', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO statements (document_id, ordinal, doc, span_start, span_end, text, \
             quote_start, quote_end, attribution, kind, direct, speaker, confidence, rule, coded) \
             VALUES (1, 0, 'old.txt', 0, 5, 'An archived remark about enrichment', 0, 5, 0, \
             'direct', 1, 'Someone', 0.5, 'test', '{}')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.found_schema_version(), 1);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.counts().unwrap(), (1, 1));
    // Migration 2 indexed the statement stored before it.
    assert_eq!(search(&store, "enrichment").len(), 1);
    // Migration 3 made the runs and meta tables.
    assert!(store.runs().unwrap().is_empty());
    assert_eq!(store.meta("pack_id").unwrap(), None);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    drop(store);

    // Opening again applies nothing and loses nothing.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.found_schema_version(), SCHEMA_VERSION);
    assert_eq!(store.counts().unwrap(), (1, 1));
    assert_eq!(store.document(1).unwrap().unwrap().body, "Body.");
}

/// The names of the indexes on `statements` and the triggers of the store.
fn indexes_and_triggers(store: &Store) -> Vec<String> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT type || ' ' || name FROM sqlite_master WHERE type = 'trigger' \
             OR (type = 'index' AND tbl_name = 'statements') ORDER BY 1",
        )
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn migration_7_keeps_a_version_6_store_searchable_and_indexes_what_comes_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    // A store as version 6 left it, with a statement its per-row
    // full-text trigger indexed.
    {
        let mut old = Connection::open(&path).unwrap();
        schema::migrate(&mut old, 6).unwrap();
        for sql in [
            "INSERT INTO documents (id, doc_key, content_hash, source, body, meta, pack_id, \
             pack_version, ingested_at, coded_at) VALUES (1, 'old.txt', \
             '0123456789abcdef0123456789abcdef', 'old.txt', 'Body.', '{\"extra\":{}}', \
             'iran-us', '0', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            "INSERT INTO statements (document_id, ordinal, doc, span_start, span_end, text, \
             quote_start, quote_end, attribution, kind, direct, speaker, speaker_id, \
             confidence, rule, coded) VALUES (1, 0, 'old.txt', 0, 5, \
             'An archived remark about enrichment', 0, 5, 0, 'direct', 1, 'Someone', \
             'someone', 0.5, 'test', '{}')",
        ] {
            old.execute(sql, []).unwrap();
        }
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.found_schema_version(), 6);
    assert_eq!(
        indexes_and_triggers(&store),
        [
            "index sqlite_autoindex_statements_1",
            "index statements_affiliation",
            "index statements_faction",
            "index statements_order",
            "index statements_outlet",
            "index statements_speaker",
            "index statements_topic_stance",
            "trigger documents_generation_delete",
            "trigger documents_generation_insert",
            "trigger documents_generation_update",
            "trigger statements_fts_delete",
            "trigger statements_fts_update",
            "trigger statements_generation_delete",
            "trigger statements_generation_update",
        ]
    );
    // The old row is still found, by word and through the new index.
    assert_eq!(search(&store, "enrichment").len(), 1);
    let by_speaker = store
        .statements(&StatementFilter {
            speaker_id: Some("someone".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_speaker.len(), 1);
    // What is stored after the migration is found as well, whichever way
    // it is written.
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    let (h, st) = coded("harbour.txt", HARBOUR);
    let prepared = PreparedDocument::new(h, st).unwrap();
    store.ingest_batch(&[prepared], &info("1")).unwrap();
    assert_eq!(search(&store, "sanctions").len(), 1);
    assert_eq!(search(&store, "pressure").len(), 1);
    assert_eq!(search(&store, "enrichment").len(), 1);
    // Replaced statements leave the index and their replacements enter it.
    store.replace_statements(1, &[], &info("2")).unwrap();
    assert!(search(&store, "enrichment").is_empty());
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn a_database_from_a_newer_build_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
            .unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    assert!(msg.contains("newer"), "{msg}");
}

#[test]
fn an_unopenable_path_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("t.db");
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.path(), path.display().to_string());
    assert!(err.to_string().contains("no-such-dir"), "{err}");
}

#[test]
fn a_partial_migration_rolls_back() {
    let mut conn = Connection::open_in_memory().unwrap();
    // Migrate to version 1, then break version 2 by taking its table name.
    assert!(matches!(
        schema::migrate(&mut conn, 1).unwrap(),
        schema::Migrated::Upgraded { from: 0 }
    ));
    conn.execute_batch("CREATE TABLE statements_fts (x)")
        .unwrap();
    assert!(schema::migrate(&mut conn, SCHEMA_VERSION).is_err());
    assert_eq!(schema::user_version(&conn).unwrap(), 1);
    let runs: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'runs'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(runs, 0);
}

/// The filter indexes of migration 8 leave out rows without a value; the
/// queries that read them (a value compared, or `IS NOT NULL` for counts
/// per value) still do.
#[test]
fn filters_use_the_partial_indexes() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    let plan = |sql: &str| -> String {
        let mut st = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows: Vec<String> = st
            .query_map(["x"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.join("; ")
    };
    for (column, index) in [
        ("speaker_id", "statements_speaker"),
        ("topic", "statements_topic_stance"),
        ("faction", "statements_faction"),
        ("outlet_id", "statements_outlet"),
        ("outlet_affiliation", "statements_affiliation"),
    ] {
        let by_value = plan(&format!(
            "SELECT id FROM statements s WHERE s.{column} = ?1 ORDER BY s.document_id"
        ));
        assert!(by_value.contains(index), "{column} = ?: {by_value}");
        let counts = plan(&format!(
            "SELECT {column}, count(*) FROM statements WHERE {column} IS NOT NULL \
             AND ?1 = ?1 GROUP BY {column}"
        ));
        assert!(counts.contains(index), "{column} counts: {counts}");
    }
    // Every row is still read, with a value or without.
    let all = store.statements(&StatementFilter::default()).unwrap();
    assert_eq!(all.len(), st.len());
    assert!(all.iter().any(|s| s.outlet.is_none()));
}

#[test]
fn the_corpus_order_is_read_from_the_narrow_order_index() {
    let mut store = Store::open_in_memory().unwrap();
    let (d, st) = coded("talks.txt", TALKS);
    store.ingest_document(&d, &st, &info("1")).unwrap();
    // The server's corpus order (`tealeaf_serve::fast::Order::load`): ids
    // and dates in extraction order, from the index alone.
    let plan: String = store
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id, date FROM statements ORDER BY document_id, ordinal",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX statements_order"), "{plan}");
}
