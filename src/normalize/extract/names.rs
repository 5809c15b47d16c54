//! What an element's class and id say about it: furniture, content, the article body itself.
//! Every element with a class or an id is judged, nearly all of them names no vocabulary
//! entry holds, and most are new to the run (ids, hashed class names), so the words are found
//! by one Aho-Corasick automaton built in well under a millisecond. A regular-expression set
//! of the same words spent most of its time building its lazy DFA, anew on each thread (a
//! tenth of a cold run over the development pages).

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::normalize::lexicon::{self, LayoutNames, NameWords};

/// What an element's class and id say about it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Names {
    pub negative: bool,
    pub positive: bool,
    /// Named like the article body itself.
    pub body: bool,
    /// Negative even next to a content-looking word ("comment-body", "related-content").
    pub strong: bool,
}

impl Names {
    pub fn or(self, other: Names) -> Names {
        Names {
            negative: self.negative || other.negative,
            positive: self.positive || other.positive,
            body: self.body || other.body,
            strong: self.strong || other.strong,
        }
    }
}

/// Judges a lower-cased class list or id.
pub(super) fn judge(class_id: &str) -> Names {
    let found = WORDS.find(class_id);
    let content = found;
    let found = match without_layout(class_id, &lexicon::LAYOUT_NAMES) {
        Cow::Owned(rest) => WORDS.find(&rest),
        Cow::Borrowed(_) => found,
    };
    // A bare "hidden" class hides; next to responsive variants ("hidden md:block") it does not.
    let hidden =
        class_id.split_ascii_whitespace().any(|t| t == "hidden") && !class_id.contains(':');
    let negative = (found.has(NEGATIVE) && !found.has(EMBED)) || hidden;
    Names {
        negative,
        positive: content.has(POSITIVE),
        body: content.has(BODY),
        strong: hidden || (negative && found.has(STRONG)),
    }
}

/// The vocabularies, in the order of their bits in [`Found`].
const SETS: [&NameWords; 5] = [
    &lexicon::NEGATIVE_NAMES,
    &lexicon::POSITIVE_NAMES,
    &lexicon::BODY_NAMES,
    &lexicon::EMBED_NAMES,
    &lexicon::STRONG_NEGATIVE_NAMES,
];
const NEGATIVE: usize = 0;
const POSITIVE: usize = 1;
const BODY: usize = 2;
const EMBED: usize = 3;
const STRONG: usize = 4;

/// Which of [`SETS`] have a word in a name, one bit each.
#[derive(Clone, Copy)]
struct Found(u8);

impl Found {
    fn has(self, set: usize) -> bool {
        self.0 & (1 << set) != 0
    }
}

/// How an occurrence of a word counts.
#[derive(Clone, Copy)]
enum Kind {
    Anywhere,
    ButBefore(char),
    Token,
}

/// Every word of every set in one automaton; a word that several sets hold (or one set in
/// several ways) is one pattern with all its uses.
struct Words {
    automaton: AhoCorasick,
    uses: Vec<Vec<(usize, Kind)>>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let mut words: Vec<&str> = Vec::new();
    let mut uses: Vec<Vec<(usize, Kind)>> = Vec::new();
    for (set, v) in SETS.iter().enumerate() {
        let all = v
            .anywhere
            .iter()
            .map(|&w| (w, Kind::Anywhere))
            .chain(
                v.anywhere_but_before
                    .iter()
                    .map(|&(w, c)| (w, Kind::ButBefore(c))),
            )
            .chain(v.tokens.iter().map(|&w| (w, Kind::Token)));
        for (word, kind) in all {
            match words.iter().position(|&w| w == word) {
                Some(i) => uses[i].push((set, kind)),
                None => {
                    words.push(word);
                    uses.push(vec![(set, kind)]);
                }
            }
        }
    }
    Words {
        automaton: AhoCorasick::new(&words).expect("the name words build an automaton"),
        uses,
    }
});

impl Words {
    fn find(&self, name: &str) -> Found {
        let edge = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || c == '-' || c == '_');
        let mut found = 0u8;
        for m in self.automaton.find_overlapping_iter(name) {
            let before = || name[..m.start()].chars().next_back();
            let after = || name[m.end()..].chars().next();
            for &(set, kind) in &self.uses[m.pattern().as_usize()] {
                let counts = match kind {
                    Kind::Anywhere => true,
                    Kind::ButBefore(c) => after() != Some(c),
                    Kind::Token => edge(before()) && edge(after()),
                };
                if counts {
                    found |= 1 << set;
                }
            }
        }
        Found(found)
    }
}

