//! Hostile and broken input, end to end through `tealeaf extract` and
//! `tealeaf ingest`: every input is generated here, in a temporary
//! directory. Each bad input gets a specific error naming the file (or the
//! lossy handling docs/robustness.md describes), the batch goes on, and the
//! exit code says what happened: 0 all good, 1 some inputs failed, 2 fatal.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tealeaf_store::Store;

fn tealeaf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tealeaf"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// The JSON statements `extract` printed.
fn statements(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// Asserts a line of stderr names `file` and says `what`.
fn assert_error(err: &str, file: &str, what: &str) {
    assert!(
        err.lines()
            .any(|l| l.starts_with("tealeaf: ") && l.contains(file) && l.contains(what)),
        "no error naming {file:?} with {what:?} in:\n{err}"
    );
}

/// The chars of `body` at a statement's char span.
fn at_span(body: &str, span: &serde_json::Value) -> String {
    let a = span[0].as_u64().unwrap() as usize;
    let b = span[1].as_u64().unwrap() as usize;
    assert!(
        a <= b && b <= body.chars().count(),
        "span {span} outside the body"
    );
    body.chars().skip(a).take(b - a).collect()
}

const GOOD: &str = "title: Good\npublished: 2019-08-28\n\n\
                    Zarif said that the door to diplomacy remained open.\n";

/// Persian (guillemets, a name with a zero-width non-joiner) and Arabic.
const RTL: &str = "title: RTL\npublished: 2025-02-27\n\n\
                   محمد جواد ظریف گفت: «در دیپلماسی باز است.»\n\n\
                   قال عباس عراقجي إن «لا تفاوض تحت الضغط.»\n\n\
                   وقال عباس عراقجي: «المحادثات مستمرة.»\n\n\
                   Zarif said «the door is open».\n";

/// Zero-width and bidi control characters in names, cues and quotations.
const CONTROLS: &str = "title: Controls\n\n\
     Za\u{200B}rif said that \"the \u{202E}door\u{202C} is open.\" \
     Araghchi\u{200C} said \u{2066}\"not yet\"\u{2069}. \
     Rouhani\u{FEFF} said \"\u{200F}patience\u{200E} has limits.\"\n";

const HTML: &str = "<!doctype html><html><head><title>Tom &amp; Jerry</title>\
     <script>var s = \"Evil said \\\"scripted words.\\\"\";</script>\
     <style>p { color: red }</style></head><body>\
     <iframe src=\"https://ads.example/\"><p>Framed said \"framed words.\"</p></iframe>\
     <article><p>Entities: &amp; &#x41;&#66;&nbsp;C &bogus; done.</p>\
     <p>Zarif said &ldquo;the door is open.&rdquo;</p>\
     <script>document.write('Hidden said \"written words.\"')</script>\
     <noscript>Noscript said \"fallback words.\"</noscript></article></body></html>";

const MIXED_JSONL: &[u8] = b"{\"id\": \"j-good-1\", \"text\": \"Zarif said \\\"yes.\\\"\"}\n\
{broken\n\
[1, 2]\n\
{\"id\": \"j-no-text\"}\n\
{\"id\": \"j-good-2\", \"date\": \"2025-02-30\", \"text\": \"Araghchi said \\\"no.\\\"\"}\n\
\xFF\xFE\n\
{\"id\": \"j-good-3\", \"text\": \"Rouhani said \\\"maybe.\\\"\"\n";

const FEED_NO_DATES: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
     <title>Wire</title>\
     <item><title>Undated</title><guid>u1</guid><description>Zarif said \"undated words.\"</description></item>\
     <item><title>Feb 30</title><guid>u2</guid><pubDate>Sun, 30 Feb 2025 10:00:00 +0000</pubDate>\
     <description>Araghchi said \"impossible day.\"</description></item>\
     <item><title>Year 99999</title><guid>u3</guid><pubDate>Sat, 01 Jan 99999 00:00:00 +0000</pubDate>\
     <description>Rouhani said \"far future.\"</description></item>\
     <item><title>Headline only</title><guid>u4</guid></item>\
     </channel></rss>";

const FEED_BROKEN: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title>\
     <item><title>A</title><description>Zarif said";

/// A body of one sentence of `bytes` bytes without any punctuation.
fn long_sentence(bytes: usize) -> String {
    format!(
        "title: Long\n\nAraghchi said \"{}\n",
        "word ".repeat(bytes / 5)
    )
}

/// Quotations nested `depth` levels deep.
fn nested_quotes(depth: usize) -> String {
    format!(
        "title: Nested\n\nZarif said {}deep{} today.\n\nRouhani said {}inner{} too.\n",
        "“".repeat(depth),
        "”".repeat(depth),
        "“‘«\"".repeat(depth / 4),
        "\"»’”".repeat(depth / 4),
    )
}

/// Quotation marks that never close, paragraph after paragraph.
fn unclosed_quotes(paragraphs: usize) -> String {
    let mut t = String::from("title: Unclosed\n\n");
    for i in 0..paragraphs {
        t.push_str(&format!("Zarif said \"the talks will go on {i}\n\n"));
    }
    t.push_str("Araghchi said \"never closed");
    t
}

/// A file of `len` bytes that occupies no disk: a header, then a hole.
fn sparse(path: &Path, len: u64) {
    let f = std::fs::File::create(path).unwrap();
    use std::io::Write;
    (&f).write_all(b"title: Huge\n\nZarif said \"huge.\"\n")
        .unwrap();
    f.set_len(len).unwrap();
}

/// Every kind of bad input, and a good one, in one directory.
fn hostile_corpus(dir: &Path) {
    write(&dir.join("good.txt"), GOOD);
    write(
        &dir.join("bad-utf8.txt"),
        b"title: Latin-1\n\nRouhani said \xff\xfe that talks were off.\n",
    );
    write(
        &dir.join("nul.txt"),
        b"Zarif\x00said\x00\x01\x02 \"nothing.\"",
    );
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend((0..=255u8).cycle().take(4096));
    write(&dir.join("program.md"), elf);
    write(&dir.join("empty.txt"), " \n\t\n");
    sparse(&dir.join("huge.txt"), 200_000_000);
    write(&dir.join("mixed.jsonl"), MIXED_JSONL);
    write(&dir.join("page.html"), HTML);
    write(&dir.join("wire-no-dates.rss"), FEED_NO_DATES);
    write(&dir.join("wire-broken.rss"), FEED_BROKEN);
    write(
        &dir.join("year-0.txt"),
        "title: Year 0\ndate: 0000-01-01\n\nZarif said on Monday that \"talks are over.\"\n",
    );
    write(
        &dir.join("year-99999.txt"),
        "title: Far\ndate: 99999-12-31\n\nZarif said on February 30, 2025 that \"talks resume.\"\n",
    );
    write(
        &dir.join("feb-30.md"),
        "---\ntitle: Feb 30\ndate: 2025-02-30\n---\n\nAraghchi said \"not a day.\"\n",
    );
    write(&dir.join("long-sentence.txt"), long_sentence(1_000_000));
    write(&dir.join("nested.txt"), nested_quotes(10_000));
    write(&dir.join("unclosed.txt"), unclosed_quotes(200));
    write(&dir.join("rtl.txt"), RTL);
    write(&dir.join("controls.txt"), CONTROLS);
}

/// Inputs that fail, and the error each gets (ingest reads the feeds too).
const FAILURES: &[(&str, &str)] = &[
    ("bad-utf8.txt", "line 3: invalid UTF-8 at byte offset 29"),
    ("nul.txt", "not a text file (NUL byte"),
    ("program.md", "not a text file"),
    ("empty.txt", "empty file"),
    (
        "huge.txt",
        "file too large (200000000 bytes; the limit is 16777216 bytes, see --max-doc-bytes)",
    ),
    ("mixed.jsonl", "line 2: invalid JSON"),
    (
        "mixed.jsonl",
        "line 3: expected a JSON object, found an array",
    ),
    ("mixed.jsonl", "line 4: no \"text\""),
    ("mixed.jsonl", "line 6: invalid"),
    ("mixed.jsonl", "line 7: invalid JSON"),
];

const FEED_FAILURES: &[(&str, &str)] = &[
    ("wire-broken.rss", "not a readable RSS or Atom feed"),
    ("wire-no-dates.rss", "item 4 (\"Headline only\"): no text"),
];

#[test]
fn extract_names_every_bad_input_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    hostile_corpus(&dir);
    let t0 = Instant::now();
    let o = tealeaf(&["extract", s(&dir)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        t0.elapsed() < Duration::from_secs(120),
        "took {:?}",
        t0.elapsed()
    );
    for (file, what) in FAILURES {
        assert_error(&err, file, what);
    }
    // Feeds are for ingest; extract does not take them from a directory.
    assert!(!err.contains("wire-"), "{err}");
    let summary = err.trim_end().lines().last().unwrap();
    assert!(summary.ends_with(", 10 failure(s)"), "{err}");

    let st = statements(&o);
    let by_doc =
        |id: &str| -> Vec<&serde_json::Value> { st.iter().filter(|s| s["doc"] == id).collect() };
    // The good record lines of the broken JSON lines file are read.
    assert_eq!(by_doc("j-good-1").len(), 1);
    assert_eq!(by_doc("j-good-2").len(), 1);
    // One sentence of a million bytes without punctuation: one statement.
    let long = by_doc("long-sentence.txt");
    assert_eq!(long.len(), 1);
    assert!(long[0]["text"].as_str().unwrap().len() > 999_000);
    // 10,000 nested quotation marks: the innermost words, once.
    let nested = by_doc("nested.txt");
    assert!(nested.iter().any(|s| s["text"] == "deep"), "{nested:?}");
    // A quotation that never closes ends at its paragraph's end.
    let unclosed = by_doc("unclosed.txt");
    assert_eq!(unclosed.len(), 201);
    assert_eq!(unclosed[0]["text"], "the talks will go on 0");
    assert_eq!(unclosed[200]["text"], "never closed");
    // Absurd dates are no dates: nothing is dated from them.
    for id in ["year-0.txt", "year-99999.txt", "feb-30.md"] {
        let d = by_doc(id);
        assert_eq!(d.len(), 1, "{id}");
        assert!(d[0]["date"].is_null(), "{id}: {}", d[0]);
    }
    // Every span of every statement points at its text (in chars).
    let bodies: BTreeMap<&str, String> = [
        ("rtl.txt", RTL),
        ("controls.txt", CONTROLS),
        ("good.txt", GOOD),
    ]
    .into_iter()
    .map(|(id, text)| (id, text.split_once("\n\n").unwrap().1.to_string()))
    .collect();
    for (id, body) in &bodies {
        for s in by_doc(id) {
            assert_eq!(
                at_span(body, &s["span"]),
                s["text"].as_str().unwrap(),
                "{id}"
            );
        }
    }
    // Right to left: the Persian and Arabic quotations are found.
    let rtl = by_doc("rtl.txt");
    assert!(
        rtl.iter().any(|s| s["text"] == "در دیپلماسی باز است."),
        "{rtl:?}"
    );
    assert!(
        rtl.iter().any(|s| s["text"] == "المحادثات مستمرة."),
        "{rtl:?}"
    );
    // Controls stay in the text; a name split by a zero-width space is not
    // the pack's name, one followed by a joiner control is.
    let ctl = by_doc("controls.txt");
    assert!(
        ctl.iter()
            .any(|s| s["text"] == "the \u{202E}door\u{202C} is open."),
        "{ctl:?}"
    );
    assert!(
        ctl.iter().any(|s| s["speaker"] == "Abbas Araghchi"),
        "{ctl:?}"
    );
    assert!(
        !ctl.iter().any(|s| s["speaker"] == "Mohammad Javad Zarif"),
        "{ctl:?}"
    );
    // HTML: scripts, styles, iframes and noscript are dropped; entities decoded.
    let html = by_doc("page.html");
    assert_eq!(html.len(), 1, "{html:?}");
    assert_eq!(html[0]["text"], "the door is open.");
    for s in &st {
        let t = s["text"].as_str().unwrap();
        assert!(
            !t.contains("words."),
            "script, iframe or noscript text: {t}"
        );
    }
}

#[test]
fn ingest_stores_what_it_can_and_names_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    hostile_corpus(&dir);
    let db = tmp.path().join("t.db");
    let o = tealeaf(&["ingest", s(&dir), "--db", s(&db)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (file, what) in FAILURES.iter().chain(FEED_FAILURES) {
        assert_error(&err, file, what);
    }
    assert!(
        err.contains("failed")
            && err.contains(&format!("{} failed", FAILURES.len() + FEED_FAILURES.len())),
        "{err}"
    );

    let store = Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let docs: BTreeMap<String, tealeaf_store::StoredDocument> = store
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| (d.doc_key.clone(), d))
        .collect();
    for key in [
        "good.txt",
        "j-good-1",
        "j-good-2",
        "page.html",
        "wire-no-dates.rss#1",
        "wire-no-dates.rss#2",
        "wire-no-dates.rss#3",
        "year-0.txt",
        "year-99999.txt",
        "feb-30.md",
        "long-sentence.txt",
        "nested.txt",
        "unclosed.txt",
        "rtl.txt",
        "controls.txt",
    ] {
        assert!(
            docs.contains_key(key),
            "{key} not stored: {:?}",
            docs.keys()
        );
    }
    // Absurd or missing dates: stored undated, the raw value kept.
    for key in [
        "year-0.txt",
        "year-99999.txt",
        "feb-30.md",
        "j-good-2",
        "wire-no-dates.rss#1",
        "wire-no-dates.rss#2",
        "wire-no-dates.rss#3",
    ] {
        assert_eq!(docs[key].published, None, "{key}");
    }
    let doc = store.document(docs["year-0.txt"].id).unwrap().unwrap();
    assert_eq!(doc.meta.published_raw.as_deref(), Some("0000-01-01"));
    // The HTML body: no script, style, iframe or noscript text; entities decoded.
    let page = store.document(docs["page.html"].id).unwrap().unwrap();
    assert!(
        page.body.contains("Entities: & AB")
            && page.body.contains("C &bogus; done.")
            && page.body.contains("Zarif said “the door is open.”"),
        "{:?}",
        page.body
    );
    for hidden in ["Evil", "color", "Framed", "Hidden", "Noscript"] {
        assert!(!page.body.contains(hidden), "{hidden} in {:?}", page.body);
    }
    assert_eq!(page.meta.title.as_deref(), Some("Tom & Jerry"));
    // Statements as extract gives them, for the documents both read.
    assert_eq!(docs["unclosed.txt"].statements, 201);
    assert_eq!(docs["long-sentence.txt"].statements, 1);

    // Re-running stores nothing new and fails the same way.
    let again = tealeaf(&["ingest", s(&dir), "--db", s(&db)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("0 document(s) new"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn the_size_limit_is_configurable_and_covers_records() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    // A 200 MB file is refused at once, by its size, without reading it.
    sparse(&p.join("huge.txt"), 200_000_000);
    write(&p.join("good.txt"), GOOD);
    let t0 = Instant::now();
    let o = tealeaf(&["extract", s(&p.join("huge.txt")), s(&p.join("good.txt"))]);
    assert!(t0.elapsed() < Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(1));
    assert_error(&stderr(&o), "huge.txt", "file too large");
    assert_eq!(statements(&o).len(), 1);

    // A smaller limit refuses a 2 KB file; the default takes it.
    let text = format!("title: Two KB\n\nZarif said \"{}.\"\n", "x ".repeat(1000));
    write(&p.join("two-kb.txt"), &text);
    let small_path = p.join("two-kb.txt");
    let small = s(&small_path);
    let o = tealeaf(&["extract", "--max-doc-bytes", "1000", small]);
    assert_eq!(o.status.code(), Some(1));
    assert_error(
        &stderr(&o),
        "two-kb.txt",
        &format!(
            "file too large ({} bytes; the limit is 1000 bytes",
            text.len()
        ),
    );
    assert_eq!(tealeaf(&["extract", small]).status.code(), Some(0));

    // In a JSON lines file the limit is per record: the long one is refused,
    // the others read.
    let long = "y ".repeat(1000);
    write(
        &p.join("records.jsonl"),
        format!(
            "{{\"id\": \"short\", \"text\": \"Zarif said \\\"short.\\\"\"}}\n\
             {{\"id\": \"long\", \"text\": \"Zarif said \\\"{long}.\\\"\"}}\n"
        ),
    );
    let records_path = p.join("records.jsonl");
    let records = s(&records_path);
    for cmd in ["extract", "ingest"] {
        let db = p.join(format!("{cmd}.db"));
        let mut args = vec![cmd, "--max-doc-bytes", "1000", records];
        if cmd == "ingest" {
            args.extend(["--db", s(&db)]);
        }
        let o = tealeaf(&args);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", stderr(&o));
        assert_error(
            &stderr(&o),
            "records.jsonl",
            "document long: too large (2014 bytes of text; the limit is 1000 bytes",
        );
    }
    let o = tealeaf(&["extract", "--max-doc-bytes", "1000", records]);
    assert_eq!(statements(&o).len(), 1);

    // Not a number: a usage error (exit 2), before anything is read.
    let o = tealeaf(&["extract", "--max-doc-bytes", "lots", small]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn statements_beyond_the_cap_are_dropped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("title: Many\n\n");
    for i in 0..40 {
        text.push_str(&format!("Zarif said \"point {i} stands.\"\n\n"));
    }
    let file = tmp.path().join("many.txt");
    write(&file, &text);
    let o = tealeaf(&["extract", s(&file)]);
    assert_eq!(statements(&o).len(), 40);

    let o = tealeaf(&["extract", "--max-statements", "10", s(&file)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "many.txt: document many.txt: more than 10 statements; kept the \
             first 10 (see --max-statements)"
        ),
        "{err}"
    );
    let st = statements(&o);
    let texts: Vec<&str> = st.iter().map(|s| s["text"].as_str().unwrap()).collect();
    let expected: Vec<String> = (0..10).map(|i| format!("point {i} stands.")).collect();
    assert_eq!(texts, expected);

    let db = tmp.path().join("t.db");
    let o = tealeaf(&["ingest", "--max-statements", "10", s(&file), "--db", s(&db)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("more than 10 statements"));
    assert_eq!(Store::open(&db).unwrap().counts().unwrap(), (1, 10));
}

#[test]
fn fatal_errors_exit_2_and_name_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    write(&p.join("good.txt"), GOOD);
    let good_path = p.join("good.txt");
    let good = s(&good_path);
    // A pack with a syntax error: named with its line, nothing is read.
    write(
        &p.join("bad-pack.toml"),
        "[pack]\nid = \"x\"\n[[actors]]\nid = 3\nname =\n",
    );
    // A pack whose TOML is fine but whose content is not.
    write(
        &p.join("bad-dates.toml"),
        "[pack]\nid = \"x\"\nversion = \"1\"\nname = \"n\"\n\n[[actors]]\nid = \"a\"\n\
         name = \"A\"\nroles = [{ role = \"R\", from = \"2025-02-30\" }]\n",
    );
    let db = p.join("t.db");
    for pack in ["bad-pack.toml", "bad-dates.toml"] {
        let pack = p.join(pack);
        let o = tealeaf(&["extract", "--pack", s(&pack), good]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("{}:", s(&pack))),
            "{}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
        let o = tealeaf(&["ingest", "--pack", s(&pack), good, "--db", s(&db)]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(!db.exists(), "a bad pack must not create the store");
        // `pack check` lists the errors with lines: exit 1.
        let o = tealeaf(&["pack", "check", s(&pack)]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains(":5:") || stderr(&o).contains(":9:"),
            "{}",
            stderr(&o)
        );
    }
    // A store that cannot be opened, or is not a store.
    let o = tealeaf(&["ingest", good, "--db", s(&p.join("no/such/dir/t.db"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("t.db: cannot open database"),
        "{}",
        stderr(&o)
    );
    write(
        &p.join("junk.db"),
        "this is not a database, but it is long enough to look at\n",
    );
    let o = tealeaf(&["ingest", good, "--db", s(&p.join("junk.db"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("junk.db: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a database"), "{}", stderr(&o));
}

/// Many quotations in one long sentence: the attribution rules look a
/// bounded distance before and after each quotation, so time stays linear
/// (this input took 24 s when they tokenized the whole sentence).
#[test]
fn many_quotations_in_one_sentence_stay_linear() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("one-sentence.txt");
    write(&file, "Zarif said «ok» and ".repeat(4000));
    let t0 = Instant::now();
    let o = tealeaf(&["extract", s(&file)]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        t0.elapsed() < Duration::from_secs(5),
        "80 KB took {:?}",
        t0.elapsed()
    );
}
