//! Documents: the bytes of one input file turned into text plus metadata.
//!
//! [`parse`] takes a source name (path or URL, as given), the file's bytes
//! and a [`Format`], and gives one result per document: one for text,
//! Markdown and HTML files, one per non-blank line for JSON lines. Every
//! character offset later stages report points into [`Document::body`].
//!
//! * Text and Markdown: an optional `key: value` header or `---` front
//!   matter on top (see [`header`]); the body is the text after it, byte for
//!   byte.
//! * HTML: metadata from `<meta>`, `<link>`, `<time>` and JSON-LD, the body
//!   from the main content's block elements (see [`html`]).
//! * JSON lines: one article object per line (see [`jsonl`]).
//!
//! Nothing here reads files: the caller hands in bytes.

pub mod date;
pub mod header;
pub mod html;
pub mod jsonl;

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use date::parse_date;

/// One article: its text and what is known about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The file's base name for single-document files; for JSON lines the
    /// record's `id` field, else `<base name>#<line number>`.
    pub id: String,
    /// The path or URL as given.
    pub source: String,
    /// The text every char offset points into.
    pub body: String,
    pub meta: Meta,
}

/// Metadata of a document, from its header, HTML head or JSON fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    /// Parsed publication date (see [`parse_date`]).
    pub published: Option<NaiveDate>,
    /// The publication date as written.
    pub published_raw: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub language: Option<String>,
    /// Other header keys, JSON fields or HTML metadata.
    pub extra: BTreeMap<String, String>,
}

/// Known fields and the keys that fill them, best first. A later alias is
/// used only when the earlier ones are absent; an alias not used goes to
/// [`Meta::extra`].
const FIELD_KEYS: [(Field, &[&str]); 6] = [
    (Field::Title, &["title", "headline"]),
    (
        Field::Published,
        &[
            "published",
            "date",
            "published_at",
            "publish_date",
            "pubdate",
            "date_published",
            "datepublished",
        ],
    ),
    (Field::Outlet, &["outlet", "source", "site_name"]),
    (Field::Url, &["url", "link"]),
    (Field::Author, &["author", "byline"]),
    (Field::Language, &["language", "lang"]),
];

#[derive(Clone, Copy)]
enum Field {
    Title,
    Published,
    Outlet,
    Url,
    Author,
    Language,
}

impl Meta {
    /// Builds metadata from `key: value` pairs. Keys match case-insensitively;
    /// `date` fills `published`, `source` fills `outlet`, `lang` fills
    /// `language` when the main key is absent. Empty values are ignored; of
    /// repeated keys the first wins. Everything else goes to `extra`.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Meta
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.as_ref().trim().to_string(), v.as_ref().trim().to_string()))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .collect();
        let mut used = vec![false; pairs.len()];
        let mut meta = Meta::default();
        for (field, keys) in FIELD_KEYS {
            let found = keys
                .iter()
                .find_map(|key| pairs.iter().position(|(k, _)| k.eq_ignore_ascii_case(key)));
            let Some(i) = found else { continue };
            used[i] = true;
            // Later pairs with the same key are duplicates: drop them.
            let key = pairs[i].0.to_lowercase();
            for (j, (k, _)) in pairs.iter().enumerate().skip(i + 1) {
                if k.to_lowercase() == key {
                    used[j] = true;
                }
            }
            let value = pairs[i].1.clone();
            match field {
                Field::Title => meta.title = Some(value),
                Field::Published => meta.set_published(value),
                Field::Outlet => meta.outlet = Some(value),
                Field::Url => meta.url = Some(value),
                Field::Author => meta.author = Some(value),
                Field::Language => meta.language = Some(value),
            }
        }
        for ((k, v), used) in pairs.into_iter().zip(used) {
            if !used {
                meta.extra.entry(k).or_insert(v);
            }
        }
        meta
    }

    /// Sets `published_raw` and, when it parses, `published`.
    pub fn set_published(&mut self, raw: String) {
        self.published = parse_date(&raw);
        self.published_raw = Some(raw);
    }
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
    #[serde(rename = "jsonl")]
    JsonLines,
}

