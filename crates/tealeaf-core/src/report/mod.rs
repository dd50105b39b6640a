//! Reports over coded statements: the analyst's brief, statement exports and
//! discourse networks.
//!
//! * [`brief()`]: a brief on one issue for a period, in the style analysts
//!   write by hand — a generated summary (reversals, divergence between the
//!   voices of a government, conditions set, channels and the likelihoods
//!   voiced), then dated entries: outlet and its affiliation, speaker and
//!   role, the quote, its coding, and where it is in its document. Every
//!   summary sentence cites the statements behind it as `[S12]`, and every
//!   cited statement is an entry. Rendered by [`to_markdown`] and
//!   [`to_html`] (self-contained, with a server-side SVG timeline).
//! * [`export`]: statements as CSV and JSON lines, as flat rows
//!   ([`StatementRow`]) that a Parquet writer can also take.
//! * [`network`]: actor × concept networks following Discourse Network
//!   Analyzer's conventions (two-mode, congruence, conflict) as GraphML,
//!   GEXF 1.3 and CSV edge lists.
//!
//! Pure like the rest of the core: statements in, values or bytes out
//! (writers take any `io::Write`).

pub mod export;
mod html;
mod markdown;
pub mod network;
mod summary;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::Statement;
use crate::analyses::{DatePrecision, actor_key, parse_date};
use crate::document::Document;
use crate::pack::Pack;

pub use export::{StatementRow, read_csv, write_csv, write_jsonl};
pub use html::to_html;
pub use markdown::to_markdown;
pub use network::{Network, NetworkKind, NetworkOptions, build_network};

/// What a brief needs to know about a source document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocInfo {
    /// The document id statements carry in `doc`.
    pub id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
}

impl DocInfo {
    pub fn of(doc: &Document) -> DocInfo {
        DocInfo {
            id: doc.id.clone(),
            title: doc.meta.title.clone(),
            outlet: doc.meta.outlet.clone(),
            published: doc.meta.published,
            url: doc.meta.url.clone(),
        }
    }
}

/// A brief on one issue for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brief {
    pub issue: String,
    /// The pack's label of the issue.
    pub issue_label: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Statements in the brief (= lines of the entries).
    pub statements: usize,
    /// Documents they come from.
    pub documents: usize,
    /// Distinct speakers.
    pub speakers: usize,
    /// The summary, one sentence per finding, each citing its statements.
    pub summary: Vec<Sentence>,
    /// Entries grouped by date, in date order (undated last).
    pub days: Vec<Day>,
    /// Stance per actor over time, for the timeline chart.
    pub timeline: Vec<TimelineRow>,
    /// The documents cited, in order of first citation.
    pub sources: Vec<DocInfo>,
}

/// What a summary sentence reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Finding {
    Reversal,
    Divergence,
    Condition,
    Threshold,
    Channel,
    /// Nothing found in the period.
    None,
}

/// A piece of a summary sentence: words, or a reference to a statement
/// (`S12`, the id of a line in the entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Text(String),
    Ref(String),
}

/// One summary sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub finding: Finding,
    pub parts: Vec<Part>,
}

impl Sentence {
    /// The statement ids the sentence cites, in order.
    pub fn refs(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Ref(r) => Some(r.as_str()),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// The sentence as plain text, references as `[S12]`.
    pub fn plain(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Ref(r) => format!("[{r}]"),
            })
            .collect()
    }
}

/// The entries of one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    /// The date as coded (`2025-02-26`, `2025-02`), empty when undated.
    pub date: String,
    /// For people: "February 26, 2025".
    pub label: String,
    pub entries: Vec<Entry>,
}

/// One attribution: who said it, through which outlet, and its lines (one
/// per statement: a long quotation is split into sentences).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// For people, without the year ("February 26") unless the brief spans years.
    pub date_label: String,
    /// "published" when the date is the publication date (a fallback).
    pub date_precision: Option<String>,
    pub doc: String,
    /// The publication carrying the statement (the document's outlet).
    pub publication: Option<String>,
    pub publication_affiliation: Option<String>,
    /// The outlet the statement was given to or quoted from, when it is
    /// not the publication.
    pub outlet: Option<String>,
    pub outlet_affiliation: Option<String>,
    pub speaker: Option<String>,
    pub speaker_role: Option<String>,
    /// The outlet speaks in its own voice (an editorial).
    pub outlet_voice: bool,
    pub direct: bool,
    pub cue: Option<String>,
    pub lines: Vec<Line>,
}

/// One statement of an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// `S12`: what the summary cites.
    pub id: String,
    pub text: String,
    pub stance: Option<String>,
    pub conditions: Vec<String>,
    pub mediators: Vec<String>,
    pub probability: Option<f64>,
    pub about: Option<String>,
    /// Where the words are: document id and char offsets in its body.
    pub doc: String,
    pub span: [usize; 2],
}

