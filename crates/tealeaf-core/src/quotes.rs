//! Direct quotations: spans between quotation marks, across the whole text.
//!
//! Handles curly (“ ”), straight ("), guillemet (« ») and doubled-apostrophe
//! (''/``) marks; single marks (‘ ’) nested inside double ones stay part of
//! the content. A quotation may run over paragraphs: the convention is that a
//! paragraph ends without a closing mark and the next opens again.

use crate::sentences::Segmentation;
use crate::text::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// From the opening mark to just after the closing mark.
    pub outer: Span,
    /// The quoted words, without marks (covering all paragraphs).
    pub content: Span,
    /// One piece per paragraph the quotation runs over.
    pub fragments: Vec<Span>,
    /// False when no closing mark was found (closed at the paragraph end).
    pub closed: bool,
}

impl Quotation {
    pub fn word_count(&self, text: &str) -> usize {
        self.content.slice(text).split_whitespace().count()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Close,
    /// A straight mark: opens or closes depending on state.
    Toggle,
}

/// Bytes a quotation mark can start with (see [`marks`]): one table load
/// per byte of text.
static MAY_START_MARK: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'`' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xE2] = true;
    table[0xC2] = true;
    table
};

/// The first byte at or after `i` that may start a quotation mark (see
/// [`MAY_START_MARK`]), or the length of `bytes`: eight bytes at a time,
/// since marks are a few bytes in hundreds.
fn next_may_start_mark(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit set in each byte of `x` equal to `b`, exact up to the
    // first one (a borrow may mark bytes after it, which are not read).
    let equal = |x: u64, b: u8| {
        let v = x ^ (u64::from(b) * ONES);
        v.wrapping_sub(ONES) & !v & HIGH
    };
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let hits =
            equal(x, b'"') | equal(x, b'`') | equal(x, b'\'') | equal(x, 0xE2) | equal(x, 0xC2);
        if hits != 0 {
            return i + hits.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while i < bytes.len() && !MAY_START_MARK[bytes[i] as usize] {
        i += 1;
    }
    i
}

/// Quotation marks in a paragraph, as (byte position, byte length, kind).
fn marks(text: &str, para: Span) -> Vec<(usize, usize, Mark)> {
    let s = para.slice(text);
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Every mark starts with one of these bytes: '"', '`', '\'', or
        // the lead byte of “ ” „ (0xE2) or « » (0xC2). Lead bytes never
        // occur inside a char, so the scan skips the rest byte by byte and
        // decodes only where a mark may be.
        i = next_may_start_mark(bytes, i);
        if i >= bytes.len() {
            break;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let pos = para.start + i;
        let prev = s[..i].chars().next_back();
        let next = s[i + c.len_utf8()..].chars().next();
        i += c.len_utf8();
        match c {
            // A “ after a comma or full stop and before a space closes a
            // quotation (a common typesetting slip).
            '“' if prev.is_some_and(|p| matches!(p, ',' | '.' | '?' | '!'))
                && next.is_none_or(char::is_whitespace) =>
            {
                out.push((pos, c.len_utf8(), Mark::Close))
            }
            '“' | '„' | '«' => out.push((pos, c.len_utf8(), Mark::Open)),
            '”' | '»' => out.push((pos, c.len_utf8(), Mark::Close)),
            '"' => {
                // An inch mark or stray quote after a digit: 5" — skip.
                if prev.is_some_and(|p| p.is_ascii_digit()) && next.is_none_or(char::is_whitespace)
                {
                    continue;
                }
                out.push((pos, 1, Mark::Toggle));
            }
            '`' if next == Some('`') => {
                i += 1;
                out.push((pos, 2, Mark::Open));
            }
            '\'' if next == Some('\'') => {
                i += 1;
                out.push((pos, 2, Mark::Toggle));
            }
            _ => {}
        }
    }
    out
}

/// Does the paragraph open with a quotation mark (after a list marker)?
fn opens_with_quote(text: &str, para: Span) -> Option<(usize, usize)> {
    let s = para.slice(text);
    let t = s.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '*' | '•' | '–' | '—')
    });
    let offset = para.start + (s.len() - t.len());
    let c = t.chars().next()?;
    match c {
        '“' | '„' | '«' | '"' => Some((offset, c.len_utf8())),
        '`' | '\'' if t[1..].starts_with(c) => Some((offset, 2)),
        _ => None,
    }
}

