//! Discourse networks, following the conventions of Discourse Network
//! Analyzer (DNA, Leifeld): statements link actors to concepts with an
//! agreement qualifier, and the actor × concept network projects onto
//! actors.
//!
//! * **Actors**: the speaker (pack id, else name as written); outlets in
//!   their own voice are actors too. Unattributed statements are left out.
//! * **Concepts**: the issue a statement is coded on (`issue:us-talks`,
//!   labelled with the pack's label), and each condition it sets
//!   (`condition:end-maximum-pressure`). The qualifier (DNA's "agreement")
//!   is the statement's stance: support, conditional, oppose or neutral.
//!   Statements coded `other` carry no concept.
//! * **Two-mode** (actor × concept): an edge per actor and concept; weight
//!   = number of statements; `agreement` = the stance when all of them
//!   share it, else `mixed` (DNA's "combine" aggregation), with the count
//!   per stance.
//! * **Congruence** (actor × actor): two actors are linked when they refer
//!   to a concept with the same stance; weight = number of concepts they
//!   share so (neutral is no position and links nobody).
//! * **Conflict** (actor × actor): the same concept with opposite stances —
//!   one open (support or conditional), the other closed (oppose); weight
//!   = number of such concepts.
//! * **Time window**: only statements dated inside `[from, to]` (a partial
//!   date counts as its first day; undated statements only without bounds).
//!
//! Every edge lists the statements behind it (`doc@start-end`) and the
//! first and last dates. Writers: GraphML (standard keys only, opens in
//! Gephi, Cytoscape, igraph, networkx), GEXF 1.3, and CSV edge lists.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::in_window;
use crate::Statement;
use crate::analyses::{actor_key, country_of, outlet_voice, parse_date};
use crate::pack::{ActorKind, Pack};

/// Which network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    TwoMode,
    Congruence,
    Conflict,
}

impl std::str::FromStr for NetworkKind {
    type Err = String;
    fn from_str(s: &str) -> Result<NetworkKind, String> {
        match s {
            "two-mode" | "twomode" | "affiliation" => Ok(NetworkKind::TwoMode),
            "congruence" => Ok(NetworkKind::Congruence),
            "conflict" => Ok(NetworkKind::Conflict),
            other => Err(format!(
                "unknown network '{other}' (two-mode, congruence or conflict)"
            )),
        }
    }
}

/// What goes into a network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkOptions {
    pub kind: NetworkKind,
    /// Only statements coded on this issue (else every issue).
    pub issue: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A node: an actor or a concept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// `actor:ali-khamenei`, `concept:issue:us-talks`.
    pub id: String,
    pub label: String,
    /// `actor` or `concept` (DNA's variable).
    pub node_type: String,
    /// Actors: person, organisation, outlet, unknown; concepts: issue, condition.
    pub kind: String,
    /// Actors: the country the pack gives.
    pub country: Option<String>,
    /// Statements of the actor / on the concept.
    pub statements: u64,
}

/// An edge (undirected).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    pub weight: f64,
    /// Two-mode: the stance, or `mixed`.
    pub agreement: Option<String>,
    /// Two-mode: statements per stance.
    pub support: Option<u64>,
    pub conditional: Option<u64>,
    pub oppose: Option<u64>,
    pub neutral: Option<u64>,
    /// One-mode: the concepts the pair shares (congruence: `concept=stance`;
    /// conflict: `concept`), `; `-separated.
    pub concepts: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The statements behind the edge: `doc@start-end`, `; `-separated.
    pub statements: String,
}

/// A network and the statements it was built from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub kind: NetworkKind,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A statement's concepts: (id, label, kind).
fn concepts(pack: &Pack, s: &Statement) -> Vec<(String, String, &'static str)> {
    let Some(topic) = s.coding.topic.as_deref().filter(|t| *t != "other") else {
        return Vec::new();
    };
    let issue = pack.issue(topic);
    let mut out = vec![(
        format!("issue:{topic}"),
        issue
            .map(|i| i.def.label.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| topic.to_string()),
        "issue",
    )];
    for c in &s.coding.conditions {
        let label = pack
            .issues
            .iter()
            .flat_map(|i| i.def.conditions.iter())
            .find(|x| &x.id == c)
            .map(|x| x.label.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| c.clone());
        out.push((format!("condition:{c}"), label, "condition"));
    }
    out
}

