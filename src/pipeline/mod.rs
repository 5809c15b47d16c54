//! One run. Under the run lock, each selected feed goes through five stages, each in its own
//! module and each handing the next a named type:
//!
//! ```text
//! collect ──Gathered──▶ normalize ──Normalized──▶ select ──Selected──▶ persist ──Persisted──▶ publish
//! (sources, fetch)      (pure, with learned chrome) (filters, dedupe)   (one transaction)     (render, verify, write, ping)
//! ```
//!
//! A problem with one source is recorded in the report while every other feed is still
//! published. The library never prints or exits; the CLI reads the [`RunReport`].

mod budget;
mod collect;
mod health;
mod lock;
mod normalize;
mod orphans;
mod persist;
mod publish;
mod report;

use std::collections::BTreeMap;
use std::fs::File;

use chrono::{DateTime, Utc};

pub use normalize::{learned_for, rules_for};
pub use persist::item_id;
pub use report::{FeedReport, Problem, RunReport, Scope, SourceOutcome};

use crate::config::{Config, Feed};
use crate::error::{Error, FetchError, Result};
use crate::fetch::Fetcher;
use crate::publish::{site, write, ValidFeed};
use crate::store::Store;

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

/// Which feeds a run refreshes; `run`, `check` and the daemon all choose through this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every feed, due or not.
    All,
    /// These feeds (names the config has), due or not.
    Named(Vec<String>),
    /// Feeds whose schedule fired since their last run; a feed without one is always due
    /// (cron decides when it runs).
    Due,
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
    /// Feeds validated this run, reused for the index, OPML and feed pages.
    published: BTreeMap<String, ValidFeed>,
    _lock: File,
}

