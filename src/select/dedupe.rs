//! One story, one item: a feed fed by several sources (a site's feed and its list page, two
//! agencies' copies of a wire story) would otherwise show the same article twice. Two articles
//! are the same story when their canonical links match, or when their normalised bodies are
//! near-identical: across sources, a copy that was edited a little; within one source, only a
//! copy under the same headline whose words are (almost) all the other's (a mirror path, a
//! re-post), because templated stories such as results or notices differ in a few words (or
//! only in their headline) and are still different stories.
//! The first one, in source order, is kept.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::Article;
use crate::urls;

/// Word shingle length for comparing bodies.
const SHINGLE: usize = 4;
/// Share of the shorter body's shingles the other must have to be the same story: high, so two
/// stories on one topic (which share phrases, not paragraphs) stay apart, while a copy that
/// was trimmed or had a line added still matches.
const SAME_STORY: f64 = 0.8;
/// The same, for two articles of one source: a re-post or a mirror (a trimmed copy is still
/// all the other's words), never a template filled in with other figures.
const SAME_IN_SOURCE: f64 = 0.95;
/// Bodies shorter than this (in words) are only the same when their words are identical.
const MIN_WORDS: usize = 20;
/// Up to this many kept bodies every new body is checked against each of them that could reach
/// [`SAME_STORY`]: exact (the [`Index`] finds every such body), and its memory is bounded by
/// these bodies' shingles. Beyond it, only with those that share a MinHash band, so a feed of
/// 100,000 items is neither quadratic nor indexed word by word.
const EXACT_UP_TO: usize = 500;
/// MinHash signature length and its banding: 16 bands of 2 rows make bodies whose shingle sets
/// overlap by half (Jaccard 0.5) candidates 99% of the time; candidates are then compared
/// exactly, so a band match never decides alone.
const HASHES: usize = 32;
const ROWS: usize = 2;

/// What de-duplication decided for one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// The same story as the article at this index (kept before it).
    SameAs(usize),
}

/// A verdict for each article, in order: later duplicates of an earlier article dropped.
/// Each article comes with the name of its source; the first `unique` are already known to be
/// distinct stories (the feed's stored items), so they are only indexed, never compared with
/// each other: a run costs the new articles times the stored ones, not the stored ones squared.
pub fn verdicts<'a>(
    articles: impl IntoIterator<Item = (&'a str, &'a Article)>,
    unique: usize,
) -> Vec<Verdict> {
    let mut links: HashMap<String, usize> = HashMap::new();
    let mut short: HashMap<Vec<u64>, Vec<(usize, &str)>> = HashMap::new();
    let mut long: Vec<Kept> = Vec::new();
    // Candidates among the first `EXACT_UP_TO` kept bodies; the bands are only built once a new
    // body meets more than that, from every kept body at once.
    let mut index = Index::default();
    let mut bands: Option<HashMap<(usize, u64), Vec<usize>>> = None;
    let mut out = Vec::new();
    for (i, (source, article)) in articles.into_iter().enumerate() {
        let link = article
            .link
            .as_ref()
            .map(|u| urls::canonical(u).to_string());
        if let Some(&twin) = link.as_ref().and_then(|l| links.get(l)) {
            out.push(Verdict::SameAs(twin));
            continue;
        }
        let body = words(&article.content_text);
        let known = i < unique;
        let twin = if body.is_empty() {
            None
        } else if body.len() < MIN_WORDS {
            if known {
                None
            } else {
                let twins = short.get(&body).into_iter().flatten();
                twins.copied().find(|(_, s)| *s != source).map(|(j, _)| j)
            }
        } else {
            let shingles = shingles(&body);
            let title = words(&article.title);
            let candidates: Vec<usize> = if known {
                Vec::new()
            } else if long.len() <= EXACT_UP_TO {
                index.candidates(&shingles)
            } else {
                let bands = bands.get_or_insert_with(|| banded(&long));
                let mut c: Vec<usize> = band_keys(&signature(&shingles))
                    .filter_map(|k| bands.get(&k))
                    .flatten()
                    .copied()
                    .collect();
                c.sort_unstable();
                c.dedup();
                c
            };
            let twin = candidates
                .into_iter()
                .map(|k| &long[k])
                .find(|k| match k.source == source {
                    true => k.title == title && overlap(&shingles, &k.shingles) >= SAME_IN_SOURCE,
                    false => overlap(&shingles, &k.shingles) >= SAME_STORY,
                })
                .map(|k| k.index);
            if twin.is_none() {
                let at = long.len();
                if let Some(bands) = &mut bands {
                    for key in band_keys(&signature(&shingles)) {
                        bands.entry(key).or_default().push(at);
                    }
                }
                match at < EXACT_UP_TO {
                    true => index.insert(at, &shingles),
                    // No query reads the index once more bodies are kept than it serves.
                    false => index = Index::default(),
                }
                long.push(Kept {
                    index: i,
                    source,
                    title,
                    shingles,
                });
            }
            twin
        };
        if let Some(twin) = twin {
            out.push(Verdict::SameAs(twin));
            continue;
        }
        if !body.is_empty() && body.len() < MIN_WORDS {
            short.entry(body).or_default().push((i, source));
        }
        if let Some(link) = link {
            links.insert(link, i);
        }
        out.push(Verdict::Keep);
    }
    out
}

