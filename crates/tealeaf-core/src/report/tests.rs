//! Tests of the brief, the exports and the networks, on hand-built
//! statements coded with the default pack's ids.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::network::{write_edges_csv, write_gexf, write_graphml};
use super::*;
use crate::coding::Coding;
use crate::statements::Kind;

static PACK: LazyLock<Pack> = LazyLock::new(|| Pack::default_pack().expect("default pack"));

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A statement on us-talks by `speaker` (a pack actor id, else a name).
fn st(doc: &str, at: usize, date: &str, speaker: &str, stance: &str, text: &str) -> Statement {
    let actor = PACK.actor_index(speaker);
    let d = parse_date(date).map(|x| x.0);
    Statement {
        doc: doc.to_string(),
        span: [at, at + text.chars().count()],
        text: text.to_string(),
        quote_span: [at, at + text.chars().count()],
        attribution: at,
        kind: Kind::Direct,
        direct: true,
        speaker: Some(actor.map_or(speaker.to_string(), |a| PACK.actors[a].name.clone())),
        speaker_mention: None,
        speaker_span: None,
        speaker_role: actor.and_then(|a| PACK.role_on(a, d)),
        speaker_id: actor.map(|a| PACK.actors[a].id.clone()),
        faction: None,
        outlet: None,
        outlet_id: None,
        outlet_affiliation: None,
        date: Some(date.to_string()),
        date_precision: Some("day".to_string()),
        cue: Some("said".to_string()),
        confidence: 0.9,
        rule: "test; speaker:pack-name; date:test".to_string(),
        coding: Coding {
            topic: Some("us-talks".to_string()),
            stance: Some(stance.to_string()),
            ..Coding::default()
        },
    }
}

trait Tweak {
    fn conditions(self, c: &[&str]) -> Self;
    fn via(self, outlet: &str, affiliation: &str) -> Self;
    fn editorial(self, id: &str, outlet: &str) -> Self;
    fn channel(self, m: &str, p: Option<f64>) -> Self;
    fn topic(self, t: &str) -> Self;
}

impl Tweak for Statement {
    fn conditions(mut self, c: &[&str]) -> Self {
        self.coding.conditions = c.iter().map(|s| s.to_string()).collect();
        self
    }
    fn via(mut self, outlet: &str, affiliation: &str) -> Self {
        self.outlet = Some(outlet.to_string());
        self.outlet_affiliation = Some(affiliation.to_string());
        self
    }
    fn editorial(mut self, id: &str, outlet: &str) -> Self {
        self.speaker = Some(outlet.to_string());
        self.speaker_id = None;
        self.speaker_role = None;
        self.outlet = Some(outlet.to_string());
        self.outlet_id = Some(id.to_string());
        self.rule = "test; speaker:outlet; date:test".to_string();
        self
    }
    fn channel(mut self, m: &str, p: Option<f64>) -> Self {
        self.coding.mediators = vec![m.to_string()];
        self.coding.probability = p;
        self
    }
    fn topic(mut self, t: &str) -> Self {
        self.coding.topic = Some(t.to_string());
        self
    }
}

