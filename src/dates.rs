//! The one place for dates: parsing what sources write (with an explicit time zone for naive
//! times), keeping them plausible, and formatting them for each feed format.
//!
//! A parsed date keeps the offset it was written with (`17:53-07:00` stays on the 16th, its
//! calendar day where it was written); feeds convert to UTC only when they print a timestamp.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Earliest date feedsmith believes; anything before is a parsing accident.
pub fn earliest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0).unwrap()
}

/// Rejects dates before 1990 and clamps dates after `now` to `now` (in the date's own offset):
/// a feed never carries a future date (readers sort by it, and a future date pins an item to
/// the top).
pub fn plausible(date: DateTime<FixedOffset>, now: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
    if date < earliest() {
        None
    } else if date > now {
        Some(now.with_timezone(date.offset()))
    } else {
        Some(date)
    }
}

/// Parses a date as sources write it: RFC 3339, RFC 2822, ISO-like forms with or without a
/// zone, and common English forms ("16 June 2014 15:20 GMT", "June 16, 2014"). A time without
/// a zone is read in `tz`. The offset stays as written (or as `tz` has it at that time).
pub fn parse(input: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let s = input.trim().trim_end_matches('.');
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    // Zone names that chrono's %Z cannot parse: normalise the common ones to offsets.
    let (body, offset) = split_zone(s);
    const WITH_OFFSET: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M%z",
    ];
    if offset.is_none() {
        for f in WITH_OFFSET {
            if let Ok(d) = DateTime::parse_from_str(body, f) {
                return Some(d);
            }
        }
    }
    const NAIVE: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%d %B %Y %H:%M",
        "%d %b %Y %H:%M",
        "%d %B %Y %H:%M:%S",
        "%d %b %Y %H:%M:%S",
        "%B %d, %Y %H:%M",
        "%b %d, %Y %H:%M",
        "%B %d, %Y %I:%M %p",
        "%b %d, %Y %I:%M %p",
        "%B %d, %Y, %I:%M %p",
        "%b %d, %Y, %I:%M %p",
        "%d/%m/%Y %H:%M",
        // Tried after day-first, so only a date whose day-first reading fails ("2/24/2026").
        "%m/%d/%Y %H:%M",
        "%a, %d %b %Y %H:%M:%S",
        "%A, %d %B %Y %H:%M",
        "%A %d %B %Y %H:%M",
    ];
    let cleaned = clean_words(body);
    for f in NAIVE {
        if let Ok(n) = NaiveDateTime::parse_from_str(&cleaned, f) {
            return Some(localize(n, offset, tz));
        }
    }
    const DATE_ONLY: &[&str] = &[
        "%Y-%m-%d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%b %d %Y",
        "%A, %d %B %Y",
        "%A, %B %d, %Y",
        "%a, %d %b %Y",
        "%d/%m/%Y",
        "%m/%d/%Y",
        "%Y/%m/%d",
        "%d.%m.%Y",
    ];
    for f in DATE_ONLY {
        if let Ok(d) = NaiveDate::parse_from_str(&cleaned, f) {
            return Some(localize(d.and_hms_opt(0, 0, 0)?, offset, tz));
        }
    }
    None
}

/// Strips ordinal suffixes ("16th") and "at" between date and time, and folds white space.
fn clean_words(s: &str) -> String {
    let words: Vec<String> = s
        .split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("at") && *w != "-" && *w != "|")
        .map(|w| {
            let (word, trail) = match w.strip_suffix(',') {
                Some(x) => (x, ","),
                None => (w, ""),
            };
            let lower = word.to_ascii_lowercase();
            for suffix in ["st", "nd", "rd", "th"] {
                if let Some(digits) = lower.strip_suffix(suffix) {
                    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                        return format!("{digits}{trail}");
                    }
                }
            }
            w.to_string()
        })
        .collect();
    words.join(" ")
}

/// Splits a trailing zone ("GMT", "UTC", "+04:00", "EST") off a date string.
fn split_zone(s: &str) -> (&str, Option<i32>) {
    let Some((head, last)) = s.rsplit_once(' ') else {
        return (s, None);
    };
    let named = match last.trim_matches(|c| c == '(' || c == ')') {
        "GMT" | "UTC" | "Z" | "UT" => Some(0),
        "BST" | "CET" => Some(3600),
        "CEST" | "EET" => Some(7200),
        "EEST" | "MSK" => Some(3 * 3600),
        "EST" => Some(-5 * 3600),
        "EDT" | "CST" => Some(if last == "CST" { -6 * 3600 } else { -4 * 3600 }),
        "CDT" => Some(-5 * 3600),
        "MST" => Some(-7 * 3600),
        "MDT" => Some(-6 * 3600),
        "PST" => Some(-8 * 3600),
        "PDT" => Some(-7 * 3600),
        "IST" => Some(5 * 3600 + 1800),
        "JST" | "KST" => Some(9 * 3600),
        z => parse_offset(z),
    };
    match named {
        Some(o) => (head, Some(o)),
        None => (s, None),
    }
}

