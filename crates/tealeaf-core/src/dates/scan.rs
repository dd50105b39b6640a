//! Date expressions found without the date regexes, to the same result.
//!
//! The regex path (`find_expressions_by_regex`) runs eight regexes in the
//! windows of [`super::windows`]; that cost a tenth of a whole extraction.
//! This module computes the same windows in one pass over the words and
//! then, at each word start inside a window, follows each pattern by hand
//! the way the regex engine would: alternatives in the regex's order (the
//! first that lets the rest match wins, as leftmost-first matching does),
//! greedy repeats, a pattern's next match searched from the end of its last
//! one, and the window's edges read as the ends of the text (each window is
//! a haystack of its own on the regex path).
//!
//! Two things the regexes do are not followed here, and texts that meet
//! them go to the regexes instead (`None`): digits outside ASCII (`\d` is
//! Unicode) and the letters that case-insensitive matching folds to ASCII
//! ones (the regex path searches such a text whole). Unicode white space
//! (`\s`) is followed: it is exactly what `char::is_whitespace` accepts.

use std::cmp::Reverse;
use std::sync::LazyLock;

use chrono::Weekday;

use super::windows::{self, CLASS, DIGIT, LONGEST_TRIGGER, WORDS_AFTER, WORDS_BEFORE};
use super::{Expr, Precision};
use crate::text::Span;

/// The patterns, numbered in the order the regex path runs them (the order
/// breaks ties between equal spans).
const MONTH_DAY: u8 = 0;
const DAY_MONTH: u8 = 1;
const MONTH_YEAR: u8 = 2;
const ISO: u8 = 3;
const YEAR: u8 = 4;
const WEEKDAY: u8 = 5;
const FROM_NOW: u8 = 6;
const FROM_PREVIOUS: u8 = 7;

/// The month alternatives of the regexes, in their order, with the month.
const MONTHS: [(&[u8], u32); 31] = [
    (b"January", 1),
    (b"February", 2),
    (b"March", 3),
    (b"April", 4),
    (b"May", 5),
    (b"June", 6),
    (b"July", 7),
    (b"August", 8),
    (b"September", 9),
    (b"October", 10),
    (b"November", 11),
    (b"December", 12),
    (b"Jan.", 1),
    (b"Feb.", 2),
    (b"Mar.", 3),
    (b"Apr.", 4),
    (b"Jun.", 6),
    (b"Jul.", 7),
    (b"Aug.", 8),
    (b"Sept.", 9),
    (b"Sep.", 9),
    (b"Oct.", 10),
    (b"Nov.", 11),
    (b"Dec.", 12),
    (b"Jan", 1),
    (b"Feb", 2),
    (b"Aug", 8),
    (b"Sept", 9),
    (b"Oct", 10),
    (b"Nov", 11),
    (b"Dec", 12),
];

