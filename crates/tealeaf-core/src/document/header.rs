//! Plain-text and Markdown documents: an optional metadata block on top,
//! then the body.
//!
//! Two kinds of block are read:
//!
//! * a **header**: `key: value` lines at the very top, ended by the first
//!   blank (or whitespace-only) line. It is recognised only when the first
//!   line's key is one of [`HEADER_KEYS`], so an article opening with
//!   "Breaking: …" is left alone. The body is exactly the text after the
//!   line break that ends the blank line — the same string as the eval
//!   tool's `"\n".join(lines[i+1:])`.
//! * **front matter**: a first line `---`, `key: value` lines (quoted values
//!   unquoted, indented lines and `- item` lists folded into the previous
//!   value) and a closing `---` (or `...`); the body starts after the closing
//!   line's line break.
//!
//! Lines may end in `\n` or `\r\n`; the body itself is never rewritten.

use super::{DocumentError, Meta};

/// Keys that may open a header block (compared case-insensitively).
pub const HEADER_KEYS: [&str; 9] = [
    "url",
    "title",
    "published",
    "date",
    "outlet",
    "source",
    "author",
    "language",
    "lang",
];

/// A metadata block and the body that follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub meta: Meta,
    /// Byte offset in the input where the body starts.
    pub body_start: usize,
    pub body: &'a str,
}

/// Lines of `text`, each with the byte offset where the next line starts
/// (at most `text.len()`); a line excludes its `\n` and a `\r` before it.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |raw| {
        start = (start + raw.len() + 1).min(text.len());
        (start, raw.strip_suffix('\r').unwrap_or(raw))
    })
}

/// Splits `line` into a lower-cased key and its trimmed value when it reads
/// `key: value`. Keys are a letter then letters, digits, `_`, `-`, `.` or
/// spaces, at most 48 bytes.
pub(crate) fn key_value(line: &str) -> Option<(String, &str)> {
    let colon = line.find(':')?;
    let key = line[..colon].trim_end();
    let first = key.chars().next()?;
    if !first.is_alphabetic()
        || key.len() > 48
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
    {
        return None;
    }
    Some((key.to_lowercase(), line[colon + 1..].trim()))
}

/// Whether the first line of `text` opens a `key: value` header.
fn opens_header(first_line: &str) -> bool {
    key_value(first_line).is_some_and(|(k, _)| HEADER_KEYS.contains(&k.as_str()))
}

/// Reads the metadata block at the top of `text`, if any. `text` must
/// already be free of a byte-order mark.
pub fn split<'a>(source: &str, text: &'a str) -> Result<Split<'a>, DocumentError> {
    let first = lines(text).next().map(|(_, l)| l).unwrap_or("");
    if first.trim_end() == "---" {
        front_matter(source, text)
    } else if opens_header(first) {
        header(source, text)
    } else {
        Ok(Split {
            meta: Meta::default(),
            body_start: 0,
            body: text,
        })
    }
}

fn broken(source: &str, line: usize, reason: impl Into<String>) -> DocumentError {
    DocumentError::BrokenHeader {
        source_name: source.to_string(),
        line,
        reason: reason.into(),
    }
}

fn header<'a>(source: &str, text: &'a str) -> Result<Split<'a>, DocumentError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (n, (next, line)) in lines(text).enumerate() {
        if line.trim().is_empty() {
            // The body starts after this line's '\n' (or is empty when the
            // blank line is the last one).
            let body_start = next;
            let body = text.get(body_start..).unwrap_or("");
            return Ok(Split {
                meta: Meta::from_pairs(pairs),
                body_start,
                body,
            });
        }
        if line.starts_with([' ', '\t']) {
            // A wrapped value: continue the previous one.
            if let Some((_, v)) = pairs.last_mut() {
                push_folded(v, line.trim(), " ");
                continue;
            }
        }
        match key_value(line) {
            Some((k, v)) => pairs.push((k, v.to_string())),
            None => {
                return Err(broken(
                    source,
                    n + 1,
                    format!(
                        "expected `key: value` or a blank line ending the header, found {}",
                        preview(line)
                    ),
                ));
            }
        }
    }
    // No blank line: the whole file is header, there is no body.
    Err(DocumentError::NoText {
        source_name: source.to_string(),
        reason: "the header is not followed by a blank line and text".to_string(),
    })
}

