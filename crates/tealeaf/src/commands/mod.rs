//! One module per subcommand.

pub mod analyses;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod ingest;
pub mod pack;
pub mod report;
pub mod serve;

use std::path::Path;

use anyhow::Context;
use tealeaf_core::Pack;

/// The pack named on the command line, or the embedded default.
pub fn load_pack(path: Option<&Path>) -> anyhow::Result<Pack> {
    match path {
        None => Ok(Pack::default_pack()?),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read pack", p.display()))?;
            Ok(Pack::from_toml(&p.display().to_string(), &text)?)
        }
    }
}
