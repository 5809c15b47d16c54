//! The command line: parses arguments (clap), sets up logging, runs the library and turns its
//! report into terminal output and an exit code. Only this module prints or decides exit codes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::error::Error;
use crate::model::Article;
use crate::pipeline::{self, FeedReport, RunOptions, RunReport, Runner};

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
        /// Only this feed (repeatable).
        #[arg(long = "feed", value_name = "NAME")]
        feeds: Vec<String>,
        /// Build and validate everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Remove output files of feeds no longer in the config.
        #[arg(long)]
        prune: bool,
    },
    /// Validate the config and render every feed without writing.
    Check,
    /// Show what one article file turns into.
    Preview {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// An article file (.txt, .md, .html).
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
            dry_run,
            prune,
        } => {
            let config = Config::load(&cli.config)?;
            check_feed_names(&config, feeds)?;
            let opts = RunOptions {
                dry_run: *dry_run,
                prune: *prune,
                ..RunOptions::default()
            };
            let report =
                runtime()?.block_on(run_with_progress(&config, opts, feeds, cli.verbose))?;
            Ok(print_report(&report, cli.verbose > 0))
        }
        Command::Check => {
            let config = Config::load(&cli.config)?;
            let opts = RunOptions {
                dry_run: true,
                ..RunOptions::default()
            };
            let report = runtime()?.block_on(pipeline::run(&config, opts, &[]))?;
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
            Ok(print_report(&report, false))
        }
        Command::Preview { json, input } => preview(input, *json),
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

/// Runs the selected feeds; a progress bar only when stderr is a terminal and not verbose.
async fn run_with_progress(
    config: &Config,
    opts: RunOptions,
    feeds: &[String],
    verbose: u8,
) -> anyhow::Result<RunReport> {
    let selected: Vec<_> = config
        .feeds
        .iter()
        .filter(|f| feeds.is_empty() || feeds.contains(&f.name))
        .collect();
    let bar = (verbose == 0 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(selected.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("a valid template"),
        );
        bar
    });
    let mut runner = Runner::start(config, opts)?;
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

/// Problems and warnings to stderr; with `verbose`, a line per feed. Returns the exit code.
fn print_report(report: &RunReport, verbose: bool) -> Exit {
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for f in &report.feeds {
        print_feed(f, verbose);
    }
    if report.has_problems() {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

fn print_feed(f: &FeedReport, verbose: bool) {
    for p in &f.problems {
        let what = if p.source_failed { "failed" } else { "problem" };
        if p.source == f.feed {
            eprintln!("error: feed {}: {}", f.feed, p.error);
        } else {
            eprintln!(
                "error: feed {}: source {} {what}: {}",
                f.feed, p.source, p.error
            );
        }
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
}

fn preview(input: &str, json: bool) -> anyhow::Result<Exit> {
    let article = preview_file(Path::new(input))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&preview_json(&article))?);
    } else {
        print!("{}", preview_text(&article));
    }
    Ok(Exit::Ok)
}

/// Normalises one file through the same path a run uses.
pub fn preview_file(path: &Path) -> anyhow::Result<Article> {
    let root = path.parent().unwrap_or(Path::new("."));
    let raw = crate::source::dir::read_article("preview", root, path, chrono_tz::UTC)?
        .with_context(|| {
            format!(
                "{}: not an article file (expected .txt, .md or .html)",
                path.display()
            )
        })?;
    let rules = crate::normalize::chrome::Rules::default();
    let learned = crate::normalize::learn::Learned::default();
    let ctx = crate::normalize::Context {
        now: chrono::Utc::now(),
        file_time: raw.file_time,
        timezone: chrono_tz::UTC,
        rules: &rules,
        learned: &learned,
    };
    Ok(crate::normalize::normalize(&raw, &ctx)?)
}

fn preview_json(a: &Article) -> serde_json::Value {
    serde_json::json!({
        "title": a.title,
        "summary": a.summary,
        "content_text": a.content_text,
        "content_html": a.content_html,
        "author": (!a.authors.is_empty()).then(|| a.authors.join(", ")),
        "authors": a.authors,
        "credits": a.credits,
        "published": a.published.map(crate::dates::rfc3339),
        "updated": a.updated.map(crate::dates::rfc3339),
        "link": a.link,
        "categories": a.categories,
        "image": a.image,
        "language": a.language,
    })
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