impl<'a> Runner<'a> {
    pub fn start(config: &'a Config, opts: RunOptions) -> Result<Runner<'a>> {
        let lock = lock::lock(config)?;
        if !opts.dry_run {
            write::sweep_temp_files(&config.site.output_dir)?;
        }
        let store = Store::open(&config.site.state)?;
        let fetcher = Fetcher::new(&config.site, config.web_hosts())
            .remembering_robots(store.robots()?, opts.now);
        let hub = match &config.site.websub_hub {
            Some(url) => Some((
                reqwest::Client::builder()
                    .user_agent(&config.site.fetch.user_agent)
                    .timeout(config.site.fetch.timeout)
                    .build()
                    .map_err(|e| {
                        let cause = e.to_string();
                        Error::fetch(url, FetchError::Client { cause })
                    })?,
                url.clone(),
            )),
            None => None,
        };
        Ok(Runner {
            config,
            opts,
            store,
            fetcher,
            hub,
            published: BTreeMap::new(),
            _lock: lock,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The feeds `selection` names, in config order.
    pub fn selected(&self, selection: &Selection) -> Result<Vec<&'a Feed>> {
        let mut out = Vec::new();
        for feed in &self.config.feeds {
            let wanted = match selection {
                Selection::All => true,
                Selection::Named(names) => names.contains(&feed.name),
                Selection::Due => match &feed.schedule {
                    None => true,
                    Some(s) => s.is_due(
                        self.store.last_run(&feed.name)?,
                        self.opts.now,
                        self.config.site.timezone,
                    ),
                },
            };
            if wanted {
                out.push(feed);
            }
        }
        Ok(out)
    }

    /// Refreshes and publishes one feed through the five stages. Only a failure to store or
    /// write is an `Err`; source problems are in the report.
    pub async fn run_feed(&mut self, feed: &'a Feed) -> Result<FeedReport> {
        let mut reports = self.run_feeds(&[feed], |_| {}).await?;
        Ok(reports.remove(0))
    }

    /// Refreshes `feeds` together: every feed's sources are collected concurrently, and each
    /// feed goes on through normalize, select, persist and publish as soon as its collection is
    /// complete, one at a time (the store has one writer). `done` is told of each feed as it
    /// is published; the reports come back in the order of `feeds`, whatever order they
    /// finished in.
    pub async fn run_feeds(
        &mut self,
        feeds: &[&'a Feed],
        mut done: impl FnMut(&Feed),
    ) -> Result<Vec<FeedReport>> {
        let now = self.opts.now;
        let mut collecting = futures_util::stream::FuturesUnordered::new();
        for (i, feed) in feeds.iter().enumerate() {
            let memories = collect::memories(&self.store, feed, now)?;
            let task = collect::spawn(feed, &self.fetcher, memories);
            collecting.push(async move { (i, task.await) });
        }
        let mut reports: Vec<Option<FeedReport>> = feeds.iter().map(|_| None).collect();
        while let Some((i, joined)) = futures_util::StreamExt::next(&mut collecting).await {
            // A collection task only ends early by panicking: a bug, not a source's problem.
            let outcomes = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            let feed = feeds[i];
            reports[i] = Some(
                self.refresh(feed, collect::gathered(feed, outcomes))
                    .await?,
            );
            done(feed);
        }
        Ok(reports.into_iter().flatten().collect())
    }

    /// Stages 2 to 5 for one feed whose sources are collected.
    async fn refresh(
        &mut self,
        feed: &Feed,
        gathered: Vec<collect::Gathered<'_>>,
    ) -> Result<FeedReport> {
        let mut report = FeedReport::new(&feed.name);
        let (config, now) = (self.config, self.opts.now);
        let dry_run = self.opts.dry_run;
        let persisted = self.store.transaction(!dry_run, |store| {
            let rules = &config.site_rules;
            let mut normalized = normalize::normalize(store, rules, gathered, now)?;
            for (source, dir) in std::mem::take(&mut normalized.relearned) {
                let again = collect::in_full(source, dir);
                let again = normalize::normalize(store, rules, vec![again], now)?;
                normalized.replace(again, &feed.sources);
            }
            report.notes.extend(normalized.notes);
            // Stored items matter to selection only when there is something to compare.
            let stored = match normalized.candidates.is_empty() {
                true => Vec::new(),
                false => store.items(&feed.name, feed.limit)?,
            };
            let mut selected = crate::select::select(feed, &stored, normalized.candidates);
            report
                .notes
                .extend(persist::keep_stored_bodies(&stored, &mut selected.kept));
            let outcome = persist::Outcome {
                selected,
                runs: normalized.runs,
                problems: normalized.problems,
            };
            let authority = &config.site.id_authority;
            let persisted = persist::persist(store, feed, authority, outcome, now, &mut report)?;
            let signature = store.feed_signature(&feed.name, feed.limit)?;
            // A dry run rolls the transaction back: what it would publish is read before.
            let items = match dry_run {
                true => Some(store.items(&feed.name, feed.limit)?),
                false => None,
            };
            Ok((persisted, signature, items))
        })?;
        let (persisted, (signature, count), items) = persisted;
        let digest = render_digest(config, feed, &signature);
        let unchanged = !self.opts.dry_run
            && self.store.feed_digest(&feed.name)?.as_deref() == Some(digest.as_str())
            && publish::files_exist(&config.site.output_dir, &feed.name);
        if unchanged {
            // The files were written from these very items and settings: nothing to render.
            tracing::debug!(feed = %feed.name, "unchanged since the last run; not rendered");
            report.items = count;
            return Ok(report);
        }
        let items = match items {
            Some(items) => items,
            None => self.store.items(&feed.name, feed.limit)?,
        };
        let built = ValidFeed::new(
            feed,
            &config.site,
            &items,
            persisted.first_run,
            ttl(config, feed),
        );
        let valid = match gate(built, &config.site, now, &mut report.notes) {
            Ok(v) => v,
            Err(error) => {
                report.failure(error);
                return Ok(report);
            }
        };
        report.items = valid.items().len();
        let outlet = publish::Outlet {
            dir: &config.site.output_dir,
            dry_run: self.opts.dry_run,
            hub: self.hub.as_ref(),
        };
        let failed_before = report.problems.len();
        publish::publish(&valid, &outlet, &mut report).await?;
        // Remembered only once every format is written, so a feed that failed is tried again.
        let all_written = report.problems[failed_before..]
            .iter()
            .all(|p| p.scope != Scope::Feed);
        if !self.opts.dry_run && all_written {
            self.store.set_feed_digest(&feed.name, &digest)?;
        }
        tracing::debug!(feed = %feed.name, new = report.new, changed = report.changed, items = report.items, written = report.written.len(), "feed done");
        self.published.insert(feed.name.clone(), valid);
        Ok(report)
    }

    /// Writes the index, OPML and feed pages from every feed published so far, and deals with
    /// output files of feeds no longer configured; returns the warnings for a person.
    pub fn finish(mut self) -> Result<Vec<String>> {
        if !self.opts.dry_run {
            for (origin, copy) in self.fetcher.robots_to_keep() {
                self.store.set_robots(&origin, &copy)?;
            }
            self.write_site()?;
        }
        orphans::handle(self.config, &self.store, &self.opts)
    }

    /// The index, OPML and feed pages, unless every feed's digest and the site's settings are
    /// what they were when they were last written.
    fn write_site(&mut self) -> Result<()> {
        let dir = &self.config.site.output_dir;
        let mut digests = Vec::new();
        for feed in &self.config.feeds {
            digests.push(self.store.feed_digest(&feed.name)?.unwrap_or_default());
        }
        let digest = hex_digest(&format!("{:?}{digests:?}", self.config.site));
        let same = self.store.setting(SITE_DIGEST)?.as_deref() == Some(digest.as_str());
        let pages_there = [site::INDEX, site::OPML]
            .iter()
            .all(|f| dir.join(f).is_file())
            && (self.config.feeds.iter().zip(&digests))
                .all(|(f, d)| d.is_empty() || dir.join(format!("{}.html", f.name)).is_file());
        if same && pages_there {
            return Ok(());
        }
        let mut feeds = Vec::new();
        for feed in &self.config.feeds {
            if let Some(valid) = self.published.remove(&feed.name) {
                feeds.push(valid);
            } else if let Some(valid) = self.stored_feed(feed)? {
                feeds.push(valid);
            }
        }
        site::write_site(dir, &feeds, &self.config.site)?;
        self.store.set_setting(SITE_DIGEST, &digest)
    }

    /// A feed not refreshed this run, as it was last published; `None` before its first run
    /// or when it does not validate (the run that met that reported it, and wrote nothing).
    fn stored_feed(&self, feed: &Feed) -> Result<Option<ValidFeed>> {
        let Some(first_run) = self.store.first_run(&feed.name)? else {
            return Ok(None);
        };
        let items = self.store.items(&feed.name, feed.limit)?;
        let site = &self.config.site;
        let built = ValidFeed::new(feed, site, &items, first_run, ttl(self.config, feed));
        // Gated as when it was published, so its page lists what its files hold; what the gate
        // changed was said by that run.
        Ok(gate(built, site, self.opts.now, &mut Vec::new()).ok())
    }
}

/// Runs the feeds `selection` picks.
pub async fn run(config: &Config, opts: RunOptions, selection: &Selection) -> Result<RunReport> {
    let mut runner = Runner::start(config, opts)?;
    let feeds = runner.selected(selection)?;
    let mut report = RunReport {
        feeds: runner.run_feeds(&feeds, |_| {}).await?,
        ..RunReport::default()
    };
    report.warnings = runner.finish()?;
    Ok(report)
}

/// `check` without the network: every feed rebuilt from what the store holds and put through
/// the same validation, rendering and parse-back a run uses; nothing is fetched or written.
pub async fn check_stored(config: &Config, now: DateTime<Utc>) -> Result<RunReport> {
    let mut report = RunReport::default();
    // Opening the store would create it: with none, there is nothing published to check.
    let store = match config.site.state.exists() {
        true => Some(Store::open(&config.site.state)?),
        false => None,
    };
    for feed in &config.feeds {
        let mut r = FeedReport::new(&feed.name);
        let stored = match &store {
            Some(store) => match store.first_run(&feed.name)? {
                Some(first_run) => Some((store.items(&feed.name, feed.limit)?, first_run)),
                None => None,
            },
            None => None,
        };
        if let Some((items, first_run)) = stored {
            let built = ValidFeed::new(feed, &config.site, &items, first_run, ttl(config, feed));
            match gate(built, &config.site, now, &mut r.notes) {
                Ok(valid) => {
                    r.items = valid.items().len();
                    let outlet = publish::Outlet {
                        dir: &config.site.output_dir,
                        dry_run: true,
                        hub: None,
                    };
                    publish::publish(&valid, &outlet, &mut r).await?;
                }
                Err(error) => r.failure(error),
            }
        }
        report.feeds.push(r);
    }
    Ok(report)
}

/// The gate every feed passes before its files are replaced, in a run and in `check` alike:
/// what [`ValidFeed::gate`] changed becomes notes naming the feed's cap and counts.
fn gate(
    built: Result<ValidFeed>,
    site: &crate::config::Site,
    now: DateTime<Utc>,
    notes: &mut Vec<String>,
) -> Result<ValidFeed> {
    let mut valid = built?;
    let gated = valid.gate(now, site.max_feed_bytes)?;
    if gated.clamped > 0 {
        notes.push(format!(
            "{} item(s) dated more than {} minutes ahead were dated now",
            gated.clamped,
            crate::publish::FUTURE_SKEW_MINUTES
        ));
    }
    if gated.left_out > 0 {
        notes.push(format!(
            "{} oldest item(s) left out so that every file fits max_feed_bytes = {}; {} kept",
            gated.left_out,
            site.max_feed_bytes,
            valid.items().len()
        ));
    }
    Ok(valid)
}

/// The settings key of the site pages' digest.
const SITE_DIGEST: &str = "site_digest";

/// What a feed's files are rendered from: this build (its rendering may differ), the feed's and
/// the site's settings, and the signature of its items. Equal digests, equal files.
fn render_digest(config: &Config, feed: &Feed, signature: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    hex_digest(&format!("{version}{feed:?}{:?}{signature}", config.site))
}

fn hex_digest(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// RSS `ttl`: minutes between the feed's scheduled refreshes, when it has a schedule.
fn ttl(config: &Config, feed: &Feed) -> Option<u32> {
    feed.schedule.as_ref()?.ttl_minutes(config.site.timezone)
}
