//! Divergence: the mixed-signals index of one government's voices on an
//! issue, per window (day, week, month), with the pairs of voices that
//! contradict each other. The definition and formula are in the module
//! docs of [`crate::analyses`] and in docs/analyses.md.

use std::collections::BTreeMap;

use serde::Serialize;

use super::timeline::round;
use super::{
    Bucket, Period, StatementRef, actor_of, clip, date_of, institution_on, on_issue, outlet_of,
    outlet_voice, period_of, position, signed,
};
use crate::Statement;
use crate::pack::{ActorIdx, Pack};

/// Two voices contradict each other when their positions are this far apart.
pub const CONTRADICTION_GAP: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VoiceKind {
    /// The institution of the speakers' roles (or an organisation itself).
    Institution,
    /// A person with no institutional role that day.
    Actor,
    /// An outlet speaking in its own voice.
    Outlet,
}

/// One voice of the government in a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Voice {
    /// `institution:NAME`, `actor:ID` or `outlet:ID`.
    pub key: String,
    pub kind: VoiceKind,
    /// "Ministry of Foreign Affairs", "Hassan Rouhani (former President)",
    /// "Javan (IRGC-affiliated)".
    pub label: String,
    /// An outlet's affiliation.
    pub affiliation: Option<String>,
    /// Who spoke for it: actor or outlet names, in order of first statement.
    pub members: Vec<String>,
    /// Mean score of its utterances, in [−1, 1].
    pub score: f64,
    /// Its number of utterances (the weight).
    pub utterances: usize,
    /// Indices of its statements (into the slice given).
    pub statements: Vec<usize>,
}

/// Two voices whose positions differ by at least [`CONTRADICTION_GAP`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContradictingPair {
    /// The more open voice (label) and its position.
    pub open: String,
    pub open_score: f64,
    /// The more closed voice.
    pub closed: String,
    pub closed_score: f64,
    pub gap: f64,
    /// The open voice's most open statement.
    pub open_statement: StatementRef,
    /// The closed voice's most closed statement.
    pub closed_statement: StatementRef,
}

/// The government's voices in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivergenceWindow {
    pub government: String,
    pub period: Period,
    /// The mixed-signals index in [0, 1]; `None` with fewer than two voices.
    pub index: Option<f64>,
    /// The weighted mean position of the voices.
    pub mean: f64,
    /// Voices, most open first.
    pub voices: Vec<Voice>,
    /// Contradicting pairs, widest gap first.
    pub pairs: Vec<ContradictingPair>,
}

/// The voice a statement speaks with, if it is one of `government`'s:
/// (key, kind, label, affiliation, member).
pub(super) fn voice_of(
    pack: &Pack,
    s: &Statement,
    government: &str,
) -> Option<(String, VoiceKind, String, Option<String>, String)> {
    if let Some(a) = actor_of(pack, s) {
        let actor = &pack.actors[a];
        if !speaks_for(pack, a, government) {
            return None;
        }
        let date = date_of(s).map(|d| d.0);
        return Some(match institution_on(pack, a, date) {
            Some(inst) => (
                format!("institution:{inst}"),
                VoiceKind::Institution,
                inst,
                None,
                actor.name.clone(),
            ),
            None => {
                let label = match pack.role_on(a, date) {
                    Some(role) => format!("{} ({role})", actor.name),
                    None => actor.name.clone(),
                };
                (
                    format!("actor:{}", actor.id),
                    VoiceKind::Actor,
                    label,
                    None,
                    actor.name.clone(),
                )
            }
        });
    }
    if !outlet_voice(s) {
        return None;
    }
    let o = &pack.outlets[outlet_of(pack, s)?];
    if o.country.as_deref() != Some(government) {
        return None;
    }
    let affiliation = s
        .outlet_affiliation
        .clone()
        .or_else(|| o.affiliation.clone());
    let label = match &affiliation {
        Some(aff) => format!("{} ({aff})", o.name),
        None => o.name.clone(),
    };
    Some((
        format!("outlet:{}", o.id),
        VoiceKind::Outlet,
        label,
        affiliation,
        o.name.clone(),
    ))
}

/// Does pack actor `a` speak for `government`? The only part of a pack
/// actor's voice that does not depend on the date: whether it has one.
pub(super) fn speaks_for(pack: &Pack, a: ActorIdx, government: &str) -> bool {
    pack.actors[a].country.as_deref() == Some(government)
}

