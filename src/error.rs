//! One error type for the library. Each variant carries where it happened (file, line, URL,
//! source name) so a message can say what failed, where, and what to do; the CLI maps them to
//! exit codes.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },

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

    #[error("{url}: {message}")]
    Fetch { url: String, message: String },

    #[error("{url}: HTTP {status}; {}", status_hint(*.status))]
    HttpStatus { url: String, status: u16 },

    #[error(
        "{url}: blocked by robots.txt (set `robots = false` on the source if it is your own site)"
    )]
    RobotsDisallowed { url: String },

    #[error("{key}: nothing left after normalisation (no title and no body)")]
    EmptyArticle { key: String },

    #[error("state database {path}: {source}")]
    Store {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("another feedsmith run holds the lock {path}; try again when it finishes")]
    Locked { path: PathBuf },

    #[error("feed `{feed}` would not validate: {message}")]
    Invalid { feed: String, message: String },
}

/// What to do about an HTTP error status, for the message.
fn status_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => "the server refuses access (it may block bots; check the URL in a browser)",
        404 | 410 => "the page is gone (if the URL is in the config, fix or remove it)",
        429 | 503 => "the server asks to slow down; the next run will try again (raise `host_delay_ms` if it keeps happening)",
        500..=599 => "the server failed; the next run will try again",
        _ => "check the URL in a browser",
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

    pub fn fetch(url: impl ToString, message: impl ToString) -> Self {
        Error::Fetch {
            url: url.to_string(),
            message: message.to_string(),
        }
    }
}
