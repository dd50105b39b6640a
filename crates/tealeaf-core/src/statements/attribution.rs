//! Attribution: pairing content (quotations and reported clauses) with the
//! cue and speaker phrase that introduce it. Resolution of who the speaker
//! is, and of outlet and date, comes after, in `resolve`.

use std::borrow::Cow;

use serde::Serialize;

use super::phrases::*;
use super::region_tokens::{splits_into_nothing, tokens_within};
use crate::cues::{Cue, CueKind, is_cue_word};
use crate::quotes::Quotation;
use crate::sentences::Segmentation;
use crate::text::{Span, Token, tokens, trim_span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Direct,
    Mixed,
    Indirect,
}

/// Who spoke, before resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum SpeakerRef {
    /// A phrase as written ("former President Hassan Rouhani", "he").
    Phrase { span: Span, head: Span },
    /// The subject of the clause: the nearest subject-like mention in the
    /// sentence before this position ("Khamenei scuttled it, warning that…").
    ClauseSubject { sentence: Span, before: usize },
    /// Same speaker as an earlier attribution.
    Same(usize),
    /// The nearest earlier speaker or person named near the quotation.
    Nearby(usize),
}

#[derive(Debug, Clone)]
pub struct Attribution {
    /// The reported words: quotation content without marks, or the clause.
    pub content: Span,
    /// Covering span with quotation marks (PolNeAR's content span).
    pub outer: Span,
    /// Quotation pieces (direct, mixed), or the clause (indirect).
    pub fragments: Vec<Span>,
    pub kind: Kind,
    pub cue: Option<Span>,
    pub cue_text: Option<String>,
    pub speaker: SpeakerRef,
    /// The reporting clause: where outlet and date are looked for.
    pub clause: Span,
    pub paragraph: usize,
    pub rule: &'static str,
    pub confidence: f32,
}

struct SentenceTokens<'a> {
    span: Span,
    paragraph: usize,
    toks: Vec<Token<'a>>,
}

/// Which token of a sentence holds byte `pos`.
fn tok_at(toks: &[Token], pos: usize) -> usize {
    toks.partition_point(|t| t.end <= pos)
}

fn is_quote_mark(t: &Token) -> bool {
    matches!(t.text, "“" | "”" | "\"" | "«" | "»" | "„")
}

pub fn find_attributions(text: &str, seg: &Segmentation, quotes: &[Quotation]) -> Vec<Attribution> {
    let sentence_tokens = seg.sentence_tokens(text);
    find_attributions_in(text, seg, sentence_tokens, quotes)
}

