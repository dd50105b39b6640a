//! [`Facts`] as bytes, for a store to keep between runs, and the store ids
//! of their rows.
//!
//! Reading the stored copy is most of the cost of an analysis on a large
//! store, and that cost is the size of the blob: half a million rows of
//! fixed 64-bit numbers were 73 bytes each (45 MB). The rows are written
//! here column by column instead, each column with the narrowest width
//! (1, 2, 4 or 8 bytes) its largest value fits: char offsets within one
//! document fit 16 or 32 bits, and the few distinct speakers, outlets,
//! dates and stances 16 bits, whatever the store's size. Columns also
//! decode in tight loops.
//!
//! The format is versioned by its first line (`tealeaf-facts-3`): bytes of
//! any other version, cut short, or pointing outside their own tables are
//! refused (`None`), so a store rebuilds the copy instead of misreading
//! it.

use std::collections::HashMap;

use super::facts::{Fact, Facts, NONE, Sym};

const MAGIC: &[u8] = b"tealeaf-facts-3\n";
const IDS_MAGIC: &[u8] = b"tealeaf-ids-1\n";

impl Facts {
    /// The facts as bytes; read back with [`Facts::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(64 + self.buf.len() + self.rows.len() * 40);
        w.extend_from_slice(MAGIC);
        put_bytes(&mut w, self.issue.as_bytes());
        put_bytes(&mut w, self.buf.as_bytes());
        put(&mut w, self.ranges.len() as u64);
        // Starts, then lengths: short strings take a byte or two.
        put_column(&mut w, self.ranges.iter().map(|r| u64::from(r.0)));
        put_column(&mut w, self.ranges.iter().map(|r| u64::from(r.1 - r.0)));
        put(&mut w, self.lists.len() as u64);
        put_column(&mut w, self.lists.iter().map(|l| l.len() as u64));
        put_column(&mut w, self.lists.iter().flatten().map(|&k| u64::from(k)));
        put(&mut w, self.rows.len() as u64);
        let rows = &self.rows;
        put_column(&mut w, rows.iter().map(|f| f.span[0] as u64));
        put_column(&mut w, rows.iter().map(|f| f.span[1] as u64));
        put_column(&mut w, rows.iter().map(|f| f.attribution as u64));
        for get in SYM_FIELDS {
            put_syms(&mut w, rows.iter().map(get));
        }
        put_column(&mut w, rows.iter().map(|f| u64::from(f.conditions)));
        put_column(&mut w, rows.iter().map(|f| u64::from(f.outlet_rule)));
        w
    }

    /// Facts written by [`Facts::to_bytes`] of this version; `None` when
    /// the bytes are not such facts, are cut short or inconsistent.
    pub fn from_bytes(bytes: &[u8]) -> Option<Facts> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let issue = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        let buf = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        let n = r.count()?;
        let mut ranges = vec![(0u32, 0u32); n];
        r.values(n, u64::from(u32::MAX), |i, a| ranges[i].0 = a as u32)?;
        let mut ends_ok = true;
        r.values(n, u64::from(u32::MAX), |i, len| {
            let end = ranges[i].0.checked_add(len as u32);
            ends_ok &= end.is_some();
            ranges[i].1 = end.unwrap_or(0);
        })?;
        let in_buf = |x: u32| buf.is_char_boundary(x as usize);
        if !ends_ok || ranges.iter().any(|&(a, b)| !in_buf(a) || !in_buf(b)) {
            return None;
        }
        let syms = n as u64;
        let n = r.count()?;
        let mut lens = vec![0usize; n];
        r.values(n, u64::from(u32::MAX), |i, x| lens[i] = x as usize)?;
        let flat = lens.iter().try_fold(0usize, |a, &b| a.checked_add(b))?;
        let mut all = vec![NONE; flat];
        r.values(flat, syms.saturating_sub(1), |i, k| all[i] = k as Sym)?;
        if all.contains(&NONE) {
            return None;
        }
        let mut rest = all.as_slice();
        let lists: Vec<Vec<Sym>> = lens
            .iter()
            .map(|&m| {
                let (l, tail) = rest.split_at(m);
                rest = tail;
                l.to_vec()
            })
            .collect();
        let n = r.count()?;
        // Offsets and attributions are kept in 32 bits (`Fact::span`).
        let wide = u64::from(u32::MAX);
        let (span0, span1, attribution) =
            (r.column(n, wide)?, r.column(n, wide)?, r.column(n, wide)?);
        // In the order of `SYM_FIELDS`.
        let mut k = Vec::with_capacity(SYM_FIELDS.len());
        for _ in SYM_FIELDS {
            k.push(r.syms(n, syms)?);
        }
        // Every row reads its list (0: the empty one).
        let conditions = r.column(
            n,
            (lists.len() as u64)
                .checked_sub(1)
                .or((n == 0).then_some(0))?,
        )?;
        let outlet_rule = r.column(n, 1)?;
        // Rows are built a block at a time: each column's values for the
        // block are read in one loop of its width (not a width match per
        // value), then the rows are written once, in order, from the
        // blocks, which stay in the first-level cache (16 columns of 256
        // 32-bit values: 16 KiB).
        const BLOCK: usize = 256;
        let mut block = [[0u32; BLOCK]; 5 + SYM_FIELDS.len()];
        let mut rows = Vec::with_capacity(n);
        let mut in_dicts = true;
        for start in (0..n).step_by(BLOCK) {
            let m = BLOCK.min(n - start);
            let plain = [&span0, &span1, &attribution, &conditions, &outlet_rule];
            for (c, out) in plain.iter().zip(block.iter_mut()) {
                c.read_into(start, &mut out[..m]);
            }
            for (s, out) in k.iter().zip(block[5..].iter_mut()) {
                in_dicts &= s.read_into(start, &mut out[..m]);
            }
            let b = &block;
            rows.extend((0..m).map(|j| Fact {
                span: [b[0][j], b[1][j]],
                attribution: b[2][j],
                conditions: b[3][j],
                outlet_rule: b[4][j] != 0,
                // In the order of `SYM_FIELDS`.
                doc: b[5][j],
                text: b[6][j],
                speaker: b[7][j],
                speaker_id: b[8][j],
                speaker_role: b[9][j],
                faction: b[10][j],
                outlet: b[11][j],
                outlet_id: b[12][j],
                affiliation: b[13][j],
                date: b[14][j],
                stance: b[15][j],
            }));
        }
        if !in_dicts || r.at != bytes.len() {
            return None;
        }
        Some(Facts {
            issue,
            buf,
            ranges,
            lists,
            rows,
        })
    }
}

