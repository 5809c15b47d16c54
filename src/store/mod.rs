//! State: every item published per feed with its key, first-seen time, content hash and dates
//! (so ids and dates survive re-runs, and a vanished source loses nothing), HTTP validators for
//! conditional GET, and per-source line counts for learned chrome.
//!
//! One interface ([`Backend`]), two engines: embedded SQLite ([`sqlite`], the default: one
//! machine, nothing to run) and PostgreSQL ([`postgres`], behind the `postgres` feature: state
//! shared by workers on several machines, which also claim feeds through it). [`Store`] derefs
//! to the backend, so callers write `store.items(..)` whichever it is. Both schemas are
//! versioned and upgraded at open.

mod migrate;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "postgres")]
pub mod queue;
mod sqlite;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::config::Site;
use crate::error::Result;
use crate::fetch::{RobotsCopy, Validators};
use crate::model::{Article, Fingerprint, Item};
pub use crate::status::Claim;
use crate::status::SourceRun;

/// Runs kept per source: enough history for "usual" and for any sensible `alert_after`.
pub const SOURCE_RUNS_KEPT: u32 = 50;

/// The state of one site, in whichever engine its config names.
pub struct Store {
    engine: Engine,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Postgres>),
}

/// One article as the store files it.
#[derive(Debug, Clone, Copy)]
pub struct NewItem<'a> {
    /// Feed-unique key ([`crate::model::item_key`]): how the item is found again.
    pub key: &'a str,
    /// The id it gets if it is new; a stored item keeps the id it has.
    pub id: &'a str,
    pub source: &'a str,
    pub article: &'a Article,
    pub partial: bool,
}

/// What storing one article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    New,
    Changed,
    Unchanged,
}

/// What the store holds of one item, to decide what an upsert does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
    pub hash: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub partial: bool,
}

/// One item's row as written by an upsert.
#[derive(Debug, Clone, Copy)]
pub struct ItemRow<'a> {
    pub item: &'a NewItem<'a>,
    pub hash: &'a str,
    /// The article as JSON.
    pub json: &'a str,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Timestamps are stored as RFC 3339 text with microseconds in UTC: sortable as text, the same
/// in both engines.
fn ts(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Hash of the content a reader would see change: XXH3-128 (32 hex digits) of the article's
/// JSON. Dates are left out: the store owns them, and a clamped future date would otherwise
/// change on every run. Change detection, not security: a fast hash is enough.
pub fn content_hash(a: &Article) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&undated_json(a)))
}

/// Whether `stored`, the hash an item was kept with, is the hash of `a` (whose
/// [`content_hash`] is `hash`). Stores written by earlier builds hold SHA-256 hashes (64 hex
/// digits); they are still recognised, so an upgrade does not date every kept item anew.
fn same_content(stored: &str, hash: &str, a: &Article) -> bool {
    use sha2::{Digest, Sha256};
    stored == hash
        || (stored.len() == 64 && {
            let legacy: String = Sha256::digest(undated_json(a))
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            stored == legacy
        })
}

fn undated_json(a: &Article) -> Vec<u8> {
    let undated = Article {
        published: None,
        updated: None,
        ..a.clone()
    };
    serde_json::to_vec(&undated).expect("an article serialises")
}

/// Which of a feed's items a query reads: its newest `limit`, or one archive page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Newest(usize),
    Page(u32),
}

impl Scope {
    /// The query's second parameter: the limit or the page.
    fn value(self) -> i64 {
        match self {
            Scope::Newest(limit) => i64::try_from(limit).unwrap_or(i64::MAX),
            Scope::Page(page) => page.into(),
        }
    }
}

/// What [`Backend::item_media`] reads of an item.
#[derive(Debug, Clone)]
pub struct ItemMedia {
    pub image: bool,
    pub podcast: Option<crate::model::Podcast>,
    pub language: Option<String>,
}

/// What each engine stores and answers. Every method but [`Backend::begin`] and
/// [`Backend::end`] is one read or write; [`Store::transaction`] groups them.
pub trait Backend {
    /// Starts a transaction ([`Store::transaction`]).
    fn begin(&self) -> Result<()>;
    /// Commits (`commit`) or rolls back the transaction begun.
    fn end(&self, commit: bool) -> Result<()>;

    fn stored_item(&self, feed: &str, key: &str) -> Result<Option<StoredItem>>;
    fn insert_item(&self, feed: &str, row: &ItemRow, now: DateTime<Utc>) -> Result<()>;
    /// Rewrites a known item's source, updated date, hash, article and teaser mark.
    fn update_item(&self, feed: &str, row: &ItemRow) -> Result<()>;
    fn set_partial(&self, feed: &str, key: &str, partial: bool) -> Result<()>;

