//! Where a date expression can be: the date regexes only search there.
//!
//! Each of the date patterns needs a word of its own vocabulary somewhere in
//! its match: a digit, a month or weekday name, or one of a few relative
//! words ("yesterday", "week", "hours"…). Most of a news article has none of
//! these, yet eight regexes, several without a literal to skip ahead on,
//! used to walk every byte. The windows below hold every such word with the
//! five ASCII words before it and the four after (the longest expression,
//! "less than twenty-four hours later", has four words before "hours"), so
//! every match lies inside one window and the regexes find the same matches
//! as on the whole text.
//!
//! Windows start at a word's first byte and end at the next word's first
//! byte, so the regexes' ASCII word boundaries (`(?-u:\b)`) read the same at
//! a window's edges as in the whole text.

use crate::text::WordShapes;

/// ASCII words kept before and after a trigger word.
pub(super) const WORDS_BEFORE: usize = 5;
pub(super) const WORDS_AFTER: usize = 4;

/// The characters of [`has_char_folding_to_ascii`], which the tests check
/// it against.
#[cfg(test)]
pub(super) const FOLDS_TO_ASCII: &[&str] = &["\u{17F}", "\u{212A}", "\u{130}", "\u{131}"];

/// Whether `text` has a character that case-insensitive Unicode matching
/// folds to ASCII letters ("ſ" to "s", the Kelvin sign to "k", dotted and
/// dotless i): a text with any of them is searched whole, since its
/// relative words need not be ASCII words. One pass for the bytes
/// that can begin or sit inside one (their UTF-8 is C5 BF, E2 84 AA, C4 B0
/// and C4 B1; C4, C5 and 84 are rare in English news, unlike E2, which
/// begins the curly quotes and dashes), each checked where it is found. Four
/// substring searches over every document cost several times more.
pub(super) fn has_char_folding_to_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(0xC4, 0xC5, 0x84, bytes).any(|i| match bytes[i] {
        0xC4 => matches!(bytes.get(i + 1), Some(0xB0 | 0xB1)),
        0xC5 => bytes.get(i + 1) == Some(&0xBF),
        _ => i > 0 && bytes[i - 1] == 0xE2 && bytes.get(i + 1) == Some(&0xAA),
    })
}

/// The longest trigger word ("September", "yesterday", "Wednesday"); a word
/// with a digit in a match is at most four bytes ("2019", "31st").
pub(super) const LONGEST_TRIGGER: usize = 9;

/// Byte classes for the word scan: 0 outside ASCII words.
pub(super) const LETTER: u8 = 1;
pub(super) const DIGIT: u8 = 2;
pub(super) static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Month and weekday names as the (case-sensitive) patterns spell them,
/// abbreviations without their dot (which is not part of a word).
pub(super) const NAMES: [&[u8]; 31] = [
    b"January",
    b"February",
    b"March",
    b"April",
    b"May",
    b"June",
    b"July",
    b"August",
    b"September",
    b"October",
    b"November",
    b"December",
    b"Jan",
    b"Feb",
    b"Mar",
    b"Apr",
    b"Jun",
    b"Jul",
    b"Aug",
    b"Sep",
    b"Sept",
    b"Oct",
    b"Nov",
    b"Dec",
    b"Monday",
    b"Tuesday",
    b"Wednesday",
    b"Thursday",
    b"Friday",
    b"Saturday",
    b"Sunday",
];

/// Relative-date words (those patterns are case-insensitive), lower case.
pub(super) const RELATIVE: [&[u8]; 13] = [
    b"yesterday",
    b"today",
    b"tonight",
    b"tomorrow",
    b"day",
    b"days",
    b"week",
    b"weeks",
    b"month",
    b"year",
    b"morning",
    b"evening",
    b"hours",
];

/// The shapes of the triggers (both cases of a relative word's first
/// letter): nearly every word of a text is turned away here with one
/// lookup.
pub(super) const TRIGGER_SHAPES: WordShapes = {
    let mut shapes = WordShapes::NONE;
    let mut i = 0;
    while i < NAMES.len() {
        shapes = shapes.with(NAMES[i]);
        i += 1;
    }
    let mut i = 0;
    while i < RELATIVE.len() {
        let (first, len) = (RELATIVE[i][0], RELATIVE[i].len());
        shapes = shapes
            .with_shape(first.to_ascii_lowercase(), len)
            .with_shape(first.to_ascii_uppercase(), len);
        i += 1;
    }
    shapes
};

