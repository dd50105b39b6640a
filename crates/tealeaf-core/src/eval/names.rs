//! Head-token name agreement, as the two Python scorers define it.
//!
//! A name is cut into segments at separators; the head of a segment is its last
//! word token (`[^\W_]+` in Python's `re`, i.e. a run of characters for which
//! `str.isalnum()` holds). Two names agree when their sets of heads intersect.
//! The scorers differ in the preparation and the separators:
//!
//! * statements (`eval_statements.py`, [`statement_heads`]): NFKD-fold
//!   (a built-in table for the Latin blocks, see the private `fold` module)
//!   and lower-case; separators `, ; ( ) [ ]` and the word "and";
//! * quotes (`eval_quotes.py`, [`quote_heads`]): lower-case, drop a possessive
//!   `'s` / `’s` / `s'` / `s’`; separators `, ; ( ) [ ] — –`, a hyphen with
//!   white space on both sides, and the word "and".
//!
//! The character classes follow Python's, not Rust's: a word character is `_`
//! or a character of general category L* or N* (exactly `str.isalnum()`; Rust's
//! `char::is_alphanumeric` also admits marks and other `Alphabetic` symbols), and
//! white space is Python's `str.isspace()` (Rust's `char::is_whitespace` plus
//! U+001C..=U+001F).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

static ALNUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{N}]$").expect("valid regex"));

/// Python's `c.isalnum()`: general category L* or N*.
pub(crate) fn py_is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let mut buf = [0u8; 4];
    ALNUM.is_match(c.encode_utf8(&mut buf))
}

/// A character matched by Python's `\w` (Unicode `str` pattern).
pub(crate) fn py_is_word(c: char) -> bool {
    c == '_' || py_is_alnum(c)
}

/// Python's `c.isspace()`, which is also what `\s` matches in a `str` pattern.
pub(crate) fn py_is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// Python's `s.lower()`.
pub(crate) fn py_lower(s: &str) -> String {
    s.to_lowercase()
}

/// `norm` of `eval_statements.py`: NFKD, drop combining marks, lower-case.
pub(crate) fn norm(s: &str) -> String {
    py_lower(&super::fold::fold(s))
}

/// Heads of a name as `eval_statements.py`'s `heads` computes them.
pub fn statement_heads(name: Option<&str>) -> BTreeSet<String> {
    match name {
        Some(n) if !n.is_empty() => {
            let chars: Vec<char> = norm(n).chars().collect();
            let mut sep: Vec<bool> = chars
                .iter()
                .map(|&c| matches!(c, ',' | ';' | '(' | ')' | '[' | ']'))
                .collect();
            mark_and(&chars, &mut sep);
            heads_of_segments(&chars, &sep)
        }
        _ => BTreeSet::new(),
    }
}

/// Heads of a speaker as `eval_quotes.py`'s `speaker_heads` computes them.
pub fn quote_heads(name: Option<&str>) -> BTreeSet<String> {
    match name {
        Some(n) if !n.is_empty() => {
            let chars = drop_possessive(&py_lower(n).chars().collect::<Vec<char>>());
            let n = chars.len();
            let mut sep = vec![false; n];
            for (i, &c) in chars.iter().enumerate() {
                sep[i] = match c {
                    ',' | ';' | '(' | ')' | '[' | ']' | '\u{2014}' | '\u{2013}' => true,
                    // `\s-\s`: only the hyphen needs marking, the white space
                    // around it holds no token either way.
                    '-' => {
                        i > 0 && i + 1 < n && py_is_space(chars[i - 1]) && py_is_space(chars[i + 1])
                    }
                    _ => false,
                };
            }
            mark_and(&chars, &mut sep);
            heads_of_segments(&chars, &sep)
        }
        _ => BTreeSet::new(),
    }
}

/// Do the heads of `a` and `b` (statement rules) intersect? (`same_name`)
pub fn same_name_statement(a: Option<&str>, b: Option<&str>) -> bool {
    let ha = statement_heads(a);
    !ha.is_empty() && statement_heads(b).iter().any(|h| ha.contains(h))
}

/// Do the heads of `a` and `b` (quote rules) intersect?
pub fn same_name_quote(a: Option<&str>, b: Option<&str>) -> bool {
    let ha = quote_heads(a);
    !ha.is_empty() && quote_heads(b).iter().any(|h| ha.contains(h))
}

/// Mark the occurrences of `\band\b` as separators.
fn mark_and(chars: &[char], sep: &mut [bool]) {
    let n = chars.len();
    let mut i = 0;
    while i + 3 <= n {
        if chars[i..i + 3] == ['a', 'n', 'd']
            && (i == 0 || !py_is_word(chars[i - 1]))
            && (i + 3 == n || !py_is_word(chars[i + 3]))
        {
            sep[i..i + 3].iter_mut().for_each(|s| *s = true);
            i += 3;
        } else {
            i += 1;
        }
    }
}

