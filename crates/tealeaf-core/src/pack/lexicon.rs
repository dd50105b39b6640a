//! One Aho-Corasick automaton over every name, alias and titled mention in a
//! pack, so a document is scanned for all of them in a single pass.

use aho_corasick::{AhoCorasick, MatchKind};

use super::word_starts::{WordStartMatcher, WordStarts, trie_or_automaton};
use super::{Actor, ActorIdx, Outlet, OutletIdx};

/// What a pattern in the lexicon stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexiconEntry {
    /// A name or alias of an actor.
    ActorName(ActorIdx),
    /// A titled description of a role ("the foreign minister"): actor, role index.
    RoleMention(ActorIdx, usize),
    /// A name or alias of an outlet.
    OutletName(OutletIdx),
    /// A description of an outlet ("state media").
    OutletMention(OutletIdx),
}

/// A pack term found in a text: byte span and every entry it may stand for
/// (borrowed from the lexicon: a document has thousands of hits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconHit<'l> {
    pub start: usize,
    pub end: usize,
    pub entries: &'l [LexiconEntry],
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Every term begins with a letter or digit (all real packs): terms are
    /// looked up at word starts only.
    at_word_starts: Option<WordStartMatcher>,
    /// Otherwise one automaton over every byte.
    automaton: Option<AhoCorasick>,
    /// Per pattern: the entries it stands for, and whether its first letter
    /// must be upper case in the text (proper names do; descriptions don't).
    patterns: Vec<(Vec<LexiconEntry>, bool)>,
    /// Per pattern: its text (for the pack's one trie of terms and cues).
    pub(super) texts: Vec<String>,
}

impl Lexicon {
    pub fn build(actors: &[Actor], outlets: &[Outlet]) -> Lexicon {
        let mut by_text: std::collections::HashMap<String, usize> = Default::default();
        let mut texts: Vec<String> = Vec::new();
        let mut patterns: Vec<(Vec<LexiconEntry>, bool)> = Vec::new();
        let mut add = |text: &str, entry: LexiconEntry, proper: bool| {
            for variant in variants(text) {
                let key = variant.to_lowercase();
                let idx = *by_text.entry(key).or_insert_with(|| {
                    texts.push(variant.clone());
                    patterns.push((Vec::new(), proper));
                    texts.len() - 1
                });
                if !patterns[idx].0.contains(&entry) {
                    patterns[idx].0.push(entry);
                }
                // A pattern that is a description for anyone is not case-bound.
                patterns[idx].1 &= proper;
            }
        };
        for (i, actor) in actors.iter().enumerate() {
            add(&actor.name, LexiconEntry::ActorName(i), true);
            for alias in &actor.aliases {
                let proper = alias.chars().next().is_some_and(char::is_uppercase);
                add(alias, LexiconEntry::ActorName(i), proper);
            }
            for (r, role) in actor.roles.iter().enumerate() {
                for mention in &role.mentions {
                    add(mention, LexiconEntry::RoleMention(i, r), false);
                }
            }
        }
        for (i, outlet) in outlets.iter().enumerate() {
            add(&outlet.name, LexiconEntry::OutletName(i), true);
            for alias in &outlet.aliases {
                let proper = alias.chars().next().is_some_and(char::is_uppercase);
                add(alias, LexiconEntry::OutletName(i), proper);
            }
            for mention in &outlet.mentions {
                add(mention, LexiconEntry::OutletMention(i), false);
            }
        }
        let (at_word_starts, automaton) = trie_or_automaton(&texts, |b| {
            b.match_kind(MatchKind::LeftmostLongest);
        });
        Lexicon {
            at_word_starts,
            automaton,
            patterns,
            texts,
        }
    }

    /// Every pack term in `text`, left to right, on word boundaries.
    pub fn scan(&self, text: &str) -> Vec<LexiconHit<'_>> {
        self.scan_at(text, &WordStarts::of(text))
    }

    /// [`scan`](Self::scan) with the text's word starts already found.
    pub fn scan_at(&self, text: &str, starts: &WordStarts) -> Vec<LexiconHit<'_>> {
        let candidates: Vec<(usize, usize, usize)> = if let Some(m) = &self.at_word_starts {
            m.find_iter_at(text, starts)
                .into_iter()
                .map(|x| (x.phrase, x.start, x.end))
                .collect()
        } else if let Some(ac) = &self.automaton {
            ac.find_iter(text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        } else {
            return Vec::new();
        };
        self.hits_of(text, candidates)
    }

    /// The hits among candidate (pattern, start, end) matches, in text
    /// order: those on word boundaries, proper names capitalised.
    pub(super) fn hits_of(
        &self,
        text: &str,
        candidates: impl IntoIterator<Item = (usize, usize, usize)>,
    ) -> Vec<LexiconHit<'_>> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        for (pattern, start, end) in candidates {
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            // "Iran's" is fine; "Iran-based" is not the name Iran.
            if after == Some('-') && bytes.get(end + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            let (entries, proper) = &self.patterns[pattern];
            if *proper && !text[start..].chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            hits.push(LexiconHit {
                start,
                end,
                entries,
            });
        }
        hits
    }
}

/// Spelling variants a text may use for one pack term: straight or curly
/// apostrophes, "U.S." or "US", hyphen or space in compound names.
fn variants(text: &str) -> Vec<String> {
    let text = text.trim();
    let mut out = vec![text.to_string()];
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    push(text.replace('\'', "\u{2019}"));
    push(text.replace('\u{2019}', "'"));
    push(text.replace("U.S.", "US"));
    push(text.replace("U.S.", "United States"));
    if text.contains('-') {
        push(text.replace('-', " "));
        push(text.replace('-', ""));
    }
    let folded = fold_accents(text);
    push(folded);
    out
}

/// Latin letters with diacritics folded to ASCII ("Rohanī" → "Rohani").
pub fn fold_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ā' | 'ã' | 'å' => 'a',
            'Á' | 'À' | 'Â' | 'Ä' | 'Ā' | 'Ã' | 'Å' => 'A',
            'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' | 'Ē' => 'E',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => 'I',
            'ó' | 'ò' | 'ô' | 'ö' | 'ō' | 'õ' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Ō' | 'Õ' => 'O',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ş' => 's',
            'Ş' => 'S',
            other => other,
        })
        .collect()
}
