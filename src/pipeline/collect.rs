//! Stage 1, collect: every source of a feed at once (the fetcher keeps that polite), each
//! told what the feed already stores so it fetches only what it lacks.

use chrono::{DateTime, Utc};

use std::path::Path;

use crate::config::{Feed, Source, SourceKind};
use crate::error::Result;
use crate::fetch::Fetcher;
use crate::source::{self, Collected, Memory};
use crate::store::Store;

/// What collecting one source gave: its raw articles, or why the source as a whole failed.
pub struct Gathered<'f> {
    pub source: &'f Source,
    pub outcome: Result<Collected>,
}

/// What each source of `feed` may know from earlier runs, in source order. Read before any
/// request is made, so collecting never waits on the store.
pub fn memories(store: &Store, feed: &Feed, now: DateTime<Utc>) -> Result<Vec<Memory>> {
    let known = store.known_keys(&feed.name)?;
    let mut memories = Vec::with_capacity(feed.sources.len());
    for source in &feed.sources {
        let mut validators = std::collections::HashMap::new();
        if let Some(url) = source.kind.url() {
            if let Some(v) = store.validators(&validator_key(feed, url.as_str()))? {
                validators.insert(url.to_string(), v);
            }
        }
        let fingerprints = match source.kind {
            SourceKind::Dir(_) => store.fingerprints(&feed.name, &source.name)?,
            _ => Default::default(),
        };
        memories.push(Memory {
            source: source.name.clone(),
            validators,
            known_keys: known.clone(),
            fingerprints,
            now: Some(now),
        });
    }
    Ok(memories)
}

/// Starts collecting every source of `feed` at once, each with its memory, as a task of its
/// own: collections of many feeds then overlap, and only the fetcher's limits (overall, per
/// host, the host delay) serialise requests. The outcomes come back in source order.
pub fn spawn(
    feed: &Feed,
    fetcher: &Fetcher,
    memories: Vec<Memory>,
) -> tokio::task::JoinHandle<Vec<Result<Collected>>> {
    let (feed, fetcher) = (feed.clone(), fetcher.clone());
    tokio::spawn(async move {
        futures_util::future::join_all(
            feed.sources
                .iter()
                .zip(&memories)
                .map(|(source, memory)| source::collect(source, &fetcher, memory)),
        )
        .await
    })
}

/// Pairs a feed's collected outcomes with its configured sources.
pub fn gathered(feed: &Feed, outcomes: Vec<Result<Collected>>) -> Vec<Gathered<'_>> {
    feed.sources
        .iter()
        .zip(outcomes)
        .map(|(source, outcome)| Gathered { source, outcome })
        .collect()
}

/// A folder source read again with every file, as if nothing were known of them: what it
/// learned changed, so files left unread must be normalised again.
pub fn in_full<'f>(source: &'f Source, dir: &Path) -> Gathered<'f> {
    let outcome = source::dir::collect(source, dir, &Default::default());
    Gathered { source, outcome }
}

/// Validators are kept per feed: the same URL in two feeds must not answer 304 to the second
/// just because the first already stored its articles.
pub fn validator_key(feed: &Feed, url: &str) -> String {
    format!("{} {url}", feed.name)
}
