//! Health of every source, for `feedsmith status`: when it last ran, last worked, how many times
//! in a row it failed, what it yielded, and warnings for the quiet failures a run does not see
//! (a source that used to yield items now yields none, or bodies shrank to under half their
//! usual length: a changed page layout, usually). Pure functions over the runs the store keeps,
//! so the rules are tested without a database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::dates::rfc3339;

/// Successful runs before the latest that make up "usual".
const HISTORY: usize = 10;

/// One run of one source, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRun {
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub items: u32,
    /// Mean length in characters of the item bodies' text; 0 with no items.
    pub avg_body_len: u32,
    pub error: Option<String>,
}

impl SourceRun {
    pub fn succeeded(at: DateTime<Utc>, items: u32, avg_body_len: u32) -> SourceRun {
        SourceRun {
            at,
            ok: true,
            items,
            avg_body_len,
            error: None,
        }
    }

    pub fn failed(at: DateTime<Utc>, error: String) -> SourceRun {
        SourceRun {
            at,
            ok: false,
            items: 0,
            avg_body_len: 0,
            error: Some(error),
        }
    }
}

/// From a source's runs (oldest first, the latest included): the failures in a row up to now,
/// and, when the latest worked, the streak it ended. The two inputs of [`should_alert`].
pub fn streaks(runs: &[SourceRun]) -> (u32, u32) {
    let trailing = |rs: &[SourceRun]| rs.iter().rev().take_while(|r| !r.ok).count() as u32;
    match runs.split_last() {
        Some((last, before)) if last.ok => (0, trailing(before)),
        _ => (trailing(runs), 0),
    }
}

/// What `status` reports for one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    pub feed: String,
    pub source: String,
    pub last_run: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
    /// Items of the last successful run.
    pub items: Option<u32>,
    pub avg_body_len: Option<u32>,
    /// The error of the last run, when it failed.
    pub last_error: Option<String>,
    pub warnings: Vec<String>,
    /// Lasting problems of single articles (and site rules that matched nothing), with the
    /// runs in a row each has been met.
    pub problems: Vec<(String, u32)>,
}

/// Something about a working source that looks wrong: the quiet failures a fetch does not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concern {
    /// It used to yield items and now yields none.
    NoItems { usual: u32 },
    /// Its bodies are under half their usual length.
    Shrunk { avg: u32, usual: u32 },
}

impl Concern {
    /// What `status` says, with the figures.
    pub fn detail(&self) -> String {
        match self {
            Concern::NoItems { usual } => format!("yielded no items; it usually yields {usual}"),
            Concern::Shrunk { avg, usual } => format!(
                "bodies average {avg} characters, under half the usual {usual}; has the page layout changed?"
            ),
        }
    }

    /// What a run says: the same without the figures, which move from run to run, so a lasting
    /// concern is said once (and again when it clears), like a problem of one article.
    pub fn headline(&self) -> &'static str {
        match self {
            Concern::NoItems { .. } => {
                "yields no items now, though it used to; has the page or feed moved? (`feedsmith status` shows its history)"
            }
            Concern::Shrunk { .. } => {
                "its bodies shrank to under half their usual length; has the page layout changed? (`feedsmith status` shows the figures, `feedsmith explain URL` what is kept)"
            }
        }
    }

    /// Every headline, to tell concerns from other stored problems.
    pub const HEADLINES: [Concern; 2] = [
        Concern::NoItems { usual: 0 },
        Concern::Shrunk { avg: 0, usual: 0 },
    ];
}

/// What looks wrong with a source after its runs (oldest first, the latest included), judged
/// against its usual: the median of up to [`HISTORY`] successful runs before the latest.
pub fn concerns(runs: &[SourceRun]) -> Vec<Concern> {
    // Only a latest run that worked is judged: one that failed is FAILING instead.
    let Some((latest, before)) = runs.split_last().filter(|(l, _)| l.ok) else {
        return Vec::new();
    };
    let ok: Vec<&SourceRun> = before.iter().filter(|r| r.ok).collect();
    let ok = &ok[ok.len().saturating_sub(HISTORY)..];
    let mut out = Vec::new();
    match median(ok.iter().map(|r| r.items)) {
        Some(usual) if latest.items == 0 && usual > 0 => out.push(Concern::NoItems { usual }),
        _ => {}
    }
    if let Some(usual) = usual_body_len(before) {
        if latest.items > 0 && u64::from(latest.avg_body_len) * 2 < u64::from(usual) {
            out.push(Concern::Shrunk {
                avg: latest.avg_body_len,
                usual,
            });
        }
    }
    out
}

