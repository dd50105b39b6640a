//! Matching a set of phrases only where words start.
//!
//! Pack terms (names, titles, outlet names) are whole words, so a match can
//! only begin where a word does. An
//! unanchored Aho-Corasick search walks every byte with failure links and
//! finds candidates inside words too, only to have them thrown away at the
//! word-boundary check. Here the phrases are a byte trie, walked from each
//! word start until no phrase can continue (usually after a byte or two).
//! Matching is ASCII case-insensitive, like the search it replaces. A trie
//! also builds several times faster than an automaton with failure links,
//! which matters because the pack is loaded at every cold start.

/// Phrases as a trie of ASCII-lower-cased bytes, matched at word starts.
/// Transitions are a dense table over byte classes (the distinct bytes of
/// the phrases, upper and lower case folded together), so each step of a
/// walk is one lookup.
#[derive(Debug, Clone)]
pub struct WordStartMatcher {
    /// Byte → class; 0 for bytes in no phrase (the walk ends).
    class: [u8; 256],
    classes: usize,
    /// `node * classes + class` → next node, with [`ENDS_PHRASE`] set when
    /// a phrase ends at that node; 0 = none (the root, node 0, is never
    /// re-entered). One load per step of a walk.
    next: Vec<u32>,
    /// Per node: the phrase ending there (`NONE` if none).
    phrase: Vec<u32>,
}

const NONE: u32 = u32::MAX;
const ENDS_PHRASE: u32 = 1 << 31;

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
    /// phrases use more than 255 distinct bytes. Phrases equal but for ASCII
    /// case: the first one is kept.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Option<WordStartMatcher> {
        let mut class = [0u8; 256];
        let mut classes = 1usize;
        for phrase in phrases {
            let phrase = phrase.as_ref();
            if !phrase.chars().next().is_some_and(is_word_char) {
                return None;
            }
            for b in phrase.bytes().map(|b| b.to_ascii_lowercase()) {
                if class[b as usize] == 0 {
                    class[b as usize] = u8::try_from(classes).ok()?;
                    classes += 1;
                }
            }
        }
        for b in b'A'..=b'Z' {
            class[b as usize] = class[b.to_ascii_lowercase() as usize];
        }
        // Each phrase as its classes, sorted (stably, so of phrases equal
        // but for case the first comes first): a node's phrases are then
        // one run, those ending at the node at its front and each child's
        // after them. Nodes are numbered breadth first, so the rows of the
        // shallow nodes, where nearly every walk ends, sit together at the
        // front of the table and stay in the cache.
        let mut keyed: Vec<(Vec<u8>, u32)> = phrases
            .iter()
            .enumerate()
            .map(|(id, p)| {
                let key = p.as_ref().bytes().map(|b| class[b as usize]).collect();
                (key, id as u32)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        // Per node: its run of `keyed` and its depth.
        let mut runs: Vec<(usize, usize, usize)> = vec![(0, keyed.len(), 0)];
        let mut next: Vec<u32> = Vec::new();
        let mut phrase: Vec<u32> = vec![NONE];
        let mut node = 0;
        while node < runs.len() {
            let (lo, hi, depth) = runs[node];
            next.resize((node + 1) * classes, 0);
            // Phrases ending here come first in the run; the rest grouped
            // by their next class are the children.
            let mut i = lo;
            while i < hi && keyed[i].0.len() == depth {
                i += 1;
            }
            while i < hi {
                let c = keyed[i].0[depth];
                let mut j = i;
                while j < hi && keyed[j].0[depth] == c {
                    j += 1;
                }
                let child = u32::try_from(runs.len())
                    .ok()
                    .filter(|&n| n & ENDS_PHRASE == 0)?;
                let ends_here = keyed[i].0.len() == depth + 1;
                next[node * classes + c as usize] = child | if ends_here { ENDS_PHRASE } else { 0 };
                phrase.push(if ends_here { keyed[i].1 } else { NONE });
                runs.push((i, j, depth + 1));
                i = j;
            }
            node += 1;
        }
        Some(WordStartMatcher {
            class,
            classes,
            next,
            phrase,
        })
    }

    /// The phrase that is exactly `word` (ASCII case-insensitive), if any:
    /// a walk of the word's bytes, with no hashing.
    pub fn phrase_of(&self, word: &[u8]) -> Option<usize> {
        let mut node = 0usize;
        let mut ends_phrase = false;
        for &b in word {
            let class = self.class[b as usize] as usize;
            if class == 0 {
                return None;
            }
            let t = self.next[node * self.classes + class];
            if t == 0 {
                return None;
            }
            node = (t & !ENDS_PHRASE) as usize;
            ends_phrase = t & ENDS_PHRASE != 0;
        }
        ends_phrase.then(|| self.phrase[node] as usize)
    }

    /// Calls `f` with every phrase matching at `start`, shortest first.
    fn each_at(&self, bytes: &[u8], start: usize, mut f: impl FnMut(WordStartMatch)) {
        let mut node = 0usize;
        for (i, &b) in bytes[start..].iter().enumerate() {
            let class = self.class[b as usize] as usize;
            if class == 0 {
                return;
            }
            let t = self.next[node * self.classes + class];
            if t == 0 {
                return;
            }
            node = (t & !ENDS_PHRASE) as usize;
            if t & ENDS_PHRASE != 0 {
                f(WordStartMatch {
                    phrase: self.phrase[node] as usize,
                    start,
                    end: start + i + 1,
                });
            }
        }
    }

    /// Leftmost-longest matches beginning at word starts, left to right,
    /// none overlapping: after a match the search goes on at its end. A
    /// phrase may end inside a word ("IRGC command" in "IRGC commander"):
    /// the caller decides what a match must be followed by.
    pub fn find_iter(&self, text: &str) -> Vec<WordStartMatch> {
        self.find_iter_at(text, &WordStarts::of(text))
    }

    /// [`find_iter`](Self::find_iter) with the text's word starts already
    /// found (one scan serves every matcher run over a document).
    pub fn find_iter_at(&self, text: &str, starts: &WordStarts) -> Vec<WordStartMatch> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        for &start in &starts.0 {
            if start < pos {
                continue;
            }
            let mut longest = None;
            self.each_at(bytes, start, |m| longest = Some(m));
            if let Some(m) = longest {
                out.push(m);
                pos = m.end;
            }
        }
        out
    }

    /// Every phrase matching at every word start, overlapping ones
    /// included ("if the circumstances" and "circumstances" both), in the
    /// order of an overlapping Aho-Corasick search: by end, and at one end
    /// the longest first.
    pub fn find_overlapping(&self, text: &str) -> Vec<WordStartMatch> {
        self.find_overlapping_at(text, &WordStarts::of(text))
    }

    /// [`find_overlapping`](Self::find_overlapping) with the text's word
    /// starts already found.
    pub fn find_overlapping_at(&self, text: &str, starts: &WordStarts) -> Vec<WordStartMatch> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for &start in &starts.0 {
            self.each_at(bytes, start, |m| out.push(m));
        }
        // Starts are visited in order, so sorting by end alone (stable)
        // leaves equal ends longest first.
        out.sort_by_key(|m| m.end);
        out
    }
}

