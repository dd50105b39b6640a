//! Small text utilities shared by the stages: byte spans, byte → char offset
//! conversion, and a word tokenizer that keeps byte offsets.
//!
//! Internally every stage works on byte offsets into the document body (cheap
//! slicing); output converts them to char offsets once, with [`CharMap`].

use serde::Serialize;

/// A half-open byte range `[start, end)` into the document body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn contains_pos(self, pos: usize) -> bool {
        self.start <= pos && pos < self.end
    }
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Converts byte offsets of one text to char (Unicode code point) offsets.
///
/// The char offset of byte `b` is the number of chars starting before `b`.
/// A non-ASCII text keeps that count at every [`CHAR_MAP_BLOCK`]-th byte and
/// counts the rest of the block at lookup: a table per byte cost four bytes
/// of memory and a write per byte of text, and only a few offsets per
/// statement are ever looked up.
pub struct CharMap<'t> {
    bytes: &'t [u8],
    /// Chars starting before each block; `None` for ASCII-only texts.
    blocks: Option<Vec<u32>>,
}

/// Bytes per counted block of a [`CharMap`].
const CHAR_MAP_BLOCK: usize = 64;

/// Whether a byte starts a char (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    (b & 0xC0) != 0x80
}

/// How many bytes of `bytes` start a char: eight at a time, counting the
/// continuation bytes (10xxxxxx) by one popcount.
fn count_char_starts(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    let continuations: u32 = chunks
        .map(|chunk| {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            // Bit 7 set and bit 6 (shifted up to bit 7) clear.
            (x & !(x << 1) & HIGH).count_ones()
        })
        .sum();
    let in_chunks = bytes.len() - tail.len() - continuations as usize;
    in_chunks + tail.iter().filter(|&&b| starts_char(b)).count()
}

impl<'t> CharMap<'t> {
    pub fn new(text: &'t str) -> CharMap<'t> {
        let bytes = text.as_bytes();
        if text.is_ascii() {
            return CharMap {
                bytes,
                blocks: None,
            };
        }
        let mut blocks = Vec::with_capacity(bytes.len() / CHAR_MAP_BLOCK + 1);
        let mut chars = 0u32;
        for block in bytes.chunks(CHAR_MAP_BLOCK) {
            blocks.push(chars);
            chars += count_char_starts(block) as u32;
        }
        if bytes.len().is_multiple_of(CHAR_MAP_BLOCK) {
            // The end of the text opens a block of its own.
            blocks.push(chars);
        }
        CharMap {
            bytes,
            blocks: Some(blocks),
        }
    }

    pub fn char_offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        let Some(blocks) = &self.blocks else {
            return byte;
        };
        let block = byte / CHAR_MAP_BLOCK;
        let before = blocks[block];
        let in_block = self.bytes[block * CHAR_MAP_BLOCK..byte]
            .iter()
            .filter(|&&b| starts_char(b))
            .count();
        before as usize + in_block
    }
}

/// A word or punctuation token with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

impl<'a> Token<'a> {
    // Both are asked of nearly every token: an ASCII first byte (most
    // tokens) is decided without decoding.
    pub fn is_word(&self) -> bool {
        match self.text.as_bytes().first() {
            Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
            _ => self.text.chars().next().is_some_and(is_alphanumeric),
        }
    }
    pub fn is_capitalized(&self) -> bool {
        match self.text.as_bytes().first() {
            Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => self.text.chars().next().is_some_and(char::is_uppercase),
        }
    }
    /// The token lower-cased. Called for nearly every token by the
    /// attribution and mention rules, so it neither allocates nor copies
    /// for the common case (see [`Lower`]).
    pub fn lower(&self) -> Lower<'a> {
        Lower::of(self.text)
    }
}

