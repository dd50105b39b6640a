//! Reading inputs: files and directories (recursively) into documents.
//! Every failure names the file and the problem; the batch goes on.

use std::path::{Path, PathBuf};

use tealeaf_core::document::{self, Document, Format};
use tealeaf_core::statements::{ExtractOptions, extract_with};
use tealeaf_core::{Pack, Statement};

/// Largest file holding many documents (JSON lines, a feed) read whole, and
/// largest URL body; larger ones are refused with a clear error. Raised to
/// `--max-doc-bytes` when that is larger.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Default of `--max-doc-bytes`: the largest document (a text, Markdown or
/// HTML file; a JSON lines record's or feed item's text). Far above any
/// article, low enough that one document's extraction stays within seconds.
pub const DEFAULT_MAX_DOC_BYTES: u64 = 16 * 1024 * 1024;

/// Per-document limits, shared by `extract` and `ingest` (see
/// docs/robustness.md).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Limits {
    /// Refuse documents larger than this many bytes: a text, Markdown or
    /// HTML file, or a JSON lines record's or feed item's text.
    #[arg(long = "max-doc-bytes", value_name = "BYTES", default_value_t = DEFAULT_MAX_DOC_BYTES)]
    pub max_doc_bytes: u64,
    /// Keep at most this many statements per document (the first ones, in
    /// the order attributions are found), with a warning naming the file.
    #[arg(long = "max-statements", value_name = "N", default_value_t = ExtractOptions::default().max_statements)]
    pub max_statements: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            max_statements: ExtractOptions::default().max_statements,
        }
    }
}

impl Limits {
    /// The largest file read whole: one document's limit, or for files
    /// holding many documents (JSON lines, feeds) `MAX_FILE_BYTES` if larger.
    pub fn file_limit(&self, many_documents: bool) -> u64 {
        if many_documents {
            self.max_doc_bytes.max(MAX_FILE_BYTES)
        } else {
            self.max_doc_bytes
        }
    }

    /// An error naming the file when it is over its limit or cannot be
    /// looked at; checked before reading it.
    pub fn check_file(&self, path: &Path, many_documents: bool) -> Result<(), String> {
        let name = path.display();
        let limit = self.file_limit(many_documents);
        match std::fs::metadata(path) {
            Ok(m) if m.len() > limit => Err(format!(
                "{name}: file too large ({} bytes; the limit is {limit} bytes, see --max-doc-bytes)",
                m.len()
            )),
            Err(e) => Err(format!("{name}: cannot read: {e}")),
            Ok(_) => Ok(()),
        }
    }

    /// The document, or an error naming its source and id when its text is
    /// over the limit (a JSON lines record or feed item in a larger file).
    pub fn check_document(&self, doc: Document) -> Result<Document, String> {
        let len = doc.body.len() as u64;
        if len > self.max_doc_bytes {
            return Err(format!(
                "{}: document {}: too large ({len} bytes of text; the limit is {} bytes, see \
                 --max-doc-bytes)",
                doc.source, doc.id, self.max_doc_bytes
            ));
        }
        Ok(doc)
    }

    /// The document's statements, at most `max_statements` of them: when
    /// there are more, the first ones in the order the attributions are
    /// found, and a warning naming the file.
    pub fn extract(&self, doc: &Document, pack: &Pack) -> (Vec<Statement>, Option<String>) {
        let opts = ExtractOptions {
            max_statements: self.max_statements.saturating_add(1),
        };
        let mut out = extract_with(doc, pack, &opts);
        if out.len() <= self.max_statements {
            return (out, None);
        }
        out.truncate(self.max_statements);
        out.sort_by_key(|s| (s.span[0], s.span[1]));
        let warning = format!(
            "{}: document {}: more than {} statements; kept the first {} (see --max-statements)",
            doc.source, doc.id, self.max_statements, self.max_statements
        );
        (out, Some(warning))
    }
}

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
    accept: &(dyn Fn(&Path) -> bool + Sync),
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in visit_files_where(paths, accept) {
        match f {
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// The files of [`collect_files_where`], in the same order, found as they
/// are asked for: only the directories on the way to the current file are
/// listed and held, so memory does not grow with the number of files (a
/// million-file corpus made `collect_files` hold every path before the
/// first was read). An `Err` is a path that does not exist or a directory
/// that cannot be read; the walk goes on after it.
pub fn visit_files_where<'a>(
    paths: &'a [PathBuf],
    accept: &'a (dyn Fn(&Path) -> bool + Sync),
) -> FileWalk<'a> {
    FileWalk {
        roots: paths.iter(),
        open: Vec::new(),
        accept,
    }
}

