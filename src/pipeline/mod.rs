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
mod shard;

use std::collections::BTreeMap;
use std::fs::File;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use normalize::{learned_for, rules_for};
pub use persist::item_id;
pub use report::{FeedReport, Problem, RunReport, Scope, SourceOutcome};
pub use shard::{Shard, ShardError};

use crate::config::{Config, Feed, Site};
use crate::error::{Error, FetchError, Result};
use crate::fetch::Fetcher;
use crate::publish::remote::Bucket;
use crate::publish::{site, write, FeedSummary, Format};
use crate::serve::CachePolicy;
use crate::store::Store;
use publish::Written;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Build and validate everything, write nothing (feeds or state).
    pub dry_run: bool,
    /// Remove output files of feeds no longer in the config.
    pub prune: bool,
    pub now: DateTime<Utc>,
    /// The worker (PostgreSQL state) whose claims this run works on: a feed whose claim it
    /// lost is not written.
    pub worker: Option<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dry_run: false,
            prune: false,
            now: Utc::now(),
            worker: None,
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
    /// The feeds of `of` that fall in this shard (`--shard I/N`).
    Shard(Shard, Box<Selection>),
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
    /// The bucket the output folder is copied to, when `[site] publish_to` is set (and this
    /// is no dry run).
    remote: Option<publish::Remote>,
    /// Summaries of the feeds published this run, for the index and OPML.
    published: BTreeMap<String, FeedSummary>,
    /// The site's settings, shared with the thread a feed is published on.
    site: Arc<Site>,
    /// A second connection to a SQLite state, for publishing one feed on a thread of its own
    /// while the next is prepared (WAL: it reads what the run's connection has committed).
    /// `None` while it is in use, and for dry runs and PostgreSQL state, which publish in turn.
    reader: Option<Store>,
    _lock: Option<File>,
}

