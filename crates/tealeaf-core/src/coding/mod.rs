//! Coding: each statement's topic (which pack issue it concerns), stance
//! (support / oppose / conditional / neutral), the conditions it sets, the
//! mediators and channels it names, threats and their deadlines, whose
//! position it reports (`about`), a voiced likelihood, and the nearest CAMEO
//! code with its PLOVER event type and mode. Every coded field carries
//! evidence: the cue, its span and the rule that decided.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use crate::dates::DateIndex;
use crate::mentions::{Mention, MentionKind};
use crate::pack::{ActorIdx, ActorKind, CueClass, CueHit, Issue, IssueMatches, LexiconEntry, Pack};
use crate::text::{CharMap, Span};

mod negation;
use negation::{negated, self_negating};

/// Why a coded field has its value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    pub field: &'static str,
    pub value: String,
    /// The cue phrase from the pack (or the text) that decided.
    pub cue: Option<String>,
    /// Char offsets of the cue in the document body.
    pub span: Option<[usize; 2]>,
    pub rule: &'static str,
    pub confidence: f32,
}

/// A threat and its deadline, when one is stated.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deadline {
    pub threat: String,
    /// Resolved day ("2019-09-06") or the words ("within two months").
    pub deadline: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Coding {
    pub topic: Option<String>,
    pub stance: Option<String>,
    pub conditions: Vec<String>,
    pub mediators: Vec<String>,
    pub threats: Vec<String>,
    pub deadlines: Vec<Deadline>,
    pub about: Option<String>,
    pub probability: Option<f64>,
    pub cameo: Option<String>,
    pub cameo_name: Option<String>,
    pub plover_event: Option<String>,
    pub plover_mode: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// What the coder sees of one statement.
pub struct CodingInput<'a> {
    pub text: &'a str,
    /// The statement's words.
    pub statement: Span,
    /// The reporting cue ("dismissed", "stipulated"), if any.
    pub cue: Option<Span>,
    /// The statement's sentence(s), the sentence before, and the reporting clause.
    pub local: Vec<Span>,
    /// One sentence either side, inside the same quotation.
    pub wider: Vec<Span>,
    /// The statement's paragraph, the one before, and the document's lead
    /// and title: where an article names the parties once for all.
    pub document: Vec<Span>,
    pub speaker: Option<ActorIdx>,
    pub date: Option<NaiveDate>,
    pub mentions: &'a [Mention<'a>],
    pub dates: &'a DateIndex,
    pub chars: &'a CharMap<'a>,
    /// Each pack issue's cue matches in the whole document, found once per
    /// document ([`Pack::terms_and_cues`]), in the order of `pack.issues`.
    pub cues: &'a [IssueMatches],
    /// Byte offsets of the words every voiced likelihood needs ("%",
    /// "per cent", "fifty", "odds"), from [`figure_words`], sorted.
    pub figure_words: &'a [usize],
}

/// Where the document has a word a likelihood figure needs: found once per
/// document, so each statement's check is a binary search.
///
/// The starts of every "%" and every "cent", "fifty" and "odds" in any ASCII
/// case, in order (none of these can overlap another). Eight bytes are
/// tested at a time for a byte that may start one: an automaton over every
/// byte cost several times more.
pub fn figure_words(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut check = |i: usize| {
        let rest: &[u8] = match FIGURE_WORD_START[bytes[i] as usize] {
            0 => return,
            b'%' => b"",
            b'c' => b"ent",
            b'f' => b"ifty",
            _ => b"dds",
        };
        if bytes
            .get(i + 1..i + 1 + rest.len())
            .is_some_and(|next| next.eq_ignore_ascii_case(rest))
        {
            out.push(i);
        }
    };
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder().len();
    for (k, chunk) in chunks.enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let mut candidates = may_start_figure_word(word);
        while candidates != 0 {
            check(k * 8 + candidates.trailing_zeros() as usize / 8);
            candidates &= candidates - 1;
        }
    }
    for i in bytes.len() - tail..bytes.len() {
        check(i);
    }
    out
}

