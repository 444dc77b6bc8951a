//! Temporal expressions: finds dates in a sentence and resolves relative ones
//! ("last month", "three years ago", "in May of last year") against the
//! article's reference date. Pure: no IO.

use std::sync::OnceLock;

use regex::Regex;

use crate::date::PartialDate;
use crate::span::Span;

/// A date found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateMention {
    /// Where it stands.
    pub span: Span,
    /// What it resolves to.
    pub date: PartialDate,
}

fn date(year: i32, month: Option<u8>, day: Option<u8>) -> Option<PartialDate> {
    PartialDate::new(year, month, day).ok()
}

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

fn month_number(word: &str) -> Option<u8> {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == lower || (lower.len() >= 3 && m.starts_with(lower) && lower.len() <= 4))
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// The weekday a word names, ignoring ASCII case.
pub(super) fn weekday(word: &str) -> Option<time::Weekday> {
    use time::Weekday::*;
    [
        ("monday", Monday),
        ("tuesday", Tuesday),
        ("wednesday", Wednesday),
        ("thursday", Thursday),
        ("friday", Friday),
        ("saturday", Saturday),
        ("sunday", Sunday),
    ]
    .into_iter()
    .find(|(name, _)| name.eq_ignore_ascii_case(word))
    .map(|(_, day)| day)
}

/// The last `weekday` on or before the article's date `reference` (strictly
/// before it for "last Tuesday"): news reports speak of the days just past
/// ("the ministry said on Sunday").
fn weekday_before(
    reference: PartialDate,
    weekday: time::Weekday,
    strictly: bool,
) -> Option<PartialDate> {
    let month = time::Month::try_from(reference.month?).ok()?;
    let day = time::Date::from_calendar_date(reference.year, month, reference.day?).ok()?;
    let back = (i64::from(day.weekday().number_days_from_monday())
        - i64::from(weekday.number_days_from_monday()))
    .rem_euclid(7);
    let back = if back == 0 && strictly { 7 } else { back };
    let found = day.checked_sub(time::Duration::days(back))?;
    date(
        found.year(),
        Some(u8::from(found.month())),
        Some(found.day()),
    )
}

fn number_word(word: &str) -> Option<i32> {
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    let lower = word.to_lowercase();
    if let Ok(n) = lower.parse::<i32>() {
        return Some(n);
    }
    words
        .iter()
        .position(|w| *w == lower)
        .and_then(|i| i32::try_from(i + 1).ok())
}

fn regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::expect_used)] // invariant: the pattern is a literal that compiles
    RE.get_or_init(|| Regex::new(&pattern()).expect("date regex"))
}

/// [`regex()`] with ASCII digit and space classes: on ASCII text it matches
/// alike, with the same groups (the case-insensitive parts differ only on
/// the Kelvin sign and the long s). Its automaton is a fraction of the
/// size, which the group search pays for on every date.
fn ascii_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let pattern = pattern()
            .replace(r"\d", "[0-9]")
            .replace(r"\s", r"[\t\n\x0B\x0C\r\x20]");
        #[allow(clippy::expect_used)] // invariant: the pattern is a literal that compiles
        Regex::new(&pattern).expect("ASCII date regex")
    })
}

/// The date pattern, with ASCII word boundaries.
fn pattern() -> String {
    let month = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)";
    let pattern = format!(
        r"(?x)
            (?P<dmy>\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{month})(?:,?\s+(?P<y1>(?:19|20)\d\d))?\b)
          | (?P<mdy>\b(?P<m2>{month})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(?P<y2>(?:19|20)\d\d))?)
          | (?P<my>\b(?P<m3>{month})\s+(?:of\s+)?(?P<y3>(?:19|20)\d\d)\b)
          | (?i:(?P<mly>\b(?P<m4>{month})\s+of\s+last\s+year\b))
          | (?i:(?P<season>\b(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<y5>(?:19|20)\d\d)\b))
          | (?i:(?P<ago>\b(?P<n6>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+years?\s+ago\b))
          | (?i:(?P<later>\b(?P<n7>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+years?\s+later\b))
          | (?i:(?P<lastmonth>\b(?:last|previous)\s+month\b))
          | (?i:(?P<weekday>\b(?:on|by|since|until|(?P<wdlast>last))\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b))
          | (?i:(?P<thismonth>\b(?:this|earlier\s+this|later\s+this)\s+month\b|\blast\s+week\b|\bthis\s+week\b|\bearlier\s+this\s+week\b))
          | (?i:(?P<lastyear>\blast\s+year\b))
          | (?i:(?P<thisyear>\bthis\s+year\b|\bearlier\s+this\s+year\b))
          | (?P<month>\b(?P<m8>January|February|March|April|June|July|August|September|October|November|December|May)\b)
          | (?P<year>\b(?P<y9>(?:19|20)\d\d)\b)
            "
    );
    super::ascii_boundaries(&pattern)
}