/// One actor's row of the timeline chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineRow {
    pub actor: String,
    pub label: String,
    pub dots: Vec<TimelineDot>,
}

/// One statement on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineDot {
    pub date: NaiveDate,
    pub stance: String,
    pub id: String,
    pub text: String,
}

/// Is the statement's date inside `[from, to]`? A partial date counts as
/// its first day (as the store does); an undated statement is inside only
/// when no bound is given.
pub fn in_window(s: &Statement, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    match s.date.as_deref().and_then(parse_date) {
        Some((d, _)) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
        None => from.is_none() && to.is_none(),
    }
}

/// The brief on `issue` for `[from, to]` (inclusive; either may be open).
///
/// Its statements: those dated inside the window and coded on the issue,
/// plus those naming a mediator or channel (on any issue) — the channels of
/// the period. They are ordered by date (undated last), then by document
/// (in the order of `docs`, else of first appearance), then by position,
/// and numbered `S1`, `S2`… in that order. The summary is computed by
/// [`crate::analyses`] over exactly these statements (see the `summary`
/// module for each sentence's rule).
pub fn brief(
    statements: &[Statement],
    docs: &[DocInfo],
    pack: &Pack,
    issue: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Brief {
    let mut doc_rank: HashMap<&str, usize> = HashMap::new();
    for d in docs {
        let n = doc_rank.len();
        doc_rank.entry(d.id.as_str()).or_insert(n);
    }
    for s in statements {
        let n = doc_rank.len();
        doc_rank.entry(s.doc.as_str()).or_insert(n);
    }
    let mut sel: Vec<Statement> = statements
        .iter()
        .filter(|s| {
            (s.coding.topic.as_deref() == Some(issue) || !s.coding.mediators.is_empty())
                && in_window(s, from, to)
        })
        .cloned()
        .collect();
    sel.sort_by_key(|s| {
        let d = s.date.as_deref().and_then(parse_date);
        (
            d.is_none(),
            d.map(|x| x.0),
            d.map(|x| x.1),
            doc_rank.get(s.doc.as_str()).copied().unwrap_or(usize::MAX),
            s.doc.clone(),
            s.span,
        )
    });
    let ids: Vec<String> = (1..=sel.len()).map(|i| format!("S{i}")).collect();

    let years: Vec<i32> = sel
        .iter()
        .filter_map(|s| s.date.as_deref().and_then(parse_date))
        .map(|d| d.0.year())
        .chain(from.map(|d| d.year()))
        .chain(to.map(|d| d.year()))
        .collect();
    let with_year = years.iter().any(|y| Some(y) != years.first());
    let style = DateStyle { with_year };

    let summary = summary::summarise(&sel, &ids, pack, issue, style);
    let days = entries(&sel, &ids, docs, pack, style);
    let timeline = timeline_rows(&sel, &ids, issue);

    let mut sources: Vec<DocInfo> = Vec::new();
    for s in &sel {
        if !sources.iter().any(|d| d.id == s.doc) {
            sources.push(
                docs.iter()
                    .find(|d| d.id == s.doc)
                    .cloned()
                    .unwrap_or_else(|| DocInfo {
                        id: s.doc.clone(),
                        ..DocInfo::default()
                    }),
            );
        }
    }
    let mut speakers: Vec<String> = sel.iter().filter_map(actor_key).collect();
    speakers.sort();
    speakers.dedup();
    Brief {
        issue: issue.to_string(),
        issue_label: pack
            .issue(issue)
            .map(|i| i.def.label.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| issue.to_string()),
        from,
        to,
        statements: sel.len(),
        documents: sources.len(),
        speakers: speakers.len(),
        summary,
        days,
        timeline,
        sources,
    }
}

/// How dates are written in a brief.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateStyle {
    /// The brief spans more than one year: write it.
    pub with_year: bool,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(crate) fn month_name(m: u32) -> &'static str {
    MONTHS[(m as usize + 11) % 12]
}

/// "February 26" (or "February 26, 2025"), "February 2025", "2025"; the
/// text itself when it is not a date.
pub(crate) fn human_date(date: &str, with_year: bool) -> String {
    match parse_date(date) {
        Some((d, DatePrecision::Day)) if with_year => {
            format!("{} {}, {}", month_name(d.month()), d.day(), d.year())
        }
        Some((d, DatePrecision::Day)) => format!("{} {}", month_name(d.month()), d.day()),
        Some((d, DatePrecision::Month)) => format!("{} {}", month_name(d.month()), d.year()),
        Some((d, DatePrecision::Year)) => d.year().to_string(),
        None => date.to_string(),
    }
}