/// A lower-cased word. Most words of news text are already lower-case
/// ASCII: those are borrowed as they are; other short ASCII words are
/// lower-cased on the stack; only long or non-ASCII words allocate.
/// Reads as a `&str` (`Deref`) and compares with string literals.
#[derive(Debug, Clone)]
pub enum Lower<'a> {
    Borrowed(&'a str),
    Inline { bytes: [u8; INLINE_LOWER], len: u8 },
    Heap(String),
}

/// Longest ASCII word lower-cased on the stack.
const INLINE_LOWER: usize = 30;

impl<'a> Lower<'a> {
    pub fn of(word: &'a str) -> Lower<'a> {
        let ascii = word.is_ascii();
        if ascii && !word.bytes().any(|b| b.is_ascii_uppercase()) {
            Lower::Borrowed(word)
        } else if ascii && word.len() <= INLINE_LOWER {
            let mut bytes = [0u8; INLINE_LOWER];
            for (slot, b) in bytes.iter_mut().zip(word.bytes()) {
                *slot = b.to_ascii_lowercase();
            }
            Lower::Inline {
                bytes,
                len: word.len() as u8,
            }
        } else if !ascii && word.chars().all(lower_cases_to_itself) {
            // Curly quotes, dashes and other caseless tokens: asked about
            // as often as words, and nothing to lower-case.
            Lower::Borrowed(word)
        } else {
            Lower::Heap(word.to_lowercase())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Lower::Borrowed(s) => s,
            // Lower-cased ASCII is always valid UTF-8.
            Lower::Inline { bytes, len } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or("")
            }
            Lower::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<&str> for Lower<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Lower<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl std::fmt::Display for Lower<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// General punctuation (curly quotes, dashes, ellipsis): no letter or
/// digit, and no case.
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206F}';

/// `char::is_alphanumeric`, with the chars news text is full of decided
/// without the Unicode tables: ASCII, and general punctuation (U+2000–U+206F:
/// curly quotes, dashes, ellipsis), which holds no letter or digit.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if GENERAL_PUNCTUATION.contains(&c) {
        return false;
    }
    c.is_alphanumeric()
}

/// Whether `c` lower-cases to itself alone. Punctuation (U+2000–U+206F:
/// curly quotes, dashes, ellipsis) is decided without the case tables.
fn lower_cases_to_itself(c: char) -> bool {
    if GENERAL_PUNCTUATION.contains(&c) {
        return true;
    }
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// What one byte of text is to the tokenizer: ASCII bytes are decided by
/// one table lookup; a byte of a multi-byte char sends the tokenizer to
/// decode the char.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ByteClass {
    Space,
    Punctuation,
    AlphaNumeric,
    NonAscii,
}

pub(crate) const BYTE_CLASS: [ByteClass; 256] = {
    let mut table = [ByteClass::NonAscii; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if matches!(byte, b'\t'..=b'\r' | b' ') {
            ByteClass::Space
        } else if byte.is_ascii_alphanumeric() {
            ByteClass::AlphaNumeric
        } else {
            ByteClass::Punctuation
        };
        b += 1;
    }
    table
};

/// Splits `text[span]` into words (letters and digits with inner apostrophes,
/// hyphens and dots, as in "U.S", "Iran’s", "IRGC-affiliated") and single
/// punctuation characters. Whitespace is dropped.
pub fn tokens(text: &str, span: Span) -> Vec<Token<'_>> {
    // About one token per five bytes of news text: one allocation, rarely
    // a second.
    let mut out = Vec::with_capacity(span.len() / 5 + 4);
    let Some(slice) = text.get(span.start..span.end) else {
        return out;
    };
    let token = |from: usize, to: usize| Token {
        text: &slice[from..to],
        start: span.start + from,
        end: span.start + to,
    };
    let bytes = slice.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let end = match BYTE_CLASS[bytes[i] as usize] {
            ByteClass::Space => {
                i += 1;
                continue;
            }
            ByteClass::Punctuation => i + 1,
            ByteClass::AlphaNumeric => word_end(slice, i + 1),
            ByteClass::NonAscii => {
                let Some((c, len)) = char_at(slice, i) else {
                    break;
                };
                if c.is_whitespace() || is_invisible(c) {
                    i += len;
                    continue;
                }
                if is_alphanumeric(c) {
                    word_end(slice, i + len)
                } else {
                    i + len
                }
            }
        };
        out.push(token(i, end));
        i = end;
    }
    out
}

