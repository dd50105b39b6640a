//! Facts: the fields of one issue's statements that timeline, shifts and
//! divergence read, with every string interned once.
//!
//! A store of a million statements holds hundreds of thousands on one
//! issue; building a [`Statement`] for each (a dozen owned strings) costs
//! more than the analyses themselves. [`Facts`] keeps one row of small
//! numbers per statement and the distinct strings in one buffer, and can be
//! written as bytes ([`Facts::to_bytes`]) so a store can keep it between
//! runs. The analyses over facts (`analyses::fast`) give the same results as
//! the ones over statements, indices included: row `i` is the `i`-th
//! statement on the issue in the order given.

use std::collections::HashMap;

use super::StatementRef;
use crate::Statement;
use crate::coding::Coding;
use crate::statements::Kind;

/// An interned string; [`NONE`] is a missing value (distinct from `""`).
pub type Sym = u32;
pub const NONE: Sym = 0;

/// One statement, as the analyses read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fact {
    pub doc: Sym,
    /// Char offsets, 32 bits: a row is 64 bytes, so half a million rows
    /// stay under the allocator's mmap threshold and are reused between
    /// queries instead of faulted in afresh. (Offsets past 4 G chars are
    /// kept as `u32::MAX`; no document the store takes is that long.)
    pub span: [u32; 2],
    pub attribution: u32,
    pub text: Sym,
    pub speaker: Sym,
    pub speaker_id: Sym,
    pub speaker_role: Sym,
    pub faction: Sym,
    pub outlet: Sym,
    pub outlet_id: Sym,
    pub affiliation: Sym,
    pub date: Sym,
    pub stance: Sym,
    /// Index into the condition lists (0: none).
    pub conditions: u32,
    /// Does the rule name the outlet as speaker (`speaker:outlet`,
    /// `speaker:document-outlet`)? The only use the analyses make of it.
    pub outlet_rule: bool,
}

// See `Fact::span`.
const _: () = assert!(std::mem::size_of::<Fact>() == 64);

/// One statement's fields, borrowed, for [`FactsBuilder::push`].
#[derive(Debug, Clone, Default)]
pub struct FactRow<'a> {
    pub doc: &'a str,
    pub span: [usize; 2],
    pub attribution: usize,
    pub text: &'a str,
    pub speaker: Option<&'a str>,
    pub speaker_id: Option<&'a str>,
    pub speaker_role: Option<&'a str>,
    pub faction: Option<&'a str>,
    pub outlet: Option<&'a str>,
    pub outlet_id: Option<&'a str>,
    pub affiliation: Option<&'a str>,
    pub date: Option<&'a str>,
    pub stance: Option<&'a str>,
    pub conditions: Vec<&'a str>,
    pub rule: &'a str,
}

/// The statements of one issue, compact.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub issue: String,
    /// Every distinct string, one after the other.
    pub(super) buf: String,
    /// `buf` range of each symbol (index 0 unused).
    pub(super) ranges: Vec<(u32, u32)>,
    /// Condition lists (index 0: empty).
    pub(super) lists: Vec<Vec<Sym>>,
    pub rows: Vec<Fact>,
}

/// Interns strings and condition lists while facts are collected.
pub struct FactsBuilder {
    facts: Facts,
    strings: HashMap<String, Sym>,
    lists: HashMap<Vec<Sym>, u32>,
}

impl FactsBuilder {
    pub fn new(issue: &str) -> FactsBuilder {
        FactsBuilder {
            facts: Facts {
                issue: issue.to_string(),
                ranges: vec![(0, 0)],
                lists: vec![Vec::new()],
                ..Facts::default()
            },
            strings: HashMap::new(),
            lists: HashMap::new(),
        }
    }

    fn sym(&mut self, s: Option<&str>) -> Sym {
        let Some(s) = s else { return NONE };
        if let Some(&k) = self.strings.get(s) {
            return k;
        }
        let f = &mut self.facts;
        let start = f.buf.len() as u32;
        f.buf.push_str(s);
        f.ranges.push((start, f.buf.len() as u32));
        let k = (f.ranges.len() - 1) as Sym;
        self.strings.insert(s.to_string(), k);
        k
    }

    pub fn push(&mut self, r: &FactRow<'_>) {
        let conditions = if r.conditions.is_empty() {
            0
        } else {
            let list: Vec<Sym> = r.conditions.iter().map(|c| self.sym(Some(c))).collect();
            let next = self.facts.lists.len() as u32;
            let k = *self.lists.entry(list.clone()).or_insert(next);
            if k == next {
                self.facts.lists.push(list);
            }
            k
        };
        let narrow = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let fact = Fact {
            doc: self.sym(Some(r.doc)),
            span: r.span.map(narrow),
            attribution: narrow(r.attribution),
            text: self.sym(Some(r.text)),
            speaker: self.sym(r.speaker),
            speaker_id: self.sym(r.speaker_id),
            speaker_role: self.sym(r.speaker_role),
            faction: self.sym(r.faction),
            outlet: self.sym(r.outlet),
            outlet_id: self.sym(r.outlet_id),
            affiliation: self.sym(r.affiliation),
            date: self.sym(r.date),
            stance: self.sym(r.stance),
            conditions,
            outlet_rule: r.rule.contains("speaker:outlet")
                || r.rule.contains("speaker:document-outlet"),
        };
        self.facts.rows.push(fact);
    }

