//! Phrase-level helpers over a sentence's tokens: the speaker noun phrase
//! before or after a cue, and where a reported clause ends.

use crate::cues::{AUXILIARIES, SPEAKER_NOUNS, WordSet, is_cue_word, is_speaker_pronoun};
use crate::text::{Span, Token, strip_possessive};

/// Words that end a noun phrase when walking backwards from a cue.
static NP_BOUNDARY: WordSet = WordSet::new(&[
    "that",
    "which",
    "who",
    "whom",
    "and",
    "but",
    "or",
    "while",
    "when",
    "as",
    "because",
    "if",
    "since",
    "although",
    "though",
    "after",
    "before",
    "where",
    "whereas",
    "so",
    "than",
    "yet",
    "however",
    "meanwhile",
    "also",
    "then",
    "said",
    "says",
    "told",
    "is",
    "was",
    "were",
    "are",
    "has",
    "have",
    "had",
    "be",
    "been",
    "not",
    "it",
    "there",
    "what",
    "why",
    "how",
    "whether",
    "until",
    "unless",
    "once",
    "instead",
    "even",
    "only",
    "just",
    "did",
    "do",
    "does",
    "would",
    "will",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "to",
    "in",
    "on",
    "at",
    "during",
    "following",
    "despite",
    "amid",
    "from",
    "into",
    "by",
]);

/// "Mr", "Sen", "M" (an initial): words written with a full stop inside names.
pub fn is_title_abbreviation(w: &str) -> bool {
    (w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase()))
        || matches!(
            w,
            "Mr" | "Mrs"
                | "Ms"
                | "Dr"
                | "Sen"
                | "Rep"
                | "Gov"
                | "Gen"
                | "Lt"
                | "Col"
                | "Maj"
                | "Capt"
                | "Sgt"
                | "St"
                | "Jr"
                | "Sr"
                | "Prof"
                | "Rev"
                | "Adm"
                | "Amb"
                | "Pres"
                | "Hon"
                | "Brig"
        )
}

/// Weekdays, months and numbers end a speaker phrase ("On Sunday he said").
fn is_date_word(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_digit())
        || matches!(
            w,
            "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "january"
                | "february"
                | "march"
                | "april"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
                | "jan"
                | "feb"
                | "mar"
                | "apr"
                | "jun"
                | "jul"
                | "aug"
                | "sep"
                | "sept"
                | "oct"
                | "nov"
                | "dec"
                | "yesterday"
                | "today"
                | "later"
                | "earlier"
        )
}

/// Determiners and titles that may open a speaker phrase.
pub fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "another"
            | "some"
            | "several"
            | "many"
            | "most"
            | "two"
            | "three"
            | "one"
            | "other"
            | "his"
            | "her"
            | "their"
            | "its"
            | "this"
            | "these"
            | "those"
            | "both"
            | "senior"
            | "top"
    )
}

/// Token index range `[start, end)` of a noun phrase.
pub type NpRange = (usize, usize);

fn is_np_token(toks: &[Token], i: usize) -> bool {
    let t = toks[i];
    if t.is_word() {
        return true;
    }
    // "U.S." is tokenised "U.S" + "."; "Mr." and "M." likewise: keep the dot
    // inside a phrase.
    t.text == "."
        && i > 0
        && toks[i - 1].end == t.start
        && (toks[i - 1].text.contains('.') || is_title_abbreviation(toks[i - 1].text))
}

/// The subject phrase that ends right before token `cue` (auxiliaries such as
/// "has also" skipped; one or two appositives or adjuncts between commas
/// skipped: "Araghchi, at a press conference with Lavrov, stipulated").
pub fn subject_before(toks: &[Token], cue: usize) -> Option<NpRange> {
    let mut end = cue;
    while end > 0 && AUXILIARIES.contains(toks[end - 1].lower().as_str()) {
        end -= 1;
    }
    let mut skips = 0;
    while end > 0 && toks[end - 1].text == "," && skips < 2 {
        // Find the comma that opens the appositive.
        let mut j = end - 1;
        let mut found = None;
        while j > 0 && end - j < 25 {
            j -= 1;
            match toks[j].text {
                "," => {
                    found = Some(j);
                    break;
                }
                "“" | "”" | "\"" | ";" | ":" | "(" | ")" => break,
                _ => {}
            }
        }
        let j = found?;
        end = j;
        skips += 1;
    }
    if end == 0 {
        return None;
    }
    let mut start = end;
    while start > 0 && end - start < 12 {
        let i = start - 1;
        if !is_np_token(toks, i) {
            break;
        }
        let lower = toks[i].lower();
        if NP_BOUNDARY.contains(lower.as_str()) || is_date_word(&lower) {
            break;
        }
        // The cheap test first.
        if i + 1 < end && !toks[i].is_capitalized() && is_cue_word(&lower).is_some() {
            break;
        }
        start = i;
    }
    (start < end).then_some((start, end))
}

/// The speaker phrase right after an inverted cue ("…,” said Jose Yepez,
/// a council member" → "Jose Yepez").
pub fn subject_after(toks: &[Token], cue: usize) -> Option<NpRange> {
    let start = cue + 1;
    let mut end = start;
    while end < toks.len() && end - start < 10 && is_np_token(toks, end) {
        let lower = toks[end].lower();
        if end > start && NP_BOUNDARY.contains(lower.as_str()) {
            break;
        }
        if end > start
            && lower == "of"
            && !toks
                .get(end + 1)
                .is_some_and(|t| t.is_capitalized() || t.lower() == "the")
        {
            break;
        }
        end += 1;
    }
    (end > start).then_some((start, end))
}

