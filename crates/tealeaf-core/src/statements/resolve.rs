//! Resolution: who a speaker phrase is (pack actor by name, by role on the
//! date, by pronoun or surname; or a person or group the pack does not
//! know), which outlet carried the statement, and on which day.

use chrono::NaiveDate;

use super::attribution::{Attribution, SpeakerRef};
use crate::dates::{DateIndex, Precision, ResolvedDate};
use crate::mentions::{Mention, MentionKind};
use crate::pack::{ActorIdx, ActorKind, Gender, LexiconEntry, OutletIdx, Pack, role_active};
use crate::sentences::Segmentation;
use crate::text::{Span, WordList, starts_with_lowered, strip_possessive};

/// A resolved speaker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Speaker {
    /// Canonical name for pack actors and outlets, the name as written otherwise.
    pub name: Option<String>,
    /// The phrase as written ("he", "the foreign minister").
    pub mention: Option<String>,
    pub mention_span: Option<Span>,
    pub actor: Option<ActorIdx>,
    /// An outlet speaking in its own voice (an editorial).
    pub outlet: Option<OutletIdx>,
    /// A role the text gives a speaker the pack does not know.
    pub text_role: Option<String>,
    /// How the speaker was resolved.
    pub method: &'static str,
}

pub struct Resolver<'a> {
    pub text: &'a str,
    pub pack: &'a Pack,
    pub mentions: &'a [Mention<'a>],
    pub seg: &'a Segmentation,
    pub dates: &'a DateIndex,
    /// The outlet that published the document (from its metadata).
    pub doc_outlet: Option<&'a str>,
    /// Speakers resolved so far, with the byte position they were named at.
    pub history: Vec<(usize, Speaker)>,
}

const OUTLET_NOUNS: WordList = WordList::new(&[
    "editorial",
    "article",
    "newspaper",
    "daily",
    "paper",
    "magazine",
    "weekly",
    "letter",
    "outlet",
    "agency",
    "column",
    "piece",
    "report",
    "website",
    "broadcaster",
    "channel",
    "network",
]);

const AFFILIATION_WORDS: &[(&str, &str)] = &[
    ("reformist", "reformist"),
    ("reform-minded", "reformist"),
    ("hardline", "hardline"),
    ("hard-line", "hardline"),
    ("ultraconservative", "hardline"),
    ("conservative", "conservative"),
    ("principlist", "principlist"),
    ("semi-official", "semi-official"),
    ("semiofficial", "semi-official"),
    ("official", "official"),
    ("state-run", "official"),
    ("state-owned", "official"),
    ("government-run", "official"),
    ("state", "official"),
    ("moderate", "moderate"),
    ("independent", "independent"),
    ("irgc-affiliated", "IRGC-affiliated"),
    ("irgc-linked", "IRGC-affiliated"),
    ("irgc-aligned", "IRGC-affiliated"),
];

impl<'a> Resolver<'a> {
    fn pack_entries_in(&self, span: Span) -> Vec<(&'a Mention<'a>, &'a [LexiconEntry])> {
        self.mentions_in(span)
            .iter()
            .filter(|m| span.contains(m.span))
            .filter_map(|m| match &m.kind {
                MentionKind::Pack(e) => Some((m, *e)),
                _ => None,
            })
            .collect()
    }

    /// Was this actor named earlier in the document (before `pos`)?
    fn named_before(&self, actor: ActorIdx, pos: usize) -> bool {
        self.history.iter().any(|(p, s)| *p < pos && s.actor == Some(actor))
            || self.mentions_before(pos, 0).iter().any(|m| {
                matches!(&m.kind, MentionKind::Pack(e) if e.len() == 1 && e[0] == LexiconEntry::ActorName(actor))
            })
    }

