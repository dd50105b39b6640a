//! The pack's terms and its issues' cues in one trie.
//!
//! Every document is searched for the lexicon's terms (names, titles,
//! outlets: leftmost-longest, none overlapping) and for every issue's cues
//! (all of them, overlapping). Each set is a trie walked from every word
//! start, and the two walks share their longest paths: common words that
//! begin terms and cues alike ("the", "foreign", "Iran") lead both tries
//! several bytes deep. One trie over both sets walks each word start once;
//! each phrase it reaches says which term and which cue it is, if any.
//! What it finds is exactly what the two tries find (a test compares them).

use std::collections::HashMap;

use super::word_starts::{WordStartMatcher, WordStarts};

/// "Not a phrase of this set" in [`TermAndCueTrie::ids`].
const NONE: u32 = u32::MAX;

/// A (pattern, start byte, end byte) match of one set.
pub type Candidate = (usize, usize, usize);

#[derive(Debug, Clone)]
pub struct TermAndCueTrie {
    trie: WordStartMatcher,
    /// Per trie phrase: its term pattern and its cue pattern (the indices
    /// the lexicon and the cue matcher gave their texts), `NONE` where it
    /// is not one.
    ids: Vec<[u32; 2]>,
}

/// What one walk over a text found.
#[derive(Debug, Default)]
pub struct TermAndCueMatches {
    /// Term candidates, as the lexicon's own trie finds them: at each word
    /// start from the end of the last one taken, the longest.
    pub terms: Vec<Candidate>,
    /// Cue candidates, as the cue matcher's own trie finds them: every one
    /// at every word start, by end and at one end the longest first.
    pub cues: Vec<Candidate>,
}

impl TermAndCueTrie {
    /// `None` when the phrases cannot share a word-start trie (see
    /// [`WordStartMatcher::new`]): the two sets are then searched apart.
    /// Texts equal but for ASCII case are one phrase; within a set the
    /// first of them counts, as in the set's own trie.
    pub fn build<S: AsRef<str>>(terms: &[S], cues: &[S]) -> Option<TermAndCueTrie> {
        let mut phrases: Vec<&str> = Vec::with_capacity(terms.len() + cues.len());
        let mut ids: Vec<[u32; 2]> = Vec::with_capacity(phrases.capacity());
        let mut by_folded: HashMap<Vec<u8>, usize> = HashMap::new();
        for (set, texts) in [terms, cues].into_iter().enumerate() {
            for (pattern, text) in texts.iter().enumerate() {
                let text = text.as_ref();
                let phrase = *by_folded
                    .entry(text.as_bytes().to_ascii_lowercase())
                    .or_insert_with(|| {
                        phrases.push(text);
                        ids.push([NONE; 2]);
                        phrases.len() - 1
                    });
                if ids[phrase][set] == NONE {
                    ids[phrase][set] = u32::try_from(pattern).ok()?;
                }
            }
        }
        Some(TermAndCueTrie {
            trie: WordStartMatcher::new(&phrases)?,
            ids,
        })
    }

    /// Terms and cues in `text`, whose word starts are `starts`.
    pub fn find(&self, text: &str, starts: &WordStarts) -> TermAndCueMatches {
        let bytes = text.as_bytes();
        let mut found = TermAndCueMatches::default();
        // Terms do not overlap: the next one starts at or after this.
        let mut terms_from = 0;
        for &start in &starts.0 {
            let mut longest_term = None;
            self.trie.each_at(bytes, start, |m| {
                let [term, cue] = self.ids[m.phrase];
                if term != NONE && start >= terms_from {
                    longest_term = Some((term as usize, m.start, m.end));
                }
                if cue != NONE {
                    found.cues.push((cue as usize, m.start, m.end));
                }
            });
            if let Some(term) = longest_term {
                found.terms.push(term);
                terms_from = term.2;
            }
        }
        // Starts are visited in order and each walk reports its matches
        // shortest first, so a stable sort by end leaves equal ends longest
        // first.
        found.cues.sort_by_key(|c| c.2);
        found
    }
}
