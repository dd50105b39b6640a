//! The conditions ledger: each condition set on an issue, who sets it,
//! when it was first and last seen, and how the set of conditions moves
//! from period to period.
//!
//! * **Entries**: one per condition voiced in a statement on the issue
//!   (in the pack's order, unknown ids after), with its setters (speakers
//!   and their counts), its first and last dated statements as evidence,
//!   and every statement index. Undated statements count as setters only.
//! * **Evolution**: per party (`side`) and period, the *active* set: the
//!   conditions the party's voices set in that period. A party is a
//!   country whose speakers (pack actors of that country, its outlets in
//!   their own voice) set at least one condition on the issue; its track
//!   has a period wherever one of them takes a position or sets a
//!   condition. Speakers the pack does not place (analysts) appear among
//!   the setters but in no track. Compared with the party's previous
//!   period, a set that
//!   gains conditions is **raised** ("raising the threshold"); one that
//!   loses conditions is **lowered**. Silence is not renunciation: a
//!   condition not repeated in a period counts as dropped there, so read a
//!   lowering alongside the statements it cites.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Bucket, Period, SpeakerCount, StatementRef, clip, count_speakers, country_of, date_of,
    on_issue, period_of, position,
};
use crate::Statement;
use crate::pack::Pack;

/// The whole ledger of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    pub issue: String,
    pub bucket: super::Bucket,
    pub conditions: Vec<LedgerEntry>,
    /// Per party (alphabetical), in date order.
    pub evolution: Vec<LedgerPeriod>,
}

/// One condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerEntry {
    pub condition: String,
    /// The pack's label for it.
    pub label: Option<String>,
    /// Who sets it, per the pack ("Iran").
    pub side: Option<String>,
    /// How many statements set it.
    pub count: usize,
    pub setters: Vec<SpeakerCount>,
    pub first_seen: Option<StatementRef>,
    pub last_seen: Option<StatementRef>,
    /// Indices of the statements setting it (into the slice given).
    pub statements: Vec<usize>,
}

/// One party's conditions in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerPeriod {
    /// The party: the country of the speakers (always set; an `Option`
    /// for the serialised form's stability).
    pub side: Option<String>,
    pub period: Period,
    /// The conditions the party's speakers voiced in the period, in ledger order.
    pub active: Vec<String>,
    /// Compared with the party's previous period.
    pub added: Vec<String>,
    pub dropped: Vec<String>,
    /// The set grew: "raising the threshold".
    pub raised: bool,
    /// The set shrank.
    pub lowered: bool,
    /// The party's statements taking a position or setting a condition.
    pub statements: Vec<usize>,
}