/// A set high bit in each byte of `word` that may be "%", c, f or o in
/// either case (some other bytes too: every candidate is checked), and
/// at least one in every byte that is one.
fn may_start_figure_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Setting bit 5 lower-cases letters ('%' has it already).
    let folded = word | (0x20 * ONES);
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    zero_byte(folded ^ (u64::from(b'c') * ONES))
        | zero_byte(folded ^ (u64::from(b'f') * ONES))
        | zero_byte(folded ^ (u64::from(b'o') * ONES))
        | zero_byte(folded ^ (u64::from(b'%') * ONES))
}

/// The bytes a figure word starts with ("%", and c, f, o in either case),
/// each mapped to its lower case; 0 for every other byte.
static FIGURE_WORD_START: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'%' as usize] = b'%';
    let mut i = 0;
    let letters = *b"cfo";
    while i < letters.len() {
        table[letters[i] as usize] = letters[i];
        table[letters[i].to_ascii_uppercase() as usize] = letters[i];
        i += 1;
    }
    table
};

/// Whether issue `ii` has a cue of `class` inside `span`, on word boundaries.
fn has_cue_in(pack: &Pack, input: &CodingInput, ii: usize, span: &Span, class: CueClass) -> bool {
    input.cues.get(ii).is_some_and(|matches| {
        matches.has_class_in(&pack.issues[ii], input.text, span.start, span.end, class)
    })
}

/// Replaces `out` with the issue's cues in each span in turn (a span's
/// cues again for each span it overlaps).
fn cues_in_spans<'p, 's>(
    pack: &'p Pack,
    input: &CodingInput,
    ii: usize,
    spans: impl IntoIterator<Item = &'s Span>,
    out: &mut Vec<CueHit<'p>>,
) {
    out.clear();
    if let Some(matches) = input.cues.get(ii) {
        let issue = &pack.issues[ii];
        for span in spans {
            matches.scan_into(issue, input.text, span.start, span.end, out);
        }
    }
}

fn within(spans: &[Span], s: usize, e: usize) -> bool {
    spans.iter().any(|sp| sp.start <= s && e <= sp.end)
}

