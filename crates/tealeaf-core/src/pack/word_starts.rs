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
///
/// Two layouts share one node numbering. The shallow nodes, where nearly
/// every walk passes or ends, are rows of a dense table over byte classes
/// (the distinct bytes of the phrases, upper and lower case folded
/// together): one load per step. The deep nodes, nearly all of them on a
/// single name's chain, are short records of their children only, laid out
/// depth first so that a chain is contiguous memory. A fully dense table
/// of the default pack's names was 9 MB, and a walk past the third byte
/// waited on memory at most steps; the records take well under a
/// megabyte.
#[derive(Debug, Clone)]
pub struct WordStartMatcher {
    /// Byte → class; 0 for bytes in no phrase (the walk ends).
    class: [u8; 256],
    classes: usize,
    /// A walk's state is where its node's transitions are. The first nodes
    /// in breadth-first order (the root first) have a row in `dense`: their
    /// state is the row's start, `node * classes`, below `dense_len`. The
    /// state of any other node is `dense_len` plus its record's offset in
    /// `sparse`. A state holds no node number to multiply: a step is one
    /// addition and one load, the multiplication off the chain of
    /// dependent loads a walk is.
    dense_len: u32,
    /// `state + class` → transition (see [`ENDS_PHRASE`]); 0 = none (the
    /// root, state 0, is never re-entered).
    dense: Vec<u32>,
    /// Per dense node: the phrase ending there (`NONE` if none).
    dense_phrase: Vec<u32>,
    /// Records of the other nodes: a header (`children << 24 | phrase`,
    /// the phrase [`NO_PHRASE`] if none), then per child `class << 24 |
    /// transition`.
    sparse: Vec<u32>,
}

