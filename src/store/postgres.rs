//! The PostgreSQL engine: one state shared by any number of workers on any number of machines,
//! which also claim feeds ([`super::queue`]) and space their requests to each host through it.
//! Same tables and text timestamps as SQLite, so both engines answer alike; the schema is
//! versioned in `feedsmith_schema` and upgraded at connect, under a lock, so workers starting
//! together do not race.
//!
//! The synchronous `postgres` client runs its own small runtime, which may not be entered from
//! a tokio worker thread: called from one, each query runs in `block_in_place` (or, on a
//! current-thread runtime, on a scoped thread of its own).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};
use sha2::{Digest, Sha256};

use super::{
    parse_ts, ts, Backend, Claim, ItemMedia, ItemRow, Scope, StoredItem, SOURCE_RUNS_KEPT,
};
use crate::error::{Error, Result};
use crate::fetch::{RobotsCopy, Validators};
use crate::model::{Fingerprint, Item};
use crate::status::SourceRun;

/// Migrations in order; a migration's number is its position plus one. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: the tables SQLite has after its own eighth migration.
    "CREATE TABLE items (
        feed TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL, source TEXT NOT NULL,
        first_seen TEXT NOT NULL, published TEXT NOT NULL, updated TEXT NOT NULL,
        hash TEXT NOT NULL, article TEXT NOT NULL, partial BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (feed, id)
    );
    CREATE UNIQUE INDEX items_by_key ON items (feed, key);
    CREATE INDEX items_by_date ON items (feed, published DESC, id);
    CREATE TABLE validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
    CREATE TABLE chrome_lines (
        source TEXT NOT NULL, line TEXT NOT NULL, articles BIGINT NOT NULL,
        PRIMARY KEY (source, line)
    );
    CREATE TABLE chrome_articles (source TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (source, key));
    CREATE TABLE feed_runs (
        feed TEXT PRIMARY KEY, first_run TEXT NOT NULL, last_run TEXT NOT NULL, digest TEXT
    );
    CREATE TABLE source_runs (
        seq BIGSERIAL PRIMARY KEY, feed TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL,
        ok BOOLEAN NOT NULL, items BIGINT NOT NULL, avg_body_len BIGINT NOT NULL, error TEXT
    );
    CREATE INDEX source_runs_by_time ON source_runs (feed, source, at);
    CREATE TABLE orphans (file TEXT PRIMARY KEY, warned_at TEXT NOT NULL);
    CREATE TABLE fingerprints (
        feed TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL, size BIGINT NOT NULL,
        modified_ns BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (feed, source, key)
    );
    CREATE TABLE duplicates (
        feed TEXT NOT NULL, key TEXT NOT NULL, twin TEXT NOT NULL, PRIMARY KEY (feed, key)
    );
    CREATE TABLE robots (
        origin TEXT PRIMARY KEY, body TEXT NOT NULL, etag TEXT, last_modified TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE item_problems (
        feed TEXT NOT NULL, source TEXT NOT NULL, problem TEXT NOT NULL, runs BIGINT NOT NULL,
        first_seen TEXT NOT NULL, PRIMARY KEY (feed, source, problem)
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: the work queue. A feed is due at `next_run_at`; a worker claims it by setting itself
    // and a lease it renews while working; a lease that ran out is anybody's. Hosts hold the
    // earliest time any worker may ask them again, and who is asking now.
    // A feed's `host` is its first web source's: claims take one feed per host in turn.
    "CREATE TABLE feed_claims (
        feed TEXT PRIMARY KEY, host TEXT NOT NULL DEFAULT '', next_run_at TIMESTAMPTZ NOT NULL,
        worker TEXT, lease_until TIMESTAMPTZ, runs BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX feed_claims_due ON feed_claims (next_run_at);
    CREATE TABLE host_slots (
        host TEXT PRIMARY KEY, next_allowed_at TIMESTAMPTZ NOT NULL, busy_until TIMESTAMPTZ,
        worker TEXT
    );",
    // 3: which archive page (RFC 5005) each item pushed past its feed's `limit` was kept in,
    // as SQLite's migration 9.
    "CREATE TABLE archive_pages (
        feed TEXT NOT NULL, id TEXT NOT NULL, page BIGINT NOT NULL, PRIMARY KEY (feed, id)
    );
    CREATE INDEX archive_pages_by_page ON archive_pages (feed, page);",
];