/// [`find_attributions`] with each sentence's tokens already split.
pub fn find_attributions_in<'a>(
    text: &'a str,
    seg: &Segmentation,
    sentence_tokens: Vec<Vec<Token<'a>>>,
    quotes: &[Quotation],
) -> Vec<Attribution> {
    let sents: Vec<SentenceTokens> = seg
        .sentences
        .iter()
        .zip(sentence_tokens)
        .map(|(s, toks)| SentenceTokens {
            span: s.span,
            paragraph: s.paragraph,
            toks,
        })
        .collect();
    // Quotations come in text order and do not overlap: binary search.
    let inside_quote = |pos: usize| {
        let i = quotes.partition_point(|q| q.outer.start <= pos);
        i > 0 && quotes[i - 1].outer.contains_pos(pos)
    };
    let mut out: Vec<Attribution> = Vec::new();
    // Cue tokens already used, as byte starts.
    let mut used_cues: std::collections::HashSet<usize> = Default::default();
    // Quotations absorbed into a mixed indirect statement, by cue start.
    let mut absorbed: Vec<(usize, usize)> = Vec::new(); // (quote idx, cue start)
    // For each quotation: the attribution index it went to.
    let mut quote_attr: Vec<Option<usize>> = vec![None; quotes.len()];

    for (qi, q) in quotes.iter().enumerate() {
        let Some(s_open) = seg.sentence_at(q.outer.start) else {
            continue;
        };
        let para = seg.sentences[s_open].paragraph;
        let quote_attr_prev = qi
            .checked_sub(1)
            .and_then(|p| quote_attr[p].map(|a| (p, a)));

        // A. After the quotation: “…,” he said / “…,” said Smith / “…,” Smith told.
        if let Some((toks, cue_i, np, region)) = cue_after(text, &sents, seg, q) {
            let toks = &toks;
            // A split quotation: “A,” he said. “B.” — the second joins the first.
            let attr = Attribution {
                content: q.content,
                outer: q.outer,
                fragments: q.fragments.clone(),
                kind: Kind::Direct,
                cue: Some(span_of(toks, cue_i, cue_i + 1)),
                cue_text: Some(toks[cue_i].text.to_string()),
                speaker: phrase(toks, np),
                clause: region,
                paragraph: para,
                rule: "quote-then-cue",
                confidence: 0.9,
            };
            used_cues.insert(toks[cue_i].start);
            out.push(attr);
            quote_attr[qi] = Some(out.len() - 1);
            continue;
        }

        // D. Joins the previous quotation of the paragraph when only its
        // attribution clause stands between them.
        if let Some((pq, pa)) = quote_attr_prev {
            let prev = &quotes[pq];
            let same_para = seg.paragraph_at(prev.outer.start) == Some(para);
            let between = Span::new(prev.outer.end, q.outer.start);
            let between_text = between.slice(text);
            // Another cue between them: split only when the cheap tests pass.
            let has_other_cue = || {
                tokens(text, between).iter().any(|t| {
                    is_cue_word(t.text).is_some() && out[pa].cue.is_none_or(|c| c.start != t.start)
                })
            };
            if same_para
                && between_text.len() < 320
                && !between_text.contains("\n")
                && out[pa].rule != "intro"
                && !has_other_cue()
            {
                let a = &mut out[pa];
                a.fragments.extend(q.fragments.iter().copied());
                a.content = a.content.cover(q.content);
                a.outer = a.outer.cover(q.outer);
                if a.rule == "quote-then-cue" {
                    a.rule = "split-quote";
                }
                quote_attr[qi] = Some(pa);
                continue;
            }
        }

        // B. Before the quotation, in its sentence: Araghchi stipulated “…”.
        if let Some((cue_i, cue, st)) = cue_before(&sents[s_open], q.outer.start, &inside_quote) {
            let toks = &st.toks;
            let cue_start = toks[cue_i].start;
            // Content right after the cue (and "that", ":" or ","): direct.
            let mut k = cue_i + 1;
            if cue.lemma == "tell" {
                k = skip_addressee(toks, k);
            }
            while k < toks.len() && matches!(toks[k].text, "," | ":" | "that" | "—" | "–") {
                k += 1;
            }
            let qtok = tok_at(toks, q.outer.start);
            // A quotation that opens a longer clause ("claiming that “the
            // enemy” seeks to…") is part of a mixed statement, not the
            // statement itself.
            let words_after = toks[tok_at(toks, q.outer.end)..]
                .iter()
                .take_while(|t| !matches!(t.text, ";" | "—"))
                .filter(|t| t.is_word())
                .take(3)
                .count();
            let closes_clause = words_after <= 2 || cue_after(text, &sents, seg, q).is_some();
            let adjacent = closes_clause && toks.get(k).is_some_and(|t| t.start >= q.outer.start)
                // "said in the spring, when the story broke, “…”"
                || (qtok > 0
                    && matches!(toks[qtok - 1].text, "," | ":")
                    && !toks[cue_i + 1..qtok].iter().any(|t| t.lower() == "that" || is_quote_mark(t))
                    && qtok - cue_i <= 25);
            if !adjacent && cue.kind != CueKind::Intro && quote_words(text, q) >= 1 {
                absorbed.push((qi, cue_start));
                continue;
            }
            // Right before a quotation, almost any subject of "said" speaks.
            let speaker = speaker_for_cue(toks, cue_i, st.span).or_else(|| {
                subject_before(toks, cue_i)
                    .filter(|np| adjacent_speaker(toks, *np) && cue.kind != CueKind::Stance)
                    .map(|np| phrase(toks, np))
            });
            if let Some(speaker) = speaker {
                used_cues.insert(cue_start);
                out.push(Attribution {
                    content: q.content,
                    outer: q.outer,
                    fragments: q.fragments.clone(),
                    kind: Kind::Direct,
                    cue: Some(span_of(toks, cue_i, cue_i + 1)),
                    cue_text: Some(toks[cue_i].text.to_string()),
                    speaker,
                    clause: Span::new(st.span.start, q.outer.start),
                    paragraph: para,
                    rule: "cue-then-quote",
                    confidence: 0.85,
                });
                quote_attr[qi] = Some(out.len() - 1);
                continue;
            }
        }

        // B'. Transcripts and digests: `Jeffrey M. Jones: “…”`, `BUSH: "…"`.
        if let Some((toks, np)) = name_colon_before(text, &sents[s_open], q.outer.start) {
            out.push(Attribution {
                content: q.content,
                outer: q.outer,
                fragments: q.fragments.clone(),
                kind: Kind::Direct,
                cue: None,
                cue_text: Some(":".to_string()),
                speaker: phrase(&toks, np),
                clause: span_of(&toks, np.0, np.1),
                paragraph: para,
                rule: "name-colon",
                confidence: 0.8,
            });
            quote_attr[qi] = Some(out.len() - 1);
            continue;
        }

        // C. Introduced on the line before: “…quoting Araghchi as saying:”
        if let Some((intro_sent, speaker)) = intro_before(&sents, seg, q.outer.start) {
            let st = &sents[intro_sent];
            out.push(Attribution {
                content: q.content,
                outer: q.outer,
                fragments: q.fragments.clone(),
                kind: Kind::Direct,
                cue: None,
                cue_text: None,
                speaker,
                clause: st.span,
                paragraph: para,
                rule: "intro",
                confidence: 0.85,
            });
            quote_attr[qi] = Some(out.len() - 1);
            continue;
        }

        // E. A quotation paragraph right after another attributed quotation
        // (bullets under one intro, or a quote continued in a new paragraph).
        let starts_para = seg.paragraphs.get(para).is_some_and(|p| {
            text.get(p.span.start..q.outer.start)
                .unwrap_or("x")
                .trim_matches(|c: char| c.is_whitespace() || "-*•–—".contains(c))
                .is_empty()
        });
        if starts_para
            && let Some((pq, pa)) = quote_attr_prev
            && seg
                .paragraph_at(quotes[pq].outer.start)
                .is_some_and(|pp| pp + 1 == para)
        {
            let rule = if out[pa].rule == "intro" || out[pa].rule == "intro-continued" {
                "intro-continued"
            } else {
                "continued-paragraph"
            };
            let clause = if rule == "intro-continued" {
                out[pa].clause
            } else {
                Span::new(q.outer.end, q.outer.end)
            };
            out.push(Attribution {
                content: q.content,
                outer: q.outer,
                fragments: q.fragments.clone(),
                kind: Kind::Direct,
                cue: None,
                cue_text: None,
                speaker: SpeakerRef::Same(pa),
                clause,
                paragraph: para,
                rule,
                confidence: if rule == "intro-continued" { 0.8 } else { 0.6 },
            });
            quote_attr[qi] = Some(out.len() - 1);
            continue;
        }

        // F. A long, sentence-like quotation with no cue: someone said it.
        // Short ones without a speaker are scare quotes, not statements.
        if q.word_count(text) >= 8 && q.closed {
            out.push(Attribution {
                content: q.content,
                outer: q.outer,
                fragments: q.fragments.clone(),
                kind: Kind::Direct,
                cue: None,
                cue_text: None,
                speaker: SpeakerRef::Nearby(q.outer.start),
                clause: Span::new(q.outer.end, q.outer.end),
                paragraph: para,
                rule: "uncued-quote",
                confidence: 0.4,
            });
            quote_attr[qi] = Some(out.len() - 1);
        }
    }

    // Reported clauses: indirect (and mixed) statements.
    for st in &sents {
        indirect_in_sentence(
            text,
            st,
            quotes,
            &absorbed,
            &used_cues,
            &inside_quote,
            &mut out,
        );
    }
    // Creation order is kept: `SpeakerRef::Same` points into it.
    out
}

