//! Date expressions in text, resolved to calendar dates.
//!
//! Absolute dates ("February 25", "Aug. 28, 2019", "2009"), dates relative to
//! the writing time ("yesterday", "on Saturday", "last week"), and dates
//! relative to the previous date in the text ("a day later", "the next day",
//! "less than twenty-four hours after"). Years left out are inferred from the
//! publication date. Dated sections ("- February 26: …") date the paragraphs
//! under them.

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::{Regex, RegexSet};
use serde::Serialize;

mod scan;
mod windows;

use crate::sentences::Segmentation;
use crate::text::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Week,
    Month,
    Year,
}

impl Precision {
    /// The name written in outputs (as serialised).
    pub fn name(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResolvedDate {
    pub date: NaiveDate,
    pub precision: Precision,
}

impl ResolvedDate {
    pub fn day(date: NaiveDate) -> ResolvedDate {
        ResolvedDate {
            date,
            precision: Precision::Day,
        }
    }
    /// "2025-02-25", "2025-02" or "2025", as precise as known.
    pub fn render(&self) -> String {
        let parts = match self.precision {
            Precision::Day | Precision::Week => 3,
            Precision::Month => 2,
            Precision::Year => 1,
        };
        let year = self.date.year();
        if !(0..=9999).contains(&year) {
            // Signed, wider years as chrono writes them.
            let format = ["%Y", "%Y-%m", "%Y-%m-%d"][parts - 1];
            return self.date.format(format).to_string();
        }
        // Digits written directly: this runs for every statement, and
        // parsing a format string each time cost more than the rest.
        let push_digits = |out: &mut String, n: u32, width: u32| {
            for place in (0..width).rev() {
                out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
            }
        };
        let mut out = String::with_capacity(10);
        push_digits(&mut out, year as u32, 4);
        for n in [self.date.month(), self.date.day()]
            .into_iter()
            .take(parts - 1)
        {
            out.push('-');
            push_digits(&mut out, n, 2);
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expr {
    /// Month and day, year when written.
    MonthDay {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// A month, year when written.
    Month {
        year: Option<i32>,
        month: u32,
    },
    Year(i32),
    /// A weekday: the last one on or before the writing time.
    Weekday(Weekday),
    /// Days from the writing time (yesterday = -1).
    FromNow {
        days: i64,
        precision: Precision,
    },
    /// Days from the previous date in the text (a day later = +1).
    FromPrevious(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub span: Span,
    expr: Expr,
    pub resolved: Option<ResolvedDate>,
    /// Relative to writing time (now, weekday) rather than stated.
    pub relative: bool,
}

/// All date mentions of a document, plus the date of each paragraph's section.
#[derive(Debug, Clone, Default)]
pub struct DateIndex {
    pub mentions: Vec<DateMention>,
    /// For each paragraph: the date of the dated section it belongs to.
    pub section: Vec<Option<ResolvedDate>>,
    pub published: Option<NaiveDate>,
}

impl DateIndex {
    /// Resolved mentions inside `span`, in order.
    pub fn within(&self, span: Span) -> impl Iterator<Item = &DateMention> {
        // Mentions are in text order: binary search to the span.
        let lo = self.mentions.partition_point(|m| m.span.start < span.start);
        let hi = self.mentions.partition_point(|m| m.span.start < span.end);
        self.mentions[lo..hi.max(lo)]
            .iter()
            .filter(move |m| span.contains(m.span) && m.resolved.is_some())
    }
}

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept\\.|Sep\\.|Oct\\.|Nov\\.|Dec\\.|Jan|Feb|Aug|Sept|Oct|Nov|Dec";

static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)({MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{{4}})(?-u:\b))?"
    ))
    .expect("valid regex")
});
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTHS})(?:,?\s+(\d{{4}})(?-u:\b))?"
    ))
    .expect("valid regex")
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:(?:[Ii]n|[Ss]ince|[Bb]y|[Ee]arly|[Ll]ate|[Mm]id-?)\s*)?({MONTHS})(?:\s+(\d{{4}}))?(?-u:\b)"
    ))
    .expect("valid regex")
});
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)((?:19|20)\d{2})-(\d{2})-(\d{2})(?-u:\b)").expect("valid regex")
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:[Ii]n|[Ss]ince|[Dd]uring|[Ee]arly|[Ll]ate|[Ii]n early|[Ii]n late)\s+((?:19|20)\d{2})(?-u:\b)")
        .expect("valid regex")
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:(?:[Oo]n|[Ll]ast|[Tt]his|[Ll]ate|[Ee]arly)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b)")
        .expect("valid regex")
});
static FROM_NOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(yesterday|today|tonight|tomorrow|earlier this week|this week|last week|earlier this month|this month|last month|earlier this year|this year|last year)(?-u:\b)")
        .expect("valid regex")
});
static FROM_PREVIOUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(a|one|two|three|four|five|six|seven|\d{1,2})\s+(days?|weeks?)\s+(later|after|afterwards|earlier|before)|the\s+(next|following|previous)\s+(day|morning|evening|week)|the\s+day\s+(before|after)|(?:less\s+than\s+|more\s+than\s+|within\s+|nearly\s+|about\s+|some\s+)?(twenty-four|24|forty-eight|48|a\s+few|several|\d{1,2})\s+hours\s+(later|after))(?-u:\b)")
        .expect("valid regex")
});

