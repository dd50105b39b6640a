//! Timeline, shifts and divergence without decoding the corpus: the
//! issue's stored facts (`Store::issue_facts`) and `analyses::fast`, giving
//! the JSON [`crate::analysis`] gives over the [`crate::analysis::Corpus`].
//!
//! Loading the corpus means decoding the JSON of every statement (seconds
//! on a million). The results must still be the corpus' own: they cite
//! statements by index into the corpus' period slice (every topic, oldest
//! first), and shifts order same-day statements by the rank of their
//! document in that slice. So the server keeps an [`Order`]: the corpus
//! position of every statement, read from one of the store's indexes
//! (`statements_order`: document, ordinal and date) without touching the
//! wide rows. The facts are put into corpus order
//! ([`IssueView`]); row `k` of a period's facts is then the slice index
//! `pos[k] - start`, a map that keeps order, so the fast analyses' own
//! orderings (by index) are the slow ones'. (The corpus leaves out a row
//! whose JSON the analyses cannot read, which the store never writes; the
//! order does not, so such a row would shift the indices after it.)

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde_json::Value;
use tealeaf_core::Pack;
use tealeaf_core::analyses::{self, Facts, Page, ShiftFilter, fast};
use tealeaf_store::Store;

use crate::analysis::{self, Resolved};

/// The corpus order of every stored statement.
pub struct Order {
    /// The [`crate::App`] write generation this was loaded at.
    pub generation: u64,
    /// Store id at each corpus position.
    ids: Vec<i64>,
    /// First day of each position's date (`None`: undated, all at the end).
    days: Vec<Option<NaiveDate>>,
    /// (store id, position), sorted by id.
    by_id: Vec<(i64, u32)>,
    /// Do two documents share a key? The slow shifts rank documents by key,
    /// which the order cannot reproduce then: such stores take the slow path.
    shared_doc_keys: bool,
}

/// The date's sort key as the corpus query computes it:
/// `substr(date || '-01-01', 1, 10)`, zero-padded, with its length (SQLite
/// compares bytes, then lengths).
fn sort_key(date: &str) -> ([u8; 10], u8) {
    let mut key = [0u8; 10];
    let mut n = 0;
    for c in date.chars().chain("-01-01".chars()).take(10) {
        let mut b = [0u8; 4];
        for &x in c.encode_utf8(&mut b).as_bytes() {
            if n < 10 {
                key[n] = x;
                n += 1;
            }
        }
    }
    (key, n as u8)
}

impl Order {
    pub fn load(store: &Store, generation: u64) -> anyhow::Result<Order> {
        let conn = store.conn();
        // Extraction order (the corpus' tie-break within one day) and each
        // statement's date, in one scan of the narrow `statements_order`
        // index (schema 10), which holds both.
        let mut st =
            conn.prepare("SELECT id, date FROM statements ORDER BY document_id, ordinal")?;
        let mut rows = st.query([])?;
        let mut in_doc_order: Vec<i64> = Vec::new();
        // (undated, day key, extraction rank), the corpus' ORDER BY.
        type Key = (bool, [u8; 10], u8, u32);
        let mut keyed: Vec<(Key, Option<NaiveDate>)> = Vec::new();
        // Each distinct date is parsed once: its sort key and first day.
        type Parsed = (([u8; 10], u8), Option<NaiveDate>);
        let mut parsed: HashMap<String, Parsed> = HashMap::new();
        while let Some(r) = rows.next()? {
            let k = in_doc_order.len() as u32;
            in_doc_order.push(r.get(0)?);
            let key = match r.get_ref(1)?.as_str_or_null()? {
                None => ((true, [0; 10], 0, k), None),
                Some(date) => {
                    let ((key, n), day) = match parsed.get(date) {
                        Some(p) => *p,
                        None => {
                            let p = (sort_key(date), analyses::parse_date(date).map(|d| d.0));
                            parsed.insert(date.to_string(), p);
                            p
                        }
                    };
                    ((false, key, n, k), day)
                }
            };
            keyed.push(key);
        }
        keyed.sort_unstable_by_key(|x| x.0);
        let mut o = Order {
            generation,
            ids: Vec::with_capacity(keyed.len()),
            days: Vec::with_capacity(keyed.len()),
            by_id: Vec::with_capacity(keyed.len()),
            shared_doc_keys: false,
        };
        for (p, ((_, _, _, k), day)) in keyed.into_iter().enumerate() {
            let id = in_doc_order[k as usize];
            o.ids.push(id);
            o.days.push(day);
            o.by_id.push((id, p as u32));
        }
        o.by_id.sort_unstable();
        o.shared_doc_keys = conn.query_row(
            "SELECT count(*) <> count(DISTINCT doc_key) FROM documents",
            [],
            |r| r.get(0),
        )?;
        Ok(o)
    }

