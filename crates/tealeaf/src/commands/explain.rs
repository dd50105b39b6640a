//! `tealeaf explain FILE`: why each field of a statement has its value — the
//! rule, the cue and where it stands in the text — so analysts can audit
//! the coding.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use tealeaf_core::{Statement, extract};

use crate::inputs::read_file;

pub fn run(
    file: &Path,
    pack: Option<&Path>,
    statement: Option<usize>,
    grep: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let pack = super::load_pack(pack)?;
    let mut out = String::new();
    let mut failed = false;
    for doc in read_file(file) {
        let doc = match doc {
            Ok(d) => d,
            Err(e) => {
                eprintln!("tealeaf: {e}");
                failed = true;
                continue;
            }
        };
        let statements = extract(&doc, &pack);
        for (i, s) in statements.iter().enumerate() {
            if statement.is_some_and(|n| n != i)
                || grep.is_some_and(|g| !s.text.to_lowercase().contains(&g.to_lowercase()))
            {
                continue;
            }
            explain_one(&mut out, i, s);
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn span(s: Option<[usize; 2]>) -> String {
    s.map(|[a, b]| format!(" (chars {a}–{b})"))
        .unwrap_or_default()
}

/// The rule field reads "ATTRIBUTION; speaker:METHOD; date:HOW".
fn rule_part<'a>(rule: &'a str, key: &str) -> &'a str {
    rule.split("; ")
        .find_map(|p| p.strip_prefix(key))
        .unwrap_or("-")
}

pub fn explain_one(out: &mut String, i: usize, s: &Statement) {
    let attribution = s.rule.split("; ").next().unwrap_or("-");
    let _ = writeln!(
        out,
        "[{i}] {}{}",
        s.text.replace('\n', " "),
        span(Some(s.span))
    );
    let _ = writeln!(
        out,
        "  attribution  {} ({:?}), cue {}, quotation{}; confidence {}",
        attribution,
        s.kind,
        s.cue
            .as_deref()
            .map(|c| format!("\"{c}\""))
            .unwrap_or_else(|| "none".into()),
        span(Some(s.quote_span)),
        s.confidence
    );
    let _ = writeln!(
        out,
        "  speaker      {}{} ← \"{}\"{} by {}",
        s.speaker.as_deref().unwrap_or("?"),
        s.speaker_id
            .as_deref()
            .map(|id| format!(" [{id}]"))
            .unwrap_or_default(),
        s.speaker_mention.as_deref().unwrap_or(""),
        span(s.speaker_span),
        rule_part(&s.rule, "speaker:")
    );
    let _ = writeln!(
        out,
        "  role         {} on {} ({}); faction {}",
        s.speaker_role.as_deref().unwrap_or("-"),
        s.date.as_deref().unwrap_or("unknown date"),
        if s.speaker_id.is_some() {
            "pack roles by date"
        } else {
            "as the text gives it"
        },
        s.faction.as_deref().unwrap_or("-")
    );
    let _ = writeln!(
        out,
        "  outlet       {}{}",
        s.outlet
            .as_deref()
            .unwrap_or("- (none named in the reporting clause)"),
        s.outlet_affiliation
            .as_deref()
            .map(|a| format!(", {a}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  date         {} ({}) by {}",
        s.date.as_deref().unwrap_or("-"),
        s.date_precision.as_deref().unwrap_or("-"),
        rule_part(&s.rule, "date:")
    );
    let c = &s.coding;
    let fields: [(&str, String); 8] = [
        ("topic", c.topic.clone().unwrap_or_default()),
        ("stance", c.stance.clone().unwrap_or_default()),
        ("conditions", c.conditions.join(", ")),
        ("mediators", c.mediators.join(", ")),
        ("threats", c.threats.join(", ")),
        (
            "deadlines",
            c.deadlines
                .iter()
                .map(|d| format!("{} by {}", d.threat, d.deadline))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("about", c.about.clone().unwrap_or_default()),
        (
            "probability",
            c.probability.map(|p| p.to_string()).unwrap_or_default(),
        ),
    ];
    for (field, value) in fields {
        let evidence: Vec<_> = c.evidence.iter().filter(|e| e.field == field).collect();
        if value.is_empty() && evidence.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {field:<12} {value}");
        for e in evidence {
            let _ = writeln!(
                out,
                "      ← {}{}{} by {} ({})",
                e.value,
                e.cue
                    .as_deref()
                    .map(|c| format!(": cue \"{c}\""))
                    .unwrap_or_default(),
                span(e.span),
                e.rule,
                e.confidence
            );
        }
    }
    let _ = writeln!(
        out,
        "  event        CAMEO {} {} — PLOVER {}{}",
        c.cameo.as_deref().unwrap_or("-"),
        c.cameo_name.as_deref().unwrap_or(""),
        c.plover_event.as_deref().unwrap_or("-"),
        c.plover_mode
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default()
    );
    out.push('\n');
}
