//! The command line: parses arguments (clap), sets up logging, runs the library and turns its
//! report into terminal output and an exit code. Only this module prints or decides exit codes.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::error::Error;
use crate::model::Article;
use crate::pipeline::{self, FeedReport, RunOptions, RunReport, Runner, Selection};

use crate::status::{should_alert, SourceHealth};
use crate::store::Store;
use crate::{daemon, serve, status};

/// Exit codes, as cron and scripts read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Some source or feed failed; everything else was published.
    Failed = 1,
    /// The config or the command line is wrong.
    Usage = 2,
    /// Another run holds the lock (EX_TEMPFAIL): try again later.
    TempFail = 75,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "feedsmith",
    version,
    about = "Turns messy article sources into clean, valid RSS, Atom and JSON feeds"
)]
pub struct Cli {
    /// The config file.
    #[arg(long, short = 'c', global = true, default_value = "config.toml")]
    pub config: PathBuf,
    /// More detail on stderr (-v: per feed, -vv: debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build and publish feeds once (cron mode). Quiet on success.
    Run {
        /// Only this feed (repeatable), due or not.
        #[arg(long = "feed", value_name = "NAME")]
        feeds: Vec<String>,
        /// Every feed, due or not (by default only feeds whose schedule fired since their last
        /// run; a feed without a schedule is always due).
        #[arg(long, conflicts_with = "feeds")]
        all: bool,
        /// Build and validate everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Remove output files of feeds no longer in the config.
        #[arg(long)]
        prune: bool,
    },
    /// Validate the config and render every feed from the stored items, without fetching or
    /// writing anything; `--fetch` also probes every source.
    Check {
        /// Fetch and normalise every source too (as a dry run: nothing stored or written).
        #[arg(long)]
        fetch: bool,
    },
    /// Stay up and refresh each feed when its schedule fires; SIGTERM or Ctrl-C stops it
    /// after the refresh in progress.
    Daemon {
        /// Also serve the output folder over HTTP.
        #[arg(long)]
        serve: bool,
        /// Address to serve on, with --serve.
        #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
        listen: SocketAddr,
    },
    /// Serve the output folder over HTTP (feeds, index.html, feeds.opml, feed pages).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Health of every source: last run, last success, failures in a row, items, last error.
    /// Exits 1 when a source is failing or looks wrong.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show what one article file or web page turns into.
    Preview {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// An article file (.txt, .md, .html) or an http(s) URL.
        input: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match dispatch(&cli) {
        Ok(code) => code.into(),
        Err(e) => {
            let code = exit_for(&e);
            eprintln!("feedsmith: {e:#}");
            code.into()
        }
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("FEEDSMITH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("feedsmith={level}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .init();
}

fn exit_for(e: &anyhow::Error) -> Exit {
    match e.downcast_ref::<Error>() {
        Some(Error::Config { .. }) => Exit::Usage,
        Some(Error::Locked { .. }) => Exit::TempFail,
        _ => Exit::Failed,
    }
}

fn dispatch(cli: &Cli) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Run {
            feeds,
            all,
            dry_run,
            prune,
        } => {
            let config = Config::load(&cli.config)?;
            check_feed_names(&config, feeds)?;
            let opts = RunOptions {
                dry_run: *dry_run,
                prune: *prune,
                now: now()?,
            };
            let selection = if !feeds.is_empty() {
                Selection::Named(feeds.clone())
            } else if *all {
                Selection::All
            } else {
                Selection::Due
            };
            let report =
                runtime()?.block_on(run_with_progress(&config, opts, &selection, cli.verbose))?;
            // A dry run is someone looking: show every failure.
            let alert_after = (!*dry_run).then_some(config.site.alert_after);
            Ok(print_report(&report, cli.verbose > 0, alert_after))
        }
        Command::Check { fetch } => {
            let config = Config::load(&cli.config)?;
            let opts = RunOptions {
                dry_run: true,
                prune: false,
                now: now()?,
            };
            let report = if *fetch {
                runtime()?.block_on(pipeline::run(&config, opts, &Selection::All))?
            } else {
                runtime()?.block_on(pipeline::check_stored(&config))?
            };
            for f in &report.feeds {
                println!(
                    "{}: {} items{}",
                    f.feed,
                    f.items,
                    if f.problems.is_empty() {
                        ""
                    } else {
                        " (with problems)"
                    }
                );
            }
            print_learned(&config)?;
            Ok(print_report(&report, false, None))
        }
        Command::Preview { json, input } => preview(cli, input, *json),
        Command::Daemon { serve, listen } => {
            run_daemon(&cli.config, serve.then_some(*listen), cli.verbose > 0)
        }
        Command::Serve { listen } => {
            let config = Config::load(&cli.config)?;
            runtime()?.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                let dir = config.site.output_dir.clone();
                eprintln!(
                    "feedsmith: serving {} at http://{}/",
                    dir.display(),
                    listener.local_addr()?
                );
                let cache = serve::CachePolicy::from_config(&config);
                serve::serve(listener, dir, cache, daemon::shutdown_signal()).await?;
                anyhow::Ok(())
            })?;
            Ok(Exit::Ok)
        }
        Command::Status { json } => {
            let config = Config::load(&cli.config)?;
            let store = Store::open(&config.site.state)?;
            let mut health = Vec::new();
            for feed in &config.feeds {
                for source in &feed.sources {
                    let runs = store.source_runs(&feed.name, &source.name)?;
                    health.push(SourceHealth::from_runs(&feed.name, &source.name, &runs));
                }
            }
            if *json {
                print!("{}", status::render_json(&health));
            } else {
                print!("{}", status::render_text(&health));
            }
            let troubled = health.iter().any(SourceHealth::needs_attention);
            Ok(if troubled { Exit::Failed } else { Exit::Ok })
        }
    }
}

