//! Statements back from their JSON form (`tealeaf extract` output, the
//! store's `coded` column), for analyses over stored statements.

use serde_json::Value;

use crate::Statement;
use crate::coding::{Coding, Deadline};
use crate::statements::Kind;

/// A statement from its JSON form (the serialisation of [`Statement`],
/// coding fields flattened). The coding `evidence` is not read back (the
/// analyses do not use it); unknown fields are ignored. Errors name the
/// first missing or ill-typed required field.
pub fn statement_from_json(v: &Value) -> Result<Statement, String> {
    let obj = v.as_object().ok_or("a statement must be a JSON object")?;
    let text =
        |k: &str| -> Option<String> { obj.get(k).and_then(Value::as_str).map(str::to_string) };
    let strings = |k: &str| -> Vec<String> {
        obj.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let pair = |k: &str| -> Option<[usize; 2]> {
        let a = obj.get(k)?.as_array()?;
        Some([a.first()?.as_u64()? as usize, a.get(1)?.as_u64()? as usize])
    };
    let required = |k: &str| {
        text(k).ok_or_else(|| format!("statement field '{k}' is missing or not a string"))
    };
    let kind = match obj.get("kind").and_then(Value::as_str) {
        Some("direct") => Kind::Direct,
        Some("mixed") => Kind::Mixed,
        Some("indirect") | None => Kind::Indirect,
        Some(other) => {
            return Err(format!(
                "statement field 'kind' has unknown value '{other}'"
            ));
        }
    };
    let deadlines = obj
        .get("deadlines")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| {
                    Some(Deadline {
                        threat: d.get("threat")?.as_str()?.to_string(),
                        deadline: d.get("deadline")?.as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Statement {
        doc: required("doc")?,
        span: pair("span").ok_or("statement field 'span' is missing or not [start, end]")?,
        text: required("text")?,
        quote_span: pair("quote_span")
            .or_else(|| pair("span"))
            .unwrap_or([0, 0]),
        attribution: obj.get("attribution").and_then(Value::as_u64).unwrap_or(0) as usize,
        kind,
        direct: obj
            .get("direct")
            .and_then(Value::as_bool)
            .unwrap_or(kind == Kind::Direct),
        speaker: text("speaker"),
        speaker_mention: text("speaker_mention"),
        speaker_span: pair("speaker_span"),
        speaker_role: text("speaker_role"),
        speaker_id: text("speaker_id"),
        faction: text("faction"),
        outlet: text("outlet"),
        outlet_id: text("outlet_id"),
        outlet_affiliation: text("outlet_affiliation"),
        date: text("date"),
        date_precision: text("date_precision"),
        cue: text("cue"),
        confidence: obj.get("confidence").and_then(Value::as_f64).unwrap_or(0.0) as f32,
        rule: text("rule").unwrap_or_default(),
        coding: Coding {
            topic: text("topic"),
            stance: text("stance"),
            conditions: strings("conditions"),
            mediators: strings("mediators"),
            threats: strings("threats"),
            deadlines,
            about: text("about"),
            probability: obj.get("probability").and_then(Value::as_f64),
            cameo: text("cameo"),
            cameo_name: text("cameo_name"),
            plover_event: text("plover_event"),
            plover_mode: text("plover_mode"),
            evidence: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{With, st};
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let mut s = st("08.txt", "2025-02-07", "khamenei", "oppose")
            .conditions(&["end-maximum-pressure"])
            .mediators(&["Oman"])
            .probability(0.05)
            .via("irna", "Islamic Republic News Agency")
            .at(12, 3);
        s.coding.deadlines.push(Deadline {
            threat: "third-step".into(),
            deadline: "2019-09-06".into(),
        });
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(statement_from_json(&v), Ok(s));
    }

    #[test]
    fn names_what_is_missing() {
        let err = statement_from_json(&serde_json::json!({"doc": "a", "text": "t"})).unwrap_err();
        assert!(err.contains("'span'"), "{err}");
        assert!(statement_from_json(&serde_json::json!([1])).is_err());
        let bad = serde_json::json!({"doc": "a", "text": "t", "span": [0, 1], "kind": "sung"});
        assert!(statement_from_json(&bad).unwrap_err().contains("sung"));
    }
}