impl Format {
    /// Short lower-case name: `text`, `markdown`, `html`, `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::JsonLines => "jsonl",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// Accepts a format name or a file extension, case-insensitively:
    /// `text`/`txt`, `markdown`/`md`, `html`/`htm`, `jsonl`/`ndjson`/`jsonlines`.
    fn from_str(s: &str) -> Result<Format, String> {
        let lower = s.trim().trim_start_matches('.').to_ascii_lowercase();
        match lower.as_str() {
            "text" | "txt" | "plain" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" | "htm" | "xhtml" => Ok(Format::Html),
            "jsonl" | "ndjson" | "jsonlines" | "json-lines" => Ok(Format::JsonLines),
            _ => Err(format!(
                "unknown format {s:?} (expected text, markdown, html or jsonl)"
            )),
        }
    }
}

/// The format a path's extension names: `.txt .text .md .markdown .html .htm
/// .xhtml .jsonl .ndjson`, case-insensitively; `None` for anything else. For
/// a URL the query and fragment are ignored.
pub fn format_for_path(path: &str) -> Option<Format> {
    let name = base_name(path);
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        // ".txt" alone is a hidden file, not a text file named "".
        return None;
    }
    match ext.to_ascii_lowercase().as_str() {
        "txt" | "text" => Some(Format::Text),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        _ => None,
    }
}

/// Guesses the format from the content, for input without a telling
/// extension (a URL, standard input): HTML when it opens with a doctype or a
/// tag, JSON lines when its first non-blank line is a JSON object, else text.
pub fn sniff_format(bytes: &[u8]) -> Format {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 1024)];
    let lower = head.to_ascii_lowercase();
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || (lower.starts_with(b"<") && memchr::memmem::find(&lower, b"<html").is_some())
        || (lower.starts_with(b"<!--") && memchr::memmem::find(&lower, b"<body").is_some())
    {
        return Format::Html;
    }
    if head.starts_with(b"{") {
        let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        if serde_json::from_slice::<serde_json::Value>(&bytes[start..line_end])
            .is_ok_and(|v| v.is_object())
        {
            return Format::JsonLines;
        }
    }
    Format::Text
}

/// The last path segment of a path or URL (without a URL's query or
/// fragment); the whole string when it has none.
pub fn base_name(source: &str) -> &str {
    let mut s = source;
    if s.contains("://") {
        s = s.split(['?', '#']).next().unwrap_or(s);
    }
    s.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .find(|seg| !seg.is_empty())
        .unwrap_or(source)
}

/// What went wrong turning a file into documents. Every message names the
/// source, and the line where there is one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    /// The file is empty or holds only whitespace.
    #[error("{source_name}: empty file (nothing but whitespace)")]
    Empty { source_name: String },

    /// The file is not text (NUL bytes, or mostly control bytes).
    #[error("{source_name}: not a text file ({reason})")]
    Binary { source_name: String, reason: String },

    /// The bytes are not valid UTF-8.
    #[error("{source_name}: line {line}: invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        source_name: String,
        /// Byte offset in the file of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
    },

    /// A UTF-16 file (with a byte-order mark) holds an unpaired surrogate
    /// or an odd number of bytes.
    #[error("{source_name}: invalid UTF-16 at byte offset {offset}")]
    InvalidUtf16 { source_name: String, offset: usize },

    /// A header or front matter was started but is malformed.
    #[error("{source_name}: line {line}: broken header: {reason}")]
    BrokenHeader {
        source_name: String,
        line: usize,
        reason: String,
    },

    /// The file parsed but holds no article text.
    #[error("{source_name}: no text: {reason}")]
    NoText { source_name: String, reason: String },

    /// A JSON lines record is not valid JSON.
    #[error("{source_name}: line {line}: invalid JSON: {message}")]
    InvalidJson {
        source_name: String,
        line: usize,
        message: String,
    },

    /// A JSON lines record is valid JSON but not an object.
    #[error("{source_name}: line {line}: expected a JSON object, found {found}")]
    NotAnObject {
        source_name: String,
        line: usize,
        found: &'static str,
    },

    /// A JSON lines record has no usable text field.
    #[error("{source_name}: line {line}: {reason}")]
    MissingText {
        source_name: String,
        line: usize,
        reason: String,
    },
}

