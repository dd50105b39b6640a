//! Paragraphs and sentences, with byte spans into the body.
//!
//! Rule-based, tuned for news English: abbreviations (Mr., U.S., Feb.),
//! initials, ellipses, closing quotes after full stops, missing spaces after
//! full stops ("effect.The"), bullets, and hard-wrapped lines.

use crate::text::{Span, Token, tokens};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
    /// The paragraph starts with a list marker ("- ", "• ", "1. ").
    pub bullet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Segmentation {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
}

impl Segmentation {
    /// Index of the sentence containing byte `pos` (or the last one before it).
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let idx = self.sentences.partition_point(|s| s.span.start <= pos);
        idx.checked_sub(1)
    }

    /// Index of the paragraph containing byte `pos` (or the last one before it).
    pub fn paragraph_at(&self, pos: usize) -> Option<usize> {
        let idx = self.paragraphs.partition_point(|p| p.span.start <= pos);
        idx.checked_sub(1)
    }
    /// Each sentence's tokens, in sentence order.
    pub fn sentence_tokens<'t>(&self, text: &'t str) -> Vec<Vec<Token<'t>>> {
        self.sentences
            .iter()
            .map(|s| tokens(text, s.span))
            .collect()
    }
}

pub fn segment(text: &str) -> Segmentation {
    let paragraphs = paragraphs(text);
    // About one sentence per 130 bytes of news text: rarely a regrowth.
    let mut sentences = Vec::with_capacity(text.len() / 100 + 4);
    let mut spans = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        spans.clear();
        split_sentences_into(text, p.span, &mut spans);
        sentences.extend(spans.iter().map(|&span| Sentence { span, paragraph: i }));
    }
    Segmentation {
        paragraphs,
        sentences,
    }
}

fn is_bullet_line(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some('-' | '*' | '•' | '–' | '—' | '·') => {
            chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            let rest = &t[digits..];
            digits <= 3 && (rest.starts_with(". ") || rest.starts_with(") "))
        }
        _ => false,
    }
}