/// The 2025 episode in miniature.
fn corpus() -> (Vec<Statement>, Vec<DocInfo>) {
    let statements = vec![
        st(
            "a.txt",
            10,
            "2025-01-28",
            "ali-khamenei",
            "conditional",
            "There is no obstacle as long as we know whom we face.",
        ),
        st(
            "b.txt",
            5,
            "2025-02-07",
            "ali-khamenei",
            "oppose",
            "Talks with America do not solve any of the country's problems.",
        ),
        st(
            "c.txt",
            40,
            "2025-02-25",
            "abbas-araghchi",
            "conditional",
            "Talks are not feasible as long as the maximum pressure campaign remains in effect.",
        )
        .conditions(&["end-maximum-pressure"])
        .via("Islamic Republic News Agency", "official"),
        st(
            "d.txt",
            7,
            "2025-02-27",
            "Kayhan",
            "oppose",
            "The argument over negotiations has been settled.",
        )
        .editorial("kayhan", "Kayhan"),
        st(
            "c.txt",
            300,
            "2025-02-26",
            "Hassan Beheshtipour",
            "neutral",
            "The likelihood of Russian mediation is below 5%.",
        )
        .topic("mediation")
        .channel("Russia", Some(0.05)),
        // Outside the window, and off the issue.
        st(
            "e.txt",
            1,
            "2024-12-01",
            "ali-khamenei",
            "support",
            "Out of the window.",
        ),
        st(
            "c.txt",
            500,
            "2025-02-25",
            "abbas-araghchi",
            "neutral",
            "We discussed Syria.",
        )
        .topic("other"),
    ];
    let docs = vec![
        DocInfo {
            id: "a.txt".into(),
            title: Some("Leader on talks".into()),
            outlet: Some("Khamenei.ir".into()),
            published: Some(day("2025-01-28")),
            url: Some("https://example.org/a".into()),
        },
        DocInfo {
            id: "b.txt".into(),
            title: Some("Not wise".into()),
            outlet: Some("Reuters".into()),
            published: Some(day("2025-02-07")),
            url: Some("javascript:alert(1)".into()),
        },
        DocInfo {
            id: "c.txt".into(),
            title: Some("Lavrov in Tehran".into()),
            outlet: Some("IRNA".into()),
            published: Some(day("2025-02-26")),
            url: None,
        },
        DocInfo {
            id: "d.txt".into(),
            title: None,
            outlet: Some("Kayhan".into()),
            published: None,
            url: None,
        },
    ];
    (statements, docs)
}

fn brief_2025() -> Brief {
    let (s, d) = corpus();
    brief(
        &s,
        &d,
        &PACK,
        "us-talks",
        Some(day("2025-01-20")),
        Some(day("2025-03-31")),
    )
}

fn line_ids(b: &Brief) -> Vec<String> {
    b.days
        .iter()
        .flat_map(|d| &d.entries)
        .flat_map(|e| &e.lines)
        .map(|l| l.id.clone())
        .collect()
}

#[test]
fn brief_keeps_the_window_and_the_issue_and_numbers_by_date() {
    let b = brief_2025();
    // Five statements: four on the issue, one naming a channel.
    assert_eq!(b.statements, 5);
    assert_eq!(line_ids(&b), ["S1", "S2", "S3", "S4", "S5"]);
    let dates: Vec<&str> = b.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2025-01-28",
            "2025-02-07",
            "2025-02-25",
            "2025-02-26",
            "2025-02-27"
        ]
    );
    assert_eq!(b.days[0].label, "January 28, 2025");
    assert_eq!(b.days[0].entries[0].date_label, "January 28");
    assert!(
        !b.days
            .iter()
            .flat_map(|d| &d.entries)
            .any(|e| e.lines[0].text.contains("Syria"))
    );
    assert_eq!(b.documents, 4);
}

#[test]
fn every_summary_reference_is_an_entry() {
    let b = brief_2025();
    let ids = line_ids(&b);
    assert!(!b.summary.is_empty());
    for s in &b.summary {
        assert!(
            !s.refs().is_empty(),
            "a sentence without evidence: {}",
            s.plain()
        );
        for r in s.refs() {
            assert!(ids.iter().any(|i| i == r), "{r} is not an entry");
        }
    }
}

