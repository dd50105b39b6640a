//! The tokens of a stretch of text, taken from a sentence's tokens (split
//! once per document) instead of splitting the text again.

use std::borrow::Cow;

use crate::text::{Span, Token, is_invisible, tokens};

/// `tokens(text, region)`, borrowed from `sentence_toks` (the tokens of
/// `text[sentence]`) when they are the same tokens, split afresh otherwise.
///
/// The tokenizer decides each token from where it starts up to the end of
/// what it is given. So when no sentence token is cut by either end of the
/// region, the sentence's tokens inside the region are exactly the region's
/// own: the tokenizer stood at the region's start between two tokens, and a
/// token it would have ended differently had it not seen past the region's
/// end would reach past that end.
pub(super) fn tokens_within<'s, 't>(
    text: &'t str,
    sentence: Span,
    sentence_toks: &'s [Token<'t>],
    region: Span,
) -> Cow<'s, [Token<'t>]> {
    match borrowed_tokens(sentence, sentence_toks, region) {
        Some(toks) => Cow::Borrowed(toks),
        None => Cow::Owned(tokens(text, region)),
    }
}

fn borrowed_tokens<'s, 't>(
    sentence: Span,
    toks: &'s [Token<'t>],
    region: Span,
) -> Option<&'s [Token<'t>]> {
    if region.start < sentence.start || region.end > sentence.end || region.start > region.end {
        return None;
    }
    let first = toks.partition_point(|t| t.start < region.start);
    let end = toks.partition_point(|t| t.start < region.end);
    let cut_at_start = first > 0 && toks[first - 1].end > region.start;
    let cut_at_end = end > first && toks[end - 1].end > region.end;
    (!cut_at_start && !cut_at_end).then(|| &toks[first..end])
}

/// Whether the tokenizer finds no token at all in `s` (only spaces and
/// invisible characters): text after it then splits as if `s` were not
/// there.
pub(super) fn splits_into_nothing(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(text: &str, sentence: Span, region: Span) {
        let sentence_toks = tokens(text, sentence);
        assert_eq!(
            tokens_within(text, sentence, &sentence_toks, region).as_ref(),
            tokens(text, region).as_slice(),
            "{text:?} {sentence:?} {region:?}"
        );
    }

    /// The char boundary at or after `pos`.
    fn ceil_boundary(text: &str, pos: usize) -> usize {
        let mut p = pos.min(text.len());
        while !text.is_char_boundary(p) {
            p += 1;
        }
        p
    }

    #[test]
    fn regions_cutting_tokens_are_split_again() {
        let text = "He said: “Iran’s U.S.-backed plan,” Araghchi told IRNA's reporters.";
        let all = Span::new(0, text.len());
        for (a, b) in [
            (0, 7),
            (3, 20),
            (12, 40),
            (13, 41),
            (31, 60),
            (0, text.len()),
        ] {
            let region = Span::new(ceil_boundary(text, a), ceil_boundary(text, b));
            check(text, all, region);
        }
    }

    #[test]
    fn spaces_and_invisibles_split_into_nothing() {
        assert!(splits_into_nothing(" \n\t\u{a0}\u{200b}\u{feff}"));
        assert!(splits_into_nothing(""));
        assert!(!splits_into_nothing(" . "));
        assert!(!splits_into_nothing("\u{201d}"));
    }

    proptest! {
        #[test]
        fn borrowed_tokens_are_the_regions_own(
            text in "[a-zA-Z0-9 .,'’“”\"\\-\u{2011}é\u{200b}\u{a0}\n]{0,60}",
            cuts in proptest::collection::vec(0usize..64, 4),
        ) {
            let mut at: Vec<usize> = cuts.iter().map(|&c| ceil_boundary(&text, c)).collect();
            at.sort_unstable();
            check(&text, Span::new(at[0], at[3]), Span::new(at[1], at[2]));
            // A region reaching outside the sentence is split afresh.
            check(&text, Span::new(at[1], at[2]), Span::new(at[0], at[3]));
        }

        #[test]
        fn nothing_splits_into_no_tokens(text in "[ \n\t\u{a0}\u{200b}\u{feff}.a’]{0,12}") {
            if splits_into_nothing(&text) {
                prop_assert!(tokens(&text, Span::new(0, text.len())).is_empty());
            }
        }
    }
}
