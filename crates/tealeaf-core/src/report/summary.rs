//! The brief's summary: one sentence per finding, each citing the
//! statements behind it. The findings come from [`crate::analyses`] run on
//! the brief's statements (so every index they give is a line of the
//! entries):
//!
//! * **Reversals**: an actor's position per day — the mean stance score of
//!   the day's utterances (parts of one quotation count once) on the
//!   analyses' scale, neutral statements left out; a day within ±0.25 of 0
//!   is mixed and takes no side — changes side between two consecutive
//!   days with a side: open (support, conditional) to closed (oppose) or
//!   back. Consecutive changes make one sentence. Cited: the most open
//!   statement of an open day, the most closed of a closed day. Then the
//!   reversals of [`shifts`] (statement to statement) that no day-level
//!   sentence already ends on: those within one day (with the actor's last
//!   earlier day that has a side, for context), or across a mixed day.
//! * **Divergence**: [`divergence`] per calendar month for every government
//!   with a voice in the brief; each window with contradicting pairs gives
//!   a sentence with its mixed-signals index and up to four pairs, each
//!   with its two statements.
//! * **Conditions**: [`conditions_ledger`]: each condition with its setters,
//!   first and last statements.
//! * **Thresholds**: the ledger's weekly evolution: a week in which a party
//!   adds a condition it had not set before in the period.
//! * **Channels**: [`channels`]: each mediator with how often and by whom it
//!   was named, and the likelihoods voiced about it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{DateStyle, Finding, Part, Sentence, human_date};
use crate::Statement;
use crate::analyses::{
    Bucket, SpeakerCount, StatementRef, actor_key, channels, conditions_ledger, country_of,
    divergence, parse_date, shifts, stance_score,
};
use crate::pack::Pack;

/// A day whose mean stance score is within this of 0 is mixed: it takes
/// no side.
const MIXED: f64 = 0.25;
/// Most pairs cited per divergence window.
const MAX_PAIRS: usize = 4;
/// Most statements cited for a channel.
const MAX_CHANNEL_REFS: usize = 3;

struct Builder<'a> {
    ids: &'a [String],
    parts: Vec<Part>,
}

impl<'a> Builder<'a> {
    fn new(ids: &'a [String]) -> Self {
        Builder {
            ids,
            parts: Vec::new(),
        }
    }
    fn t(&mut self, s: impl Into<String>) -> &mut Self {
        let s = s.into();
        match self.parts.last_mut() {
            Some(Part::Text(t)) => t.push_str(&s),
            _ => self.parts.push(Part::Text(s)),
        }
        self
    }
    /// A reference to statement `i` of the brief, after a space.
    fn r(&mut self, i: usize) -> &mut Self {
        self.t(" ");
        self.parts.push(Part::Ref(self.ids[i].clone()));
        self
    }
    fn done(&mut self, finding: Finding) -> Sentence {
        Sentence {
            finding,
            parts: std::mem::take(&mut self.parts),
        }
    }
}

fn stance_phrase(stance: Option<&str>) -> &'static str {
    match stance {
        Some("support") => "support",
        Some("conditional") => "conditional support",
        Some("oppose") => "opposition",
        _ => "no position",
    }
}

fn date_of(r: &StatementRef, style: DateStyle) -> String {
    r.date
        .as_deref()
        .map(|d| human_date(d, style.with_year))
        .unwrap_or_else(|| "an unknown date".to_string())
}

/// "A, B and C", "A, B, C and 2 others".
fn names(list: &[String], max: usize) -> String {
    let shown: Vec<&str> = list.iter().take(max).map(String::as_str).collect();
    let rest = list.len().saturating_sub(max);
    match (shown.len(), rest) {
        (0, _) => String::new(),
        (1, 0) => shown[0].to_string(),
        (_, 0) => format!(
            "{} and {}",
            shown[..shown.len() - 1].join(", "),
            shown[shown.len() - 1]
        ),
        (_, 1) => format!("{} and 1 other", shown.join(", ")),
        (_, n) => format!("{} and {n} others", shown.join(", ")),
    }
}

fn setters(list: &[SpeakerCount]) -> Vec<String> {
    list.iter()
        .map(|c| {
            if c.count > 1 {
                format!("{} ({}×)", c.speaker, c.count)
            } else {
                c.speaker.clone()
            }
        })
        .collect()
}

fn percent(p: f64) -> String {
    let x = p * 100.0;
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}%")
    } else {
        format!("{x:.1}%")
    }
}