/// Key of the advisory lock that serialises migrations across workers.
const MIGRATION_LOCK: i64 = 0x6665_6564_736d_6974; // "feedsmit"

pub struct Postgres {
    conn: Mutex<Option<Conn>>,
    /// The URL without its password, for messages.
    url: String,
}

/// The client and the statements it has prepared, by their SQL.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl Conn {
    fn statement(&mut self, sql: &'static str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    fn query(
        &mut self,
        sql: &'static str,
        p: Params,
    ) -> std::result::Result<Vec<Row>, postgres::Error> {
        let s = self.statement(sql)?;
        self.client.query(&s, p)
    }

    fn execute(
        &mut self,
        sql: &'static str,
        p: Params,
    ) -> std::result::Result<u64, postgres::Error> {
        let s = self.statement(sql)?;
        self.client.execute(&s, p)
    }
}

/// Runs `f` where the synchronous client may block: here outside tokio; on a multi-threaded
/// runtime in place, the thread's other tasks handed to another thread meanwhile (a thread
/// spawned per query cost more than the query, and blocked the runtime's thread anyway); on a
/// current-thread runtime, which cannot hand its tasks over, on a thread of its own.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Err(_) => return f(),
        Ok(RuntimeFlavor::MultiThread) => return tokio::task::block_in_place(f),
        Ok(_) => {}
    }
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// `url` without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl Postgres {
    pub fn connect(url: &str) -> Result<Postgres> {
        let shown = redacted(url);
        let err = |source| Error::Postgres {
            url: shown.clone(),
            source,
        };
        // A client that failed to migrate is dropped in there too.
        let client = off_runtime(|| {
            let mut client = Client::connect(url, NoTls)?;
            migrate(&mut client)?;
            Ok(client)
        })
        .map_err(err)?;
        Ok(Postgres {
            conn: Mutex::new(Some(Conn {
                client,
                statements: HashMap::new(),
            })),
            url: shown,
        })
    }

    fn err(&self, source: postgres::Error) -> Error {
        Error::Postgres {
            url: self.url.clone(),
            source,
        }
    }

    /// Runs `f` on the connection.
    fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut Conn) -> std::result::Result<T, postgres::Error> + Send,
    ) -> Result<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let conn = guard
            .as_mut()
            .expect("the connection is open until dropped");
        off_runtime(|| f(conn)).map_err(|e| self.err(e))
    }

    fn query(&self, sql: &'static str, p: Params) -> Result<Vec<Row>> {
        self.with(|c| c.query(sql, p))
    }

    fn execute(&self, sql: &'static str, p: Params) -> Result<u64> {
        self.with(|c| c.execute(sql, p))
    }

    fn one_opt(&self, sql: &'static str, p: Params) -> Result<Option<Row>> {
        Ok(self.query(sql, p)?.into_iter().next())
    }
}

impl Drop for Postgres {
    /// The client's runtime may not be dropped on a tokio thread either.
    fn drop(&mut self) {
        let conn = self
            .conn
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        off_runtime(move || drop(conn));
    }
}

/// Brings the schema up to the current version, one transaction per migration, under an
/// advisory lock so that workers starting together apply each migration once.
fn migrate(client: &mut Client) -> std::result::Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    // First: `IF NOT EXISTS` alone does not keep two sessions from creating the table at once.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS feedsmith_schema (version BIGINT NOT NULL)")?;
    let current: i64 = tx
        .query_opt("SELECT version FROM feedsmith_schema", &[])?
        .map_or(0, |r| r.get(0));
    if current == 0 {
        tx.execute("INSERT INTO feedsmith_schema (version) VALUES (0)", &[])?;
    }
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).expect("few migrations");
        if version <= current {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute("UPDATE feedsmith_schema SET version = $1", &[&version])?;
    }
    tx.commit()
}