    /// As `Corpus::period`: the positions of the statements dated within
    /// `[from, to]`.
    pub fn period(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Range<usize> {
        analysis::period_range(&self.days, from, to)
    }

    fn position(&self, id: i64) -> Option<u32> {
        let k = self.by_id.binary_search_by_key(&id, |x| x.0).ok()?;
        Some(self.by_id[k].1)
    }

    /// The store id at corpus position `p`.
    pub fn id(&self, p: usize) -> Option<i64> {
        self.ids.get(p).copied()
    }
}

/// One issue's facts in corpus order, with the corpus position of each row.
pub struct IssueView {
    pub generation: u64,
    pub facts: Facts,
    pub positions: Vec<u32>,
}

impl IssueView {
    pub fn load(store: &Store, order: &Order, issue: &str) -> anyhow::Result<IssueView> {
        let stored = store.issue_facts(issue)?;
        let mut rows: Vec<(u32, usize)> = Vec::with_capacity(stored.ids.len());
        for (i, &id) in stored.ids.iter().enumerate() {
            let p = order
                .position(id)
                .ok_or_else(|| anyhow::anyhow!("statement {id} is not in the corpus order"))?;
            rows.push((p, i));
        }
        rows.sort_unstable();
        let mut facts = stored.facts;
        let old = std::mem::take(&mut facts.rows);
        facts.rows = rows.iter().map(|&(_, i)| old[i]).collect();
        Ok(IssueView {
            generation: order.generation,
            facts,
            positions: rows.into_iter().map(|(p, _)| p).collect(),
        })
    }
}

/// The issue's facts within a period, and what their rows are in the
/// corpus' period slice.
pub struct Slice<'a> {
    pub facts: Cow<'a, Facts>,
    order: &'a Order,
    /// Corpus position of each row.
    positions: &'a [u32],
    /// First corpus position of the period.
    start: usize,
}

