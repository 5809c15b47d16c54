//! Plain-text path: the whole visible text of a page, as a scraper saves it, becomes a draft
//! article. Scraped text has no markup to say where the article is, so the article is found
//! by its shape: runs of long, sentence-like lines, against menus, teaser lists and widgets made
//! of short labels. Each line gets a score (positive for prose, negative for furniture), the
//! article is the best-scoring contiguous region (a maximum-sum run, which tolerates a few
//! short lines inside the body), and then headline, dek, byline and dates are taken out of the
//! lines around it, hard wraps re-joined and wire credits structured.

use super::chrome::{is_comments_header, is_footer, is_teaser_header};
use super::context::{Context, Draft};
use super::lexical::{ends_sentence, fold, is_unspaced_script, sentence_like};
use super::meta::{self, Found};
use super::trace::{Entry, Fate, Field, Rule, Why};
use crate::normalize::sanitize::{hygiene, paragraphs_html};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What a line of the page is, before region selection.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    /// Matched a chrome rule or the learned template.
    Chrome,
    /// Dates or byline: harvested, never body.
    Meta,
    /// A wire credit line (`[With AFP and Reuters]`).
    Credit,
    /// Opens the reader comments: the article never continues past it.
    Barrier,
}

#[derive(Debug)]
struct Line<'a> {
    text: &'a str,
    /// Index of the (unwrapped) line it is, blank lines counted: where `explain` finds it.
    at: usize,
    /// The rule that made it [`Kind::Chrome`].
    rule: Option<Rule>,
    /// The text in [`fold`] form, which rules and repeats compare.
    folded: String,
    /// A blank line precedes it: wrapped lines of one paragraph are never separated by one.
    gap_before: bool,
    kind: Kind,
    shape: Shape,
    score: f64,
}

/// Unicode-aware measures of how much a line reads like prose.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    /// Words, counting two Han or kana characters as one word (those scripts use no spaces).
    words: usize,
    terminal: bool,
    /// Share of words starting with a capital, among words in a cased script.
    caps: f64,
    /// Ends in an ellipsis, as truncated teasers do.
    truncated: bool,
    /// A menu-like label: few words, no sentence end.
    label: bool,
    /// Links, handles and hashtags: the stuff of social embeds and link lists, not prose.
    junk: usize,
}

fn shape(line: &str) -> Shape {
    let mut words = 0usize;
    let mut cased = 0usize;
    let mut capital = 0usize;
    let mut unspaced = 0usize;
    let mut junk = 0usize;
    for w in line.split_whitespace() {
        let link = w.starts_with("http")
            || w.starts_with("www.")
            // Words are short: comparing windows is cheaper than setting up a substring search.
            || w.as_bytes().windows(5).any(|x| x == b"t.co/");
        let handle = (w.starts_with('@') || w.starts_with('#'))
            && w.chars().nth(1).is_some_and(char::is_alphanumeric);
        junk += usize::from(link || handle);
        let mut alnum = false;
        let mut only_unspaced = true;
        if w.is_ascii() {
            // No ASCII character is Han or kana: one cheap test per byte.
            if w.bytes().any(|b| b.is_ascii_alphanumeric()) {
                alnum = true;
                only_unspaced = false;
            }
        } else {
            for c in w.chars() {
                if is_unspaced_script(c) {
                    unspaced += 1;
                } else if c.is_alphanumeric() {
                    alnum = true;
                    only_unspaced = false;
                }
            }
        }
        if alnum || !only_unspaced {
            if alnum {
                words += 1;
            }
            if let Some(first) = w.chars().find(|c| c.is_alphabetic()) {
                if first.is_uppercase() || first.is_lowercase() {
                    cased += 1;
                    capital += usize::from(first.is_uppercase());
                }
            }
        }
    }
    let words = words + unspaced.div_ceil(2);
    let terminal = ends_sentence(line);
    Shape {
        words,
        terminal,
        caps: if cased == 0 {
            0.0
        } else {
            capital as f64 / cased as f64
        },
        truncated: line.trim_end().ends_with("..") || line.trim_end().ends_with('…'),
        label: words <= 6 && !terminal,
        junk,
    }
}

/// Prose scores by its length; a line without a sentence end or in title case (a teaser
/// headline) scores much less; short labels cost a fixed amount, so a long menu outweighs any
/// stray sentence inside it while a subheading between paragraphs does not break the article.
fn score(s: &Shape) -> f64 {
    let w = s.words as f64;
    let title_case = s.caps > 0.7;
    let v = if s.words >= 8 {
        let mut v = w.min(80.0);
        if !s.terminal || s.truncated {
            v *= UNFINISHED;
        }
        if title_case {
            v *= 0.3;
        }
        v - 4.0
    } else if s.terminal && s.words >= 3 && !title_case {
        1.0
    } else if s.label && title_case {
        -LABEL_COST
    } else {
        -SHORT_COST
    };
    // A link or two in a paragraph is fine; a line made of them is an embed or a link list.
    if s.junk * 5 >= s.words.max(1) {
        v.min(0.0) - 2.0 * s.junk as f64
    } else {
        v - 2.0 * s.junk as f64
    }
}

/// Weight of a long line that does not end a sentence (a teaser's dek, a caption).
const UNFINISHED: f64 = 0.4;
/// Cost of a capitalised label line (menus).
const LABEL_COST: f64 = 3.0;
/// Bonus for the first prose line under the headline.
const HEADLINE_BONUS: f64 = 20.0;
/// Cost of a teaser-list header ("Related", "More from ...") or a rights notice inside the
/// region: nearly a barrier, but an article can go on after a box of links.
const TEASER_HEADER_COST: f64 = 30.0;
/// Weight of a run after a comments header, against the best run before it.
const COMMENTS_WEIGHT: f64 = 0.3;
/// Cost of a chrome, date or credit line inside the region.
const CHROME_COST: f64 = 2.0;
/// How much each further consecutive non-prose line adds to the cost.
const GAP_GROWTH: f64 = 1.0;
/// Cost of another short line (list items, fragments).
const SHORT_COST: f64 = 2.0;

/// Signature line of an embedded social post: "— Jane Doe (@janedoe) November 18, 2019".
static QUOTED_POST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[—–-]\s.{1,80}\(@\w+\)\s.{3,40}$").unwrap());

