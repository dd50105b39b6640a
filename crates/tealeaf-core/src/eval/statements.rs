//! Statement scoring: a port of `tools/eval_statements.py`.
//!
//! Gold: hand-coded statements ([`GoldStatement`], one JSON object a line).
//! Predictions: the extractor's statements as JSON values, with `"doc"` (path
//! or file name; its base name is matched to the gold `"file"`), `"text"`,
//! optional `"span"`, and the coded fields.
//!
//! Only predictions with a non-null (truthy) `"topic"` or `"stance"` count as
//! claims about the issue, unless [`StatementEvalOptions::all_preds`]. A
//! prediction matches a gold statement of the same file when their char spans
//! overlap by at least `min_overlap` of the shorter one; spans are found by
//! locating the texts in the document body ([`locate`]); a prediction whose
//! text cannot be found falls back to its `"span"`. Matching is one-to-one,
//! greedy by overlap (ties: lower prediction index, then lower gold index).
//!
//! Reported ([`StatementReport`]): recall and precision; among matched pairs
//! the accuracy of speaker (head-token agreement, [`super::names`]), outlet,
//! date (exact; a gold year-only date matches any date in that year), stance
//! (ambiguous gold excluded), `about`, and the F1 of mediators and of
//! conditions (set overlap of normalised labels). Figures are rounded to 3
//! decimals, `None` where the denominator is 0.
//!
//! Where Python would raise on malformed input, this port does something
//! definite instead: a prediction field of the wrong JSON type counts as
//! missing (a non-string `"text"`, `"speaker"`, `"date"`, ...; a `"span"` that
//! is not an array of at least two numbers); a non-string, non-null element of
//! a `"mediators"`/`"conditions"` list counts as `null` (Python's `norm(None)`,
//! the empty label); a gold file without a body in `bodies` gets an empty body
//! (Python would fail to open it), so its statements are missed.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::names::{norm, py_is_space, same_name_statement};
use super::{EvalError, greedy_match, jsonl_lines, py_opt_repr, py_round, py_truthy};

/// One hand-coded gold statement (a line of `seeds/gold.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldStatement {
    /// Document file name (no directory).
    pub file: String,
    /// Canonical name of the speaker.
    pub speaker: String,
    #[serde(default)]
    pub speaker_role: Option<String>,
    #[serde(default)]
    pub outlet: Option<String>,
    /// `YYYY-MM-DD`, a bare `YYYY`, or none.
    #[serde(default)]
    pub date: Option<String>,
    /// Exact text of the statement in the document body.
    pub quote: String,
    #[serde(default, deserialize_with = "null_default")]
    pub direct: bool,
    /// `support` | `oppose` | `conditional` | `neutral`.
    #[serde(default)]
    pub stance: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub conditions: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub mediators: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub threats: Vec<String>,
    #[serde(default)]
    pub about: Option<String>,
    /// Counts for recall but not for stance accuracy.
    #[serde(default, deserialize_with = "null_default")]
    pub ambiguous: bool,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub probability: Option<f64>,
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Options of the statement scorer (the Python command-line flags).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatementEvalOptions {
    /// `--min-overlap`: share of the shorter span two spans must overlap by.
    pub min_overlap: f64,
    /// `--all-preds`: count every prediction, not only those with a topic or stance.
    pub all_preds: bool,
}

impl Default for StatementEvalOptions {
    fn default() -> Self {
        Self {
            min_overlap: 0.5,
            all_preds: false,
        }
    }
}

/// The raw counts behind a [`StatementReport`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatementCounts {
    pub gold: usize,
    pub pred: usize,
    pub matched: usize,
    pub speaker_ok: usize,
    pub outlet_n: usize,
    pub outlet_ok: usize,
    pub date_n: usize,
    pub date_ok: usize,
    pub stance_n: usize,
    pub stance_ok: usize,
    pub about_n: usize,
    pub about_ok: usize,
    pub med_tp: usize,
    pub med_p: usize,
    pub med_g: usize,
    pub cond_tp: usize,
    pub cond_p: usize,
    pub cond_g: usize,
}