/// The end of the word whose letters or digits run up to `end`: further
/// letters and digits, and joiners (’ ' - . and the non-breaking hyphen)
/// with a letter or digit after them.
fn word_end(slice: &str, mut end: usize) -> usize {
    let bytes = slice.as_bytes();
    loop {
        // Runs of ASCII letters and digits without decoding.
        while bytes
            .get(end)
            .is_some_and(|&b| BYTE_CLASS[b as usize] == ByteClass::AlphaNumeric)
        {
            end += 1;
        }
        let Some((d, d_len)) = char_at(slice, end) else {
            return end;
        };
        let joins = (!d.is_ascii() && is_alphanumeric(d))
            // Keep joiners only when a letter or digit follows.
            || (matches!(d, '\'' | '’' | '-' | '.' | '\u{2011}')
                && char_at(slice, end + d_len).is_some_and(|(e, _)| is_alphanumeric(e)));
        if !joins {
            return end;
        }
        end += d_len;
    }
}

/// The char starting at byte `i` of `s` and its length in bytes; `i` must be
/// a char boundary. ASCII (most of the text) is read without decoding.
fn char_at(s: &str, i: usize) -> Option<(char, usize)> {
    let b = *s.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some((b as char, 1));
    }
    let c = s[i..].chars().next()?;
    Some((c, c.len_utf8()))
}

/// Zero-width and bidi control characters: ignored between words.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
    )
}

/// The (first byte, length) pairs of a set of words: a word whose pair is
/// not there is turned away by one table lookup, before any list is
/// searched or any word lower-cased. Lengths of 64 bytes or more are not
/// held (such words never pass).
#[derive(Debug, Clone, Copy)]
pub struct WordShapes([u64; 256]);

impl WordShapes {
    pub const NONE: WordShapes = WordShapes([0; 256]);

    /// These shapes and that of words starting with `first`, `len` bytes
    /// long.
    pub const fn with_shape(mut self, first: u8, len: usize) -> WordShapes {
        if len > 0 && len < 64 {
            self.0[first as usize] |= 1 << len;
        }
        self
    }

    /// These shapes and that of `word`.
    pub const fn with(self, word: &[u8]) -> WordShapes {
        match word.first() {
            Some(&first) => self.with_shape(first, word.len()),
            None => self,
        }
    }

    /// Whether a word of the set may be `word`.
    pub fn may_be(&self, word: &[u8]) -> bool {
        match word.first() {
            Some(&first) if word.len() < 64 => self.0[first as usize] & (1 << word.len()) != 0,
            _ => false,
        }
    }
}

/// A constant list of words, looked up for many tokens: its [`WordShapes`]
/// turn most words away before the list is scanned.
pub struct WordList {
    words: &'static [&'static str],
    shapes: WordShapes,
    /// A word is empty or 64 bytes or longer: the shapes cannot hold it,
    /// so every lookup scans.
    unusual: bool,
}

impl WordList {
    pub const fn new(words: &'static [&'static str]) -> WordList {
        let mut shapes = WordShapes::NONE;
        let mut unusual = false;
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_bytes();
            unusual |= w.is_empty() || w.len() >= 64;
            shapes = shapes.with(w);
            i += 1;
        }
        WordList {
            words,
            shapes,
            unusual,
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        (self.unusual || self.shapes.may_be(word.as_bytes())) && self.words.contains(&word)
    }
}

