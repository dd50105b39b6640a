//! Scoring extractor output against hand-coded gold.
//!
//! Faithful ports of the project's two Python scorers, so that tests and the
//! `tealeaf eval` / `tealeaf eval-quotes` commands report the same figures as
//! the Python tools:
//!
//! * [`statements`]: `tools/eval_statements.py`: attributed statements on an
//!   issue (speaker, outlet, date, stance, about, mediators, conditions);
//! * [`quotes`]: `tools/eval_quotes.py`: quotation content spans and speaker
//!   attribution, strict and split-tolerant.
//!
//! Offsets are Unicode code point (char) offsets, as Python's `str` indices.
//! Rounding reproduces Python's `round(x, n)` (correctly rounded, ties to
//! even on the exact binary value), and floats print as Python's `repr`.
//! Nothing here reads files: the caller passes texts in ([`parse_jsonl`],
//! [`statements::body_of`] and [`quotes::parse_quote_jsonl`] take the file
//! contents).

mod fold;
pub mod names;
pub mod quotes;
pub mod statements;

pub use quotes::{
    Prf, Quote, QuoteArticle, QuoteEvaluation, QuoteReport, evaluate_quotes, format_table,
    format_tables, parse_quote_jsonl, score_quotes,
};
pub use statements::{
    GoldStatement, StatementEvalOptions, StatementReport, body_of, parse_gold_statements,
    score_statements,
};

use serde::Serialize;
use serde_json::Value;

/// Errors from reading the JSON lines the scorers take.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A line is not valid JSON, or not of the expected shape.
    #[error("line {line}: {source}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// What serde_json reported.
        source: serde_json::Error,
    },
    /// A quote article without `"id"` (`eval_quotes.py` refuses those too).
    #[error("line {line}: record without 'id'")]
    MissingId {
        /// 1-based line number.
        line: usize,
    },
}

/// The non-blank lines of a JSON-lines text, parsed (Python:
/// `[json.loads(l) for l in fh if l.strip()]`).
pub fn parse_jsonl(text: &str) -> Result<Vec<Value>, EvalError> {
    jsonl_lines(text)
        .map(|(line, l)| serde_json::from_str(l).map_err(|source| EvalError::Json { line, source }))
        .collect()
}

/// `(1-based line number, line)` for each line that is not blank.
pub(crate) fn jsonl_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_matches(names::py_is_space)))
        .filter(|(_, l)| !l.is_empty())
}

/// Python's `round(x, ndigits)` for a float.
///
/// CPython rounds the exact binary value correctly to `ndigits` decimals (ties,
/// which only exactly representable halves can be, go to even) and reads the
/// result back; Rust's `{:.N}` formatting rounds the same way (ties to even
/// since Rust 1.67), and parsing is correctly rounded too, so the two agree to
/// the last bit.
pub fn py_round(x: f64, ndigits: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.ndigits$}").parse().unwrap_or(x)
}

/// Python's `repr(x)` for a float: the shortest digits that read back as `x`,
/// in fixed notation when the decimal exponent is in -4..16, else as `1e-05`,
/// `1.5e+16`; always with a `.0` when integral in fixed notation.
pub fn py_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{:e}", x.abs()); // shortest round-trip digits, e.g. "1.2345e-5"
    let (mant, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let body = if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                format!("{digits}{}.0", "0".repeat(int_len - digits.len()))
            } else {
                format!("{}.{}", &digits[..int_len], &digits[int_len..])
            }
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let es = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    }
}

/// Python's `str(v)` for the optional figures of a report (`None` for none).
pub(crate) fn py_opt_repr(v: Option<f64>) -> String {
    v.map_or_else(|| "None".to_string(), py_float_repr)
}

/// Python truthiness of a JSON value.
pub(crate) fn py_truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// One-to-one greedy matching: candidate pairs `(overlap, pred, gold)` are taken
/// in the order of Python's `sorted((-ov, i, j))`, each pair kept when neither
/// side is used yet. Returns the kept `(pred, gold)` pairs in that order.
pub(crate) fn greedy_match(mut pairs: Vec<(f64, usize, usize)>) -> Vec<(usize, usize)> {
    pairs.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    let (mut used_p, mut used_g) = (
        std::collections::HashSet::new(),
        std::collections::HashSet::new(),
    );
    let mut out = Vec::new();
    for (_, i, j) in pairs {
        if used_p.contains(&i) || used_g.contains(&j) {
            continue;
        }
        used_p.insert(i);
        used_g.insert(j);
        out.push((i, j));
    }
    out
}

