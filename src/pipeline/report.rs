//! What a run tells its caller: per feed, what was published and what went wrong, so only the
//! CLI decides what reaches the terminal and which exit code that means.

use std::path::PathBuf;

use crate::error::Error;

/// Something that went wrong with one source or one article; the run went on.
#[derive(Debug)]
pub struct Problem {
    /// The source it concerns, or the feed's name for a problem of the feed as a whole.
    pub source: String,
    pub error: Error,
    /// The source (or the feed) as a whole failed, as opposed to one of its articles.
    pub source_failed: bool,
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
    pub problems: Vec<Problem>,
    /// Worth a look but nothing failed (a site rule that no longer matches), as "source: note".
    pub notes: Vec<String>,
    /// Every source's result this run, with its failure streak (for `alert_after`).
    pub sources: Vec<SourceOutcome>,
    /// WebSub pings that failed; the files are written, subscribers learn of them later.
    pub hub_errors: Vec<Error>,
}

impl FeedReport {
    pub fn new(feed: &str) -> FeedReport {
        FeedReport {
            feed: feed.to_string(),
            ..FeedReport::default()
        }
    }

    /// Records that `scope` (a source, or the feed itself) failed as a whole.
    pub fn failure(&mut self, scope: &str, error: Error) {
        self.problems.push(Problem {
            source: scope.to_string(),
            error,
            source_failed: true,
        });
    }
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
}

impl RunReport {
    pub fn has_problems(&self) -> bool {
        self.feeds.iter().any(|f| !f.problems.is_empty())
    }
}