/// The units of relative dates ("last year", "three years ago", "May of
/// last year", "on Monday").
const UNIT_WORDS: [&str; 4] = ["year", "month", "week", "day"];

/// Words one of which every match of [`regex()`] without a digit contains,
/// ignoring ASCII case: the units, then the month names (the bare month
/// alternative). `Doc::new` finds them for every sentence in its one pass of
/// cue words over the article.
pub(super) fn date_words() -> impl Iterator<Item = &'static str> {
    UNIT_WORDS.into_iter().chain(MONTHS)
}

/// How many [`date_words`] there are.
pub(super) const DATE_WORD_COUNT: usize = UNIT_WORDS.len() + MONTHS.len();

/// Whether [`find_dates`] may find a date in `body`, given whether it
/// contains one of [`date_words`]: every match of [`regex()`] contains such a
/// word or a digit (`\d`: any Unicode decimal digit, which
/// `char::is_numeric` includes). Half of the sentences of news text have
/// neither, and these checks are cheaper than starting the regex.
pub(super) fn may_contain_date(body: &str, has_date_word: bool) -> bool {
    has_date_word
        || body.bytes().any(|b| b.is_ascii_digit())
        || (!body.is_ascii() && body.chars().any(|c| !c.is_ascii() && c.is_numeric()))
}

/// The groups of `found`, a match of [`regex()`] in `body`.
///
/// The search for them runs on the text up to the match and one character
/// after it (what a `\b` at its end looks at), not on the rest of the
/// sentence. A match found there that ends where `found` does is `found`,
/// with the same groups: every way of matching that ends there sees the same
/// text in both. (Another end, from a way that ends at that character, falls
/// back to the whole sentence.) When the match and the characters on either
/// side are ASCII, which is all the search looks at, [`ascii_regex`] runs.
fn captures<'t>(body: &'t str, found: regex::Match<'t>) -> Option<regex::Captures<'t>> {
    let context_end = body[found.end()..]
        .chars()
        .next()
        .map_or(body.len(), |c| found.end() + c.len_utf8());
    let context_start = body[..found.start()]
        .chars()
        .next_back()
        .map_or(0, |c| found.start() - c.len_utf8());
    let re = if body[context_start..context_end].is_ascii() {
        ascii_regex()
    } else {
        regex()
    };
    match re.captures_at(&body[..context_end], found.start()) {
        Some(caps)
            if caps
                .get(0)
                .is_some_and(|m| (m.start(), m.end()) == (found.start(), found.end())) =>
        {
            Some(caps)
        }
        _ => regex().captures_at(body, found.start()),
    }
}

/// Finds and resolves the dates in `text[span]`.
///
/// `reference` is the article's own date, used for relative expressions;
/// without it a month with no year, or "last month", resolves to nothing.
pub fn find_dates(text: &str, span: Span, reference: Option<PartialDate>) -> Vec<DateMention> {
    let body = span.slice(text);
    let mut out: Vec<DateMention> = Vec::new();
    for found in regex().find_iter(body) {
        let at = Span::new(span.start + found.start(), span.start + found.end());
        // A bare year, the most common date, is the only alternative that
        // matches four digits alone: it needs no (slower) capture search.
        if found.len() == 4 && found.as_str().bytes().all(|b| b.is_ascii_digit()) {
            let year = found.as_str().parse::<i32>().ok();
            if let Some(date) = year.and_then(|y| date(y, None, None)) {
                out.push(DateMention { span: at, date });
            }
            continue;
        }
        let caps = captures(body, found);
        let Some(caps) = caps else {
            continue;
        };
        let found = DateMatch {
            caps,
            body,
            reference,
        };
        if let Some(date) = found.resolve(&out) {
            out.push(DateMention { span: at, date });
        }
    }
    out
}

/// One date expression found in a sentence `body`, with the article's date
/// for relative ones.
struct DateMatch<'t> {
    caps: regex::Captures<'t>,
    body: &'t str,
    reference: Option<PartialDate>,
}