fn stance_of(s: &Statement) -> String {
    match s.coding.stance.as_deref() {
        Some(x @ ("support" | "conditional" | "oppose")) => x.to_string(),
        _ => "neutral".to_string(),
    }
}

/// Open (+1), closed (−1) or no position (0).
fn side(stance: &str) -> i8 {
    match stance {
        "support" | "conditional" => 1,
        "oppose" => -1,
        _ => 0,
    }
}

fn sref(s: &Statement) -> String {
    format!("{}@{}-{}", s.doc, s.span[0], s.span[1])
}

/// What a pair of actors shares: concept labels, statement indices.
type Shared = (Vec<String>, Vec<usize>);

#[derive(Default)]
struct Link {
    /// stance → statement indices.
    by_stance: BTreeMap<String, Vec<usize>>,
}

/// Builds the network of `statements` (see the module docs).
pub fn build_network(statements: &[Statement], pack: &Pack, opts: &NetworkOptions) -> Network {
    let sel: Vec<&Statement> = statements
        .iter()
        .filter(|s| {
            opts.issue
                .as_deref()
                .is_none_or(|i| s.coding.topic.as_deref() == Some(i))
                && in_window(s, opts.from, opts.to)
        })
        .collect();
    let mut actors: BTreeMap<String, Node> = BTreeMap::new();
    let mut concept_nodes: BTreeMap<String, Node> = BTreeMap::new();
    // (actor id, concept id) → link.
    let mut links: BTreeMap<(String, String), Link> = BTreeMap::new();
    for (i, s) in sel.iter().enumerate() {
        let cs = concepts(pack, s);
        if cs.is_empty() {
            continue;
        }
        let Some(key) = actor_key(s) else { continue };
        let aid = format!("actor:{key}");
        let actor = actors.entry(aid.clone()).or_insert_with(|| {
            let kind = match s.speaker_id.as_deref().and_then(|id| pack.actor_index(id)) {
                Some(a) => match pack.actors[a].kind {
                    ActorKind::Person => "person",
                    _ => "organisation",
                },
                None if outlet_voice(s) => "outlet",
                None => "unknown",
            };
            Node {
                id: aid.clone(),
                label: s.speaker.clone().unwrap_or_else(|| key.clone()),
                node_type: "actor".to_string(),
                kind: kind.to_string(),
                country: country_of(pack, s),
                statements: 0,
            }
        });
        actor.statements += 1;
        for (cid, label, kind) in cs {
            let cid = format!("concept:{cid}");
            let c = concept_nodes.entry(cid.clone()).or_insert_with(|| Node {
                id: cid.clone(),
                label,
                node_type: "concept".to_string(),
                kind: kind.to_string(),
                country: None,
                statements: 0,
            });
            c.statements += 1;
            links
                .entry((aid.clone(), cid))
                .or_default()
                .by_stance
                .entry(stance_of(s))
                .or_default()
                .push(i);
        }
    }
    let dates = |idx: &mut dyn Iterator<Item = usize>| {
        let mut ds: Vec<(NaiveDate, String)> = idx
            .filter_map(|i| {
                let d = sel[i].date.clone()?;
                Some((parse_date(&d)?.0, d))
            })
            .collect();
        ds.sort();
        (
            ds.first().map(|d| d.1.clone()),
            ds.last().map(|d| d.1.clone()),
        )
    };
    let refs = |idx: &[usize]| {
        let mut v: Vec<usize> = idx.to_vec();
        v.sort_unstable();
        v.dedup();
        v.iter()
            .map(|&i| sref(sel[i]))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut edges = Vec::new();
    let nodes: Vec<Node> = match opts.kind {
        NetworkKind::TwoMode => {
            for ((a, c), link) in &links {
                let all: Vec<usize> = link.by_stance.values().flatten().copied().collect();
                let count = |st: &str| link.by_stance.get(st).map_or(0, |v| v.len() as u64);
                let (first, last) = dates(&mut all.iter().copied());
                edges.push(Edge {
                    source: a.clone(),
                    target: c.clone(),
                    weight: all.len() as f64,
                    agreement: Some(if link.by_stance.len() == 1 {
                        link.by_stance.keys().next().cloned().unwrap_or_default()
                    } else {
                        "mixed".to_string()
                    }),
                    support: Some(count("support")),
                    conditional: Some(count("conditional")),
                    oppose: Some(count("oppose")),
                    neutral: Some(count("neutral")),
                    concepts: None,
                    first,
                    last,
                    statements: refs(&all),
                });
            }
            actors
                .into_values()
                .chain(concept_nodes.into_values())
                .collect()
        }
        NetworkKind::Congruence | NetworkKind::Conflict => {
            // concept → actor → link
            let mut by_concept: BTreeMap<&str, Vec<(&str, &Link)>> = BTreeMap::new();
            for ((a, c), link) in &links {
                by_concept.entry(c).or_default().push((a, link));
            }
            // (actor, actor) → (concept labels, statement indices)
            let mut pairs: BTreeMap<(&str, &str), Shared> = BTreeMap::new();
            for (c, list) in &by_concept {
                for (x, (a, la)) in list.iter().enumerate() {
                    for (b, lb) in &list[x + 1..] {
                        let mut shared: Vec<String> = Vec::new();
                        let mut idx: Vec<usize> = Vec::new();
                        for (sa, ia) in &la.by_stance {
                            for (sb, ib) in &lb.by_stance {
                                let hit = match opts.kind {
                                    NetworkKind::Congruence => sa == sb && side(sa) != 0,
                                    _ => side(sa) * side(sb) < 0,
                                };
                                if hit {
                                    if opts.kind == NetworkKind::Congruence {
                                        shared.push(format!("{c}={sa}"));
                                    } else if shared.is_empty() {
                                        shared.push(c.to_string());
                                    }
                                    idx.extend(ia.iter().chain(ib.iter()).copied());
                                }
                            }
                        }
                        if shared.is_empty() {
                            continue;
                        }
                        shared.dedup();
                        let key = if a <= b { (*a, *b) } else { (*b, *a) };
                        let e = pairs.entry(key).or_default();
                        // One concept counts once, whatever the stances shared.
                        e.0.push(shared.join(", "));
                        e.1.extend(idx);
                    }
                }
            }
            for ((a, b), (shared, idx)) in pairs {
                let (first, last) = dates(&mut idx.iter().copied());
                edges.push(Edge {
                    source: a.to_string(),
                    target: b.to_string(),
                    weight: shared.len() as f64,
                    agreement: None,
                    support: None,
                    conditional: None,
                    oppose: None,
                    neutral: None,
                    concepts: Some(shared.join("; ")),
                    first,
                    last,
                    statements: refs(&idx),
                });
            }
            actors.into_values().collect()
        }
    };
    Network {
        kind: opts.kind,
        nodes,
        edges,
    }
}

/// The type of an attribute, as GraphML and GEXF name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    String,
    Long,
    Double,
}

