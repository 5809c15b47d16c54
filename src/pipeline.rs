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
use crate::publish::{self, site, write, Format, ValidFeed};
use crate::schedule::Schedule;
use crate::source::web::{collect_web, passes_filters};
use crate::source::{self, Collected, Memory};
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
    /// Worth a look but nothing failed (a site rule that no longer matches), as "source: note".
    pub notes: Vec<String>,
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
    /// Shared by every web source of the run: one set of limits, delays and robots.txt rules.
    fetcher: Fetcher,
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
            fetcher: Fetcher::new(&config.site, config.web_hosts()),
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
        let mut failed = Vec::new();
        for (source, result) in feed.sources.iter().zip(results) {
            match result {
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
            // Normalised articles of all sources, filtered, before de-duplication.
            let mut candidates: Vec<(&Source, String, Article)> = Vec::new();
            let mut teasers: HashSet<String> = HashSet::new();
            let mut runs = Vec::new();
            for (source, error) in failed {
                runs.push((source, SourceRun::failed(now, error)));
            }
            for (source, c) in collected {
                let Collected {
                    articles,
                    problems,
                    validators,
                    unchanged,
                    known,
                    teasers: source_teasers,
                } = c;
                teasers.extend(source_teasers);
                let (mut fresh, mut body_chars) = (0u32, 0usize);
                // Validators are kept only when everything worked, so an article that failed
                // is tried again next run instead of hiding behind a 304.
                let mut clean = problems.is_empty();
                for error in problems {
                    // A dead article link is someone else's to fix: said once, not every run.
                    if let Error::HttpStatus {
                        url,
                        status: 404 | 410,
                    } = &error
                    {
                        if !store.note_dead_link(&feed.name, url, now)? {
                            tracing::info!(source = %source.name, %url, "still gone");
                            continue;
                        }
                    }
                    report.problems.push(Problem {
                        source: source.name.clone(),
                        error,
                        source_failed: false,
                    });
                }
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
                                fresh += 1;
                                body_chars += article.content_text.chars().count();
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
                let yielded = Yield {
                    unchanged,
                    fresh,
                    known,
                    body_chars,
                };
                runs.push((source, source_run(store, feed, source, now, yielded)?));
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
            for (source, key, article) in
                unique(store, feed, &config.site.id_authority, candidates)?
            {
                let id = item_id(&config.site.id_authority, &feed.name, &key);
                let upserted = store.upsert(&feed.name, &id, &source.name, &article, now)?;
                store.set_partial(&feed.name, &id, teasers.contains(&key))?;
                match upserted {
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
        tracing::debug!(feed = %feed.name, new, changed, items = report.items, written = report.written.len(), "feed done");
        Ok(report)
    }

    /// Output files of feeds no longer configured: removed with `prune`, else warned about once.
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
                // Feed files, and feed pages (`index.html` is the site's, not a feed's).
                let ours = Format::ALL.iter().any(|f| f.extension() == ext)
                    || (ext == "html" && file != site::INDEX);
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

/// What a working source gave this run.
struct Yield {
    /// It answered "not modified".
    unchanged: bool,
    /// Articles extracted (and passing the filters).
    fresh: u32,
    /// Articles it lists that were already stored.
    known: usize,
    /// Characters of the extracted articles' text, together.
    body_chars: usize,
}

/// A working source's run for `status`: its yield is what it extracted plus what it still lists
/// but was already stored. When nothing was extracted ("not modified", or only known articles),
/// the body length of the last good run stands: there is nothing new to measure.
fn source_run(
    store: &Store,
    feed: &Feed,
    source: &Source,
    now: DateTime<Utc>,
    y: Yield,
) -> Result<SourceRun> {
    let Yield {
        unchanged,
        fresh,
        known,
        body_chars,
    } = y;
    let last_ok = || -> Result<Option<SourceRun>> {
        Ok(store
            .source_runs(&feed.name, &source.name)?
            .into_iter()
            .rev()
            .find(|r| r.ok))
    };
    let known = u32::try_from(known).unwrap_or(u32::MAX);
    Ok(if unchanged {
        let last = last_ok()?;
        SourceRun::succeeded(
            now,
            last.as_ref().map_or(0, |r| r.items),
            last.map_or(0, |r| r.avg_body_len),
        )
    } else if fresh == 0 && known > 0 {
        SourceRun::succeeded(now, known, last_ok()?.map_or(0, |r| r.avg_body_len))
    } else {
        let avg = body_chars.checked_div(fresh as usize).unwrap_or(0);
        SourceRun::succeeded(
            now,
            fresh.saturating_add(known),
            u32::try_from(avg).unwrap_or(u32::MAX),
        )
    })
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

/// Learns chrome from the source's new scraped texts and pages, then normalises all of them.
type Normalized<'r> = (&'r RawArticle, Result<(Article, Vec<String>)>);

fn normalize_source<'r>(
    store: &Store,
    source: &Source,
    site_rules: &[SiteRule],
    articles: &'r [RawArticle],
    now: DateTime<Utc>,
) -> Result<Vec<Normalized<'r>>> {
    let rules = rules_for(Some(source), site_rules);
    let nothing_learned = learn::Learned::default();
    for raw in articles {
        if store.chrome_counted(&source.name, &raw.key)? {
            continue;
        }
        let lines = match &raw.body {
            RawBody::Text(text) => learn::candidates(text),
            // A page's blocks as extraction keeps them before anything learned is removed, so
            // what was learned does not erase its own evidence.
            RawBody::Html(_) => {
                let ctx = Context {
                    now,
                    file_time: raw.file_time,
                    timezone: source.timezone,
                    rules: &rules,
                    learned: &nothing_learned,
                };
                normalize::normalize(raw, &ctx)
                    .map(|a| learn::candidates(&a.content_text))
                    .unwrap_or_default()
            }
            RawBody::Markdown(_) | RawBody::HtmlFragment(_) => continue,
        };
        store.count_chrome(&source.name, &raw.key, &lines)?;
    }
    let learned = learned_for(store, &source.name)?;
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
    fn source_yield_for_status_counts_known_and_keeps_body_length_when_nothing_new() {
        let config = Config::parse(
            "[site]\ntitle = \"T\"\nbase_url = \"https://e.org/\"\n[[feed]]\nname = \"f\"\ntitle = \"F\"\nlink = \"https://e.org/\"\n[[feed.source]]\ndir = \"a\"\n",
            std::path::Path::new("/tmp/c.toml"),
        )
        .unwrap();
        let (feed, source) = (&config.feeds[0], &config.feeds[0].sources[0]);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let now = Utc::now();
        let run = |y: Yield| source_run(&store, feed, source, now, y).unwrap();
        let fresh = run(Yield {
            unchanged: false,
            fresh: 4,
            known: 2,
            body_chars: 4000,
        });
        assert_eq!((fresh.items, fresh.avg_body_len), (6, 1000));
        store
            .record_source_run(&feed.name, &source.name, &fresh)
            .unwrap();
        let only_known = run(Yield {
            unchanged: false,
            fresh: 0,
            known: 6,
            body_chars: 0,
        });
        assert_eq!((only_known.items, only_known.avg_body_len), (6, 1000));
        let not_modified = run(Yield {
            unchanged: true,
            fresh: 0,
            known: 0,
            body_chars: 0,
        });
        assert_eq!((not_modified.items, not_modified.avg_body_len), (6, 1000));
    }

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
