//! Quotation scoring: a port of `tools/eval_quotes.py`.
//!
//! Gold and predictions are articles ([`QuoteArticle`]) with quotes
//! ([`Quote`]) whose `content_span` and `speaker_span` are char offsets into
//! the gold text, end exclusive. Metrics, micro-averaged over all quotes of
//! all gold articles:
//!
//! * content detection: a predicted content span matches a gold one when
//!   their Jaccard overlap (intersection over union of the char intervals) is
//!   at least `min_overlap` (and above 0); matching is one-to-one, greedy by
//!   overlap, within an article;
//! * speaker attribution: content-matched pairs whose speakers agree (shared
//!   head token, [`super::names::quote_heads`], of the predicted `speaker` or
//!   `speaker_mention` with the gold `speaker`, or overlapping speaker spans).
//!   Gold quotes without a speaker and predictions without one are left out.
//!
//! Each for all gold quotes and for the gold `direct` ones (predictions
//! matched to gold of another kind are left out there; unmatched ones count
//! unless they declare kind `mixed` or `indirect`), with recall by gold kind.
//! The split-tolerant view first merges the predictions lying inside one gold
//! content ([`merge_within_gold`]).
//!
//! Differences from the Python tool, all on input it would reject or
//! mis-handle: a field of the wrong JSON type counts as missing (a speaker
//! that is not a string; a span that is not a list of two numbers, where
//! floats are truncated toward zero as Python's `int()` does for
//! `content_span`; for `speaker_span` Python compares the raw numbers); a gold
//! `"kind": null` counts as `indirect` (Python would report a `None` kind and
//! then fail to print its table). Kinds other than direct/mixed/indirect are
//! listed after those three in the order of first appearance when the gold
//! articles are taken by id (Python takes them in file order).

use std::collections::{BTreeMap, HashMap};

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::names::quote_heads;
use super::{EvalError, greedy_match, jsonl_lines, py_float_repr, py_round};

/// The gold kinds, in report order.
pub const KINDS: [&str; 3] = ["direct", "mixed", "indirect"];

/// One attributed quotation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The speaker, resolved to a name where the extractor can.
    #[serde(
        default,
        deserialize_with = "lenient_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker: Option<String>,
    /// Char span of the speaker mention.
    #[serde(
        default,
        deserialize_with = "lenient_span",
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker_span: Option<[i64; 2]>,
    /// Char span covering the quoted content.
    #[serde(
        default,
        deserialize_with = "lenient_span",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_span: Option<[i64; 2]>,
    /// The reporting verb or cue, as written.
    #[serde(
        default,
        deserialize_with = "lenient_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub cue: Option<String>,
    /// `direct` | `indirect` | `mixed`.
    #[serde(
        default,
        deserialize_with = "lenient_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// The speaker as written (e.g. "he").
    #[serde(
        default,
        deserialize_with = "lenient_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker_mention: Option<String>,
}

impl Quote {
    /// `span_of`: the content span when it is non-empty (`end > start`).
    pub fn span(&self) -> Option<(i64, i64)> {
        self.content_span
            .and_then(|[a, b]| (b > a).then_some((a, b)))
    }

    fn has_speaker(&self) -> bool {
        self.speaker.as_deref().is_some_and(|s| !s.is_empty())
    }
}

/// One article: its id, optionally its text, its quotes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuoteArticle {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub quotes: Vec<Quote>,
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn lenient_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

