//! Analyses over coded statements: what an analyst reads off a corpus once
//! every statement has a speaker, a date, a topic and a stance.
//!
//! Each analysis is a pure function over `&[Statement]` (and the [`Pack`]
//! where roles, institutions or countries are needed); results are
//! `Serialize` and each module has a plain-text `render_table`. Evidence
//! points back into the input: either indices into the slice or a
//! [`StatementRef`] (document, char span, text, date).
//!
//! | analysis | function | question |
//! | --- | --- | --- |
//! | timeline | [`timeline()`] | how does stance on an issue move per actor, faction, institution, country or outlet? |
//! | shifts | [`shifts()`] | when did an actor change stance or conditions between two consecutive statements? |
//! | divergence | [`divergence()`] | how far do one government's voices disagree in a window (the mixed-signals index)? |
//! | conditions | [`conditions_ledger()`] | which conditions are set, by whom, since when, and does the set grow? |
//! | channels | [`channels()`] | which mediators are named, by whom, when, with which likelihoods? |
//!
//! # Stance scores
//!
//! Every analysis that computes with stances uses one scale
//! ([`stance_score`]): **support = +1, conditional = +0.5, neutral = 0,
//! oppose = −1**. Conditional sits on the open side — a condition is a price
//! for talking, not a refusal — but halfway, since the price may be
//! unacceptable. The timeline's net score counts neutral statements as 0;
//! shifts and divergence leave neutral statements out, because the coder
//! gives "neutral" to statements with no stance cue: they carry no position,
//! and counting them as "in between" would invent movement and disagreement.
//!
//! # Dates and periods
//!
//! A statement's date is `YYYY-MM-DD`, `YYYY-MM` or `YYYY` ([`parse_date`]).
//! Undated statements are left out of everything dated (shifts, windows,
//! first/last seen). Grouping into a [`Bucket`] (day, ISO week starting on
//! Monday, calendar month) needs a date at least as precise as the bucket: a
//! month-only date is kept in month buckets and left out of day and week
//! buckets rather than placed on the 1st. Shifts order by date, a partial
//! date counting as its first day; statements of the same day keep input
//! (document, then text) order.
//!
//! # The mixed-signals index (divergence)
//!
//! For a government `G` and a window `W`:
//!
//! 1. **Voices.** A statement is a voice of `G` when its speaker is a pack
//!    actor whose country is `G`, or an outlet of `G` speaking in its own
//!    voice (an editorial: the speaker is the outlet). An actor speaks for
//!    the institution of the role it held on the statement's date ("Ministry
//!    of Foreign Affairs", "Office of the Supreme Leader"); organisations
//!    speak for themselves, so the Supreme Leader's office weekly (an organ
//!    of the office) and the Leader share one voice; an actor with no role
//!    that day (a former president) is a voice of its own; an outlet is a
//!    voice labelled with its affiliation ("Javan (IRGC-affiliated)").
//! 2. **Utterances.** Statements that are parts of one quotation or clause
//!    (same document and attribution) form one utterance scored by the mean
//!    of their scores; neutral statements are left out.
//! 3. **Voice position.** `m_v` = mean score of voice `v`'s utterances in
//!    `W`; `w_v` = their number.
//! 4. **Index.** With `M = Σ w_v·m_v / Σ w_v`,
//!    `D = sqrt( Σ w_v·(m_v − M)² / Σ w_v )`, the weighted standard
//!    deviation of the voices' positions. Since every `m_v` lies in
//!    `[−1, 1]`, `D` lies in `[0, 1]` (Popoviciu's inequality: a variance is
//!    at most (max − min)²/4 = 1); `D = 0` when all voices agree and `D = 1`
//!    only when the utterances split evenly between voices at +1 and −1.
//!    The index needs two voices; with one it is `None`.
//! 5. **Contradicting pairs.** Two voices contradict each other when their
//!    positions differ by at least 1: support against oppose (2), conditional
//!    against oppose (1.5), or mixed positions as far apart. Each pair comes
//!    with one statement per side: the most open statement of the more open
//!    voice and the most closed statement of the other.
//!
//! Why a standard deviation rather than the mean pairwise difference: the
//! squares make opposite directions (support vs oppose) weigh four times a
//! one-step difference, which is what makes signals *mixed* rather than
//! nuanced; and it is the between-voice part of the dispersion of the
//! government's stream of utterances, so a voice that hedges within itself
//! is not counted as disagreement, and a voice heard once (perhaps
//! mis-coded) moves the index less than one heard ten times. The pairs list
//! names every contradiction regardless of weight, so a lone dissenter is
//! never hidden. See docs/analyses.md.

