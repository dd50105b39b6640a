//! Issue definitions: what statements are coded on (docs/packs.md,
//! "`[[issues]]`"). Parsed from the pack's TOML and compiled into one
//! matcher for all issues ([`CueMatcher`]), so a document is scanned once.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Deserialize;

use super::word_starts::{WordStartMatcher, WordStarts, trie_or_automaton};

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct IssueDef {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub topic_cues: Vec<String>,
    /// Names of the other party; one must be present for the topic to hold.
    #[serde(default)]
    pub counterparts: Vec<String>,
    /// Countries on the counterpart side: their speakers need a home mention instead.
    #[serde(default)]
    pub counterpart_countries: Vec<String>,
    /// Names of the home party (Iran, Tehran…), for counterpart speakers.
    #[serde(default)]
    pub home_cues: Vec<String>,
    /// Other negotiating parties: a statement naming one of them (and no
    /// counterpart) is not about this issue ("the three European countries").
    #[serde(default)]
    pub other_parties: Vec<String>,
    #[serde(default)]
    pub support_cues: Vec<String>,
    #[serde(default)]
    pub oppose_cues: Vec<String>,
    #[serde(default)]
    pub conditional_cues: Vec<String>,
    #[serde(default)]
    pub neutral_cues: Vec<String>,
    /// Oppose cues that reject the very idea ("surrender", "meaningless"):
    /// they keep a statement opposed even when it names a condition.
    #[serde(default)]
    pub framing_cues: Vec<String>,
    /// Does a negated topic ("no talks", "will not negotiate") oppose? True
    /// for talks; false where it only reports a fact ("no message was passed").
    #[serde(default = "yes")]
    pub negated_topic_opposes: bool,
    /// CAMEO codes for statements by stance ("036", "125"…).
    #[serde(default)]
    pub events: StanceEvents,
    #[serde(default)]
    pub conditions: Vec<VocabEntry>,
    #[serde(default)]
    pub mediators: Vec<MediatorDef>,
    #[serde(default)]
    pub threats: Vec<VocabEntry>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct StanceEvents {
    #[serde(default)]
    pub support: Option<String>,
    #[serde(default)]
    pub oppose: Option<String>,
    #[serde(default)]
    pub conditional: Option<String>,
    #[serde(default)]
    pub neutral: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct VocabEntry {
    pub id: String,
    #[serde(default)]
    pub label: String,
    /// Who typically sets a condition ("Iran", "United States").
    #[serde(default)]
    pub side: Option<String>,
    pub cues: Vec<String>,
    /// CAMEO code for a statement led by this condition or threat.
    #[serde(default)]
    pub event: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct MediatorDef {
    pub id: String,
    #[serde(default)]
    pub cues: Vec<String>,
    /// Pack actor ids who act for this mediator.
    #[serde(default)]
    pub actors: Vec<String>,
}

/// What a cue phrase stands for inside an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueClass {
    Topic,
    Counterpart,
    Home,
    OtherParty,
    Support,
    Oppose,
    Conditional,
    Neutral,
    Framing,
    Condition(usize),
    Mediator(usize),
    Threat(usize),
}

/// A cue found in a text: byte span, class, and the phrase as written in the pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueHit<'p> {
    pub start: usize,
    pub end: usize,
    pub class: CueClass,
    pub phrase: &'p str,
}

/// An issue with its cue patterns. Documents are matched by the pack's
/// [`CueMatcher`] (all issues in one pass); [`IssueMatches::scan`] then
/// gives the issue's hits in any span.
#[derive(Debug, Clone)]
pub struct Issue {
    pub def: IssueDef,
    /// The pattern texts (spelling variants included), index = pattern id.
    texts: Vec<String>,
    /// Per pattern: classes it stands for, the phrase, and whether it is a prefix (`*`).
    patterns: Vec<(Vec<CueClass>, String, bool)>,
}

impl Issue {
    pub fn compile(def: IssueDef, actor_names_by_mediator: &[Vec<String>]) -> Issue {
        let mut texts: Vec<String> = Vec::new();
        // Lower-cased pattern → its index: one lookup per variant.
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut patterns: Vec<(Vec<CueClass>, String, bool)> = Vec::new();
        let mut add = |phrase: &str, class: CueClass| {
            let phrase = phrase.trim();
            if phrase.is_empty() {
                return;
            }
            let (body, prefix) = match phrase.strip_suffix('*') {
                Some(b) => (b, true),
                None => (phrase, false),
            };
            for variant in [
                body.to_string(),
                body.replace('\'', "\u{2019}"),
                body.replace("U.S.", "US"),
            ] {
                let key = variant.to_lowercase();
                match index.get(&key).copied() {
                    Some(i) => {
                        if !patterns[i].0.contains(&class) {
                            patterns[i].0.push(class);
                        }
                        patterns[i].2 |= prefix;
                    }
                    None => {
                        index.insert(key, texts.len());
                        texts.push(variant);
                        patterns.push((vec![class], phrase.to_string(), prefix));
                    }
                }
            }
        };
        for c in &def.topic_cues {
            add(c, CueClass::Topic);
        }
        for c in &def.counterparts {
            add(c, CueClass::Counterpart);
        }
        for c in &def.home_cues {
            add(c, CueClass::Home);
        }
        for c in &def.other_parties {
            add(c, CueClass::OtherParty);
        }
        for c in &def.support_cues {
            add(c, CueClass::Support);
        }
        for c in &def.oppose_cues {
            add(c, CueClass::Oppose);
        }
        for c in &def.conditional_cues {
            add(c, CueClass::Conditional);
        }
        for c in &def.neutral_cues {
            add(c, CueClass::Neutral);
        }
        for c in &def.framing_cues {
            add(c, CueClass::Framing);
        }
        for (i, e) in def.conditions.iter().enumerate() {
            for c in &e.cues {
                add(c, CueClass::Condition(i));
            }
        }
        for (i, e) in def.threats.iter().enumerate() {
            for c in &e.cues {
                add(c, CueClass::Threat(i));
            }
        }
        for (i, m) in def.mediators.iter().enumerate() {
            add(&m.id, CueClass::Mediator(i));
            for c in &m.cues {
                add(c, CueClass::Mediator(i));
            }
            for name in actor_names_by_mediator.get(i).into_iter().flatten() {
                add(name, CueClass::Mediator(i));
            }
        }
        Issue {
            def,
            texts,
            patterns,
        }
    }

    /// Pushes the hits of one raw match if it sits on word boundaries of
    /// `text[from..to]` (exactly as if the slice alone had been scanned).
    fn accept<'p>(
        &'p self,
        text: &str,
        from: usize,
        to: usize,
        m: RawMatch,
        out: &mut Vec<CueHit<'p>>,
    ) {
        let Some(end) = self.accepted_end(text, from, to, m) else {
            return;
        };
        let (classes, phrase, _) = &self.patterns[m.pattern as usize];
        if out.capacity() == 0 {
            // A span list holds a few hits: one allocation, not three
            // while growing to them.
            out.reserve(8);
        }
        for class in classes {
            out.push(CueHit {
                start: m.start,
                end,
                class: *class,
                phrase,
            });
        }
    }

    /// Where the hit of one raw match ends if it sits on word boundaries
    /// of `text[from..to]`; `None` if it does not.
    fn accepted_end(&self, text: &str, from: usize, to: usize, m: RawMatch) -> Option<usize> {
        let prefix = self.patterns[m.pattern as usize].2;
        if m.start > from
            && text[..m.start]
                .chars()
                .next_back()
                .is_some_and(crate::text::is_alphanumeric)
        {
            return None;
        }
        if prefix {
            // "negotiat*": extend to the end of the word.
            let rest = &text[m.end..to];
            return Some(
                m.end
                    + rest
                        .find(|c: char| !crate::text::is_alphanumeric(c))
                        .unwrap_or(rest.len()),
            );
        }
        let ends_inside_a_word = m.end < to
            && text[m.end..]
                .chars()
                .next()
                .is_some_and(crate::text::is_alphanumeric);
        (!ends_inside_a_word).then_some(m.end)
    }

    /// Whether a raw match stands for `class` in this issue.
    fn stands_for(&self, m: RawMatch, class: CueClass) -> bool {
        self.patterns[m.pattern as usize].0.contains(&class)
    }
}

