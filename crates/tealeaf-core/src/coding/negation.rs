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
    match last_words_negate(before.as_bytes()) {
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
/// and of a closing em dash (a Unicode space may split words, a letter
/// lower-cases by tables), or a word too long for its buffer: the caller
/// reads by chars then.
pub(super) fn last_words_negate(before: &[u8]) -> Option<bool> {
    let mut words = 0;
    // One past the last byte of the word being read, while inside one.
    let mut word_end: Option<usize> = None;
    let mut i = before.len();
    while i > 0 {
        let at = i - 1;
        let b = before[at];
        let is_clause_mark = ends_clause_mark(before, at);
        if is_clause_mark || matches!(b, b' ' | b'\t'..=b'\r') {
            if let Some(end) = word_end.take() {
                if word_negates(&before[i..end])? {
                    return Some(true);
                }
                words += 1;
                if words == REACH {
                    return Some(false);
                }
            }
            if is_clause_mark {
                return Some(false);
            }
        } else if b >= 0x80 && !(b == 0x99 && at >= 2 && before[at - 2..at] == [0xE2, 0x80]) {
            return None;
        } else if word_end.is_none() {
            word_end = Some(i);
        }
        // ’ is read whole, from its last byte.
        i = if b == 0x99 { at - 2 } else { at };
    }
    match word_end {
        Some(end) => word_negates(&before[..end]),
        None => Some(false),
    }
}

/// One word of ASCII bytes and ’ (E2 80 99): lower-cased with ’ read as ',
/// is it a negator or does it end in "n't"? `None` if it is too long to
/// fold on the stack.
fn word_negates(word: &[u8]) -> Option<bool> {
    let mut buf = [0u8; 24];
    let mut len = 0;
    let mut k = 0;
    while k < word.len() {
        if len == buf.len() {
            return None;
        }
        buf[len] = if word[k] == 0xE2 {
            k += 3;
            b'\''
        } else {
            k += 1;
            word[k - 1].to_ascii_lowercase()
        };
        len += 1;
    }
    // Only ASCII bytes were written.
    let folded = std::str::from_utf8(&buf[..len]).ok()?;
    Some(is_negator_or_nt(folded))
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
