//! `tealeaf pack check FILE`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

pub fn check(file: &Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("{}: cannot read", file.display()))?;
    let name = file.display().to_string();
    let errors = tealeaf_core::pack::check(&name, &text);
    if errors.is_empty() {
        let pack = tealeaf_core::Pack::from_toml(&name, &text)?;
        use std::io::Write;
        writeln!(
            std::io::stdout(),
            "{name}: ok — pack '{}' {}: {} actors, {} outlets, {} issues",
            pack.info.id,
            pack.info.version,
            pack.actors.len(),
            pack.outlets.len(),
            pack.issues.len()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for e in &errors {
        eprintln!("{e}");
    }
    eprintln!("{name}: {} error(s)", errors.len());
    Ok(ExitCode::from(1))
}

/// `tealeaf pack import-tabari FILE [--out PACK.toml] [--id ID] [--name NAME]`:
/// a TABARI/PETRARCH actor dictionary as a pack. The pack goes to `out` (or
/// stdout), the summary and skipped lines to stderr.
pub fn import_tabari(
    file: &Path,
    out: Option<&Path>,
    id: Option<&str>,
    name: Option<&str>,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    use tealeaf_core::pack::tabari::{ImportOptions, import};

    let started = std::time::Instant::now();
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    // Old TABARI dictionaries are often Latin-1: read bytes as such when not UTF-8.
    let (text, latin1) = match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (e.into_bytes().iter().map(|&b| b as char).collect(), true),
    };
    let name_shown = file.display().to_string();
    let options = ImportOptions {
        id: id.map(str::to_string),
        name: name.map(str::to_string),
    };
    let result = import(&name_shown, &text, &options)?;
    let imported = started.elapsed();
    // The importer's output must load; if it does not, that is a bug to report.
    tealeaf_core::Pack::from_toml("imported pack", &result.toml)
        .context("the generated pack does not load (please report this)")?;
    let loaded = started.elapsed() - imported;

    match out {
        Some(path) => std::fs::write(path, &result.toml)
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => std::io::stdout().write_all(result.toml.as_bytes())?,
    }

    let mut err = std::io::stderr().lock();
    if latin1 {
        writeln!(err, "{name_shown}: not UTF-8, read as Latin-1")?;
    }
    for s in &result.skipped {
        writeln!(err, "{name_shown}:{}: skipped: {}", s.line, s.reason)?;
    }
    writeln!(
        err,
        "{name_shown}: {} actors, {} aliases, {} roles ({} dated); {} line(s) skipped; \
         imported in {:.1} ms, pack loads in {:.1} ms{}",
        result.actors,
        result.aliases,
        result.roles,
        result.dated_roles,
        result.skipped.len(),
        imported.as_secs_f64() * 1000.0,
        loaded.as_secs_f64() * 1000.0,
        out.map(|p| format!(" → {}", p.display()))
            .unwrap_or_default()
    )?;
    Ok(ExitCode::SUCCESS)
}
