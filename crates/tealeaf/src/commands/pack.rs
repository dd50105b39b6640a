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