impl<'a> Runner<'a> {
    pub fn start(config: &'a Config, opts: RunOptions) -> Result<Runner<'a>> {
        let lock = lock::lock(config)?;
        // Only under the run lock: without one (PostgreSQL state) another worker's temp file
        // may be a file being written.
        if !opts.dry_run && lock.is_some() {
            write::sweep_temp_files(&config.site.output_dir)?;
        }
        let store = Store::for_site(&config.site)?;
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
        let remote = match &config.site.publish_to {
            Some(to) if !opts.dry_run => Some(publish::Remote {
                bucket: Bucket::open(to, &config.site)?,
                cache: CachePolicy::from_config(config),
            }),
            _ => None,
        };
        let reader = match config.site.state_url {
            None if !opts.dry_run => Some(Store::for_site(&config.site)?),
            _ => None,
        };
        Ok(Runner {
            config,
            opts,
            store,
            fetcher,
            hub,
            remote,
            published: BTreeMap::new(),
            site: Arc::new(config.site.clone()),
            reader,
            _lock: lock,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Spaces this run's requests also through `gate` (workers on other machines).
    pub fn with_host_gate(mut self, gate: std::sync::Arc<dyn crate::fetch::HostGate>) -> Self {
        self.fetcher = self.fetcher.with_host_gate(gate);
        self
    }

    /// The feeds `selection` names, in config order.
    pub fn selected(&self, selection: &Selection) -> Result<Vec<&'a Feed>> {
        let mut out = Vec::new();
        for feed in &self.config.feeds {
            if self.wants(selection, feed)? {
                out.push(feed);
            }
        }
        Ok(out)
    }

    fn wants(&self, selection: &Selection, feed: &Feed) -> Result<bool> {
        Ok(match selection {
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
            Selection::Shard(shard, of) => shard.contains(&feed.name) && self.wants(of, feed)?,
        })
    }

    /// Refreshes and publishes one feed through the five stages. Only a failure to store or
    /// write is an `Err`; source problems are in the report.
    pub async fn run_feed(&mut self, feed: &'a Feed) -> Result<FeedReport> {
        let mut reports = self.run_feeds(&[feed], |_| {}).await?;
        Ok(reports.remove(0))
    }

    /// Refreshes `feeds` together: every feed's sources are collected concurrently, and each
    /// feed goes on through normalize, select and persist as soon as its collection is
    /// complete, one at a time (the store has one writer), and is published while the next one
    /// goes through them (on a thread of its own, with SQLite state). `done` is told of each feed as it is
    /// published; the reports come back in the order of `feeds`, whatever order they finished
    /// in.
    pub async fn run_feeds(
        &mut self,
        feeds: &[&'a Feed],
        mut done: impl FnMut(&Feed),
    ) -> Result<Vec<FeedReport>> {
        let now = self.opts.now;
        let mut collecting = futures_util::stream::FuturesUnordered::new();
        let fetcher = self.fetcher.clone();
        let start = |i: usize, store: &Store| {
            let memories = collect::memories(store, feeds[i], now)?;
            let task = collect::spawn(feeds[i], &fetcher, memories);
            Ok::<_, Error>(async move { (i, task.await) })
        };
        // Feeds with a web source start at once (their waiting overlaps); feeds of local
        // folders only a few ahead of the one being refreshed.
        let local = |i: &usize| feeds[*i].sources.iter().all(|s| s.kind.url().is_none());
        let (queued, web): (Vec<usize>, Vec<usize>) = (0..feeds.len()).partition(local);
        let mut queued = std::collections::VecDeque::from(queued);
        for i in web {
            collecting.push(start(i, &self.store)?);
        }
        let mut local_ahead = 0;
        let mut reports: Vec<Option<FeedReport>> = feeds.iter().map(|_| None).collect();
        // The feed being rendered and written while the next one is prepared: at most one.
        let mut publishing: Option<(usize, Publishing)> = None;
        loop {
            while local_ahead < LOCAL_AHEAD {
                let Some(i) = queued.pop_front() else { break };
                collecting.push(start(i, &self.store)?);
                local_ahead += 1;
            }
            let Some((i, joined)) = futures_util::StreamExt::next(&mut collecting).await else {
                break;
            };
            // A collection task only ends early by panicking: a bug, not a source's problem.
            let outcomes = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            let feed = feeds[i];
            local_ahead -= usize::from(local(&i));
            let prepared = self.prepare(feed, collect::gathered(feed, outcomes)).await;
            // The one before is finished first, whatever this one gave: its report and its
            // settings come before this feed's.
            if let Some((j, before)) = publishing.take() {
                reports[j] = Some(self.finish_aside(feeds[j], before).await?);
                done(feeds[j]);
            }
            match prepared? {
                Prepared::Done(report) => {
                    reports[i] = Some(report);
                    done(feed);
                }
                Prepared::Publish(job, mut report) => match self.reader.take() {
                    Some(reader) => {
                        publishing = Some((i, self.publish_aside(*job, report, reader)));
                    }
                    None => {
                        let written = self.publish_here(&job, &mut report);
                        reports[i] = Some(self.after_publish(feed, *job, report, written).await?);
                        done(feed);
                    }
                },
            }
        }
        if let Some((j, before)) = publishing.take() {
            reports[j] = Some(self.finish_aside(feeds[j], before).await?);
            done(feeds[j]);
        }
        Ok(reports.into_iter().flatten().collect())
    }

    /// Waits for the feed [`Runner::publish_aside`] is publishing, then ends its stage 5.
    async fn finish_aside(&mut self, feed: &Feed, publishing: Publishing) -> Result<FeedReport> {
        // A panic while publishing is a bug: it goes on as this thread's.
        let (reader, report, written) = publishing
            .handle
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        self.reader = Some(reader);
        self.after_publish(feed, publishing.job, report, written)
            .await
    }

    /// Stages 2 to 4 for one feed whose sources are collected, and whether it needs
    /// publishing: not when the files were written from these very inputs.
    async fn prepare(
        &mut self,
        feed: &Feed,
        gathered: Vec<collect::Gathered<'_>>,
    ) -> Result<Prepared> {
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
            // Items pushed past `limit` go to the archive's pages before anything is rendered.
            let archive = match feed.archive {
                true => Some(store.archive_overflow(&feed.name, feed.limit)?.0),
                false => None,
            };
            let signature = store.feed_signature(&feed.name, feed.limit)?;
            // A dry run rolls the transaction back: what it would publish is read before.
            let items = match dry_run {
                true => Some(store.items(&feed.name, feed.limit)?),
                false => None,
            };
            Ok((persisted, signature, items, archive))
        })?;
        let (persisted, (signature, count), items, archive) = persisted;
        let digest = render_digest(config, feed, &signature);
        let unchanged = !self.opts.dry_run
            && self.store.feed_digest(&feed.name)?.as_deref() == Some(digest.as_str())
            && publish::files_exist(&config.site.output_dir, &feed.name)
            && publish::archive_exists(&config.site.output_dir, &feed.name, archive);
        if unchanged {
            // The files were written from these very items and settings: nothing to render.
            tracing::debug!(feed = %feed.name, "unchanged since the last run; not rendered");
            report.items = count;
            return Ok(Prepared::Done(report));
        }
        if let Some(worker) = &self.opts.worker {
            if !self.store.holds_claim(&feed.name, worker)? {
                report.notes.push(format!("not written: worker {worker} lost its claim on the feed (its lease ran out) to another worker"));
                return Ok(Prepared::Done(report));
            }
        }
        let failed_before = report.problems.len();
        let job = Job {
            feed: feed.clone(),
            first_run: persisted.first_run,
            archive,
            items,
            digest,
            failed_before,
        };
        Ok(Prepared::Publish(Box::new(job), report))
    }

    /// Renders and writes the feed of `job` on a blocking thread with `reader`, a connection of
    /// its own to the state (the feed's items are committed), while this thread goes on with
    /// the next feed; the reader comes back with the outcome.
    fn publish_aside(&self, job: Job, mut report: FeedReport, reader: Store) -> Publishing {
        let (site, ttl) = (self.site.clone(), ttl(self.config, &job.feed));
        let now = self.opts.now;
        let (feed, first_run, archive) = (job.feed.clone(), job.first_run, job.archive);
        let handle = tokio::task::spawn_blocking(move || {
            let inputs = publish_inputs(&feed, &site, first_run, ttl, archive, now);
            let written = render_and_write(&reader, &inputs, None, false, &mut report);
            (reader, report, written)
        });
        Publishing { job, handle }
    }

    /// Renders and writes the feed of `job` on this thread, with the run's own store.
    fn publish_here(&self, job: &Job, report: &mut FeedReport) -> Result<Option<Written>> {
        let ttl = ttl(self.config, &job.feed);
        let inputs = publish_inputs(
            &job.feed,
            &self.site,
            job.first_run,
            ttl,
            job.archive,
            self.opts.now,
        );
        let items = job.items.as_deref();
        render_and_write(&self.store, &inputs, items, self.opts.dry_run, report)
    }

    /// The end of stage 5 for a feed whose files are written (`written`): copied to the
    /// bucket, the hub told, and what was published remembered.
    async fn after_publish(
        &mut self,
        feed: &Feed,
        job: Job,
        mut report: FeedReport,
        written: Result<Option<Written>>,
    ) -> Result<FeedReport> {
        let config = self.config;
        let dry_run = self.opts.dry_run;
        let Job {
            archive,
            digest,
            failed_before,
            ..
        } = job;
        let Some(mut written) = written? else {
            // Not listed on the index until it passes the gate again.
            if !dry_run {
                self.store.set_setting(&summary_key(&feed.name), "")?;
            }
            return Ok(report);
        };
        let outlet = publish::Outlet {
            dir: &config.site.output_dir,
            dry_run,
            hub: self.hub.as_ref(),
        };
        let feed_failed = |report: &FeedReport| {
            report.problems[failed_before..]
                .iter()
                .any(|p| p.scope == Scope::Feed)
        };
        // The public copies follow the local files, and only a complete set of them.
        if let Some(remote) = self.remote.as_ref().filter(|_| !feed_failed(&report)) {
            let mut uploaded = Vec::new();
            let dir = &config.site.output_dir;
            // Archive and article pages first: the feed links to them.
            let archived = (1..=archive.unwrap_or(0)).flat_map(|page| {
                Format::ALL
                    .iter()
                    .map(move |f| f.archive_name(&feed.name, page))
            });
            let pages = site::article_page_names(dir, &feed.name);
            let files: Vec<String> = archived
                .chain(pages.iter().cloned())
                .chain(publish::feed_files(&feed.name))
                .collect();
            let result = match publish::upload(remote, &mut self.store, dir, &files, &mut uploaded)
                .await
            {
                // Pages of items that left the feed go after the feed that no longer links them.
                Ok(()) => publish::delete_gone(remote, &mut self.store, &feed.name, &pages).await,
                failed => failed,
            };
            written.uploaded(&uploaded);
            report
                .uploaded
                .extend(uploaded.iter().map(|name| remote.bucket.key(name)));
            match result {
                Ok(()) => {}
                Err(e @ (Error::Remote { .. } | Error::Io { .. })) => report.failure(e),
                Err(other) => return Err(other),
            }
        }
        publish::ping(&written, &outlet, &mut report).await;
        // Remembered only once every format is written (and uploaded), so a feed that failed
        // is tried again.
        let all_written = !feed_failed(&report);
        if !self.opts.dry_run {
            let summary = &written.summary;
            let line = format!("{} {}", summary.items, summary.head.updated().to_rfc3339());
            self.store.set_setting(&summary_key(&feed.name), &line)?;
            if all_written {
                self.store.set_feed_digest(&feed.name, &digest)?;
            }
        }
        tracing::debug!(feed = %feed.name, new = report.new, changed = report.changed, items = report.items, written = report.written.len(), "feed done");
        self.published.insert(feed.name.clone(), written.summary);
        Ok(report)
    }

    /// Writes (and uploads) the index and OPML from every feed's summary, and deals with
    /// output files of feeds no longer configured; puts the warnings for a person, and what
    /// failed with the bucket, in `report`.
    pub async fn finish(mut self, report: &mut RunReport) -> Result<()> {
        let remote_problem = |e: Error, report: &mut RunReport| match e {
            e @ Error::Remote { .. } => {
                report.problems.push(e);
                Ok(())
            }
            other => Err(other),
        };
        if !self.opts.dry_run {
            for (origin, copy) in self.fetcher.robots_to_keep() {
                self.store.set_robots(&origin, &copy)?;
            }
            let mut uploaded = Vec::new();
            let written = self.write_site(&mut uploaded).await;
            if let Some(remote) = &self.remote {
                report
                    .uploaded
                    .extend(uploaded.iter().map(|name| remote.bucket.key(name)));
            }
            if let Err(e) = written {
                remote_problem(e, report)?;
            }
        }
        report.warnings = orphans::handle(self.config, &self.store, &self.opts)?;
        if let Some(remote) = &self.remote {
            match orphans::handle_remote(self.config, &mut self.store, &self.opts, remote).await {
                Ok(warnings) => report.warnings.extend(warnings),
                Err(e) => remote_problem(e, report)?,
            }
        }
        Ok(())
    }

    /// [`Runner::finish`] without the index, OPML and orphaned files: for a worker between
    /// batches, as those read every feed's state. It does them once its queue is idle, with
    /// [`Runner::finish`] on a run of no feeds.
    pub fn finish_feeds(self) -> Result<()> {
        if !self.opts.dry_run {
            for (origin, copy) in self.fetcher.robots_to_keep() {
                self.store.set_robots(&origin, &copy)?;
            }
        }
        Ok(())
    }

    /// The index and OPML, unless every feed's digest and the site's settings are what they
    /// were when they were last written (and uploaded). Each feed's own page is written with
    /// its files.
    async fn write_site(&mut self, uploaded: &mut Vec<String>) -> Result<()> {
        let dir = &self.config.site.output_dir;
        let mut digests = Vec::new();
        for feed in &self.config.feeds {
            digests.push(self.store.feed_digest(&feed.name)?.unwrap_or_default());
        }
        let digest = hex_digest(&format!("{:?}{digests:?}", self.config.site));
        let same = self.store.setting(SITE_DIGEST)?.as_deref() == Some(digest.as_str());
        let pages_there = [site::INDEX, site::OPML]
            .iter()
            .all(|f| dir.join(f).is_file());
        if same && pages_there {
            return Ok(());
        }
        let mut feeds = Vec::new();
        for feed in &self.config.feeds {
            if let Some(summary) = self.published.remove(&feed.name) {
                feeds.push(summary);
            } else if let Some(summary) = self.stored_summary(feed)? {
                feeds.push(summary);
            }
        }
        site::write_site(dir, &feeds, &self.config.site)?;
        if let Some(remote) = &self.remote {
            // After every feed's files: the index never links a feed the bucket lacks.
            let pages = [site::INDEX.to_string(), site::OPML.to_string()];
            publish::upload(remote, &mut self.store, dir, &pages, uploaded).await?;
        }
        self.store.set_setting(SITE_DIGEST, &digest)
    }

    /// A feed not published this run, as it was last published: its item count and date as
    /// that run kept them. `None` before its first run or when it did not pass the gate.
    fn stored_summary(&self, feed: &Feed) -> Result<Option<FeedSummary>> {
        let Some(first_run) = self.store.first_run(&feed.name)? else {
            return Ok(None);
        };
        let inputs = publish::Inputs {
            feed,
            site: &self.config.site,
            first_run,
            ttl: ttl(self.config, feed),
            archive: None,
            now: self.opts.now,
        };
        match self.store.setting(&summary_key(&feed.name))? {
            Some(line) => {
                let parsed = line.split_once(' ').and_then(|(n, at)| {
                    let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
                    Some((n.parse().ok()?, at))
                });
                Ok(parsed.and_then(|(items, updated)| {
                    let head = publish::head(&inputs, updated)?;
                    Some(FeedSummary { head, items })
                }))
            }
            // Published by a build that kept no summaries: rendered once more, into nothing.
            None => {
                let mut stored = publish::Stored {
                    store: &self.store,
                    feed: &feed.name,
                    scope: crate::store::Scope::Newest(feed.limit),
                };
                Ok(publish::summarise(&inputs, &mut stored))
            }
        }
    }
}

/// The settings key of a feed's summary for the index: "items updated", or empty while the
/// feed does not pass the gate.
fn summary_key(feed: &str) -> String {
    format!("summary:{feed}")
}

/// What stages 2 to 4 leave for stage 5: nothing (the report is complete), or a feed to publish.
enum Prepared {
    Done(FeedReport),
    Publish(Box<Job>, FeedReport),
}

/// A feed whose items are stored, to be published.
struct Job {
    feed: Feed,
    first_run: DateTime<Utc>,
    /// The archive's page count, when the feed keeps one.
    archive: Option<u32>,
    /// A dry run's items, read inside its rolled-back transaction.
    items: Option<Vec<crate::model::Item>>,
    /// The rendering inputs' digest, remembered once every file is written.
    digest: String,
    /// The report's problems before publishing: those after it are publishing's.
    failed_before: usize,
}

/// A feed being published on a blocking thread, which hands back the reader it used.
struct Publishing {
    job: Job,
    handle: tokio::task::JoinHandle<(Store, FeedReport, Result<Option<Written>>)>,
}

fn publish_inputs<'a>(
    feed: &'a Feed,
    site: &'a Site,
    first_run: DateTime<Utc>,
    ttl: Option<u32>,
    archive: Option<u32>,
    now: DateTime<Utc>,
) -> publish::Inputs<'a> {
    publish::Inputs {
        feed,
        site,
        first_run,
        ttl,
        archive: archive.map(|pages| crate::publish::Archive::Current { pages }),
        now,
    }
}

