//! One error type for the library. Each variant carries where it happened (file, line, URL,
//! source name) so a message can say what failed, where, and what to do; the CLI maps them to
//! exit codes.

use std::path::PathBuf;

pub use crate::fetch::error::FetchError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {message}", at(path, *line))]
    Config {
        path: PathBuf,
        /// The line of the config the problem is on, when it is on one.
        line: Option<usize>,
        message: String,
    },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}:{line}: {message}")]
    BadFile {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("{url}: {kind}")]
    Fetch { url: String, kind: Box<FetchError> },

    #[error("{key}: nothing left after normalisation (no title and no body)")]
    EmptyArticle { key: String },

    #[error("{key}: took longer than {budget_ms} ms to normalise, skipped (its stored version, if any, stands); raise max_article_ms in [site] or the source if the article is genuine")]
    OverBudget { key: String, budget_ms: u64 },

    /// A working source that looks wrong: it yields nothing or much less than it used to, or
    /// its site rule no longer matches. Said once, like a problem of one article.
    #[error("{what}")]
    Health { what: String },

    #[error("state database {path}: {source}")]
    Store {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// The PostgreSQL state (`[site] state = "postgres://…"` or `FEEDSMITH_STATE_URL`).
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL state {url}: {}; check that the server is up and that the URL's host, port, user, password and database are right", postgres_reason(source))]
    Postgres {
        url: String,
        #[source]
        source: postgres::Error,
    },

    #[error("{url}: this feedsmith was built without PostgreSQL; rebuild it with `cargo build --features postgres`, or set `state` to a file")]
    NoPostgres { url: String },

    #[error("PostgreSQL state {url}: a stored article of feed `{feed}` does not read back ({cause}); was the row edited by hand?")]
    BadStoredArticle {
        url: String,
        feed: String,
        cause: String,
    },

    #[error("another feedsmith run holds the lock {path}; try again when it finishes")]
    Locked { path: PathBuf },

    #[error("feed `{feed}` would not validate: {message}")]
    Invalid { feed: String, message: String },

    /// One of a feed's files could not be written; the run goes on with the other feeds.
    #[error("cannot write {}: {}; the file there is left as it was (check that the output folder is writable, has free space, and holds no folder of that name)", path.display(), os_reason(cause))]
    WriteFailed {
        feed: String,
        path: PathBuf,
        cause: std::io::Error,
    },

    /// Object storage (`[site] publish_to`) refused or did not answer; the feed's other
    /// copies, and the other feeds, are not affected.
    #[error("cannot {action} {key} at {endpoint}: {cause}; the object there is left as it was (check the bucket name, the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that the endpoint is up)")]
    Remote {
        /// What was being done: "upload", "delete", "list".
        action: &'static str,
        /// The object (`s3://bucket/prefix/world.rss`), or the prefix listed.
        key: String,
        endpoint: String,
        cause: String,
    },
}

/// What the OS said, once: `tempfile` appends ` at path "…"` (a temp file's name, which
/// tells a reader nothing the file's own path does not).
fn os_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" at path \"") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// `path` or `path:line`, the way editors and compilers name a place.
fn at(path: &std::path::Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn fetch(url: impl ToString, kind: FetchError) -> Self {
        Error::Fetch {
            url: url.to_string(),
            kind: Box::new(kind),
        }
    }

    /// The fetch failure behind this error, if it is one.
    pub fn fetch_kind(&self) -> Option<&FetchError> {
        match self {
            Error::Fetch { kind, .. } => Some(kind.as_ref()),
            _ => None,
        }
    }
}

/// A PostgreSQL error with the server's own message (the client's `Display` says only "db
/// error" for those).
#[cfg(feature = "postgres")]
fn postgres_reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}