/// Normalises scraped text into a draft, its body already as sanitising would leave it (plain
/// paragraphs, see [`paragraphs_html`]). Long because it is the text path's whole sequence
/// (classify lines, mark chrome, find the headline and the article's region, harvest metadata,
/// join paragraphs), each step a call, kept in one place so the order is visible.
pub fn draft(text: &str, ctx: &Context) -> Draft {
    let text = hygiene(text);
    // Paragraphs broken at a fixed width are judged whole: their pieces look like menu labels.
    let logical = unwrap_paragraphs(&text);
    let mut lines: Vec<Line> = Vec::new();
    let mut gap = false;
    // Comment and footer markers only end an article once some prose has been seen: above the
    // article they are menu entries.
    let mut seen_prose = false;
    for (at, raw) in logical.iter().enumerate() {
        if ctx.interrupt.raised() {
            return Draft::default();
        }
        let t = raw.trim();
        if t.is_empty() {
            gap = true;
            continue;
        }
        let continues = lines.last().is_some_and(|p| {
            !gap && p.kind == Kind::Text && p.shape.words >= 8 && !p.shape.terminal
        }) && t.chars().next().is_some_and(|c| !c.is_uppercase());
        let folded = fold(t);
        let mut rule = None;
        let kind = if credit_line(t).is_some() {
            Kind::Credit
        } else if seen_prose && is_comments_header(&folded) {
            Kind::Barrier
        } else if !continues && {
            rule = ctx
                .rules
                .chrome_rule_folded(t, &folded)
                .or_else(|| ctx.learned.contains_key(&folded).then_some(Rule::Learned));
            rule.is_some()
        } {
            Kind::Chrome
        } else {
            Kind::Text
        };
        let shape = shape(t);
        let score = if QUOTED_POST.is_match(t) {
            // The signature of a post quoted in the article belongs to the article's flow:
            // neither prose nor furniture.
            0.0
        } else {
            score(&shape)
        };
        seen_prose |= score >= 10.0;
        lines.push(Line {
            text: t,
            at,
            rule,
            folded,
            gap_before: gap,
            kind,
            shape,
            score,
        });
        gap = false;
    }
    mark_meta(&mut lines, ctx);
    penalise_repeats(&mut lines);
    mark_teaser_lists(&mut lines);
    mark_headline_lists(&mut lines);

    let mut draft = Draft::default();
    let headline = headline(&lines, region(&lines, None));
    let head_at = headline.as_ref().map(|h| h.at);
    if let Some(h) = headline.as_ref().filter(|h| h.on_page).map(|h| h.at) {
        // The article starts right under its headline: the first prose there gets a head start
        // over teaser blocks elsewhere on the page.
        if let Some(l) = lines[h + 1..]
            .iter_mut()
            .take(12)
            .find(|l| l.kind == Kind::Text && l.score >= 10.0)
        {
            l.score += HEADLINE_BONUS;
        }
    }
    let (start, end) = region(&lines, head_at);
    if let Some(h) = headline {
        draft.meta.title = Some(h.text);
        lines[h.at].kind = Kind::Chrome;
    }
    let mut keep = select(&lines, start, end);
    // What `explain` reports is read off the decisions as they are made.
    let selected = ctx.trace.map(|_| keep.clone());
    drop_closing_bio(&lines, &mut keep, end);
    let dek_at = dek(&lines, &keep, head_at);
    if let Some(i) = dek_at {
        draft.meta.summary = Some(lines[i].text.to_string());
        keep[i] = false;
    }
    let fell_back = !keep.iter().any(|k| *k);
    if fell_back {
        keep = fallback(
            &lines,
            draft.meta.title.as_deref(),
            draft.meta.summary.as_deref(),
        );
    }
    let mut harvested = ctx.trace.map(|_| Vec::new());
    let from = head_at.unwrap_or(0);
    harvest(&lines, from, end, ctx, &mut draft, harvested.as_mut());
    let mut dateline_at = None;
    if draft.meta.published.is_none() {
        draft.meta.published = keep.iter().position(|k| *k).and_then(|i| {
            let date = meta::dateline(lines[i].text, ctx);
            dateline_at = date.map(|_| i);
            date
        });
    }
    if let (Some(trace), Some(selected), Some(harvested)) = (ctx.trace, selected, harvested) {
        let decided = Decided {
            region: (!fell_back).then_some((start, end)),
            title: head_at,
            dek: dek_at,
            selected,
            keep: &keep,
            harvested,
            dateline: dateline_at,
        };
        trace.extend(entries(&text, &logical, &lines, &decided));
    }

    let paragraphs = join_wrapped(&lines, &keep);
    draft.body_html = paragraphs_html(&paragraphs);
    draft.body_kind = crate::normalize::BodyKind::Clean;
    draft
}

/// The lines of `text`, with paragraphs that a fixed-width wrap (a scraper or mail client
/// saving at 72 columns) broke into lines joined back into one line each; blank lines are kept.
/// Text that is not wrapped at one width comes back line for line.
fn unwrap_paragraphs(text: &str) -> Vec<Cow<'_, str>> {
    let raw: Vec<&str> = text.lines().collect();
    let Some(wrap) = Wrap::detect(&raw) else {
        return raw.into_iter().map(Cow::Borrowed).collect();
    };
    let first_text = raw.iter().position(|l| !l.trim().is_empty());
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let mut j = i;
        while j + 1 < raw.len() && wrap.continues(raw[j], raw[j + 1]) {
            // Scrapers put the page title on a line of its own; with no blank line under it, a
            // title that happens to fill the width would swallow the lede.
            if j == i && Some(i) == first_text && !wrap.blank_separated && !starts_lower(raw[j + 1])
            {
                break;
            }
            j += 1;
        }
        let run = &raw[i..=j];
        // A paragraph ends its last sentence. A run that does not is the wrapped page title at
        // the top, or prose carrying on in lower case; otherwise (a list of long headlines
        // that happen to fill the width) its lines stay apart.
        let joined = run.len() > 1
            && (ends_sentence(run[run.len() - 1])
                || Some(i) == first_text
                || run[1..].iter().all(|l| !starts_upper(l)));
        if joined {
            let parts: Vec<&str> = run.iter().map(|l| l.trim()).collect();
            out.push(Cow::Owned(parts.join(" ")));
        } else {
            out.extend(run.iter().map(|l| Cow::Borrowed(*l)));
        }
        i = j + 1;
    }
    out
}

/// The width a text was hard-wrapped at, and how its paragraphs are separated.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Wrap {
    width: usize,
    /// Paragraphs are separated by blank lines, so every line break without one is a wrap, even
    /// after a sentence end; otherwise a sentence end at the end of a line ends the paragraph.
    blank_separated: bool,
}

/// Widths a wrapped text is looked for at: 40 to 120 columns are common, with some margin.
const WRAP_WIDTHS: std::ops::RangeInclusive<usize> = 30..=160;