/// The matcher for a set of phrases: the word-start trie, or, when the
/// phrases do not all start with a letter or digit, an ASCII
/// case-insensitive Aho-Corasick automaton configured by `configure`.
pub fn trie_or_automaton<S: AsRef<str>>(
    phrases: &[S],
    configure: impl FnOnce(&mut aho_corasick::AhoCorasickBuilder),
) -> (Option<WordStartMatcher>, Option<aho_corasick::AhoCorasick>) {
    if let Some(trie) = WordStartMatcher::new(phrases) {
        return (Some(trie), None);
    }
    let mut builder = aho_corasick::AhoCorasickBuilder::new();
    builder.ascii_case_insensitive(true);
    configure(&mut builder);
    let texts: Vec<&str> = phrases.iter().map(AsRef::as_ref).collect();
    (None, builder.build(&texts).ok())
}

fn is_word_char(c: char) -> bool {
    crate::text::is_alphanumeric(c)
}

/// ASCII bytes that are letters or digits.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The byte offsets where a text's words start (a letter or digit not
/// preceded by one), found once per document and shared by the pack-term
/// and issue-cue matchers.
#[derive(Debug, Clone, Default)]
pub struct WordStarts(Vec<usize>);

impl WordStarts {
    pub fn of(text: &str) -> WordStarts {
        WordStarts(word_starts(text))
    }
}

