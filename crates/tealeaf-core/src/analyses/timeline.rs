//! Timeline: stance on one issue over time, per group (actor, faction,
//! institution, country or outlet) and period (day, week, month).
//!
//! Each point counts the group's statements in the period per stance and
//! gives a net score, the mean of their stance scores (support +1,
//! conditional +0.5, neutral 0, oppose −1), so it lies in [−1, 1]: +1 all
//! support, −1 all oppose, 0 balanced or silent on the question.
//! Statements with no value for the grouping (an unattributed statement
//! under `actor`, a speaker the pack does not know under `country`) and
//! statements whose date is missing or coarser than the bucket are left out.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::{
    Bucket, Period, actor_of, clip, country_of, date_of, institution_on, on_issue, outlet_voice,
    period_of, signed, stance_score,
};
use crate::Statement;
use crate::pack::Pack;

/// What a timeline groups statements by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The speaker: pack id, else the name as written.
    Actor,
    /// The speaker's faction on the date (from the pack).
    Faction,
    /// The institution of the speaker's role on the date; an organisation
    /// speaks for itself; an outlet in its own voice for the outlet.
    Institution,
    /// The speaker's country (pack actors, and outlets in their own voice).
    Country,
    /// The outlet that carried the statement.
    Outlet,
}

impl FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<GroupBy, String> {
        match s.to_ascii_lowercase().as_str() {
            "actor" | "speaker" => Ok(GroupBy::Actor),
            "faction" => Ok(GroupBy::Faction),
            "institution" => Ok(GroupBy::Institution),
            "country" => Ok(GroupBy::Country),
            "outlet" => Ok(GroupBy::Outlet),
            other => Err(format!(
                "unknown grouping '{other}' (actor, faction, institution, country or outlet)"
            )),
        }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupBy::Actor => "actor",
            GroupBy::Faction => "faction",
            GroupBy::Institution => "institution",
            GroupBy::Country => "country",
            GroupBy::Outlet => "outlet",
        })
    }
}

/// One group in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinePoint {
    /// The group's key: a pack id for actors and outlets, else the name.
    pub group: String,
    /// The group as people read it (the actor's name).
    pub label: String,
    pub period: Period,
    pub support: usize,
    pub conditional: usize,
    pub neutral: usize,
    pub oppose: usize,
    pub total: usize,
    /// Mean stance score of the statements, in [−1, 1].
    pub net: f64,
    /// Indices of the statements (into the slice given), in input order.
    pub statements: Vec<usize>,
}

/// The group of a statement: (key, label).
pub(super) fn group_of(pack: &Pack, s: &Statement, by: GroupBy) -> Option<(String, String)> {
    let same = |x: String| (x.clone(), x);
    match by {
        GroupBy::Actor => {
            let name = s.speaker.clone().filter(|n| !n.trim().is_empty());
            match (&s.speaker_id, name) {
                (Some(id), Some(n)) => Some((id.clone(), n)),
                (Some(id), None) => Some(same(id.clone())),
                (None, Some(n)) => Some(same(n)),
                (None, None) => None,
            }
        }
        GroupBy::Faction => s.faction.clone().map(same),
        GroupBy::Institution => {
            let date = date_of(s).map(|d| d.0);
            actor_of(pack, s)
                .and_then(|a| institution_on(pack, a, date))
                .or_else(|| outlet_voice(s).then(|| s.outlet.clone()).flatten())
                .map(same)
        }
        GroupBy::Country => country_of(pack, s).map(same),
        GroupBy::Outlet => match (&s.outlet_id, &s.outlet) {
            (Some(id), Some(n)) => Some((id.clone(), n.clone())),
            (None, Some(n)) => Some(same(n.clone())),
            (Some(id), None) => Some(same(id.clone())),
            (None, None) => None,
        },
    }
}

