//! The analyses as the server runs them: the core's
//! (`tealeaf_core::analyses`: timeline, shifts, divergence, conditions
//! ledger, channels) over every stored statement — a [`Corpus`], cached by
//! [`crate::App::corpus`] — restricted to a period, with results pointing
//! back to stored statement ids.
//!
//! The core's results cite statements by index into the slice given
//! (`statements: [..]` lists and `StatementRef { index, .. }` objects);
//! [`attach_ids`] adds the store ids next to them (`statement_ids`, `id`),
//! so API clients and pages can link to `/statements/ID`.
//!
//! The brief and the discourse networks are the core's
//! (`tealeaf_core::report::{brief, build_network}`); the brief's lines get
//! the store id of their statement ([`brief_ids`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tealeaf_core::analyses::{self, Bucket, GroupBy, Page, Paging};
use tealeaf_core::report::{self, DocInfo, NetworkKind, NetworkOptions};
use tealeaf_core::{Pack, Statement};
use tealeaf_store::Store;

/// Every stored statement, oldest first (undated last), as the analyses
/// read them, with their store ids.
pub struct Corpus {
    /// The [`crate::App`] write generation this was loaded at.
    pub generation: u64,
    pub statements: Vec<Statement>,
    /// Store id of each statement.
    pub ids: Vec<i64>,
    /// First day of each statement's date, `None` when undated.
    days: Vec<Option<NaiveDate>>,
    /// The stored documents, in ingestion order (for briefs).
    pub docs: Vec<DocInfo>,
    /// Store id by document id and span (to find a statement a report cites).
    by_span: HashMap<(String, [usize; 2]), i64>,
}

impl Corpus {
    pub fn load(store: &Store, generation: u64) -> anyhow::Result<Corpus> {
        let mut st = store.conn().prepare(&format!(
            "SELECT s.id, {} FROM statements s \
             ORDER BY s.date IS NULL, substr(s.date || '-01-01', 1, 10), s.document_id, s.ordinal",
            tealeaf_store::STATEMENT_JSON_COLUMNS
        ))?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, tealeaf_store::statement_json(r, 1)?))
        })?;
        let mut c = Corpus {
            generation,
            statements: Vec::new(),
            ids: Vec::new(),
            days: Vec::new(),
            docs: Vec::new(),
            by_span: HashMap::new(),
        };
        for row in rows {
            let (id, v) = row?;
            // A row the analyses cannot read is left out of them (it is
            // still searchable).
            if let Ok(s) = analyses::statement_from_json(&v) {
                c.days.push(
                    s.date
                        .as_deref()
                        .and_then(analyses::parse_date)
                        .map(|d| d.0),
                );
                c.by_span.entry((s.doc.clone(), s.span)).or_insert(id);
                c.statements.push(s);
                c.ids.push(id);
            }
        }
        c.docs = store
            .documents()?
            .into_iter()
            .map(|d| DocInfo {
                id: d.doc_key,
                title: d.title,
                outlet: d.outlet,
                published: d.published.as_deref().and_then(|p| p.parse().ok()),
                url: d.url,
            })
            .collect();
        Ok(c)
    }

    /// The store id of the statement of document `doc` at `span`.
    pub fn id_at(&self, doc: &str, span: [usize; 2]) -> Option<i64> {
        self.by_span.get(&(doc.to_string(), span)).copied()
    }

    /// The statements dated within `[from, to]` (both optional) as a
    /// contiguous range (the corpus is sorted by date); without bounds,
    /// everything, undated statements included.
    pub fn period(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> std::ops::Range<usize> {
        period_range(&self.days, from, to)
    }

    /// The first day of statement `i`'s date.
    pub fn day(&self, i: usize) -> Option<NaiveDate> {
        self.days[i]
    }

    /// The pack id, else the name, of a statement's speaker (how the core's
    /// reports key actors).
    pub fn actor_key(s: &Statement) -> Option<&str> {
        s.speaker_id
            .as_deref()
            .or(s.speaker.as_deref())
            .filter(|k| !k.trim().is_empty())
    }
}