/// The result dict of `eval_statements.py` (same keys, same order, same
/// rounding), plus the missed gold statements as its `--json` output has them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementReport {
    pub gold: usize,
    pub predicted_on_issue: usize,
    pub matched: usize,
    pub recall: Option<f64>,
    pub precision: Option<f64>,
    pub speaker_acc: Option<f64>,
    pub outlet_acc: Option<f64>,
    pub date_acc: Option<f64>,
    pub stance_acc: Option<f64>,
    pub about_acc: Option<f64>,
    pub mediator_f1: Option<f64>,
    pub conditions_f1: Option<f64>,
    /// `(file, gold speaker, first 70 chars of the gold quote)` of each gold
    /// statement left unmatched, by file name, then gold order.
    pub missed: Vec<(String, String, String)>,
    /// The counts the figures come from (not part of the Python output).
    #[serde(skip)]
    pub counts: StatementCounts,
}

impl StatementReport {
    /// The line `eval_statements.py` prints: `key=value` for each figure
    /// (not `missed`), separated by spaces; `None` where there is none.
    pub fn summary_line(&self) -> String {
        let figs = [
            ("recall", self.recall),
            ("precision", self.precision),
            ("speaker_acc", self.speaker_acc),
            ("outlet_acc", self.outlet_acc),
            ("date_acc", self.date_acc),
            ("stance_acc", self.stance_acc),
            ("about_acc", self.about_acc),
            ("mediator_f1", self.mediator_f1),
            ("conditions_f1", self.conditions_f1),
        ];
        let mut parts = vec![
            format!("gold={}", self.gold),
            format!("predicted_on_issue={}", self.predicted_on_issue),
            format!("matched={}", self.matched),
        ];
        parts.extend(figs.iter().map(|(k, v)| format!("{k}={}", py_opt_repr(*v))));
        parts.join(" ")
    }

    /// What `--json OUT` writes (`json.dump(res, fh, indent=1)`, no final newline).
    pub fn to_python_json(&self) -> String {
        super::to_python_json(self, Some(1))
    }
}

/// Read gold statements from JSON lines (blank lines skipped).
pub fn parse_gold_statements(text: &str) -> Result<Vec<GoldStatement>, EvalError> {
    jsonl_lines(text)
        .map(|(line, l)| serde_json::from_str(l).map_err(|source| EvalError::Json { line, source }))
        .collect()
}

/// The body of a document file's text, as `body_of` in the Python tool: the
/// text after an optional `key: value` header block (first line `url:`,
/// `title:`, `published:`, `outlet:`, `source:`, `author:` or `language:`; the
/// block ends at the first blank line). Line ends are first translated to
/// `\n` as Python's text-mode `open` does (`\r\n` and a lone `\r`), so offsets
/// agree with Python's.
pub fn body_of(text: &str) -> String {
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    const KEYS: [&str; 7] = [
        "url:",
        "title:",
        "published:",
        "outlet:",
        "source:",
        "author:",
        "language:",
    ];
    let lines: Vec<&str> = text.split('\n').collect();
    if KEYS.iter().any(|k| lines[0].starts_with(k)) {
        let mut i = 0;
        while i < lines.len() && !lines[i].trim_matches(py_is_space).is_empty() {
            i += 1;
        }
        return lines.get(i + 1..).unwrap_or(&[]).join("\n");
    }
    text
}

/// `locate(text, needle)` of the Python tool: the char span of the first
/// occurrence of `needle` in `text`; failing that, the span of the first
/// occurrence after squashing white-space runs to one space in both, in the
/// squashed text's coordinates (the Python tool does not map it back, nor
/// does this port).
pub fn locate(text: &str, needle: Option<&str>) -> Option<(usize, usize)> {
    let needle = needle.filter(|n| !n.is_empty())?;
    if let Some(b) = text.find(needle) {
        let i = text[..b].chars().count();
        return Some((i, i + needle.chars().count()));
    }
    let (t2, n2) = (squash(text), squash(needle));
    let b = t2.find(&n2)?;
    let i = t2[..b].chars().count();
    Some((i, i + n2.chars().count()))
}

/// `re.sub(r"\s+", " ", s)`.
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if py_is_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Overlap of two spans as a share of the shorter one (at least 1 char).
fn overlap(a: (f64, f64), b: (f64, f64)) -> f64 {
    let inter = a.1.min(b.1) - a.0.max(b.0);
    if inter <= 0.0 {
        return 0.0;
    }
    inter / (a.1 - a.0).min(b.1 - b.0).max(1.0)
}

