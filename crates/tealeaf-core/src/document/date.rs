//! Flexible publication-date parsing.
//!
//! Accepts the forms news sites and hand-written headers use: ISO 8601 /
//! RFC 3339 (`2025-02-27`, `2025-02-27T10:00:00Z`, `2025-02-27 10:00`),
//! `2025/02/27`, `2025.02.27`, `20250227`, `27 February 2025`,
//! `February 27, 2025`, `Feb. 27, 2025`, `27th Feb 2025`, RFC 2822
//! (`Thu, 27 Feb 2025 10:00:00 +0000`), unambiguous `27/02/2025` or
//! `02/27/2025`, `27.02.2025`, and the partial forms `2025-02` (first of the
//! month) and `2025` (first of January).
//!
//! The date is the calendar date *as written*: `2025-02-27T23:30:00-05:00`
//! gives 27 February, not the UTC date.

use chrono::{DateTime, NaiveDate};

/// Parses a publication date written in any of the common forms (see the
/// module docs). Returns `None` when the text is not recognisably a date or
/// names an impossible day (30 February).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.date_naive());
    }
    if let Some(d) = numeric(s) {
        return Some(d);
    }
    worded(s)
}

/// Leading run of ASCII digits in `s`, and the rest.
fn digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    // `n` counts ASCII bytes only, so it is a char boundary.
    s.split_at(n)
}

/// `true` when what follows a complete date is a time or zone part
/// (`T10:00`, ` 10:00:00`, `Z`, `+01:00`) or nothing at all.
fn date_tail_ok(rest: &str) -> bool {
    let rest = rest.trim_start();
    if rest.is_empty() {
        return true;
    }
    let first = rest.chars().next().unwrap_or(' ');
    if matches!(first, 'T' | 't') {
        return rest[1..].starts_with(|c: char| c.is_ascii_digit());
    }
    if matches!(first, 'Z' | 'z') {
        return rest.len() == 1;
    }
    // A time such as 10:00 or 10:00:00.000+01:00.
    let (h, after) = digits(rest);
    !h.is_empty() && h.len() <= 2 && after.starts_with(':')
}

