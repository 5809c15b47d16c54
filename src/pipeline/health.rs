//! A source's health for `status` and `alert_after`: what it yielded this run, measured the
//! same way every run, so a source that shrinks or fails can be told from one that is quiet.

use chrono::{DateTime, Utc};

use crate::config::Feed;
use crate::error::Result;
use crate::model::item_key;
use crate::select::Passed;
use crate::status::{Concern, SourceRun};
use crate::store::Store;

/// What a working source gave this run, besides the articles themselves.
#[derive(Debug, Clone, Default)]
pub struct Yield {
    /// It answered "not modified".
    pub unchanged: bool,
    /// Keys of articles it lists that were already stored (and not read again).
    pub known: Vec<String>,
}

/// A working source's run for `status`: its yield is what it extracted (and passed its
/// filters) plus what it still lists but was already stored, each at its real body length
/// (fresh ones as extracted, known ones as stored), so an incremental run measures the same
/// as a full one. When nothing was extracted ("not modified", or only known articles), the
/// last good run stands: there is nothing new to measure.
pub fn source_run(
    store: &Store,
    feed: &Feed,
    source: &str,
    now: DateTime<Utc>,
    y: &Yield,
    passed: Passed,
) -> Result<SourceRun> {
    let last_ok = || -> Result<Option<SourceRun>> {
        Ok(store
            .source_runs(&feed.name, source)?
            .into_iter()
            .rev()
            .find(|r| r.ok))
    };
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(
        if y.unchanged || (passed.articles == 0 && !y.known.is_empty()) {
            let last = last_ok()?;
            let items = match y.unchanged {
                true => last.as_ref().map_or(0, |r| r.items),
                false => count(y.known.len()),
            };
            SourceRun::succeeded(now, items, last.map_or(0, |r| r.avg_body_len))
        } else {
            let keys: Vec<String> = y.known.iter().map(|k| item_key(source, k)).collect();
            let known = store.body_lengths(&feed.name, &keys)?;
            let measured = passed.articles as usize + known.len();
            let avg = (passed.body_chars + known.iter().sum::<usize>())
                .checked_div(measured)
                .unwrap_or(0);
            SourceRun::succeeded(
                now,
                passed.articles.saturating_add(count(y.known.len())),
                count(avg),
            )
        },
    )
}

/// Fresh articles this run (at least [`FRESH_EVIDENCE`] of them) whose bodies average under
/// half the source's usual length: the site now serves teasers or a new template, even while
/// the stored articles it still lists keep the source's average up.
pub fn fresh_shrunk(passed: Passed, history: &[SourceRun]) -> Option<Concern> {
    if (passed.articles as usize) < FRESH_EVIDENCE {
        return None;
    }
    let before = history.split_last().map_or(&[][..], |(_, before)| before);
    let usual = crate::status::usual_body_len(before)?;
    let avg = count_avg(passed)?;
    (u64::from(avg) * 2 < u64::from(usual)).then_some(Concern::Shrunk { avg, usual })
}

/// Fewer fresh articles say nothing about a template: one short story is just short.
const FRESH_EVIDENCE: usize = 3;

fn count_avg(passed: Passed) -> Option<u32> {
    passed
        .body_chars
        .checked_div(passed.articles as usize)
        .map(|a| u32::try_from(a).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_config::Builder;
    use crate::model::Article;
    use crate::store::NewItem;

    #[test]
    fn known_articles_count_at_their_stored_length() {
        let config = Builder::new().source("name = \"s\"\ndir = \"a\"").build();
        let feed = &config.feeds[0];
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let now = Utc::now();
        for (key, len) in [("long.txt", 1000), ("short.txt", 100)] {
            let article = Article {
                title: key.into(),
                content_text: "x".repeat(len),
                ..Default::default()
            };
            let key = item_key("s", key);
            let item = NewItem {
                key: &key,
                id: &format!("tag:e.org,2024:{key}"),
                source: "s",
                article: &article,
                partial: false,
            };
            store.upsert(&feed.name, &item, now).unwrap();
        }
        let run = |unchanged, known: &[&str], articles, body_chars| {
            let y = Yield {
                unchanged,
                known: known.iter().map(|k| k.to_string()).collect(),
            };
            let passed = Passed {
                articles,
                body_chars,
            };
            source_run(&store, feed, "s", now, &y, passed).unwrap()
        };
        // Two fresh of 400 characters and the two stored: (800 + 1000 + 100) / 4.
        let mixed = run(false, &["long.txt", "short.txt"], 2, 800);
        assert_eq!((mixed.items, mixed.avg_body_len), (4, 475));
        store.record_source_run(&feed.name, "s", &mixed).unwrap();
        // Nothing read again, or "not modified": the last measure stands.
        let only_known = run(false, &["long.txt", "short.txt"], 0, 0);
        assert_eq!((only_known.items, only_known.avg_body_len), (2, 475));
        let not_modified = run(true, &[], 0, 0);
        assert_eq!((not_modified.items, not_modified.avg_body_len), (4, 475));
    }

    #[test]
    fn fresh_articles_shrunk_need_several_of_them() {
        let history: Vec<SourceRun> = (0..4)
            .map(|_| SourceRun::succeeded(Utc::now(), 10, 1400))
            .collect();
        let passed = |articles, body_chars| Passed {
            articles,
            body_chars,
        };
        assert_eq!(
            fresh_shrunk(passed(3, 150), &history),
            Some(Concern::Shrunk {
                avg: 50,
                usual: 1400
            })
        );
        assert_eq!(
            fresh_shrunk(passed(2, 100), &history),
            None,
            "too few to say"
        );
        assert_eq!(fresh_shrunk(passed(3, 3000), &history), None);
        assert_eq!(
            fresh_shrunk(passed(3, 150), &history[..1]),
            None,
            "no usual yet"
        );
    }
}
