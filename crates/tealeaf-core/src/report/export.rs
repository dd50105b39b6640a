//! Statements for other tools: JSON lines (the `extract` format, every
//! field), and flat rows ([`StatementRow`]) for CSV and Parquet.
//!
//! A row has one column per field of [`Statement`] (spans split into start
//! and end), the coding fields flattened; lists (`conditions`, `mediators`,
//! `threats`) are lists in Parquet and `;`-joined in CSV; `deadlines` and
//! `evidence` are JSON text. [`COLUMNS`] names the columns in order.

use std::io::{Read, Write};

use serde_json::Value;

use crate::Statement;

/// One statement as a flat row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementRow {
    pub doc: String,
    pub span_start: u64,
    pub span_end: u64,
    pub text: String,
    pub quote_start: u64,
    pub quote_end: u64,
    pub attribution: u64,
    pub kind: String,
    pub direct: bool,
    pub speaker: Option<String>,
    pub speaker_mention: Option<String>,
    pub speaker_start: Option<u64>,
    pub speaker_end: Option<u64>,
    pub speaker_role: Option<String>,
    pub speaker_id: Option<String>,
    pub faction: Option<String>,
    pub outlet: Option<String>,
    pub outlet_id: Option<String>,
    pub outlet_affiliation: Option<String>,
    pub date: Option<String>,
    pub date_precision: Option<String>,
    pub cue: Option<String>,
    pub confidence: f32,
    pub rule: String,
    pub topic: Option<String>,
    pub stance: Option<String>,
    pub conditions: Vec<String>,
    pub mediators: Vec<String>,
    pub threats: Vec<String>,
    /// JSON: `[{"threat": …, "deadline": …}]`.
    pub deadlines: String,
    pub about: Option<String>,
    pub probability: Option<f64>,
    pub cameo: Option<String>,
    pub cameo_name: Option<String>,
    pub plover_event: Option<String>,
    pub plover_mode: Option<String>,
    /// JSON: the coding evidence, as `extract` gives it.
    pub evidence: String,
}

/// The columns of a row, in order.
pub const COLUMNS: [&str; 37] = [
    "doc",
    "span_start",
    "span_end",
    "text",
    "quote_start",
    "quote_end",
    "attribution",
    "kind",
    "direct",
    "speaker",
    "speaker_mention",
    "speaker_start",
    "speaker_end",
    "speaker_role",
    "speaker_id",
    "faction",
    "outlet",
    "outlet_id",
    "outlet_affiliation",
    "date",
    "date_precision",
    "cue",
    "confidence",
    "rule",
    "topic",
    "stance",
    "conditions",
    "mediators",
    "threats",
    "deadlines",
    "about",
    "probability",
    "cameo",
    "cameo_name",
    "plover_event",
    "plover_mode",
    "evidence",
];

impl StatementRow {
    /// The row of a statement.
    pub fn from_statement(s: &Statement) -> StatementRow {
        let v = serde_json::to_value(s).expect("a statement serialises");
        StatementRow::from_json(&v)
    }

    /// The row of a statement in its JSON form (`extract` output, the
    /// store's `coded` column). Missing fields are empty.
    pub fn from_json(v: &Value) -> StatementRow {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let n = |k: &str| v.get(k).and_then(Value::as_u64);
        let pair = |k: &str| {
            let a = v.get(k).and_then(Value::as_array);
            (
                a.and_then(|a| a.first()).and_then(Value::as_u64),
                a.and_then(|a| a.get(1)).and_then(Value::as_u64),
            )
        };
        let list = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let json = |k: &str| match v.get(k) {
            None | Some(Value::Null) => "[]".to_string(),
            Some(x) => x.to_string(),
        };
        let (span_start, span_end) = pair("span");
        let (quote_start, quote_end) = pair("quote_span");
        let (speaker_start, speaker_end) = pair("speaker_span");
        StatementRow {
            doc: s("doc").unwrap_or_default(),
            span_start: span_start.unwrap_or(0),
            span_end: span_end.unwrap_or(0),
            text: s("text").unwrap_or_default(),
            quote_start: quote_start.unwrap_or(0),
            quote_end: quote_end.unwrap_or(0),
            attribution: n("attribution").unwrap_or(0),
            kind: s("kind").unwrap_or_default(),
            direct: v.get("direct").and_then(Value::as_bool).unwrap_or(false),
            speaker: s("speaker"),
            speaker_mention: s("speaker_mention"),
            speaker_start,
            speaker_end,
            speaker_role: s("speaker_role"),
            speaker_id: s("speaker_id"),
            faction: s("faction"),
            outlet: s("outlet"),
            outlet_id: s("outlet_id"),
            outlet_affiliation: s("outlet_affiliation"),
            date: s("date"),
            date_precision: s("date_precision"),
            cue: s("cue"),
            confidence: v.get("confidence").and_then(Value::as_f64).unwrap_or(0.0) as f32,
            rule: s("rule").unwrap_or_default(),
            topic: s("topic"),
            stance: s("stance"),
            conditions: list("conditions"),
            mediators: list("mediators"),
            threats: list("threats"),
            deadlines: json("deadlines"),
            about: s("about"),
            probability: v.get("probability").and_then(Value::as_f64),
            cameo: s("cameo"),
            cameo_name: s("cameo_name"),
            plover_event: s("plover_event"),
            plover_mode: s("plover_mode"),
            evidence: json("evidence"),
        }
    }

