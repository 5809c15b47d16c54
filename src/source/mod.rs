//! Sources: where articles come from. Each kind has its own file (`dir` for article folders;
//! `page`, `list` and `feed` for the web) and hands normalisation [`RawArticle`]s, never touching
//! the store or the output: what it learned (HTTP validators) it returns in [`Collected`].

pub mod dir;
pub mod feed;
pub mod list;
pub mod page;
pub mod web;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::RawArticle;

/// HTTP validators kept between runs for conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one source yielded in one run.
#[derive(Debug, Default)]
pub struct Collected {
    pub articles: Vec<RawArticle>,
    /// Problems with single articles (one bad file, one page of a list that failed); the source
    /// as a whole worked, so the run reports them and goes on.
    pub problems: Vec<Error>,
    /// The source answered "not modified": its stored items stand, nothing was re-extracted.
    pub unchanged: bool,
    /// Validators to remember, by URL.
    pub validators: Vec<(String, Validators)>,
    /// Articles the source still lists but left out because they are already stored: part of
    /// its yield for `status`, though not fetched again.
    pub known: usize,
    /// Keys of articles published as their feed's teaser because the full page failed: the
    /// store marks them so the next run fetches the full text again.
    pub teasers: Vec<String>,
}

impl Collected {
    /// The source answered "not modified".
    pub fn unchanged() -> Collected {
        Collected {
            unchanged: true,
            ..Collected::default()
        }
    }
}

/// What a source may know from earlier runs; handed in by the pipeline so sources stay
/// independent of the store.
#[derive(Debug, Default)]
pub struct Memory {
    /// Validators from earlier runs, by URL.
    pub validators: HashMap<String, Validators>,
    /// Keys of articles already stored for this source (full-text fetches skip them).
    pub known_keys: HashSet<String>,
    pub now: Option<DateTime<Utc>>,
}