impl AttrType {
    pub fn name(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Long => "long",
            AttrType::Double => "double",
        }
    }
}

/// Node attributes written besides the id: (name, type).
pub const NODE_ATTRS: [(&str, AttrType); 5] = [
    ("label", AttrType::String),
    ("type", AttrType::String),
    ("kind", AttrType::String),
    ("country", AttrType::String),
    ("statements", AttrType::Long),
];

/// Edge attributes of a network kind: (name, type).
pub fn edge_attrs(kind: NetworkKind) -> Vec<(&'static str, AttrType)> {
    let mut v = vec![("weight", AttrType::Double)];
    if kind == NetworkKind::TwoMode {
        v.extend([
            ("agreement", AttrType::String),
            ("support", AttrType::Long),
            ("conditional", AttrType::Long),
            ("oppose", AttrType::Long),
            ("neutral", AttrType::Long),
        ]);
    } else {
        v.push(("concepts", AttrType::String));
    }
    v.extend([
        ("first", AttrType::String),
        ("last", AttrType::String),
        ("statements", AttrType::String),
    ]);
    v
}

impl Node {
    /// The value of attribute `name` (of [`NODE_ATTRS`]), as text.
    pub fn attr(&self, name: &str) -> Option<String> {
        match name {
            "label" => Some(self.label.clone()),
            "type" => Some(self.node_type.clone()),
            "kind" => Some(self.kind.clone()),
            "country" => self.country.clone(),
            "statements" => Some(self.statements.to_string()),
            _ => None,
        }
    }
}