impl DateMatch<'_> {
    /// The date of the alternative that matched; `earlier` are the dates
    /// found before it in the sentence.
    fn resolve(&self, earlier: &[DateMention]) -> Option<PartialDate> {
        let caps = &self.caps;
        let whole = caps.get(0)?;
        let ref_year = self.reference.map(|r| r.year);
        if caps.name("dmy").is_some() || caps.name("mdy").is_some() {
            self.day_month_year()
        } else if caps.name("my").is_some() {
            let month = self.month_of("m3");
            self.year_of("y3").and_then(|y| date(y, month, None))
        } else if caps.name("mly").is_some() {
            let month = self.month_of("m4");
            ref_year.and_then(|y| date(y - 1, month, None))
        } else if caps.name("season").is_some() {
            self.year_of("y5").and_then(|y| date(y, None, None))
        } else if caps.name("ago").is_some() {
            let n = caps.name("n6").and_then(|n| number_word(n.as_str()));
            match (ref_year, n) {
                (Some(y), Some(n)) => y.checked_sub(n).and_then(|y| date(y, None, None)),
                _ => None,
            }
        } else if caps.name("later").is_some() {
            self.years_later(earlier)
        } else if caps.name("lastmonth").is_some() {
            self.last_month()
        } else if caps.name("weekday").is_some() {
            self.weekday_date()
        } else if caps.name("thismonth").is_some() {
            let reference = self.reference;
            reference.and_then(|r| r.month.and_then(|m| date(r.year, Some(m), None)))
        } else if caps.name("lastyear").is_some() {
            ref_year.and_then(|y| date(y - 1, None, None))
        } else if caps.name("thisyear").is_some() {
            ref_year.and_then(|y| date(y, None, None))
        } else if caps.name("month").is_some() {
            self.month_after_cue(whole.start())
        } else if caps.name("year").is_some() {
            self.year_of("y9").and_then(|y| date(y, None, None))
        } else {
            None
        }
    }

    fn year_of(&self, name: &str) -> Option<i32> {
        self.caps
            .name(name)
            .and_then(|y| y.as_str().parse::<i32>().ok())
    }

    fn month_of(&self, name: &str) -> Option<u8> {
        self.caps.name(name).and_then(|m| month_number(m.as_str()))
    }

    fn month_in_ref_year(&self, month: u8) -> Option<i32> {
        let reference = self.reference?;
        match reference.month {
            // A month later than the article's month is last year's.
            Some(ref_month) if month > ref_month => Some(reference.year - 1),
            _ => Some(reference.year),
        }
    }

    /// "12 May 2021", "May 12, 2021", or with no year, in the article's.
    fn day_month_year(&self) -> Option<PartialDate> {
        let (d, m, y) = if self.caps.name("dmy").is_some() {
            ("d1", "m1", "y1")
        } else {
            ("d2", "m2", "y2")
        };
        let month = self.month_of(m);
        let day = self
            .caps
            .name(d)
            .and_then(|d| d.as_str().parse::<u8>().ok());
        match month {
            Some(month) => {
                let year = self.year_of(y).or_else(|| self.month_in_ref_year(month));
                year.and_then(|year| date(year, Some(month), day))
            }
            None => None,
        }
    }

    /// Relative to the last explicit year before it in the sentence.
    fn years_later(&self, earlier: &[DateMention]) -> Option<PartialDate> {
        let n = self.caps.name("n7").and_then(|n| number_word(n.as_str()));
        let base = earlier
            .iter()
            .rev()
            .find(|d| d.date.month.is_none())
            .map(|d| d.date.year);
        match (base, n) {
            (Some(y), Some(n)) => y.checked_add(n).and_then(|y| date(y, None, None)),
            _ => None,
        }
    }

    /// "last month": the month before the article's.
    fn last_month(&self) -> Option<PartialDate> {
        self.reference
            .and_then(|r| r.month.map(|m| (r.year, m)))
            .and_then(|(y, m)| {
                if m == 1 {
                    date(y - 1, Some(12), None)
                } else {
                    date(y, Some(m - 1), None)
                }
            })
    }

    /// A weekday: the last one on or before the article's date.
    fn weekday_date(&self) -> Option<PartialDate> {
        let weekday = self.caps.name("wd").and_then(|w| weekday(w.as_str()));
        match (self.reference, weekday) {
            (Some(r), Some(w)) if r.day.is_some() => {
                weekday_before(r, w, self.caps.name("wdlast").is_some())
            }
            // Without the article's day, the week is unknown: its month.
            (Some(r), _) => r.month.and_then(|m| date(r.year, Some(m), None)),
            _ => None,
        }
    }

    /// A month alone, in the article's year (or the year before). "May" is
    /// also a verb: only after "in", "since", "until", "by", "of", "from",
    /// "late", "early", "mid-" or "to".
    fn month_after_cue(&self, start: usize) -> Option<PartialDate> {
        let month = self.month_of("m8");
        let before = self.body[..start].trim_end();
        let cue = [
            "in", "since", "until", "by", "of", "from", "late", "early", "mid", "to", "last",
            "this", "that", "during", "before", "after",
        ]
        .iter()
        .any(|w| ends_with_cue(before, w));
        match month {
            Some(month) if cue || month != 5 => self
                .month_in_ref_year(month)
                .and_then(|y| date(y, Some(month), None)),
            _ => None,
        }
    }
}

