//! What a source hands the pipeline and what the pipeline tells it: [`Collected`] and
//! [`Memory`]. Kept apart from the source kinds, so they and their dispatcher
//! (`source/mod.rs`) never import each other in a circle; only a folder's unread files are a
//! type of their kind.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::fetch::Validators;
use crate::model::{item_key, Fingerprint, RawArticle};

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
    /// Keys of articles the source still lists but left out because they are already stored:
    /// part of its yield for `status` (at their stored length), though not read again.
    pub known: Vec<String>,
    /// Keys of articles published as their feed's teaser because the full page failed: the
    /// store marks them so the next run fetches the full text again.
    pub teasers: Vec<String>,
    /// Article files read this run, by key, with what to recognise them by next run.
    pub fingerprints: Vec<(String, Fingerprint)>,
    /// A folder source's files still to be read (new or changed): the pipeline reads them a
    /// batch at a time as it normalises them, adding to the fields above.
    pub unread: Option<super::dir::Unread>,
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
    /// The source's name, which its keys are filed under.
    pub source: String,
    /// Validators from earlier runs, by URL.
    pub validators: HashMap<String, Validators>,
    /// Feed-unique keys ([`item_key`]) of the articles the feed already stores in full.
    pub known_keys: HashSet<String>,
    /// What a folder source's files looked like when last read, by key: a file that still
    /// matches is not read again (its stored article stands).
    pub fingerprints: HashMap<String, Fingerprint>,
    pub now: Option<DateTime<Utc>>,
}

impl Memory {
    /// The feed already stores the article this source calls `key` (full-text fetches skip it).
    pub fn knows(&self, key: &str) -> bool {
        self.known_keys.contains(&item_key(&self.source, key))
    }
}