/// The last token of each run of non-separator characters.
fn heads_of_segments(chars: &[char], sep: &[bool]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut last: Option<(usize, usize)> = None; // last token of the current segment
    let mut tok_start: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        if sep[i] {
            if let Some(s) = tok_start.take() {
                last = Some((s, i));
            }
            if let Some((s, e)) = last.take() {
                out.insert(chars[s..e].iter().collect());
            }
            continue;
        }
        if py_is_alnum(c) {
            tok_start.get_or_insert(i);
        } else if let Some(s) = tok_start.take() {
            last = Some((s, i));
        }
    }
    if let Some(s) = tok_start.take() {
        last = Some((s, chars.len()));
    }
    if let Some((s, e)) = last {
        out.insert(chars[s..e].iter().collect());
    }
    out
}

/// `_POSS.sub("", s)` with `_POSS = r"['’]s\b|(?<=s)['’](?=\s|$)"`, IGNORECASE.
///
/// Under IGNORECASE Python's `s` also matches `S` and `ſ` (U+017F).
fn drop_possessive(chars: &[char]) -> Vec<char> {
    let is_s = |c: char| matches!(c, 's' | 'S' | '\u{17F}');
    let is_q = |c: char| matches!(c, '\'' | '\u{2019}');
    let n = chars.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if is_q(c) {
            // first alternative: quote, s, word boundary (the s is a word char)
            if i + 1 < n && is_s(chars[i + 1]) && (i + 2 == n || !py_is_word(chars[i + 2])) {
                i += 2;
                continue;
            }
            // second: preceded by s (in the original string), followed by space or end
            if i > 0 && is_s(chars[i - 1]) && (i + 1 == n || py_is_space(chars[i + 1])) {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn python_character_classes() {
        assert!(py_is_alnum('é') && py_is_alnum('٣') && py_is_alnum('²') && py_is_alnum('ب'));
        assert!(!py_is_alnum('_') && py_is_word('_'));
        assert!(!py_is_alnum('\u{0301}')); // a mark is no word character in Python
        assert!(!py_is_alnum('\u{24B6}')); // circled A: Alphabetic in Rust, So in Python
        assert!(py_is_space('\u{1F}') && py_is_space('\u{A0}') && !py_is_space('\u{200B}'));
    }

    #[test]
    fn statement_heads_rules() {
        assert_eq!(statement_heads(Some("Dr. Mira Jansen")), set(&["jansen"]));
        assert_eq!(
            statement_heads(Some("Öztürk, the minister (acting)")),
            set(&["ozturk", "minister", "acting"])
        );
        assert_eq!(
            statement_heads(Some("Bree and Castellan")),
            set(&["bree", "castellan"])
        );
        // "and" only as a word; "_" is no token character
        assert_eq!(statement_heads(Some("Sandra Anders")), set(&["anders"]));
        assert_eq!(statement_heads(Some("x_y")), set(&["y"]));
        // dashes do not split here
        assert_eq!(
            statement_heads(Some("Lina Ort - spokeswoman")),
            set(&["spokeswoman"])
        );
        assert!(statement_heads(Some("")).is_empty());
        assert!(statement_heads(None).is_empty());
        assert!(statement_heads(Some("(...)")).is_empty());
        assert!(same_name_statement(Some("Mira JANSÉN"), Some("Jansen")));
        assert!(!same_name_statement(Some("Mira Jansen"), None));
        assert!(!same_name_statement(None, None));
    }

    #[test]
    fn quote_heads_rules() {
        assert_eq!(
            quote_heads(Some("Governor Tom Fielding")),
            set(&["fielding"])
        );
        assert_eq!(
            quote_heads(Some("Fielding's press secretary, Ann Roe")),
            set(&["secretary", "roe"])
        );
        assert_eq!(quote_heads(Some("the Harrises' lawyer")), set(&["lawyer"]));
        assert_eq!(quote_heads(Some("Fielding’s")), set(&["fielding"]));
        assert_eq!(quote_heads(Some("Jones'")), set(&["jones"]));
        assert_eq!(
            quote_heads(Some("Ann Roe — an aide")),
            set(&["roe", "aide"])
        );
        assert_eq!(
            quote_heads(Some("Ann Roe - an aide")),
            set(&["roe", "aide"])
        );
        assert_eq!(quote_heads(Some("Ann Roe-Smith")), set(&["smith"]));
        assert_eq!(quote_heads(Some("Roe AND Smith")), set(&["roe", "smith"]));
        // no folding here
        assert_eq!(quote_heads(Some("José")), set(&["josé"]));
        // 's followed by a word character is no possessive
        assert_eq!(quote_heads(Some("o'sullivan")), set(&["sullivan"]));
        assert!(same_name_quote(
            Some("Fielding's spokesman, Tom Fielding"),
            Some("Fielding")
        ));
        assert!(!same_name_quote(
            Some("Fielding"),
            Some("Fielding's spokesman")
        ));
    }

    #[test]
    fn possessive_lookbehind_uses_the_original_string() {
        let v: String = drop_possessive(&"x's' y".chars().collect::<Vec<_>>())
            .into_iter()
            .collect();
        assert_eq!(v, "x y");
        let v: String = drop_possessive(&"its'a".chars().collect::<Vec<_>>())
            .into_iter()
            .collect();
        assert_eq!(v, "its'a");
    }
}