/// Stance over time on `issue`, per group and period; sorted by group
/// label, then period.
pub fn timeline(
    statements: &[Statement],
    pack: &Pack,
    issue: &str,
    group_by: GroupBy,
    bucket: Bucket,
) -> Vec<TimelinePoint> {
    let mut points: BTreeMap<(String, Period), TimelinePoint> = BTreeMap::new();
    for i in on_issue(statements, issue) {
        let s = &statements[i];
        let Some(period) = period_of(s, bucket) else {
            continue;
        };
        let Some((group, label)) = group_of(pack, s, group_by) else {
            continue;
        };
        let p = points
            .entry((label.to_lowercase() + "\u{0}" + &group, period.clone()))
            .or_insert_with(|| TimelinePoint {
                group,
                label,
                period,
                support: 0,
                conditional: 0,
                neutral: 0,
                oppose: 0,
                total: 0,
                net: 0.0,
                statements: Vec::new(),
            });
        match s.coding.stance.as_deref() {
            Some("support") => p.support += 1,
            Some("conditional") => p.conditional += 1,
            Some("oppose") => p.oppose += 1,
            _ => p.neutral += 1,
        }
        p.total += 1;
        p.net += stance_score(s.coding.stance.as_deref()).unwrap_or(0.0);
        p.statements.push(i);
    }
    points
        .into_values()
        .map(|mut p| {
            p.net = round(p.net / p.total as f64);
            p
        })
        .collect()
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The timeline as a table: one row per group and period.
pub fn render_table(points: &[TimelinePoint]) -> String {
    let mut out = format!(
        "{:<30}  {:<10}  {:>3} {:>3} {:>3} {:>3}  {:>5}  {}\n",
        "group", "period", "sup", "cnd", "neu", "opp", "net", "trend"
    );
    for p in points {
        // A bar from the middle: left for oppose, right for support.
        let n = (p.net.abs() * 5.0).round() as usize;
        let bar = if p.net < 0.0 {
            format!("{:>5}|     ", "◀".repeat(n))
        } else {
            format!("     |{:<5}", "▶".repeat(n))
        };
        out.push_str(&format!(
            "{:<30}  {:<10}  {:>3} {:>3} {:>3} {:>3}  {:>5}  {}\n",
            clip(&p.label, 30),
            p.period.label,
            p.support,
            p.conditional,
            p.neutral,
            p.oppose,
            signed(p.net),
            bar
        ));
    }
    if points.is_empty() {
        out.push_str("(no dated statements on this issue)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, pack, st};
    use super::*;

    #[test]
    fn counts_and_net_score_per_actor_and_week() {
        let pack = pack();
        let s = vec![
            st("a", "2019-08-26", "rouhani", "support").at(0, 0),
            st("a", "2019-08-27", "rouhani", "conditional").at(20, 1),
            st("a", "2019-08-27", "rouhani", "oppose").at(40, 2),
            st("a", "2019-08-27", "rouhani", "neutral").at(60, 3),
            // Next ISO week.
            st("b", "2019-09-02", "rouhani", "oppose"),
            // Another issue, undated, month-only: left out of a week timeline.
            st("b", "2019-08-27", "rouhani", "support").topic("other"),
            st("b", "", "rouhani", "support"),
            st("b", "2019-08", "rouhani", "support"),
        ];
        let t = timeline(&s, &pack, "us-talks", GroupBy::Actor, Bucket::Week);
        assert_eq!(t.len(), 2, "{t:#?}");
        let w = &t[0];
        assert_eq!(
            (w.group.as_str(), w.label.as_str(), w.period.label.as_str()),
            ("rouhani", "Hassan Rouhani", "2019-W35")
        );
        assert_eq!(
            (w.support, w.conditional, w.neutral, w.oppose, w.total),
            (1, 1, 1, 1, 4)
        );
        // (1 + 0.5 + 0 − 1) / 4
        assert_eq!(w.net, 0.125);
        assert_eq!(w.statements, vec![0, 1, 2, 3]);
        assert_eq!((t[1].period.label.as_str(), t[1].net), ("2019-W36", -1.0));
        // The month bucket keeps the month-only date.
        let m = timeline(&s, &pack, "us-talks", GroupBy::Actor, Bucket::Month);
        assert_eq!(m.iter().map(|p| p.total).collect::<Vec<_>>(), vec![5, 1]);
    }

    #[test]
    fn groups_by_institution_country_faction_and_outlet() {
        let pack = pack();
        let s = vec![
            st("a", "2019-08-25", "zarif", "support")
                .faction("moderate")
                .via("reuters", "Reuters"),
            st("a", "2019-08-25", "mousavi", "oppose").faction("moderate"),
            st("b", "2019-08-29", "khamenei", "oppose").faction("principlist"),
            st("b", "2019-08-29", "leader-office", "oppose"),
            st("c", "2019-08-31", "x", "oppose").editorial("javan", "Javan"),
            st("c", "2019-08-31", "trump", "support"),
            st("c", "2019-08-31", "Some Analyst", "support"),
        ];
        let by = |g| timeline(&s, &pack, "us-talks", g, Bucket::Month);
        let inst = by(GroupBy::Institution);
        let labels: Vec<(&str, usize, f64)> = inst
            .iter()
            .map(|p| (p.label.as_str(), p.total, p.net))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("Javan", 1, -1.0),
                ("Ministry of Foreign Affairs", 2, 0.0),
                ("Office of the Leader", 2, -1.0),
                ("White House", 1, 1.0)
            ]
        );
        let country = by(GroupBy::Country);
        let labels: Vec<(&str, usize)> = country
            .iter()
            .map(|p| (p.label.as_str(), p.total))
            .collect();
        assert_eq!(labels, vec![("Iran", 5), ("United States", 1)]);
        let faction = by(GroupBy::Faction);
        let labels: Vec<(&str, usize)> = faction
            .iter()
            .map(|p| (p.label.as_str(), p.total))
            .collect();
        assert_eq!(labels, vec![("moderate", 2), ("principlist", 1)]);
        let outlet = by(GroupBy::Outlet);
        let labels: Vec<(&str, &str)> = outlet
            .iter()
            .map(|p| (p.group.as_str(), p.label.as_str()))
            .collect();
        assert_eq!(labels, vec![("javan", "Javan"), ("reuters", "Reuters")]);
        let actors = by(GroupBy::Actor);
        assert_eq!(actors.len(), 7);
        assert!(actors.iter().any(|p| p.group == "Some Analyst"));
    }

    #[test]
    fn renders_a_table() {
        let pack = pack();
        let s = vec![st("a", "2019-08-26", "rouhani", "oppose")];
        let table = render_table(&timeline(
            &s,
            &pack,
            "us-talks",
            GroupBy::Actor,
            Bucket::Day,
        ));
        assert!(table.starts_with("group"));
        assert!(table.contains("Hassan Rouhani"));
        assert!(table.contains("2019-08-26"));
        assert!(table.contains("-1.00"));
        assert!(render_table(&[]).contains("no dated statements"));
        assert_eq!(GroupBy::from_str("Institution"), Ok(GroupBy::Institution));
        assert!(GroupBy::from_str("party").is_err());
    }
}
