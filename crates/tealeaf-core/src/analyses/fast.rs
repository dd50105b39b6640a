//! Timeline, shifts and divergence over [`Facts`]: the same results as
//! [`super::timeline()`], [`super::shifts()`] and [`super::divergence()`]
//! over the issue's statements in the same order (indices, order and
//! floating-point sums included; `tests` compares them).
//!
//! The per-statement work is reduced to table look-ups: what the slow
//! versions compute from a statement's strings (its period, group, actor or
//! voice) depends on a few interned fields, so it is computed once per
//! distinct combination with the slow versions' own helpers, on a probe
//! statement ([`Facts::probe`]).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;

use super::divergence::{Gathered, finish, voice_of};
use super::facts::{Facts, NONE, Sym};
use super::timeline::{group_of, round};
use super::{
    Bucket, DivergenceWindow, GroupBy, Period, Shift, TimelinePoint, parse_date, stance_score,
};
use crate::pack::Pack;

/// A hasher for keys made of a few small integers (symbols, indices): the
/// memo tables are looked up once or twice per statement, and the default
/// SipHash, built against hostile keys, costs more than the rest of the
/// per-statement work. Keys here come from the facts, not from requests.
#[derive(Default, Clone, Copy)]
struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, x: u8) {
        self.write_u64(u64::from(x));
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Mix>>;

/// The period of each distinct date, computed once.
struct Periods {
    bucket: Bucket,
    of_date: Map<Sym, Option<u32>>,
    list: Vec<Period>,
    index: HashMap<Period, u32>,
}

impl Periods {
    fn new(bucket: Bucket) -> Periods {
        Periods {
            bucket,
            of_date: Map::default(),
            list: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// As `super::period_of`: the date's period when the date is precise
    /// enough for the bucket.
    fn get(&mut self, f: &Facts, date: Sym) -> Option<u32> {
        if let Some(&p) = self.of_date.get(&date) {
            return p;
        }
        let bucket = self.bucket;
        let period = f
            .str(date)
            .and_then(parse_date)
            .and_then(|(d, precision)| bucket.places(precision).then(|| bucket.period(d)));
        let p = period.map(|period| {
            let next = self.list.len() as u32;
            *self.index.entry(period.clone()).or_insert_with(|| {
                self.list.push(period);
                next
            })
        });
        self.of_date.insert(date, p);
        p
    }
}

/// `super::position` per stance symbol: the score of a statement taking a
/// position, `None` for neutral or unknown stances.
fn positions(f: &Facts) -> impl FnMut(Sym) -> Option<f64> + '_ {
    let mut memo: Map<Sym, Option<f64>> = Map::default();
    move |k| {
        *memo
            .entry(k)
            .or_insert_with(|| stance_score(f.str(k)).filter(|x| *x != 0.0))
    }
}

/// Timeline over facts: as [`super::timeline()`] over the statements.
pub fn timeline(f: &Facts, pack: &Pack, group_by: GroupBy, bucket: Bucket) -> Vec<TimelinePoint> {
    let mut periods = Periods::new(bucket);
    // (speaker id, speaker, faction, outlet, outlet id, date, rule marker):
    // everything `group_of` reads; the date only matters for institutions.
    type Key = (Sym, Sym, Sym, Sym, Sym, Sym, bool);
    let mut group_memo: Map<Key, Option<u32>> = Map::default();
    // Groups by their sort key (label lower-cased, NUL, key), as the slow
    // version's map keys them.
    let mut group_index: HashMap<String, u32> = HashMap::new();
    let mut groups: Vec<(String, String, String)> = Vec::new();
    let mut point_index: Map<(u32, u32), usize> = Map::default();
    let mut points: Vec<(u32, u32, TimelinePoint)> = Vec::new();
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
            let (_, group, label) = &groups[g as usize];
            points.push((
                g,
                p,
                TimelinePoint {
                    group: group.clone(),
                    label: label.clone(),
                    period: periods.list[p as usize].clone(),
                    support: 0,
                    conditional: 0,
                    neutral: 0,
                    oppose: 0,
                    total: 0,
                    net: 0.0,
                    statements: Vec::new(),
                },
            ));
            points.len() - 1
        });
        let point = &mut points[at].2;
        let stance = f.str(r.stance);
        match stance {
            Some("support") => point.support += 1,
            Some("conditional") => point.conditional += 1,
            Some("oppose") => point.oppose += 1,
            _ => point.neutral += 1,
        }
        point.total += 1;
        point.net += stance_score(stance).unwrap_or(0.0);
        point.statements.push(i);
    }
    points.sort_by(|a, b| {
        groups[a.0 as usize]
            .0
            .cmp(&groups[b.0 as usize].0)
            .then_with(|| periods.list[a.1 as usize].cmp(&periods.list[b.1 as usize]))
    });
    points
        .into_iter()
        .map(|(_, _, mut p)| {
            p.net = round(p.net / p.total as f64);
            p
        })
        .collect()
}