/// Indices of the articles to keep, in order, none known to be distinct beforehand.
pub fn unique<'a>(articles: impl IntoIterator<Item = (&'a str, &'a Article)>) -> Vec<usize> {
    verdicts(articles, 0)
        .into_iter()
        .enumerate()
        .filter(|(_, v)| *v == Verdict::Keep)
        .map(|(i, _)| i)
        .collect()
}

/// A kept body long enough to compare by shingles.
struct Kept<'a> {
    index: usize,
    source: &'a str,
    /// Its headline's words: a re-post within one source keeps its headline.
    title: Vec<u64>,
    shingles: Shingles,
}

/// A body's shingle hashes, sorted, each once: compared by one merge, and its [`prefix`] is
/// its start.
type Shingles = Vec<u64>;

/// Finds, among the bodies it holds, every one that could share [`SAME_STORY`] of the smaller
/// body's shingles with a new body, without comparing it with each (prefix filtering: for
/// `SAME_STORY` of the smaller set's shingles to be in the other, at least one of its
/// [`prefix`] must be). Exact: a body it leaves out cannot match.
#[derive(Default)]
struct Index {
    /// Every shingle of each body, to look the new body's prefix up in (the new one is smaller).
    all: Postings,
    /// Each body's prefix, to look every shingle of the new body up in (the held one is smaller).
    prefix: Postings,
}

impl Index {
    fn insert(&mut self, at: usize, shingles: &[u64]) {
        for &s in shingles {
            self.all.add(s, at);
        }
        for &s in prefix(shingles) {
            self.prefix.add(s, at);
        }
    }

    /// The held bodies that could match, in the order they were inserted.
    fn candidates(&self, shingles: &[u64]) -> Vec<usize> {
        let mut c = Vec::new();
        for &s in prefix(shingles) {
            self.all.each(s, |at| c.push(at));
        }
        for &s in shingles {
            self.prefix.each(s, |at| c.push(at));
        }
        c.sort_unstable();
        c.dedup();
        c
    }
}

/// For each shingle, the bodies that have it: one list per shingle threaded through one
/// vector, so indexing a body's shingles allocates nothing per shingle.
#[derive(Default)]
struct Postings {
    /// The latest entry of each shingle's list.
    heads: HashMap<u64, u32, BuildHasherDefault<Hashed>>,
    /// (body, the entry before it in its shingle's list, or `u32::MAX`).
    entries: Vec<(u32, u32)>,
}

impl Postings {
    fn add(&mut self, shingle: u64, at: usize) {
        let entry = self.entries.len() as u32;
        let before = self.heads.insert(shingle, entry).unwrap_or(u32::MAX);
        self.entries.push((at as u32, before));
    }

    fn each(&self, shingle: u64, mut f: impl FnMut(usize)) {
        let mut at = self.heads.get(&shingle).copied().unwrap_or(u32::MAX);
        while let Some(&(body, before)) = self.entries.get(at as usize) {
            f(body as usize);
            at = before;
        }
    }
}

/// Shingles are hashes already: a table keyed by them need not hash them again.
#[derive(Default)]
struct Hashed(u64);

impl Hasher for Hashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are hashed with this; any other key still spreads.
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The least shingle hashes of a body (one order for every body), just more of them than
/// [`SAME_STORY`] lets the body miss of itself when it is the smaller of a matching pair.
fn prefix(shingles: &[u64]) -> &[u64] {
    // ceil, then one more: a float rounding down never shortens it below what may be missed.
    let missable = (shingles.len() as f64 * (1.0 - SAME_STORY)).ceil() as usize;
    &shingles[..(missable + 1).min(shingles.len())]
}

/// The MinHash bands of every kept body.
fn banded(long: &[Kept]) -> HashMap<(usize, u64), Vec<usize>> {
    let mut bands: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (at, kept) in long.iter().enumerate() {
        for key in band_keys(&signature(&kept.shingles)) {
            bands.entry(key).or_default().push(at);
        }
    }
    bands
}

/// The hash of each lower-cased word (FNV-1a: stable across runs and builds), without a copy
/// of each word: punctuation, spacing and case differences between copies do not count.
fn words(text: &str) -> Vec<u64> {
    const FNV_PRIME: u64 = 0x0100_0000_01b3;
    let fnv = |h: u64, b: u8| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let h = 0xcbf2_9ce4_8422_2325;
            match w.is_ascii() {
                true => w.bytes().map(|b| b.to_ascii_lowercase()).fold(h, fnv),
                false => {
                    let mut utf8 = [0; 4];
                    w.chars()
                        .flat_map(char::to_lowercase)
                        .fold(h, |h, c| c.encode_utf8(&mut utf8).bytes().fold(h, fnv))
                }
            }
        })
        .collect()
}

