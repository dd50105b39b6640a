//! Mentions: who and what a document names — pack actors, titled roles,
//! outlets, pronouns, and capitalised names the pack does not know — with
//! whether each stands where a subject stands (for pronoun resolution).

use crate::pack::{LexiconEntry, LexiconHit, Pack};
use crate::quotes::Quotation;
use crate::sentences::Segmentation;
use crate::text::{Span, Token};

#[derive(Debug, Clone, PartialEq)]
pub enum MentionKind<'p> {
    /// Pack terms: names, titled roles, outlets (every entry the term may
    /// mean, borrowed from the pack's lexicon).
    Pack(&'p [LexiconEntry]),
    /// he, she, they, it, we, i (lower-cased).
    Pronoun(&'static str),
    /// A capitalised name the pack does not know ("Hassan Beheshtipour").
    Name,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mention<'p> {
    pub span: Span,
    /// An unknown name used like a common noun ("a Cabinet meeting"): not a
    /// person a pronoun can point to.
    pub nominal: bool,
    pub kind: MentionKind<'p>,
    /// Inside a quotation's words.
    pub in_quote: bool,
    /// Not the object of a preposition, not a possessor: may be a subject.
    pub subject_like: bool,
}

fn is_preposition(word: &str) -> bool {
    // A `match` on string literals: cheaper than scanning a slice.
    matches!(
        word,
        "to" | "with"
            | "by"
            | "of"
            | "on"
            | "for"
            | "from"
            | "at"
            | "about"
            | "against"
            | "toward"
            | "towards"
            | "between"
            | "among"
            | "into"
            | "than"
            | "like"
            | "under"
            | "over"
            | "alongside"
            | "via"
            | "per"
            | "in"
            | "and"
            | "or"
            | "meet"
            | "met"
            | "visiting"
            | "visited"
            | "quoting"
            | "told"
            | "tell"
            | "called"
            | "urged"
            | "asked"
            | "accused"
            | "criticized"
            | "praised"
            | "thanked"
            | "behind"
            | "without"
            | "beside"
    )
}

/// Words that start a sentence with a capital without being names.
fn is_not_name(word: &str) -> bool {
    // A `match` on string literals: cheaper than scanning a slice.
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "He"
            | "She"
            | "It"
            | "They"
            | "We"
            | "I"
            | "But"
            | "And"
            | "Or"
            | "In"
            | "On"
            | "At"
            | "As"
            | "If"
            | "When"
            | "While"
            | "Yet"
            | "However"
            | "Meanwhile"
            | "After"
            | "Before"
            | "Since"
            | "Although"
            | "Though"
            | "Still"
            | "So"
            | "Such"
            | "For"
            | "From"
            | "With"
            | "By"
            | "To"
            | "Of"
            | "Asked"
            | "Speaking"
            | "Following"
            | "According"
            | "Despite"
            | "During"
            | "Even"
            | "Indeed"
            | "Instead"
            | "Also"
            | "Then"
            | "There"
            | "Here"
            | "What"
            | "Why"
            | "How"
            | "Who"
            | "Whatever"
            | "First"
            | "Second"
            | "Third"
            | "Finally"
            | "Specifically"
            | "Conversely"
            | "Accordingly"
            | "Moreover"
            | "Furthermore"
            | "Nevertheless"
            | "Nonetheless"
            | "Today"
            | "Yesterday"
            | "Tomorrow"
            | "Monday"
            | "Tuesday"
            | "Wednesday"
            | "Thursday"
            | "Friday"
            | "Saturday"
            | "Sunday"
            | "January"
            | "February"
            | "March"
            | "April"
            | "May"
            | "June"
            | "July"
            | "August"
            | "September"
            | "October"
            | "November"
            | "December"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "Mr"
            | "Mrs"
            | "Ms"
            | "Dr"
            | "Our"
            | "My"
            | "His"
            | "Her"
            | "Their"
            | "Its"
            | "Your"
            | "No"
            | "Not"
            | "Some"
            | "Many"
            | "Most"
            | "All"
            | "Both"
            | "Each"
            | "Every"
            | "Any"
            | "Several"
            | "Other"
            | "Another"
            | "Iranian"
            | "American"
            | "European"
            | "Russian"
            | "Chinese"
            | "French"
            | "British"
            | "Western"
            | "Israeli"
            | "Arab"
            | "Gulf"
            | "Islamic"
            | "Supreme"
            | "Foreign"
            | "Deputy"
            | "Former"
            | "President"
            | "Minister"
            | "Leader"
            | "Ayatollah"
            | "Secretary"
            | "General"
            | "Prime"
            | "Vice"
            | "Senator"
            | "Sen"
            | "Rep"
            | "Gov"
            | "Read"
            | "See"
            | "Click"
            | "Update"
            | "Updated"
            | "Published"
    )
}