    /// Mentions starting inside `span`.
    fn mentions_in(&self, span: Span) -> &'a [Mention<'a>] {
        self.mentions_before(span.end, span.start)
    }

    /// Mentions starting in `[from, pos)`: a slice, found by binary search
    /// (mentions are sorted by position), so look-backs stay cheap.
    fn mentions_before(&self, pos: usize, from: usize) -> &'a [Mention<'a>] {
        let lo = self.mentions.partition_point(|m| m.span.start < from);
        let hi = self.mentions.partition_point(|m| m.span.start < pos);
        &self.mentions[lo..hi.max(lo)]
    }

    /// Picks one actor among those a term may mean.
    fn choose_actor(
        &self,
        entries: &[LexiconEntry],
        pos: usize,
        date: Option<NaiveDate>,
    ) -> Option<(ActorIdx, &'static str)> {
        let names: Vec<ActorIdx> = entries
            .iter()
            .filter_map(|e| match e {
                LexiconEntry::ActorName(a) => Some(*a),
                _ => None,
            })
            .collect();
        if !names.is_empty() {
            if names.len() == 1 {
                return Some((names[0], "pack-name"));
            }
            if let Some(a) = names.iter().find(|a| self.named_before(**a, pos)) {
                return Some((*a, "pack-name-earlier"));
            }
            if let Some(d) = date
                && let Some(a) = names.iter().find(|a| self.pack.active_on(**a, d))
            {
                return Some((*a, "pack-name-on-date"));
            }
            return Some((names[0], "pack-name"));
        }
        let roles: Vec<(ActorIdx, usize)> = entries
            .iter()
            .filter_map(|e| match e {
                LexiconEntry::RoleMention(a, r) => Some((*a, *r)),
                _ => None,
            })
            .collect();
        if roles.is_empty() {
            return None;
        }
        let date = date.or(self.dates.published);
        let active: Vec<ActorIdx> = roles
            .iter()
            .filter(|(a, r)| date.is_none_or(|d| role_active(&self.pack.actors[*a].roles[*r], d)))
            .map(|(a, _)| *a)
            .collect();
        if let Some(a) = active.iter().find(|a| self.named_before(**a, pos)) {
            return Some((*a, "role-on-date"));
        }
        active.first().map(|a| (*a, "role-on-date"))
    }

    fn actor_speaker(&self, actor: ActorIdx, mention: Span, method: &'static str) -> Speaker {
        Speaker {
            name: Some(self.pack.actors[actor].name.clone()),
            mention: Some(mention.slice(self.text).to_string()),
            mention_span: Some(mention),
            actor: Some(actor),
            method,
            ..Speaker::default()
        }
    }

    fn outlet_speaker(&self, outlet: OutletIdx, mention: Span) -> Speaker {
        let o = &self.pack.outlets[outlet];
        // An official organ's editorials voice the actor it speaks for.
        if let Some(actor) = o
            .speaks_for
            .as_deref()
            .and_then(|id| self.pack.actor_index(id))
        {
            let mut s = self.actor_speaker(actor, mention, "outlet-organ");
            s.outlet = Some(outlet);
            return s;
        }
        Speaker {
            name: Some(o.name.clone()),
            mention: Some(mention.slice(self.text).to_string()),
            mention_span: Some(mention),
            outlet: Some(outlet),
            method: "outlet",
            ..Speaker::default()
        }
    }

    /// Resolves a speaker phrase on `date`.
    pub fn phrase(&self, span: Span, head: Span, date: Option<NaiveDate>) -> Speaker {
        let written = span.slice(self.text);
        let head_word = strip_possessive(head.slice(self.text)).to_lowercase();
        // Pack terms: the one holding the head wins, else the last one.
        let terms = self.pack_entries_in(span);
        let chosen = terms
            .iter()
            .find(|(m, _)| m.span.contains(head))
            .or_else(|| terms.iter().rev().find(|(m, _)| m.span.end >= head.end))
            .or_else(|| {
                // "Iranian Foreign Minister Abbas Araghchi": the name ends the phrase.
                terms.last().filter(|(m, _)| m.span.end + 3 >= span.end)
            });
        if let Some((m, entries)) = chosen {
            if let Some((actor, method)) = self.choose_actor(entries, m.span.start, date) {
                let mut s = self.actor_speaker(actor, span, method);
                s.mention = Some(written.to_string());
                return s;
            }
            if let Some(outlet) = entries.iter().find_map(|e| match e {
                LexiconEntry::OutletName(o) | LexiconEntry::OutletMention(o) => Some(*o),
                _ => None,
            }) {
                return self.outlet_speaker(outlet, span);
            }
        }
        if span.len() <= 4 && crate::cues::is_speaker_pronoun(&written.to_lowercase()) {
            return self.pronoun(span, date);
        }
        let starts_with_the = starts_with_lowered(written, "the ");
        // "the editorial", "the newspaper": the outlet last named or speaking.
        if OUTLET_NOUNS.contains(head_word.as_str())
            && starts_with_the
            && let Some(s) = self.recent_outlet(span.start)
        {
            let mut s = s;
            s.mention = Some(written.to_string());
            s.mention_span = Some(span);
            s.method = "outlet-noun";
            return s;
        }
        // "this newspaper", "this daily": the outlet publishing the document.
        // (At most 16 bytes lower-cased: longer phrases cannot be these.)
        if written.len() <= 24
            && matches!(
                written.to_lowercase().as_str(),
                "this newspaper" | "this paper" | "this daily" | "this publication" | "this weekly"
            )
            && let Some(s) = self.document_outlet(span)
        {
            return s;
        }
        // "the senior negotiator", "the minister": the nearest actor named
        // before whose role on the date fits the noun.
        if starts_with_the && let Some(s) = self.role_noun(span, &head_word, date) {
            return s;
        }
        // Names the pack does not know: keep the name, expand a surname.
        if let Some(name) = self
            .mentions_in(span)
            .iter()
            .find(|m| m.kind == MentionKind::Name && m.span.contains(head))
        {
            let name_text = strip_possessive(name.span.slice(self.text))
                .trim()
                .to_string();
            let full = self
                .expand_surname(&name_text, name.span.start)
                .unwrap_or(name_text);
            let role = self.appositive_role(span);
            return Speaker {
                name: Some(full),
                mention: Some(written.to_string()),
                mention_span: Some(span),
                text_role: role,
                method: "text-name",
                ..Speaker::default()
            };
        }
        Speaker {
            name: Some(written.to_string()),
            mention: Some(written.to_string()),
            mention_span: Some(span),
            method: "phrase",
            ..Speaker::default()
        }
    }

    fn document_outlet(&self, span: Span) -> Option<Speaker> {
        let name = self.doc_outlet?.to_lowercase();
        let idx = self.pack.outlets.iter().position(|o| {
            o.name.to_lowercase() == name || o.aliases.iter().any(|a| a.to_lowercase() == name)
        })?;
        let mut s = self.outlet_speaker(idx, span);
        s.method = "document-outlet";
        Some(s)
    }

    fn role_noun(&self, span: Span, head: &str, date: Option<NaiveDate>) -> Option<Speaker> {
        const ROLE_NOUNS: &[&str] = &[
            "minister",
            "negotiator",
            "diplomat",
            "president",
            "envoy",
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "commander",
            "general",
            "leader",
            "speaker",
            "ayatollah",
            "cleric",
            "chief",
            "secretary",
            "ambassador",
            "official",
            "adviser",
            "advisor",
            "prime",
            "premier",
            "sultan",
            "emir",
            "king",
            "chancellor",
        ];
        if !ROLE_NOUNS.contains(&head) {
            return None;
        }
        let fits = |a: ActorIdx| {
            let actor = &self.pack.actors[a];
            actor.roles.iter().any(|r| {
                date.is_none_or(|d| role_active(r, d))
                    && (r.title.to_lowercase().contains(head)
                        || r.mentions.iter().any(|m| m.to_lowercase().contains(head)))
            })
        };
        let earliest = span.start.saturating_sub(3000);
        let from_history = self
            .history
            .iter()
            .rev()
            .find(|(p, s)| *p < span.start && *p >= earliest && s.actor.is_some_and(fits))
            .map(|(p, s)| (*p, s.actor));
        let from_mentions = self
            .mentions_before(span.start, earliest)
            .iter()
            .rev()
            .filter(|m| !m.in_quote)
            .find_map(|m| match &m.kind {
                MentionKind::Pack(e) => self
                    .choose_actor(e, m.span.start, date)
                    .map(|(a, _)| a)
                    .filter(|a| fits(*a))
                    .map(|a| (m.span.start, Some(a))),
                _ => None,
            });
        let best = match (from_history, from_mentions) {
            (Some(h), Some(m)) => {
                if h.0 >= m.0 {
                    h
                } else {
                    m
                }
            }
            (h, m) => h.or(m)?,
        };
        let mut s = self.actor_speaker(best.1?, span, "role-noun");
        s.mention = Some(span.slice(self.text).to_string());
        Some(s)
    }

    /// "Beheshtipour" after "Hassan Beheshtipour": the full name.
    fn expand_surname(&self, name: &str, pos: usize) -> Option<String> {
        if name.contains(' ') {
            return None;
        }
        self.mentions_before(pos, pos.saturating_sub(20_000))
            .iter()
            .filter(|m| m.kind == MentionKind::Name)
            .map(|m| strip_possessive(m.span.slice(self.text)))
            .find(|full| full.contains(' ') && full.rsplit(' ').next() == Some(name))
            .map(str::to_string)
    }

    /// "Hassan Beheshtipour, an international affairs analyst quoted by…":
    /// the role the text gives after the name.
    fn appositive_role(&self, span: Span) -> Option<String> {
        let after = &self.text[span.end..];
        let rest = after.strip_prefix(", ")?;
        // (The rest of the document: not lower-cased to read three words.)
        if !["a ", "an ", "the "]
            .iter()
            .any(|article| starts_with_lowered(rest, article))
        {
            return None;
        }
        let end = crate::text::floor_boundary(
            rest,
            rest.find([',', '.', ';', ':', '“', '"'])
                .unwrap_or(rest.len())
                .min(120),
        );
        let mut role = rest[..end].trim();
        for stop in [
            " quoted by ",
            " who ",
            " speaking ",
            " told ",
            " said ",
            " in an interview",
        ] {
            if let Some(i) = role.find(stop) {
                role = role[..i].trim();
            }
        }
        let role = role
            .trim_start_matches("a ")
            .trim_start_matches("an ")
            .trim_start_matches("the ");
        (!role.is_empty()).then(|| role.to_string())
    }

    fn recent_outlet(&self, pos: usize) -> Option<Speaker> {
        let from_history = self
            .history
            .iter()
            .rev()
            .find(|(p, s)| *p < pos && (s.outlet.is_some() || s.method == "outlet-organ"))
            .map(|(p, s)| (*p, s.clone()));
        let from_mentions = self
            .mentions_before(pos, 0)
            .iter()
            .rev()
            .filter(|m| !m.in_quote)
            .find_map(|m| match &m.kind {
                MentionKind::Pack(e) => e.iter().find_map(|x| match x {
                    LexiconEntry::OutletName(o) | LexiconEntry::OutletMention(o) => {
                        Some((m.span.start, self.outlet_speaker(*o, m.span)))
                    }
                    _ => None,
                }),
                _ => None,
            });
        match (from_history, from_mentions) {
            (Some(h), Some(m)) => Some(if h.0 >= m.0 { h.1 } else { m.1 }),
            (h, m) => h.or(m).map(|x| x.1),
        }
    }

    /// he/she/they/it: the most salient compatible entity before it. Salience:
    /// recent sentences first; speakers of statements and the first subject of
    /// a sentence rank above other mentions ("Macron noted… Specifically, he").
    pub fn pronoun(&self, span: Span, date: Option<NaiveDate>) -> Speaker {
        let word = span.slice(self.text).to_lowercase();
        let pos = span.start;
        let here = self.seg.sentence_at(pos).unwrap_or(0);
        let sentence_of = |p: usize| self.seg.sentence_at(p).unwrap_or(0);
        let mut best: Option<(i64, usize, Speaker)> = None;
        // The score of a candidate at `p` that would beat the best so far:
        // candidates are judged by reference, and only a winner is copied.
        let beats_best =
            |best: &Option<(i64, usize, Speaker)>, p: usize, bonus: i64, s: &Speaker| {
                if p >= pos || !self.compatible(&word, s) {
                    return None;
                }
                let distance = here.saturating_sub(sentence_of(p)) as i64;
                if distance > 4 {
                    return None;
                }
                let score = bonus - 2 * distance;
                best.as_ref()
                    .is_none_or(|(bs, bp, _)| score > *bs || (score == *bs && p > *bp))
                    .then_some(score)
            };
        // Speakers resolved so far, the most recent first (a bounded look-back).
        for (p, s) in self.history.iter().rev().take(64) {
            if (s.actor.is_some() || s.method == "text-name" || s.outlet.is_some())
                && let Some(score) = beats_best(&best, *p, 3, s)
            {
                best = Some((score, *p, s.clone()));
            }
        }
        let mut first_in_sentence: Option<usize> = None;
        // Only the last few sentences matter: start the scan there.
        let from = self
            .seg
            .sentences
            .get(here.saturating_sub(4))
            .map(|s| s.span.start)
            .unwrap_or(0);
        for m in self
            .mentions_before(pos, from)
            .iter()
            .filter(|m| !m.in_quote)
        {
            let sentence = sentence_of(m.span.start);
            if here.saturating_sub(sentence) > 4 {
                continue;
            }
            let is_first = m.subject_like && first_in_sentence != Some(sentence);
            if m.subject_like {
                first_in_sentence = Some(sentence);
            }
            let s = match &m.kind {
                MentionKind::Pack(e) => match self.choose_actor(e, m.span.start, date) {
                    Some((a, method)) => self.actor_speaker(a, m.span, method),
                    None => match e.iter().find_map(|x| match x {
                        LexiconEntry::OutletName(o) | LexiconEntry::OutletMention(o) => Some(*o),
                        _ => None,
                    }) {
                        Some(o) => self.outlet_speaker(o, m.span),
                        None => continue,
                    },
                },
                MentionKind::Name if m.nominal => continue,
                MentionKind::Name => Speaker {
                    name: Some(strip_possessive(m.span.slice(self.text)).to_string()),
                    mention: Some(m.span.slice(self.text).to_string()),
                    mention_span: Some(m.span),
                    method: "text-name",
                    ..Speaker::default()
                },
                MentionKind::Pronoun(_) => continue,
            };
            // Whom an outlet "asked" or "interviewed" speaks next.
            let interviewed = self.text[..m.span.start]
                .trim_end()
                .rsplit(char::is_whitespace)
                .next()
                .is_some_and(|w| matches!(w, "asked" | "interviewed" | "quoted" | "quoting"));
            let bonus = if is_first || interviewed {
                2
            } else if m.subject_like {
                1
            } else {
                0
            };
            if let Some(score) = beats_best(&best, m.span.start, bonus, &s) {
                best = Some((score, m.span.start, s));
            }
        }
        match best {
            Some((_, _, mut s)) => {
                s.mention = Some(span.slice(self.text).to_string());
                s.mention_span = Some(span);
                s.method = "pronoun";
                s
            }
            None => Speaker {
                name: Some(span.slice(self.text).to_string()),
                mention: Some(span.slice(self.text).to_string()),
                mention_span: Some(span),
                method: "pronoun-unresolved",
                ..Speaker::default()
            },
        }
    }

    fn compatible(&self, pronoun: &str, s: &Speaker) -> bool {
        let actor = s.actor.map(|a| &self.pack.actors[a]);
        let is_person = match actor {
            Some(a) => a.kind == ActorKind::Person && s.method != "outlet-organ",
            None => s.outlet.is_none(),
        };
        match pronoun {
            "he" => is_person && actor.is_none_or(|a| a.gender != Some(Gender::Female)),
            "she" => is_person && actor.is_none_or(|a| a.gender != Some(Gender::Male)),
            "it" => !is_person,
            "they" => !is_person || actor.is_some_and(|a| a.kind == ActorKind::Group),
            _ => true,
        }
    }

    /// The first subject-like mention of a sentence before `before`.
    pub fn clause_subject(
        &self,
        sentence: Span,
        before: usize,
        date: Option<NaiveDate>,
    ) -> Option<Speaker> {
        let in_clause = |m: &&Mention| {
            sentence.contains(m.span) && m.span.end <= before && !m.in_quote && !m.nominal
        };
        // The first subject-like mention; else a possessor ("Rouhani's remarks:").
        let m = self
            .mentions_in(sentence)
            .iter()
            .filter(in_clause)
            .find(|m| m.subject_like)
            .or_else(|| {
                self.mentions_in(sentence)
                    .iter()
                    .filter(in_clause)
                    .find(|m| !matches!(m.kind, MentionKind::Pronoun(_)))
            })?;
        Some(match &m.kind {
            MentionKind::Pronoun(_) => self.pronoun(m.span, date),
            _ => self.phrase(m.span, last_word(self.text, m.span), date),
        })
    }

    pub fn nearby(&self, pos: usize, paragraph: usize, date: Option<NaiveDate>) -> Option<Speaker> {
        let para_start = self
            .seg
            .paragraphs
            .get(paragraph.saturating_sub(1))
            .map(|p| p.span.start)
            .unwrap_or(0);
        if let Some((_, s)) = self
            .history
            .iter()
            .rev()
            .find(|(p, s)| *p < pos && *p >= para_start && s.name.is_some())
        {
            let mut s = s.clone();
            s.method = "nearby-speaker";
            return Some(s);
        }
        let _ = date;
        None
    }

    pub fn resolve_speaker(
        &self,
        attr: &Attribution,
        date: Option<NaiveDate>,
        resolved: &[Option<Speaker>],
    ) -> Option<Speaker> {
        match &attr.speaker {
            SpeakerRef::Phrase { span, head } => Some(self.phrase(*span, *head, date)),
            SpeakerRef::ClauseSubject { sentence, before } => {
                self.clause_subject(*sentence, *before, date)
            }
            SpeakerRef::Same(i) => resolved.get(*i).cloned().flatten().map(|mut s| {
                s.method = "same-as-previous";
                s
            }),
            SpeakerRef::Nearby(pos) => self.nearby(*pos, attr.paragraph, date),
        }
    }

    /// The outlet that carried a statement: an outlet named in the reporting
    /// clause ("told IRNA", "as quoted by reformist Entekhab News"), with the
    /// affiliation the text gives it, if any.
    pub fn outlet(
        &self,
        attr: &Attribution,
        speaker: Option<&Speaker>,
    ) -> Option<(OutletIdx, Option<String>)> {
        if let Some(o) = speaker.and_then(|s| s.outlet) {
            return Some((
                o,
                self.affiliation_in_text(speaker.and_then(|s| s.mention_span)?),
            ));
        }
        let cue_pos = attr.cue.map(|c| c.start).unwrap_or(attr.clause.start);
        let speaker_span = speaker.and_then(|s| s.mention_span);
        self.mentions_in(attr.clause)
            .iter()
            .filter(|m| {
                attr.clause.contains(m.span) && !attr.fragments.iter().any(|f| f.contains(m.span))
            })
            .filter(|m| speaker_span.is_none_or(|s| !s.contains(m.span)))
            .filter_map(|m| match &m.kind {
                MentionKind::Pack(e) => e.iter().find_map(|x| match x {
                    LexiconEntry::OutletName(o) | LexiconEntry::OutletMention(o) => Some((m, *o)),
                    _ => None,
                }),
                _ => None,
            })
            .min_by_key(|(m, _)| m.span.start.abs_diff(cue_pos))
            .map(|(m, o)| (o, self.affiliation_in_text(m.span)))
    }

    /// "reformist Entekhab News", "Javan, which is affiliated with the IRGC".
    fn affiliation_in_text(&self, span: Span) -> Option<String> {
        let from = crate::text::floor_boundary(self.text, span.start.saturating_sub(40));
        let before = self.text[from..span.start].to_lowercase();
        let words: Vec<&str> = before
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        for w in words.iter().rev().take(3) {
            if let Some((_, aff)) = AFFILIATION_WORDS.iter().find(|(k, _)| k == w) {
                return Some(aff.to_string());
            }
        }
        let after_end = crate::text::floor_boundary(self.text, span.end + 60);
        let after = self
            .text
            .get(span.end..after_end)
            .unwrap_or("")
            .to_lowercase();
        if (after.starts_with(", which is affiliated with")
            || after.starts_with(", affiliated with")
            || after.starts_with(", which is close to"))
            && (after.contains("irgc") || after.contains("revolutionary guard"))
        {
            return Some("IRGC-affiliated".to_string());
        }
        None
    }

    /// The day a statement was made, and how it was found.
    pub fn date(&self, attr: &Attribution) -> Option<(ResolvedDate, &'static str)> {
        // 1. A date in the reporting clause's sentence(s), outside the quoted words.
        let first = self.seg.sentence_at(attr.clause.start).unwrap_or(0);
        let last = self
            .seg
            .sentence_at(attr.clause.end.saturating_sub(1))
            .unwrap_or(first);
        let region = Span::new(
            self.seg
                .sentences
                .get(first)
                .map(|s| s.span.start)
                .unwrap_or(attr.clause.start),
            self.seg
                .sentences
                .get(last)
                .map(|s| s.span.end)
                .unwrap_or(attr.clause.end),
        );
        let cue = attr.cue.map(|c| c.start).unwrap_or(attr.clause.start);
        let in_region: Vec<_> = self
            .dates
            .within(region)
            .filter(|m| !attr.fragments.iter().any(|f| f.contains(m.span)))
            .collect();
        let before = in_region
            .iter()
            .filter(|m| m.span.start <= cue)
            .max_by_key(|m| m.span.start);
        let after = in_region
            .iter()
            .filter(|m| m.span.start > cue)
            .min_by_key(|m| m.span.start);
        if let Some(m) = before.or(after) {
            return m.resolved.map(|r| (r, "date-in-clause"));
        }
        // 2. The dated section the reporting clause sits in.
        let para = self
            .seg
            .paragraph_at(attr.clause.start)
            .unwrap_or(attr.paragraph);
        if let Some(Some(d)) = self.dates.section.get(para) {
            return Some((*d, "section-date"));
        }
        None
    }

    /// The last date stated before the statement: earlier in its paragraph
    /// (any precision), or a day in one of the three paragraphs before
    /// (news carries the lead's date down its paragraphs). Dates inside
    /// quotations and dates after the publication are not anchors.
    pub fn paragraph_date(
        &self,
        attr: &Attribution,
        quotes_outer: &[Span],
    ) -> Option<ResolvedDate> {
        let para = self.seg.paragraphs.get(attr.paragraph)?;
        let earliest = self.seg.paragraphs[attr.paragraph.saturating_sub(3)]
            .span
            .start;
        let upto = attr.clause.start.min(attr.content.start);
        self.dates.mentions[self
            .dates
            .mentions
            .partition_point(|m| m.span.start < earliest)
            ..self.dates.mentions.partition_point(|m| m.span.start < upto)]
            .iter()
            .filter(|m| m.span.end <= upto)
            .rfind(|m| {
                // Quotations are in text order and do not overlap.
                !quotes_outer[..quotes_outer.partition_point(|q| q.start <= m.span.start)]
                    .last()
                    .is_some_and(|q| q.contains(m.span))
                    && m.resolved
                        .is_some_and(|r| self.dates.published.is_none_or(|p| r.date <= p))
                    && (para.span.contains(m.span)
                        || m.resolved.is_some_and(|r| r.precision == Precision::Day))
            })
            .and_then(|m| m.resolved)
    }

    pub fn publication_date(&self) -> Option<ResolvedDate> {
        self.dates.published.map(|d| ResolvedDate {
            date: d,
            precision: Precision::Day,
        })
    }
}

fn last_word(text: &str, span: Span) -> Span {
    let s = span.slice(text);
    let start = s.rfind(' ').map(|i| i + 1).unwrap_or(0);
    Span::new(span.start + start, span.end)
}