impl Backend for Postgres {
    fn begin(&self) -> Result<()> {
        self.with(|c| c.client.batch_execute("BEGIN"))
    }

    fn end(&self, commit: bool) -> Result<()> {
        let end = if commit { "COMMIT" } else { "ROLLBACK" };
        self.with(|c| c.client.batch_execute(end))
    }

    fn stored_item(&self, feed: &str, key: &str) -> Result<Option<StoredItem>> {
        let row = self.one_opt(
            "SELECT hash, published, updated, partial FROM items WHERE feed = $1 AND key = $2",
            &[&feed, &key],
        )?;
        Ok(row.map(|r| StoredItem {
            hash: r.get(0),
            published: parse_ts(r.get(1)),
            updated: parse_ts(r.get(2)),
            partial: r.get(3),
        }))
    }

    fn insert_item(&self, feed: &str, row: &ItemRow, now: DateTime<Utc>) -> Result<()> {
        let item = row.item;
        let (now, published, updated) = (ts(now), ts(row.published), ts(row.updated));
        self.execute(
            "INSERT INTO items (feed, id, key, source, first_seen, published, updated, hash, article, partial)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[&feed, &item.id, &item.key, &item.source, &now, &published, &updated, &row.hash, &row.json, &item.partial],
        )?;
        Ok(())
    }

    fn update_item(&self, feed: &str, row: &ItemRow) -> Result<()> {
        let item = row.item;
        let updated = ts(row.updated);
        self.execute(
            "UPDATE items SET source = $3, updated = $4, hash = $5, article = $6, partial = $7
             WHERE feed = $1 AND key = $2",
            &[
                &feed,
                &item.key,
                &item.source,
                &updated,
                &row.hash,
                &row.json,
                &item.partial,
            ],
        )?;
        Ok(())
    }

    fn set_partial(&self, feed: &str, key: &str, partial: bool) -> Result<()> {
        self.execute(
            "UPDATE items SET partial = $3 WHERE feed = $1 AND key = $2",
            &[&feed, &key, &partial],
        )?;
        Ok(())
    }

    fn each_item_in(
        &self,
        feed: &str,
        scope: Scope,
        each: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()> {
        let sql = match scope {
            Scope::Newest(_) => {
                "SELECT id, key, source, published, updated, article FROM items WHERE feed = $1
                 ORDER BY published DESC, id ASC LIMIT $2"
            }
            Scope::Page(_) => {
                "SELECT id, key, source, published, updated, article FROM items WHERE feed = $1
                 AND id IN (SELECT id FROM archive_pages WHERE feed = $1 AND page = $2)
                 ORDER BY published DESC, id ASC"
            }
        };
        let rows = self.query(sql, &[&feed, &scope.value()])?;
        for r in rows {
            let article = serde_json::from_str(r.get(5)).map_err(|e| Error::BadStoredArticle {
                url: self.url.clone(),
                feed: feed.to_string(),
                cause: e.to_string(),
            })?;
            each(Item {
                id: r.get(0),
                key: r.get(1),
                source: r.get(2),
                article,
                published: parse_ts(r.get(3)),
                updated: parse_ts(r.get(4)),
            })?;
        }
        Ok(())
    }

    fn item_dates(&self, feed: &str, scope: Scope) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        let sql = match scope {
            Scope::Newest(_) => {
                "SELECT published, updated FROM items WHERE feed = $1
                 ORDER BY published DESC, id ASC LIMIT $2"
            }
            Scope::Page(_) => {
                "SELECT published, updated FROM items WHERE feed = $1
                 AND id IN (SELECT id FROM archive_pages WHERE feed = $1 AND page = $2)
                 ORDER BY published DESC, id ASC"
            }
        };
        let rows = self.query(sql, &[&feed, &scope.value()])?;
        Ok(rows
            .iter()
            .map(|r| (parse_ts(r.get(0)), parse_ts(r.get(1))))
            .collect())
    }