impl DocumentError {
    /// The path or URL the error is about.
    pub fn source_name(&self) -> &str {
        match self {
            DocumentError::Empty { source_name }
            | DocumentError::Binary { source_name, .. }
            | DocumentError::InvalidUtf8 { source_name, .. }
            | DocumentError::InvalidUtf16 { source_name, .. }
            | DocumentError::BrokenHeader { source_name, .. }
            | DocumentError::NoText { source_name, .. }
            | DocumentError::InvalidJson { source_name, .. }
            | DocumentError::NotAnObject { source_name, .. }
            | DocumentError::MissingText { source_name, .. } => source_name,
        }
    }

    /// The 1-based line the error is about, where there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            DocumentError::InvalidUtf8 { line, .. }
            | DocumentError::BrokenHeader { line, .. }
            | DocumentError::InvalidJson { line, .. }
            | DocumentError::NotAnObject { line, .. }
            | DocumentError::MissingText { line, .. } => Some(*line),
            _ => None,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How much of a file the binary check looks at.
const SNIFF_LEN: usize = 8192;

/// Turns one file's bytes into documents: one result for text, Markdown and
/// HTML, one per non-blank line for JSON lines. Never panics.
pub fn parse(source: &str, bytes: &[u8], format: Format) -> Vec<Result<Document, DocumentError>> {
    match format {
        Format::JsonLines => jsonl::parse(source, bytes),
        Format::Text | Format::Markdown | Format::Html => vec![parse_single(source, bytes, format)],
    }
}

fn parse_single(source: &str, bytes: &[u8], format: Format) -> Result<Document, DocumentError> {
    let text = decode(source, bytes)?;
    let (body, meta) = match format {
        Format::Html => html::extract(source, &text)?,
        _ => {
            let split = header::split(source, &text)?;
            if split.body.trim().is_empty() {
                return Err(DocumentError::NoText {
                    source_name: source.to_string(),
                    reason: "nothing but whitespace after the header".to_string(),
                });
            }
            let mut meta = split.meta;
            if format == Format::Markdown && meta.title.is_none() {
                meta.title = header::markdown_title(split.body);
            }
            (split.body.to_string(), meta)
        }
    };
    Ok(Document {
        id: base_name(source).to_string(),
        source: source.to_string(),
        body,
        meta,
    })
}

/// Checks a whole file and gives its text without a byte-order mark:
/// UTF-8, or UTF-16 when it opens with a UTF-16 byte-order mark.
pub(crate) fn decode<'a>(source: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, DocumentError> {
    if let Some(text) = decode_utf16(source, bytes)? {
        return check_not_blank(source, Cow::Owned(text));
    }
    check_binary(source, bytes)?;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err(invalid_utf8(source, bytes, e.valid_up_to(), 0, 1)),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_not_blank(source, Cow::Borrowed(text))
}

fn check_not_blank<'a>(source: &str, text: Cow<'a, str>) -> Result<Cow<'a, str>, DocumentError> {
    if text.trim().is_empty() {
        Err(DocumentError::Empty {
            source_name: source.to_string(),
        })
    } else {
        Ok(text)
    }
}

/// The error for an invalid byte at `bytes[at]`, where `bytes` starts at
/// byte `base` and line `first_line` of the file.
pub(crate) fn invalid_utf8(
    source: &str,
    bytes: &[u8],
    at: usize,
    base: usize,
    first_line: usize,
) -> DocumentError {
    let before = bytes.get(..at).unwrap_or(bytes);
    DocumentError::InvalidUtf8 {
        source_name: source.to_string(),
        offset: base + at,
        line: first_line + memchr::memchr_iter(b'\n', before).count(),
    }
}

/// Decodes a file that opens with a UTF-16 byte-order mark; `None` when it
/// does not.
pub(crate) fn decode_utf16(source: &str, bytes: &[u8]) -> Result<Option<String>, DocumentError> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return Ok(None),
    };
    let data = &bytes[2..];
    let bad = |offset| DocumentError::InvalidUtf16 {
        source_name: source.to_string(),
        offset,
    };
    if !data.len().is_multiple_of(2) {
        return Err(bad(bytes.len() - 1));
    }
    let units = data.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut text = String::with_capacity(data.len() / 2);
    let mut offset = 2;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                offset += 2 * c.len_utf16();
                text.push(c);
            }
            Err(_) => return Err(bad(offset)),
        }
    }
    if text.contains('\0') {
        return Err(DocumentError::Binary {
            source_name: source.to_string(),
            reason: "NUL characters in UTF-16 text".to_string(),
        });
    }
    Ok(Some(text))
}