/// The store ids of the facts' rows as bytes: the first id, then each id's
/// difference from the previous one (ids in document order mostly grow by
/// a little), as one narrow column.
pub fn ids_to_bytes(ids: &[i64]) -> Vec<u8> {
    let mut w = Vec::with_capacity(IDS_MAGIC.len() + 16 + ids.len() * 2);
    w.extend_from_slice(IDS_MAGIC);
    put(&mut w, ids.len() as u64);
    put(&mut w, ids.first().copied().unwrap_or(0) as u64);
    put_column(
        &mut w,
        ids.windows(2).map(|p| zigzag(p[1].wrapping_sub(p[0]))),
    );
    w
}

/// Ids written by [`ids_to_bytes`]; `None` when the bytes are not such ids.
pub fn ids_from_bytes(bytes: &[u8]) -> Option<Vec<i64>> {
    let mut r = Reader { b: bytes, at: 0 };
    if r.take(IDS_MAGIC.len())? != IDS_MAGIC {
        return None;
    }
    let n = r.count()?;
    let first = r.u64()? as i64;
    let mut ids = vec![first; n];
    r.values(n.saturating_sub(1), u64::MAX, |i, d| {
        ids[i + 1] = ids[i].wrapping_add(unzigzag(d));
    })?;
    (r.at == bytes.len()).then_some(ids)
}

fn zigzag(x: i64) -> u64 {
    ((x << 1) ^ (x >> 63)) as u64
}

fn unzigzag(x: u64) -> i64 {
    ((x >> 1) as i64) ^ -((x & 1) as i64)
}

