//! `tealeaf brief` and `tealeaf export`: the analyst's brief on an issue
//! for a period (Markdown, self-contained HTML, JSON), statements as CSV,
//! JSON lines or Parquet, and discourse networks as GraphML, GEXF or CSV
//! edge lists — over stored statements (`--db`) or statements extracted on
//! the spot from files (`--input`). The work is in
//! `tealeaf_core::report`; this module reads inputs and writes files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::Value;
use tealeaf_core::analyses::statement_from_json;
use tealeaf_core::report::network::{write_edges_csv, write_gexf, write_graphml};
use tealeaf_core::report::{
    self, DocInfo, NetworkKind, NetworkOptions, StatementRow, build_network, in_window,
};
use tealeaf_core::{Pack, Statement, extract};

use crate::inputs::{collect_files, read_file};

/// Where the statements come from, and the pack.
#[derive(Debug, clap::Args)]
pub struct Source {
    /// Extract statements from these files or directories (txt, md, html,
    /// jsonl) instead of reading the store.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub input: Vec<PathBuf>,
    /// The store to read [default: tealeaf.db].
    #[arg(long, conflicts_with = "input")]
    pub db: Option<PathBuf>,
    /// A pack TOML file (default: the embedded Iran–US pack).
    #[arg(long)]
    pub pack: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BriefFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page with an SVG timeline.
    Html,
    /// The brief's data as JSON.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct BriefArgs {
    /// The pack issue.
    #[arg(long, default_value = "us-talks")]
    pub issue: String,
    /// First day of the period (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day of the period (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: BriefFormat,
    /// Write the brief here (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub source: Source,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub command: ExportCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatementFormat {
    /// One row per statement, a header line; lists `;`-joined.
    Csv,
    /// Every field, one JSON object per line (the `extract` format).
    Jsonl,
    /// Apache Parquet (Snappy), lists as lists.
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NetworkKindArg {
    /// Actors × concepts (issues, conditions); agreement = stance.
    TwoMode,
    /// Actors sharing a concept with the same stance.
    Congruence,
    /// Actors holding opposite stances on a concept.
    Conflict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NetworkFormat {
    /// GraphML with standard keys (Gephi, Cytoscape, igraph, networkx).
    Graphml,
    /// GEXF 1.3.
    Gexf,
    /// A CSV edge list.
    Csv,
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Statements as CSV, JSON lines or Parquet.
    Statements {
        #[arg(long, value_enum)]
        format: StatementFormat,
        /// Write here (default: stdout; Parquet needs a file).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Only statements coded on this issue.
        #[arg(long)]
        issue: Option<String>,
        /// Only statements dated on or after this day.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Only statements dated on or before this day.
        #[arg(long)]
        to: Option<NaiveDate>,
        #[command(flatten)]
        source: Source,
    },
    /// A discourse network (Discourse Network Analyzer conventions).
    Network {
        #[arg(long, value_enum)]
        kind: NetworkKindArg,
        #[arg(long, value_enum, default_value = "graphml")]
        format: NetworkFormat,
        /// Only statements coded on this issue (default: every issue).
        #[arg(long)]
        issue: Option<String>,
        /// Time window: first day, inclusive.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Time window: last day, inclusive.
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Write here (default: stdout).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        source: Source,
    },
}

/// Statements and documents from the source.
struct Loaded {
    pack: Pack,
    statements: Vec<Statement>,
    /// From the store: each statement as stored (every field, the coding
    /// evidence too), for lossless exports.
    stored: Option<Vec<Value>>,
    docs: Vec<DocInfo>,
    failed: bool,
}

fn check_issue(pack: &Pack, issue: &str) -> anyhow::Result<()> {
    if pack.issue(issue).is_none() {
        let known: Vec<&str> = pack.issues.iter().map(|i| i.def.id.as_str()).collect();
        bail!(
            "unknown issue '{issue}' (the pack has: {})",
            known.join(", ")
        );
    }
    Ok(())
}

fn load(
    source: &Source,
    issue: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<Loaded> {
    let pack = super::load_pack(source.pack.as_deref())?;
    if let Some(i) = issue {
        check_issue(&pack, i)?;
    }
    if source.input.is_empty() {
        let db = source
            .db
            .clone()
            .unwrap_or_else(|| PathBuf::from("tealeaf.db"));
        let (statements, stored, docs) = from_store(&db, from, to)?;
        Ok(Loaded {
            pack,
            statements,
            stored: Some(stored),
            docs,
            failed: false,
        })
    } else {
        let (statements, docs, failed) = from_files(&source.input, &pack);
        Ok(Loaded {
            pack,
            statements,
            stored: None,
            docs,
            failed,
        })
    }
}

/// Extracts the statements of the files, in input order; failures are
/// reported on stderr.
fn from_files(paths: &[PathBuf], pack: &Pack) -> (Vec<Statement>, Vec<DocInfo>, bool) {
    let mut errors = Vec::new();
    let files = collect_files(paths, &mut errors);
    type PerDoc = Result<(DocInfo, Vec<Statement>), String>;
    let results: Vec<Vec<PerDoc>> = files
        .par_iter()
        .map(|f| {
            read_file(f)
                .into_iter()
                .map(|d| d.map(|doc| (DocInfo::of(&doc), extract(&doc, pack))))
                .collect()
        })
        .collect();
    let mut statements = Vec::new();
    let mut docs = Vec::new();
    for r in results.into_iter().flatten() {
        match r {
            Ok((d, st)) => {
                docs.push(d);
                statements.extend(st);
            }
            Err(e) => errors.push(e),
        }
    }
    for e in &errors {
        eprintln!("tealeaf: {e}");
    }
    (statements, docs, !errors.is_empty())
}

/// The stored statements dated in the window (all when no bound is given),
/// as statements and as stored JSON, and the stored documents.
fn from_store(
    db: &Path,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<(Vec<Statement>, Vec<Value>, Vec<DocInfo>)> {
    if !db.exists() {
        bail!(
            "{}: no such store (run `tealeaf ingest` first, or give --input PATH)",
            db.display()
        );
    }
    let store = tealeaf_store::Store::open(db)?;
    let filter = tealeaf_store::StatementFilter {
        date_from: from,
        date_to: to,
        ..Default::default()
    };
    let mut statements = Vec::new();
    let mut stored = Vec::new();
    for s in store.statements(&filter)? {
        let st = statement_from_json(&s.coded)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{}: stored statement {}", db.display(), s.id))?;
        statements.push(st);
        stored.push(s.coded);
    }
    let docs = store
        .documents()?
        .into_iter()
        .map(|d| DocInfo {
            id: d.doc_key,
            title: d.title,
            outlet: d.outlet,
            published: d
                .published
                .as_deref()
                .and_then(|p| NaiveDate::parse_from_str(p.get(..10).unwrap_or(p), "%Y-%m-%d").ok()),
            url: d.url,
        })
        .collect();
    Ok((statements, stored, docs))
}

/// A writer to `out`, or stdout.
fn output(out: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match out {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    })
}

fn done(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn shown(out: Option<&Path>) -> String {
    out.map(|p| p.display().to_string())
        .unwrap_or_else(|| "stdout".to_string())
}

/// `tealeaf brief`.
pub fn brief(a: &BriefArgs) -> anyhow::Result<ExitCode> {
    let loaded = load(&a.source, Some(&a.issue), a.from, a.to)?;
    let b = report::brief(
        &loaded.statements,
        &loaded.docs,
        &loaded.pack,
        &a.issue,
        a.from,
        a.to,
    );
    let text = match a.format {
        BriefFormat::Md => report::to_markdown(&b),
        BriefFormat::Html => report::to_html(&b),
        BriefFormat::Json => serde_json::to_string_pretty(&b)? + "\n",
    };
    let mut out = output(a.out.as_deref())?;
    out.write_all(text.as_bytes())?;
    out.flush()?;
    eprintln!(
        "tealeaf brief: {} statement(s) from {} document(s), {} summary sentence(s) → {}",
        b.statements,
        b.documents,
        b.summary.len(),
        shown(a.out.as_deref())
    );
    Ok(done(loaded.failed))
}

/// `tealeaf export`.
pub fn export(a: &ExportArgs) -> anyhow::Result<ExitCode> {
    match &a.command {
        ExportCommand::Statements {
            format,
            out,
            issue,
            from,
            to,
            source,
        } => export_statements(
            *format,
            out.as_deref(),
            issue.as_deref(),
            *from,
            *to,
            source,
        ),
        ExportCommand::Network {
            kind,
            format,
            issue,
            from,
            to,
            out,
            source,
        } => export_network(
            *kind,
            *format,
            issue.as_deref(),
            *from,
            *to,
            out.as_deref(),
            source,
        ),
    }
}

fn export_statements(
    format: StatementFormat,
    out: Option<&Path>,
    issue: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    source: &Source,
) -> anyhow::Result<ExitCode> {
    if format == StatementFormat::Parquet && out.is_none() {
        bail!("Parquet needs a file: give --out FILE");
    }
    let loaded = load(source, issue, from, to)?;
    let keep: Vec<usize> = (0..loaded.statements.len())
        .filter(|&i| {
            let s = &loaded.statements[i];
            issue.is_none_or(|t| s.coding.topic.as_deref() == Some(t)) && in_window(s, from, to)
        })
        .collect();
    // Stored statements export as stored (every field, with the evidence).
    let values: Vec<Value> = match &loaded.stored {
        Some(v) => keep.iter().map(|&i| v[i].clone()).collect(),
        None => keep
            .iter()
            .map(|&i| serde_json::to_value(&loaded.statements[i]))
            .collect::<Result<_, _>>()?,
    };
    match format {
        StatementFormat::Jsonl => {
            let mut w = output(out)?;
            for v in &values {
                serde_json::to_writer(&mut w, v)?;
                w.write_all(b"\n")?;
            }
            w.flush()?;
        }
        StatementFormat::Csv => {
            let rows: Vec<StatementRow> = values.iter().map(StatementRow::from_json).collect();
            report::write_csv(output(out)?, &rows)?;
        }
        StatementFormat::Parquet => {
            let rows: Vec<StatementRow> = values.iter().map(StatementRow::from_json).collect();
            let path = out.expect("checked above");
            write_parquet_file(path, &rows)?;
        }
    }
    eprintln!(
        "tealeaf export: {} statement(s) → {}",
        values.len(),
        shown(out)
    );
    Ok(done(loaded.failed))
}

#[cfg(feature = "parquet")]
fn write_parquet_file(path: &Path, rows: &[StatementRow]) -> anyhow::Result<()> {
    parquet_io::write(path, rows)
}

#[cfg(not(feature = "parquet"))]
fn write_parquet_file(_path: &Path, _rows: &[StatementRow]) -> anyhow::Result<()> {
    bail!("this tealeaf was built without Parquet support (cargo feature `parquet`)")
}

fn export_network(
    kind: NetworkKindArg,
    format: NetworkFormat,
    issue: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    out: Option<&Path>,
    source: &Source,
) -> anyhow::Result<ExitCode> {
    let loaded = load(source, issue, from, to)?;
    let opts = NetworkOptions {
        kind: match kind {
            NetworkKindArg::TwoMode => NetworkKind::TwoMode,
            NetworkKindArg::Congruence => NetworkKind::Congruence,
            NetworkKindArg::Conflict => NetworkKind::Conflict,
        },
        issue: issue.map(str::to_string),
        from,
        to,
    };
    let n = build_network(&loaded.statements, &loaded.pack, &opts);
    let w = output(out)?;
    match format {
        NetworkFormat::Graphml => write_graphml(w, &n)?,
        NetworkFormat::Gexf => write_gexf(w, &n)?,
        NetworkFormat::Csv => write_edges_csv(w, &n)?,
    }
    eprintln!(
        "tealeaf export: {} node(s), {} edge(s) → {}",
        n.nodes.len(),
        n.edges.len(),
        shown(out)
    );
    Ok(done(loaded.failed))
}

/// Statement rows as Parquet (Snappy-compressed), with the columns of
/// `tealeaf_core::report::export::COLUMNS`: text as UTF-8, offsets as
/// unsigned 64-bit integers, `confidence` as float32, `probability` as
/// float64, `conditions`/`mediators`/`threats` as lists of strings.
#[cfg(feature = "parquet")]
pub mod parquet_io {
    use std::fs::File;
    use std::path::Path;
    use std::sync::Arc;

    use anyhow::{Context, anyhow};
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Float64Type, UInt64Type};
    use arrow_array::{
        Array, ArrayRef, BooleanArray, Float32Array, Float64Array, RecordBatch, StringArray,
        UInt64Array,
    };
    use arrow_schema::{DataType, Field, Schema, SchemaRef};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use tealeaf_core::report::StatementRow;
    use tealeaf_core::report::export::COLUMNS;

    /// Rows per record batch (and row group at most).
    const BATCH: usize = 8192;

    fn list_type() -> DataType {
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
    }

    /// The Parquet schema: one field per column of `COLUMNS`.
    pub fn schema() -> SchemaRef {
        let fields: Vec<Field> = COLUMNS
            .iter()
            .map(|&c| match c {
                "doc" | "text" | "kind" | "rule" | "deadlines" | "evidence" => {
                    Field::new(c, DataType::Utf8, false)
                }
                "span_start" | "span_end" | "quote_start" | "quote_end" | "attribution" => {
                    Field::new(c, DataType::UInt64, false)
                }
                "speaker_start" | "speaker_end" => Field::new(c, DataType::UInt64, true),
                "direct" => Field::new(c, DataType::Boolean, false),
                "confidence" => Field::new(c, DataType::Float32, false),
                "probability" => Field::new(c, DataType::Float64, true),
                "conditions" | "mediators" | "threats" => Field::new(c, list_type(), false),
                _ => Field::new(c, DataType::Utf8, true),
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    fn strings(rows: &[StatementRow], f: impl Fn(&StatementRow) -> Option<&str>) -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    }

    fn list(rows: &[StatementRow], f: impl Fn(&StatementRow) -> &Vec<String>) -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        for r in rows {
            for x in f(r) {
                b.values().append_value(x);
            }
            b.append(true);
        }
        Arc::new(b.finish())
    }

    fn batch(schema: &SchemaRef, rows: &[StatementRow]) -> anyhow::Result<RecordBatch> {
        let u = |f: fn(&StatementRow) -> u64| -> ArrayRef {
            Arc::new(rows.iter().map(|r| Some(f(r))).collect::<UInt64Array>())
        };
        let ou = |f: fn(&StatementRow) -> Option<u64>| -> ArrayRef {
            Arc::new(rows.iter().map(f).collect::<UInt64Array>())
        };
        let columns: Vec<ArrayRef> = COLUMNS
            .iter()
            .map(|&c| -> anyhow::Result<ArrayRef> {
                Ok(match c {
                    "doc" => strings(rows, |r| Some(&r.doc)),
                    "span_start" => u(|r| r.span_start),
                    "span_end" => u(|r| r.span_end),
                    "text" => strings(rows, |r| Some(&r.text)),
                    "quote_start" => u(|r| r.quote_start),
                    "quote_end" => u(|r| r.quote_end),
                    "attribution" => u(|r| r.attribution),
                    "kind" => strings(rows, |r| Some(&r.kind)),
                    "direct" => Arc::new(
                        rows.iter()
                            .map(|r| Some(r.direct))
                            .collect::<BooleanArray>(),
                    ),
                    "speaker" => strings(rows, |r| r.speaker.as_deref()),
                    "speaker_mention" => strings(rows, |r| r.speaker_mention.as_deref()),
                    "speaker_start" => ou(|r| r.speaker_start),
                    "speaker_end" => ou(|r| r.speaker_end),
                    "speaker_role" => strings(rows, |r| r.speaker_role.as_deref()),
                    "speaker_id" => strings(rows, |r| r.speaker_id.as_deref()),
                    "faction" => strings(rows, |r| r.faction.as_deref()),
                    "outlet" => strings(rows, |r| r.outlet.as_deref()),
                    "outlet_id" => strings(rows, |r| r.outlet_id.as_deref()),
                    "outlet_affiliation" => strings(rows, |r| r.outlet_affiliation.as_deref()),
                    "date" => strings(rows, |r| r.date.as_deref()),
                    "date_precision" => strings(rows, |r| r.date_precision.as_deref()),
                    "cue" => strings(rows, |r| r.cue.as_deref()),
                    "confidence" => Arc::new(
                        rows.iter()
                            .map(|r| Some(r.confidence))
                            .collect::<Float32Array>(),
                    ),
                    "rule" => strings(rows, |r| Some(&r.rule)),
                    "topic" => strings(rows, |r| r.topic.as_deref()),
                    "stance" => strings(rows, |r| r.stance.as_deref()),
                    "conditions" => list(rows, |r| &r.conditions),
                    "mediators" => list(rows, |r| &r.mediators),
                    "threats" => list(rows, |r| &r.threats),
                    "deadlines" => strings(rows, |r| Some(&r.deadlines)),
                    "about" => strings(rows, |r| r.about.as_deref()),
                    "probability" => {
                        Arc::new(rows.iter().map(|r| r.probability).collect::<Float64Array>())
                    }
                    "cameo" => strings(rows, |r| r.cameo.as_deref()),
                    "cameo_name" => strings(rows, |r| r.cameo_name.as_deref()),
                    "plover_event" => strings(rows, |r| r.plover_event.as_deref()),
                    "plover_mode" => strings(rows, |r| r.plover_mode.as_deref()),
                    "evidence" => strings(rows, |r| Some(&r.evidence)),
                    other => return Err(anyhow!("no Parquet column for {other}")),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(RecordBatch::try_new(schema.clone(), columns)?)
    }

    /// Writes the rows to `path`.
    pub fn write(path: &Path, rows: &[StatementRow]) -> anyhow::Result<()> {
        let file =
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        let schema = schema();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("tealeaf {}", env!("CARGO_PKG_VERSION")))
            .build();
        let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .with_context(|| format!("{}: cannot write Parquet", path.display()))?;
        for chunk in rows.chunks(BATCH) {
            w.write(&batch(&schema, chunk)?)
                .with_context(|| format!("{}: cannot write Parquet", path.display()))?;
        }
        w.close()
            .with_context(|| format!("{}: cannot write Parquet", path.display()))?;
        Ok(())
    }

    /// Reads rows written by [`write`] (the tests' check that a file
    /// reads back).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn read(path: &Path) -> anyhow::Result<Vec<StatementRow>> {
        let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .with_context(|| format!("{}: not a Parquet file", path.display()))?;
        let mut out = Vec::new();
        for batch in reader {
            let batch = batch.with_context(|| format!("{}: cannot read", path.display()))?;
            let col = |name: &str| -> anyhow::Result<&ArrayRef> {
                batch
                    .column_by_name(name)
                    .ok_or_else(|| anyhow!("{}: no column {name}", path.display()))
            };
            let s = |name: &str| -> anyhow::Result<Vec<Option<String>>> {
                let a = col(name)?
                    .as_string_opt::<i32>()
                    .ok_or_else(|| anyhow!("column {name} is not text"))?;
                Ok((0..a.len())
                    .map(|i| (!a.is_null(i)).then(|| a.value(i).to_string()))
                    .collect())
            };
            let u = |name: &str| -> anyhow::Result<Vec<Option<u64>>> {
                let a = col(name)?
                    .as_primitive_opt::<UInt64Type>()
                    .ok_or_else(|| anyhow!("column {name} is not uint64"))?;
                Ok((0..a.len())
                    .map(|i| (!a.is_null(i)).then(|| a.value(i)))
                    .collect())
            };
            let l = |name: &str| -> anyhow::Result<Vec<Vec<String>>> {
                let a = col(name)?
                    .as_list_opt::<i32>()
                    .ok_or_else(|| anyhow!("column {name} is not a list"))?;
                Ok((0..a.len())
                    .map(|i| {
                        let v = a.value(i);
                        let v = v.as_string::<i32>();
                        (0..v.len()).map(|j| v.value(j).to_string()).collect()
                    })
                    .collect())
            };
            let (doc, text, kind, rule) = (s("doc")?, s("text")?, s("kind")?, s("rule")?);
            let (deadlines, evidence) = (s("deadlines")?, s("evidence")?);
            let (span_start, span_end) = (u("span_start")?, u("span_end")?);
            let (quote_start, quote_end) = (u("quote_start")?, u("quote_end")?);
            let attribution = u("attribution")?;
            let (speaker_start, speaker_end) = (u("speaker_start")?, u("speaker_end")?);
            let direct = col("direct")?
                .as_boolean_opt()
                .ok_or_else(|| anyhow!("column direct is not boolean"))?;
            let confidence = col("confidence")?
                .as_primitive_opt::<Float32Type>()
                .ok_or_else(|| anyhow!("column confidence is not float32"))?;
            let probability = col("probability")?
                .as_primitive_opt::<Float64Type>()
                .ok_or_else(|| anyhow!("column probability is not float64"))?;
            let names = [
                "speaker",
                "speaker_mention",
                "speaker_role",
                "speaker_id",
                "faction",
                "outlet",
                "outlet_id",
                "outlet_affiliation",
                "date",
                "date_precision",
                "cue",
                "topic",
                "stance",
                "about",
                "cameo",
                "cameo_name",
                "plover_event",
                "plover_mode",
            ];
            let opt: Vec<Vec<Option<String>>> =
                names.iter().map(|n| s(n)).collect::<anyhow::Result<_>>()?;
            let o = |n: &str, i: usize| opt[names.iter().position(|x| *x == n).unwrap()][i].clone();
            let (conditions, mediators, threats) =
                (l("conditions")?, l("mediators")?, l("threats")?);
            for i in 0..batch.num_rows() {
                out.push(StatementRow {
                    doc: doc[i].clone().unwrap_or_default(),
                    span_start: span_start[i].unwrap_or(0),
                    span_end: span_end[i].unwrap_or(0),
                    text: text[i].clone().unwrap_or_default(),
                    quote_start: quote_start[i].unwrap_or(0),
                    quote_end: quote_end[i].unwrap_or(0),
                    attribution: attribution[i].unwrap_or(0),
                    kind: kind[i].clone().unwrap_or_default(),
                    direct: direct.value(i),
                    speaker: o("speaker", i),
                    speaker_mention: o("speaker_mention", i),
                    speaker_start: speaker_start[i],
                    speaker_end: speaker_end[i],
                    speaker_role: o("speaker_role", i),
                    speaker_id: o("speaker_id", i),
                    faction: o("faction", i),
                    outlet: o("outlet", i),
                    outlet_id: o("outlet_id", i),
                    outlet_affiliation: o("outlet_affiliation", i),
                    date: o("date", i),
                    date_precision: o("date_precision", i),
                    cue: o("cue", i),
                    confidence: confidence.value(i),
                    rule: rule[i].clone().unwrap_or_default(),
                    topic: o("topic", i),
                    stance: o("stance", i),
                    conditions: conditions[i].clone(),
                    mediators: mediators[i].clone(),
                    threats: threats[i].clone(),
                    deadlines: deadlines[i].clone().unwrap_or_default(),
                    about: o("about", i),
                    probability: (!probability.is_null(i)).then(|| probability.value(i)),
                    cameo: o("cameo", i),
                    cameo_name: o("cameo_name", i),
                    plover_event: o("plover_event", i),
                    plover_mode: o("plover_mode", i),
                    evidence: evidence[i].clone().unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn row(i: u64) -> StatementRow {
            StatementRow {
                doc: format!("doc-{i}.txt"),
                span_start: i * 10,
                span_end: i * 10 + 7,
                text: format!("“Quoted” text {i}, with <tags> & ünïcode"),
                quote_start: i * 10,
                quote_end: i * 10 + 9,
                attribution: i,
                kind: if i.is_multiple_of(2) {
                    "direct"
                } else {
                    "indirect"
                }
                .to_string(),
                direct: i.is_multiple_of(2),
                speaker: Some("Abbas Araghchi".into()),
                speaker_mention: i.is_multiple_of(3).then(|| "Araghchi".to_string()),
                speaker_start: i.is_multiple_of(3).then_some(i),
                speaker_end: i.is_multiple_of(3).then_some(i + 8),
                speaker_role: Some("Foreign Minister".into()),
                speaker_id: Some("abbas-araghchi".into()),
                faction: None,
                outlet: (i % 2 == 1).then(|| "IRNA".to_string()),
                outlet_id: None,
                outlet_affiliation: None,
                date: Some(format!("2025-02-{:02}", i % 28 + 1)),
                date_precision: Some("day".into()),
                cue: Some("said".into()),
                confidence: 0.85,
                rule: "direct-cue-after; speaker:pack-name; date:section".into(),
                topic: Some("us-talks".into()),
                stance: Some("conditional".into()),
                conditions: (0..i % 3).map(|k| format!("cond-{k}")).collect(),
                mediators: if i.is_multiple_of(4) {
                    vec!["Russia".into()]
                } else {
                    Vec::new()
                },
                threats: Vec::new(),
                deadlines: "[]".into(),
                about: None,
                probability: i.is_multiple_of(5).then_some(0.05),
                cameo: Some("106".into()),
                cameo_name: None,
                plover_event: None,
                plover_mode: None,
                evidence: r#"[{"field":"stance","value":"conditional"}]"#.into(),
            }
        }

        #[test]
        fn parquet_reads_back_the_same_rows() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("statements.parquet");
            // More than one batch.
            let rows: Vec<StatementRow> = (0..(BATCH as u64 + 17)).map(row).collect();
            write(&path, &rows).unwrap();
            let back = read(&path).unwrap();
            assert_eq!(back.len(), rows.len());
            assert_eq!(back, rows);
        }

        #[test]
        fn an_empty_export_is_a_valid_file() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("empty.parquet");
            write(&path, &[]).unwrap();
            assert!(read(&path).unwrap().is_empty());
        }
    }
}