    fn item_media(&self, feed: &str, scope: Scope) -> Result<Vec<ItemMedia>> {
        // A JSON null is no image and no podcast, as SQLite's json_extract has it.
        let sql = match scope {
            Scope::Newest(_) => {
                "SELECT COALESCE(jsonb_typeof(article::jsonb -> 'image'), 'null') <> 'null',
                 (article::jsonb -> 'podcast')::text, article::jsonb ->> 'language'
                 FROM items WHERE feed = $1 ORDER BY published DESC, id ASC LIMIT $2"
            }
            Scope::Page(_) => {
                "SELECT COALESCE(jsonb_typeof(article::jsonb -> 'image'), 'null') <> 'null',
                 (article::jsonb -> 'podcast')::text, article::jsonb ->> 'language'
                 FROM items WHERE feed = $1
                 AND id IN (SELECT id FROM archive_pages WHERE feed = $1 AND page = $2)
                 ORDER BY published DESC, id ASC"
            }
        };
        let rows = self.query(sql, &[&feed, &scope.value()])?;
        Ok(rows
            .iter()
            .map(|r| ItemMedia {
                image: r.get(0),
                // A podcast the store cannot read back is one the head need not announce.
                podcast: r
                    .get::<_, Option<&str>>(1)
                    .and_then(|p| serde_json::from_str(p).ok()),
                language: r.get(2),
            })
            .collect())
    }

