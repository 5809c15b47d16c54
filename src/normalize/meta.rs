//! Metadata carried by chrome lines: a scraped page states its dates and byline in lines that
//! are dropped from the body ("Published: 16 June 2014 15:20 GMT", "By Jane Doe", "Last updated
//! 3 hours ago"). This module reads them before they go.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use chrono_tz::Tz;
use regex::Regex;

use super::chrome::is_timestamp;
use super::context::Context;

/// What one line says about the article.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Published(DateTime<FixedOffset>),
    Updated(DateTime<FixedOffset>),
    /// A date without a label: the publication date unless a labelled one turns up.
    Date(DateTime<FixedOffset>),
    Authors(Vec<String>),
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(first\s)?published|posted|date|(?:last\s)?updated|modified|last\smodified|опубликовано|обновлено|publicado|atualizado|기사입력|입력|수정|更新|公開)(?:\s?(?:on|at|:|：|-))*\s*",
    )
    .unwrap()
});

/// Whether `text` opens with a date's label ("Updated", "Published on"): a name never does.
pub fn date_label(text: &str) -> bool {
    LABEL.find(text).is_some_and(|m| m.end() > 0)
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:by|written\sby|words\sby|author|autor|автор|por)\s?:?\s+(.+)$").unwrap()
});

/// Numeric and bracketed date lines that the word test does not cover ("[ 2018-08-25 15:24 ]").
static DATE_LIKE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\[(]?\s*\d{1,4}[-./]\d{1,2}[-./]\d{1,4}(?:[\sT]\d{1,2}:\d{2}(?::\d{2})?)?\s*[\])]?$",
    )
    .unwrap()
});

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(an?|\d{1,3})\s(second|sec|minute|min|hour|hr|day|week)s?\sago\b").unwrap()
});

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,2}):(\d{2})(?::\d{2})?\s?([ap])\.?m\.?|\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b",
    )
    .unwrap()
});

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?\s([a-z]{3,9})\.?,?\s(\d{4})|([a-z]{3,9})\.?\s(\d{1,2})(?:st|nd|rd|th)?,?\s(\d{4})|(\d{4})[-./](\d{1,2})[-./](\d{1,2}))\b",
    )
    .unwrap()
});

static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(UTC|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|IST|JST|KST|MSK|ET|PT|CT|MT)\b",
    )
    .unwrap()
});

/// What `line` says, if it is a date or byline line. Relative dates ("3 hours ago") need
/// `ctx.file_time`; without it they say nothing.
pub fn harvest(line: &str, ctx: &Context) -> Option<Found> {
    let line = line.trim();
    if line.chars().count() > 120 {
        return None;
    }
    if let Some(names) = byline(line) {
        return Some(Found::Authors(names));
    }
    let (label, rest) = match LABEL.find(line) {
        Some(m) if m.end() > 0 => {
            let label = m.as_str().to_lowercase();
            let updated = [
                "updated",
                "modified",
                "обновлено",
                "atualizado",
                "수정",
                "更新",
            ]
            .iter()
            .any(|u| label.contains(u));
            (
                Some(if updated {
                    Label::Updated
                } else {
                    Label::Published
                }),
                &line[m.end()..],
            )
        }
        _ => (None, line),
    };
    // Every date form read here has a digit, or is relative ("an hour ago"); most lines
    // have neither, and parsing is the costly part.
    if !rest.bytes().any(|b| b.is_ascii_digit()) && !rest.contains("ago") {
        return None;
    }
    // Without a label, a date line is a bare date or a short unfinished line around one (a
    // site or author name and the date): "The vote is on 3 May 2020." is a sentence that
    // mentions a date.
    let short_unfinished = rest
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
        <= 12
        && !super::lexical::ends_sentence(rest);
    // A quoted post's signature ("— Jane Doe (@jane) November 18, 2019") and a link carry
    // someone else's date.
    let quoted = rest.starts_with(['—', '–', '-']) || rest.contains('@') || rest.contains("http");
    if label.is_none() && quoted {
        return None;
    }
    if label.is_none()
        && !short_unfinished
        && !is_timestamp(&super::lexical::fold(rest))
        && !DATE_LIKE_LINE.is_match(rest)
    {
        return None;
    }
    let date = relative(rest, ctx.file_time).or_else(|| date_in(rest, ctx.timezone))?;
    Some(match label {
        Some(Label::Published) => Found::Published(date),
        Some(Label::Updated) => Found::Updated(date),
        None => Found::Date(date),
    })
}

