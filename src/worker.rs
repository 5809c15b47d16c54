//! `feedsmith worker`: one of any number of processes, on any number of machines, sharing one
//! PostgreSQL state. Each claims due feeds from the queue ([`crate::store::queue`]), refreshes
//! them through the usual pipeline with every request also spaced through the database, renews
//! its lease while it works, and gives each feed back with its next due time from its schedule.
//! A worker that dies loses its claims when their lease runs out, and another finishes them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::config::Config;
use crate::error::Result;
use crate::pipeline::{RunOptions, RunReport, Runner};
use crate::schedule::Schedule;
use crate::store::queue::{Queue, Registered};
use crate::store::Store;

/// Most runs a worker has refreshing at once, each with a state connection of its own: enough
/// to hide a feed's few dozen round trips behind the others', few enough that many workers
/// stay far below PostgreSQL's default 100 connections.
const MAX_LANES: usize = 8;

/// How many runs refresh `claimed` feeds of a batch of at most `concurrency`.
fn lanes(claimed: usize, concurrency: usize) -> usize {
    claimed.min(concurrency).clamp(1, MAX_LANES)
}

/// Longest sleep between two looks at the queue while nothing is due: new feeds and
/// takeovers are noticed within this.
const MAX_IDLE: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Feeds refreshed at once (claimed together).
    pub concurrency: usize,
    /// This worker's name in claims and `status`.
    pub id: String,
}

/// A worker id that differs between processes and machines: host name and process id.
pub fn default_id() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    let host = match ok {
        true => String::from_utf8_lossy(&buf[..end]).into_owned(),
        false => "worker".into(),
    };
    format!("{host}-{}", std::process::id())
}

/// A run working on this worker's claims.
fn run_options(opts: &WorkerOptions) -> RunOptions {
    RunOptions {
        worker: Some(opts.id.clone()),
        ..RunOptions::default()
    }
}

/// When a feed is first due: now if it never ran, else its next firing after its last run.
fn first_due(
    schedule: &Schedule,
    feed: &str,
    last: Option<DateTime<Utc>>,
    config: &Config,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match last {
        None => Some(now),
        Some(last) => schedule.next_run(feed, last, config.site.timezone),
    }
}

/// Works the queue until `stop` turns true (a refresh in progress is finished first), handing
/// each batch's report to `report`. `schedules` are the feeds' (every feed needs one).
pub async fn work(
    config: &Config,
    url: &str,
    schedules: HashMap<String, Schedule>,
    opts: &WorkerOptions,
    mut stop: watch::Receiver<bool>,
    mut report: impl FnMut(&RunReport),
) -> Result<()> {
    let store = Store::connect(url)?;
    let queue = Arc::new(Queue::connect(url, &opts.id, config.site.fetch.timeout).await?);
    let now = Utc::now();
    let mut register = Vec::new();
    for (name, schedule) in &schedules {
        let last = store.last_run(name)?;
        let host = config
            .feed(name)
            .and_then(|f| f.sources.iter().find_map(|s| s.kind.url()))
            .map(crate::fetch::host_key)
            .unwrap_or_default();
        match first_due(schedule, name, last, config, now) {
            Some(due) => register.push(Registered {
                feed: name.clone(),
                host,
                due,
            }),
            None => tracing::warn!(feed = %name, "the schedule never fires again"),
        }
    }
    drop(store);
    queue.register(&register).await?;
    let names: Vec<String> = config
        .feeds
        .iter()
        .map(|f| f.name.clone())
        .filter(|n| schedules.contains_key(n))
        .collect();
    let schedules = Arc::new(schedules);
    // The batch's runs are tasks of their own, which outlive no borrow.
    let shared = Arc::new(config.clone());
    let lease = config.site.lease;
    // Whether feeds were published since the index and OPML were last written.
    let mut site_stale = true;
    while !*stop.borrow() {
        let claimed = queue.claim(&names, opts.concurrency.max(1), lease).await?;
        if claimed.is_empty() && site_stale {
            let mut idle = RunReport::default();
            Runner::start(config, run_options(opts))?
                .finish(&mut idle)
                .await?;
            report(&idle);
            site_stale = false;
            continue;
        }
        if claimed.is_empty() {
            let wait = queue.next_chance(&names).await?.unwrap_or(MAX_IDLE);
            let wait = wait.clamp(Duration::from_millis(10), MAX_IDLE);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            continue;
        }
        tracing::debug!(worker = %opts.id, feeds = ?claimed, "claimed");
        let result = batch(&shared, &queue, &schedules, &claimed, opts).await;
        match result {
            Ok(r) => {
                site_stale = true;
                report(&r);
            }
            Err(e) => {
                // Given back at once: the other workers need not wait out the lease.
                let _ = queue.release_all().await;
                return Err(e);
            }
        }
    }
    queue.release_all().await
}