#[derive(Default)]
struct Acc {
    kind: Option<VoiceKind>,
    label: String,
    affiliation: Option<String>,
    members: Vec<String>,
    /// (doc, attribution) → (sum of scores, count).
    utterances: BTreeMap<(String, usize), (f64, usize)>,
    statements: Vec<usize>,
}

/// The mixed-signals index of `government` (a pack country, "Iran") on
/// `issue`, per window; windows with at least one voice, in date order.
pub fn divergence(
    statements: &[Statement],
    pack: &Pack,
    issue: &str,
    government: &str,
    window: Bucket,
) -> Vec<DivergenceWindow> {
    let mut windows: BTreeMap<Period, BTreeMap<String, Acc>> = BTreeMap::new();
    for i in on_issue(statements, issue) {
        let s = &statements[i];
        let Some(score) = position(s) else { continue };
        let Some(period) = period_of(s, window) else {
            continue;
        };
        let Some((key, kind, label, affiliation, member)) = voice_of(pack, s, government) else {
            continue;
        };
        let acc = windows.entry(period).or_default().entry(key).or_default();
        acc.kind = Some(kind);
        acc.label = label;
        acc.affiliation = affiliation;
        if !acc.members.contains(&member) {
            acc.members.push(member);
        }
        let u = acc
            .utterances
            .entry((s.doc.clone(), s.attribution))
            .or_insert((0.0, 0));
        u.0 += score;
        u.1 += 1;
        acc.statements.push(i);
    }
    let windows = windows
        .into_iter()
        .map(|(period, accs)| {
            let accs = accs
                .into_iter()
                .map(|(key, acc)| {
                    let gathered = Gathered {
                        kind: acc.kind.unwrap_or(VoiceKind::Actor),
                        label: acc.label,
                        affiliation: acc.affiliation,
                        members: acc.members,
                        utterances: acc.utterances.into_values().collect(),
                        statements: acc.statements,
                    };
                    (key, gathered)
                })
                .collect();
            (period, accs)
        })
        .collect();
    finish(
        windows,
        government,
        &|x| position(&statements[x]).unwrap_or(0.0),
        &|i| StatementRef::new(statements, i),
    )
}

/// A voice's statements in one window, gathered.
pub(super) struct Gathered {
    pub kind: VoiceKind,
    pub label: String,
    pub affiliation: Option<String>,
    pub members: Vec<String>,
    /// (sum of scores, count) of each utterance, in (document, attribution)
    /// order: the order the scores are summed in.
    pub utterances: Vec<(f64, usize)>,
    pub statements: Vec<usize>,
}

/// The windows from the gathered voices: scores, index and contradicting
/// pairs. `position_of` gives a statement's score, `cite` its reference.
pub(super) fn finish(
    windows: BTreeMap<Period, BTreeMap<String, Gathered>>,
    government: &str,
    position_of: &dyn Fn(usize) -> f64,
    cite: &dyn Fn(usize) -> StatementRef,
) -> Vec<DivergenceWindow> {
    windows
        .into_iter()
        .map(|(period, accs)| {
            let mut voices: Vec<Voice> = accs
                .into_iter()
                .map(|(key, acc)| {
                    let n = acc.utterances.len();
                    let score = acc
                        .utterances
                        .iter()
                        .map(|(sum, k)| sum / *k as f64)
                        .sum::<f64>()
                        / n as f64;
                    Voice {
                        key,
                        kind: acc.kind,
                        label: acc.label,
                        affiliation: acc.affiliation,
                        members: acc.members,
                        score: round(score),
                        utterances: n,
                        statements: acc.statements,
                    }
                })
                .collect();
            voices.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.label.cmp(&b.label))
            });
            let total: f64 = voices.iter().map(|v| v.utterances as f64).sum();
            let mean = voices
                .iter()
                .map(|v| v.score * v.utterances as f64)
                .sum::<f64>()
                / total;
            let variance = voices
                .iter()
                .map(|v| v.utterances as f64 * (v.score - mean).powi(2))
                .sum::<f64>()
                / total;
            let index = (voices.len() >= 2).then(|| round(variance.sqrt().min(1.0)));
            // Each voice's most open and most closed statement, found and
            // cited once: a window of many voices has pairs by the hundred,
            // each naming two of them.
            let best = |v: &Voice, most_open: bool| {
                let pick = v.statements.iter().copied().reduce(|x, y| {
                    let (px, py) = (position_of(x), position_of(y));
                    if (most_open && py > px) || (!most_open && py < px) {
                        y
                    } else {
                        x
                    }
                });
                cite(pick.unwrap_or(0))
            };
            let mut open_cite: Vec<Option<StatementRef>> = vec![None; voices.len()];
            let mut closed_cite: Vec<Option<StatementRef>> = vec![None; voices.len()];
            let mut pairs = Vec::new();
            for (i, open) in voices.iter().enumerate() {
                for (j, closed) in voices.iter().enumerate().skip(i + 1) {
                    let gap = open.score - closed.score;
                    if gap + 1e-9 < CONTRADICTION_GAP {
                        continue;
                    }
                    let open_statement = open_cite[i].get_or_insert_with(|| best(open, true));
                    let closed_statement =
                        closed_cite[j].get_or_insert_with(|| best(closed, false));
                    pairs.push(ContradictingPair {
                        open: open.label.clone(),
                        open_score: open.score,
                        closed: closed.label.clone(),
                        closed_score: closed.score,
                        gap: round(gap),
                        open_statement: open_statement.clone(),
                        closed_statement: closed_statement.clone(),
                    });
                }
            }
            pairs.sort_by(|a, b| {
                b.gap
                    .total_cmp(&a.gap)
                    .then_with(|| (&a.open, &a.closed).cmp(&(&b.open, &b.closed)))
            });
            DivergenceWindow {
                government: government.to_string(),
                period,
                index,
                mean: round(mean),
                voices,
                pairs,
            }
        })
        .collect()
}

