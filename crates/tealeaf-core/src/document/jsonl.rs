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
//!
//! A line is read into [`Field`]s, not a `serde_json::Value`: what a
//! document cannot use (nested objects, arrays holding them) is checked
//! and skipped without being built. Annotated corpora carry far more of
//! that than text, and building it was most of the reading time.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::{Document, DocumentError, Meta, base_name, check_binary, invalid_utf8};

/// Fields that may hold the body, best first.
const TEXT_KEYS: [&str; 3] = ["text", "body", "content"];

/// Parses a JSON lines file: one result per non-blank line.
pub fn parse(source: &str, bytes: &[u8]) -> Vec<Result<Document, DocumentError>> {
    match lines(source, bytes) {
        Ok(lines) => (0..lines.len()).map(|i| lines.record(i)).collect(),
        Err(e) => vec![Err(e)],
    }
}

/// A JSON lines file split into its non-blank lines, each parsed on its
/// own by [`Lines::record`] (from any thread: ingest parses a large file's
/// records in parallel instead of all of them before the first is
/// extracted). `parse` is every record in order.
#[derive(Debug)]
pub struct Lines<'a> {
    source: &'a str,
    base_id: &'a str,
    /// The file's bytes as UTF-8 (decoded when it was UTF-16), after any
    /// byte order mark.
    bytes: std::borrow::Cow<'a, [u8]>,
    /// Where `bytes` starts in the file (3 after a UTF-8 byte order mark).
    base: usize,
    /// Each non-blank line: its start and end in `bytes`, and its line
    /// number in the file (from 1).
    spans: Vec<(usize, usize, usize)>,
}

/// Splits a JSON lines file into its lines; an error if it is binary, not
/// decodable or holds no non-blank line.
pub fn lines<'a>(source: &'a str, bytes: &'a [u8]) -> Result<Lines<'a>, DocumentError> {
    let (bytes, base) = match super::decode_utf16(source, bytes)? {
        Some(text) => (std::borrow::Cow::Owned(text.into_bytes()), 0),
        None => {
            check_binary(source, bytes)?;
            match bytes.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) => (std::borrow::Cow::Borrowed(rest), 3),
                None => (std::borrow::Cow::Borrowed(bytes), 0),
            }
        }
    };
    let mut spans = Vec::new();
    let mut start = 0;
    let mut number = 0;
    while start < bytes.len() {
        number += 1;
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line_end = if bytes[start..end].ends_with(b"\r") {
            end - 1
        } else {
            end
        };
        if !bytes[start..line_end].iter().all(u8::is_ascii_whitespace) {
            spans.push((start, line_end, number));
        }
        start = end + 1;
    }
    if spans.is_empty() {
        return Err(DocumentError::Empty {
            source_name: source.to_string(),
        });
    }
    Ok(Lines {
        source,
        base_id: base_name(source),
        bytes,
        base,
        spans,
    })
}

impl Lines<'_> {
    /// How many records (non-blank lines) the file has.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Never: a file without records is an error of [`lines`].
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Record `i` (in file order) as a document, or the error for its line.
    pub fn record(&self, i: usize) -> Result<Document, DocumentError> {
        let (start, end, number) = self.spans[i];
        record(
            self.source,
            self.base_id,
            &self.bytes[start..end],
            self.base + start,
            number,
        )
    }
}

/// A top-level field's value, as much of it as a document uses. Keys are
/// kept in a `BTreeMap`, sorted and the last of duplicates winning, as in
/// a `serde_json::Value` object.
#[derive(Debug)]
enum Field {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    /// The items when every one is a string, number or boolean; `None`
    /// when some item is not.
    Array(Option<Vec<Field>>),
    Object,
}