    /// The items of `scope`, newest first (ties broken by id, so order is stable), handed to
    /// `each` one at a time, so a feed of any length is rendered with one item in memory.
    fn each_item_in(
        &self,
        feed: &str,
        scope: Scope,
        each: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()>;
    /// Each of the `scope` items' (published, updated), in [`Backend::each_item_in`]'s order.
    fn item_dates(&self, feed: &str, scope: Scope) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>>;
    /// Of the `scope` items, in the same order: whether each has a lead image, its podcast
    /// fields and its language. What a feed's head declares, read without the items' bodies.
    fn item_media(&self, feed: &str, scope: Scope) -> Result<Vec<ItemMedia>>;
    /// Ids of the feed's items past its newest `limit` that no archive page holds yet,
    /// newest first.
    fn unarchived_overflow(&self, feed: &str, limit: usize) -> Result<Vec<String>>;
    /// The feed's newest archive page and how many items it holds.
    fn last_archive_page(&self, feed: &str) -> Result<Option<(u32, usize)>>;
    /// Files the item `id` in archive page `page`.
    fn archive_item(&self, feed: &str, id: &str, page: u32) -> Result<()>;
    /// How many archive pages the feed has.
    fn archive_page_count(&self, feed: &str) -> Result<u32>;
    /// Remembers that the article filed under `key` is the same story as the item under `twin`.
    fn note_duplicate(&self, feed: &str, key: &str, twin: &str) -> Result<()>;
    /// Every remembered robots.txt, by origin.
    fn robots(&self) -> Result<HashMap<String, RobotsCopy>>;
    fn set_robots(&self, origin: &str, c: &RobotsCopy) -> Result<()>;
    /// What the files of a folder source looked like when last read, by key.
    fn fingerprints(&self, feed: &str, source: &str) -> Result<HashMap<String, Fingerprint>>;
    /// Remembers what a file of a folder source looked like when it was read.
    fn set_fingerprint(&self, feed: &str, source: &str, key: &str, f: &Fingerprint) -> Result<()>;
    /// Keys ([`crate::model::item_key`]) stored for a feed with their full text, and those of
    /// copies left out while their twin stands: sources skip re-fetching them. Teasers standing
    /// in for a failed full text are left out, so they are fetched again.
    fn known_keys(&self, feed: &str) -> Result<HashSet<String>>;
    /// Body text lengths, in characters, of the feed's stored items with these keys; a key
    /// with no item of its own (a remembered duplicate) is left out.
    fn body_lengths(&self, feed: &str, keys: &[String]) -> Result<Vec<usize>>;
    fn validators(&self, url: &str) -> Result<Option<Validators>>;
    fn set_validators(&self, url: &str, v: &Validators) -> Result<()>;
    /// Whether an article's lines were already counted for learned chrome.
    fn chrome_counted(&self, source: &str, key: &str) -> Result<bool>;
    /// Counts an article's candidate chrome lines once per (source, article).
    fn count_chrome(&self, source: &str, key: &str, lines: &[String]) -> Result<()>;
    /// Line counts and the number of articles counted for a source.
    fn chrome_counts(&self, source: &str) -> Result<(HashMap<String, u32>, u32)>;
    /// Records a run of a feed; returns when the feed first ran (dates an empty feed stably).
    fn record_feed_run(&self, feed: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>>;
    fn last_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>>;
    fn first_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>>;
    /// What the feed's newest `limit` items are, without reading them: their ids, content
    /// hashes, dates and teaser marks, hashed. Equal signatures, equal items.
    fn feed_signature(&self, feed: &str, limit: usize) -> Result<(String, usize)>;
    fn setting(&self, key: &str) -> Result<Option<String>>;
    fn set_setting(&self, key: &str, value: &str) -> Result<()>;
    /// The digest of what the feed's files were last written from (see `pipeline`).
    fn feed_digest(&self, feed: &str) -> Result<Option<String>>;
    fn set_feed_digest(&self, feed: &str, digest: &str) -> Result<()>;
    /// Records one run of one source, for `status` and `alert_after`; keeps the last
    /// [`SOURCE_RUNS_KEPT`] per source.
    fn record_source_run(&self, feed: &str, source: &str, run: &SourceRun) -> Result<()>;
    /// The recorded runs of a source, oldest first.
    fn source_runs(&self, feed: &str, source: &str) -> Result<Vec<SourceRun>>;
    /// Counts one more run in which an article problem was met; returns the runs in a row.
    fn note_item_problem(
        &self,
        feed: &str,
        source: &str,
        problem: &str,
        now: DateTime<Utc>,
    ) -> Result<u32>;
    /// The article problems a source had on its last runs, with the runs in a row of each.
    fn item_problems(&self, feed: &str, source: &str) -> Result<Vec<(String, u32)>>;
    fn clear_item_problem(&self, feed: &str, source: &str, problem: &str) -> Result<()>;
    /// Marks an orphaned output file as warned about; true the first time.
    fn warn_orphan_once(&self, file: &str, now: DateTime<Utc>) -> Result<bool>;
    fn forget_orphan(&self, file: &str) -> Result<()>;
    /// Every feed's work claim, by feed name; none on SQLite, where one run at a time holds
    /// the file lock instead.
    fn claims(&self) -> Result<Vec<Claim>>;
    /// Whether `worker` still holds its claim on `feed` (checked before its files are written,
    /// so a worker whose lease ran out does not publish beside the one that took over).
    fn holds_claim(&self, feed: &str, worker: &str) -> Result<bool>;
}

impl std::ops::Deref for Store {
    type Target = dyn Backend;

    fn deref(&self) -> &(dyn Backend + 'static) {
        match &self.engine {
            Engine::Sqlite(s) => s,
            #[cfg(feature = "postgres")]
            Engine::Postgres(p) => p.as_ref(),
        }
    }
}

impl Store {
    /// The SQLite state at `path` (created, and upgraded to the current schema).
    pub fn open(path: &Path) -> Result<Store> {
        Ok(Store {
            engine: Engine::Sqlite(sqlite::Sqlite::open(path)?),
        })
    }

    /// The state the site names: its PostgreSQL URL when it has one, else its SQLite file.
    pub fn for_site(site: &Site) -> Result<Store> {
        match &site.state_url {
            None => Store::open(&site.state),
            Some(url) => Store::connect(url),
        }
    }

    /// The PostgreSQL state at `url` (its schema created or upgraded).
    #[cfg(feature = "postgres")]
    pub fn connect(url: &str) -> Result<Store> {
        Ok(Store {
            engine: Engine::Postgres(Box::new(postgres::Postgres::connect(url)?)),
        })
    }

    /// Without the `postgres` feature a PostgreSQL URL is refused when the config is read, so
    /// this is never reached with one.
    #[cfg(not(feature = "postgres"))]
    pub fn connect(url: &str) -> Result<Store> {
        Err(crate::error::Error::NoPostgres {
            url: url.to_string(),
        })
    }

    /// Whether the state is shared through PostgreSQL (workers claim feeds in it).
    pub fn is_shared(&self) -> bool {
        !matches!(self.engine, Engine::Sqlite(_))
    }

    /// Runs `f` in one transaction, committed only when `commit` is true (a dry run rolls back).
    pub fn transaction<T>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<T> {
        self.begin()?;
        let out = f(self);
        self.end(commit && out.is_ok())?;
        out
    }

    /// Stores one normalised article under its feed-unique key. A new article gets `item.id`
    /// and is dated by its own date or `now`; a known one keeps the id and published date it
    /// has, and gets a new updated date when its content changed.
    pub fn upsert(&self, feed: &str, item: &NewItem, now: DateTime<Utc>) -> Result<Upsert> {
        let hash = content_hash(item.article);
        let json = serde_json::to_string(item.article).expect("an article serialises");
        match self.stored_item(feed, item.key)? {
            None => {
                let published = item.article.published.map(|d| d.to_utc()).unwrap_or(now);
                let updated = item
                    .article
                    .updated
                    .map(|d| d.to_utc())
                    .unwrap_or(published)
                    .max(published);
                let row = ItemRow {
                    item,
                    hash: &hash,
                    json: &json,
                    published,
                    updated,
                };
                self.insert_item(feed, &row, now)?;
                Ok(Upsert::New)
            }
            Some(old) if same_content(&old.hash, &hash, item.article) => {
                if old.partial != item.partial {
                    self.set_partial(feed, item.key, item.partial)?;
                }
                Ok(Upsert::Unchanged)
            }
            Some(old) => {
                // The source's own modification date when it moved on, else the time we noticed.
                let updated = item
                    .article
                    .updated
                    .map(|u| u.to_utc())
                    .filter(|u| *u > old.updated)
                    .unwrap_or(now)
                    .max(old.published);
                let row = ItemRow {
                    item,
                    hash: &hash,
                    json: &json,
                    published: old.published,
                    updated,
                };
                self.update_item(feed, &row)?;
                Ok(Upsert::Changed)
            }
        }
    }

    /// The newest `limit` items of a feed, one at a time ([`Backend::each_item_in`]).
    pub fn each_item(
        &self,
        feed: &str,
        limit: usize,
        each: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()> {
        self.each_item_in(feed, Scope::Newest(limit), each)
    }

    /// Files the feed's items past its newest `limit` that no archive page holds yet into
    /// pages of `limit` items, oldest first: each goes to the last page until it is full, then
    /// a new one is started. Returns the number of pages and whether any page gained items.
    pub fn archive_overflow(&self, feed: &str, limit: usize) -> Result<(u32, bool)> {
        let overflow = self.unarchived_overflow(feed, limit)?;
        let (mut page, mut held) = self.last_archive_page(feed)?.unwrap_or((0, limit));
        // Newest first from the query: the oldest is filed first.
        for id in overflow.iter().rev() {
            if held >= limit {
                page += 1;
                held = 0;
            }
            self.archive_item(feed, id, page)?;
            held += 1;
        }
        Ok((page, !overflow.is_empty()))
    }

    /// The newest `limit` items of a feed, newest first (ties broken by id, so order is stable).
    pub fn items(&self, feed: &str, limit: usize) -> Result<Vec<Item>> {
        let mut out = Vec::new();
        self.each_item(feed, limit, &mut |item| {
            out.push(item);
            Ok(())
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
