//! A statement's JSON written straight into a buffer.
//!
//! The store used to render each statement through a `serde_json::Value`
//! (a map per statement, a map per evidence item, a string copy of every
//! field), only to print it and free it: on the ingest path that was a
//! large share of the extracting threads' work and of the allocator's.
//! This writes the same bytes directly: keys in `Value`'s sorted order,
//! floats widened to `f64` as `Value` widens them, non-finite floats as
//! `null`. Every leaf (string, number) goes through `serde_json` itself,
//! so escaping and number formatting cannot drift from it; the tests
//! compare the output with the `Value` rendering byte for byte.
//!
//! The slim form (the `coded` column) leaves out what a reader can put
//! back exactly ([`restore_slim`]): the coding fields at their default, the
//! event names its code gives, an evidence item's empty cue and span, and
//! the digits an `f32` confidence gains by widening to `f64`.

use serde::Serialize;
use serde_json::Value;
use tealeaf_core::Statement;
use tealeaf_core::coding::{Deadline, Evidence};
use tealeaf_core::statements::Kind;

/// Which fields to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// Every field: what `serde_json::to_value(statement)` prints.
    Full,
    /// Only the fields without a column of their own in `statements` (the
    /// coding's lists, evidence and the rarer codes): what the `coded`
    /// column holds from schema version 6 on. Readers put the columns back
    /// ([`crate::statement_json`]).
    Slim,
}

/// The coding fields the slim form leaves out at their default, and
/// whether that default is an empty list (else null). Rows written before
/// schema version 8's builds hold them all; readers fill in the missing.
/// (The event names, also left out, come back from the code:
/// [`EVENT_NAME_FIELDS`].)
pub(crate) const SLIM_DEFAULTS: [(&str, bool); 8] = [
    ("about", false),
    ("cameo", false),
    ("conditions", true),
    ("deadlines", true),
    ("evidence", true),
    ("mediators", true),
    ("probability", false),
    ("threats", true),
];

/// The fields coding sets from the event code's table
/// ([`tealeaf_core::coding::event_code_names`]), in the table's order. From
/// schema version 9 on the slim form leaves each out when it is what the
/// code gives (always, for statements coded by this build): a CAMEO name
/// alone was a sixth of a row.
pub(crate) const EVENT_NAME_FIELDS: [&str; 3] = ["cameo_name", "plover_event", "plover_mode"];

/// What the event code gives for [`EVENT_NAME_FIELDS`] (all `None` without
/// a code, or for a code the table lacks).
fn event_names(cameo: Option<&str>) -> [Option<&'static str>; 3] {
    cameo
        .and_then(tealeaf_core::coding::event_code_names)
        .unwrap_or_default()
}

/// Puts back into a `coded` object what the slim form left out, so that it
/// holds every field but the columns' as `serde_json::to_value` of the
/// statement gives them. Rows of every schema version read the same way:
/// what a row holds is kept.
pub(crate) fn restore_slim(m: &mut serde_json::Map<String, Value>) {
    let names = event_names(m.get("cameo").and_then(Value::as_str));
    for (key, name) in EVENT_NAME_FIELDS.into_iter().zip(names) {
        m.entry(key)
            .or_insert_with(|| name.map_or(Value::Null, |n| Value::String(n.to_string())));
    }
    for (key, list) in SLIM_DEFAULTS {
        m.entry(key).or_insert_with(|| {
            if list {
                Value::Array(Vec::new())
            } else {
                Value::Null
            }
        });
    }
    if let Some(Value::Array(items)) = m.get_mut("evidence") {
        for item in items {
            let Value::Object(e) = item else { continue };
            e.entry("cue").or_insert(Value::Null);
            e.entry("span").or_insert(Value::Null);
            // The `f32` a confidence is, widened as `Value` widens it
            // (a no-op on rows that stored the widened digits).
            if let Some(Value::Number(n)) = e.get_mut("confidence")
                && let Some(x) = n.as_f64()
                && let Some(widened) = serde_json::Number::from_f64(f64::from(x as f32))
            {
                *n = widened;
            }
        }
    }
}

