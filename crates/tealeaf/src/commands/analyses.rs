//! `tealeaf timeline | shifts | divergence | conditions | channels`: the
//! analyses of `tealeaf_core::analyses` over stored statements (`--db`) or
//! statements extracted on the spot from files (`--input`), printed as a
//! table or as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use rayon::prelude::*;
use serde_json::{Value, json};
use tealeaf_core::analyses::{self, Bucket, Facts, GroupBy, StatementRef, fast};
use tealeaf_core::{Pack, Statement, extract};

use crate::inputs::{collect_files, read_file};

/// How an analysis is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

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
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// The pack issue ("us-talks").
    #[arg(long)]
    pub issue: String,
    /// Group by actor, faction, institution, country or outlet.
    #[arg(long, default_value = "actor")]
    pub by: GroupBy,
    /// Period: day, week or month.
    #[arg(long, default_value = "week")]
    pub bucket: Bucket,
    #[command(flatten)]
    pub source: Source,
}

#[derive(Debug, clap::Args)]
pub struct ShiftsArgs {
    #[arg(long)]
    pub issue: String,
    /// Only reversals (support or conditional ↔ oppose).
    #[arg(long)]
    pub reversals: bool,
    #[command(flatten)]
    pub source: Source,
}

#[derive(Debug, clap::Args)]
pub struct DivergenceArgs {
    #[arg(long)]
    pub issue: String,
    /// The government: a country of the pack's actors and outlets.
    #[arg(long, default_value = "Iran")]
    pub government: String,
    /// Window: day, week or month.
    #[arg(long, default_value = "week")]
    pub window: Bucket,
    #[command(flatten)]
    pub source: Source,
}

#[derive(Debug, clap::Args)]
pub struct ConditionsArgs {
    #[arg(long)]
    pub issue: String,
    /// Period of the evolution: day, week or month.
    #[arg(long, default_value = "month")]
    pub bucket: Bucket,
    #[command(flatten)]
    pub source: Source,
}

#[derive(Debug, clap::Args)]
pub struct ChannelsArgs {
    /// Only this mediator (as coded: "Russia", "Oman").
    #[arg(long)]
    pub mediator: Option<String>,
    #[command(flatten)]
    pub source: Source,
}

/// Statements from the source, and whether any input failed.
struct Loaded {
    pack: Pack,
    statements: Vec<Statement>,
    failed: bool,
}

/// The pack, checked to define `issue`.
fn pack_with(source: &Source, issue: Option<&str>) -> anyhow::Result<Pack> {
    let pack = super::load_pack(source.pack.as_deref())?;
    if let Some(issue) = issue
        && pack.issue(issue).is_none()
    {
        let known: Vec<&str> = pack.issues.iter().map(|i| i.def.id.as_str()).collect();
        bail!(
            "unknown issue '{issue}' (the pack has: {})",
            known.join(", ")
        );
    }
    Ok(pack)
}

fn db_path(source: &Source) -> PathBuf {
    source
        .db
        .clone()
        .unwrap_or_else(|| PathBuf::from("tealeaf.db"))
}

/// With a store (no `--input`): the pack and the issue's facts, which
/// timeline, shifts and divergence read instead of decoding every
/// statement (`Store::issue_facts`; same results, see
/// `tealeaf_core::analyses::fast`).
fn stored_facts(source: &Source, issue: &str) -> anyhow::Result<Option<(Pack, Facts)>> {
    if !source.input.is_empty() {
        return Ok(None);
    }
    let pack = pack_with(source, Some(issue))?;
    let store = open_store(&db_path(source))?;
    Ok(Some((pack, store.issue_facts(issue)?.facts)))
}

/// Every row of the facts cited, for the JSON output (as [`refs`]).
fn fact_refs(f: &Facts) -> Vec<StatementRef> {
    (0..f.len()).map(|i| f.statement_ref(i)).collect()
}

fn open_store(db: &Path) -> anyhow::Result<tealeaf_store::Store> {
    if !db.exists() {
        bail!(
            "{}: no such store (run `tealeaf ingest` first, or give --input PATH)",
            db.display()
        );
    }
    Ok(tealeaf_store::Store::open(db)?)
}

fn load(source: &Source, issue: Option<&str>) -> anyhow::Result<Loaded> {
    let pack = pack_with(source, issue)?;
    let (statements, failed) = if source.input.is_empty() {
        (from_store(&db_path(source), issue)?, false)
    } else {
        from_files(&source.input, &pack)
    };
    let statements = match issue {
        Some(issue) => statements
            .into_iter()
            .filter(|s| s.coding.topic.as_deref() == Some(issue))
            .collect(),
        None => statements,
    };
    Ok(Loaded {
        pack,
        statements,
        failed,
    })
}

