//! Channels: the mediators and messengers named in statements, over time,
//! with who named them, in what stance, and the likelihoods voiced.
//!
//! One entry per mediator (the coded `mediators` of every statement, on
//! any issue): its statements in date order (undated ones last), the
//! speakers, the stances, and every probability voiced in a statement
//! naming it ("I would put it at less than 10 percent" → 0.1), with the
//! lowest and highest. Entries are in order of first mention.

use serde::Serialize;

use super::{SpeakerCount, StatementRef, clip, count_speakers, date_of};
use crate::Statement;

/// Statements per stance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StanceCounts {
    pub support: usize,
    pub conditional: usize,
    pub neutral: usize,
    pub oppose: usize,
}

/// A likelihood voiced about a channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoicedProbability {
    pub value: f64,
    pub date: Option<String>,
    pub speaker: Option<String>,
    pub statement: StatementRef,
}

/// One statement naming a mediator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelMessage {
    pub date: Option<String>,
    pub speaker: Option<String>,
    pub speaker_id: Option<String>,
    pub speaker_role: Option<String>,
    pub outlet: Option<String>,
    pub topic: Option<String>,
    pub stance: Option<String>,
    pub probability: Option<f64>,
    pub statement: StatementRef,
}

/// One mediator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelEntry {
    pub mediator: String,
    pub count: usize,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub speakers: Vec<SpeakerCount>,
    pub stances: StanceCounts,
    pub probabilities: Vec<VoicedProbability>,
    pub lowest_probability: Option<f64>,
    pub highest_probability: Option<f64>,
    pub messages: Vec<ChannelMessage>,
}

