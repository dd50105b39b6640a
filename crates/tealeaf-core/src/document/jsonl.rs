//! JSON lines: one article object per line.
//!
//! The body is the first non-blank string among `text`, `body` and
//! `content`. `id` (string or number) names the document, else
//! `<base name>#<line number>`. `title`, `published`/`date`,
//! `outlet`/`source`, `url`, `author` and `language`/`lang` fill the
//! metadata (see [`Meta::from_pairs`]); other scalar fields, and arrays of
//! scalars joined with `, `, go to `extra`; nested objects are ignored.
//!
//! Blank lines are skipped. A line that is not valid UTF-8, not valid JSON,
//! not an object or has no text gives an error for that line only.

use serde_json::{Map, Value};

use super::{Document, DocumentError, Meta, base_name, check_binary, invalid_utf8};

/// Fields that may hold the body, best first.
const TEXT_KEYS: [&str; 3] = ["text", "body", "content"];

/// Parses a JSON lines file: one result per non-blank line.
pub fn parse(source: &str, bytes: &[u8]) -> Vec<Result<Document, DocumentError>> {
    let decoded;
    let (bytes, base) = match super::decode_utf16(source, bytes) {
        Ok(Some(text)) => {
            decoded = text;
            (decoded.as_bytes(), 0)
        }
        Ok(None) => {
            if let Err(e) = check_binary(source, bytes) {
                return vec![Err(e)];
            }
            match bytes.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) => (rest, 3),
                None => (bytes, 0),
            }
        }
        Err(e) => return vec![Err(e)],
    };
    let base_id = base_name(source);
    let mut out = Vec::new();
    let mut start = 0;
    let mut number = 0;
    while start < bytes.len() {
        number += 1;
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let raw = &bytes[start..end];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if !line.iter().all(u8::is_ascii_whitespace) {
            out.push(record(source, base_id, line, base + start, number));
        }
        start = end + 1;
    }
    if out.is_empty() {
        out.push(Err(DocumentError::Empty {
            source_name: source.to_string(),
        }));
    }
    out
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One line's document; `offset` is where the line starts in the file.
fn record(
    source: &str,
    base_id: &str,
    line: &[u8],
    offset: usize,
    number: usize,
) -> Result<Document, DocumentError> {
    let text = std::str::from_utf8(line)
        .map_err(|e| invalid_utf8(source, line, e.valid_up_to(), offset, number))?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
        DocumentError::InvalidJson {
            source_name: source.to_string(),
            line: number,
            message: format!("{msg} at column {}", e.column()),
        }
    })?;
    let Value::Object(map) = value else {
        return Err(DocumentError::NotAnObject {
            source_name: source.to_string(),
            line: number,
            found: kind(&value),
        });
    };
    let body = body_of(&map).map_err(|reason| DocumentError::MissingText {
        source_name: source.to_string(),
        line: number,
        reason,
    })?;
    let id = map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("id"))
        .and_then(|(_, v)| scalar(v))
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("{base_id}#{number}"));
    let pairs = map.iter().filter_map(|(k, v)| {
        let skip =
            k.eq_ignore_ascii_case("id") || TEXT_KEYS.iter().any(|t| k.eq_ignore_ascii_case(t));
        if skip {
            return None;
        }
        let value = match v {
            Value::Array(items) => {
                let parts: Option<Vec<String>> = items.iter().map(scalar).collect();
                parts?.join(", ")
            }
            other => scalar(other)?,
        };
        Some((k.as_str(), value))
    });
    Ok(Document {
        id,
        source: source.to_string(),
        body,
        meta: Meta::from_pairs(pairs),
    })
}

