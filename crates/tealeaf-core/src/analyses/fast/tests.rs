//! The fast analyses against the slow ones, whole and paged.

use super::super::testutil::{With, pack, st};
use super::super::{self as analyses, Bucket, Facts, GroupBy};
use super::*;
use crate::Statement;

/// Varied statements: several documents and attributions, actors of
/// both countries and a name outside the pack, editorials, outlets,
/// factions, day and month dates, undated ones, every stance, other
/// topics, conditions added and dropped.
fn corpus() -> Vec<Statement> {
    let speakers = [
        "rouhani",
        "zarif",
        "mousavi",
        "khamenei",
        "leader-office",
        "trump",
        "Some Analyst",
    ];
    let dates = [
        "2019-08-26",
        "2019-08-27",
        "2019-09",
        "2019-09-02",
        "",
        "2020-01-08",
        "2021-09-01",
        "2019",
    ];
    let stances = ["support", "oppose", "conditional", "neutral", "other"];
    let conds: [&[&str]; 4] = [
        &[],
        &["sanctions-relief"],
        &["sanctions-relief", "us-returns-to-jcpoa"],
        &["us-returns-to-jcpoa"],
    ];
    let mut x: u64 = 7;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % n
    };
    let mut out = Vec::new();
    for i in 0..600 {
        let doc = format!("d{}", i / 7);
        let mut s = st(
            &doc,
            dates[next(dates.len())],
            speakers[next(speakers.len())],
            stances[next(stances.len())],
        )
        .at(next(50) * 10, next(3))
        .conditions(conds[next(conds.len())]);
        match next(6) {
            0 => s = s.editorial("javan", "Javan"),
            1 => s = s.via("reuters", "Reuters"),
            2 => s = s.faction("principlist"),
            3 => s = s.topic("other"),
            _ => {}
        }
        if next(10) == 0 {
            s.outlet_affiliation = Some("state".into());
        }
        out.push(s);
    }
    out
}

/// The corpus' statements on `issue` (what the slow versions are given,
/// as `tealeaf --db` loads them) and their facts: row i of the facts is
/// statement i.
fn on_issue(issue: &str) -> (Vec<Statement>, Facts) {
    let all = corpus();
    let on: Vec<Statement> = all
        .iter()
        .filter(|s| s.coding.topic.as_deref() == Some(issue))
        .cloned()
        .collect();
    let f = Facts::from_statements(&all, issue);
    assert_eq!(f.len(), on.len());
    (on, f)
}

#[test]
fn fast_analyses_equal_the_slow_ones() {
    let pack = pack();
    let issue = "us-talks";
    let (on, f) = on_issue(issue);
    let f = Facts::from_bytes(&f.to_bytes()).expect("facts read back");
    for by in [
        GroupBy::Actor,
        GroupBy::Faction,
        GroupBy::Institution,
        GroupBy::Country,
        GroupBy::Outlet,
    ] {
        for b in [Bucket::Day, Bucket::Week, Bucket::Month] {
            let slow = analyses::timeline(&on, &pack, issue, by, b);
            assert!(!slow.is_empty(), "{by} {b}");
            assert_eq!(timeline(&f, &pack, by, b), slow, "{by} {b}");
        }
    }
    let slow = analyses::shifts(&on, issue);
    assert!(slow.len() > 20 && slow.iter().any(|s| !s.conditions_added.is_empty()));
    assert_eq!(shifts(&f), slow);
    for gov in ["Iran", "United States", "Nowhere"] {
        for b in [Bucket::Day, Bucket::Week, Bucket::Month] {
            let slow = analyses::divergence(&on, &pack, issue, gov, b);
            assert_eq!(divergence(&f, &pack, gov, b), slow, "{gov} {b}");
        }
    }
    let w = analyses::divergence(&on, &pack, issue, "Iran", Bucket::Month);
    assert!(w.iter().any(|w| !w.pairs.is_empty()));
    for i in 0..on.len() {
        assert_eq!(
            f.statement_ref(i),
            analyses::StatementRef::new(&on, i),
            "{i}"
        );
    }
}

/// Pagings around the edges of an answer of `n` items: empty, first,
/// middle, last (cut short), past the end, everything.
fn pagings(n: usize) -> Vec<Paging> {
    vec![
        Paging::new(0, Some(0)),
        Paging::new(0, Some(1)),
        Paging::new(0, Some(7)),
        Paging::new(n / 3, Some(5)),
        Paging::new(n.saturating_sub(2), Some(5)),
        Paging::new(n, Some(5)),
        Paging::new(n + 10, None),
        Paging::new(3, None),
        Paging::ALL,
    ]
}

