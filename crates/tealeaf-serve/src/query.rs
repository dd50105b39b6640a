//! Statement search: every filter of the API and the search page, full-text
//! search, pagination with the total, in SQL over the store's tables.
//!
//! The store's own `Store::statements` covers speaker, topic, stance, dates
//! and text; the workbench also filters by faction, outlet and affiliation
//! and pages through results newest first, so the query is built here, on
//! the same schema and the same FTS5 quoting (`tealeaf_store::fts_query`).

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tealeaf_store::Store;

/// Default and largest page size.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

/// Filters of `GET /api/v1/statements` and `/search`. Empty strings count
/// as absent (an HTML form sends every field).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct SearchParams {
    /// Issue id (`us-talks`); `topic` is accepted as a synonym.
    #[serde(alias = "topic")]
    pub issue: Option<String>,
    pub stance: Option<String>,
    /// Pack actor id; `actor` is accepted as a synonym.
    #[serde(alias = "actor")]
    pub speaker_id: Option<String>,
    pub faction: Option<String>,
    /// Outlet id or name.
    pub outlet: Option<String>,
    pub affiliation: Option<String>,
    /// Inclusive dates, `YYYY-MM-DD` (a statement dated to a month or year
    /// compares as its first day).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Words that must all occur in the text, speaker or outlet.
    pub q: Option<String>,
    pub document_id: Option<i64>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SearchParams {
    pub fn issue(&self) -> Option<&str> {
        present(&self.issue)
    }
    pub fn stance(&self) -> Option<&str> {
        present(&self.stance)
    }
    pub fn speaker_id(&self) -> Option<&str> {
        present(&self.speaker_id)
    }
    pub fn faction(&self) -> Option<&str> {
        present(&self.faction)
    }
    pub fn outlet(&self) -> Option<&str> {
        present(&self.outlet)
    }
    pub fn affiliation(&self) -> Option<&str> {
        present(&self.affiliation)
    }
    pub fn q(&self) -> Option<&str> {
        present(&self.q)
    }
    pub fn from_date(&self) -> Option<&str> {
        present(&self.from)
    }
    pub fn to_date(&self) -> Option<&str> {
        present(&self.to)
    }
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
    pub fn offset(&self) -> usize {
        self.offset.unwrap_or(0).min(10_000_000)
    }
}

/// A bad parameter, for a 400 answer.
#[derive(Debug, Clone, PartialEq)]
pub struct BadParam(pub String);

fn parse_day(name: &str, s: Option<&str>) -> Result<Option<NaiveDate>, BadParam> {
    match s {
        None => Ok(None),
        Some(s) => tealeaf_core::document::parse_date(s)
            .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(Some)
            .ok_or_else(|| BadParam(format!("{name}: not a date: {s:?} (expected YYYY-MM-DD)"))),
    }
}

/// One statement found: its store ids, document title and publication
/// date, and `coded`, every field of the statement.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub document_id: i64,
    pub document_title: Option<String>,
    pub published: Option<String>,
    pub coded: Value,
}

impl Hit {
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.coded.get(key).and_then(Value::as_str)
    }

    pub fn span(&self) -> [usize; 2] {
        let a = self.coded.get("span").and_then(Value::as_array);
        let at = |i: usize| {
            a.and_then(|a| a.get(i))
                .and_then(Value::as_u64)
                .unwrap_or(0) as usize
        };
        [at(0), at(1)]
    }

    /// The statement as the API gives it: the coded fields with `id`,
    /// `document_id`, `document_title` and `published` added.
    pub fn to_json(&self) -> Value {
        let mut v = match &self.coded {
            Value::Object(m) => Value::Object(m.clone()),
            _ => Value::Object(Default::default()),
        };
        if let Value::Object(m) = &mut v {
            m.insert("id".into(), self.id.into());
            m.insert("document_id".into(), self.document_id.into());
            m.insert(
                "document_title".into(),
                self.document_title
                    .clone()
                    .map_or(Value::Null, Value::String),
            );
            m.insert(
                "published".into(),
                self.published.clone().map_or(Value::Null, Value::String),
            );
        }
        v
    }
}

/// A page of results and how many match in all.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchResult {
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub hits: Vec<Hit>,
}