fn month_number(name: &str) -> Option<u32> {
    let key: String = name
        .trim_end_matches('.')
        .chars()
        .take(3)
        .collect::<String>()
        .to_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

fn number_word(s: &str) -> Option<i64> {
    let s = s.to_lowercase();
    Some(match s.as_str() {
        "a" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        _ => s.parse().ok()?,
    })
}

fn weekday(name: &str) -> Option<Weekday> {
    name.parse().ok()
}

/// The date patterns in one set, in the order [`find_expressions`] runs
/// them (the index is the pattern's bit in [`Window::patterns`]).
static ANY_DATE: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        MONTH_DAY.as_str(),
        DAY_MONTH.as_str(),
        MONTH_YEAR.as_str(),
        ISO.as_str(),
        YEAR.as_str(),
        WEEKDAY.as_str(),
        FROM_NOW.as_str(),
        FROM_PREVIOUS.as_str(),
    ])
    .expect("valid regexes")
});

/// A stretch of text that may hold dates, and which patterns match in it.
struct Window {
    start: usize,
    end: usize,
    patterns: u8,
}

/// The windows of `text` with at least one date pattern in them: one pass
/// of the pattern set per window, so each pattern then searches only the
/// windows it matches in (most windows are numbers that are not dates).
fn date_windows(text: &str) -> Vec<Window> {
    windows::date_windows(text)
        .into_iter()
        .filter_map(|(start, end)| {
            let patterns = ANY_DATE
                .matches(&text[start..end])
                .iter()
                .fold(0u8, |bits, i| bits | 1 << i);
            (patterns != 0).then_some(Window {
                start,
                end,
                patterns,
            })
        })
        .collect()
}