/// The positions dated within `[from, to]` of `days` (sorted, undated
/// last) as a range; without bounds, everything, undated included.
pub fn period_range(
    days: &[Option<NaiveDate>],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> std::ops::Range<usize> {
    let dated = days.iter().position(Option::is_none).unwrap_or(days.len());
    let all = days.len();
    let days = &days[..dated];
    let start = from.map_or(0, |f| days.partition_point(|d| d.is_some_and(|d| d < f)));
    let end = match (from, to) {
        (_, Some(t)) => days.partition_point(|d| d.is_some_and(|d| d <= t)),
        (Some(_), None) => dated,
        (None, None) => all,
    };
    start..end.max(start)
}

/// Adds store ids to a serialised analysis result: next to every
/// `"statements": [indices]` a `"statement_ids": [ids]`, and into every
/// cited statement (`{"index": i, "doc": …}`) an `"id"`. `id_of` maps an
/// index of the slice the analysis saw to a store id.
pub fn attach_ids(v: &mut Value, id_of: &dyn Fn(usize) -> Option<i64>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(a)) = m.get("statements")
                && a.iter().all(Value::is_u64)
            {
                let ids: Vec<Value> = a
                    .iter()
                    .filter_map(|x| id_of(x.as_u64()? as usize))
                    .map(Value::from)
                    .collect();
                m.insert("statement_ids".into(), Value::Array(ids));
            }
            if m.contains_key("doc")
                && m.contains_key("span")
                && let Some(i) = m.get("index").and_then(Value::as_u64)
                && let Some(id) = id_of(i as usize)
            {
                m.insert("id".into(), id.into());
            }
            for (_, x) in m.iter_mut() {
                attach_ids(x, id_of);
            }
        }
        Value::Array(a) => {
            for x in a {
                attach_ids(x, id_of);
            }
        }
        _ => {}
    }
}

/// Parameters common to the analyses (query string of the API and pages).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct AnalysisParams {
    /// Issue id; the pack's first issue when absent.
    #[serde(alias = "topic")]
    pub issue: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// day | week | month.
    pub window: Option<String>,
    /// Timeline grouping: actor | faction | institution | country | outlet.
    pub by: Option<String>,
    /// Divergence: whose voices (a pack country); the pack's home country by default.
    pub country: Option<String>,
    /// Shifts: only this actor (pack id, or name for speakers outside the pack).
    #[serde(alias = "speaker_id")]
    pub actor: Option<String>,
    /// Brief: md | html | json.
    pub format: Option<String>,
    /// Network: congruence | conflict | two-mode.
    pub kind: Option<String>,
    /// Timeline, shifts, divergence: items per page ([`DEFAULT_LIMIT`];
    /// `0` or `all`: every item).
    pub limit: Option<String>,
    /// Timeline, shifts, divergence: items to skip.
    pub offset: Option<String>,
}

/// Items per page of timeline, shifts and divergence when `limit` is not
/// given: on a large store their whole answers are tens of megabytes.
pub const DEFAULT_LIMIT: usize = 200;

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checked parameters.
pub struct Resolved {
    pub issue: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub window: Bucket,
    pub by: GroupBy,
    /// Whose voices the divergence measures.
    pub government: Option<String>,
    pub actor: Option<String>,
    /// Was the issue named (channels cover every issue otherwise)?
    pub issue_given: bool,
    pub kind: NetworkKind,
    /// Which items of timeline, shifts and divergence to send.
    pub paging: Paging,
}

impl AnalysisParams {
    pub fn resolve(&self, pack: &Pack) -> Result<Resolved, String> {
        let date = |name: &str, v: &Option<String>| -> Result<Option<NaiveDate>, String> {
            match present(v) {
                None => Ok(None),
                Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| format!("{name}: not a date: {s:?} (expected YYYY-MM-DD)")),
            }
        };
        let issue = match present(&self.issue) {
            Some(i) => {
                if pack.issue(i).is_none() {
                    let known: Vec<&str> = pack.issues.iter().map(|x| x.def.id.as_str()).collect();
                    return Err(format!(
                        "issue: {i:?} is not an issue of the pack ({})",
                        known.join(", ")
                    ));
                }
                i.to_string()
            }
            None => pack
                .issues
                .first()
                .map(|i| i.def.id.clone())
                .ok_or("the pack defines no issue")?,
        };
        let window = match present(&self.window) {
            None => Bucket::Week,
            Some(w) => w.parse().map_err(|e| format!("window: {e}"))?,
        };
        let by = match present(&self.by) {
            None => GroupBy::Actor,
            Some(b) => b.parse().map_err(|e| format!("by: {e}"))?,
        };
        Ok(Resolved {
            issue_given: present(&self.issue).is_some(),
            issue,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            window,
            by,
            government: present(&self.country)
                .map(str::to_string)
                .or_else(|| pack.info.home_country.clone()),
            actor: present(&self.actor).map(str::to_string),
            kind: match present(&self.kind) {
                None => NetworkKind::Congruence,
                Some(k) => k.parse().map_err(|e| format!("kind: {e}"))?,
            },
            paging: Paging::new(
                match present(&self.offset) {
                    None => 0,
                    Some(o) => o
                        .parse()
                        .map_err(|_| format!("offset: not a number: {o:?}"))?,
                },
                match present(&self.limit) {
                    None => Some(DEFAULT_LIMIT),
                    Some("all" | "0") => None,
                    Some(l) => Some(
                        l.parse()
                            .map_err(|_| format!("limit: not a number: {l:?} (or all)"))?,
                    ),
                },
            ),
        })
    }
}