/// Extracts the statements of the files, in input order; failures are
/// reported on stderr.
fn from_files(paths: &[PathBuf], pack: &Pack) -> (Vec<Statement>, bool) {
    let mut errors = Vec::new();
    let files = collect_files(paths, &mut errors);
    let results: Vec<Vec<Result<Vec<Statement>, String>>> = files
        .par_iter()
        .map(|f| {
            read_file(f)
                .into_iter()
                .map(|d| d.map(|doc| extract(&doc, pack)))
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for r in results.into_iter().flatten() {
        match r {
            Ok(st) => out.extend(st),
            Err(e) => errors.push(e),
        }
    }
    for e in &errors {
        eprintln!("tealeaf: {e}");
    }
    (out, !errors.is_empty())
}

/// The stored statements (on `issue` when given), in document order.
fn from_store(db: &Path, issue: Option<&str>) -> anyhow::Result<Vec<Statement>> {
    let store = open_store(db)?;
    let filter = tealeaf_store::StatementFilter {
        topic: issue.map(str::to_string),
        ..Default::default()
    };
    store
        .statements(&filter)?
        .iter()
        .map(|s| {
            analyses::statement_from_json(&s.coded)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("{}: stored statement {}", db.display(), s.id))
        })
        .collect()
}

fn print(
    format: Format,
    table: impl FnOnce() -> String,
    // Built only for JSON output: on a large store the cited statements
    // alone are hundreds of thousands of objects.
    value: impl FnOnce() -> Value,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => out.write_all(table().as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &value())?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn done(loaded: &Loaded) -> ExitCode {
    if loaded.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Every statement of the slice an analysis ran on, for the JSON output:
/// the indices in the results point into this list.
fn refs(statements: &[Statement]) -> Vec<StatementRef> {
    (0..statements.len())
        .map(|i| StatementRef::new(statements, i))
        .collect()
}

pub fn timeline(a: &TimelineArgs) -> anyhow::Result<ExitCode> {
    let output = |points: &[analyses::TimelinePoint], refs: &dyn Fn() -> Vec<StatementRef>| {
        print(
            a.source.format,
            || analyses::render::timeline(points),
            || {
                json!({
                    "analysis": "timeline",
                    "issue": a.issue,
                    "group_by": a.by,
                    "bucket": a.bucket,
                    "net_score": "mean of support +1, conditional +0.5, neutral 0, oppose -1",
                    "points": points,
                    "statements": refs(),
                })
            },
        )
    };
    if let Some((pack, f)) = stored_facts(&a.source, &a.issue)? {
        let points = fast::timeline(&f, &pack, a.by, a.bucket);
        output(&points, &|| fact_refs(&f))?;
        return Ok(ExitCode::SUCCESS);
    }
    let l = load(&a.source, Some(&a.issue))?;
    let points = analyses::timeline(&l.statements, &l.pack, &a.issue, a.by, a.bucket);
    output(&points, &|| refs(&l.statements))?;
    Ok(done(&l))
}

pub fn shifts(a: &ShiftsArgs) -> anyhow::Result<ExitCode> {
    let output = |mut shifts: Vec<analyses::Shift>| {
        if a.reversals {
            shifts.retain(|s| s.reversal);
        }
        print(
            a.source.format,
            || analyses::render::shifts(&shifts),
            || json!({"analysis": "shifts", "issue": a.issue, "shifts": shifts}),
        )
    };
    if let Some((_, f)) = stored_facts(&a.source, &a.issue)? {
        output(fast::shifts(&f))?;
        return Ok(ExitCode::SUCCESS);
    }
    let l = load(&a.source, Some(&a.issue))?;
    output(analyses::shifts(&l.statements, &a.issue))?;
    Ok(done(&l))
}

pub fn divergence(a: &DivergenceArgs) -> anyhow::Result<ExitCode> {
    let output = |windows: &[analyses::DivergenceWindow], refs: &dyn Fn() -> Vec<StatementRef>| {
        print(
            a.source.format,
            || analyses::render::divergence(windows),
            || {
                json!({
                    "analysis": "divergence",
                    "issue": a.issue,
                    "government": a.government,
                    "window": a.window,
                    "index": "weighted standard deviation of the voices' mean stance scores \
                              (support +1, conditional +0.5, oppose -1; neutral left out), \
                              weights = utterances; in [0, 1]; see docs/analyses.md",
                    "windows": windows,
                    "statements": refs(),
                })
            },
        )
    };
    if let Some((pack, f)) = stored_facts(&a.source, &a.issue)? {
        let windows = fast::divergence(&f, &pack, &a.government, a.window);
        output(&windows, &|| fact_refs(&f))?;
        return Ok(ExitCode::SUCCESS);
    }
    let l = load(&a.source, Some(&a.issue))?;
    let windows = analyses::divergence(&l.statements, &l.pack, &a.issue, &a.government, a.window);
    output(&windows, &|| refs(&l.statements))?;
    Ok(done(&l))
}

pub fn conditions(a: &ConditionsArgs) -> anyhow::Result<ExitCode> {
    let l = load(&a.source, Some(&a.issue))?;
    let ledger = analyses::conditions_ledger(&l.statements, &l.pack, &a.issue, a.bucket);
    print(
        a.source.format,
        || analyses::render::conditions(&ledger),
        || {
            json!({
                "analysis": "conditions",
                "ledger": ledger,
                "statements": refs(&l.statements),
            })
        },
    )?;
    Ok(done(&l))
}

pub fn channels(a: &ChannelsArgs) -> anyhow::Result<ExitCode> {
    let l = load(&a.source, None)?;
    let mut entries = analyses::channels(&l.statements);
    if let Some(m) = &a.mediator {
        entries.retain(|e| e.mediator.eq_ignore_ascii_case(m));
    }
    print(
        a.source.format,
        || analyses::render::channels(&entries),
        || json!({"analysis": "channels", "channels": entries}),
    )?;
    Ok(done(&l))
}