/// "according (to)", "consensus (among)", "agreement (among)", in any
/// case. No non-ASCII letter lower-cases into these words, so an ASCII
/// comparison decides; all three are nine letters long, so the length
/// turns nearly every word away first.
fn is_cue_noun(word: &str) -> bool {
    word.len() == 9
        && ["according", "consensus", "agreement"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
}

/// Words after which a cue's bare form is a verb.
fn bare_verb_context(t: &Token) -> bool {
    let l = t.lower();
    matches!(
        l.as_str(),
        "to" | "will"
            | "would"
            | "did"
            | "do"
            | "does"
            | "could"
            | "can"
            | "may"
            | "might"
            | "must"
            | "should"
            | "they"
            | "we"
            | "i"
            | "you"
            | "also"
            | "often"
            | "still"
            | "now"
            | "repeatedly"
    ) || (l.ends_with('s')
        && !l.ends_with("ss")
        && !l.ends_with("’s")
        && !l.ends_with("'s")
        && l.len() > 3)
}

/// Could this word end a subject ("he", "Trump", "the official")?
fn subject_like_word(t: &Token) -> bool {
    let l = t.lower();
    // "Iran’s demands": a possessor, so the next word is a noun.
    if l.ends_with("’s") || l.ends_with("'s") {
        return false;
    }
    t.is_capitalized()
        || matches!(l.as_str(), "he" | "she" | "it" | "they" | "we" | "i")
        || crate::cues::SPEAKER_NOUNS.contains(l.as_str())
}

fn quote_words(text: &str, q: &Quotation) -> usize {
    q.word_count(text)
}

fn phrase(toks: &[Token], np: NpRange) -> SpeakerRef {
    let head = head_index(toks, np);
    SpeakerRef::Phrase {
        span: span_of(toks, np.0, np.1),
        head: span_of(toks, head, head + 1),
    }
}

/// After a closing mark: `, he said` / `, said Smith` / ` Smith told reporters`.
/// Looks to the end of the sentence holding the mark, or into the next
/// sentence of the paragraph when the quotation closed its sentence
/// (`“…?” Biden said.`).
fn cue_after<'s, 't>(
    text: &'t str,
    sents: &'s [SentenceTokens<'t>],
    seg: &Segmentation,
    q: &Quotation,
) -> Option<(Cow<'s, [Token<'t>]>, usize, NpRange, Span)> {
    let after = q.outer.end;
    let si = seg.sentence_at(after.saturating_sub(1))?;
    let sent = seg.sentences[si];
    let mut end = sent.span.end;
    let mut next_sentence = false;
    if text[after..end].trim().is_empty()
        && let Some(next) = seg.sentences.get(si + 1)
        && next.paragraph == sent.paragraph
    {
        end = next.span.end;
        next_sentence = true;
    }
    // A bounded look-ahead keeps one long sentence with many quotations linear.
    let region = Span::new(
        after,
        crate::text::floor_boundary(text, end.min(after + 400)),
    );
    let toks = region_tokens(text, sents, si, region);
    // "“…” ― Oscar P. Quintero": a dash and a name closing the line.
    if let Some(dash) = toks.first()
        && matches!(dash.text, "―" | "—" | "–")
    {
        let mut e = 1;
        while e < toks.len()
            && (toks[e].is_word() && toks[e].is_capitalized() || toks[e].text == ".")
            && e < 7
        {
            e += 1;
        }
        let name_end = toks
            .get(e.saturating_sub(1))
            .map(|t| t.end)
            .unwrap_or(after);
        let line_end = text
            .get(name_end..end)
            .unwrap_or("")
            .trim_start_matches(['.', ' ', '\u{a0}'])
            .is_empty()
            || text.get(name_end..).unwrap_or("").starts_with('\n');
        if e > 1 && line_end {
            let mut np_end = e;
            while np_end > 1 && toks[np_end - 1].text == "." {
                np_end -= 1;
            }
            return Some((toks, 0, (1, np_end), region));
        }
    }
    let mut i = 0;
    while i < toks.len() && matches!(toks[i].text, "," | "—" | "–" | "-") {
        i += 1;
    }
    let first = *toks.get(i)?;
    if let Some(cue) = is_cue_word(first.text)
        && matches!(cue.kind, CueKind::Speech | CueKind::Cognition)
        && !first.text.ends_with("ing")
    {
        let np = subject_after(&toks, i)?;
        if next_sentence && !short_tail(&toks, np.1) {
            return None;
        }
        return adjacent_speaker(&toks, np).then_some((toks, i, np, region));
    }
    // Phrase then cue: the phrase must start right after the quotation.
    let mut k = i;
    while k < toks.len() && k - i < 18 {
        let t = toks[k];
        if let Some(cue) = is_cue_word(t.text)
            && matches!(cue.kind, CueKind::Speech | CueKind::Cognition)
            && k > i
        {
            let np = subject_before(&toks, k).filter(|np| np.0 == i)?;
            // In the next sentence, "He added that …" starts a new statement;
            // only a bare "Biden said." belongs to the quotation.
            if next_sentence && !short_tail(&toks, k + 1) {
                return None;
            }
            return adjacent_speaker(&toks, np).then_some((toks, k, np, region));
        }
        if !t.is_word() && !matches!(t.text, "," | "." | "(" | ")" | "-") {
            return None;
        }
        k += 1;
    }
    None
}

