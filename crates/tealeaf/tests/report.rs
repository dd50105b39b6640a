//! `tealeaf brief` and `tealeaf export` end to end on the demo corpus:
//! briefs for the 2019 and 2025 episodes (dated entries with outlets and
//! roles, every summary reference resolving to an entry, an SVG timeline,
//! escaping), statement exports that round-trip, and networks that parse
//! back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use tealeaf_core::report::{StatementRow, read_csv};

fn tealeaf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tealeaf"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn ok(args: &[&str]) -> String {
    let o = tealeaf(args);
    assert!(
        o.status.success(),
        "tealeaf {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

fn demo_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| p.display().to_string())
        .collect();
    v.sort();
    assert!(v.len() >= 10, "the demo corpus");
    v
}

/// `args` then `--input` and the demo files.
fn with_demo<'a>(args: &[&'a str], files: &'a [String]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.push("--input");
    v.extend(files.iter().map(String::as_str));
    v
}

fn brief_md(from: &str, to: &str) -> String {
    let files = demo_files();
    ok(&with_demo(
        &["brief", "--issue", "us-talks", "--from", from, "--to", to],
        &files,
    ))
}

/// The summary part of a Markdown brief.
fn summary(md: &str) -> &str {
    let start = md.find("## Summary").expect("a summary");
    let end = md.find("## Entries").expect("entries");
    &md[start..end]
}

/// `S12` for every `[S12]` in `text`.
fn refs(text: &str) -> Vec<String> {
    text.match_indices("[S")
        .map(|(i, _)| {
            text[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect()
        })
        .collect()
}

fn check_brief(md: &str, from: &str, to: &str) {
    // Every summary reference is an entry.
    let cited = refs(summary(md));
    assert!(!cited.is_empty(), "{md}");
    for id in &cited {
        assert!(
            md.contains(&format!("<a id=\"{id}\"></a>[{id}]")),
            "{id} is not an entry:\n{md}"
        );
    }
    // Dated entries: a heading per day inside the window, entry lines with
    // the date, outlets with affiliations, speakers with roles, sources.
    let entries = &md[md.find("## Entries").unwrap()..];
    let days: Vec<&str> = entries
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .collect();
    assert!(days.len() >= 4, "{days:?}");
    let (y0, y1) = (&from[..4], &to[..4]);
    assert!(
        days.iter().all(|d| d.ends_with(y0) || d.ends_with(y1)),
        "{days:?}"
    );
    let heads: Vec<&str> = entries.lines().filter(|l| l.starts_with("- **")).collect();
    assert!(heads.len() >= 10, "{heads:?}");
    assert!(
        heads.iter().any(|h| h.contains(" (official) — ")),
        "an outlet and its affiliation: {heads:?}"
    );
    assert!(
        heads.iter().any(|h| h.contains(", Foreign Minister, said")
            || h.contains(", Deputy Foreign Minister, said")),
        "a speaker and role: {heads:?}"
    );
    let lines: Vec<&str> = entries
        .lines()
        .filter(|l| l.trim_start().starts_with("- <a id="))
        .collect();
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" — source: `") && l.contains(" chars "))
    );
    // Numbered in order, each once.
    for (k, l) in lines.iter().enumerate() {
        assert!(l.contains(&format!("<a id=\"S{}\"></a>", k + 1)), "{l}");
    }
}

#[test]
fn brief_2019_has_dated_entries_and_traceable_summary() {
    let md = brief_md("2019-08-20", "2019-09-10");
    check_brief(&md, "2019-08-20", "2019-09-10");
    assert!(md.contains("### August 26, 2019"), "{md}");
    assert!(
        md.contains("Islamic Republic News Agency (official) — Hassan Rouhani, President,"),
        "{md}"
    );
    let s = summary(&md);
    // The ledger of 2019: sanctions relief and the US returning to the deal.
    assert!(s.contains("(sanctions-relief)"), "{s}");
    assert!(s.contains("(us-returns-to-jcpoa)"), "{s}");
    assert!(s.contains("Iran’s voices diverged"), "{s}");
    assert!(!md.contains("2025"), "nothing outside the window");
}