impl Wrap {
    /// A wrap width fits when many lines are "full" at it (the next line's first word would not
    /// have fitted) and almost no line with a space in it is longer. Prose written one
    /// paragraph a line has many longer lines; menus have no full lines.
    fn detect(lines: &[&str]) -> Option<Wrap> {
        let len: Vec<usize> = lines.iter().map(|l| columns(l)).collect();
        let spaced: Vec<bool> = lines.iter().map(|l| l.trim().contains(' ')).collect();
        let over_at = |width: usize| {
            (0..lines.len())
                .filter(|&i| spaced[i] && len[i] > width)
                .count()
        };
        // Most pages have prose lines longer than any wrap width: no need to look further.
        if over_at(*WRAP_WIDTHS.end()) > 1 + lines.len() / 10 {
            return None;
        }
        let word: Vec<usize> = lines
            .iter()
            .map(|l| l.split_whitespace().next().map_or(0, |w| w.chars().count()))
            .collect();
        let full_at = |width: usize| {
            (0..lines.len().saturating_sub(1))
                .filter(|&i| spaced[i] && fills(len[i], word[i + 1], width, true))
                .count()
        };
        let (mut best, mut width) = (i64::MIN, 0);
        for w in WRAP_WIDTHS {
            let v = full_at(w) as i64 - 2 * over_at(w) as i64;
            if v > best {
                (best, width) = (v, w);
            }
        }
        let (full_lines, over) = (full_at(width), over_at(width));
        // An unwrapped title or a long link may stick out; paragraphs may not.
        if full_lines < 3 || over > 1 + full_lines / 10 {
            return None;
        }
        // Paragraphs end in a sentence end: see whether blank lines follow those, or text does
        // right after a line that ends a sentence well short of the width.
        let (mut blank, mut text) = (0, 0);
        for i in 0..lines.len().saturating_sub(1) {
            let (l, next) = (lines[i], lines[i + 1]);
            if l.trim().is_empty() || !ends_sentence(l) {
                continue;
            }
            if next.trim().is_empty() {
                blank += 1;
            } else if !full(l, next, width, true) {
                text += 1;
            }
        }
        Some(Wrap {
            width,
            blank_separated: blank > text,
        })
    }

    /// Whether `line` is a wrapped line that goes on in `next`.
    fn continues(&self, line: &str, next: &str) -> bool {
        if line.trim().is_empty() || next.trim().is_empty() || is_list_item(next) {
            return false;
        }
        // A line indented deeper than the one above starts a paragraph (first-line indents).
        if indent(next) > indent(line) {
            return false;
        }
        // Without blank lines between paragraphs, a sentence end at the end of a line may be
        // the paragraph's; no sentence starts in lower case, though.
        if ends_sentence(line) && !self.blank_separated && !starts_lower(next) {
            return false;
        }
        // A capital after the break may start a new line of its own (a headline, then the
        // lede): only a line the next word really could not have joined continues there.
        full(line, next, self.width, !starts_upper(next))
    }
}

/// Whether `line` is full at `width`: it fits, has more than one word, and the first word of
/// `next` would not have fitted after it. Greedy wrappers always fill lines this far; `loose`
/// allows a tenth of the width of slack (wrappers that leave some room, folded runs of spaces).
fn full(line: &str, next: &str, width: usize, loose: bool) -> bool {
    let next_word = next
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count());
    line.trim().contains(' ') && fills(columns(line), next_word, width, loose)
}

/// [`full`] on measures: a line of `len` columns, then a word of `next_word` characters.
fn fills(len: usize, next_word: usize, width: usize, loose: bool) -> bool {
    let slack = if loose { width / 10 } else { 0 };
    next_word > 0 && len <= width && len + 1 + next_word > width - slack
}