/// A string, number or boolean as text.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The body, or why there is none.
fn body_of(map: &Map<String, Value>) -> Result<String, String> {
    let mut first_problem = None;
    for key in TEXT_KEYS {
        let Some(v) = map.get(key) else { continue };
        match v {
            Value::String(s) if !s.trim().is_empty() => return Ok(s.clone()),
            Value::String(_) => {
                first_problem.get_or_insert_with(|| format!("the \"{key}\" field is empty"));
            }
            other => {
                first_problem.get_or_insert_with(|| {
                    format!("the \"{key}\" field is {}, not a string", kind(other))
                });
            }
        }
    }
    Err(first_problem.unwrap_or_else(|| "no \"text\", \"body\" or \"content\" field".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn good_and_broken_lines() {
        let input = concat!(
            r#"{"id": "a1", "text": "The minister spoke.", "title": "Talks", "published": "2025-02-27", "source": "Wire", "url": "https://example.org/a1", "author": "Pat", "lang": "en", "section": "world", "page": 4, "paywall": false, "tags": ["x", "y"], "nested": {"k": 1}}"#,
            "\n",
            "\n",
            "   \n",
            r#"{"body": "Body field text.", "date": "Feb. 3, 2025", "outlet": "Paper"}"#,
            "\r\n",
            "{not json}\n",
            "[1, 2]\n",
            r#"{"title": "no text here"}"#,
            "\n",
            r#"{"text": "   ", "content": "Content wins when text is blank.", "id": 17}"#,
            "\n",
            r#"{"text": 5}"#,
            "\n",
            r#"{"text": "trailing"} extra"#,
        );
        let out = parse("data/feed.jsonl", input.as_bytes());
        assert_eq!(out.len(), 8);

        let a = out[0].as_ref().unwrap();
        assert_eq!(a.id, "a1");
        assert_eq!(a.source, "data/feed.jsonl");
        assert_eq!(a.body, "The minister spoke.");
        assert_eq!(a.meta.title.as_deref(), Some("Talks"));
        assert_eq!(a.meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(a.meta.outlet.as_deref(), Some("Wire"));
        assert_eq!(a.meta.url.as_deref(), Some("https://example.org/a1"));
        assert_eq!(a.meta.author.as_deref(), Some("Pat"));
        assert_eq!(a.meta.language.as_deref(), Some("en"));
        let extra: Vec<(&str, &str)> = a
            .meta
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            extra,
            [
                ("page", "4"),
                ("paywall", "false"),
                ("section", "world"),
                ("tags", "x, y")
            ]
        );

        let b = out[1].as_ref().unwrap();
        assert_eq!(b.id, "feed.jsonl#4");
        assert_eq!(b.body, "Body field text.");
        assert_eq!(b.meta.published, NaiveDate::from_ymd_opt(2025, 2, 3));
        assert_eq!(b.meta.published_raw.as_deref(), Some("Feb. 3, 2025"));
        assert_eq!(b.meta.outlet.as_deref(), Some("Paper"));

        match out[2].as_ref().unwrap_err() {
            e @ DocumentError::InvalidJson { line: 5, .. } => {
                let msg = e.to_string();
                assert!(
                    msg.starts_with("data/feed.jsonl: line 5: invalid JSON"),
                    "{msg}"
                );
                assert!(!msg.contains("line 1"), "{msg}");
            }
            e => panic!("unexpected {e:?}"),
        }
        assert_eq!(
            out[3].as_ref().unwrap_err(),
            &DocumentError::NotAnObject {
                source_name: "data/feed.jsonl".into(),
                line: 6,
                found: "an array"
            }
        );
        match out[4].as_ref().unwrap_err() {
            e @ DocumentError::MissingText { line: 7, .. } => {
                assert!(e.to_string().contains("no \"text\""), "{e}");
            }
            e => panic!("unexpected {e:?}"),
        }
        let c = out[5].as_ref().unwrap();
        assert_eq!(c.id, "17");
        assert_eq!(c.body, "Content wins when text is blank.");
        match out[6].as_ref().unwrap_err() {
            e @ DocumentError::MissingText { line: 9, .. } => {
                assert!(e.to_string().contains("a number"), "{e}");
            }
            e => panic!("unexpected {e:?}"),
        }
        assert!(
            matches!(out[7], Err(DocumentError::InvalidJson { line: 10, .. })),
            "{:?}",
            out[7]
        );
    }

    #[test]
    fn body_is_kept_verbatim() {
        let out = parse(
            "f.jsonl",
            br#"{"text": "  Two\r\nlines\u00e9 \ud83d\ude00  "}"#,
        );
        assert_eq!(
            out[0].as_ref().unwrap().body,
            "  Two\r\nlines\u{e9} \u{1F600}  "
        );
    }

    #[test]
    fn invalid_utf8_only_fails_its_line() {
        let mut input = br#"{"text": "first"}"#.to_vec();
        input.push(b'\n');
        let second_start = input.len();
        input.extend(b"{\"text\": \"bad \xFF byte\"}\n");
        input.extend(br#"{"text": "third"}"#);
        let out = parse("u.jsonl", &input);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_ref().unwrap().body, "first");
        assert_eq!(
            out[1].as_ref().unwrap_err(),
            &DocumentError::InvalidUtf8 {
                source_name: "u.jsonl".into(),
                offset: second_start + 14,
                line: 2
            }
        );
        assert_eq!(out[2].as_ref().unwrap().body, "third");
        assert_eq!(out[2].as_ref().unwrap().id, "u.jsonl#3");
    }

    #[test]
    fn bom_binary_and_empty() {
        let out = parse("b.jsonl", b"\xEF\xBB\xBF{\"text\": \"x\"}\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].as_ref().unwrap().body, "x");

        let out = parse("bin.jsonl", b"{\"text\": \"x\"}\n\x00\x01\x02");
        assert!(
            matches!(out[..], [Err(DocumentError::Binary { .. })]),
            "{out:?}"
        );

        for input in [&b""[..], b"\n\n  \r\n", b"\xEF\xBB\xBF\n"] {
            let out = parse("e.jsonl", input);
            assert_eq!(
                out,
                vec![Err(DocumentError::Empty {
                    source_name: "e.jsonl".into()
                })]
            );
        }
    }

    #[test]
    fn utf16_jsonl() {
        let text = "{\"text\": \"wide\"}\r\n{\"text\": \"second\"}";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let out = parse("w.jsonl", &bytes);
        let bodies: Vec<&str> = out
            .iter()
            .map(|r| r.as_ref().unwrap().body.as_str())
            .collect();
        assert_eq!(bodies, ["wide", "second"]);
    }
}
