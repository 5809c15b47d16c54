//! Stage 4, persist: what selection kept goes into the store, with each source's run, its
//! validators and the feed's run, all inside the feed's one transaction. Identity is the
//! store's: an item is found by its key and keeps the id it was first published under.

use chrono::{DateTime, Utc};

use super::collect::validator_key;
use super::health::{fresh_shrunk, source_run};
use super::normalize::SourceResult;
use std::collections::{HashMap, HashSet};

use super::report::{Cleared, FeedReport, Problem, Scope, SourceOutcome};
use crate::config::Feed;
use crate::error::{Error, Result};
use crate::model::Item;
use crate::select::Selected;
use crate::status::{concerns, streaks, SourceRun};
use crate::store::{NewItem, Store, Upsert};

/// What the store holds for the feed after this run.
pub struct Persisted {
    /// When the feed was first run (dates an empty feed).
    pub first_run: DateTime<Utc>,
}

/// Leaves out of `kept` an article that comes back with no body while it has a link and its
/// stored version had one (a page that changed its template, a paywall, a fetch cut short): the
/// stored version stands, and the notes say which. Only what the store still holds for the feed
/// (its newest `limit` items) is compared.
pub fn keep_stored_bodies(stored: &[Item], kept: &mut Vec<crate::model::Candidate>) -> Vec<String> {
    let mut notes = Vec::new();
    kept.retain(|c| {
        let emptied = c.article.content_text.trim().is_empty()
            && c.article.link.is_some()
            && stored.iter().any(|i| {
                i.source == c.source && i.key == c.key && !i.article.content_text.trim().is_empty()
            });
        if emptied {
            notes.push(format!(
                "source {}: {} came back with an empty body; the stored version is kept",
                c.source, c.key
            ));
        }
        !emptied
    });
    notes
}

/// Everything a feed's run hands the store.
pub struct Outcome<'f> {
    pub runs: Vec<SourceResult<'f>>,
    pub problems: Vec<Problem>,
    pub selected: Selected,
}