    fn unarchived_overflow(&self, feed: &str, limit: usize) -> Result<Vec<String>> {
        let limit = limit as i64;
        let rows = self.query(
            "SELECT id FROM (SELECT id, published FROM items WHERE feed = $1
             ORDER BY published DESC, id ASC OFFSET $2) AS older
             WHERE id NOT IN (SELECT id FROM archive_pages WHERE feed = $1)
             ORDER BY published DESC, id ASC",
            &[&feed, &limit],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn last_archive_page(&self, feed: &str) -> Result<Option<(u32, usize)>> {
        let row = self.one_opt(
            "SELECT page, COUNT(*) FROM archive_pages WHERE feed = $1
             GROUP BY page ORDER BY page DESC LIMIT 1",
            &[&feed],
        )?;
        Ok(row.map(|r| (count(r.get(0)), count(r.get(1)) as usize)))
    }

    fn archive_item(&self, feed: &str, id: &str, page: u32) -> Result<()> {
        self.execute(
            "INSERT INTO archive_pages (feed, id, page) VALUES ($1, $2, $3)",
            &[&feed, &id, &i64::from(page)],
        )?;
        Ok(())
    }

    fn archive_page_count(&self, feed: &str) -> Result<u32> {
        let row = self.one_opt(
            "SELECT COALESCE(MAX(page), 0)::BIGINT FROM archive_pages WHERE feed = $1",
            &[&feed],
        )?;
        Ok(row.map_or(0, |r| count(r.get(0))))
    }

    fn note_duplicate(&self, feed: &str, key: &str, twin: &str) -> Result<()> {
        self.execute(
            "INSERT INTO duplicates (feed, key, twin) VALUES ($1, $2, $3)
             ON CONFLICT (feed, key) DO UPDATE SET twin = EXCLUDED.twin",
            &[&feed, &key, &twin],
        )?;
        Ok(())
    }

    fn robots(&self) -> Result<HashMap<String, RobotsCopy>> {
        let rows = self.query(
            "SELECT origin, body, etag, last_modified, fetched_at FROM robots",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let copy = RobotsCopy {
                    body: r.get(1),
                    validators: Validators {
                        etag: r.get(2),
                        last_modified: r.get(3),
                    },
                    fetched_at: parse_ts(r.get(4)),
                };
                (r.get(0), copy)
            })
            .collect())
    }

    fn set_robots(&self, origin: &str, c: &RobotsCopy) -> Result<()> {
        let v = &c.validators;
        let at = ts(c.fetched_at);
        self.execute(
            "INSERT INTO robots (origin, body, etag, last_modified, fetched_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (origin) DO UPDATE SET body = EXCLUDED.body, etag = EXCLUDED.etag,
             last_modified = EXCLUDED.last_modified, fetched_at = EXCLUDED.fetched_at",
            &[&origin, &c.body, &v.etag, &v.last_modified, &at],
        )?;
        Ok(())
    }

    fn fingerprints(&self, feed: &str, source: &str) -> Result<HashMap<String, Fingerprint>> {
        let rows = self.query(
            "SELECT key, size, modified_ns, hash FROM fingerprints WHERE feed = $1 AND source = $2",
            &[&feed, &source],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let print = Fingerprint {
                    size: r.get::<_, i64>(1).try_into().unwrap_or_default(),
                    modified_ns: r.get(2),
                    hash: r.get(3),
                };
                (r.get(0), print)
            })
            .collect())
    }

    fn set_fingerprint(&self, feed: &str, source: &str, key: &str, f: &Fingerprint) -> Result<()> {
        let size = i64::try_from(f.size).unwrap_or(i64::MAX);
        self.execute(
            "INSERT INTO fingerprints (feed, source, key, size, modified_ns, hash)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (feed, source, key) DO UPDATE
             SET size = EXCLUDED.size, modified_ns = EXCLUDED.modified_ns, hash = EXCLUDED.hash",
            &[&feed, &source, &key, &size, &f.modified_ns, &f.hash],
        )?;
        Ok(())
    }

    fn known_keys(&self, feed: &str) -> Result<HashSet<String>> {
        let rows = self.query(
            "SELECT key FROM items WHERE feed = $1 AND NOT partial
             UNION SELECT d.key FROM duplicates d
             JOIN items i ON i.feed = d.feed AND i.key = d.twin WHERE d.feed = $1",
            &[&feed],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn body_lengths(&self, feed: &str, keys: &[String]) -> Result<Vec<usize>> {
        let rows = self.query(
            "SELECT k.i, length(it.article::json->>'content_text')::BIGINT
             FROM unnest($2::TEXT[]) WITH ORDINALITY AS k(key, i)
             JOIN items it ON it.feed = $1 AND it.key = k.key ORDER BY k.i",
            &[&feed, &keys],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| r.get::<_, Option<i64>>(1))
            .map(|n| n.max(0) as usize)
            .collect())
    }

    fn validators(&self, url: &str) -> Result<Option<Validators>> {
        let row = self.one_opt(
            "SELECT etag, last_modified FROM validators WHERE url = $1",
            &[&url],
        )?;
        Ok(row.map(|r| Validators {
            etag: r.get(0),
            last_modified: r.get(1),
        }))
    }

    fn set_validators(&self, url: &str, v: &Validators) -> Result<()> {
        self.execute(
            "INSERT INTO validators (url, etag, last_modified) VALUES ($1, $2, $3)
             ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified",
            &[&url, &v.etag, &v.last_modified],
        )?;
        Ok(())
    }

    fn chrome_counted(&self, source: &str, key: &str) -> Result<bool> {
        Ok(self
            .one_opt(
                "SELECT 1 FROM chrome_articles WHERE source = $1 AND key = $2",
                &[&source, &key],
            )?
            .is_some())
    }

    fn count_chrome(&self, source: &str, key: &str, lines: &[String]) -> Result<()> {
        let inserted = self.execute(
            "INSERT INTO chrome_articles (source, key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&source, &key],
        )?;
        if inserted == 0 {
            return Ok(());
        }
        self.execute(
            "INSERT INTO chrome_lines (source, line, articles)
             SELECT $1, line, 1 FROM unnest($2::TEXT[]) AS l(line)
             ON CONFLICT (source, line) DO UPDATE SET articles = chrome_lines.articles + 1",
            &[&source, &lines],
        )?;
        Ok(())
    }

    fn chrome_counts(&self, source: &str) -> Result<(HashMap<String, u32>, u32)> {
        let seen = self
            .query(
                "SELECT COUNT(*) FROM chrome_articles WHERE source = $1",
                &[&source],
            )?
            .first()
            .map_or(0, |r| count(r.get(0)));
        let rows = self.query(
            "SELECT line, articles FROM chrome_lines WHERE source = $1 AND articles > 1",
            &[&source],
        )?;
        let counts = rows.iter().map(|r| (r.get(0), count(r.get(1)))).collect();
        Ok((counts, seen))
    }

    fn record_feed_run(&self, feed: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let now = ts(now);
        let row = self.one_opt(
            "INSERT INTO feed_runs (feed, first_run, last_run) VALUES ($1, $2, $2)
             ON CONFLICT (feed) DO UPDATE SET last_run = EXCLUDED.last_run
             RETURNING first_run",
            &[&feed, &now],
        )?;
        Ok(row.map(|r| parse_ts(r.get(0))).unwrap_or_default())
    }

    fn last_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>> {
        let row = self.one_opt("SELECT last_run FROM feed_runs WHERE feed = $1", &[&feed])?;
        Ok(row.map(|r| parse_ts(r.get(0))))
    }

    fn first_run(&self, feed: &str) -> Result<Option<DateTime<Utc>>> {
        let row = self.one_opt("SELECT first_run FROM feed_runs WHERE feed = $1", &[&feed])?;
        Ok(row.map(|r| parse_ts(r.get(0))))
    }

    fn feed_signature(&self, feed: &str, limit: usize) -> Result<(String, usize)> {
        let limit = limit as i64;
        let rows = self.query(
            "SELECT id, hash, published, updated, partial FROM items WHERE feed = $1
             ORDER BY published DESC, id ASC LIMIT $2",
            &[&feed, &limit],
        )?;
        // Hashed exactly as the SQLite engine does, so a signature means the same in both.
        let mut h = Sha256::new();
        for r in &rows {
            for i in 0..4 {
                h.update(r.get::<_, &str>(i));
                h.update([0]);
            }
            h.update([r.get::<_, bool>(4) as u8]);
        }
        let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok((hex, rows.len()))
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = self.one_opt("SELECT value FROM settings WHERE key = $1", &[&key])?;
        Ok(row.map(|r| r.get(0)))
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn feed_digest(&self, feed: &str) -> Result<Option<String>> {
        let row = self.one_opt("SELECT digest FROM feed_runs WHERE feed = $1", &[&feed])?;
        Ok(row.and_then(|r| r.get(0)))
    }

    fn set_feed_digest(&self, feed: &str, digest: &str) -> Result<()> {
        self.execute(
            "UPDATE feed_runs SET digest = $2 WHERE feed = $1",
            &[&feed, &digest],
        )?;
        Ok(())
    }

    fn record_source_run(&self, feed: &str, source: &str, run: &SourceRun) -> Result<()> {
        let (at, items, avg) = (
            ts(run.at),
            i64::from(run.items),
            i64::from(run.avg_body_len),
        );
        let kept = i64::from(SOURCE_RUNS_KEPT);
        self.with(|c| {
            c.execute(
                "INSERT INTO source_runs (feed, source, at, ok, items, avg_body_len, error)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&feed, &source, &at, &run.ok, &items, &avg, &run.error],
            )?;
            c.execute(
                "DELETE FROM source_runs WHERE feed = $1 AND source = $2 AND seq NOT IN
                 (SELECT seq FROM source_runs WHERE feed = $1 AND source = $2
                  ORDER BY at DESC, seq DESC LIMIT $3)",
                &[&feed, &source, &kept],
            )
        })?;
        Ok(())
    }

    fn source_runs(&self, feed: &str, source: &str) -> Result<Vec<SourceRun>> {
        let rows = self.query(
            "SELECT at, ok, items, avg_body_len, error FROM source_runs
             WHERE feed = $1 AND source = $2 ORDER BY at ASC, seq ASC",
            &[&feed, &source],
        )?;
        Ok(rows
            .iter()
            .map(|r| SourceRun {
                at: parse_ts(r.get(0)),
                ok: r.get(1),
                items: count(r.get(2)),
                avg_body_len: count(r.get(3)),
                error: r.get(4),
            })
            .collect())
    }

    fn note_item_problem(
        &self,
        feed: &str,
        source: &str,
        problem: &str,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let now = ts(now);
        let row = self.one_opt(
            "INSERT INTO item_problems (feed, source, problem, runs, first_seen)
             VALUES ($1, $2, $3, 1, $4)
             ON CONFLICT (feed, source, problem) DO UPDATE SET runs = item_problems.runs + 1
             RETURNING runs",
            &[&feed, &source, &problem, &now],
        )?;
        Ok(row.map_or(1, |r| count(r.get(0))))
    }

    fn item_problems(&self, feed: &str, source: &str) -> Result<Vec<(String, u32)>> {
        let rows = self.query(
            "SELECT problem, runs FROM item_problems WHERE feed = $1 AND source = $2
             ORDER BY problem",
            &[&feed, &source],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), count(r.get(1)))).collect())
    }

    fn clear_item_problem(&self, feed: &str, source: &str, problem: &str) -> Result<()> {
        self.execute(
            "DELETE FROM item_problems WHERE feed = $1 AND source = $2 AND problem = $3",
            &[&feed, &source, &problem],
        )?;
        Ok(())
    }

    fn warn_orphan_once(&self, file: &str, now: DateTime<Utc>) -> Result<bool> {
        let now = ts(now);
        let n = self.execute(
            "INSERT INTO orphans (file, warned_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&file, &now],
        )?;
        Ok(n > 0)
    }

    fn forget_orphan(&self, file: &str) -> Result<()> {
        self.execute("DELETE FROM orphans WHERE file = $1", &[&file])?;
        Ok(())
    }

    fn claims(&self) -> Result<Vec<Claim>> {
        let rows = self.query(
            "SELECT feed, next_run_at, worker, lease_until, COALESCE(lease_until < now(), FALSE), runs
             FROM feed_claims ORDER BY feed",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| Claim {
                feed: r.get(0),
                next_run_at: r.get(1),
                worker: r.get(2),
                lease_until: r.get(3),
                expired: r.get(4),
                runs: r.get::<_, i64>(5).max(0) as u64,
            })
            .collect())
    }

    fn holds_claim(&self, feed: &str, worker: &str) -> Result<bool> {
        Ok(self
            .one_opt(
                "SELECT 1 FROM feed_claims WHERE feed = $1 AND worker = $2 AND lease_until > now()",
                &[&feed, &worker],
            )?
            .is_some())
    }
}

