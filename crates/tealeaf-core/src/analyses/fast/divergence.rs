//! Divergence over facts.

use std::collections::{BTreeMap, HashMap};

use super::super::divergence::{Gathered, finish, voice_of};
use super::super::facts::{Facts, NONE, Sym};
use super::super::{Bucket, DivergenceWindow, Period, VoiceKind, stance_score};
use super::{Map, Page, Paging, Periods, positions};
use crate::pack::Pack;

/// Divergence over facts: as [`super::super::divergence()`] over the
/// statements.
pub fn divergence(
    f: &Facts,
    pack: &Pack,
    government: &str,
    window: Bucket,
) -> Vec<DivergenceWindow> {
    divergence_page(f, pack, government, window, Paging::ALL).items
}

/// One voice of the government in one window, being gathered.
struct Acc {
    voice: u32,
    /// The last statement's voice details (label, affiliation) win, as in
    /// the slow version.
    last: u32,
    members: Vec<u32>,
    /// (document, attribution, score) per statement.
    parts: Vec<(Sym, usize, f64)>,
    statements: Vec<usize>,
}

/// A page of the windows [`divergence`] gives, and their number. Every
/// statement is placed in its window and voice, but only the page's
/// windows gather their statements, score their voices and cite pairs.
pub fn divergence_page(
    f: &Facts,
    pack: &Pack,
    government: &str,
    window: Bucket,
    paging: Paging,
) -> Page<DivergenceWindow> {
    type Voiced = (String, VoiceKind, String, Option<String>, String);
    let mut periods = Periods::new(window);
    let mut position = positions(f);
    // Everything `voice_of` reads: speaker id, speaker, date, outlet,
    // outlet id, affiliation, rule marker. It reads the date only for a
    // pack actor, and nothing else then: the keys keep only what is read,
    // so there are fewer of them (the probe on a new key allocates).
    type Key = (Sym, Sym, Sym, Sym, Sym, Sym, bool);
    let mut voice_memo: Map<Key, Option<u32>> = Map::default();
    let mut is_actor: Map<Sym, bool> = Map::default();
    let mut voiced: Vec<Voiced> = Vec::new();
    // Voice keys and member names, interned.
    let mut key_index: HashMap<String, u32> = HashMap::new();
    let mut voice_key: Vec<u32> = Vec::new();
    let mut member_index: HashMap<String, u32> = HashMap::new();
    let mut voice_member: Vec<u32> = Vec::new();
    let mut member_names: Vec<String> = Vec::new();
    // (period, voice key) → acc, and the period of each acc.
    let mut acc_index: Map<(u32, u32), u32> = Map::default();
    let mut acc_period: Vec<u32> = Vec::new();
    // (row, acc, voice) of every voiced statement, in row order.
    let mut placed: Vec<(u32, u32, u32)> = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        if position(r.stance).is_none() {
            continue;
        }
        let Some(p) = periods.get(f, r.date) else {
            continue;
        };
        let actor = *is_actor.entry(r.speaker_id).or_insert_with(|| {
            f.str(r.speaker_id)
                .is_some_and(|id| pack.actor_index(id).is_some())
        });
        let key = if actor {
            (r.speaker_id, NONE, r.date, NONE, NONE, NONE, false)
        } else {
            (
                r.speaker_id,
                r.speaker,
                NONE,
                r.outlet,
                r.outlet_id,
                r.affiliation,
                r.outlet_rule,
            )
        };
        let v = match voice_memo.get(&key) {
            Some(&v) => v,
            None => {
                let v = voice_of(pack, &f.probe_of(i, !actor), government).map(|vd| {
                    let next = key_index.len() as u32;
                    voice_key.push(*key_index.entry(vd.0.clone()).or_insert(next));
                    let next = member_index.len() as u32;
                    voice_member.push(*member_index.entry(vd.4.clone()).or_insert_with(|| {
                        member_names.push(vd.4.clone());
                        next
                    }));
                    voiced.push(vd);
                    (voiced.len() - 1) as u32
                });
                voice_memo.insert(key, v);
                v
            }
        };
        let Some(v) = v else { continue };
        let acc = *acc_index
            .entry((p, voice_key[v as usize]))
            .or_insert_with(|| {
                acc_period.push(p);
                (acc_period.len() - 1) as u32
            });
        placed.push((i as u32, acc, v));
    }
    // The windows (periods with a voice) in period order, and the page's.
    let mut windows: Vec<u32> = acc_period.clone();
    windows.sort_unstable();
    windows.dedup();
    windows.sort_by(|&a, &b| periods.list[a as usize].cmp(&periods.list[b as usize]));
    let total = windows.len();
    let mut on_page = vec![false; periods.list.len()];
    for &p in &windows[paging.range(total)] {
        on_page[p as usize] = true;
    }
    let mut accs: Vec<Option<Acc>> = acc_period.iter().map(|_| None).collect();
    for &(i, a, v) in &placed {
        if !on_page[acc_period[a as usize] as usize] {
            continue;
        }
        let r = &f.rows[i as usize];
        let acc = accs[a as usize].get_or_insert_with(|| Acc {
            voice: v,
            last: v,
            members: Vec::new(),
            parts: Vec::new(),
            statements: Vec::new(),
        });
        acc.last = v;
        let member = voice_member[v as usize];
        if !acc.members.contains(&member) {
            acc.members.push(member);
        }
        acc.parts
            .push((r.doc, r.attribution, position(r.stance).unwrap_or(0.0)));
        acc.statements.push(i as usize);
    }
    // Documents in the order of their ids (strings), for summing utterances
    // in the slow version's (document, attribution) order.
    let mut docs: Vec<Sym> = accs
        .iter()
        .flatten()
        .flat_map(|a| a.parts.iter().map(|x| x.0))
        .collect();
    docs.sort_unstable();
    docs.dedup();
    docs.sort_by(|a, b| f.str(*a).cmp(&f.str(*b)));
    let doc_order: Map<Sym, u32> = docs
        .iter()
        .enumerate()
        .map(|(n, &d)| (d, n as u32))
        .collect();
    let mut gathered: BTreeMap<Period, BTreeMap<String, Gathered>> = BTreeMap::new();
    for (k, acc) in accs.into_iter().enumerate() {
        let Some(mut acc) = acc else { continue };
        // Stable: parts of one utterance keep statement order.
        acc.parts.sort_by_key(|&(d, a, _)| (doc_order[&d], a));
        let mut utterances: Vec<(f64, usize)> = Vec::new();
        let mut prev: Option<(Sym, usize)> = None;
        for &(d, a, score) in &acc.parts {
            if prev == Some((d, a)) {
                let u = utterances.last_mut().expect("a previous utterance");
                u.0 += score;
                u.1 += 1;
            } else {
                utterances.push((score, 1));
                prev = Some((d, a));
            }
        }
        let (key, kind, label, affiliation, _) = &voiced[acc.last as usize];
        debug_assert_eq!(voice_key[acc.voice as usize], voice_key[acc.last as usize]);
        gathered
            .entry(periods.list[acc_period[k] as usize].clone())
            .or_default()
            .insert(
                key.clone(),
                Gathered {
                    kind: *kind,
                    label: label.clone(),
                    affiliation: affiliation.clone(),
                    members: acc
                        .members
                        .iter()
                        .map(|&m| member_names[m as usize].clone())
                        .collect(),
                    utterances,
                    statements: acc.statements,
                },
            );
    }
    let score = |x: usize| {
        stance_score(f.str(f.rows[x].stance))
            .filter(|s| *s != 0.0)
            .unwrap_or(0.0)
    };
    let items = finish(gathered, government, &score, &|i| f.statement_ref(i));
    Page::new(items, total, paging)
}