/// `name` with its layout names taken out, left to right, each the longest form that starts
/// where it does; borrowed when it has none.
fn without_layout<'a>(name: &'a str, layout: &LayoutNames) -> Cow<'a, str> {
    let mut out = String::new();
    let (mut copied, mut at) = (0, 0);
    while at < name.len() {
        match layout_at(&name[at..], layout) {
            Some(len) => {
                out.push_str(&name[copied..at]);
                at += len;
                copied = at;
            }
            None => at += name[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if copied == 0 {
        return Cow::Borrowed(name);
    }
    out.push_str(&name[copied..]);
    Cow::Owned(out)
}

/// The length of the layout name `s` starts with, if it starts with one.
fn layout_at(s: &str, layout: &LayoutNames) -> Option<usize> {
    // Nearly every position starts none of them: one byte compared turns it away.
    let first = s.as_bytes().first()?;
    let starts = |w: &str| w.as_bytes().first() == Some(first);
    if !(layout.switches.iter().any(|w| starts(w)) || starts(layout.wrapper)) {
        return None;
    }
    let part = |s: &str| {
        layout
            .parts
            .iter()
            .find(|p| s.starts_with(*p))
            .map(|p| p.len())
    };
    for switch in layout.switches {
        let Some(rest) = s.strip_prefix(switch) else {
            continue;
        };
        let joined = rest
            .strip_prefix(['-', '_'])
            .and_then(|r| part(r).map(|n| n + 1))
            .or_else(|| part(rest));
        if let Some(n) = joined {
            return Some(switch.len() + n);
        }
    }
    let rest = s.strip_prefix(layout.wrapper)?;
    // The wrapper's name must end where a word does ("elementor-widget-wrap", not
    // "elementor-widget-wrapper", which is the bare wrapper's name and more).
    let ends = |r: &str| {
        r.chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    };
    let kind = layout.wrapper_kinds.iter().find_map(|k| {
        let r = rest.strip_prefix('-')?.strip_prefix(k)?;
        ends(r).then_some(1 + k.len())
    });
    kind.or(ends(rest).then_some(0))
        .map(|n| layout.wrapper.len() + n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::{Regex, RegexSet};

    /// The regular expression a vocabulary stands for, as the extractor once matched it.
    fn pattern(v: &NameWords) -> String {
        let mut alternatives: Vec<String> = v.anywhere.iter().map(|w| regex::escape(w)).collect();
        for (w, c) in v.anywhere_but_before {
            alternatives.push(format!("{}(?:[^{c}]|$)", regex::escape(w)));
        }
        if !v.tokens.is_empty() {
            let tokens: Vec<String> = v.tokens.iter().map(|w| regex::escape(w)).collect();
            alternatives.push(format!(r"(?:^|[\s_-])(?:{})(?:$|[\s_-])", tokens.join("|")));
        }
        alternatives.join("|")
    }

    fn layout_pattern(l: &LayoutNames) -> String {
        let esc = |v: &[&str]| {
            v.iter()
                .map(|w| regex::escape(w))
                .collect::<Vec<_>>()
                .join("|")
        };
        format!(
            r"(?:{})[-_]?(?:{})|{}(?:-(?:{}))?\b",
            esc(l.switches),
            esc(l.parts),
            regex::escape(l.wrapper),
            esc(l.wrapper_kinds)
        )
    }

    /// The judgement as the regular expressions made it.
    fn judged_by_regex(class_id: &str, set: &RegexSet, layout: &Regex) -> Names {
        let content = set.matches(class_id);
        let m = match layout.is_match(class_id) {
            true => set.matches(&layout.replace_all(class_id, "")),
            false => content.clone(),
        };
        let hidden =
            class_id.split_ascii_whitespace().any(|t| t == "hidden") && !class_id.contains(':');
        let negative = (m.matched(NEGATIVE) && !m.matched(EMBED)) || hidden;
        Names {
            negative,
            positive: content.matched(POSITIVE),
            body: content.matched(BODY),
            strong: hidden || (negative && m.matched(STRONG)),
        }
    }

    #[test]
    fn names_are_judged_as_their_words_say() {
        let judged = |s: &str| judge(s);
        assert!(judged("site-footer").negative);
        assert!(!judged("site-footer").strong);
        assert!(judged("comment-body").strong && judged("comment-body").positive);
        assert!(judged("top-ad").negative && !judged("header").negative);
        assert!(judged("share-bar").negative && !judged("shared-files").negative);
        assert!(judged("entry-content").body && judged("entry-content").positive);
        // Layouts are not furniture; Elementor's text wrappers neither, its widgets are.
        assert!(!judged("content-with-sidebar").negative);
        assert!(!judged("elementor-widget-text-editor").negative);
        assert!(judged("elementor-widget-share-buttons").negative);
        // An embedded post is quoted content.
        assert!(!judged("social-embed").negative);
        assert!(judged("hidden").strong && !judged("hidden md:block").negative);
    }

    #[test]
    fn the_automaton_judges_as_the_regular_expressions_did() {
        // Every word and layout name of the vocabularies, alone, glued to others, inside
        // longer names and between separators, with and without the character a word must
        // not come before.
        let mut words: Vec<String> = SETS
            .iter()
            .flat_map(|v| {
                v.anywhere
                    .iter()
                    .chain(v.tokens)
                    .chain(v.anywhere_but_before.iter().map(|(w, _)| w))
                    .map(|w| w.to_string())
            })
            .collect();
        let l = &lexicon::LAYOUT_NAMES;
        for s in l.switches {
            for p in l.parts {
                for sep in ["", "-", "_", "--"] {
                    words.push(format!("{s}{sep}{p}"));
                }
            }
        }
        for k in l.wrapper_kinds {
            words.push(format!("{}-{k}", l.wrapper));
            words.push(format!("{}-{k}x", l.wrapper));
        }
        words.extend(
            [
                l.wrapper,
                "elementor-widgets",
                "elementor-widget_x",
                "shared",
                "sharé",
                "x",
            ]
            .map(String::from),
        );
        let set = RegexSet::new(SETS.iter().map(|v| pattern(v))).unwrap();
        let layout = Regex::new(&layout_pattern(l)).unwrap();
        let glue = ["", " ", "-", "_", "x", "d", "é", "\u{a0}", ":", "s"];
        let mut tried = 0;
        for (i, a) in words.iter().enumerate() {
            for (j, g) in glue.iter().enumerate() {
                let b = &words[(i * 7 + j * 13) % words.len()];
                for name in [
                    a.clone(),
                    format!("{g}{a}{g}"),
                    format!("{a}{g}{b}"),
                    format!("{b}{g}{a}{g}"),
                    format!("wrap {a}{g} post"),
                ] {
                    assert_eq!(
                        judge(&name),
                        judged_by_regex(&name, &set, &layout),
                        "{name:?}"
                    );
                    tried += 1;
                }
            }
        }
        assert!(tried > 10_000, "{tried}");
    }
}