fn lenient_span<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[i64; 2]>, D::Error> {
    fn int(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                    .map(|f| f.trunc() as i64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }
    Ok(match Value::deserialize(d)? {
        Value::Array(a) if a.len() == 2 => int(&a[0]).zip(int(&a[1])).map(|(x, y)| [x, y]),
        _ => None,
    })
}

/// Read articles from JSON lines, keyed by id (a later line with the same id
/// replaces an earlier one, as in the Python tool).
pub fn parse_quote_jsonl(text: &str) -> Result<BTreeMap<String, QuoteArticle>, EvalError> {
    let mut arts = BTreeMap::new();
    for (line, l) in jsonl_lines(text) {
        let v: Value =
            serde_json::from_str(l).map_err(|source| EvalError::Json { line, source })?;
        if v.get("id").is_none() {
            return Err(EvalError::MissingId { line });
        }
        let a: QuoteArticle =
            serde_json::from_value(v).map_err(|source| EvalError::Json { line, source })?;
        arts.insert(a.id.clone(), a);
    }
    Ok(arts)
}

/// Precision, recall and F1 with their counts (Python's `prf`, rounded to 4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub pred: usize,
    pub gold: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(tp: usize, npred: usize, ngold: usize) -> Self {
        let p = if npred > 0 {
            tp as f64 / npred as f64
        } else {
            0.0
        };
        let r = if ngold > 0 {
            tp as f64 / ngold as f64
        } else {
            0.0
        };
        let f = if p + r != 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Self {
            tp,
            pred: npred,
            gold: ngold,
            precision: py_round(p, 4),
            recall: py_round(r, 4),
            f1: py_round(f, 4),
        }
    }
}

/// A metric over all gold quotes and over the direct ones.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Subsets {
    pub all: Prf,
    pub direct: Prf,
}

/// Recall for the gold quotes of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KindRecall {
    pub gold: usize,
    pub content_recall: f64,
    pub speaker_gold: usize,
    pub speaker_recall: f64,
}

/// The result of Python's `evaluate` (same keys, same order, same rounding).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteReport {
    pub articles: usize,
    pub articles_without_predictions: usize,
    pub pred_articles_not_in_gold: usize,
    pub min_overlap: f64,
    pub split_tolerant: bool,
    pub content: Subsets,
    pub speaker: Subsets,
    /// By gold kind: direct, mixed, indirect, then any other kind met.
    #[serde(serialize_with = "pairs_as_map")]
    pub recall_by_kind: Vec<(String, KindRecall)>,
}

fn pairs_as_map<S: Serializer>(v: &[(String, KindRecall)], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, r) in v {
        m.serialize_entry(k, r)?;
    }
    m.end()
}

/// Both views, as the Python tool's `--json` output holds them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteEvaluation {
    pub strict: QuoteReport,
    pub split_tolerant: QuoteReport,
}

impl QuoteEvaluation {
    /// What `--json OUT` writes (`json.dump(res, fh, indent=1)` and a newline).
    pub fn to_python_json(&self) -> String {
        let mut s = super::to_python_json(self, Some(1));
        s.push('\n');
        s
    }
}

/// Score strictly and split-tolerantly.
pub fn evaluate_quotes(
    gold: &BTreeMap<String, QuoteArticle>,
    pred: &BTreeMap<String, QuoteArticle>,
    min_overlap: f64,
) -> QuoteEvaluation {
    QuoteEvaluation {
        strict: score_quotes(gold, pred, min_overlap, false),
        split_tolerant: score_quotes(gold, pred, min_overlap, true),
    }
}

fn jaccard(x: (i64, i64), y: (i64, i64)) -> f64 {
    let inter = x.1.min(y.1) - x.0.max(y.0);
    if inter <= 0 {
        return 0.0;
    }
    let union = x.1.max(y.1) - x.0.min(y.0);
    inter as f64 / union as f64
}

/// Do a predicted quote's speaker and a gold quote's speaker agree?
///
/// They do when the predicted `speaker` or `speaker_mention` shares a head
/// token with the gold `speaker`, or the two speaker spans overlap.
pub fn speakers_agree(pq: &Quote, gq: &Quote) -> bool {
    let gold = quote_heads(gq.speaker.as_deref());
    for name in [&pq.speaker, &pq.speaker_mention] {
        if let Some(n) = name.as_deref().filter(|n| !n.is_empty())
            && quote_heads(Some(n)).iter().any(|h| gold.contains(h))
        {
            return true;
        }
    }
    if let (Some(ps), Some(gs)) = (pq.speaker_span, gq.speaker_span) {
        return ps[1].min(gs[1]) > ps[0].max(gs[0]);
    }
    false
}