/// Every mediator named in `statements`.
pub fn channels(statements: &[Statement]) -> Vec<ChannelEntry> {
    let mut names: Vec<&str> = Vec::new();
    for s in statements {
        for m in &s.coding.mediators {
            if !names.contains(&m.as_str()) {
                names.push(m);
            }
        }
    }
    let mut out: Vec<ChannelEntry> = names
        .into_iter()
        .map(|name| {
            let mut idx: Vec<usize> = (0..statements.len())
                .filter(|&i| statements[i].coding.mediators.iter().any(|m| m == name))
                .collect();
            // Date order, undated last; input order within a day.
            idx.sort_by_key(|&i| {
                (
                    date_of(&statements[i]).map(|d| d.0).is_none(),
                    date_of(&statements[i]).map(|d| d.0),
                    i,
                )
            });
            let mut stances = StanceCounts::default();
            for &i in &idx {
                match statements[i].coding.stance.as_deref() {
                    Some("support") => stances.support += 1,
                    Some("conditional") => stances.conditional += 1,
                    Some("oppose") => stances.oppose += 1,
                    _ => stances.neutral += 1,
                }
            }
            let probabilities: Vec<VoicedProbability> = idx
                .iter()
                .filter_map(|&i| {
                    let s = &statements[i];
                    s.coding.probability.map(|value| VoicedProbability {
                        value,
                        date: s.date.clone(),
                        speaker: s.speaker.clone(),
                        statement: StatementRef::new(statements, i),
                    })
                })
                .collect();
            let dated: Vec<&String> = idx
                .iter()
                .filter_map(|&i| statements[i].date.as_ref())
                .collect();
            ChannelEntry {
                mediator: name.to_string(),
                count: idx.len(),
                first_seen: dated.first().map(|d| d.to_string()),
                last_seen: dated.last().map(|d| d.to_string()),
                speakers: count_speakers(idx.iter().map(|&i| &statements[i])),
                stances,
                lowest_probability: probabilities.iter().map(|p| p.value).reduce(f64::min),
                highest_probability: probabilities.iter().map(|p| p.value).reduce(f64::max),
                probabilities,
                messages: idx
                    .iter()
                    .map(|&i| {
                        let s = &statements[i];
                        ChannelMessage {
                            date: s.date.clone(),
                            speaker: s.speaker.clone(),
                            speaker_id: s.speaker_id.clone(),
                            speaker_role: s.speaker_role.clone(),
                            outlet: s.outlet.clone(),
                            topic: s.coding.topic.clone(),
                            stance: s.coding.stance.clone(),
                            probability: s.coding.probability,
                            statement: StatementRef::new(statements, i),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let first = |e: &ChannelEntry| {
            e.first_seen
                .as_deref()
                .and_then(super::parse_date)
                .map(|d| d.0)
        };
        (first(a).is_none(), first(a), &a.mediator).cmp(&(
            first(b).is_none(),
            first(b),
            &b.mediator,
        ))
    });
    out
}

/// The channels as a table: a line per mediator, then its messages.
pub fn render_table(entries: &[ChannelEntry]) -> String {
    let mut out = format!(
        "{:<14}  {:>3}  {:<10}  {:<10}  {:<15}  {:<11}  {}\n",
        "mediator", "n", "first", "last", "sup/cnd/neu/opp", "likelihood", "named by"
    );
    for e in entries {
        let likelihood = match (e.lowest_probability, e.highest_probability) {
            (Some(lo), Some(hi)) if lo == hi => format!("{:.0}%", lo * 100.0),
            (Some(lo), Some(hi)) => format!("{:.0}–{:.0}%", lo * 100.0, hi * 100.0),
            _ => "-".to_string(),
        };
        let speakers: Vec<String> = e
            .speakers
            .iter()
            .map(|c| format!("{} ×{}", c.speaker, c.count))
            .collect();
        out.push_str(&format!(
            "{:<14}  {:>3}  {:<10}  {:<10}  {:<15}  {:<11}  {}\n",
            clip(&e.mediator, 14),
            e.count,
            e.first_seen.as_deref().unwrap_or("-"),
            e.last_seen.as_deref().unwrap_or("-"),
            format!(
                "{}/{}/{}/{}",
                e.stances.support, e.stances.conditional, e.stances.neutral, e.stances.oppose
            ),
            likelihood,
            clip(&speakers.join(", "), 60)
        ));
        for m in &e.messages {
            out.push_str(&format!(
                "    {:<10}  {:<22}  {:<11}  {:<5}  “{}”\n",
                m.date.as_deref().unwrap_or("-"),
                clip(m.speaker.as_deref().unwrap_or("?"), 22),
                m.stance.as_deref().unwrap_or("-"),
                m.probability
                    .map(|p| format!("{:.0}%", p * 100.0))
                    .unwrap_or_default(),
                clip(&m.statement.text, 80)
            ));
        }
    }
    if entries.is_empty() {
        out.push_str("(no mediators named)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, st};
    use super::*;

    #[test]
    fn mediators_over_time_with_likelihoods() {
        let s = vec![
            st("a", "2025-02-26", "Dariush Rahmani", "neutral")
                .topic("mediation")
                .mediators(&["Russia"])
                .probability(0.1),
            st("a", "2025-02-25", "lavrov", "support")
                .at(30, 1)
                .mediators(&["Russia"]),
            st("b", "2025-03-02", "Leila Farahani", "support")
                .topic("mediation")
                .mediators(&["Oman"]),
            st("b", "2025-02-26", "Dariush Rahmani", "neutral")
                .at(30, 1)
                .topic("mediation")
                .mediators(&["Oman", "Qatar"]),
            st("c", "", "Someone Else", "neutral")
                .mediators(&["Russia"])
                .probability(0.3),
            st("c", "2025-03-04", "peskov", "support")
                .at(30, 1)
                .mediators(&["Russia"]),
            st("d", "2025-03-04", "nobody", "support"),
        ];
        let c = channels(&s);
        let names: Vec<&str> = c.iter().map(|e| e.mediator.as_str()).collect();
        assert_eq!(names, vec!["Russia", "Oman", "Qatar"]);
        let russia = &c[0];
        assert_eq!(russia.count, 4);
        assert_eq!(
            (russia.first_seen.as_deref(), russia.last_seen.as_deref()),
            (Some("2025-02-25"), Some("2025-03-04"))
        );
        let order: Vec<usize> = russia.messages.iter().map(|m| m.statement.index).collect();
        assert_eq!(order, vec![1, 0, 5, 4]);
        assert_eq!(
            russia.stances,
            StanceCounts {
                support: 2,
                conditional: 0,
                neutral: 2,
                oppose: 0
            }
        );
        assert_eq!(
            (russia.lowest_probability, russia.highest_probability),
            (Some(0.1), Some(0.3))
        );
        assert_eq!(
            russia.probabilities[0].speaker.as_deref(),
            Some("Dariush Rahmani")
        );
        assert_eq!(russia.probabilities[0].date.as_deref(), Some("2025-02-26"));
        assert_eq!(russia.speakers.len(), 4);
        let oman = &c[1];
        assert_eq!(oman.count, 2);
        assert_eq!(oman.lowest_probability, None);
        assert_eq!(oman.messages[1].topic.as_deref(), Some("mediation"));
        let t = render_table(&c);
        assert!(t.contains("10–30%"), "{t}");
        assert!(t.contains("Russia"));
        assert!(render_table(&[]).contains("no mediators"));
    }
}
