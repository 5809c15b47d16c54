//! Chrome rules: which lines of a scraped page are page furniture (UI labels, share widgets,
//! navigation) rather than article. Built-in rules cover families of common news chrome (mostly
//! English, a few other languages); users add exact lines, regexes and (for HTML) CSS selectors
//! per feed and per source.
//!
//! Every built-in rule matches a whole line, never a fragment, and a line that reads as a
//! sentence is only removed by the few families whose sentences are themselves chrome (cookie
//! notices, newsletter pitches): "Trending topics dominated the debate." stays.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

use regex::{Regex, RegexSet};

use super::lexical::{ends_sentence, fold, sentence_like};
use super::lexicon::{self, Family};
pub use super::trace::Rule;

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

    /// True when `line` is chrome by a built-in or user rule. A user pattern that matches only
    /// part of a sentence-like line does not remove it: the line is body that mentions the word.
    pub fn is_chrome(&self, line: &str) -> bool {
        self.is_chrome_folded(line, &fold(line))
    }

    /// [`Rules::is_chrome`] for a caller that already has the line's [`fold`].
    pub fn is_chrome_folded(&self, line: &str, folded: &str) -> bool {
        self.chrome_rule_folded(line, folded).is_some()
    }

    /// The rule that makes `line` chrome, if any: the decision [`Rules::is_chrome`] makes, with
    /// its reason (for `explain`).
    pub fn chrome_rule(&self, line: &str) -> Option<Rule> {
        self.chrome_rule_folded(line, &fold(line))
    }

    /// [`Rules::chrome_rule`] for a caller that already has the line's [`fold`].
    pub fn chrome_rule_folded(&self, line: &str, folded: &str) -> Option<Rule> {
        if folded.is_empty() {
            return None;
        }
        let line = line.trim();
        if self.lines.iter().any(|l| l == folded) {
            return Some(Rule::UserLine);
        }
        if let Some(i) = self.patterns.iter().position(|p| {
            p.find(line)
                .is_some_and(|m| m.len() == line.len() || !sentence_like(line))
        }) {
            return Some(Rule::UserPattern(i));
        }
        builtin(folded)
    }
}

/// Compiles the families (of one form) as one alternation.
fn compile(families: &[&Family]) -> Regex {
    Regex::new(&Family::pattern(families)).unwrap()
}

/// Whole-line labels: reading controls, ads, calls to action, comment and share furniture
/// (headers of teaser lists are [`TEASER_HEADER`]). Anchored, so a sentence merely starting with "Trending" is not
/// matched.
static LABEL: LazyLock<Regex> = LazyLock::new(|| compile(lexicon::LABELS));

/// Words share bars, toolbars and reading controls are made of; a short line of nothing else
/// ("Share Tweet Email", "Share on Facebook") is a widget.
static WIDGET_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::WIDGET_WORDS.entries.iter().copied().collect());

/// Cookie and consent notices: sentences, but never article.
static COOKIE: LazyLock<Gated> = LazyLock::new(|| Gated::new(&[Rule::Cookie]));

/// A teaser for another story set inside the article ("Also on rt.com ...", "Read also: ..."),
/// without a sentence end of its own.
static INLINE_TEASER: LazyLock<Regex> = LazyLock::new(|| compile(&[&lexicon::INLINE_TEASERS]));

/// Headers of teaser lists ("Trending News", "Related Stories", "Most Read"): the lines under
/// one are other articles' headlines.
static TEASER_HEADER: LazyLock<Regex> = LazyLock::new(|| compile(&[&lexicon::TEASER_HEADERS]));

/// Where reader comments start: nothing after it is the article.
static COMMENTS: LazyLock<Regex> = LazyLock::new(|| compile(COMMENTS_FAMILIES));

/// A header introducing a list of other articles' headlines (`folded`: a line in [`fold`]
/// form).
pub fn is_teaser_header(folded: &str) -> bool {
    TEASER_HEADER.is_match(folded)
}

static RIGHTS: LazyLock<Regex> = LazyLock::new(|| compile(&[&lexicon::RIGHTS]));

/// A rights notice: the page footer, which the article does not run past (`folded`: a line
/// in [`fold`] form).
pub fn is_footer(folded: &str) -> bool {
    RIGHTS.is_match(folded)
}