/// Fresh PostgreSQL state for tests (the store's own and the integration tests'): a schema of
/// its own on the server `FEEDSMITH_TEST_PG_URL` names, dropped afterwards. Not for use outside
/// tests: it reports a skip on stderr itself.
#[doc(hidden)]
pub mod testing {
    use super::*;

    pub struct TestSchema {
        /// The server's URL with this schema first on the search path.
        pub url: String,
        base: String,
        name: String,
    }

    impl TestSchema {
        /// `None` (with the reason printed) when no server is named; a panic instead when
        /// `FEEDSMITH_REQUIRE_SERVICES=1` says there must be one.
        pub fn new() -> Option<TestSchema> {
            let Ok(base) = std::env::var("FEEDSMITH_TEST_PG_URL") else {
                let why = "FEEDSMITH_TEST_PG_URL is not set (`.ci/test` starts a server)";
                if std::env::var("FEEDSMITH_REQUIRE_SERVICES").as_deref() == Ok("1") {
                    panic!("FEEDSMITH_REQUIRE_SERVICES=1 but {why}");
                }
                eprintln!("skipped: PostgreSQL engine not tested: {why}");
                return None;
            };
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("test_{}_{n}", std::process::id());
            off_runtime(|| {
                let mut client = Client::connect(&base, NoTls).expect("the test server answers");
                client
                    .batch_execute(&format!("CREATE SCHEMA {name}"))
                    .expect("a schema can be created");
            });
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-csearch_path%3D{name}");
            Some(TestSchema { url, base, name })
        }
    }

    impl Drop for TestSchema {
        fn drop(&mut self) {
            off_runtime(|| {
                if let Ok(mut c) = Client::connect(&self.base, NoTls) {
                    let _ = c.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
                }
            });
        }
    }
}
