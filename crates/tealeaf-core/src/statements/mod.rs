//! Statements: who said what, in which role, through which outlet, on which
//! day — each pointing back to its evidence with char offsets.
//!
//! `extract` runs the whole pure pipeline on one document:
//! sentences → quotations → dates → mentions → attributions → resolution.

mod attribution;
mod phrases;
mod region_tokens;
mod resolve;

use serde::Serialize;

pub use attribution::{Attribution, Kind, SpeakerRef, find_attributions, find_attributions_in};
pub use resolve::{Resolver, Speaker};

use crate::coding::{Coding, CodingInput, code, figure_words};
use crate::dates::{DateIndex, ResolvedDate, find_dates};
use crate::document::Document;
use crate::mentions::find_mentions_in;
use crate::pack::Pack;
use crate::pack::word_starts::WordStarts;
use crate::quotes::find_quotations;
use crate::sentences::{segment, split_sentences};
use crate::text::{CharMap, Span, floor_boundary, trim_span};

/// One attributed statement. Field names match the gold files of
/// `../shared/seeds` so the scorers read this output directly.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Statement {
    /// The document id (file name for files).
    pub doc: String,
    /// Char offsets `[start, end)` of `text` in the document body.
    pub span: [usize; 2],
    pub text: String,
    /// Char offsets of the whole quotation or clause this statement is part of
    /// (with quotation marks), shared by the parts of one attribution.
    pub quote_span: [usize; 2],
    /// Index of the attribution within the document (parts share it).
    pub attribution: usize,
    pub kind: Kind,
    pub direct: bool,
    pub speaker: Option<String>,
    pub speaker_mention: Option<String>,
    pub speaker_span: Option<[usize; 2]>,
    pub speaker_role: Option<String>,
    pub speaker_id: Option<String>,
    pub faction: Option<String>,
    pub outlet: Option<String>,
    pub outlet_id: Option<String>,
    pub outlet_affiliation: Option<String>,
    pub date: Option<String>,
    /// day | week | month | year | published (the publication date, as a fallback)
    pub date_precision: Option<String>,
    pub cue: Option<String>,
    pub confidence: f32,
    /// The rules that decided: attribution, speaker resolution, date.
    pub rule: String,
    /// Topic, stance, conditions, mediators, threats, about, probability,
    /// event codes, and the evidence for each.
    #[serde(flatten)]
    pub coding: Coding,
}

/// Limits that keep one document's cost bounded.
#[derive(Debug, Clone, Copy)]
pub struct ExtractOptions {
    pub max_statements: usize,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            max_statements: 10_000,
        }
    }
}

/// Extracts the statements of one document. Pure: no I/O, no global state.
pub fn extract(doc: &Document, pack: &Pack) -> Vec<Statement> {
    extract_with(doc, pack, &ExtractOptions::default())
}