/// Stores one feed's run: problems of single articles (counted, so each is said once), source
/// runs, items.
pub fn persist(
    store: &Store,
    feed: &Feed,
    authority: &str,
    outcome: Outcome,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<Persisted> {
    let Outcome {
        runs,
        mut problems,
        selected,
    } = outcome;
    // Sources that read their articles again this run: their lasting problems are judged anew.
    let mut reread = HashSet::new();
    let mut fresh = HashMap::new();
    for run in runs {
        let (name, record) = match run {
            SourceResult::Failed { source, message } => {
                (&source.name, SourceRun::failed(now, message))
            }
            SourceResult::Worked {
                source,
                validators,
                fingerprints,
                clean,
                yielded,
            } => {
                if clean {
                    for (url, v) in &validators {
                        store.set_validators(&validator_key(feed, url), v)?;
                    }
                }
                for (key, print) in &fingerprints {
                    store.set_fingerprint(&feed.name, &source.name, key, print)?;
                }
                let passed = selected
                    .passed
                    .get(&source.name)
                    .copied()
                    .unwrap_or_default();
                let record = source_run(store, feed, &source.name, now, &yielded, passed)?;
                if !yielded.unchanged {
                    reread.insert(source.name.clone());
                    fresh.insert(source.name.clone(), passed);
                }
                (&source.name, record)
            }
        };
        store.record_source_run(&feed.name, name, &record)?;
        let history = store.source_runs(&feed.name, name)?;
        if let Some(passed) = fresh.get(name) {
            let mut found = concerns(&history);
            if let Some(c) = fresh_shrunk(*passed, &history) {
                if !found.iter().any(|f| f.headline() == c.headline()) {
                    found.push(c);
                }
            }
            for concern in found {
                problems.push(Problem {
                    scope: Scope::Article(name.clone()),
                    error: Error::Health {
                        what: concern.headline().to_string(),
                    },
                    seen: 1,
                });
            }
        }
        let (consecutive_failures, recovered_from) = streaks(&history);
        report.sources.push(SourceOutcome {
            source: name.clone(),
            ok: record.ok,
            consecutive_failures,
            recovered_from,
        });
    }
    item_problems(store, feed, problems, &reread, now, report)?;
    for d in &selected.dropped {
        store.note_duplicate(&feed.name, &d.key, &d.twin)?;
    }
    for c in &selected.kept {
        let key = c.item_key();
        let id = item_id(authority, &feed.name, &key);
        let item = NewItem {
            key: &key,
            id: &id,
            source: &c.source,
            article: &c.article,
            partial: c.partial,
        };
        match store.upsert(&feed.name, &item, now)? {
            Upsert::New => report.new += 1,
            Upsert::Changed => report.changed += 1,
            Upsert::Unchanged => {}
        }
    }
    let first_run = store.record_feed_run(&feed.name, now)?;
    Ok(Persisted { first_run })
}

/// A lasting problem of one article (an empty file, a bad date, a dead link) or of a source's
/// health (it shrank, its site rule misses) is someone's to fix, not news on every run: each is
/// counted run by run, and one that a source that read its articles again (`reread`) no longer
/// raises is cleared (and said to be). A source that answered "not modified" or failed as a
/// whole re-read nothing, so its problems stand.
fn item_problems(
    store: &Store,
    feed: &Feed,
    problems: Vec<Problem>,
    reread: &HashSet<String>,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<()> {
    let mut raised: HashSet<(String, String)> = HashSet::new();
    for mut problem in problems {
        if let Scope::Article(source) = &problem.scope {
            let said = problem.error.to_string();
            problem.seen = store.note_item_problem(&feed.name, source, &said, now)?;
            raised.insert((source.clone(), said));
        }
        report.problems.push(problem);
    }
    // In config order, so what a run says is in a stable order.
    for source in feed.sources.iter().filter(|s| reread.contains(&s.name)) {
        for (problem, seen) in store.item_problems(&feed.name, &source.name)? {
            if !raised.contains(&(source.name.clone(), problem.clone())) {
                store.clear_item_problem(&feed.name, &source.name, &problem)?;
                report.cleared.push(Cleared {
                    source: source.name.clone(),
                    problem,
                    seen,
                });
            }
        }
    }
    Ok(())
}

/// The id a new item gets: a `tag:` URI under the site's fixed authority, from the feed name
/// and the item's key. Never from run time; derived once, then kept by the store.
pub fn item_id(authority: &str, feed: &str, key: &str) -> String {
    let mut out = format!("tag:{authority}:{feed}/");
    for b in key.bytes() {
        let safe = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b);
        if safe {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_emptied_since_it_was_stored_keeps_its_stored_version() {
        use crate::model::{Article, Candidate};
        let at = chrono::Utc::now();
        let article = |body: &str, link: bool| Article {
            title: "T".into(),
            summary: Some("S".into()),
            content_text: body.into(),
            link: link.then(|| url::Url::parse("https://e.org/a").unwrap()),
            ..Default::default()
        };
        let stored = |key: &str, body: &str| Item {
            id: format!("tag:e.org,2024:{key}"),
            key: key.into(),
            source: "s".into(),
            article: article(body, true),
            published: at,
            updated: at,
        };
        let candidate = |key: &str, body: &str, link: bool| Candidate {
            source: "s".into(),
            key: key.into(),
            partial: false,
            article: article(body, link),
        };
        let stored = [
            stored("had", "a body"),
            stored("never", ""),
            stored("had-no-link", "a body"),
        ];
        let mut kept = vec![
            candidate("had", " ", true),
            candidate("never", "", true),
            candidate("new", "", true),
            candidate("had-no-link", "", false),
            candidate("fine", "body", true),
        ];
        let notes = keep_stored_bodies(&stored, &mut kept);
        let keys: Vec<&str> = kept.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["never", "new", "had-no-link", "fine"]);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with("source s: had came back with an empty body"),
            "{notes:?}"
        );
    }

    #[test]
    fn ids_are_tag_uris_with_escaped_keys() {
        assert_eq!(
            item_id("ex.org,2024", "world", "desk:a b/ç.txt"),
            "tag:ex.org,2024:world/desk:a%20b/%C3%A7.txt"
        );
        assert_eq!(
            item_id("ex.org,2024", "w", "https://ex.org/a?id=1"),
            "tag:ex.org,2024:w/https://ex.org/a?id=1"
        );
    }
}
