//! `tealeaf ingest` and `tealeaf recode` end to end: idempotent re-ingest,
//! broken inputs, RSS and Atom feeds, URLs from a local server, recode with
//! another pack, and an ingest killed mid-way and run again.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tealeaf_store::Store;

fn tealeaf_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tealeaf"));
    c.args(args);
    // The local test server must be reached directly.
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(v);
    }
    c
}

fn tealeaf(args: &[&str]) -> Output {
    tealeaf_cmd(args).output().expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The closing summary's numbers: new, unchanged, failed, statements.
fn summary(o: &Output) -> (usize, usize, usize, usize) {
    let err = stderr(o);
    let line = err
        .lines()
        .rfind(|l| l.starts_with("tealeaf ingest: "))
        .unwrap_or_else(|| panic!("no summary in:\n{err}"));
    let nums: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .take(4)
        .map(|w| w.parse().unwrap())
        .collect();
    (nums[0], nums[1], nums[2], nums[3])
}

/// Statements per stored document, by document key.
fn per_document(db: &Path) -> BTreeMap<String, usize> {
    let store = Store::open(db).unwrap();
    store
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| (d.doc_key, d.statements))
        .collect()
}

fn assert_sound(db: &Path) {
    let store = Store::open(db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let duplicates: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM (SELECT doc_key FROM documents GROUP BY doc_key \
             HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(duplicates, 0, "duplicate documents in {}", db.display());
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// A small corpus in every article format, in nested directories.
fn small_corpus(dir: &Path) {
    write(
        &dir.join("a.txt"),
        "title: Door open\ndate: 2025-02-10\noutlet: Tehran Times\n\n\
         Foreign Minister Abbas Araghchi said on Monday that \"talks can resume once the \
         sanctions are lifted.\"\n",
    );
    write(
        &dir.join("notes/b.md"),
        "---\ntitle: Leader's speech\ndate: 2025-02-07\n---\n\n\
         Ayatollah Ali Khamenei said on Friday that negotiating with America is \"not \
         intelligent, not wise and not honourable.\"\n",
    );
    write(
        &dir.join("pages/c.html"),
        "<!doctype html><html lang=\"en\"><head><title>Ready to meet</title>\
         <meta property=\"article:published_time\" content=\"2019-08-26\"></head><body>\
         <article><p>Hassan Rouhani said on Monday that \"we are ready to meet anyone who \
         lifts the pressure.\"</p></article></body></html>",
    );
    write(
        &dir.join("wire/d.jsonl"),
        "{\"id\": \"d1\", \"title\": \"Tehran replies\", \"date\": \"2019-08-27\", \"text\": \
         \"Mohammad Javad Zarif said that \\\"there will be no meeting.\\\"\"}\n\
         {\"id\": \"d2\", \"title\": \"President speaks\", \"date\": \"2025-03-01\", \"text\": \
         \"Masoud Pezeshkian said that \\\"the region needs calm.\\\"\"}\n",
    );
    // Not an article format: not taken from a directory.
    write(&dir.join("wire/readme.csv"), "a,b\n1,2\n");
}

#[test]
fn reingesting_a_directory_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    small_corpus(&corpus);
    let db = tmp.path().join("t.db");

    let first = tealeaf(&["ingest", s(&corpus), "--db", s(&db)]);
    assert!(first.status.success(), "{}", stderr(&first));
    let (new, unchanged, failed, statements) = summary(&first);
    assert_eq!((new, unchanged, failed), (5, 0, 0), "{}", stderr(&first));
    assert!(statements >= 5, "{}", stderr(&first));
    let before = per_document(&db);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        ["a.txt", "b.md", "c.html", "d1", "d2"]
    );
    assert!(before.values().all(|&n| n >= 1), "{before:?}");

    let second = tealeaf(&["ingest", s(&corpus), "--db", s(&db)]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(summary(&second), (0, 5, 0, 0), "{}", stderr(&second));
    assert_eq!(per_document(&db), before);

    // The same files through another path (a copy elsewhere) are the same
    // documents.
    let copy = tmp.path().join("copy");
    small_corpus(&copy);
    let third = tealeaf(&["ingest", s(&copy.join("a.txt")), "--db", s(&db)]);
    assert_eq!(summary(&third), (0, 1, 0, 0), "{}", stderr(&third));

    let store = Store::open(&db).unwrap();
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 3);
    assert!(
        runs.iter()
            .all(|r| r.kind == "ingest" && r.finished_at.is_some())
    );
    assert_eq!(runs[0].counts.documents_new, 5);
    assert_eq!(runs[1].counts.documents_unchanged, 5);
    assert_sound(&db);
}

#[test]
fn broken_inputs_are_listed_with_reasons_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    small_corpus(&corpus);
    write(&corpus.join("empty.txt"), "  \n");
    std::fs::write(corpus.join("binary.txt"), b"\x00\x01\x02binary\x00").unwrap();
    write(
        &corpus.join("mixed.jsonl"),
        "{\"id\": \"m1\", \"text\": \"Abbas Araghchi said that \\\"we will answer.\\\"\"}\n\
         {not json\n",
    );
    write(&corpus.join("broken.rss"), "<rss><channel><title>x</tit");
    let missing = tmp.path().join("missing.txt");
    let db = tmp.path().join("t.db");

    let o = tealeaf(&["ingest", s(&corpus), s(&missing), "--db", s(&db)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let (new, unchanged, failed, _) = summary(&o);
    assert_eq!((new, unchanged, failed), (6, 0, 5), "{err}");
    for needle in [
        "missing.txt: no such file or directory",
        "empty.txt: empty file",
        "binary.txt: not a text file",
        "mixed.jsonl: line 2: invalid JSON",
        "broken.rss: ",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("tealeaf: ") && l.contains(needle)),
            "{needle:?} not in:\n{err}"
        );
    }
    // The failures come before the summary, which is the last line.
    assert!(
        err.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("tealeaf ingest: ")
    );
    assert!(per_document(&db).contains_key("m1"));
    assert_eq!(
        Store::open(&db).unwrap().runs().unwrap()[0]
            .counts
            .documents_failed,
        5
    );
    assert_sound(&db);
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Persian Gulf Wire</title>
  <link>https://wire.example/</link>
  <language>en</language>
  <item>
    <title>Minister sees an opening</title>
    <link>https://wire.example/2025/02/opening</link>
    <guid>wire-101</guid>
    <pubDate>Mon, 10 Feb 2025 09:15:00 +0330</pubDate>
    <description>&lt;p&gt;Foreign Minister Abbas Araghchi said on Monday that "a fair deal is within reach."&lt;/p&gt;</description>
  </item>
  <item>
    <title>Late statement</title>
    <link>https://wire.example/2025/02/late</link>
    <guid>wire-102</guid>
    <pubDate>Tue, 11 Feb 2025 23:40:00 -0500</pubDate>
    <description>Hassan Rouhani said that "patience has limits."</description>
  </item>
</channel>
</rss>
"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Tehran Desk</title>
  <id>urn:desk</id>
  <updated>2025-03-02T10:00:00Z</updated>
  <entry>
    <title>President on the region</title>
    <id>urn:desk:1</id>
    <link rel="alternate" href="https://desk.example/president"/>
    <published>2025-03-01T08:00:00+03:30</published>
    <updated>2025-03-02T10:00:00Z</updated>
    <author><name>Desk Reporter</name></author>
    <content type="html">&lt;p&gt;Masoud Pezeshkian said that "the region needs calm and trade."&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Updated only</title>
    <id>urn:desk:2</id>
    <link href="https://desk.example/zarif"/>
    <updated>2019-08-27T12:00:00Z</updated>
    <summary>Mohammad Javad Zarif said that "there will be no meeting."</summary>
  </entry>
</feed>
"#;

#[test]
fn rss_and_atom_items_become_dated_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    write(&feeds.join("wire.rss"), RSS);
    write(&feeds.join("desk.atom"), ATOM);
    // A feed with a generic extension is sniffed; other XML is not taken.
    write(
        &feeds.join("more/copy-of-desk.xml"),
        &ATOM.replace("Tehran Desk", "Desk Mirror"),
    );
    write(
        &feeds.join("more/config.xml"),
        "<?xml version=\"1.0\"?><config><a/></config>",
    );
    let db = tmp.path().join("t.db");

    let o = tealeaf(&["ingest", s(&feeds), "--db", s(&db)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&o).0, 6, "{}", stderr(&o));

    let store = Store::open(&db).unwrap();
    let docs: BTreeMap<String, _> = store
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| (d.doc_key.clone(), d))
        .collect();
    assert_eq!(
        docs.keys().collect::<Vec<_>>(),
        [
            "copy-of-desk.xml#1",
            "copy-of-desk.xml#2",
            "desk.atom#1",
            "desk.atom#2",
            "wire.rss#1",
            "wire.rss#2"
        ]
    );
    let w1 = &docs["wire.rss#1"];
    assert_eq!(w1.published.as_deref(), Some("2025-02-10"));
    assert_eq!(w1.title.as_deref(), Some("Minister sees an opening"));
    assert_eq!(w1.outlet.as_deref(), Some("Persian Gulf Wire"));
    assert_eq!(
        w1.url.as_deref(),
        Some("https://wire.example/2025/02/opening")
    );
    assert_eq!(w1.language.as_deref(), Some("en"));
    assert!(w1.source.ends_with("wire.rss"));
    // 23:40 at UTC-5 is already the 12th in UTC: the date as written is kept.
    assert_eq!(docs["wire.rss#2"].published.as_deref(), Some("2025-02-11"));

    let d1 = &docs["desk.atom#1"];
    assert_eq!(d1.published.as_deref(), Some("2025-03-01"));
    assert_eq!(d1.outlet.as_deref(), Some("Tehran Desk"));
    assert_eq!(d1.author.as_deref(), Some("Desk Reporter"));
    assert_eq!(d1.url.as_deref(), Some("https://desk.example/president"));
    // No <published>: the <updated> date.
    assert_eq!(docs["desk.atom#2"].published.as_deref(), Some("2019-08-27"));
    assert_eq!(
        docs["copy-of-desk.xml#1"].outlet.as_deref(),
        Some("Desk Mirror")
    );

    // The items' statements, dated.
    let araghchi = store
        .statements(&tealeaf_store::StatementFilter {
            speaker_id: Some("abbas-araghchi".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(araghchi.len(), 1, "{araghchi:#?}");
    assert_eq!(araghchi[0].text, "a fair deal is within reach.");
    assert_eq!(araghchi[0].date.as_deref(), Some("2025-02-10"));
    let body = store.document(w1.id).unwrap().unwrap().body;
    assert_eq!(
        body,
        "Foreign Minister Abbas Araghchi said on Monday that \"a fair deal is within reach.\""
    );
    drop(store);

    // Feeds are idempotent too.
    let again = tealeaf(&["ingest", s(&feeds), "--db", s(&db)]);
    assert_eq!(summary(&again), (0, 6, 0, 0), "{}", stderr(&again));
    assert_sound(&db);
}

/// Serves fixed responses on 127.0.0.1 until `count` requests were answered
/// or ten seconds passed. Gives the base URL.
fn serve(count: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = Vec::new();
        while seen.len() < count && Instant::now() < deadline {
            let (mut conn, _) = match listener.accept() {
                Ok(c) => c,
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            conn.set_nonblocking(false).unwrap();
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let req = String::from_utf8_lossy(&req).into_owned();
            let path = req.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, ctype, body) = match path.as_str() {
                "/feed" => ("200 OK", "application/rss+xml", RSS.to_string()),
                "/story" => (
                    "200 OK",
                    "text/html; charset=utf-8",
                    "<html><head><title>Envoy</title></head><body><article><p>Ali Bagheri \
                     Kani said that \"the talks were useful.\"</p></article></body></html>"
                        .to_string(),
                ),
                _ => ("404 Not Found", "text/plain", "no such page".to_string()),
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
            seen.push(path);
        }
        seen
    });
    (base, handle)
}

#[test]
fn urls_are_fetched_from_a_local_server() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let (base, server) = serve(3);
    let feed = format!("{base}/feed");
    let story = format!("{base}/story");
    let gone = format!("{base}/gone");
    let o = tealeaf(&["ingest", &feed, &story, &gone, "--db", s(&db)]);
    let err = stderr(&o);
    let mut seen = server.join().unwrap();
    seen.sort();
    assert_eq!(seen, ["/feed", "/gone", "/story"]);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(summary(&o).0, 3, "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("tealeaf: ") && l.contains("/gone") && l.contains("404")),
        "{err}"
    );
    let docs = Store::open(&db).unwrap().documents().unwrap();
    let story_doc = docs
        .iter()
        .find(|d| d.source == story)
        .expect("story stored");
    assert_eq!(story_doc.title.as_deref(), Some("Envoy"));
    assert_eq!(story_doc.statements, 1);
    let item = docs
        .iter()
        .find(|d| d.doc_key == "feed#1")
        .expect("feed item stored");
    assert_eq!(item.source, feed);
    assert_eq!(item.published.as_deref(), Some("2025-02-10"));
}

