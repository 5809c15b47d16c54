//! Chrome rules: which lines of a scraped page are page furniture (UI labels, share widgets,
//! navigation) rather than article. Built-in rules cover common English news chrome; users add
//! exact lines, regexes and (for HTML) CSS selectors per feed and per source.

use regex::Regex;

/// Compiled chrome rules for one source: built-ins plus the user's.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Exact lines (compared after folding white space and case).
    pub lines: Vec<String>,
    pub patterns: Vec<Regex>,
    /// CSS selectors removed from HTML before extraction.
    pub selectors: Vec<String>,
}

impl Rules {
    /// Built-in rules plus the user's lines, patterns and selectors.
    pub fn new(lines: &[String], patterns: Vec<Regex>, selectors: &[String]) -> Rules {
        Rules {
            lines: lines.iter().map(|l| fold(l)).collect(),
            patterns,
            selectors: selectors.to_vec(),
        }
    }

    /// True when `line` is chrome by a built-in or user rule.
    pub fn is_chrome(&self, line: &str) -> bool {
        let folded = fold(line);
        if folded.is_empty() {
            return false;
        }
        self.lines.contains(&folded)
            || self.patterns.iter().any(|p| p.is_match(line.trim()))
            || builtin(&folded)
    }
}

/// Lower-case, white space folded: the form rules compare against.
pub fn fold(line: &str) -> String {
    line.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn builtin(folded: &str) -> bool {
    matches!(
        folded,
        "published: updated:" | "enable read mode" | "100% font size" | "top content trending"
    )
}