pub fn code(pack: &Pack, input: &CodingInput) -> Coding {
    let text = input.text;
    let mut c = Coding::default();
    let speaker_country = input
        .speaker
        .and_then(|a| pack.actors[a].country.as_deref());
    let cspan = |s: usize, e: usize| Some([input.chars.char_offset(s), input.chars.char_offset(e)]);

    // Scan the statement (with its cue) and its context once per issue,
    // into vectors reused from issue to issue: the best issue's hits are
    // swapped out of the way.
    let own_spans = || std::iter::once(&input.statement).chain(input.cue.as_ref());
    let (mut own, mut ctx, mut doc_hits) = (Vec::new(), Vec::new(), Vec::new());
    let (mut best_own, mut best_ctx) = (Vec::new(), Vec::new());
    let mut best: Option<(i32, usize)> = None;
    for (ii, issue) in pack.issues.iter().enumerate() {
        cues_in_spans(pack, input, ii, own_spans(), &mut own);
        cues_in_spans(
            pack,
            input,
            ii,
            input.local.iter().chain(&input.wider),
            &mut ctx,
        );
        let own_topic = own.iter().filter(|h| h.class == CueClass::Topic).count() as i32;
        let ctx_topic = ctx
            .iter()
            .filter(|h| h.class == CueClass::Topic && within(&input.local, h.start, h.end))
            .count() as i32;
        let vocab = own
            .iter()
            .filter(|h| matches!(h.class, CueClass::Condition(_) | CueClass::Threat(_)))
            .count() as i32;
        // A stance cue with the topic only in the surrounding quotation
        // ("They tighten the pressure and call it an invitation to surrender").
        let stance_cue = own.iter().any(|h| {
            matches!(
                h.class,
                CueClass::Support | CueClass::Oppose | CueClass::Conditional
            )
        });
        let wider_topic = ctx.iter().any(|h| h.class == CueClass::Topic);
        let score =
            3 * own_topic + ctx_topic.min(2) + 2 * vocab + i32::from(stance_cue && wider_topic);
        if score == 0 {
            continue;
        }
        // Talk of talks needs the other party named; the issue's own
        // conditions and threats ("reduce its commitments") need no more.
        let other_party = own.iter().any(|h| h.class == CueClass::OtherParty);
        if vocab == 0 && !counterpart_present(issue, &own, &ctx, speaker_country) {
            // The article may name the other party once for all, unless the
            // statement names a different one ("the three European countries").
            if other_party {
                continue;
            }
            cues_in_spans(pack, input, ii, &input.document, &mut doc_hits);
            if !counterpart_present(issue, &[], &doc_hits, speaker_country) {
                continue;
            }
        }
        if best.is_none_or(|(bs, _)| score > bs) {
            best = Some((score, ii));
            std::mem::swap(&mut own, &mut best_own);
            std::mem::swap(&mut ctx, &mut best_ctx);
        }
    }
    let (own, ctx) = (best_own, best_ctx);
    let Some((_, ii)) = best else {
        c.topic = Some("other".to_string());
        c.stance = Some("neutral".to_string());
        c.evidence.push(Evidence {
            field: "topic",
            value: "other".into(),
            cue: None,
            span: None,
            rule: "no-issue-cue",
            confidence: 0.6,
        });
        set_event(&mut c, Some("010"));
        probability(&mut c, input);
        return c;
    };
    let issue = &pack.issues[ii];
    c.topic = Some(issue.def.id.clone());
    let topic_cue = own.iter().chain(&ctx).find(|h| h.class == CueClass::Topic);
    c.evidence.push(Evidence {
        field: "topic",
        value: issue.def.id.clone(),
        cue: topic_cue.map(|h| h.phrase.to_string()),
        span: topic_cue.and_then(|h| cspan(h.start, h.end)),
        rule: if own.iter().any(|h| h.class == CueClass::Topic) {
            "topic-cue-in-statement"
        } else {
            "topic-cue-in-context"
        },
        confidence: 0.8,
    });

    // Stance signals, negation-aware.
    let (mut support, mut oppose, mut conditional, mut neutral): (
        Vec<&CueHit>,
        Vec<&CueHit>,
        Vec<&CueHit>,
        Vec<&CueHit>,
    ) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for h in &own {
        // A cue that carries its own negation ("not feasible", "neither wise",
        // "nor honourable") is not flipped by the words before it.
        let neg = !self_negating(h.phrase) && negated(text, h.start);
        match (h.class, neg) {
            (CueClass::Support, false) | (CueClass::Oppose, true) => support.push(h),
            (CueClass::Oppose, false) | (CueClass::Support, true) => oppose.push(h),
            // "will not negotiate", "no talks" — unless the negation belongs
            // to a stance cue in between ("not opposed to talks").
            (CueClass::Topic, true)
                if issue.def.negated_topic_opposes
                    && !own.iter().any(|o| {
                        (matches!(o.class, CueClass::Support | CueClass::Oppose)
                            && o.end <= h.start
                            && o.start + 60 >= h.start)
                            || (o.class == CueClass::Neutral
                                && o.start <= h.start
                                && h.end <= o.end + 30)
                    }) =>
            {
                oppose.push(h)
            }
            (CueClass::Conditional, _) => conditional.push(h),
            (CueClass::Neutral, _) => neutral.push(h),
            _ => {}
        }
    }
    // Questions: "Why should we negotiate…?" opposes; "Did we not negotiate…?"
    // affirms; other questions take no position.
    let words = input.statement.slice(text).trim();
    let question = words
        .trim_end_matches(['”', '"', '’', '\'', ')'])
        .ends_with('?');
    // Lower-cased only where read: by the question tests, and by the hedge
    // test when support leads (without a question, support and oppose do
    // not change before that test).
    let lower = if question || support.len() > oppose.len() {
        words.to_lowercase()
    } else {
        String::new()
    };
    let rhetorical_why = question
        && (lower.starts_with("why should")
            || lower.starts_with("why would")
            || lower.starts_with("why must"));
    let negative_question = question
        && [
            "did we not",
            "did they not",
            "have we not",
            "has it not",
            "is it not",
            "was it not",
            "do we not",
            "didn't we",
            "haven't we",
            "isn't it",
        ]
        .iter()
        .any(|p| lower.starts_with(p) || lower.contains(&format!(", {p}")));
    if question && !rhetorical_why && !negative_question && conditional.is_empty() {
        support.clear();
        oppose.clear();
    }
    if rhetorical_why && own.iter().any(|h| h.class == CueClass::Topic) {
        oppose.extend(own.iter().filter(|h| h.class == CueClass::Topic).take(1));
        support.clear();
    }
    if negative_question {
        // The negation asks for agreement: "did we not negotiate" = we did.
        oppose.retain(|h| h.class != CueClass::Topic);
        support.extend(own.iter().filter(|h| h.class == CueClass::Topic).take(1));
    }
    // Hedged support ("he may approve of negotiations") is conditional.
    let hedged = support.len() > oppose.len()
        && lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "may" | "might" | "perhaps" | "possibly" | "maybe"));
    let mut conditions: Vec<&CueHit> = own
        .iter()
        .filter(|h| matches!(h.class, CueClass::Condition(_)))
        .collect();
    conditions.dedup_by_key(|h| h.class);
    let (stance, decisive, rule): (&str, Option<&CueHit>, &'static str) =
        if let Some(h) = conditional.first() {
            ("conditional", Some(*h), "conditional-cue")
        } else if !conditions.is_empty() && oppose.is_empty() {
            ("conditional", conditions.first().copied(), "condition-set")
        } else if !conditions.is_empty()
            && !own
                .iter()
                .any(|h| h.class == CueClass::Framing && !negated(text, h.start))
        {
            // "rejected talks under pressure": the refusal names its condition.
            (
                "conditional",
                conditions.first().copied(),
                "refusal-with-condition",
            )
        } else if oppose.len() > support.len() {
            (
                "oppose",
                oppose.first().copied(),
                if rhetorical_why {
                    "rhetorical-question"
                } else if negated(text, oppose[0].start) {
                    "negated-cue"
                } else {
                    "oppose-cue"
                },
            )
        } else if hedged {
            ("conditional", support.first().copied(), "hedged-support")
        } else if support.len() > oppose.len() {
            (
                "support",
                support.first().copied(),
                if negative_question {
                    "negative-question"
                } else if negated(text, support[0].start) {
                    "negated-cue"
                } else {
                    "support-cue"
                },
            )
        } else if !support.is_empty() {
            ("conditional", support.first().copied(), "mixed-signals")
        } else {
            (
                "neutral",
                neutral.first().copied(),
                if neutral.is_empty() {
                    "no-stance-cue"
                } else {
                    "neutral-cue"
                },
            )
        };
    c.stance = Some(stance.to_string());
    c.evidence.push(Evidence {
        field: "stance",
        value: stance.into(),
        cue: decisive.map(|h| h.phrase.to_string()),
        span: decisive.and_then(|h| cspan(h.start, h.end)),
        rule,
        confidence: if decisive.is_some() { 0.75 } else { 0.5 },
    });

    if matches!(stance, "conditional" | "oppose") {
        for h in &conditions {
            let CueClass::Condition(i) = h.class else {
                continue;
            };
            let id = issue.def.conditions[i].id.clone();
            if !c.conditions.contains(&id) {
                c.conditions.push(id.clone());
                c.evidence.push(Evidence {
                    field: "conditions",
                    value: id,
                    cue: Some(h.phrase.to_string()),
                    span: cspan(h.start, h.end),
                    rule: "condition-cue",
                    confidence: 0.75,
                });
            }
        }
    }
    for h in own
        .iter()
        .filter(|h| matches!(h.class, CueClass::Threat(_)))
    {
        let CueClass::Threat(i) = h.class else {
            continue;
        };
        let id = issue.def.threats[i].id.clone();
        if c.threats.contains(&id) {
            continue;
        }
        c.threats.push(id.clone());
        c.evidence.push(Evidence {
            field: "threats",
            value: id.clone(),
            cue: Some(h.phrase.to_string()),
            span: cspan(h.start, h.end),
            rule: "threat-cue",
            confidence: 0.75,
        });
        if let Some(d) = deadline(input) {
            c.evidence.push(Evidence {
                field: "deadlines",
                value: d.clone(),
                cue: None,
                span: None,
                rule: "date-after-statement",
                confidence: 0.6,
            });
            c.deadlines.push(Deadline {
                threat: id,
                deadline: d,
            });
        }
    }
    mediators(&mut c, issue, &own, &ctx, input, speaker_country, pack);
    // On an issue, a reported position names whom it is about.
    about(&mut c, pack, input, true);
    probability(&mut c, input);

    // Event code: a threat first, then the leading condition, then the stance.
    let event = c
        .threats
        .first()
        .and_then(|t| issue.def.threats.iter().find(|x| &x.id == t))
        .and_then(|t| {
            if c.deadlines.is_empty() {
                t.event.clone()
            } else {
                Some("139".to_string())
            }
        })
        .or_else(|| {
            (stance == "conditional")
                .then(|| {
                    c.conditions
                        .first()
                        .and_then(|k| issue.def.conditions.iter().find(|x| &x.id == k))
                        .and_then(|k| k.event.clone())
                })
                .flatten()
        })
        .or_else(|| match stance {
            "support" => issue.def.events.support.clone(),
            "oppose" => issue.def.events.oppose.clone(),
            "conditional" => issue.def.events.conditional.clone(),
            _ => issue.def.events.neutral.clone(),
        });
    set_event(&mut c, event.as_deref().or(Some("010")));
    c
}