/// Rejects files that are not text: empty, NUL bytes in the first 8 KiB, or
/// more than 5% control bytes there. (Text in a legacy 8-bit encoding has
/// no control bytes: it passes here and fails as invalid UTF-8.)
pub(crate) fn check_binary(source: &str, bytes: &[u8]) -> Result<(), DocumentError> {
    let binary = |reason: String| DocumentError::Binary {
        source_name: source.to_string(),
        reason,
    };
    if bytes.is_empty() {
        return Err(DocumentError::Empty {
            source_name: source.to_string(),
        });
    }
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    if let Some(at) = memchr::memchr(0, sample) {
        // ASCII text in UTF-16 has a NUL in every other byte.
        let head = &sample[..sample.len().min(256)];
        let nul_at = |parity: usize| {
            head.iter()
                .skip(parity)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count()
        };
        let (even, odd) = (nul_at(0), nul_at(1));
        let half = head.len() / 2;
        let reason = if half >= 4 && (even.min(odd) == 0) && even.max(odd) * 5 >= half * 3 {
            "NUL bytes; it looks like UTF-16 without a byte-order mark".to_string()
        } else {
            format!("NUL byte at offset {at}")
        };
        return Err(binary(reason));
    }
    let control = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    if control * 20 > sample.len() {
        return Err(binary(format!(
            "{control} control bytes in the first {} bytes",
            sample.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: &str, bytes: &[u8], format: Format) -> Result<Document, DocumentError> {
        let mut v = parse(source, bytes, format);
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_for_path("a/b/c.txt"), Some(Format::Text));
        assert_eq!(format_for_path("C.TEXT"), Some(Format::Text));
        assert_eq!(format_for_path("notes.Md"), Some(Format::Markdown));
        assert_eq!(format_for_path("x.markdown"), Some(Format::Markdown));
        assert_eq!(format_for_path("page.HTML"), Some(Format::Html));
        assert_eq!(format_for_path("page.htm"), Some(Format::Html));
        assert_eq!(format_for_path("page.xhtml"), Some(Format::Html));
        assert_eq!(format_for_path("feed.jsonl"), Some(Format::JsonLines));
        assert_eq!(format_for_path("feed.NDJSON"), Some(Format::JsonLines));
        assert_eq!(
            format_for_path("https://example.org/a/story.html?page=2#top"),
            Some(Format::Html)
        );
        assert_eq!(format_for_path("C:\\docs\\story.txt"), Some(Format::Text));
        for p in [
            "a.json", "a.pdf", "README", "", ".txt", "dir.txt/", "a.txt.gz",
        ] {
            let expected = if p == "dir.txt/" {
                Some(Format::Text)
            } else {
                None
            };
            assert_eq!(format_for_path(p), expected, "{p}");
        }
    }

    #[test]
    fn format_names_round_trip() {
        for f in [
            Format::Text,
            Format::Markdown,
            Format::Html,
            Format::JsonLines,
        ] {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        assert_eq!("NDJSON".parse::<Format>(), Ok(Format::JsonLines));
        assert!("pdf".parse::<Format>().is_err());
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff_format(b"\n <!DOCTYPE html><html></html>"),
            Format::Html
        );
        assert_eq!(sniff_format(b"<html lang=en>"), Format::Html);
        assert_eq!(sniff_format(b"{\"text\": \"x\"}\n{}"), Format::JsonLines);
        assert_eq!(sniff_format(b"{not json}"), Format::Text);
        assert_eq!(sniff_format(b"title: x\n\nbody"), Format::Text);
        assert_eq!(sniff_format(b""), Format::Text);
    }

    #[test]
    fn base_names() {
        assert_eq!(base_name("docs/2025/a.txt"), "a.txt");
        assert_eq!(base_name("a.txt"), "a.txt");
        assert_eq!(base_name("C:\\x\\y.md"), "y.md");
        assert_eq!(
            base_name("https://example.org/news/item.html?id=3"),
            "item.html"
        );
        assert_eq!(base_name("https://example.org/"), "example.org");
        assert_eq!(base_name("/"), "/");
    }

    #[test]
    fn text_document_ids_and_body() {
        let doc = one(
            "corpus/day1/story.txt",
            b"title: A headline\npublished: 2025-02-27\n\nFirst sentence. Second one.\n",
            Format::Text,
        )
        .unwrap();
        assert_eq!(doc.id, "story.txt");
        assert_eq!(doc.source, "corpus/day1/story.txt");
        assert_eq!(doc.body, "First sentence. Second one.\n");
        assert_eq!(doc.meta.title.as_deref(), Some("A headline"));
        assert_eq!(doc.meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
    }

    #[test]
    fn plain_text_kept_whole() {
        let text = "No header here.\r\nJust lines.\r\n";
        let doc = one("p.txt", text.as_bytes(), Format::Text).unwrap();
        assert_eq!(doc.body, text);
        assert_eq!(doc.meta, Meta::default());
    }

    #[test]
    fn bom_is_stripped() {
        let doc = one(
            "bom.txt",
            b"\xEF\xBB\xBFtitle: With a mark\n\nText body.",
            Format::Text,
        )
        .unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("With a mark"));
        assert_eq!(doc.body, "Text body.");
        let doc = one("bom2.txt", b"\xEF\xBB\xBFJust text.", Format::Text).unwrap();
        assert_eq!(doc.body, "Just text.");
    }

    #[test]
    fn utf16_with_bom() {
        let text = "title: Wide\n\nWide body.";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        for bytes in [le, be] {
            let doc = one("w.txt", &bytes, Format::Text).unwrap();
            assert_eq!(doc.body, "Wide body.");
            assert_eq!(doc.meta.title.as_deref(), Some("Wide"));
        }
        let err = one("odd.txt", &[0xFF, 0xFE, 0x41], Format::Text).unwrap_err();
        assert!(matches!(err, DocumentError::InvalidUtf16 { .. }), "{err:?}");
        // A lone high surrogate.
        let err = one("s.txt", &[0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8], Format::Text).unwrap_err();
        assert_eq!(
            err,
            DocumentError::InvalidUtf16 {
                source_name: "s.txt".into(),
                offset: 4
            }
        );
    }

    #[test]
    fn markdown_title_from_heading() {
        let doc = one("m.md", b"# The heading\n\nSome text.", Format::Markdown).unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("The heading"));
        assert_eq!(doc.body, "# The heading\n\nSome text.");
        let doc = one("t.txt", b"# The heading\n\nSome text.", Format::Text).unwrap();
        assert_eq!(doc.meta.title, None);
    }

    #[test]
    fn invalid_utf8_reports_offset_and_line() {
        let err = one("bad.txt", b"fine line\nsecond \xFF line\n", Format::Text).unwrap_err();
        assert_eq!(
            err,
            DocumentError::InvalidUtf8 {
                source_name: "bad.txt".into(),
                offset: 17,
                line: 2
            }
        );
        let msg = err.to_string();
        assert!(
            msg.contains("bad.txt") && msg.contains("17") && msg.contains("line 2"),
            "{msg}"
        );
        // Truncated multi-byte sequence at the end.
        let err = one(
            "cut.html",
            "<p>caf\u{e9}</p>".as_bytes().split_last().unwrap().1,
            Format::Html,
        );
        assert!(err.is_ok(), "a cut tag is still valid UTF-8: {err:?}");
        let err = one("cut.txt", &"café".as_bytes()[..4], Format::Text).unwrap_err();
        assert!(
            matches!(err, DocumentError::InvalidUtf8 { offset: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn binary_files() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0u8; 16]);
        let err = one("img.txt", &png, Format::Text).unwrap_err();
        assert!(matches!(err, DocumentError::Binary { .. }), "{err:?}");
        assert!(err.to_string().contains("img.txt"));
        // No NUL, but mostly control bytes.
        let junk: Vec<u8> = (1u8..30).cycle().take(500).collect();
        let err = one("junk.html", &junk, Format::Html).unwrap_err();
        assert!(matches!(err, DocumentError::Binary { .. }), "{err:?}");
        // UTF-16 without a byte-order mark is named as such.
        let wide: Vec<u8> = "plain words"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let err = one("wide.txt", &wide, Format::Text).unwrap_err();
        assert!(err.to_string().contains("UTF-16"), "{err}");
        // Text in an 8-bit legacy encoding is not binary but invalid UTF-8.
        let latin1 = b"caf\xE9 cr\xE8me br\xFBl\xE9e, d\xE9j\xE0 vu \xE0 la carte";
        let err = one("latin1.txt", latin1, Format::Text).unwrap_err();
        assert!(
            matches!(
                err,
                DocumentError::InvalidUtf8 {
                    offset: 3,
                    line: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        // A NUL after the first 8 KiB is not checked for binary-ness.
        let mut late = vec![b'a'; 9000];
        late.push(0);
        assert!(one("late.txt", &late, Format::Text).is_ok());
    }

    #[test]
    fn empty_files() {
        for bytes in [
            &b""[..],
            b"   \n\t\r\n",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBF \n",
        ] {
            for format in [Format::Text, Format::Markdown, Format::Html] {
                let err = one("e.txt", bytes, format).unwrap_err();
                assert_eq!(
                    err,
                    DocumentError::Empty {
                        source_name: "e.txt".into()
                    },
                    "{bytes:?} {format}"
                );
                assert!(err.to_string().starts_with("e.txt: "));
            }
        }
    }

    #[test]
    fn header_with_blank_body_is_no_text() {
        let err = one("h.txt", b"title: T\n\n  \n", Format::Text).unwrap_err();
        assert!(matches!(err, DocumentError::NoText { .. }), "{err:?}");
    }

    #[test]
    fn meta_from_pairs_rules() {
        let m = Meta::from_pairs([
            ("Date", "2025-02"),
            ("published", "not a date"),
            ("lang", "de"),
            ("title", ""),
            ("headline", "Fallback headline"),
            ("Title", "Second title wins over empty"),
            ("desk", "world"),
            ("desk", "later duplicate"),
        ]);
        assert_eq!(m.published_raw.as_deref(), Some("not a date"));
        assert_eq!(m.published, None);
        assert_eq!(m.extra.get("Date").map(String::as_str), Some("2025-02"));
        assert_eq!(m.language.as_deref(), Some("de"));
        assert_eq!(m.title.as_deref(), Some("Second title wins over empty"));
        assert_eq!(
            m.extra.get("headline").map(String::as_str),
            Some("Fallback headline")
        );
        assert_eq!(m.extra.get("desk").map(String::as_str), Some("world"));
    }

    #[test]
    fn document_serde_round_trip() {
        let doc = one(
            "r.txt",
            b"title: T\npublished: 2025-02-27\nextra key: v\n\nBody.",
            Format::Text,
        )
        .unwrap();
        let json = serde_json::to_string(&doc).unwrap();
        assert!(json.contains("\"published\":\"2025-02-27\""), "{json}");
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn never_panics_on_random_fragments() {
        const PIECES: [&[u8]; 24] = [
            b"title:",
            b"published: ",
            b"---",
            b"\r\n",
            b"\n",
            b" ",
            b"<p>",
            b"</p>",
            b"<article>",
            b"<li>",
            b"<script>",
            b"\xC3\xA9",
            b"\xFF",
            b"\xE2\x82",
            b"{",
            b"}",
            b"\"text\": \"",
            b"\"",
            b":",
            b"2025-02-",
            b"Feb 27, ",
            b"\xEF\xBB\xBF",
            b"\t",
            b"word",
        ];
        // A fixed linear congruential generator: the same inputs every run.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        for _ in 0..3000 {
            let mut bytes = Vec::new();
            for _ in 0..next() % 24 {
                bytes.extend_from_slice(PIECES[next() % PIECES.len()]);
            }
            for format in [
                Format::Text,
                Format::Markdown,
                Format::Html,
                Format::JsonLines,
            ] {
                for result in parse("fuzz", &bytes, format) {
                    match result {
                        Ok(doc) => assert!(!doc.body.trim().is_empty()),
                        Err(e) => assert!(e.to_string().starts_with("fuzz: ")),
                    }
                }
            }
            let _ = parse_date(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let inputs: Vec<Vec<u8>> = vec![
            b"title:".to_vec(),
            b"title: x".to_vec(),
            b"---".to_vec(),
            b"---\n---".to_vec(),
            b"title: \xC3".to_vec(),
            "title: é\r".as_bytes().to_vec(),
            b"\r\n\r\n".to_vec(),
            b"<".to_vec(),
            b"{".to_vec(),
            b"\n{\"text\":1}\n\xFF\n".to_vec(),
            "—\u{2028}\u{feff}".as_bytes().to_vec(),
        ];
        for bytes in &inputs {
            for format in [
                Format::Text,
                Format::Markdown,
                Format::Html,
                Format::JsonLines,
            ] {
                let _ = parse("odd", bytes, format);
            }
        }
    }
}