/// `value` as Python's `json.dump(value, fh, indent=indent)` writes it: keys in
/// the struct's order, `,` / `: ` separators, non-ASCII escaped as `\uXXXX`
/// (`ensure_ascii`), floats as `repr`. With `indent` `None`, the compact
/// default `json.dumps` form (`, ` and `: `).
pub fn to_python_json<T: Serialize + ?Sized>(value: &T, indent: Option<usize>) -> String {
    let mut out = Vec::new();
    let indent_str = " ".repeat(indent.unwrap_or(0));
    let fmt = PyJsonFormatter {
        indent: indent.map(|_| indent_str.as_bytes()),
        level: 0,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    value
        .serialize(&mut ser)
        .expect("serialising a report to memory cannot fail");
    String::from_utf8(out).expect("the formatter writes ASCII only")
}

/// A `serde_json` formatter writing what Python's `json` module writes.
struct PyJsonFormatter<'a> {
    indent: Option<&'a [u8]>,
    level: usize,
    has_value: bool,
}

impl PyJsonFormatter<'_> {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        if let Some(ind) = self.indent {
            w.write_all(b"\n")?;
            for _ in 0..self.level {
                w.write_all(ind)?;
            }
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for PyJsonFormatter<'_> {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        let s = match py_float_repr(value).as_str() {
            "nan" => "NaN".to_string(),
            "inf" => "Infinity".to_string(),
            "-inf" => "-Infinity".to_string(),
            s => s.to_string(),
        };
        w.write_all(s.as_bytes())
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        self.write_f64(w, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                w.write_all(&[c as u8])?;
            } else {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    write!(w, "\\u{u:04x}")?;
                }
            }
        }
        Ok(())
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        self.has_value = true;
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            w.write_all(if self.indent.is_some() { b"," } else { b", " })?;
        }
        self.newline(w)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        self.has_value = true;
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            w.write_all(if self.indent.is_some() { b"," } else { b", " })?;
        }
        self.newline(w)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_like_python() {
        assert_eq!(py_round(2.0 / 3.0, 3), 0.667);
        assert_eq!(py_round(0.0625, 3), 0.062); // exact tie: to even
        assert_eq!(py_round(0.125, 2), 0.12);
        assert_eq!(py_round(0.375, 2), 0.38);
        assert_eq!(py_round(2.675, 2), 2.67); // 2.675 is below the half in binary
        assert_eq!(py_round(0.0005, 3), 0.001); // ... and 0.0005 above it
        assert_eq!(py_round(1.0, 4), 1.0);
    }

    #[test]
    fn repr_like_python() {
        for (x, s) in [
            (0.0, "0.0"),
            (1.0, "1.0"),
            (0.5, "0.5"),
            (0.667, "0.667"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.0, "123.0"),
            (1234.5, "1234.5"),
            (0.0001, "0.0001"),
            (0.00005, "5e-05"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (1.25e17, "1.25e+17"),
            (9999999999999998.0, "9999999999999998.0"),
            (-0.25, "-0.25"),
        ] {
            assert_eq!(py_float_repr(x), s);
        }
        assert_eq!(py_opt_repr(None), "None");
    }

    #[test]
    fn truthiness() {
        use serde_json::json;
        assert!(!py_truthy(None));
        for v in [
            json!(null),
            json!(""),
            json!(0),
            json!(0.0),
            json!([]),
            json!({}),
            json!(false),
        ] {
            assert!(!py_truthy(Some(&v)), "{v}");
        }
        for v in [
            json!("x"),
            json!(1),
            json!([0]),
            json!({"a": 1}),
            json!(true),
        ] {
            assert!(py_truthy(Some(&v)), "{v}");
        }
    }

    #[test]
    fn greedy_matching_order() {
        // equal overlaps: lower pred index first, then lower gold index
        let m = greedy_match(vec![(0.5, 1, 0), (0.5, 0, 1), (0.5, 0, 0), (0.9, 2, 1)]);
        assert_eq!(m, vec![(2, 1), (0, 0)]);
    }

    #[test]
    fn jsonl_parsing() {
        let v = parse_jsonl("{\"a\": 1}\r\n\n  \n[2]\n").unwrap();
        assert_eq!(v.len(), 2);
        let e = parse_jsonl("{}\n{oops}\n").unwrap_err();
        assert!(matches!(e, EvalError::Json { line: 2, .. }), "{e}");
    }

    #[test]
    fn python_json_writer() {
        #[derive(Serialize)]
        struct S {
            b: Vec<u8>,
            a: Option<f64>,
            e: Vec<u8>,
            s: &'static str,
            n: (usize, f64),
        }
        let v = S {
            b: vec![1, 2],
            a: None,
            e: vec![],
            s: "Zoë \"x\"\n😀",
            n: (3, 1.0),
        };
        assert_eq!(
            to_python_json(&v, Some(1)),
            "{\n \"b\": [\n  1,\n  2\n ],\n \"a\": null,\n \"e\": [],\n \"s\": \"Zo\\u00eb \\\"x\\\"\\n\\ud83d\\ude00\",\n \"n\": [\n  3,\n  1.0\n ]\n}"
        );
        assert_eq!(
            to_python_json(&v, None),
            "{\"b\": [1, 2], \"a\": null, \"e\": [], \"s\": \"Zo\\u00eb \\\"x\\\"\\n\\ud83d\\ude00\", \"n\": [3, 1.0]}"
        );
    }
}
