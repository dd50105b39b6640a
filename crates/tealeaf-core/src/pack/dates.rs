//! Dates in packs: a day, a month or a year ("2024-08-21", "2024-08", "2024").

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

/// A date as precise as the pack author knew it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackDate {
    Day(NaiveDate),
    Month(i32, u32),
    Year(i32),
}

impl PackDate {
    pub fn parse(s: &str) -> Option<PackDate> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str| -> Option<u32> {
            (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit())).then(|| p.parse().ok())?
        };
        match parts.as_slice() {
            [y] if y.len() == 4 => Some(PackDate::Year(num(y)? as i32)),
            [y, m] if y.len() == 4 && m.len() == 2 => {
                let (y, m) = (num(y)? as i32, num(m)?);
                NaiveDate::from_ymd_opt(y, m, 1).map(|_| PackDate::Month(y, m))
            }
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
                NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?).map(PackDate::Day)
            }
            _ => None,
        }
    }

    /// The first day the date covers.
    pub fn first_day(self) -> NaiveDate {
        match self {
            PackDate::Day(d) => d,
            PackDate::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN),
            PackDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// The last day the date covers.
    pub fn last_day(self) -> NaiveDate {
        match self {
            PackDate::Day(d) => d,
            PackDate::Month(y, m) => {
                let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                NaiveDate::from_ymd_opt(next.0, next.1, 1)
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(NaiveDate::MAX)
            }
            PackDate::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }

    pub fn year(self) -> i32 {
        self.first_day().year()
    }
}

impl<'de> Deserialize<'de> for PackDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Accept both "2024-08-21" strings and bare TOML dates (2024-08-21).
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Toml(toml::value::Datetime),
            Year(i64),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s,
            Raw::Toml(d) => d.to_string(),
            Raw::Year(y) => y.to_string(),
        };
        PackDate::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "bad date {text:?}: expected YYYY-MM-DD, YYYY-MM or YYYY"
            ))
        })
    }
}