/// Paragraphs: blank-line separated blocks; list items are paragraphs of their
/// own. A text without blank lines is one paragraph per line, unless its lines
/// look hard-wrapped, in which case lines are joined as in blank-line mode.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut lines: Vec<Span> =
        Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(Span::new(start, i));
        start = i + 1;
    }
    lines.push(Span::new(start, text.len()));
    let is_blank = |s: &Span| s.slice(text).trim().is_empty();
    let has_blank_separators = lines
        .windows(3)
        .any(|w| !is_blank(&w[0]) && is_blank(&w[1]))
        || lines
            .windows(2)
            .any(|w| !is_blank(&w[0]) && is_blank(&w[1]));
    let join_lines = has_blank_separators || looks_hard_wrapped(text, &lines);

    let mut out = Vec::new();
    let mut current: Option<(Span, bool)> = None;
    let flush = |cur: &mut Option<(Span, bool)>, out: &mut Vec<Paragraph>| {
        if let Some((span, bullet)) = cur.take() {
            let trimmed = crate::text::trim_span(text, span, &[]);
            if !trimmed.is_empty() {
                out.push(Paragraph {
                    span: trimmed,
                    bullet,
                });
            }
        }
    };
    for line in &lines {
        if is_blank(line) {
            flush(&mut current, &mut out);
            continue;
        }
        let bullet = is_bullet_line(line.slice(text));
        match &mut current {
            Some((span, _)) if join_lines && !bullet => span.end = line.end,
            _ => {
                flush(&mut current, &mut out);
                current = Some((*line, bullet));
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Hard-wrapped text: most lines of similar, moderate length that end
/// mid-sentence.
fn looks_hard_wrapped(text: &str, lines: &[Span]) -> bool {
    let content: Vec<&str> = lines
        .iter()
        .map(|l| l.slice(text).trim_end())
        .filter(|l| !l.is_empty())
        .collect();
    if content.len() < 5 {
        return false;
    }
    let body = &content[..content.len() - 1];
    let wrapped = body
        .iter()
        .filter(|l| {
            let n = l.chars().count();
            (40..=100).contains(&n) && !l.ends_with(['.', '!', '?', '”', '"', ':'])
        })
        .count();
    wrapped * 2 > body.len()
}

const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "sen", "rep", "gov",
    "rev", "st", "jr", "sr", "hon", "pres", "amb", "adm", "cmdr", "brig", "gens", "sens", "reps",
    "messrs", "mt", "ft", "no", "nos", "vol", "vs", "v", "e.g", "i.e", "approx", "inc", "corp",
    "co", "ltd", "ave", "blvd", "dept", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.u", "a.m", "p.m", "d.c",
    "ph.d", "al",
];

/// Words that, after an abbreviation such as "U.S.", show a new sentence.
const SENTENCE_STARTERS: &[&str] = &[
    "the",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "but",
    "and",
    "in",
    "on",
    "this",
    "that",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "there",
    "after",
    "as",
    "when",
    "while",
    "yet",
    "however",
    "meanwhile",
    "still",
    "so",
    "if",
    "for",
    "at",
    "since",
    "some",
    "many",
    "one",
];

fn word_before(s: &str, end: usize) -> &str {
    let head = &s[..end];
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '.')
        .last()
        .map(|(i, _)| i)
        .unwrap_or(end);
    &head[start..]
}

fn word_after(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = t.find(|c: char| !c.is_alphanumeric()).unwrap_or(t.len());
    &t[..end]
}

/// The first '.', '!', '?' or '…' at or after byte `from` (a char
/// boundary), with `ellipsis` caching where the next '…' is (`None` before
/// the first search): the ASCII marks are found with a vectorised byte
/// search, and the rare '…' is searched for again only once passed.
fn next_terminal(bytes: &[u8], from: usize, ellipsis: &mut Option<usize>) -> Option<usize> {
    let rest = bytes.get(from..)?;
    if ellipsis.is_none_or(|e| e < from) {
        *ellipsis =
            Some(memchr::memmem::find(rest, "…".as_bytes()).map_or(usize::MAX, |e| from + e));
    }
    let mark = memchr::memchr3(b'.', b'!', b'?', rest).map_or(usize::MAX, |m| from + m);
    let next = mark.min(ellipsis.unwrap_or(usize::MAX));
    (next != usize::MAX).then_some(next)
}

/// Sentence spans inside one paragraph.
pub fn split_sentences(text: &str, para: Span) -> Vec<Span> {
    let mut out = Vec::new();
    split_sentences_into(text, para, &mut out);
    out
}

/// [`split_sentences`] appended to `out` (one buffer for every paragraph
/// of a document).
fn split_sentences_into(text: &str, para: Span, out: &mut Vec<Span>) {
    let s = para.slice(text);
    let bytes = s.as_bytes();
    let mut sent_start = 0;
    let mut next_byte = 0;
    let mut ellipsis = None;
    while let Some(i) = next_terminal(bytes, next_byte, &mut ellipsis) {
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        // Consume the rest of a terminal run (?!, ..., .”) and closing marks.
        let mut end = i + c.len_utf8();
        for d in s[end..].chars() {
            if matches!(
                d,
                '.' | '!' | '?' | '…' | '”' | '’' | '"' | '\'' | ')' | ']' | '»'
            ) {
                end += d.len_utf8();
            } else {
                break;
            }
        }
        next_byte = end;
        let rest = &s[end..];
        let next_nonspace = rest.trim_start();
        let had_space = next_nonspace.len() < rest.len();
        let Some(next) = next_nonspace.chars().next() else {
            break; // paragraph end
        };
        let starts_upper = next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '“' | '"' | '‘' | '(' | '[' | '—' | '–' | '«');
        if !starts_upper {
            continue;
        }
        if c == '.' && !had_space {
            // "effect.The": a boundary only between a lower-case word and a
            // capitalised one, never inside "U.S.A" or "Khamenei.ir".
            let prev_lower =
                i >= 2 && bytes[i - 1].is_ascii_lowercase() && bytes[i - 2].is_ascii_lowercase();
            let next_word = word_after(rest);
            let next_ok = next_word.chars().nth(1).is_some_and(char::is_lowercase);
            if !(prev_lower && next_ok && end == i + 1) {
                continue;
            }
        } else if !had_space {
            continue;
        }
        if c == '.' && end == i + 1 {
            let before = word_before(s, i);
            let lower = before.to_lowercase();
            let single_initial =
                before.chars().count() == 1 && before.chars().all(char::is_uppercase);
            if single_initial {
                continue;
            }
            if TITLE_ABBREVIATIONS.contains(&lower.as_str()) {
                // "U.S." and "a.m." can end a sentence; titles and months cannot.
                let can_end = lower.contains('.');
                let next_word = word_after(rest).to_lowercase();
                if !(can_end && SENTENCE_STARTERS.contains(&next_word.as_str())) {
                    continue;
                }
            }
        }
        let span = crate::text::trim_span(
            text,
            Span::new(para.start + sent_start, para.start + end),
            &[],
        );
        if !span.is_empty() {
            out.push(span);
        }
        sent_start = end;
    }
    let tail = crate::text::trim_span(text, Span::new(para.start + sent_start, para.end), &[]);
    if !tail.is_empty() {
        out.push(tail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        let seg = segment(text);
        seg.sentences.iter().map(|s| s.span.slice(text)).collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let text = "Mr. Lavrov met Dr. Salehi on Feb. 3 in the U.S. capital. Jeffrey M. Jones agreed. The U.S. The end.";
        assert_eq!(
            sents(text),
            vec![
                "Mr. Lavrov met Dr. Salehi on Feb. 3 in the U.S. capital.",
                "Jeffrey M. Jones agreed.",
                "The U.S.",
                "The end."
            ]
        );
    }

    #[test]
    fn closing_quotes_and_lowercase_continuations() {
        let text =
            "“Nothing is settled,” he said. “We will see.” she added later. “Fine!” Then it ended…";
        assert_eq!(
            sents(text),
            vec![
                "“Nothing is settled,” he said.",
                "“We will see.” she added later.",
                "“Fine!”",
                "Then it ended…"
            ]
        );
    }

    #[test]
    fn missing_space_after_full_stop() {
        assert_eq!(
            sents("Talks stalled.The envoy left."),
            vec!["Talks stalled.", "The envoy left."]
        );
        assert_eq!(
            sents("See Khamenei.ir for details."),
            vec!["See Khamenei.ir for details."]
        );
    }

    #[test]
    fn bullets_are_paragraphs_and_blank_lines_separate() {
        let text = "Intro line\ncontinues here.\n\n- First item.\n- “Second item.”\n\nLast.";
        let seg = segment(text);
        let paras: Vec<&str> = seg.paragraphs.iter().map(|p| p.span.slice(text)).collect();
        assert_eq!(
            paras,
            vec![
                "Intro line\ncontinues here.",
                "- First item.",
                "- “Second item.”",
                "Last."
            ]
        );
        assert!(seg.paragraphs[1].bullet && seg.paragraphs[2].bullet && !seg.paragraphs[0].bullet);
    }

    #[test]
    fn single_newline_texts_are_one_paragraph_per_line() {
        let text = "First paragraph here.\nSecond paragraph here.\n- a bullet";
        assert_eq!(segment(text).paragraphs.len(), 3);
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "The foreign minister told reporters on Monday that the talks\nwould resume only if the other side lifted the measures it\nhad imposed last year, and he added that his government was\nready to consider proposals from the European mediators who\nhave carried messages between the capitals since the summit.\nA second paragraph would start here.";
        let seg = segment(text);
        assert_eq!(seg.paragraphs.len(), 1);
        assert_eq!(seg.sentences.len(), 2);
    }

    #[test]
    fn sentence_lookup_by_position() {
        let text = "One. Two. Three.";
        let seg = segment(text);
        assert_eq!(seg.sentence_at(text.find("Two").unwrap()), Some(1));
        assert_eq!(seg.sentence_at(0), Some(0));
    }
}