pub fn find_quotations(text: &str, seg: &Segmentation) -> Vec<Quotation> {
    let mut out = Vec::new();
    // The open quotation being built: start of content, outer start, fragments.
    let mut open: Option<(usize, Vec<Span>)> = None;
    let mut depth = 0usize;
    let mut frag_start = 0usize;
    let paras = &seg.paragraphs;
    for (pi, para) in paras.iter().enumerate() {
        let mut ms = marks(text, para.span).into_iter().peekable();
        // A quotation carried over from the previous paragraph re-opens here.
        if open.is_some()
            && let Some((pos, len)) = opens_with_quote(text, para.span)
        {
            frag_start = pos + len;
            while ms.peek().is_some_and(|m| m.0 <= pos) {
                ms.next();
            }
        }
        for (pos, len, mark) in ms {
            let opening = match mark {
                Mark::Open => open.is_none() || depth > 0,
                Mark::Close => false,
                Mark::Toggle => open.is_none(),
            };
            if open.is_none() {
                if opening {
                    open = Some((pos, Vec::new()));
                    frag_start = pos + len;
                    depth = 1;
                }
                continue;
            }
            if mark == Mark::Open {
                depth += 1; // nested double marks
                continue;
            }
            depth = depth.saturating_sub(1);
            if depth > 0 {
                continue;
            }
            let (outer_start, mut frags) = open.take().unwrap_or((pos, Vec::new()));
            frags.push(Span::new(frag_start, pos));
            out.push(build(text, outer_start, pos + len, frags, true));
        }
        if let Some((outer_start, frags)) = open.as_mut() {
            // Unclosed at the paragraph end: continue only if the next
            // paragraph opens with a mark.
            let end = para.span.end;
            let continues = paras
                .get(pi + 1)
                .is_some_and(|next| opens_with_quote(text, next.span).is_some());
            frags.push(Span::new(frag_start.min(end), end));
            if !continues {
                let (outer_start, frags) = (*outer_start, std::mem::take(frags));
                open = None;
                depth = 0;
                out.push(build(text, outer_start, end, frags, false));
            }
        }
    }
    out.retain(|q| !q.content.is_empty());
    out
}

fn build(
    text: &str,
    outer_start: usize,
    outer_end: usize,
    frags: Vec<Span>,
    closed: bool,
) -> Quotation {
    let frags: Vec<Span> = frags
        .into_iter()
        .map(|f| crate::text::trim_span(text, f, &[]))
        .filter(|f| !f.is_empty())
        .collect();
    let content = match (frags.first(), frags.last()) {
        (Some(a), Some(b)) => a.cover(*b),
        _ => Span::new(outer_start, outer_start),
    };
    Quotation {
        outer: Span::new(outer_start, outer_end),
        content,
        fragments: frags,
        closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eight_byte_skip_stops_where_the_byte_table_does() {
        let text = "He said: \"no\" — ‘well’, “yes”, «oui» and ``so'' 5\" long; \u{a0}é…";
        for cut in 0..text.len() {
            let bytes = &text.as_bytes()[cut..];
            for from in 0..=bytes.len() {
                let expected = (from..bytes.len())
                    .find(|&i| MAY_START_MARK[bytes[i] as usize])
                    .unwrap_or(bytes.len());
                assert_eq!(next_may_start_mark(bytes, from), expected, "{cut} {from}");
            }
        }
    }
    use crate::sentences::segment;

    fn quotes(text: &str) -> Vec<String> {
        let seg = segment(text);
        find_quotations(text, &seg)
            .iter()
            .map(|q| q.content.slice(text).to_string())
            .collect()
    }

    #[test]
    fn curly_straight_and_nested_marks() {
        let text = "He said “we ‘never’ agreed” and \"not now\" was her answer.";
        assert_eq!(quotes(text), vec!["we ‘never’ agreed", "not now"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let text = "Iran’s envoy said “the West’s offer isn’t serious.”";
        assert_eq!(quotes(text), vec!["the West’s offer isn’t serious."]);
    }

    #[test]
    fn quotation_running_over_paragraphs() {
        let text = "“First part of it.\n\n“Second part,” she said.\n\nNo quote here.";
        let seg = segment(text);
        let qs = find_quotations(text, &seg);
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].fragments.len(), 2);
        assert_eq!(qs[0].fragments[1].slice(text), "Second part,");
        assert!(qs[0].closed);
    }

    #[test]
    fn unclosed_quote_stops_at_paragraph_end() {
        let text = "He said “this never closes.\n\nA new paragraph.";
        let seg = segment(text);
        let qs = find_quotations(text, &seg);
        assert_eq!(qs.len(), 1);
        assert!(!qs[0].closed);
        assert_eq!(qs[0].content.slice(text), "this never closes.");
    }

    #[test]
    fn bullet_quotes_and_doubled_apostrophes() {
        let text = "- “Item one.”\n- ''Item two.''";
        assert_eq!(quotes(text), vec!["Item one.", "Item two."]);
    }
}