/// The statement as JSON, in `form` (the tests' entry; rows are written
/// with [`statement_into`]).
#[cfg(test)]
pub(crate) fn statement(s: &Statement, form: Form) -> serde_json::Result<String> {
    // Slim rows are a few hundred bytes, full ones about a kilobyte.
    let buf = Vec::with_capacity(if form == Form::Full { 1024 } else { 384 });
    let buf = statement_into(s, form, buf)?;
    String::from_utf8(buf).map_err(serde::ser::Error::custom)
}

/// [`statement`] appended to `buf` (UTF-8 if `buf` was: serde_json writes
/// every leaf, this file only ASCII punctuation and keys).
pub(crate) fn statement_into(
    s: &Statement,
    form: Form,
    buf: Vec<u8>,
) -> serde_json::Result<Vec<u8>> {
    let mut w = Writer { buf, first: true };
    let full = form == Form::Full;
    let c = &s.coding;
    w.open();
    // Keys in byte order, as a `Value` map (a BTreeMap) prints them; the
    // column fields only in the full form. In the slim form a coding
    // field at its default (null, an empty list) is left out: most
    // statements have no conditions, threats, deadline or probability,
    // and their keys were a third of a row. `crate::statement_json` puts
    // them back ([`SLIM_DEFAULTS`]).
    let keep = |is_default: bool| full || !is_default;
    if keep(c.about.is_none()) {
        w.field("about", &c.about)?;
    }
    if full {
        w.field("attribution", &s.attribution)?;
    }
    if keep(c.cameo.is_none()) {
        w.field("cameo", &c.cameo)?;
    }
    // An event name is left out when it is what the code gives.
    let names = event_names(c.cameo.as_deref());
    let keep_name = |v: &Option<String>, name: Option<&str>| full || v.as_deref() != name;
    if keep_name(&c.cameo_name, names[0]) {
        w.field("cameo_name", &c.cameo_name)?;
    }
    if keep(c.conditions.is_empty()) {
        w.field("conditions", &c.conditions)?;
    }
    if full {
        w.float("confidence", Some(f64::from(s.confidence)))?;
        w.field("cue", &s.cue)?;
        w.field("date", &s.date)?;
        w.field("date_precision", &s.date_precision)?;
    }
    if keep(c.deadlines.is_empty()) {
        w.key("deadlines");
        w.list(&c.deadlines, Writer::deadline)?;
    }
    if full {
        w.field("direct", &s.direct)?;
        w.field("doc", &s.doc)?;
    }
    if keep(c.evidence.is_empty()) {
        w.key("evidence");
        w.list(&c.evidence, |w, e| w.evidence(e, form))?;
    }
    if full {
        w.field("faction", &s.faction)?;
        w.field("kind", kind_name(s.kind))?;
    }
    if keep(c.mediators.is_empty()) {
        w.field("mediators", &c.mediators)?;
    }
    if full {
        w.field("outlet", &s.outlet)?;
        w.field("outlet_affiliation", &s.outlet_affiliation)?;
        w.field("outlet_id", &s.outlet_id)?;
    }
    if keep_name(&c.plover_event, names[1]) {
        w.field("plover_event", &c.plover_event)?;
    }
    if keep_name(&c.plover_mode, names[2]) {
        w.field("plover_mode", &c.plover_mode)?;
    }
    // (A probability that is not finite prints as null.)
    if keep(!c.probability.is_some_and(f64::is_finite)) {
        w.float("probability", c.probability)?;
    }
    if full {
        w.field("quote_span", &s.quote_span)?;
        w.field("rule", &s.rule)?;
        w.field("span", &s.span)?;
        w.field("speaker", &s.speaker)?;
        w.field("speaker_id", &s.speaker_id)?;
        w.field("speaker_mention", &s.speaker_mention)?;
        w.field("speaker_role", &s.speaker_role)?;
        w.field("speaker_span", &s.speaker_span)?;
        w.field("stance", &c.stance)?;
        w.field("text", &s.text)?;
    }
    if keep(c.threats.is_empty()) {
        w.field("threats", &c.threats)?;
    }
    if full {
        w.field("topic", &c.topic)?;
    }
    w.close();
    Ok(w.buf)
}

/// The name `Kind` serializes as (the `kind` column and JSON field).
pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Direct => "direct",
        Kind::Mixed => "mixed",
        Kind::Indirect => "indirect",
    }
}