enum Label {
    Published,
    Updated,
}

/// The date of a dateline opening a paragraph ("LONDON, 16 June 2014 — The Bank ..."): the
/// capitalised place, then a date, before the dash that starts the story.
pub fn dateline(paragraph: &str, ctx: &Context) -> Option<DateTime<FixedOffset>> {
    static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\p{Lu}[\p{Lu}\s.'’-]{1,40},\s([^—–]{6,40}?)\s(?:\(\w+\)\s)?[—–-]\s").unwrap()
    });
    let date = DATELINE.captures(paragraph)?.get(1)?.as_str();
    date_in(date, ctx.timezone)
}

/// Authors of a "By Jane Doe and John Roe" line: two to four capitalised words a name (one
/// word is a desk or a site: "By Admin", "Cleveland.com").
pub fn byline(line: &str) -> Option<Vec<String>> {
    let rest = BYLINE.captures(line.trim())?.get(1)?.as_str();
    // "By Jane Doe, Reuters" and "By Jane Doe | Updated ..." carry more than names.
    let rest = rest.split(['|', '•', '·']).next()?.trim();
    let names: Vec<String> = rest
        .split([',', '&', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|s| s.trim().to_string())
        .filter(|s| is_name(s))
        .collect();
    (!names.is_empty()).then_some(names)
}

fn is_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase())
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        })
}

fn relative(s: &str, anchor: Option<DateTime<Utc>>) -> Option<DateTime<FixedOffset>> {
    let anchor = anchor?;
    let c = RELATIVE.captures(s)?;
    let n: i64 = match &c[1] {
        "a" | "an" | "A" | "An" => 1,
        d => d.parse().ok()?,
    };
    let unit = c[2].to_lowercase();
    let d = match unit.as_str() {
        "second" | "sec" => Duration::seconds(n),
        "minute" | "min" => Duration::minutes(n),
        "hour" | "hr" => Duration::hours(n),
        "day" => Duration::days(n),
        _ => Duration::weeks(n),
    };
    Some((anchor - d).fixed_offset())
}

/// A date anywhere in `s`, with its time of day and zone when given, read through
/// [`crate::dates::parse`] in a form it knows.
fn date_in(s: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let whole = s.trim().trim_end_matches(['|', '-', '–', ',']).trim();
    if let Some(d) = crate::dates::parse(whole, tz) {
        return Some(d);
    }
    let c = DAY_MONTH_YEAR.captures(s)?;
    let date = if let Some(day) = c.get(1) {
        format!("{} {} {}", day.as_str(), month(&c[2])?, &c[3])
    } else if let Some(mon) = c.get(4) {
        format!("{} {} {}", &c[5], month(mon.as_str())?, &c[6])
    } else {
        format!("{} {} {}", &c[9], month_number(&c[8])?, &c[7])
    };
    let time = TIME.captures(s).and_then(|t| {
        if let Some(h) = t.get(1) {
            let mut h: u32 = h.as_str().parse().ok()?;
            let pm = t[3].eq_ignore_ascii_case("p");
            if h == 12 {
                h = 0;
            }
            if pm {
                h += 12;
            }
            Some(format!("{h:02}:{}", &t[2]))
        } else {
            Some(format!("{}:{}", &t[4], &t[5]))
        }
    });
    let (zone, tz) = match ZONE.captures(s).map(|z| z[1].to_string()) {
        // US zone names without standard/daylight: the zone's own rules decide.
        Some(z) if z.len() == 2 => (None, us_zone(&z).unwrap_or(tz)),
        Some(z) => (Some(z), tz),
        None => (None, tz),
    };
    let text = match (time, zone) {
        (Some(t), Some(z)) => format!("{date} {t} {z}"),
        (Some(t), None) => format!("{date} {t}"),
        (None, _) => date,
    };
    crate::dates::parse(&text, tz)
}