impl Edge {
    /// The value of attribute `name` (of [`edge_attrs`]), as text.
    pub fn attr(&self, name: &str) -> Option<String> {
        let n = |x: Option<u64>| x.map(|v| v.to_string());
        match name {
            "weight" => Some(format_weight(self.weight)),
            "agreement" => self.agreement.clone(),
            "support" => n(self.support),
            "conditional" => n(self.conditional),
            "oppose" => n(self.oppose),
            "neutral" => n(self.neutral),
            "concepts" => self.concepts.clone(),
            "first" => self.first.clone(),
            "last" => self.last.clone(),
            "statements" => Some(self.statements.clone()),
            _ => None,
        }
    }
}

fn format_weight(w: f64) -> String {
    if w.fract() == 0.0 {
        format!("{w:.1}")
    } else {
        w.to_string()
    }
}

/// Escapes text for XML content and attribute values; characters XML 1.0
/// cannot carry (most control characters) are dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn description(n: &Network) -> &'static str {
    match n.kind {
        NetworkKind::TwoMode => {
            "tealeaf two-mode network: actors x concepts (issues, conditions); agreement = stance"
        }
        NetworkKind::Congruence => {
            "tealeaf congruence network: actors sharing a concept with the same stance; weight = shared concepts"
        }
        NetworkKind::Conflict => {
            "tealeaf conflict network: actors holding opposite stances on a concept; weight = such concepts"
        }
    }
}

