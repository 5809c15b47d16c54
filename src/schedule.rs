//! Schedules: standard 5-field cron expressions (an optional 6th seconds field), evaluated in the
//! site's time zone. Cron mode asks "is this feed due?"; the daemon asks "when next?". Every
//! function takes `now` instead of reading the clock, so the timing logic is tested without
//! waiting.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use sha2::{Digest, Sha256};

/// Upper bound of the per-feed jitter, whatever the interval.
const MAX_JITTER: Duration = Duration::from_secs(30);

/// Occurrences sampled to find a schedule's shortest interval: enough to see a whole week of an
/// hourly schedule and three months of a weekday one.
const INTERVAL_SAMPLES: usize = 200;

/// How far ahead a schedule must fire at least once: one that never does (`0 0 31 2 *`) is a
/// mistake, and a daemon built on it would have nothing to wait for.
const MUST_FIRE_WITHIN_DAYS: i64 = 5 * 366;

#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    pattern: String,
}

impl Schedule {
    pub fn parse(pattern: &str) -> Result<Schedule, String> {
        let parser = CronParser::builder()
            .seconds(Seconds::Optional)
            .year(Year::Disallowed)
            .build();
        let schedule = parser
            .parse(pattern)
            .map(|cron| Schedule {
                cron,
                pattern: pattern.to_string(),
            })
            .map_err(|e| e.to_string())?;
        let now = Utc::now();
        let horizon = now + chrono::Duration::days(MUST_FIRE_WITHIN_DAYS);
        match schedule.next_after(now, chrono_tz::UTC) {
            Some(next) if next <= horizon => Ok(schedule),
            _ => {
                Err("it never fires in the next five years (check the day and month fields)".into())
            }
        }
    }

    /// The cron expression as written.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// First time strictly after `t` the schedule fires, evaluated in `tz`.
    pub fn next_after(&self, t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let local = t.with_timezone(&tz);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    }

    /// Due when the schedule fired at least once since the last run (or there was none).
    pub fn is_due(&self, last_run: Option<DateTime<Utc>>, now: DateTime<Utc>, tz: Tz) -> bool {
        match last_run {
            None => true,
            Some(last) => self.next_after(last, tz).is_some_and(|next| next <= now),
        }
    }

    /// The shortest gap between two consecutive firings, sampled from a fixed reference date so
    /// the answer (and so the RSS `ttl` built from it) never depends on when it is asked.
    /// `None` for a schedule that fires fewer than twice.
    pub fn min_interval(&self, tz: Tz) -> Option<Duration> {
        let reference = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single()?;
        let mut prev = self.next_after(reference, tz)?;
        let mut min: Option<Duration> = None;
        for _ in 0..INTERVAL_SAMPLES {
            let Some(next) = self.next_after(prev, tz) else {
                break;
            };
            let gap = (next - prev).to_std().ok()?;
            min = Some(min.map_or(gap, |m| m.min(gap)));
            prev = next;
        }
        min
    }

    /// Minutes readers may cache the feed (RSS `ttl`): the shortest interval, rounded up, at
    /// least 1.
    pub fn ttl_minutes(&self, tz: Tz) -> Option<u32> {
        self.min_interval(tz).map(|d| {
            u32::try_from(d.as_secs().div_ceil(60))
                .unwrap_or(u32::MAX)
                .max(1)
        })
    }

    /// How long after each firing this feed actually runs: fixed per feed name (so restarts do
    /// not move it) and spread over up to a tenth of the interval, at most 30 s, so feeds that
    /// share a schedule do not all hit their hosts in the same second.
    pub fn jitter(&self, feed: &str, tz: Tz) -> Duration {
        let Some(interval) = self.min_interval(tz) else {
            return Duration::ZERO;
        };
        let bound = (interval / 10).min(MAX_JITTER);
        let fraction = name_hash(feed) as f64 / (u64::MAX as f64 + 1.0);
        Duration::from_millis((bound.as_millis() as f64 * fraction) as u64)
    }

