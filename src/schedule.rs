//! Schedules: standard 5-field cron expressions (an optional 6th seconds field), evaluated in the
//! site's time zone. Cron mode asks "is this feed due?"; the daemon asks "when next?".

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;

#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
}

impl Schedule {
    pub fn parse(pattern: &str) -> Result<Schedule, String> {
        Cron::from_str(pattern)
            .map(|cron| Schedule { cron })
            .map_err(|e| e.to_string())
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
}