#[test]
fn summary_reports_reversal_divergence_conditions_and_channels() {
    let b = brief_2025();
    let text: Vec<String> = b.summary.iter().map(Sentence::plain).collect();
    let find = |f: Finding| {
        b.summary
            .iter()
            .find(|s| s.finding == f)
            .map(Sentence::plain)
            .unwrap_or_else(|| panic!("no {f:?} in {text:#?}"))
    };
    let rev = find(Finding::Reversal);
    assert!(
        rev.starts_with("Ali Khamenei (Supreme Leader) reversed"),
        "{rev}"
    );
    assert!(
        rev.contains("conditional support on January 28 [S1]"),
        "{rev}"
    );
    assert!(rev.contains("opposition on February 7 [S2]"), "{rev}");
    let div = find(Finding::Divergence);
    assert!(div.contains("February 2025"), "{div}");
    assert!(div.contains("Iran’s voices diverged"), "{div}");
    assert!(div.contains("Kayhan (hardline)"), "{div}");
    assert!(div.contains("[S3]"), "{div}");
    let cond = find(Finding::Condition);
    assert!(cond.contains("(end-maximum-pressure)"), "{cond}");
    assert!(cond.contains("Abbas Araghchi"), "{cond}");
    assert!(cond.contains("[S3]"), "{cond}");
    let ch = find(Finding::Channel);
    assert!(ch.starts_with("Russia was named"), "{ch}");
    assert!(ch.contains("5%"), "{ch}");
    assert!(ch.contains("[S4]"), "{ch}");
}

#[test]
fn an_empty_period_says_so() {
    let (s, d) = corpus();
    let b = brief(&s, &d, &PACK, "us-talks", Some(day("2030-01-01")), None);
    assert_eq!(b.statements, 0);
    assert_eq!(b.summary.len(), 1);
    assert_eq!(b.summary[0].finding, Finding::None);
    assert!(to_markdown(&b).contains("No reversals"));
    assert!(!to_html(&b).contains("<svg"));
}

#[test]
fn entries_name_outlet_affiliation_speaker_and_role() {
    let b = brief_2025();
    let md = to_markdown(&b);
    assert!(md.contains("### February 25, 2025"), "{md}");
    assert!(
        md.contains("- **February 25**: Islamic Republic News Agency (official) — Abbas Araghchi, Foreign Minister, said:"),
        "{md}"
    );
    assert!(
        md.contains("Kayhan (hardline), in its own voice, said:"),
        "{md}"
    );
    assert!(
        md.contains("<a id=\"S3\"></a>[S3] “Talks are not feasible"),
        "{md}"
    );
    assert!(
        md.contains("*conditional · conditions: end-maximum-pressure*"),
        "{md}"
    );
    assert!(md.contains("source: `c.txt` chars 40–"), "{md}");
    assert!(md.contains("[S1](#S1)"), "{md}");
    // A Reuters article quoting the Leader: the publication is named.
    assert!(
        md.contains(
            "- **February 7**: Reuters (international wire) — Ali Khamenei, Supreme Leader, said:"
        ),
        "{md}"
    );
    // Only http(s) links.
    assert!(md.contains("<https://example.org/a>"));
    assert!(!md.contains("javascript:"));
}

#[test]
fn markdown_summary_references_resolve_to_anchors() {
    let md = to_markdown(&brief_2025());
    let summary = md.split("## Entries").next().unwrap();
    let mut n = 0;
    for (i, _) in summary.match_indices("[S") {
        let id: String = summary[i + 1..].chars().take_while(|c| *c != ']').collect();
        assert!(md.contains(&format!("<a id=\"{id}\"></a>")), "{id}");
        n += 1;
    }
    assert!(n >= 6, "{summary}");
}

fn with_script() -> Brief {
    let (mut s, d) = corpus();
    s[2].text = "<script>alert('x')</script> & \"quoted\"".to_string();
    s[2].speaker_role = Some("<b>Minister</b>".to_string());
    brief(
        &s,
        &d,
        &PACK,
        "us-talks",
        Some(day("2025-01-20")),
        Some(day("2025-03-31")),
    )
}

