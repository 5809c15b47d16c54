//! State in embedded SQLite: every item published per feed with its key, first-seen time,
//! content hash and dates (so ids and dates survive re-runs, and a vanished source loses
//! nothing), HTTP validators for conditional GET, and per-source line counts for learned chrome.
//! The schema is versioned ([`migrate`]).

mod migrate;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fetch::{RobotsCopy, Validators};
use crate::model::{Article, Fingerprint, Item};
use crate::status::SourceRun;

/// Runs kept per source: enough history for "usual" and for any sensible `alert_after`.
pub const SOURCE_RUNS_KEPT: u32 = 50;

pub struct Store {
    conn: Connection,
    path: PathBuf,
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

/// Which of a feed's items a query reads: its newest `limit`, or one archive page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Newest(usize),
    Page(u32),
}

impl Scope {
    /// `SELECT columns` of the scope's items, newest first (ties by id, so order is stable);
    /// `?1` is the feed, `?2` [`Scope::value`].
    fn sql(self, columns: &str) -> String {
        let filter = match self {
            Scope::Newest(_) => "",
            Scope::Page(_) => {
                " AND id IN (SELECT id FROM archive_pages WHERE feed = ?1 AND page = ?2)"
            }
        };
        let limit = match self {
            Scope::Newest(_) => " LIMIT ?2",
            Scope::Page(_) => "",
        };
        format!(
            "SELECT {columns} FROM items WHERE feed = ?1{filter} ORDER BY published DESC, id ASC{limit}"
        )
    }

    fn value(self) -> i64 {
        match self {
            Scope::Newest(limit) => limit as i64,
            Scope::Page(page) => page.into(),
        }
    }
}

/// What [`Store::item_media`] reads of an item.
#[derive(Debug, Clone)]
pub struct ItemMedia {
    pub image: bool,
    pub podcast: Option<crate::model::Podcast>,
    pub language: Option<String>,
}

/// What storing one article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    New,
    Changed,
    Unchanged,
}