/// Dates written with digits only.
fn numeric(s: &str) -> Option<NaiveDate> {
    let (a, rest) = digits(s);
    if a.is_empty() {
        return None;
    }
    let mut sep_chars = rest.chars();
    let sep = sep_chars.next();
    match (a.len(), sep) {
        // 2025
        (4, None) => ymd(a, "1", "1"),
        // 20250227, optionally followed by a time
        (8, _) if date_tail_ok(rest) => ymd(&a[..4], &a[4..6], &a[6..8]),
        // 2025-02-27, 2025/02/27, 2025.02.27, 2025-02
        (4, Some(sep @ ('-' | '/' | '.'))) => {
            let (m, rest) = digits(sep_chars.as_str());
            if m.is_empty() || m.len() > 2 {
                return None;
            }
            if rest.is_empty() {
                return if sep == '-' || sep == '/' {
                    ymd(a, m, "1")
                } else {
                    None
                };
            }
            let rest = rest.strip_prefix(sep)?;
            let (d, rest) = digits(rest);
            if d.is_empty() || d.len() > 2 || !date_tail_ok(rest) {
                return None;
            }
            ymd(a, m, d)
        }
        // 27/02/2025, 02/27/2025, 27.02.2025, 27-02-2025
        (1 | 2, Some(sep @ ('-' | '/' | '.'))) => {
            let (b, rest) = digits(sep_chars.as_str());
            if b.is_empty() || b.len() > 2 {
                return None;
            }
            let rest = rest.strip_prefix(sep)?;
            let (y, rest) = digits(rest);
            if y.len() != 4 || !date_tail_ok(rest) {
                return None;
            }
            let (x, z): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
            if sep == '.' || x > 12 {
                // Day first: the dotted form is always day-first.
                ymd(y, b, a)
            } else if z > 12 || x == z {
                // Month first, or the same either way.
                ymd(y, a, b)
            } else {
                // 03/04/2025: ambiguous between two dates.
                None
            }
        }
        _ => None,
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    let d: u32 = d.parse().ok()?;
    if !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    DAYS.iter().any(|d| {
        *d == word
            || (word.len() >= 3 && d.starts_with(word) && (word.len() == 3 || word.len() == 4))
    })
}

/// Words that may surround a date without making it something else.
fn is_filler(word: &str) -> bool {
    matches!(
        word,
        "on" | "at"
            | "the"
            | "of"
            | "published"
            | "updated"
            | "posted"
            | "am"
            | "pm"
            | "a.m"
            | "p.m"
            | "utc"
            | "gmt"
            | "z"
            | "est"
            | "edt"
            | "cst"
            | "cdt"
            | "mst"
            | "mdt"
            | "pst"
            | "pdt"
            | "bst"
            | "cet"
            | "cest"
            | "eet"
            | "eest"
            | "ist"
            | "irst"
            | "msk"
    )
}

/// `10:00`, `10:00:00`, `+0000`, `-05:00`, `+03:30`.
fn is_time_or_zone(word: &str) -> bool {
    let w = word.strip_prefix(['+', '-']).unwrap_or(word);
    !w.is_empty()
        && w.bytes().all(|b| b.is_ascii_digit() || b == b':')
        && (w.contains(':') || word.len() != w.len())
}

/// Dates with the month as a word: `27 February 2025`, `Feb. 27, 2025`,
/// `Thursday, 27th of February 2025, 10:00 GMT`.
fn worded(s: &str) -> Option<NaiveDate> {
    let lower = s.to_lowercase();
    let mut month = None;
    let mut day: Option<u32> = None;
    let mut year: Option<&str> = None;
    // Where the month word and the day number sat, to pair them.
    let mut month_at = None;
    let mut day_at = None;
    let words = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty());
    for (i, w) in words.enumerate() {
        if let Some(m) = month_number(w) {
            if month.is_some() {
                return None;
            }
            month = Some(m);
            month_at = Some(i);
            continue;
        }
        if is_weekday(w) || is_filler(w) || is_time_or_zone(w) {
            continue;
        }
        let num = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|suffix| w.strip_suffix(suffix))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or(w);
        if !num.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match num.len() {
            1 | 2 if day.is_none() => {
                day = num.parse().ok();
                day_at = Some(i);
            }
            4 if year.is_none() && num == w => year = Some(w),
            _ => return None,
        }
    }
    let (month, year) = (month?, year?);
    let Some(day) = day else {
        // "February 2025": the first of the month, like "2025-02".
        let year: i32 = year.parse().ok()?;
        return NaiveDate::from_ymd_opt(year, month, 1).filter(|_| year >= 1000);
    };
    // The day must sit right beside the month ("27 Feb", "Feb 27").
    let (m_at, d_at) = (month_at?, day_at?);
    if m_at.abs_diff(d_at) != 1 && !(lower.contains(" of ") && m_at.abs_diff(d_at) == 2) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn iso_and_rfc3339() {
        assert_eq!(parse_date("2025-02-27"), d(2025, 2, 27));
        assert_eq!(parse_date("  2025-02-27\n"), d(2025, 2, 27));
        assert_eq!(parse_date("2025-02-27T10:00:00Z"), d(2025, 2, 27));
        assert_eq!(parse_date("2025-02-27T10:00:00+03:30"), d(2025, 2, 27));
        assert_eq!(parse_date("2025-02-27T10:00:00.123456Z"), d(2025, 2, 27));
        assert_eq!(parse_date("2025-02-27T10:00:00"), d(2025, 2, 27));
        assert_eq!(parse_date("2025-02-27 10:00"), d(2025, 2, 27));
        assert_eq!(parse_date("2025-02-27T10:00:00.000+0100"), d(2025, 2, 27));
        // The date as written, not converted to UTC.
        assert_eq!(parse_date("2025-02-27T23:30:00-05:00"), d(2025, 2, 27));
    }

    #[test]
    fn slashed_dotted_and_compact() {
        assert_eq!(parse_date("2025/02/27"), d(2025, 2, 27));
        assert_eq!(parse_date("2025/2/7"), d(2025, 2, 7));
        assert_eq!(parse_date("2025.02.27"), d(2025, 2, 27));
        assert_eq!(parse_date("20250227"), d(2025, 2, 27));
        assert_eq!(parse_date("27/02/2025"), d(2025, 2, 27));
        assert_eq!(parse_date("02/27/2025"), d(2025, 2, 27));
        assert_eq!(parse_date("27.02.2025"), d(2025, 2, 27));
        assert_eq!(parse_date("05.03.2025"), d(2025, 3, 5));
        assert_eq!(parse_date("04/04/2025"), d(2025, 4, 4));
        // Ambiguous day/month order.
        assert_eq!(parse_date("03/04/2025"), None);
    }

    #[test]
    fn partial_dates() {
        assert_eq!(parse_date("2025-02"), d(2025, 2, 1));
        assert_eq!(parse_date("2025"), d(2025, 1, 1));
        assert_eq!(parse_date("2025-13"), None);
        assert_eq!(parse_date("February 2025"), d(2025, 2, 1));
        assert_eq!(parse_date("Feb. 2025"), d(2025, 2, 1));
    }

    #[test]
    fn worded_dates() {
        assert_eq!(parse_date("27 February 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("27 Feb 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("February 27, 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("Feb. 27, 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("Sept. 5, 2025"), d(2025, 9, 5));
        assert_eq!(parse_date("27th February 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("February 1st, 2025"), d(2025, 2, 1));
        assert_eq!(parse_date("Thursday, February 27, 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("Thursday 27th of February 2025"), d(2025, 2, 27));
        assert_eq!(parse_date("Published on 3 March 2024"), d(2024, 3, 3));
        assert_eq!(parse_date("27 February 2025, 10:45 GMT"), d(2025, 2, 27));
        assert_eq!(parse_date("MAY 9, 2024"), d(2024, 5, 9));
    }

    #[test]
    fn rfc2822() {
        assert_eq!(
            parse_date("Thu, 27 Feb 2025 10:00:00 +0000"),
            d(2025, 2, 27)
        );
        assert_eq!(parse_date("Thu, 27 Feb 2025 10:00:00 GMT"), d(2025, 2, 27));
        assert_eq!(parse_date("27 Feb 2025 23:59:59 -0800"), d(2025, 2, 27));
    }

    #[test]
    fn not_dates() {
        for s in [
            "",
            "   ",
            "yesterday",
            "unknown",
            "2025-02-30",
            "31 April 2025",
            "the talks in Geneva",
            "27 February",
            "12345",
            "2025-02-27 and more words",
            "25 people met on 3 May 2025",
            "Feb 27 Mar 2025",
            "०२/०२/२०२५",
            "2025-02-27T",
            "99999999999999999999",
        ] {
            assert_eq!(parse_date(s), None, "{s:?} should not parse");
        }
    }
}
