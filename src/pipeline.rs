//! One run: under the run lock, each selected feed goes source -> normalize -> store -> publish,
//! and a problem with one source is recorded in the report while every other feed is still
//! published. The library never prints or exits; the CLI reads the [`RunReport`].

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::config::{Config, Feed, SiteRule, Source, SourceKind};
use crate::dedupe;
use crate::error::{Error, Result};
use crate::fetch::Fetcher;
use crate::model::{Article, RawArticle, RawBody};
use crate::normalize::{self, chrome::Rules, learn, Context};
use crate::publish::{self, write, Format, ValidFeed};
use crate::source::web::{collect_web, passes_filters};
use crate::source::{self, Collected, Memory};
use crate::store::{Store, Upsert};

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
    /// Worth a look but nothing failed (a site rule that no longer matches), as "source: note".
    pub notes: Vec<String>,
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
    /// Shared by every web source of the run: one set of limits, delays and robots.txt rules.
    fetcher: Fetcher,
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
        Ok(Runner {
            config,
            opts,
            store,
            fetcher: Fetcher::new(&config.site),
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

        // What each source may know from earlier runs; then all sources are collected at once
        // (the fetcher keeps that polite).
        let known = known_keys(
            &self.store.ids(&feed.name)?,
            &config.site.id_authority,
            &feed.name,
        );
        let mut memories = Vec::new();
        for source in &feed.sources {
            let mut validators = HashMap::new();
            if let Some(url) = web_url(source) {
                if let Some(v) = self.store.validators(&validator_key(feed, url.as_str()))? {
                    validators.insert(url.to_string(), v);
                }
            }
            memories.push(Memory {
                validators,
                known_keys: known.clone(),
                now: Some(now),
            });
        }
        let fetcher = &self.fetcher;
        let results = futures_util::future::join_all(
            feed.sources
                .iter()
                .zip(&memories)
                .map(|(source, memory)| collect(source, fetcher, memory)),
        )
        .await;
        let mut collected = Vec::new();
        for (source, result) in feed.sources.iter().zip(results) {
            match result {
                Ok(c) => collected.push((source, c)),
                Err(error) => report.problems.push(Problem {
                    source: source.name.clone(),
                    error,
                    source_failed: true,
                }),
            }
        }

        let commit = !self.opts.dry_run;
        let (new, changed, feed_valid) = self.store.transaction(commit, |store| {
            let (mut new, mut changed) = (0, 0);
            // Normalised articles of all sources, filtered, before de-duplication.
            let mut candidates: Vec<(&Source, String, Article)> = Vec::new();
            for (source, c) in collected {
                let Collected {
                    articles,
                    problems,
                    validators,
                    ..
                } = c;
                // Validators are kept only when everything worked, so an article that failed
                // is tried again next run instead of hiding behind a 304.
                let mut clean = problems.is_empty();
                report
                    .problems
                    .extend(problems.into_iter().map(|error| Problem {
                        source: source.name.clone(),
                        error,
                        source_failed: false,
                    }));
                for (raw, result) in
                    normalize_source(store, source, &config.site_rules, &articles, now)?
                {
                    match result {
                        Ok((article, notes)) => {
                            report
                                .notes
                                .extend(notes.into_iter().map(|n| format!("{}: {n}", source.name)));
                            if passes_filters(
                                source,
                                &article.title,
                                &article.content_text,
                                &article.authors,
                            ) {
                                candidates.push((source, raw.key.clone(), article));
                            }
                        }
                        Err(error) => {
                            clean = false;
                            report.problems.push(Problem {
                                source: source.name.clone(),
                                error,
                                source_failed: false,
                            })
                        }
                    }
                }
                if clean {
                    for (url, v) in &validators {
                        store.set_validators(&validator_key(feed, url), v)?;
                    }
                }
            }
            for (source, key, article) in
                unique(store, feed, &config.site.id_authority, candidates)?
            {
                let id = item_id(&config.site.id_authority, &feed.name, &key);
                match store.upsert(&feed.name, &id, &source.name, &article, now)? {
                    Upsert::New => new += 1,
                    Upsert::Changed => changed += 1,
                    Upsert::Unchanged => {}
                }
            }
            let first_run = store.record_feed_run(&feed.name, now)?;
            let items = store.items(&feed.name, feed.limit)?;
            Ok((
                new,
                changed,
                ValidFeed::new(feed, &config.site, &items, first_run, None),
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
                }
            }
        }
        tracing::info!(feed = %feed.name, new, changed, items = report.items, written = report.written.len(), "feed done");
        Ok(report)
    }

    /// Output files of feeds no longer configured: removed with `prune`, else warned about once.
    pub fn finish(self) -> Result<Vec<String>> {
        let dir = &self.config.site.output_dir;
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

async fn collect(source: &Source, fetcher: &Fetcher, memory: &Memory) -> Result<Collected> {
    match &source.kind {
        SourceKind::Dir(dir) => source::dir::collect(&source.name, dir, source.timezone),
        SourceKind::Page(_) | SourceKind::List { .. } | SourceKind::Feed(_) => {
            collect_web(source, fetcher, memory).await
        }
    }
}

fn web_url(source: &Source) -> Option<&url::Url> {
    match &source.kind {
        SourceKind::Dir(_) => None,
        SourceKind::Page(url) | SourceKind::List { url, .. } | SourceKind::Feed(url) => Some(url),
    }
}

/// Validators are kept per feed: the same URL in two feeds must not answer 304 to the second
/// just because the first already stored its articles.
fn validator_key(feed: &Feed, url: &str) -> String {
    format!("{} {url}", feed.name)
}

/// One item per story: drops candidates that repeat an earlier one, or an item already stored
/// under another id (the same story from another source in an earlier run).
fn unique<'s>(
    store: &Store,
    feed: &Feed,
    authority: &str,
    candidates: Vec<(&'s Source, String, Article)>,
) -> Result<Vec<(&'s Source, String, Article)>> {
    let ids: HashSet<String> = candidates
        .iter()
        .map(|(_, key, _)| item_id(authority, &feed.name, key))
        .collect();
    let stored: Vec<_> = store
        .items(&feed.name, feed.limit)?
        .into_iter()
        .filter(|item| !ids.contains(&item.id))
        .collect();
    let all = stored
        .iter()
        .map(|item| (item.source.as_str(), &item.article))
        .chain(candidates.iter().map(|(s, _, a)| (s.name.as_str(), a)));
    let keep: HashSet<usize> = dedupe::unique(all)
        .into_iter()
        .filter_map(|i| i.checked_sub(stored.len()))
        .collect();
    Ok(candidates
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, c)| c)
        .collect())
}

/// The source keys behind stored item ids: the inverse of [`item_id`].
fn known_keys(ids: &[String], authority: &str, feed: &str) -> HashSet<String> {
    let prefix = format!("tag:{authority}:{feed}/");
    ids.iter()
        .filter_map(|id| id.strip_prefix(&prefix))
        .map(percent_decode)
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Learns chrome from the source's new text articles, then normalises all of them.
type Normalized<'r> = (&'r RawArticle, Result<(Article, Vec<String>)>);

fn normalize_source<'r>(
    store: &Store,
    source: &Source,
    site_rules: &[SiteRule],
    articles: &'r [RawArticle],
    now: DateTime<Utc>,
) -> Result<Vec<Normalized<'r>>> {
    for raw in articles {
        if let RawBody::Text(text) = &raw.body {
            store.count_chrome(&source.name, &raw.key, &learn::candidates(text))?;
        }
    }
    let learned = learned_for(store, &source.name)?;
    let rules = rules_for(Some(source), site_rules);
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
            let result = normalize::normalize_noted(raw, &ctx).map_err(|e| match e {
                Error::EmptyArticle { key } => Error::EmptyArticle {
                    key: format!("{}: {key}", source.name),
                },
                e => e,
            });
            (raw, result)
        })
        .collect())
}

/// The chrome learned so far for one source.
pub fn learned_for(store: &Store, source: &str) -> Result<learn::Learned> {
    let (counts, seen) = store.chrome_counts(source)?;
    Ok(learn::learned_from_counts(&counts, seen))
}

/// Chrome rules of a source (none for input outside the config) plus the site rules extraction
/// consults by host.
pub fn rules_for(source: Option<&Source>, site_rules: &[SiteRule]) -> Rules {
    source
        .map(|s| {
            Rules::new(
                &s.chrome_lines,
                s.chrome_patterns.clone(),
                &s.chrome_selectors,
            )
        })
        .unwrap_or_default()
        .with_site_rules(
            site_rules
                .iter()
                .map(|r| (r.host.clone(), r.rule.clone()))
                .collect(),
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
    fn known_keys_invert_item_ids() {
        let keys = ["a b/ç.txt", "https://ex.org/a%20b?id=1"];
        let ids: Vec<String> = keys
            .iter()
            .map(|k| item_id("ex.org,2024", "w", k))
            .collect();
        let known = known_keys(&ids, "ex.org,2024", "w");
        assert_eq!(known, keys.iter().map(|k| k.to_string()).collect());
    }

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