/// A line that opens the reader-comment section (`folded`: a line in [`fold`] form).
pub fn is_comments_header(folded: &str) -> bool {
    COMMENTS.is_match(folded)
}

/// Picture credits and copyright lines that stand alone.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| compile(&[&lexicon::PICTURE_CREDITS]));

/// In this order: newsletter and subscription pitches, follow-us and share-this prompts
/// (sentences, but never article); copyright and rights notices, sentences or not; picture
/// captions written as sentences ("Above: ...", or ending in the credit "(Photo: Getty
/// Images)").
static SHORT_LINES: LazyLock<Gated> =
    LazyLock::new(|| Gated::new(&[Rule::Pitch, Rule::Legal, Rule::Caption]));

/// Rules whose entries search anywhere in a line, asked entry by entry behind a cheap gate.
/// Nearly every line matches none, and one scan of the gate turns it away; an entry is compiled
/// the first time its gate lets a line through, so a run compiles the few entries its pages
/// come near (one regex of all the pitch entries alone cost 2% of a cold run). The entries are
/// free-form alternatives without flags, so the rule matches exactly when one of them does.
struct Gated {
    /// [`gate`] of each entry, in one set: it may match more than the entries do, never less.
    gates: RegexSet,
    /// Each entry's rule and pattern, and the entry compiled once needed.
    entries: Vec<(Rule, String, OnceLock<Regex>)>,
}

impl Gated {
    fn new(rules: &[Rule]) -> Gated {
        let entries: Vec<_> = rules
            .iter()
            .flat_map(|&r| {
                families(r).iter().flat_map(move |f| {
                    (0..f.entries.len()).map(move |i| (r, f.entry_pattern(i), OnceLock::new()))
                })
            })
            .collect();
        let gates = RegexSet::new(entries.iter().map(|(_, p, _)| gate(p))).unwrap();
        Gated { gates, entries }
    }

    /// The first of the rules (in their order) with an entry matching `line`.
    fn rule(&self, line: &str) -> Option<Rule> {
        if !self.gates.is_match(line) {
            return None;
        }
        // Entries are in the rules' order, so the first that matches is of the first rule.
        self.gates
            .matches(line)
            .iter()
            .find(|&i| {
                let (_, pattern, regex) = &self.entries[i];
                regex
                    .get_or_init(|| Regex::new(pattern).unwrap())
                    .is_match(line)
            })
            .map(|i| self.entries[i].0)
    }
}