#[test]
fn brief_2025_shows_the_reversal_divergence_conditions_and_channels() {
    let md = brief_md("2025-01-20", "2025-03-31");
    check_brief(&md, "2025-01-20", "2025-03-31");
    let s = summary(&md);
    let reversal = s
        .lines()
        .find(|l| l.contains("Ali Khamenei (Supreme Leader) reversed"))
        .unwrap_or_else(|| panic!("Khamenei's reversal:\n{s}"));
    assert!(reversal.contains("January 28"), "{reversal}");
    assert!(reversal.contains("February 7"), "{reversal}");
    assert!(s.contains("Iran’s voices diverged"), "{s}");
    assert!(s.contains("(end-maximum-pressure)"), "{s}");
    let russia = s
        .split(". ")
        .find(|x| x.contains("Russia was named"))
        .unwrap_or_else(|| panic!("Russia's channel:\n{s}"));
    assert!(russia.contains("likelihood"), "{russia}");
    assert!(!md.contains("2019"), "nothing outside the window");
}

/// An article with markup in its title and quotation.
fn hostile(dir: &Path) -> PathBuf {
    let p = dir.join("hostile.txt");
    std::fs::write(
        &p,
        "title: Minister <script>alert('title')</script> speaks\npublished: 2025-02-10\n\
         outlet: Kayhan\nurl: javascript:alert(1)\n\n\
         Foreign Minister Abbas Araghchi said on Monday: \"Direct talks with the United States are \
         not feasible <script>alert('x')</script> as long as the maximum pressure campaign remains \
         in effect.\"\n",
    )
    .unwrap();
    p
}

#[test]
fn html_brief_is_self_contained_with_an_svg_timeline_and_escapes_markup() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = hostile(dir.path());
    let out = dir.path().join("brief.html");
    let mut files = demo_files();
    files.push(hostile.display().to_string());
    let out_s = out.display().to_string();
    let args = with_demo(
        &[
            "brief",
            "--from",
            "2025-01-20",
            "--to",
            "2025-03-31",
            "--format",
            "html",
            "--out",
            &out_s,
        ],
        &files,
    );
    let printed = ok(&args);
    assert!(printed.is_empty(), "the brief goes to the file");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"), "an SVG timeline");
    assert!(html.contains("<circle"), "dots on the timeline");
    // The quotation and the title show as text.
    assert!(!html.contains("<script"), "markup got through");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(&#39;title&#39;)"),
        "{html}"
    );
    assert!(!html.contains("javascript:"));
    for bad in ["<link", "<img", "src=", "@import"] {
        assert!(!html.contains(bad), "{bad}");
    }
    // Every in-page link lands on an entry.
    for (i, _) in html.match_indices("href=\"#") {
        let id: String = html[i + 7..].chars().take_while(|c| *c != '"').collect();
        assert!(html.contains(&format!("<li id=\"{id}\">")), "{id}");
    }
    // The Markdown escapes it too.
    let md = ok(&with_demo(
        &["brief", "--from", "2025-02-01", "--to", "2025-02-28"],
        &files,
    ));
    assert!(!md.replace("\\<", "").contains("<script"), "{md}");
}