/// The speaker pronoun (not "you") a word is in any case, as a lower-case
/// literal. Asked of every token no pack term covers: the length and first
/// letter turn nearly all away and leave at most one pronoun to compare,
/// ignoring ASCII case, with no lower-cased copy (bit 5 set reads an
/// upper-case letter as lower-case, and no other byte as one of these
/// letters).
fn pronoun_in_any_case(word: &str) -> Option<&'static str> {
    let pronoun = match (word.len(), word.as_bytes().first().map(|b| b | 0x20)) {
        (1, Some(b'i')) => "i",
        (2, Some(b'h')) => "he",
        (2, Some(b'i')) => "it",
        (2, Some(b'w')) => "we",
        (3, Some(b's')) => "she",
        (4, Some(b't')) => "they",
        _ => return None,
    };
    word.eq_ignore_ascii_case(pronoun).then_some(pronoun)
}

/// Name particles that may stand lower-case inside a name ("bin", "al").
fn is_name_particle(word: &str) -> bool {
    // A `match` on string literals: cheaper than scanning a slice.
    matches!(
        word,
        "bin" | "al" | "el" | "de" | "van" | "von" | "da" | "di" | "ibn" | "abu" | "le"
    )
}

pub fn find_mentions<'p>(
    text: &str,
    seg: &Segmentation,
    quotes: &[Quotation],
    pack: &'p Pack,
) -> Vec<Mention<'p>> {
    let sentence_tokens = seg.sentence_tokens(text);
    find_mentions_in(text, seg, &sentence_tokens, quotes, pack.lexicon.scan(text))
}

