//! A document's statements as the values of their `statements` rows,
//! encoded once, on whichever thread prepares the document.
//!
//! Between extraction and the writer a statement used to travel whole: a
//! `Statement` (a dozen and more strings, the coding's lists and evidence)
//! beside its `coded` JSON, about 2.5 KB in some twenty-five allocations.
//! Thousands wait in the ingest queue and in the batch being written, and
//! the writer's side freed each allocation. Here every string a row binds
//! goes into one byte buffer per document, and each row keeps its numbers
//! and where its strings lie: under a kilobyte per statement, three
//! allocations per document. The `Statement`s are freed where they were
//! made.

use tealeaf_core::Statement;
use tealeaf_core::statements::Kind;

use crate::encode;

/// The text columns of a statement row (after `STATEMENT_COLUMNS`' order
/// where they appear there), indexing [`StatementValues`]' slots.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextColumn {
    Doc,
    Text,
    Speaker,
    SpeakerMention,
    SpeakerRole,
    SpeakerId,
    Faction,
    Outlet,
    OutletId,
    OutletAffiliation,
    Date,
    DatePrecision,
    Cue,
    Rule,
    Topic,
    Stance,
    Coded,
}

const TEXT_COLUMNS: usize = TextColumn::Coded as usize + 1;

/// Where a string lies in the document's buffer; `NULL` for none.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: u32,
    len: u32,
}

const NULL: Slot = Slot {
    start: u32::MAX,
    len: 0,
};

/// One statement's row but for its document id and ordinal: numbers here,
/// strings in [`EncodedStatements`]' buffer.
#[derive(Debug, Clone)]
pub(crate) struct StatementValues {
    pub(crate) span: [usize; 2],
    pub(crate) quote_span: [usize; 2],
    pub(crate) attribution: usize,
    pub(crate) kind: Kind,
    pub(crate) direct: bool,
    pub(crate) speaker_span: Option<[usize; 2]>,
    pub(crate) confidence: f32,
    texts: [Slot; TEXT_COLUMNS],
}

/// A document's statements, encoded for their rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct EncodedStatements {
    values: Vec<StatementValues>,
    /// Every string of every row, one after another. Only `&str`s and
    /// serde_json's output are appended, so each slot is UTF-8.
    strings: Vec<u8>,
}

