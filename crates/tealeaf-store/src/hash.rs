//! The content hash that makes ingestion idempotent.
//!
//! FNV-1a with 128 bits, written here so the value never changes with a
//! compiler or crate version (`std::hash` makes no such promise). It is not
//! a cryptographic hash: it tells apart documents, not attackers. With 128
//! bits an accidental collision among even a billion documents has a
//! probability of about 10⁻²¹.
//!
//! What is hashed: the body and the metadata that describe the article
//! (title, publication date as written, outlet, URL, author, language and
//! the extra keys, sorted) — each field named and length-prefixed, so moving
//! text from one field to another changes the hash. What is not: the
//! document id and the source path, so the same article read from a moved
//! directory or a copied file is the same document; and metadata fields
//! added to `Meta` later, so old hashes stay valid.

use std::fmt;

use tealeaf_core::Document;

const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// A running FNV-1a 128 hash.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a128(u128);

impl Default for Fnv1a128 {
    fn default() -> Self {
        Fnv1a128(OFFSET)
    }
}

impl Fnv1a128 {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }

    pub fn finish(self) -> u128 {
        self.0
    }

    /// A named field: its name, then its length and bytes, or a marker for
    /// an absent value.
    fn field(&mut self, name: &str, value: Option<&str>) {
        self.write(name.as_bytes());
        match value {
            None => self.write(&[0]),
            Some(v) => {
                self.write(&[1]);
                self.write(&(v.len() as u64).to_le_bytes());
                self.write(v.as_bytes());
            }
        }
    }
}

/// The content hash of a document (see the module docs), shown as 32
/// lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(pub u128);

impl ContentHash {
    pub fn of(doc: &Document) -> ContentHash {
        let mut h = Fnv1a128::default();
        h.write(b"tealeaf-document-v1\0");
        let m = &doc.meta;
        let published = m
            .published_raw
            .clone()
            .or_else(|| m.published.map(|d| d.to_string()));
        h.field("body", Some(&doc.body));
        h.field("title", m.title.as_deref());
        h.field("published", published.as_deref());
        h.field("outlet", m.outlet.as_deref());
        h.field("url", m.url.as_deref());
        h.field("author", m.author.as_deref());
        h.field("language", m.language.as_deref());
        // A BTreeMap iterates in key order.
        for (k, v) in &m.extra {
            h.field("extra", Some(k));
            h.write(&(v.len() as u64).to_le_bytes());
            h.write(v.as_bytes());
        }
        ContentHash(h.finish())
    }

    /// Parses the 32-hex-digit form.
    pub fn parse(s: &str) -> Option<ContentHash> {
        if s.len() != 32 {
            return None;
        }
        u128::from_str_radix(s, 16).ok().map(ContentHash)
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fnv(bytes: &[u8]) -> u128 {
        let mut h = Fnv1a128::default();
        h.write(bytes);
        h.finish()
    }

    #[test]
    fn published_test_vectors() {
        // The FNV-1a 128 reference values.
        assert_eq!(fnv(b""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(fnv(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
        assert_eq!(fnv(b"foobar"), 0x343e1662793c64bf6f0d3597ba446f18);
    }

    #[test]
    fn hash_ignores_id_and_source_but_not_metadata() {
        let mut a = Document {
            id: "one.txt".into(),
            source: "/corpus/one.txt".into(),
            body: "The minister spoke on Tuesday.".into(),
            meta: Default::default(),
        };
        let h = ContentHash::of(&a);
        a.id = "copy.txt".into();
        a.source = "/elsewhere/copy.txt".into();
        assert_eq!(ContentHash::of(&a), h);
        a.meta.title = Some("A title".into());
        assert_ne!(ContentHash::of(&a), h);
        let text = h.to_string();
        assert_eq!(text.len(), 32);
        assert_eq!(ContentHash::parse(&text), Some(h));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut a = Document {
            id: "x".into(),
            source: "x".into(),
            body: "ab".into(),
            meta: Default::default(),
        };
        a.meta.title = Some("c".into());
        let mut b = a.clone();
        b.body = "a".into();
        b.meta.title = Some("bc".into());
        assert_ne!(ContentHash::of(&a), ContentHash::of(&b));
    }
}