/// Pattern `re` (bit `bit` of the set)'s matches inside the windows, each
/// with its window's offset.
fn captures<'t>(
    re: &'t Regex,
    bit: u8,
    text: &'t str,
    windows: &'t [Window],
) -> impl Iterator<Item = (usize, regex::Captures<'t>)> + 't {
    windows
        .iter()
        .filter(move |w| w.patterns & (1 << bit) != 0)
        .flat_map(move |w| {
            re.captures_iter(&text[w.start..w.end])
                .map(move |c| (w.start, c))
        })
}

/// Finds every date expression, longest first where they overlap.
///
/// The hand-written scanner finds exactly what the regexes below find;
/// for the few texts it leaves to them (digits outside ASCII, letters that
/// case-insensitive matching folds to ASCII) the regexes run.
fn find_expressions(text: &str) -> Vec<(Span, Expr)> {
    scan::find_expressions(text).unwrap_or_else(|| find_expressions_by_regex(text))
}

/// [`find_expressions`] by the date regexes: the definition the scanner
/// follows, and its fallback.
fn find_expressions_by_regex(text: &str) -> Vec<(Span, Expr)> {
    let windows = date_windows(text);
    let mut found: Vec<(Span, Expr)> = Vec::new();
    let year_of = |m: Option<regex::Match>| m.and_then(|y| y.as_str().parse::<i32>().ok());
    for (off, c) in captures(&MONTH_DAY, 0, text, &windows) {
        let (Some(all), Some(month), Some(day)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (Some(month), Ok(day)) = (month_number(month.as_str()), day.as_str().parse::<u32>())
        else {
            continue;
        };
        if !(1..=31).contains(&day) {
            continue;
        }
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::MonthDay {
                year: year_of(c.get(3)),
                month,
                day,
            },
        ));
    }
    for (off, c) in captures(&DAY_MONTH, 1, text, &windows) {
        let (Some(all), Some(day), Some(month)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (Some(month), Ok(day)) = (month_number(month.as_str()), day.as_str().parse::<u32>())
        else {
            continue;
        };
        if !(1..=31).contains(&day) {
            continue;
        }
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::MonthDay {
                year: year_of(c.get(3)),
                month,
                day,
            },
        ));
    }
    for (off, c) in captures(&MONTH_YEAR, 2, text, &windows) {
        let (Some(all), Some(month)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let year = year_of(c.get(2));
        // A bare month name needs a preposition or a year ("in May", "May 2019").
        if year.is_none() && all.start() == month.start() {
            continue;
        }
        let Some(month) = month_number(month.as_str()) else {
            continue;
        };
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::Month { year, month },
        ));
    }
    for (off, c) in captures(&ISO, 3, text, &windows) {
        let (Some(all), Some(y), Some(m), Some(d)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        let (Ok(y), Ok(m), Ok(d)) = (y.as_str().parse(), m.as_str().parse(), d.as_str().parse())
        else {
            continue;
        };
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::MonthDay {
                year: Some(y),
                month: m,
                day: d,
            },
        ));
    }
    for (off, c) in captures(&YEAR, 4, text, &windows) {
        let (Some(all), Some(y)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Ok(y) = y.as_str().parse() else { continue };
        found.push((Span::new(off + all.start(), off + all.end()), Expr::Year(y)));
    }
    for (off, c) in captures(&WEEKDAY, 5, text, &windows) {
        let (Some(all), Some(d)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Some(d) = weekday(d.as_str()) else {
            continue;
        };
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::Weekday(d),
        ));
    }
    for (off, c) in captures(&FROM_NOW, 6, text, &windows) {
        let Some(all) = c.get(0) else { continue };
        let (days, precision) = match all.as_str().to_lowercase().as_str() {
            "yesterday" => (-1, Precision::Day),
            "today" | "tonight" => (0, Precision::Day),
            "tomorrow" => (1, Precision::Day),
            "this week" | "earlier this week" => (0, Precision::Week),
            "last week" => (-7, Precision::Week),
            "this month" | "earlier this month" => (0, Precision::Month),
            "last month" => (-30, Precision::Month),
            "this year" | "earlier this year" => (0, Precision::Year),
            _ => (-365, Precision::Year),
        };
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::FromNow { days, precision },
        ));
    }
    for (off, c) in captures(&FROM_PREVIOUS, 7, text, &windows) {
        let Some(all) = c.get(0) else { continue };
        let days = if let (Some(n), Some(unit), Some(dir)) = (c.get(1), c.get(2), c.get(3)) {
            let n = number_word(n.as_str()).unwrap_or(1);
            let n = if unit.as_str().starts_with("week") {
                n * 7
            } else {
                n
            };
            if matches!(dir.as_str().to_lowercase().as_str(), "earlier" | "before") {
                -n
            } else {
                n
            }
        } else if let (Some(which), Some(unit)) = (c.get(4), c.get(5)) {
            let n = if unit.as_str().eq_ignore_ascii_case("week") {
                7
            } else {
                1
            };
            if which.as_str().eq_ignore_ascii_case("previous") {
                -n
            } else {
                n
            }
        } else if let Some(dir) = c.get(6) {
            if dir.as_str().eq_ignore_ascii_case("before") {
                -1
            } else {
                1
            }
        } else if let Some(hours) = c.get(7) {
            match hours.as_str().to_lowercase().as_str() {
                "twenty-four" | "24" => 1,
                "forty-eight" | "48" => 2,
                h => h.parse::<i64>().map(|h| (h + 12) / 24).unwrap_or(0),
            }
        } else {
            0
        };
        found.push((
            Span::new(off + all.start(), off + all.end()),
            Expr::FromPrevious(days),
        ));
    }
    // Longest first, then left to right; drop overlaps.
    found.sort_by_key(|(s, _)| (std::cmp::Reverse(s.len()), s.start));
    let mut kept: Vec<(Span, Expr)> = Vec::new();
    for (span, expr) in found {
        if !kept.iter().any(|(k, _)| k.overlaps(span)) {
            kept.push((span, expr));
        }
    }
    kept.sort_by_key(|(s, _)| s.start);
    kept
}

/// The year that puts month/day closest before (or just after) `reference`.
fn infer_year(month: u32, day: u32, reference: NaiveDate) -> Option<NaiveDate> {
    let mut best: Option<(i64, NaiveDate)> = None;
    for y in [reference.year() - 1, reference.year(), reference.year() + 1] {
        let Some(d) = NaiveDate::from_ymd_opt(y, month, day) else {
            continue;
        };
        let diff = (d - reference).num_days();
        // Past dates are the norm in news; allow a short look ahead.
        let cost = if diff <= 7 { diff.abs() } else { diff * 4 };
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, d));
        }
    }
    best.map(|(_, d)| d)
}

