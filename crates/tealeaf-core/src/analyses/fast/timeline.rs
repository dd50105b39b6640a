//! Timeline over facts.

use std::collections::HashMap;

use super::super::facts::{Fact, Facts, NONE, Sym};
use super::super::timeline::{group_of, round};
use super::super::{Bucket, GroupBy, TimelinePoint, stance_score};
use super::{Map, Page, Paging, PerSym, Periods, ranks_by, sort_up_to};
use crate::pack::Pack;

/// Timeline over facts: as [`super::super::timeline()`] over the statements.
pub fn timeline(f: &Facts, pack: &Pack, group_by: GroupBy, bucket: Bucket) -> Vec<TimelinePoint> {
    timeline_page(f, pack, group_by, bucket, Paging::ALL).items
}

/// One point's counts, gathered for every point (the total needs them all;
/// they are a few numbers each).
#[derive(Clone, Copy)]
struct Counts {
    group: u32,
    period: u32,
    support: usize,
    conditional: usize,
    neutral: usize,
    oppose: usize,
    /// Sum of the scores in statement order, as the slow version sums them.
    net: f64,
}

/// The stances a point counts apart, by class number; any other stance
/// (or none) counts as neutral, as the slow version counts it.
const STANCE_CLASSES: [&str; 4] = ["support", "conditional", "neutral", "oppose"];
const NEUTRAL: u8 = 2;

/// A stance's class: its position in [`STANCE_CLASSES`].
fn stance_class(stance: Option<&str>) -> u8 {
    stance
        .and_then(|s| STANCE_CLASSES.iter().position(|c| *c == s))
        .map_or(NEUTRAL, |k| k as u8)
}

/// What a row's group depends on when it is a pair of symbols (actor,
/// faction, outlet: the fields `group_of` reads), packed in 64 bits:
/// fewer fields hash faster and fewer rows differ. `None` for the
/// groupings that read the pack and more fields.
fn pair_key(r: &Fact, group_by: GroupBy) -> Option<u64> {
    let pair = |a: Sym, b: Sym| Some(u64::from(a) << 32 | u64::from(b));
    match group_by {
        GroupBy::Actor => pair(r.speaker_id, r.speaker),
        GroupBy::Faction => pair(r.faction, NONE),
        GroupBy::Outlet => pair(r.outlet_id, r.outlet),
        GroupBy::Country | GroupBy::Institution => None,
    }
}