/// The symbol fields of a row, in the order written. Each is written with
/// its own dictionary: the symbols are numbered across every string (texts
/// included), so a speaker or a date may have a number past 16 bits, but
/// one column holds a few thousand distinct values at most.
const SYM_FIELDS: [fn(&Fact) -> Sym; 11] = [
    |f| f.doc,
    |f| f.text,
    |f| f.speaker,
    |f| f.speaker_id,
    |f| f.speaker_role,
    |f| f.faction,
    |f| f.outlet,
    |f| f.outlet_id,
    |f| f.affiliation,
    |f| f.date,
    |f| f.stance,
];

fn put(w: &mut Vec<u8>, x: u64) {
    w.extend_from_slice(&x.to_le_bytes());
}

fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
    put(w, b.len() as u64);
    w.extend_from_slice(b);
}

/// A column: its width in bytes (the narrowest its largest value fits),
/// then each value, little-endian, in that width.
fn put_column(w: &mut Vec<u8>, values: impl Iterator<Item = u64> + Clone) {
    let max = values.clone().max().unwrap_or(0);
    let width: usize = match max {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    };
    w.push(width as u8);
    for x in values {
        w.extend_from_slice(&x.to_le_bytes()[..width]);
    }
}

/// A column of symbols: its distinct symbols in order of first
/// appearance, then each value as its number in that list.
fn put_syms(w: &mut Vec<u8>, values: impl Iterator<Item = Sym>) {
    let mut local: HashMap<Sym, u64> = HashMap::new();
    let mut dict: Vec<Sym> = Vec::new();
    let numbers: Vec<u64> = values
        .map(|k| {
            *local.entry(k).or_insert_with(|| {
                dict.push(k);
                (dict.len() - 1) as u64
            })
        })
        .collect();
    put(w, dict.len() as u64);
    put_column(w, dict.iter().map(|&k| u64::from(k)));
    put_column(w, numbers.into_iter());
}

/// One column read (and checked), for reading its values by position.
struct Column<'a> {
    width: usize,
    data: &'a [u8],
}

impl Column<'_> {
    /// The values `start..start + out.len()` (in range: the column holds
    /// the rows' count), into `out`: one loop per width, which the
    /// compiler vectorises, instead of a width match per value.
    fn read_into<T: Value>(&self, start: usize, out: &mut [T]) {
        let w = self.width;
        let data = &self.data[w * start..w * (start + out.len())];
        match w {
            1 => fill(out, data, |c: &[u8; 1]| u64::from(c[0])),
            2 => fill(out, data, |c: &[u8; 2]| u64::from(u16::from_le_bytes(*c))),
            4 => fill(out, data, |c: &[u8; 4]| u64::from(u32::from_le_bytes(*c))),
            _ => fill(out, data, |c: &[u8; 8]| u64::from_le_bytes(*c)),
        }
    }

    /// The largest value (0 when empty), by blocks as [`Column::read_into`].
    fn max(&self) -> u64 {
        let n = self.data.len() / self.width;
        let mut buf = [0u64; 1024];
        let mut top = 0;
        for start in (0..n).step_by(buf.len()) {
            let out = &mut buf[..(n - start).min(1024)];
            self.read_into(start, out);
            top = out.iter().fold(top, |a, &b| a.max(b));
        }
        top
    }
}

/// `out[i] = value(i-th chunk of data)`, the chunks as wide as `data`
/// divided evenly among `out`.
#[inline(always)]
fn fill<const W: usize, T: Value>(out: &mut [T], data: &[u8], value: impl Fn(&[u8; W]) -> u64) {
    for (o, c) in out.iter_mut().zip(data.chunks_exact(W)) {
        *o = T::of(value(c.try_into().expect("chunks of W bytes")));
    }
}

/// What a column is read into: 64-bit values, or 32-bit ones for the rows
/// (a value past 32 bits reads as `u32::MAX`, which the columns that may
/// hold one are checked against: no offset reaches it, no dictionary
/// holds that many symbols).
trait Value: Copy {
    fn of(x: u64) -> Self;
}

impl Value for u64 {
    #[inline(always)]
    fn of(x: u64) -> u64 {
        x
    }
}

impl Value for u32 {
    #[inline(always)]
    fn of(x: u64) -> u32 {
        u32::try_from(x).unwrap_or(u32::MAX)
    }
}

/// A column of symbols read: its dictionary and its numbers into it.
struct Syms<'a> {
    dict: Vec<Sym>,
    numbers: Column<'a>,
}