/// The synchronous part of stage 5: the feed rendered from `store` (or a dry run's `items`),
/// checked and written, with its archive pages. `None` when it did not pass the gate.
fn render_and_write(
    store: &Store,
    inputs: &publish::Inputs,
    items: Option<&[crate::model::Item]>,
    dry_run: bool,
    report: &mut FeedReport,
) -> Result<Option<Written>> {
    let outlet = publish::Outlet {
        dir: &inputs.site.output_dir,
        dry_run,
        hub: None,
    };
    let feed = &inputs.feed.name;
    let written = match items {
        Some(mut items) => publish::write(inputs, &mut items, &outlet, report)?,
        None => {
            let mut stored = publish::Stored {
                store,
                feed,
                scope: crate::store::Scope::Newest(inputs.feed.limit),
            };
            publish::write(inputs, &mut stored, &outlet, report)?
        }
    };
    if written.is_some() && !dry_run {
        publish::write_archive(inputs, store, &outlet, report)?;
    }
    Ok(written)
}

/// Feeds of local folders only collected ahead of the one being refreshed: listing a folder
/// has no waiting to overlap (its files are read as they are normalised).
const LOCAL_AHEAD: usize = 2;

/// Runs the feeds `selection` picks.
pub async fn run(config: &Config, opts: RunOptions, selection: &Selection) -> Result<RunReport> {
    let mut runner = Runner::start(config, opts)?;
    let feeds = runner.selected(selection)?;
    let mut report = RunReport {
        feeds: runner.run_feeds(&feeds, |_| {}).await?,
        ..RunReport::default()
    };
    runner.finish(&mut report).await?;
    Ok(report)
}