/// The pack outlet named `name` (its name, id or an alias): (name, affiliation).
fn pack_outlet(pack: &Pack, name: &str) -> Option<(String, Option<String>)> {
    pack.outlets
        .iter()
        .find(|o| {
            o.name.eq_ignore_ascii_case(name)
                || o.id.eq_ignore_ascii_case(name)
                || o.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .map(|o| (o.name.clone(), o.affiliation.clone()))
}

fn entries(
    sel: &[Statement],
    ids: &[String],
    docs: &[DocInfo],
    pack: &Pack,
    style: DateStyle,
) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for (i, s) in sel.iter().enumerate() {
        let date = s.date.clone().unwrap_or_default();
        if days.last().is_none_or(|d| d.date != date) {
            days.push(Day {
                label: if date.is_empty() {
                    "Undated".to_string()
                } else {
                    human_date(&date, true)
                },
                date: date.clone(),
                entries: Vec::new(),
            });
        }
        let line = Line {
            id: ids[i].clone(),
            text: s.text.clone(),
            stance: s.coding.stance.clone(),
            conditions: s.coding.conditions.clone(),
            mediators: s.coding.mediators.clone(),
            probability: s.coding.probability,
            about: s.coding.about.clone(),
            doc: s.doc.clone(),
            span: s.span,
        };
        let day = days.last_mut().expect("pushed above");
        // Parts of one attribution (a long quotation split into sentences)
        // are lines of one entry.
        let same = i > 0 && {
            let p = &sel[i - 1];
            p.doc == s.doc && p.attribution == s.attribution && p.date == s.date
        };
        if same && let Some(e) = day.entries.last_mut() {
            e.lines.push(line);
            continue;
        }
        let doc = docs.iter().find(|d| d.id == s.doc);
        let publication = doc
            .and_then(|d| d.outlet.as_deref())
            .map(|name| pack_outlet(pack, name).unwrap_or((name.to_string(), None)));
        let outlet_voice = crate::analyses::outlet_voice(s);
        let distinct_outlet = s.outlet.as_ref().filter(|o| {
            publication
                .as_ref()
                .is_none_or(|(p, _)| !p.eq_ignore_ascii_case(o))
        });
        let (publication, publication_affiliation, outlet, outlet_affiliation) =
            match (publication, distinct_outlet) {
                (Some((p, pa)), Some(o)) => {
                    (Some(p), pa, Some(o.clone()), s.outlet_affiliation.clone())
                }
                (Some((p, pa)), None) => {
                    // The statement's outlet is the publication: its
                    // affiliation as the text gives it wins.
                    let aff = if s.outlet.is_some() {
                        s.outlet_affiliation.clone().or(pa)
                    } else {
                        pa
                    };
                    (Some(p), aff, None, None)
                }
                (None, _) => (s.outlet.clone(), s.outlet_affiliation.clone(), None, None),
            };
        day.entries.push(Entry {
            date_label: if date.is_empty() {
                "undated".to_string()
            } else {
                human_date(&date, style.with_year)
            },
            date_precision: s.date_precision.clone(),
            doc: s.doc.clone(),
            publication,
            publication_affiliation,
            outlet,
            outlet_affiliation,
            speaker: s.speaker.clone(),
            speaker_role: s.speaker_role.clone(),
            outlet_voice,
            direct: s.direct,
            cue: s.cue.clone(),
            lines: vec![line],
        });
    }
    days
}

/// At most this many actors get a row on the timeline (the most vocal).
pub const TIMELINE_MAX_ROWS: usize = 40;

fn timeline_rows(sel: &[Statement], ids: &[String], issue: &str) -> Vec<TimelineRow> {
    let mut rows: Vec<TimelineRow> = Vec::new();
    for (i, s) in sel.iter().enumerate() {
        if s.coding.topic.as_deref() != Some(issue) {
            continue;
        }
        let (Some(key), Some((date, _))) = (actor_key(s), s.date.as_deref().and_then(parse_date))
        else {
            continue;
        };
        let dot = TimelineDot {
            date,
            stance: s
                .coding
                .stance
                .clone()
                .unwrap_or_else(|| "neutral".to_string()),
            id: ids[i].clone(),
            text: s.text.clone(),
        };
        match rows.iter_mut().find(|r| r.actor == key) {
            Some(r) => r.dots.push(dot),
            None => rows.push(TimelineRow {
                label: s.speaker.clone().unwrap_or_else(|| key.clone()),
                actor: key,
                dots: vec![dot],
            }),
        }
    }
    if rows.len() > TIMELINE_MAX_ROWS {
        rows.sort_by_key(|r| std::cmp::Reverse(r.dots.len()));
        rows.truncate(TIMELINE_MAX_ROWS);
    }
    rows.sort_by(|a, b| {
        let first = |r: &TimelineRow| r.dots.iter().map(|d| d.date).min();
        first(a).cmp(&first(b)).then_with(|| a.label.cmp(&b.label))
    });
    rows
}

#[cfg(test)]
mod tests;