pub fn extract_with(doc: &Document, pack: &Pack, opts: &ExtractOptions) -> Vec<Statement> {
    let text = doc.body.as_str();
    let seg = segment(text);
    let quotes = find_quotations(text, &seg);
    let dates: DateIndex = find_dates(text, &seg, doc.meta.published);
    // Each sentence split into tokens once, for mentions and attributions.
    let sentence_tokens = seg.sentence_tokens(text);
    // Word starts found once, for the pack-term and issue-cue matchers.
    let word_starts = WordStarts::of(text);
    // The pack's terms (for mentions) and the issues' cues (for coding)
    // in one walk of the word starts.
    let (term_hits, cues) = pack.terms_and_cues(text, &word_starts);
    let mentions = find_mentions_in(text, &seg, &sentence_tokens, &quotes, term_hits);
    let attrs = find_attributions_in(text, &seg, sentence_tokens, &quotes);
    let quotes_outer: Vec<Span> = quotes.iter().map(|q| q.outer).collect();

    let mut resolver = Resolver {
        text,
        pack,
        mentions: &mentions,
        seg: &seg,
        dates: &dates,
        doc_outlet: doc.meta.outlet.as_deref(),
        history: Vec::new(),
    };
    // Resolve in document order of the reporting clause, so pronouns and
    // "the editorial" see the speakers before them.
    let mut order: Vec<usize> = (0..attrs.len()).collect();
    order.sort_by_key(|&i| (attrs[i].content.start.min(attrs[i].clause.start), i));
    let mut speakers: Vec<Option<Speaker>> = vec![None; attrs.len()];
    let mut dated: Vec<Option<(ResolvedDate, &'static str)>> = vec![None; attrs.len()];
    for &i in &order {
        let a = &attrs[i];
        let date = resolver.date(a).or_else(|| match &a.speaker {
            SpeakerRef::Same(j) => dated[*j],
            _ => None,
        });
        let on = date.map(|d| d.0.date).or(dates.published);
        let speaker = resolver.resolve_speaker(a, on, &speakers);
        if let Some(s) = &speaker {
            let pos = s.mention_span.map(|m| m.start).unwrap_or(a.content.start);
            resolver.history.push((pos, s.clone()));
        }
        speakers[i] = speaker;
        dated[i] = date;
    }
    // Undated statements: the same words quoted elsewhere with a date, the
    // same speaker's dated entries (press reviews), the paragraph's last date,
    // then the publication date.
    let has_sections = dates.section.iter().any(Option::is_some);
    // Computed once: the dated quotations' words (for "the same words quoted
    // elsewhere"), and each actor's earliest date inside a dated section.
    let dated_words: Vec<(usize, String)> = (0..attrs.len())
        .filter(|&j| dated[j].is_some() && attrs[j].kind != Kind::Indirect)
        .map(|j| (j, normalise(attrs[j].content.slice(text))))
        .collect();
    let mut section_date_of_actor: std::collections::HashMap<crate::pack::ActorIdx, ResolvedDate> =
        Default::default();
    for j in 0..attrs.len() {
        if let (Some(actor), Some((d, _))) = (speakers[j].as_ref().and_then(|s| s.actor), dated[j])
            && dates
                .section
                .get(attrs[j].paragraph)
                .is_some_and(Option::is_some)
        {
            let e = section_date_of_actor.entry(actor).or_insert(d);
            if d.date < e.date {
                *e = d;
            }
        }
    }
    for i in 0..attrs.len() {
        if dated[i].is_some() {
            continue;
        }
        let a = &attrs[i];
        // Among the nearest dated quotations only: a document of thousands
        // of quotations must not compare every pair.
        let near = dated_words.partition_point(|(j, _)| *j + SAME_WORDS_REACH < i);
        let candidates = dated_words[near..]
            .iter()
            .take_while(|(j, _)| *j <= i + SAME_WORDS_REACH)
            .any(|(j, _)| *j != i);
        // Normalised only when some dated quotation may hold the words.
        let words = if candidates {
            normalise(a.content.slice(text))
        } else {
            String::new()
        };
        let same_words = (words.len() > 20)
            .then(|| {
                // Short words are looked for by their first byte and a
                // comparison (building a searcher cost more than the few
                // searches); long ones by one searcher, built for the first
                // candidate long enough to hold them.
                let mut finder = None;
                dated_words[near..]
                    .iter()
                    .take_while(|(j, _)| *j <= i + SAME_WORDS_REACH)
                    .find(|(j, w)| {
                        *j != i
                            && w.len() >= words.len()
                            && if words.len() <= SHORT_NEEDLE {
                                holds_short(w.as_bytes(), words.as_bytes())
                            } else {
                                finder
                                    .get_or_insert_with(|| {
                                        memchr::memmem::Finder::new(words.as_bytes())
                                    })
                                    .find(w.as_bytes())
                                    .is_some()
                            }
                    })
                    .map(|(j, _)| *j)
            })
            .flatten();
        if let Some(j) = same_words {
            dated[i] = dated[j].map(|(d, _)| (d, "same-quote-elsewhere"));
            continue;
        }
        let actor = speakers[i].as_ref().and_then(|s| s.actor);
        if has_sections
            && dates.section.get(a.paragraph).is_some_and(Option::is_none)
            && let Some(d) = actor.and_then(|x| section_date_of_actor.get(&x))
        {
            dated[i] = Some((*d, "speaker-section-date"));
            continue;
        }
        if let Some(d) = resolver.paragraph_date(a, &quotes_outer) {
            dated[i] = Some((d, "paragraph-date"));
            continue;
        }
        dated[i] = resolver.publication_date().map(|d| (d, "publication-date"));
    }

    let chars = CharMap::new(text);
    let figures = figure_words(text);
    let cspan = |s: Span| [chars.char_offset(s.start), chars.char_offset(s.end)];
    // Each attribution's statements: a direct quotation making several
    // claims gives one per sentence. Counted first, so the statements
    // (large: growing their vector copies them) are allocated once.
    let mut parts_of: Vec<Vec<Span>> = attrs.iter().map(|a| statement_parts(text, a)).collect();
    let statements = parts_of.iter().map(Vec::len).sum::<usize>();
    let mut out = Vec::with_capacity(statements.min(opts.max_statements));
    'attributions: for i in 0..attrs.len() {
        let a = &attrs[i];
        // Each attribution's speaker is read once more, here: taken, not cloned.
        let speaker = speakers[i].take().unwrap_or_default();
        let date = dated[i];
        let on = date.map(|d| d.0.date).or(dates.published);
        let actor = speaker.actor.map(|x| &pack.actors[x]);
        let role = match speaker.actor {
            Some(x) => pack.role_on(x, on).or(speaker.text_role.clone()),
            None => speaker.text_role.clone(),
        };
        let faction = speaker.actor.and_then(|x| pack.faction_on(x, on));
        let outlet = resolver.outlet(a, Some(&speaker));
        let (outlet_name, outlet_id, affiliation) = match outlet {
            Some((o, text_aff)) => {
                let o = &pack.outlets[o];
                (
                    Some(o.name.clone()),
                    Some(o.id.clone()),
                    text_aff.or(o.affiliation.clone()),
                )
            }
            None => (None, None, None),
        };
        let (date_str, precision, date_rule) = match date {
            Some((d, how)) => (
                Some(d.render()),
                Some(if how == "publication-date" {
                    "published".to_string()
                } else {
                    d.precision.name().to_string()
                }),
                how,
            ),
            None => (None, None, "no-date"),
        };
        let speaker_conf = match speaker.method {
            "pack-name" | "pack-name-earlier" | "outlet" | "outlet-organ" => 1.0,
            "role-on-date" | "pack-name-on-date" | "text-name" => 0.9,
            "pronoun" | "outlet-noun" | "same-as-previous" => 0.85,
            "phrase" => 0.8,
            _ => 0.5,
        };
        // "<attribution>; speaker:<method>; date:<rule>", joined by hand:
        // `format!` cost several times more, once per statement.
        let method = if speaker.method.is_empty() {
            "none"
        } else {
            speaker.method
        };
        let mut rule = String::with_capacity(a.rule.len() + method.len() + date_rule.len() + 16);
        for piece in [a.rule, "; speaker:", method, "; date:", date_rule] {
            rule.push_str(piece);
        }
        let parts = std::mem::take(&mut parts_of[i]);
        // The fields every part shares: cloned for all parts but the last,
        // which takes them.
        let mut shared = SharedFields {
            speaker: speaker.name.clone(),
            speaker_mention: speaker.mention.clone(),
            speaker_role: role,
            speaker_id: actor.map(|x| x.id.clone()),
            faction,
            outlet: outlet_name,
            outlet_id,
            outlet_affiliation: affiliation,
            date: date_str,
            date_precision: precision,
            cue: a.cue_text.clone(),
            rule,
        };
        let last_part = parts.len().saturating_sub(1);
        for (k, part) in parts.into_iter().enumerate() {
            if out.len() >= opts.max_statements {
                // The cap keeps the first statements in attribution order;
                // they are still returned in text order like any output.
                break 'attributions;
            }
            let coding = code(
                pack,
                &coding_input(
                    text,
                    &seg,
                    a,
                    part,
                    &speaker,
                    date.map(|d| d.0.date).or(dates.published),
                    &mentions,
                    &dates,
                    &chars,
                    &cues,
                    &figures,
                ),
            );
            let fields = if k == last_part {
                std::mem::take(&mut shared)
            } else {
                shared.clone()
            };
            out.push(Statement {
                doc: doc.id.clone(),
                span: cspan(part),
                text: part.slice(text).to_string(),
                quote_span: cspan(a.outer),
                attribution: i,
                kind: a.kind,
                direct: a.kind == Kind::Direct,
                speaker: fields.speaker,
                speaker_mention: fields.speaker_mention,
                speaker_span: speaker.mention_span.map(cspan),
                speaker_role: fields.speaker_role,
                speaker_id: fields.speaker_id,
                faction: fields.faction,
                outlet: fields.outlet,
                outlet_id: fields.outlet_id,
                outlet_affiliation: fields.outlet_affiliation,
                date: fields.date,
                date_precision: fields.date_precision,
                cue: fields.cue,
                confidence: (a.confidence * speaker_conf * 100.0).round() / 100.0,
                rule: fields.rule,
                coding,
            });
        }
    }
    out.sort_by_key(|s| (s.span[0], s.span[1]));
    out
}

