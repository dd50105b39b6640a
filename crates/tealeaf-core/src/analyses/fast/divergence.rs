//! Divergence over facts.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::super::divergence::{Gathered, finish, speaks_for, voice_of};
use super::super::facts::{Facts, Sym};
use super::super::{Bucket, DivergenceWindow, Period, VoiceKind, stance_score};
use super::{Map, Page, Paging, PerSym, Periods, days, positions};
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
    parts: Vec<(Sym, u32, f64)>,
    statements: Vec<usize>,
}

/// What `voice_of` gives: (key, kind, label, affiliation, member).
type Voiced = (String, VoiceKind, String, Option<String>, String);

/// The voices found, numbered, with their keys and members interned.
#[derive(Default)]
struct Voices {
    voiced: Vec<Voiced>,
    key_index: HashMap<String, u32>,
    /// Interned key of each voice.
    key: Vec<u32>,
    member_index: HashMap<String, u32>,
    /// Interned member of each voice.
    member: Vec<u32>,
    member_names: Vec<String>,
}

impl Voices {
    fn add(&mut self, vd: Voiced) -> u32 {
        let next = self.key_index.len() as u32;
        self.key
            .push(*self.key_index.entry(vd.0.clone()).or_insert(next));
        let next = self.member_index.len() as u32;
        let names = &mut self.member_names;
        self.member
            .push(*self.member_index.entry(vd.4.clone()).or_insert_with(|| {
                names.push(vd.4.clone());
                next
            }));
        self.voiced.push(vd);
        (self.voiced.len() - 1) as u32
    }
}

/// A voice not yet decided: a pack actor of the government, whose voice
/// (institution or person, label) depends on the day and is decided only
/// for the rows of the page's windows.
const ACTOR_VOICE: u32 = u32::MAX;

/// A page of the windows [`divergence`] gives, and their number. Every
/// statement is placed in its window, but only the page's windows decide
/// their statements' voices, score them and cite pairs: which windows have
/// a voice needs only whether each statement has one, and for a pack actor
/// that does not depend on the day (`speaks_for`), while its voice does —
/// one probe per actor and day, the bulk of the work on a large issue.
pub fn divergence_page(
    f: &Facts,
    pack: &Pack,
    government: &str,
    window: Bucket,
    paging: Paging,
) -> Page<DivergenceWindow> {
    let mut periods = Periods::new(f, window);
    let mut position = positions(f);
    // Everything `voice_of` reads of a statement that is not a pack
    // actor's: speaker id, speaker, outlet, outlet id, affiliation, rule
    // marker. A pack actor's voice reads its id and the date only.
    type Key = (Sym, Sym, Sym, Sym, Sym, bool);
    let mut voice_memo: Map<Key, Option<u32>> = Map::default();
    // A pack actor's voice by (speaker id, span of days between two of its
    // role changes): the voice depends on the day only through the roles
    // held (`Pack::role_changes`), so one probe serves every day of a
    // span instead of one per day.
    let mut actor_voice_memo: Map<(Sym, u32), u32> = Map::default();
    let mut role_changes: Map<Sym, Vec<NaiveDate>> = Map::default();
    let mut day_of = days(f);
    // Per speaker id: `None` when not a pack actor, else whether the actor
    // speaks for the government.
    let mut actor_speaks = PerSym::new(f);
    let mut voices = Voices::default();
    let voice = |voices: &mut Voices, i: usize, full: bool| -> Option<u32> {
        voice_of(pack, &f.probe_of(i, full), government).map(|vd| voices.add(vd))
    };
    // (row, period, voice or `ACTOR_VOICE`) of every voiced statement, in
    // row order.
    let mut placed: Vec<(u32, u32, u32)> = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        if position(r.stance).is_none() {
            continue;
        }
        let Some(p) = periods.get(f, r.date) else {
            continue;
        };
        let speaks = actor_speaks.get(r.speaker_id, || {
            let id = f.str(r.speaker_id)?;
            let a = pack.actor_index(id)?;
            Some(speaks_for(pack, a, government))
        });
        let v = match speaks {
            Some(true) => ACTOR_VOICE,
            Some(false) => continue,
            None => {
                let key = (
                    r.speaker_id,
                    r.speaker,
                    r.outlet,
                    r.outlet_id,
                    r.affiliation,
                    r.outlet_rule,
                );
                let v = match voice_memo.get(&key) {
                    Some(&v) => v,
                    None => {
                        let v = voice(&mut voices, i, true);
                        voice_memo.insert(key, v);
                        v
                    }
                };
                let Some(v) = v else { continue };
                v
            }
        };
        placed.push((i as u32, p, v));
    }
    // The windows (periods with a voice) in period order, and the page's.
    let mut windows: Vec<u32> = placed.iter().map(|x| x.1).collect();
    windows.sort_unstable();
    windows.dedup();
    windows.sort_by(|&a, &b| periods.list[a as usize].cmp(&periods.list[b as usize]));
    let total = windows.len();
    let mut on_page = vec![false; periods.list.len()];
    for &p in &windows[paging.range(total)] {
        on_page[p as usize] = true;
    }
    // (period, voice key) → acc, and the period of each acc.
    let mut acc_index: Map<(u32, u32), u32> = Map::default();
    let mut acc_period: Vec<u32> = Vec::new();
    let mut accs: Vec<Acc> = Vec::new();
    for &(i, p, v) in &placed {
        if !on_page[p as usize] {
            continue;
        }
        let r = &f.rows[i as usize];
        let v = if v == ACTOR_VOICE {
            // Placed rows have a date that parses (it has a period) and a
            // pack actor's id.
            let day = day_of(r.date);
            let changes = role_changes.entry(r.speaker_id).or_insert_with(|| {
                f.str(r.speaker_id)
                    .and_then(|id| pack.actor_index(id))
                    .map_or_else(Vec::new, |a| pack.role_changes(a))
            });
            let span = day.map_or(u32::MAX, |d| changes.partition_point(|c| *c <= d) as u32);
            *actor_voice_memo
                .entry((r.speaker_id, span))
                .or_insert_with(|| {
                    voice(&mut voices, i as usize, false).expect("the actor speaks for it")
                })
        } else {
            v
        };
        let a = *acc_index
            .entry((p, voices.key[v as usize]))
            .or_insert_with(|| {
                acc_period.push(p);
                accs.push(Acc {
                    voice: v,
                    last: v,
                    members: Vec::new(),
                    parts: Vec::new(),
                    statements: Vec::new(),
                });
                (accs.len() - 1) as u32
            });
        let acc = &mut accs[a as usize];
        acc.last = v;
        let member = voices.member[v as usize];
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
    for (k, mut acc) in accs.into_iter().enumerate() {
        // Stable: parts of one utterance keep statement order.
        acc.parts.sort_by_key(|&(d, a, _)| (doc_order[&d], a));
        let mut utterances: Vec<(f64, usize)> = Vec::new();
        let mut prev: Option<(Sym, u32)> = None;
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
        let (key, kind, label, affiliation, _) = &voices.voiced[acc.last as usize];
        debug_assert_eq!(
            voices.key[acc.voice as usize],
            voices.key[acc.last as usize]
        );
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
                        .map(|&m| voices.member_names[m as usize].clone())
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
