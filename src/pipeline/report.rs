//! What a run tells its caller: per feed, what was published and what went wrong, so only the
//! CLI decides what reaches the terminal and which exit code that means.

use std::path::PathBuf;

use crate::error::Error;

/// Something that went wrong with a feed, a source or one article; the run went on.
#[derive(Debug)]
pub struct Problem {
    pub scope: Scope,
    pub error: Error,
    /// For a problem of one article: the runs in a row it has been met, this one included (1
    /// when it is new), so the CLI can say it once instead of on every run.
    pub seen: u32,
}

/// What a problem is a problem of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The feed as a whole: it would not validate, or its files could not be written.
    Feed,
    /// The named source as a whole failed (nothing from it this run).
    Source(String),
    /// One article of the named source; the rest of the source worked.
    Article(String),
}

impl Problem {
    /// The source the problem concerns, unless it is the feed's.
    pub fn source(&self) -> Option<&str> {
        match &self.scope {
            Scope::Feed => None,
            Scope::Source(s) | Scope::Article(s) => Some(s),
        }
    }
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
    /// Objects put to the bucket of `publish_to`, by key (`s3://bucket/prefix/world.rss`).
    pub uploaded: Vec<String>,
    pub problems: Vec<Problem>,
    /// Worth a look but nothing failed (a site rule that no longer matches, a body cut, items
    /// left out to fit the size cap): "source NAME: note" when a source's, else the feed's.
    pub notes: Vec<String>,
    /// Every source's result this run, with its failure streak (for `alert_after`).
    pub sources: Vec<SourceOutcome>,
    /// WebSub pings that failed; the files are written, subscribers learn of them later.
    pub hub_errors: Vec<Error>,
    /// Problems of single articles met on earlier runs and gone this run.
    pub cleared: Vec<Cleared>,
}

impl FeedReport {
    pub fn new(feed: &str) -> FeedReport {
        FeedReport {
            feed: feed.to_string(),
            ..FeedReport::default()
        }
    }

    /// Records that the feed as a whole failed.
    pub fn failure(&mut self, error: Error) {
        self.problems.push(Problem {
            scope: Scope::Feed,
            error,
            seen: 1,
        });
    }
}

/// A problem of one article that was met on earlier runs and is gone now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleared {
    pub source: String,
    /// The problem as it was said.
    pub problem: String,
    /// The runs in a row it had been met.
    pub seen: u32,
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
    /// What failed beyond any one feed: uploading the index or OPML, listing or pruning the
    /// bucket. The feeds themselves are published.
    pub problems: Vec<Error>,
    /// The index and OPML objects put to the bucket, by key.
    pub uploaded: Vec<String>,
}

impl RunReport {
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty() || self.feeds.iter().any(|f| !f.problems.is_empty())
    }
}