fn parse_offset(z: &str) -> Option<i32> {
    let z = z
        .strip_prefix("GMT")
        .or_else(|| z.strip_prefix("UTC"))
        .unwrap_or(z);
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let (h, m) = if digits.len() <= 2 {
        (digits.parse::<i32>().ok()?, 0)
    } else {
        let (h, m) = digits.split_at(digits.len() - 2);
        (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

fn localize(n: NaiveDateTime, offset: Option<i32>, tz: Tz) -> DateTime<FixedOffset> {
    match offset.and_then(FixedOffset::east_opt) {
        Some(o) => o.from_local_datetime(&n).unwrap(),
        // A naive time in a DST gap has no instant: take the earliest reading, else UTC.
        None => tz
            .from_local_datetime(&n)
            .earliest()
            .map(|d| d.fixed_offset())
            .unwrap_or_else(|| Utc.from_utc_datetime(&n).fixed_offset()),
    }
}

/// RFC 822 as RSS wants it: correct weekday, numeric zone.
pub fn rfc822(d: DateTime<Utc>) -> String {
    d.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// RFC 3339 in UTC with a `Z`, second precision (Atom, JSON Feed).
pub fn rfc3339(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// An instant as written (equality compares instants; offsets are checked apart).
    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn parses_common_forms() {
        let tz: Tz = "UTC".parse().unwrap();
        assert_eq!(
            parse("16 June 2014 15:20 GMT", tz),
            Some(at("2014-06-16T15:20:00Z"))
        );
        assert_eq!(
            parse("2014-06-16T15:20:00+04:00", tz),
            Some(at("2014-06-16T11:20:00Z"))
        );
        assert_eq!(
            parse("Mon, 16 Jun 2014 15:20:00 +0000", tz),
            Some(at("2014-06-16T15:20:00Z"))
        );
        assert_eq!(
            parse("June 16th, 2014", tz),
            Some(at("2014-06-16T00:00:00Z"))
        );
        assert_eq!(
            parse("Jun 16, 2014 3:20 PM EDT", tz),
            Some(at("2014-06-16T19:20:00Z"))
        );
        assert_eq!(parse("yesterday", tz), None);
    }

    #[test]
    fn numeric_dates_read_month_first_only_when_day_first_cannot_be() {
        let tz: Tz = "UTC".parse().unwrap();
        let day = |s: &str| parse(s, tz).map(|d| d.date_naive().to_string());
        // A day past 12 in second place: American order.
        assert_eq!(day("2/24/2026").as_deref(), Some("2026-02-24"));
        assert_eq!(day("10/31/2024 14:05").as_deref(), Some("2024-10-31"));
        // Either way possible: day first, as before.
        assert_eq!(day("03/04/2025").as_deref(), Some("2025-04-03"));
        assert_eq!(day("13/14/2025"), None);
    }

    #[test]
    fn naive_times_use_the_configured_zone() {
        let dubai: Tz = "Asia/Dubai".parse().unwrap();
        assert_eq!(
            parse("2014-06-16 15:20", dubai),
            Some(at("2014-06-16T11:20:00Z"))
        );
    }

    #[test]
    fn implausible_dates_are_rejected_or_clamped() {
        let now = utc("2020-01-01T00:00:00Z");
        assert_eq!(plausible(at("1970-01-01T00:00:00Z"), now), None);
        let clamped = plausible(at("2030-01-01T00:00:00+02:00"), now).unwrap();
        assert_eq!(clamped, now);
        assert_eq!(clamped.offset().local_minus_utc(), 7200);
    }

    #[test]
    fn the_offset_and_calendar_day_stay_as_written() {
        let tz: Tz = "UTC".parse().unwrap();
        // In UTC this is the 17th; the writer's day is the 16th.
        for written in [
            "2024-01-16T17:53:00-07:00",
            "2024-01-16T17:53:00-0700",
            "2024-01-16 17:53-07:00",
            "Tue, 16 Jan 2024 17:53:00 -0700",
            "Jan 16, 2024 5:53 PM PDT",
        ] {
            let d = parse(written, tz).unwrap();
            assert_eq!(d.date_naive().to_string(), "2024-01-16", "{written}");
            assert_eq!(d.offset().local_minus_utc(), -7 * 3600, "{written}");
            assert_eq!(rfc3339(d.to_utc()), "2024-01-17T00:53:00Z", "{written}");
        }
        // A naive time takes the configured zone's offset at that date.
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let d = parse("2024-07-16 17:53", la).unwrap();
        assert_eq!(d.offset().local_minus_utc(), -7 * 3600);
        assert_eq!(d.date_naive().to_string(), "2024-07-16");
    }

    #[test]
    fn rfc822_has_weekday_and_numeric_zone() {
        assert_eq!(
            rfc822(utc("2014-06-16T15:20:00Z")),
            "Mon, 16 Jun 2014 15:20:00 +0000"
        );
    }
}
