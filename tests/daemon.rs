//! The daemon on tokio's paused clock with a fake refresher: refreshes on schedule, one at a
//! time per feed, and a shutdown lets the refresh in progress finish. Then the real binary,
//! stopped with SIGTERM.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use feedsmith::daemon::{run, DaemonFeed, TokioClock};
use feedsmith::schedule::Schedule;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn feed(name: &str, pattern: &str, last_run: Option<DateTime<Utc>>) -> DaemonFeed {
    DaemonFeed {
        name: name.into(),
        schedule: Schedule::parse(pattern).unwrap(),
        last_run,
    }
}

#[derive(Default)]
struct Log {
    /// (feed, clock time) at each refresh start.
    started: Vec<(String, DateTime<Utc>)>,
    finished: usize,
    in_flight: usize,
    max_in_flight: usize,
}

/// A refresher that takes `takes` and records what the daemon asked of it.
fn fake(
    log: Arc<Mutex<Log>>,
    clock: Arc<TokioClock>,
    takes: Duration,
) -> impl Fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Clone {
    move |name: String| {
        let (log, clock) = (log.clone(), clock.clone());
        Box::pin(async move {
            {
                let mut l = log.lock().unwrap();
                l.started
                    .push((name, feedsmith::daemon::Clock::now(&*clock)));
                l.in_flight += 1;
                l.max_in_flight = l.max_in_flight.max(l.in_flight);
            }
            tokio::time::sleep(takes).await;
            let mut l = log.lock().unwrap();
            l.in_flight -= 1;
            l.finished += 1;
        })
    }
}

#[tokio::test(start_paused = true)]
async fn refreshes_a_one_second_feed_on_schedule_then_stops() {
    let clock = Arc::new(TokioClock::starting_at(utc("2024-01-01T00:00:00.500Z")));
    let log = Arc::new(Mutex::new(Log::default()));
    run(
        vec![feed(
            "tick",
            "* * * * * *",
            Some(utc("2024-01-01T00:00:00Z")),
        )],
        chrono_tz::UTC,
        clock.clone(),
        fake(log.clone(), clock.clone(), Duration::from_millis(10)),
        tokio::time::sleep(Duration::from_millis(5_200)),
    )
    .await;
    let l = log.lock().unwrap();
    let times: Vec<DateTime<Utc>> = l.started.iter().map(|(_, t)| *t).collect();
    // Fired at :01 .. :05 (plus jitter under 100 ms, a tenth of the interval).
    assert_eq!(times.len(), 5, "{times:?}");
    for (i, t) in times.iter().enumerate() {
        let second = utc("2024-01-01T00:00:00Z") + chrono::Duration::seconds(i as i64 + 1);
        assert!(
            *t >= second && *t < second + chrono::Duration::milliseconds(100),
            "{t}"
        );
    }
    assert_eq!(l.finished, 5);
}

#[tokio::test(start_paused = true)]
async fn never_run_feed_goes_first_and_slow_refreshes_do_not_overlap() {
    let clock = Arc::new(TokioClock::starting_at(utc("2024-01-01T00:00:00Z")));
    let log = Arc::new(Mutex::new(Log::default()));
    run(
        vec![feed("slow", "* * * * * *", None)],
        chrono_tz::UTC,
        clock.clone(),
        // Each refresh takes 2.5 schedule intervals.
        fake(log.clone(), clock.clone(), Duration::from_millis(2_500)),
        tokio::time::sleep(Duration::from_millis(6_000)),
    )
    .await;
    let l = log.lock().unwrap();
    assert_eq!(l.max_in_flight, 1, "one refresh of a feed at a time");
    assert!(
        l.started[0].1 < utc("2024-01-01T00:00:00.100Z"),
        "runs at once"
    );
    // 0.0 -> 2.5, then next firing 3.0 -> 5.5, then 6.0 is after the shutdown.
    assert_eq!(l.started.len(), 2, "missed firings are skipped, not queued");
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_the_refresh_in_progress() {
    let clock = Arc::new(TokioClock::starting_at(utc("2024-01-01T00:00:00Z")));
    let log = Arc::new(Mutex::new(Log::default()));
    let started = tokio::time::Instant::now();
    run(
        vec![
            feed("a", "*/15 * * * *", None),
            feed("b", "*/15 * * * *", Some(utc("2024-01-01T00:00:00Z"))),
        ],
        chrono_tz::UTC,
        clock.clone(),
        fake(log.clone(), clock.clone(), Duration::from_secs(40)),
        // Arrives while `a` is refreshing; `b` is waiting for 00:15.
        tokio::time::sleep(Duration::from_secs(35)),
    )
    .await;
    let l = log.lock().unwrap();
    assert_eq!(l.started.len(), 1);
    assert_eq!(l.started[0].0, "a");
    assert_eq!(l.finished, 1, "the refresh in progress completed");
    assert!(started.elapsed() >= Duration::from_secs(40));
    assert!(
        started.elapsed() < Duration::from_secs(15 * 60),
        "did not wait for b"
    );
}

/// The real binary: `daemon --serve` on a one-second schedule refreshes more than once, serves
/// what it wrote, and exits cleanly on SIGTERM without leaving temp files.
#[cfg(unix)]
#[test]
fn binary_daemon_refreshes_serves_and_stops_on_sigterm() {
    use std::time::Instant;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        crate::util::world_config("schedule = \"* * * * * *\""),
    )
    .unwrap();
    crate::util::write_article(
        &d.join("articles/world"),
        "ferry.txt",
        "Ferry services resume",
    );
    let daemon =
        crate::util::Listening::start(d, &["daemon", "--serve", "--listen", "127.0.0.1:0"]);

    let rss = d.join("feeds/world.rss");
    let wait_for = |what: &str, ok: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out: {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let contains = |s: &str| std::fs::read_to_string(&rss).is_ok_and(|t| t.contains(s));
    wait_for("first refresh", &|| contains("Ferry services resume"));
    // A later refresh picks up a new article.
    crate::util::write_article(&d.join("articles/world"), "rates.txt", "Rates held steady");
    wait_for("a later refresh", &|| contains("Rates held steady"));
    assert!(d.join("feeds/index.html").exists() && d.join("feeds/feeds.opml").exists());

    let r = crate::util::raw(daemon.addr, "GET", "/world.rss", &[]);
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("Rates held steady"));
    assert!(r
        .header("cache-control")
        .unwrap()
        .starts_with("public, max-age="));

    let (status, log) = daemon.stop();
    assert!(status.success(), "{status:?}: {log}");
    assert!(log.contains("daemon stopped"), "{log}");
    assert!(!log.contains("error"), "{log}");
    let leftovers: Vec<_> = std::fs::read_dir(d.join("feeds"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn binary_daemon_needs_a_schedule_for_every_feed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), crate::util::CONFIG).unwrap();
    let crate::util::Ran {
        code, stderr: err, ..
    } = crate::util::feedsmith(dir.path(), &["daemon"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("needs a schedule") && err.contains("sport"),
        "{err}"
    );
}