impl Syms<'_> {
    /// The symbols `start..start + out.len()`, as [`Column::read_into`];
    /// `false` when a number is past the dictionary (those read as
    /// [`NONE`]).
    fn read_into(&self, start: usize, out: &mut [u32]) -> bool {
        self.numbers.read_into(start, out);
        let mut ok = true;
        for x in out {
            let k = self.dict.get(*x as usize);
            ok &= k.is_some();
            *x = k.copied().unwrap_or(NONE);
        }
        ok
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.b.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A count of items: refused when the rest of the input could not
    /// hold one byte each (so corrupt bytes allocate nothing huge).
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.b.len() - self.at).then_some(n)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.count()?;
        self.take(n)
    }

    /// Reads a column of `n` values, giving each with its position to
    /// `set`; `None` when it is cut short, of an unknown width or holds a
    /// value above `max`.
    fn values(&mut self, n: usize, max: u64, mut set: impl FnMut(usize, u64)) -> Option<()> {
        let c = self.column(n, max)?;
        let mut buf = [0u64; 1024];
        for start in (0..n).step_by(buf.len()) {
            let out = &mut buf[..(n - start).min(1024)];
            c.read_into(start, out);
            for (j, &x) in out.iter().enumerate() {
                set(start + j, x);
            }
        }
        Some(())
    }

    /// A column of `n` values, checked: `None` when it is cut short, of an
    /// unknown width or holds a value above `max`.
    fn column(&mut self, n: usize, max: u64) -> Option<Column<'a>> {
        let width = usize::from(*self.take(1)?.first()?);
        if ![1, 2, 4, 8].contains(&width) {
            return None;
        }
        let c = Column {
            width,
            data: self.take(n.checked_mul(width)?)?,
        };
        // A column whose width cannot hold a value above `max` needs no
        // pass over its values (offsets, attributions).
        let widest = u64::MAX >> (64 - 8 * width);
        (widest <= max || c.max() <= max).then_some(c)
    }

    /// A column of `n` symbols (below `syms`) written by [`put_syms`].
    fn syms(&mut self, n: usize, syms: u64) -> Option<Syms<'a>> {
        let m = self.count()?;
        let mut dict = vec![NONE; m];
        // Symbol 0 (none) reads no table: facts without strings may still
        // have rows.
        self.values(m, syms.saturating_sub(1), |i, k| dict[i] = k as Sym)?;
        // The numbers are checked against the dictionary as they are read
        // (`Syms::read_into`), not in a pass of their own.
        let numbers = self.column(n, u64::MAX)?;
        Some(Syms { dict, numbers })
    }
}

#[cfg(test)]
mod tests {
    use super::super::FactRow;
    use super::super::facts::FactsBuilder;
    use super::*;

    /// Facts with wide and narrow values: long texts, offsets past 16
    /// bits and past 32 (kept as `u32::MAX`), many distinct strings, empty and shared condition lists.
    fn sample(rows: usize) -> Facts {
        let mut b = FactsBuilder::new("us-talks");
        for i in 0..rows {
            let text = format!("statement number {i} «{}»", "é".repeat(i % 5));
            let doc = format!("doc-{}", i / 3);
            let date = format!("2025-01-{:02}", 1 + i % 28);
            let conds: &[&str] = match i % 4 {
                0 => &[],
                1 => &["sanctions-relief"],
                2 => &["sanctions-relief", "no-enrichment"],
                _ => &["no-enrichment"],
            };
            b.push(&FactRow {
                doc: &doc,
                span: [i * 70_001, i * 70_001 + 40],
                attribution: i / 2,
                text: &text,
                speaker: (i % 7 != 0).then_some("Abbas Araghchi"),
                speaker_id: (i % 3 == 0).then_some("abbas-araghchi"),
                speaker_role: None,
                faction: Some("moderate"),
                outlet: Some("Tehran Times"),
                outlet_id: Some("tehran-times"),
                affiliation: (i % 2 == 0).then_some("state"),
                date: Some(&date),
                stance: Some(["support", "oppose", "neutral"][i % 3]),
                conditions: conds.to_vec(),
                rule: if i % 5 == 0 { "speaker:outlet" } else { "cue" },
            });
        }
        b.finish()
    }