/// Shifts over facts: as [`super::shifts()`] over the statements.
pub fn shifts(f: &Facts) -> Vec<Shift> {
    let mut first: Map<Sym, usize> = Map::default();
    let rank: Vec<usize> = f
        .rows
        .iter()
        .map(|r| {
            let n = first.len();
            *first.entry(r.doc).or_insert(n)
        })
        .collect();
    shifts_ranked(f, &rank)
}

/// As [`shifts`], with the rank of each row's document given: same-day
/// statements are ordered by it. [`super::shifts()`] ranks documents by
/// their first statement in the slice it is given, which for a caller
/// holding more than the issue's statements (the server's corpus) is not
/// the order of the facts' rows.
pub fn shifts_ranked(f: &Facts, doc_rank: &[usize]) -> Vec<Shift> {
    let mut days: Map<Sym, Option<NaiveDate>> = Map::default();
    let mut day = |k: Sym| -> Option<NaiveDate> {
        *days
            .entry(k)
            .or_insert_with(|| f.str(k).and_then(parse_date).map(|d| d.0))
    };
    let mut position = positions(f);
    // Actor keys (pack id, else name) by (speaker id, speaker).
    let mut actor_memo: Map<(Sym, Sym), Option<u32>> = Map::default();
    let mut actor_index: HashMap<String, u32> = HashMap::new();
    let mut actors: Vec<String> = Vec::new();
    let mut by_actor: Vec<Vec<(Option<NaiveDate>, usize)>> = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        let d = day(r.date);
        if d.is_none() || position(r.stance).is_none() {
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
            by_actor[a as usize].push((d, i));
        }
    }
    let mut out: Vec<(Option<NaiveDate>, u32, Shift)> = Vec::new();
    for (a, mut idx) in by_actor.into_iter().enumerate() {
        let actor = &actors[a];
        idx.sort_by_key(|&(d, i)| (d, doc_rank[i], f.rows[i].span[0], i));
        for w in idx.windows(2) {
            let ((da, ia), (db, ib)) = (w[0], w[1]);
            let (x, y) = (&f.rows[ia], &f.rows[ib]);
            if x.doc == y.doc && x.attribution == y.attribution {
                continue;
            }
            let stance_changed = x.stance != y.stance;
            if !stance_changed && x.conditions == y.conditions {
                continue;
            }
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
            if !stance_changed && added.is_empty() && dropped.is_empty() {
                continue;
            }
            let (sx, sy) = (
                position(x.stance).unwrap_or(0.0),
                position(y.stance).unwrap_or(0.0),
            );
            let direction = super::shifts::direction(sx, sy, &added, &dropped);
            let days = match (da, db) {
                (Some(d1), Some(d2)) => (d2 - d1).num_days(),
                _ => 0,
            };
            let shift = Shift {
                actor: actor.clone(),
                speaker: f
                    .str(y.speaker)
                    .or(f.str(x.speaker))
                    .map_or_else(|| actor.clone(), str::to_string),
                from: f.statement_ref(ia),
                to: f.statement_ref(ib),
                from_score: sx,
                to_score: sy,
                stance_changed,
                conditions_added: added,
                conditions_dropped: dropped,
                direction,
                reversal: (sx > 0.0 && sy < 0.0) || (sx < 0.0 && sy > 0.0),
                days,
            };
            out.push((db, a as u32, shift));
        }
    }
    out.sort_by(|p, q| {
        (p.0, &actors[p.1 as usize], p.2.to.index).cmp(&(q.0, &actors[q.1 as usize], q.2.to.index))
    });
    out.into_iter().map(|(_, _, s)| s).collect()
}

