//! Reading inputs: files and directories (recursively) into documents.
//! Every failure names the file and the problem; the batch goes on.

use std::path::{Path, PathBuf};

use tealeaf_core::document::{self, Document, Format};

/// Largest file read whole; larger ones are refused with a clear error.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Files under the given paths, in a stable order. Directories are walked
/// recursively; only known article formats are taken from them (a file named
/// explicitly is read whatever its extension, as text).
pub fn collect_files(paths: &[PathBuf], errors: &mut Vec<String>) -> Vec<PathBuf> {
    collect_files_where(paths, errors, &|p: &Path| {
        document::format_for_path(&p.to_string_lossy()).is_some()
    })
}

/// [`collect_files`] taking from directories the files `accept` takes.
pub fn collect_files_where(
    paths: &[PathBuf],
    errors: &mut Vec<String>,
    accept: &dyn Fn(&Path) -> bool,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out, errors, accept);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            errors.push(format!("{}: no such file or directory", p.display()));
        }
    }
    out
}

fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<String>,
    accept: &dyn Fn(&Path) -> bool,
) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            errors.push(format!("{}: cannot read directory: {e}", dir.display()));
            return;
        }
    };
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, errors, accept);
        } else if accept(&p) {
            out.push(p);
        }
    }
}

/// Reads and parses one file: its documents, and an error per failure.
pub fn read_file(path: &Path) -> Vec<Result<Document, String>> {
    let name = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return vec![Err(format!(
                "{name}: file too large ({} bytes; the limit is {MAX_FILE_BYTES})",
                m.len()
            ))];
        }
        Err(e) => return vec![Err(format!("{name}: cannot read: {e}"))],
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return vec![Err(format!("{name}: cannot read: {e}"))],
    };
    let format = document::format_for_path(&name).unwrap_or(Format::Text);
    document::parse(&name, &bytes, format)
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
}
