//! Negation: whether a cue is negated by the words just before it in its
//! clause, or carries its own negation.
//!
//! `negated` runs for nearly every cue the coder weighs, so it reads bytes
//! backwards from the cue and stops after five words; windows with bytes it
//! cannot decide on (non-ASCII letters or spaces) are read by chars.

use crate::text::WordList;

/// Words that negate a cue a few words later in the same clause.
pub(super) const NEGATORS: WordList = WordList::new(&[
    "not",
    "no",
    "never",
    "n't",
    "nor",
    "without",
    "hardly",
    "cannot",
    "neither",
    "won't",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "can't",
    "couldn't",
    "wouldn't",
    "shouldn't",
]);

/// How many words before a cue may negate it.
const REACH: usize = 5;

/// Whether one of the (up to) five words before `start` in its clause
/// negates what follows. The clause starts after the last , ; : . ( or —
/// within 60 bytes.
pub(super) fn negated(text: &str, start: usize) -> bool {
    let from = crate::text::floor_boundary(text, start.saturating_sub(60));
    let before = &text[from..start];
    match last_words_negate(before) {
        Some(answer) => answer,
        None => clause_words_negate(clause_of(before)),
    }
}

/// The part of `before` after its last clause mark: , ; : . ( or —
/// (bytes compared: the ASCII ones never occur inside a multi-byte char,
/// — is E2 80 94).
pub(super) fn clause_of(before: &str) -> &str {
    let bytes = before.as_bytes();
    let from = (0..bytes.len())
        .rev()
        .find(|&i| ends_clause_mark(bytes, i))
        .map_or(0, |i| i + 1);
    &before[from..]
}

/// Whether `bytes[i]` is a clause mark or the last byte of an em dash.
fn ends_clause_mark(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b',' | b';' | b':' | b'.' | b'(' => true,
        0x94 => i >= 2 && bytes[i - 2] == 0xE2 && bytes[i - 1] == 0x80,
        _ => false,
    }
}

/// The reading by chars: any of the clause's last five words (split at
/// any Unicode space) folded is a negator or ends in "n't".
pub(super) fn clause_words_negate(clause: &str) -> bool {
    clause
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .rev()
        .take(REACH)
        .any(|w| with_folded(w, is_negator_or_nt))
}

fn is_negator_or_nt(folded: &str) -> bool {
    NEGATORS.contains(folded) || folded.ends_with("n't")
}

/// The byte reading of the same: reads `before` backwards, ending at the
/// first clause mark, and decides as soon as a word negates or five words
/// are read. `None` when it meets a non-ASCII byte other than those of ’
/// and of a closing em dash (a Unicode space may split words): the caller
/// reads by chars then.
pub(super) fn last_words_negate(before: &str) -> Option<bool> {
    let bytes = before.as_bytes();
    let mut words = 0;
    // One past the last byte of the word being read, while inside one.
    let mut word_end: Option<usize> = None;
    let mut i = bytes.len();
    while i > 0 {
        let at = i - 1;
        let kind = match BYTE_KINDS[bytes[at] as usize] {
            ByteKind::NonAscii => non_ascii_kind(bytes, at)?,
            kind => kind,
        };
        if kind == ByteKind::WordByte {
            word_end.get_or_insert(i);
            // ’ is read whole, from its last byte.
            i = if bytes[at] == 0x99 { at - 2 } else { at };
            continue;
        }
        if let Some(end) = word_end.take() {
            if with_folded(&before[i..end], is_negator_or_nt) {
                return Some(true);
            }
            words += 1;
            if words == REACH {
                return Some(false);
            }
        }
        if kind == ByteKind::ClauseMark {
            return Some(false);
        }
        i = at;
    }
    Some(word_end.is_some_and(|end| with_folded(&before[..end], is_negator_or_nt)))
}

/// What a byte is to the backward reading.
#[derive(Clone, Copy, PartialEq)]
enum ByteKind {
    WordByte,
    /// An ASCII space: `char::is_whitespace` below 0x80.
    Space,
    ClauseMark,
    /// To be read with the bytes before it (’ and — end in one).
    NonAscii,
}

static BYTE_KINDS: [ByteKind; 256] = {
    let mut kinds = [ByteKind::WordByte; 256];
    let mut b = 0x80;
    while b < 256 {
        kinds[b] = ByteKind::NonAscii;
        b += 1;
    }
    let spaces = *b" \t\n\x0b\x0c\r";
    let mut k = 0;
    while k < spaces.len() {
        kinds[spaces[k] as usize] = ByteKind::Space;
        k += 1;
    }
    let marks = *b",;:.(";
    k = 0;
    while k < marks.len() {
        kinds[marks[k] as usize] = ByteKind::ClauseMark;
        k += 1;
    }
    kinds
};

/// The last byte of ’ is part of a word, of — a clause mark; `None` for
/// any other non-ASCII byte.
fn non_ascii_kind(bytes: &[u8], at: usize) -> Option<ByteKind> {
    let lead = at.checked_sub(2).map(|k| &bytes[k..at]);
    match (bytes[at], lead) {
        (0x99, Some([0xE2, 0x80])) => Some(ByteKind::WordByte),
        (0x94, Some([0xE2, 0x80])) => Some(ByteKind::ClauseMark),
        _ => None,
    }
}

/// Whether a cue phrase carries its own negation ("not feasible",
/// "neither wise", "nor honourable"): then the words before it do not
/// flip it.
pub(super) fn self_negating(phrase: &str) -> bool {
    phrase
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .any(|w| with_folded(w, |w| NEGATORS.contains(w)))
}

/// Calls `test` with `word` lower-cased and its ’ read as '. Short ASCII
/// words (nearly all) are folded on the stack.
fn with_folded(word: &str, test: impl Fn(&str) -> bool) -> bool {
    // Lower-case ASCII already (most words): nothing to fold.
    if !word
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        return test(word);
    }
    // Other letters, or a long word: fold on the heap.
    let on_the_heap = || test(&word.to_lowercase().replace('’', "'"));
    let mut buf = [0u8; 24];
    let mut len = 0;
    for c in word.chars() {
        let b = match c {
            '’' => b'\'',
            c if c.is_ascii() => c.to_ascii_lowercase() as u8,
            _ => return on_the_heap(),
        };
        if len == buf.len() {
            return on_the_heap();
        }
        buf[len] = b;
        len += 1;
    }
    // Only ASCII bytes were written.
    test(std::str::from_utf8(&buf[..len]).unwrap_or_default())
}