fn to_json<T: Serialize>(x: &T, c: &Corpus, offset: usize) -> Value {
    let mut v = serde_json::to_value(x).unwrap_or_default();
    attach_ids(&mut v, &|i| c.ids.get(offset + i).copied());
    v
}

/// Adds where a page sits in the whole answer to the answer's object:
/// `total`, `offset`, `limit` (`null`: no limit) and `next_offset`
/// (`null` on the last page).
pub fn paged<T>(mut v: Value, p: &Page<T>) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("total".into(), p.total.into());
        m.insert("offset".into(), p.offset.into());
        m.insert("limit".into(), p.limit.into());
        m.insert("next_offset".into(), p.next_offset().into());
    }
    v
}

/// Timeline: stance over time per actor, faction, institution, country or
/// outlet (`analyses::timeline`), the page `r` asks for.
pub fn timeline(c: &Corpus, pack: &Pack, r: &Resolved) -> Value {
    let range = c.period(r.from, r.to);
    let points = analyses::timeline(&c.statements[range.clone()], pack, &r.issue, r.by, r.window);
    let page = Page::of_whole(points, r.paging);
    paged(
        timeline_json(r, to_json(&page.items, c, range.start)),
        &page,
    )
}

/// The timeline's answer around its points (ids attached).
pub fn timeline_json(r: &Resolved, points: Value) -> Value {
    json!({
        "issue": r.issue,
        "by": r.by,
        "window": r.window,
        "points": points,
    })
}

/// The shifts of the period (`analyses::shifts`), optionally of one actor.
pub fn shift_list(c: &Corpus, r: &Resolved) -> (Vec<analyses::Shift>, usize) {
    let range = c.period(r.from, r.to);
    let shifts = analyses::shifts(&c.statements[range.clone()], &r.issue)
        .into_iter()
        .filter(|s| r.actor.as_deref().is_none_or(|a| a == s.actor))
        .collect();
    (shifts, range.start)
}

/// Shifts: each change of stance or conditions per actor; reversals
/// flagged; the page `r` asks for.
pub fn shifts(c: &Corpus, r: &Resolved) -> Value {
    let (shifts, offset) = shift_list(c, r);
    let page = Page::of_whole(shifts, r.paging);
    paged(shifts_json(r, to_json(&page.items, c, offset)), &page)
}

/// The shifts' answer around the list (ids attached).
pub fn shifts_json(r: &Resolved, shifts: Value) -> Value {
    json!({"issue": r.issue, "shifts": shifts})
}

/// The divergence windows of the period (`analyses::divergence`).
pub fn divergence_windows(
    c: &Corpus,
    pack: &Pack,
    r: &Resolved,
) -> (Vec<analyses::DivergenceWindow>, usize) {
    let range = c.period(r.from, r.to);
    let Some(government) = r.government.as_deref() else {
        return (Vec::new(), range.start);
    };
    let windows = analyses::divergence(
        &c.statements[range.clone()],
        pack,
        &r.issue,
        government,
        r.window,
    );
    (windows, range.start)
}

/// Divergence: the mixed-signals index per window with the contradicting
/// pairs; the page `r` asks for.
pub fn divergence(c: &Corpus, pack: &Pack, r: &Resolved) -> Value {
    let (windows, offset) = divergence_windows(c, pack, r);
    let page = Page::of_whole(windows, r.paging);
    paged(divergence_json(r, to_json(&page.items, c, offset)), &page)
}

/// The divergence's answer around its windows (ids attached).
pub fn divergence_json(r: &Resolved, windows: Value) -> Value {
    json!({
        "issue": r.issue,
        "government": r.government,
        "window": r.window,
        "formula": "index = weighted standard deviation of the positions of the government's voices \
                    (institutions, actors without a role, outlets in their own voice) in the window; \
                    a voice's position is the mean score of its utterances (support 1, conditional 0.5, \
                    oppose -1; neutral left out), weighted by their number; 0 = all agree, \
                    1 = evenly split between support and opposition; pairs whose positions differ \
                    by 1 or more contradict each other",
        "windows": windows,
    })
}