/// Whether a word without digits, at most [`LONGEST_TRIGGER`] bytes, is a
/// month or weekday name or a relative-date word.
pub(super) fn is_trigger(word: &[u8]) -> bool {
    if word.len() > LONGEST_TRIGGER || !TRIGGER_SHAPES.may_be(word) {
        return false;
    }
    if NAMES.contains(&word) {
        return true;
    }
    let mut lower = [0u8; LONGEST_TRIGGER];
    for (l, b) in lower.iter_mut().zip(word) {
        *l = b.to_ascii_lowercase();
    }
    RELATIVE.contains(&&lower[..word.len()])
}

/// Byte ranges of `text`, in order and disjoint, outside which no date
/// pattern can match.
pub(super) fn date_windows(text: &str) -> Vec<(usize, usize)> {
    if has_char_folding_to_ascii(text) {
        return vec![(0, text.len())];
    }
    let bytes = text.as_bytes();
    // Start of every ASCII word, and whether it is a trigger.
    // About one word per six bytes of news text: sized once.
    let mut words: Vec<(usize, bool)> = Vec::with_capacity(bytes.len() / 5 + 1);
    let mut i = 0;
    while i < bytes.len() {
        if CLASS[bytes[i] as usize] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut classes = 0;
        while i < bytes.len() && CLASS[bytes[i] as usize] != 0 {
            classes |= CLASS[bytes[i] as usize];
            i += 1;
        }
        let word = &bytes[start..i];
        let trigger = word.len() <= LONGEST_TRIGGER && (classes & DIGIT != 0 || is_trigger(word));
        words.push((start, trigger));
    }
    // Word-index ranges around triggers, merged when they touch.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (k, &(_, trigger)) in words.iter().enumerate() {
        if !trigger {
            continue;
        }
        let lo = k.saturating_sub(WORDS_BEFORE);
        let hi = (k + WORDS_AFTER).min(words.len() - 1);
        match ranges.last_mut() {
            Some(last) if lo <= last.1 + 1 => last.1 = hi,
            _ => ranges.push((lo, hi)),
        }
    }
    let start_of = |k: usize| words.get(k).map_or(text.len(), |w| w.0);
    ranges
        .into_iter()
        .map(|(lo, hi)| (start_of(lo), start_of(hi + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(text: &str) -> Vec<&str> {
        date_windows(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    #[test]
    fn every_trigger_passes_the_shape_table_and_others_do_not() {
        for name in NAMES {
            assert!(is_trigger(name), "{name:?}");
            assert!(
                !is_trigger(&name.to_ascii_lowercase()),
                "{name:?} lower-cased"
            );
        }
        for word in RELATIVE {
            let upper = word.to_ascii_uppercase();
            let mut title = word.to_vec();
            title[0] = title[0].to_ascii_uppercase();
            for form in [word.to_vec(), upper, title] {
                assert!(is_trigger(&form), "{form:?}");
            }
        }
        for word in [
            &b"the"[..],
            b"with",
            b"said",
            b"Mays",
            b"dayz",
            b"",
            b"yesterdays",
        ] {
            assert!(!is_trigger(word), "{word:?}");
        }
    }

    #[test]
    fn text_without_date_words_has_no_window() {
        assert!(windows("The minister spoke to reporters about the talks.").is_empty());
    }

    #[test]
    fn a_window_holds_the_words_around_a_trigger() {
        let text = "one two three four five six seven May eight nine ten eleven twelve";
        assert_eq!(
            windows(text),
            vec!["three four five six seven May eight nine ten eleven "]
        );
    }

    #[test]
    fn relative_words_are_case_insensitive_and_names_are_not() {
        assert_eq!(windows("LAST WEEK"), vec!["LAST WEEK"]);
        assert!(windows("it may rain").is_empty());
    }

    #[test]
    fn touching_windows_merge_and_odd_folds_search_everything() {
        assert_eq!(windows("in 2019 and in 2020"), vec!["in 2019 and in 2020"]);
        let odd = "a ſeveral days";
        assert_eq!(windows(odd), vec![odd]);
    }

    #[test]
    fn the_one_pass_finds_what_four_searches_find() {
        let pieces = [
            "a", " ", "“", "”", "’", "—", "\u{17F}", "\u{212A}", "\u{130}", "\u{131}", "Ą", "ī",
            "ℂ", "Є", "ł", "İz", "\u{2122}", "\u{2184}",
        ];
        // Every string of up to three pieces.
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
        }
        for text in &texts {
            let slow = FOLDS_TO_ASCII.iter().any(|c| text.contains(c));
            assert_eq!(has_char_folding_to_ascii(text), slow, "{text:?}");
        }
    }
}