/// A source's usual body length: the median over its successful runs with items among
/// `before` (the latest [`HISTORY`] of them).
pub fn usual_body_len(before: &[SourceRun]) -> Option<u32> {
    let ok: Vec<&SourceRun> = before.iter().filter(|r| r.ok && r.items > 0).collect();
    median(
        ok[ok.len().saturating_sub(HISTORY)..]
            .iter()
            .map(|r| r.avg_body_len),
    )
}

impl SourceHealth {
    /// Sums up a source's runs, oldest first, with the problems of single articles the store
    /// holds for it.
    pub fn from_runs(
        feed: &str,
        source: &str,
        runs: &[SourceRun],
        problems: &[(String, u32)],
    ) -> SourceHealth {
        let consecutive_failures = runs.iter().rev().take_while(|r| !r.ok).count() as u32;
        let latest = runs.iter().rev().find(|r| r.ok);
        let warnings = concerns(runs).iter().map(Concern::detail).collect();
        // A concern the run stored is shown above with its figures.
        let problems = problems
            .iter()
            .filter(|(p, _)| !Concern::HEADLINES.iter().any(|c| c.headline() == p))
            .cloned()
            .collect();
        SourceHealth {
            feed: feed.to_string(),
            source: source.to_string(),
            last_run: runs.last().map(|r| r.at),
            last_success: latest.map(|r| r.at),
            consecutive_failures,
            items: latest.map(|r| r.items),
            avg_body_len: latest.map(|r| r.avg_body_len),
            last_error: runs.last().filter(|r| !r.ok).and_then(|r| r.error.clone()),
            warnings,
            problems,
        }
    }

    /// Failing, or working but with something to warn about or fix. (Not run yet is neither.)
    pub fn needs_attention(&self) -> bool {
        self.consecutive_failures > 0 || !self.warnings.is_empty() || !self.problems.is_empty()
    }
}

fn median(values: impl Iterator<Item = u32>) -> Option<u32> {
    let mut v: Vec<u32> = values.collect();
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

/// Whether `run` reports a source's failure (and exits 1), given `[site] alert_after`. The
/// default, 1, reports every failure (the plain cron contract). A larger N reports only the
/// failure that makes N in a row, so a flaky or long-broken source mails once rather than on
/// every cron run, and then the recovery that ends such a streak. `consecutive_failures` counts
/// the current run when it failed; on recovery it is the streak that just ended.
pub fn should_alert(consecutive_failures: u32, alert_after: u32, recovered: bool) -> bool {
    match (alert_after.max(1), recovered) {
        (1, false) => consecutive_failures >= 1,
        (n, true) => consecutive_failures >= n,
        (n, false) => consecutive_failures == n,
    }
}

/// Whether `run` reports a problem of one article met `seen` runs in a row: once, on the run that
/// makes it `alert_after` in a row (the first, by default). A lasting problem (an empty file, a
/// dead link) is someone's to fix, not news on every cron run; its clearing is said too.
pub fn should_report_item(seen: u32, alert_after: u32) -> bool {
    seen == alert_after.max(1)
}

fn when(d: Option<DateTime<Utc>>) -> String {
    d.map_or_else(|| "never".to_string(), rfc3339)
}

/// A worker's hold on a feed (PostgreSQL only), for `status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claim {
    pub feed: String,
    pub next_run_at: DateTime<Utc>,
    /// The worker holding the feed and until when, while one does.
    pub worker: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// Whether the lease has run out (its worker is gone or stuck; another takes it over).
    pub expired: bool,
    pub runs: u64,
}