/// `check` without the network: every feed (of `shard`, when given) rebuilt from what the
/// store holds and put through the same validation, rendering and parse-back a run uses;
/// nothing is fetched or written.
pub async fn check_stored(
    config: &Config,
    now: DateTime<Utc>,
    shard: Option<Shard>,
) -> Result<RunReport> {
    let mut report = RunReport::default();
    // Opening the store would create it: with none, there is nothing published to check.
    let store = match config.site.has_state() {
        true => Some(Store::for_site(&config.site)?),
        false => None,
    };
    let outlet = publish::Outlet {
        dir: &config.site.output_dir,
        dry_run: true,
        hub: None,
    };
    let feeds = config
        .feeds
        .iter()
        .filter(|f| shard.is_none_or(|s| s.contains(&f.name)));
    for feed in feeds {
        let mut r = FeedReport::new(&feed.name);
        if let Some(store) = &store {
            if let Some(first_run) = store.first_run(&feed.name)? {
                let pages = match feed.archive {
                    true => store.archive_page_count(&feed.name)?,
                    false => 0,
                };
                let inputs = publish::Inputs {
                    feed,
                    site: &config.site,
                    first_run,
                    ttl: ttl(config, feed),
                    archive: Some(crate::publish::Archive::Current { pages }),
                    now,
                };
                let mut stored = publish::Stored {
                    store,
                    feed: &feed.name,
                    scope: crate::store::Scope::Newest(feed.limit),
                };
                publish::write(&inputs, &mut stored, &outlet, &mut r)?;
            }
        }
        report.feeds.push(r);
    }
    Ok(report)
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