/// One voice of the government in one window, being gathered.
struct Acc {
    voice: u32,
    /// The last statement's voice details (label, affiliation) win, as in
    /// the slow version.
    last: u32,
    members: Vec<u32>,
    /// (document order, attribution, score) per statement.
    parts: Vec<(u32, usize, f64)>,
    statements: Vec<usize>,
}

/// Divergence over facts: as [`super::divergence()`] over the statements.
pub fn divergence(
    f: &Facts,
    pack: &Pack,
    government: &str,
    window: Bucket,
) -> Vec<DivergenceWindow> {
    type Voiced = (String, super::VoiceKind, String, Option<String>, String);
    let mut periods = Periods::new(window);
    let mut position = positions(f);
    // Everything `voice_of` reads: speaker id, speaker, date, outlet,
    // outlet id, affiliation, rule marker.
    type Key = (Sym, Sym, Sym, Sym, Sym, Sym, bool);
    let mut voice_memo: Map<Key, Option<u32>> = Map::default();
    let mut voiced: Vec<Voiced> = Vec::new();
    // Voice keys and member names, interned.
    let mut key_index: HashMap<String, u32> = HashMap::new();
    let mut voice_key: Vec<u32> = Vec::new();
    let mut member_index: HashMap<String, u32> = HashMap::new();
    let mut voice_member: Vec<u32> = Vec::new();
    let mut member_names: Vec<String> = Vec::new();
    let mut acc_index: Map<(u32, u32), usize> = Map::default();
    let mut accs: Vec<(u32, Acc)> = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        let Some(score) = position(r.stance) else {
            continue;
        };
        let Some(p) = periods.get(f, r.date) else {
            continue;
        };
        let key = (
            r.speaker_id,
            r.speaker,
            r.date,
            r.outlet,
            r.outlet_id,
            r.affiliation,
            r.outlet_rule,
        );
        let v = match voice_memo.get(&key) {
            Some(&v) => v,
            None => {
                let v = voice_of(pack, &f.probe(i), government).map(|vd| {
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
        let at = *acc_index
            .entry((p, voice_key[v as usize]))
            .or_insert_with(|| {
                accs.push((
                    p,
                    Acc {
                        voice: v,
                        last: v,
                        members: Vec::new(),
                        parts: Vec::new(),
                        statements: Vec::new(),
                    },
                ));
                accs.len() - 1
            });
        let acc = &mut accs[at].1;
        acc.last = v;
        let member = voice_member[v as usize];
        if !acc.members.contains(&member) {
            acc.members.push(member);
        }
        acc.parts.push((r.doc, r.attribution, score));
        acc.statements.push(i);
    }
    // Documents in the order of their ids (strings), for summing utterances
    // in the slow version's (document, attribution) order.
    let mut docs: Vec<Sym> = accs
        .iter()
        .flat_map(|(_, a)| a.parts.iter().map(|x| x.0))
        .collect();
    docs.sort_unstable();
    docs.dedup();
    docs.sort_by(|a, b| f.str(*a).cmp(&f.str(*b)));
    let doc_order: Map<Sym, u32> = docs
        .iter()
        .enumerate()
        .map(|(n, &d)| (d, n as u32))
        .collect();
    let mut windows: BTreeMap<Period, BTreeMap<String, Gathered>> = BTreeMap::new();
    for (p, mut acc) in accs {
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
        windows
            .entry(periods.list[p as usize].clone())
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
    finish(windows, government, &score, &|i| f.statement_ref(i))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, pack, st};
    use super::super::{self as analyses, Bucket, GroupBy};
    use super::*;
    use crate::Statement;

    /// Varied statements: several documents and attributions, actors of
    /// both countries and a name outside the pack, editorials, outlets,
    /// factions, day and month dates, undated ones, every stance, other
    /// topics, conditions added and dropped.
    fn corpus() -> Vec<Statement> {
        let speakers = [
            "rouhani",
            "zarif",
            "mousavi",
            "khamenei",
            "leader-office",
            "trump",
            "Some Analyst",
        ];
        let dates = [
            "2019-08-26",
            "2019-08-27",
            "2019-09",
            "2019-09-02",
            "",
            "2020-01-08",
            "2021-09-01",
            "2019",
        ];
        let stances = ["support", "oppose", "conditional", "neutral", "other"];
        let conds: [&[&str]; 4] = [
            &[],
            &["sanctions-relief"],
            &["sanctions-relief", "us-returns-to-jcpoa"],
            &["us-returns-to-jcpoa"],
        ];
        let mut x: u64 = 7;
        let mut next = |n: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) as usize) % n
        };
        let mut out = Vec::new();
        for i in 0..600 {
            let doc = format!("d{}", i / 7);
            let mut s = st(
                &doc,
                dates[next(dates.len())],
                speakers[next(speakers.len())],
                stances[next(stances.len())],
            )
            .at(next(50) * 10, next(3))
            .conditions(conds[next(conds.len())]);
            match next(6) {
                0 => s = s.editorial("javan", "Javan"),
                1 => s = s.via("reuters", "Reuters"),
                2 => s = s.faction("principlist"),
                3 => s = s.topic("other"),
                _ => {}
            }
            if next(10) == 0 {
                s.outlet_affiliation = Some("state".into());
            }
            out.push(s);
        }
        out
    }

    #[test]
    fn fast_analyses_equal_the_slow_ones() {
        let pack = pack();
        let all = corpus();
        let issue = "us-talks";
        // The slow versions over the issue's statements (as `tealeaf --db`
        // loads them): row i of the facts is statement i.
        let on: Vec<Statement> = all
            .iter()
            .filter(|s| s.coding.topic.as_deref() == Some(issue))
            .cloned()
            .collect();
        let f = Facts::from_statements(&all, issue);
        assert_eq!(f.len(), on.len());
        let f = Facts::from_bytes(&f.to_bytes()).expect("facts read back");
        for by in [
            GroupBy::Actor,
            GroupBy::Faction,
            GroupBy::Institution,
            GroupBy::Country,
            GroupBy::Outlet,
        ] {
            for b in [Bucket::Day, Bucket::Week, Bucket::Month] {
                let slow = analyses::timeline(&on, &pack, issue, by, b);
                assert!(!slow.is_empty(), "{by} {b}");
                assert_eq!(timeline(&f, &pack, by, b), slow, "{by} {b}");
            }
        }
        let slow = analyses::shifts(&on, issue);
        assert!(slow.len() > 20 && slow.iter().any(|s| !s.conditions_added.is_empty()));
        assert_eq!(shifts(&f), slow);
        for gov in ["Iran", "United States", "Nowhere"] {
            for b in [Bucket::Day, Bucket::Week, Bucket::Month] {
                let slow = analyses::divergence(&on, &pack, issue, gov, b);
                assert_eq!(divergence(&f, &pack, gov, b), slow, "{gov} {b}");
            }
        }
        let w = analyses::divergence(&on, &pack, issue, "Iran", Bucket::Month);
        assert!(w.iter().any(|w| !w.pairs.is_empty()));
        for i in 0..on.len() {
            assert_eq!(
                f.statement_ref(i),
                analyses::StatementRef::new(&on, i),
                "{i}"
            );
        }
    }

    #[test]
    fn corrupt_facts_are_refused() {
        let f = Facts::from_statements(&corpus(), "us-talks");
        let bytes = f.to_bytes();
        assert_eq!(Facts::from_bytes(&bytes).as_ref(), Some(&f));
        assert!(Facts::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(Facts::from_bytes(b"not facts").is_none());
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 2] = 0xff;
        assert!(Facts::from_bytes(&bad).is_none());
    }
}