/// The work queue's claims as text (PostgreSQL state): who holds which feed until when, which
/// leases ran out, and when each free feed is next due.
pub fn render_claims_text(claims: &[Claim]) -> String {
    let mut out = String::from("work queue (PostgreSQL)\n");
    let mut workers: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in claims {
        let line = match (&c.worker, c.lease_until) {
            (Some(w), Some(until)) if c.expired => {
                format!(
                    "lease of {w} ran out at {}; the next worker to look takes it over",
                    rfc3339(until)
                )
            }
            (Some(w), Some(until)) => {
                *workers.entry(w).or_default() += 1;
                format!("held by {w}, lease until {}", rfc3339(until))
            }
            _ => format!("next due {}", rfc3339(c.next_run_at)),
        };
        out.push_str(&format!("  {}: {line} ({} runs)\n", c.feed, c.runs));
    }
    match workers.is_empty() {
        true => out.push_str("  no worker holds a feed now\n"),
        false => {
            let list: Vec<String> = workers.iter().map(|(w, n)| format!("{w} ({n})")).collect();
            out.push_str(&format!("  workers holding feeds: {}\n", list.join(", ")));
        }
    }
    out
}

/// The report as text, one block per feed.
pub fn render_text(sources: &[SourceHealth]) -> String {
    let mut out = String::new();
    let mut feed = None;
    for s in sources {
        if feed != Some(&s.feed) {
            out.push_str(&format!("{}\n", s.feed));
            feed = Some(&s.feed);
        }
        let state = match (s.last_run, s.consecutive_failures) {
            (None, _) => "not run yet".to_string(),
            (Some(_), 0) if !s.warnings.is_empty() => "WARNING".to_string(),
            (Some(_), 0) if !s.problems.is_empty() => "ok, with problems".to_string(),
            (Some(_), 0) => "ok".to_string(),
            (Some(_), 1) => "FAILING".to_string(),
            (Some(_), n) => format!("FAILING ({n} runs in a row)"),
        };
        out.push_str(&format!("  {}: {state}\n", s.source));
        if s.last_run.is_some() {
            out.push_str(&format!(
                "    last run {}, last success {}\n",
                when(s.last_run),
                when(s.last_success)
            ));
        }
        if let Some(items) = s.items {
            out.push_str(&format!(
                "    {items} items, bodies {} characters on average\n",
                s.avg_body_len.unwrap_or_default()
            ));
        }
        if let Some(e) = &s.last_error {
            out.push_str(&format!("    last error: {e}\n"));
        }
        for w in &s.warnings {
            out.push_str(&format!("    warning: {w}\n"));
        }
        for (p, runs) in &s.problems {
            out.push_str(&format!("    problem ({runs} runs in a row): {p}\n"));
        }
    }
    out
}

