//! Learned chrome: lines that recur across many articles of one source are the site's template
//! (a footer, a newsletter box) even when no rule names them. The store keeps the counts; this
//! module says what to count and when a count makes a line chrome.

use std::collections::{HashMap, HashSet};

/// The lines learned as chrome for one source, in [`key`] form.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    pub keys: HashSet<String>,
}

impl Learned {
    pub fn contains(&self, line: &str) -> bool {
        !self.keys.is_empty() && self.keys.contains(&key(line))
    }
}

/// The form a line is counted under: case and white space folded.
pub fn key(line: &str) -> String {
    super::chrome::fold(line)
}

/// Distinct line keys of one article worth counting.
pub fn candidates(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text.lines()
        .map(key)
        .filter(|k| !k.is_empty() && seen.insert(k.clone()))
        .collect()
}

/// Lines seen in at least `min_articles` articles and in at least a third of the articles the
/// source has produced are chrome.
pub fn learned_from_counts(counts: &HashMap<String, u32>, articles_seen: u32) -> Learned {
    const MIN_ARTICLES: u32 = 3;
    let keys = counts
        .iter()
        .filter(|(_, &n)| n >= MIN_ARTICLES && n * 3 >= articles_seen)
        .map(|(k, _)| k.clone())
        .collect();
    Learned { keys }
}
