//! Evidence for the built-in vocabularies (`eval --rule-hits`): for every entry of every
//! lexicon family, the distinct sites of the development sets whose lines it removes, and how
//! many of those lines the truth counts as body. An entry that matches one site only is fitted
//! to a page; one whose hits are body lines removes article text.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use feedsmith::normalize::chrome::{self, Rules};
use feedsmith::normalize::lexical::fold;
use feedsmith::normalize::lexicon::{Family, Form, ALL, BLOCK_BOILERPLATE, BLOCK_PITCH};
use regex::Regex;

/// What one entry matched.
#[derive(Debug, Default)]
pub struct EntryHits {
    /// Data-set label to the sites (hosts) with a matching line.
    pub sites: BTreeMap<String, BTreeSet<String>>,
    pub lines: usize,
    /// Matched lines that the truth holds as a line of the body, and their sites.
    pub body_lines: usize,
    pub body_sites: BTreeSet<String>,
    /// The first few lines matched, body lines marked, for the report.
    pub examples: Vec<String>,
}

/// The counts over all pages added so far.
pub struct RuleHits {
    rules: Rules,
    /// Each family's entries compiled alone (none for word lists).
    compiled: Vec<Vec<Option<Regex>>>,
    /// (family index, entry index) to its hits.
    pub hits: BTreeMap<(usize, usize), EntryHits>,
}

impl Default for RuleHits {
    fn default() -> Self {
        let compiled = ALL
            .iter()
            .map(|f| {
                (0..f.entries.len())
                    .map(|i| {
                        (f.form != Form::Words).then(|| Regex::new(&f.entry_pattern(i)).unwrap())
                    })
                    .collect()
            })
            .collect();
        RuleHits {
            rules: Rules::default(),
            compiled,
            hits: BTreeMap::new(),
        }
    }
}

/// Lines shorter than this are only body when the truth has them as a line of their own; longer
/// ones also when the truth's text contains them (paragraphs the truth joined).
const SUBSTRING_MIN_CHARS: usize = 25;

impl RuleHits {
    /// Counts the lines of one page's text (`input`, one block a line) against the entries,
    /// as the built-in rules apply them; `truth` is the page's true main text.
    pub fn add_page(&mut self, set: &str, site: &str, input: &str, truth: &str) {
        let truth_folded = fold(truth);
        let truth_lines: HashSet<String> = truth.lines().map(fold).collect();
        for line in input.lines() {
            let folded = fold(line);
            if folded.is_empty() {
                continue;
            }
            let mut matched: Vec<(usize, usize)> = Vec::new();
            if chrome::is_comments_header(&folded) {
                self.matching(&folded, chrome::COMMENTS_FAMILIES, &mut matched);
            }
            let rule = self.rules.chrome_rule_folded(line, &folded);
            if let Some(rule) = rule {
                self.matching(&folded, chrome::families(rule), &mut matched);
            }
            // The HTML path's own block lists, under its gates: pitches in blocks of up to 300
            // characters, boilerplate in blocks under 100 that no chrome rule took.
            let chars = folded.chars().count();
            if chars <= 300 {
                self.matching(&folded, &[&BLOCK_PITCH], &mut matched);
            }
            if rule.is_none() && chars < 100 {
                self.matching(&folded, &[&BLOCK_BOILERPLATE], &mut matched);
            }
            if matched.is_empty() {
                continue;
            }
            let body = truth_lines.contains(&folded)
                || (folded.chars().count() >= SUBSTRING_MIN_CHARS
                    && truth_folded.contains(&folded));
            for key in matched {
                let h = self.hits.entry(key).or_default();
                h.sites
                    .entry(set.to_string())
                    .or_default()
                    .insert(site.to_string());
                h.lines += 1;
                if body {
                    h.body_lines += 1;
                    h.body_sites.insert(site.to_string());
                }
                if h.examples.len() < 3 || (body && h.examples.len() < 6) {
                    let shown: String = line.trim().chars().take(80).collect();
                    h.examples.push(if body {
                        format!("[body] {shown}")
                    } else {
                        shown
                    });
                }
            }
        }
    }

    /// Adds the entries of `families` that match `folded` to `out`.
    fn matching(&self, folded: &str, families: &[&Family], out: &mut Vec<(usize, usize)>) {
        for family in families {
            let Some(fi) = ALL.iter().position(|f| f.name == family.name) else {
                continue;
            };
            if family.form == Form::Words {
                let words: HashSet<&str> = folded
                    .split_whitespace()
                    .map(|w| w.trim_matches(|c: char| matches!(c, ':' | ',' | '(' | ')' | '.')))
                    .collect();
                for (ei, e) in family.entries.iter().enumerate() {
                    if words.contains(e) {
                        out.push((fi, ei));
                    }
                }
                continue;
            }
            for (ei, re) in self.compiled[fi].iter().enumerate() {
                if re.as_ref().is_some_and(|re| re.is_match(folded)) && !out.contains(&(fi, ei)) {
                    out.push((fi, ei));
                }
            }
        }
    }

    /// One row per entry, every entry listed (those without hits too): family, index, sites
    /// per data set, lines, body lines and their sites, the entry, examples. Tab-separated.
    pub fn report(&self, sets: &[String]) -> String {
        let mut out = format!(
            "family\tentry\t{}\tsites\tlines\tbody_lines\tbody_sites\tpattern\texamples\n",
            sets.join("\t")
        );
        for (fi, f) in ALL.iter().enumerate() {
            for (ei, e) in f.entries.iter().enumerate() {
                let empty = EntryHits::default();
                let h = self.hits.get(&(fi, ei)).unwrap_or(&empty);
                let per_set: Vec<String> = sets
                    .iter()
                    .map(|s| h.sites.get(s).map_or(0, BTreeSet::len).to_string())
                    .collect();
                let all: BTreeSet<&String> = h.sites.values().flatten().collect();
                out.push_str(&format!(
                    "{}\t{ei}\t{}\t{}\t{}\t{}\t{}\t{e}\t{}\n",
                    f.name,
                    per_set.join("\t"),
                    all.len(),
                    h.lines,
                    h.body_lines,
                    h.body_sites.len(),
                    h.examples.join(" ‖ ")
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sites_and_body_lines_per_entry() {
        let mut hits = RuleHits::default();
        let text = "Related Articles\nThe council met on Tuesday.\nAdvertisement\n";
        hits.add_page(
            "dev",
            "a.example",
            text,
            "The council met on Tuesday.\nAdvertisement",
        );
        hits.add_page("dev", "b.example", text, "The council met on Tuesday.");
        let report = hits.report(&["dev".to_string()]);
        let rows: Vec<Vec<&str>> = report
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        let row = |family: &str, example: &str| {
            rows.iter()
                .find(|r| r[0] == family && r[8].contains(example))
                .unwrap_or_else(|| panic!("{family} {example}: {report}"))
        };
        // family, entry, dev sites, sites, lines, body lines, body sites
        let ad = row("ads", "Advertisement");
        assert_eq!(&ad[2..7], ["2", "2", "2", "1", "1"]);
        assert!(ad[8].contains("[body] Advertisement"), "{ad:?}");
        let related = row("teaser_headers", "Related Articles");
        assert_eq!(&related[2..7], ["2", "2", "2", "0", "0"]);
        // Every other entry is listed, without hits; the sentence matched none.
        assert_eq!(
            rows.len(),
            ALL.iter().map(|f| f.entries.len()).sum::<usize>()
        );
        assert_eq!(rows.iter().filter(|r| r[4] != "0").count(), 2, "{report}");
    }
}