/// The tokens of `region`, which starts in sentence `si` and may run into
/// the next one, from the sentences' tokens when they are the same.
fn region_tokens<'s, 't>(
    text: &'t str,
    sents: &'s [SentenceTokens<'t>],
    si: usize,
    region: Span,
) -> Cow<'s, [Token<'t>]> {
    let st = &sents[si];
    if region.end <= st.span.end {
        return tokens_within(text, st.span, &st.toks, region);
    }
    // Only spaces left in this sentence and before the next: the region's
    // tokens are the next sentence's.
    if let Some(next) = sents.get(si + 1)
        && (region.start..=region.end).contains(&next.span.start)
        && splits_into_nothing(&text[region.start..next.span.start])
    {
        let rest = Span::new(next.span.start, region.end);
        return tokens_within(text, next.span, &next.toks, rest);
    }
    Cow::Owned(tokens(text, region))
}

/// After "… said", only a few words that add no content ("on Monday.").
fn short_tail(toks: &[Token], from: usize) -> bool {
    let tail = &toks[from.min(toks.len())..];
    tail.len() <= 7 && !tail.iter().any(|t| t.lower() == "that" || is_quote_mark(t))
}

/// Next to a quotation, almost any short noun phrase before "said" is the
/// speaker ("the woman said", "says a narrator").
fn adjacent_speaker(toks: &[Token], np: NpRange) -> bool {
    let head = toks[head_index(toks, np)].lower();
    np.1 - np.0 <= 10
        && !matches!(
            head.as_str(),
            "this" | "that" | "which" | "what" | "there" | "here" | "so" | "too" | "also"
        )
        && is_cue_word(&head).is_none()
}