fn ts(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Hash of the content a reader would see change. Dates are left out: the store owns them,
/// and a clamped future date would otherwise change on every run.
pub fn content_hash(a: &Article) -> String {
    let undated = Article {
        published: None,
        updated: None,
        ..a.clone()
    };
    let json = serde_json::to_vec(&undated).expect("an article serialises");
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let err = |source| Error::Store {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(err)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .map_err(err)?;
        migrate::migrate(&mut conn).map_err(err)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self, source: rusqlite::Error) -> Error {
        Error::Store {
            path: self.path.clone(),
            source,
        }
    }

    /// Runs `f` in one transaction, committed only when `commit` is true (a dry run rolls back).
    pub fn transaction<T>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<T> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        let out = f(self);
        let end = if commit && out.is_ok() {
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        self.conn.execute_batch(end).map_err(|e| self.err(e))?;
        out
    }

    /// Stores one normalised article under its feed-unique key. A new article gets `item.id`
    /// and is dated by its own date or `now`; a known one keeps the id and published date it
    /// has, and gets a new updated date when its content changed.
    pub fn upsert(&self, feed: &str, item: &NewItem, now: DateTime<Utc>) -> Result<Upsert> {
        let hash = content_hash(item.article);
        let existing: Option<(String, String, String, bool)> = self
            .conn
            .query_row(
                "SELECT hash, published, updated, partial FROM items WHERE feed = ?1 AND key = ?2",
                params![feed, item.key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let json = serde_json::to_string(item.article).expect("an article serialises");
        match existing {
            None => {
                let published = item.article.published.map(|d| d.to_utc()).unwrap_or(now);
                let updated = item
                    .article
                    .updated
                    .map(|d| d.to_utc())
                    .unwrap_or(published)
                    .max(published);
                self.conn
                    .execute(
                        "INSERT INTO items (feed, id, key, source, first_seen, published, updated, hash, article, partial)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        params![feed, item.id, item.key, item.source, ts(now), ts(published), ts(updated), hash, json, item.partial],
                    )
                    .map_err(|e| self.err(e))?;
                Ok(Upsert::New)
            }
            Some((old_hash, _, _, partial)) if old_hash == hash => {
                if partial != item.partial {
                    self.conn
                        .execute(
                            "UPDATE items SET partial = ?3 WHERE feed = ?1 AND key = ?2",
                            params![feed, item.key, item.partial],
                        )
                        .map_err(|e| self.err(e))?;
                }
                Ok(Upsert::Unchanged)
            }
            Some((_, published, old_updated, _)) => {
                let old_updated = parse_ts(&old_updated);
                // The source's own modification date when it moved on, else the time we noticed.
                let updated = item
                    .article
                    .updated
                    .map(|u| u.to_utc())
                    .filter(|u| *u > old_updated)
                    .unwrap_or(now)
                    .max(parse_ts(&published));
                self.conn
                    .execute(
                        "UPDATE items SET source = ?3, updated = ?4, hash = ?5, article = ?6, partial = ?7
                         WHERE feed = ?1 AND key = ?2",
                        params![feed, item.key, item.source, ts(updated), hash, json, item.partial],
                    )
                    .map_err(|e| self.err(e))?;
                Ok(Upsert::Changed)
            }
        }
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

    /// [`Store::items`] handed to `each` one at a time, so a feed of any length is rendered
    /// with one item in memory.
    pub fn each_item(
        &self,
        feed: &str,
        limit: usize,
        each: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()> {
        self.each_item_in(feed, Scope::Newest(limit), each)
    }

    /// The items of `scope`, newest first, handed to `each` one at a time.
    pub fn each_item_in(
        &self,
        feed: &str,
        scope: Scope,
        each: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()> {
        let sql = scope.sql("id, key, source, published, updated, article");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![feed, scope.value()])
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let text = |i: usize| r.get::<_, String>(i).map_err(|e| self.err(e));
            let article: Article = serde_json::from_str(&text(5)?).map_err(|e| Error::Store {
                path: self.path.clone(),
                source: rusqlite::Error::FromSqlConversionFailure(
                    5,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                ),
            })?;
            each(Item {
                id: text(0)?,
                key: text(1)?,
                source: text(2)?,
                article,
                published: parse_ts(&text(3)?),
                updated: parse_ts(&text(4)?),
            })?;
        }
        Ok(())
    }

    /// Each of the newest `limit` items' (published, updated), in [`Store::items`]' order.
    pub fn item_dates(
        &self,
        feed: &str,
        scope: Scope,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        let sql = scope.sql("published, updated");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![feed, scope.value()], |r| {
                Ok((
                    parse_ts(&r.get::<_, String>(0)?),
                    parse_ts(&r.get::<_, String>(1)?),
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Of the newest `limit` items, newest first: whether each has a lead image, its podcast
    /// fields and its language. What a feed's head declares, read without the items' bodies.
    pub fn item_media(&self, feed: &str, scope: Scope) -> Result<Vec<ItemMedia>> {
        let sql = scope.sql(
            "json_extract(article, '$.image') IS NOT NULL, json_extract(article, '$.podcast'),
             json_extract(article, '$.language')",
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![feed, scope.value()])
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let podcast: Option<String> = r.get(1).map_err(|e| self.err(e))?;
            out.push(ItemMedia {
                image: r.get(0).map_err(|e| self.err(e))?,
                // A podcast the store cannot read back is one the head need not announce.
                podcast: podcast.and_then(|p| serde_json::from_str(&p).ok()),
                language: r.get(2).map_err(|e| self.err(e))?,
            });
        }
        Ok(out)
    }

    /// Files the feed's items past its newest `limit` that no archive page holds yet into
    /// pages of `limit` items, oldest first: each goes to the last page until it is full, then
    /// a new one is started. Returns the number of pages and whether any page gained items.
    pub fn archive_overflow(&self, feed: &str, limit: usize) -> Result<(u32, bool)> {
        let overflow: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT id FROM (SELECT id, published FROM items WHERE feed = ?1
                     ORDER BY published DESC, id ASC LIMIT -1 OFFSET ?2)
                     WHERE id NOT IN (SELECT id FROM archive_pages WHERE feed = ?1)",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map(params![feed, limit as i64], |r| r.get(0))
                .map_err(|e| self.err(e))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(|e| self.err(e))?
        };
        let (mut page, mut held): (u32, usize) = self
            .conn
            .query_row(
                "SELECT page, COUNT(*) FROM archive_pages WHERE feed = ?1
                 GROUP BY page ORDER BY page DESC LIMIT 1",
                params![feed],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .unwrap_or((0, limit));
        let gained = !overflow.is_empty();
        // Newest first from the query: the oldest is filed first.
        for id in overflow.iter().rev() {
            if held >= limit {
                page += 1;
                held = 0;
            }
            self.conn
                .prepare_cached("INSERT INTO archive_pages (feed, id, page) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(params![feed, id, page]))
                .map_err(|e| self.err(e))?;
            held += 1;
        }
        Ok((page, gained))
    }

    /// How many archive pages the feed has.
    pub fn archive_page_count(&self, feed: &str) -> Result<u32> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(page), 0) FROM archive_pages WHERE feed = ?1",
                params![feed],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Remembers that the article filed under `key` is the same story as the item under `twin`.
    pub fn note_duplicate(&self, feed: &str, key: &str, twin: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO duplicates (feed, key, twin) VALUES (?1, ?2, ?3)
                 ON CONFLICT (feed, key) DO UPDATE SET twin = ?3",
            )
            .and_then(|mut s| s.execute(params![feed, key, twin]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Every remembered robots.txt, by origin.
    pub fn robots(&self) -> Result<HashMap<String, RobotsCopy>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT origin, body, etag, last_modified, fetched_at FROM robots")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let copy = RobotsCopy {
                    body: r.get(1)?,
                    validators: Validators {
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                    },
                    fetched_at: parse_ts(&r.get::<_, String>(4)?),
                };
                Ok((r.get::<_, String>(0)?, copy))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    pub fn set_robots(&self, origin: &str, c: &RobotsCopy) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO robots (origin, body, etag, last_modified, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (origin) DO UPDATE
                 SET body = ?2, etag = ?3, last_modified = ?4, fetched_at = ?5",
            )
            .and_then(|mut s| {
                let v = &c.validators;
                s.execute(params![
                    origin,
                    c.body,
                    v.etag,
                    v.last_modified,
                    ts(c.fetched_at)
                ])
            })
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// What the files of a folder source looked like when last read, by key.
    pub fn fingerprints(&self, feed: &str, source: &str) -> Result<HashMap<String, Fingerprint>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT key, size, modified_ns, hash FROM fingerprints WHERE feed = ?1 AND source = ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![feed, source], |r| {
                let print = Fingerprint {
                    size: r.get::<_, i64>(1)?.try_into().unwrap_or_default(),
                    modified_ns: r.get(2)?,
                    hash: r.get(3)?,
                };
                Ok((r.get::<_, String>(0)?, print))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Remembers what a file of a folder source looked like when it was read.
    pub fn set_fingerprint(
        &self,
        feed: &str,
        source: &str,
        key: &str,
        f: &Fingerprint,
    ) -> Result<()> {
        let size = i64::try_from(f.size).unwrap_or(i64::MAX);
        self.conn
            .prepare_cached(
                "INSERT INTO fingerprints (feed, source, key, size, modified_ns, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (feed, source, key) DO UPDATE
                 SET size = ?4, modified_ns = ?5, hash = ?6",
            )
            .and_then(|mut s| s.execute(params![feed, source, key, size, f.modified_ns, f.hash]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Keys ([`crate::model::item_key`]) stored for a feed with their full text, and those of
    /// copies left out while their twin stands: sources skip re-fetching them. Teasers standing
    /// in for a failed full text are left out, so they are fetched again.
    pub fn known_keys(&self, feed: &str) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT key FROM items WHERE feed = ?1 AND partial = 0
                 UNION SELECT d.key FROM duplicates d
                 JOIN items i ON i.feed = d.feed AND i.key = d.twin WHERE d.feed = ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![feed], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Body text lengths, in characters, of the feed's stored items with these keys; a key
    /// with no item of its own (a remembered duplicate) is left out.
    pub fn body_lengths(&self, feed: &str, keys: &[String]) -> Result<Vec<usize>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT length(json_extract(article, '$.content_text')) FROM items
                 WHERE feed = ?1 AND key = ?2",
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let len: Option<Option<i64>> = stmt
                .query_row(params![feed, key], |r| r.get(0))
                .optional()
                .map_err(|e| self.err(e))?;
            out.extend(len.flatten().map(|n| n.max(0) as usize));
        }
        Ok(out)
    }

    pub fn validators(&self, url: &str) -> Result<Option<Validators>> {
        self.conn
            .query_row(
                "SELECT etag, last_modified FROM validators WHERE url = ?1",
                params![url],
                |r| {
                    Ok(Validators {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_validators(&self, url: &str, v: &Validators) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO validators (url, etag, last_modified) VALUES (?1, ?2, ?3)
                 ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified",
                params![url, v.etag, v.last_modified],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Whether an article's lines were already counted for learned chrome.
    pub fn chrome_counted(&self, source: &str, key: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM chrome_articles WHERE source = ?1 AND key = ?2",
                params![source, key],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err(e))
    }

    /// Counts an article's candidate chrome lines once per (source, article).
    pub fn count_chrome(&self, source: &str, key: &str, lines: &[String]) -> Result<()> {
        let inserted = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO chrome_articles (source, key) VALUES (?1, ?2)",
                params![source, key],
            )
            .map_err(|e| self.err(e))?;
        if inserted == 0 {
            return Ok(());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO chrome_lines (source, line, articles) VALUES (?1, ?2, 1)
                 ON CONFLICT(source, line) DO UPDATE SET articles = articles + 1",
            )
            .map_err(|e| self.err(e))?;
        for line in lines {
            stmt.execute(params![source, line])
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Line counts and the number of articles counted for a source.
    pub fn chrome_counts(&self, source: &str) -> Result<(HashMap<String, u32>, u32)> {
        let seen: u32 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM chrome_articles WHERE source = ?1",
                params![source],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT line, articles FROM chrome_lines WHERE source = ?1 AND articles > 1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![source], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        let counts = rows
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok((counts, seen))
    }

    /// Records a run of a feed; returns when the feed first ran (dates an empty feed stably).
    pub fn record_feed_run(&self, feed: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        self.conn
            .execute(
                "INSERT INTO feed_runs (feed, first_run, last_run) VALUES (?1, ?2, ?2)
                 ON CONFLICT(feed) DO UPDATE SET last_run = excluded.last_run",
                params![feed, ts(now)],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .query_row(
                "SELECT first_run FROM feed_runs WHERE feed = ?1",
                params![feed],
                |r| r.get::<_, String>(0),
            )
            .map(|s| parse_ts(&s))
            .map_err(|e| self.err(e))
    }

    pub fn last_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>> {
        self.conn
            .query_row(
                "SELECT last_run FROM feed_runs WHERE feed = ?1",
                params![feed],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map(|o| o.map(|s| parse_ts(&s)))
            .map_err(|e| self.err(e))
    }

    /// What the feed's newest `limit` items are, without reading them: their ids, content
    /// hashes, dates and teaser marks, hashed. Equal signatures, equal items.
    pub fn feed_signature(&self, feed: &str, limit: usize) -> Result<(String, usize)> {
        use sha2::Digest;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, hash, published, updated, partial FROM items WHERE feed = ?1
                 ORDER BY published DESC, id ASC LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![feed, limit as i64])
            .map_err(|e| self.err(e))?;
        let (mut h, mut n) = (Sha256::new(), 0);
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            for i in 0..4 {
                h.update(r.get::<_, String>(i).map_err(|e| self.err(e))?);
                h.update([0]);
            }
            h.update([r.get::<_, bool>(4).map_err(|e| self.err(e))? as u8]);
            n += 1;
        }
        let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok((hex, n))
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, value],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The digest of what the feed's files were last written from (see `pipeline`).
    pub fn feed_digest(&self, feed: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT digest FROM feed_runs WHERE feed = ?1",
                params![feed],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    pub fn set_feed_digest(&self, feed: &str, digest: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE feed_runs SET digest = ?2 WHERE feed = ?1",
                params![feed, digest],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn first_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>> {
        self.conn
            .query_row(
                "SELECT first_run FROM feed_runs WHERE feed = ?1",
                params![feed],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map(|o| o.map(|s| parse_ts(&s)))
            .map_err(|e| self.err(e))
    }

    /// Records one run of one source, for `status` and `alert_after`; keeps the last
    /// [`SOURCE_RUNS_KEPT`] per source.
    pub fn record_source_run(&self, feed: &str, source: &str, run: &SourceRun) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO source_runs (feed, source, at, ok, items, avg_body_len, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    feed,
                    source,
                    ts(run.at),
                    run.ok,
                    run.items,
                    run.avg_body_len,
                    run.error
                ],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .execute(
                "DELETE FROM source_runs WHERE feed = ?1 AND source = ?2 AND rowid NOT IN
                 (SELECT rowid FROM source_runs WHERE feed = ?1 AND source = ?2
                  ORDER BY at DESC, rowid DESC LIMIT ?3)",
                params![feed, source, SOURCE_RUNS_KEPT],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The recorded runs of a source, oldest first.
    pub fn source_runs(&self, feed: &str, source: &str) -> Result<Vec<SourceRun>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT at, ok, items, avg_body_len, error FROM source_runs
                 WHERE feed = ?1 AND source = ?2 ORDER BY at ASC, rowid ASC",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![feed, source], |r| {
                Ok(SourceRun {
                    at: parse_ts(&r.get::<_, String>(0)?),
                    ok: r.get(1)?,
                    items: r.get(2)?,
                    avg_body_len: r.get(3)?,
                    error: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Counts one more run in which an article problem was met; returns the runs in a row.
    pub fn note_item_problem(
        &self,
        feed: &str,
        source: &str,
        problem: &str,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        self.conn
            .query_row(
                "INSERT INTO item_problems (feed, source, problem, runs, first_seen)
                 VALUES (?1, ?2, ?3, 1, ?4)
                 ON CONFLICT (feed, source, problem) DO UPDATE SET runs = runs + 1
                 RETURNING runs",
                params![feed, source, problem, ts(now)],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// The article problems a source had on its last runs, with the runs in a row of each.
    pub fn item_problems(&self, feed: &str, source: &str) -> Result<Vec<(String, u32)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT problem, runs FROM item_problems WHERE feed = ?1 AND source = ?2
                 ORDER BY problem",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![feed, source], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    pub fn clear_item_problem(&self, feed: &str, source: &str, problem: &str) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM item_problems WHERE feed = ?1 AND source = ?2 AND problem = ?3",
                params![feed, source, problem],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Marks an orphaned output file as warned about; true the first time.
    pub fn warn_orphan_once(&self, file: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO orphans (file, warned_at) VALUES (?1, ?2)",
                params![file, ts(now)],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    pub fn forget_orphan(&self, file: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM orphans WHERE file = ?1", params![file])
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn article(body: &str) -> Article {
        Article {
            title: "T".into(),
            content_text: body.into(),
            ..Default::default()
        }
    }

    fn put(s: &Store, key: &str, a: &Article, partial: bool, now: DateTime<Utc>) -> Result<Upsert> {
        let id = format!("id-{key}");
        let item = NewItem {
            key,
            id: &id,
            source: "src",
            article: a,
            partial,
        };
        s.upsert("f", &item, now)
    }

    #[test]
    fn first_seen_dates_and_updates() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.transaction(true, |s| {
            assert_eq!(
                put(s, "a", &article("one"), false, t("2024-01-01T00:00:00Z"))?,
                Upsert::New
            );
            assert_eq!(
                put(s, "a", &article("one"), false, t("2024-01-02T00:00:00Z"))?,
                Upsert::Unchanged
            );
            assert_eq!(
                put(s, "a", &article("two"), false, t("2024-01-03T00:00:00Z"))?,
                Upsert::Changed
            );
            Ok(())
        })
        .unwrap();
        let items = s.items("f", 10).unwrap();
        assert_eq!((items[0].id.as_str(), items[0].key.as_str()), ("id-a", "a"));
        assert_eq!(items[0].published, t("2024-01-01T00:00:00Z"));
        assert_eq!(items[0].updated, t("2024-01-03T00:00:00Z"));
        assert_eq!(items[0].article.content_text, "two");
    }

    #[test]
    fn a_teaser_is_not_known_until_its_full_text_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let now = Utc::now();
        s.transaction(true, |s| put(s, "a", &article("x"), true, now).map(|_| ()))
            .unwrap();
        assert!(s.known_keys("f").unwrap().is_empty());
        s.transaction(true, |s| put(s, "a", &article("x"), false, now).map(|_| ()))
            .unwrap();
        assert_eq!(s.known_keys("f").unwrap(), HashSet::from(["a".to_string()]));
        drop(s);
        Store::open(&dir.path().join("s.db")).unwrap(); // opening again is a no-op
    }

    #[test]
    fn dry_run_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.transaction(false, |s| {
            put(s, "a", &article("x"), false, Utc::now()).map(|_| ())
        })
        .unwrap();
        assert!(s.items("f", 10).unwrap().is_empty());
    }

    #[test]
    fn source_runs_oldest_first_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        let start = t("2024-01-01T00:00:00Z");
        for i in 0..(SOURCE_RUNS_KEPT + 5) {
            let run = SourceRun {
                at: start + chrono::Duration::minutes(i.into()),
                ok: i % 2 == 0,
                items: i,
                avg_body_len: 100,
                error: (i % 2 == 1).then(|| format!("failure {i}")),
            };
            s.record_source_run("f", "src", &run).unwrap();
        }
        let runs = s.source_runs("f", "src").unwrap();
        assert_eq!(runs.len(), SOURCE_RUNS_KEPT as usize);
        assert_eq!(runs[0].items, 5);
        assert_eq!(runs[runs.len() - 2].error.as_deref(), Some("failure 53"));
        assert!(s.source_runs("f", "other").unwrap().is_empty());
    }

    #[test]
    fn chrome_counts_each_article_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        let lines = vec!["footer".to_string()];
        for key in ["a", "b", "b", "c"] {
            s.count_chrome("src", key, &lines).unwrap();
        }
        let (counts, seen) = s.chrome_counts("src").unwrap();
        assert_eq!(seen, 3);
        assert_eq!(counts["footer"], 3);
    }
}