/// Writes the network as GraphML: the standard `<key for=… attr.name=…
/// attr.type=…>` declarations only (no yEd or visone extensions), an
/// undirected graph; node `label` and edge `weight` are what Gephi reads
/// as label and weight.
pub fn write_graphml<W: Write>(mut out: W, n: &Network) -> std::io::Result<()> {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    s.push_str(&format!("  <!-- {} -->\n", description(n)));
    for (name, ty) in NODE_ATTRS {
        s.push_str(&format!(
            "  <key id=\"n_{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{}\"/>\n",
            ty.name()
        ));
    }
    let eattrs = edge_attrs(n.kind);
    for (name, ty) in &eattrs {
        s.push_str(&format!(
            "  <key id=\"e_{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{}\"/>\n",
            ty.name()
        ));
    }
    s.push_str("  <graph id=\"G\" edgedefault=\"undirected\">\n");
    for node in &n.nodes {
        s.push_str(&format!("    <node id=\"{}\">\n", xml_escape(&node.id)));
        for (name, _) in NODE_ATTRS {
            if let Some(v) = node.attr(name) {
                s.push_str(&format!(
                    "      <data key=\"n_{name}\">{}</data>\n",
                    xml_escape(&v)
                ));
            }
        }
        s.push_str("    </node>\n");
    }
    for (i, e) in n.edges.iter().enumerate() {
        s.push_str(&format!(
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">\n",
            xml_escape(&e.source),
            xml_escape(&e.target)
        ));
        for (name, _) in &eattrs {
            if let Some(v) = e.attr(name) {
                s.push_str(&format!(
                    "      <data key=\"e_{name}\">{}</data>\n",
                    xml_escape(&v)
                ));
            }
        }
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    out.write_all(s.as_bytes())?;
    out.flush()
}

/// Writes the network as GEXF 1.3: static, undirected; node labels and
/// edge weights as GEXF's own attributes, the rest as declared attributes
/// (`<attributes class="node">`, ids are the attribute names).
pub fn write_gexf<W: Write>(mut out: W, n: &Network) -> std::io::Result<()> {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    s.push_str(&format!(
        "  <meta>\n    <creator>tealeaf</creator>\n    <description>{}</description>\n  </meta>\n",
        xml_escape(description(n))
    ));
    s.push_str("  <graph mode=\"static\" defaultedgetype=\"undirected\">\n");
    let node_attrs: Vec<(&str, AttrType)> = NODE_ATTRS
        .iter()
        .copied()
        .filter(|(k, _)| *k != "label")
        .collect();
    let edge_attrs: Vec<(&str, AttrType)> = edge_attrs(n.kind)
        .into_iter()
        .filter(|(k, _)| *k != "weight")
        .collect();
    s.push_str("    <attributes class=\"node\">\n");
    for (name, ty) in &node_attrs {
        s.push_str(&format!(
            "      <attribute id=\"{name}\" title=\"{name}\" type=\"{}\"/>\n",
            ty.name()
        ));
    }
    s.push_str("    </attributes>\n    <attributes class=\"edge\">\n");
    for (name, ty) in &edge_attrs {
        s.push_str(&format!(
            "      <attribute id=\"{name}\" title=\"{name}\" type=\"{}\"/>\n",
            ty.name()
        ));
    }
    s.push_str("    </attributes>\n    <nodes>\n");
    for node in &n.nodes {
        s.push_str(&format!(
            "      <node id=\"{}\" label=\"{}\">\n        <attvalues>\n",
            xml_escape(&node.id),
            xml_escape(&node.label)
        ));
        for (name, _) in &node_attrs {
            if let Some(v) = node.attr(name) {
                s.push_str(&format!(
                    "          <attvalue for=\"{name}\" value=\"{}\"/>\n",
                    xml_escape(&v)
                ));
            }
        }
        s.push_str("        </attvalues>\n      </node>\n");
    }
    s.push_str("    </nodes>\n    <edges>\n");
    for (i, e) in n.edges.iter().enumerate() {
        s.push_str(&format!(
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\">\n        <attvalues>\n",
            xml_escape(&e.source),
            xml_escape(&e.target),
            format_weight(e.weight)
        ));
        for (name, _) in &edge_attrs {
            if let Some(v) = e.attr(name) {
                s.push_str(&format!(
                    "          <attvalue for=\"{name}\" value=\"{}\"/>\n",
                    xml_escape(&v)
                ));
            }
        }
        s.push_str("        </attvalues>\n      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out.write_all(s.as_bytes())?;
    out.flush()
}

/// Writes the edges as CSV: `source,target,source_label,target_label`,
/// then the edge attributes of the kind (Gephi's spreadsheet import reads
/// `source`, `target` and `weight`).
pub fn write_edges_csv<W: Write>(out: W, n: &Network) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    let attrs = edge_attrs(n.kind);
    let mut header = vec!["source", "target", "source_label", "target_label"];
    header.extend(attrs.iter().map(|(k, _)| *k));
    w.write_record(&header)?;
    let label = |id: &str| {
        n.nodes
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.label.clone())
            .unwrap_or_default()
    };
    for e in &n.edges {
        let mut rec = vec![
            e.source.clone(),
            e.target.clone(),
            label(&e.source),
            label(&e.target),
        ];
        rec.extend(attrs.iter().map(|(k, _)| e.attr(k).unwrap_or_default()));
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}
