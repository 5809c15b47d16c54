//! One story, one item: a feed fed by several sources (a site's feed and its list page, two
//! agencies' copies of a wire story) would otherwise show the same article twice. Two articles
//! are the same story when their canonical links match, or when they come from different
//! sources and their normalised bodies are near-identical (within one source, templated
//! stories such as results or notices differ in a few words and are still different stories).
//! The first one, in source order, is kept.

use std::collections::HashSet;

use crate::model::Article;
use crate::urls;

/// Word shingle length for comparing bodies.
const SHINGLE: usize = 4;
/// Share of the shorter body's shingles the other must have to be the same story: high, so two
/// stories on one topic (which share phrases, not paragraphs) stay apart, while a copy that
/// was trimmed or had a line added still matches.
const SAME_STORY: f64 = 0.8;
/// Bodies shorter than this (in words) are only the same when their words are identical.
const MIN_WORDS: usize = 20;

/// Indices of the articles to keep, in order: later duplicates of an earlier article dropped.
/// Each article comes with the name of its source.
pub fn unique<'a>(articles: impl IntoIterator<Item = (&'a str, &'a Article)>) -> Vec<usize> {
    let mut links = HashSet::new();
    let mut kept: Vec<(&str, Vec<String>)> = Vec::new();
    let mut kept_shingles: Vec<HashSet<&[String]>> = Vec::new();
    let mut keep = Vec::new();
    let all: Vec<(usize, &str, &Article, Vec<String>)> = articles
        .into_iter()
        .enumerate()
        .map(|(i, (source, a))| (i, source, a, words(&a.content_text)))
        .collect();
    for (i, source, article, body) in &all {
        let link = article
            .link
            .as_ref()
            .map(|u| urls::canonical(u).to_string());
        if link.as_ref().is_some_and(|l| links.contains(l)) {
            continue;
        }
        let shingles = shingles(body);
        let duplicate = kept
            .iter()
            .zip(&kept_shingles)
            .any(|((other_source, other), other_sh)| {
                if other_source == source || body.is_empty() || other.is_empty() {
                    return false;
                }
                if body.len() < MIN_WORDS || other.len() < MIN_WORDS {
                    return body == other;
                }
                overlap(&shingles, other_sh) >= SAME_STORY
            });
        if duplicate {
            continue;
        }
        links.extend(link);
        kept.push((source, body.clone()));
        kept_shingles.push(shingles);
        keep.push(*i);
    }
    keep
}

/// Lower-cased words: punctuation, spacing and case differences between copies do not count.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shingles(words: &[String]) -> HashSet<&[String]> {
    if words.len() < SHINGLE {
        return HashSet::from([words]);
    }
    words.windows(SHINGLE).collect()
}

fn overlap(a: &HashSet<&[String]>, b: &HashSet<&[String]>) -> f64 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / smaller as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(link: Option<&str>, text: &str) -> Article {
        Article {
            title: "t".into(),
            content_text: text.into(),
            link: link.and_then(|l| url::Url::parse(l).ok()),
            ..Article::default()
        }
    }

    /// Each article from its own source, unless named.
    fn from_sources(list: &[Article]) -> Vec<usize> {
        let names: Vec<String> = (0..list.len()).map(|i| format!("s{i}")).collect();
        unique(names.iter().map(String::as_str).zip(list))
    }

    const STORY: &str = "Residents of the lower harbour district were evacuated overnight as the water rose faster than forecast. The coastguard said the surge peaked at 2.4 metres shortly before dawn, the highest since records began. Emergency shelters in the town hall and two schools remain open.";

    #[test]
    fn same_link_or_same_story_is_dropped() {
        let copy = STORY
            .replace("2.4 metres", "2.4 metres (8 ft)")
            .to_uppercase();
        let other = "Negotiators failed to agree on catch limits for the coming season after three days of talks in the harbour town hall. Fishing crews say the uncertainty makes it impossible to plan, and the coastguard said nothing.";
        let list = [
            article(Some("https://e.org/a?utm_source=rss"), STORY),
            article(Some("https://e.org/a#comments"), "Teaser only."),
            article(Some("https://wire.example/x"), &copy),
            article(Some("https://e.org/b"), other),
            article(None, ""),
            article(None, ""),
        ];
        assert_eq!(from_sources(&list), [0, 3, 4, 5]);
    }

    #[test]
    fn one_source_may_have_near_identical_stories() {
        let other = STORY.replace("2.4 metres", "1.9 metres");
        let list = [
            article(Some("https://e.org/a"), STORY),
            article(Some("https://e.org/b"), &other),
            article(Some("https://e.org/a?utm_medium=x"), "Same link."),
        ];
        assert_eq!(unique(["s", "s", "s"].into_iter().zip(&list)), [0, 1]);
        assert_eq!(unique(["s", "t", "t"].into_iter().zip(&list)), [0]);
    }

    #[test]
    fn short_bodies_must_match_exactly() {
        let list = [
            article(None, "Market closed higher."),
            article(None, "market closed HIGHER"),
            article(None, "Market closed lower."),
        ];
        assert_eq!(from_sources(&list), [0, 2]);
    }
}