/// An issue with counterparts holds only if one is named: the United States
/// for Iranian or third-party speakers, Iran for American ones.
fn counterpart_present(
    issue: &Issue,
    own: &[CueHit],
    ctx: &[CueHit],
    speaker_country: Option<&str>,
) -> bool {
    if issue.def.counterparts.is_empty() {
        return true;
    }
    let on_counterpart_side =
        speaker_country.is_some_and(|c| issue.def.counterpart_countries.iter().any(|x| x == c));
    let wanted = if on_counterpart_side {
        CueClass::Home
    } else {
        CueClass::Counterpart
    };
    own.iter().chain(ctx).any(|h| h.class == wanted)
}

fn mediators(
    c: &mut Coding,
    issue: &Issue,
    own: &[CueHit],
    ctx: &[CueHit],
    input: &CodingInput,
    speaker_country: Option<&str>,
    pack: &Pack,
) {
    if issue.def.mediators.is_empty() {
        return;
    }
    // Mediation words: the topic cues of a pack issue that lists mediators
    // and has no counterparts (the mediation issue).
    let talk_in = |span: &Span| {
        pack.issues.iter().enumerate().any(|(ii, issue)| {
            !issue.def.mediators.is_empty()
                && issue.def.counterparts.is_empty()
                && has_cue_in(pack, input, ii, span, CueClass::Topic)
        })
    };
    // Mediation words anywhere nearby, and in the statement: looked for
    // only once a mediator is named, and then once.
    let mediation_talk = std::cell::OnceCell::new();
    let mediation_talk = || {
        *mediation_talk.get_or_init(|| {
            input
                .wider
                .iter()
                .chain(&input.local)
                .chain(std::iter::once(&input.statement))
                .any(talk_in)
        })
    };
    let talk_in_statement = std::cell::OnceCell::new();
    let talk_in_statement = || *talk_in_statement.get_or_init(|| talk_in(&input.statement));
    let add = |c: &mut Coding,
               id: &str,
               cue: Option<String>,
               span: Option<[usize; 2]>,
               rule: &'static str| {
        if !c.mediators.iter().any(|m| m == id) {
            c.mediators.push(id.to_string());
            c.evidence.push(Evidence {
                field: "mediators",
                value: id.to_string(),
                cue,
                span,
                rule,
                confidence: 0.7,
            });
        }
    };
    for h in own.iter().chain(ctx) {
        let CueClass::Mediator(i) = h.class else {
            continue;
        };
        let in_statement = within(&[input.statement], h.start, h.end);
        let in_quote = input
            .wider
            .iter()
            .find(|w| w.start <= h.start && h.end <= w.end);
        // A mediator's official named in the statement counts ("Rouhani told
        // Macron"); a country needs mediation words in the statement, or in
        // its own sentence of the same quotation.
        // (Only read for a mediator in the statement.)
        let person = in_statement && names_a_person(pack, &input.text[h.start..h.end]);
        let near = if in_statement {
            mediation_talk() && (talk_in_statement() || person || input.wider.iter().any(talk_in))
        } else if let Some(w) = in_quote {
            talk_in_statement() || talk_in(w)
        } else {
            false
        };
        if near || (in_statement && person) {
            let id = issue.def.mediators[i].id.clone();
            let span = Some([
                input.chars.char_offset(h.start),
                input.chars.char_offset(h.end),
            ]);
            add(
                c,
                &id,
                Some(h.phrase.to_string()),
                span,
                if in_statement {
                    "mediator-in-statement"
                } else {
                    "mediator-in-context"
                },
            );
        }
    }
    if let Some(country) = speaker_country
        && let Some(m) = issue.def.mediators.iter().find(|m| m.id == country)
    {
        add(c, &m.id, None, None, "speaker-is-mediator");
    }
}