/// Width of a line as a wrapper counts it: indentation included, trailing space not.
fn columns(line: &str) -> usize {
    line.trim_end().chars().count()
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn starts_lower(line: &str) -> bool {
    line.trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
}

fn starts_upper(line: &str) -> bool {
    line.trim_start()
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// Date and byline lines become [`Kind::Meta`] (short ones only: a sentence that mentions a
/// date is body). "By" alone on a line takes the next line as the byline.
fn mark_meta(lines: &mut [Line], ctx: &Context) {
    for i in 0..lines.len() {
        if lines[i].kind == Kind::Credit || lines[i].shape.words > 12 {
            continue;
        }
        let bare_by = lines[i].folded == "by";
        if bare_by
            && i + 1 < lines.len()
            && meta::byline(&format!("By {}", lines[i + 1].text)).is_some()
        {
            lines[i].kind = Kind::Meta;
            lines[i + 1].kind = Kind::Meta;
        } else if lines[i].kind != Kind::Meta && meta::harvest(lines[i].text, ctx).is_some() {
            lines[i].kind = Kind::Meta;
        }
    }
}

/// A short line that occurs more than once on the page is a label or a teaser repeated in
/// several lists, not article.
fn penalise_repeats(lines: &mut [Line]) {
    let short = |l: &Line| l.shape.words < 25;
    let mut counts = std::collections::HashMap::new();
    for l in lines.iter().filter(|l| short(l)) {
        *counts.entry(l.folded.as_str()).or_insert(0u32) += 1;
    }
    // Long lines count only as repeats of short ones: most have a length no short line has,
    // which saves hashing the bulk of the text.
    let mut lengths: Vec<usize> = counts.keys().map(|k| k.len()).collect();
    lengths.sort_unstable();
    for l in lines.iter().filter(|l| !short(l)) {
        if lengths.binary_search(&l.folded.len()).is_ok() {
            if let Some(n) = counts.get_mut(l.folded.as_str()) {
                *n += 1;
            }
        }
    }
    let repeated: Vec<bool> = lines
        .iter()
        .map(|l| short(l) && counts[l.folded.as_str()] > 1)
        .collect();
    for (l, repeated) in lines.iter_mut().zip(repeated) {
        if repeated && l.score > 0.0 {
            l.score = -1.0;
        }
    }
}

/// Three or more unfinished lines in a row (no sentence end) are a list of links or
/// headlines, however long each is: article paragraphs end their sentences.
fn mark_headline_lists(lines: &mut [Line]) {
    let unfinished = |l: &Line| {
        l.kind == Kind::Text
            && !l.shape.terminal
            && l.shape.words >= 4
            && !QUOTED_POST.is_match(l.text)
    };
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && unfinished(&lines[j]) {
            j += 1;
        }
        if j - i >= 3 {
            for l in &mut lines[i..j] {
                l.score = l.score.min(-SHORT_COST);
            }
        }
        i = j.max(i + 1);
    }
}

/// Lines under a teaser-list header ("Trending News") are other articles' headlines, up to the
/// first line that reads as a finished sentence. Under an author-box header ("About the
/// author", "About Jane Doe") the next paragraph is the bio.
fn mark_teaser_lists(lines: &mut [Line]) {
    static AUTHOR_BOX: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(super::lexicon::AUTHOR_BOX).unwrap());
    let mut i = 0;
    while i < lines.len() {
        if AUTHOR_BOX.is_match(lines[i].text) {
            lines[i].kind = Kind::Chrome;
            lines[i].rule = Some(Rule::AuthorBox);
            if let Some(l) = lines[i + 1..].iter_mut().find(|l| l.kind == Kind::Text) {
                l.kind = Kind::Chrome;
                l.rule = Some(Rule::AuthorBox);
            }
            i += 1;
            continue;
        }
        if lines[i].kind == Kind::Chrome && is_teaser_header(&lines[i].folded) {
            let mut j = i + 1;
            while j < lines.len() && j <= i + 12 {
                let l = &mut lines[j];
                if l.kind == Kind::Text && l.shape.terminal && l.shape.words >= 8 {
                    break;
                }
                if l.kind == Kind::Text {
                    l.kind = Kind::Chrome;
                    l.rule = Some(Rule::TeaserList);
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

/// The page title is usually the first line, with the site's name added ("Headline - WSJ");
/// the headline itself is that title, or a run of its separator-delimited parts, repeated as a
/// line above the article. Returns the headline line's index (the page-title line when it is
/// not repeated) and text.
fn headline(lines: &[Line], article: (usize, usize)) -> Option<Headline> {
    // Scrapers put the page title first; skip what a rule already knows as furniture ("Skip
    // to content") in case a scraper did not.
    let first = lines.iter().position(|l| l.kind == Kind::Text)?;
    let title = lines[first].text;
    let parts = title_parts(title);
    // Runs of parts, from single parts to the whole title (a title with dozens of parts is a
    // menu line: only its single parts are tried).
    let longest = if parts.len() > 8 { 1 } else { parts.len() };
    let keys: std::collections::HashSet<String> = (0..parts.len())
        .flat_map(|a| (a..parts.len().min(a + longest)).map(move |b| (a, b)))
        .map(|(a, b)| title_key(&title[parts[a].0..parts[b].1]))
        .collect();
    // The repeat nearest the article is the headline: the last one above the article's end.
    let dense = if article.1 == 0 {
        lines.len()
    } else {
        article.1
    };
    // Unifying dashes shrinks a line to no less than a third of its bytes: a line longer than
    // three times the longest key cannot be one, and is not hashed.
    let longest_key = keys.iter().map(String::len).max().unwrap_or(0);
    let repeats: Vec<usize> = (first + 1..lines.len())
        .filter(|&i| {
            let folded = &lines[i].folded;
            lines[i].shape.words >= 2
                && folded.len() <= 3 * longest_key
                && keys.contains(dashes_unified(folded).as_ref())
        })
        .collect();
    let bare = without_site(title, &parts);
    // A repeat below the article (a teaser, a footer) is no headline.
    let pick = repeats
        .iter()
        .rev()
        .find(|&&i| i < dense)
        .copied()
        .or_else(|| {
            // Sites often word the page title and the on-page headline a little differently.
            let title_words = word_set(bare);
            (first + 1..=article.0.min(lines.len() - 1))
                .rev()
                .find(|&i| {
                    lines[i].kind == Kind::Text
                        && lines[i].shape.words <= 30
                        && similar(&word_set(lines[i].text), &title_words)
                })
        });
    Some(match pick {
        Some(i) => Headline {
            at: i,
            text: lines[i].text.to_string(),
            on_page: true,
        },
        None => Headline {
            at: first,
            text: bare.to_string(),
            on_page: false,
        },
    })
}

/// Where the headline is and what it says.
struct Headline {
    at: usize,
    text: String,
    /// Found as its own line on the page (not only in the page title), so the article starts
    /// below it.
    on_page: bool,
}

/// Form compared between title and lines: folded, with dashes unified (sites write the title
/// tag with "-" and the headline with "–").
fn title_key(s: &str) -> String {
    dashes_unified(&fold(s)).into_owned()
}

/// `s` with en and em dashes written as hyphens; borrowed when it has none (most lines).
fn dashes_unified(s: &str) -> Cow<'_, str> {
    // Two byte searches are much cheaper than one that decodes every character.
    match s.contains('–') || s.contains('—') {
        true => Cow::Owned(s.replace(['–', '—'], "-")),
        false => Cow::Borrowed(s),
    }
}

/// Byte ranges of a page title's parts, split at the separators sites put between headline
/// and site name.
fn title_parts(title: &str) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = 0;
    loop {
        let cut = [" - ", " – ", " — ", " | ", " :: ", " · ", " » ", "｜"]
            .iter()
            .filter_map(|sep| title[start..].find(sep).map(|i| (start + i, sep.len())))
            .min();
        match cut {
            Some((i, n)) => {
                parts.push((start, i));
                start = i + n;
            }
            None => {
                parts.push((start, title.len()));
                return parts;
            }
        }
    }
}

/// The title without short parts at either end (the site's name, a section).
fn without_site<'a>(title: &'a str, parts: &[(usize, usize)]) -> &'a str {
    let words = |p: &(usize, usize)| title[p.0..p.1].split_whitespace().count();
    let (mut a, mut b) = (0, parts.len());
    while b - a > 1 && words(&parts[b - 1]) <= 4 {
        b -= 1;
    }
    while b - a > 1 && words(&parts[a]) <= 3 {
        a += 1;
    }
    title[parts[a].0..parts[b - 1].1].trim()
}

fn word_set(s: &str) -> std::collections::HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Most of the line's words are the title's, and they make up a good part of the title.
fn similar(
    line: &std::collections::HashSet<String>,
    title: &std::collections::HashSet<String>,
) -> bool {
    let common = line.intersection(title).count();
    common >= 3 && common * 10 >= line.len() * 6 && common * 10 >= title.len() * 4
}

/// The article region: the contiguous run of lines with the greatest total score, never
/// crossing a barrier. Lines before the headline cannot be article when the headline is
/// repeated on the page. Reader comments read like prose too, so a run after a comments header
/// only wins when it clearly outweighs the best run before it.
fn region(lines: &[Line], headline: Option<usize>) -> (usize, usize) {
    let from = headline.unwrap_or(0);
    let (mut best, mut best_range) = (0.0, (0, 0));
    let mut discount = 1.0;
    let mut seg = from;
    while seg < lines.len() {
        let stop = (seg..lines.len())
            .find(|&i| lines[i].kind == Kind::Barrier)
            .unwrap_or(lines.len());
        let (score, range) = best_run(&lines[seg..stop]);
        if score * discount > best {
            best = score * discount;
            best_range = (seg + range.0, seg + range.1);
        }
        if stop < lines.len() && best > 0.0 && is_comments_header(&lines[stop].folded) {
            discount = COMMENTS_WEIGHT;
        }
        seg = stop + 1;
    }
    if best_range.1 == 0 && from > 0 {
        return region(lines, None);
    }
    best_range
}

/// Maximum-sum run of `lines` (Kadane), with growing cost for stacks of non-prose lines.
fn best_run(lines: &[Line]) -> (f64, (usize, usize)) {
    let (mut best, mut best_range) = (0.0, (0, 0));
    let (mut sum, mut start) = (0.0, 0);
    // Consecutive non-prose lines cost more and more: a subheading or a caption between two
    // paragraphs is cheap, while a stack of them (a menu, a teaser card's kicker, headline and
    // source line) marks the end of the article.
    let mut run = 0usize;
    for (i, l) in lines.iter().enumerate() {
        if sum <= 0.0 {
            sum = 0.0;
            start = i;
        }
        match l.kind {
            Kind::Text if l.score > 0.0 => {
                run = 0;
                sum += l.score;
            }
            Kind::Text => {
                sum += l.score * (1.0 + GAP_GROWTH * run.min(4) as f64);
                run += 1;
            }
            // A teaser-list header inside an article is rare; after it come other stories. A
            // rights notice is the page footer (or, rarely, a picture's fine print).
            Kind::Chrome if is_teaser_header(&l.folded) || is_footer(&l.folded) => {
                sum -= TEASER_HEADER_COST
            }
            // Other recognised furniture (share bars, embeds' credits) costs its flat price.
            _ => sum -= CHROME_COST,
        }
        if sum > best {
            best = sum;
            best_range = (start, i + 1);
        }
    }
    (best, best_range)
}

/// Lines of the region that are body: prose, plus short lines (subheadings, list items) that
/// have prose on both sides, but not runs of menu labels.
fn select(lines: &[Line], start: usize, end: usize) -> Vec<bool> {
    let mut keep = vec![false; lines.len()];
    let prose = |i: usize| lines[i].kind == Kind::Text && lines[i].score > 0.0;
    for i in start..end {
        if lines[i].kind != Kind::Text {
            continue;
        }
        if prose(i) {
            keep[i] = true;
            continue;
        }
        let before = (start..i).rev().take(4).any(prose);
        let after = (i + 1..end).take(4).any(prose);
        keep[i] = before && after && !in_label_run(lines, i);
    }
    keep
}

/// Whether line `i` sits in a run of three or more label lines (a menu or tag list); chrome
/// lines inside the run neither count nor break it.
fn in_label_run(lines: &[Line], i: usize) -> bool {
    // Menu entries are capitalised ("World News", "Sport"); list items in the article read
    // like fragments of sentences ("two cups of flour").
    let is_label = |j: usize| {
        let s = &lines[j].shape;
        lines[j].kind == Kind::Text && s.label && (s.caps > 0.5 || s.words <= 2)
    };
    let transparent = |j: usize| lines[j].kind != Kind::Text;
    if !is_label(i) {
        return false;
    }
    let mut run = 1;
    for j in (0..i).rev() {
        if is_label(j) {
            run += 1;
        } else if !transparent(j) {
            break;
        }
    }
    for j in i + 1..lines.len() {
        if is_label(j) {
            run += 1;
        } else if !transparent(j) {
            break;
        }
    }
    run >= 3
}

/// The author's bio closing an article ("Jane Doe is a reporter for ..."): about the writer,
/// not the story. Only the last kept lines are looked at, where bios sit.
fn drop_closing_bio(lines: &[Line], keep: &mut [bool], end: usize) {
    static BIO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(super::lexicon::CLOSING_BIO).unwrap());
    let kept: Vec<usize> = (0..end).rev().filter(|&i| keep[i]).take(3).collect();
    for i in kept {
        if BIO.is_match(lines[i].text) {
            keep[i] = false;
        }
    }
}