/// The iterator of [`visit_files_where`].
pub struct FileWalk<'a> {
    roots: std::slice::Iter<'a, PathBuf>,
    /// The entries not yet visited of each directory being walked,
    /// outermost first, each in reverse sorted order (the next one last).
    open: Vec<Vec<PathBuf>>,
    accept: &'a (dyn Fn(&Path) -> bool + Sync),
}

impl FileWalk<'_> {
    /// Starts walking `dir`: its entries, sorted, become the innermost
    /// level; an error names it.
    fn enter(&mut self, dir: &Path) -> Result<(), String> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: cannot read directory: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort_unstable_by(|a, b| b.cmp(a));
        self.open.push(entries);
        Ok(())
    }
}

impl Iterator for FileWalk<'_> {
    type Item = Result<PathBuf, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(level) = self.open.last_mut() else {
                // Between roots: a path named explicitly is taken whatever
                // its extension.
                let p = self.roots.next()?;
                if p.is_dir() {
                    if let Err(e) = self.enter(p) {
                        return Some(Err(e));
                    }
                } else if p.exists() {
                    return Some(Ok(p.clone()));
                } else {
                    return Some(Err(format!("{}: no such file or directory", p.display())));
                }
                continue;
            };
            let Some(p) = level.pop() else {
                self.open.pop();
                continue;
            };
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            // One look at the entry (following links) for both questions.
            let meta = std::fs::metadata(&p);
            if meta.as_ref().is_ok_and(std::fs::Metadata::is_dir) {
                if let Err(e) = self.enter(&p) {
                    return Some(Err(e));
                }
            } else if (self.accept)(&p) {
                // A pipe, socket or device inside a directory is not an
                // article: reading a pipe would wait for a writer for ever.
                // (A path named explicitly is read whatever it is.)
                if meta.is_ok_and(|m| !m.is_file()) {
                    return Some(Err(format!(
                        "{}: not a regular file (a pipe, socket or device); skipped",
                        p.display()
                    )));
                }
                return Some(Ok(p));
            }
        }
    }
}

/// Reads and parses one file with the default [`Limits`]: its documents,
/// and an error per failure.
pub fn read_file(path: &Path) -> Vec<Result<Document, String>> {
    read_file_with(path, &Limits::default())
}

/// Reads and parses one file: its documents, and an error per failure
/// (a file or document over the limits is one).
pub fn read_file_with(path: &Path, limits: &Limits) -> Vec<Result<Document, String>> {
    let name = path.display().to_string();
    let format = document::format_for_path(&name).unwrap_or(Format::Text);
    let bytes = match read_within_limits(path, limits, format == Format::JsonLines) {
        Ok(b) => b,
        Err(e) => return vec![Err(e)],
    };
    document::parse(&name, &bytes, format)
        .into_iter()
        .map(|r| {
            r.map_err(|e| e.to_string())
                .and_then(|d| limits.check_document(d))
        })
        .collect()
}

