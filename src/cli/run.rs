//! `feedsmith run` and `feedsmith check`: a run of the pipeline (or its offline check), and the
//! report turned into what cron mails: nothing on success, one line per problem otherwise.

use std::io::IsTerminal;

use super::log::{self, report};
use super::{now, runtime, Cli, Exit};
use crate::config::Config;
use crate::error::Error;
use crate::pipeline::{
    self, FeedReport, Problem, RunOptions, RunReport, Runner, Scope, Selection, Shard,
};
use crate::status::{should_alert, should_report_item};

pub fn run(
    cli: &Cli,
    feeds: &[String],
    all: bool,
    dry_run: bool,
    prune: bool,
    shard: Option<Shard>,
) -> anyhow::Result<Exit> {
    let config = Config::load(&cli.config)?;
    check_feed_names(&config, feeds)?;
    let opts = RunOptions {
        dry_run,
        prune,
        now: now()?,
        worker: None,
    };
    let selection = if !feeds.is_empty() {
        Selection::Named(feeds.to_vec())
    } else if all {
        Selection::All
    } else {
        Selection::Due
    };
    let selection = match shard {
        Some(shard) => Selection::Shard(shard, Box::new(selection)),
        None => selection,
    };
    let report = runtime()?.block_on(run_with_progress(&config, opts, &selection, cli.verbose))?;
    // A dry run is someone looking: show every failure.
    let alert_after = (!dry_run).then_some(config.site.alert_after);
    let exit = print_report(&report, cli.verbose > 0, alert_after);
    // For a person at a terminal, what happened; cron (no terminal) gets silence on success.
    if log::format() == log::LogFormat::Human && std::io::stderr().is_terminal() {
        eprintln!("{}", summary(&report, exit));
    }
    Ok(exit)
}

/// One line for the end of a run at a terminal: feeds refreshed and written, items new and
/// updated, and whether problems were printed above.
fn summary(report: &RunReport, exit: Exit) -> String {
    let count = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    let written = report
        .feeds
        .iter()
        .filter(|f| !f.written.is_empty())
        .count();
    let new: usize = report.feeds.iter().map(|f| f.new).sum();
    let changed: usize = report.feeds.iter().map(|f| f.changed).sum();
    let problems = match exit {
        Exit::Ok => "no problems",
        _ => "problems above",
    };
    format!(
        "{} refreshed, {written} written; {}, {changed} updated; {problems}",
        count(report.feeds.len(), "feed"),
        count(new, "new item"),
    )
}

pub fn check(cli: &Cli, fetch: bool, shard: Option<Shard>) -> anyhow::Result<Exit> {
    let config = Config::load(&cli.config)?;
    let opts = RunOptions {
        dry_run: true,
        prune: false,
        now: now()?,
        worker: None,
    };
    let report = if fetch {
        let selection = match shard {
            Some(shard) => Selection::Shard(shard, Box::new(Selection::All)),
            None => Selection::All,
        };
        runtime()?.block_on(pipeline::run(&config, opts, &selection))?
    } else {
        runtime()?.block_on(pipeline::check_stored(&config, opts.now, shard))?
    };
    for f in &report.feeds {
        let troubled = if f.problems.is_empty() {
            ""
        } else {
            " (with problems)"
        };
        println!("{}: {} items{troubled}", f.feed, f.items);
    }
    print_learned(&config)?;
    Ok(print_report(&report, false, None))
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
    // Not in JSON logs: a bar is for eyes, and would break the one-object-a-line stream.
    let bar =
        (verbose == 0 && log::format() == log::LogFormat::Human && std::io::stderr().is_terminal())
            .then(|| {
                let bar = indicatif::ProgressBar::new(selected.len() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                        .expect("a valid template"),
                );
                bar
            });
    let feeds = runner
        .run_feeds(&selected, |feed| {
            if let Some(b) = &bar {
                b.set_message(feed.name.clone());
                b.inc(1);
            }
        })
        .await?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut report = RunReport {
        feeds,
        ..RunReport::default()
    };
    runner.finish(&mut report).await?;
    Ok(report)
}

/// Problems and warnings to stderr; with `verbose`, a line per feed. Returns the exit code. With
/// `alert_after`, a failing source counts only on the run that makes it that many failures in a
/// row (and its recovery is announced); without, every failure counts.
pub(super) fn print_report(report: &RunReport, verbose: bool, alert_after: Option<u32>) -> Exit {
    for w in &report.warnings {
        report!(Warning, "{w}");
    }
    let mut failed = false;
    for f in &report.feeds {
        failed |= print_feed(f, verbose, alert_after);
    }
    for e in &report.problems {
        report!(Error, "{e}");
        failed = true;
    }
    if verbose {
        for key in &report.uploaded {
            report!(Info, "uploaded {key}");
        }
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
        report!(Warning, "feed {}: {n}", f.feed);
    }
    for p in &f.problems {
        failed |= print_problem(f, p, verbose, alert_after);
    }
    for c in &f.cleared {
        if alert_after.is_some_and(|n| c.seen >= n.max(1)) {
            report!(
                Info,
                "feed {}: source {} resolved: {}",
                f.feed,
                c.source,
                c.problem
            );
        }
    }
    for o in &f.sources {
        if alert_after.is_some_and(|n| o.ok && should_alert(o.recovered_from, n, true)) {
            report!(
                Info,
                "feed {}: source {} recovered after {} failed runs",
                f.feed,
                o.source,
                o.recovered_from
            );
        }
    }
    for e in &f.hub_errors {
        report!(Warning, "feed {}: {e}", f.feed);
    }
    if verbose {
        for key in &f.uploaded {
            report!(Info, "uploaded {key}");
        }
        report!(
            Info,
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

/// Prints one problem as `alert_after` rules; true when it fails the run.
fn print_problem(f: &FeedReport, p: &Problem, verbose: bool, alert_after: Option<u32>) -> bool {
    let source = match &p.scope {
        Scope::Feed => {
            report!(Error, "feed {}: {}", f.feed, p.error);
            return true;
        }
        Scope::Source(s) => s,
        Scope::Article(s) => {
            return match alert_after {
                Some(n) if !should_report_item(p.seen, n) => {
                    if verbose {
                        report!(
                            Info,
                            "feed {}: source {s} problem (known, {} runs in a row): {}",
                            f.feed,
                            p.seen,
                            p.error
                        );
                    }
                    false
                }
                _ => {
                    report!(Error, "feed {}: source {s} problem: {}", f.feed, p.error);
                    true
                }
            };
        }
    };
    let streak = f
        .sources
        .iter()
        .find(|o| !o.ok && &o.source == source)
        .map(|o| o.consecutive_failures);
    match (streak, alert_after) {
        (Some(n), Some(alert_after)) if !should_alert(n, alert_after, false) => {
            if verbose {
                report!(
                    Info,
                    "feed {}: source {} failed ({n} in a row; alerting at {alert_after}): {}",
                    f.feed,
                    source,
                    p.error
                );
            }
            false
        }
        _ => {
            let in_a_row = match streak {
                Some(n) if n > 1 => format!(" ({n} runs in a row)"),
                _ => String::new(),
            };
            report!(
                Error,
                "feed {}: source {} failed{in_a_row}: {}",
                f.feed,
                source,
                p.error
            );
            true
        }
    }
}

/// Lists the chrome each source has learned so far (from the state of earlier runs).
fn print_learned(config: &Config) -> anyhow::Result<()> {
    if !config.site.has_state() {
        return Ok(());
    }
    let store = crate::store::Store::for_site(&config.site)?;
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
