//! The SQLite engine: one file beside the config, one writer at a time (the run lock), nothing
//! to install or run. The schema is versioned ([`super::migrate`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::Sha256;

use super::{
    migrate, parse_ts, ts, Backend, Claim, ItemMedia, ItemRow, Scope, StoredItem, SOURCE_RUNS_KEPT,
};
use crate::error::{Error, Result};
use crate::fetch::{RobotsCopy, Validators};
use crate::model::{Article, Fingerprint, Item};
use crate::status::SourceRun;

pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite> {
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
        Ok(Sqlite {
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
}

impl Backend for Sqlite {
    fn begin(&self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))
    }

    fn end(&self, commit: bool) -> Result<()> {
        let end = if commit { "COMMIT" } else { "ROLLBACK" };
        self.conn.execute_batch(end).map_err(|e| self.err(e))
    }

    fn stored_item(&self, feed: &str, key: &str) -> Result<Option<StoredItem>> {
        self.conn
            .query_row(
                "SELECT hash, published, updated, partial FROM items WHERE feed = ?1 AND key = ?2",
                params![feed, key],
                |r| {
                    Ok(StoredItem {
                        hash: r.get(0)?,
                        published: parse_ts(&r.get::<_, String>(1)?),
                        updated: parse_ts(&r.get::<_, String>(2)?),
                        partial: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn insert_item(&self, feed: &str, row: &ItemRow, now: DateTime<Utc>) -> Result<()> {
        let item = row.item;
        self.conn
            .execute(
                "INSERT INTO items (feed, id, key, source, first_seen, published, updated, hash, article, partial)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![feed, item.id, item.key, item.source, ts(now), ts(row.published), ts(row.updated), row.hash, row.json, item.partial],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn update_item(&self, feed: &str, row: &ItemRow) -> Result<()> {
        let item = row.item;
        self.conn
            .execute(
                "UPDATE items SET source = ?3, updated = ?4, hash = ?5, article = ?6, partial = ?7
                 WHERE feed = ?1 AND key = ?2",
                params![
                    feed,
                    item.key,
                    item.source,
                    ts(row.updated),
                    row.hash,
                    row.json,
                    item.partial
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn set_partial(&self, feed: &str, key: &str, partial: bool) -> Result<()> {
        self.conn
            .execute(
                "UPDATE items SET partial = ?3 WHERE feed = ?1 AND key = ?2",
                params![feed, key, partial],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn claims(&self) -> Result<Vec<Claim>> {
        Ok(Vec::new())
    }

    /// One run at a time holds the file lock: whoever runs holds every feed.
    fn holds_claim(&self, _feed: &str, _worker: &str) -> Result<bool> {
        Ok(true)
    }
    fn each_item_in(
        &self,
        feed: &str,
        scope: Scope,
        each: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()> {
        let sql = scoped(scope, "id, key, source, published, updated, article");
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

    fn item_dates(&self, feed: &str, scope: Scope) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        let sql = scoped(scope, "published, updated");
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

    fn item_media(&self, feed: &str, scope: Scope) -> Result<Vec<ItemMedia>> {
        let sql = scoped(
            scope,
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

    fn unarchived_overflow(&self, feed: &str, limit: usize) -> Result<Vec<String>> {
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
            .map_err(|e| self.err(e))
    }

    fn last_archive_page(&self, feed: &str) -> Result<Option<(u32, usize)>> {
        self.conn
            .query_row(
                "SELECT page, COUNT(*) FROM archive_pages WHERE feed = ?1
                 GROUP BY page ORDER BY page DESC LIMIT 1",
                params![feed],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn archive_item(&self, feed: &str, id: &str, page: u32) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO archive_pages (feed, id, page) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![feed, id, page]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn archive_page_count(&self, feed: &str) -> Result<u32> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(page), 0) FROM archive_pages WHERE feed = ?1",
                params![feed],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Remembers that the article filed under `key` is the same story as the item under `twin`.
    fn note_duplicate(&self, feed: &str, key: &str, twin: &str) -> Result<()> {
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
    fn robots(&self) -> Result<HashMap<String, RobotsCopy>> {
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

    fn set_robots(&self, origin: &str, c: &RobotsCopy) -> Result<()> {
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
    fn fingerprints(&self, feed: &str, source: &str) -> Result<HashMap<String, Fingerprint>> {
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
    fn set_fingerprint(&self, feed: &str, source: &str, key: &str, f: &Fingerprint) -> Result<()> {
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
    fn known_keys(&self, feed: &str) -> Result<HashSet<String>> {
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
    fn body_lengths(&self, feed: &str, keys: &[String]) -> Result<Vec<usize>> {
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

    fn validators(&self, url: &str) -> Result<Option<Validators>> {
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

    fn set_validators(&self, url: &str, v: &Validators) -> Result<()> {
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
    fn chrome_counted(&self, source: &str, key: &str) -> Result<bool> {
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
    fn count_chrome(&self, source: &str, key: &str, lines: &[String]) -> Result<()> {
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
    fn chrome_counts(&self, source: &str) -> Result<(HashMap<String, u32>, u32)> {
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
    fn record_feed_run(&self, feed: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
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

    fn last_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>> {
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
    fn feed_signature(&self, feed: &str, limit: usize) -> Result<(String, usize)> {
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

    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
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
    fn feed_digest(&self, feed: &str) -> Result<Option<String>> {
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

    fn set_feed_digest(&self, feed: &str, digest: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE feed_runs SET digest = ?2 WHERE feed = ?1",
                params![feed, digest],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn first_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>> {
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
    fn record_source_run(&self, feed: &str, source: &str, run: &SourceRun) -> Result<()> {
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
    fn source_runs(&self, feed: &str, source: &str) -> Result<Vec<SourceRun>> {
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
    fn note_item_problem(
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
    fn item_problems(&self, feed: &str, source: &str) -> Result<Vec<(String, u32)>> {
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

    fn clear_item_problem(&self, feed: &str, source: &str, problem: &str) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM item_problems WHERE feed = ?1 AND source = ?2 AND problem = ?3",
                params![feed, source, problem],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Marks an orphaned output file as warned about; true the first time.
    fn warn_orphan_once(&self, file: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO orphans (file, warned_at) VALUES (?1, ?2)",
                params![file, ts(now)],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    fn forget_orphan(&self, file: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM orphans WHERE file = ?1", params![file])
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

/// `SELECT columns` of the `scope` items, newest first (ties by id, so order is stable); `?1`
/// is the feed, `?2` [`Scope::value`].
fn scoped(scope: Scope, columns: &str) -> String {
    let (filter, limit) = match scope {
        Scope::Newest(_) => ("", " LIMIT ?2"),
        Scope::Page(_) => (
            " AND id IN (SELECT id FROM archive_pages WHERE feed = ?1 AND page = ?2)",
            "",
        ),
    };
    format!(
        "SELECT {columns} FROM items WHERE feed = ?1{filter} ORDER BY published DESC, id ASC{limit}"
    )
}
