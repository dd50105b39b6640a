//! Shifts over facts.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::super::Shift;
use super::super::facts::{Facts, Sym};
use super::{Map, Page, Paging, days, positions, ranks_by, sort_up_to};

/// Which shifts to keep, before paging (so that the total counts them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShiftFilter<'a> {
    /// Only this actor's (pack id, else the name: [`Shift::actor`]).
    pub actor: Option<&'a str>,
    /// Only reversals ([`Shift::reversal`]).
    pub reversals: bool,
}

/// Shifts over facts: as [`super::super::shifts()`] over the statements.
pub fn shifts(f: &Facts) -> Vec<Shift> {
    shifts_page(f, ShiftFilter::default(), Paging::ALL).items
}

/// A statement of an actor, with what orders it (the slow version's
/// order: day, document by id, start, row) and what the comparison of
/// consecutive statements reads: the rows themselves, half a million
/// scattered over 32 MB, are not read again.
#[derive(Clone, Copy)]
struct Said {
    day: NaiveDate,
    doc: Sym,
    start: u32,
    row: u32,
    attribution: u32,
    stance: Sym,
    conditions: u32,
}

/// A shift found, before it is built: what orders it and its two rows.
struct Found {
    /// The later statement's day, the actor's rank by key, its document,
    /// place and row: the slow version's sort key (date, actor, document
    /// id, start, index), kept here so the sort reads no rows.
    day: NaiveDate,
    actor_rank: u32,
    to_doc: Sym,
    to_start: u32,
    to: u32,
    from: u32,
    actor: u32,
}

/// A page of the shifts [`shifts`] gives (those `filter` keeps), and their
/// number. Every consecutive pair is compared on symbols (no strings, no
/// allocation); only the page's shifts are built and cite their
/// statements.
pub fn shifts_page(f: &Facts, filter: ShiftFilter<'_>, paging: Paging) -> Page<Shift> {
    // Same-day statements by document id, as the slow version orders them.
    // Ids are compared only where days tie, not ranked up front: that
    // cost a sort of every row's document.
    let by_doc_id = |a: Sym, b: Sym| {
        if a == b {
            std::cmp::Ordering::Equal
        } else {
            f.str(a).cmp(&f.str(b))
        }
    };
    let mut day = days(f);
    let mut position = positions(f);
    // Actor keys (pack id, else name) by (speaker id, speaker).
    let mut actor_memo: Map<(Sym, Sym), Option<u32>> = Map::default();
    let mut actor_index: HashMap<String, u32> = HashMap::new();
    let mut actors: Vec<String> = Vec::new();
    let mut by_actor: Vec<Vec<Said>> = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        let Some(d) = day(r.date) else {
            continue;
        };
        if position(r.stance).is_none() {
            continue;
        }
        let a = *actor_memo
            .entry((r.speaker_id, r.speaker))
            .or_insert_with(|| {
                let key = f
                    .str(r.speaker_id)
                    .or(f.str(r.speaker))
                    .filter(|k| !k.trim().is_empty())?;
                let next = actors.len() as u32;
                Some(*actor_index.entry(key.to_string()).or_insert_with(|| {
                    actors.push(key.to_string());
                    by_actor.push(Vec::new());
                    next
                }))
            });
        if let Some(a) = a {
            by_actor[a as usize].push(Said {
                day: d,
                doc: r.doc,
                start: r.span[0],
                row: i as u32,
                attribution: r.attribution,
                stance: r.stance,
                conditions: r.conditions,
            });
        }
    }
    let actor_rank = ranks_by(&actors, |a, b| a.cmp(b));
    let mut found: Vec<Found> = Vec::new();
    for (a, mut idx) in by_actor.into_iter().enumerate() {
        if filter.actor.is_some_and(|k| k != actors[a]) {
            continue;
        }
        // Keys end with the row, so no two are equal: an unstable sort
        // gives the stable order.
        idx.sort_unstable_by(|a, b| {
            a.day
                .cmp(&b.day)
                .then_with(|| by_doc_id(a.doc, b.doc))
                .then(a.start.cmp(&b.start))
                .then(a.row.cmp(&b.row))
        });
        for w in idx.windows(2) {
            let (x, y) = (&w[0], &w[1]);
            let (ia, ib) = (x.row as usize, y.row as usize);
            if x.doc == y.doc && x.attribution == y.attribution {
                continue;
            }
            // Equal symbols are equal strings, so conditions compare as
            // symbol sets.
            if x.stance == y.stance
                && (x.conditions == y.conditions || {
                    let (cx, cy) = (f.list(x.conditions), f.list(y.conditions));
                    cy.iter().all(|c| cx.contains(c)) && cx.iter().all(|c| cy.contains(c))
                })
            {
                continue;
            }
            if filter.reversals {
                let (sx, sy) = (
                    position(x.stance).unwrap_or(0.0),
                    position(y.stance).unwrap_or(0.0),
                );
                if !reversal(sx, sy) {
                    continue;
                }
            }
            found.push(Found {
                day: y.day,
                actor_rank: actor_rank[a],
                to_doc: y.doc,
                to_start: y.start,
                to: ib as u32,
                from: ia as u32,
                actor: a as u32,
            });
        }
    }
    // As the slow version: same-day shifts of one actor by their later
    // statement's document rank and place. (A total order: no two shifts
    // end on the same row.)
    let order = |p: &Found, q: &Found| {
        (p.day, p.actor_rank)
            .cmp(&(q.day, q.actor_rank))
            .then_with(|| by_doc_id(p.to_doc, q.to_doc))
            .then(p.to_start.cmp(&q.to_start))
            .then(p.to.cmp(&q.to))
    };
    let range = paging.range(found.len());
    // (A page of 200 out of 232,000 shifts sorted them all before.)
    sort_up_to(&mut found, range.end, order);
    let items = found[range]
        .iter()
        .map(|s| {
            let (ia, ib) = (s.from as usize, s.to as usize);
            let (x, y) = (&f.rows[ia], &f.rows[ib]);
            let actor = &actors[s.actor as usize];
            let added: Vec<String> = f
                .conditions(ib)
                .filter(|c| !f.conditions(ia).any(|d| d == *c))
                .map(str::to_string)
                .collect();
            let dropped: Vec<String> = f
                .conditions(ia)
                .filter(|c| !f.conditions(ib).any(|d| d == *c))
                .map(str::to_string)
                .collect();
            let (sx, sy) = (
                position(x.stance).unwrap_or(0.0),
                position(y.stance).unwrap_or(0.0),
            );
            let days = day(x.date).map_or(0, |d1| (s.day - d1).num_days());
            Shift {
                actor: actor.clone(),
                speaker: f
                    .str(y.speaker)
                    .or(f.str(x.speaker))
                    .map_or_else(|| actor.clone(), str::to_string),
                from: f.statement_ref(ia),
                to: f.statement_ref(ib),
                from_score: sx,
                to_score: sy,
                stance_changed: x.stance != y.stance,
                direction: super::super::shifts::direction(sx, sy, &added, &dropped),
                conditions_added: added,
                conditions_dropped: dropped,
                reversal: reversal(sx, sy),
                days,
            }
        })
        .collect();
    Page::new(items, found.len(), paging)
}

/// Are the two scores on opposite sides of the open/closed line?
fn reversal(from: f64, to: f64) -> bool {
    (from > 0.0 && to < 0.0) || (from < 0.0 && to > 0.0)
}