/// The conditions ledger of the period (`analyses::conditions_ledger`).
pub fn ledger(c: &Corpus, pack: &Pack, r: &Resolved) -> (analyses::Ledger, usize) {
    let range = c.period(r.from, r.to);
    let l = analyses::conditions_ledger(&c.statements[range.clone()], pack, &r.issue, r.window);
    (l, range.start)
}

/// The conditions ledger.
pub fn conditions(c: &Corpus, pack: &Pack, r: &Resolved) -> Value {
    let (l, offset) = ledger(c, pack, r);
    to_json(&l, c, offset)
}

/// The channels of the period (`analyses::channels`) over every issue, or
/// over the named issue; with the store id of each statement index.
pub fn channel_list(c: &Corpus, r: &Resolved) -> (Vec<analyses::ChannelEntry>, Vec<i64>) {
    let range = c.period(r.from, r.to);
    if !r.issue_given {
        let slice = &c.statements[range.clone()];
        return (analyses::channels(slice), c.ids[range].to_vec());
    }
    let keep: Vec<usize> = range
        .filter(|&i| c.statements[i].coding.topic.as_deref() == Some(r.issue.as_str()))
        .collect();
    let subset: Vec<Statement> = keep.iter().map(|&i| c.statements[i].clone()).collect();
    (
        analyses::channels(&subset),
        keep.iter().map(|&i| c.ids[i]).collect(),
    )
}

/// Channels: mediators and messages, with the likelihoods voiced.
pub fn channels(c: &Corpus, r: &Resolved) -> Value {
    let (entries, ids) = channel_list(c, r);
    let mut v = serde_json::to_value(&entries).unwrap_or_default();
    attach_ids(&mut v, &|i| ids.get(i).copied());
    json!({"issue": r.issue_given.then_some(&r.issue), "channels": v})
}

/// A discourse network of the period (`report::build_network`).
pub fn network(c: &Corpus, pack: &Pack, r: &Resolved, kind: NetworkKind) -> report::Network {
    report::build_network(
        &c.statements,
        pack,
        &NetworkOptions {
            kind,
            issue: Some(r.issue.clone()),
            from: r.from,
            to: r.to,
        },
    )
}

/// The brief of the period (`report::brief`).
pub fn brief(c: &Corpus, pack: &Pack, r: &Resolved) -> report::Brief {
    report::brief(&c.statements, &c.docs, pack, &r.issue, r.from, r.to)
}

/// The store id of each statement a brief cites, by its brief id (`S12`).
pub fn brief_ids(c: &Corpus, b: &report::Brief) -> HashMap<String, i64> {
    b.days
        .iter()
        .flat_map(|d| &d.entries)
        .flat_map(|e| &e.lines)
        .filter_map(|l| Some((l.id.clone(), c.id_at(&l.doc, l.span)?)))
        .collect()
}

/// The brief as JSON, each line with the store id of its statement
/// (`statement_id`).
pub fn brief_json(c: &Corpus, b: &report::Brief) -> Value {
    let ids = brief_ids(c, b);
    let mut v = serde_json::to_value(b).unwrap_or_default();
    if let Some(days) = v.get_mut("days").and_then(Value::as_array_mut) {
        for line in days
            .iter_mut()
            .filter_map(|d| d.get_mut("entries").and_then(Value::as_array_mut))
            .flatten()
            .filter_map(|e| e.get_mut("lines").and_then(Value::as_array_mut))
            .flatten()
        {
            let id = line
                .get("id")
                .and_then(Value::as_str)
                .and_then(|k| ids.get(k).copied());
            if let Value::Object(m) = line {
                m.insert("statement_id".into(), id.map_or(Value::Null, Value::from));
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_attached_to_indices_and_refs() {
        let mut v = json!({
            "statements": [0, 2],
            "from": {"index": 1, "doc": "d", "span": [0, 1]},
            "nested": [{"statements": [1]}],
            "other": {"index": 5},
        });
        let ids = [10i64, 11, 12];
        attach_ids(&mut v, &|i| ids.get(i).copied());
        assert_eq!(v["statement_ids"], json!([10, 12]));
        assert_eq!(v["from"]["id"], 11);
        assert_eq!(v["nested"][0]["statement_ids"], json!([11]));
        assert!(v["other"].get("id").is_none());
    }
}