impl EncodedStatements {
    /// Encodes `statements`; an error when one cannot be written as JSON,
    /// or when a document's strings pass 4 GB.
    pub(crate) fn of(statements: &[Statement]) -> serde_json::Result<EncodedStatements> {
        let mut strings = Vec::with_capacity(statements.len() * 768);
        let mut values = Vec::with_capacity(statements.len());
        for s in statements {
            let mut texts = [NULL; TEXT_COLUMNS];
            let mut put = |column: TextColumn, v: Option<&str>, strings: &mut Vec<u8>| {
                if let Some(v) = v {
                    texts[column as usize] = Slot {
                        start: strings.len() as u32,
                        len: v.len() as u32,
                    };
                    strings.extend_from_slice(v.as_bytes());
                }
            };
            let c = &s.coding;
            put(TextColumn::Doc, Some(&s.doc), &mut strings);
            put(TextColumn::Text, Some(&s.text), &mut strings);
            put(TextColumn::Speaker, s.speaker.as_deref(), &mut strings);
            put(
                TextColumn::SpeakerMention,
                s.speaker_mention.as_deref(),
                &mut strings,
            );
            put(
                TextColumn::SpeakerRole,
                s.speaker_role.as_deref(),
                &mut strings,
            );
            put(TextColumn::SpeakerId, s.speaker_id.as_deref(), &mut strings);
            put(TextColumn::Faction, s.faction.as_deref(), &mut strings);
            put(TextColumn::Outlet, s.outlet.as_deref(), &mut strings);
            put(TextColumn::OutletId, s.outlet_id.as_deref(), &mut strings);
            put(
                TextColumn::OutletAffiliation,
                s.outlet_affiliation.as_deref(),
                &mut strings,
            );
            put(TextColumn::Date, s.date.as_deref(), &mut strings);
            put(
                TextColumn::DatePrecision,
                s.date_precision.as_deref(),
                &mut strings,
            );
            put(TextColumn::Cue, s.cue.as_deref(), &mut strings);
            put(TextColumn::Rule, Some(&s.rule), &mut strings);
            put(TextColumn::Topic, c.topic.as_deref(), &mut strings);
            put(TextColumn::Stance, c.stance.as_deref(), &mut strings);
            let start = strings.len();
            strings = encode::statement_into(s, encode::Form::Slim, strings)?;
            texts[TextColumn::Coded as usize] = Slot {
                start: start as u32,
                len: (strings.len() - start) as u32,
            };
            if strings.len() > u32::MAX as usize {
                return Err(serde::ser::Error::custom(
                    "the document's statements pass 4 GB of text",
                ));
            }
            values.push(StatementValues {
                span: s.span,
                quote_span: s.quote_span,
                attribution: s.attribution,
                kind: s.kind,
                direct: s.direct,
                speaker_span: s.speaker_span,
                confidence: s.confidence,
                texts,
            });
        }
        Ok(EncodedStatements { values, strings })
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn values(&self) -> &[StatementValues] {
        &self.values
    }

    /// A text column of one of these statements (`None`: SQL NULL), as
    /// UTF-8 bytes.
    pub(crate) fn text(&self, v: &StatementValues, column: TextColumn) -> Option<&[u8]> {
        let slot = v.texts[column as usize];
        (slot.start != NULL.start)
            .then(|| &self.strings[slot.start as usize..(slot.start + slot.len) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_comes_back_from_its_slot() {
        let doc = tealeaf_core::document::parse(
            "a.txt",
            b"Published: 2025-03-01\n\n\"We will not negotiate under pressure,\" \
             Foreign Minister Abbas Araghchi told IRNA on Monday. The spokesman said \
             talks could resume if sanctions end.",
            tealeaf_core::document::Format::Text,
        )
        .remove(0)
        .unwrap();
        let pack = tealeaf_core::Pack::default_pack().unwrap();
        let statements = tealeaf_core::extract(&doc, &pack);
        assert!(statements.len() >= 2, "{statements:?}");
        let e = EncodedStatements::of(&statements).unwrap();
        assert_eq!(e.len(), statements.len());
        let s = |b: Option<&[u8]>| b.map(|b| std::str::from_utf8(b).unwrap().to_string());
        for (v, st) in e.values().iter().zip(&statements) {
            assert_eq!(
                s(e.text(v, TextColumn::Doc)).as_deref(),
                Some(st.doc.as_str())
            );
            assert_eq!(
                s(e.text(v, TextColumn::Text)).as_deref(),
                Some(st.text.as_str())
            );
            assert_eq!(s(e.text(v, TextColumn::Speaker)), st.speaker);
            assert_eq!(s(e.text(v, TextColumn::SpeakerRole)), st.speaker_role);
            assert_eq!(s(e.text(v, TextColumn::Outlet)), st.outlet);
            assert_eq!(s(e.text(v, TextColumn::Date)), st.date);
            assert_eq!(s(e.text(v, TextColumn::Cue)), st.cue);
            assert_eq!(
                s(e.text(v, TextColumn::Rule)).as_deref(),
                Some(st.rule.as_str())
            );
            assert_eq!(s(e.text(v, TextColumn::Topic)), st.coding.topic);
            assert_eq!(s(e.text(v, TextColumn::Stance)), st.coding.stance);
            assert_eq!(
                s(e.text(v, TextColumn::Coded)).unwrap(),
                encode::statement(st, encode::Form::Slim).unwrap()
            );
            assert_eq!(
                (v.span, v.kind, v.confidence),
                (st.span, st.kind, st.confidence)
            );
        }
    }
}
