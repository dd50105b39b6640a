//! `tealeaf eval` and `tealeaf eval-quotes`: score extraction on the user's
//! own coded data, with the project's one scorer (`tealeaf_core::eval`).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;
use tealeaf_core::document::{self, Document, Format, Meta};
use tealeaf_core::eval::{self, Quote, QuoteArticle, StatementEvalOptions};
use tealeaf_core::{Statement, extract};

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))
}

pub fn statements(
    gold_path: &Path,
    docs: &Path,
    pack: Option<&Path>,
    min_overlap: f64,
    all_preds: bool,
    pred_out: Option<&Path>,
    json: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let pack = super::load_pack(pack)?;
    let gold = eval::parse_gold_statements(&read(gold_path)?)
        .with_context(|| gold_path.display().to_string())?;
    let mut files: Vec<&str> = gold.iter().map(|g| g.file.as_str()).collect();
    files.sort();
    files.dedup();
    let mut bodies = HashMap::new();
    let mut preds: Vec<Statement> = Vec::new();
    for f in files {
        let path = docs.join(f);
        let bytes =
            std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
        let format = document::format_for_path(f).unwrap_or(Format::Text);
        for doc in document::parse(f, &bytes, format) {
            let doc = doc.map_err(|e| anyhow::anyhow!("{e}"))?;
            preds.extend(extract(&doc, &pack));
            bodies.insert(f.to_string(), doc.body);
        }
    }
    let values: Vec<serde_json::Value> = preds
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()?;
    let coded = values
        .iter()
        .any(|v| !v.get("topic").unwrap_or(&serde_json::Value::Null).is_null());
    let all_preds = all_preds || !coded;
    if let Some(p) = pred_out {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| p.display().to_string())?,
        );
        for v in &values {
            writeln!(f, "{v}")?;
        }
    }
    let report = eval::score_statements(
        &gold,
        &bodies,
        &values,
        &StatementEvalOptions {
            min_overlap,
            all_preds,
        },
    );
    writeln!(std::io::stdout(), "{}", report.summary_line())?;
    if all_preds && !coded {
        eprintln!(
            "note: statements carry no issue coding yet; every prediction counted (precision not meaningful)"
        );
    }
    if let Some(j) = json {
        std::fs::write(j, report.to_python_json()).with_context(|| j.display().to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Statements grouped back into quotations, in the PolNeAR scorer's format.
pub fn quote_predictions(id: &str, statements: &[Statement]) -> QuoteArticle {
    let mut by_attr: BTreeMap<usize, &Statement> = BTreeMap::new();
    for s in statements {
        by_attr.entry(s.attribution).or_insert(s);
    }
    let mut quotes: Vec<Quote> = by_attr
        .values()
        .map(|s| Quote {
            speaker: s.speaker.clone(),
            speaker_span: s.speaker_span.map(|[a, b]| [a as i64, b as i64]),
            content_span: Some([s.quote_span[0] as i64, s.quote_span[1] as i64]),
            cue: s.cue.clone(),
            kind: Some(format!("{:?}", s.kind).to_lowercase()),
            speaker_mention: s.speaker_mention.clone(),
        })
        .collect();
    quotes.sort_by_key(|q| q.content_span);
    QuoteArticle {
        id: id.to_string(),
        text: None,
        quotes,
    }
}

pub fn quotes(
    gold_path: &Path,
    pack: Option<&Path>,
    pred_out: Option<&Path>,
    min_overlap: f64,
    json: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let pack = super::load_pack(pack)?;
    let gold = eval::parse_quote_jsonl(&read(gold_path)?)
        .with_context(|| gold_path.display().to_string())?;
    let articles: Vec<&QuoteArticle> = gold.values().collect();
    let preds: BTreeMap<String, QuoteArticle> = articles
        .par_iter()
        .map(|a| {
            let doc = Document {
                id: a.id.clone(),
                source: a.id.clone(),
                body: a.text.clone().unwrap_or_default(),
                meta: Meta::default(),
            };
            (
                a.id.clone(),
                quote_predictions(&a.id, &extract(&doc, &pack)),
            )
        })
        .collect();
    if let Some(p) = pred_out {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| p.display().to_string())?,
        );
        for a in preds.values() {
            writeln!(f, "{}", serde_json::to_string(a)?)?;
        }
    }
    let result = eval::evaluate_quotes(&gold, &preds, min_overlap);
    write!(std::io::stdout(), "{}", eval::format_tables(&result))?;
    if let Some(j) = json {
        std::fs::write(j, result.to_python_json()).with_context(|| j.display().to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