/// One automaton match, before word-boundary checks (which depend on the
/// span asked for).
#[derive(Debug, Clone, Copy)]
struct RawMatch {
    start: usize,
    end: usize,
    pattern: u32,
}

/// An issue's raw matches in one document, in the automaton's order
/// (non-decreasing end).
#[derive(Debug, Clone, Default)]
pub struct IssueMatches {
    raw: Vec<RawMatch>,
}

impl IssueMatches {
    /// The issue's cues in `text[from..to]`, on word boundaries of the
    /// span, found by binary search among the document's matches.
    pub fn scan<'p>(
        &self,
        issue: &'p Issue,
        text: &str,
        from: usize,
        to: usize,
    ) -> Vec<CueHit<'p>> {
        let mut out = Vec::new();
        self.scan_into(issue, text, from, to, &mut out);
        out
    }

    /// [`IssueMatches::scan`], appending to `out`.
    pub fn scan_into<'p>(
        &self,
        issue: &'p Issue,
        text: &str,
        from: usize,
        to: usize,
        out: &mut Vec<CueHit<'p>>,
    ) {
        for m in self.candidates(text, from, to) {
            issue.accept(text, from, to, *m, out);
        }
    }

    /// Whether [`IssueMatches::scan`] would find a hit of `class`, without
    /// collecting the hits.
    pub fn has_class_in(
        &self,
        issue: &Issue,
        text: &str,
        from: usize,
        to: usize,
        class: CueClass,
    ) -> bool {
        self.candidates(text, from, to).any(|m| {
            issue.stands_for(*m, class) && issue.accepted_end(text, from, to, *m).is_some()
        })
    }

    /// The raw matches inside `text[from..to]`, before the word-boundary
    /// checks; none if the span is empty or not on char boundaries.
    fn candidates(&self, text: &str, from: usize, to: usize) -> impl Iterator<Item = &RawMatch> {
        let after_from = if from >= to || text.get(from..to).is_none() {
            &[][..]
        } else {
            &self.raw[self.raw.partition_point(|m| m.end <= from)..]
        };
        after_from
            .iter()
            .take_while(move |m| m.end <= to)
            .filter(move |m| m.start >= from)
    }
}

