//! Versioned schema migrations for the state database. `PRAGMA user_version` records how far a
//! database has come; each migration runs once, in its own transaction, so a database written
//! by any earlier build opens, upgrades and keeps every id it has published.

use rusqlite::{params, Connection, Transaction};

/// The tables as the first versioned release has them. Written with `IF NOT EXISTS` because
/// databases from before versioning already hold some of them.
const BASE: &str = "
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    hash TEXT NOT NULL,
    article TEXT NOT NULL,
    PRIMARY KEY (feed, id)
);
CREATE INDEX IF NOT EXISTS items_by_date ON items (feed, published DESC, id);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS chrome_lines (
    source TEXT NOT NULL,
    line TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (source, line)
);
CREATE TABLE IF NOT EXISTS chrome_articles (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE TABLE IF NOT EXISTS feed_runs (
    feed TEXT PRIMARY KEY,
    first_run TEXT NOT NULL,
    last_run TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS source_runs (
    feed TEXT NOT NULL,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    items INTEGER NOT NULL,
    avg_body_len INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS source_runs_by_time ON source_runs (feed, source, at);
CREATE TABLE IF NOT EXISTS dead_links (
    feed TEXT NOT NULL,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (feed, url)
);
CREATE TABLE IF NOT EXISTS orphans (
    file TEXT PRIMARY KEY,
    warned_at TEXT NOT NULL
);
";

/// Migrations in order; a migration's number is its position plus one.
const MIGRATIONS: &[fn(&Transaction) -> rusqlite::Result<()>] = &[
    base,
    item_keys,
    fingerprints,
    feed_digests,
    duplicates,
    robots,
    item_problems,
    settings,
    archive_pages,
];

/// Brings a database up to the current version.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, step) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).expect("few migrations");
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        step(&tx)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

/// 1: the base tables, plus the `partial` column that unversioned builds added later.
fn base(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(BASE)?;
    if !has_column(tx, "items", "partial")? {
        // 1 while the item is a feed's teaser standing in for a full text that failed to fetch.
        tx.execute_batch("ALTER TABLE items ADD COLUMN partial INTEGER NOT NULL DEFAULT 0")?;
    }
    Ok(())
}

/// 2: every item records the feed-unique key it is filed under (see `model::item_key`), so ids
/// are looked up, never re-derived or inverted. The keys of items published before are read
/// back from their ids once, here; the ids themselves stay exactly as subscribers know them.
fn item_keys(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch("ALTER TABLE items ADD COLUMN key TEXT")?;
    let rows: Vec<(String, String, String)> = {
        let mut stmt = tx.prepare("SELECT feed, id, source FROM items")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (feed, id, source) in rows {
        let key = crate::model::item_key(&source, &key_in_old_id(&id));
        tx.execute(
            "UPDATE items SET key = ?3 WHERE feed = ?1 AND id = ?2",
            params![feed, id, key],
        )?;
    }
    tx.execute_batch("CREATE UNIQUE INDEX items_by_key ON items (feed, key)")
}

/// 3: what each folder source's files looked like when last read, so an unchanged file is not
/// read or normalised again.
fn fingerprints(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE fingerprints (
            feed TEXT NOT NULL,
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ns INTEGER NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (feed, source, key)
        )",
    )
}

/// 4: a digest of what each feed's files were rendered from, so an unchanged feed is not
/// rendered, checked and compared again.
fn feed_digests(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch("ALTER TABLE feed_runs ADD COLUMN digest TEXT")
}

/// 5: candidates left out as copies of another story, with the story they copy: sources do not
/// fetch them again while it stands.
fn duplicates(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE duplicates (
            feed TEXT NOT NULL,
            key TEXT NOT NULL,
            twin TEXT NOT NULL,
            PRIMARY KEY (feed, key)
        )",
    )
}

/// 6: every site's robots.txt as last fetched, so an unchanged site is not asked again within
/// a day, and then only conditionally.
fn robots(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE robots (
            origin TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT NOT NULL
        )",
    )
}

/// 7: problems of single articles, counted run by run so each is said once; they replace the
/// dead-link list, which was the first such problem.
fn item_problems(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE item_problems (
            feed TEXT NOT NULL,
            source TEXT NOT NULL,
            problem TEXT NOT NULL,
            runs INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (feed, source, problem)
        );
        DROP TABLE dead_links;",
    )
}

/// 8: small values of the whole state (the digest of the site pages last written).
fn settings(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
}

/// 9: which archive page (RFC 5005) each item pushed past its feed's `limit` was kept in, so a
/// page's items never change once it is full, whatever dates later items bring.
fn archive_pages(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE archive_pages (
            feed TEXT NOT NULL,
            id TEXT NOT NULL,
            page INTEGER NOT NULL,
            PRIMARY KEY (feed, id)
        );
        CREATE INDEX archive_pages_by_page ON archive_pages (feed, page);",
    )
}

fn has_column(tx: &Transaction, table: &str, column: &str) -> rusqlite::Result<bool> {
    tx.query_row(
        &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
        params![column],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )
}

/// The source key inside an id written before keys were stored: `tag:AUTHORITY:FEED/KEY`, the
/// key percent-escaped (neither a tag authority nor a feed slug holds a `/`).
fn key_in_old_id(id: &str) -> String {
    let escaped = id
        .strip_prefix("tag:")
        .and_then(|rest| rest.split_once('/'))
        .map_or(id, |(_, key)| key);
    percent_decode(escaped)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The items table as the first release wrote it, before versioning.
    const FIRST_RELEASE: &str = "CREATE TABLE items (feed TEXT NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL, first_seen TEXT NOT NULL, published TEXT NOT NULL, updated TEXT NOT NULL, hash TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (feed, id));";

    #[test]
    fn an_unversioned_database_keeps_its_ids_and_gains_keys() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(FIRST_RELEASE).unwrap();
        for (id, source) in [
            ("tag:ex.org,2024:w/a%20b/%C3%A7.txt", "desk"),
            ("tag:ex.org,2024:w/https://ex.org/a?id=1", "site"),
        ] {
            conn.execute(
                "INSERT INTO items VALUES ('w', ?1, ?2, 't', 't', 't', 'h', '{}')",
                params![id, source],
            )
            .unwrap();
        }
        migrate(&mut conn).unwrap();
        let mut rows: Vec<(String, String)> = conn
            .prepare("SELECT id, key FROM items ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        assert_eq!(
            rows,
            [
                (
                    "tag:ex.org,2024:w/a%20b/%C3%A7.txt".to_string(),
                    "desk:a b/ç.txt".to_string()
                ),
                (
                    "tag:ex.org,2024:w/https://ex.org/a?id=1".to_string(),
                    "https://ex.org/a?id=1".to_string()
                ),
            ]
        );
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        migrate(&mut conn).unwrap(); // a current database is left alone
    }
}