pub(super) fn summarise(
    sel: &[Statement],
    ids: &[String],
    pack: &Pack,
    issue: &str,
    style: DateStyle,
) -> Vec<Sentence> {
    let mut out = Vec::new();
    reversals(sel, ids, issue, style, &mut out);
    divergences(sel, ids, pack, issue, &mut out);
    conditions(sel, ids, pack, issue, style, &mut out);
    channel_sentences(sel, ids, style, &mut out);
    if out.is_empty() {
        out.push(Sentence {
            finding: Finding::None,
            parts: vec![Part::Text(format!(
                "No reversals, divergence, conditions or channels were found among the {} \
                 statement(s) of the period.",
                sel.len()
            ))],
        });
    }
    out
}

/// Position of a statement: its stance score, neutral and unknown left out.
fn position(s: &Statement) -> Option<f64> {
    stance_score(s.coding.stance.as_deref()).filter(|x| *x != 0.0)
}

fn reversals(
    sel: &[Statement],
    ids: &[String],
    issue: &str,
    style: DateStyle,
    out: &mut Vec<Sentence>,
) {
    // actor → day → utterance (doc, attribution) → statement indices.
    type Days = BTreeMap<NaiveDate, BTreeMap<(String, usize), Vec<usize>>>;
    let mut actors: Vec<(String, Days)> = Vec::new();
    for (i, s) in sel.iter().enumerate() {
        if s.coding.topic.as_deref() != Some(issue) || position(s).is_none() {
            continue;
        }
        let Some((day, crate::analyses::DatePrecision::Day)) =
            s.date.as_deref().and_then(parse_date)
        else {
            continue;
        };
        let Some(key) = actor_key(s) else { continue };
        let days = match actors.iter_mut().find(|(k, _)| *k == key) {
            Some((_, d)) => d,
            None => {
                actors.push((key, Days::new()));
                &mut actors.last_mut().expect("pushed").1
            }
        };
        days.entry(day)
            .or_default()
            .entry((s.doc.clone(), s.attribution))
            .or_default()
            .push(i);
    }
    let mut found: Vec<(NaiveDate, Sentence)> = Vec::new();
    // (actor, day) where a day-level reversal ends.
    let mut covered: Vec<(String, NaiveDate)> = Vec::new();
    // Per actor, each day with a side and the statement showing it.
    let mut sides: Vec<(String, Vec<(NaiveDate, usize)>)> = Vec::new();
    let mut b = Builder::new(ids);
    for (actor, days) in &actors {
        let dated: Vec<(NaiveDate, f64, Vec<usize>)> = days
            .iter()
            .map(|(day, utterances)| {
                let means: Vec<f64> = utterances
                    .values()
                    .map(|idx| {
                        idx.iter().filter_map(|&i| position(&sel[i])).sum::<f64>()
                            / idx.len() as f64
                    })
                    .collect();
                let mean = means.iter().sum::<f64>() / means.len() as f64;
                (*day, mean, utterances.values().flatten().copied().collect())
            })
            // Mixed days (mean near 0) take no side.
            .filter(|(_, m, _)| m.abs() >= MIXED)
            .collect();
        let scored: Vec<(f64, Vec<usize>)> =
            dated.iter().map(|(_, m, idx)| (*m, idx.clone())).collect();
        // The statement showing each day's side best: the most open of an
        // open day, the most closed of a closed one.
        let picks: Vec<usize> = scored
            .iter()
            .map(|(mean, idx)| {
                let open = *mean > 0.0;
                let mut best = idx[0];
                for &i in idx {
                    let (p, q) = (
                        position(&sel[i]).unwrap_or(0.0),
                        position(&sel[best]).unwrap_or(0.0),
                    );
                    if (open && p > q) || (!open && p < q) {
                        best = i;
                    }
                }
                best
            })
            .collect();
        sides.push((
            actor.clone(),
            dated
                .iter()
                .map(|(d, _, _)| *d)
                .zip(picks.iter().copied())
                .collect(),
        ));
        // Runs of days, each on the other side of the one before: one
        // sentence per run ("reversed: A, then B, then A again").
        let mut k = 0;
        while k + 1 < scored.len() {
            let flips = |j: usize| scored[j].0.signum() != scored[j + 1].0.signum();
            if !flips(k) {
                k += 1;
                continue;
            }
            let mut end = k + 1;
            while end + 1 < scored.len() && flips(end) {
                end += 1;
            }
            let run = &picks[k..=end];
            let last = &sel[run[run.len() - 1]];
            let who = last
                .speaker
                .clone()
                .or(sel[run[0]].speaker.clone())
                .unwrap_or_default();
            b.t(match &last.speaker_role {
                Some(role) => format!("{who} ({role}) reversed: "),
                None => format!("{who} reversed: "),
            });
            for (n, &i) in run.iter().enumerate() {
                let s = &sel[i];
                b.t(format!(
                    "{}{} on {}",
                    if n == 0 { "" } else { ", then " },
                    stance_phrase(s.coding.stance.as_deref()),
                    human_date(s.date.as_deref().unwrap_or(""), style.with_year)
                ))
                .r(i);
            }
            b.t(".");
            let day = parse_date(last.date.as_deref().unwrap_or(""))
                .map(|d| d.0)
                .unwrap_or(NaiveDate::MIN);
            for &i in &run[1..] {
                if let Some((d, _)) = sel[i].date.as_deref().and_then(parse_date) {
                    covered.push((actor.clone(), d));
                }
            }
            found.push((day, b.done(Finding::Reversal)));
            k = end;
        }
    }
    // Statement-to-statement reversals (`analyses::shifts`) the days do not
    // show: within one day, or across a mixed day.
    for sh in shifts(sel, issue).iter().filter(|s| s.reversal) {
        let Some((day, _)) = sh.to.date.as_deref().and_then(parse_date) else {
            continue;
        };
        if covered.iter().any(|(a, d)| *a == sh.actor && *d == day) {
            continue;
        }
        let last = &sel[sh.to.index];
        b.t(match &last.speaker_role {
            Some(role) => format!("{} ({role}) went from ", sh.speaker),
            None => format!("{} went from ", sh.speaker),
        });
        let (p1, p2) = (
            stance_phrase(sh.from.stance.as_deref()),
            stance_phrase(sh.to.stance.as_deref()),
        );
        if sh.days == 0 {
            b.t(p1)
                .r(sh.from.index)
                .t(format!(" to {p2} on {}", date_of(&sh.to, style)))
                .r(sh.to.index);
            // The day before with a side, for context.
            let before = sides
                .iter()
                .find(|(a, _)| *a == sh.actor)
                .and_then(|(_, v)| v.iter().rev().find(|(d, _)| *d < day));
            if let Some(&(d, i)) = before {
                b.t(format!(
                    ", after {} on {}",
                    stance_phrase(sel[i].coding.stance.as_deref()),
                    human_date(&d.to_string(), style.with_year)
                ))
                .r(i);
            }
        } else {
            b.t(format!("{p1} on {}", date_of(&sh.from, style)))
                .r(sh.from.index)
                .t(format!(" to {p2} on {}", date_of(&sh.to, style)))
                .r(sh.to.index);
        }
        b.t(".");
        found.push((day, b.done(Finding::Reversal)));
    }
    found.sort_by_key(|(d, _)| *d);
    out.extend(found.into_iter().map(|(_, s)| s));
}

