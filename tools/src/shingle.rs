//! The extraction score of `shared/extraction-dev`: precision, recall and F1 over multisets of
//! word 4-gram shingles (case-sensitive), averaged per page.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_]+").unwrap());

/// Word 4-gram shingles of `text` as a multiset (1–3 tokens give one shorter shingle).
pub fn shingles(text: &str) -> HashMap<Vec<&str>, u32> {
    let tokens: Vec<&str> = TOKEN.find_iter(text).map(|m| m.as_str()).collect();
    let mut out = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    if tokens.len() < 4 {
        out.insert(tokens, 1);
        return out;
    }
    for w in tokens.windows(4) {
        *out.entry(w.to_vec()).or_insert(0) += 1;
    }
    out
}

/// One page's score. `precision` is `None` for an empty prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScore {
    pub precision: Option<f64>,
    pub recall: f64,
}

impl PageScore {
    pub fn f1(&self) -> f64 {
        let p = self.precision.unwrap_or(0.0);
        if p + self.recall == 0.0 {
            0.0
        } else {
            2.0 * p * self.recall / (p + self.recall)
        }
    }
}

pub fn score_page(predicted: &str, truth: &str) -> PageScore {
    let p = shingles(predicted);
    let t = shingles(truth);
    let tp: u32 = p
        .iter()
        .map(|(k, n)| (*n).min(*t.get(k).unwrap_or(&0)))
        .sum();
    let np: u32 = p.values().sum();
    let nt: u32 = t.values().sum();
    PageScore {
        precision: (np > 0).then(|| f64::from(tp) / f64::from(np)),
        recall: if nt == 0 {
            1.0
        } else {
            f64::from(tp) / f64::from(nt)
        },
    }
}

/// Corpus figures: mean precision over non-empty predictions, mean recall over all pages, F1 of
/// the two means.
#[derive(Debug, Clone, Copy)]
pub struct Corpus {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub empty: usize,
    pub pages: usize,
}

pub fn corpus(pages: &[PageScore]) -> Corpus {
    let precisions: Vec<f64> = pages.iter().filter_map(|p| p.precision).collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(&precisions);
    let recall = mean(&pages.iter().map(|p| p.recall).collect::<Vec<_>>());
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Corpus {
        precision,
        recall,
        f1,
        empty: pages.len() - precisions.len(),
        pages: pages.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_scores_one() {
        let s = score_page("the quick brown fox jumps", "the quick brown fox jumps");
        assert_eq!(s.precision, Some(1.0));
        assert_eq!(s.recall, 1.0);
    }

    #[test]
    fn tokens_are_unicode_words_and_case_sensitive() {
        let s = score_page("Привет, мир! 42_x", "привет мир 42_x");
        assert_eq!(s.precision, Some(0.0));
        let s = score_page("a b c d e", "a b c d");
        assert_eq!(s.precision, Some(0.5));
        assert_eq!(s.recall, 1.0);
    }

    #[test]
    fn empty_prediction_has_no_precision() {
        let s = score_page("", "a b c d");
        assert_eq!(s.precision, None);
        assert_eq!(s.recall, 0.0);
        let c = corpus(&[s, score_page("a b c d", "a b c d")]);
        assert_eq!(c.empty, 1);
        assert_eq!(c.precision, 1.0);
        assert_eq!(c.recall, 0.5);
    }
}
