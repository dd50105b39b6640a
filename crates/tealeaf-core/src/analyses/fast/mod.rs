//! Timeline, shifts and divergence over [`Facts`]: the same results as
//! [`super::timeline()`], [`super::shifts()`] and [`super::divergence()`]
//! over the statements in the same order (indices, order and
//! floating-point sums included; `tests` compares them).
//!
//! The per-statement work is reduced to table look-ups: what the slow
//! versions compute from a statement's strings (its period, group, actor or
//! voice) depends on a few interned fields, so it is computed once per
//! distinct combination with the slow versions' own helpers, on a probe
//! statement ([`Facts::probe`]).
//!
//! Each analysis also comes paged ([`timeline_page`], [`shifts_page`],
//! [`divergence_page`]): on an issue of half a million statements the whole
//! answer is tens of thousands of points, hundreds of thousands of shifts
//! citing two statements each, and building, citing and rendering them
//! costs more than finding them. A page knows the total but builds only
//! the items `offset..offset + limit`, which are exactly that slice of the
//! whole answer.

mod divergence;
mod shifts;
mod timeline;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// Sorts `items[..end]` into the places a full sort by `cmp` (a total
/// order) would give them; the items after `end` are left unsorted. A page
/// needs only the items up to its end: they are parted from the rest in
/// linear time and only they are sorted.
pub(crate) fn sort_up_to<T>(
    items: &mut [T],
    end: usize,
    mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering,
) {
    if end < items.len() {
        items.select_nth_unstable_by(end, &mut cmp);
        items[..end].sort_unstable_by(cmp);
    } else {
        items.sort_unstable_by(cmp);
    }
}

pub use divergence::{divergence, divergence_page};
pub use shifts::{ShiftFilter, shifts, shifts_page};
pub use timeline::{timeline, timeline_page};

use chrono::NaiveDate;

use super::facts::{Facts, Sym};
use super::{Bucket, Period, parse_date, stance_score};

/// Which part of an answer to build: `limit` items from `offset` (`None`:
/// all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paging {
    pub offset: usize,
    pub limit: Option<usize>,
}

impl Paging {
    /// The whole answer.
    pub const ALL: Paging = Paging {
        offset: 0,
        limit: None,
    };

    pub fn new(offset: usize, limit: Option<usize>) -> Paging {
        Paging { offset, limit }
    }

    /// The positions of the page in an answer of `total` items (empty past
    /// the end).
    pub fn range(self, total: usize) -> Range<usize> {
        let start = self.offset.min(total);
        let end = self
            .limit
            .map_or(total, |l| start.saturating_add(l).min(total));
        start..end
    }
}

/// One page of an answer: its items, and where they sit in the whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items in the whole answer.
    pub total: usize,
    /// Position of the first item in the whole answer (as asked, even past
    /// the end).
    pub offset: usize,
    /// As asked; `None`: no limit.
    pub limit: Option<usize>,
}

impl<T> Page<T> {
    /// The offset of the next page; `None` when this one reaches the end.
    pub fn next_offset(&self) -> Option<usize> {
        let end = self.offset.saturating_add(self.items.len());
        (end < self.total && !self.items.is_empty()).then_some(end)
    }

    /// `paging` of a whole answer already built (the slow versions').
    pub fn of_whole(mut whole: Vec<T>, paging: Paging) -> Page<T> {
        let total = whole.len();
        let r = paging.range(total);
        whole.truncate(r.end);
        whole.drain(..r.start);
        Page::new(whole, total, paging)
    }

    fn new(items: Vec<T>, total: usize, paging: Paging) -> Page<T> {
        Page {
            items,
            total,
            offset: paging.offset,
            limit: paging.limit,
        }
    }
}

/// A hasher for keys made of a few small integers (symbols, indices): the
/// memo tables are looked up once or twice per statement, and the default
/// SipHash, built against hostile keys, costs more than the rest of the
/// per-statement work. Keys here come from the facts, not from requests.
#[derive(Default, Clone, Copy)]
struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, x: u8) {
        self.write_u64(u64::from(x));
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Mix>>;

/// A value computed at most once per symbol, kept in a table indexed by
/// the symbol: the per-row look-ups (a row's stance, date, speaker) are an
/// index instead of a hash, and an issue has a few tens of thousands of
/// symbols, so the table is small.
struct PerSym<T> {
    memo: Vec<Option<T>>,
}

impl<T: Copy> PerSym<T> {
    fn new(f: &Facts) -> PerSym<T> {
        PerSym {
            memo: vec![None; f.symbols()],
        }
    }

    /// The value of `k`, computed by `compute` the first time.
    #[inline]
    fn get(&mut self, k: Sym, compute: impl FnOnce() -> T) -> T {
        let slot = &mut self.memo[k as usize];
        match slot {
            Some(x) => *x,
            None => *slot.insert(compute()),
        }
    }
}

/// The period of each distinct date, computed once.
struct Periods {
    bucket: Bucket,
    of_date: PerSym<Option<u32>>,
    list: Vec<Period>,
    index: HashMap<Period, u32>,
}

impl Periods {
    fn new(f: &Facts, bucket: Bucket) -> Periods {
        Periods {
            bucket,
            of_date: PerSym::new(f),
            list: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// As `super::period_of`: the date's period when the date is precise
    /// enough for the bucket.
    fn get(&mut self, f: &Facts, date: Sym) -> Option<u32> {
        let bucket = self.bucket;
        let (list, index) = (&mut self.list, &mut self.index);
        self.of_date.get(date, || {
            let period = f
                .str(date)
                .and_then(parse_date)
                .and_then(|(d, precision)| bucket.places(precision).then(|| bucket.period(d)))?;
            let next = list.len() as u32;
            Some(*index.entry(period.clone()).or_insert_with(|| {
                list.push(period);
                next
            }))
        })
    }

    /// The rank of each period in the order of `Period` (the slow
    /// versions' map order), by period number.
    fn ranks(&self) -> Vec<u32> {
        ranks_by(&self.list, |a, b| a.cmp(b))
    }
}

/// `rank[i]`: the position of item `i` once `items` are sorted by `cmp`
/// (a stable sort, so equal items keep their order). Sorting a few
/// thousand keys once lets hundreds of thousands of results be ordered by
/// integers instead of strings.
fn ranks_by<T>(items: &[T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_by(|&a, &b| cmp(&items[a as usize], &items[b as usize]));
    let mut rank = vec![0u32; items.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// The day of each date symbol (`None`: no date, or one that does not
/// parse), parsed once per symbol.
fn days(f: &Facts) -> impl FnMut(Sym) -> Option<NaiveDate> + '_ {
    let mut memo = PerSym::new(f);
    move |k| memo.get(k, || f.str(k).and_then(parse_date).map(|d| d.0))
}

/// `super::position` per stance symbol: the score of a statement taking a
/// position, `None` for neutral or unknown stances.
fn positions(f: &Facts) -> impl FnMut(Sym) -> Option<f64> + '_ {
    let mut memo = PerSym::new(f);
    move |k| memo.get(k, || stance_score(f.str(k)).filter(|x| *x != 0.0))
}