/// `pattern` without its `\b` assertions, with its bounded repeats open (`{m,n}` becomes
/// `{m,}`) and its `\w` and `\d` as `.` (neither matches a line break). Escapes are read in
/// pairs (so `\\b` and `\{` stay) and classes are left alone (`[{]` is no repeat).
///
/// All make a gate cheap. A Unicode word boundary makes the regex crate's fast engine give up
/// on any non-ASCII line (a curly quote, an accent) and scan with its slowest one (13% of a
/// cold run's instructions over the extraction-dev pages); each `.{0,120}` copies its Unicode
/// `.` 120 times into the automaton, and a Unicode `\w` is hundreds of ranges to compile.
/// Dropping an assertion or a bound, or widening a class, only lets more through.
fn gate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    // Depth of nested character classes; inside one, only escapes and brackets count.
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if class == 0 => {}
                Some('w' | 'd') if class == 0 => out.push('.'),
                Some(e) => {
                    out.push(c);
                    out.push(e);
                }
                None => out.push(c),
            },
            '[' => {
                out.push(c);
                class += 1;
                // A `]` first in a class (after an optional `^`) is a literal.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap());
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap());
                }
            }
            ']' if class > 0 => {
                out.push(c);
                class -= 1;
            }
            '{' if class == 0 => {
                let rest: String = chars.clone().take_while(|&c| c != '}').collect();
                match rest.split_once(',') {
                    Some((min, max))
                        if !min.is_empty()
                            && min.bytes().all(|b| b.is_ascii_digit())
                            && max.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        out.push('{');
                        out.push_str(min);
                        out.push_str(",}");
                        // Skip the repeat's text and its closing brace.
                        chars.by_ref().take(rest.chars().count() + 1).for_each(drop);
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Breadcrumbs: short parts joined by path separators ("Home › News › World"): a first part
/// of 1 to 30 characters, then one to six of " › " or " » " and a part of 1 to 40. With the
/// ambiguous separators (" / ", " | ", " > ") it takes two to six, three parts: "£5 / month"
/// is no path. The two kinds are not mixed. (Written out by hand: as a regular expression,
/// its bounded repeats of a negated class were the costliest pattern of a run to compile.)
fn is_breadcrumb(line: &str) -> bool {
    let arrow = |c: char| matches!(c, '›' | '»');
    let plain = |c: char| matches!(c, '>' | '/' | '|');
    let chars: Vec<char> = line.chars().collect();
    let seps: Vec<usize> = (0..chars.len())
        .filter(|&i| arrow(chars[i]) || plain(chars[i]))
        .collect();
    let fewest = match seps.first() {
        Some(&i) if arrow(chars[i]) => 1,
        Some(_) => 2,
        None => return false,
    };
    let same_kind = seps.iter().all(|&i| arrow(chars[i]) == (fewest == 1));
    if !same_kind || seps.len() < fewest || seps.len() > 6 {
        return false;
    }
    // Each separator takes one white-space character on either side; the parts between
    // are what is left.
    let mut start = 0;
    for (n, &i) in seps.iter().enumerate() {
        let spaced = i > 0
            && chars[i - 1].is_whitespace()
            && chars.get(i + 1).is_some_and(|c| c.is_whitespace());
        let longest = if n == 0 { 30 } else { 40 };
        if !spaced || i - 1 < start + 1 || i - 1 - start > longest {
            return false;
        }
        start = i + 2;
    }
    (1..=40).contains(&chars.len().saturating_sub(start))
}

/// Vocabulary of a bare timestamp ("Nov. 19, 2019 8:03 am ET", "Updated 3 hours ago").
static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(lexicon::DATE_WORDS).unwrap());

/// The lexicon families behind built-in `rule` (none for user rules and shape-only rules such
/// as breadcrumbs and timestamps), for tools that count what each entry matches.
pub fn families(rule: Rule) -> &'static [&'static Family] {
    match rule {
        Rule::Label => lexicon::LABELS,
        Rule::Cookie => &[&lexicon::COOKIE],
        Rule::Pitch => lexicon::PITCHES,
        Rule::Legal => &[&lexicon::COPYRIGHT_MARK, &lexicon::RIGHTS],
        Rule::Caption => &[&lexicon::CAPTIONS],
        Rule::TeaserHeader => &[&lexicon::TEASER_HEADERS],
        Rule::InlineTeaser => &[&lexicon::INLINE_TEASERS],
        Rule::PictureCredit => &[&lexicon::PICTURE_CREDITS],
        Rule::Widget => &[&lexicon::WIDGET_WORDS],
        _ => &[],
    }
}

/// The families behind [`is_comments_header`].
pub const COMMENTS_FAMILIES: &[&Family] = &[&lexicon::COMMENTS_HEADERS];

fn builtin(folded: &str) -> Option<Rule> {
    let chars = folded.chars().count();
    if chars > 1500 {
        return None;
    }
    // Consent notices run long; pitches, rights lines and captions do not.
    // Every alternative of COOKIE names cookies: most lines are turned away without a search.
    if lexicon::COOKIE_WORDS.iter().any(|w| folded.contains(w)) && COOKIE.rule(folded).is_some() {
        return Some(Rule::Cookie);
    }
    if chars <= 400 {
        if let Some(rule) = SHORT_LINES.rule(folded) {
            return Some(rule);
        }
    }
    if chars > 400 || sentence_like(folded) {
        return None;
    }
    let rule = if LABEL.is_match(folded) {
        Rule::Label
    } else if TEASER_HEADER.is_match(folded) {
        Rule::TeaserHeader
    } else if INLINE_TEASER.is_match(folded) && !ends_sentence(folded) {
        Rule::InlineTeaser
    } else if CREDIT.is_match(folded) {
        Rule::PictureCredit
    } else if is_breadcrumb(folded) {
        Rule::Breadcrumb
    } else if is_widget(folded) {
        Rule::Widget
    } else if is_timestamp(folded) {
        Rule::Timestamp
    } else {
        return None;
    };
    Some(rule)
}

fn is_widget(folded: &str) -> bool {
    let words: Vec<&str> = folded.split_whitespace().collect();
    words.len() <= 10
        && words.iter().all(|w| {
            let w = w.trim_matches(|c: char| matches!(c, ':' | ',' | '(' | ')' | '.'));
            w.is_empty() || WIDGET_WORDS.contains(w) || w.chars().all(|c| c.is_ascii_digit())
        })
}

