//! Learned chrome: lines that recur across many articles of one source are the site's template
//! (a footer, a newsletter box) even when no rule names them. The store keeps the counts; this
//! module says what to count and when a count makes a line chrome.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::sanitize::hygiene;

/// The lines learned as chrome for one source, in [`key`] form.
#[derive(Debug, Default)]
pub struct Learned {
    pub keys: HashSet<String>,
    /// Set by [`Learned::recording`]: every line asked about, so the caller can tell
    /// afterwards whether another learned set could have changed the outcome.
    asked: Option<Mutex<Asked>>,
}

impl Learned {
    pub fn contains(&self, line: &str) -> bool {
        if self.keys.is_empty() && self.asked.is_none() {
            return false;
        }
        self.contains_key(&key(line))
    }

    /// [`Learned::contains`] for a line already in [`key`] form.
    pub fn contains_key(&self, key: &str) -> bool {
        let learned = self.keys.contains(key);
        if let Some(asked) = &self.asked {
            let mut asked = asked.lock().unwrap_or_else(|e| e.into_inner());
            asked.hashes.push(hash_key(key));
            if learned && !asked.removed.iter().any(|k| k == key) {
                asked.removed.push(key.to_string());
            }
        }
        learned
    }

    /// These lines, noting every line they are asked about ([`Learned::asked`]).
    pub fn recording(&self) -> Learned {
        Learned {
            keys: self.keys.clone(),
            asked: Some(Mutex::new(Asked::default())),
        }
    }

    /// The lines a [`Learned::recording`] was asked about.
    pub fn asked(self) -> Asked {
        let mut asked = self
            .asked
            .map(|a| a.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default();
        asked.hashes.sort_unstable();
        asked.hashes.dedup();
        asked
    }

    /// Whether these learned lines and `other` disagree on a line among `asked`: if they do
    /// not, a normalisation that asked only those lines gets the same answers from both, so
    /// its outcome stands (a hash collision only says yes where no would do).
    pub fn differs_on(&self, other: &Learned, asked: &Asked) -> bool {
        self.keys
            .symmetric_difference(&other.keys)
            .any(|k| asked.hashes.binary_search(&hash_key(k)).is_ok())
    }
}

/// The lines one normalisation asked [`Learned`] about.
#[derive(Debug, Default)]
pub struct Asked {
    /// Every line's key, hashed; sorted once the normalisation is done.
    hashes: Vec<u64>,
    /// The keys of the lines that were learned, and so removed.
    pub removed: Vec<String>,
}

fn hash_key(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // The default hasher with its fixed keys: the same in every thread of a run, which is
    // all the hashes are compared across.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
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
    Learned { keys, asked: None }
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

    /// How many of `articles` have each candidate line.
    fn counted(articles: &[String]) -> HashMap<String, u32> {
        let mut counts = HashMap::new();
        for a in articles {
            for k in candidates(a) {
                *counts.entry(k).or_insert(0) += 1;
            }
        }
        counts
    }

    #[test]
    fn a_recording_tells_whether_other_learned_lines_could_change_the_outcome() {
        let articles: Vec<String> = (0..10).map(article).collect();
        let counts = counted(&articles);
        let learned = learned_from_counts(&counts, 10);
        let nothing = Learned::default();
        let recording = nothing.recording();
        let plain = body_of(&articles[0], &recording);
        assert_eq!(plain, body_of(&articles[0], &nothing));
        let asked = recording.asked();
        assert!(asked.removed.is_empty());
        // The footer and the promotion were asked about: what was learned changes the body.
        assert!(learned.differs_on(&nothing, &asked));
        let cleaned = body_of(&articles[0], &learned);
        assert_ne!(cleaned, plain);
        // Lines the article never had could not have.
        let elsewhere = learned_from_counts(
            &HashMap::from([("a line of another site's template".to_string(), 9)]),
            10,
        );
        assert!(!elsewhere.keys.is_empty() && !elsewhere.differs_on(&nothing, &asked));
        assert_eq!(body_of(&articles[0], &elsewhere), plain);
        // Normalised with what was learned, the removed lines are noted (they still count as
        // seen), and the same lines learned again need no second normalisation.
        let recording = learned.recording();
        assert_eq!(body_of(&articles[0], &recording), cleaned);
        let asked = recording.asked();
        let mut removed = asked.removed.clone();
        removed.sort();
        let mut want = vec![key(FOOTER), key(PROMO)];
        want.sort();
        assert_eq!(removed, want);
        let again = learned_from_counts(&counts, 10);
        assert!(!again.differs_on(&learned, &asked));
        assert!(learned.differs_on(&nothing, &asked));
    }

    #[test]
    fn template_lines_are_learned_and_rare_lines_are_not() {
        let articles: Vec<String> = (0..10).map(article).collect();
        let counts = counted(&articles);
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