/// `match`: one-to-one greedy matching by Jaccard overlap; `pred -> gold`.
fn match_quotes(golds: &[&Quote], preds: &[Quote], min_overlap: f64) -> HashMap<usize, usize> {
    let mut pairs = Vec::new();
    for (i, p) in preds.iter().enumerate() {
        let Some(ps) = p.span() else { continue };
        for (j, g) in golds.iter().enumerate() {
            let Some(gs) = g.span() else { continue };
            let ov = jaccard(ps, gs);
            if ov >= min_overlap && ov > 0.0 {
                pairs.push((ov, i, j));
            }
        }
    }
    greedy_match(pairs).into_iter().collect()
}

/// The split-tolerant view of an article's predictions (`merge_within_gold`).
///
/// A prediction is assigned to the gold quote whose content holds the largest
/// part of it (the first such gold quote on ties), if that part is at least
/// half of the prediction. Two or more predictions assigned to one gold quote
/// are replaced by one spanning from the first to the last of them, with the
/// first non-empty speaker (and that prediction's speaker span and mention) and
/// no kind. The result is sorted by span (stably). All `preds` must have a span.
pub fn merge_within_gold(golds: &[&Quote], preds: &[Quote]) -> Vec<Quote> {
    let mut groups: Vec<(usize, Vec<&Quote>)> = Vec::new();
    let mut keep: Vec<Quote> = Vec::new();
    for p in preds {
        let ps = p.span().expect("predictions are filtered on their span");
        let (mut best, mut best_j) = (0, None);
        for (j, g) in golds.iter().enumerate() {
            let gs = g.span().expect("gold quotes are filtered on their span");
            let inter = ps.1.min(gs.1) - ps.0.max(gs.0);
            if inter > best {
                (best, best_j) = (inter, Some(j));
            }
        }
        match best_j {
            Some(j) if best * 2 >= ps.1 - ps.0 => match groups.iter_mut().find(|(k, _)| *k == j) {
                Some((_, g)) => g.push(p),
                None => groups.push((j, vec![p])),
            },
            _ => keep.push(p.clone()),
        }
    }
    for (_, mut ps) in groups {
        if ps.len() == 1 {
            keep.push(ps[0].clone());
            continue;
        }
        ps.sort_by_key(|q| q.span());
        let spk = ps.iter().find(|q| q.has_speaker()).unwrap_or(&ps[0]);
        let start = ps[0].span().map_or(0, |s| s.0);
        let end = ps
            .iter()
            .filter_map(|q| q.span())
            .map(|s| s.1)
            .max()
            .unwrap_or(start);
        keep.push(Quote {
            content_span: Some([start, end]),
            speaker: spk.speaker.clone(),
            speaker_span: spk.speaker_span,
            speaker_mention: spk.speaker_mention.clone(),
            cue: None,
            kind: None,
        });
    }
    keep.sort_by_key(|q| q.span());
    keep
}

#[derive(Default)]
struct Counts {
    all_gold: usize,
    all_pred: usize,
    all_tp: usize,
    dir_gold: usize,
    dir_pred: usize,
    dir_tp: usize,
    spk_all_gold: usize,
    spk_all_pred: usize,
    spk_all_tp: usize,
    spk_dir_gold: usize,
    spk_dir_pred: usize,
    spk_dir_tp: usize,
}

#[derive(Default, Clone, Copy)]
struct KindCounts {
    gold: usize,
    content_tp: usize,
    speaker_gold: usize,
    speaker_tp: usize,
}