/// Numeric dates ("27/09/2018", "2018-09-27") and clock times.
static DATE_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|\b\d{1,2}:\d{2}\b").unwrap());

/// The dek: the line right after the headline, when dates, a byline or other furniture
/// separate it from the body.
fn dek(lines: &[Line], keep: &[bool], headline: Option<usize>) -> Option<usize> {
    let h = headline?;
    let i = (h + 1..lines.len()).find(|&i| lines[i].kind == Kind::Text)?;
    // A dek is a sentence of prose: not a label, a capitalised banner, a dateline-and-tags
    // line or a link.
    let l = &lines[i];
    if l.shape.words < 6
        || l.shape.label
        || l.shape.caps > 0.8
        || l.shape.junk > 0
        || DATE_LIKE.is_match(l.text)
    {
        return None;
    }
    let next_body = (i + 1..lines.len()).find(|&j| keep[j] && lines[j].score >= 10.0)?;
    let separated = (i + 1..next_body).any(|j| lines[j].kind != Kind::Text || !keep[j]) || !keep[i];
    separated.then_some(i)
}

/// When no region stands out (a page of short lines), every sentence-like line is body.
fn fallback(lines: &[Line], title: Option<&str>, summary: Option<&str>) -> Vec<bool> {
    let skip = |l: &Line| Some(l.text) == title || Some(l.text) == summary;
    let sentences: Vec<bool> = lines
        .iter()
        .map(|l| l.kind == Kind::Text && !skip(l) && sentence_like(l.text))
        .collect();
    if sentences.iter().any(|k| *k) {
        return sentences;
    }
    lines
        .iter()
        .map(|l| l.kind == Kind::Text && !skip(l))
        .collect()
}

/// Dates, authors and credits from the lines between the headline and a little past the body:
/// the first of each kind wins, which keeps sidebar bylines of other stories out. `marks`, when
/// given, learns which line filled which field.
fn harvest(
    lines: &[Line],
    from: usize,
    end: usize,
    ctx: &Context,
    draft: &mut Draft,
    mut marks: Option<&mut Vec<(usize, Field)>>,
) {
    let until = (end + 5).min(lines.len());
    let mut bare_date = None;
    let mut mark = |i: usize, field: Field| {
        if let Some(m) = marks.as_mut() {
            m.push((i, field));
        }
    };
    for i in from..until {
        let l = &lines[i];
        match l.kind {
            Kind::Credit => {
                if draft.meta.credits.is_empty() {
                    draft.meta.credits = credit_line(l.text).unwrap_or_default();
                    mark(i, Field::Credits);
                }
            }
            Kind::Meta | Kind::Chrome => {
                let text = if l.folded == "by" {
                    continue;
                } else if i > 0 && lines[i - 1].folded == "by" {
                    format!("By {}", l.text)
                } else {
                    l.text.to_string()
                };
                match meta::harvest(&text, ctx) {
                    Some(Found::Authors(a)) if draft.meta.authors.is_empty() => {
                        draft.meta.authors = a;
                        mark(i, Field::Authors);
                    }
                    Some(Found::Published(d)) if draft.meta.published.is_none() => {
                        draft.meta.published = Some(d);
                        mark(i, Field::Published);
                    }
                    Some(Found::Updated(d)) if draft.meta.updated.is_none() => {
                        draft.meta.updated = Some(d);
                        mark(i, Field::Updated);
                    }
                    Some(Found::Date(d)) if bare_date.is_none() => bare_date = Some((i, d)),
                    _ => {}
                }
            }
            Kind::Text | Kind::Barrier => {}
        }
    }
    if let (None, Some((i, d))) = (draft.meta.published, bare_date) {
        draft.meta.published = Some(d);
        mark(i, Field::Date);
    }
}