/// The conditions ledger of `issue`, with periods of `bucket`.
pub fn conditions_ledger(
    statements: &[Statement],
    pack: &Pack,
    issue: &str,
    bucket: Bucket,
) -> Ledger {
    let def = pack.issue(issue).map(|i| &i.def);
    let known = |c: &str| def.and_then(|d| d.conditions.iter().position(|x| x.id == c));
    let on: Vec<usize> = on_issue(statements, issue).collect();

    // Entries, in the pack's order, unknown conditions after (by name).
    let mut by_condition: BTreeMap<(usize, String), Vec<usize>> = BTreeMap::new();
    for &i in &on {
        for c in &statements[i].coding.conditions {
            let rank = known(c).unwrap_or(usize::MAX);
            let list = by_condition.entry((rank, c.clone())).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let order = |i: usize| (date_of(&statements[i]).map(|d| d.0), i);
    let conditions: Vec<LedgerEntry> = by_condition
        .iter()
        .map(|((rank, c), idx)| {
            let entry = def.and_then(|d| d.conditions.get(*rank));
            let dated = idx
                .iter()
                .copied()
                .filter(|&i| date_of(&statements[i]).is_some());
            LedgerEntry {
                condition: c.clone(),
                label: entry.map(|e| e.label.clone()).filter(|l| !l.is_empty()),
                side: entry.and_then(|e| e.side.clone()),
                count: idx.len(),
                setters: count_speakers(idx.iter().map(|&i| &statements[i])),
                first_seen: dated
                    .clone()
                    .min_by_key(|&i| order(i))
                    .map(|i| StatementRef::new(statements, i)),
                last_seen: dated
                    .max_by_key(|&i| order(i))
                    .map(|i| StatementRef::new(statements, i)),
                statements: idx.clone(),
            }
        })
        .collect();

    // Evolution per party: the country of the speakers, for every country
    // whose speakers set a condition.
    let mut parties: Vec<String> = Vec::new();
    for &i in &on {
        let s = &statements[i];
        if !s.coding.conditions.is_empty()
            && let Some(c) = country_of(pack, s)
            && !parties.contains(&c)
        {
            parties.push(c);
        }
    }
    parties.sort();
    let mut evolution = Vec::new();
    for party in &parties {
        let mut periods: BTreeMap<Period, (Vec<String>, Vec<usize>)> = BTreeMap::new();
        for &i in &on {
            let s = &statements[i];
            if position(s).is_none() && s.coding.conditions.is_empty() {
                continue;
            }
            if country_of(pack, s).as_ref() != Some(party) {
                continue;
            }
            let Some(period) = period_of(s, bucket) else {
                continue;
            };
            let p = periods.entry(period).or_default();
            for c in &s.coding.conditions {
                if !p.0.contains(c) {
                    p.0.push(c.clone());
                }
            }
            p.1.push(i);
        }
        let mut previous: Option<Vec<String>> = None;
        for (period, (voiced, idx)) in periods {
            let active: Vec<String> = conditions
                .iter()
                .map(|e| &e.condition)
                .filter(|c| voiced.contains(c))
                .cloned()
                .collect();
            let (added, dropped) = match &previous {
                Some(prev) => (
                    active
                        .iter()
                        .filter(|c| !prev.contains(c))
                        .cloned()
                        .collect(),
                    prev.iter()
                        .filter(|c| !active.contains(c))
                        .cloned()
                        .collect(),
                ),
                None => (active.clone(), Vec::new()),
            };
            let first = previous.is_none();
            evolution.push(LedgerPeriod {
                side: Some(party.clone()),
                period,
                raised: !first && !Vec::is_empty(&added),
                lowered: !first && !Vec::is_empty(&dropped),
                active: active.clone(),
                added,
                dropped,
                statements: idx,
            });
            previous = Some(active);
        }
    }
    Ledger {
        issue: issue.to_string(),
        bucket,
        conditions,
        evolution,
    }
}

/// The ledger as two tables: the conditions, then their evolution.
pub fn render_table(ledger: &Ledger) -> String {
    let mut out = format!(
        "{:<24}  {:<14}  {:>3}  {:<10}  {:<10}  {}\n",
        "condition", "side", "n", "first", "last", "set by"
    );
    let date = |r: &Option<StatementRef>| {
        r.as_ref()
            .and_then(|r| r.date.clone())
            .unwrap_or_else(|| "-".into())
    };
    for e in &ledger.conditions {
        let setters: Vec<String> = e
            .setters
            .iter()
            .map(|c| format!("{} ×{}", c.speaker, c.count))
            .collect();
        out.push_str(&format!(
            "{:<24}  {:<14}  {:>3}  {:<10}  {:<10}  {}\n",
            clip(&e.condition, 24),
            clip(e.side.as_deref().unwrap_or("-"), 14),
            e.count,
            date(&e.first_seen),
            date(&e.last_seen),
            clip(&setters.join(", "), 70)
        ));
        if let Some(f) = &e.first_seen {
            out.push_str(&format!(
                "    first: {}: “{}” ({} {}–{})\n",
                f.speaker.as_deref().unwrap_or("?"),
                clip(&f.text, 80),
                f.doc,
                f.span[0],
                f.span[1]
            ));
        }
    }
    if ledger.conditions.is_empty() {
        out.push_str("(no conditions set on this issue)\n");
        return out;
    }
    out.push_str(&format!("\nevolution ({}ly):\n", ledger.bucket));
    let mut party: Option<&str> = None;
    for p in &ledger.evolution {
        let this = p.side.as_deref().unwrap_or("-");
        if party != Some(this) {
            out.push_str(&format!("  set by {this}:\n"));
            party = Some(this);
        }
        let mut change: Vec<String> = p.added.iter().map(|c| format!("+{c}")).collect();
        change.extend(p.dropped.iter().map(|c| format!("-{c}")));
        let flag = match (p.raised, p.lowered) {
            (true, false) => "  raising the threshold",
            (false, true) => "  lowering it",
            (true, true) => "  changing terms",
            _ => "",
        };
        out.push_str(&format!(
            "    {:<10}  {:<50}  {}{}\n",
            p.period.label,
            clip(
                &if p.active.is_empty() {
                    "(none)".to_string()
                } else {
                    p.active.join(", ")
                },
                50
            ),
            change.join(" "),
            flag
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, pack, st};
    use super::*;

    fn corpus() -> Vec<Statement> {
        vec![
            st("a", "2019-08-27", "rouhani", "conditional").conditions(&["sanctions-relief"]),
            st("b", "2019-08-28", "zarif", "conditional")
                .conditions(&["sanctions-relief", "us-returns-to-jcpoa"]),
            st("c", "2019-08-26", "Kaveh Nikfar", "conditional")
                .conditions(&["us-returns-to-jcpoa"]),
            st("c", "2019-08-27", "trump", "conditional")
                .at(30, 1)
                .conditions(&["no-nuclear-weapon"]),
            // An Iranian position without conditions: the set empties.
            st("d", "2019-09-03", "rouhani", "oppose"),
            st("e", "2019-09-10", "rouhani", "conditional").conditions(&["sanctions-relief"]),
            st("f", "", "khamenei", "conditional").conditions(&["sanctions-relief"]),
            st("g", "2019-08-27", "rouhani", "conditional")
                .conditions(&["sanctions-relief"])
                .topic("other"),
            st("h", "2019-08-27", "Some Analyst", "conditional").conditions(&["prisoner-swap"]),
        ]
    }

    #[test]
    fn entries_with_setters_and_first_and_last_seen() {
        let l = conditions_ledger(&corpus(), &pack(), "us-talks", Bucket::Week);
        let ids: Vec<&str> = l.conditions.iter().map(|e| e.condition.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "sanctions-relief",
                "us-returns-to-jcpoa",
                "no-nuclear-weapon",
                "prisoner-swap"
            ]
        );
        let sr = &l.conditions[0];
        assert_eq!(sr.count, 4);
        assert_eq!(sr.side.as_deref(), Some("Iran"));
        assert_eq!(sr.label.as_deref(), Some("Lifting of sanctions"));
        let setters: Vec<(&str, usize)> = sr
            .setters
            .iter()
            .map(|c| (c.speaker.as_str(), c.count))
            .collect();
        assert_eq!(
            setters,
            vec![
                ("Hassan Rouhani", 2),
                ("Ali Khamenei", 1),
                ("Mohammad Javad Zarif", 1)
            ]
        );
        assert_eq!(sr.first_seen.as_ref().unwrap().index, 0);
        assert_eq!(
            sr.last_seen.as_ref().unwrap().date.as_deref(),
            Some("2019-09-10")
        );
        assert_eq!(sr.statements, vec![0, 1, 5, 6]);
        let jcpoa = &l.conditions[1];
        assert_eq!(
            jcpoa.first_seen.as_ref().unwrap().speaker.as_deref(),
            Some("Kaveh Nikfar")
        );
        assert_eq!(jcpoa.last_seen.as_ref().unwrap().index, 1);
        assert_eq!(
            (
                l.conditions[3].side.as_deref(),
                l.conditions[3].label.as_deref()
            ),
            (None, None)
        );
    }

    #[test]
    fn the_set_grows_and_shrinks_per_party() {
        let l = conditions_ledger(&corpus(), &pack(), "us-talks", Bucket::Week);
        let track = |party: &str| -> Vec<(String, Vec<String>, bool, bool)> {
            l.evolution
                .iter()
                .filter(|p| p.side.as_deref() == Some(party))
                .map(|p| {
                    (
                        p.period.label.clone(),
                        p.active.clone(),
                        p.raised,
                        p.lowered,
                    )
                })
                .collect()
        };
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Iran's voices: the analyst's us-returns-to-jcpoa is not Iran's.
        assert_eq!(
            track("Iran"),
            vec![
                (
                    "2019-W35".to_string(),
                    v(&["sanctions-relief", "us-returns-to-jcpoa"]),
                    false,
                    false
                ),
                ("2019-W36".to_string(), v(&[]), false, true),
                (
                    "2019-W37".to_string(),
                    v(&["sanctions-relief"]),
                    true,
                    false
                ),
            ]
        );
        assert_eq!(
            track("United States"),
            vec![(
                "2019-W35".to_string(),
                v(&["no-nuclear-weapon"]),
                false,
                false
            )]
        );
        // Speakers the pack does not place are in no track.
        let parties: Vec<&str> = l
            .evolution
            .iter()
            .map(|p| p.side.as_deref().unwrap())
            .collect();
        assert_eq!(parties, vec!["Iran", "Iran", "Iran", "United States"]);
        let iran: Vec<&LedgerPeriod> = l
            .evolution
            .iter()
            .filter(|p| p.side.as_deref() == Some("Iran"))
            .collect();
        assert_eq!(iran[0].statements, vec![0, 1]);
        assert_eq!(
            iran[0].added,
            v(&["sanctions-relief", "us-returns-to-jcpoa"])
        );
        assert_eq!(
            iran[1].dropped,
            v(&["sanctions-relief", "us-returns-to-jcpoa"])
        );
        assert_eq!(iran[1].statements, vec![4]);
        assert_eq!(iran[2].added, v(&["sanctions-relief"]));
        let table = render_table(&l);
        assert!(table.contains("raising the threshold"), "{table}");
        assert!(table.contains("set by Iran:"));
        assert!(table.contains("first: Kaveh Nikfar"));
    }
}