/// Score `pred` against `gold` (Python's `evaluate(gold, pred, min_overlap, merge)`).
pub fn score_quotes(
    gold: &BTreeMap<String, QuoteArticle>,
    pred: &BTreeMap<String, QuoteArticle>,
    min_overlap: f64,
    split_tolerant: bool,
) -> QuoteReport {
    let mut c = Counts::default();
    let mut by_kind: Vec<(String, KindCounts)> = KINDS
        .iter()
        .map(|k| (k.to_string(), KindCounts::default()))
        .collect();
    let mut missing = 0;
    for (aid, g) in gold {
        let golds: Vec<&Quote> = g.quotes.iter().filter(|q| q.span().is_some()).collect();
        let mut preds: Vec<Quote> = match pred.get(aid) {
            None => {
                missing += 1;
                Vec::new()
            }
            Some(p) => p
                .quotes
                .iter()
                .filter(|q| q.span().is_some())
                .cloned()
                .collect(),
        };
        if split_tolerant {
            preds = merge_within_gold(&golds, &preds);
        }
        let m = match_quotes(&golds, &preds, min_overlap);
        let matched_gold: HashMap<usize, usize> = m.iter().map(|(&i, &j)| (j, i)).collect();

        c.all_gold += golds.len();
        c.all_pred += preds.len();
        c.all_tp += m.len();
        for (j, gq) in golds.iter().enumerate() {
            let k = gq.kind.as_deref().unwrap_or("indirect");
            let idx = match by_kind.iter().position(|(n, _)| n == k) {
                Some(i) => i,
                None => {
                    by_kind.push((k.to_string(), KindCounts::default()));
                    by_kind.len() - 1
                }
            };
            let bk = &mut by_kind[idx].1;
            bk.gold += 1;
            let has_spk = gq.has_speaker();
            if has_spk {
                bk.speaker_gold += 1;
            }
            if let Some(&i) = matched_gold.get(&j) {
                bk.content_tp += 1;
                let pq = &preds[i];
                if has_spk && pq.has_speaker() && speakers_agree(pq, gq) {
                    bk.speaker_tp += 1;
                }
            }
            if k == "direct" {
                c.dir_gold += 1;
                if has_spk {
                    c.spk_dir_gold += 1;
                }
            }
            if has_spk {
                c.spk_all_gold += 1;
            }
        }

        for (i, pq) in preds.iter().enumerate() {
            let gq = m.get(&i).map(|&j| golds[j]);
            let in_direct = match gq {
                Some(gq) => gq.kind.as_deref() == Some("direct"),
                None => matches!(pq.kind.as_deref(), None | Some("direct")),
            };
            if in_direct {
                c.dir_pred += 1;
                if gq.is_some() {
                    c.dir_tp += 1;
                }
            }
            if !pq.has_speaker() {
                continue;
            }
            if gq.is_some_and(|g| !g.has_speaker()) {
                continue; // gold has no speaker: out of (b)
            }
            let ok = gq.is_some_and(|g| speakers_agree(pq, g));
            c.spk_all_pred += 1;
            c.spk_all_tp += usize::from(ok);
            if in_direct {
                c.spk_dir_pred += 1;
                c.spk_dir_tp += usize::from(ok);
            }
        }
    }
    let extra = pred.keys().filter(|k| !gold.contains_key(*k)).count();
    let ratio = |n: usize, d: usize| {
        if d > 0 {
            py_round(n as f64 / d as f64, 4)
        } else {
            0.0
        }
    };
    QuoteReport {
        articles: gold.len(),
        articles_without_predictions: missing,
        pred_articles_not_in_gold: extra,
        min_overlap,
        split_tolerant,
        content: Subsets {
            all: Prf::new(c.all_tp, c.all_pred, c.all_gold),
            direct: Prf::new(c.dir_tp, c.dir_pred, c.dir_gold),
        },
        speaker: Subsets {
            all: Prf::new(c.spk_all_tp, c.spk_all_pred, c.spk_all_gold),
            direct: Prf::new(c.spk_dir_tp, c.spk_dir_pred, c.spk_dir_gold),
        },
        recall_by_kind: by_kind
            .into_iter()
            .map(|(k, v)| {
                let r = KindRecall {
                    gold: v.gold,
                    content_recall: ratio(v.content_tp, v.gold),
                    speaker_gold: v.speaker_gold,
                    speaker_recall: ratio(v.speaker_tp, v.speaker_gold),
                };
                (k, r)
            })
            .collect(),
    }
}

