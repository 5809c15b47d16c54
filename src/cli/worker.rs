//! `feedsmith worker` (and `daemon --worker`): works the PostgreSQL queue with other workers
//! until SIGTERM or Ctrl-C, reporting each batch like a cron run.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context as _;

use super::daemon::{start_server, stopped, unscheduled};
use super::log::report;
use super::run::print_report;
use super::Exit;
use crate::config::Config;
use crate::error::Error;
use crate::worker::{self, WorkerOptions};

pub fn worker(
    config_path: &Path,
    concurrency: usize,
    listen: Option<SocketAddr>,
    verbose: bool,
) -> anyhow::Result<Exit> {
    let config = Config::load(config_path)?;
    let config_error = |message: String| Error::Config {
        path: config.path.clone(),
        line: None,
        message,
    };
    let Some(url) = config.site.state_url.clone() else {
        return Err(config_error(
            "a worker shares its state and its queue with other workers through PostgreSQL; set `state = \"postgres://…\"` in [site] or FEEDSMITH_STATE_URL".into(),
        )
        .into());
    };
    let unscheduled = unscheduled(&config);
    if !unscheduled.is_empty() {
        return Err(config_error(format!(
            "a worker refreshes feeds on their schedules; set `schedule` in [site] or on: {}",
            unscheduled.join(", ")
        ))
        .into());
    }
    let schedules: HashMap<_, _> = config
        .feeds
        .iter()
        .filter_map(|f| Some((f.name.clone(), f.schedule.clone()?)))
        .collect();
    let opts = WorkerOptions {
        concurrency,
        id: worker::default_id(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            crate::daemon::shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        let server = match listen {
            Some(addr) => Some(start_server(&config, addr, stopped(stop_rx.clone())).await?),
            None => None,
        };
        report!(
            Info,
            "feedsmith: worker {} on {} feeds; SIGTERM or Ctrl-C stops it",
            opts.id,
            schedules.len()
        );
        let alert_after = Some(config.site.alert_after);
        let printed = |r: &crate::pipeline::RunReport| {
            print_report(r, verbose, alert_after);
        };
        worker::work(&config, &url, schedules, &opts, stop_rx, printed).await?;
        if let Some(server) = server {
            server
                .await
                .context("the HTTP server stopped abnormally")??;
        }
        report!(Info, "feedsmith: worker {} stopped", opts.id);
        anyhow::Ok(())
    })?;
    Ok(Exit::Ok)
}