fn us_zone(z: &str) -> Option<Tz> {
    Some(match z {
        "ET" => chrono_tz::America::New_York,
        "CT" => chrono_tz::America::Chicago,
        "MT" => chrono_tz::America::Denver,
        "PT" => chrono_tz::America::Los_Angeles,
        _ => return None,
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// English month name or abbreviation ("Sept", "Nov") to its full name.
fn month(word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    let head: String = w.chars().take(3).collect();
    if head.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|m| {
            let m = m.to_lowercase();
            m == w || (m.starts_with(&head) && (w == head || w == "sept"))
        })
        .copied()
}

fn month_number(n: &str) -> Option<&'static str> {
    let i: usize = n.parse().ok()?;
    MONTHS.get(i.checked_sub(1)?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{chrome::Rules, learn::Learned};
    use chrono::TimeZone;

    fn with_ctx<T>(file_time: Option<DateTime<Utc>>, f: impl FnOnce(&Context) -> T) -> T {
        let rules = Rules::default();
        let learned = Learned::default();
        let ctx = Context {
            file_time,
            ..Context::new(
                Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
                &rules,
                &learned,
            )
        };
        f(&ctx)
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .fixed_offset()
    }

    #[test]
    fn labelled_dates() {
        with_ctx(None, |ctx| {
            assert_eq!(
                harvest("Published: 16 June 2014 15:20 GMT", ctx),
                Some(Found::Published(at(2014, 6, 16, 15, 20)))
            );
            assert_eq!(
                harvest("Updated: June 17, 2014", ctx),
                Some(Found::Updated(at(2014, 6, 17, 0, 0)))
            );
            assert_eq!(
                harvest("Published 10:02 AM EST Nov 19, 2019", ctx),
                Some(Found::Published(at(2019, 11, 19, 15, 2)))
            );
            assert_eq!(
                harvest("Nov. 19, 2019 8:03 am ET", ctx),
                Some(Found::Date(at(2019, 11, 19, 13, 3)))
            );
            assert_eq!(
                harvest("기사입력 :[ 2018-08-25 15:24 ]", ctx),
                Some(Found::Published(at(2018, 8, 25, 15, 24)))
            );
            assert_eq!(harvest("Published: Updated:", ctx), None);
            assert_eq!(harvest("The vote is on 3 May.", ctx), None);
            assert_eq!(harvest("The vote is on 3 May 2020.", ctx), None);
            assert_eq!(
                harvest("— Jane Doe (@janedoe) November 18, 2019", ctx),
                None
            );
            assert_eq!(
                harvest("19 November 2019", ctx),
                Some(Found::Date(at(2019, 11, 19, 0, 0)))
            );
            assert_eq!(
                dateline(
                    "LONDON, 16 June 2014 — The Bank of England held rates.",
                    ctx
                ),
                Some(at(2014, 6, 16, 0, 0))
            );
            assert_eq!(
                dateline(
                    "NEW YORK (Reuters) - Oil prices fell sharply on Tuesday.",
                    ctx
                ),
                None
            );
        });
    }

    #[test]
    fn relative_dates_need_the_file_time() {
        let file_time = at(2019, 11, 19, 12, 0).to_utc();
        with_ctx(Some(file_time), |ctx| {
            assert_eq!(
                harvest("Last updated 3 hours ago", ctx),
                Some(Found::Updated(at(2019, 11, 19, 9, 0)))
            );
            assert_eq!(
                harvest("2 days ago", ctx),
                Some(Found::Date(at(2019, 11, 17, 12, 0)))
            );
        });
        with_ctx(None, |ctx| assert_eq!(harvest("3 hours ago", ctx), None));
    }

    #[test]
    fn bylines() {
        with_ctx(None, |ctx| {
            assert_eq!(
                harvest("By Jane Doe", ctx),
                Some(Found::Authors(vec!["Jane Doe".into()]))
            );
            assert_eq!(
                harvest("By Jane Doe and John Roe | Reuters", ctx),
                Some(Found::Authors(vec!["Jane Doe".into(), "John Roe".into()]))
            );
            assert_eq!(harvest("By the way, it rained all day.", ctx), None);
        });
    }
}
