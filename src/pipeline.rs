//! One run: under the run lock, each selected feed goes source -> normalize -> store -> publish,
//! and a problem with one source is recorded in the report while every other feed is still
//! published. The library never prints or exits; the CLI reads the [`RunReport`].

use std::collections::HashSet;
use std::fs::File;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::config::{Config, Feed, Source, SourceKind};
use crate::error::{Error, Result};
use crate::model::{Article, RawArticle, RawBody};
use crate::normalize::{self, chrome::Rules, learn, Context};
use crate::publish::{self, site, write, Format, ValidFeed};
use crate::schedule::Schedule;
use crate::source::{self, Collected};
use crate::status::{streaks, SourceRun};
use crate::store::{Store, Upsert};
use crate::websub;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Build and validate everything, write nothing (feeds or state).
    pub dry_run: bool,
    /// Remove output files of feeds no longer in the config.
    pub prune: bool,
    pub now: DateTime<Utc>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dry_run: false,
            prune: false,
            now: Utc::now(),
        }
    }
}

/// Something that went wrong with one source or one article; the run went on.
#[derive(Debug)]
pub struct Problem {
    pub source: String,
    pub error: Error,
    /// The source as a whole failed (as opposed to one of its articles).
    pub source_failed: bool,
}

#[derive(Debug, Default)]
pub struct FeedReport {
    pub feed: String,
    pub new: usize,
    pub changed: usize,
    /// Items in the published feed.
    pub items: usize,
    /// Files whose bytes changed.
    pub written: Vec<PathBuf>,
    pub problems: Vec<Problem>,
    /// Every source's result this run, with its failure streak (for `alert_after`).
    pub sources: Vec<SourceOutcome>,
    /// WebSub pings that failed; the files are written, subscribers learn of them later.
    pub hub_errors: Vec<Error>,
}

/// How one source did in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOutcome {
    pub source: String,
    pub ok: bool,
    /// Failures in a row, this run included.
    pub consecutive_failures: u32,
    /// When it worked: the failure streak this run ended (0 when there was none).
    pub recovered_from: u32,
}

#[derive(Debug, Default)]
pub struct RunReport {
    pub feeds: Vec<FeedReport>,
    /// Things a person should know once (an orphaned output file).
    pub warnings: Vec<String>,
}

impl RunReport {
    pub fn has_problems(&self) -> bool {
        self.feeds.iter().any(|f| !f.problems.is_empty())
    }
}

/// Holds the run lock and the state for one run.
pub struct Runner<'a> {
    config: &'a Config,
    opts: RunOptions,
    store: Store,
    /// The WebSub hub and a client for it, when `[site] websub_hub` is set.
    hub: Option<(reqwest::Client, url::Url)>,
    _lock: File,
}

/// Takes the run lock next to the state database; a second run gets [`Error::Locked`].
fn lock(config: &Config) -> Result<File> {
    let path = config.site.state.with_extension("lock");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked { path }),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

