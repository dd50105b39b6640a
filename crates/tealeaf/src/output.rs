//! Printing statements: JSON lines (the scorers' format) or a table for people.

use std::io::Write;

use tealeaf_core::Statement;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Jsonl,
    Table,
}

pub fn write_statements(
    out: &mut impl Write,
    statements: &[Statement],
    format: OutputFormat,
) -> std::io::Result<()> {
    for s in statements {
        match format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut *out, s)?;
                writeln!(out)?;
            }
            OutputFormat::Table => writeln!(out, "{}", table_row(s))?,
        }
    }
    Ok(())
}

pub fn table_header() -> String {
    format!(
        "{:<10}  {:<28}  {:<22}  {:<6}  {}",
        "date", "speaker (role)", "outlet", "kind", "statement"
    )
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub fn table_row(s: &Statement) -> String {
    let speaker = match (&s.speaker, &s.speaker_role) {
        (Some(n), Some(r)) => format!("{n} ({r})"),
        (Some(n), None) => n.clone(),
        _ => "?".to_string(),
    };
    let kind = match s.kind {
        tealeaf_core::statements::Kind::Direct => "direct",
        tealeaf_core::statements::Kind::Mixed => "mixed",
        tealeaf_core::statements::Kind::Indirect => "indir",
    };
    format!(
        "{:<10}  {:<28}  {:<22}  {:<6}  {}",
        s.date.as_deref().unwrap_or("-"),
        clip(&speaker, 28),
        clip(s.outlet.as_deref().unwrap_or("-"), 22),
        kind,
        clip(&s.text.replace('\n', " "), 100)
    )
}