/// A page of the timeline: `paging` of the points
/// [`timeline`] gives, and their number. Every statement is counted, but
/// only the page's points get their labels, periods and statement lists.
///
/// Two passes: the first gives each row its group, period and stance
/// class (memo look-ups per row); the second takes the rows group by group
/// (in statement order within each), so a group's points are found in a
/// table indexed by period instead of a hash of (group, period) per row.
pub fn timeline_page(
    f: &Facts,
    pack: &Pack,
    group_by: GroupBy,
    bucket: Bucket,
    paging: Paging,
) -> Page<TimelinePoint> {
    let mut periods = Periods::new(f, bucket);
    // (speaker id, speaker, faction, outlet, outlet id, date, rule marker):
    // everything `group_of` reads; the date only matters for institutions.
    type Key = (Sym, Sym, Sym, Sym, Sym, Sym, bool);
    let mut group_memo: Map<Key, Option<u32>> = Map::default();
    let mut pair_memo: Map<u64, Option<u32>> = Map::default();
    // Groups by their sort key (label lower-cased, NUL, key), as the slow
    // version's map keys them.
    let mut group_index: HashMap<String, u32> = HashMap::new();
    let mut groups: Vec<(String, String, String)> = Vec::new();
    let mut group_of_row = |i: usize, r: &Fact| -> Option<u32> {
        let new_group = || {
            group_of(pack, &f.probe(i), group_by).map(|(group, label)| {
                let sort = label.to_lowercase() + "\u{0}" + &group;
                let next = groups.len() as u32;
                *group_index.entry(sort.clone()).or_insert_with(|| {
                    groups.push((sort, group, label));
                    next
                })
            })
        };
        if let Some(k) = pair_key(r, group_by) {
            return *pair_memo.entry(k).or_insert_with(new_group);
        }
        let date = if group_by == GroupBy::Institution {
            r.date
        } else {
            NONE
        };
        let key = (
            r.speaker_id,
            r.speaker,
            r.faction,
            r.outlet,
            r.outlet_id,
            date,
            r.outlet_rule,
        );
        *group_memo.entry(key).or_insert_with(new_group)
    };
    let mut class_of = PerSym::new(f);
    // The score of each class (an unknown stance, counted neutral, adds 0
    // as neutral does).
    let class_score = STANCE_CLASSES.map(|c| stance_score(Some(c)).unwrap_or(0.0));
    // Pass 1. `row_group[i]`: the group of row `i` (`u32::MAX`: none).
    let n = f.len();
    let mut row_group: Vec<u32> = vec![u32::MAX; n];
    let mut row_period: Vec<u32> = vec![0; n];
    let mut row_class: Vec<u8> = vec![0; n];
    let mut group_rows: Vec<u32> = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        let Some(p) = periods.get(f, r.date) else {
            continue;
        };
        let Some(g) = group_of_row(i, r) else {
            continue;
        };
        if g as usize == group_rows.len() {
            group_rows.push(0);
        }
        group_rows[g as usize] += 1;
        row_group[i] = g;
        row_period[i] = p;
        row_class[i] = class_of.get(r.stance, || stance_class(f.str(r.stance)));
    }
    // The rows of each group, in statement order (a counting sort).
    let mut next: Vec<u32> = Vec::with_capacity(group_rows.len());
    let mut total = 0u32;
    for &c in &group_rows {
        next.push(total);
        total += c;
    }
    let mut by_group: Vec<u32> = vec![0; total as usize];
    for (i, &g) in row_group.iter().enumerate() {
        if g != u32::MAX {
            let at = &mut next[g as usize];
            by_group[*at as usize] = i as u32;
            *at += 1;
        }
    }
    // Pass 2: the points of each group; `row_point[i]`: the point of row
    // `i` (`u32::MAX`: none), for citing the page's statements.
    let mut row_point = row_group;
    let mut points: Vec<Counts> = Vec::new();
    let mut point_of_period: Vec<u32> = vec![u32::MAX; periods.list.len()];
    let mut rows = by_group.as_slice();
    for (g, &count) in group_rows.iter().enumerate() {
        let (of_group, rest) = rows.split_at(count as usize);
        rows = rest;
        let first = points.len();
        for &i in of_group {
            let i = i as usize;
            let p = row_period[i];
            let slot = &mut point_of_period[p as usize];
            if *slot == u32::MAX {
                *slot = points.len() as u32;
                points.push(Counts {
                    group: g as u32,
                    period: p,
                    support: 0,
                    conditional: 0,
                    neutral: 0,
                    oppose: 0,
                    net: 0.0,
                });
            }
            row_point[i] = *slot;
            let point = &mut points[*slot as usize];
            let class = row_class[i];
            match class {
                0 => point.support += 1,
                1 => point.conditional += 1,
                3 => point.oppose += 1,
                _ => point.neutral += 1,
            }
            point.net += class_score[class as usize];
        }
        for c in &points[first..] {
            point_of_period[c.period as usize] = u32::MAX;
        }
    }
    // The slow version's order (group sort key, then period), by ranks.
    let group_rank = ranks_by(&groups, |a, b| a.0.cmp(&b.0));
    let period_rank = periods.ranks();
    // (One point per group and period: a total order.)
    let mut order: Vec<u32> = (0..points.len() as u32).collect();
    let key = |k: u32| {
        let c = &points[k as usize];
        (group_rank[c.group as usize], period_rank[c.period as usize])
    };
    let range = paging.range(order.len());
    sort_up_to(&mut order, range.end, |&a, &b| key(a).cmp(&key(b)));
    // Slot on the page of each point on it.
    let mut slot: Vec<u32> = vec![u32::MAX; points.len()];
    let mut items: Vec<TimelinePoint> = order[range.clone()]
        .iter()
        .enumerate()
        .map(|(n, &k)| {
            slot[k as usize] = n as u32;
            let c = &points[k as usize];
            let (_, group, label) = &groups[c.group as usize];
            let total = c.support + c.conditional + c.neutral + c.oppose;
            TimelinePoint {
                group: group.clone(),
                label: label.clone(),
                period: periods.list[c.period as usize].clone(),
                support: c.support,
                conditional: c.conditional,
                neutral: c.neutral,
                oppose: c.oppose,
                total,
                net: round(c.net / total as f64),
                statements: Vec::with_capacity(total),
            }
        })
        .collect();
    if !items.is_empty() {
        for (i, &k) in row_point.iter().enumerate() {
            if let Some(&s) = slot.get(k as usize)
                && s != u32::MAX
            {
                items[s as usize].statements.push(i);
            }
        }
    }
    Page::new(items, order.len(), paging)
}