    /// The row as CSV fields, in [`COLUMNS`] order: empty for none, lists
    /// joined with `;`.
    pub fn to_record(&self) -> Vec<String> {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        let on = |x: Option<u64>| x.map(|n| n.to_string()).unwrap_or_default();
        vec![
            self.doc.clone(),
            self.span_start.to_string(),
            self.span_end.to_string(),
            self.text.clone(),
            self.quote_start.to_string(),
            self.quote_end.to_string(),
            self.attribution.to_string(),
            self.kind.clone(),
            self.direct.to_string(),
            o(&self.speaker),
            o(&self.speaker_mention),
            on(self.speaker_start),
            on(self.speaker_end),
            o(&self.speaker_role),
            o(&self.speaker_id),
            o(&self.faction),
            o(&self.outlet),
            o(&self.outlet_id),
            o(&self.outlet_affiliation),
            o(&self.date),
            o(&self.date_precision),
            o(&self.cue),
            self.confidence.to_string(),
            self.rule.clone(),
            o(&self.topic),
            o(&self.stance),
            self.conditions.join(";"),
            self.mediators.join(";"),
            self.threats.join(";"),
            self.deadlines.clone(),
            o(&self.about),
            self.probability.map(|p| p.to_string()).unwrap_or_default(),
            o(&self.cameo),
            o(&self.cameo_name),
            o(&self.plover_event),
            o(&self.plover_mode),
            self.evidence.clone(),
        ]
    }

    /// A row from CSV fields in [`COLUMNS`] order (the inverse of
    /// [`StatementRow::to_record`]: an empty optional field is none).
    pub fn from_record(f: &[String]) -> Result<StatementRow, String> {
        if f.len() != COLUMNS.len() {
            return Err(format!(
                "a statement row has {} fields, not {}",
                COLUMNS.len(),
                f.len()
            ));
        }
        let o = |i: usize| (!f[i].is_empty()).then(|| f[i].clone());
        let num = |i: usize| -> Result<u64, String> {
            f[i].parse()
                .map_err(|_| format!("column {}: not a number: {:?}", COLUMNS[i], f[i]))
        };
        let onum = |i: usize| -> Result<Option<u64>, String> {
            if f[i].is_empty() {
                Ok(None)
            } else {
                num(i).map(Some)
            }
        };
        let float = |i: usize| -> Result<f64, String> {
            f[i].parse()
                .map_err(|_| format!("column {}: not a number: {:?}", COLUMNS[i], f[i]))
        };
        let list = |i: usize| -> Vec<String> {
            if f[i].is_empty() {
                Vec::new()
            } else {
                f[i].split(';').map(str::to_string).collect()
            }
        };
        Ok(StatementRow {
            doc: f[0].clone(),
            span_start: num(1)?,
            span_end: num(2)?,
            text: f[3].clone(),
            quote_start: num(4)?,
            quote_end: num(5)?,
            attribution: num(6)?,
            kind: f[7].clone(),
            direct: f[8] == "true",
            speaker: o(9),
            speaker_mention: o(10),
            speaker_start: onum(11)?,
            speaker_end: onum(12)?,
            speaker_role: o(13),
            speaker_id: o(14),
            faction: o(15),
            outlet: o(16),
            outlet_id: o(17),
            outlet_affiliation: o(18),
            date: o(19),
            date_precision: o(20),
            cue: o(21),
            confidence: float(22)? as f32,
            rule: f[23].clone(),
            topic: o(24),
            stance: o(25),
            conditions: list(26),
            mediators: list(27),
            threats: list(28),
            deadlines: f[29].clone(),
            about: o(30),
            probability: if f[31].is_empty() {
                None
            } else {
                Some(float(31)?)
            },
            cameo: o(32),
            cameo_name: o(33),
            plover_event: o(34),
            plover_mode: o(35),
            evidence: f[36].clone(),
        })
    }
}

/// Rows of statements.
pub fn rows(statements: &[Statement]) -> Vec<StatementRow> {
    statements
        .iter()
        .map(StatementRow::from_statement)
        .collect()
}

/// Writes rows as CSV (RFC 4180, a header line of [`COLUMNS`]).
pub fn write_csv<W: Write>(out: W, rows: &[StatementRow]) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for r in rows {
        w.write_record(r.to_record())?;
    }
    w.flush()?;
    Ok(())
}

/// Reads rows written by [`write_csv`]; the header must be [`COLUMNS`].
pub fn read_csv<R: Read>(input: R) -> Result<Vec<StatementRow>, String> {
    let mut r = csv::Reader::from_reader(input);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    if header != COLUMNS {
        return Err(format!(
            "not a statements CSV: the header is {header:?}, expected {COLUMNS:?}"
        ));
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        let fields: Vec<String> = rec.iter().map(str::to_string).collect();
        out.push(StatementRow::from_record(&fields).map_err(|e| format!("row {}: {e}", i + 1))?);
    }
    Ok(out)
}

/// Writes statements as JSON lines, every field (the `extract` format).
pub fn write_jsonl<W: Write>(mut out: W, statements: &[Statement]) -> std::io::Result<()> {
    for s in statements {
        serde_json::to_writer(&mut out, s)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