/// A short capitalised name right before `:` and the quotation.
fn name_colon_before<'s, 'a>(
    text: &'a str,
    st: &'s SentenceTokens<'a>,
    open: usize,
) -> Option<(Cow<'s, [Token<'a>]>, NpRange)> {
    // Only the last words before the quotation matter: a bounded look-back.
    let from = crate::text::floor_boundary(text, open.saturating_sub(160).max(st.span.start));
    let head = text[from..open].trim_end();
    let colon_at = from + head.len().checked_sub(1)?;
    if !head.ends_with(':') {
        return None;
    }
    let toks = tokens_within(text, st.span, &st.toks, Span::new(from, colon_at));
    let mut start = toks.len();
    while start > 0
        && toks.len() - start < 6
        && toks[start - 1].is_word()
        && toks[start - 1].is_capitalized()
    {
        start -= 1;
    }
    // Allow initials: "Jeffrey M. Jones".
    while start > 1 && toks[start - 1].text == "." && toks[start - 2].is_capitalized() {
        start -= 2;
        while start > 0 && toks[start - 1].is_word() && toks[start - 1].is_capitalized() {
            start -= 1;
        }
    }
    if start == toks.len() {
        return None;
    }
    let boundary = start == 0 || matches!(toks[start - 1].text, "-" | "—" | "–" | "." | "|");
    (boundary && is_cue_word(toks[toks.len() - 1].text).is_none()).then(|| {
        let len = toks.len();
        (toks, (start, len))
    })
}

/// The last cue before `before` in the sentence, outside quotations.
fn cue_before<'s, 'a>(
    st: &'s SentenceTokens<'a>,
    before: usize,
    inside_quote: &dyn Fn(usize) -> bool,
) -> Option<(usize, Cue, &'s SentenceTokens<'a>)> {
    let toks = &st.toks;
    let end = tok_at(toks, before);
    (end.saturating_sub(60)..end).rev().find_map(|i| {
        let t = toks[i];
        if inside_quote(t.start) {
            return None;
        }
        is_cue_word(t.text).map(|c| (i, c, st))
    })
}

/// The speaker of a cue inside a sentence: its subject phrase, the object of
/// "quoting X as saying", or the clause subject for "…, warning that".
fn speaker_for_cue(toks: &[Token], cue_i: usize, sentence: Span) -> Option<SpeakerRef> {
    let word = toks[cue_i].lower();
    // quoting X as saying / quoted X as saying / X was quoted as saying
    if word.ends_with("ing") && cue_i >= 1 && toks[cue_i - 1].lower() == "as" {
        let mut j = cue_i - 1;
        let np_end = j;
        while j > 0 && cue_i - j < 10 {
            j -= 1;
            let l = toks[j].lower();
            if l == "quoting" || l == "quoted" || l == "citing" || l == "cited" {
                if j + 1 < np_end {
                    return Some(phrase(toks, (j + 1, np_end)));
                }
                // "X was quoted as saying": the subject before "was quoted".
                let np = subject_before(toks, j)?;
                return Some(phrase(toks, np));
            }
            if !toks[j].is_word() {
                break;
            }
        }
    }
    if word.ends_with("ing") {
        let prev = cue_i.checked_sub(1).map(|p| toks[p].lower());
        let participle = prev.as_deref().is_some_and(|p| {
            matches!(
                p,
                "," | "remarks"
                    | "comments"
                    | "statement"
                    | "statements"
                    | "message"
                    | "letter"
                    | "speech"
                    | "post"
                    | "tweet"
                    | "editorial"
                    | "article"
                    | "interview"
                    | "—"
            )
        });
        if participle {
            return Some(SpeakerRef::ClauseSubject {
                sentence,
                before: toks[cue_i].start,
            });
        }
    }
    // "shook her head and said": the subject of the first verb.
    let mut p = cue_i;
    while p > 0 && crate::cues::AUXILIARIES.contains(toks[p - 1].lower().as_str()) {
        p -= 1;
    }
    if p > 0 && matches!(toks[p - 1].lower().as_str(), "and" | "but" | "then") {
        return Some(SpeakerRef::ClauseSubject {
            sentence,
            before: toks[cue_i].start,
        });
    }
    let np = subject_before(toks, cue_i)?;
    // A coordinated cue: "expressed X and emphasized that" → the first subject.
    if np.1 < cue_i && matches!(toks[np.1].lower().as_str(), "and") {
        return Some(SpeakerRef::ClauseSubject {
            sentence,
            before: toks[cue_i].start,
        });
    }
    let has_term = toks[np.0..np.1].iter().any(|t| t.is_capitalized());
    if !plausible_speaker(toks, np, has_term) {
        // "he made remarks suggesting" style: look for the clause subject.
        return None;
    }
    Some(phrase(toks, np))
}