/// True when `text` is the ASCII word `cue` or ends with it after a space or
/// a hyphen, ignoring ASCII case. Looks only at the end of `text`, so that a
/// line of many month names stays linear.
pub(super) fn ends_with_cue(text: &str, cue: &str) -> bool {
    let (text, cue) = (text.as_bytes(), cue.as_bytes());
    let Some(start) = text.len().checked_sub(cue.len()) else {
        return false;
    };
    text[start..].eq_ignore_ascii_case(cue)
        && (start == 0 || matches!(text[start - 1], b' ' | b'-'))
}

/// The date nearest to byte `pos` among `dates`, preferring one before it.
pub fn nearest(dates: &[DateMention], pos: usize) -> Option<PartialDate> {
    dates
        .iter()
        .min_by_key(|d| {
            if d.span.end <= pos {
                (pos - d.span.end) * 2
            } else {
                (d.span.start.saturating_sub(pos)) * 2 + 1
            }
        })
        .map(|d| d.date)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn check(text: &str, reference: Option<&str>, expected: &[&str]) {
        let reference = reference.map(|r| r.parse::<PartialDate>().unwrap());
        let got: Vec<String> = find_dates(text, Span::new(0, text.len()), reference)
            .iter()
            .map(|d| d.date.to_string())
            .collect();
        assert_eq!(got, expected, "dates in {text:?}");
    }

    #[test]
    fn explicit_dates() {
        check("On 3 January 2024, he spoke.", None, &["2024-01-03"]);
        check(
            "on October 12, 2022 and in May 2021",
            None,
            &["2022-10-12", "2021-05"],
        );
        check("the 2020 war", None, &["2020"]);
        check("in spring 2021", None, &["2021"]);
        check("the 10th of January", Some("2022"), &["2022-01-10"]);
    }

    #[test]
    fn relative_dates() {
        check(
            "Fast forward to September",
            Some("2022-10-13"),
            &["2022-09"],
        );
        check("In January, he", Some("2022-10-13"), &["2022-01"]);
        check("last month", Some("2022-10-13"), &["2022-09"]);
        check("last month", Some("2022-01-13"), &["2021-12"]);
        check("Only last week", Some("2022-10-13"), &["2022-10"]);
        check("Three years ago", Some("2022-10-13"), &["2019"]);
        check("In May of last year", Some("2022"), &["2021-05"]);
        check(
            "rejoined in 2005 but quit again seven years later",
            None,
            &["2005", "2012"],
        );
        check("in December", Some("2022-10-13"), &["2021-12"]);
    }

    /// A weekday is the last one on or before the article's date; without
    /// the article's day only its month is known.
    #[test]
    fn weekdays() {
        // 2022-09-22 was a Thursday.
        check("said on Sunday", Some("2022-09-22"), &["2022-09-18"]);
        check("By SUNDAY the toll", Some("2022-09-22"), &["2022-09-18"]);
        check("on Thursday", Some("2022-09-22"), &["2022-09-22"]);
        check("last Thursday", Some("2022-09-22"), &["2022-09-15"]);
        check("on Friday", Some("2022-09-22"), &["2022-09-16"]);
        // Across a month and a year.
        check("on Saturday", Some("2022-01-01"), &["2022-01-01"]);
        check("on Friday", Some("2022-01-01"), &["2021-12-31"]);
        check("on Monday", Some("2022-09"), &["2022-09"]);
        check("on Monday", Some("2022"), &[]);
        check("on Monday", None, &[]);
        check("Monday's talks", Some("2022-09-22"), &[]);
    }

    #[test]
    fn month_cues() {
        check("In May", Some("2022-10-13"), &["2022-05"]);
        check("in late May, not May", Some("2022-10-13"), &["2022-05"]);
        check("Since  May", Some("2022-10-13"), &["2022-05"]);
        check("Latin May", Some("2022-10-13"), &[]);
    }

    /// Each month name lowercased the whole sentence before it: quadratic
    /// on a long line of month names (a 240 KB line took 30 s in the fuzz
    /// build).
    #[test]
    fn many_month_names_stay_linear() {
        let text = " in May".repeat(200_000);
        let start = std::time::Instant::now();
        let got = find_dates(
            &text,
            Span::new(0, text.len()),
            PartialDate::new(2022, None, None).ok(),
        );
        assert_eq!(got.len(), 200_000);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    /// A huge count of years overflowed the year ("attempt to add with
    /// overflow" in the fuzz build).
    #[test]
    fn huge_year_counts_give_no_date() {
        check(
            "In 2005 it joined, and 2147483647 years later it left.",
            None,
            &["2005"],
        );
    }

    /// A phrase for each alternative of the date regex, in the cases it
    /// matches.
    pub(in crate::extract) const DATE_PHRASES: &[&str] = &[
        "3 January 2024",
        "3\u{a0}January 2024",
        "October\u{2009}12,\u{a0}2022",
        "the 10th of January",
        "\u{663} January",
        "October 12, 2022",
        "Sept. 14–15",
        "Oct \u{661}\u{662}th",
        "May 2021",
        "in may of last year",
        "In MAY OF LAST YEAR",
        "spring 2021",
        "three years ago",
        "Three YEARS later",
        "last month",
        "earlier this month",
        "later this week",
        "LAST WEEK",
        "on Monday",
        "ON SUNDAY",
        "last Friday",
        "by Sunday",
        "last year",
        "earlier this year",
        "in December",
        "since May",
        "the 2020 war",
    ];

    /// Each phrase matches the date regex and passes [`may_contain_date`]
    /// given whether it contains a date word; so does every sentence of the
    /// bundled articles that the regex matches.
    #[test]
    fn date_words_cover_the_regex() {
        let has_word = |body: &str| {
            let lower = body.to_ascii_lowercase();
            date_words().any(|w| lower.contains(w))
        };
        for phrase in DATE_PHRASES {
            assert!(regex().is_match(phrase), "{phrase:?} is no date");
            assert!(may_contain_date(phrase, has_word(phrase)), "{phrase:?}");
        }
        assert!(!may_contain_date("They march on.", false));
        for (_path, text) in crate::bundled_texts() {
            for sentence in crate::segment::sentences(&text) {
                let body = sentence.span.slice(&text);
                assert!(
                    !regex().is_match(body) || may_contain_date(body, has_word(body)),
                    "{body:?} was skipped"
                );
            }
        }
    }

    /// The groups of each match, searched on the match and one character
    /// of context, are those searched on the whole sentence.
    #[test]
    fn groups_from_the_match_and_its_context() {
        let check_groups = |body: &str| {
            for found in regex().find_iter(body) {
                let got = captures(body, found);
                let want = regex().captures_at(body, found.start());
                let spans = |caps: Option<regex::Captures<'_>>| {
                    caps.map(|c| c.iter().map(|g| g.map(|g| g.range())).collect::<Vec<_>>())
                };
                assert_eq!(spans(got), spans(want), "{body:?} at {}", found.start());
            }
        };
        for phrase in DATE_PHRASES {
            for suffix in [
                "",
                "x",
                "5",
                " 1",
                "th",
                ", 2020",
                "-3",
                " of last year",
                "é",
            ] {
                check_groups(&format!("{phrase}{suffix}"));
                check_groups(&format!("“{phrase}{suffix}"));
                check_groups(&format!("in {phrase}{suffix}’s"));
            }
        }
        for (_path, text) in crate::bundled_texts() {
            for sentence in crate::segment::sentences(&text) {
                check_groups(sentence.span.slice(&text));
            }
        }
    }

    #[test]
    fn no_reference_no_guess() {
        check("last month in September", None, &[]);
        check("It may rain", Some("2022-10-13"), &[]);
    }
}