#[test]
fn html_is_self_contained_and_escapes_everything() {
    let html = to_html(&with_script());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    assert!(html.contains("&lt;b&gt;Minister&lt;/b&gt;"));
    assert!(!html.contains("<b>"));
    // No external assets: no stylesheet links, images, scripts or fonts.
    for bad in ["<link", "<img", "src=", "@import", "url("] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert!(!html.contains("javascript:"));
    assert!(html.contains("<a href=\"https://example.org/a\""));
    // Every summary link points at an entry.
    for (i, _) in html.match_indices("href=\"#") {
        let id: String = html[i + 7..].chars().take_while(|c| *c != '"').collect();
        assert!(html.contains(&format!("<li id=\"{id}\">")), "{id}");
    }
}

#[test]
fn markdown_escapes_markup_in_quotes() {
    let md = to_markdown(&with_script());
    // Every `<` is backslash-escaped: CommonMark shows it as text.
    assert!(!md.replace("\\<", "").contains("<script"), "{md}");
    assert!(
        md.contains("\\<script\\>alert('x')\\</script\\> \\& \"quoted\""),
        "{md}"
    );
}

#[test]
fn html_has_an_svg_timeline_with_a_row_per_actor() {
    let b = brief_2025();
    // Khamenei, Araghchi, Kayhan: the channel statement is on another issue.
    let labels: Vec<&str> = b.timeline.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["Ali Khamenei", "Abbas Araghchi", "Kayhan"]);
    assert_eq!(b.timeline[0].dots.len(), 2);
    let html = to_html(&b);
    let svg_start = html.find("<svg").expect("an svg");
    let svg = &html[svg_start..html.find("</svg>").unwrap() + 6];
    assert_eq!(svg.matches("<a href=\"#S").count(), 4);
    assert!(svg.contains(html::stance_colour("oppose")));
    assert!(svg.contains(html::stance_colour("conditional")));
    assert!(svg.contains(">Ali Khamenei</text>"));
    // The SVG is well-formed XML.
    let root = parse_xml(svg);
    assert_eq!(root.name, "svg");
    assert_eq!(root.all("circle").len(), 4 + 4, "four dots and the legend");
}

// ---------------------------------------------------------------- exports

#[test]
fn csv_round_trips_rows() {
    let (mut s, _) = corpus();
    s[0].text = "Quotes \"inside\", commas, and\nnewlines; semicolons".to_string();
    s[0].speaker_span = Some([1, 5]);
    s[2].coding.deadlines.push(crate::coding::Deadline {
        threat: "third-step".into(),
        deadline: "2019-09-06".into(),
    });
    let rows = export::rows(&s);
    assert_eq!(rows[0].speaker_start, Some(1));
    assert_eq!(rows[2].conditions, ["end-maximum-pressure"]);
    assert!(rows[2].deadlines.contains("third-step"));
    let mut buf = Vec::new();
    write_csv(&mut buf, &rows).unwrap();
    let text = String::from_utf8(buf.clone()).unwrap();
    assert!(text.starts_with("doc,span_start,span_end,text,"));
    let back = read_csv(buf.as_slice()).unwrap();
    assert_eq!(back, rows);
}

#[test]
fn jsonl_round_trips_statements() {
    let (s, _) = corpus();
    let mut buf = Vec::new();
    write_jsonl(&mut buf, &s).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let back: Vec<Statement> = text
        .lines()
        .map(|l| crate::analyses::statement_from_json(&serde_json::from_str(l).unwrap()).unwrap())
        .collect();
    assert_eq!(back, s);
    // Rows from JSON and from statements agree.
    let v: serde_json::Value = serde_json::from_str(text.lines().nth(2).unwrap()).unwrap();
    assert_eq!(
        StatementRow::from_json(&v),
        StatementRow::from_statement(&s[2])
    );
}

// ---------------------------------------------------------------- networks