const NONE: u32 = u32::MAX;
/// A transition is the target state (below [`ENDS_PHRASE`]) with this bit
/// set when a phrase ends at the target: 24 bits, so a sparse child entry
/// has room for its class above them.
const ENDS_PHRASE: u32 = 1 << 23;
const NODE_BITS: u32 = ENDS_PHRASE - 1;
/// "No phrase" in a sparse record's 24-bit phrase field.
const NO_PHRASE: u32 = (1 << 24) - 1;
/// Bytes of dense rows: the shallow levels fit the fastest caches.
const DENSE_BYTES: usize = 128 * 1024;

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
    /// phrases use more than 255 distinct bytes (or millions of nodes).
    /// Phrases equal but for ASCII case: the first one is kept.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Option<WordStartMatcher> {
        WordStartMatcher::with_dense_bytes(phrases, DENSE_BYTES)
    }

    /// [`new`](Self::new) with at most `dense_bytes` of dense rows (the
    /// root's row always): the tests walk every layout.
    fn with_dense_bytes<S: AsRef<str>>(
        phrases: &[S],
        dense_bytes: usize,
    ) -> Option<WordStartMatcher> {
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
        let trie = BreadthFirstTrie::build(phrases, &class);
        let nodes = trie.phrase.len();
        if nodes > NODE_BITS as usize || phrases.len() >= NO_PHRASE as usize {
            return None;
        }
        let dense_nodes = (dense_bytes / (classes * 4)).clamp(1, nodes);
        // Record offsets, depth first from each sparse child of a dense
        // node, so a chain's records follow one another.
        let mut offset = vec![0u32; nodes];
        let mut sparse_len = 0usize;
        let mut stack: Vec<u32> = Vec::new();
        for parent in 0..dense_nodes {
            for (_, child, _) in trie.children_of(parent).rev() {
                if child as usize >= dense_nodes {
                    stack.push(child);
                }
            }
            while let Some(node) = stack.pop() {
                offset[node as usize] = u32::try_from(sparse_len).ok()?;
                sparse_len += 1 + trie.children[node as usize].1 as usize;
                stack.extend(trie.children_of(node as usize).rev().map(|c| c.1));
            }
        }
        let dense_len = dense_nodes * classes;
        if dense_len + sparse_len > NODE_BITS as usize {
            return None;
        }
        let target = |child: u32, ends: bool| {
            let state = if (child as usize) < dense_nodes {
                child * classes as u32
            } else {
                dense_len as u32 + offset[child as usize]
            };
            state | if ends { ENDS_PHRASE } else { 0 }
        };
        let mut dense = vec![0u32; dense_nodes * classes];
        for node in 0..dense_nodes {
            for (c, child, ends) in trie.children_of(node) {
                dense[node * classes + c as usize] = target(child, ends);
            }
        }
        let mut sparse = vec![0u32; sparse_len];
        for (node, &at) in offset.iter().enumerate().skip(dense_nodes) {
            let at = at as usize;
            let phrase = match trie.phrase[node] {
                NONE => NO_PHRASE,
                p => p,
            };
            sparse[at] = trie.children[node].1 << 24 | phrase;
            for (k, (c, child, ends)) in trie.children_of(node).enumerate() {
                sparse[at + 1 + k] = u32::from(c) << 24 | target(child, ends);
            }
        }
        Some(WordStartMatcher {
            class,
            classes,
            dense_len: dense_len as u32,
            dense_phrase: trie.phrase[..dense_nodes].to_vec(),
            dense,
            sparse,
        })
    }

    /// The transition from `state` on `class` (not 0), or 0 for none.
    #[inline]
    fn step(&self, state: u32, class: usize) -> u32 {
        if state < self.dense_len {
            return self.dense[state as usize + class];
        }
        let at = (state - self.dense_len) as usize;
        let children = (self.sparse[at] >> 24) as usize;
        for &entry in &self.sparse[at + 1..at + 1 + children] {
            if (entry >> 24) as usize == class {
                return entry & (ENDS_PHRASE | NODE_BITS);
            }
        }
        0
    }

    /// The phrase ending at `state` (reached by a transition with
    /// [`ENDS_PHRASE`]). The division is off the walk's path: phrases end
    /// at a few steps in a hundred.
    #[inline]
    fn phrase_at(&self, state: u32) -> usize {
        if state < self.dense_len {
            self.dense_phrase[state as usize / self.classes] as usize
        } else {
            (self.sparse[(state - self.dense_len) as usize] & NO_PHRASE) as usize
        }
    }

    /// The phrase that is exactly `word` (ASCII case-insensitive), if any:
    /// a walk of the word's bytes, with no hashing.
    pub fn phrase_of(&self, word: &[u8]) -> Option<usize> {
        let mut state = 0u32;
        let mut ends_phrase = false;
        for &b in word {
            let class = self.class[b as usize] as usize;
            if class == 0 {
                return None;
            }
            let t = self.step(state, class);
            if t == 0 {
                return None;
            }
            state = t & NODE_BITS;
            ends_phrase = t & ENDS_PHRASE != 0;
        }
        ends_phrase.then(|| self.phrase_at(state))
    }

    /// Calls `f` with every phrase matching at `start`, shortest first.
    /// Inlined: called at every word start, and a call's register saves
    /// cost about as much as a walk's first steps.
    #[inline(always)]
    pub(crate) fn each_at(&self, bytes: &[u8], start: usize, mut f: impl FnMut(WordStartMatch)) {
        let mut state = 0u32;
        for (i, &b) in bytes[start..].iter().enumerate() {
            let class = self.class[b as usize] as usize;
            if class == 0 {
                return;
            }
            let t = self.step(state, class);
            if t == 0 {
                return;
            }
            state = t & NODE_BITS;
            if t & ENDS_PHRASE != 0 {
                f(WordStartMatch {
                    phrase: self.phrase_at(state),
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

/// The trie before its layout: nodes numbered breadth first, so the
/// shallow nodes, where nearly every walk ends, come first.
struct BreadthFirstTrie {
    /// Per node: its children, which breadth-first numbering makes
    /// consecutive: `first..first + count`.
    children: Vec<(u32, u32)>,
    /// Per node: the class of the byte leading to it (0 for the root).
    class_in: Vec<u8>,
    /// Per node: the phrase ending there (`NONE` if none).
    phrase: Vec<u32>,
}

impl BreadthFirstTrie {
    /// `node`'s children as (class, child, whether a phrase ends there).
    fn children_of(&self, node: usize) -> impl DoubleEndedIterator<Item = (u8, u32, bool)> + '_ {
        let (first, count) = self.children[node];
        (first..first + count).map(|c| {
            (
                self.class_in[c as usize],
                c,
                self.phrase[c as usize] != NONE,
            )
        })
    }
}

impl BreadthFirstTrie {
    fn build<S: AsRef<str>>(phrases: &[S], class: &[u8; 256]) -> BreadthFirstTrie {
        // Each phrase as its classes, sorted (stably, so of phrases equal
        // but for case the first comes first): a node's phrases are then
        // one run, those ending at the node at its front and each child's
        // after them.
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
        let mut children = Vec::new();
        let mut class_in = vec![0u8];
        let mut phrase: Vec<u32> = vec![NONE];
        let mut node = 0;
        while node < runs.len() {
            let (lo, hi, depth) = runs[node];
            let first = runs.len() as u32;
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
                let ends_here = keyed[i].0.len() == depth + 1;
                class_in.push(c);
                phrase.push(if ends_here { keyed[i].1 } else { NONE });
                runs.push((i, j, depth + 1));
                i = j;
            }
            children.push((first, runs.len() as u32 - first));
            node += 1;
        }
        BreadthFirstTrie {
            children,
            class_in,
            phrase,
        }
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
pub struct WordStarts(pub(crate) Vec<usize>);

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

    /// Every phrase at every word start, found by comparing each phrase
    /// there: the definition both layouts are checked against.
    fn overlapping_by_comparison(phrases: &[String], text: &str) -> Vec<WordStartMatch> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for start in word_starts(text) {
            let mut here: Vec<WordStartMatch> = Vec::new();
            for (id, p) in phrases.iter().enumerate() {
                let end = start + p.len();
                let same = bytes
                    .get(start..end)
                    .is_some_and(|w| w.eq_ignore_ascii_case(p.as_bytes()));
                // Of phrases equal but for case, the first is reported.
                if same && !here.iter().any(|m| m.end == end) {
                    here.push(WordStartMatch {
                        phrase: id,
                        start,
                        end,
                    });
                }
            }
            here.sort_by_key(|m| m.end);
            out.extend(here);
        }
        out.sort_by_key(|m| m.end);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Dense rows, sparse records, and any mix of the two find the
        /// same phrases as comparing every phrase at every word start.
        #[test]
        fn every_layout_matches_by_comparison(
            phrases in prop::collection::vec("[abAB][abc ]{0,5}", 1..12),
            pieces in prop::collection::vec(prop::sample::select(vec![
                "a", "b", "c", "A", "B", "ab", "abc", " ", "  ", ".", "é", "bA",
            ]), 0..40),
            dense_rows in 1usize..12,
        ) {
            let text = pieces.concat();
            let expected = overlapping_by_comparison(&phrases, &text);
            let classes = 1 + 3 + 1; // a, b, c, space
            for bytes in [4, dense_rows * classes * 4, usize::MAX / 2] {
                let m = WordStartMatcher::with_dense_bytes(&phrases, bytes).unwrap();
                prop_assert_eq!(&m.find_overlapping(&text), &expected);
                for p in &phrases {
                    let id = m.phrase_of(p.to_ascii_uppercase().as_bytes());
                    let first = phrases.iter().position(|q| q.eq_ignore_ascii_case(p));
                    prop_assert_eq!(id, first);
                }
            }
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