impl<'a> Slice<'a> {
    /// The rows of `view` within `r`'s period; `None` when this store must
    /// take the slow path.
    pub fn new(order: &'a Order, view: &'a IssueView, r: &Resolved) -> Option<Slice<'a>> {
        if order.shared_doc_keys {
            return None;
        }
        let range = order.period(r.from, r.to);
        let p = &view.positions;
        let a = p.partition_point(|&x| (x as usize) < range.start);
        let b = p.partition_point(|&x| (x as usize) < range.end);
        let facts = if a == 0 && b == p.len() {
            Cow::Borrowed(&view.facts)
        } else {
            // `Facts` keeps its strings private: the copy takes them whole
            // and keeps only the period's rows.
            let mut f = view.facts.clone();
            f.rows.truncate(b);
            f.rows.drain(..a);
            Cow::Owned(f)
        };
        Some(Slice {
            facts,
            order,
            positions: &p[a..b],
            start: range.start,
        })
    }

    /// Index in the corpus' period slice of row `k`.
    fn index(&self, k: usize) -> usize {
        self.positions[k] as usize - self.start
    }

    /// Store id of the statement at index `i` of the period slice.
    fn id(&self, i: usize) -> Option<i64> {
        self.order.id(self.start + i)
    }

    /// The answer `envelope(list)` would give, as JSON bytes, without
    /// building the whole answer as one `Value`: each element of `items`
    /// becomes a `Value` with its ids attached and is written at once (a
    /// tree of hundreds of thousands of cited statements costs more to
    /// build and free than the analysis). The envelope is rendered around
    /// a placeholder, so its keys keep `Value`'s order.
    fn render<T>(
        &self,
        items: &[T],
        envelope: impl FnOnce(Value) -> Value,
        write: impl Fn(&mut Vec<u8>, &T),
    ) -> Vec<u8> {
        const HOLE: &str = "\u{0}items\u{0}";
        let outer = serde_json::to_vec(&envelope(Value::String(HOLE.into()))).unwrap_or_default();
        let hole = serde_json::to_vec(HOLE).unwrap_or_default();
        let at = outer
            .windows(hole.len())
            .position(|w| w == hole.as_slice())
            .unwrap_or(outer.len());
        let mut out = Vec::with_capacity(outer.len() + items.len() * 256);
        out.extend_from_slice(&outer[..at]);
        array(&mut out, items, write);
        out.extend_from_slice(&outer[(at + hole.len()).min(outer.len())..]);
        out
    }

    /// One element as `attach_ids(to_value(x))` writes it.
    fn write_value<T: serde::Serialize>(&self, out: &mut Vec<u8>, x: &T) {
        let mut v = serde_json::to_value(x).unwrap_or_default();
        analysis::attach_ids(&mut v, &|i| self.id(i));
        let _ = serde_json::to_writer(out, &v);
    }

    /// A cited statement as [`Slice::write_value`] writes it (keys in
    /// `Value`'s sorted order, the store id added), without the `Value`.
    fn write_ref(&self, out: &mut Vec<u8>, s: &analyses::StatementRef) {
        let id = self.id(s.index);
        out.push(b'{');
        field(out, "conditions", &s.conditions, true);
        field(out, "date", &s.date, false);
        field(out, "doc", &s.doc, false);
        if let Some(id) = id {
            field(out, "id", &id, false);
        }
        field(out, "index", &s.index, false);
        field(out, "outlet", &s.outlet, false);
        field(out, "span", &s.span, false);
        field(out, "speaker", &s.speaker, false);
        field(out, "speaker_role", &s.speaker_role, false);
        field(out, "stance", &s.stance, false);
        field(out, "text", &s.text, false);
        out.push(b'}');
    }

    /// A shift as [`Slice::write_value`] writes it: shifts are the largest
    /// answer (two cited statements each, hundreds of thousands of them),
    /// and a `Value` per shift costs more in allocations than the rest.
    fn write_shift(&self, out: &mut Vec<u8>, s: &analyses::Shift) {
        out.push(b'{');
        field(out, "actor", &s.actor, true);
        field(out, "conditions_added", &s.conditions_added, false);
        field(out, "conditions_dropped", &s.conditions_dropped, false);
        field(out, "days", &s.days, false);
        field(out, "direction", &s.direction, false);
        out.extend_from_slice(b",\"from\":");
        self.write_ref(out, &s.from);
        field(out, "from_score", &s.from_score, false);
        field(out, "reversal", &s.reversal, false);
        field(out, "speaker", &s.speaker, false);
        field(out, "stance_changed", &s.stance_changed, false);
        out.extend_from_slice(b",\"to\":");
        self.write_ref(out, &s.to);
        field(out, "to_score", &s.to_score, false);
        out.push(b'}');
    }

    /// A divergence window as [`Slice::write_value`] writes it (keys in
    /// `Value`'s sorted order, ids attached), without the `Value`: a page
    /// of 200 windows lists tens of thousands of statements and cites
    /// thousands of pairs, and the tree costs more than the analysis.
    fn write_window(&self, out: &mut Vec<u8>, w: &analyses::DivergenceWindow) {
        out.push(b'{');
        field(out, "government", &w.government, true);
        field(out, "index", &w.index, false);
        field(out, "mean", &w.mean, false);
        out.extend_from_slice(b",\"pairs\":");
        array(out, &w.pairs, |out, x| {
            out.push(b'{');
            field(out, "closed", &x.closed, true);
            field(out, "closed_score", &x.closed_score, false);
            out.extend_from_slice(b",\"closed_statement\":");
            self.write_ref(out, &x.closed_statement);
            field(out, "gap", &x.gap, false);
            field(out, "open", &x.open, false);
            field(out, "open_score", &x.open_score, false);
            out.extend_from_slice(b",\"open_statement\":");
            self.write_ref(out, &x.open_statement);
            out.push(b'}');
        });
        // A `Value` sorts the period's keys too.
        let period = serde_json::to_value(&w.period).unwrap_or_default();
        field(out, "period", &period, false);
        out.extend_from_slice(b",\"voices\":");
        array(out, &w.voices, |out, v| {
            out.push(b'{');
            field(out, "affiliation", &v.affiliation, true);
            field(out, "key", &v.key, false);
            field(out, "kind", &v.kind, false);
            field(out, "label", &v.label, false);
            field(out, "members", &v.members, false);
            field(out, "score", &v.score, false);
            let ids: Vec<i64> = v.statements.iter().filter_map(|&i| self.id(i)).collect();
            field(out, "statement_ids", &ids, false);
            field(out, "statements", &v.statements, false);
            field(out, "utterances", &v.utterances, false);
            out.push(b'}');
        });
        out.push(b'}');
    }

    /// Timeline, as `analysis::timeline` (its JSON, as bytes).
    pub fn timeline(&self, pack: &Pack, r: &Resolved) -> Vec<u8> {
        let mut page = fast::timeline_page(&self.facts, pack, r.by, r.window, r.paging);
        for p in &mut page.items {
            for i in &mut p.statements {
                *i = self.index(*i);
            }
        }
        self.render(
            &page.items,
            |v| analysis::paged(analysis::timeline_json(r, v), &page),
            |out, x| self.write_value(out, x),
        )
    }

    /// The page of shifts `r` asks for, as `analysis::shifts` pages
    /// `analysis::shift_list` (indices into the period slice).
    pub fn shift_page(&self, r: &Resolved) -> Page<analyses::Shift> {
        let filter = ShiftFilter {
            actor: r.actor.as_deref(),
            reversals: false,
        };
        let mut page = fast::shifts_page(&self.facts, filter, r.paging);
        for s in &mut page.items {
            s.from.index = self.index(s.from.index);
            s.to.index = self.index(s.to.index);
        }
        page
    }

    /// Shifts, as `analysis::shifts` (its JSON, as bytes).
    pub fn shifts(&self, r: &Resolved) -> Vec<u8> {
        let page = self.shift_page(r);
        self.render(
            &page.items,
            |v| analysis::paged(analysis::shifts_json(r, v), &page),
            |out, x| self.write_shift(out, x),
        )
    }

    /// The page of divergence windows `r` asks for, as `analysis::divergence`
    /// pages `analysis::divergence_windows`.
    pub fn divergence_page(&self, pack: &Pack, r: &Resolved) -> Page<analyses::DivergenceWindow> {
        let Some(government) = r.government.as_deref() else {
            return Page::of_whole(Vec::new(), r.paging);
        };
        let mut page = fast::divergence_page(&self.facts, pack, government, r.window, r.paging);
        for w in &mut page.items {
            for v in &mut w.voices {
                for i in &mut v.statements {
                    *i = self.index(*i);
                }
            }
            for x in &mut w.pairs {
                x.open_statement.index = self.index(x.open_statement.index);
                x.closed_statement.index = self.index(x.closed_statement.index);
            }
        }
        page
    }

    /// Divergence, as `analysis::divergence` (its JSON, as bytes).
    pub fn divergence(&self, pack: &Pack, r: &Resolved) -> Vec<u8> {
        let page = self.divergence_page(pack, r);
        self.render(
            &page.items,
            |v| analysis::paged(analysis::divergence_json(r, v), &page),
            |out, x| self.write_window(out, x),
        )
    }
}

/// Writes `[x,…]`, each element written by `write`.
fn array<T>(out: &mut Vec<u8>, items: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (n, x) in items.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write(out, x);
    }
    out.push(b']');
}

/// Writes `"key":value` (after a comma unless `first`), the value as
/// `serde_json` writes it.
fn field<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, key: &str, value: &T, first: bool) {
    if !first {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    let _ = serde_json::to_writer(&mut *out, value);
}
