//! Statement search: every filter of the API and the search page, full-text
//! search, pagination with the total.
//!
//! The statements table is wide (each row holds the whole coded statement),
//! so counting or sorting thousands of matches in SQL means reading
//! thousands of wide rows. The server keeps instead a [`Facets`] table in
//! memory: for every statement only its id, date and the filtered columns
//! (as interned symbols), in result order (newest first). A search takes the
//! full-text matches from FTS5 (`statements_fts`, the store's own quoting:
//! `tealeaf_store::fts_query`), filters and pages them in memory, and reads
//! only the rows of the page from SQLite. The facets are rebuilt after every
//! write (see `App::facets`).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
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

/// An interned string; 0 is "none".
type Sym = u32;

/// One statement's filtered columns.
#[derive(Debug, Clone, Copy)]
struct Facet {
    id: i64,
    /// The first day of its date, as days from the common era; `None`: undated.
    day: Option<i32>,
    topic: Sym,
    stance: Sym,
    speaker_id: Sym,
    faction: Sym,
    outlet_id: Sym,
    outlet: Sym,
    affiliation: Sym,
}

/// Every statement's filtered columns, newest first (as `ORDER BY date
/// DESC, id DESC`: undated last).
pub struct Facets {
    /// The `App` write generation this was built at.
    pub generation: u64,
    rows: Vec<Facet>,
    /// Position in `rows` of each statement id.
    position: HashMap<i64, u32>,
    symbols: HashMap<String, Sym>,
}

fn day_number(date: &str) -> Option<i32> {
    let padded = match date.len() {
        4 => format!("{date}-01-01"),
        7 => format!("{date}-01"),
        _ => date.get(..10)?.to_string(),
    };
    NaiveDate::parse_from_str(&padded, "%Y-%m-%d")
        .ok()
        .map(|d| chrono::Datelike::num_days_from_ce(&d))
}

impl Facets {
    /// Reads the filtered columns of every statement (one pass over the
    /// table), newest first.
    pub fn load(store: &Store, generation: u64) -> anyhow::Result<Facets> {
        let mut symbols: HashMap<String, Sym> = HashMap::new();
        let mut intern = |v: Option<String>| -> Sym {
            match v {
                None => 0,
                Some(v) => {
                    let next = symbols.len() as Sym + 1;
                    *symbols.entry(v).or_insert(next)
                }
            }
        };
        // One pass over the table in storage order, sorted here: no index
        // keeps the statements in date order (schema 10), and sorting a
        // million small rows in memory is cheaper than SQLite sorting the
        // wide ones.
        let mut st = store.conn().prepare(
            "SELECT id, date, topic, stance, speaker_id, faction, outlet_id, outlet, \
             outlet_affiliation FROM statements",
        )?;
        // Each distinct date once: its symbol (from 1; 0 is undated) and day.
        let mut dates: HashMap<String, u32> = HashMap::new();
        let mut days: Vec<Option<i32>> = vec![None];
        let mut keyed: Vec<(u32, Facet)> = Vec::new();
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let date = match r.get_ref(1)?.as_str_or_null()? {
                None => 0,
                Some(d) => match dates.get(d) {
                    Some(&sym) => sym,
                    None => {
                        let sym = days.len() as u32;
                        dates.insert(d.to_string(), sym);
                        days.push(day_number(d));
                        sym
                    }
                },
            };
            keyed.push((
                date,
                Facet {
                    id: r.get(0)?,
                    day: days[date as usize],
                    topic: intern(r.get(2)?),
                    stance: intern(r.get(3)?),
                    speaker_id: intern(r.get(4)?),
                    faction: intern(r.get(5)?),
                    outlet_id: intern(r.get(6)?),
                    outlet: intern(r.get(7)?),
                    affiliation: intern(r.get(8)?),
                },
            ));
        }
        // `ORDER BY date DESC, id DESC`: dates compare as SQLite compares
        // text (bytes, as `str` does), and NULL sorts below every date, so
        // the undated come last.
        let mut by_text: Vec<(&str, u32)> = dates.iter().map(|(d, &s)| (d.as_str(), s)).collect();
        by_text.sort_unstable();
        let mut rank = vec![0u32; days.len()];
        for (i, (_, sym)) in by_text.iter().enumerate() {
            rank[*sym as usize] = i as u32 + 1;
        }
        keyed.sort_unstable_by(|a, b| {
            rank[b.0 as usize]
                .cmp(&rank[a.0 as usize])
                .then(b.1.id.cmp(&a.1.id))
        });
        let rows: Vec<Facet> = keyed.into_iter().map(|(_, f)| f).collect();
        let position = rows
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id, i as u32))
            .collect();
        Ok(Facets {
            generation,
            rows,
            position,
            symbols,
        })
    }

    /// How many statements.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A filter value: absent, or the symbol to match (`None`: a value no