fn divergences(
    sel: &[Statement],
    ids: &[String],
    pack: &Pack,
    issue: &str,
    out: &mut Vec<Sentence>,
) {
    let mut governments: Vec<String> = sel
        .iter()
        .filter(|s| s.coding.topic.as_deref() == Some(issue))
        .filter_map(|s| country_of(pack, s))
        .collect();
    governments.sort();
    governments.dedup();
    let mut b = Builder::new(ids);
    for gov in &governments {
        for w in divergence(sel, pack, issue, gov, Bucket::Month) {
            if w.pairs.is_empty() {
                continue;
            }
            b.t(format!(
                "In {}, {gov}’s voices diverged",
                human_date(&w.period.label, true)
            ));
            match w.index {
                Some(x) => b.t(format!(
                    " (mixed-signals index {x:.2} across {} voices): ",
                    w.voices.len()
                )),
                None => b.t(": "),
            };
            for (k, p) in w.pairs.iter().take(MAX_PAIRS).enumerate() {
                if k > 0 {
                    b.t("; ");
                }
                b.t(p.open.clone())
                    .r(p.open_statement.index)
                    .t(format!(" against {}", p.closed))
                    .r(p.closed_statement.index);
            }
            let more = w.pairs.len().saturating_sub(MAX_PAIRS);
            if more > 0 {
                b.t(format!("; and {more} more contradicting pair(s)"));
            }
            b.t(".");
            out.push(b.done(Finding::Divergence));
        }
    }
}

