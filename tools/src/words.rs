//! The content score of `shared/wcxb-dev` (the WCXB benchmark's own metric): bag-of-words
//! precision, recall and F1 per page over lowercased `[\p{L}\p{N}_]+` tokens, averaged per page.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_]+").unwrap());

/// The lowercased tokens of `text`.
pub fn tokens(text: &str) -> Vec<String> {
    TOKEN
        .find_iter(&text.to_lowercase())
        .map(|m| m.as_str().to_string())
        .collect()
}

/// One page's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Tokens in the prediction and in the truth (for the near-empty count).
    pub predicted: usize,
    pub truth: usize,
}

pub fn score_page(predicted: &str, truth: &str) -> PageScore {
    let p = tokens(predicted);
    let t = tokens(truth);
    let (np, nt) = (p.len(), t.len());
    if np == 0 || nt == 0 {
        // The benchmark: an empty prediction scores 0, or 1 when the truth is empty too; a
        // prediction for an empty truth has nothing right in it.
        let v = if np == 0 && nt == 0 { 1.0 } else { 0.0 };
        return PageScore {
            precision: v,
            recall: v,
            f1: v,
            predicted: np,
            truth: nt,
        };
    }
    let mut bag: HashMap<&str, u32> = HashMap::new();
    for w in &t {
        *bag.entry(w).or_insert(0) += 1;
    }
    let mut overlap = 0usize;
    for w in &p {
        if let Some(n) = bag.get_mut(w.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            overlap += 1;
        }
    }
    let precision = overlap as f64 / np as f64;
    let recall = overlap as f64 / nt as f64;
    let f1 = if overlap == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PageScore {
        precision,
        recall,
        f1,
        predicted: np,
        truth: nt,
    }
}

/// Means of per-page precision, recall and F1 (every page weighs the same).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corpus {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub pages: usize,
}

pub fn corpus<'a>(pages: impl IntoIterator<Item = &'a PageScore>) -> Corpus {
    let (mut p, mut r, mut f, mut n) = (0.0, 0.0, 0.0, 0usize);
    for s in pages {
        p += s.precision;
        r += s.recall;
        f += s.f1;
        n += 1;
    }
    let d = n.max(1) as f64;
    Corpus {
        precision: p / d,
        recall: r / d,
        f1: f / d,
        pages: n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_of_words_ignores_case_and_order() {
        let s = score_page("Fox the QUICK", "the quick brown fox");
        assert_eq!(s.precision, 1.0);
        assert_eq!(s.recall, 0.75);
        assert!((s.f1 - 6.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn repeats_count_once_each() {
        let s = score_page("a a a b", "a b");
        assert_eq!(s.precision, 0.5);
        assert_eq!(s.recall, 1.0);
    }

    #[test]
    fn empty_predictions_and_truths() {
        assert_eq!(score_page("", "a b").f1, 0.0);
        assert_eq!(score_page("", "").f1, 1.0);
        assert_eq!(score_page("a", "").f1, 0.0);
        let c = corpus(&[score_page("", "a"), score_page("a", "a")]);
        assert_eq!(c.f1, 0.5);
        assert_eq!(c.pages, 2);
    }

    #[test]
    fn tokens_are_unicode_words() {
        assert_eq!(
            tokens("Привет, МИР! 42_x é-t"),
            ["привет", "мир", "42_x", "é", "t"]
        );
    }
}