/// The report as JSON: `{"sources": [...]}`, dates in RFC 3339.
/// The report as JSON; `claims` (the work queue, on PostgreSQL state) only when there is one.
pub fn render_json(sources: &[SourceHealth], claims: Option<&[Claim]>) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        sources: &'a [SourceHealth],
        #[serde(skip_serializing_if = "Option::is_none")]
        claims: Option<&'a [Claim]>,
    }
    let report = Report { sources, claims };
    let mut s = serde_json::to_string_pretty(&report).expect("plain data serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(minute: u32, ok: bool, items: u32, len: u32) -> SourceRun {
        SourceRun {
            at: DateTime::parse_from_rfc3339(&format!("2024-01-01T10:{minute:02}:00Z"))
                .unwrap()
                .with_timezone(&Utc),
            ok,
            items,
            avg_body_len: len,
            error: (!ok).then(|| "https://x.example/: HTTP 503".to_string()),
        }
    }

    #[test]
    fn failing_source_counts_its_streak_and_keeps_the_error() {
        let h = SourceHealth::from_runs(
            "world",
            "https://x.example/",
            &[
                run(0, true, 10, 2000),
                run(15, false, 0, 0),
                run(30, false, 0, 0),
            ],
            &[],
        );
        assert_eq!(h.consecutive_failures, 2);
        assert_eq!(h.last_run, Some(run(30, true, 0, 0).at));
        assert_eq!(h.last_success, Some(run(0, true, 0, 0).at));
        assert_eq!(h.items, Some(10));
        assert_eq!(
            h.last_error.as_deref(),
            Some("https://x.example/: HTTP 503")
        );
        assert!(h.needs_attention());
        let text = render_text(std::slice::from_ref(&h));
        assert!(
            text.contains("world\n  https://x.example/: FAILING (2 runs in a row)"),
            "{text}"
        );
        assert!(text.contains("last error: https://x.example/: HTTP 503"));
        let json: serde_json::Value = serde_json::from_str(&render_json(&[h], None)).unwrap();
        assert_eq!(json["sources"][0]["consecutive_failures"], 2);
        assert_eq!(json["sources"][0]["last_success"], "2024-01-01T10:00:00Z");
    }

    #[test]
    fn claims_say_who_holds_what_and_which_leases_ran_out() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let claim = |feed: &str, worker: Option<&str>, expired: bool| Claim {
            feed: feed.into(),
            next_run_at: at("2024-01-01T11:00:00Z"),
            worker: worker.map(Into::into),
            lease_until: worker.map(|_| at("2024-01-01T10:00:30Z")),
            expired,
            runs: 3,
        };
        let text = render_claims_text(&[
            claim("a", Some("box-1"), false),
            claim("b", Some("box-2"), true),
            claim("c", None, false),
        ]);
        assert!(
            text.contains("a: held by box-1, lease until 2024-01-01T10:00:30Z (3 runs)"),
            "{text}"
        );
        assert!(
            text.contains("b: lease of box-2 ran out at 2024-01-01T10:00:30Z"),
            "{text}"
        );
        assert!(text.contains("c: next due 2024-01-01T11:00:00Z"), "{text}");
        assert!(
            text.contains("workers holding feeds: box-1 (1)\n"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render_json(&[], Some(&[claim("a", None, false)]))).unwrap();
        assert_eq!(json["claims"][0]["feed"], "a");
        assert!(
            serde_json::from_str::<serde_json::Value>(&render_json(&[], None)).unwrap()["claims"]
                .is_null()
        );
    }

    #[test]
    fn warns_when_items_vanish_or_bodies_shrink() {
        let empty = SourceHealth::from_runs(
            "f",
            "s",
            &[
                run(0, true, 8, 1500),
                run(1, true, 9, 1600),
                run(2, true, 0, 0),
            ],
            &[],
        );
        assert_eq!(empty.consecutive_failures, 0);
        assert_eq!(empty.warnings, ["yielded no items; it usually yields 9"]);

        let short = SourceHealth::from_runs(
            "f",
            "s",
            &[
                run(0, true, 8, 1500),
                run(1, true, 8, 1600),
                run(2, true, 8, 700),
            ],
            &[],
        );
        assert_eq!(short.warnings.len(), 1);
        assert!(short.warnings[0].contains("under half the usual 1600"));
        assert!(render_text(&[short]).contains("warning: bodies average 700"));

        let fine = SourceHealth::from_runs(
            "f",
            "s",
            &[run(0, true, 8, 1500), run(1, true, 7, 900)],
            &[],
        );
        assert!(!fine.needs_attention(), "{:?}", fine.warnings);
        let first = SourceHealth::from_runs("f", "s", &[run(0, true, 0, 0)], &[]);
        assert!(first.warnings.is_empty(), "nothing usual yet");
    }

    #[test]
    fn streaks_count_failures_and_what_a_success_ended() {
        assert_eq!(streaks(&[]), (0, 0));
        assert_eq!(streaks(&[run(0, true, 1, 1), run(1, false, 0, 0)]), (1, 0));
        assert_eq!(
            streaks(&[run(0, false, 0, 0), run(1, false, 0, 0), run(2, true, 1, 1)]),
            (0, 2)
        );
        assert_eq!(streaks(&[run(0, true, 1, 1), run(1, true, 1, 1)]), (0, 0));
    }

    #[test]
    fn never_run() {
        let h = SourceHealth::from_runs("f", "s", &[], &[]);
        assert!(!h.needs_attention());
        assert!(render_text(&[h]).contains("s: not run yet"));
    }

    #[test]
    fn alerts_on_the_nth_failure_and_on_recovery_only() {
        // Default: the first failure alerts, the ones after do not.
        assert!(should_alert(1, 1, false));
        assert!(
            should_alert(2, 1, false),
            "the default reports every failure"
        );
        assert!(should_alert(1, 1, true));
        // alert_after = 3.
        assert!(!should_alert(1, 3, false));
        assert!(!should_alert(2, 3, false));
        assert!(should_alert(3, 3, false));
        assert!(!should_alert(4, 3, false));
        assert!(
            !should_alert(2, 3, true),
            "never reported, so no recovery notice"
        );
        assert!(should_alert(5, 3, true));
        assert!(!should_alert(0, 3, false));
        assert!(!should_alert(0, 1, true), "nothing to recover from");
    }
}