fn net_corpus() -> Vec<Statement> {
    vec![
        st("n1", 0, "2025-02-01", "abbas-araghchi", "conditional", "a")
            .conditions(&["end-maximum-pressure"]),
        st(
            "n1",
            20,
            "2025-02-02",
            "masoud-pezeshkian",
            "conditional",
            "b",
        )
        .conditions(&["end-maximum-pressure"]),
        st("n1", 40, "2025-02-03", "ali-khamenei", "oppose", "c"),
        st("n1", 60, "2025-02-04", "abbas-araghchi", "support", "d"),
        st("n2", 0, "2025-02-05", "Kayhan", "oppose", "e & <f>").editorial("kayhan", "Kayhan"),
        st("n2", 30, "2025-03-05", "masoud-pezeshkian", "oppose", "g"),
        st("n2", 60, "2025-02-05", "Nobody", "neutral", "h").topic("other"),
    ]
}

fn opts(kind: NetworkKind) -> NetworkOptions {
    NetworkOptions {
        kind,
        issue: Some("us-talks".into()),
        from: None,
        to: None,
    }
}

fn edge<'a>(n: &'a Network, a: &str, b: &str) -> Option<&'a network::Edge> {
    n.edges
        .iter()
        .find(|e| (e.source == a && e.target == b) || (e.source == b && e.target == a))
}

#[test]
fn two_mode_links_actors_to_concepts_with_agreement() {
    let n = build_network(&net_corpus(), &PACK, &opts(NetworkKind::TwoMode));
    let actors = n.nodes.iter().filter(|x| x.node_type == "actor").count();
    let concepts: Vec<&str> = n
        .nodes
        .iter()
        .filter(|x| x.node_type == "concept")
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(actors, 4);
    assert_eq!(
        concepts,
        [
            "concept:condition:end-maximum-pressure",
            "concept:issue:us-talks"
        ]
    );
    let a = edge(&n, "actor:abbas-araghchi", "concept:issue:us-talks").unwrap();
    assert_eq!(a.weight, 2.0);
    assert_eq!(a.agreement.as_deref(), Some("mixed"));
    assert_eq!((a.support, a.conditional), (Some(1), Some(1)));
    assert_eq!(a.first.as_deref(), Some("2025-02-01"));
    assert_eq!(a.last.as_deref(), Some("2025-02-04"));
    assert_eq!(a.statements, "n1@0-1; n1@60-61");
    let k = edge(&n, "actor:Kayhan", "concept:issue:us-talks").unwrap();
    assert_eq!(k.agreement.as_deref(), Some("oppose"));
    let kayhan = n.nodes.iter().find(|x| x.id == "actor:Kayhan").unwrap();
    assert_eq!(
        (kayhan.kind.as_str(), kayhan.country.as_deref()),
        ("outlet", Some("Iran"))
    );
    let cond = edge(
        &n,
        "actor:masoud-pezeshkian",
        "concept:condition:end-maximum-pressure",
    )
    .unwrap();
    assert_eq!(cond.agreement.as_deref(), Some("conditional"));
}

#[test]
fn congruence_and_conflict_count_shared_concepts() {
    let c = build_network(&net_corpus(), &PACK, &opts(NetworkKind::Congruence));
    // Araghchi and Pezeshkian: us-talks=conditional and the condition.
    let e = edge(&c, "actor:abbas-araghchi", "actor:masoud-pezeshkian").unwrap();
    assert_eq!(e.weight, 2.0);
    assert!(
        e.concepts
            .as_deref()
            .unwrap()
            .contains("concept:issue:us-talks=conditional")
    );
    // Khamenei, Kayhan and Pezeshkian (March) oppose.
    assert_eq!(
        edge(&c, "actor:Kayhan", "actor:ali-khamenei")
            .unwrap()
            .weight,
        1.0
    );
    assert!(edge(&c, "actor:abbas-araghchi", "actor:ali-khamenei").is_none());

    let x = build_network(&net_corpus(), &PACK, &opts(NetworkKind::Conflict));
    let e = edge(&x, "actor:abbas-araghchi", "actor:ali-khamenei").unwrap();
    assert_eq!(e.weight, 1.0);
    assert_eq!(e.concepts.as_deref(), Some("concept:issue:us-talks"));
    // Pezeshkian is on both sides over time: in conflict with Araghchi.
    assert!(edge(&x, "actor:abbas-araghchi", "actor:masoud-pezeshkian").is_some());

    // A time window: February only drops Pezeshkian's March opposition.
    let mut o = opts(NetworkKind::Conflict);
    o.from = Some(day("2025-02-01"));
    o.to = Some(day("2025-02-28"));
    let feb = build_network(&net_corpus(), &PACK, &o);
    assert!(edge(&feb, "actor:abbas-araghchi", "actor:masoud-pezeshkian").is_none());
    assert!(edge(&feb, "actor:ali-khamenei", "actor:masoud-pezeshkian").is_some());
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
    fn child(&self, name: &str) -> &El {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no <{name}>"))
    }
}

