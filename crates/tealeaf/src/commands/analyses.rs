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
use tealeaf_core::analyses::{
    self, Bucket, Facts, GroupBy, Page, Paging, ShiftFilter, StatementRef, fast,
};
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

/// `--limit`: a number of items, or `0` / `all` for every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub Option<usize>);

impl std::str::FromStr for Limit {
    type Err = String;
    fn from_str(s: &str) -> Result<Limit, String> {
        match s.trim() {
            "all" | "0" => Ok(Limit(None)),
            n => n
                .parse()
                .map(|n| Limit(Some(n)))
                .map_err(|_| format!("not a number of items: {n:?} (a number, 0 or all)")),
        }
    }
}

/// Which part of a large answer to print: on a large store the whole
/// answer is tens of thousands of points or hundreds of thousands of
/// shifts, and building it costs more than finding it.
#[derive(Debug, clap::Args)]
pub struct PageArgs {
    /// How many points, shifts or windows to print (0 or all: every one).
    #[arg(long, default_value = "200")]
    pub limit: Limit,
    /// Skip this many first (for the next page: the `next_offset` of the
    /// JSON output).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

impl PageArgs {
    fn paging(&self) -> Paging {
        Paging::new(self.offset, self.limit.0)
    }
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
    pub page: PageArgs,
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
    /// Only this actor's shifts (pack id, else the speaker's name).
    #[arg(long)]
    pub actor: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
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
    pub page: PageArgs,
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

/// The rows of the facts a page cites, for the JSON output (as [`refs`]).
fn fact_refs(f: &Facts, cited: Vec<usize>) -> Vec<StatementRef> {
    cited.into_iter().map(|i| f.statement_ref(i)).collect()
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

/// The statements a page cites, for the JSON output: each carries its
/// `index`, the number the page's items cite it by.
fn refs(statements: &[Statement], cited: Vec<usize>) -> Vec<StatementRef> {
    cited
        .into_iter()
        .map(|i| StatementRef::new(statements, i))
        .collect()
}

/// The indices cited, in order, once each.
fn cited(indices: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = indices.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Where a page sits in the whole answer, for the JSON output.
fn page_json<T>(p: &Page<T>) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("total".into(), p.total.into());
    m.insert("offset".into(), p.offset.into());
    m.insert("limit".into(), p.limit.into());
    m.insert("next_offset".into(), p.next_offset().into());
    m
}

/// A page's JSON object: its fields, then where it sits in the whole.
fn with_page<T>(mut v: Value, p: &Page<T>) -> Value {
    if let Value::Object(m) = &mut v {
        m.extend(page_json(p));
    }
    v
}

/// The table's last line: which items are shown, and how to see more.
fn page_note<T>(p: &Page<T>, what: &str) -> String {
    let shown = p.items.len();
    if p.total == 0 {
        // The table says so already.
        return String::new();
    }
    if shown == p.total {
        return format!("({} {what})\n", p.total);
    }
    let first = p.offset.min(p.total);
    let mut note = if shown == 0 {
        format!("(none of {} {what} from offset {})", p.total, p.offset)
    } else {
        format!(
            "({}–{} of {} {what} shown",
            first + 1,
            first + shown,
            p.total
        )
    };
    if let Some(next) = p.next_offset() {
        note.push_str(&format!("; next: --offset {next}, or --limit all"));
    }
    if shown > 0 {
        note.push(')');
    }
    note.push('\n');
    note
}

pub fn timeline(a: &TimelineArgs) -> anyhow::Result<ExitCode> {
    let output = |page: &Page<analyses::TimelinePoint>,
                  refs: &dyn Fn(Vec<usize>) -> Vec<StatementRef>| {
        print(
            a.source.format,
            || analyses::render::timeline(&page.items) + &page_note(page, "points"),
            || {
                let cited = cited(page.items.iter().flat_map(|p| p.statements.iter().copied()));
                let v = json!({
                    "analysis": "timeline",
                    "issue": a.issue,
                    "group_by": a.by,
                    "bucket": a.bucket,
                    "net_score": "mean of support +1, conditional +0.5, neutral 0, oppose -1",
                    "points": page.items,
                    "statements": refs(cited),
                });
                with_page(v, page)
            },
        )
    };
    let paging = a.page.paging();
    if let Some((pack, f)) = stored_facts(&a.source, &a.issue)? {
        let page = fast::timeline_page(&f, &pack, a.by, a.bucket, paging);
        output(&page, &|c| fact_refs(&f, c))?;
        return Ok(ExitCode::SUCCESS);
    }
    let l = load(&a.source, Some(&a.issue))?;
    let points = analyses::timeline(&l.statements, &l.pack, &a.issue, a.by, a.bucket);
    output(&Page::of_whole(points, paging), &|c| refs(&l.statements, c))?;
    Ok(done(&l))
}

pub fn shifts(a: &ShiftsArgs) -> anyhow::Result<ExitCode> {
    let output = |page: Page<analyses::Shift>| {
        print(
            a.source.format,
            || analyses::render::shifts(&page.items) + &page_note(&page, "shifts"),
            || {
                let v = json!({"analysis": "shifts", "issue": a.issue, "shifts": page.items});
                with_page(v, &page)
            },
        )
    };
    let filter = ShiftFilter {
        actor: a.actor.as_deref(),
        reversals: a.reversals,
    };
    let paging = a.page.paging();
    if let Some((_, f)) = stored_facts(&a.source, &a.issue)? {
        output(fast::shifts_page(&f, filter, paging))?;
        return Ok(ExitCode::SUCCESS);
    }
    let l = load(&a.source, Some(&a.issue))?;
    let mut shifts = analyses::shifts(&l.statements, &a.issue);
    shifts
        .retain(|s| (!filter.reversals || s.reversal) && filter.actor.is_none_or(|k| k == s.actor));
    output(Page::of_whole(shifts, paging))?;
    Ok(done(&l))
}

pub fn divergence(a: &DivergenceArgs) -> anyhow::Result<ExitCode> {
    let output = |page: &Page<analyses::DivergenceWindow>,
                  refs: &dyn Fn(Vec<usize>) -> Vec<StatementRef>| {
        print(
            a.source.format,
            || analyses::render::divergence(&page.items) + &page_note(page, "windows"),
            || {
                let cited = cited(page.items.iter().flat_map(|w| {
                    let voiced = w.voices.iter().flat_map(|v| v.statements.iter().copied());
                    let paired = w
                        .pairs
                        .iter()
                        .flat_map(|p| [p.open_statement.index, p.closed_statement.index]);
                    voiced.chain(paired)
                }));
                let v = json!({
                    "analysis": "divergence",
                    "issue": a.issue,
                    "government": a.government,
                    "window": a.window,
                    "index": "weighted standard deviation of the voices' mean stance scores \
                              (support +1, conditional +0.5, oppose -1; neutral left out), \
                              weights = utterances; in [0, 1]; see docs/analyses.md",
                    "windows": page.items,
                    "statements": refs(cited),
                });
                with_page(v, page)
            },
        )
    };
    let paging = a.page.paging();
    if let Some((pack, f)) = stored_facts(&a.source, &a.issue)? {
        let page = fast::divergence_page(&f, &pack, &a.government, a.window, paging);
        output(&page, &|c| fact_refs(&f, c))?;
        return Ok(ExitCode::SUCCESS);
    }
    let l = load(&a.source, Some(&a.issue))?;
    let windows = analyses::divergence(&l.statements, &l.pack, &a.issue, &a.government, a.window);
    output(&Page::of_whole(windows, paging), &|c| {
        refs(&l.statements, c)
    })?;
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
                "statements": refs(&l.statements, (0..l.statements.len()).collect()),
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