/// A file's bytes, once [`Limits::check_file`] has let it through
/// (`many_documents`: a JSON lines file or feed); an error names it.
pub fn read_within_limits(
    path: &Path,
    limits: &Limits,
    many_documents: bool,
) -> Result<Vec<u8>, String> {
    limits.check_file(path, many_documents)?;
    std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

/// Files the kernel is asked to start reading ahead of their turn.
const PREFETCH_FILES: usize = 32;
/// Larger files are left to the kernel's own readahead as they are read
/// (asking for a whole large file ahead would fill memory early).
const PREFETCH_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// The walk's `files` with the next [`PREFETCH_FILES`] of them read ahead:
/// when one is handed out, the kernel has been asked
/// (`POSIX_FADV_WILLNEED`, which only starts the reads) for those behind
/// it. Ingesting a directory whose files are not in the page cache, each
/// extracting thread waited for its file's read while its core idled (20
/// MB generated, cold: 3.2 → 2.8 s when another process read the files
/// ahead). Only a hint: a file that cannot be opened is found out when it
/// is read.
pub fn prefetched<I>(files: I) -> Prefetched<I>
where
    I: Iterator<Item = Result<PathBuf, String>>,
{
    Prefetched {
        files,
        ahead: std::collections::VecDeque::with_capacity(PREFETCH_FILES + 1),
    }
}

/// The iterator of [`prefetched`].
pub struct Prefetched<I> {
    files: I,
    ahead: std::collections::VecDeque<Result<PathBuf, String>>,
}

impl<I: Iterator<Item = Result<PathBuf, String>>> Iterator for Prefetched<I> {
    type Item = Result<PathBuf, String>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.ahead.len() <= PREFETCH_FILES {
            let Some(item) = self.files.next() else { break };
            if let Ok(path) = &item {
                read_ahead(path);
            }
            self.ahead.push_back(item);
        }
        self.ahead.pop_front()
    }
}

#[cfg(target_os = "linux")]
fn read_ahead(path: &Path) {
    use std::os::fd::AsRawFd;
    // Looked at before it is opened: opening a named pipe would wait for
    // a writer, here, in the walk.
    let small_file =
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= PREFETCH_MAX_BYTES);
    if !small_file {
        return;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return;
    };
    // SAFETY: a plain system call on a descriptor this function owns
    // (closed when `file` drops, after the call).
    unsafe {
        libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
    }
}

#[cfg(not(target_os = "linux"))]
fn read_ahead(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_pipe_in_a_directory_is_an_error_not_a_wait() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "An article.").unwrap();
        let pipe = dir.path().join("b.txt");
        let c = std::ffi::CString::new(pipe.to_str().unwrap()).unwrap();
        // SAFETY: a plain system call with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let mut errors = Vec::new();
        let files = collect_files(&[dir.path().to_path_buf()], &mut errors);
        assert_eq!(files, [dir.path().join("a.txt")]);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].contains("b.txt: not a regular file"),
            "{errors:?}"
        );
    }

    #[test]
    fn prefetching_hands_out_every_item_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut items: Vec<Result<PathBuf, String>> = Vec::new();
        for i in 0..(PREFETCH_FILES * 2 + 5) {
            if i % 7 == 3 {
                items.push(Err(format!("error {i}")));
                continue;
            }
            let p = dir.path().join(format!("f{i:03}.txt"));
            // Every tenth file missing: read ahead quietly skips it.
            if i % 10 != 0 {
                std::fs::write(&p, format!("file {i}")).unwrap();
            }
            items.push(Ok(p));
        }
        let out: Vec<_> = prefetched(items.clone().into_iter()).collect();
        assert_eq!(out, items);
        assert_eq!(prefetched(std::iter::empty()).count(), 0);
    }

    #[test]
    fn the_walk_is_sorted_depth_first_and_skips_hidden_and_unknown_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "b/2.txt",
            "b/1.md",
            "a.txt",
            "c/d/e.html",
            "c/x.bin",
            ".hidden/h.txt",
            "c/.h.txt",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::create_dir_all(d.join("empty")).unwrap();
        let named = d.join("c/x.bin");
        let missing = d.join("missing.txt");
        let paths = vec![d.to_path_buf(), missing.clone(), named.clone()];
        let mut errors = Vec::new();
        let files = collect_files(&paths, &mut errors);
        let rel: Vec<_> = files
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(rel, ["a.txt", "b/1.md", "b/2.txt", "c/d/e.html", "c/x.bin"]);
        assert_eq!(files.last(), Some(&named));
        assert_eq!(
            errors,
            [format!("{}: no such file or directory", missing.display())]
        );
        // The lazy walk gives the same, the error in its place.
        let accept = |p: &Path| document::format_for_path(&p.to_string_lossy()).is_some();
        let walked: Vec<_> = visit_files_where(&paths, &accept).collect();
        assert_eq!(walked.len(), 6);
        assert!(walked[4].is_err());
        let ok: Vec<_> = walked.into_iter().filter_map(Result::ok).collect();
        assert_eq!(ok, files);
    }
}