/// A line of nothing but date and time words with at least one number in it.
pub fn is_timestamp(folded: &str) -> bool {
    let words: Vec<&str> = folded
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '|' | '(' | ')' | '·' | '•' | '—' | '–')
        })
        .map(|w| w.trim_end_matches(['.', ':']))
        .filter(|w| !w.is_empty() && *w != "-")
        .collect();
    !words.is_empty()
        && words.len() <= 14
        && folded.chars().any(|c| c.is_ascii_digit())
        && words.iter().all(|w| DATE_WORDS.is_match(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumbs_are_found_as_the_regular_expression_found_them() {
        // The pattern the hand-written check replaces, as the oracle.
        let oracle = Regex::new(
            r"^[^›»>/|]{1,30}(?:\s[›»]\s[^›»>/|]{1,40}){1,6}$|^[^›»>/|]{1,30}(?:\s[>/|]\s[^›»>/|]{1,40}){2,6}$",
        )
        .unwrap();
        assert!(is_breadcrumb("home › news › world"));
        assert!(is_breadcrumb("home / news / world") && !is_breadcrumb("£5 / month"));
        assert!(!is_breadcrumb("home › news / world"));
        // Parts of every length around the limits, every separator, doubled and missing
        // spaces, mixed kinds, up to eight separators.
        let parts = [
            "",
            " ",
            "a",
            "ab c",
            "é",
            &"x".repeat(29),
            &"y".repeat(30),
            &"z".repeat(31),
            &"w".repeat(39),
            &"v".repeat(40),
            &"u".repeat(41),
            "  q",
        ];
        let seps = [
            " › ",
            " » ",
            " / ",
            " | ",
            " > ",
            "›",
            " ›",
            "/ ",
            "  /  ",
            " \u{a0}|\u{a0} ",
        ];
        let mut state = 7u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        for _ in 0..20_000 {
            let mut line = parts[next(parts.len())].to_string();
            for _ in 0..next(9) {
                line.push_str(seps[next(seps.len())]);
                line.push_str(parts[next(parts.len())]);
            }
            assert_eq!(is_breadcrumb(&line), oracle.is_match(&line), "{line:?}");
        }
    }

    fn chrome(line: &str) -> bool {
        Rules::default().is_chrome(line)
    }

    #[test]
    fn gated_rules_match_as_their_whole_families_do() {
        let lines = [
            "sign up for our daily newsletter",
            "sign up for our newsletter — it’s free",
            "follow us on twitter · facebook",
            "© 2024 société générale. tous droits réservés.",
            "le café ouvre à midi, a dit la maire, devant l’hôtel de ville.",
            "subscribe to our newsletter for the latest news",
            "follow us on twitter and facebook",
            "© 2024 example media group. all rights reserved.",
            "copyright 2023 the daily example",
            "above: the harbour at dawn (photo: jane doe/getty images)",
            "the mayor spoke to reporters outside city hall (photo: reuters)",
            "the council voted seven to two to approve the new budget on tuesday.",
            "she said the rights of tenants had been ignored for years.",
            "photographs of the flood were shared widely online.",
            "we use cookies to improve your experience. by continuing you agree to our policy.",
            "cookies and cream was the flavour of the summer, the shop said.",
            "wir verwenden cookies, um unsere website zu verbessern.",
            // past the entries' bounds: the gates let them through, the entries do not
            &format!("sign up for our newsletter {}", "and more ".repeat(20)),
            &format!("cookies {} accept", "x".repeat(100)),
            "",
        ];
        let whole = |rule| Regex::new(&Family::pattern(families(rule))).unwrap();
        let (pitch, legal, caption, cookie) = (
            whole(Rule::Pitch),
            whole(Rule::Legal),
            whole(Rule::Caption),
            whole(Rule::Cookie),
        );
        let mut seen = Vec::new();
        for l in lines {
            let expected = [
                (&pitch, Rule::Pitch),
                (&legal, Rule::Legal),
                (&caption, Rule::Caption),
            ]
            .into_iter()
            .find(|(re, _)| re.is_match(l))
            .map(|(_, r)| r);
            assert_eq!(SHORT_LINES.rule(l), expected, "{l:?}");
            assert_eq!(COOKIE.rule(l).is_some(), cookie.is_match(l), "{l:?}");
            seen.extend(expected);
            seen.extend(COOKIE.rule(l));
        }
        for rule in [Rule::Pitch, Rule::Legal, Rule::Caption, Rule::Cookie] {
            assert!(seen.contains(&rule), "{rule:?} matches one of the lines");
        }
        // The entries join as alternatives: no flag of one may reach the next.
        for (_, p, _) in SHORT_LINES.entries.iter().chain(&COOKIE.entries) {
            assert!(!p.replace("(?:", "").contains("(?"), "{p}");
        }
    }

    #[test]
    fn the_gate_drops_word_boundaries_and_repeat_bounds_and_keeps_the_rest() {
        assert_eq!(
            gate(r"\binbox\b.{0,60}\s\d\\b\d{4}x{2,}"),
            r"inbox.{0,}\s.\\b.{4}x{2,}"
        );
        // Inside classes a brace or `\b` (backspace there) is no repeat and no boundary.
        assert_eq!(gate(r"[{]{1,3}[^]{]{0,9}[\b]"), r"[{]{1,}[^]{]{0,}[\b]");
        assert_eq!(gate(r"\({0,2}[a[b]]{1,2}"), r"\({0,}[a[b]]{1,}");
        assert_eq!(gate(r"zgod\w*\d+[\w\d]\W\D"), r"zgod.*.+[\w\d]\W\D");
        // What the gates are made of compiles, and its bounds and `\w`s are gone.
        let bounded = Regex::new(r"\{\d+,\d+\}|\\w").unwrap();
        for r in [Rule::Pitch, Rule::Legal, Rule::Caption, Rule::Cookie] {
            let g = gate(&Family::pattern(families(r)));
            assert!(Regex::new(&g).is_ok(), "{g}");
            assert!(!bounded.is_match(&g), "{g}");
        }
    }

    #[test]
    fn reading_controls_empty_date_labels_and_teaser_headers() {
        for l in [
            "Published: Updated:",
            "Last updated:",
            "100% Font Size",
            "Change font size",
            "Top Stories Trending",
        ] {
            assert!(chrome(l), "{l}");
        }
    }

    #[test]
    fn each_chrome_line_names_the_rule_that_removed_it() {
        let rules = Rules::new(
            &["Brought to you by Oats".to_string()],
            vec![Regex::new(r"^Sponsor:").unwrap()],
            &[],
        );
        for (line, rule) in [
            ("Published: Updated:", Rule::Label),
            ("Advertisement", Rule::Label),
            ("Top Content Trending", Rule::TeaserHeader),
            ("Home › News › World", Rule::Breadcrumb),
            ("Share Tweet Email Print", Rule::Widget),
            ("Mar. 4, 2031 9:15 am ET", Rule::Timestamp),
            ("© Copyright Harbour Gazette 2031", Rule::Legal),
            ("brought to you by  OATS", Rule::UserLine),
            ("Sponsor: Oats", Rule::UserPattern(0)),
        ] {
            assert_eq!(rules.chrome_rule(line), Some(rule), "{line}");
            assert!(rules.is_chrome(line), "{line}");
        }
        let body = "The council approved the plan on Tuesday after a long debate.";
        assert_eq!(rules.chrome_rule(body), None);
        assert!(!rules.is_chrome(body));
    }

    #[test]
    fn reading_controls_and_widgets() {
        for l in [
            "Font size",
            "A- A+",
            "Share",
            "Share on Facebook",
            "Share Tweet Email Print",
            "12 Comments",
            "Leave a Reply",
            "Print this article",
        ] {
            assert!(chrome(l), "{l}");
        }
    }

    #[test]
    fn teaser_headers_ads_and_calls_to_action() {
        for l in [
            "Related",
            "Related Articles",
            "Most Read",
            "Trending Now",
            "ADVERTISEMENT",
            "Story continues below advertisement",
            "Subscribe to our newsletter",
            "Sign up for our daily newsletter to get the news in your inbox.",
            "Follow us on Twitter",
            "Read more: Why the Fed held rates",
            "See also: Ferry fares to rise in the spring",
            "More Great Harbour Stories",
            "Enjoyed this article? Share it with your friends.",
            "Read More",
            "Читайте также",
        ] {
            assert!(chrome(l), "{l}");
        }
    }

    #[test]
    fn cookies_breadcrumbs_timestamps_and_credits() {
        for l in [
            "We use cookies to improve your experience. By continuing you accept our policy.",
            "Home › News › World",
            "News / Politics / Elections",
            "Mar. 4, 2031 9:15 am ET",
            "Updated 3 hours ago",
            "Published 10:02 AM EST Mar 4, 2031",
            "2031-03-04 10:02",
            "Photo: Getty Images",
            "(AP Photo/Evan Vucci)",
            "Above: The new ferry terminal at dusk.",
            "Swimmers cross the harbour at dawn on Sunday (Image: Getty Images)",
            "© Copyright Harbour Gazette 2031",
        ] {
            assert!(chrome(l), "{l}");
        }
    }

    #[test]
    fn body_lines_that_look_like_chrome_stay() {
        for l in [
            "Trending topics dominated the debate.",
            "Related research has shown the same effect in mice.",
            "Share prices fell 3% on Monday after the announcement.",
            "Most read the report as a rebuke to the government.",
            "Advertisement spending rose sharply in 2019, the report said.",
            "Follow the money, investigators were told.",
            "He said he would print the letter and sign it on Monday.",
            "In 2019 the vote was held on 3 May.",
            "Tickets: £5 / day",
            "Die Debatte dreht sich um die neue Hafenordnung (HO)",
            "This cookie recipe uses brown butter and a pinch of sea salt.",
        ] {
            assert!(!chrome(l), "{l}");
        }
    }

    /// Synthetic chrome lines of each family, per language: (language, family, line).
    const CHROME_BY_LANGUAGE: &[(&str, &str, &str)] = &[
        ("en", "share", "Share on Facebook"),
        ("en", "related", "Related Articles"),
        (
            "en",
            "cookie",
            "We use cookies to improve your experience. Accept all",
        ),
        ("en", "newsletter", "Subscribe to our newsletter"),
        ("en", "comments", "Leave a comment"),
        (
            "en",
            "copyright",
            "© 2031 Harbour Gazette. All rights reserved.",
        ),
        ("en", "ads", "Advertisement"),
        ("de", "share", "Auf Facebook teilen"),
        ("de", "share", "Teilen"),
        ("de", "related", "Das könnte Sie auch interessieren"),
        ("de", "related", "Mehr zum Thema"),
        (
            "de",
            "cookie",
            "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten. Alle akzeptieren",
        ),
        (
            "de",
            "newsletter",
            "Newsletter abonnieren und keine Nachricht verpassen",
        ),
        ("de", "comments", "12 Kommentare"),
        ("de", "comments", "Kommentar schreiben"),
        (
            "de",
            "copyright",
            "© Beispiel Verlag GmbH. Alle Rechte vorbehalten.",
        ),
        ("de", "ads", "Anzeige"),
        ("fr", "share", "Partager sur Facebook"),
        ("fr", "related", "À lire aussi"),
        ("fr", "related", "Sur le même sujet"),
        (
            "fr",
            "cookie",
            "Nous utilisons des cookies pour améliorer votre expérience.",
        ),
        (
            "fr",
            "newsletter",
            "Abonnez-vous à notre newsletter quotidienne",
        ),
        ("fr", "comments", "Laisser un commentaire"),
        (
            "fr",
            "copyright",
            "Exemple Presse 2031 - Tous droits réservés",
        ),
        ("fr", "ads", "Publicité"),
        ("es", "share", "Compartir en Twitter"),
        ("es", "related", "Noticias relacionadas"),
        ("es", "related", "Lo más leído"),
        (
            "es",
            "cookie",
            "Este sitio web utiliza cookies para mejorar su experiencia. Aceptar",
        ),
        ("es", "newsletter", "Suscríbete a nuestro boletín"),
        ("es", "comments", "Deja un comentario"),
        (
            "es",
            "copyright",
            "Diario Ejemplo. Todos los derechos reservados.",
        ),
        ("es", "ads", "Publicidad"),
        ("pt", "share", "Compartilhar no WhatsApp"),
        ("pt", "related", "Leia também"),
        ("pt", "related", "Notícias relacionadas"),
        (
            "pt",
            "cookie",
            "Utilizamos cookies para melhorar a sua experiência. Aceitar",
        ),
        ("pt", "newsletter", "Assine a nossa newsletter"),
        ("pt", "comments", "Deixe um comentário"),
        (
            "pt",
            "copyright",
            "Jornal Exemplo. Todos os direitos reservados.",
        ),
        ("pt", "ads", "Publicidade"),
        ("it", "share", "Condividi su Facebook"),
        ("it", "related", "Articoli correlati"),
        ("it", "related", "Leggi anche"),
        (
            "it",
            "cookie",
            "Questo sito utilizza cookie tecnici. Accetto",
        ),
        ("it", "newsletter", "Iscriviti alla nostra newsletter"),
        ("it", "comments", "Lascia un commento"),
        (
            "it",
            "copyright",
            "Editoriale Esempio - Tutti i diritti riservati",
        ),
        ("it", "ads", "Pubblicità"),
        ("pl", "share", "Udostępnij"),
        ("pl", "related", "Zobacz także"),
        ("pl", "related", "Najczęściej czytane"),
        ("pl", "cookie", "Ta strona używa plików cookie. Akceptuję"),
        ("pl", "newsletter", "Zapisz się do newslettera"),
        ("pl", "comments", "Dodaj komentarz"),
        (
            "pl",
            "copyright",
            "Wydawnictwo Przykład. Wszelkie prawa zastrzeżone.",
        ),
        ("pl", "ads", "Reklama"),
        ("ru", "share", "Поделиться"),
        ("ru", "related", "Читайте также"),
        ("ru", "related", "Похожие статьи"),
        ("ru", "cookie", "Мы используем файлы cookie. Принять"),
        ("ru", "newsletter", "Подпишитесь на нашу рассылку"),
        ("ru", "comments", "Оставить комментарий"),
        ("ru", "copyright", "© 2031 Пример. Все права защищены."),
        ("ru", "ads", "Реклама"),
        ("ja", "share", "シェア"),
        ("ja", "share", "Facebookでシェア"),
        ("ja", "related", "関連記事"),
        ("ja", "related", "あわせて読みたい"),
        ("ja", "cookie", "当サイトではクッキーを使用しています"),
        ("ja", "newsletter", "メルマガ登録"),
        ("ja", "comments", "コメントを書く"),
        ("ja", "copyright", "無断転載を禁じます"),
        ("ja", "ads", "広告"),
        ("zh", "share", "分享"),
        ("zh", "share", "分享到微信"),
        ("zh", "related", "相关文章"),
        ("zh", "related", "推荐阅读"),
        ("zh", "cookie", "本网站使用cookie"),
        ("zh", "newsletter", "订阅我们的电子报"),
        ("zh", "comments", "发表评论"),
        ("zh", "copyright", "版权所有"),
        ("zh", "ads", "广告"),
        ("ko", "share", "공유하기"),
        ("ko", "share", "카카오톡 공유하기"),
        ("ko", "related", "관련 기사"),
        ("ko", "related", "많이 본 뉴스"),
        ("ko", "cookie", "이 사이트는 쿠키를 사용합니다"),
        ("ko", "newsletter", "뉴스레터 구독"),
        ("ko", "comments", "댓글 쓰기"),
        ("ko", "copyright", "ⓒ 예시일보"),
        ("ko", "ads", "광고"),
    ];

    #[test]
    fn chrome_of_eleven_languages_by_family() {
        let mut languages = HashSet::new();
        for (language, family, line) in CHROME_BY_LANGUAGE {
            assert!(chrome(line), "{language} {family}: {line}");
            languages.insert(*language);
        }
        assert_eq!(languages.len(), 11);
        for family in [
            "share",
            "related",
            "cookie",
            "newsletter",
            "comments",
            "copyright",
            "ads",
        ] {
            let covered = CHROME_BY_LANGUAGE
                .iter()
                .filter(|(_, f, _)| *f == family)
                .count();
            assert!(covered >= 11, "{family}: {covered}");
        }
    }

    #[test]
    fn comment_section_headers_of_many_languages() {
        for l in [
            "12 Kommentare",
            "Laisser un commentaire",
            "Deja un comentario",
            "Deixe um comentário",
            "Lascia un commento",
            "Dodaj komentarz",
            "Оставить комментарий",
            "コメントを書く",
            "发表评论",
            "댓글 쓰기",
        ] {
            assert!(is_comments_header(&fold(l)), "{l}");
        }
        assert!(!is_comments_header(&fold("Kommentare")));
    }

    #[test]
    fn article_sentences_with_chrome_words_stay_in_every_language() {
        for l in [
            "Die Nachbarn wollen den Garten künftig teilen, sagte die Bürgermeisterin am Montag.",
            "Die Bäckerei verkauft seit Jahren Cookies mit Schokolade und Nüssen.",
            "Viele Leser haben den Newsletter des Vereins nie abonniert, heißt es im Bericht.",
            "In den Kommentaren der Zeitung wurde die Entscheidung scharf kritisiert.",
            "Die Anzeige gegen den Bürgermeister wurde am Freitag zurückgezogen.",
            "Les deux pays veulent partager les données sur le climat, a déclaré la ministre.",
            "Le film, à lire aussi comme une fable, sort en salles mercredi prochain.",
            "La publicité pour le tabac est interdite en France depuis la loi Évin.",
            "Los vecinos decidieron compartir el coche para ir al trabajo cada mañana.",
            "Los comentarios del ministro provocaron una fuerte reacción en el Congreso.",
            "Os agricultores vão compartilhar a água do rio durante a seca, disse o prefeito.",
            "A publicidade infantil foi proibida pelo conselho no ano passado.",
            "I due partiti condividono la stessa idea di riforma, ha detto il premier.",
            "Nei commenti i lettori hanno chiesto più trasparenza al comune.",
            "Rząd chce udostępnić dane o jakości powietrza wszystkim mieszkańcom.",
            "Reklama w telewizji publicznej budzi od lat kontrowersje.",
            "Жители решили поделиться урожаем с соседями, рассказал глава района.",
            "Реклама на билбордах в центре города будет запрещена с весны.",
            "彼は会議で自分の経験をシェアし、多くの参加者から質問を受けた。",
            "政府は広告の規制を強化する方針を明らかにした。",
            "他在会上分享了自己多年来的研究经验和心得。",
            "这家公司的广告收入在去年增长了百分之二十。",
            "시민들은 정보를 공유하기 위해 온라인 모임을 만들었다고 밝혔다.",
            "정부는 담배 광고에 대한 규제를 강화하겠다고 발표했다.",
            "Weitere Artikel des Autors erschienen im Herbst in einer Sammlung.",
            "Die Rechte der Mieter bleiben vorbehalten, entschied das Gericht am Dienstag.",
            "Les cookies de la pâtisserie ont remporté le concours régional cette année.",
            "La newsletter du club a été envoyée à tous les membres lundi matin.",
            "Les commentaires du ministre ont suscité une vive polémique à l'Assemblée.",
            "La receta de cookies de la abuela se vendió en todo el país.",
            "El boletín municipal se publica cada mes desde 1990, recordó el alcalde.",
            "Os direitos dos trabalhadores foram reservados no novo acordo, disse o sindicato.",
            "Os comentários do treinador irritaram a direção do clube.",
            "La newsletter della scuola ha annunciato la chiusura per lavori.",
            "I diritti riservati agli autori sono stati ridotti dalla nuova legge.",
            "Ciasteczka z tej piekarni są znane w całym mieście od lat.",
            "Komentarze internautów były w większości negatywne, przyznał rzecznik.",
            "Рассылку новостей компания прекратила в прошлом году.",
            "Комментарии экспертов разделились после решения суда.",
            "クッキーを焼くのが趣味だと彼女は話した。",
            "コメント欄には多くの意見が寄せられたと運営会社は説明した。",
            "無断で建物に入った男が警察に逮捕された。",
            "网友的评论大多表示支持这项新政策。",
            "版权保护的范围在新法中进一步扩大。",
            "그는 쿠키를 구워 이웃에게 나눠 주었다고 말했다.",
            "댓글에는 정책을 비판하는 의견이 많았다고 전했다.",
        ] {
            assert!(!chrome(l), "{l}");
        }
    }

    #[test]
    fn user_patterns_only_remove_whole_lines_or_labels() {
        let rules = Rules::new(
            &["Brought to you by Acme".to_string()],
            vec![Regex::new("(?i)acme").unwrap()],
            &[],
        );
        assert!(rules.is_chrome("brought  to you BY acme"));
        assert!(rules.is_chrome("Acme deals"));
        assert!(!rules.is_chrome("Acme reported higher profits for the third quarter."));
    }
}