#[test]
fn statement_exports_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let files = demo_files();
    let jsonl = ok(&with_demo(
        &["export", "statements", "--format", "jsonl"],
        &files,
    ));
    let values: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(values.len() > 80, "{} statements", values.len());
    let rows: Vec<StatementRow> = values.iter().map(StatementRow::from_json).collect();

    let csv = dir.path().join("s.csv");
    let csv_s = csv.display().to_string();
    ok(&with_demo(
        &["export", "statements", "--format", "csv", "--out", &csv_s],
        &files,
    ));
    let back = read_csv(std::fs::File::open(&csv).unwrap()).unwrap();
    assert_eq!(back, rows);

    // Filters: one issue, one window.
    let some = ok(&with_demo(
        &[
            "export",
            "statements",
            "--format",
            "jsonl",
            "--issue",
            "us-talks",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
        ],
        &files,
    ));
    let n = some.lines().count();
    assert!(n > 10 && n < values.len(), "{n}");
    assert!(
        some.lines()
            .all(|l| l.contains("\"topic\":\"us-talks\"") && l.contains("\"date\":\"2025-"))
    );

    #[cfg(feature = "parquet")]
    {
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let pq = dir.path().join("s.parquet");
        let pq_s = pq.display().to_string();
        ok(&with_demo(
            &[
                "export",
                "statements",
                "--format",
                "parquet",
                "--out",
                &pq_s,
            ],
            &files,
        ));
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&pq).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let mut texts = Vec::new();
        let mut docs = Vec::new();
        for batch in reader {
            let batch = batch.unwrap();
            let names: Vec<String> = batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            assert_eq!(names, tealeaf_core::report::export::COLUMNS);
            let col = |n: &str| {
                let a = batch.column_by_name(n).unwrap();
                use arrow_array::Array;
                let a = a
                    .as_any()
                    .downcast_ref::<arrow_array::StringArray>()
                    .unwrap();
                (0..a.len())
                    .map(|i| a.value(i).to_string())
                    .collect::<Vec<_>>()
            };
            texts.extend(col("text"));
            docs.extend(col("doc"));
        }
        assert_eq!(
            texts,
            rows.iter().map(|r| r.text.clone()).collect::<Vec<_>>()
        );
        assert_eq!(docs, rows.iter().map(|r| r.doc.clone()).collect::<Vec<_>>());
        // Parquet needs a file.
        let o = tealeaf(&with_demo(
            &["export", "statements", "--format", "parquet"],
            &files,
        ));
        assert!(!o.status.success());
    }
}

/// An XML element, parsed back with quick-xml.
#[derive(Debug)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn new(name: &str) -> El {
        El {
            name: name.to_string(),
            attrs: BTreeMap::new(),
            children: Vec::new(),
            text: String::new(),
        }
    }
    fn all(&self, name: &str) -> Vec<&El> {
        let mut out = Vec::new();
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            out.extend(c.all(name));
        }
        out
    }
}

fn element(e: &BytesStart) -> El {
    let mut el = El::new(e.name().as_ref());
    for a in e.attributes() {
        let a = a.expect("a well-formed attribute");
        let raw: &str = &a.value;
        el.attrs.insert(
            a.key.as_ref().to_string(),
            quick_xml::escape::unescape(raw).unwrap().into_owned(),
        );
    }
    el
}

fn parse_xml(s: &str) -> El {
    let mut r = Reader::from_str(s);
    let mut stack = vec![El::new("#document")];
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let x = element(&e);
                stack.last_mut().unwrap().children.push(x);
            }
            Event::End(_) => {
                let mut x = stack.pop().unwrap();
                x.text = quick_xml::escape::unescape(&x.text).unwrap().into_owned();
                stack.last_mut().expect("balanced").children.push(x);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t),
            Event::GeneralRef(g) => {
                let t = &mut stack.last_mut().unwrap().text;
                t.push('&');
                t.push_str(&g);
                t.push(';');
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    stack.pop().unwrap().children.pop().expect("a root element")
}