mod channels;
mod conditions;
mod divergence;
pub mod facts;
mod facts_bytes;
pub mod fast;
mod json;
mod shifts;
mod timeline;

#[cfg(test)]
mod testutil;

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::Statement;
use crate::pack::{ActorIdx, ActorKind, Pack, role_active};

pub use channels::{ChannelEntry, ChannelMessage, StanceCounts, VoicedProbability, channels};
pub use conditions::{Ledger, LedgerEntry, LedgerPeriod, conditions_ledger};
pub use divergence::{
    CONTRADICTION_GAP, ContradictingPair, DivergenceWindow, Voice, VoiceKind, divergence,
};
pub use facts::{FactRow, Facts, FactsBuilder};
pub use facts_bytes::{ids_from_bytes, ids_to_bytes};
pub use fast::{Page, Paging, ShiftFilter};
pub use json::statement_from_json;
pub use shifts::{Direction, Shift, shifts};
pub use timeline::{GroupBy, TimelinePoint, timeline};

/// Plain-text tables, one per analysis.
pub mod render {
    pub use super::channels::render_table as channels;
    pub use super::conditions::render_table as conditions;
    pub use super::divergence::render_table as divergence;
    pub use super::shifts::render_table as shifts;
    pub use super::timeline::render_table as timeline;
}

/// The stance scale: support +1, conditional +0.5, neutral 0, oppose −1;
/// `None` for a missing or unknown stance.
pub fn stance_score(stance: Option<&str>) -> Option<f64> {
    match stance? {
        "support" => Some(1.0),
        "conditional" => Some(0.5),
        "neutral" => Some(0.0),
        "oppose" => Some(-1.0),
        _ => None,
    }
}

/// The score of a statement that takes a position: neutral and unknown
/// stances give `None`.
pub(crate) fn position(s: &Statement) -> Option<f64> {
    stance_score(s.coding.stance.as_deref()).filter(|x| *x != 0.0)
}