/// "Now" for this run: the clock, or `FEEDSMITH_NOW` (RFC 3339) to replay a run at a fixed
/// time (tests, reproducible output).
fn now() -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("FEEDSMITH_NOW") {
        Ok(s) => Ok(chrono::DateTime::parse_from_rfc3339(&s)
            .with_context(|| format!("FEEDSMITH_NOW={s:?} is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc)),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn check_feed_names(config: &Config, feeds: &[String]) -> anyhow::Result<()> {
    for name in feeds {
        if config.feed(name).is_none() {
            let known: Vec<&str> = config.feeds.iter().map(|f| f.name.as_str()).collect();
            return Err(Error::Config {
                path: config.path.clone(),
                line: None,
                message: format!(
                    "no feed named {name:?}; the config has: {}",
                    known.join(", ")
                ),
            }
            .into());
        }
    }
    Ok(())
}

/// Runs the feeds `selection` picks; a progress bar only when stderr is a terminal and not
/// verbose.
async fn run_with_progress(
    config: &Config,
    opts: RunOptions,
    selection: &Selection,
    verbose: u8,
) -> anyhow::Result<RunReport> {
    let mut runner = Runner::start(config, opts)?;
    let selected = runner.selected(selection)?;
    let bar = (verbose == 0 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(selected.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("a valid template"),
        );
        bar
    });
    let mut report = RunReport::default();
    for feed in selected {
        if let Some(b) = &bar {
            b.set_message(feed.name.clone());
        }
        report.feeds.push(runner.run_feed(feed).await?);
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    report.warnings = runner.finish()?;
    Ok(report)
}

/// Problems and warnings to stderr; with `verbose`, a line per feed. Returns the exit code. With
/// `alert_after`, a failing source counts only on the run that makes it that many failures in a
/// row (and its recovery is announced); without, every failure counts.
fn print_report(report: &RunReport, verbose: bool, alert_after: Option<u32>) -> Exit {
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let mut failed = false;
    for f in &report.feeds {
        failed |= print_feed(f, verbose, alert_after);
    }
    if failed {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

/// Prints one feed's report; true when it holds something that fails the run.
fn print_feed(f: &FeedReport, verbose: bool, alert_after: Option<u32>) -> bool {
    let mut failed = false;
    for n in &f.notes {
        eprintln!("warning: feed {}: source {n}", f.feed);
    }
    for p in &f.problems {
        let what = if p.source_failed { "failed" } else { "problem" };
        if p.source == f.feed {
            eprintln!("error: feed {}: {}", f.feed, p.error);
            failed = true;
            continue;
        }
        let streak = f
            .sources
            .iter()
            .find(|o| p.source_failed && !o.ok && o.source == p.source)
            .map(|o| o.consecutive_failures);
        match (streak, alert_after) {
            (Some(n), Some(alert_after)) if !should_alert(n, alert_after, false) => {
                if verbose {
                    eprintln!(
                        "feed {}: source {} failed ({n} in a row; alerting at {alert_after}): {}",
                        f.feed, p.source, p.error
                    );
                }
            }
            _ => {
                let in_a_row = match streak {
                    Some(n) if n > 1 => format!(" ({n} runs in a row)"),
                    _ => String::new(),
                };
                eprintln!(
                    "error: feed {}: source {} {what}{in_a_row}: {}",
                    f.feed, p.source, p.error
                );
                failed = true;
            }
        }
    }
    for o in &f.sources {
        if alert_after.is_some_and(|n| o.ok && should_alert(o.recovered_from, n, true)) {
            eprintln!(
                "feed {}: source {} recovered after {} failed runs",
                f.feed, o.source, o.recovered_from
            );
        }
    }
    for e in &f.hub_errors {
        eprintln!("warning: feed {}: {e}", f.feed);
    }
    if verbose {
        eprintln!(
            "{}: {} new, {} changed, {} items, {} files written",
            f.feed,
            f.new,
            f.changed,
            f.items,
            f.written.len()
        );
    }
    failed
}

/// `feedsmith daemon`: every feed needs a schedule; refreshes run one at a time (they share the
/// run lock), each as a run of one feed, reported like `run` reports.
fn run_daemon(
    config_path: &Path,
    listen: Option<SocketAddr>,
    verbose: bool,
) -> anyhow::Result<Exit> {
    let config = Arc::new(Config::load(config_path)?);
    let unscheduled: Vec<&str> = config
        .feeds
        .iter()
        .filter(|f| f.schedule.is_none())
        .map(|f| f.name.as_str())
        .collect();
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
    let store = Store::open(&config.site.state)?;
    let mut feeds = Vec::new();
    for f in &config.feeds {
        let Some(schedule) = f.schedule.clone() else {
            continue; // refused above
        };
        feeds.push(daemon::DaemonFeed {
            name: f.name.clone(),
            schedule,
            last_run: store.last_run(&f.name)?,
        });
    }
    drop(store);
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
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let server = match listen {
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                eprintln!(
                    "feedsmith: serving {} at http://{}/",
                    config.site.output_dir.display(),
                    listener.local_addr()?
                );
                Some(tokio::spawn(serve::serve(
                    listener,
                    config.site.output_dir.clone(),
                    serve::CachePolicy::from_config(&config),
                    stopped(stop_rx.clone()),
                )))
            }
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
        let tz = config.site.timezone;
        // The journal's record of what the daemon is doing; refreshes are silent unless a
        // source fails (or with -v).
        eprintln!(
            "feedsmith: daemon keeping {} feeds fresh; SIGTERM or Ctrl-C stops it",
            feeds.len()
        );
        daemon::run(
            feeds,
            tz,
            Arc::new(daemon::SystemClock),
            refresh,
            stopped(stop_rx.clone()),
        )
        .await;
        if let Some(server) = server {
            server
                .await
                .context("the HTTP server stopped abnormally")??;
        }
        eprintln!("feedsmith: daemon stopped");
        anyhow::Ok(())
    })?;
    Ok(Exit::Ok)
}

/// One daemon refresh: a run of one feed. Errors are reported, never fatal: the next firing
/// tries again.
async fn refresh_feed(config: &Config, name: &str, verbose: bool) {
    let Some(feed) = config.feed(name) else {
        return;
    };
    let result = async {
        let mut runner = Runner::start(config, RunOptions::default())?;
        let report = runner.run_feed(feed).await?;
        let warnings = runner.finish()?;
        Ok::<_, Error>(RunReport {
            feeds: vec![report],
            warnings,
        })
    }
    .await;
    match result {
        Ok(report) => {
            print_report(&report, verbose, Some(config.site.alert_after));
        }
        Err(Error::Locked { path }) => eprintln!(
            "warning: feed {name}: another run holds {}; next turn at the next firing",
            path.display()
        ),
        Err(e) => eprintln!("error: feed {name}: {e}"),
    }
}

/// Lists the chrome each source has learned so far (from the state of earlier runs).
fn print_learned(config: &Config) -> anyhow::Result<()> {
    if !config.site.state.exists() {
        return Ok(());
    }
    let store = crate::store::Store::open(&config.site.state)?;
    for source in config.feeds.iter().flat_map(|f| &f.sources) {
        let mut lines: Vec<String> = pipeline::learned_for(&store, &source.name)?
            .keys
            .into_iter()
            .collect();
        if lines.is_empty() {
            continue;
        }
        lines.sort();
        println!(
            "source {}: {} learned chrome lines",
            source.name,
            lines.len()
        );
        for line in lines {
            println!("  {line}");
        }
    }
    Ok(())
}

/// Previews a file or URL; with `-v`, also what chrome was learned for its source.
fn preview(cli: &Cli, input: &str, json: bool) -> anyhow::Result<Exit> {
    // The config is optional here: it only lends the input its source's rules and state.
    let config = if cli.config.exists() {
        Some(Config::load(&cli.config)?)
    } else {
        None
    };
    let p = runtime()?.block_on(crate::preview::preview(config.as_ref(), input, now()?))?;
    if cli.verbose > 0 {
        match &p.source {
            Some(s) => eprintln!("source: {s}; learned chrome lines: {}", p.learned.len()),
            None => eprintln!("source: none in the config; built-in rules only"),
        }
        for line in &p.learned {
            eprintln!("  learned: {line}");
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&p.article)?);
    } else {
        print!("{}", preview_text(&p.article));
    }
    Ok(Exit::Ok)
}

fn preview_text(a: &Article) -> String {
    let mut out = format!("Title:     {}\n", a.title);
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(crate::dates::rfc3339).unwrap_or_else(|| "-".into())
    };
    out.push_str(&format!(
        "Published: {}\nUpdated:   {}\n",
        date(a.published),
        date(a.updated)
    ));
    if !a.authors.is_empty() {
        out.push_str(&format!("Authors:   {}\n", a.authors.join(", ")));
    }
    if !a.credits.is_empty() {
        out.push_str(&format!("Credits:   {}\n", a.credits.join(", ")));
    }
    if let Some(l) = &a.link {
        out.push_str(&format!("Link:      {l}\n"));
    }
    if let Some(s) = &a.summary {
        out.push_str(&format!("Summary:   {s}\n"));
    }
    out.push('\n');
    out.push_str(&a.content_text);
    out.push('\n');
    out
}
