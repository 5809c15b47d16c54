//! Stage 3, select: which candidates become items. Each source's `include` / `exclude` filters
//! first, then one item per story across the feed ([`dedupe`]), against what the feed already
//! stores too. Pure: the stored items come in as an argument.

pub mod dedupe;

use dedupe::Verdict;

use std::collections::{HashMap, HashSet};

use crate::config::Feed;
use crate::model::{Candidate, Item};

/// What selection keeps, and how much each source contributed before de-duplication (its
/// yield for `status`: a story also carried by another source still counts for both).
#[derive(Debug, Default)]
pub struct Selected {
    pub kept: Vec<Candidate>,
    /// Candidates left out as the same story as another: remembered, so a source does not
    /// fetch them again while their twin stands.
    pub dropped: Vec<Dropped>,
    pub passed: HashMap<String, Passed>,
}

/// A candidate left out as a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Its feed-unique key ([`crate::model::item_key`]).
    pub key: String,
    /// The key of the story it repeats.
    pub twin: String,
}

/// Articles of one source that passed its filters, and their body length together.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Passed {
    pub articles: u32,
    pub body_chars: usize,
}

pub fn select(feed: &Feed, stored: &[Item], candidates: Vec<Candidate>) -> Selected {
    let mut passed: HashMap<String, Passed> = HashMap::new();
    let filtered: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| {
            let keep = feed
                .sources
                .iter()
                .find(|s| s.name == c.source)
                .is_none_or(|s| {
                    let a = &c.article;
                    s.passes_filters(&a.title, &a.content_text, &a.authors)
                });
            if keep {
                let p = passed.entry(c.source.clone()).or_default();
                p.articles += 1;
                p.body_chars += c.article.content_text.chars().count();
            }
            keep
        })
        .collect();
    let (kept, dropped) = unique(stored, filtered);
    Selected {
        kept,
        dropped,
        passed,
    }
}

/// One item per story: drops candidates that repeat an earlier one, or an item already stored
/// under another key (the same story from another source in an earlier run). Returns the kept
/// candidates and, for each dropped one, its key and the key of the story it repeats.
fn unique(stored: &[Item], candidates: Vec<Candidate>) -> (Vec<Candidate>, Vec<Dropped>) {
    let keys: HashSet<String> = candidates.iter().map(Candidate::item_key).collect();
    let others: Vec<&Item> = stored.iter().filter(|i| !keys.contains(&i.key)).collect();
    let all = others
        .iter()
        .map(|item| (item.source.as_str(), &item.article))
        .chain(candidates.iter().map(|c| (c.source.as_str(), &c.article)));
    let verdicts = dedupe::verdicts(all, others.len());
    let key_at = |j: usize| match j.checked_sub(others.len()) {
        None => others[j].key.clone(),
        Some(c) => candidates[c].item_key(),
    };
    let dropped: Vec<Dropped> = verdicts[others.len()..]
        .iter()
        .zip(&candidates)
        .filter_map(|(v, c)| match v {
            Verdict::SameAs(twin) => Some(Dropped {
                key: c.item_key(),
                twin: key_at(*twin),
            }),
            Verdict::Keep => None,
        })
        .collect();
    let kept = candidates
        .into_iter()
        .zip(&verdicts[others.len()..])
        .filter(|(_, v)| **v == Verdict::Keep)
        .map(|(c, _)| c)
        .collect();
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_config::Builder;
    use crate::model::Article;

    fn feed(filters: &str) -> Feed {
        Builder::new()
            .source(&format!("name = \"a\"\ndir = \"a\"\n{filters}"))
            .source("name = \"b\"\ndir = \"b\"")
            .build()
            .feeds
            .remove(0)
    }

    fn candidate(source: &str, key: &str, title: &str, body: &str) -> Candidate {
        Candidate {
            source: source.into(),
            key: key.into(),
            article: Article {
                title: title.into(),
                content_text: body.into(),
                ..Article::default()
            },
            partial: false,
        }
    }

    #[test]
    fn the_same_file_name_in_two_sources_is_two_items() {
        let got = select(
            &feed(""),
            &[],
            vec![
                candidate(
                    "a",
                    "today.txt",
                    "Harbour wall repaired",
                    "The wall was fixed.",
                ),
                candidate("b", "today.txt", "Library reopens", "The library opened."),
            ],
        );
        let keys: Vec<String> = got.kept.iter().map(Candidate::item_key).collect();
        assert_eq!(keys, ["a:today.txt", "b:today.txt"]);
    }

    #[test]
    fn filters_apply_per_source_and_count_what_passed() {
        let got = select(
            &feed("exclude = [\"(?i)sponsored\"]"),
            &[],
            vec![
                candidate("a", "1.txt", "Sponsored: buy now", "Offer."),
                candidate("a", "2.txt", "Council votes", "The council voted."),
                candidate("b", "3.txt", "Sponsored walk raises funds", "A walk."),
            ],
        );
        let keys: Vec<&str> = got.kept.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["2.txt", "3.txt"]);
        assert_eq!(
            got.passed["a"],
            Passed {
                articles: 1,
                body_chars: "The council voted.".len()
            }
        );
    }
}