fn kind(v: &Field) -> &'static str {
    match v {
        Field::Null => "null",
        Field::Bool(_) => "a boolean",
        Field::Number(_) => "a number",
        Field::String(_) => "a string",
        Field::Array(_) => "an array",
        Field::Object => "an object",
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Field, E> {
        Ok(Field::Null)
    }
    fn visit_none<E>(self) -> Result<Field, E> {
        Ok(Field::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Field, E> {
        Ok(Field::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Field, E> {
        Ok(Field::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Field, E> {
        Ok(Field::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Field, E> {
        // As `Value` reads a float: non-finite ones (never parsed from
        // JSON text) would be null.
        Ok(Number::from_f64(v).map_or(Field::Null, Field::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Field, E> {
        Ok(Field::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Field, E> {
        Ok(Field::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
        let mut items = Some(Vec::new());
        while let Some(item) = seq.next_element::<Field>()? {
            let is_scalar = matches!(item, Field::Bool(_) | Field::Number(_) | Field::String(_));
            match (&mut items, is_scalar) {
                (Some(list), true) => list.push(item),
                _ => items = None,
            }
        }
        Ok(Field::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Object)
    }
}

/// A line: an object's fields, or the kind of the value that is not one.
enum Line {
    Object(BTreeMap<String, Field>),
    Not(&'static str),
}

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Line, D::Error> {
        struct LineVisitor;
        impl<'de> Visitor<'de> for LineVisitor {
            type Value = Line;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line, A::Error> {
                let mut fields = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, Field>()? {
                    fields.insert(k, v);
                }
                Ok(Line::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Line, A::Error> {
                FieldVisitor.visit_seq(seq).map(|f| Line::Not(kind(&f)))
            }
            fn visit_unit<E>(self) -> Result<Line, E> {
                Ok(Line::Not("null"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Line, E> {
                Ok(Line::Not("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Line, E> {
                Ok(Line::Not("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Line, E> {
                Ok(Line::Not("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Line, E> {
                Ok(Line::Not("a number"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Line, E> {
                Ok(Line::Not("a string"))
            }
        }
        d.deserialize_any(LineVisitor)
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
    let value: Line = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
        DocumentError::InvalidJson {
            source_name: source.to_string(),
            line: number,
            message: format!("{msg} at column {}", e.column()),
        }
    })?;
    let map = match value {
        Line::Object(map) => map,
        Line::Not(found) => {
            return Err(DocumentError::NotAnObject {
                source_name: source.to_string(),
                line: number,
                found,
            });
        }
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
            Field::Array(items) => {
                let parts: Option<Vec<String>> = items.as_ref()?.iter().map(scalar).collect();
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
fn scalar(v: &Field) -> Option<String> {
    match v {
        Field::String(s) => Some(s.clone()),
        Field::Number(n) => Some(n.to_string()),
        Field::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The body, or why there is none.
fn body_of(map: &BTreeMap<String, Field>) -> Result<String, String> {
    let mut first_problem = None;
    for key in TEXT_KEYS {
        let Some(v) = map.get(key) else { continue };
        match v {
            Field::String(s) if !s.trim().is_empty() => return Ok(s.clone()),
            Field::String(_) => {
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
    fn records_parse_alone_and_in_any_order_as_parse_gives_them() {
        // A byte order mark, CRLF, blank lines and a broken line: each
        // record, parsed on its own (as ingest's threads do), is what
        // `parse` gives at its place.
        let input = "\u{feff}{\"id\":\"a\",\"text\":\"one\"}\r\n\n  \n{\"text\":\"two\"}\nnot json\n{\"text\":\"three\"}";
        let all = parse("w.jsonl", input.as_bytes());
        let lines = lines("w.jsonl", input.as_bytes()).unwrap();
        assert_eq!(lines.len(), 4);
        for i in (0..lines.len()).rev() {
            assert_eq!(format!("{:?}", lines.record(i)), format!("{:?}", all[i]));
        }
        assert!(
            matches!(
                lines.record(2),
                Err(DocumentError::InvalidJson { line: 5, .. })
            ),
            "{:?}",
            lines.record(2)
        );
        assert_eq!(lines.record(3).unwrap().id, "w.jsonl#6");
        assert!(matches!(
            super::lines("e.jsonl", b"\n \n"),
            Err(DocumentError::Empty { .. })
        ));
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

    /// A line read the way the reader did before [`Field`]: through a
    /// `serde_json::Value`. The oracle the property test checks against.
    fn record_via_value(line: &str) -> Result<Document, String> {
        use serde_json::Value;
        let Value::Object(map) = serde_json::from_str::<Value>(line).map_err(|e| e.to_string())?
        else {
            return Err("not an object".into());
        };
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let body = TEXT_KEYS
            .iter()
            .find_map(|k| match map.get(*k) {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
                _ => None,
            })
            .ok_or("no text")?;
        let id = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("id"))
            .and_then(|(_, v)| scalar(v))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "p.jsonl#1".into());
        let pairs = map.iter().filter_map(|(k, v)| {
            if k.eq_ignore_ascii_case("id") || TEXT_KEYS.iter().any(|t| k.eq_ignore_ascii_case(t)) {
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
            source: "p.jsonl".into(),
            body,
            meta: Meta::from_pairs(pairs),
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whatever fields a line holds (scalars, arrays of any items,
        /// nested objects, keys repeated), it gives the document that
        /// reading it through a `Value` gave.
        #[test]
        fn fields_read_as_through_a_value(
            fields in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "text", "body", "content", "id", "ID", "title", "date", "published",
                        "outlet", "source", "url", "author", "lang", "tags", "page", "x",
                    ]),
                    proptest::sample::select(vec![
                        r#""Talks resumed.""#, r#""  ""#, r#""2025-02-27""#, r#""a\"b\u00e9""#,
                        "17", "-3", "2.50", "1e3", "18446744073709551615", "true", "null",
                        r#"["x", 2, false]"#, r#"["x", null]"#, r#"[["x"]]"#, "[]",
                        r#"{"k": [1, {"z": "deep"}]}"#, r#"[{"start": 3, "end": 9}]"#,
                    ]),
                ),
                0..8,
            ),
        ) {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            let line = format!("{{{}}}", body.join(", "));
            let ours = record("p.jsonl", "p.jsonl", line.as_bytes(), 0, 1);
            match record_via_value(&line) {
                Ok(doc) => proptest::prop_assert_eq!(ours.unwrap(), doc),
                Err(_) => proptest::prop_assert!(ours.is_err()),
            }
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