/// The windows as a table: index and voices per window, then the pairs.
pub fn render_table(windows: &[DivergenceWindow]) -> String {
    let mut out = String::new();
    for w in windows {
        out.push_str(&format!(
            "== {} ({} – {})  {}: mixed-signals index {}  mean {}  voices {}\n",
            w.period.label,
            w.period.start,
            w.period.end,
            w.government,
            w.index
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "-".into()),
            signed(w.mean),
            w.voices.len()
        ));
        for v in &w.voices {
            out.push_str(&format!(
                "   {:>5}  ×{:<3} {:<44}  {}\n",
                signed(v.score),
                v.utterances,
                clip(&v.label, 44),
                clip(&v.members.join(", "), 60)
            ));
        }
        for p in &w.pairs {
            out.push_str(&format!(
                "   contradicts (gap {:.2}): {} {} vs {} {}\n",
                p.gap,
                p.open,
                signed(p.open_score),
                p.closed,
                signed(p.closed_score)
            ));
            for r in [&p.open_statement, &p.closed_statement] {
                out.push_str(&format!(
                    "      {} {}: “{}” ({} {}–{})\n",
                    r.date.as_deref().unwrap_or("-"),
                    r.speaker.as_deref().unwrap_or("?"),
                    clip(&r.text, 80),
                    r.doc,
                    r.span[0],
                    r.span[1]
                ));
            }
        }
    }
    if windows.is_empty() {
        out.push_str("(no voices of this government on this issue)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, pack, st};
    use super::*;

    fn week_of_aug_26() -> Vec<Statement> {
        vec![
            // The Sunday before: another ISO week.
            st("a", "2019-08-25", "zarif", "support").at(0, 0),
            st("b", "2019-08-26", "rouhani", "support").at(0, 0),
            st("b", "2019-08-27", "rouhani", "conditional")
                .at(50, 1)
                .conditions(&["sanctions-relief"]),
            st("c", "2019-08-27", "zarif", "conditional").at(0, 0),
            st("c", "2019-08-27", "mousavi", "oppose").at(30, 1),
            // One quotation in two parts: one utterance; the neutral part is left out.
            st("d", "2019-08-29", "leader-office", "oppose").at(0, 0),
            st("d", "2019-08-29", "leader-office", "neutral").at(20, 0),
            st("d", "2019-08-29", "khamenei", "oppose").at(40, 1),
            st("e", "2019-08-31", "x", "oppose").editorial("javan", "Javan"),
            // Not voices of Iran.
            st("e", "2019-08-27", "trump", "support").at(60, 2),
            st("e", "2019-08-27", "Some Analyst", "oppose").at(80, 3),
            st("e", "2019-08-27", "x", "oppose")
                .at(90, 4)
                .editorial("reuters", "Reuters"),
            // Neutral: no position, not counted (though carried by Javan, it is not Javan's voice).
            st("f", "2019-08-30", "rouhani", "neutral").via("javan", "Javan"),
        ]
    }

    #[test]
    fn the_index_and_the_contradicting_pairs() {
        let pack = pack();
        let s = week_of_aug_26();
        let w = divergence(&s, &pack, "us-talks", "Iran", Bucket::Week);
        assert_eq!(w.len(), 2, "{w:#?}");
        // A single voice: no index.
        assert_eq!(w[0].period.label, "2019-W34");
        assert_eq!(w[0].index, None);
        let w = &w[1];
        assert_eq!(w.period.label, "2019-W35");
        let voices: Vec<(&str, VoiceKind, f64, usize)> = w
            .voices
            .iter()
            .map(|v| (v.label.as_str(), v.kind, v.score, v.utterances))
            .collect();
        assert_eq!(
            voices,
            vec![
                ("Presidency", VoiceKind::Institution, 0.75, 2),
                (
                    "Ministry of Foreign Affairs",
                    VoiceKind::Institution,
                    -0.25,
                    2
                ),
                ("Javan (IRGC-affiliated)", VoiceKind::Outlet, -1.0, 1),
                ("Office of the Leader", VoiceKind::Institution, -1.0, 2),
            ]
        );
        assert_eq!(
            w.voices[3].members,
            vec!["Office of the Leader", "Ali Khamenei"]
        );
        assert_eq!(
            w.voices[1].members,
            vec!["Mohammad Javad Zarif", "Abbas Mousavi"]
        );
        // M = (2·0.75 + 2·(−0.25) + 1·(−1) + 2·(−1)) / 7 = −2/7;
        // D = sqrt((2·1.0357² + 2·0.0357² + 0.7143² + 2·0.7143²) / 7) = 0.7249.
        assert_eq!(w.mean, -0.286);
        assert_eq!(w.index, Some(0.725));
        let pairs: Vec<(&str, &str, f64)> = w
            .pairs
            .iter()
            .map(|p| (p.open.as_str(), p.closed.as_str(), p.gap))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("Presidency", "Javan (IRGC-affiliated)", 1.75),
                ("Presidency", "Office of the Leader", 1.75),
                ("Presidency", "Ministry of Foreign Affairs", 1.0),
            ]
        );
        // Evidence: the most open statement of one side, the most closed of the other.
        assert_eq!(w.pairs[0].open_statement.index, 1);
        assert_eq!(
            w.pairs[0].open_statement.date.as_deref(),
            Some("2019-08-26")
        );
        assert_eq!(w.pairs[0].closed_statement.index, 8);
        assert_eq!(w.pairs[2].closed_statement.index, 4);
    }

    #[test]
    fn unanimous_voices_score_zero_and_polar_ones_one() {
        let pack = pack();
        let agree = vec![
            st("a", "2019-08-26", "rouhani", "oppose"),
            st("b", "2019-08-26", "zarif", "oppose"),
        ];
        let w = divergence(&agree, &pack, "us-talks", "Iran", Bucket::Day);
        assert_eq!(w[0].index, Some(0.0));
        assert!(w[0].pairs.is_empty());
        let polar = vec![
            st("a", "2019-08-26", "rouhani", "support"),
            st("b", "2019-08-26", "zarif", "oppose"),
        ];
        let w = divergence(&polar, &pack, "us-talks", "Iran", Bucket::Month);
        assert_eq!(w[0].index, Some(1.0));
        assert_eq!(w[0].pairs.len(), 1);
        assert_eq!(w[0].pairs[0].gap, 2.0);
        // Another government's voices are not counted.
        assert!(divergence(&polar, &pack, "us-talks", "United States", Bucket::Month).is_empty());
    }

    #[test]
    fn renders_a_table() {
        let pack = pack();
        let w = divergence(&week_of_aug_26(), &pack, "us-talks", "Iran", Bucket::Month);
        assert_eq!(w.len(), 1);
        let t = render_table(&w);
        assert!(t.contains("2019-08"), "{t}");
        assert!(t.contains("mixed-signals index"));
        assert!(
            t.contains("contradicts (gap 1.75): Presidency +0.75 vs Javan (IRGC-affiliated) -1.00"),
            "{t}"
        );
        assert!(render_table(&[]).contains("no voices"));
    }
}