#[test]
fn networks_export_as_graphml_gexf_and_csv() {
    let files = demo_files();
    let window = [
        "--issue",
        "us-talks",
        "--from",
        "2025-01-20",
        "--to",
        "2025-03-31",
    ];
    let mut args = vec![
        "export", "network", "--kind", "two-mode", "--format", "graphml",
    ];
    args.extend(window);
    let xml = ok(&with_demo(&args, &files));
    let root = parse_xml(&xml);
    assert_eq!(root.name, "graphml");
    let mut keys = BTreeMap::new();
    for k in root.all("key") {
        let names: Vec<&str> = k.attrs.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["attr.name", "attr.type", "for", "id"],
            "standard keys only"
        );
        keys.insert(
            k.attrs["id"].clone(),
            (k.attrs["for"].clone(), k.attrs["attr.name"].clone()),
        );
    }
    assert!(keys.values().any(|(f, n)| f == "node" && n == "label"));
    assert!(keys.values().any(|(f, n)| f == "edge" && n == "weight"));
    let nodes: BTreeMap<String, BTreeMap<String, String>> = root
        .all("node")
        .into_iter()
        .map(|n| {
            let data = n
                .all("data")
                .into_iter()
                .map(|d| {
                    let (f, name) = &keys[&d.attrs["key"]];
                    assert_eq!(f, "node");
                    (name.clone(), d.text.clone())
                })
                .collect();
            (n.attrs["id"].clone(), data)
        })
        .collect();
    assert_eq!(nodes["actor:ali-khamenei"]["label"], "Ali Khamenei");
    assert_eq!(nodes["concept:issue:us-talks"]["type"], "concept");
    assert!(nodes.contains_key("concept:condition:end-maximum-pressure"));
    let edges = root.all("edge");
    assert!(edges.len() >= 10);
    for e in &edges {
        assert!(nodes.contains_key(&e.attrs["source"]) && nodes.contains_key(&e.attrs["target"]));
    }
    assert!(
        edges
            .iter()
            .any(|e| e.attrs["source"] == "actor:ali-khamenei"
                && e.attrs["target"] == "concept:issue:us-talks")
    );
    // Nothing from 2019 in the window.
    assert!(
        !nodes.contains_key("actor:mohammad-javad-zarif"),
        "{:?}",
        nodes.keys()
    );

    let mut args = vec![
        "export",
        "network",
        "--kind",
        "congruence",
        "--format",
        "gexf",
    ];
    args.extend(window);
    let gexf = parse_xml(&ok(&with_demo(&args, &files)));
    assert_eq!(gexf.name, "gexf");
    assert_eq!(gexf.attrs["version"], "1.3");
    let ids: Vec<&str> = gexf
        .all("node")
        .iter()
        .map(|n| n.attrs["id"].as_str())
        .collect();
    assert!(ids.iter().all(|i| i.starts_with("actor:")));
    for e in gexf.all("edge") {
        assert!(
            ids.contains(&e.attrs["source"].as_str()) && ids.contains(&e.attrs["target"].as_str())
        );
        assert!(e.attrs["weight"].parse::<f64>().unwrap() >= 1.0);
    }

    let mut args = vec!["export", "network", "--kind", "conflict", "--format", "csv"];
    args.extend(window);
    let csv = ok(&with_demo(&args, &files));
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("source,target,source_label,target_label,weight,concepts")
    );
    assert!(lines.count() >= 1, "Iranian voices in conflict in 2025");
}

#[test]
fn brief_reads_the_store_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let db_s = db.display().to_string();
    let files = demo_files();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--db", &db_s]);
    let o = tealeaf(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let window = ["--from", "2025-01-20", "--to", "2025-03-31"];
    let mut a = vec!["brief", "--db", &db_s];
    a.extend(window);
    let stored = ok(&a);
    let mut a = vec!["brief"];
    a.extend(window);
    let direct = ok(&with_demo(&a, &files));
    // The same statements and the same findings (numbering may differ
    // with the order documents were stored in).
    let lines = |md: &str| {
        let mut v: Vec<String> = md
            .lines()
            .filter(|l| l.trim_start().starts_with("- <a id="))
            .map(|l| {
                l.split("</a>")
                    .nth(1)
                    .unwrap()
                    .split_once(' ')
                    .unwrap()
                    .1
                    .to_string()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(lines(&stored), lines(&direct));
    let sentences = |md: &str| summary(md).matches(". ").count();
    assert_eq!(sentences(&stored), sentences(&direct));
    // Exports from the store keep every field.
    let jsonl = ok(&["export", "statements", "--format", "jsonl", "--db", &db_s]);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert!(first.get("evidence").is_some_and(|e| e.is_array()));
}