fn resolve(
    expr: Expr,
    now: Option<NaiveDate>,
    previous: Option<NaiveDate>,
    year_hint: Option<i32>,
) -> Option<ResolvedDate> {
    let reference = now.or_else(|| year_hint.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)));
    match expr {
        Expr::MonthDay {
            year: Some(y),
            month,
            day,
        } => NaiveDate::from_ymd_opt(y, month, day).map(ResolvedDate::day),
        Expr::MonthDay {
            year: None,
            month,
            day,
        } => {
            let reference = previous.filter(|_| now.is_none()).or(reference)?;
            infer_year(month, day, reference).map(ResolvedDate::day)
        }
        Expr::Month { year, month } => {
            let y = match year {
                Some(y) => y,
                None => {
                    let r = reference?;
                    if month > r.month() + 1 {
                        r.year() - 1
                    } else {
                        r.year()
                    }
                }
            };
            NaiveDate::from_ymd_opt(y, month, 1).map(|date| ResolvedDate {
                date,
                precision: Precision::Month,
            })
        }
        Expr::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).map(|date| ResolvedDate {
            date,
            precision: Precision::Year,
        }),
        Expr::Weekday(wd) => {
            let now = now?;
            let back = (now.weekday().num_days_from_monday() as i64
                - wd.num_days_from_monday() as i64)
                .rem_euclid(7);
            now.checked_sub_days(Days::new(back as u64))
                .map(ResolvedDate::day)
        }
        Expr::FromNow { days, precision } => {
            let now = now?;
            let date = if days >= 0 {
                now.checked_add_days(Days::new(days as u64))
            } else {
                now.checked_sub_days(Days::new(days.unsigned_abs()))
            }?;
            Some(ResolvedDate { date, precision })
        }
        Expr::FromPrevious(days) => {
            let prev = previous?;
            let date = if days >= 0 {
                prev.checked_add_days(Days::new(days as u64))
            } else {
                prev.checked_sub_days(Days::new(days.unsigned_abs()))
            }?;
            Some(ResolvedDate::day(date))
        }
    }
}

/// Is this paragraph headed by a date ("- February 26: …", "Feb. 26 — …")?
fn section_head(text: &str, para: Span, mentions: &[DateMention]) -> Option<ResolvedDate> {
    let s = para.slice(text);
    let lead = s.len()
        - s.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '*' | '•' | '–' | '—')
        })
        .len();
    let m = mentions
        .iter()
        .find(|m| m.span.start == para.start + lead)?;
    let after = text[m.span.end..para.end].trim_start();
    (after.starts_with(':')
        || after.starts_with('—')
        || after.starts_with("– ")
        || after.starts_with("- "))
    .then_some(m.resolved)?
}