/// The fields of a [`Statement`] that all parts of one attribution share.
#[derive(Clone, Default)]
struct SharedFields {
    speaker: Option<String>,
    speaker_mention: Option<String>,
    speaker_role: Option<String>,
    speaker_id: Option<String>,
    faction: Option<String>,
    outlet: Option<String>,
    outlet_id: Option<String>,
    outlet_affiliation: Option<String>,
    date: Option<String>,
    date_precision: Option<String>,
    cue: Option<String>,
    rule: String,
}

/// How many attributions either side are searched for the same words quoted
/// with a date.
const SAME_WORDS_REACH: usize = 200;

/// How far (in bytes) either side of a statement its coding context reaches.
const CONTEXT_BYTES: usize = 2000;

/// What the coder sees: the statement, its cue (for reported speech), its
/// sentence with the one before and the reporting clause, one sentence
/// either side inside the same quotation, and for naming the parties the
/// paragraph before, the next three and the lead.
#[allow(clippy::too_many_arguments)]
fn coding_input<'a>(
    text: &'a str,
    seg: &crate::sentences::Segmentation,
    a: &Attribution,
    part: Span,
    speaker: &Speaker,
    date: Option<chrono::NaiveDate>,
    mentions: &'a [crate::mentions::Mention<'a>],
    dates: &'a DateIndex,
    chars: &'a CharMap<'a>,
    cues: &'a [crate::pack::IssueMatches],
    figure_words: &'a [usize],
) -> CodingInput<'a> {
    // Context is read within a bounded distance of the statement: a
    // "sentence" or paragraph of hundreds of kilobytes (text without
    // punctuation or line breaks) must not make coding quadratic.
    let near = |s: Span| {
        let start = floor_boundary(text, s.start.max(part.start.saturating_sub(CONTEXT_BYTES)));
        let end = floor_boundary(text, s.end.min(part.end.saturating_add(CONTEXT_BYTES)));
        Span::new(start, end.max(start))
    };
    let first = seg.sentence_at(part.start).unwrap_or(0);
    let last = seg.sentence_at(part.end.saturating_sub(1)).unwrap_or(first);
    let sentence = |i: usize| seg.sentences.get(i).map(|s| s.span);
    let local: Vec<Span> = (first.saturating_sub(1)..=last)
        .filter_map(sentence)
        .chain(std::iter::once(a.clause))
        .map(near)
        .collect();
    let wider: Vec<Span> = [first.checked_sub(1), Some(last + 1)]
        .into_iter()
        .flatten()
        .filter_map(sentence)
        .filter(|s| a.outer.overlaps(*s))
        .map(|s| {
            near(Span::new(
                s.start.max(a.outer.start),
                s.end.min(a.outer.end),
            ))
        })
        .collect();
    let para = seg.paragraph_at(part.start).unwrap_or(0);
    let mut document: Vec<Span> = (para.saturating_sub(1)..=para + 3)
        .filter_map(|p| seg.paragraphs.get(p).map(|p| near(p.span)))
        .collect();
    if let Some(lead) = seg.paragraphs.first() {
        let end = floor_boundary(text, lead.span.end.min(lead.span.start + 2 * CONTEXT_BYTES));
        document.push(Span::new(lead.span.start, end));
    }
    CodingInput {
        text,
        document,
        statement: part,
        cue: if a.kind == Kind::Direct { None } else { a.cue },
        local,
        wider,
        speaker: speaker.actor,
        date,
        mentions,
        dates,
        chars,
        cues,
        figure_words,
    }
}