/// Every issue's cue patterns in one matcher, so a document is read once
/// for all issues.
#[derive(Debug, Clone, Default)]
pub struct CueMatcher {
    /// Cues that all begin with a letter or digit (every real pack): a trie
    /// walked from word starts, which builds in a fraction of the time of an
    /// automaton (pack loading is part of every cold start) and skips the
    /// bytes inside words.
    pub(super) at_word_starts: Option<WordStartMatcher>,
    /// Otherwise one automaton over every byte.
    automaton: Option<AhoCorasick>,
    /// Per combined pattern: the (issue, issue pattern) pairs it stands for.
    targets: Vec<Vec<(u32, u32)>>,
    /// Per combined pattern: its text (for the pack's one trie of terms
    /// and cues).
    pub(super) texts: Vec<String>,
}

impl CueMatcher {
    pub fn build(issues: &[Issue]) -> CueMatcher {
        let mut texts: Vec<&str> = Vec::new();
        let mut targets: Vec<Vec<(u32, u32)>> = Vec::new();
        // Lower-cased text → combined pattern: one entry per distinct text.
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for (ii, issue) in issues.iter().enumerate() {
            for (pi, t) in issue.texts.iter().enumerate() {
                let k = *index.entry(t.to_lowercase()).or_insert_with(|| {
                    texts.push(t);
                    targets.push(Vec::new());
                    texts.len() - 1
                });
                targets[k].push((ii as u32, pi as u32));
            }
        }
        let (at_word_starts, automaton) = trie_or_automaton(&texts, |b| {
            // Overlapping matches: "if the circumstances" is a conditional
            // cue and "circumstances" a condition, both at once.
            b.match_kind(MatchKind::Standard)
                // A DFA: more build time at pack load, faster on every document.
                .kind(Some(AhoCorasickKind::DFA));
        });
        let texts = texts.into_iter().map(str::to_string).collect();
        CueMatcher {
            at_word_starts,
            automaton,
            targets,
            texts,
        }
    }

    /// Each issue's raw matches in `text` (`issues` = the number of issues).
    /// Matches that start inside a word are dropped here: every span the
    /// coder asks about starts at a word, so they could never be accepted.
    pub fn matches(&self, text: &str, issues: usize) -> Vec<IssueMatches> {
        self.matches_at(text, &WordStarts::of(text), issues)
    }

    /// [`matches`](Self::matches) with the text's word starts already found.
    pub fn matches_at(&self, text: &str, starts: &WordStarts, issues: usize) -> Vec<IssueMatches> {
        if let Some(trie) = &self.at_word_starts {
            let found = trie.find_overlapping_at(text, starts);
            self.matches_of(found.iter().map(|m| (m.phrase, m.start, m.end)), issues)
        } else if let Some(ac) = &self.automaton {
            let found = ac.find_overlapping_iter(text).filter_map(|m| {
                let inside_a_word = text[..m.start()]
                    .chars()
                    .next_back()
                    .is_some_and(crate::text::is_alphanumeric);
                (!inside_a_word).then(|| (m.pattern().as_usize(), m.start(), m.end()))
            });
            self.matches_of(found, issues)
        } else {
            vec![IssueMatches::default(); issues]
        }
    }

    /// Each issue's raw matches among combined-pattern (pattern, start, end)
    /// matches at word starts, in the order given.
    pub(super) fn matches_of(
        &self,
        found: impl IntoIterator<Item = (usize, usize, usize)>,
        issues: usize,
    ) -> Vec<IssueMatches> {
        let mut out = vec![IssueMatches::default(); issues];
        for (pattern, start, end) in found {
            for &(ii, pattern) in &self.targets[pattern] {
                if let Some(slot) = out.get_mut(ii as usize) {
                    slot.raw.push(RawMatch {
                        start,
                        end,
                        pattern,
                    });
                }
            }
        }
        out
    }
}