/// `set_f1`: `(tp, |p|, |g|)` over normalised labels, `None` when both are empty.
fn set_f1(p: Option<&Value>, g: &[String]) -> Option<(usize, usize, usize)> {
    let p = label_set(p);
    let g: HashSet<String> = g.iter().map(|x| norm(x)).collect();
    if p.is_empty() && g.is_empty() {
        return None;
    }
    Some((p.intersection(&g).count(), p.len(), g.len()))
}

/// `{norm(x) for x in p or []}` for a prediction's JSON value.
fn label_set(p: Option<&Value>) -> HashSet<String> {
    if !py_truthy(p) {
        return HashSet::new();
    }
    match p {
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => norm(s),
                _ => String::new(),
            })
            .collect(),
        // Python iterates a string by characters and a dict by keys.
        Some(Value::String(s)) => s.chars().map(|c| norm(&c.to_string())).collect(),
        Some(Value::Object(o)) => o.keys().map(|k| norm(k)).collect(),
        _ => HashSet::new(),
    }
}

fn get_str<'a>(p: &'a Value, key: &str) -> Option<&'a str> {
    p.get(key).and_then(Value::as_str)
}

/// `os.path.basename(str(p.get("doc", "")))`.
fn doc_basename(p: &Value) -> String {
    let s = match p.get("doc") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) => "None".into(),
        Some(Value::Bool(b)) => (if *b { "True" } else { "False" }).into(),
        Some(v) => v.to_string(),
    };
    match s.rfind('/') {
        Some(i) => s[i + 1..].to_string(),
        None => s,
    }
}

/// A prediction's fallback `"span"`: the first two numbers of a list.
fn pred_span(p: &Value) -> Option<(f64, f64)> {
    let a = p.get("span")?.as_array()?;
    if a.len() < 2 {
        return None;
    }
    Some((a[0].as_f64()?, a[1].as_f64()?))
}

/// Score `preds` (JSON values as the extractor prints them) against `gold`.
///
/// `bodies` maps each gold file name to its document body ([`body_of`] of the
/// file's text); other entries are not used.
pub fn score_statements(
    gold: &[GoldStatement],
    bodies: &HashMap<String, String>,
    preds: &[Value],
    opts: &StatementEvalOptions,
) -> StatementReport {
    let files: BTreeSet<&str> = gold.iter().map(|g| g.file.as_str()).collect();
    let mut by_file_pred: HashMap<String, Vec<&Value>> = HashMap::new();
    for p in preds {
        let f = doc_basename(p);
        if files.contains(f.as_str())
            && (opts.all_preds || py_truthy(p.get("topic")) || py_truthy(p.get("stance")))
        {
            by_file_pred.entry(f).or_default().push(p);
        }
    }
    let mut c = StatementCounts {
        gold: gold.len(),
        pred: by_file_pred.values().map(Vec::len).sum(),
        ..Default::default()
    };
    let mut missed = Vec::new();
    let empty = String::new();
    for f in files {
        let body = bodies.get(f).unwrap_or(&empty);
        let gs: Vec<&GoldStatement> = gold.iter().filter(|g| g.file == f).collect();
        let ps: &[&Value] = by_file_pred.get(f).map_or(&[], Vec::as_slice);
        let gspan: Vec<Option<(f64, f64)>> = gs
            .iter()
            .map(|g| locate(body, Some(&g.quote)).map(|(a, b)| (a as f64, b as f64)))
            .collect();
        let pspan: Vec<Option<(f64, f64)>> = ps
            .iter()
            .map(|p| {
                locate(body, get_str(p, "text"))
                    .map(|(a, b)| (a as f64, b as f64))
                    .or_else(|| pred_span(p))
            })
            .collect();
        let mut pairs = Vec::new();
        for (i, s) in pspan.iter().enumerate() {
            let Some(s) = *s else { continue };
            for (j, t) in gspan.iter().enumerate() {
                let Some(t) = *t else { continue };
                let ov = overlap(s, t);
                if ov >= opts.min_overlap {
                    pairs.push((ov, i, j));
                }
            }
        }
        let mut used_g = HashSet::new();
        for (i, j) in greedy_match(pairs) {
            used_g.insert(j);
            score_pair(&mut c, ps[i], gs[j]);
        }
        for (j, g) in gs.iter().enumerate() {
            if !used_g.contains(&j) {
                missed.push((
                    f.to_string(),
                    g.speaker.clone(),
                    g.quote.chars().take(70).collect(),
                ));
            }
        }
    }
    let r = |n: usize, d: usize| (d != 0).then(|| py_round(n as f64 / d as f64, 3));
    StatementReport {
        gold: c.gold,
        predicted_on_issue: c.pred,
        matched: c.matched,
        recall: r(c.matched, c.gold),
        precision: r(c.matched, c.pred),
        speaker_acc: r(c.speaker_ok, c.matched),
        outlet_acc: r(c.outlet_ok, c.outlet_n),
        date_acc: r(c.date_ok, c.date_n),
        stance_acc: r(c.stance_ok, c.stance_n),
        about_acc: r(c.about_ok, c.about_n),
        mediator_f1: r(2 * c.med_tp, c.med_p + c.med_g),
        conditions_f1: r(2 * c.cond_tp, c.cond_p + c.cond_g),
        missed,
        counts: c,
    }
}

