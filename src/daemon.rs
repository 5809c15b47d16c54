//! `feedsmith daemon`: stays up and refreshes each feed when its schedule fires (plus the feed's
//! fixed jitter), instead of relying on cron. One task per feed, so a feed never has two
//! refreshes at once; shutdown (SIGTERM, SIGINT) stops the waiting, never a refresh in
//! progress, so the file being written is finished and no temp file is left behind.
//!
//! The refresh itself is a closure, so the timing is tested with a fake refresher on tokio's
//! paused clock; the CLI passes one that runs the pipeline.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::schedule::Schedule;

/// Where "now" comes from, so tests can drive time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Wall time that advances with tokio's clock (which tests pause and advance) from `start`.
pub struct TokioClock {
    start: DateTime<Utc>,
    at: tokio::time::Instant,
}

impl TokioClock {
    pub fn starting_at(start: DateTime<Utc>) -> TokioClock {
        TokioClock {
            start,
            at: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::from_std(self.at.elapsed()).unwrap_or_default()
    }
}

/// A feed the daemon keeps fresh.
#[derive(Debug, Clone)]
pub struct DaemonFeed {
    pub name: String,
    pub schedule: Schedule,
    /// From the state, so a restart does not refresh everything at once; `None` runs it first
    /// thing.
    pub last_run: Option<DateTime<Utc>>,
}

/// Refreshes every feed on its schedule until `shutdown` completes, then waits for refreshes in
/// progress to finish. `refresh` gets the feed name.
pub async fn run<R, Fut>(
    feeds: Vec<DaemonFeed>,
    tz: Tz,
    clock: Arc<dyn Clock>,
    refresh: R,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    R: Fn(String) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    for feed in feeds {
        tasks.spawn(feed_loop(
            feed,
            tz,
            clock.clone(),
            refresh.clone(),
            stop_rx.clone(),
        ));
    }
    let mut shutdown = std::pin::pin!(shutdown);
    tokio::select! {
        _ = &mut shutdown => {}
        // Only when there are no feeds at all.
        _ = async { while tasks.join_next().await.is_some() {} } => {}
    }
    tracing::info!("shutting down after refreshes in progress");
    let _ = stop_tx.send(true);
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            tracing::error!("a feed task ended abnormally: {e}");
        }
    }
}

async fn feed_loop<R, Fut>(
    feed: DaemonFeed,
    tz: Tz,
    clock: Arc<dyn Clock>,
    refresh: R,
    mut stop: watch::Receiver<bool>,
) where
    R: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let jitter =
        chrono::Duration::from_std(feed.schedule.jitter(&feed.name, tz)).unwrap_or_default();
    let mut last = feed.last_run;
    loop {
        let now = clock.now();
        let due = match last {
            None => now + jitter,
            Some(last) => match feed.schedule.next_run(&feed.name, last, tz) {
                Some(due) => due,
                None => {
                    tracing::warn!(feed = %feed.name, "the schedule never fires again");
                    return;
                }
            },
        };
        let wait = (due - now).to_std().unwrap_or_default();
        tracing::debug!(feed = %feed.name, %due, "next refresh");
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
        if *stop.borrow() {
            return;
        }
        // Not raced against shutdown: a refresh always completes.
        refresh(feed.name.clone()).await;
        // The next firing after it finished: a refresh slower than the interval skips the
        // firings it overran instead of running back to back.
        last = Some(clock.now());
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM ({e}); only Ctrl-C stops the daemon");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