    /// When the daemon next refreshes `feed`: the next firing strictly after `after`, plus the
    /// feed's jitter.
    pub fn next_run(&self, feed: &str, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let jitter = self.jitter(feed, tz);
        let next = self.next_after(after, tz)?;
        Some(next + chrono::Duration::from_std(jitter).unwrap_or_default())
    }
}

/// A feed name's hash, the same on every machine, build and run (unlike std's randomised
/// hasher): what spreads feeds over time (the daemon's jitter) and over machines
/// (`run --shard`). The first 8 bytes of the name's SHA-256.
pub fn name_hash(feed: &str) -> u64 {
    let digest = Sha256::digest(feed.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn five_and_six_fields() {
        assert!(Schedule::parse("*/15 * * * *").is_ok());
        assert!(Schedule::parse("*/10 * * * * *").is_ok());
        assert!(Schedule::parse("not a cron").is_err());
        let never = Schedule::parse("0 0 31 2 *").unwrap_err();
        assert!(never.contains("never fires"), "{never}");
        assert!(
            Schedule::parse("0 0 0 1 1 * 2030").is_err(),
            "no year field"
        );
    }

    #[test]
    fn seconds_field_fires_within_the_minute() {
        let s = Schedule::parse("*/10 * * * * *").unwrap();
        assert_eq!(
            s.next_after(utc("2024-01-01T10:00:00Z"), chrono_tz::UTC),
            Some(utc("2024-01-01T10:00:10Z"))
        );
        assert_eq!(
            s.min_interval(chrono_tz::UTC),
            Some(Duration::from_secs(10))
        );
        assert_eq!(s.ttl_minutes(chrono_tz::UTC), Some(1));
    }

    #[test]
    fn due_since_last_run() {
        let s = Schedule::parse("*/15 * * * *").unwrap();
        let last = utc("2024-01-01T10:00:00Z");
        assert!(!s.is_due(Some(last), utc("2024-01-01T10:14:59Z"), chrono_tz::UTC));
        assert!(s.is_due(Some(last), utc("2024-01-01T10:15:00Z"), chrono_tz::UTC));
        assert!(s.is_due(None, last, chrono_tz::UTC));
    }

    #[test]
    fn time_zone_aware() {
        let s = Schedule::parse("0 9 * * *").unwrap();
        let dubai: Tz = "Asia/Dubai".parse().unwrap();
        assert_eq!(
            s.next_after(utc("2024-01-01T00:00:00Z"), dubai),
            Some(utc("2024-01-01T05:00:00Z"))
        );
    }

    #[test]
    fn ttl_is_the_shortest_interval() {
        let tz = chrono_tz::UTC;
        let ttl = |p: &str| Schedule::parse(p).unwrap().ttl_minutes(tz);
        assert_eq!(ttl("*/15 * * * *"), Some(15));
        assert_eq!(ttl("0 * * * *"), Some(60));
        assert_eq!(
            ttl("0 9 * * 1-5"),
            Some(24 * 60),
            "weekdays: a day, not the weekend gap"
        );
        assert_eq!(ttl("0 9,17 * * *"), Some(8 * 60));
    }

    #[test]
    fn jitter_is_fixed_per_feed_and_bounded() {
        let tz = chrono_tz::UTC;
        let quarter = Schedule::parse("*/15 * * * *").unwrap();
        assert_eq!(quarter.jitter("world", tz), quarter.jitter("world", tz));
        assert_ne!(quarter.jitter("world", tz), quarter.jitter("sport", tz));
        for name in ["a", "b", "world", "sport", "tech-news"] {
            assert!(quarter.jitter(name, tz) < Duration::from_secs(30));
            let minute = Schedule::parse("* * * * *").unwrap();
            assert!(
                minute.jitter(name, tz) < Duration::from_secs(6),
                "10% of a minute"
            );
        }
        let next = quarter
            .next_run("world", utc("2024-01-01T10:00:00Z"), tz)
            .unwrap();
        let jitter = chrono::Duration::from_std(quarter.jitter("world", tz)).unwrap();
        assert_eq!(next, utc("2024-01-01T10:15:00Z") + jitter);
    }
}
