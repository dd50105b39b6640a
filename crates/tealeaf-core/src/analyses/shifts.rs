//! Shifts: per actor, each change of stance or of conditions between two
//! consecutive statements on an issue, with both statements as evidence.
//!
//! * **Actor**: the speaker's pack id, else the speaker's name as written.
//! * **Which statements**: those coded on the issue, dated, and taking a
//!   position (support, conditional, oppose). Neutral statements carry no
//!   position and are skipped; undated ones cannot be ordered.
//! * **Order**: by date (a partial date counts as its first day); on the
//!   same day, the order of the input (documents as given, text order
//!   within a document).
//! * **Consecutive**: each statement is compared with the actor's previous
//!   one. Parts of one quotation or clause (same document and attribution)
//!   are one utterance, so a change inside it is not a shift.
//! * **A shift**: the stance differs, or the set of conditions differs.
//! * **Reversal**: the statements are on opposite sides of the line between
//!   open (support, conditional) and closed (oppose): support ↔ oppose,
//!   conditional ↔ oppose. Support ↔ conditional is a hardening or
//!   softening, not a reversal.
//! * **Direction**: `harder` when the stance score falls (support +1,
//!   conditional +0.5, oppose −1), `softer` when it rises. With the stance
//!   unchanged, conditions decide: for support or conditional, adding a
//!   condition raises the price (harder) and dropping one lowers it
//!   (softer); for oppose, a refusal that gains terms ("not under
//!   pressure") is softer and one that loses them harder. Conditions both
//!   added and dropped: `sideways`.

use std::collections::HashMap;

use serde::Serialize;

use super::{StatementRef, actor_key, clip, date_of, on_issue, position};
use crate::Statement;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Harder,
    Softer,
    Sideways,
}

/// One change between two consecutive statements of one actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// The actor: pack id, else the speaker's name.
    pub actor: String,
    /// The speaker's name.
    pub speaker: String,
    pub from: StatementRef,
    pub to: StatementRef,
    pub from_score: f64,
    pub to_score: f64,
    pub stance_changed: bool,
    pub conditions_added: Vec<String>,
    pub conditions_dropped: Vec<String>,
    pub direction: Direction,
    pub reversal: bool,
    /// Days between the two statements (0: the same day).
    pub days: i64,
}