/// The decisions of [`draft`] that `explain` reports.
struct Decided<'k> {
    /// The article's region; `None` when none stood out and [`fallback`] chose the body.
    region: Option<(usize, usize)>,
    title: Option<usize>,
    dek: Option<usize>,
    /// What [`select`] kept, before the closing bio was dropped.
    selected: Vec<bool>,
    keep: &'k [bool],
    harvested: Vec<(usize, Field)>,
    dateline: Option<usize>,
}

/// Each input line of `text` with its fate: a hard-wrapped paragraph's lines share theirs,
/// blank lines are left out.
fn entries(text: &str, logical: &[Cow<str>], lines: &[Line], d: &Decided) -> Vec<Entry> {
    let spans = input_spans(text, logical);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| Entry {
            lines: Some(spans[l.at]),
            tag: None,
            text: l.text.to_string(),
            fate: fate(lines, i, d),
        })
        .collect()
}

fn fate(lines: &[Line], i: usize, d: &Decided) -> Fate {
    let l = &lines[i];
    if let Some(&(_, field)) = d.harvested.iter().find(|(at, _)| *at == i) {
        return Fate::Meta { field: Some(field) };
    }
    if d.title == Some(i) {
        return Fate::Title;
    }
    if d.dek == Some(i) {
        return Fate::Dek;
    }
    if d.keep[i] {
        return match d.dateline == Some(i) {
            true => Fate::Dateline,
            false => Fate::Kept,
        };
    }
    match l.kind {
        Kind::Chrome => Fate::Chrome {
            rule: l.rule.unwrap_or(Rule::Label),
        },
        Kind::Meta | Kind::Credit => Fate::Meta { field: None },
        Kind::Barrier => Fate::Comments,
        Kind::Text => match d.region {
            None => Fate::Dropped {
                why: Why::NotSentence,
            },
            Some((start, _)) if i < start => Fate::Above,
            Some((_, end)) if i >= end => Fate::Below,
            Some(_) if d.selected[i] => Fate::Dropped {
                why: Why::ClosingBio,
            },
            Some(_) if in_label_run(lines, i) => Fate::Dropped { why: Why::LabelRun },
            Some(_) => Fate::Dropped {
                why: Why::ShortLine,
            },
        },
    }
}

/// The 0-based range of lines of `text` each of [`unwrap_paragraphs`]'s lines stands for: a
/// line it kept is one input line, a line it joined is as many as it joined.
fn input_spans(text: &str, logical: &[Cow<str>]) -> Vec<(usize, usize)> {
    let raw: Vec<&str> = text.lines().collect();
    let mut next = 0;
    logical
        .iter()
        .map(|l| {
            let from = next;
            next += match l {
                Cow::Borrowed(_) => 1,
                // Joined with one space between trimmed lines: count lines until the length fits.
                Cow::Owned(joined) => {
                    let (mut n, mut len) = (0, 0);
                    while from + n < raw.len() && len < joined.len() {
                        len += raw[from + n].trim().len() + usize::from(n > 0);
                        n += 1;
                    }
                    n.max(1)
                }
            };
            (from, next.min(raw.len()))
        })
        .collect()
}

/// Kept lines as paragraphs. A line that does not end a sentence continues on the next line
/// when nothing separates them (no blank line, no dropped line) and it is long: a hard wrap.
/// Runs of short lines (menus, lists) are never joined.
fn join_wrapped(lines: &[Line], keep: &[bool]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for (i, l) in lines.iter().enumerate() {
        if !keep[i] {
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(last) if open && !l.gap_before && !is_list_item(l.text) => {
                last.push(' ');
                last.push_str(l.text);
            }
            _ => out.push(l.text.to_string()),
        }
        open = !l.shape.terminal && l.shape.words >= 8;
    }
    out
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['•', '*', '-', '–', '·', '▪'])
        || t.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit())
        })
}

/// `[With AFP and Reuters]` and similar wire credits: the agencies named.
pub fn credit_line(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let rest = [
        "with ",
        "additional reporting by ",
        "reporting by ",
        "source: ",
        "sources: ",
    ]
    .iter()
    .find_map(|p| {
        inner
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
            .then(|| &inner[p.len()..])
    })?;
    let names: Vec<String> = rest
        .split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|s| s.trim().trim_end_matches('.').to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}