    #[test]
    fn facts_read_back_equal() {
        for n in [0, 1, 300, 70_000] {
            let f = sample(n);
            assert_eq!(Facts::from_bytes(&f.to_bytes()).as_ref(), Some(&f), "{n}");
        }
        assert_eq!(
            Facts::from_bytes(&Facts::default().to_bytes()),
            Some(Facts::default())
        );
    }

    #[test]
    fn rows_are_narrow() {
        // Narrow offsets and fewer than 65,536 strings: 2 bytes per symbol
        // or offset, one per flag, list and attribution under 256.
        let mut b = FactsBuilder::new("x");
        let texts: Vec<String> = (0..20_000).map(|i| format!("text {i}")).collect();
        for (i, t) in texts.iter().enumerate() {
            b.push(&FactRow {
                doc: &texts[i / 20],
                span: [i % 5000, i % 5000 + 90],
                attribution: i % 200,
                text: t,
                speaker: Some("A"),
                date: Some("2025-01-01"),
                stance: Some("support"),
                rule: "cue",
                ..FactRow::default()
            });
        }
        let f = b.finish();
        // Besides the strings themselves, 5 bytes per string (a 32-bit
        // start, a length) and 22 per row (20 of columns, 2 of the text
        // and document dictionaries: here every row has its own text).
        let fixed = f.to_bytes().len() - f.buf.len() - 5 * f.ranges.len();
        let per_row = fixed as f64 / f.len() as f64;
        assert!(per_row < 22.5, "{per_row} bytes per row");
    }

    #[test]
    fn corrupt_or_other_versions_are_refused() {
        let f = sample(300);
        let bytes = f.to_bytes();
        assert!(Facts::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(Facts::from_bytes(b"not facts").is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Facts::from_bytes(&longer).is_none());
        // The previous version's header, whatever follows.
        let mut old = b"tealeaf-facts-2\n".to_vec();
        old.extend_from_slice(&bytes[MAGIC.len()..]);
        assert!(Facts::from_bytes(&old).is_none());
        // A list past the lists: the first value of the conditions column
        // (one byte each, before the flags' width and 300 flags).
        let mut bad = bytes.clone();
        let n = bad.len();
        assert_eq!(bad[n - 301], 1);
        bad[n - 301 - 300] = 0xff;
        assert!(Facts::from_bytes(&bad).is_none());
        // Every single-byte change is either refused or reads back as
        // facts of the same shape (no panic, no huge allocation).
        for at in (0..bytes.len()).step_by(7) {
            let mut b = bytes.clone();
            b[at] ^= 0x5a;
            if let Some(g) = Facts::from_bytes(&b) {
                assert_eq!(g.len(), f.len());
            }
        }
    }

    #[test]
    fn offsets_past_32_bits_are_kept_at_the_limit_and_refused_when_read() {
        let f = sample(70_000);
        assert_eq!(f.rows[69_999].span, [u32::MAX, u32::MAX]);
        assert_eq!(f.rows[1].span, [70_001, 70_041]);
        // A stored column holding a wider offset (written by another
        // build) is refused, so the copy is rebuilt, not misread.
        let mut w = Vec::new();
        put_column(&mut w, [7, 1u64 << 32].into_iter());
        let mut r = Reader { b: &w, at: 0 };
        assert!(r.column(2, u64::from(u32::MAX)).is_none());
        let mut r = Reader { b: &w, at: 0 };
        assert!(r.column(2, u64::MAX).is_some());
    }

    #[test]
    fn ids_read_back() {
        for ids in [
            vec![],
            vec![7],
            vec![1, 2, 3, 10, 11, 400, 401, 100_000],
            vec![5, 3, i64::MAX, i64::MIN, 0],
        ] {
            assert_eq!(ids_from_bytes(&ids_to_bytes(&ids)), Some(ids.clone()));
        }
        let ids: Vec<i64> = (0..10_000).map(|i| 1_000_000 + i * 2).collect();
        let bytes = ids_to_bytes(&ids);
        assert!(bytes.len() < ids.len() + 64);
        assert!(ids_from_bytes(&bytes[..bytes.len() - 1]).is_none());
        // The previous layout (bare i64s) has no header.
        let raw: Vec<u8> = ids.iter().flat_map(|i| i.to_le_bytes()).collect();
        assert!(ids_from_bytes(&raw).is_none());
    }
}