/// Whether `s` lower-cased would start with `prefix`, without lower-casing
/// `s`. Exact for prefixes of ASCII lower-case letters other than 'i' and
/// 'k', spaces and punctuation: only their own upper case lower-cases to
/// them ("İ" lower-cases to "i̇", the Kelvin sign to "k").
pub fn starts_with_lowered(s: &str, prefix: &str) -> bool {
    debug_assert!(
        prefix
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'i' && b != b'k')
    );
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The largest char boundary at or before `pos` (slicing never panics).
pub fn floor_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

/// Strips a trailing possessive ("Iran’s" → "Iran").
pub fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .or_else(|| word.strip_suffix("'"))
        .or_else(|| word.strip_suffix("’"))
        .unwrap_or(word)
}

/// Trims whitespace and the given punctuation from both ends of a span.
pub fn trim_span(text: &str, span: Span, punct: &[char]) -> Span {
    let s = span.slice(text);
    let trimmed_start = s.trim_start_matches(|c: char| c.is_whitespace() || punct.contains(&c));
    let start = span.start + (s.len() - trimmed_start.len());
    let trimmed = trimmed_start.trim_end_matches(|c: char| c.is_whitespace() || punct.contains(&c));
    Span::new(start, start + trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn is_alphanumeric_is_the_char_method() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn lower_is_str_to_lowercase_for_every_char_and_words_of_them() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let word = c.to_string();
            assert_eq!(Lower::of(&word).as_str(), word.to_lowercase(), "{c:?}");
        }
        for word in [
            "“",
            "Iran’s",
            "ÉTAT",
            "état",
            "ΟΔΟΣ",
            "—",
            "Straße",
            "İstanbul",
            "ǅ",
        ] {
            assert_eq!(Lower::of(word).as_str(), word.to_lowercase(), "{word}");
        }
    }

    #[test]
    fn char_starts_are_counted_as_chars() {
        let text = "a’é中😀 “talks” İ\u{a0}ß—…";
        for from in 0..text.len() {
            for to in from..=text.len() {
                let bytes = &text.as_bytes()[from..to];
                let expected = bytes.iter().filter(|&&b| starts_char(b)).count();
                assert_eq!(count_char_starts(bytes), expected, "{from}..{to}");
            }
        }
    }

    #[test]
    fn char_map_counts_code_points() {
        let text = "Iran’s “talks” é";
        let map = CharMap::new(text);
        let byte = text.find("talks").unwrap();
        assert_eq!(map.char_offset(byte), 8);
        assert_eq!(map.char_offset(text.len()), text.chars().count());
    }

    #[test]
    fn char_map_counts_across_blocks_inside_chars_and_past_the_end() {
        // Lengths around whole blocks, with multi-byte chars on the edges.
        for n in [0, 1, 20, 21, 22, 40, 63, 64, 65, 200] {
            let text: String = (0..n).map(|i| ['a', '’', 'é'][i % 3]).collect();
            let map = CharMap::new(&text);
            for byte in 0..=text.len() + 2 {
                let starts_before = text
                    .char_indices()
                    .filter(|&(b, _)| b < byte.min(text.len()))
                    .count();
                assert_eq!(
                    map.char_offset(byte),
                    starts_before,
                    "{n} chars, byte {byte}"
                );
            }
        }
    }

    #[test]
    fn lower_borrows_copies_or_allocates_but_always_lower_cases() {
        assert!(matches!(Lower::of("talks"), Lower::Borrowed("talks")));
        assert!(matches!(Lower::of("Talks"), Lower::Inline { .. }));
        assert_eq!(Lower::of("Talks"), "talks");
        let long = "A".repeat(INLINE_LOWER + 1);
        assert!(matches!(Lower::of(&long), Lower::Heap(_)));
        assert_eq!(Lower::of(&long).as_str(), "a".repeat(INLINE_LOWER + 1));
        assert_eq!(Lower::of("ÉTÉ"), "été");
        assert_eq!(Lower::of(""), "");
    }

    /// The tokenizer as first written, char by char: the definition the
    /// table-driven one is checked against.
    fn tokens_by_chars(text: &str, span: Span) -> Vec<(usize, usize)> {
        let slice = &text[span.start..span.end];
        let chars: Vec<(usize, char)> = slice.char_indices().collect();
        let char_after = |k: usize| chars.get(k).map(|&(_, c)| c);
        let mut out = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            let (start, c) = chars[k];
            if c.is_whitespace() || is_invisible(c) {
                k += 1;
                continue;
            }
            let mut next = k + 1;
            if c.is_alphanumeric() {
                while let Some(d) = char_after(next) {
                    let joiner = matches!(d, '\'' | '’' | '-' | '.' | '\u{2011}')
                        && char_after(next + 1).is_some_and(char::is_alphanumeric);
                    if d.is_alphanumeric() {
                        next += 1;
                    } else if joiner {
                        next += 2;
                    } else {
                        break;
                    }
                }
            }
            let end = chars.get(next).map_or(slice.len(), |&(b, _)| b);
            out.push((span.start + start, span.start + end));
            k = next;
        }
        out
    }

    fn token_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "Z", "7", " ", "\t", "\n", ".", "'", "’", "-", "\u{2011}", ",", "“", "”", "é",
            "É", "ß", "٣", "\u{a0}", "\u{2009}", "\u{200b}", "\u{feff}", "—", "…", "中", "İ",
            "Iran", "U.S", "IRGC", "said", "%",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 5_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn tokens_are_those_of_the_char_by_char_tokenizer(text in token_text(), cut in 0usize..8) {
            // Spans that start and end inside the text, at char boundaries.
            let bounds: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
            let span = Span::new(bounds[cut.min(bounds.len() - 1)], text.len());
            let found: Vec<(usize, usize)> =
                tokens(&text, span).iter().map(|t| (t.start, t.end)).collect();
            prop_assert_eq!(found, tokens_by_chars(&text, span));
            for t in tokens(&text, span) {
                prop_assert_eq!(t.text, &text[t.start..t.end]);
            }
        }
    }

    #[test]
    fn tokens_keep_abbreviations_and_possessives_together() {
        let text = "The U.S. and Iran’s IRGC-affiliated daily said: “no.”";
        let toks: Vec<&str> = tokens(text, Span::new(0, text.len()))
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            toks,
            vec![
                "The",
                "U.S",
                ".",
                "and",
                "Iran’s",
                "IRGC-affiliated",
                "daily",
                "said",
                ":",
                "“",
                "no",
                ".",
                "”"
            ]
        );
    }

    #[test]
    fn word_list_finds_exactly_its_words() {
        const WORDS: WordList = WordList::new(&["has", "have", "had", "é", "will"]);
        for w in ["has", "have", "had", "é", "will"] {
            assert!(WORDS.contains(w), "{w}");
        }
        for w in [
            "",
            "ha",
            "hat",
            "Has",
            "wil",
            "willing",
            "e",
            "x".repeat(70).as_str(),
        ] {
            assert!(!WORDS.contains(w), "{w}");
        }
        const ODD: WordList = WordList::new(&["", "a"]);
        assert!(ODD.contains("") && ODD.contains("a") && !ODD.contains("b"));
    }

    #[test]
    fn starts_with_lowered_agrees_with_lower_casing() {
        for s in [
            "The minister",
            "THE ",
            "the",
            "Thé",
            "An envoy",
            "an",
            "a ",
            "À ",
            "",
        ] {
            for prefix in ["the ", "a ", "an "] {
                assert_eq!(
                    starts_with_lowered(s, prefix),
                    s.to_lowercase().starts_with(prefix),
                    "{s:?} {prefix:?}"
                );
            }
        }
    }

    #[test]
    fn trim_span_drops_punctuation() {
        let text = "  “hello,” ";
        let s = trim_span(text, Span::new(0, text.len()), &['“', '”', ',']);
        assert_eq!(s.slice(text), "hello");
    }
}
