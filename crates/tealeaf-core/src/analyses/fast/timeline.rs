//! Timeline over facts.

use std::collections::HashMap;

use super::super::facts::{Facts, NONE, Sym};
use super::super::timeline::{group_of, round};
use super::super::{Bucket, GroupBy, TimelinePoint, stance_score};
use super::{Map, Page, Paging, Periods, ranks_by, sort_up_to};
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

/// A page of the timeline: `paging` of the points
/// [`timeline`] gives, and their number. Every statement is counted, but
/// only the page's points get their labels, periods and statement lists.
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
    // Groups by their sort key (label lower-cased, NUL, key), as the slow
    // version's map keys them.
    let mut group_index: HashMap<String, u32> = HashMap::new();
    let mut groups: Vec<(String, String, String)> = Vec::new();
    let mut point_index: Map<(u32, u32), u32> = Map::default();
    let mut points: Vec<Counts> = Vec::new();
    // The point of each row (`u32::MAX`: none), for the second pass.
    let mut row_point: Vec<u32> = vec![u32::MAX; f.len()];
    for (i, r) in f.rows.iter().enumerate() {
        let Some(p) = periods.get(f, r.date) else {
            continue;
        };
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
        let g = match group_memo.get(&key) {
            Some(&g) => g,
            None => {
                let g = group_of(pack, &f.probe(i), group_by).map(|(group, label)| {
                    let sort = label.to_lowercase() + "\u{0}" + &group;
                    let next = groups.len() as u32;
                    *group_index.entry(sort.clone()).or_insert_with(|| {
                        groups.push((sort, group, label));
                        next
                    })
                });
                group_memo.insert(key, g);
                g
            }
        };
        let Some(g) = g else { continue };
        let at = *point_index.entry((g, p)).or_insert_with(|| {
            points.push(Counts {
                group: g,
                period: p,
                support: 0,
                conditional: 0,
                neutral: 0,
                oppose: 0,
                net: 0.0,
            });
            (points.len() - 1) as u32
        });
        row_point[i] = at;
        let point = &mut points[at as usize];
        let stance = f.str(r.stance);
        match stance {
            Some("support") => point.support += 1,
            Some("conditional") => point.conditional += 1,
            Some("oppose") => point.oppose += 1,
            _ => point.neutral += 1,
        }
        point.net += stance_score(stance).unwrap_or(0.0);
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