/// Byte offsets where words start. Eight ASCII bytes at a time: a mask of
/// the letters and digits among them, and the starts are the letters and
/// digits whose byte before is not one. A stretch with any non-ASCII byte
/// goes char by char.
fn word_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 6 + 1);
    // Whether the byte (or char) before `i` is a letter or digit.
    let mut after_word = false;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            if x & HIGH_BITS == 0 {
                let words = ascii_alphanumeric_mask(x);
                let mut starts = words & !((words << 8) | u64::from(after_word) << 7);
                while starts != 0 {
                    out.push(i + starts.trailing_zeros() as usize / 8);
                    starts &= starts - 1;
                }
                after_word = words >> 63 != 0;
                i += 8;
                continue;
            }
        }
        // Near a non-ASCII char, or in the last seven bytes: one char.
        let b = bytes[i];
        let (is_word, len) = if b < 128 {
            (ASCII_WORD[b as usize], 1)
        } else {
            text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (is_word_char(c), c.len_utf8()))
        };
        if is_word && !after_word {
            out.push(i);
        }
        after_word = is_word;
        i += len;
    }
    out
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (all ASCII) set where the byte is an
/// ASCII letter or digit.
fn ascii_alphanumeric_mask(x: u64) -> u64 {
    // The high bit of each byte set where lo <= byte <= hi. Bytes are below
    // 0x80, so no sum carries into the next byte.
    let in_range = |x: u64, lo: u8, hi: u8| {
        let at_least_lo = x + (0x80 - u64::from(lo)) * ONES;
        let above_hi = x + (0x7F - u64::from(hi)) * ONES;
        at_least_lo & !above_hi & HIGH_BITS
    };
    // Setting bit 5 maps upper-case letters onto lower-case ones and no
    // other byte onto a letter.
    in_range(x | (0x20 * ONES), b'a', b'z') | in_range(x, b'0', b'9')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Word starts by chars: the definition the eight-byte scan is checked
    /// against.
    fn word_starts_by_chars(text: &str) -> Vec<usize> {
        let mut after_word = false;
        let mut out = Vec::new();
        for (i, c) in text.char_indices() {
            let is_word = is_word_char(c);
            if is_word && !after_word {
                out.push(i);
            }
            after_word = is_word;
        }
        out
    }

    #[test]
    fn ascii_mask_marks_exactly_letters_and_digits() {
        for b in 0u8..128 {
            let x = (u64::from(b) << 16) | u64::from(b' ');
            let expected = if b.is_ascii_alphanumeric() {
                0x80 << 16
            } else {
                0
            };
            assert_eq!(ascii_alphanumeric_mask(x), expected, "{b:#x}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 5_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn word_starts_are_those_found_char_by_char(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "a", "Z", "09", " ", "  ", "\n", ".", "’", "'s", "-", "@", "[", "`", "{",
                "é", "ß", "٣", "\u{a0}", "—", "中文", "Iran", "talks", "U.S.", "IRGC-linked",
            ]), 0..60),
        ) {
            let text = pieces.concat();
            prop_assert_eq!(word_starts(&text), word_starts_by_chars(&text));
        }
    }

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
    fn of_phrases_equal_but_for_case_the_first_is_reported() {
        let m = WordStartMatcher::new(&["Supreme Leader", "supreme leader", "Leader"]).unwrap();
        let ids: Vec<usize> = m
            .find_iter("the SUPREME LEADER, the leader")
            .iter()
            .map(|x| x.phrase)
            .collect();
        assert_eq!(ids, vec![0, 2]);
    }

    #[test]
    fn overlapping_matches_come_by_end_longest_first() {
        let m =
            WordStartMatcher::new(&["if the circumstances", "circumstances", "the", "if"]).unwrap();
        let text = "If the circumstances change; thecircumstances";
        let spans: Vec<(usize, usize)> = m
            .find_overlapping(text)
            .iter()
            .map(|x| (x.start, x.end))
            .collect();
        // "thecircumstances" holds "the" at a word start, "circumstances"
        // inside a word: only the first counts.
        assert_eq!(spans, vec![(0, 2), (3, 6), (0, 20), (7, 20), (29, 32)]);
    }

    #[test]
    fn a_word_is_a_phrase_only_when_it_ends_where_the_phrase_does() {
        let m = WordStartMatcher::new(&["say", "says", "said"]).unwrap();
        assert_eq!(m.phrase_of(b"says"), Some(1));
        assert_eq!(m.phrase_of(b"SAID"), Some(2));
        assert_eq!(m.phrase_of(b"sa"), None);
        assert_eq!(m.phrase_of(b"sayso"), None);
        assert_eq!(m.phrase_of(b""), None);
    }

    #[test]
    fn phrases_not_starting_with_a_word_are_refused() {
        assert!(WordStartMatcher::new(&["’s"]).is_none());
        assert!(WordStartMatcher::new(&[""]).is_none());
    }
}