impl<'a> Runner<'a> {
    pub fn start(config: &'a Config, opts: RunOptions) -> Result<Runner<'a>> {
        let lock = lock(config)?;
        if !opts.dry_run {
            write::sweep_temp_files(&config.site.output_dir)?;
        }
        let store = Store::open(&config.site.state)?;
        let hub = match &config.site.websub_hub {
            Some(url) => Some((
                reqwest::Client::builder()
                    .user_agent(&config.site.fetch.user_agent)
                    .timeout(config.site.fetch.timeout)
                    .build()
                    .map_err(|e| Error::fetch(url, format!("cannot set up an HTTP client: {e}")))?,
                url.clone(),
            )),
            None => None,
        };
        Ok(Runner {
            config,
            opts,
            store,
            hub,
            _lock: lock,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Refreshes and publishes one feed. Only a failure to store or write is an `Err`; source
    /// problems are in the report.
    pub async fn run_feed(&mut self, feed: &Feed) -> Result<FeedReport> {
        let mut report = FeedReport {
            feed: feed.name.clone(),
            ..FeedReport::default()
        };
        let now = self.opts.now;
        let config = self.config;

        let mut collected = Vec::new();
        let mut failed = Vec::new();
        for source in &feed.sources {
            match collect(source).await {
                Ok(c) => collected.push((source, c)),
                Err(error) => {
                    failed.push((source, error.to_string()));
                    report.problems.push(Problem {
                        source: source.name.clone(),
                        error,
                        source_failed: true,
                    })
                }
            }
        }

        let commit = !self.opts.dry_run;
        let (new, changed, feed_valid) = self.store.transaction(commit, |store| {
            let (mut new, mut changed) = (0, 0);
            let mut runs = Vec::new();
            for (source, error) in failed {
                runs.push((source, SourceRun::failed(now, error)));
            }
            for (source, c) in collected {
                let Collected {
                    articles,
                    problems,
                    unchanged,
                    ..
                } = c;
                let (mut items, mut body_chars) = (0u32, 0usize);
                report
                    .problems
                    .extend(problems.into_iter().map(|error| Problem {
                        source: source.name.clone(),
                        error,
                        source_failed: false,
                    }));
                for (raw, result) in normalize_source(store, source, &articles, now)? {
                    match result {
                        Ok(article) => {
                            items += 1;
                            body_chars += article.content_text.chars().count();
                            let id = item_id(&config.site.id_authority, &feed.name, &raw.key);
                            match store.upsert(&feed.name, &id, &source.name, &article, now)? {
                                Upsert::New => new += 1,
                                Upsert::Changed => changed += 1,
                                Upsert::Unchanged => {}
                            }
                        }
                        Err(error) => report.problems.push(Problem {
                            source: source.name.clone(),
                            error,
                            source_failed: false,
                        }),
                    }
                }
                let run = if unchanged {
                    // "Not modified" says nothing about yield: carry the last good run's
                    // numbers so `status` does not see a source that suddenly yields nothing.
                    let last = store
                        .source_runs(&feed.name, &source.name)?
                        .into_iter()
                        .rev()
                        .find(|r| r.ok);
                    SourceRun::succeeded(
                        now,
                        last.as_ref().map_or(items, |r| r.items),
                        last.map_or(0, |r| r.avg_body_len),
                    )
                } else {
                    let avg = body_chars.checked_div(items as usize).unwrap_or(0);
                    SourceRun::succeeded(now, items, u32::try_from(avg).unwrap_or(u32::MAX))
                };
                runs.push((source, run));
            }
            for (source, run) in runs {
                store.record_source_run(&feed.name, &source.name, &run)?;
                let (consecutive_failures, recovered_from) =
                    streaks(&store.source_runs(&feed.name, &source.name)?);
                report.sources.push(SourceOutcome {
                    source: source.name.clone(),
                    ok: run.ok,
                    consecutive_failures,
                    recovered_from,
                });
            }
            let first_run = store.record_feed_run(&feed.name, now)?;
            let items = store.items(&feed.name, feed.limit)?;
            Ok((
                new,
                changed,
                ValidFeed::new(feed, &config.site, &items, first_run, ttl(config, feed)),
            ))
        })?;
        report.new = new;
        report.changed = changed;

        let valid = match feed_valid {
            Ok(v) => v,
            Err(error) => {
                report.problems.push(Problem {
                    source: feed.name.clone(),
                    error,
                    source_failed: true,
                });
                return Ok(report);
            }
        };
        report.items = valid.items().len();
        let mut changed_formats = Vec::new();
        for format in Format::ALL {
            let bytes = valid.render(format);
            if let Err(message) = publish::verify(format, &bytes) {
                report.problems.push(Problem {
                    source: feed.name.clone(),
                    error: Error::Invalid {
                        feed: feed.name.clone(),
                        message: format!("{}: {message}", format.extension()),
                    },
                    source_failed: true,
                });
                continue;
            }
            if !self.opts.dry_run {
                let dir = &config.site.output_dir;
                let name = format.file_name(&feed.name);
                if write::write_if_changed(dir, &name, &bytes)? {
                    report.written.push(dir.join(name));
                    changed_formats.push(format);
                }
            }
        }
        if let Some((client, hub)) = &self.hub {
            let topics = websub::topics(&valid, &changed_formats);
            report.hub_errors =
                websub::ping_all(client, hub, &topics, websub::Retry::default()).await;
        }
        tracing::info!(feed = %feed.name, new, changed, items = report.items, written = report.written.len(), "feed done");
        Ok(report)
    }

    /// Writes the site pages (index, OPML, a page per feed) over every feed that has run, then
    /// handles output files of feeds no longer configured: removed with `prune`, else warned
    /// about once.
    pub fn finish(self) -> Result<Vec<String>> {
        let dir = &self.config.site.output_dir;
        if !self.opts.dry_run {
            let mut feeds = Vec::new();
            for feed in &self.config.feeds {
                let Some(first_run) = self.store.first_run(&feed.name)? else {
                    continue;
                };
                let items = self.store.items(&feed.name, feed.limit)?;
                // A feed that does not validate was not written either; the run reported it.
                if let Ok(valid) = ValidFeed::new(
                    feed,
                    &self.config.site,
                    &items,
                    first_run,
                    ttl(self.config, feed),
                ) {
                    feeds.push(valid);
                }
            }
            site::write_site(dir, &feeds, &self.config.site)?;
        }
        let names: HashSet<&str> = self.config.feeds.iter().map(|f| f.name.as_str()).collect();
        let mut warnings = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(warnings);
        };
        let mut orphans: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                let (stem, ext) = file.rsplit_once('.')?;
                let ours = Format::ALL.iter().any(|f| f.extension() == ext);
                (ours && !names.contains(stem)).then(|| (file.clone(), e.path()))
            })
            .collect();
        orphans.sort();
        for (file, path) in orphans {
            if self.opts.dry_run {
                continue;
            }
            if self.opts.prune {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                self.store.forget_orphan(&file)?;
                tracing::info!(file, "pruned");
            } else if self.store.warn_orphan_once(&file, self.opts.now)? {
                warnings.push(format!(
                    "{}: no feed in the config writes this file any more; `feedsmith run --prune` removes it",
                    path.display()
                ));
            }
        }
        Ok(warnings)
    }
}

/// Runs every feed in `feeds` (all when empty).
pub async fn run(config: &Config, opts: RunOptions, feeds: &[String]) -> Result<RunReport> {
    let mut runner = Runner::start(config, opts)?;
    let mut report = RunReport::default();
    for feed in config
        .feeds
        .iter()
        .filter(|f| feeds.is_empty() || feeds.contains(&f.name))
    {
        report.feeds.push(runner.run_feed(feed).await?);
    }
    report.warnings = runner.finish()?;
    Ok(report)
}

/// RSS `ttl`: minutes between the feed's scheduled refreshes, when it has a schedule.
fn ttl(config: &Config, feed: &Feed) -> Option<u32> {
    Schedule::parse(feed.schedule.as_deref()?)
        .ok()?
        .ttl_minutes(config.site.timezone)
}

async fn collect(source: &Source) -> Result<Collected> {
    match &source.kind {
        SourceKind::Dir(dir) => source::dir::collect(&source.name, dir, source.timezone),
        SourceKind::Page(url) | SourceKind::List { url, .. } | SourceKind::Feed(url) => Err(
            Error::fetch(url, "web sources are not available in this build"),
        ),
    }
}

/// Learns chrome from the source's new text articles, then normalises all of them.
fn normalize_source<'r>(
    store: &Store,
    source: &Source,
    articles: &'r [RawArticle],
    now: DateTime<Utc>,
) -> Result<Vec<(&'r RawArticle, Result<Article>)>> {
    for raw in articles {
        if let RawBody::Text(text) = &raw.body {
            store.count_chrome(&source.name, &raw.key, &learn::candidates(text))?;
        }
    }
    let (counts, seen) = store.chrome_counts(&source.name)?;
    let learned = learn::learned_from_counts(&counts, seen);
    let rules = rules_for(source);
    Ok(articles
        .iter()
        .map(|raw| {
            let ctx = Context {
                now,
                file_time: raw.file_time,
                timezone: source.timezone,
                rules: &rules,
                learned: &learned,
            };
            let result = normalize::normalize(raw, &ctx).map_err(|e| match e {
                Error::EmptyArticle { key } => Error::EmptyArticle {
                    key: format!("{}: {key}", source.name),
                },
                e => e,
            });
            (raw, result)
        })
        .collect())
}

pub fn rules_for(source: &Source) -> Rules {
    Rules::new(
        &source.chrome_lines,
        source.chrome_patterns.clone(),
        &source.chrome_selectors,
    )
}

/// Stable item id: a `tag:` URI under the site's fixed authority, from the feed name and the
/// article's key (path in its folder, or canonical URL). Never from run time.
pub fn item_id(authority: &str, feed: &str, key: &str) -> String {
    let mut out = format!("tag:{authority}:{feed}/");
    for b in key.bytes() {
        let safe = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b);
        if safe {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_tag_uris_with_escaped_keys() {
        assert_eq!(
            item_id("ex.org,2024", "world", "a b/ç.txt"),
            "tag:ex.org,2024:world/a%20b/%C3%A7.txt"
        );
        assert_eq!(
            item_id("ex.org,2024", "w", "https://ex.org/a?id=1"),
            "tag:ex.org,2024:w/https://ex.org/a?id=1"
        );
    }
}