/// How precise a statement's date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Month,
    Year,
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY` → its first day and precision.
pub fn parse_date(s: &str) -> Option<(NaiveDate, DatePrecision)> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let year = parts.first()?.parse::<i32>().ok()?;
    match parts.len() {
        1 => NaiveDate::from_ymd_opt(year, 1, 1).map(|d| (d, DatePrecision::Year)),
        2 => NaiveDate::from_ymd_opt(year, num(1)?, 1).map(|d| (d, DatePrecision::Month)),
        3 => NaiveDate::from_ymd_opt(year, num(1)?, num(2)?).map(|d| (d, DatePrecision::Day)),
        _ => None,
    }
}

/// A statement's date, parsed.
pub(crate) fn date_of(s: &Statement) -> Option<(NaiveDate, DatePrecision)> {
    s.date.as_deref().and_then(parse_date)
}

/// Calendar periods statements are grouped into: days, ISO weeks (Monday
/// to Sunday) or calendar months. Also the divergence window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Day,
    Week,
    Month,
}

impl FromStr for Bucket {
    type Err = String;
    fn from_str(s: &str) -> Result<Bucket, String> {
        match s.to_ascii_lowercase().as_str() {
            "day" | "daily" => Ok(Bucket::Day),
            "week" | "weekly" => Ok(Bucket::Week),
            "month" | "monthly" => Ok(Bucket::Month),
            other => Err(format!("unknown bucket '{other}' (day, week or month)")),
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        })
    }
}

/// One period: first and last day (inclusive) and a label
/// (`2025-02-07`, `2025-W06`, `2025-02`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub label: String,
}

impl Bucket {
    /// The period holding `date`.
    pub fn period(self, date: NaiveDate) -> Period {
        match self {
            Bucket::Day => Period {
                start: date,
                end: date,
                label: date.to_string(),
            },
            Bucket::Week => {
                let start = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
                let iso = date.iso_week();
                Period {
                    start,
                    end: start + Duration::days(6),
                    label: format!("{}-W{:02}", iso.year(), iso.week()),
                }
            }
            Bucket::Month => {
                let start = date.with_day(1).unwrap_or(date);
                let next = if start.month() == 12 {
                    NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
                };
                Period {
                    start,
                    end: next.map(|n| n - Duration::days(1)).unwrap_or(start),
                    label: format!("{:04}-{:02}", start.year(), start.month()),
                }
            }
        }
    }

    /// The coarsest date precision this bucket can place.
    fn places(self, precision: DatePrecision) -> bool {
        match self {
            Bucket::Day | Bucket::Week => precision == DatePrecision::Day,
            Bucket::Month => precision <= DatePrecision::Month,
        }
    }
}

/// The period of a statement, if its date is precise enough for `bucket`.
pub(crate) fn period_of(s: &Statement, bucket: Bucket) -> Option<Period> {
    let (date, precision) = date_of(s)?;
    bucket.places(precision).then(|| bucket.period(date))
}

/// A statement cited as evidence: where it is, what it says, who said it
/// when, and how it was coded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementRef {
    /// Index in the slice the analysis was given.
    pub index: usize,
    pub doc: String,
    /// Char offsets of `text` in the document body.
    pub span: [usize; 2],
    pub text: String,
    pub date: Option<String>,
    pub speaker: Option<String>,
    pub speaker_role: Option<String>,
    pub outlet: Option<String>,
    pub stance: Option<String>,
    pub conditions: Vec<String>,
}

impl StatementRef {
    pub fn new(statements: &[Statement], index: usize) -> StatementRef {
        let s = &statements[index];
        StatementRef {
            index,
            doc: s.doc.clone(),
            span: s.span,
            text: s.text.clone(),
            date: s.date.clone(),
            speaker: s.speaker.clone(),
            speaker_role: s.speaker_role.clone(),
            outlet: s.outlet.clone(),
            stance: s.coding.stance.clone(),
            conditions: s.coding.conditions.clone(),
        }
    }
}

/// A speaker and how many statements they made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerCount {
    pub speaker: String,
    pub speaker_id: Option<String>,
    pub count: usize,
}

/// Counts statements per speaker (pack id, else name): most first, then
/// by name.
pub(crate) fn count_speakers<'a>(
    statements: impl IntoIterator<Item = &'a Statement>,
) -> Vec<SpeakerCount> {
    let mut out: Vec<SpeakerCount> = Vec::new();
    for s in statements {
        let Some(key) = actor_key(s) else { continue };
        match out
            .iter_mut()
            .find(|c| c.speaker_id.as_deref().unwrap_or(&c.speaker) == key)
        {
            Some(c) => c.count += 1,
            None => out.push(SpeakerCount {
                speaker: s.speaker.clone().unwrap_or_else(|| key.clone()),
                speaker_id: s.speaker_id.clone(),
                count: 1,
            }),
        }
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.speaker.cmp(&b.speaker))
    });
    out
}

/// Who a statement is by, for per-actor analyses: the pack id, else the
/// speaker's name. Unattributed statements have no actor.
pub(crate) fn actor_key(s: &Statement) -> Option<String> {
    s.speaker_id
        .clone()
        .or_else(|| s.speaker.clone())
        .filter(|k| !k.trim().is_empty())
}

/// Is the outlet speaking in its own voice (an editorial, "the paper said")?
pub(crate) fn outlet_voice(s: &Statement) -> bool {
    s.speaker_id.is_none()
        && s.outlet.is_some()
        && (s.speaker == s.outlet
            || s.rule.contains("speaker:outlet")
            || s.rule.contains("speaker:document-outlet"))
}

/// The pack actor who made a statement.
pub(crate) fn actor_of(pack: &Pack, s: &Statement) -> Option<ActorIdx> {
    s.speaker_id.as_deref().and_then(|id| pack.actor_index(id))
}

/// The institution an actor spoke for on `date`: the institution of the
/// role active that day (the latest one started), else — for an
/// organisation, group or state — the actor itself. People out of office
/// speak for no institution.
pub fn institution_on(pack: &Pack, actor: ActorIdx, date: Option<NaiveDate>) -> Option<String> {
    let a = &pack.actors[actor];
    let role = match date {
        Some(d) => a
            .roles
            .iter()
            .filter(|r| role_active(r, d) && r.institution.is_some())
            .max_by_key(|r| r.from.map(|f| f.first_day())),
        None => a
            .roles
            .iter()
            .filter(|r| r.institution.is_some())
            .max_by_key(|r| r.from.map(|f| f.first_day())),
    };
    role.and_then(|r| r.institution.clone())
        .or_else(|| (a.kind != ActorKind::Person).then(|| a.name.clone()))
}

/// The country a statement speaks for: its actor's, or — for an outlet in
/// its own voice — the outlet's.
pub(crate) fn country_of(pack: &Pack, s: &Statement) -> Option<String> {
    if let Some(a) = actor_of(pack, s) {
        return pack.actors[a].country.clone();
    }
    if outlet_voice(s) {
        return outlet_of(pack, s).and_then(|o| pack.outlets[o].country.clone());
    }
    None
}

pub(crate) fn outlet_of(pack: &Pack, s: &Statement) -> Option<usize> {
    let by_id = s
        .outlet_id
        .as_deref()
        .and_then(|id| pack.outlets.iter().position(|o| o.id == id));
    by_id.or_else(|| {
        s.outlet
            .as_deref()
            .and_then(|name| pack.outlets.iter().position(|o| o.name == name))
    })
}

/// Indices of the statements coded on `issue`.
pub(crate) fn on_issue<'a>(
    statements: &'a [Statement],
    issue: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    (0..statements.len()).filter(move |&i| statements[i].coding.topic.as_deref() == Some(issue))
}

/// Cuts `s` to `n` chars, with an ellipsis.
pub(crate) fn clip(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= n {
        s
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// "+0.50" / "-1.00".
pub(crate) fn signed(x: f64) -> String {
    format!("{x:+.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_with_their_precision() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(
            parse_date("2025-02-07"),
            Some((d(2025, 2, 7), DatePrecision::Day))
        );
        assert_eq!(
            parse_date("2018-05"),
            Some((d(2018, 5, 1), DatePrecision::Month))
        );
        assert_eq!(
            parse_date("2019"),
            Some((d(2019, 1, 1), DatePrecision::Year))
        );
        assert_eq!(parse_date("2019-13-01"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn buckets_give_calendar_periods() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let w = Bucket::Week.period(d(2025, 2, 7));
        assert_eq!(
            (w.start, w.end, w.label.as_str()),
            (d(2025, 2, 3), d(2025, 2, 9), "2025-W06")
        );
        let m = Bucket::Month.period(d(2024, 12, 31));
        assert_eq!(
            (m.start, m.end, m.label.as_str()),
            (d(2024, 12, 1), d(2024, 12, 31), "2024-12")
        );
        let feb = Bucket::Month.period(d(2024, 2, 10));
        assert_eq!(feb.end, d(2024, 2, 29));
        assert_eq!(Bucket::Day.period(d(2019, 8, 26)).label, "2019-08-26");
        assert!(Bucket::Month.places(DatePrecision::Month));
        assert!(!Bucket::Week.places(DatePrecision::Month));
        assert!(!Bucket::Month.places(DatePrecision::Year));
        assert_eq!("Weekly".parse::<Bucket>(), Ok(Bucket::Week));
        assert!("fortnight".parse::<Bucket>().is_err());
    }

    #[test]
    fn the_stance_scale() {
        assert_eq!(stance_score(Some("support")), Some(1.0));
        assert_eq!(stance_score(Some("conditional")), Some(0.5));
        assert_eq!(stance_score(Some("neutral")), Some(0.0));
        assert_eq!(stance_score(Some("oppose")), Some(-1.0));
        assert_eq!(stance_score(Some("other")), None);
        assert_eq!(stance_score(None), None);
    }

    #[test]
    fn institutions_follow_roles_on_the_date() {
        let pack = testutil::pack();
        let d = |y, m, dd| Some(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
        let rouhani = pack.actor_index("rouhani").unwrap();
        assert_eq!(
            institution_on(&pack, rouhani, d(2019, 8, 26)).as_deref(),
            Some("Presidency")
        );
        // Out of office: no institution.
        assert_eq!(institution_on(&pack, rouhani, d(2025, 2, 26)), None);
        // An organisation speaks for itself.
        let office = pack.actor_index("leader-office").unwrap();
        assert_eq!(
            institution_on(&pack, office, d(2019, 8, 29)).as_deref(),
            Some("Office of the Leader")
        );
    }
}