/// Refreshes the claimed feeds in up to [`MAX_LANES`] runs side by side, renewing their lease
/// meanwhile and giving each back as soon as it is published.
async fn batch(
    config: &Arc<Config>,
    queue: &Arc<Queue>,
    schedules: &Arc<HashMap<String, Schedule>>,
    claimed: &[String],
    opts: &WorkerOptions,
) -> Result<RunReport> {
    let lease = config.site.lease;
    let held = Arc::new(Mutex::new(claimed.to_vec()));
    let renewer = {
        let (queue, held) = (queue.clone(), held.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                let feeds = held.lock().unwrap_or_else(|p| p.into_inner()).clone();
                match queue.renew(&feeds, lease).await {
                    Ok(kept) if kept.len() < feeds.len() => {
                        let lost: Vec<_> = feeds.iter().filter(|f| !kept.contains(f)).collect();
                        tracing::warn!(worker = %queue.worker(), ?lost, "claims lost to another worker (the lease ran out)");
                        *held.lock().unwrap_or_else(|p| p.into_inner()) = kept;
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("cannot renew the lease: {e}"),
                }
            }
        })
    };
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let completer = {
        let (queue, held, schedules) = (queue.clone(), held.clone(), schedules.clone());
        let tz = config.site.timezone;
        tokio::spawn(async move {
            while let Some(feed) = done_rx.recv().await {
                held.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .retain(|f| *f != feed);
                let next = schedules[&feed].next_run(&feed, Utc::now(), tz);
                // A schedule that never fires again leaves the feed parked for good.
                let next = next.unwrap_or(DateTime::<Utc>::MAX_UTC);
                match queue.complete(&feed, next).await {
                    Ok(true) => tracing::debug!(%feed, %next, "done; next due"),
                    Ok(false) => {
                        tracing::warn!(%feed, "finished after another worker took the feed over")
                    }
                    Err(e) => tracing::warn!(%feed, "cannot give the feed back: {e}"),
                }
            }
        })
    };
    // Each lane is a run of its own on its own state connection, so feeds are refreshed side by
    // side instead of one after another behind one connection's round trips; every lane's
    // requests still take their host's turn through the database.
    let lanes = lanes(claimed.len(), opts.concurrency);
    let runs: Vec<_> = (0..lanes)
        .map(|lane| {
            let names: Vec<String> = claimed.iter().skip(lane).step_by(lanes).cloned().collect();
            let (config, queue, done_tx) = (config.clone(), queue.clone(), done_tx.clone());
            let opts = run_options(opts);
            tokio::spawn(async move {
                let mut runner = Runner::start(&config, opts)?.with_host_gate(queue);
                let feeds: Vec<_> = names.iter().filter_map(|n| config.feed(n)).collect();
                let reports = runner
                    .run_feeds(&feeds, |f| {
                        let _ = done_tx.send(f.name.clone());
                    })
                    .await?;
                runner.finish_feeds()?;
                Ok::<_, crate::error::Error>(reports)
            })
        })
        .collect();
    let run = async {
        let mut feeds = Vec::new();
        let mut failed = None;
        // Every lane is waited for, even after one failed: none is left publishing unwatched.
        for run in runs {
            match run.await {
                Ok(Ok(reports)) => feeds.extend(reports),
                Ok(Err(e)) => failed = failed.or(Some(e)),
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        }
        // In claim order, whichever lane refreshed a feed.
        feeds.sort_by_key(|r| claimed.iter().position(|c| *c == r.feed));
        match failed {
            Some(e) => Err(e),
            // The index and OPML wait for an idle queue: they read every feed's state.
            None => Ok(RunReport {
                feeds,
                ..RunReport::default()
            }),
        }
    };
    let result = run.await;
    drop(done_tx);
    let _ = completer.await;
    renewer.abort();
    result
}