/// The text table Python's `table(res)` prints for one view (no final newline).
pub fn format_table(r: &QuoteReport) -> String {
    let head = if r.split_tolerant {
        "split-tolerant: predictions inside one gold content merged"
    } else {
        "strict: one predicted span per gold span"
    };
    let mut lines = vec![
        format!("== {head}"),
        format!(
            "articles: {}  (without predictions: {}; prediction ids not in gold: {}); min overlap {}",
            r.articles,
            r.articles_without_predictions,
            r.pred_articles_not_in_gold,
            py_float_repr(r.min_overlap)
        ),
        format!(
            "{:<26}{:>6}{:>7}{:>7}{:>8}{:>8}{:>8}",
            "metric", "TP", "pred", "gold", "P", "R", "F1"
        ),
    ];
    for (task, sub) in [("content", &r.content), ("speaker", &r.speaker)] {
        for (name, p) in [("direct", &sub.direct), ("all", &sub.all)] {
            lines.push(format!(
                "{:<26}{:>6}{:>7}{:>7}{:>8.3}{:>8.3}{:>8.3}",
                format!("{task} / {name}"),
                p.tp,
                p.pred,
                p.gold,
                p.precision,
                p.recall,
                p.f1
            ));
        }
    }
    lines.push("recall by gold kind:".into());
    for (k, v) in &r.recall_by_kind {
        lines.push(format!(
            "  {k:<10} gold {:>5}  content R {:.3}  speaker R {:.3} (of {})",
            v.gold, v.content_recall, v.speaker_recall, v.speaker_gold
        ));
    }
    lines.join("\n")
}