/// The WHERE clause and its arguments; `None` when the text has nothing
/// searchable (so nothing can match).
fn where_clause(p: &SearchParams) -> Result<Option<(String, Vec<Value>)>, BadParam> {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut add = |clause: &str, arg: Value| {
        args.push(arg);
        clauses.push(clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(v) = p.issue() {
        add("s.topic = ?", v.into());
    }
    if let Some(v) = p.stance() {
        add("s.stance = ?", v.into());
    }
    if let Some(v) = p.speaker_id() {
        add("s.speaker_id = ?", v.into());
    }
    if let Some(v) = p.faction() {
        add("s.faction = ?", v.into());
    }
    if let Some(v) = p.outlet() {
        // Both placeholders become the same numbered argument.
        add("(s.outlet_id = ? OR s.outlet = ?)", v.into());
    }
    if let Some(v) = p.affiliation() {
        add("s.outlet_affiliation = ?", v.into());
    }
    const DAY: &str = "substr(s.date || '-01-01', 1, 10)";
    if let Some(d) = parse_day("from", p.from_date())? {
        add(&format!("{DAY} >= ?"), d.to_string().into());
    }
    if let Some(d) = parse_day("to", p.to_date())? {
        add(&format!("{DAY} <= ?"), d.to_string().into());
    }
    if let Some(id) = p.document_id {
        add("s.document_id = ?", id.into());
    }
    if let Some(text) = p.q() {
        match tealeaf_store::fts_query(text) {
            Some(q) => add(
                "s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)",
                q.into(),
            ),
            None => return Ok(None),
        }
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    Ok(Some((sql, args)))
}

fn to_sql(v: &Value) -> rusqlite::types::Value {
    match v {
        Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap_or(0)),
        Value::String(s) => rusqlite::types::Value::Text(s.clone()),
        _ => rusqlite::types::Value::Null,
    }
}

const SELECT_HIT: &str = "SELECT s.id, s.document_id, d.title, d.published, s.coded \
     FROM statements s JOIN documents d ON d.id = s.document_id";

fn read_hit(r: &rusqlite::Row) -> rusqlite::Result<(Hit, String)> {
    Ok((
        Hit {
            id: r.get(0)?,
            document_id: r.get(1)?,
            document_title: r.get(2)?,
            published: r.get(3)?,
            coded: Value::Null,
        },
        r.get(4)?,
    ))
}

fn decode(rows: Vec<(Hit, String)>) -> anyhow::Result<Vec<Hit>> {
    rows.into_iter()
        .map(|(mut h, coded)| {
            h.coded = serde_json::from_str(&coded)?;
            Ok(h)
        })
        .collect()
}

/// The statements matching `p`, newest first (undated last), a page at a
/// time, with the number matching in all.
pub fn search(store: &Store, p: &SearchParams) -> anyhow::Result<Result<SearchResult, BadParam>> {
    let (limit, offset) = (p.limit(), p.offset());
    let (clause, args) = match where_clause(p) {
        Err(e) => return Ok(Err(e)),
        Ok(None) => {
            return Ok(Ok(SearchResult {
                total: 0,
                limit,
                offset,
                hits: Vec::new(),
            }));
        }
        Ok(Some(w)) => w,
    };
    let conn = store.conn();
    let sql_args: Vec<rusqlite::types::Value> = args.iter().map(to_sql).collect();
    let total: usize = conn
        .prepare_cached(&format!("SELECT count(*) FROM statements s{clause}"))?
        .query_row(params_from_iter(sql_args.iter()), |r| r.get(0))?;
    let sql = format!(
        "{SELECT_HIT}{clause} ORDER BY s.date IS NULL, s.date DESC, s.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(sql_args.iter()), read_hit)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Ok(SearchResult {
        total,
        limit,
        offset,
        hits: decode(rows)?,
    }))
}

/// One statement by id.
pub fn statement(store: &Store, id: i64) -> anyhow::Result<Option<Hit>> {
    let row = store
        .conn()
        .prepare_cached(&format!("{SELECT_HIT} WHERE s.id = ?1"))?
        .query_row([id], read_hit)
        .optional()?;
    Ok(match row {
        Some(r) => decode(vec![r])?.pop(),
        None => None,
    })
}

/// The body of a document.
pub fn body(store: &Store, document_id: i64) -> anyhow::Result<Option<String>> {
    Ok(store
        .conn()
        .prepare_cached("SELECT body FROM documents WHERE id = ?1")?
        .query_row([document_id], |r| r.get(0))
        .optional()?)
}

/// Counts of statements per value of a column (`speaker_id`, `outlet_id`,
/// `faction`…), most first. `column` must be one of the store's columns:
/// it is checked against a fixed list.
pub fn counts_by(store: &Store, column: &str) -> anyhow::Result<Vec<(String, usize)>> {
    const ALLOWED: &[&str] = &[
        "speaker_id",
        "outlet_id",
        "outlet",
        "faction",
        "outlet_affiliation",
        "topic",
        "stance",
    ];
    anyhow::ensure!(ALLOWED.contains(&column), "cannot count by {column}");
    let mut st = store.conn().prepare_cached(&format!(
        "SELECT {column}, count(*) FROM statements WHERE {column} IS NOT NULL \
         GROUP BY {column} ORDER BY count(*) DESC, {column}"
    ))?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Distinct values of a column, for the search form's choices.
pub fn distinct(store: &Store, column: &str) -> anyhow::Result<Vec<String>> {
    let mut v: Vec<String> = counts_by(store, column)?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_strings_are_absent() {
        let p: SearchParams =
            serde_json::from_value(serde_json::json!({"issue": "", "stance": " ", "q": ""}))
                .unwrap();
        assert_eq!(where_clause(&p).unwrap().unwrap().0, "");
    }

    #[test]
    fn bad_dates_are_reported() {
        let p = SearchParams {
            from: Some("yesterday-ish".into()),
            ..Default::default()
        };
        assert!(where_clause(&p).unwrap_err().0.contains("from"));
    }

    #[test]
    fn limits_are_clamped() {
        let p = SearchParams {
            limit: Some(100_000),
            ..Default::default()
        };
        assert_eq!(p.limit(), MAX_LIMIT);
        let p = SearchParams {
            limit: Some(0),
            ..Default::default()
        };
        assert_eq!(p.limit(), 1);
    }
}
