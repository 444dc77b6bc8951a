//! Calendar dates that may lack their day, or their month and day
//! ([`PartialDate`]): an article's publication date, the date a rule reads
//! in a sentence, the date of a claim and of a fact.
//!
//! Every layer shares this type, from the metadata reader to the extractors,
//! the RDF writer and the network filters, so it sits below all of them and
//! imports nothing of the crate. The calendar itself (month lengths, leap
//! years) is the `time` crate's. This module does no IO.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Month;

/// A calendar date that may lack its day, or its month and day.
///
/// Written as `2022`, `2022-09` or `2022-09-13` (`Display`, `FromStr` and
/// serde all use that form). Ordered by year, then month, then day, with a
/// missing part before any present one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year, 0 to 9999 when parsed.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: Option<u8>,
    /// The day of the month, valid for the month and year; only with a month.
    pub day: Option<u8>,
}

impl PartialDate {
    /// A checked date: the month must be 1-12, the day must exist in that
    /// month (leap years count), and a day needs a month.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<Self, PartialDateError> {
        let calendar_month = month
            .map(|month| Month::try_from(month).map_err(|_| PartialDateError::Month { month }))
            .transpose()?;
        if let Some(day) = day {
            let (Some(month), Some(calendar_month)) = (month, calendar_month) else {
                return Err(PartialDateError::DayWithoutMonth);
            };
            let n_days = calendar_month.length(year);
            if day == 0 || day > n_days {
                return Err(PartialDateError::Day {
                    year,
                    month,
                    day,
                    n_days,
                });
            }
        }
        Ok(Self { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = PartialDateError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        fn digits(part: &str, width: usize) -> Option<u16> {
            if part.len() == width && part.bytes().all(|byte| byte.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        }
        let format_error = || PartialDateError::Format {
            input: input.to_owned(),
        };
        let mut parts = input.split('-');
        let year = parts.next().and_then(|part| digits(part, 4));
        let month = parts.next().map(|part| digits(part, 2));
        let day = parts.next().map(|part| digits(part, 2));
        if parts.next().is_some() {
            return Err(format_error());
        }
        let year = year.ok_or_else(format_error)?;
        let month = match month {
            None => None,
            Some(Some(month)) => Some(u8::try_from(month).map_err(|_| format_error())?),
            Some(None) => return Err(format_error()),
        };
        let day = match day {
            None => None,
            Some(Some(day)) => Some(u8::try_from(day).map_err(|_| format_error())?),
            Some(None) => return Err(format_error()),
        };
        Self::new(i32::from(year), month, day)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a [`PartialDate`] was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PartialDateError {
    /// Not of the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error("{input:?} is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2022-09-13")]
    Format {
        /// The rejected text.
        input: String,
    },
    /// The month is outside 1-12.
    #[error("month {month} does not exist; use 01 to 12")]
    Month {
        /// The rejected month.
        month: u8,
    },
    /// The day does not exist in that month.
    #[error("day {day} does not exist in {year:04}-{month:02}, which has {n_days} days; correct the date")]
    Day {
        /// The year of the rejected date.
        year: i32,
        /// The month of the rejected date.
        month: u8,
        /// The rejected day.
        day: u8,
        /// How many days the month has.
        n_days: u8,
    },
    /// A day was given without a month.
    #[error("a day needs a month; write the date as YYYY-MM-DD")]
    DayWithoutMonth,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_date_parses_validates_and_displays() {
        fn check(input: &str, expected: Option<(i32, Option<u8>, Option<u8>)>) {
            let parsed = input.parse::<PartialDate>();
            match expected {
                Some((year, month, day)) => {
                    let date = parsed.unwrap_or_else(|err| panic!("{input:?}: {err}"));
                    assert_eq!(date, PartialDate { year, month, day }, "{input:?}");
                    assert_eq!(date.to_string(), input, "display of {input:?}");
                }
                None => assert!(parsed.is_err(), "{input:?} parsed as {parsed:?}"),
            }
        }
        check("2022", Some((2022, None, None)));
        check("2022-09", Some((2022, Some(9), None)));
        check("2022-09-13", Some((2022, Some(9), Some(13))));
        check("2024-02-29", Some((2024, Some(2), Some(29))));
        check("2000-02-29", Some((2000, Some(2), Some(29))));
        check("2022-12-31", Some((2022, Some(12), Some(31))));
        check("0999-01-01", Some((999, Some(1), Some(1))));
        check("2022-02-29", None);
        check("1900-02-29", None);
        check("2022-04-31", None);
        check("2022-13-40", None);
        check("2022-00", None);
        check("2022-01-00", None);
        check("2022-9", None);
        check("2022-09-1", None);
        check("22", None);
        check("20222", None);
        check("2022-09-13-01", None);
        check("2022-09-", None);
        check("-2022", None);
        check(" 2022", None);
        check("+202", None);
        check("２０２２", None);
        check("abc", None);
        check("yesterday", None);
        check("", None);
    }

    #[test]
    fn partial_date_errors_explain() {
        let cases = [
            ("2022-13", "month 13 does not exist; use 01 to 12"),
            (
                "2022-02-29",
                "day 29 does not exist in 2022-02, which has 28 days; correct the date",
            ),
            (
                "abc",
                "\"abc\" is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2022-09-13",
            ),
        ];
        for (input, expected) in cases {
            let err = input.parse::<PartialDate>().unwrap_err();
            assert_eq!(err.to_string(), expected, "{input:?}");
        }
        assert_eq!(
            PartialDate::new(2022, None, Some(1)),
            Err(PartialDateError::DayWithoutMonth)
        );
    }
}