/// statement has, so nothing matches).
fn wanted(f: &Facets, v: Option<&str>) -> Option<Option<Sym>> {
    v.map(|v| f.symbols.get(v).copied())
}

/// The positions (in [`Facets`] order) of the statements matching `p`.
fn matching(
    store: &Store,
    f: &Facets,
    p: &SearchParams,
) -> anyhow::Result<Result<Vec<u32>, BadParam>> {
    let from = match parse_day("from", p.from_date()) {
        Ok(d) => d.map(|d| chrono::Datelike::num_days_from_ce(&d)),
        Err(e) => return Ok(Err(e)),
    };
    let to = match parse_day("to", p.to_date()) {
        Ok(d) => d.map(|d| chrono::Datelike::num_days_from_ce(&d)),
        Err(e) => return Ok(Err(e)),
    };
    let checks = [
        (wanted(f, p.issue()), 0usize),
        (wanted(f, p.stance()), 1),
        (wanted(f, p.speaker_id()), 2),
        (wanted(f, p.faction()), 3),
        (wanted(f, p.affiliation()), 4),
    ];
    if checks.iter().any(|(w, _)| matches!(w, Some(None))) {
        return Ok(Ok(Vec::new()));
    }
    let outlet = wanted(f, p.outlet());
    if matches!(outlet, Some(None)) {
        return Ok(Ok(Vec::new()));
    }
    let keep = |r: &Facet| -> bool {
        for (w, column) in &checks {
            if let Some(Some(sym)) = w {
                let v = match column {
                    0 => r.topic,
                    1 => r.stance,
                    2 => r.speaker_id,
                    3 => r.faction,
                    _ => r.affiliation,
                };
                if v != *sym {
                    return false;
                }
            }
        }
        if let Some(Some(sym)) = outlet
            && r.outlet_id != sym
            && r.outlet != sym
        {
            return false;
        }
        if from.is_some() || to.is_some() {
            let Some(day) = r.day else { return false };
            if from.is_some_and(|d| day < d) || to.is_some_and(|d| day > d) {
                return false;
            }
        }
        true
    };
    let mut positions: Vec<u32> = match p.q() {
        Some(text) => {
            let Some(q) = tealeaf_store::fts_query(text) else {
                return Ok(Ok(Vec::new()));
            };
            let mut st = store
                .conn()
                .prepare_cached("SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?1")?;
            let ids = st.query_map([q], |r| r.get::<_, i64>(0))?;
            let mut v = Vec::new();
            for id in ids {
                if let Some(&pos) = f.position.get(&id?) {
                    v.push(pos);
                }
            }
            v.sort_unstable();
            v.retain(|&i| keep(&f.rows[i as usize]));
            v
        }
        None => (0..f.rows.len() as u32)
            .filter(|&i| keep(&f.rows[i as usize]))
            .collect(),
    };
    if let Some(doc) = p.document_id {
        let mut st = store
            .conn()
            .prepare_cached("SELECT id FROM statements WHERE document_id = ?1")?;
        let ids: std::collections::HashSet<i64> = st
            .query_map([doc], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        positions.retain(|&i| ids.contains(&f.rows[i as usize].id));
    }
    Ok(Ok(positions))
}

/// A statement with its document's title and date, by `s.id = ?1`: the
/// whole statement is rebuilt from its columns ([`tealeaf_store::statement_json`]).
fn select_hit() -> String {
    format!(
        "SELECT s.id, s.document_id, d.title, d.published, {} \
         FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id = ?1",
        tealeaf_store::STATEMENT_JSON_COLUMNS
    )
}

fn read_hit(r: &rusqlite::Row) -> rusqlite::Result<Hit> {
    Ok(Hit {
        id: r.get(0)?,
        document_id: r.get(1)?,
        document_title: r.get(2)?,
        published: r.get(3)?,
        coded: tealeaf_store::statement_json(r, 4)?,
    })
}

/// The statements matching `p`, newest first (undated last), a page at a
/// time, with the number matching in all.
pub fn search(
    store: &Store,
    facets: &Facets,
    p: &SearchParams,
) -> anyhow::Result<Result<SearchResult, BadParam>> {
    let (limit, offset) = (p.limit(), p.offset());
    let positions = match matching(store, facets, p)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut st = store.conn().prepare_cached(&select_hit())?;
    let mut rows = Vec::new();
    for &i in positions.iter().skip(offset).take(limit) {
        if let Some(row) = st
            .query_row([facets.rows[i as usize].id], read_hit)
            .optional()?
        {
            rows.push(row);
        }
    }
    Ok(Ok(SearchResult {
        total: positions.len(),
        limit,
        offset,
        hits: rows,
    }))
}

/// One statement by id.
pub fn statement(store: &Store, id: i64) -> anyhow::Result<Option<Hit>> {
    Ok(store
        .conn()
        .prepare_cached(&select_hit())?
        .query_row([id], read_hit)
        .optional()?)
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
    fn partial_dates_count_as_their_first_day() {
        let d = |s: &str| day_number(s).unwrap();
        assert_eq!(d("2025-02"), d("2025-02-01"));
        assert_eq!(d("2025"), d("2025-01-01"));
        assert!(d("2025-02-07") > d("2025-02"));
        assert_eq!(day_number("soon"), None);
    }

    #[test]
    fn facets_are_newest_first_as_sqlite_orders_dates() {
        let pack = tealeaf_core::Pack::default_pack().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        for doc in tealeaf_bench::generator::generate(5, 60_000) {
            let statements = tealeaf_core::extract(&doc, &pack);
            store
                .ingest_document(&doc, &statements, &pack.info)
                .unwrap();
        }
        // Partial dates sort after the full dates of their first day, and
        // before the month's later days; the undated come last.
        store
            .conn()
            .execute_batch(
                "UPDATE statements SET date = substr(date, 1, 7) WHERE id % 7 = 0; \
                 UPDATE statements SET date = substr(date, 1, 4) WHERE id % 11 = 0; \
                 UPDATE statements SET date = NULL WHERE id % 13 = 0;",
            )
            .unwrap();
        let expected: Vec<i64> = store
            .conn()
            .prepare("SELECT id FROM statements ORDER BY date DESC, id DESC")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(expected.len() > 100);
        let f = Facets::load(&store, 0).unwrap();
        let got: Vec<i64> = f.rows.iter().map(|r| r.id).collect();
        assert_eq!(got, expected);
        assert!(f.rows.last().unwrap().day.is_none());
        assert!(f.rows.iter().all(|r| f.position[&r.id] as usize == got.iter().position(|&i| i == r.id).unwrap()));
    }

    #[test]
    fn bad_dates_are_reported() {
        let store = Store::open_in_memory().unwrap();
        let f = Facets::load(&store, 0).unwrap();
        let p = SearchParams {
            from: Some("yesterday-ish".into()),
            ..Default::default()
        };
        assert!(
            search(&store, &f, &p)
                .unwrap()
                .unwrap_err()
                .0
                .contains("from")
        );
        // Empty strings are absent.
        let p: SearchParams =
            serde_json::from_value(serde_json::json!({"issue": "", "stance": " ", "q": ""}))
                .unwrap();
        assert_eq!(search(&store, &f, &p).unwrap().unwrap().total, 0);
        assert!(f.is_empty());
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
