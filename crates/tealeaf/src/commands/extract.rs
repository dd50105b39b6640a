//! `tealeaf extract` and `tealeaf demo`: documents in, statements out,
//! streamed in input order while files are processed in parallel.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use tealeaf_core::{Pack, Statement, extract};

use crate::inputs::{Limits, collect_files, read_file_with};
use crate::output::{OutputFormat, table_header, write_statements};

/// Files handled per parallel batch: bounds memory while keeping order.
const BATCH: usize = 64;

pub fn run(
    paths: &[PathBuf],
    pack: Option<&Path>,
    format: OutputFormat,
    limits: &Limits,
) -> anyhow::Result<ExitCode> {
    let pack = super::load_pack(pack)?;
    let mut errors = Vec::new();
    let files = collect_files(paths, &mut errors);
    for e in &errors {
        eprintln!("tealeaf: {e}");
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if format == OutputFormat::Table {
        writeln!(out, "{}", table_header())?;
    }
    let mut failed = errors.len();
    let mut docs = 0usize;
    let mut statements = 0usize;
    for batch in files.chunks(BATCH) {
        type Extracted = Result<(Vec<Statement>, Option<String>), String>;
        let results: Vec<Vec<Extracted>> = batch
            .par_iter()
            .map(|f| {
                read_file_with(f, limits)
                    .into_iter()
                    .map(|d| d.map(|doc| limits.extract(&doc, &pack)))
                    .collect()
            })
            .collect();
        for per_file in results {
            for r in per_file {
                match r {
                    Ok((st, warning)) => {
                        if let Some(w) = warning {
                            out.flush()?;
                            eprintln!("tealeaf: warning: {w}");
                        }
                        docs += 1;
                        statements += st.len();
                        write_statements(&mut out, &st, format)?;
                    }
                    Err(e) => {
                        failed += 1;
                        out.flush()?;
                        eprintln!("tealeaf: {e}");
                    }
                }
            }
        }
    }
    out.flush()?;
    eprintln!("tealeaf: {docs} document(s), {statements} statement(s), {failed} failure(s)");
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn demo(format: OutputFormat, score: bool) -> anyhow::Result<ExitCode> {
    let pack = Pack::default_pack()?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let docs = crate::demo::documents();
    let mut total = 0;
    let mut all = Vec::new();
    // The workbench path: every article goes into a temporary store, and
    // the brief below is computed from what the store gives back.
    let store_path = std::env::temp_dir().join(format!(
        "tealeaf-demo-{}-{}.db",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let mut store = tealeaf_store::Store::open(&store_path)?;
    for doc in &docs {
        let st = extract(doc, &pack);
        total += st.len();
        store.ingest_document(doc, &st, &pack.info)?;
        if score {
            all.extend(st.iter().cloned());
        }
        if format == OutputFormat::Table {
            writeln!(
                out,
                "\n== {} — {}",
                doc.id,
                doc.meta.title.as_deref().unwrap_or("")
            )?;
            writeln!(out, "{}", table_header())?;
        }
        write_statements(&mut out, &st, format)?;
    }
    if score {
        let gold = tealeaf_core::eval::parse_gold_statements(crate::demo::DEMO_GOLD)?;
        let bodies = docs
            .iter()
            .map(|d| (d.id.clone(), d.body.clone()))
            .collect();
        let values: Vec<serde_json::Value> = all
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()?;
        let coded = values
            .iter()
            .any(|v| !v.get("topic").unwrap_or(&serde_json::Value::Null).is_null());
        let opts = tealeaf_core::eval::StatementEvalOptions {
            all_preds: !coded,
            ..Default::default()
        };
        let report = tealeaf_core::eval::score_statements(&gold, &bodies, &values, &opts);
        writeln!(
            out,
            "\nscore against demo/gold.jsonl: {}",
            report.summary_line()
        )?;
    }
    if format == OutputFormat::Table {
        let stored: Vec<tealeaf_core::Statement> = store
            .statements(&tealeaf_store::StatementFilter::default())?
            .iter()
            .filter_map(|s| tealeaf_core::analyses::statement_from_json(&s.coded).ok())
            .collect();
        let infos: Vec<tealeaf_core::report::DocInfo> =
            docs.iter().map(tealeaf_core::report::DocInfo::of).collect();
        let brief = tealeaf_core::report::brief(&stored, &infos, &pack, "us-talks", None, None);
        writeln!(out, "\n{}", tealeaf_core::report::to_markdown(&brief))?;
    }
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store_path.display()));
    }
    out.flush()?;
    eprintln!(
        "tealeaf demo: {} articles, {total} statements (embedded demo corpus, default pack)",
        docs.len()
    );
    Ok(ExitCode::SUCCESS)
}