/// The month alternatives that start with `first`, in their order (those
/// that start with another letter cannot match there).
fn months_starting(first: Option<u8>) -> &'static [(&'static [u8], u32)] {
    const fn with_first<const N: usize>(first: u8) -> [(&'static [u8], u32); N] {
        let mut out: [(&[u8], u32); N] = [(b"", 0); N];
        let (mut i, mut n) = (0, 0);
        while i < MONTHS.len() {
            if MONTHS[i].0[0] == first {
                out[n] = MONTHS[i];
                n += 1;
            }
            i += 1;
        }
        assert!(n == N, "every month alternative of that letter");
        out
    }
    const J: [(&[u8], u32); 7] = with_first(b'J');
    const F: [(&[u8], u32); 3] = with_first(b'F');
    const M: [(&[u8], u32); 3] = with_first(b'M');
    const A: [(&[u8], u32); 5] = with_first(b'A');
    const S: [(&[u8], u32); 4] = with_first(b'S');
    const O: [(&[u8], u32); 3] = with_first(b'O');
    const N: [(&[u8], u32); 3] = with_first(b'N');
    const D: [(&[u8], u32); 3] = with_first(b'D');
    match first {
        Some(b'J') => &J,
        Some(b'F') => &F,
        Some(b'M') => &M,
        Some(b'A') => &A,
        Some(b'S') => &S,
        Some(b'O') => &O,
        Some(b'N') => &N,
        Some(b'D') => &D,
        _ => &[],
    }
}

const WEEKDAYS: [(&[u8], Weekday); 7] = [
    (b"Monday", Weekday::Mon),
    (b"Tuesday", Weekday::Tue),
    (b"Wednesday", Weekday::Wed),
    (b"Thursday", Weekday::Thu),
    (b"Friday", Weekday::Fri),
    (b"Saturday", Weekday::Sat),
    (b"Sunday", Weekday::Sun),
];

/// The alternatives of FROM_NOW, lower case, in order, with their meaning.
const FROM_NOW_WORDS: [(&[u8], i64, Precision); 13] = [
    (b"yesterday", -1, Precision::Day),
    (b"today", 0, Precision::Day),
    (b"tonight", 0, Precision::Day),
    (b"tomorrow", 1, Precision::Day),
    (b"earlier this week", 0, Precision::Week),
    (b"this week", 0, Precision::Week),
    (b"last week", -7, Precision::Week),
    (b"earlier this month", 0, Precision::Month),
    (b"this month", 0, Precision::Month),
    (b"last month", -30, Precision::Month),
    (b"earlier this year", 0, Precision::Year),
    (b"this year", 0, Precision::Year),
    (b"last year", -365, Precision::Year),
];

/// A word of at most eight bytes as a number (its bytes, little end first),
/// so that looking it up is one hash and a compare or two.
const fn key(word: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < word.len() && i < 8 {
        k |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// The key of `word` lower-cased, for words of ASCII letters only.
fn lower_key(key: u64, len: usize) -> u64 {
    key | (0x2020_2020_2020_2020 >> (8 * 8usize.saturating_sub(len)))
}

/// An open-addressing set of word keys, built at compile time.
struct KeyTable {
    keys: [u64; 128],
    bits: [u8; 128],
}

impl KeyTable {
    const fn slot(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57) as usize
    }

    /// The table of `words` (first eight bytes), each with its bits.
    const fn new(words: &[(&[u8], u8)]) -> KeyTable {
        let mut table = KeyTable {
            keys: [0; 128],
            bits: [0; 128],
        };
        let mut i = 0;
        while i < words.len() {
            let k = key(words[i].0);
            let mut slot = KeyTable::slot(k);
            while table.keys[slot] != 0 && table.keys[slot] != k {
                slot = (slot + 1) % 128;
            }
            table.keys[slot] = k;
            table.bits[slot] |= words[i].1;
            i += 1;
        }
        table
    }

    /// The bits of `key` (0 if it is not in the table; no key is 0).
    fn get(&self, key: u64) -> u8 {
        let mut slot = KeyTable::slot(key);
        loop {
            let k = self.keys[slot];
            if k == key {
                return self.bits[slot];
            }
            if k == 0 {
                return 0;
            }
            slot = (slot + 1) % 128;
        }
    }
}

/// The trigger words of [`windows`] as keys: the names as written
/// (bit 1), the relative words lower case (bit 2). The three nine-letter
/// triggers are left out (no bits: a key holds eight letters) and checked
/// whole.
static TRIGGERS: KeyTable = {
    const fn all() -> [(&'static [u8], u8); windows::NAMES.len() + windows::RELATIVE.len()] {
        let mut out: [(&[u8], u8); windows::NAMES.len() + windows::RELATIVE.len()] =
            [(b"", 0); windows::NAMES.len() + windows::RELATIVE.len()];
        let mut i = 0;
        while i < windows::NAMES.len() {
            out[i] = (
                windows::NAMES[i],
                if windows::NAMES[i].len() <= 8 { 1 } else { 0 },
            );
            i += 1;
        }
        let mut j = 0;
        while j < windows::RELATIVE.len() {
            out[i + j] = (
                windows::RELATIVE[j],
                if windows::RELATIVE[j].len() <= 8 {
                    2
                } else {
                    0
                },
            );
            j += 1;
        }
        out
    }
    KeyTable::new(&all())
};

/// Whether an ASCII word of letters only, at most [`LONGEST_TRIGGER`]
/// bytes, is a trigger (as `windows::is_trigger` decides), given the key of
/// its first eight bytes.
fn is_trigger_word(word: &[u8], key: u64) -> bool {
    let len = word.len();
    if !windows::TRIGGER_SHAPES.may_be(word) {
        return false;
    }
    if len > 8 {
        return windows::NAMES.contains(&word)
            || windows::RELATIVE
                .iter()
                .any(|r| r.eq_ignore_ascii_case(word));
    }
    TRIGGERS.get(key) & 1 != 0 || TRIGGERS.get(lower_key(key, len)) & 2 != 0
}

/// The words a match can start with, lower case, first eight bytes, with
/// the patterns to try at them: a superset (the patterns check the case
/// and the rest themselves), so nearly every word start is passed over
/// after one lookup.
static START_WORDS: KeyTable = {
    const MONTH: u8 = 1 << MONTH_DAY | 1 << MONTH_YEAR;
    const NOW: u8 = 1 << FROM_NOW;
    const PREVIOUS: u8 = 1 << FROM_PREVIOUS;
    const ON: u8 = 1 << WEEKDAY;
    KeyTable::new(&[
        (b"january", MONTH),
        (b"february", MONTH),
        (b"march", MONTH),
        (b"april", MONTH),
        (b"may", MONTH),
        (b"june", MONTH),
        (b"july", MONTH),
        (b"august", MONTH),
        (b"september", MONTH),
        (b"october", MONTH),
        (b"november", MONTH),
        (b"december", MONTH),
        (b"jan", MONTH),
        (b"feb", MONTH),
        (b"mar", MONTH),
        (b"apr", MONTH),
        (b"jun", MONTH),
        (b"jul", MONTH),
        (b"aug", MONTH),
        (b"sep", MONTH),
        (b"sept", MONTH),
        (b"oct", MONTH),
        (b"nov", MONTH),
        (b"dec", MONTH),
        (b"monday", ON),
        (b"tuesday", ON),
        (b"wednesday", ON),
        (b"thursday", ON),
        (b"friday", ON),
        (b"saturday", ON),
        (b"sunday", ON),
        (b"in", 1 << MONTH_YEAR | 1 << YEAR),
        (b"since", 1 << MONTH_YEAR | 1 << YEAR),
        (b"by", 1 << MONTH_YEAR),
        (b"early", 1 << MONTH_YEAR | 1 << YEAR | ON),
        (b"late", 1 << MONTH_YEAR | 1 << YEAR | ON),
        (b"mid", 1 << MONTH_YEAR),
        (b"during", 1 << YEAR),
        (b"on", ON),
        (b"last", ON | NOW),
        (b"this", ON | NOW),
        (b"yesterday", NOW),
        (b"today", NOW),
        (b"tonight", NOW),
        (b"tomorrow", NOW),
        (b"earlier", NOW),
        (b"a", PREVIOUS),
        (b"one", PREVIOUS),
        (b"two", PREVIOUS),
        (b"three", PREVIOUS),
        (b"four", PREVIOUS),
        (b"five", PREVIOUS),
        (b"six", PREVIOUS),
        (b"seven", PREVIOUS),
        (b"the", PREVIOUS),
        (b"less", PREVIOUS),
        (b"more", PREVIOUS),
        (b"within", PREVIOUS),
        (b"nearly", PREVIOUS),
        (b"about", PREVIOUS),
        (b"some", PREVIOUS),
        (b"twenty", PREVIOUS),
        (b"forty", PREVIOUS),
        (b"several", PREVIOUS),
    ])
};

/// The patterns that may match at the start of `word` (an ASCII word,
/// lower-case `key` of its first eight bytes).
fn patterns_at(word: &[u8], key: u64) -> u8 {
    let first = word[0];
    if first.is_ascii_digit() {
        // "5", "31st", "2019-…", "24 hours": short numbers only.
        return if word.len() <= 4 {
            1 << DAY_MONTH | 1 << ISO | 1 << FROM_PREVIOUS
        } else {
            0
        };
    }
    let bits = if word.len() <= 9 {
        START_WORDS.get(key)
    } else {
        0
    };
    // "InMay", "sinceJanuary": a prefix of MONTH_YEAR glued to a month.
    let glued = matches!(first | 0x20, b'i' | b's' | b'b' | b'e' | b'l' | b'm')
        && [&b"in"[..], b"since", b"by", b"early", b"late", b"mid"]
            .iter()
            .any(|prefix| {
                word.len() > prefix.len()
                    && word[..prefix.len()].eq_ignore_ascii_case(prefix)
                    && b"JFMASOND".contains(&word[prefix.len()])
            });
    if glued { bits | 1 << MONTH_YEAR } else { bits }
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// For eight bytes (little end first): bit 7 of each byte that is an ASCII
/// letter or digit, and of each that is a digit. The sums cannot carry
/// from one byte into the next: bit 7 is cleared before adding.
fn alnum_and_digits(x: u64) -> (u64, u64) {
    let low = x & !HIGH_BITS;
    let ascii = !x & HIGH_BITS;
    let digit = (low + 0x5050_5050_5050_5050) & !(low + 0x4646_4646_4646_4646) & ascii;
    let folded = low | 0x2020_2020_2020_2020;
    let letter = (folded + 0x1F1F_1F1F_1F1F_1F1F) & !(folded + 0x0505_0505_0505_0505) & ascii;
    (digit | letter, digit)
}

/// The ASCII word starting at `start`: its length, the key of its first
/// eight bytes and whether it has a digit. Most words are read in one
/// eight-byte load.
fn word_at(bytes: &[u8], start: usize) -> (usize, u64, bool) {
    if let Some(eight) = bytes.get(start..start + 8) {
        let x = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
        let (alnum, digits) = alnum_and_digits(x);
        let len = ((!alnum & HIGH_BITS).trailing_zeros() / 8) as usize;
        if len < 8 {
            let mask = (1u64 << (8 * len)) - 1;
            return (len, x & mask, digits & mask != 0);
        }
    }
    // A long word, or one near the end of the text.
    let mut end = start;
    let mut classes = 0;
    while end < bytes.len() && CLASS[bytes[end] as usize] != 0 {
        classes |= CLASS[bytes[end] as usize];
        end += 1;
    }
    let len = end - start;
    (len, key_at(bytes, start, len), classes & DIGIT != 0)
}

/// The key of the word of `len` bytes at `start`.
fn key_at(bytes: &[u8], start: usize, len: usize) -> u64 {
    let len = len.min(8);
    match bytes.get(start..start + 8) {
        Some(eight) => {
            let eight: [u8; 8] = eight.try_into().expect("eight bytes");
            u64::from_le_bytes(eight) & (u64::MAX >> (64 - 8 * len))
        }
        None => key(&bytes[start..start + len]),
    }
}

/// Whether `c` is a digit to `\d` (Unicode) but not an ASCII one. Numeric
/// characters outside ASCII are rare ("½" is one, and not a digit): the
/// regex decides those.
fn is_digit_outside_ascii(c: char) -> bool {
    static DIGIT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^\d$").expect("valid regex"));
    !c.is_ascii() && c.is_numeric() && DIGIT.is_match(c.encode_utf8(&mut [0; 4]))
}

/// One window: the haystack a regex would search, positions relative to it.
struct Hay<'a> {
    text: &'a str,
    bytes: &'a [u8],
}

impl Hay<'_> {
    /// `(?-u:\w)` at `i`: false past the end, as for the regex.
    #[inline]
    fn is_word(&self, i: usize) -> bool {
        self.bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    }

    /// `(?-u:\b)` at `i`.
    #[inline]
    fn boundary(&self, i: usize) -> bool {
        let before = i > 0 && self.is_word(i - 1);
        before != self.is_word(i)
    }

    /// The end of the longest run of `\s` from `i` (`i` if there is none).
    fn spaces(&self, mut i: usize) -> usize {
        while let Some(&b) = self.bytes.get(i) {
            if b.is_ascii() {
                if !matches!(b, b'\t'..=b'\r' | b' ') {
                    break;
                }
                i += 1;
            } else {
                match self.text.get(i..).and_then(|rest| rest.chars().next()) {
                    Some(c) if c.is_whitespace() => i += c.len_utf8(),
                    _ => break,
                }
            }
        }
        i
    }

    /// `\s+` from `i`: where it ends, if there is at least one.
    #[inline]
    fn some_spaces(&self, i: usize) -> Option<usize> {
        let end = self.spaces(i);
        (end > i).then_some(end)
    }

    /// How many ASCII digits (at most `max`) start at `i`.
    #[inline]
    fn digits(&self, i: usize, max: usize) -> usize {
        self.bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    /// Exactly `n` ASCII digits at `i` followed by a word boundary: the end.
    fn digits_then_boundary(&self, i: usize, n: usize) -> Option<usize> {
        (self.digits(i, n) == n && self.boundary(i + n)).then_some(i + n)
    }

    /// The literal `lit` at `i`, as written: where it ends.
    #[inline]
    fn lit(&self, i: usize, lit: &[u8]) -> Option<usize> {
        self.bytes
            .get(i..)
            .is_some_and(|rest| rest.starts_with(lit))
            .then_some(i + lit.len())
    }

    /// The literal `lit` (ASCII lower case) at `i`, in any case: where it
    /// ends. Only ASCII letters fold to ASCII in texts scanned here.
    #[inline]
    fn lit_ci(&self, i: usize, lit: &[u8]) -> Option<usize> {
        // Most tries fail at the first letter.
        if self.bytes.get(i)?.to_ascii_lowercase() != lit[0] {
            return None;
        }
        self.bytes
            .get(i..i + lit.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(lit))
            .then_some(i + lit.len())
    }

    /// A word written with either case of its first letter ("[Ii]n").
    #[inline]
    fn lit_title(&self, i: usize, lower: &[u8]) -> Option<usize> {
        let first = *self.bytes.get(i)?;
        if first != lower[0] && first != lower[0].to_ascii_uppercase() {
            return None;
        }
        self.lit(i + 1, &lower[1..])
    }

    fn str(&self, from: usize, to: usize) -> &str {
        &self.text[from..to]
    }

    /// The month alternatives that start at `i`, in the regexes' order.
    fn months_at(&self, i: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        months_starting(self.bytes.get(i).copied())
            .iter()
            .filter_map(move |&(name, month)| self.lit(i, name).map(|end| (end, month)))
    }

    /// `(?:,?\s+(\d{4})(?-u:\b))?` after `i`: the end and the year, if
    /// it is there.
    fn comma_year(&self, i: usize) -> Option<(usize, i32)> {
        let from = if self.bytes.get(i) == Some(&b',') {
            i + 1
        } else {
            i
        };
        let digits = self.some_spaces(from)?;
        let end = self.digits_then_boundary(digits, 4)?;
        Some((end, self.str(digits, end).parse().ok()?))
    }
}

/// A match: where it ends, and what the regex path would record for it
/// (nothing when its numbers are out of range: it is still a match, and
/// the pattern's next match is searched after it).
type Found = Option<(usize, Option<Expr>)>;

/// `(?-u:\b)(MONTHS)\s+(\d{1,2})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{4})(?-u:\b))?`
fn month_day(h: &Hay, s: usize) -> Found {
    for (month_end, month) in h.months_at(s) {
        let Some(day_start) = h.some_spaces(month_end) else {
            continue;
        };
        // Two digits when there are two: backing off to one leaves a digit
        // where a suffix or a boundary is needed.
        let n = h.digits(day_start, 2);
        if n == 0 {
            continue;
        }
        let day_end = day_start + n;
        let end = match ordinal_suffix(h, day_end) {
            // Without the suffix a letter follows the digits: no boundary.
            Some(after) if h.boundary(after) => after,
            None if h.boundary(day_end) => day_end,
            _ => continue,
        };
        let (end, year) = match h.comma_year(end) {
            Some((end, year)) => (end, Some(year)),
            None => (end, None),
        };
        let day: u32 = h.str(day_start, day_end).parse().ok()?;
        let expr = (1..=31)
            .contains(&day)
            .then_some(Expr::MonthDay { year, month, day });
        return Some((end, expr));
    }
    None
}

/// `(?:st|nd|rd|th)` at `i`: its end.
fn ordinal_suffix(h: &Hay, i: usize) -> Option<usize> {
    [&b"st"[..], b"nd", b"rd", b"th"]
        .iter()
        .find_map(|suffix| h.lit(i, suffix))
}

/// `(?-u:\b)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(MONTHS)(?:,?\s+(\d{4})(?-u:\b))?`
fn day_month(h: &Hay, s: usize) -> Found {
    let n = h.digits(s, 2);
    if n == 0 {
        return None;
    }
    let day_end = s + n;
    // With a suffix, leaving it out puts a letter where `\s+` is needed.
    let after_day = ordinal_suffix(h, day_end).unwrap_or(day_end);
    let mut month_start = h.some_spaces(after_day)?;
    if let Some(of_end) = h.lit(month_start, b"of")
        && let Some(after_of) = h.some_spaces(of_end)
    {
        // Without "of" a month would have to start with the "o": none does.
        month_start = after_of;
    }
    // The rest (an optional year) always matches: the first month wins.
    let (month_end, month) = h.months_at(month_start).next()?;
    let (end, year) = match h.comma_year(month_end) {
        Some((end, year)) => (end, Some(year)),
        None => (month_end, None),
    };
    let day: u32 = h.str(s, day_end).parse().ok()?;
    let expr = (1..=31)
        .contains(&day)
        .then_some(Expr::MonthDay { year, month, day });
    Some((end, expr))
}

/// `(?-u:\b)(?:(?:[Ii]n|[Ss]ince|[Bb]y|[Ee]arly|[Ll]ate|[Mm]id-?)\s*)?(MONTHS)(?:\s+(\d{4}))?(?-u:\b)`
fn month_year(h: &Hay, s: usize) -> Found {
    // The month and what follows it, from `i`.
    let month_from = |i: usize| -> Option<(usize, u32, Option<i32>)> {
        for (month_end, month) in h.months_at(i) {
            if let Some(digits) = h.some_spaces(month_end)
                && let Some(end) = h.digits_then_boundary(digits, 4)
            {
                return Some((end, month, h.str(digits, end).parse().ok()));
            }
            if h.boundary(month_end) {
                return Some((month_end, month, None));
            }
        }
        None
    };
    for prefix in [
        &b"in"[..],
        b"since",
        b"by",
        b"early",
        b"late",
        b"mid-",
        b"mid",
    ] {
        if let Some(after) = h.lit_title(s, prefix)
            && let Some((end, month, year)) = month_from(h.spaces(after))
        {
            return Some((end, Some(Expr::Month { year, month })));
        }
    }
    let (end, month, year) = month_from(s)?;
    // A bare month name needs a preposition or a year ("in May", "May 2019").
    Some((
        end,
        year.map(|year| Expr::Month {
            year: Some(year),
            month,
        }),
    ))
}

/// `(?-u:\b)((?:19|20)\d{2})-(\d{2})-(\d{2})(?-u:\b)`
fn iso(h: &Hay, s: usize) -> Found {
    let century = h.lit(s, b"19").or_else(|| h.lit(s, b"20"))?;
    if h.digits(century, 2) != 2 {
        return None;
    }
    let month = h.lit(century + 2, b"-")?;
    if h.digits(month, 2) != 2 {
        return None;
    }
    let day = h.lit(month + 2, b"-")?;
    let end = h.digits_then_boundary(day, 2)?;
    Some((
        end,
        Some(Expr::MonthDay {
            year: Some(h.str(s, century + 2).parse().ok()?),
            month: h.str(month, month + 2).parse().ok()?,
            day: h.str(day, end).parse().ok()?,
        }),
    ))
}

/// `(?-u:\b)(?:[Ii]n|[Ss]ince|[Dd]uring|[Ee]arly|[Ll]ate|[Ii]n early|[Ii]n late)\s+((?:19|20)\d{2})(?-u:\b)`
fn year(h: &Hay, s: usize) -> Found {
    for prefix in [
        &b"in"[..],
        b"since",
        b"during",
        b"early",
        b"late",
        b"in early",
        b"in late",
    ] {
        let Some(after) = h.lit_title(s, prefix) else {
            continue;
        };
        let Some(digits) = h.some_spaces(after) else {
            continue;
        };
        let Some(century) = h.lit(digits, b"19").or_else(|| h.lit(digits, b"20")) else {
            continue;
        };
        let Some(end) = h.digits_then_boundary(century, 2) else {
            continue;
        };
        return Some((end, Some(Expr::Year(h.str(digits, end).parse().ok()?))));
    }
    None
}

/// `(?-u:\b)(?:(?:[Oo]n|[Ll]ast|[Tt]his|[Ll]ate|[Ee]arly)\s+)?(WEEKDAYS)(?-u:\b)`
fn weekday(h: &Hay, s: usize) -> Found {
    let weekday_from = |i: usize| {
        WEEKDAYS.iter().find_map(|&(name, day)| {
            let end = h.lit(i, name)?;
            h.boundary(end).then_some((end, Some(Expr::Weekday(day))))
        })
    };
    for prefix in [&b"on"[..], b"last", b"this", b"late", b"early"] {
        if let Some(after) = h.lit_title(s, prefix)
            && let Some(day) = h.some_spaces(after)
            && let Some(found) = weekday_from(day)
        {
            return Some(found);
        }
    }
    weekday_from(s)
}

/// `(?i)(?-u:\b)(yesterday|today|…|last year)(?-u:\b)`
fn from_now(h: &Hay, s: usize) -> Found {
    FROM_NOW_WORDS.iter().find_map(|&(words, days, precision)| {
        let end = h.lit_ci(s, words)?;
        h.boundary(end)
            .then_some((end, Some(Expr::FromNow { days, precision })))
    })
}

/// `(?i)(?-u:\b)(?:A|B|C|D)(?-u:\b)` of FROM_PREVIOUS, its four
/// alternatives tried in order.
fn from_previous(h: &Hay, s: usize) -> Found {
    // The second and third alternatives start with the word "the", which
    // the first and fourth cannot start with: only one pair is tried.
    let the = h.lit_ci(s, b"the").is_some_and(|end| !h.is_word(end));
    let found = if the {
        the_next_day(h, s).or_else(|| the_day_before(h, s))?
    } else {
        days_later(h, s).or_else(|| hours_later(h, s))?
    };
    Some((found.0, Some(Expr::FromPrevious(found.1))))
}

/// The first of `words` (lower case, any case in the text) at `i` that the
/// word boundary follows: its end and index.
fn word_then_boundary(h: &Hay, i: usize, words: &[&[u8]]) -> Option<(usize, usize)> {
    words.iter().enumerate().find_map(|(k, word)| {
        let end = h.lit_ci(i, word)?;
        h.boundary(end).then_some((end, k))
    })
}

/// `(a|one|two|three|four|five|six|seven|\d{1,2})\s+(days?|weeks?)\s+(later|after|afterwards|earlier|before)`
fn days_later(h: &Hay, s: usize) -> Option<(usize, i64)> {
    const NUMBERS: [&[u8]; 8] = [
        b"a", b"one", b"two", b"three", b"four", b"five", b"six", b"seven",
    ];
    // Each alternative needs `\s+` after it, so at most one fits.
    let (number_end, n) = NUMBERS
        .iter()
        .enumerate()
        .find_map(|(k, word)| {
            let end = h.lit_ci(s, word)?;
            h.some_spaces(end)?;
            Some((end, (k as i64).max(1)))
        })
        .or_else(|| {
            let n = h.digits(s, 2);
            h.some_spaces(s + n).filter(|_| n > 0)?;
            Some((s + n, h.str(s, s + n).parse().ok()?))
        })?;
    let unit_start = h.spaces(number_end);
    let unit_end = h
        .lit_ci(unit_start, b"day")
        .or_else(|| h.lit_ci(unit_start, b"week"))?;
    // `s?` is greedy, and without the "s" no `\s+` could follow.
    let unit_end = match h.bytes.get(unit_end) {
        Some(b's' | b'S') => unit_end + 1,
        _ => unit_end,
    };
    let dir_start = h.some_spaces(unit_end)?;
    let (end, dir) = word_then_boundary(
        h,
        dir_start,
        &[b"later", b"after", b"afterwards", b"earlier", b"before"],
    )?;
    // As the regex path reads the unit: case-sensitively.
    let n = if h.bytes[unit_start..].starts_with(b"week") {
        n * 7
    } else {
        n
    };
    Some((end, if dir >= 3 { -n } else { n }))
}

/// `the\s+(next|following|previous)\s+(day|morning|evening|week)`
fn the_next_day(h: &Hay, s: usize) -> Option<(usize, i64)> {
    let which_start = h.some_spaces(h.lit_ci(s, b"the")?)?;
    let (which_end, which) = [&b"next"[..], b"following", b"previous"]
        .iter()
        .enumerate()
        .find_map(|(k, word)| {
            let end = h.lit_ci(which_start, word)?;
            Some((h.some_spaces(end)?, k))
        })?;
    let (end, unit) = word_then_boundary(h, which_end, &[b"day", b"morning", b"evening", b"week"])?;
    let n = if unit == 3 { 7 } else { 1 };
    Some((end, if which == 2 { -n } else { n }))
}

/// `the\s+day\s+(before|after)`
fn the_day_before(h: &Hay, s: usize) -> Option<(usize, i64)> {
    let day = h.some_spaces(h.lit_ci(s, b"the")?)?;
    let dir = h.some_spaces(h.lit_ci(day, b"day")?)?;
    let (end, dir) = word_then_boundary(h, dir, &[b"before", b"after"])?;
    Some((end, if dir == 0 { -1 } else { 1 }))
}

/// `(?:less\s+than\s+|more\s+than\s+|within\s+|nearly\s+|about\s+|some\s+)?(twenty-four|24|forty-eight|48|a\s+few|several|\d{1,2})\s+hours\s+(later|after)`
fn hours_later(h: &Hay, s: usize) -> Option<(usize, i64)> {
    let prefix = [
        &[&b"less"[..], b"than"][..],
        &[b"more", b"than"],
        &[b"within"],
        &[b"nearly"],
        &[b"about"],
        &[b"some"],
    ]
    .iter()
    .find_map(|words| {
        words
            .iter()
            .try_fold(s, |i, word| h.some_spaces(h.lit_ci(i, word)?))
    });
    // The optional prefix is tried first, then left out.
    prefix
        .and_then(|after| hours_from(h, after))
        .or_else(|| hours_from(h, s))
}

/// The hours of [`hours_later`] from `i`, its number first.
fn hours_from(h: &Hay, i: usize) -> Option<(usize, i64)> {
    // `\s+hours\s+(later|after)` and the boundary after the number.
    let rest = |number_end: usize| {
        let hours = h.some_spaces(number_end)?;
        let dir = h.some_spaces(h.lit_ci(hours, b"hours")?)?;
        word_then_boundary(h, dir, &[b"later", b"after"]).map(|(end, _)| end)
    };
    // The number alternatives in order, each with its days.
    for (word, days) in [
        (&b"twenty-four"[..], 1),
        (b"24", 1),
        (b"forty-eight", 2),
        (b"48", 2),
    ] {
        if let Some(end) = h.lit_ci(i, word).and_then(rest) {
            return Some((end, days));
        }
    }
    // "a few" and "several" are no number of hours: no days.
    let a_few = h
        .lit_ci(i, b"a")
        .and_then(|a| h.some_spaces(a))
        .and_then(|few| h.lit_ci(few, b"few"));
    if let Some(end) = a_few.and_then(rest) {
        return Some((end, 0));
    }
    if let Some(end) = h.lit_ci(i, b"several").and_then(rest) {
        return Some((end, 0));
    }
    // `\d{1,2}`: two digits first, then one; days rounded from hours.
    (1..=h.digits(i, 2)).rev().find_map(|n| {
        let end = rest(i + n)?;
        let hours: i64 = h.str(i, i + n).parse().ok()?;
        Some((end, (hours + 12) / 24))
    })
}

fn match_pattern(pattern: u8, h: &Hay, s: usize) -> Found {
    match pattern {
        MONTH_DAY => month_day(h, s),
        DAY_MONTH => day_month(h, s),
        MONTH_YEAR => month_year(h, s),
        ISO => iso(h, s),
        YEAR => year(h, s),
        WEEKDAY => weekday(h, s),
        FROM_NOW => from_now(h, s),
        _ => from_previous(h, s),
    }
}

/// The start of every ASCII word of `text`, and the windows as ranges of
/// word indices (first and last word), exactly as `windows::date_windows`
/// computes them.
fn windows(text: &str) -> (Vec<u32>, Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    // About one word per six bytes of news text: sized once.
    let mut starts: Vec<u32> = Vec::with_capacity(bytes.len() / 5 + 1);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if CLASS[bytes[i] as usize] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let k = starts.len();
        starts.push(start as u32);
        let (len, key, digit) = word_at(bytes, start);
        i = start + len;
        if len <= LONGEST_TRIGGER && (digit || is_trigger_word(&bytes[start..i], key)) {
            let lo = k.saturating_sub(WORDS_BEFORE);
            // Clamped to the last word once all are known.
            let hi = k + WORDS_AFTER;
            match ranges.last_mut() {
                Some(last) if lo <= last.1 + 1 => last.1 = hi,
                _ => ranges.push((lo, hi)),
            }
        }
    }
    for range in &mut ranges {
        range.1 = range.1.min(starts.len() - 1);
    }
    (starts, ranges)
}

/// Every date expression of `text`, as `find_expressions_by_regex` finds
/// them; `None` for a text left to the regexes.
pub(super) fn find_expressions(text: &str) -> Option<Vec<(Span, Expr)>> {
    if u32::try_from(text.len()).is_err() || windows::has_char_folding_to_ascii(text) {
        return None;
    }
    let (starts, ranges) = windows(text);
    let mut found: Vec<(u8, Span, Expr)> = Vec::new();
    for (lo, hi) in ranges {
        let from = starts[lo] as usize;
        let to = starts.get(hi + 1).map_or(text.len(), |&s| s as usize);
        let window = &text[from..to];
        if !window.is_ascii() && window.chars().any(is_digit_outside_ascii) {
            return None;
        }
        let hay = Hay {
            text: window,
            bytes: window.as_bytes(),
        };
        // Where each pattern's next match may start (after its last one).
        let mut resume = [0usize; 8];
        for &start in &starts[lo..=hi] {
            let s = start as usize - from;
            // A word start is a word boundary unless "_" (a word character
            // to the regexes) comes before; the window's start always is.
            if s > 0 && hay.bytes[s - 1] == b'_' {
                continue;
            }
            let (len, key, _) = word_at(hay.bytes, s);
            let word = &hay.bytes[s..s + len];
            let mut patterns = patterns_at(word, lower_key(key, len));
            while patterns != 0 {
                let pattern = patterns.trailing_zeros() as u8;
                patterns &= patterns - 1;
                if s < resume[pattern as usize] {
                    continue;
                }
                if let Some((end, expr)) = match_pattern(pattern, &hay, s) {
                    resume[pattern as usize] = end;
                    if let Some(expr) = expr {
                        found.push((pattern, Span::new(from + s, from + end), expr));
                    }
                }
            }
        }
    }
    // Longest first, then left to right, then in the patterns' order (as
    // the regex path pushes them); drop overlaps.
    found.sort_unstable_by_key(|&(pattern, span, _)| (Reverse(span.len()), span.start, pattern));
    let mut kept: Vec<(Span, Expr)> = Vec::new();
    for (_, span, expr) in found {
        if !kept.iter().any(|(k, _)| k.overlaps(span)) {
            kept.push((span, expr));
        }
    }
    kept.sort_by_key(|(s, _)| s.start);
    Some(kept)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::super::find_expressions_by_regex;
    use super::super::windows::FOLDS_TO_ASCII;
    use super::*;

    /// The scanner's result, which must be the regexes' whenever it gives one.
    fn same_as_regexes(text: &str) -> bool {
        match find_expressions(text) {
            Some(scanned) => {
                assert_eq!(scanned, find_expressions_by_regex(text), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn white_space_is_what_the_regexes_call_white_space() {
        let space = Regex::new(r"^\s$").unwrap();
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert_eq!(
                space.is_match(c.encode_utf8(&mut [0; 4])),
                c.is_whitespace(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn digits_and_case_folds_outside_ascii_are_caught_by_the_checks() {
        assert!(!is_digit_outside_ascii('½') && is_digit_outside_ascii('٣'));
        let digit = Regex::new(r"^\d$").unwrap();
        let letter = Regex::new(r"(?i)^[a-z]$").unwrap();
        for c in (0x80..=char::MAX as u32).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut [0; 4]).to_string();
            assert_eq!(digit.is_match(&s), is_digit_outside_ascii(c), "{c:?}");
            if letter.is_match(&s) {
                assert!(FOLDS_TO_ASCII.contains(&s.as_str()), "{c:?}");
            }
        }
    }

    #[test]
    fn the_scanner_finds_what_the_regexes_find() {
        let texts = [
            "On Aug. 28, 2019 he spoke; on February 25 she replied; 3 March 2020 too.",
            "In 2009, a deal failed. In May 2018 the US left. The modal may not count.",
            "He arrived on August 25; the next day he spoke; a chief repeated it a day later.",
            "Less than twenty-four hours after the summit, in mid-September, officials left.",
            "_In 2019 and _May 5",
            "InMay 2019, InMay and in 5 May, sinceJanuary 3",
            "5 Mayhem, 5th of June, 12nd Sept. 3, 123 May, 31st Dec, 32 Jan 2020",
            "Jan.x Jan. 2019 Jan. the Sept. 5 Sep 5 Sept 5, 2019 June 5th, 20190",
            "2019-08-28 1999-13-45 2019-08-288 2119-01-01",
            "In early 2019, in late 1999, In  early 2019, during 2020, Late 2021",
            "On Monday, last Tuesday, this Wednesday, Mondays, early Friday",
            "YESTERDAY, earlier this weekend, Earlier This Month, last year's",
            "seven WEEKS later, 3 days afterwards, a week before, two Weeks after",
            "the following MORNING, the previous week, the day before, the day after",
            "about 48 hours later, some 5 hours after, a  few hours later, several hours later",
            "more than 24 hours afterwards, within 36 hours later, 12 hours after",
            "May\u{a0}5,\u{a0}2019 and 5\u{2009}of\u{85}May and three\u{3000}days later",
            "a ſeveral days later",
            "May ٣ and ٣ May",
            "½ May 5, ½ hours later, 5½ May",
        ];
        for text in texts {
            if !same_as_regexes(text) {
                assert!(text.contains('ſ') || text.contains('٣'), "{text:?}");
            }
        }
    }

    /// Words that make up date expressions, and some that come close.
    const WORDS: &[&str] = &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Jan.",
        "Sept.",
        "Sep.",
        "Mar.",
        "Dec.",
        "Mayhem",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "0",
        "1",
        "5",
        "9",
        "12",
        "28",
        "31",
        "32",
        "123",
        "08",
        "2019",
        "1999",
        "2020",
        "2119",
        "20190",
        "19",
        "20",
        "2019-08-28",
        "2019-08-2",
        "st",
        "nd",
        "rd",
        "th",
        "5th",
        "21st",
        "3rd",
        "of",
        "in",
        "In",
        "since",
        "by",
        "early",
        "late",
        "mid",
        "Mid-",
        "mid-",
        "during",
        "on",
        "last",
        "this",
        "the",
        "next",
        "following",
        "previous",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "year",
        "morning",
        "evening",
        "hours",
        "twenty-four",
        "forty-eight",
        "twenty",
        "four",
        "24",
        "48",
        "a",
        "few",
        "a few",
        "several",
        "less",
        "than",
        "more",
        "within",
        "nearly",
        "about",
        "some",
        "later",
        "after",
        "afterwards",
        "earlier",
        "before",
        "yesterday",
        "today",
        "tonight",
        "tomorrow",
        "one",
        "two",
        "three",
        "seven",
        "x",
        "_",
        "InMay",
        "May5",
        "said",
        "٣",
        "1٣",
        "½",
    ];

    const SEPARATORS: &[&str] = &[
        " ", " ", " ", "  ", ", ", ",", ".", ". ", "-", "", "\u{a0}", "\n", "\n\n", "\t",
        "\u{2009}", "\u{85}", "_", "'s ", "“",
    ];

    /// `word` as written, or lower, upper or title case.
    fn cased(word: &str, case: u8) -> String {
        match case {
            0 => word.to_lowercase(),
            1 => word.to_uppercase(),
            2 => {
                let mut title = word.to_lowercase();
                if let Some(first) = title.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                title
            }
            _ => word.to_string(),
        }
    }

    /// A text of a few words of the vocabulary, each used again and again,
    /// so that they come together in every order.
    fn text() -> impl Strategy<Value = String> {
        prop::sample::subsequence(WORDS, 1..8).prop_flat_map(|chosen| {
            let n = chosen.len();
            prop::collection::vec(
                (
                    0..n,
                    0..6u8,
                    prop_oneof![
                        4 => Just(" "),
                        1 => prop::sample::select(SEPARATORS),
                    ],
                ),
                0..24,
            )
            .prop_map(move |parts| {
                parts
                    .into_iter()
                    .map(|(k, case, separator)| cased(chosen[k], case) + separator)
                    .collect::<String>()
            })
        })
    }

    /// The windows as byte ranges, as `windows::date_windows` gives them.
    fn byte_windows(text: &str) -> Vec<(usize, usize)> {
        let (starts, ranges) = windows(text);
        ranges
            .into_iter()
            .map(|(lo, hi)| {
                let end = starts.get(hi + 1).map_or(text.len(), |&s| s as usize);
                (starts[lo] as usize, end)
            })
            .collect()
    }

    #[test]
    fn eight_bytes_at_once_are_classed_as_one_at_a_time() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                for filler in [0u8, b'a', b'5', 0xFF, b' '] {
                    let mut bytes = [filler; 8];
                    bytes[lane] = b;
                    let (alnum, digits) = alnum_and_digits(u64::from_le_bytes(bytes));
                    for (k, &byte) in bytes.iter().enumerate() {
                        let bit = 0x80u64 << (8 * k);
                        assert_eq!(alnum & bit != 0, byte.is_ascii_alphanumeric(), "{bytes:?}");
                        assert_eq!(digits & bit != 0, byte.is_ascii_digit(), "{bytes:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn trigger_keys_decide_as_the_trigger_list() {
        let mut words: Vec<Vec<u8>> = Vec::new();
        for word in windows::NAMES.iter().chain(&windows::RELATIVE) {
            for case in 0..4 {
                let word = cased(std::str::from_utf8(word).unwrap(), case).into_bytes();
                // The word, and each one letter longer or shorter.
                words.push(word.clone());
                words.push([&word[..], b"s"].concat());
                words.push(word[..word.len() - 1].to_vec());
                words.push(word[1..].to_vec());
            }
        }
        for word in words
            .iter()
            .filter(|w| !w.is_empty() && w.len() <= LONGEST_TRIGGER)
        {
            assert_eq!(
                is_trigger_word(word, key_at(word, 0, word.len())),
                windows::is_trigger(word),
                "{:?}",
                String::from_utf8_lossy(word)
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn windows_are_those_of_the_regex_path(text in text()) {
            let text = if text.contains(|c| FOLDS_TO_ASCII.iter().any(|f| f.starts_with(c))) {
                String::new()
            } else {
                text
            };
            prop_assert_eq!(byte_windows(&text), windows::date_windows(&text));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 20_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn date_words_are_found_as_the_regexes_find_them(text in text()) {
            if !same_as_regexes(&text) {
                prop_assert!(text.contains('٣'));
            }
        }

        #[test]
        fn longer_texts_are_found_as_the_regexes_find_them(
            parts in prop::collection::vec(text(), 1..8),
        ) {
            // Several stretches of date words far apart: windows of their own.
            let filler = " and then the minister said that the talks would go on ";
            let text = parts.join(filler);
            if !same_as_regexes(&text) {
                prop_assert!(text.contains('٣'));
            }
        }
    }
}