/// `page` is `paging` of `whole`, with the total and the next offset.
fn is_slice<T: PartialEq + Clone + std::fmt::Debug>(page: &Page<T>, whole: &[T], paging: Paging) {
    let r = paging.range(whole.len());
    assert_eq!(page.items, whole[r.clone()], "{paging:?}");
    assert_eq!(&Page::of_whole(whole.to_vec(), paging), page);
    assert_eq!(page.total, whole.len(), "{paging:?}");
    assert_eq!((page.offset, page.limit), (paging.offset, paging.limit));
    let next = (r.end < whole.len() && !r.is_empty()).then_some(r.end);
    assert_eq!(page.next_offset(), next, "{paging:?}");
}

#[test]
fn pages_are_slices_of_the_slow_answers() {
    let pack = pack();
    let issue = "us-talks";
    let (on, f) = on_issue(issue);
    for by in [GroupBy::Actor, GroupBy::Institution, GroupBy::Outlet] {
        for b in [Bucket::Week, Bucket::Month] {
            let slow = analyses::timeline(&on, &pack, issue, by, b);
            assert!(slow.len() > 3, "{by} {b}");
            for p in pagings(slow.len()) {
                is_slice(&timeline_page(&f, &pack, by, b, p), &slow, p);
            }
        }
    }
    let slow = analyses::shifts(&on, issue);
    for p in pagings(slow.len()) {
        is_slice(&shifts_page(&f, ShiftFilter::default(), p), &slow, p);
    }
    // Filters apply before paging: the total counts what they keep.
    let reversals: Vec<_> = slow.iter().filter(|s| s.reversal).cloned().collect();
    assert!(!reversals.is_empty() && reversals.len() < slow.len());
    let only = ShiftFilter {
        reversals: true,
        ..ShiftFilter::default()
    };
    for p in pagings(reversals.len()) {
        is_slice(&shifts_page(&f, only, p), &reversals, p);
    }
    for actor in ["zarif", "Some Analyst", "nobody"] {
        let theirs: Vec<_> = slow.iter().filter(|s| s.actor == actor).cloned().collect();
        let only = ShiftFilter {
            actor: Some(actor),
            ..ShiftFilter::default()
        };
        for p in pagings(theirs.len()) {
            is_slice(&shifts_page(&f, only, p), &theirs, p);
        }
    }
    for gov in ["Iran", "United States"] {
        for b in [Bucket::Day, Bucket::Week] {
            let slow = analyses::divergence(&on, &pack, issue, gov, b);
            assert!(slow.len() >= 3, "{gov} {b}");
            for p in pagings(slow.len()) {
                is_slice(&divergence_page(&f, &pack, gov, b, p), &slow, p);
            }
        }
    }
}

#[test]
fn paging_ranges() {
    assert_eq!(Paging::new(0, Some(200)).range(50), 0..50);
    assert_eq!(Paging::new(40, Some(20)).range(50), 40..50);
    assert_eq!(Paging::new(60, Some(20)).range(50), 50..50);
    assert_eq!(Paging::new(10, None).range(50), 10..50);
    assert_eq!(Paging::new(usize::MAX, Some(usize::MAX)).range(50), 50..50);
    assert_eq!(Paging::ALL.range(0), 0..0);
}

/// `Pack::role_changes` bounds the spans over which a pack actor's role
/// and institution stay the same (the divergence page asks once per span):
/// around every change and on days spread over the years, each day
/// answers as the first day of its span.
#[test]
fn roles_and_institutions_hold_between_role_changes() {
    use chrono::{Duration, NaiveDate};
    let pack = crate::Pack::default_pack().expect("the default pack");
    let start = NaiveDate::from_ymd_opt(1975, 1, 1).unwrap();
    for a in 0..pack.actors.len() {
        let changes = pack.role_changes(a);
        let span_start = |d: NaiveDate| match changes.partition_point(|c| *c <= d) {
            0 => start,
            k => changes[k - 1],
        };
        let mut days: Vec<NaiveDate> = (0..60).map(|k| start + Duration::days(k * 313)).collect();
        for c in &changes {
            days.extend([*c - Duration::days(1), *c, *c + Duration::days(1)]);
        }
        for d in days.into_iter().filter(|d| *d >= start) {
            let first = span_start(d);
            assert_eq!(
                pack.role_on(a, Some(d)),
                pack.role_on(a, Some(first)),
                "{} on {d}",
                pack.actors[a].id
            );
            assert_eq!(
                analyses::institution_on(&pack, a, Some(d)),
                analyses::institution_on(&pack, a, Some(first)),
                "{} on {d}",
                pack.actors[a].id
            );
        }
    }
}