/// Whether `name` is the name of a pack actor who is a person.
fn names_a_person(pack: &Pack, name: &str) -> bool {
    pack.lexicon.scan(name).iter().any(|x| {
        x.entries.iter().any(
            |e| matches!(e, LexiconEntry::ActorName(a) if pack.actors[*a].kind == ActorKind::Person),
        )
    })
}

/// The mentions (sorted by start) that start inside `span`: a binary
/// search, so coding a statement does not walk the whole document.
fn mentions_starting_in<'m, 'p>(mentions: &'m [Mention<'p>], span: Span) -> &'m [Mention<'p>] {
    let lo = mentions.partition_point(|m| m.span.start < span.start);
    let hi = mentions.partition_point(|m| m.span.start < span.end);
    &mentions[lo..hi.max(lo)]
}

/// Whose position the statement reports: a person named as a clause subject
/// or possessor in the statement ("the supreme leader is not opposed",
/// "Khamenei's opposition", "Rouhani told Macron that…"), not the speaker.
fn about(c: &mut Coding, pack: &Pack, input: &CodingInput, has_stance: bool) {
    if !has_stance {
        return;
    }
    let text = input.text;
    for m in mentions_starting_in(input.mentions, input.statement)
        .iter()
        .filter(|m| input.statement.contains(m.span))
    {
        let MentionKind::Pack(entries) = &m.kind else {
            continue;
        };
        let actor = entries.iter().find_map(|e| match e {
            LexiconEntry::ActorName(a) | LexiconEntry::RoleMention(a, _) => Some(*a),
            _ => None,
        });
        let Some(a) = actor else { continue };
        if Some(a) == input.speaker || pack.actors[a].kind != ActorKind::Person {
            continue;
        }
        // Pick the holder on the date for titled mentions.
        let a = entries
            .iter()
            .filter_map(|e| match e {
                LexiconEntry::RoleMention(x, r) => Some((*x, *r)),
                _ => None,
            })
            .find(|(x, r)| {
                input
                    .date
                    .is_none_or(|d| crate::pack::role_active(&pack.actors[*x].roles[*r], d))
            })
            .map(|(x, _)| x)
            .unwrap_or(a);
        let before = text[input.statement.start..m.span.start].trim_end();
        let last_word = before
            .rsplit(|ch: char| ch.is_whitespace())
            .next()
            .unwrap_or("")
            .to_lowercase();
        let at_clause_start = before.is_empty()
            || before.ends_with(',')
            || matches!(
                last_word.as_str(),
                "that" | "claim" | "claims" | "say" | "says" | "believe" | "argue" | "but"
            );
        let after = &text[m.span.end..input.statement.end];
        let possessor = after.starts_with("’s") || after.starts_with("'s");
        let verb_after = after.split_whitespace().next().is_some_and(|w| {
            let w = w.to_lowercase();
            matches!(
                w.as_str(),
                "is" | "was"
                    | "has"
                    | "had"
                    | "would"
                    | "will"
                    | "told"
                    | "does"
                    | "did"
                    | "may"
                    | "might"
                    | "could"
                    | "remains"
                    | "can"
                    | "cannot"
                    | "must"
                    | "should"
            ) || (w.len() > 3
                && (w.ends_with("ed") || w.ends_with('s'))
                && w.chars().all(char::is_alphabetic))
        });
        if (at_clause_start && (verb_after || possessor))
            || (possessor && before.split_whitespace().count() <= 3)
        {
            let name = pack.actors[a].name.clone();
            c.evidence.push(Evidence {
                field: "about",
                value: name.clone(),
                cue: Some(m.span.slice(text).to_string()),
                span: Some([
                    input.chars.char_offset(m.span.start),
                    input.chars.char_offset(m.span.end),
                ]),
                rule: if possessor {
                    "possessor-of-position"
                } else {
                    "reported-subject"
                },
                confidence: 0.65,
            });
            c.about = Some(name);
            return;
        }
    }
    // "He has locked the door to talks…" in someone else's words: the
    // person last named before the quotation, not the speaker.
    let words = input.statement.slice(text).trim_start();
    let first = words.split_whitespace().next().unwrap_or("");
    if matches!(first, "He" | "She") {
        let window = crate::text::floor_boundary(text, input.statement.start.saturating_sub(1500));
        let candidate =
            mentions_starting_in(input.mentions, Span::new(window, input.statement.start))
                .iter()
                .rev()
                .filter(|m| m.span.start >= window && m.span.end <= input.statement.start)
                .find_map(|m| match &m.kind {
                    MentionKind::Pack(entries) => entries.iter().find_map(|e| match e {
                        LexiconEntry::ActorName(a) => Some(*a),
                        LexiconEntry::RoleMention(a, r) => input
                            .date
                            .is_none_or(|d| crate::pack::role_active(&pack.actors[*a].roles[*r], d))
                            .then_some(*a),
                        _ => None,
                    }),
                    _ => None,
                })
                .filter(|a| Some(*a) != input.speaker && pack.actors[*a].kind == ActorKind::Person);
        if let Some(a) = candidate {
            let name = pack.actors[a].name.clone();
            c.evidence.push(Evidence {
                field: "about",
                value: name.clone(),
                cue: Some(first.to_string()),
                span: Some([
                    input.chars.char_offset(input.statement.start),
                    input.chars.char_offset(input.statement.start + first.len()),
                ]),
                rule: "pronoun-in-quotation",
                confidence: 0.5,
            });
            c.about = Some(name);
        }
    }
}

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(below|under|less than|lower than|fewer than|above|over|more than|higher than|about|around|roughly|nearly|almost|some|at)?\s*(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent(?-u:\b))").expect("valid regex")
});
static LIKELIHOOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(likelihood|likely|chances?|probability|probable|odds|prospects?|puts? it at|put the (?:chances?|odds) at|estimates? it at)(?-u:\b)").expect("valid regex")
});
static FIFTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)fifty[- ]fifty(?-u:\b)|(?-u:\b)even odds(?-u:\b)")
        .expect("valid regex")
});