/// The longest words [`holds_short`] looks for: each hit of the first byte
/// costs at most this many byte comparisons.
const SHORT_NEEDLE: usize = 160;

/// Whether `hay` holds `needle`: each place the first byte is found
/// (memchr) is compared with the rest.
fn holds_short(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, &hay[from..=last_start]) {
        let at = from + i;
        if &hay[at + 1..at + needle.len()] == rest {
            return true;
        }
        from = at + 1;
        if from > last_start {
            break;
        }
    }
    false
}

fn normalise(s: &str) -> String {
    // Letters and digits lower-cased, words joined by one space; other
    // characters dropped ("U.S." → "us"). One pass, one allocation; runs of
    // ASCII letters and digits are copied whole and lower-cased in place.
    use crate::text::{BYTE_CLASS, ByteClass};
    enum Word {
        AsciiRun(std::ops::Range<usize>),
        Char(char),
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let word = match BYTE_CLASS[bytes[i] as usize] {
            ByteClass::Space => {
                space = !out.is_empty();
                i += 1;
                continue;
            }
            ByteClass::Punctuation => {
                i += 1;
                continue;
            }
            ByteClass::AlphaNumeric => {
                let run = bytes[i..]
                    .iter()
                    .position(|&b| BYTE_CLASS[b as usize] != ByteClass::AlphaNumeric)
                    .unwrap_or(bytes.len() - i);
                Word::AsciiRun(i..i + run)
            }
            ByteClass::NonAscii => {
                let Some(c) = s[i..].chars().next() else {
                    break;
                };
                i += c.len_utf8();
                if c.is_whitespace() {
                    space = !out.is_empty();
                    continue;
                }
                if !crate::text::is_alphanumeric(c) {
                    continue;
                }
                Word::Char(c)
            }
        };
        if space {
            out.push(' ');
            space = false;
        }
        match word {
            Word::Char(c) => out.extend(c.to_lowercase()),
            Word::AsciiRun(run) => {
                let at = out.len();
                out.push_str(&s[run.clone()]);
                out[at..].make_ascii_lowercase();
                i = run.end;
            }
        }
    }
    out
}

/// The spans of an attribution's statements: a direct quotation's
/// sentences with their quotation marks and dashes trimmed (those with a
/// letter or digit), or the whole content.
fn statement_parts(text: &str, a: &Attribution) -> Vec<Span> {
    if a.kind != Kind::Direct {
        return vec![a.content];
    }
    a.fragments
        .iter()
        .flat_map(|f| split_sentences(text, *f))
        .map(|s| {
            trim_span(
                text,
                s,
                &['“', '”', '"', '‘', '’', ',', '—', '–', '-', '…', ' '],
            )
        })
        .filter(|s| s.slice(text).chars().any(crate::text::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests;