    pub fn finish(self) -> Facts {
        self.facts
    }
}

impl Facts {
    /// The statements coded on `issue`, in the order given.
    pub fn from_statements(statements: &[Statement], issue: &str) -> Facts {
        let mut b = FactsBuilder::new(issue);
        for s in statements
            .iter()
            .filter(|s| s.coding.topic.as_deref() == Some(issue))
        {
            b.push(&FactRow {
                doc: &s.doc,
                span: s.span,
                attribution: s.attribution,
                text: &s.text,
                speaker: s.speaker.as_deref(),
                speaker_id: s.speaker_id.as_deref(),
                speaker_role: s.speaker_role.as_deref(),
                faction: s.faction.as_deref(),
                outlet: s.outlet.as_deref(),
                outlet_id: s.outlet_id.as_deref(),
                affiliation: s.outlet_affiliation.as_deref(),
                date: s.date.as_deref(),
                stance: s.coding.stance.as_deref(),
                conditions: s.coding.conditions.iter().map(String::as_str).collect(),
                rule: &s.rule,
            });
        }
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many symbols there are ([`NONE`] included): every symbol is
    /// below it.
    pub fn symbols(&self) -> usize {
        // Facts read from bytes may have no table at all, [`NONE`] still.
        self.ranges.len().max(1)
    }

    /// The string of a symbol; `None` for [`NONE`].
    pub fn str(&self, k: Sym) -> Option<&str> {
        if k == NONE {
            return None;
        }
        let (a, b) = self.ranges[k as usize];
        Some(&self.buf[a as usize..b as usize])
    }

    fn string(&self, k: Sym) -> Option<String> {
        self.str(k).map(str::to_string)
    }

    /// The conditions of row `i`.
    pub fn conditions(&self, i: usize) -> impl Iterator<Item = &str> + '_ {
        self.lists[self.rows[i].conditions as usize]
            .iter()
            .map(|&k| self.str(k).unwrap_or_default())
    }

    /// The conditions of row `i` as symbols: equal symbols are equal
    /// strings, so lists compare without reading them.
    pub fn condition_syms(&self, i: usize) -> &[Sym] {
        self.list(self.rows[i].conditions)
    }

    /// A condition list by its index ([`Fact::conditions`]).
    pub fn list(&self, k: u32) -> &[Sym] {
        &self.lists[k as usize]
    }

    /// Row `i` cited as evidence, as [`StatementRef::new`] cites a statement.
    pub fn statement_ref(&self, i: usize) -> StatementRef {
        let f = &self.rows[i];
        StatementRef {
            index: i,
            doc: self.string(f.doc).unwrap_or_default(),
            span: f.span.map(|x| x as usize),
            text: self.string(f.text).unwrap_or_default(),
            date: self.string(f.date),
            speaker: self.string(f.speaker),
            speaker_role: self.string(f.speaker_role),
            outlet: self.string(f.outlet),
            stance: self.string(f.stance),
            conditions: self.conditions(i).map(str::to_string).collect(),
        }
    }

    /// A statement with the fields of row `i` that the analyses' helpers
    /// read (speaker, outlet, date, rule marker, stance): lets the fast
    /// analyses call the same helpers as the slow ones, once per distinct
    /// combination.
    pub(crate) fn probe(&self, i: usize) -> Statement {
        self.probe_of(i, true)
    }

    /// As [`Facts::probe`] with only the speaker id and the date (`full`:
    /// every field): all that a pack actor's voice depends on, for callers
    /// that probe once per actor and day.
    pub(crate) fn probe_of(&self, i: usize, full: bool) -> Statement {
        let f = &self.rows[i];
        let some = |k: Sym| if full { self.string(k) } else { None };
        Statement {
            doc: String::new(),
            span: f.span.map(|x| x as usize),
            text: String::new(),
            quote_span: [0, 0],
            attribution: f.attribution as usize,
            kind: Kind::Indirect,
            direct: false,
            speaker: some(f.speaker),
            speaker_mention: None,
            speaker_span: None,
            speaker_role: some(f.speaker_role),
            speaker_id: self.string(f.speaker_id),
            faction: some(f.faction),
            outlet: some(f.outlet),
            outlet_id: some(f.outlet_id),
            outlet_affiliation: some(f.affiliation),
            date: self.string(f.date),
            date_precision: None,
            cue: None,
            confidence: 0.0,
            rule: if f.outlet_rule {
                "speaker:outlet".into()
            } else {
                String::new()
            },
            coding: Coding {
                topic: Some(self.issue.clone()),
                stance: some(f.stance),
                ..Coding::default()
            },
        }
    }
}