/// "The likelihood is below 5%" → 0.05; "puts the chance at 10 percent" → 0.1.
fn probability(c: &mut Coding, input: &CodingInput) {
    let text = input.text;
    for s in std::iter::once(&input.statement).chain(&input.local) {
        let t = s.slice(text);
        // Cheap gate first: every figure needs "%", "per cent", "fifty" or "odds".
        let first = input.figure_words.partition_point(|&p| p < s.start);
        if input.figure_words.get(first).is_none_or(|&p| p >= s.end) {
            continue;
        }
        if !LIKELIHOOD.is_match(t) && !FIFTY.is_match(t) {
            continue;
        }
        let found = PERCENT
            .captures(t)
            .and_then(|cap| {
                cap.get(2)
                    .and_then(|n| n.as_str().parse::<f64>().ok())
                    .map(|n| (n / 100.0, cap.get(0)))
            })
            .or_else(|| FIFTY.find(t).map(|m| (0.5, Some(m))));
        if let Some((p, m)) = found
            && (0.0..=1.0).contains(&p)
        {
            c.probability = Some((p * 10_000.0).round() / 10_000.0);
            c.evidence.push(Evidence {
                field: "probability",
                value: format!("{p}"),
                cue: m.map(|m| m.as_str().trim().to_string()),
                span: m.map(|m| {
                    [
                        input.chars.char_offset(s.start + m.start()),
                        input.chars.char_offset(s.start + m.end()),
                    ]
                }),
                rule: "likelihood-with-percentage",
                confidence: 0.8,
            });
            return;
        }
    }
}