/// Add one matched pair to the counts.
fn score_pair(c: &mut StatementCounts, p: &Value, g: &GoldStatement) {
    let nonempty = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    c.matched += 1;
    c.speaker_ok += usize::from(same_name_statement(get_str(p, "speaker"), Some(&g.speaker)));
    if let Some(go) = nonempty(&g.outlet) {
        c.outlet_n += 1;
        c.outlet_ok += usize::from(same_name_statement(get_str(p, "outlet"), Some(&go)));
    }
    if let Some(gd) = nonempty(&g.date) {
        c.date_n += 1;
        let pd = get_str(p, "date").unwrap_or("");
        let ok = pd == gd || (gd.chars().count() == 4 && pd.starts_with(gd.as_str()));
        c.date_ok += usize::from(ok);
    }
    if !g.ambiguous {
        c.stance_n += 1;
        // Python: p.get("stance") == g["stance"] (None == None holds)
        let ok = match (p.get("stance"), g.stance.as_deref()) {
            (None | Some(Value::Null), None) => true,
            (Some(Value::String(ps)), Some(gs)) => ps == gs,
            _ => false,
        };
        c.stance_ok += usize::from(ok);
    }
    if let Some(ga) = nonempty(&g.about) {
        c.about_n += 1;
        c.about_ok += usize::from(same_name_statement(get_str(p, "about"), Some(&ga)));
    }
    if let Some((tp, np, ng)) = set_f1(p.get("mediators"), &g.mediators) {
        c.med_tp += tp;
        c.med_p += np;
        c.med_g += ng;
    }
    if let Some((tp, np, ng)) = set_f1(p.get("conditions"), &g.conditions) {
        c.cond_tp += tp;
        c.cond_p += np;
        c.cond_g += ng;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Our own made-up text, no corpus material.
    const BODY: &str = "On Monday the mayor, Lena Vos, said that the bridge would reopen \
in spring. \u{201C}We are not there yet,\u{201D} Vos told the Harbour Gazette. \
Councillor Piet Kramer rejected any delay.\nThe port authority offered to mediate between the two.";

    fn gold_line(v: Value) -> GoldStatement {
        serde_json::from_value(v).unwrap()
    }

    fn gold() -> Vec<GoldStatement> {
        vec![
            gold_line(
                json!({"file": "a.txt", "speaker": "Lena Vos", "speaker_role": "Mayor", "outlet": null,
                "date": "2024-03-04", "quote": "the bridge would reopen in spring", "direct": false,
                "stance": "support", "conditions": [], "mediators": [], "threats": [], "about": null,
                "ambiguous": false, "topic": "bridge", "probability": null}),
            ),
            gold_line(
                json!({"file": "a.txt", "speaker": "Lena Vos", "outlet": "Harbour Gazette",
                "date": "2024", "quote": "We are not there yet,", "direct": true, "stance": "conditional",
                "conditions": ["Funding"], "mediators": ["Port Authority"]}),
            ),
            gold_line(
                json!({"file": "a.txt", "speaker": "Piet Kramer", "date": "2024-03-04",
                "quote": "Councillor Piet Kramer rejected any delay.", "direct": false, "stance": "oppose",
                "ambiguous": true, "about": "Lena Vos"}),
            ),
            gold_line(
                json!({"file": "b.txt", "speaker": "Ada Nori", "quote": "nothing to find here",
                "direct": false, "stance": "neutral"}),
            ),
        ]
    }

    fn bodies() -> HashMap<String, String> {
        HashMap::from([
            ("a.txt".to_string(), BODY.to_string()),
            ("b.txt".to_string(), "Other text.".to_string()),
        ])
    }

    #[test]
    fn locate_char_offsets_and_squash_fallback() {
        let t = "Zoë says: a  b\n c.";
        assert_eq!(locate(t, Some("says")), Some((4, 8)));
        // not found verbatim; found after squashing, in squashed coordinates
        assert_eq!(locate(t, Some("a b c")), Some((10, 15)));
        assert_eq!(locate(t, Some("zzz")), None);
        assert_eq!(locate(t, Some("")), None);
        assert_eq!(locate(t, None), None);
    }

    #[test]
    fn body_after_header_block() {
        assert_eq!(
            body_of("title: X\npublished: 2020\n\nBody\nmore"),
            "Body\nmore"
        );
        assert_eq!(body_of("title: X\r\n\r\nBody\r\nmore\r"), "Body\nmore\n");
        assert_eq!(body_of("Body: no header\nx"), "Body: no header\nx");
        assert_eq!(body_of("url: only a header"), "");
        assert_eq!(body_of("url: x\n \t\nBody"), "Body");
    }

    #[test]
    fn overlap_of_shorter() {
        assert_eq!(overlap((0.0, 10.0), (5.0, 30.0)), 0.5);
        assert_eq!(overlap((0.0, 10.0), (10.0, 30.0)), 0.0);
        assert_eq!(overlap((3.0, 3.0), (0.0, 10.0)), 0.0);
        assert_eq!(overlap((0.0, 100.0), (20.0, 40.0)), 1.0);
    }

    #[test]
    fn full_scoring() {
        let preds = vec![
            // matches gold 0 (overlap of the shorter: the gold quote lies inside)
            json!({"doc": "/some/dir/a.txt", "text": "said that the bridge would reopen in spring",
                   "speaker": "Mayor Vos", "date": "2024-03-04", "stance": "support", "topic": "bridge"}),
            // matches gold 1 via the squash fallback; wrong outlet; year-only gold date matches
            json!({"doc": "a.txt", "text": "We  are not\nthere yet,", "speaker": "VOS", "outlet": "Gazette of the Harbour",
                   "date": "2024-05-01", "stance": "conditional", "conditions": ["funding", "Time"],
                   "mediators": ["port authority"]}),
            // matches gold 2 by its span only; ambiguous gold: no stance count
            json!({"doc": "a.txt", "text": "not in the body", "span": [130, 172], "speaker": "Kramer",
                   "date": "2024-03-05", "stance": "support", "about": "Vos"}),
            // not on the issue: dropped
            json!({"doc": "a.txt", "text": "The port authority offered to mediate"}),
            // on the issue but matches nothing
            json!({"doc": "a.txt", "text": "offered to mediate between the two", "topic": "bridge"}),
            // a file without gold: dropped
            json!({"doc": "c.txt", "text": "x", "topic": "bridge"}),
        ];
        assert_eq!(
            locate(BODY, Some("Councillor Piet Kramer rejected any delay.")),
            Some((130, 172))
        );
        let r = score_statements(&gold(), &bodies(), &preds, &StatementEvalOptions::default());
        assert_eq!((r.gold, r.predicted_on_issue, r.matched), (4, 4, 3));
        assert_eq!(r.recall, Some(0.75));
        assert_eq!(r.precision, Some(0.75));
        assert_eq!(r.speaker_acc, Some(1.0));
        assert_eq!(r.outlet_acc, Some(0.0));
        assert_eq!(r.date_acc, Some(0.667));
        assert_eq!(r.stance_acc, Some(1.0));
        assert_eq!(r.about_acc, Some(1.0));
        assert_eq!(r.mediator_f1, Some(1.0));
        assert_eq!(r.conditions_f1, Some(0.667));
        assert_eq!(
            r.missed,
            vec![(
                "b.txt".into(),
                "Ada Nori".into(),
                "nothing to find here".into()
            )]
        );
        assert_eq!(
            r.summary_line(),
            "gold=4 predicted_on_issue=4 matched=3 recall=0.75 precision=0.75 speaker_acc=1.0 outlet_acc=0.0 \
date_acc=0.667 stance_acc=1.0 about_acc=1.0 mediator_f1=1.0 conditions_f1=0.667"
        );

        let all = score_statements(
            &gold(),
            &bodies(),
            &preds,
            &StatementEvalOptions {
                all_preds: true,
                ..Default::default()
            },
        );
        assert_eq!((all.predicted_on_issue, all.matched), (5, 3));
        assert_eq!(all.precision, Some(0.6));
    }

    #[test]
    fn empty_inputs_give_none() {
        let r = score_statements(&[], &HashMap::new(), &[], &StatementEvalOptions::default());
        assert_eq!(
            r.summary_line(),
            "gold=0 predicted_on_issue=0 matched=0 recall=None precision=None speaker_acc=None outlet_acc=None \
date_acc=None stance_acc=None about_acc=None mediator_f1=None conditions_f1=None"
        );
        assert_eq!(
            r.to_python_json(),
            "{\n \"gold\": 0,\n \"predicted_on_issue\": 0,\n \"matched\": 0,\n \"recall\": null,\n \"precision\": null,\n \
\"speaker_acc\": null,\n \"outlet_acc\": null,\n \"date_acc\": null,\n \"stance_acc\": null,\n \"about_acc\": null,\n \
\"mediator_f1\": null,\n \"conditions_f1\": null,\n \"missed\": []\n}"
        );
    }

    #[test]
    fn greedy_one_to_one() {
        // two predictions over the same gold statement: the larger overlap
        // (1.0 against 23/33) wins, the other is left without a match
        let g = vec![gold_line(
            json!({"file": "a.txt", "speaker": "Lena Vos", "quote": "the bridge would reopen in spring",
            "stance": "support"}),
        )];
        let preds = vec![
            json!({"doc": "a.txt", "text": "said that the bridge would reopen", "stance": "support", "speaker": "x"}),
            json!({"doc": "a.txt", "text": "the bridge would reopen in spring.", "stance": "oppose", "speaker": "Vos"}),
        ];
        let r = score_statements(&g, &bodies(), &preds, &StatementEvalOptions::default());
        assert_eq!(
            (r.matched, r.speaker_acc, r.stance_acc),
            (1, Some(1.0), Some(0.0))
        );
        // a higher threshold leaves both out
        let r = score_statements(
            &g,
            &bodies(),
            &preds[..1],
            &StatementEvalOptions {
                min_overlap: 1.01,
                all_preds: false,
            },
        );
        assert_eq!(r.matched, 0);
    }

    #[test]
    fn stance_null_equals_null_and_label_quirks() {
        let g = vec![gold_line(
            json!({"file": "a.txt", "speaker": "Lena Vos", "quote": "the bridge would reopen in spring",
            "stance": null, "mediators": ["Ré"]}),
        )];
        let preds = vec![
            json!({"doc": "a.txt", "text": "the bridge would reopen in spring", "topic": "t",
            "mediators": "ré"}),
        ];
        let r = score_statements(&g, &bodies(), &preds, &StatementEvalOptions::default());
        assert_eq!(r.stance_acc, Some(1.0));
        // a string is iterated by characters, as in Python: {"r", "e"} vs {"re"}
        assert_eq!((r.counts.med_tp, r.counts.med_p, r.counts.med_g), (0, 2, 1));
        assert_eq!(r.mediator_f1, Some(0.0));
    }

    #[test]
    fn gold_parsing_defaults() {
        let g = parse_gold_statements(
            "{\"file\": \"a.txt\", \"speaker\": \"X\", \"quote\": \"q\", \"ambiguous\": null, \"mediators\": null}\n\n",
        )
        .unwrap();
        assert_eq!(g.len(), 1);
        assert!(!g[0].ambiguous && g[0].mediators.is_empty() && g[0].stance.is_none());
        assert!(parse_gold_statements("{\"file\": \"a.txt\"}").is_err());
    }
}
