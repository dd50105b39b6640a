//! Matching a set of phrases only where words start.
//!
//! Pack terms (names, titles, outlet names) are whole words, so a match can
//! only begin where a word does. An unanchored Aho-Corasick search walks
//! every byte and finds candidates inside words too, only to have them
//! thrown away at the word-boundary check. Here a word start costs one hash
//! lookup of its first word; only when some phrase begins with that word
//! does an anchored search (an automaton walk from that position, which
//! stops as soon as no phrase can continue) find the longest phrase there.
//! Matching is ASCII case-insensitive, like the search it replaces.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use rustc_hash::FxHashSet;

/// Phrases, found at word starts.
#[derive(Debug, Clone)]
pub struct WordStartMatcher {
    /// The lower-cased first word of every phrase.
    first_words: FxHashSet<Box<[u8]>>,
    /// Every phrase, for anchored leftmost-longest searches.
    anchored: AhoCorasick,
}

/// A phrase found at a word start: its id (its index in the list given to
/// [`WordStartMatcher::new`]) and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordStartMatch {
    pub phrase: usize,
    pub start: usize,
    pub end: usize,
}

impl WordStartMatcher {
    /// `None` when a phrase is empty or does not begin with a letter or
    /// digit (such a phrase can match where no word starts), or when the
    /// automaton cannot be built.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Option<WordStartMatcher> {
        let mut first_words = FxHashSet::default();
        for phrase in phrases {
            let phrase = phrase.as_ref();
            let first = word_len(phrase, 0);
            if first == 0 {
                return None;
            }
            first_words.insert(phrase.as_bytes()[..first].to_ascii_lowercase().into());
        }
        let anchored = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(phrases.iter().map(|p| p.as_ref()))
            .ok()?;
        Some(WordStartMatcher {
            first_words,
            anchored,
        })
    }

    /// Leftmost-longest matches beginning at word starts, left to right,
    /// none overlapping: after a match the search goes on at its end. A
    /// phrase may end inside a word ("IRGC command" in "IRGC commander"):
    /// the caller decides what a match must be followed by.
    pub fn find_iter(&self, text: &str) -> Vec<WordStartMatch> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut key = Vec::new();
        let mut pos = 0;
        while let Some(start) = next_word_start(text, pos) {
            let word_end = start + word_len(text, start);
            key.clear();
            key.extend(bytes[start..word_end].iter().map(u8::to_ascii_lowercase));
            let found = if self.first_words.contains(key.as_slice()) {
                let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                self.anchored.find(input)
            } else {
                None
            };
            match found {
                Some(m) => {
                    out.push(WordStartMatch {
                        phrase: m.pattern().as_usize(),
                        start,
                        end: m.end(),
                    });
                    pos = m.end();
                }
                None => pos = word_end,
            }
        }
        out
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Length in bytes of the run of letters and digits at `at`.
fn word_len(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            i += 1;
        } else {
            match text[i..].chars().next() {
                Some(c) if is_word_char(c) => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i - at
}

/// The first word start at or after `pos`: a letter or digit not preceded by
/// one. `pos` is a char boundary.
fn next_word_start(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut prev_is_word = text[..pos].chars().next_back().is_some_and(is_word_char);
    let mut i = pos;
    while i < bytes.len() {
        let b = bytes[i];
        let (is_word, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next()?;
            (is_word_char(c), c.len_utf8())
        };
        if is_word && !prev_is_word {
            return Some(i);
        }
        prev_is_word = is_word;
        i += len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'t>(m: &WordStartMatcher, text: &'t str) -> Vec<&'t str> {
        m.find_iter(text)
            .iter()
            .map(|x| &text[x.start..x.end])
            .collect()
    }

    #[test]
    fn longest_phrase_at_a_word_start_wins() {
        let m = WordStartMatcher::new(&["Foreign Minister", "foreign minister Araghchi", "Iran"])
            .unwrap();
        assert_eq!(
            found(&m, "The FOREIGN MINISTER Araghchi visited Iran’s capital."),
            vec!["FOREIGN MINISTER Araghchi", "Iran"]
        );
    }

    #[test]
    fn phrases_start_at_word_starts_and_may_end_inside_words() {
        let m = WordStartMatcher::new(&["ran", "Rohanī", "IRGC command", "IRGC"]).unwrap();
        assert_eq!(
            found(&m, "Tehran ran; éRohanī Rohanī, IRGC commander"),
            vec!["ran", "Rohanī", "IRGC command"]
        );
    }

    #[test]
    fn phrases_not_starting_with_a_word_are_refused() {
        assert!(WordStartMatcher::new(&["’s"]).is_none());
        assert!(WordStartMatcher::new(&[""]).is_none());
    }
}