/// Every shift on `issue`, in the order of the later statement's date.
pub fn shifts(statements: &[Statement], issue: &str) -> Vec<Shift> {
    // Same-day statements are ordered by their document's id: an order of
    // the documents themselves, so that files given in another order, or a
    // store written in another order (ingest writes documents as their
    // extraction ends), give the same shifts.
    let mut ids: Vec<&str> = statements.iter().map(|s| s.doc.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let doc_rank: HashMap<&str, usize> = ids.iter().enumerate().map(|(r, id)| (*id, r)).collect();
    let mut by_actor: HashMap<String, Vec<usize>> = HashMap::new();
    for i in on_issue(statements, issue) {
        let s = &statements[i];
        if date_of(s).is_none() || position(s).is_none() {
            continue;
        }
        if let Some(k) = actor_key(s) {
            by_actor.entry(k).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (actor, mut idx) in by_actor {
        idx.sort_by_key(|&i| {
            let s = &statements[i];
            (
                date_of(s).map(|d| d.0),
                doc_rank[s.doc.as_str()],
                s.span[0],
                i,
            )
        });
        for w in idx.windows(2) {
            let (a, b) = (&statements[w[0]], &statements[w[1]]);
            if a.doc == b.doc && a.attribution == b.attribution {
                continue;
            }
            let added: Vec<String> = b
                .coding
                .conditions
                .iter()
                .filter(|c| !a.coding.conditions.contains(c))
                .cloned()
                .collect();
            let dropped: Vec<String> = a
                .coding
                .conditions
                .iter()
                .filter(|c| !b.coding.conditions.contains(c))
                .cloned()
                .collect();
            let stance_changed = a.coding.stance != b.coding.stance;
            if !stance_changed && added.is_empty() && dropped.is_empty() {
                continue;
            }
            let (x, y) = (position(a).unwrap_or(0.0), position(b).unwrap_or(0.0));
            let direction = direction(x, y, &added, &dropped);
            let days = match (date_of(a), date_of(b)) {
                (Some(d1), Some(d2)) => (d2.0 - d1.0).num_days(),
                _ => 0,
            };
            out.push(Shift {
                actor: actor.clone(),
                speaker: b
                    .speaker
                    .clone()
                    .or_else(|| a.speaker.clone())
                    .unwrap_or_else(|| actor.clone()),
                from: StatementRef::new(statements, w[0]),
                to: StatementRef::new(statements, w[1]),
                from_score: x,
                to_score: y,
                stance_changed,
                conditions_added: added,
                conditions_dropped: dropped,
                direction,
                reversal: (x > 0.0 && y < 0.0) || (x < 0.0 && y > 0.0),
                days,
            });
        }
    }
    // Same-day shifts of one actor in the order of their statements (by
    // document id, then place), not of the input.
    out.sort_by(|p, q| {
        let key = |s: &Shift| {
            (
                date_of_ref(&s.to),
                s.actor.clone(),
                doc_rank.get(s.to.doc.as_str()).copied(),
                s.to.span[0],
                s.to.index,
            )
        };
        key(p).cmp(&key(q))
    });
    out
}

/// The direction of a change from score `x` to `y` with these conditions
/// added and dropped (see the module docs).
pub(super) fn direction(x: f64, y: f64, added: &[String], dropped: &[String]) -> Direction {
    if y < x {
        Direction::Harder
    } else if y > x {
        Direction::Softer
    } else {
        match (added.is_empty(), dropped.is_empty(), y < 0.0) {
            (false, true, false) | (true, false, true) => Direction::Harder,
            (true, false, false) | (false, true, true) => Direction::Softer,
            _ => Direction::Sideways,
        }
    }
}

fn date_of_ref(r: &StatementRef) -> Option<chrono::NaiveDate> {
    r.date.as_deref().and_then(super::parse_date).map(|d| d.0)
}

/// The shifts as a table: one block per shift, both statements quoted.
pub fn render_table(shifts: &[Shift]) -> String {
    let mut out = format!(
        "{:<10}  {:<10}  {:<24}  {:<26}  {:<9}  {}\n",
        "from", "to", "speaker", "stance", "change", "conditions"
    );
    for s in shifts {
        let stance = format!(
            "{} → {}",
            s.from.stance.as_deref().unwrap_or("?"),
            s.to.stance.as_deref().unwrap_or("?")
        );
        let change = if s.reversal {
            "REVERSAL".to_string()
        } else {
            format!("{:?}", s.direction).to_lowercase()
        };
        let mut conds: Vec<String> = s.conditions_added.iter().map(|c| format!("+{c}")).collect();
        conds.extend(s.conditions_dropped.iter().map(|c| format!("-{c}")));
        out.push_str(&format!(
            "{:<10}  {:<10}  {:<24}  {:<26}  {:<9}  {}\n",
            s.from.date.as_deref().unwrap_or("-"),
            s.to.date.as_deref().unwrap_or("-"),
            clip(&s.speaker, 24),
            stance,
            change,
            conds.join(" ")
        ));
        out.push_str(&format!(
            "    before: “{}” ({} {}–{})\n",
            clip(&s.from.text, 90),
            s.from.doc,
            s.from.span[0],
            s.from.span[1]
        ));
        out.push_str(&format!(
            "    after:  “{}” ({} {}–{})\n",
            clip(&s.to.text, 90),
            s.to.doc,
            s.to.span[0],
            s.to.span[1]
        ));
    }
    if shifts.is_empty() {
        out.push_str("(no shifts)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, st};
    use super::*;

    #[test]
    fn a_reversal_between_two_days_with_both_statements() {
        let s = vec![
            st("feb08", "2025-02-07", "khamenei", "oppose").at(100, 1),
            st("feb08", "2025-01-28", "khamenei", "conditional").at(700, 2),
            st("feb08", "2025-02-07", "trump", "support").at(900, 3),
        ];
        let out = shifts(&s, "us-talks");
        assert_eq!(out.len(), 1, "{out:#?}");
        let r = &out[0];
        assert_eq!(r.actor, "khamenei");
        assert_eq!(r.from.date.as_deref(), Some("2025-01-28"));
        assert_eq!(r.from.index, 1);
        assert_eq!(r.to.date.as_deref(), Some("2025-02-07"));
        assert_eq!((r.from_score, r.to_score), (0.5, -1.0));
        assert!(r.reversal && r.stance_changed);
        assert_eq!(r.direction, Direction::Harder);
        assert_eq!(r.days, 10);
        assert_eq!(r.to.doc, "feb08");
        assert_eq!(r.to.span, [100, 110]);
    }

    #[test]
    fn conditions_raised_and_dropped_and_what_is_not_a_shift() {
        let s = vec![
            st("a", "2019-08-26", "rouhani", "support").at(0, 0),
            // Neutral: no position, skipped.
            st("a", "2019-08-26", "rouhani", "neutral").at(10, 1),
            // Same day, text order: raises a condition.
            st("b", "2019-08-27", "rouhani", "conditional")
                .at(0, 0)
                .conditions(&["sanctions-relief"]),
            // Same utterance: a part of the same quotation is not a shift.
            st("b", "2019-08-27", "rouhani", "oppose").at(20, 0),
            // Another utterance, same stance and conditions as the last part.
            st("b", "2019-08-27", "rouhani", "oppose").at(40, 1),
            st("c", "2019-08-28", "rouhani", "oppose")
                .at(0, 0)
                .conditions(&["us-returns-to-jcpoa"]),
            st("d", "2019-08-29", "rouhani", "conditional")
                .at(0, 0)
                .conditions(&["sanctions-relief", "us-returns-to-jcpoa"]),
            st("d", "2019-08-30", "rouhani", "conditional")
                .at(20, 1)
                .conditions(&["sanctions-relief"]),
            st("d", "2019-08-31", "rouhani", "conditional")
                .at(40, 2)
                .conditions(&["guarantees"]),
            // Undated and other issues: skipped.
            st("e", "", "rouhani", "support"),
            st("e", "2019-09-01", "rouhani", "support").topic("other"),
        ];
        let out = shifts(&s, "us-talks");
        type Row<'a> = (&'a str, &'a str, bool, Direction, Vec<String>, Vec<String>);
        let summary: Vec<Row> = out
            .iter()
            .map(|x| {
                (
                    x.from.date.as_deref().unwrap(),
                    x.to.date.as_deref().unwrap(),
                    x.reversal,
                    x.direction,
                    x.conditions_added.clone(),
                    x.conditions_dropped.clone(),
                )
            })
            .collect();
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            summary,
            vec![
                (
                    "2019-08-26",
                    "2019-08-27",
                    false,
                    Direction::Harder,
                    v(&["sanctions-relief"]),
                    v(&[])
                ),
                // oppose gains terms: softer.
                (
                    "2019-08-27",
                    "2019-08-28",
                    false,
                    Direction::Softer,
                    v(&["us-returns-to-jcpoa"]),
                    v(&[])
                ),
                (
                    "2019-08-28",
                    "2019-08-29",
                    true,
                    Direction::Softer,
                    v(&["sanctions-relief"]),
                    v(&[])
                ),
                (
                    "2019-08-29",
                    "2019-08-30",
                    false,
                    Direction::Softer,
                    v(&[]),
                    v(&["us-returns-to-jcpoa"])
                ),
                (
                    "2019-08-30",
                    "2019-08-31",
                    false,
                    Direction::Sideways,
                    v(&["guarantees"]),
                    v(&["sanctions-relief"])
                ),
            ]
        );
        assert_eq!(out[0].days, 1);
    }

    #[test]
    fn actors_by_id_else_name_and_same_day_documents_by_id_whatever_the_input_order() {
        let mut s = vec![
            st("z-later-doc", "2025-02-26", "Leila Farahani", "support").at(500, 0),
            st("a-first-doc", "2025-02-26", "Leila Farahani", "oppose").at(900, 0),
            st("x", "2025-02-26", "rouhani", "oppose"),
        ];
        let out = shifts(&s, "us-talks");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].actor, "Leila Farahani");
        // Documents by id, not by input order (a store holds them in the
        // order their extraction ended) or by span.
        assert_eq!(out[0].from.doc, "a-first-doc");
        assert!(out[0].reversal);
        assert_eq!(out[0].days, 0);
        s.reverse();
        let reversed = shifts(&s, "us-talks");
        assert_eq!(
            (&reversed[0].from.doc, &reversed[0].to.doc),
            (&out[0].from.doc, &out[0].to.doc)
        );
        let table = render_table(&out);
        assert!(table.contains("REVERSAL"));
        assert!(table.contains("oppose → support"));
        assert!(table.contains("before:") && table.contains("after:"));
    }
}