fn element(e: &BytesStart) -> El {
    let mut attrs = BTreeMap::new();
    for a in e.attributes() {
        let a = a.expect("a well-formed attribute");
        let raw: &str = &a.value;
        attrs.insert(
            a.key.as_ref().to_string(),
            quick_xml::escape::unescape(raw)
                .expect("valid escapes")
                .into_owned(),
        );
    }
    El {
        name: e.name().as_ref().to_string(),
        attrs,
        children: Vec::new(),
        text: String::new(),
    }
}

/// Parses XML into a tree, failing on anything not well-formed.
fn parse_xml(s: &str) -> El {
    let mut r = Reader::from_str(s);
    let mut stack = vec![El {
        name: "#document".into(),
        attrs: BTreeMap::new(),
        children: Vec::new(),
        text: String::new(),
    }];
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let x = element(&e);
                stack.last_mut().unwrap().children.push(x);
            }
            Event::End(_) => {
                let mut x = stack.pop().unwrap();
                x.text = quick_xml::escape::unescape(&x.text)
                    .expect("valid escapes")
                    .into_owned();
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
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

type Attrs = BTreeMap<String, String>;
type Nodes = Vec<(String, Attrs)>;
type Edges = Vec<(String, String, Attrs)>;

/// Checks a GraphML document against the rules of the GraphML schema that
/// matter to readers, and gives its nodes and edges with their data by
/// attribute name.
fn check_graphml(xml: &str) -> (Nodes, Edges) {
    let root = parse_xml(xml);
    assert_eq!(root.name, "graphml");
    assert_eq!(root.attrs["xmlns"], "http://graphml.graphdrawing.org/xmlns");
    // Keys come before the graph; each declares for, attr.name, attr.type.
    let graph_pos = root
        .children
        .iter()
        .position(|c| c.name == "graph")
        .expect("a graph");
    assert!(root.children[..graph_pos].iter().all(|c| c.name == "key"));
    let mut keys: BTreeMap<String, (String, String)> = BTreeMap::new();
    for k in root.all("key") {
        for a in k.attrs.keys() {
            assert!(
                ["id", "for", "attr.name", "attr.type"].contains(&a.as_str()),
                "non-standard key attribute {a}"
            );
        }
        assert!(["node", "edge"].contains(&k.attrs["for"].as_str()));
        assert!(
            ["string", "long", "int", "double", "float", "boolean"]
                .contains(&k.attrs["attr.type"].as_str())
        );
        assert!(
            keys.insert(
                k.attrs["id"].clone(),
                (k.attrs["for"].clone(), k.attrs["attr.name"].clone())
            )
            .is_none(),
            "duplicate key id"
        );
    }
    let graph = root.child("graph");
    assert_eq!(graph.attrs["edgedefault"], "undirected");
    let data = |el: &El, kind: &str| -> Attrs {
        let mut m = Attrs::new();
        for d in &el.children {
            assert_eq!(d.name, "data");
            let (f, name) = keys.get(&d.attrs["key"]).expect("data for a declared key");
            assert_eq!(f, kind, "a {kind} uses a key for {f}");
            m.insert(name.clone(), d.text.clone());
        }
        m
    };
    let mut nodes = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for n in graph.children.iter().filter(|c| c.name == "node") {
        assert!(ids.insert(n.attrs["id"].clone()), "duplicate node id");
        nodes.push((n.attrs["id"].clone(), data(n, "node")));
    }
    let mut edges = Vec::new();
    for e in graph.children.iter().filter(|c| c.name == "edge") {
        assert!(
            ids.contains(&e.attrs["source"]) && ids.contains(&e.attrs["target"]),
            "edge to an unknown node"
        );
        edges.push((
            e.attrs["source"].clone(),
            e.attrs["target"].clone(),
            data(e, "edge"),
        ));
    }
    // Nodes come before the edges that use them (required by some readers).
    let first_edge = graph
        .children
        .iter()
        .position(|c| c.name == "edge")
        .unwrap_or(usize::MAX);
    assert!(
        graph
            .children
            .iter()
            .rposition(|c| c.name == "node")
            .is_none_or(|p| p < first_edge)
    );
    (nodes, edges)
}

#[test]
fn graphml_validates_and_parses_back() {
    for kind in [
        NetworkKind::TwoMode,
        NetworkKind::Congruence,
        NetworkKind::Conflict,
    ] {
        let n = build_network(&net_corpus(), &PACK, &opts(kind));
        let mut buf = Vec::new();
        write_graphml(&mut buf, &n).unwrap();
        let xml = String::from_utf8(buf).unwrap();
        let (nodes, edges) = check_graphml(&xml);
        assert_eq!(nodes.len(), n.nodes.len());
        for ((id, data), node) in nodes.iter().zip(&n.nodes) {
            assert_eq!(id, &node.id);
            assert_eq!(data["label"], node.label);
            assert_eq!(data["type"], node.node_type);
            assert_eq!(data.get("country"), node.country.as_ref());
            assert_eq!(data["statements"], node.statements.to_string());
        }
        assert_eq!(edges.len(), n.edges.len());
        for ((s, t, data), e) in edges.iter().zip(&n.edges) {
            assert_eq!((s, t), (&e.source, &e.target));
            assert_eq!(data["weight"].parse::<f64>().unwrap(), e.weight);
            assert_eq!(data.get("agreement"), e.agreement.as_ref());
            assert_eq!(data.get("concepts"), e.concepts.as_ref());
            assert_eq!(data["statements"], e.statements);
        }
    }
}

#[test]
fn gexf_parses_back() {
    let n = build_network(&net_corpus(), &PACK, &opts(NetworkKind::TwoMode));
    let mut buf = Vec::new();
    write_gexf(&mut buf, &n).unwrap();
    let root = parse_xml(&String::from_utf8(buf).unwrap());
    assert_eq!(root.name, "gexf");
    assert_eq!(root.attrs["version"], "1.3");
    assert_eq!(root.attrs["xmlns"], "http://gexf.net/1.3");
    let graph = root.child("graph");
    assert_eq!(graph.attrs["defaultedgetype"], "undirected");
    let declared: BTreeMap<(String, String), String> = graph
        .children
        .iter()
        .filter(|c| c.name == "attributes")
        .flat_map(|a| {
            a.children.iter().map(move |x| {
                (
                    (a.attrs["class"].clone(), x.attrs["id"].clone()),
                    x.attrs["title"].clone(),
                )
            })
        })
        .collect();
    let values = |el: &El, class: &str| -> Attrs {
        el.all("attvalue")
            .into_iter()
            .map(|v| {
                (
                    declared[&(class.to_string(), v.attrs["for"].clone())].clone(),
                    v.attrs["value"].clone(),
                )
            })
            .collect()
    };
    let nodes = graph.child("nodes").all("node");
    assert_eq!(nodes.len(), n.nodes.len());
    for (x, node) in nodes.iter().zip(&n.nodes) {
        assert_eq!(x.attrs["id"], node.id);
        assert_eq!(x.attrs["label"], node.label);
        let v = values(x, "node");
        assert_eq!(v["type"], node.node_type);
        assert_eq!(v["kind"], node.kind);
    }
    let edges = graph.child("edges").all("edge");
    assert_eq!(edges.len(), n.edges.len());
    for (x, e) in edges.iter().zip(&n.edges) {
        assert_eq!(
            (&x.attrs["source"], &x.attrs["target"]),
            (&e.source, &e.target)
        );
        assert_eq!(x.attrs["weight"].parse::<f64>().unwrap(), e.weight);
        let v = values(x, "edge");
        assert_eq!(v.get("agreement"), e.agreement.as_ref());
        assert_eq!(v["statements"], e.statements);
    }
}

#[test]
fn xml_writers_escape_labels() {
    let mut n = build_network(&net_corpus(), &PACK, &opts(NetworkKind::TwoMode));
    n.nodes[0].label = "A & B <C> \"D\" 'E'\u{1}".to_string();
    let mut g = Vec::new();
    write_graphml(&mut g, &n).unwrap();
    let (nodes, _) = check_graphml(&String::from_utf8(g).unwrap());
    assert_eq!(nodes[0].1["label"], "A & B <C> \"D\" 'E'");
    let mut x = Vec::new();
    write_gexf(&mut x, &n).unwrap();
    let root = parse_xml(&String::from_utf8(x).unwrap());
    assert_eq!(root.all("node")[0].attrs["label"], "A & B <C> \"D\" 'E'");
}

#[test]
fn edge_list_csv_has_one_row_per_edge() {
    let n = build_network(&net_corpus(), &PACK, &opts(NetworkKind::Congruence));
    let mut buf = Vec::new();
    write_edges_csv(&mut buf, &n).unwrap();
    let mut r = csv::Reader::from_reader(buf.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        &header[..5],
        ["source", "target", "source_label", "target_label", "weight"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), n.edges.len());
    assert_eq!(&rows[0][0], n.edges[0].source);
    assert_eq!(rows[0][4].parse::<f64>().unwrap(), n.edges[0].weight);
}

#[test]
fn reversals_compare_days_then_statements_within_a_day() {
    let reversals = |s: &[Statement]| -> Vec<String> {
        brief(s, &[], &PACK, "us-talks", None, None)
            .summary
            .iter()
            .filter(|x| x.finding == Finding::Reversal)
            .map(Sentence::plain)
            .collect()
    };
    let open = st(
        "r",
        0,
        "2019-08-26",
        "hassan-rouhani",
        "support",
        "I will not refuse a meeting.",
    );
    let cond = |at| {
        st(
            "r",
            at,
            "2019-08-27",
            "hassan-rouhani",
            "conditional",
            "Lift the sanctions first.",
        )
        .conditions(&["sanctions-relief"])
    };
    let no = st(
        "r",
        300,
        "2019-08-27",
        "hassan-rouhani",
        "oppose",
        "No photo opportunity.",
    );
    // The 27th leans closed (mean −0.25): a day-level reversal.
    assert_eq!(
        reversals(&[open.clone(), cond(100), no.clone()]),
        [
            "Hassan Rouhani (President) reversed: support on August 26 [S1], then opposition on \
          August 27 [S3]."
        ]
    );
    // The 27th is mixed (mean 0): the statement-level reversal, with the
    // day before for context.
    assert_eq!(
        reversals(&[open, cond(100), cond(200), no]),
        [
            "Hassan Rouhani (President) went from conditional support [S3] to opposition on \
          August 27 [S4], after support on August 26 [S1]."
        ]
    );
}