#[cfg(test)]
mod wrapped_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RawBody;
    use crate::normalize::{chrome::Rules, learn::Learned};
    use chrono::{TimeZone, Utc};

    const SEED: &str = include_str!("../../tests/fixtures/seed/000_05bbbe553725a38b.txt");

    fn draft_of(text: &str) -> Draft {
        let rules = Rules::default();
        let learned = Learned::default();
        let ctx = Context::new(
            Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            &rules,
            &learned,
        );
        draft(text, &ctx)
    }

    fn paragraphs(d: &Draft) -> Vec<String> {
        d.body_html
            .lines()
            .map(|l| {
                l.trim_start_matches("<p>")
                    .trim_end_matches("</p>")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn seed_normalises_as_specified() {
        let a = crate::normalize::testing::article(RawBody::Text(SEED.to_string()), None).unwrap();
        let lines: Vec<&str> = SEED.lines().collect();
        assert_eq!(a.title, lines[0]);
        assert_eq!(a.summary.as_deref(), Some(lines[2]));
        for chrome in [
            "Published: Updated:",
            "Enable Read mode",
            "100% Font Size",
            "Top Content Trending",
        ] {
            assert!(!a.content_text.contains(chrome), "{chrome}");
            assert!(!a.content_html.contains(chrome), "{chrome}");
            assert!(!a.title.contains(chrome) && !a.summary.as_deref().unwrap().contains(chrome));
        }
        assert_eq!(a.credits, vec!["AFP".to_string(), "Reuters".to_string()]);
        assert!(!a.content_text.contains("[With AFP"));
        let paragraphs: Vec<&str> = a.content_text.split("\n\n").collect();
        let mut expected: Vec<String> = Vec::new();
        let body_lines = &lines[8..47];
        let mut i = 0;
        while i < body_lines.len() {
            let l = body_lines[i].trim();
            if l.is_empty() {
                i += 1;
                continue;
            }
            if l.starts_with("“It's possible") || l.starts_with("“But there is absolutely") {
                expected.push(format!("{l} {}", body_lines[i + 1].trim()));
                i += 2;
            } else {
                expected.push(l.to_string());
                i += 1;
            }
        }
        assert_eq!(expected.len(), 18);
        assert_eq!(paragraphs, expected);
        assert!(paragraphs[1].contains("Iraq,” Pentagon spokesman"));
        assert!(paragraphs[2].contains("Iran ... there are no plans"));
    }

    #[test]
    fn wire_credits_are_structured() {
        assert_eq!(
            credit_line("[With AFP and Reuters]"),
            Some(vec!["AFP".to_string(), "Reuters".to_string()])
        );
        assert_eq!(
            credit_line("[Additional reporting by AP, Reuters & DPA.]"),
            Some(vec![
                "AP".to_string(),
                "Reuters".to_string(),
                "DPA".to_string()
            ])
        );
        assert_eq!(credit_line("[Editor's note: this story was updated]"), None);
    }

    fn article_with(middle: &str) -> String {
        format!(
            "Site Name\n\nHome\nNews\nSport\nWeather\n\nCouncil backs the new harbour plan\n\n\
             The council approved the new harbour plan on Tuesday after a debate that ran late into the evening and divided the chamber.\n\n\
             {middle}\n\n\
             Residents said the moorings would bring more visitors and more noise to the quiet streets around the old quay.\n\n\
             Work is expected to start next year, subject to the final approval of the harbour authority and the county.\n\n\
             Related\nMost Read\nSport\nContact us\nTerms of use\n"
        )
    }

    #[test]
    fn menus_and_teaser_lists_are_not_body() {
        let d = draft_of(&article_with(
            "The vote was carried by nine votes to four, with two abstentions.",
        ));
        let body = paragraphs(&d);
        assert_eq!(body.len(), 4, "{body:?}");
        assert!(body
            .iter()
            .all(|p| !p.contains("Weather") && !p.contains("Contact us")));
        assert_eq!(d.meta.title.as_deref(), Some("Site Name"));
    }

    #[test]
    fn subheadings_between_paragraphs_stay_and_chrome_goes() {
        let d = draft_of(&article_with(
            "What happens next\n\nAdvertisement\n\nShare on Facebook",
        ));
        let body = paragraphs(&d);
        assert!(body.contains(&"What happens next".to_string()), "{body:?}");
        assert!(!d.body_html.contains("Advertisement") && !d.body_html.contains("Facebook"));
    }

    #[test]
    fn body_sentences_that_look_like_chrome_stay() {
        let d = draft_of(&article_with(
            "Trending topics dominated the debate.\n\nRelated research has shown the same effect elsewhere.",
        ));
        assert!(d
            .body_html
            .contains("Trending topics dominated the debate."));
        assert!(d.body_html.contains("Related research has shown"));
    }

    #[test]
    fn headline_is_found_without_site_name_and_kept_out_of_body() {
        let text = article_with("Quotes from the meeting were shared widely online afterwards.")
            .replacen(
                "Site Name",
                "Council backs the new harbour plan - Harbour Gazette",
                1,
            );
        let d = draft_of(&text);
        assert_eq!(
            d.meta.title.as_deref(),
            Some("Council backs the new harbour plan")
        );
        assert!(!d.body_html.contains("Council backs"));
    }

    #[test]
    fn dek_byline_and_dates_are_harvested() {
        let text = "Council backs the new harbour plan - Gazette\n\nCouncil backs the new harbour plan\n\n\
                    A divided chamber gives the marina its final go-ahead after years of delay\n\n\
                    By Jane Doe and John Roe\nPublished: 16 June 2014 15:20 GMT\nUpdated: 17 June 2014 09:00 GMT\n\n\
                    The council approved the new harbour plan on Tuesday after a debate that ran late into the evening.\n\n\
                    Residents said the moorings would bring more visitors and more noise to the quiet streets.\n";
        let d = draft_of(text);
        assert_eq!(
            d.meta.summary.as_deref(),
            Some("A divided chamber gives the marina its final go-ahead after years of delay")
        );
        assert_eq!(
            d.meta.authors,
            vec!["Jane Doe".to_string(), "John Roe".to_string()]
        );
        assert_eq!(
            d.meta.published,
            Some(
                Utc.with_ymd_and_hms(2014, 6, 16, 15, 20, 0)
                    .unwrap()
                    .fixed_offset()
            )
        );
        assert_eq!(
            d.meta.updated,
            Some(
                Utc.with_ymd_and_hms(2014, 6, 17, 9, 0, 0)
                    .unwrap()
                    .fixed_offset()
            )
        );
        let body = paragraphs(&d);
        assert_eq!(body.len(), 2, "{body:?}");
        assert!(!d.body_html.contains("Jane Doe") && !d.body_html.contains("2014"));
    }

    #[test]
    fn hard_wraps_join_but_short_lines_do_not() {
        let text = "Headline of the page\n\nA long line of prose that was wrapped by the scraper in the middle of a\n\
                    sentence, which carries on here and ends properly.\n\n\
                    Another paragraph of prose that is long enough to count as the body of the article.\n\n\
                    Apples\nPears\nPlums\n\n\
                    A final paragraph of prose closes the article with one more complete sentence.\n";
        let body = paragraphs(&draft_of(text));
        assert!(
            body.iter()
                .any(|p| p.contains("middle of a sentence, which carries on")),
            "{body:?}"
        );
        assert!(!body.iter().any(|p| p.contains("Apples Pears")), "{body:?}");
    }

    #[test]
    fn unspaced_scripts_are_measured_by_characters() {
        let s = shape("東京都は十九日、新しい港湾計画を正式に承認したと発表した。");
        assert!(s.words >= 10 && s.terminal, "{s:?}");
        assert!(score(&s) > 0.0);
        assert!(score(&shape("ニュース")) < 0.0);
    }

    #[test]
    fn pages_without_a_dense_region_still_have_a_body() {
        let d = draft_of("Title\n\nShort one.\n\nThe harbour is open again.\n\nMenu\n");
        assert!(
            d.body_html.contains("The harbour is open again."),
            "{}",
            d.body_html
        );
    }

    const PARAS: [&str; 4] = [
        "The council approved the new harbour plan on Tuesday after a debate that ran late into the evening and divided the chamber.",
        "Residents said the moorings would bring more visitors and more noise to the quiet streets around the old quay.",
        "Work is expected to start next year, subject to the final approval of the harbour authority and the county.",
        "The harbour master said the dredging would take two winters and that fishing boats would keep their berths.",
    ];

    fn page(after: &str) -> String {
        format!(
            "Harbour plan approved - Gazette\n\nHome\nNews\nSport\n\nHarbour plan approved\n\nBy Jane Doe\n19 November 2019 10:02\n\n{}\n\n{after}\n",
            PARAS.join("\n\n")
        )
    }

    #[test]
    fn reader_comments_are_not_body() {
        let comment = "I have lived by the quay for forty years and I can tell you that nobody asked us about any of this before the vote was taken.";
        let d = draft_of(&page(&format!(
            "12 Comments\n\nharbourfan\n2 days ago\n{comment}\nReply\n\nold_salt\n3 days ago\n{comment} {comment}\nReply\n"
        )));
        assert!(
            d.body_html.contains("dredging would take"),
            "{}",
            d.body_html
        );
        assert!(!d.body_html.contains("forty years"), "{}", d.body_html);
    }

    #[test]
    fn teaser_lists_under_a_header_are_not_body() {
        let d = draft_of(&page(
            "Related Stories\n\nCouncil to review parking charges near the seafront\nSchool expansion plan goes out to consultation\nNew ferry timetable starts in the spring\n\nMost Read\nLifeboat crew rescues two walkers cut off by the tide\n",
        ));
        assert_eq!(paragraphs(&d).len(), 4, "{:?}", paragraphs(&d));
        assert_eq!(d.meta.title.as_deref(), Some("Harbour plan approved"));
        assert_eq!(d.meta.authors, vec!["Jane Doe".to_string()]);
        assert_eq!(
            d.meta.published,
            Some(
                Utc.with_ymd_and_hms(2019, 11, 19, 10, 2, 0)
                    .unwrap()
                    .fixed_offset()
            )
        );
    }

    #[test]
    fn timestamps_credits_and_read_more_inside_the_article_go() {
        let text = page("").replace(
            PARAS[1],
            &format!("{}\n\nPhoto: Getty Images\n\nUpdated 3 hours ago\n\nRead more: Harbour dues rise again", PARAS[1]),
        );
        let d = draft_of(&text);
        let body = paragraphs(&d);
        assert_eq!(body.len(), 4, "{body:?}");
        assert!(!d.body_html.contains("Getty") && !d.body_html.contains("Read more"));
    }

    #[test]
    fn closing_author_bio_is_dropped() {
        let d = draft_of(&page(
            "Jane Doe is a reporter for the Gazette covering the coast and its harbours.",
        ));
        assert_eq!(paragraphs(&d).len(), 4, "{:?}", paragraphs(&d));
    }

    #[test]
    fn japanese_article_is_found_among_menus() {
        let text = "港湾計画を承認 - 新聞\n\nホーム\nニュース\nスポーツ\n天気\n\n港湾計画を承認\n\n\
                    市議会は火曜日、夜遅くまで続いた議論の末に新しい港湾計画を承認した。\n\n\
                    住民は、新しい係留施設が静かな通りにより多くの観光客と騒音をもたらすと話した。\n\n\
                    工事は港湾当局の最終承認を条件に、来年始まる見通しだという。\n\n\
                    関連記事\n漁港の再整備が始まる\n\n広告\n";
        let d = draft_of(text);
        let body = paragraphs(&d);
        assert_eq!(body.len(), 3, "{body:?}");
        assert_eq!(d.meta.title.as_deref(), Some("港湾計画を承認"));
    }

    #[test]
    fn odd_inputs_do_not_panic_and_sentences_are_never_lost() {
        for text in [
            "",
            "\n\n\n",
            "Only a title",
            "A - B | C",
            " - | - ",
            "[]\n[With ]\nBy\n",
            "Ёлки\n\nПо данным министерства, цены на ёлки выросли на десять процентов за год.\n",
        ] {
            let d = draft_of(text);
            if text.contains("министерства") {
                assert!(
                    d.body_html.contains("министерства"),
                    "{text:?}: {}",
                    d.body_html
                );
            }
        }
    }

    #[test]
    fn lists_inside_the_article_stay() {
        let text = page("").replace(
            PARAS[1],
            &format!("{}\n\nThe plan includes:\n\nnew pontoons for visitors\nwider slipways\na dredged channel\n", PARAS[1]),
        );
        let d = draft_of(&text);
        for item in [
            "new pontoons for visitors",
            "wider slipways",
            "a dredged channel",
        ] {
            assert!(d.body_html.contains(item), "{item}: {}", d.body_html);
        }
        assert!(!d.body_html.contains("Sport"));
    }

    #[test]
    fn author_boxes_inline_teasers_and_prompts_go() {
        let text = page("About Jane Doe\n\nJane has covered the coast for the Gazette since 2004 and writes about boats, harbours and the people who work in them.").replace(
            PARAS[2],
            &format!("See also: Ferry fares to rise in the spring\n\n{}\n\nEnjoyed this article? Share it with your friends.", PARAS[2]),
        );
        let d = draft_of(&text);
        assert_eq!(paragraphs(&d).len(), 4, "{:?}", paragraphs(&d));
    }

    #[test]
    fn quoted_posts_stay_in_the_flow_and_lend_no_date() {
        let text = page("").replace(
            PARAS[2],
            &format!("The minister posted her reaction on Monday evening:\n\nA great day for the harbour and for everyone who works on it.\n\n— Jane Roe (@janeroe) November 18, 2019\n\n{}", PARAS[2]),
        ).replace("19 November 2019 10:02\n", "");
        let d = draft_of(&text);
        assert!(d.body_html.contains("(@janeroe)"), "{}", d.body_html);
        assert_eq!(d.meta.published, None);
    }

    #[test]
    fn the_body_needs_no_second_hygiene_pass() {
        // `paragraphs_html` leaves out the pass over the written body that sanitising would
        // make: on any input, that pass must find nothing to change.
        let long =
            "A long paragraph with «quotes», café, 1 < 2 & 3 > 2 and an\u{a0}NBSP. ".repeat(300);
        for middle in [
            "\u{301}A paragraph that opens with a combining mark, which composes after a tag.",
            "\u{338}Not greater, then prose that goes on long enough to be body text here.",
            "Fish &amp; chips &lt;b&gt; & <script>alert(1)</script> \"quoted\" in a sentence.",
            "no\u{a0}break\u{a0}\u{a0}spaces,\u{2009}thin\u{3000}wide and\u{200b}zero width too.",
            "东京都は十九日、新しい港湾計画を正式に承認したと発表した。関係者によると工事は来年始まる。",
            "הממשלה אישרה את התוכנית החדשה לנמל לאחר דיון ארוך שנמשך עד הלילה.",
            "قالت الحكومة إن الخطة الجديدة للميناء ستبدأ في العام المقبل بعد موافقة المجلس.",
            "e\u{301} a\u{323}\u{307} \u{1100}\u{1161} combining marks inside a sentence that is long.",
            "\u{1161}A jamo first, then a sentence of prose that is long enough to be kept.",
            long.as_str(),
        ] {
            let d = draft_of(&article_with(middle));
            assert!(d.body_html.contains("Residents said"), "{}", d.body_html);
            assert_eq!(hygiene(&d.body_html), d.body_html, "{middle:?}");
        }
    }

    #[test]
    fn furniture_before_the_page_title_is_skipped() {
        let d = draft_of(&format!("Skip to content\nMenu\n{}", page("")));
        assert_eq!(d.meta.title.as_deref(), Some("Harbour plan approved"));
        assert_eq!(paragraphs(&d).len(), 4, "{:?}", paragraphs(&d));
    }
}