fn conditions(
    sel: &[Statement],
    ids: &[String],
    pack: &Pack,
    issue: &str,
    style: DateStyle,
    out: &mut Vec<Sentence>,
) {
    let ledger = conditions_ledger(sel, pack, issue, Bucket::Week);
    let mut b = Builder::new(ids);
    let label = |id: &str| {
        ledger
            .conditions
            .iter()
            .find(|e| e.condition == id)
            .and_then(|e| e.label.clone())
            .map(|l| format!("“{l}” ({id})"))
            .unwrap_or_else(|| id.to_string())
    };
    for e in &ledger.conditions {
        let Some(&any) = e.statements.first() else {
            continue;
        };
        b.t(format!(
            "Condition {} was set by {}",
            label(&e.condition),
            names(&setters(&e.setters), 3)
        ));
        match (&e.first_seen, &e.last_seen) {
            (Some(f), Some(l)) if f.index != l.index => {
                b.t(format!(", first on {}", date_of(f, style)))
                    .r(f.index)
                    .t(format!(", last on {}", date_of(l, style)))
                    .r(l.index);
            }
            (Some(f), _) => {
                b.t(format!(" on {}", date_of(f, style))).r(f.index);
            }
            _ => {
                b.r(any);
            }
        }
        b.t(".");
        out.push(b.done(Finding::Condition));
    }
    // Raising the threshold: a party adds a condition it had not set
    // before in the period.
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &ledger.evolution {
        let party = p.side.clone().unwrap_or_default();
        let before = seen.entry(party.clone()).or_default();
        let first_period = before.is_empty();
        let new: Vec<String> = p
            .added
            .iter()
            .filter(|c| !before.contains(c))
            .cloned()
            .collect();
        before.extend(p.active.iter().cloned());
        if first_period || new.is_empty() || !p.raised {
            continue;
        }
        let cited: Vec<usize> = p
            .statements
            .iter()
            .copied()
            .filter(|&i| sel[i].coding.conditions.iter().any(|c| new.contains(c)))
            .take(3)
            .collect();
        if cited.is_empty() {
            continue;
        }
        let labels: Vec<String> = new.iter().map(|c| label(c)).collect();
        b.t(format!(
            "{party} raised the threshold in the week of {}, adding {}",
            human_date(&p.period.start.to_string(), style.with_year),
            names(&labels, 4)
        ));
        for i in cited {
            b.r(i);
        }
        b.t(".");
        out.push(b.done(Finding::Threshold));
    }
}

fn channel_sentences(sel: &[Statement], ids: &[String], style: DateStyle, out: &mut Vec<Sentence>) {
    let mut b = Builder::new(ids);
    for c in channels(sel) {
        let speakers: Vec<String> = c.speakers.iter().map(|s| s.speaker.clone()).collect();
        b.t(format!(
            "{} was named as a channel or mediator in {} statement{}",
            c.mediator,
            c.count,
            if c.count == 1 { "" } else { "s" }
        ));
        match (&c.first_seen, &c.last_seen) {
            (Some(f), Some(l)) if f != l => {
                b.t(format!(
                    " between {} and {}",
                    human_date(f, style.with_year),
                    human_date(l, style.with_year)
                ));
            }
            (Some(f), _) => {
                b.t(format!(" on {}", human_date(f, style.with_year)));
            }
            _ => {}
        }
        if !speakers.is_empty() {
            b.t(format!(", by {}", names(&speakers, 3)));
        }
        for m in c.messages.iter().take(MAX_CHANNEL_REFS) {
            b.r(m.statement.index);
        }
        match c.probabilities.as_slice() {
            [] => {}
            [p] => {
                b.t(format!(
                    "; {} put the likelihood at {}",
                    p.speaker.as_deref().unwrap_or("a speaker"),
                    percent(p.value)
                ))
                .r(p.statement.index);
            }
            ps => {
                let lo = ps
                    .iter()
                    .min_by(|a, b| a.value.total_cmp(&b.value))
                    .expect("not empty");
                let hi = ps
                    .iter()
                    .max_by(|a, b| a.value.total_cmp(&b.value))
                    .expect("not empty");
                b.t(format!(
                    "; likelihoods voiced ranged from {}",
                    percent(lo.value)
                ))
                .r(lo.statement.index)
                .t(format!(" to {}", percent(hi.value)))
                .r(hi.statement.index);
            }
        }
        b.t(".");
        out.push(b.done(Finding::Channel));
    }
}