fn push_folded(value: &mut String, more: &str, sep: &str) {
    if more.is_empty() {
        return;
    }
    if !value.is_empty() {
        value.push_str(sep);
    }
    value.push_str(more);
}

/// At most 40 chars of a line, quoted, for error messages.
fn preview(line: &str) -> String {
    let mut s: String = line.chars().take(40).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    format!("{s:?}")
}

/// Removes one level of YAML quoting: `"a \"b\""` → `a "b"`, `'it''s'` → `it's`.
pub(crate) fn unquote(v: &str) -> String {
    let v = v.trim();
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        let inner = &v[1..v.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        v[1..v.len() - 1].replace("''", "'")
    } else {
        // An unquoted YAML value may carry a trailing ` # comment`.
        match v.find(" #") {
            Some(i) => v[..i].trim_end().to_string(),
            None => v.to_string(),
        }
    }
}

fn front_matter<'a>(source: &str, text: &'a str) -> Result<Split<'a>, DocumentError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    // A `key: >` or `key: |` block scalar, or a key with the value below.
    let mut open_block: Option<&'static str> = None;
    for (n, (next, line)) in lines(text).enumerate().skip(1) {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = next;
            let body = text.get(body_start..).unwrap_or("");
            let pairs = pairs.into_iter().map(|(k, v)| (k, unquote(&v)));
            return Ok(Split {
                meta: Meta::from_pairs(pairs),
                body_start,
                body,
            });
        }
        let stripped = line.trim_start();
        if stripped.is_empty() || stripped.starts_with('#') {
            continue;
        }
        let indented = stripped.len() != line.len();
        if indented || stripped.starts_with("- ") || stripped == "-" {
            let Some((_, value)) = pairs.last_mut() else {
                return Err(broken(
                    source,
                    n + 1,
                    "front matter starts with an indented line or list item",
                ));
            };
            if let Some(item) = stripped.strip_prefix('-').filter(|_| open_block.is_none()) {
                push_folded(value, &unquote(item), ", ");
            } else {
                push_folded(value, stripped, open_block.unwrap_or(" "));
            }
            continue;
        }
        match key_value(line) {
            Some((k, v)) => {
                let (v, block) = match v {
                    "|" | "|-" | "|+" => ("", Some("\n")),
                    ">" | ">-" | ">+" => ("", Some(" ")),
                    _ => (v, None),
                };
                open_block = block;
                pairs.push((k, v.to_string()));
            }
            None => {
                return Err(broken(
                    source,
                    n + 1,
                    format!(
                        "expected `key: value` in front matter, found {}",
                        preview(line)
                    ),
                ));
            }
        }
    }
    Err(broken(
        source,
        1,
        "front matter opened with `---` is never closed",
    ))
}