/// A quotation that opens a paragraph right after a sentence ending in ':'
/// (or a paragraph of quotation bullets under such a line).
/// How far back (in tokens) from a colon an introduction to a quotation is
/// looked for: "Quoting the foreign minister, the agency wrote:".
const INTRO_WINDOW_TOKENS: usize = 60;

fn intro_before(
    sents: &[SentenceTokens],
    seg: &Segmentation,
    pos: usize,
) -> Option<(usize, SpeakerRef)> {
    let si = seg.sentence_at(pos)?;
    // The sentence before the quotation's sentence, or the quotation's own
    // sentence when the colon is inside it.
    let candidates = [si.checked_sub(1), Some(si)];
    for cand in candidates.into_iter().flatten() {
        let st = &sents[cand];
        // The tokens before the quotation, at most an introduction's length
        // back: a sentence holding many quotations stays linear.
        let n = st.toks.partition_point(|t| t.end <= pos);
        let window = n.saturating_sub(INTRO_WINDOW_TOKENS);
        let toks: Vec<&Token> = st.toks[window..n].iter().collect();
        let Some(last) = toks.last() else { continue };
        if last.text != ":" {
            continue;
        }
        // "quoting the foreign minister as follows:" / "citing X as saying:"
        if let Some(q) = toks
            .iter()
            .position(|t| matches!(t.lower().as_str(), "quoting" | "citing" | "quoted"))
            && let Some(as_at) = (q + 1..toks.len()).find(|&k| toks[k].lower() == "as")
            && as_at > q + 1
            && as_at - q <= 8
        {
            return Some((cand, phrase(&st.toks, (window + q + 1, window + as_at))));
        }
        // The speaker: "quoting X as saying", the subject of the main verb
        // (the last cue with a subject phrase), else the first subject-like
        // phrase of the sentence.
        let mut fallback = None;
        for i in (window..n).rev() {
            if is_cue_word(st.toks[i].text).is_some()
                && !(crate::cues::is_noun_like_form(st.toks[i].text)
                    && !(i > 0 && subject_like_word(&st.toks[i - 1])))
                && let Some(sp) = speaker_for_cue(&st.toks, i, st.span)
            {
                if matches!(sp, SpeakerRef::Phrase { .. }) {
                    return Some((cand, sp));
                }
                fallback.get_or_insert(sp);
            }
        }
        if let Some(sp) = fallback {
            return Some((cand, sp));
        }
        return Some((
            cand,
            SpeakerRef::ClauseSubject {
                sentence: st.span,
                before: last.start.max(st.span.start + 1),
            },
        ));
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn indirect_in_sentence(
    text: &str,
    st: &SentenceTokens,
    quotes: &[Quotation],
    absorbed: &[(usize, usize)],
    used_cues: &std::collections::HashSet<usize>,
    inside_quote: &dyn Fn(usize) -> bool,
    out: &mut Vec<Attribution>,
) {
    let toks = &st.toks;
    if toks.is_empty() {
        return;
    }
    let ends_with_colon = toks.last().is_some_and(|t| t.text == ":");
    // Candidate cues with their speakers, left to right.
    let mut cands: Vec<(usize, Cue, SpeakerRef, Option<NpRange>)> = Vec::new();
    // A sentence ending in ':' drops a cue with no other cue after it.
    let last_cue = if ends_with_colon {
        toks.iter().rposition(|t| is_cue_word(t.text).is_some())
    } else {
        None
    };
    for (i, t) in toks.iter().enumerate() {
        // Cheap tests first (this runs for every token): most tokens are
        // neither a cue form nor a cue noun. Both start with an ASCII
        // letter, so no separate test for words is needed.
        let cue = is_cue_word(t.text);
        if cue.is_none() && !is_cue_noun(t.text) {
            continue;
        }
        let l = t.lower();
        if inside_quote(t.start) || used_cues.contains(&t.start) {
            continue;
        }
        // according to X
        if l == "according" && toks.get(i + 1).is_some_and(|n| n.lower() == "to") {
            let np = subject_after(toks, i + 1);
            if let Some(np) = np {
                cands.push((
                    i,
                    Cue {
                        lemma: "according to",
                        kind: CueKind::Speech,
                    },
                    phrase(toks, np),
                    Some(np),
                ));
            }
            continue;
        }
        // consensus among analysts that …
        if matches!(l.as_str(), "consensus" | "agreement")
            && toks.get(i + 1).is_some_and(|n| n.lower() == "among")
        {
            if let Some(np) = subject_after(toks, i + 1) {
                cands.push((
                    i,
                    Cue {
                        lemma: "consensus",
                        kind: CueKind::Speech,
                    },
                    phrase(toks, np),
                    Some(np),
                ));
            }
            continue;
        }
        let Some(cue) = cue else {
            continue;
        };
        if cue.kind == CueKind::Intro {
            continue;
        }
        // Passive "was told", "is expected": not the subject's speech.
        if i > 0
            && matches!(
                toks[i - 1].lower().as_str(),
                "was" | "were" | "be" | "been" | "being" | "is" | "are"
            )
            && t.text.ends_with("ed")
            || matches!(l.as_str(), "known" | "written" | "thought")
        {
            continue;
        }
        // Nouns that look like cue verbs: "the report", "a claim",
        // "provided remarks".
        if i > 0 && is_determiner(&toks[i - 1].lower()) {
            continue;
        }
        if crate::cues::is_noun_like_form(t.text) && !(i > 0 && subject_like_word(&toks[i - 1])) {
            continue;
        }
        // A bare form ("state", "note") is a verb only after a plural
        // subject, a modal or "to": "officials say", "will state".
        if l == cue.lemma && !(i > 0 && bare_verb_context(&toks[i - 1])) {
            continue;
        }
        // A sentence ending in ':' introduces the quotation below: its last
        // cue is not a statement of its own.
        if ends_with_colon && last_cue.is_none_or(|last| last <= i) {
            continue;
        }
        if let Some(sp) = speaker_for_cue(toks, i, st.span) {
            let np = match &sp {
                SpeakerRef::Phrase { span, .. } => {
                    Some((tok_at(toks, span.start), tok_at(toks, span.end - 1) + 1))
                }
                _ => None,
            };
            cands.push((i, cue, sp, np));
        } else if matches!(cue.kind, CueKind::Speech)
            && i > 0
            && toks[i - 1].text == ","
            && let Some(np) = subject_after(toks, i)
            && plausible_speaker(toks, np, toks[np.0].is_capitalized())
        {
            // "…, said the spokesman." — inverted, content before.
            cands.push((i, cue, phrase(toks, np), Some(np)));
        }
    }
    // "According to Araqchi, Rouhani told Macron that…": the whole sentence
    // is Araqchi's account; the inner cue is what he reports.
    if let Some(pos) = cands
        .iter()
        .position(|c| c.1.lemma == "according to" && c.0 <= 1)
    {
        cands.truncate(pos + 1);
        cands.drain(..pos);
    }
    let sentence_end = {
        let mut e = toks.len();
        while e > 0 && matches!(toks[e - 1].text, "." | "!" | "?" | ":" | ";" | "”" | "\"") {
            e -= 1;
        }
        e
    };
    for (ci, (i, cue, speaker, np)) in cands.iter().enumerate() {
        let i = *i;
        // Where the next statement's speaker starts, this content ends.
        // Only a coordinated statement ("…, while Rouhani stated…") ends this
        // one; a cue inside this one's that-clause is nested in it.
        let next_limit = cands
            .get(ci + 1)
            .and_then(|(j, _, _, nnp)| {
                let s = nnp.map(|n| n.0.min(*j)).unwrap_or(*j);
                let coordinated = (s.saturating_sub(10).max(i + 1)..s).any(|k| {
                    matches!(
                        toks[k].lower().as_str(),
                        "," | ";" | "while" | "but" | "whereas" | "and" | "although" | "—"
                    )
                });
                coordinated.then_some((s, *j))
            })
            .map(|(s, j)| {
                let mut s = s.min(j);
                // Cut at a conjunction opening the next statement, adjuncts and
                // all: "…, but, on February 7, he appeared to reject…".
                let floor = (i + 2).max(s.saturating_sub(8));
                if let Some(k) = (floor..s).rev().find(|&k| {
                    matches!(
                        toks[k].lower().as_str(),
                        "but" | "while" | "whereas" | "although" | ";"
                    )
                }) {
                    s = k;
                }
                // Drop a joining ", while" / "and" before the next speaker.
                while s > i + 1
                    && matches!(
                        toks[s - 1].lower().as_str(),
                        "," | "while" | "and" | "but" | "whereas" | ";" | "as"
                    )
                {
                    s -= 1;
                }
                s
            });
        let end = next_limit.unwrap_or(sentence_end).min(sentence_end);
        let np_after_cue = np.is_some_and(|n| n.0 > i);
        let (content_start, rule) = if cue.lemma == "according to" || cue.lemma == "consensus" {
            let npe = np.map(|n| n.1).unwrap_or(i + 2);
            let mut k = npe;
            if cue.lemma == "consensus" && toks.get(k).is_some_and(|t| t.lower() == "that") {
                k += 1;
            } else {
                while k < toks.len() && toks[k].text == "," {
                    k += 1;
                }
            }
            if k < end && (cue.lemma == "consensus" || toks.get(npe).is_some_and(|t| t.text == ","))
            {
                (
                    Some(k),
                    if cue.lemma == "consensus" {
                        "consensus-among"
                    } else {
                        "according-to"
                    },
                )
            } else {
                (None, "according-to-after")
            }
        } else if np_after_cue {
            (None, "clause-then-cue")
        } else if let Some(k) = that_clause_start(toks, i) {
            (Some(k), "cue-that-clause")
        } else {
            let mut k = i + 1;
            if cue.lemma == "tell" {
                k = skip_addressee(toks, k);
            }
            if matches!(cue.kind, CueKind::Stance) {
                if toks.get(k).is_some_and(|t| t.lower() == "out") {
                    k += 1;
                }
                (Some(k), "stance-object")
            } else if toks.get(k).is_some_and(|t| t.text == "," || t.text == ":")
                && toks.get(k + 1).is_some_and(|t| !is_quote_mark(t))
                && cue.kind == CueKind::Speech
            {
                (Some(k + 1), "cue-clause")
            } else if cue.kind == CueKind::Speech
                && toks
                    .get(k)
                    .is_some_and(|t| t.is_word() && !is_preposition(&t.lower()))
                && cue.lemma != "ask"
            {
                (Some(k), "cue-clause")
            } else {
                (None, "clause-then-cue")
            }
        };
        let (content, rule) = match content_start {
            Some(k) if k < end => (span_of(toks, k, end), rule),
            Some(_) => continue,
            None if np.is_some_and(|n| n.0 > 0 && n.0 < i && toks[n.0 - 1].lower() == "as") => {
                // "As Araqchi explained on August 28, CLAUSE."
                let Some(comma) = (i + 1..end.min(i + 12)).find(|&k| toks[k].text == ",") else {
                    continue;
                };
                if comma + 1 >= end {
                    continue;
                }
                (span_of(toks, comma + 1, end), "as-cue-clause")
            }
            None => {
                // Content before: "CLAUSE, he said." / "CLAUSE, according to X."
                let first = np.map(|n| n.0.min(i)).unwrap_or(i);
                let mut b = first;
                if b == 0 || toks[b - 1].text != "," {
                    continue;
                }
                b -= 1;
                // Only a short tail may follow the cue ("…, he said on Monday.").
                let tail_start = np.map(|n| n.1.max(i + 1)).unwrap_or(i + 1);
                if sentence_end.saturating_sub(tail_start) > 6 {
                    continue;
                }
                let start = if ci > 0 { continue } else { 0 };
                if b <= start {
                    continue;
                }
                (
                    span_of(toks, start, b),
                    if rule == "according-to-after" {
                        "clause-according-to"
                    } else {
                        "clause-then-cue"
                    },
                )
            }
        };
        let content = trim_span(text, content, &[',', ';', '—', '–']);
        // Fewer than two words: only the first two are looked for.
        if content.slice(text).split_whitespace().nth(1).is_none()
            || ends_with_colon && content.end >= st.span.end.saturating_sub(2)
        {
            continue;
        }
        // Quotations inside the clause make it mixed (or direct).
        // Only the quotations that can overlap the clause (binary search).
        let first_q = quotes.partition_point(|q| q.outer.end <= content.start);
        let last_q = quotes.partition_point(|q| q.outer.start < content.end);
        let inner: Vec<&Quotation> = quotes[first_q..last_q.max(first_q)]
            .iter()
            .enumerate()
            .map(|(k, q)| (first_q + k, q))
            .filter(|(qi, q)| {
                content.overlaps(q.outer)
                    && (absorbed.iter().any(|(a, _)| a == qi) || content.contains(q.outer))
            })
            .map(|(_, q)| q)
            .collect();
        let quoted: usize = inner.iter().map(|q| q.outer.len()).sum();
        let kind = if inner.is_empty() {
            Kind::Indirect
        } else if quoted * 10 >= content.len() * 9 {
            Kind::Direct
        } else {
            Kind::Mixed
        };
        let outer = inner.iter().fold(content, |acc, q| acc.cover(q.outer));
        let fragments = if inner.is_empty() {
            vec![content]
        } else {
            inner.iter().map(|q| q.content).collect()
        };
        let confidence = match (rule, cue.kind) {
            ("according-to" | "clause-according-to", _) => 0.8,
            (_, CueKind::Speech) => 0.75,
            (_, CueKind::Cognition) => 0.6,
            _ => 0.55,
        };
        out.push(Attribution {
            content: outer,
            outer,
            fragments,
            kind,
            cue: Some(span_of(toks, i, i + 1)),
            cue_text: Some(if cue.lemma == "according to" {
                "according to".to_string()
            } else {
                toks[i].text.to_string()
            }),
            speaker: speaker.clone(),
            clause: st.span,
            paragraph: st.paragraph,
            rule,
            confidence,
        });
    }
}