/// What the Python tool prints: the strict table, a blank line, the
/// split-tolerant table (with the final newline).
pub fn format_tables(e: &QuoteEvaluation) -> String {
    format!(
        "{}\n\n{}\n",
        format_table(&e.strict),
        format_table(&e.split_tolerant)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(v: Value) -> Quote {
        serde_json::from_value(v).unwrap()
    }

    fn art(id: &str, quotes: Vec<Quote>) -> (String, QuoteArticle) {
        (
            id.to_string(),
            QuoteArticle {
                id: id.to_string(),
                text: None,
                quotes,
            },
        )
    }

    #[test]
    fn lenient_fields() {
        let x = q(
            json!({"speaker": 5, "content_span": [3.7, "9"], "speaker_span": [1, 2, 3], "kind": null,
                         "cue": "said", "extra": {"ignored": true}}),
        );
        assert_eq!(x.speaker, None);
        assert_eq!(x.content_span, Some([3, 9]));
        assert_eq!(x.speaker_span, None);
        assert_eq!(x.span(), Some((3, 9)));
        assert_eq!(q(json!({"content_span": [9, 9]})).span(), None);
        assert_eq!(q(json!({"content_span": null})).span(), None);
        // serialisation leaves the missing fields out
        assert_eq!(
            serde_json::to_string(&q(json!({"content_span": [1, 4], "speaker": "A"}))).unwrap(),
            r#"{"speaker":"A","content_span":[1,4]}"#
        );
    }

    #[test]
    fn parse_articles() {
        let a = parse_quote_jsonl("{\"id\": \"b\", \"quotes\": []}\n\n{\"id\": \"a\"}\n{\"id\": \"b\", \"text\": \"t\"}\n").unwrap();
        assert_eq!(a.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(a["b"].text.as_deref(), Some("t"));
        assert!(matches!(
            parse_quote_jsonl("{\"id\": \"a\"}\n{\"quotes\": []}"),
            Err(EvalError::MissingId { line: 2 })
        ));
    }

    #[test]
    fn jaccard_overlap() {
        assert_eq!(jaccard((0, 10), (5, 15)), 5.0 / 15.0);
        assert_eq!(jaccard((0, 10), (10, 15)), 0.0);
        assert_eq!(jaccard((0, 10), (0, 10)), 1.0);
    }

    #[test]
    fn speaker_agreement() {
        let g = q(json!({"speaker": "Governor Tom Fielding", "speaker_span": [10, 31]}));
        assert!(speakers_agree(&q(json!({"speaker": "Fielding"})), &g));
        assert!(speakers_agree(
            &q(json!({"speaker": "someone", "speaker_mention": "Mr. Fielding"})),
            &g
        ));
        assert!(speakers_agree(
            &q(json!({"speaker": "he", "speaker_span": [30, 40]})),
            &g
        ));
        assert!(!speakers_agree(
            &q(json!({"speaker": "he", "speaker_span": [31, 40]})),
            &g
        ));
        assert!(!speakers_agree(
            &q(json!({"speaker": "Fielding's aide"})),
            &g
        ));
    }

    fn gold_set() -> BTreeMap<String, QuoteArticle> {
        BTreeMap::from([
            art(
                "a1",
                vec![
                    q(
                        json!({"speaker": "Ann Roe", "speaker_span": [0, 7], "content_span": [10, 50], "kind": "direct"}),
                    ),
                    q(
                        json!({"speaker": "Tom Fielding", "content_span": [60, 100], "kind": "indirect"}),
                    ),
                    q(json!({"speaker": null, "content_span": [120, 140], "kind": "mixed"})),
                    q(json!({"speaker": "Ann Roe", "content_span": [150, 200]})), // no kind: indirect
                ],
            ),
            art(
                "a2",
                vec![q(
                    json!({"speaker": "Lee", "content_span": [0, 20], "kind": "direct"}),
                )],
            ),
        ])
    }

    fn pred_set() -> BTreeMap<String, QuoteArticle> {
        BTreeMap::from([
            art(
                "a1",
                vec![
                    // Jaccard 30/40 with gold 0: match, right speaker (by span)
                    q(json!({"speaker": "she", "speaker_span": [2, 5], "content_span": [10, 40]})),
                    // Jaccard 20/45 with gold 1: no match strictly; unmatched, direct by default
                    q(json!({"speaker": "Fielding", "content_span": [55, 75]})),
                    // second part of gold 1 (Jaccard 19/40), declared indirect
                    q(json!({"speaker": "Tom", "content_span": [81, 100], "kind": "indirect"})),
                    // matches the speaker-less gold 2: out of (b)
                    q(json!({"speaker": "X", "content_span": [120, 139]})),
                    // matches gold 3 with the wrong speaker
                    q(json!({"speaker": "Fielding", "content_span": [150, 190], "kind": "direct"})),
                    // a bad span: dropped
                    q(json!({"speaker": "Y", "content_span": [300, 300]})),
                ],
            ),
            art("zz", vec![]),
        ])
    }

    #[test]
    fn strict_scores() {
        let r = score_quotes(&gold_set(), &pred_set(), 0.5, false);
        assert_eq!(
            (
                r.articles,
                r.articles_without_predictions,
                r.pred_articles_not_in_gold
            ),
            (2, 1, 1)
        );
        // content/all: 3 matches (gold 0, 2, 3) of 5 preds, 5 gold
        assert_eq!(
            (r.content.all.tp, r.content.all.pred, r.content.all.gold),
            (3, 5, 5)
        );
        assert_eq!(
            (
                r.content.all.precision,
                r.content.all.recall,
                r.content.all.f1
            ),
            (0.6, 0.6, 0.6)
        );
        // content/direct: pred 0 (gold direct, TP), pred 1 (unmatched, no kind);
        // pred 2 declared indirect, preds 3 and 4 matched to other kinds
        assert_eq!(
            (
                r.content.direct.tp,
                r.content.direct.pred,
                r.content.direct.gold
            ),
            (1, 2, 2)
        );
        // speaker/all: preds 0 (ok), 1, 2 (unmatched), 4 (wrong); pred 3 out
        assert_eq!(
            (r.speaker.all.tp, r.speaker.all.pred, r.speaker.all.gold),
            (1, 4, 4)
        );
        assert_eq!(
            (
                r.speaker.all.precision,
                r.speaker.all.recall,
                r.speaker.all.f1
            ),
            (0.25, 0.25, 0.25)
        );
        assert_eq!(
            (
                r.speaker.direct.tp,
                r.speaker.direct.pred,
                r.speaker.direct.gold
            ),
            (1, 2, 2)
        );
        let kinds: Vec<_> = r
            .recall_by_kind
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    v.gold,
                    v.content_recall,
                    v.speaker_gold,
                    v.speaker_recall,
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("direct", 2, 0.5, 2, 0.5),
                ("mixed", 1, 1.0, 0, 0.0),
                ("indirect", 2, 0.5, 2, 0.0)
            ]
        );
        assert_eq!(
            format_table(&r),
            "== strict: one predicted span per gold span
articles: 2  (without predictions: 1; prediction ids not in gold: 1); min overlap 0.5
metric                        TP   pred   gold       P       R      F1
content / direct               1      2      2   0.500   0.500   0.500
content / all                  3      5      5   0.600   0.600   0.600
speaker / direct               1      2      2   0.500   0.500   0.500
speaker / all                  1      4      4   0.250   0.250   0.250
recall by gold kind:
  direct     gold     2  content R 0.500  speaker R 0.500 (of 2)
  mixed      gold     1  content R 1.000  speaker R 0.000 (of 0)
  indirect   gold     2  content R 0.500  speaker R 0.000 (of 2)"
        );
    }

    #[test]
    fn split_tolerant_scores() {
        let r = score_quotes(&gold_set(), &pred_set(), 0.5, true);
        // preds 1 and 2 merge into [55, 100] (Jaccard 40/45 with gold 1), speaker "Fielding", no kind
        assert_eq!(
            (r.content.all.tp, r.content.all.pred, r.content.all.gold),
            (4, 4, 5)
        );
        assert_eq!(
            (
                r.content.all.precision,
                r.content.all.recall,
                r.content.all.f1
            ),
            (1.0, 0.8, 0.8889)
        );
        assert_eq!((r.content.direct.tp, r.content.direct.pred), (1, 1));
        assert_eq!(
            (r.speaker.all.tp, r.speaker.all.pred, r.speaker.all.gold),
            (2, 3, 4)
        );
        assert_eq!(
            (
                r.speaker.all.precision,
                r.speaker.all.recall,
                r.speaker.all.f1
            ),
            (0.6667, 0.5, 0.5714)
        );
        assert_eq!(
            format_table(&r),
            "== split-tolerant: predictions inside one gold content merged
articles: 2  (without predictions: 1; prediction ids not in gold: 1); min overlap 0.5
metric                        TP   pred   gold       P       R      F1
content / direct               1      1      2   1.000   0.500   0.667
content / all                  4      4      5   1.000   0.800   0.889
speaker / direct               1      1      2   1.000   0.500   0.667
speaker / all                  2      3      4   0.667   0.500   0.571
recall by gold kind:
  direct     gold     2  content R 0.500  speaker R 0.500 (of 2)
  mixed      gold     1  content R 1.000  speaker R 0.000 (of 0)
  indirect   gold     2  content R 1.000  speaker R 0.500 (of 2)"
        );
    }

    #[test]
    fn merge_details() {
        let g = [
            q(json!({"content_span": [0, 100]})),
            q(json!({"content_span": [100, 200]})),
        ];
        let golds: Vec<&Quote> = g.iter().collect();
        let preds = vec![
            q(json!({"content_span": [60, 90], "kind": "direct"})),
            q(json!({"content_span": [10, 50], "speaker": ""})),
            q(json!({"content_span": [40, 95], "speaker": "B", "speaker_mention": "she"})),
            q(json!({"content_span": [90, 130], "speaker": "C"})), // 10 in gold 0, 30 in gold 1
            q(json!({"content_span": [180, 260], "speaker": "D"})), // 20 of 80 in gold 1: kept alone
        ];
        let out = merge_within_gold(&golds, &preds);
        assert_eq!(
            out,
            vec![
                q(json!({"content_span": [10, 95], "speaker": "B", "speaker_mention": "she"})),
                q(json!({"content_span": [90, 130], "speaker": "C"})),
                q(json!({"content_span": [180, 260], "speaker": "D"})),
            ]
        );
    }

    #[test]
    fn report_json_shape() {
        let e = evaluate_quotes(&gold_set(), &pred_set(), 0.5);
        let j = e.to_python_json();
        assert!(j.starts_with(
            "{\n \"strict\": {\n  \"articles\": 2,\n  \"articles_without_predictions\": 1,\n"
        ));
        assert!(j.contains("\"content\": {\n   \"all\": {\n    \"tp\": 3,\n    \"pred\": 5,\n    \"gold\": 5,\n    \"precision\": 0.6,"));
        assert!(j.contains("\"recall_by_kind\": {\n   \"direct\": {\n    \"gold\": 2,\n    \"content_recall\": 0.5,"));
        assert!(j.ends_with("}\n}\n"));
        let t = format_tables(&e);
        assert!(t.contains("(of 2)\n\n== split-tolerant"));
    }
}