/// The text of the first ATX heading (`# Title`) of a Markdown body.
pub fn markdown_title(body: &str) -> Option<String> {
    body.lines().take(200).find_map(|l| {
        let l = l.trim_start();
        let rest = l.strip_prefix('#')?.trim_start_matches('#');
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let t = rest.trim().trim_end_matches('#').trim();
        (!t.is_empty()).then(|| t.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// The eval tool's `body_of`, for texts whose header it recognises.
    fn python_body(text: &str) -> String {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut i = 0;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        lines.get(i + 1..).map(|l| l.join("\n")).unwrap_or_default()
    }

    #[test]
    fn header_block_and_exact_body() {
        let text = "title: Talks resume in a lakeside town\n\
                    url: https://example.org/news/talks?id=7\n\
                    published: 2025-02-27\n\
                    outlet: Example Wire\n\
                    author: A. Writer\n\
                    language: en\n\
                    desk: foreign\n\
                    \n\
                    The envoy said on Tuesday that progress was slow.\n\
                    \n\
                    A second paragraph follows.\n";
        let s = split("a.txt", text).unwrap();
        assert_eq!(
            s.body,
            "The envoy said on Tuesday that progress was slow.\n\nA second paragraph follows.\n"
        );
        assert_eq!(s.body, python_body(text));
        assert_eq!(&text[s.body_start..], s.body);
        let m = &s.meta;
        assert_eq!(m.title.as_deref(), Some("Talks resume in a lakeside town"));
        assert_eq!(
            m.url.as_deref(),
            Some("https://example.org/news/talks?id=7")
        );
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(m.published_raw.as_deref(), Some("2025-02-27"));
        assert_eq!(m.outlet.as_deref(), Some("Example Wire"));
        assert_eq!(m.author.as_deref(), Some("A. Writer"));
        assert_eq!(m.language.as_deref(), Some("en"));
        assert_eq!(m.extra.get("desk").map(String::as_str), Some("foreign"));
    }

    #[test]
    fn header_aliases_and_case() {
        let text = "Source: Daily Example\nDate: 27 February 2025\nLang: fa\n\nBody.";
        let s = split("b.txt", text).unwrap();
        assert_eq!(s.meta.outlet.as_deref(), Some("Daily Example"));
        assert_eq!(s.meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(s.meta.published_raw.as_deref(), Some("27 February 2025"));
        assert_eq!(s.meta.language.as_deref(), Some("fa"));
        assert_eq!(s.body, "Body.");

        // outlet wins over source; source is kept in extra.
        let text = "source: Wire A\noutlet: Paper B\n\nBody.";
        let s = split("c.txt", text).unwrap();
        assert_eq!(s.meta.outlet.as_deref(), Some("Paper B"));
        assert_eq!(
            s.meta.extra.get("source").map(String::as_str),
            Some("Wire A")
        );
    }

    #[test]
    fn whitespace_only_line_ends_header_like_python() {
        let text = "title: T\n   \t\nBody starts here.\n";
        let s = split("d.txt", text).unwrap();
        assert_eq!(s.body, "Body starts here.\n");
        assert_eq!(s.body, python_body(text));
        // Blank line at the very end: empty body.
        let text = "title: T\n\n";
        assert_eq!(split("e.txt", text).unwrap().body, "");
        assert_eq!(python_body(text), "");
    }

    #[test]
    fn crlf_header_keeps_body_bytes() {
        let text = "title: Windows file\r\npublished: 2025/02/27\r\n\r\nLine one.\r\nLine two.\r\n";
        let s = split("f.txt", text).unwrap();
        assert_eq!(s.meta.title.as_deref(), Some("Windows file"));
        assert_eq!(s.meta.published_raw.as_deref(), Some("2025/02/27"));
        assert_eq!(s.meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(s.body, "Line one.\r\nLine two.\r\n");
        assert_eq!(s.body, python_body(text));
    }

    #[test]
    fn first_line_with_colon_but_unknown_key_is_body() {
        for text in [
            "Breaking: the ministers met again today.\nMore text.",
            "Update: nothing new\n\nBody",
            "He said: we will return.\n",
            "https://example.org is a site\n",
        ] {
            let s = split("g.txt", text).unwrap();
            assert_eq!(s.body, text);
            assert_eq!(s.body_start, 0);
            assert_eq!(s.meta, Meta::default());
        }
    }

    #[test]
    fn broken_header_names_line() {
        let text = "title: Half a header\nauthor: Someone\nThis line has no colon\n\nBody";
        let err = split("h.txt", text).unwrap_err();
        match &err {
            DocumentError::BrokenHeader {
                source_name, line, ..
            } => {
                assert_eq!(source_name, "h.txt");
                assert_eq!(*line, 3);
            }
            other => panic!("unexpected {other:?}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("h.txt"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn header_without_body_is_no_text() {
        let err = split("i.txt", "title: Only a title\nauthor: X").unwrap_err();
        assert!(matches!(err, DocumentError::NoText { .. }), "{err:?}");
    }

    #[test]
    fn wrapped_header_value_continues() {
        let text = "title: A very long title that\n  wraps onto a second line\n\nBody";
        let s = split("j.txt", text).unwrap();
        assert_eq!(
            s.meta.title.as_deref(),
            Some("A very long title that wraps onto a second line")
        );
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn front_matter_block() {
        let text = "---\n\
                    title: \"Envoys meet: day two\"\n\
                    date: '2025-02-27T10:00:00Z'\n\
                    outlet: Example Wire # the wire service\n\
                    tags:\n  - talks\n  - envoys\n\
                    summary: >\n  Two lines\n  folded.\n\
                    \n\
                    ---\n\
                    # Heading\n\nBody text.\n";
        let s = split("k.md", text).unwrap();
        assert_eq!(s.meta.title.as_deref(), Some("Envoys meet: day two"));
        assert_eq!(s.meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(
            s.meta.published_raw.as_deref(),
            Some("2025-02-27T10:00:00Z")
        );
        assert_eq!(s.meta.outlet.as_deref(), Some("Example Wire"));
        assert_eq!(
            s.meta.extra.get("tags").map(String::as_str),
            Some("talks, envoys")
        );
        assert_eq!(
            s.meta.extra.get("summary").map(String::as_str),
            Some("Two lines folded.")
        );
        assert_eq!(s.body, "# Heading\n\nBody text.\n");
        assert_eq!(&text[s.body_start..], s.body);
    }

    #[test]
    fn front_matter_crlf_and_dots() {
        let text = "---\r\ntitle: It''s fine\r\nauthor: 'It''s me'\r\n...\r\nBody\r\n";
        let s = split("l.md", text).unwrap();
        assert_eq!(s.meta.title.as_deref(), Some("It''s fine"));
        assert_eq!(s.meta.author.as_deref(), Some("It's me"));
        assert_eq!(s.body, "Body\r\n");
    }

    #[test]
    fn front_matter_never_closed() {
        let err = split("m.md", "---\ntitle: Open\n\nBody text without end").unwrap_err();
        match err {
            DocumentError::BrokenHeader {
                line, ref reason, ..
            } => {
                // The blank line is allowed; "Body text…" has no colon.
                assert_eq!(line, 4, "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let err = split("n.md", "---\ntitle: Open\nauthor: X\n").unwrap_err();
        match err {
            DocumentError::BrokenHeader {
                line, ref reason, ..
            } => {
                assert_eq!(line, 1);
                assert!(reason.contains("never closed"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn front_matter_at_end_of_file() {
        let s = split("o.md", "---\ntitle: T\n---").unwrap();
        assert_eq!(s.body, "");
        assert_eq!(s.meta.title.as_deref(), Some("T"));
    }

    #[test]
    fn markdown_heading_title() {
        assert_eq!(
            markdown_title("Intro line\n\n## Talks go on ##\nText").as_deref(),
            Some("Talks go on")
        );
        assert_eq!(markdown_title("#hashtag only\ntext"), None);
    }

    #[test]
    fn unquote_forms() {
        assert_eq!(unquote(r#""a \"b\" c""#), "a \"b\" c");
        assert_eq!(unquote("'x''y'"), "x'y");
        assert_eq!(unquote("plain # note"), "plain");
        assert_eq!(unquote("\""), "\"");
        assert_eq!(unquote("\"é\\"), "\"é\\");
    }
}