static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:within|in the next|in|by the end of|before the end of)\s+(?:a|one|two|three|four|five|six|\d{1,2}|the next)\s+(?:more\s+)?(?:days?|weeks?|months?)(?-u:\b)|(?-u:\b)(?:\w+\s+)?(?:more\s+)?months? to(?-u:\b)").expect("valid regex")
});

/// A deadline: a date after the statement's in its sentence, or "within two months".
fn deadline(input: &CodingInput) -> Option<String> {
    for s in std::iter::once(input.statement).chain(input.local.iter().copied()) {
        if let Some(m) = input.dates.within(s).filter_map(|m| m.resolved).find(|r| {
            input.date.is_some_and(|d| r.date > d) && r.precision == crate::dates::Precision::Day
        }) {
            return Some(m.render());
        }
        if let Some(m) = WITHIN.find(s.slice(input.text)) {
            return Some(m.as_str().trim().to_string());
        }
    }
    None
}

/// The event codes the project uses (a subset of the CAMEO codebook with its
/// PLOVER translation): code, name, PLOVER event type, mode.
const EVENT_CODES: &str = include_str!("../../data/event_codes.tsv");

/// The event table by code, parsed once: (name, PLOVER event, PLOVER mode).
/// Ordered by code: a few comparisons of three-byte codes find one, where
/// hashing a code cost more.
static EVENTS: LazyLock<std::collections::BTreeMap<&'static str, [Option<&'static str>; 3]>> =
    LazyLock::new(|| {
        let non_empty = |s: Option<&'static str>| s.filter(|s| !s.is_empty());
        EVENT_CODES
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cols = line.split('\t');
                let code = cols.next()?;
                let name = cols.next();
                Some((code, [name, non_empty(cols.next()), non_empty(cols.next())]))
            })
            .collect()
    });

/// What an event code stands for: its CAMEO name, PLOVER event type and
/// PLOVER mode, as coding sets them beside the code (`None` for a code the
/// table lacks). The store leaves these out of a row when they are what
/// the code gives, and puts them back from here.
pub fn event_code_names(code: &str) -> Option<[Option<&'static str>; 3]> {
    EVENTS.get(code).copied()
}

fn set_event(c: &mut Coding, code: Option<&str>) {
    let Some(code) = code else { return };
    c.cameo = Some(code.to_string());
    if let Some([name, event, mode]) = event_code_names(code) {
        c.cameo_name = name.map(str::to_string);
        c.plover_event = event.map(str::to_string);
        c.plover_mode = mode.map(str::to_string);
    }
}

#[cfg(test)]
mod tests;
