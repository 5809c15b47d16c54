//! A source's health for `status` and `alert_after`: what it yielded this run, measured the
//! same way every run, so a source that shrinks or fails can be told from one that is quiet.

use chrono::{DateTime, Utc};

use crate::config::Feed;
use crate::error::Result;
use crate::select::Passed;
use crate::status::SourceRun;
use crate::store::Store;

/// What a working source gave this run, besides the articles themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Yield {
    /// It answered "not modified".
    pub unchanged: bool,
    /// Articles it lists that were already stored.
    pub known: usize,
}

/// A working source's run for `status`: its yield is what it extracted (and passed its
/// filters) plus what it still lists but was already stored. When nothing was extracted ("not
/// modified", or only known articles), the body length of the last good run stands: there is
/// nothing new to measure.
pub fn source_run(
    store: &Store,
    feed: &Feed,
    source: &str,
    now: DateTime<Utc>,
    y: Yield,
    passed: Passed,
) -> Result<SourceRun> {
    let last_ok = || -> Result<Option<SourceRun>> {
        Ok(store
            .source_runs(&feed.name, source)?
            .into_iter()
            .rev()
            .find(|r| r.ok))
    };
    let known = u32::try_from(y.known).unwrap_or(u32::MAX);
    Ok(if y.unchanged {
        let last = last_ok()?;
        SourceRun::succeeded(
            now,
            last.as_ref().map_or(0, |r| r.items),
            last.map_or(0, |r| r.avg_body_len),
        )
    } else if passed.articles == 0 && known > 0 {
        SourceRun::succeeded(now, known, last_ok()?.map_or(0, |r| r.avg_body_len))
    } else {
        // Known articles were not read again (an incremental run): they count at the length
        // the source's articles had, so one short new article is not a "shrunk" source.
        let fresh_avg = passed
            .body_chars
            .checked_div(passed.articles as usize)
            .unwrap_or(0);
        let known_avg = match known {
            0 => 0,
            _ => last_ok()?.map_or(fresh_avg, |r| r.avg_body_len as usize),
        };
        let count = passed.articles as usize + known as usize;
        let avg = (passed.body_chars + known_avg * known as usize)
            .checked_div(count)
            .unwrap_or(0);
        SourceRun::succeeded(
            now,
            passed.articles.saturating_add(known),
            u32::try_from(avg).unwrap_or(u32::MAX),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_config::Builder;

    #[test]
    fn yield_counts_known_and_keeps_body_length_when_nothing_new() {
        let config = Builder::new().source("name = \"s\"\ndir = \"a\"").build();
        let feed = &config.feeds[0];
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let now = Utc::now();
        let run = |unchanged, known, articles, body_chars| {
            let y = Yield { unchanged, known };
            source_run(
                &store,
                feed,
                "s",
                now,
                y,
                Passed {
                    articles,
                    body_chars,
                },
            )
            .unwrap()
        };
        let fresh = run(false, 2, 4, 4000);
        assert_eq!((fresh.items, fresh.avg_body_len), (6, 1000));
        store.record_source_run(&feed.name, "s", &fresh).unwrap();
        // One short new article among known ones is not a shrunk source.
        let one_short = run(false, 5, 1, 100);
        assert_eq!((one_short.items, one_short.avg_body_len), (6, 850));
        let only_known = run(false, 6, 0, 0);
        assert_eq!((only_known.items, only_known.avg_body_len), (6, 1000));
        let not_modified = run(true, 0, 0, 0);
        assert_eq!((not_modified.items, not_modified.avg_body_len), (6, 1000));
    }
}