#[test]
fn recode_replaces_statements_with_the_new_pack() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    small_corpus(&corpus);
    let db = tmp.path().join("t.db");
    let o = tealeaf(&["ingest", s(&corpus), "--db", s(&db)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = Store::open(&db).unwrap().counts().unwrap();

    // A pack that knows one person only.
    let pack = tmp.path().join("small.toml");
    write(
        &pack,
        "[pack]\nid = \"small\"\nname = \"Small\"\nversion = \"0.2\"\n\n[[actors]]\n\
         id = \"rouhani\"\nname = \"Hassan Rouhani\"\ngender = \"m\"\naliases = [\"Rouhani\"]\n",
    );
    let o = tealeaf(&["recode", "--db", s(&db), "--pack", s(&pack)]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("5 document(s) recoded with pack small 0.2"),
        "{err}"
    );

    let store = Store::open(&db).unwrap();
    assert_eq!(store.counts().unwrap().0, before.0);
    let docs = store.documents().unwrap();
    assert!(
        docs.iter()
            .all(|d| d.pack_id == "small" && d.pack_version == "0.2")
    );
    let all = store.statements(&Default::default()).unwrap();
    assert!(!all.is_empty());
    // Only the small pack's actor is resolved to an id now.
    assert!(
        all.iter()
            .all(|s| s.speaker_id.is_none() || s.speaker_id.as_deref() == Some("rouhani")),
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|s| s.speaker_id.as_deref() == Some("rouhani"))
    );
    assert_eq!(store.meta("pack_id").unwrap().as_deref(), Some("small"));
    assert_eq!(store.runs().unwrap().last().unwrap().kind, "recode");
    drop(store);
    assert_sound(&db);

    let missing = tmp.path().join("none.db");
    let o = tealeaf(&["recode", "--db", s(&missing)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such store"), "{}", stderr(&o));
    assert!(!missing.exists());
}

const SPEAKERS: &[&str] = &[
    "Foreign Minister Abbas Araghchi",
    "Hassan Rouhani",
    "Ayatollah Ali Khamenei",
    "Masoud Pezeshkian",
    "Mohammad Javad Zarif",
    "Ali Bagheri Kani",
];

const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/// Article `i` of the generated corpus: one to five quoted statements, and
/// filler paragraphs so extraction takes a moment.
fn article(i: usize) -> String {
    let mut text = format!(
        "title: Generated report {i}\ndate: 2025-{:02}-{:02}\noutlet: Tehran Times\n\n",
        1 + i % 12,
        1 + i % 28
    );
    for j in 0..=(i % 5) {
        let speaker = SPEAKERS[(i + j) % SPEAKERS.len()];
        let day = DAYS[(i * 3 + j) % DAYS.len()];
        text.push_str(&format!(
            "{speaker} said on {day} that \"point {j} of report {i} stands as stated.\"\n\n\
             Officials met for {n} hours in the capital, and observers described the \
             atmosphere of round {i} as businesslike and calm.\n\n",
            n = 2 + j
        ));
    }
    text
}

/// A number from the clock, for the kill delay.
fn jitter(max: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    nanos % max.max(1)
}

#[test]
fn a_killed_ingest_leaves_whole_documents_and_a_rerun_completes() {
    const ARTICLES: usize = 300;
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    for i in 0..ARTICLES {
        write(
            &corpus.join(format!("part{}/a{i:04}.txt", i % 7)),
            &article(i),
        );
    }

    // A clean run: the reference counts.
    let clean = tmp.path().join("clean.db");
    let t0 = Instant::now();
    let o = tealeaf(&["ingest", s(&corpus), "--db", s(&clean)]);
    let clean_time = t0.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    let reference = per_document(&clean);
    assert_eq!(reference.len(), ARTICLES);
    assert!(reference.values().all(|&n| n >= 1));

    // Kill an ingest part-way (SIGKILL), at a random point in the middle of
    // the time a full run takes; try again a little earlier if it finished,
    // and later if the kill came before the run had even started (a loaded
    // machine running the other tests: the pack and store take longer).
    let mut interrupted: Option<(PathBuf, usize)> = None;
    let mut not_before = 0u64;
    for attempt in 0..6u32 {
        let db = tmp.path().join(format!("crash{attempt}.db"));
        let span = clean_time.as_millis() as u64;
        let delay = not_before.max(span / 5 + jitter(span / 2) / (u64::from(attempt) + 1));
        let mut child = tealeaf_cmd(&["ingest", s(&corpus), "--db", s(&db)])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        if !db.exists() {
            not_before = delay + span / 4;
            continue;
        }
        let stored = per_document(&db);
        // Whatever was stored is whole: every document has all its statements.
        for (key, n) in &stored {
            assert_eq!(Some(n), reference.get(key), "document {key} after the kill");
        }
        assert_sound(&db);
        eprintln!(
            "kill after {delay} ms (a full run took {} ms): {} of {ARTICLES} documents stored",
            clean_time.as_millis(),
            stored.len()
        );
        if Store::open(&db).unwrap().runs().unwrap().is_empty() {
            not_before = delay + span / 4;
            continue;
        }
        if stored.len() < ARTICLES {
            interrupted = Some((db, stored.len()));
            break;
        }
    }
    let (db, first) = interrupted.expect("no kill landed before the ingest finished");

    // A second run killed too: it resumes from what the first stored.
    let mut child = tealeaf_cmd(&["ingest", s(&corpus), "--db", s(&db)])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(
        clean_time.as_millis() as u64 / 4 + jitter(100),
    ));
    child.kill().unwrap();
    child.wait().unwrap();
    let stored = per_document(&db);
    assert!(stored.len() >= first);
    for (key, n) in &stored {
        assert_eq!(
            Some(n),
            reference.get(key),
            "document {key} after the second kill"
        );
    }
    assert_sound(&db);
    let before = stored.len();

    // Both interrupted runs are recorded as unfinished.
    let runs = Store::open(&db).unwrap().runs().unwrap();
    assert!(!runs.is_empty() && runs.len() <= 2, "{runs:?}");
    assert_eq!(runs[0].finished_at, None);

    let o = tealeaf(&["ingest", s(&corpus), "--db", s(&db)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (new, unchanged, failed, _) = summary(&o);
    assert_eq!((new, unchanged, failed), (ARTICLES - before, before, 0));
    assert_eq!(per_document(&db), reference);
    assert_sound(&db);
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store.counts().unwrap(),
        Store::open(&clean).unwrap().counts().unwrap()
    );
}
