//! `feedsmith daemon`: stays up and refreshes each feed when its schedule fires (optionally
//! serving the output folder too); every refresh is a run of one feed, reported like cron's.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use super::log::report;
use super::run::print_report;
use super::Exit;
use crate::config::Config;
use crate::error::Error;
use crate::pipeline::{RunOptions, RunReport, Runner};
use crate::store::Store;
use crate::{daemon, serve};

pub fn daemon(
    config_path: &Path,
    listen: Option<SocketAddr>,
    verbose: bool,
) -> anyhow::Result<Exit> {
    let config = Arc::new(Config::load(config_path)?);
    let feeds = scheduled_feeds(&config)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            daemon::shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        let server = match listen {
            Some(addr) => Some(start_server(&config, addr, stopped(stop_rx.clone())).await?),
            None => None,
        };
        let one_at_a_time = Arc::new(tokio::sync::Mutex::new(()));
        let refresh = {
            let (config, stopping) = (config.clone(), stop_rx.clone());
            move |name: String| {
                let (config, one_at_a_time) = (config.clone(), one_at_a_time.clone());
                let stopping = stopping.clone();
                async move {
                    let _turn = one_at_a_time.lock().await;
                    // A refresh that was only waiting for its turn need not hold up shutdown.
                    if *stopping.borrow() {
                        return;
                    }
                    refresh_feed(&config, &name, verbose).await;
                }
            }
        };
        // The journal's record of what the daemon is doing; refreshes are silent unless a
        // source fails (or with -v).
        report!(
            Info,
            "feedsmith: daemon keeping {} feeds fresh; SIGTERM or Ctrl-C stops it",
            feeds.len()
        );
        let clock = Arc::new(daemon::SystemClock);
        let tz = config.site.timezone;
        daemon::run(feeds, tz, clock, refresh, stopped(stop_rx.clone())).await;
        if let Some(server) = server {
            server
                .await
                .context("the HTTP server stopped abnormally")??;
        }
        report!(Info, "feedsmith: daemon stopped");
        anyhow::Ok(())
    })?;
    Ok(Exit::Ok)
}

/// Resolves when the stop signal has been given.
pub(super) async fn stopped(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Every feed with its schedule and last run; the daemon refuses a feed without a schedule
/// (it would never run).
fn scheduled_feeds(config: &Config) -> anyhow::Result<Vec<daemon::DaemonFeed>> {
    let unscheduled = unscheduled(config);
    if !unscheduled.is_empty() {
        return Err(Error::Config {
            path: config.path.clone(),
            line: None,
            message: format!(
                "the daemon needs a schedule for every feed; set `schedule` in [site] or on: {}",
                unscheduled.join(", ")
            ),
        }
        .into());
    }
    let store = Store::for_site(&config.site)?;
    let mut feeds = Vec::new();
    for f in &config.feeds {
        if let Some(schedule) = f.schedule.clone() {
            feeds.push(daemon::DaemonFeed {
                name: f.name.clone(),
                schedule,
                last_run: store.last_run(&f.name)?,
            });
        }
    }
    Ok(feeds)
}

/// The feeds without a schedule, by name.
pub(super) fn unscheduled(config: &Config) -> Vec<&str> {
    config
        .feeds
        .iter()
        .filter(|f| f.schedule.is_none())
        .map(|f| f.name.as_str())
        .collect()
}

/// `--serve`: the output folder over HTTP beside the refreshes, until `stop`.
pub(super) async fn start_server(
    config: &Config,
    addr: SocketAddr,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<tokio::task::JoinHandle<crate::error::Result<()>>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    report!(
        Info,
        "feedsmith: serving {} at http://{}/",
        config.site.output_dir.display(),
        listener.local_addr()?
    );
    Ok(tokio::spawn(serve::serve_with(
        listener,
        config.site.output_dir.clone(),
        serve::CachePolicy::from_config(config),
        config.site.serve,
        stop,
    )))
}

/// One daemon refresh: a run of one feed. Errors are reported, never fatal: the next firing
/// tries again.
async fn refresh_feed(config: &Config, name: &str, verbose: bool) {
    let Some(feed) = config.feed(name) else {
        return;
    };
    let result = async {
        let mut runner = Runner::start(config, RunOptions::default())?;
        let mut report = RunReport {
            feeds: vec![runner.run_feed(feed).await?],
            ..RunReport::default()
        };
        runner.finish(&mut report).await?;
        Ok::<_, Error>(report)
    }
    .await;
    match result {
        Ok(report) => {
            print_report(&report, verbose, Some(config.site.alert_after));
        }
        Err(Error::Locked { path }) => report!(
            Warning,
            "feed {name}: another run holds {}; next turn at the next firing",
            path.display()
        ),
        Err(e) => report!(Error, "feed {name}: {e}"),
    }
}