/// Hashes of the body's word 4-grams, sorted, each once.
fn shingles(words: &[u64]) -> Shingles {
    let hash = |ws: &[u64]| ws.iter().fold(0, |h, w| mix(h ^ w));
    if words.len() < SHINGLE {
        return vec![hash(words)];
    }
    let mut all: Vec<u64> = words.windows(SHINGLE).map(hash).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The MinHash signature: for each of [`HASHES`] mixes of the shingle hashes, the least.
fn signature(shingles: &[u64]) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for &s in shingles {
        for (k, slot) in sig.iter_mut().enumerate() {
            *slot = (*slot).min(mix(s ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        }
    }
    sig
}

/// splitmix64's finaliser: spreads the bits of a hash so each mix is independent.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// (band, bucket) keys of a signature: its rows hashed band by band.
fn band_keys(sig: &[u64; HASHES]) -> impl Iterator<Item = (usize, u64)> + '_ {
    sig.chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| (band, rows.iter().fold(0, |h, r| mix(h ^ r))))
}

/// The share of the smaller set's shingles the other has too.
fn overlap(a: &[u64], b: &[u64]) -> f64 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / smaller as f64
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
    fn one_source_publishes_a_repost_or_mirror_once() {
        let trimmed = STORY.replace(
            " Emergency shelters in the town hall and two schools remain open.",
            "",
        );
        let list = [
            article(Some("https://e.org/2024/flood"), STORY),
            article(Some("https://e.org/amp/2024/flood"), &STORY.to_uppercase()),
            article(Some("https://e.org/repost/flood"), &trimmed),
            article(Some("https://e.org/2024/flood?utm_source=x"), "Same link."),
        ];
        assert_eq!(unique(["s"; 4].into_iter().zip(&list)), [0]);
        // The same words under another headline are another story of the source's template.
        let mut notice = article(Some("https://e.org/notice-2"), STORY);
        notice.title = "Second notice".into();
        let list = [article(Some("https://e.org/notice-1"), STORY), notice];
        assert_eq!(unique(["s"; 2].into_iter().zip(&list)), [0, 1]);
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

    fn sorted(hashes: impl Iterator<Item = u64>) -> Vec<u64> {
        let mut v: Vec<u64> = hashes.collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every held body that shares `SAME_STORY` of the smaller set is a candidate, at the edge
    /// of the threshold and in the worst order, whichever of the two is smaller.
    #[test]
    fn the_index_misses_no_body_that_could_match() {
        let mut seed: u64 = 11;
        let mut next = || {
            seed = mix(seed);
            seed
        };
        for (small, large) in [(1, 1), (4, 9), (5, 5), (20, 400), (99, 100), (137, 1000)] {
            let shared = (small as f64 * SAME_STORY).ceil() as usize;
            let common: Vec<u64> = (0..shared).map(|_| next()).collect();
            // The smaller body's own shingles sort first, so its prefix holds all it may miss.
            let own = (shared..small).map(|i| i as u64);
            let a = sorted(common.iter().copied().chain(own));
            let b = sorted(common.into_iter().chain((shared..large).map(|_| next())));
            assert!(overlap(&a, &b) >= SAME_STORY, "{small}/{large}");
            let unrelated = sorted((0..large).map(|_| next()));
            for (held, new) in [(&a, &b), (&b, &a)] {
                let mut index = Index::default();
                index.insert(0, &unrelated);
                index.insert(1, held);
                assert_eq!(index.candidates(new), [1], "{small}/{large}");
            }
        }
    }

    #[test]
    fn large_feeds_find_copies_through_minhash_bands() {
        // More kept bodies than are compared one by one, so the copy is found by its bands.
        let words = [
            "harbour", "council", "ferry", "storm", "library", "budget", "school", "bridge",
            "market", "tram", "museum", "park", "station", "river", "tower", "quay",
        ];
        let mut seed: u64 = 7;
        let mut next = || {
            seed = mix(seed);
            words[(seed % words.len() as u64) as usize]
        };
        let mut list: Vec<Article> = (0..EXACT_UP_TO + 50)
            .map(|i| {
                let body: Vec<&str> = (0..60).map(|_| next()).collect();
                article(None, &format!("Story {i}: {}.", body.join(" ")))
            })
            .collect();
        let copy = list[123].content_text.to_uppercase();
        list.push(article(None, &copy));
        let v = verdicts(
            (0..list.len())
                .map(|i| if i == list.len() - 1 { "copy" } else { "own" })
                .zip(&list),
            0,
        );
        assert_eq!(v.last(), Some(&Verdict::SameAs(123)));
        assert!(v[..list.len() - 1].iter().all(|v| *v == Verdict::Keep));
    }
}
