//! tealeaf: who said what, when, through which outlet, on which terms.

mod commands;
mod demo;
mod inputs;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::OutputFormat;

/// mimalloc instead of the C library's allocator for Rust's allocations:
/// see `tealeaf_alloc` for why, BENCHMARKS.md for the measured effect on
/// extraction, ingest memory and queries.
#[global_allocator]
static ALLOCATOR: tealeaf_alloc::MiMalloc = tealeaf_alloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tealeaf",
    version,
    about = "Extract attributed, dated statements from news about a political file"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract statements from files or directories (txt, md, html, jsonl).
    Extract {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// A pack TOML file (default: the embedded Iran–US pack).
        #[arg(long)]
        pack: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: OutputFormat,
        #[command(flatten)]
        limits: inputs::Limits,
    },
    /// Run the pipeline on the embedded demo corpus and print the statements.
    Demo {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        /// Also score the statements against the demo corpus's hand-coded gold.
        #[arg(long)]
        score: bool,
    },
    /// Score extraction against hand-coded statements (metric of eval_statements.py).
    Eval {
        #[arg(long)]
        gold: PathBuf,
        /// Directory holding the gold files' documents.
        #[arg(long)]
        docs: PathBuf,
        #[arg(long)]
        pack: Option<PathBuf>,
        #[arg(long, default_value_t = 0.5)]
        min_overlap: f64,
        /// Count every prediction, not only those coded on an issue.
        #[arg(long)]
        all_preds: bool,
        /// Also write the predictions (JSON lines) here.
        #[arg(long)]
        pred_out: Option<PathBuf>,
        /// Also write the full report, with the missed statements, as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Score quotation extraction against PolNeAR-format gold (metric of eval_quotes.py).
    EvalQuotes {
        #[arg(long)]
        gold: PathBuf,
        #[arg(long)]
        pack: Option<PathBuf>,
        /// Write the predictions in the scorer's prediction format.
        #[arg(long)]
        pred_out: Option<PathBuf>,
        #[arg(long, default_value_t = 0.5)]
        min_overlap: f64,
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Store documents and their statements: files, directories, JSON lines,
    /// HTML, RSS/Atom feeds, http(s) URLs. Re-ingesting adds nothing.
    Ingest {
        #[arg(required = true, value_name = "PATH-or-URL")]
        inputs: Vec<String>,
        /// The store (SQLite), created if missing.
        #[arg(long, default_value = "tealeaf.db")]
        db: PathBuf,
        /// A pack TOML file (default: the embedded Iran–US pack).
        #[arg(long)]
        pack: Option<PathBuf>,
        #[command(flatten)]
        limits: inputs::Limits,
        /// At most this many documents per write transaction (a batch is
        /// also written at 16,384 statements or after 50 ms). Smaller
        /// batches commit more often; larger ones write faster.
        #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
        batch_documents: u32,
        /// Write a new (empty) store through its write-ahead log, as every
        /// later ingest does, instead of bulk loading it. Bulk loading is
        /// about a quarter faster; a power failure during it can leave the new
        /// store unreadable, where the log would keep the batches written.
        #[arg(long)]
        no_bulk_load: bool,
        /// Print the writer thread's busy and CPU time (for tealeaf-bench).
        #[arg(long, hide = true)]
        bench_stats: bool,
        /// Extract everything but store nothing, printing the writer's
        /// statistics (for tealeaf-bench: reading and extraction alone).
        #[arg(long, hide = true)]
        bench_discard: bool,
    },
    /// Re-extract and re-code every stored document with the current pack.
    Recode {
        #[arg(long, default_value = "tealeaf.db")]
        db: PathBuf,
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// Show why each field of a file's statements has its value.
    Explain {
        file: PathBuf,
        #[arg(long)]
        pack: Option<PathBuf>,
        /// Only the statement with this index (as numbered in the output).
        #[arg(long)]
        statement: Option<usize>,
        /// Only statements whose text contains this (case-insensitive).
        #[arg(long)]
        grep: Option<String>,
    },
    /// Stance over time on an issue, per actor, faction, institution, country or outlet.
    Timeline(commands::analyses::TimelineArgs),
    /// Changes of stance or conditions between an actor's consecutive statements.
    Shifts(commands::analyses::ShiftsArgs),
    /// The mixed-signals index of a government's voices, per window.
    Divergence(commands::analyses::DivergenceArgs),
    /// The conditions ledger: who sets each condition, since when, how the set moves.
    Conditions(commands::analyses::ConditionsArgs),
    /// Mediators and messages over time, with the likelihoods voiced.
    Channels(commands::analyses::ChannelsArgs),
    /// A brief on an issue for a period: summary (reversals, divergence,
    /// conditions, channels) citing its statements, then dated entries.
    Brief(commands::report::BriefArgs),
    /// Export statements (CSV, JSON lines, Parquet) or discourse networks
    /// (GraphML, GEXF, CSV edge lists).
    Export(commands::report::ExportArgs),
    /// Packs: check a pack file.
    Pack {
        #[command(subcommand)]
        command: PackCommand,
    },
    /// The web workbench and JSON API (/api/v1) over a store.
    Serve {
        /// The store (SQLite).
        #[arg(long, default_value = "tealeaf.db")]
        db: PathBuf,
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Serve a temporary store built from the embedded demo corpus.
        #[arg(long)]
        demo: bool,
        /// Accept POST /api/v1/documents from requests bearing the token.
        #[arg(long)]
        allow_ingest: bool,
        /// The ingest token (or set TEALEAF_INGEST_TOKEN).
        #[arg(long)]
        token: Option<String>,
        /// A pack TOML file (default: the embedded Iran–US pack).
        #[arg(long)]
        pack: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PackCommand {
    /// Report every error in a pack file, with line numbers.
    Check { file: PathBuf },
    /// Write a pack from a TABARI/PETRARCH actor dictionary (see docs/packs.md).
    ImportTabari {
        file: PathBuf,
        /// Write the pack here (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Pack id (default: the file name, slugified).
        #[arg(long)]
        id: Option<String>,
        /// Pack name (default: "Actors from FILE").
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    // Large queries and batches reuse freed memory instead of faulting in
    // fresh pages each time (see the function).
    tealeaf_store::keep_freed_memory_for_reuse();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract {
            paths,
            pack,
            format,
            limits,
        } => commands::extract::run(&paths, pack.as_deref(), format, &limits),
        Command::Demo { format, score } => commands::extract::demo(format, score),
        Command::Timeline(a) => commands::analyses::timeline(&a),
        Command::Shifts(a) => commands::analyses::shifts(&a),
        Command::Divergence(a) => commands::analyses::divergence(&a),
        Command::Conditions(a) => commands::analyses::conditions(&a),
        Command::Channels(a) => commands::analyses::channels(&a),
        Command::Brief(a) => commands::report::brief(&a),
        Command::Export(a) => commands::report::export(&a),
        Command::Eval {
            gold,
            docs,
            pack,
            min_overlap,
            all_preds,
            pred_out,
            json,
        } => commands::eval::statements(
            &gold,
            &docs,
            pack.as_deref(),
            min_overlap,
            all_preds,
            pred_out.as_deref(),
            json.as_deref(),
        ),
        Command::EvalQuotes {
            gold,
            pack,
            pred_out,
            min_overlap,
            json,
        } => commands::eval::quotes(
            &gold,
            pack.as_deref(),
            pred_out.as_deref(),
            min_overlap,
            json.as_deref(),
        ),
        Command::Ingest {
            inputs,
            db,
            pack,
            limits,
            batch_documents,
            no_bulk_load,
            bench_stats,
            bench_discard,
        } => commands::ingest::ingest(
            &inputs,
            &db,
            pack.as_deref(),
            &limits,
            commands::ingest::WriterOptions {
                batch_documents: batch_documents as usize,
                bulk_load: !no_bulk_load,
                bench: commands::ingest::BenchMode::from_flags(bench_stats, bench_discard),
            },
        ),
        Command::Recode { db, pack } => commands::ingest::recode(&db, pack.as_deref()),
        Command::Explain {
            file,
            pack,
            statement,
            grep,
        } => commands::explain::run(&file, pack.as_deref(), statement, grep.as_deref()),
        Command::Pack {
            command: PackCommand::Check { file },
        } => commands::pack::check(&file),
        Command::Pack {
            command:
                PackCommand::ImportTabari {
                    file,
                    out,
                    id,
                    name,
                },
        } => commands::pack::import_tabari(&file, out.as_deref(), id.as_deref(), name.as_deref()),
        Command::Serve {
            db,
            addr,
            demo,
            allow_ingest,
            token,
            pack,
        } => commands::serve::run(commands::serve::Options {
            db: &db,
            addr: &addr,
            demo,
            allow_ingest,
            token,
            pack: pack.as_deref(),
        }),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`tealeaf extract … | head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tealeaf: {e:#}");
            ExitCode::from(2)
        }
    }
}