/// An object being written: the buffer, and whether the next key is the
/// object's first (no comma before it).
struct Writer {
    buf: Vec<u8>,
    first: bool,
}

impl Writer {
    fn open(&mut self) {
        self.buf.push(b'{');
        self.first = true;
    }

    fn close(&mut self) {
        self.buf.push(b'}');
        self.first = false;
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.buf.push(b'"');
        // Keys are this file's own identifiers: nothing to escape.
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    /// A leaf (string, integer, bool, option or list of those), printed by
    /// serde_json as `Value` would print it.
    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> serde_json::Result<()> {
        serde_json::to_writer(&mut self.buf, v)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> serde_json::Result<()> {
        self.key(key);
        self.value(v)
    }

    /// A float as `Value` holds it: an `f64`, and `null` when not finite
    /// (`Value` has no NaN or infinity).
    fn float(&mut self, key: &str, v: Option<f64>) -> serde_json::Result<()> {
        self.key(key);
        match v.filter(|x| x.is_finite()) {
            Some(x) => self.value(&x),
            None => {
                self.buf.extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    fn list<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T) -> serde_json::Result<()>,
    ) -> serde_json::Result<()> {
        self.buf.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            each(self, item)?;
        }
        self.buf.push(b']');
        Ok(())
    }

    fn deadline(&mut self, d: &Deadline) -> serde_json::Result<()> {
        self.open();
        self.field("deadline", &d.deadline)?;
        self.field("threat", &d.threat)?;
        self.close();
        Ok(())
    }

    /// An evidence item; in the slim form without an empty cue or span,
    /// and with the confidence's `f32` digits ("0.6", not the widened
    /// "0.6000000238418579"): about a third of the item.
    fn evidence(&mut self, e: &Evidence, form: Form) -> serde_json::Result<()> {
        let full = form == Form::Full;
        self.open();
        if full {
            self.float("confidence", Some(f64::from(e.confidence)))?;
        } else {
            self.f32_confidence(e.confidence)?;
        }
        if full || e.cue.is_some() {
            self.field("cue", &e.cue)?;
        }
        self.field("field", e.field)?;
        self.field("rule", e.rule)?;
        if full || e.span.is_some() {
            self.field("span", &e.span)?;
        }
        self.field("value", &e.value)?;
        self.close();
        Ok(())
    }

    /// `confidence` as the shortest digits of the `f32`, which a reader
    /// parses as an `f64` and narrows back to the same `f32`
    /// ([`restore_slim`]); checked here, and written widened in the rare
    /// case the two roundings could disagree. Not finite: `null`.
    fn f32_confidence(&mut self, x: f32) -> serde_json::Result<()> {
        if !x.is_finite() {
            return self.float("confidence", None);
        }
        self.key("confidence");
        let at = self.buf.len();
        self.value(&x)?;
        let read_back = std::str::from_utf8(&self.buf[at..])
            .ok()
            .and_then(|digits| digits.parse::<f64>().ok());
        if read_back.map(|r| r as f32) != Some(x) {
            self.buf.truncate(at);
            self.value(&f64::from(x))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use tealeaf_core::coding::Coding;
    use tealeaf_core::document::{Format, parse};
    use tealeaf_core::{Pack, extract};

    /// The statement's JSON fields that have a column of their own: from
    /// schema version 6 on, `coded` holds every field but these (see
    /// `crate::statement_json`).
    const COLUMN_FIELDS: &[&str] = &[
        "attribution",
        "confidence",
        "cue",
        "date",
        "date_precision",
        "direct",
        "doc",
        "faction",
        "kind",
        "outlet",
        "outlet_affiliation",
        "outlet_id",
        "quote_span",
        "rule",
        "span",
        "speaker",
        "speaker_id",
        "speaker_mention",
        "speaker_role",
        "speaker_span",
        "stance",
        "text",
        "topic",
    ];

    /// What the store wrote before this module: the statement through a
    /// `Value`.
    fn through_value(s: &Statement) -> String {
        serde_json::to_value(s).unwrap().to_string()
    }

    /// `through_value` without the fields that have columns: what a slim
    /// row holds once `restore_slim` has put back what it left out.
    fn without_columns(s: &Statement) -> String {
        let mut v = serde_json::to_value(s).unwrap();
        let m = v.as_object_mut().unwrap();
        for key in COLUMN_FIELDS {
            m.remove(*key);
        }
        v.to_string()
    }

    fn restored(slim: &str) -> String {
        let Value::Object(mut m) = serde_json::from_str(slim).unwrap() else {
            panic!("not an object: {slim}")
        };
        restore_slim(&mut m);
        Value::Object(m).to_string()
    }

    fn check(s: &Statement) {
        assert_eq!(statement(s, Form::Full).unwrap(), through_value(s));
        let slim = statement(s, Form::Slim).unwrap();
        assert_eq!(restored(&slim), without_columns(s), "{slim}");
        // Nothing a slim row holds is at its default.
        let Value::Object(m) = serde_json::from_str(&slim).unwrap() else {
            panic!()
        };
        for (key, _) in SLIM_DEFAULTS {
            assert!(!matches!(m.get(key), Some(Value::Null)), "{key} in {slim}");
            assert!(
                !m.get(key)
                    .and_then(Value::as_array)
                    .is_some_and(Vec::is_empty),
                "{key} in {slim}"
            );
        }
    }

    /// Statements with every field set, every optional field empty, and
    /// strings that need escaping.
    fn varied() -> Vec<Statement> {
        let base = Statement {
            doc: "a \"quoted\"\\doc\u{1}\u{7f}.txt".into(),
            span: [3, 40],
            text: "Line one\nline\ttwo \u{2028} café 😀 \u{8}\u{c}\r".into(),
            quote_span: [2, 41],
            attribution: 7,
            kind: Kind::Mixed,
            direct: true,
            speaker: Some("Abbas Araghchi".into()),
            speaker_mention: Some("the minister".into()),
            speaker_span: Some([50, 62]),
            speaker_role: Some("foreign minister".into()),
            speaker_id: Some("araghchi".into()),
            faction: Some("government".into()),
            outlet: Some("Gulf Wire".into()),
            outlet_id: Some("gulf-wire".into()),
            outlet_affiliation: Some("independent".into()),
            date: Some("2025-02-10".into()),
            date_precision: Some("day".into()),
            cue: Some("said".into()),
            confidence: 0.9,
            rule: "direct:cue-after;speaker:name".into(),
            coding: Coding {
                topic: Some("us-talks".into()),
                stance: Some("conditional".into()),
                conditions: vec!["sanctions relief".into(), "guarantees".into()],
                mediators: vec!["Oman".into()],
                threats: vec!["enrichment".into()],
                deadlines: vec![Deadline {
                    threat: "enrichment".into(),
                    deadline: "2025-03-01".into(),
                }],
                about: Some("Iran".into()),
                probability: Some(0.35),
                cameo: Some("036".into()),
                cameo_name: Some("Express intent to meet".into()),
                plover_event: Some("CONSULT".into()),
                plover_mode: Some("meet".into()),
                evidence: vec![
                    Evidence {
                        field: "stance",
                        value: "conditional".into(),
                        cue: Some("only if".into()),
                        span: Some([10, 17]),
                        rule: "stance:condition-cue",
                        confidence: 0.7,
                    },
                    Evidence {
                        field: "topic",
                        value: "us-talks".into(),
                        cue: None,
                        span: None,
                        rule: "topic:lead",
                        confidence: 1.0 / 3.0,
                    },
                ],
            },
        };
        let mut empty = base.clone();
        empty.kind = Kind::Indirect;
        empty.direct = false;
        empty.speaker = None;
        empty.speaker_mention = None;
        empty.speaker_span = None;
        empty.speaker_role = None;
        empty.speaker_id = None;
        empty.faction = None;
        empty.outlet = None;
        empty.outlet_id = None;
        empty.outlet_affiliation = None;
        empty.date = None;
        empty.date_precision = None;
        empty.cue = None;
        empty.text = String::new();
        empty.coding = Coding::default();
        let mut odd = base.clone();
        odd.kind = Kind::Direct;
        odd.confidence = f32::NAN;
        odd.coding.probability = Some(f64::INFINITY);
        odd.coding.evidence[0].confidence = f32::MIN_POSITIVE;
        odd.span = [usize::MAX, 0];
        vec![base, empty, odd]
    }

    #[test]
    fn writes_what_a_value_writes() {
        for s in varied() {
            check(&s);
        }
    }

    #[test]
    fn writes_what_a_value_writes_for_extracted_statements() {
        let pack = Pack::default_pack().unwrap();
        let text = "title: Talks\ndate: 2025-02-10\noutlet: Gulf Wire\n\n\
            Abbas Araghchi said on Monday that \"talks can resume only if sanctions are lifted.\"\n\n\
            \"We will not wait forever,\" the minister said, warning of enrichment within two months.\n\n\
            Oman's foreign minister said there was a 60 per cent chance of a deal.\n";
        let doc = parse("t.txt", text.as_bytes(), Format::Text)
            .pop()
            .unwrap()
            .unwrap();
        let statements = extract(&doc, &pack);
        assert!(statements.len() >= 2, "{statements:#?}");
        for s in &statements {
            check(s);
        }
        // The slim form parses, and with the columns back is the statement.
        let slim: Value =
            serde_json::from_str(&statement(&statements[0], Form::Slim).unwrap()).unwrap();
        assert!(slim.get("text").is_none() && slim.get("evidence").is_some());
    }

    #[test]
    fn slim_rows_leave_out_what_a_reader_puts_back() {
        let mut s = varied().remove(0);
        // Coded by this build: the names are the table's for the code.
        let code = "036";
        let [name, event, mode] = tealeaf_core::coding::event_code_names(code).unwrap();
        s.coding.cameo = Some(code.into());
        s.coding.cameo_name = name.map(str::to_string);
        s.coding.plover_event = event.map(str::to_string);
        s.coding.plover_mode = mode.map(str::to_string);
        s.coding.evidence[1].confidence = 0.6;
        let slim = statement(&s, Form::Slim).unwrap();
        for left_out in [
            "cameo_name",
            "plover_event",
            "plover_mode",
            "0.6000000238418579",
        ] {
            assert!(!slim.contains(left_out), "{left_out} in {slim}");
        }
        // The cue-less item has no cue or span; the other keeps both.
        assert!(
            slim.contains(
                r#"{"confidence":0.6,"field":"topic","rule":"topic:lead","value":"us-talks"}"#
            ),
            "{slim}"
        );
        assert!(
            slim.contains(
                r#""cue":"only if","field":"stance","rule":"stance:condition-cue","span":[10,17]"#
            ),
            "{slim}"
        );
        assert_eq!(restored(&slim), without_columns(&s));

        // Names that are not the code's are kept, an absent one as null.
        s.coding.cameo_name = Some("A name of one's own".into());
        s.coding.plover_mode = None;
        let slim = statement(&s, Form::Slim).unwrap();
        assert!(
            slim.contains(r#""cameo_name":"A name of one's own""#),
            "{slim}"
        );
        assert!(
            slim.contains(r#""plover_mode":null"#) == mode.is_some(),
            "{slim}"
        );
        assert!(!slim.contains("plover_event"), "{slim}");
        assert_eq!(restored(&slim), without_columns(&s));

        // A code the table lacks gives no names: present ones are kept.
        s.coding.cameo = Some("999".into());
        assert_eq!(tealeaf_core::coding::event_code_names("999"), None);
        let slim = statement(&s, Form::Slim).unwrap();
        assert_eq!(restored(&slim), without_columns(&s));
    }

    #[test]
    fn every_f32_confidence_reads_back_as_itself() {
        // Shortest f32 digits parsed as f64 and narrowed: the same f32,
        // for a spread of values (powers of two, thirds, the extremes).
        let mut s = varied().remove(0);
        let mut x = f32::MIN_POSITIVE;
        let mut values = vec![
            0.0,
            -0.0,
            1.0 / 3.0,
            2.0 / 3.0,
            f32::MAX,
            f32::EPSILON,
            1e-45,
        ];
        while x < 1e30 {
            values.push(x);
            values.push(x * 1.000_001);
            x *= 3.7;
        }
        for v in values {
            s.coding.evidence[0].confidence = v;
            let slim = statement(&s, Form::Slim).unwrap();
            assert_eq!(restored(&slim), without_columns(&s), "{v}");
        }
    }
}
