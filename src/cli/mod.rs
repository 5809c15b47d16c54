//! The command line: parses arguments (clap), sets up logging, runs the library and turns its
//! report into terminal output and an exit code. Only this module prints or decides exit codes;
//! each subcommand has its own file.

mod add;
mod completions;
mod daemon;
mod explain;
pub mod init;
pub mod log;
mod man;
mod preview;
mod rules;
mod run;
pub mod schema;
mod serve;
mod status;
#[cfg(feature = "postgres")]
mod worker;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::pipeline;

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
    /// Shape of what goes to stderr: lines for people, or one JSON object a line (journald,
    /// Loki).
    #[arg(long, global = true, value_enum, default_value_t = log::LogFormat::Human)]
    pub log_format: log::LogFormat,
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
        /// Only the feeds of shard I of N (0 ≤ I < N), by a stable hash of each feed's name:
        /// N copies run with 0/N to N-1/N refresh every feed exactly once.
        #[arg(long, value_name = "I/N", conflicts_with = "feeds")]
        shard: Option<pipeline::Shard>,
    },
    /// Validate the config and render every feed from the stored items, without fetching or
    /// writing anything; `--fetch` also probes every source.
    Check {
        /// Fetch and normalise every source too (as a dry run: nothing stored or written).
        #[arg(long)]
        fetch: bool,
        /// Only the feeds of shard I of N, as `run --shard` takes them.
        #[arg(long, value_name = "I/N")]
        shard: Option<pipeline::Shard>,
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
        /// Work the PostgreSQL queue with other workers instead of keeping every feed's own
        /// timer (as `feedsmith worker`).
        #[cfg(feature = "postgres")]
        #[arg(long)]
        worker: bool,
        /// Feeds refreshed at once, with --worker.
        #[cfg(feature = "postgres")]
        #[arg(long, default_value_t = 8, requires = "worker", value_parser = clap::value_parser!(u16).range(1..=1024))]
        concurrency: u16,
    },
    /// Claim due feeds from the PostgreSQL state with other workers (any number, on any
    /// machines) and refresh them, until SIGTERM or Ctrl-C.
    #[cfg(feature = "postgres")]
    Worker {
        /// Feeds refreshed at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
        concurrency: u16,
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
        /// The address a saved page came from: its links and site rules resolve against it
        /// (default: the page's own `<link rel=canonical>` or `og:url`).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// An article file (.txt, .md, .html) or an http(s) URL.
        input: String,
    },
    /// Show each line (text) or block (HTML) of an article file or web page with its fate:
    /// kept, chrome by which rule, learned chrome, metadata, title, dek, below the body.
    Explain {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Use this configured source's rules and learned chrome (by default, the source
        /// whose folder holds the file, or whose site the URL is on).
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// An article file (.txt, .md, .html) or an http(s) URL.
        input: String,
    },
    /// Probe a URL (a feed? which format; a list page; an article; a page that advertises its
    /// feed), print the `[[feed.source]]` block for it and the first items it would publish.
    Add {
        /// The feed the source belongs to (created by --write when the config has none of
        /// that name).
        #[arg(long, value_name = "NAME")]
        feed: Option<String>,
        /// Append the block to the config, keeping its comments and layout.
        #[arg(long)]
        write: bool,
        /// An http(s) URL.
        url: String,
    },
    /// Start a project in DIR: a commented config.toml, an example article, a .gitignore.
    Init {
        /// The project folder (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a completion script for SHELL (e.g. `feedsmith completions bash >
    /// /etc/bash_completion.d/feedsmith`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Golden tests of site rules: save pages with what feedsmith extracts from them, and
    /// check them again after a rule or feedsmith changed.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Print the man page (roff) to stdout.
    Man,
    /// Print the JSON Schema of config.toml (the content of config.schema.json).
    Schema,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Fetch URL as a run would and save it, with its extraction as the expected text, in
    /// rules/fixtures/<host>/ beside the config.
    Record {
        /// An http(s) URL.
        url: String,
    },
    /// Extract every saved page again, offline; show a diff and exit 1 when any changed.
    Test,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    log::init(cli.verbose, cli.log_format);
    match dispatch(&cli) {
        Ok(code) => code.into(),
        Err(e) => {
            let code = exit_for(&e);
            let message = message(&e);
            match log::format() {
                log::LogFormat::Human => eprintln!("feedsmith: {message}"),
                log::LogFormat::Json => log::report!(Error, "{message}"),
            }
            code.into()
        }
    }
}

/// The error and its causes, each said once: the library's errors already name their cause
/// (`path: No such file or directory`), which anyhow's chain would repeat.
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
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
            shard,
        } => run::run(cli, feeds, *all, *dry_run, *prune, *shard),
        Command::Check { fetch, shard } => run::check(cli, *fetch, *shard),
        Command::Preview { json, url, input } => {
            preview::preview(cli, input, url.as_deref(), *json)
        }
        Command::Add { feed, write, url } => add::add(cli, url, feed.as_deref(), *write),
        Command::Explain {
            json,
            source,
            input,
        } => explain::explain(cli, input, source.as_deref(), *json),
        #[cfg(feature = "postgres")]
        Command::Daemon {
            serve,
            listen,
            worker: true,
            concurrency,
        } => worker::worker(
            &cli.config,
            usize::from(*concurrency),
            serve.then_some(*listen),
            cli.verbose > 0,
        ),
        Command::Daemon { serve, listen, .. } => {
            daemon::daemon(&cli.config, serve.then_some(*listen), cli.verbose > 0)
        }
        #[cfg(feature = "postgres")]
        Command::Worker { concurrency } => worker::worker(
            &cli.config,
            usize::from(*concurrency),
            None,
            cli.verbose > 0,
        ),
        Command::Serve { listen } => serve::serve(cli, *listen),
        Command::Status { json } => status::status(cli, *json),
        Command::Init { dir } => init::init(dir),
        Command::Completions { shell } => completions::completions(*shell),
        Command::Rules { action } => match action {
            RulesAction::Record { url } => rules::record(cli, url),
            RulesAction::Test => rules::test(cli),
        },
        Command::Man => man::man(),
        Command::Schema => schema::schema(),
    }
}

/// "Now" for this run: the clock, or `FEEDSMITH_NOW` (RFC 3339) to replay a run at a fixed
/// time (tests, reproducible output).
pub(crate) fn now() -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("FEEDSMITH_NOW") {
        Ok(s) => Ok(chrono::DateTime::parse_from_rfc3339(&s)
            .with_context(|| format!("FEEDSMITH_NOW={s:?} is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc)),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

/// The async runtime: worker threads carry the fetches while the calling thread normalises
/// and publishes the feeds already collected.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_the_message_already_names_is_not_repeated() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = anyhow::Error::from(Error::io(std::path::Path::new("/missing/file.txt"), io));
        let said = message(&e);
        assert_eq!(said.matches("not found").count(), 1, "{said}");
        assert!(said.starts_with("/missing/file.txt: "), "{said}");
        // A context of the CLI's own still leads, with its cause after it.
        let e = anyhow::anyhow!("disk full").context("cannot write the report");
        assert_eq!(message(&e), "cannot write the report: disk full");
    }
}