/// The head word of a phrase: the last word before a preposition that
/// starts a modifier ("the weekly magazine of X" → "magazine").
pub fn head_index(toks: &[Token], np: NpRange) -> usize {
    for (i, t) in toks.iter().enumerate().take(np.1).skip(np.0) {
        let l = t.lower();
        if i > np.0
            && matches!(
                l.as_str(),
                "of" | "for" | "at" | "with" | "aligned" | "affiliated" | "close" | "linked" | "in"
            )
        {
            return i - 1;
        }
    }
    let mut last = np.1 - 1;
    while last > np.0 && !toks[last].is_word() {
        last -= 1;
    }
    last
}

/// Could this phrase name a speaker? Proper names, pronouns, speaker nouns
/// ("officials", "the newspaper"), or a pack term inside it.
pub fn plausible_speaker(toks: &[Token], np: NpRange, has_pack_term: bool) -> bool {
    if has_pack_term {
        return true;
    }
    let head = toks[head_index(toks, np)];
    let lower = strip_possessive(&head.lower()).to_string();
    if is_speaker_pronoun(&lower) {
        return np.1 - np.0 == 1;
    }
    if SPEAKER_NOUNS.contains(lower.as_str()) {
        return true;
    }
    head.is_capitalized() && head.text.chars().any(char::is_lowercase)
        || head.text.len() >= 2 && head.text.chars().all(|c| c.is_uppercase())
}

/// Span of tokens `[a, b)`.
pub fn span_of(toks: &[Token], a: usize, b: usize) -> Span {
    Span::new(toks[a].start, toks[b - 1].end)
}

/// Addressees that may stand between "told" and its content
/// ("told reporters", "told IRNA", "told the BBC").
pub fn skip_addressee(toks: &[Token], mut i: usize) -> usize {
    let start = i;
    while i < toks.len() && i - start < 5 && is_np_token(toks, i) && toks[i].lower() != "that" {
        i += 1;
    }
    i
}

/// After a cue at `cue`, the token where a that-clause starts, skipping an
/// addressee or a short adjunct ("said in a statement on Monday that").
pub fn that_clause_start(toks: &[Token], cue: usize) -> Option<usize> {
    let mut i = cue + 1;
    let limit = (cue + 12).min(toks.len());
    while i < limit {
        let t = toks[i];
        let l = t.lower();
        if l == "that" {
            return Some(i + 1);
        }
        if matches!(t.text, "“" | "”" | "\"" | ";" | ":" | "." | "?" | "!") {
            return None;
        }
        if i > cue + 1 && is_cue_word(&l).is_some() {
            return None;
        }
        i += 1;
    }
    None
}

/// Words after which no bare clause follows ("said on", "reported about").
pub fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "on" | "about"
            | "in"
            | "at"
            | "to"
            | "for"
            | "by"
            | "with"
            | "from"
            | "of"
            | "during"
            | "after"
            | "before"
            | "into"
            | "over"
            | "as"
            | "nothing"
            | "something"
            | "anything"
            | "yes"
            | "no"
            | "goodbye"
            | "hello"
            | "thanks"
            | "sorry"
            | ","
            | "."
            | ":"
            | ";"
            | "and"
            | "but"
            | "or"
            | "is"
            | "was"
            | "are"
            | "were"
            | "had"
            | "has"
            | "have"
            | "words"
            | "remarks"
            | "comments"
            | "statement"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn toks(s: &str) -> Vec<Token<'_>> {
        tokens(s, Span::new(0, s.len()))
    }

    fn np_text<'a>(s: &'a str, t: &[Token], np: NpRange) -> &'a str {
        span_of(t, np.0, np.1).slice(s)
    }

    #[test]
    fn subject_skips_auxiliaries_and_appositives() {
        let s = "Meanwhile, Iranian Foreign Minister Abbas Araghchi, at a press conference with Lavrov, has also stipulated that";
        let t = toks(s);
        let cue = t.iter().position(|x| x.text == "stipulated").unwrap();
        let np = subject_before(&t, cue).unwrap();
        assert_eq!(
            np_text(s, &t, np),
            "Iranian Foreign Minister Abbas Araghchi"
        );
    }

    #[test]
    fn subject_keeps_of_phrases_and_finds_heads() {
        let s = "when the weekly magazine of the leader’s office published a letter";
        let t = toks(s);
        let cue = t.iter().position(|x| x.text == "published").unwrap();
        let np = subject_before(&t, cue).unwrap();
        assert_eq!(
            np_text(s, &t, np),
            "the weekly magazine of the leader’s office"
        );
        assert_eq!(t[head_index(&t, np)].text, "magazine");
    }

    #[test]
    fn inverted_subject_after_cue() {
        let s = "said Sara Mahdavi, a Tehran analyst.";
        let t = toks(s);
        let np = subject_after(&t, 0).unwrap();
        assert_eq!(np_text(s, &t, np), "Sara Mahdavi");
    }

    #[test]
    fn speakers_must_look_like_speakers() {
        let s = "the weather said";
        let t = toks(s);
        assert!(!plausible_speaker(&t, (0, 2), false));
        let s = "senior officials said";
        let t = toks(s);
        assert!(plausible_speaker(&t, (0, 2), false));
    }
}