pub fn find_dates(text: &str, seg: &Segmentation, published: Option<NaiveDate>) -> DateIndex {
    let exprs = find_expressions(text);
    // A year written anywhere helps when there is no publication date.
    let year_hint = exprs.iter().find_map(|(_, e)| match e {
        Expr::MonthDay { year: Some(y), .. }
        | Expr::Month { year: Some(y), .. }
        | Expr::Year(y) => Some(*y),
        _ => None,
    });
    let mut mentions = Vec::with_capacity(exprs.len());
    let mut section: Vec<Option<ResolvedDate>> = vec![None; seg.paragraphs.len()];
    let mut previous: Option<NaiveDate> = None;
    let mut current_section: Option<ResolvedDate> = None;
    let mut ei = 0;
    for (pi, para) in seg.paragraphs.iter().enumerate() {
        let first = mentions.len();
        let mut para_now = current_section.map(|s| s.date).or(published);
        while ei < exprs.len() && exprs[ei].0.start < para.span.end {
            let (span, expr) = exprs[ei];
            ei += 1;
            let resolved = resolve(expr, para_now, previous, year_hint);
            let relative = matches!(expr, Expr::Weekday(_) | Expr::FromNow { .. });
            if let Some(r) = resolved {
                // Dates after the publication are plans, not anchors for "a day later".
                let future = published.is_some_and(|p| r.date > p);
                if r.precision == Precision::Day && !future {
                    previous = Some(r.date);
                }
            }
            mentions.push(DateMention {
                span,
                expr,
                resolved,
                relative,
            });
            // The section head dates what follows in this very paragraph too.
            if mentions.len() == first + 1
                && let Some(head) = section_head(text, para.span, &mentions[first..])
            {
                current_section = Some(head);
                para_now = Some(head.date);
            }
        }
        section[pi] = current_section;
    }
    DateIndex {
        mentions,
        section,
        published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::segment;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn render_writes_what_chrono_would_at_every_precision() {
        let dates = [
            (2025, 2, 5),
            (1999, 12, 31),
            (7, 1, 9),
            (0, 1, 1),
            (9999, 12, 31),
        ];
        let wide = [(10_000, 3, 4), (-1, 6, 7), (-262_000, 1, 1)];
        for (y, m, d) in dates.into_iter().chain(wide) {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            for (precision, format) in [
                (Precision::Day, "%Y-%m-%d"),
                (Precision::Week, "%Y-%m-%d"),
                (Precision::Month, "%Y-%m"),
                (Precision::Year, "%Y"),
            ] {
                assert_eq!(format!("{precision:?}").to_lowercase(), precision.name());
                let rendered = ResolvedDate { date, precision }.render();
                assert_eq!(
                    rendered,
                    date.format(format).to_string(),
                    "{date} {precision:?}"
                );
            }
        }
    }

    fn resolved(text: &str, published: Option<&str>) -> Vec<(String, Option<String>)> {
        let seg = segment(text);
        let idx = find_dates(text, &seg, published.map(day));
        idx.mentions
            .iter()
            .map(|m| {
                (
                    m.span.slice(text).to_string(),
                    m.resolved.map(|r| r.render()),
                )
            })
            .collect()
    }

    #[test]
    fn absolute_dates_with_and_without_year() {
        let r = resolved(
            "On Aug. 28, 2019 he spoke; on February 25 she replied; 3 March 2020 too.",
            Some("2025-02-27"),
        );
        assert_eq!(r[0], ("Aug. 28, 2019".into(), Some("2019-08-28".into())));
        assert_eq!(r[1], ("February 25".into(), Some("2025-02-25".into())));
        assert_eq!(r[2], ("3 March 2020".into(), Some("2020-03-03".into())));
    }

    #[test]
    fn missing_year_is_inferred_across_new_year() {
        let r = resolved("The letter arrived on December 30.", Some("2025-01-03"));
        assert_eq!(r[0].1.as_deref(), Some("2024-12-30"));
    }

    #[test]
    fn relative_to_previous_date() {
        let text = "He arrived on August 25; the next day he spoke. On August 28 the deputy spoke, and a chief repeated it a day later.";
        let r = resolved(text, Some("2019-08-30"));
        let got: Vec<Option<&str>> = r.iter().map(|(_, d)| d.as_deref()).collect();
        assert_eq!(
            got,
            vec![
                Some("2019-08-25"),
                Some("2019-08-26"),
                Some("2019-08-28"),
                Some("2019-08-29")
            ]
        );
    }

    #[test]
    fn hours_after_and_future_dates() {
        let text = "The summit ended on August 26. Talks may come in mid-September. Less than twenty-four hours after the summit ended, officials stepped back.";
        let r = resolved(text, Some("2019-08-30"));
        assert_eq!(r.last().unwrap().1.as_deref(), Some("2019-08-27"));
    }

    #[test]
    fn relative_to_publication() {
        // 2025-02-27 is a Thursday.
        let r = resolved(
            "On Saturday he said no. Yesterday he said yes. Last week was quiet.",
            Some("2025-02-27"),
        );
        assert_eq!(r[0].1.as_deref(), Some("2025-02-22"));
        assert_eq!(r[1].1.as_deref(), Some("2025-02-26"));
        assert_eq!(r[2].1.as_deref(), Some("2025-02-20"));
    }

    #[test]
    fn years_and_months() {
        let r = resolved(
            "In 2009, a deal failed. In May 2018 the US left. The modal may not count.",
            None,
        );
        assert_eq!(r[0].1.as_deref(), Some("2009"));
        assert_eq!(r[1].1.as_deref(), Some("2018-05"));
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn dated_sections_date_their_paragraphs() {
        let text = "Intro on January 28.\n\n- February 26: Someone spoke:\n\n- “A quote.”\n\n- February 27: Another.";
        let seg = segment(text);
        let idx = find_dates(text, &seg, Some(day("2025-03-01")));
        let sections: Vec<Option<String>> =
            idx.section.iter().map(|s| s.map(|r| r.render())).collect();
        assert_eq!(
            sections,
            vec![
                None,
                Some("2025-02-26".into()),
                Some("2025-02-26".into()),
                Some("2025-02-27".into())
            ]
        );
    }
}