/// [`find_mentions`] with each sentence's tokens and the pack's terms in
/// the text already found (the pipeline finds them once for several
/// stages; the terms with the issues' cues, see [`Pack::terms_and_cues`]).
pub fn find_mentions_in<'p>(
    text: &str,
    seg: &Segmentation,
    sentence_tokens: &[Vec<Token>],
    quotes: &[Quotation],
    hits: Vec<LexiconHit<'p>>,
) -> Vec<Mention<'p>> {
    // Quotations come in text order and do not overlap: binary search.
    let in_quote = |s: Span| {
        let i = quotes.partition_point(|q| q.outer.start <= s.start);
        i > 0 && quotes[i - 1].fragments.iter().any(|f| f.contains(s))
    };
    // Pack hits, names, pronouns: a few per sentence.
    let mut out = Vec::with_capacity(hits.len() + 2 * seg.sentences.len());
    let mut hit_idx = 0;
    // One buffer for every sentence's pack spans.
    let mut pack_spans = Vec::new();
    for (sentence, toks) in seg.sentences.iter().zip(sentence_tokens) {
        // This sentence's mentions start here (for the subject pass below).
        let first_of_sentence = out.len();
        // Pack hits inside this sentence.
        pack_spans.clear();
        while hit_idx < hits.len() && hits[hit_idx].start < sentence.span.end {
            let h = hits[hit_idx];
            hit_idx += 1;
            if h.start < sentence.span.start {
                continue;
            }
            pack_spans.push(Span::new(h.start, h.end));
            out.push(Mention {
                span: Span::new(h.start, h.end),
                kind: MentionKind::Pack(h.entries),
                nominal: false,
                in_quote: false,
                subject_like: false,
            });
        }
        // Pack hits are in text order and do not overlap: binary search,
        // so a sentence full of names stays linear.
        let covered_at = |pos: usize| {
            let k = pack_spans.partition_point(|p: &Span| p.start <= pos);
            k > 0 && pack_spans[k - 1].contains_pos(pos)
        };
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            let covered = covered_at(t.start);
            // Pronouns are ASCII words of at most four letters, compared
            // ignoring ASCII case (no non-ASCII text lower-cases to one;
            // see the test).
            let pronoun = if covered {
                None
            } else {
                pronoun_in_any_case(t.text)
            };
            if let Some(pronoun) = pronoun {
                out.push(Mention {
                    span: Span::new(t.start, t.end),
                    kind: MentionKind::Pronoun(pronoun),
                    nominal: false,
                    in_quote: false,
                    subject_like: false,
                });
                i += 1;
                continue;
            }
            // Capitalised runs not covered by the pack: unknown names.
            if !covered && t.is_capitalized() && t.is_word() {
                let mut j = i;
                let mut end = i;
                // Whether the first word may be a name: the loop's first
                // pass decides it (the first word is an uncovered
                // capitalised word, so that pass asks).
                let mut first_ok = false;
                while j < toks.len() {
                    let w = toks[j];
                    let cov = covered_at(w.start);
                    if cov || !w.is_word() {
                        break;
                    }
                    let name_like =
                        w.is_capitalized() && !is_not_name(crate::text::strip_possessive(w.text));
                    if j == i {
                        first_ok = name_like;
                    }
                    if name_like {
                        end = j;
                    } else if !(is_name_particle(w.text)
                        && j + 1 < toks.len()
                        && toks[j + 1].is_capitalized())
                    {
                        break;
                    }
                    j += 1;
                    if w.text.ends_with("’s") || w.text.ends_with("'s") {
                        break;
                    }
                }
                // A lone capitalised word opening a sentence is a name only
                // when a verb-like lower-case word follows ("Clinton tweeted").
                let at_start = i == 0;
                let verb_follows = toks
                    .get(end + 1)
                    .is_some_and(|n| n.is_word() && !n.is_capitalized());
                if first_ok && end >= i && (!at_start || end > i || verb_follows) {
                    let span = Span::new(t.start, toks[end].end);
                    // "Parliament speaker Mohammad Bagher Qalibaf": a title
                    // before a known name, not an entity of its own.
                    let title_before_name = toks.iter().skip(end + 1).take(2).any(|t| {
                        pack_spans
                            .binary_search_by_key(&t.start, |p| p.start)
                            .is_ok()
                    });
                    // The word before, lower-cased once for both of its tests.
                    let before = (i > 0).then(|| toks[i - 1].lower());
                    let before = before.as_deref();
                    let after_determiner = matches!(
                        before,
                        Some("a" | "an" | "the" | "this" | "that" | "its" | "their" | "our")
                    );
                    let before_noun = toks.get(end + 1).is_some_and(|n| {
                        n.is_word()
                            && !n.is_capitalized()
                            && crate::cues::is_cue_word(n.text).is_none()
                            && {
                                let n = n.lower();
                                n.len() > 3 && !n.ends_with("ed")
                            }
                    });
                    out.push(Mention {
                        span,
                        // Single names after "in", "from"… are mostly places.
                        nominal: after_determiner
                            || title_before_name
                            || (end == i && before_noun && i > 0)
                            || (end == i
                                && matches!(
                                    before,
                                    Some(
                                        "in" | "at"
                                            | "from"
                                            | "to"
                                            | "near"
                                            | "into"
                                            | "across"
                                            | "outside"
                                            | "inside"
                                            | "around"
                                            | "via"
                                            | "through"
                                    )
                                )),
                        kind: MentionKind::Name,
                        in_quote: false,
                        subject_like: false,
                    });
                    i = end + 1;
                    continue;
                }
            }
            i += 1;
        }
        // Subject-likeness: not after a preposition, not a possessor.
        for m in out[first_of_sentence..]
            .iter_mut()
            .filter(|m| sentence.span.contains(m.span))
        {
            let before = toks[..toks.partition_point(|t| t.end <= m.span.start)].last();
            let prep = before.is_some_and(|t| is_preposition(&t.lower()));
            let text_m = m.span.slice(text);
            let possessive = text_m.ends_with("’s")
                || text_m.ends_with("'s")
                || text[m.span.end..].starts_with("’s")
                || text[m.span.end..].starts_with("'s");
            m.subject_like = !prep && !possessive;
            m.in_quote = in_quote(m.span);
        }
    }
    out.sort_by_key(|m| m.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pronoun_in_any_case_is_the_speaker_pronoun_test_without_you() {
        for w in [
            "he", "she", "they", "it", "we", "i", "you", "him", "them", "its", "", "a", "hi", "is",
            "wet", "thee", "sha", "ti",
        ] {
            let expected = crate::cues::is_speaker_pronoun(w) && w != "you";
            for word in [w.to_string(), w.to_uppercase(), w.replacen('h', "H", 1)] {
                assert_eq!(pronoun_in_any_case(&word), expected.then_some(w), "{word}");
            }
        }
    }

    #[test]
    fn every_pronoun_in_any_case_is_one() {
        for p in ["he", "she", "they", "it", "we", "i"] {
            let mut capitalised = p.to_string();
            capitalised[..1].make_ascii_uppercase();
            for word in [p.to_string(), p.to_uppercase(), capitalised] {
                assert_eq!(pronoun_in_any_case(&word), Some(p), "{word}");
            }
        }
        for other in ["and", "A", "“", "Oman", "shall", "ŝe", ""] {
            assert_eq!(pronoun_in_any_case(other), None, "{other}");
        }
    }

    #[test]
    fn no_non_ascii_text_lower_cases_to_a_pronoun() {
        // A text lower-cases char by char: it can become an ASCII pronoun
        // only if some non-ASCII char lower-cases to ASCII letters of one.
        // Only the Kelvin sign does (to "k", in no pronoun), so tokens with
        // non-ASCII chars are never pronouns and are not lower-cased.
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let lower: String = c.to_lowercase().collect();
            if lower.is_ascii() {
                assert_eq!(c, '\u{212A}', "{c:?} lower-cases to {lower:?}");
            }
        }
    }

    #[test]
    fn pronouns_are_found_case_insensitively_and_curly_marks_are_not() {
        let pack = Pack::default_pack().unwrap();
        let text = "“We will see,” He said. They left; you stay.";
        let seg = crate::sentences::segment(text);
        let found: Vec<&str> = find_mentions(text, &seg, &[], &pack)
            .iter()
            .filter_map(|m| match m.kind {
                MentionKind::Pronoun(p) => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(found, vec!["we", "he", "they"]);
    }
}
