//! Learned chrome: lines that recur across many articles of one source are the site's template
//! (a footer, a newsletter box) even when no rule names them. The store keeps the counts; this
//! module says what to count and when a count makes a line chrome.

use std::collections::{HashMap, HashSet};

use super::sanitize::hygiene;

/// The lines learned as chrome for one source, in [`key`] form.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    pub keys: HashSet<String>,
}

impl Learned {
    pub fn contains(&self, line: &str) -> bool {
        !self.keys.is_empty() && self.keys.contains(&key(line))
    }

    /// [`Learned::contains`] for a line already in [`key`] form.
    pub fn contains_key(&self, key: &str) -> bool {
        self.keys.contains(key)
    }
}

/// The form a line is counted under: case and white space folded.
pub fn key(line: &str) -> String {
    super::lexical::fold(line)
}

/// Longest line counted: template boxes are made of short lines, while counting every long
/// paragraph would fill the store with keys that never recur.
const MAX_KEY_CHARS: usize = 300;

/// Distinct line keys of one article worth counting: every line with a letter in it, up to
/// [`MAX_KEY_CHARS`]. Bare numbers and punctuation are left out: they recur everywhere (list
/// numbers, counters) and say nothing about the template.
pub fn candidates(text: &str) -> Vec<String> {
    let text = hygiene(text);
    let mut seen = HashSet::new();
    text.lines()
        .map(key)
        .filter(|k| {
            k.chars().any(char::is_alphabetic)
                && k.chars().count() <= MAX_KEY_CHARS
                && seen.insert(k.clone())
        })
        .collect()
}

/// Fewest articles a line must occur in before it can be chrome: a line shared by two or three
/// articles is as likely a recurring quote or a series name as template.
const MIN_ARTICLES: u32 = 4;

/// Lines seen in at least [`MIN_ARTICLES`] articles and in at least a quarter of the articles
/// the source has produced are chrome. The share keeps a long-lived source from learning lines
/// that merely recur now and then (a columnist's sign-off, a frequent quote).
pub fn learned_from_counts(counts: &HashMap<String, u32>, articles_seen: u32) -> Learned {
    let keys = counts
        .iter()
        .filter(|(_, &n)| n >= MIN_ARTICLES && u64::from(n) * 4 >= u64::from(articles_seen))
        .map(|(k, _)| k.clone())
        .collect();
    Learned { keys }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{chrome::Rules, text, Context};
    use chrono::{TimeZone, Utc};

    const FOOTER: &str = "The Harbour Gazette is published by the harbour trust and printed every week by the Quay Street press in Portsmouth.";
    const PROMO: &str = "Get forty percent off your first crate of Crunchy Oats this winter with the code OATS40 at checkout";
    const SHARED: &str = "The harbour board will meet again in the spring to review the mooring fees and the dredging plan.";

    fn article(i: usize) -> String {
        let mut body = format!(
            "Harbour story number {i} makes the front page\n\n\
             The council approved plan {i} for the marina on Tuesday after a long debate that ran late into the evening.\n\n\
             {PROMO}\n\n\
             Residents of district {i} said the new moorings would bring more visitors and more noise to the quiet streets.\n\n"
        );
        if i < 2 {
            body.push_str(SHARED);
            body.push_str("\n\n");
        }
        body.push_str(&format!(
            "Work on section {i} is expected to start next year, subject to the final approval of the harbour authority.\n\n{FOOTER}\n"
        ));
        body
    }

    fn body_of(text: &str, learned: &Learned) -> String {
        let rules = Rules::default();
        let ctx = Context::new(
            Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            &rules,
            learned,
        );
        text::draft(text, &ctx).body_html
    }

    #[test]
    fn template_lines_are_learned_and_rare_lines_are_not() {
        let articles: Vec<String> = (0..10).map(article).collect();
        let mut counts: HashMap<String, u32> = HashMap::new();
        for a in &articles {
            for k in candidates(a) {
                *counts.entry(k).or_insert(0) += 1;
            }
        }
        let learned = learned_from_counts(&counts, 10);
        assert!(learned.contains(FOOTER) && learned.contains(PROMO));
        assert!(!learned.contains(SHARED));

        let unlearned = Learned::default();
        // No built-in rule knows these lines: without learning they are body.
        let plain = body_of(&articles[0], &unlearned);
        assert!(
            plain.contains("Crunchy Oats") && plain.contains("Quay Street"),
            "{plain}"
        );
        for (i, a) in articles.iter().enumerate() {
            let body = body_of(a, &learned);
            assert!(!body.contains("Crunchy Oats"), "{i}: {body}");
            assert!(!body.contains("Quay Street"), "{i}: {body}");
            assert!(body.contains(&format!("district {i} said")), "{i}: {body}");
            assert_eq!(body.contains("dredging plan"), i < 2, "{i}: {body}");
        }
    }

    #[test]
    fn thresholds() {
        let counts = HashMap::from([("a".to_string(), 3), ("b".to_string(), 4)]);
        assert!(!learned_from_counts(&counts, 3).contains("a"));
        assert!(learned_from_counts(&counts, 16).contains("b"));
        assert!(!learned_from_counts(&counts, 17).contains("b"));
    }

    #[test]
    fn candidates_are_distinct_folded_and_skip_numbers() {
        let c = candidates("Share  This\nshare this\n42\n\nA line");
        assert_eq!(c, vec!["share this".to_string(), "a line".to_string()]);
    }
}
