//! Finding and cleaning the main content. Text blocks score their containers by length, commas
//! and how little of them is link text; the best container wins, siblings that look like more of
//! the same join it, and the chosen subtree is cleaned of link lists, tiny fragments, captions
//! and chrome lines before it is serialised. Every step is one pass over the flat page.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::dom::{measure, Page, Tag};
use crate::chars::escape_html_into;
use crate::normalize::context::Context;
use crate::normalize::lexicon::{self, Family};
use crate::normalize::trace::{Entry, Fate, Rule, Why};

/// How hard class/id names count against a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Chrome-looking class names remove their node.
    Strict,
    /// Only hidden nodes and structural furniture (nav, aside) go: for pages whose article sits
    /// in a container with an unlucky name.
    Lenient,
}

/// Text figures of one subtree (`own_*`: text whose nearest block is this node).
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    chars: u32,
    link: u32,
    commas: u32,
    own_chars: u32,
    own_link: u32,
    own_commas: u32,
    paragraphs: u32,
    images: u32,
    items: u32,
    headings: u32,
    /// Headings that are links: the titles of teasers for other pages.
    linked_headings: u32,
}

/// The extracted body and how much text it holds.
pub struct Extracted {
    pub html: String,
    pub chars: usize,
    /// Each text block's fate, when the context traces; empty otherwise.
    pub blocks: Vec<Entry>,
    /// The subtrees serialised (node index ranges), so a runner-up can be sought without them.
    pub spans: Vec<(usize, usize)>,
}

/// "By Jane Roe", "Written by J. Roe and A. N. Other | Staff": names start with a capital, which
/// keeps "By the end of the day…" out.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?i:by|written by|posted by|text by|words by)\s+\p{Lu}[\p{L}.'’-]*",
        r"(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|&))*\s*(?:[|,–—-].{0,60})?$"
    ))
    .unwrap()
});

/// Newsletter pitches, which run longer than other chrome lines.
static PITCH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&Family::pattern(&[&lexicon::BLOCK_PITCH])).unwrap());

/// "Updated 3 hours ago", "Published: 12 May 2024 10:02".
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:updated|published|posted)(?: on| at)?:?\s.{0,40}\d.{0,40}$").unwrap()
});

/// Captions that end in the picture's credit.
static CAPTION_CREDIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&Family::pattern(&[&lexicon::CAPTION_CREDITS])).unwrap());

/// Whole short lines that are page furniture in any article: ad labels, "related" headings,
/// calls to share, follow or subscribe, tag lists, photo credits, reading times.
static BOILERPLATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&Family::pattern(&[&lexicon::BLOCK_BOILERPLATE])).unwrap());

// Scoring thresholds. "Readability" marks a figure taken from Mozilla Readability's algorithm
// (its content score, candidate and sibling rules, conditional cleaning); "feedsmith" marks
// the project's own, set on its development pages.

/// Blocks shorter than this (characters) add nothing to a container's score. Readability.
const MIN_BLOCK_CHARS: u32 = 25;
/// Characters per point of a block's length bonus, and the bonus's cap. Readability.
const CHARS_PER_POINT: f32 = 100.0;
const MAX_LENGTH_POINTS: f32 = 3.0;
/// Ancestors a block's score reaches (parent, grandparent, …). feedsmith (Readability: 5).
const SCORED_ANCESTORS: usize = 4;
/// Other candidates scoring at least this share of the top one count as near-equal, and this
/// many near-equal ones under one ancestor make it the content. Readability.
const NEAR_TOP: f32 = 0.75;
const MIN_NEAR_TOP: usize = 3;
/// Climbing stops at a parent scoring under the last score divided by this. Readability.
const CLIMB_FALLOFF: f32 = 3.0;
/// A sibling joins the content at this share of the top score, never below the floor; one
/// sharing the top's class gets the same share as a bonus. Readability.
const SIBLING_SHARE: f32 = 0.2;
const SIBLING_FLOOR: f32 = 10.0;
/// A sibling paragraph joins above this length and under this link density, or when it is a
/// link-free sentence. Readability.
const SIBLING_P_CHARS: u32 = 80;
const SIBLING_P_LINKS: f32 = 0.25;
/// Conditional cleaning: a container with this many commas is prose and stays. Readability.
const PROSE_COMMAS: u32 = 10;
/// Link density over which a container goes: any container, and one whose name does not say
/// content. Readability (0.5), feedsmith (0.33; Readability 0.2 and 0.5 by weight).
const MAX_LINKS: f32 = 0.5;
const MAX_LINKS_UNNAMED: f32 = 0.33;
/// A list of at least this many items, over this link density, with four in five items linked,
/// is headlines of other pages; under it, each item is a sentence citing a page (a checklist,
/// a list of tips), which the body keeps. feedsmith (0.4 from the wcxb-dev articles and
/// documentation that lost such lists at 0.2).
const LINK_LIST_ITEMS: u32 = 3;
const LINK_LIST_LINKS: f32 = 0.4;
/// A container over [`MAX_LINKS_UNNAMED`] (and at most [`MAX_LINKS`]) stays when it is this many
/// paragraphs of prose, or a list whose items average this many characters: entries that each
/// link their subject (a webcam, a hotel, a piece of kit) in a sentence or two. feedsmith.
const LINKED_PROSE_PARAGRAPHS: u32 = 3;
const LINKED_ITEM_CHARS: u32 = 40;
/// Text blocks over this many characters are never chrome lines; the line vocabularies apply
/// under the shorter limit. feedsmith.
const MAX_CHROME_LINE: u32 = 300;
const MAX_SHORT_LINE: u32 = 100;
/// A block of at least this many words, this much of it link text to the same site, is a
/// teaser for another article. feedsmith.
const TEASER_WORDS: usize = 3;
const TEASER_LINKS: f32 = 0.8;
/// A sentence of at least this many words is prose, never a byline or dateline. feedsmith.
const SENTENCE_WORDS: usize = 8;

/// A container whose name reads like chrome ("sidebar", "widget", a `<header>`) but that holds
/// this much prose is the article in an unluckily named layout box: its name yields to its
/// shape. feedsmith's figures (from the wcxb-dev articles lost to such names).
const NAMED_PROSE_PARAGRAPHS: u32 = 4;
const NAMED_PROSE_CHARS: u32 = 1000;
const NAMED_PROSE_LINKS: f32 = 0.2;

static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| Regex::new(lexicon::SIGNATURE_NAMES).unwrap());

static NOT_ARTICLE_NAMES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(lexicon::NOT_ARTICLE_NAMES).unwrap());

/// Headings that link elsewhere title teaser cards, unless each has this much text of its own
/// beside it, mostly unlinked: the entries of a round-up (a product, a course, a place per
/// heading, linked to it, with a line or two on it). feedsmith's figures (150: teaser cards
/// carry a headline and a few words, round-ups on the wcxb-dev articles a sentence or more).
const ENTRY_PROSE: u32 = 150;
const ENTRY_LINKS: f32 = 0.3;

/// Which nodes take part in `mode`: a removed node takes its subtree with it, and so do the
/// subtrees in `without` (a winner set aside). In strict mode, on a dated page, a chrome-named
/// container keeps its place when its shape says article (judged on its text with class rules
/// relaxed). On an undated page (a product, a service, a shop's collection) such a box is as
/// often a promotion as the body, and the small-winner fallbacks handle the rest.
fn live_mask(page: &Page, mode: Mode, known: &Known, without: &[(usize, usize)]) -> Vec<bool> {
    let mut live = vec![true; page.nodes.len()];
    for (i, n) in page.nodes.iter().enumerate().skip(1) {
        live[i] = live[n.parent] && !n.furniture;
    }
    for &(start, end) in without {
        live[start..end].fill(false);
    }
    if mode == Mode::Strict {
        let relaxed =
            (known.dated && page.nodes.iter().any(|n| n.unlikely)).then(|| stats(page, &live));
        let yields = |i: usize| {
            relaxed
                .as_ref()
                .is_some_and(|r| prose_despite_name(page, i, &r[i]))
        };
        for (i, n) in page.nodes.iter().enumerate().skip(1) {
            live[i] = live[i] && live[n.parent] && (!n.unlikely || yields(i));
        }
    }
    live
}

/// Whether the chrome-named node at `i` holds article-shaped prose: many paragraphs, many
/// commas, few links, no teaser headings, and a name that is not a comment thread's or a
/// consent box's.
fn prose_despite_name(page: &Page, i: usize, s: &Stats) -> bool {
    let node = &page.nodes[i];
    node.tag.is_container()
        && s.paragraphs >= NAMED_PROSE_PARAGRAPHS
        && s.chars >= NAMED_PROSE_CHARS
        && s.commas >= PROSE_COMMAS
        && density(s.link, s.chars) < NAMED_PROSE_LINKS
        && s.linked_headings == 0
        && !NOT_ARTICLE_NAMES.is_match(&node.class_id)
}

fn stats(page: &Page, live: &[bool]) -> Vec<Stats> {
    let n = page.nodes.len();
    let mut st = vec![Stats::default(); n];
    for i in 0..n {
        let node = &page.nodes[i];
        if !live[i] {
            continue;
        }
        match node.tag {
            Tag::Text => {
                let (chars, commas) = measure(&node.text);
                let link = if node.in_link { chars } else { 0 };
                let b = &mut st[node.block];
                b.own_chars += chars;
                b.own_commas += commas;
                b.own_link += link;
                let s = &mut st[i];
                s.chars = chars;
                s.commas = commas;
                s.link = link;
            }
            Tag::P => st[i].paragraphs = 1,
            Tag::Img => st[i].images = 1,
            Tag::Li => st[i].items = 1,
            Tag::Heading(_) => st[i].headings = 1,
            _ => {}
        }
    }
    for i in (1..n).rev() {
        if !live[i] {
            continue;
        }
        if matches!(page.nodes[i].tag, Tag::Heading(_))
            && (page.nodes[i].in_link || (st[i].chars > 0 && st[i].link * 5 >= st[i].chars * 4))
            && !heading_link(page, i).is_some_and(|h| h.starts_with('#'))
        {
            st[i].linked_headings += 1;
        }
        let c = st[i];
        let p = &mut st[page.nodes[i].parent];
        p.chars += c.chars;
        p.link += c.link;
        p.commas += c.commas;
        p.paragraphs += c.paragraphs;
        p.images += c.images;
        p.items += c.items;
        p.headings += c.headings;
        p.linked_headings += c.linked_headings;
    }
    st
}

/// The link a heading is (the one around it or the first inside it). Links to anchors on the
/// same page make permalinked section headings, not teasers.
fn heading_link(page: &Page, i: usize) -> Option<&str> {
    let node = &page.nodes[i];
    if node.in_link {
        let mut a = node.parent;
        while a != 0 && page.nodes[a].tag != Tag::A {
            a = page.nodes[a].parent;
        }
        return href(&page.nodes[a]);
    }
    page.nodes[i..node.end]
        .iter()
        .find(|n| n.tag == Tag::A)
        .and_then(href)
}

fn density(link: u32, chars: u32) -> f32 {
    if chars == 0 {
        0.0
    } else {
        link as f32 / chars as f32
    }
}

/// A candidate's starting score by its element. Readability.
fn base_score(tag: Tag) -> f32 {
    match tag {
        Tag::Container | Tag::Article | Tag::Main | Tag::Body => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::Ul | Tag::Ol | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form => -3.0,
        Tag::Heading(_) | Tag::H1 | Tag::Th => -5.0,
        _ => 0.0,
    }
}

/// Blocks that are paragraphs themselves (their score goes to the parent), as opposed to
/// containers holding loose text (which score themselves).
fn is_paragraph(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote | Tag::Li | Tag::Dd
    )
}

/// Chooses the content: the best-scoring container, and the roots to serialise (it plus
/// siblings that belong with it, in document order).
fn choose(page: &Page, live: &[bool], st: &[Stats]) -> (usize, Vec<usize>) {
    let n = page.nodes.len();
    let mut score = vec![0f32; n];
    let mut candidate = vec![false; n];
    for i in 1..n {
        let node = &page.nodes[i];
        let s = &st[i];
        // List items carrying links are teasers and menus far more often than prose.
        if !live[i]
            || node.tag == Tag::Text
            || s.own_chars < MIN_BLOCK_CHARS
            || (node.tag == Tag::Li && s.own_link > 0)
        {
            continue;
        }
        let value = (1.0
            + s.own_commas as f32
            + (s.own_chars as f32 / CHARS_PER_POINT).min(MAX_LENGTH_POINTS))
            * (1.0 - density(s.own_link, s.own_chars));
        let mut target = if is_paragraph(node.tag) {
            node.parent
        } else {
            i
        };
        for level in 0..SCORED_ANCESTORS {
            if target == 0 {
                break;
            }
            // Readability's: the parent gets the whole value, the grandparent half, the next
            // ones a third of it per level.
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            if !candidate[target] {
                candidate[target] = true;
                let t = &page.nodes[target];
                score[target] += base_score(t.tag) + t.weight as f32;
            }
            score[target] += value / divider;
            target = page.nodes[target].parent;
        }
    }
    let final_score = |i: usize| score[i] * (1.0 - density(st[i].link, st[i].chars));
    let mut ranked: Vec<(usize, f32)> = (1..n)
        .filter(|&i| candidate[i])
        .map(|i| (i, final_score(i)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some(&(mut top, top_score)) = ranked.first() else {
        return (0, vec![0]);
    };

    // Several near-equal candidates apart from the top one, under one ancestor: the article is
    // split into parts. Candidates nested in or around the top one are the same content.
    let within = |c: usize, a: usize| c > a && c < page.nodes[a].end;
    let close: Vec<usize> = ranked
        .iter()
        .skip(1)
        .take(5)
        .filter(|(c, s)| *s >= top_score * NEAR_TOP && !within(*c, top) && !within(top, *c))
        .map(|(i, _)| *i)
        .collect();
    if close.len() >= MIN_NEAR_TOP {
        let mut a = page.nodes[top].parent;
        while a != 0 {
            if close.iter().filter(|&&c| within(c, a)).count() >= MIN_NEAR_TOP {
                top = a;
                break;
            }
            a = page.nodes[a].parent;
        }
    }

    // Climb while the parent scores better: the candidate was only part of the article.
    let mut last = final_score(top);
    let mut p = page.nodes[top].parent;
    while p != 0 {
        if candidate[p] {
            let ps = final_score(p);
            if ps < last / CLIMB_FALLOFF {
                break;
            }
            if ps > last {
                top = p;
                break;
            }
            last = ps;
        }
        p = page.nodes[p].parent;
    }
    // A lone child is the same content as its parent.
    loop {
        let p = page.nodes[top].parent;
        if p == 0 || matches!(page.nodes[p].tag, Tag::Body | Tag::Main | Tag::Article) {
            break;
        }
        let mut kids = page
            .children(p)
            .filter(|&c| live[c] && (page.nodes[c].tag != Tag::Text || st[c].chars > 0));
        if kids.next() == Some(top) && kids.next().is_none() {
            top = p;
        } else {
            break;
        }
    }

    let parent = page.nodes[top].parent;
    if parent == 0 {
        return (top, vec![top]);
    }
    let top_final = final_score(top);
    let threshold = (top_final * SIBLING_SHARE).max(SIBLING_FLOOR);
    let top_class = &page.nodes[top].class_id;
    let roots: Vec<usize> = page
        .children(parent)
        .filter(|&c| {
            if c == top {
                return true;
            }
            let node = &page.nodes[c];
            if !live[c] || node.tag == Tag::Text {
                return false;
            }
            let bonus = if !top_class.is_empty() && node.class_id == *top_class {
                top_final * SIBLING_SHARE
            } else {
                0.0
            };
            if candidate[c] && final_score(c) + bonus >= threshold {
                return true;
            }
            if continues_article(node.tag, &st[c]) {
                return true;
            }
            if node.tag == Tag::P {
                let s = &st[c];
                let ld = density(s.link, s.chars);
                return (s.chars > SIBLING_P_CHARS && ld < SIBLING_P_LINKS)
                    || (s.chars > 0 && ld == 0.0 && page.text_of(c).ends_with(['.', '!', '?']));
            }
            false
        })
        .collect();
    if let Some(entries) = repeated_entries(page, live, st, top) {
        return (top, entries);
    }
    // Only a heading or a short block joined: the parts may sit higher up.
    let parts_joined = roots
        .iter()
        .any(|&r| r != top && continues_article(page.nodes[r].tag, &st[r]));
    if !parts_joined {
        if let Some(wider) = continued_higher_up(page, live, st, top) {
            return (top, wider);
        }
    }
    (top, with_figures_between(page, live, parent, roots))
}

/// The roots with the figures that stand between two of them: a full-width picture splits a
/// body into two containers, and is part of the article it interrupts.
fn with_figures_between(
    page: &Page,
    live: &[bool],
    parent: usize,
    roots: Vec<usize>,
) -> Vec<usize> {
    let (Some(&first), Some(&last)) = (roots.first(), roots.last()) else {
        return roots;
    };
    if first == last {
        return roots;
    }
    page.children(parent)
        .filter(|&c| {
            roots.contains(&c)
                || (c > first && c < last && live[c] && page.nodes[c].tag == Tag::Figure)
        })
        .collect()
}

/// How many levels above the content a page builder's part may sit: section, row, column,
/// module (Divi, Elementor, WPBakery nest about that deep). Feedsmith's own figure.
const PART_DEPTH: usize = 4;

/// The content when its own siblings carried nothing on but an ancestor's do: page builders
/// nest each part of a split body (section > row > column > module > text), so the parts are
/// cousins of the best block, not siblings. Returns that ancestor and its siblings that
/// continue the article, in document order.
fn continued_higher_up(page: &Page, live: &[bool], st: &[Stats], top: usize) -> Option<Vec<usize>> {
    let mut a = top;
    for _ in 0..PART_DEPTH {
        let p = page.nodes[a].parent;
        if p == 0 || matches!(page.nodes[p].tag, Tag::Body | Tag::Main | Tag::Article) {
            return None;
        }
        let continues =
            |c: usize| live[c] && c != a && continues_article(page.nodes[c].tag, &st[c]);
        if page.children(p).any(continues) {
            return Some(
                page.children(p)
                    .filter(|&c| c == a || continues(c))
                    .collect(),
            );
        }
        a = p;
    }
    None
}

/// Fewest entries of one class that make a round-up, and the characters they hold on average:
/// a ranking's entries run to several paragraphs each, a front page's cards (which `cards`
/// lists) to a headline and a dek. Feedsmith's own figures, from the wcxb-dev rankings.
const MIN_ENTRIES: usize = 3;
const ENTRY_CHARS: u32 = 600;

/// The entries of a round-up or ranking, each in its own container of one class (a product,
/// a provider, a section per box), when the best block sits inside one of them: that
/// container and its like-named siblings, in document order. At least [`MIN_ENTRIES`] of them
/// must carry on the article as a page builder's part does.
fn repeated_entries(page: &Page, live: &[bool], st: &[Stats], top: usize) -> Option<Vec<usize>> {
    let mut a = top;
    for _ in 0..PART_DEPTH {
        let p = page.nodes[a].parent;
        if p == 0 || matches!(page.nodes[p].tag, Tag::Body | Tag::Main | Tag::Article) {
            return None;
        }
        a = p;
        // The first class name is the kind of box; later ones and the id tell entries apart.
        let Some(kind) = page.nodes[a].class_id.split_whitespace().next() else {
            continue;
        };
        let like =
            |c: usize| live[c] && page.nodes[c].class_id.split_whitespace().next() == Some(kind);
        let entries: Vec<usize> = page
            .children(page.nodes[a].parent)
            .filter(|&c| like(c))
            .collect();
        // An entry in a list item is judged as the box it is.
        let prose = entries
            .iter()
            .filter(|&&c| continues_article(Tag::Container, &st[c]))
            .count();
        let chars: u32 = entries.iter().map(|&c| st[c].chars).sum();
        if prose >= MIN_ENTRIES && chars >= ENTRY_CHARS * entries.len() as u32 {
            return Some(entries);
        }
    }
    None
}

/// A sibling block that carries on the article where a page builder splits the body into
/// parts (a `<section>` or `<div>` per part): several paragraphs of prose, few links, no
/// teaser headings (a round-up's linked headings, each with its own prose, are entries of the
/// article: a ranking puts each in a section). More list items than paragraphs is a box of
/// facts or links, unless the items are sentence-long on average: a part of the article with
/// a bulleted list in it (steps, pros and cons). Feedsmith's own figures.
fn continues_article(tag: Tag, s: &Stats) -> bool {
    tag.is_container()
        && s.paragraphs >= 2
        && s.chars >= 300
        && density(s.link, s.chars) < 0.2
        && (s.linked_headings == 0 || round_up_entries(s))
        && (s.items <= s.paragraphs || s.chars >= (s.items + s.paragraphs) * SENTENCE_ITEM_CHARS)
}

/// Characters per paragraph and list item on average over which a part's bulleted list is
/// prose (feedsmith's: a sentence of a dozen words).
const SENTENCE_ITEM_CHARS: u32 = 80;

/// Conditional cleaning of containers inside the content: link lists, galleries, form remains,
/// fragments too small to be prose.
fn junk_container(page: &Page, i: usize, st: &Stats, host: Option<&str>) -> bool {
    let node = &page.nodes[i];
    if !matches!(
        node.tag,
        Tag::Container
            | Tag::Ul
            | Tag::Ol
            | Tag::Dl
            | Tag::Table
            | Tag::Form
            | Tag::Header
            | Tag::Footer
            | Tag::Aside
            | Tag::Nav
    ) {
        return false;
    }
    if node.weight < 0 && st.commas < PROSE_COMMAS {
        // A chrome-named box (a page builder's "widget", a section a contents list "jump"s
        // to) shaped as a part of the article is one, unless its name is a comment's or a
        // consent box's.
        return !continues_article(node.tag, st) || NOT_ARTICLE_NAMES.is_match(&node.class_id);
    }
    if st.commas >= PROSE_COMMAS {
        return false;
    }
    // A round-up's entry states its subject's facts ("Location: Boston", "Official website:
    // <a>…</a>"): however linked, those are the article's (judged only when a shape below
    // would remove the box, as the walk over its items costs).
    link_or_fragment(page, i, st, host) && !labelled_facts(page, i)
}

/// [`junk_container`]'s shapes of link lists, galleries, menus and fragments.
fn link_or_fragment(page: &Page, i: usize, st: &Stats, host: Option<&str>) -> bool {
    let node = &page.nodes[i];
    let ld = density(st.link, st.chars);
    let list = matches!(node.tag, Tag::Ul | Tag::Ol);
    if list && all_offsite(page, i, host) {
        // Links inside the content that all leave the site are sources or products the
        // article is about; lists of the site's other articles link within it.
        return false;
    }
    if st.linked_headings > 0
        && st.linked_headings == st.headings
        && !(round_up_entries(st) && ld < ENTRY_LINKS)
    {
        // Every heading links elsewhere: teaser cards, not sections of this article.
        return true;
    }
    if list
        && st.items >= LINK_LIST_ITEMS
        && ld > LINK_LIST_LINKS
        && linked_items(page, i) * 5 >= st.items * 4
    {
        // A list whose every item links somewhere: headlines of other articles.
        return true;
    }
    // Fragments, galleries and menus (Readability's shapes, feedsmith's figures for galleries).
    (st.chars < MIN_BLOCK_CHARS
        && st.images == 0
        && (ld > 0.3 || (st.paragraphs == 0 && st.headings == 0)))
        || (st.images > 2 && st.paragraphs * 2 < st.images && st.chars < 200)
        || (!list && st.items > st.paragraphs && ld > 0.2)
        || (node.weight < 25 && ld > MAX_LINKS_UNNAMED && !linked_prose(st, list))
        || ld > MAX_LINKS
}

/// Fewest labelled facts that make a box of facts, and the longest label, in characters
/// (feedsmith's: "Average GMAT", "Official website", "Years in business" run to 20 or so).
const MIN_LABELLED_FACTS: usize = 3;
const FACT_LABEL_CHARS: usize = 30;

/// Whether the list items under `i` (outer ones: a nested list belongs to its item) are mostly
/// labelled facts: [`MIN_LABELLED_FACTS`] or more, and half of them or more, open with a short
/// unlinked label and a colon.
fn labelled_facts(page: &Page, i: usize) -> bool {
    let (mut items, mut facts) = (0, 0);
    let mut d = i + 1;
    while d < page.nodes[i].end {
        if page.nodes[d].tag != Tag::Li {
            d += 1;
            continue;
        }
        items += 1;
        facts += usize::from(opens_with_label(page, d));
        d = page.nodes[d].end;
    }
    facts >= MIN_LABELLED_FACTS && facts * 2 >= items
}

/// Whether the item at `li` opens with a label and a colon, the label's text not a link.
fn opens_with_label(page: &Page, li: usize) -> bool {
    let mut label = String::new();
    for n in &page.nodes[li + 1..page.nodes[li].end] {
        if n.tag != Tag::Text {
            continue;
        }
        if n.in_link {
            return false;
        }
        let (head, colon) = match n.text.split_once(':') {
            Some((head, _)) => (head, true),
            None => (n.text.as_str(), false),
        };
        label.push_str(head);
        if label.chars().count() > FACT_LABEL_CHARS {
            return false;
        }
        if colon {
            return label.chars().any(char::is_alphabetic);
        }
    }
    false
}

/// Whether each linked heading in `s` has [`ENTRY_PROSE`] of unlinked text to itself: the
/// entries of a round-up, not teaser cards.
fn round_up_entries(s: &Stats) -> bool {
    s.chars - s.link >= s.linked_headings * ENTRY_PROSE
}

/// Whether a container is prose that links its subjects: several paragraphs, or a list of
/// sentence-long items (the caller still removes one over [`MAX_LINKS`]).
fn linked_prose(s: &Stats, list: bool) -> bool {
    s.paragraphs >= LINKED_PROSE_PARAGRAPHS || (list && s.chars >= s.items * LINKED_ITEM_CHARS)
}

/// Items of the list at `i` that contain a link.
fn linked_items(page: &Page, i: usize) -> u32 {
    page.children(i)
        .filter(|&c| page.nodes[c].tag == Tag::Li)
        .filter(|&c| {
            page.nodes[c..page.nodes[c].end]
                .iter()
                .any(|n| n.tag == Tag::A)
        })
        .count() as u32
}

/// Whether a short text block is a chrome line.
/// What extraction knows about the page besides its markup.
pub struct Known<'a> {
    pub ctx: &'a Context<'a>,
    pub title: Option<&'a str>,
    /// The page's host, to tell links to the same site from links elsewhere.
    pub host: Option<&'a str>,
    /// Whether the page has a publication date: an article's, not a product's or a service's.
    pub dated: bool,
    /// The article's authors, whose bio may close the body.
    pub authors: &'a [String],
}

/// The target of a link node.
fn href(node: &super::dom::Node) -> Option<&str> {
    node.attrs
        .iter()
        .find(|(k, _)| *k == "href")
        .map(|(_, v)| v.trim())
}

/// Whether a link stays on the page's own site.
fn is_internal(href: &str, host: Option<&str>) -> bool {
    if !href.contains("://") && !href.starts_with("//") {
        return true;
    }
    let rest = href.split("//").nth(1).unwrap_or_default();
    let link_host = rest.split(['/', '?', '#', ':']).next().unwrap_or_default();
    host.is_some_and(|h| site(link_host).eq_ignore_ascii_case(site(h)))
}

/// Whether the first link under `i` stays on the page's own site.
fn internal_link(page: &Page, i: usize, host: Option<&str>) -> bool {
    page.nodes[i..page.nodes[i].end]
        .iter()
        .find(|n| n.tag == Tag::A)
        .and_then(href)
        .is_some_and(|h| is_internal(h, host))
}

/// Whether every link under `i` leaves the site (and there is one).
fn all_offsite(page: &Page, i: usize, host: Option<&str>) -> bool {
    let mut links = page.nodes[i..page.nodes[i].end]
        .iter()
        .filter(|n| n.tag == Tag::A)
        .filter_map(href)
        .peekable();
    links.peek().is_some() && links.all(|h| !is_internal(h, host))
}

/// The registrable part of a host, roughly: the last two labels, three when the second-level
/// label is a short public suffix part ("co.uk", "com.br").
fn site(host: &str) -> &str {
    let dots: Vec<usize> = host.rmatch_indices('.').map(|(i, _)| i).collect();
    let keep = match dots.as_slice() {
        [last, second, ..] if last - second - 1 <= 3 && host.len() - last - 1 == 2 => 2,
        _ => 1,
    };
    dots.get(keep).map_or(host, |&i| &host[i + 1..])
}

/// Why a short text block is a chrome line, if it is one.
fn chrome_line(page: &Page, i: usize, st: &Stats, known: &Known) -> Option<Fate> {
    let (ctx, title) = (known.ctx, known.title);
    let node = &page.nodes[i];
    // A caption that is a chrome line (a bare credit, "Image: Jane Roe / Unsplash"; an "Above:
    // …" caption) goes as the line does elsewhere.
    let leaf = matches!(
        node.tag,
        Tag::P
            | Tag::Li
            | Tag::Heading(_)
            | Tag::Dd
            | Tag::Dt
            | Tag::Blockquote
            | Tag::Container
            | Tag::Figcaption
    ) && st.own_chars == st.chars;
    if !leaf || st.chars == 0 || st.chars > MAX_CHROME_LINE {
        return None;
    }
    let text = page.text_of(i);
    if matches!(node.tag, Tag::Heading(_)) && title.is_some_and(|t| t.eq_ignore_ascii_case(&text)) {
        return Some(Fate::Title);
    }
    let chrome = |rule| Some(Fate::Chrome { rule });
    // A paragraph that is nothing but a link titled like a headline points at another article
    // of the site (a bare URL is a reference the author wrote out; a link elsewhere is a source
    // or a product).
    if !matches!(node.tag, Tag::Heading(_))
        && density(st.link, st.chars) > TEASER_LINKS
        && text.split_whitespace().count() >= TEASER_WORDS
        && internal_link(page, i, known.host)
    {
        return chrome(Rule::LinkTeaser);
    }
    if PITCH.is_match(&text) {
        return chrome(Rule::Pitch);
    }
    if let Some(rule) = ctx.rules.chrome_rule(&text) {
        return chrome(rule);
    }
    if ctx.learned.contains(&text) {
        return chrome(Rule::Learned);
    }
    if st.chars >= MAX_SHORT_LINE {
        return None;
    }
    if BOILERPLATE.is_match(&text) {
        chrome(Rule::Boilerplate)
    } else if is_sentence(&text) {
        None
    } else if BYLINE.is_match(&text) {
        chrome(Rule::Byline)
    } else if DATELINE.is_match(&text) {
        chrome(Rule::Timestamp)
    } else {
        None
    }
}

/// Why node `i` inside the content is left out with its subtree, if it is: the headline and
/// captions, link lists and fragments, chrome lines.
fn left_out(page: &Page, i: usize, st: &Stats, known: &Known) -> Option<Fate> {
    match page.nodes[i].tag {
        Tag::H1 => Some(Fate::Title),
        // A caption stays with the picture it describes; alone it is a credit line or a teaser.
        Tag::Figcaption if !captions_image(page, i) => Some(Fate::Chrome {
            rule: Rule::Caption,
        }),
        Tag::Figcaption if CAPTION_CREDIT.is_match(&page.text_of(i)) => Some(Fate::Chrome {
            rule: Rule::PictureCredit,
        }),
        _ if junk_container(page, i, st, known.host) => Some(Fate::Chrome {
            rule: Rule::JunkContainer,
        }),
        _ => chrome_line(page, i, st, known),
    }
}

/// Whether the figcaption at `i` belongs to a `<figure>` that shows an image.
fn captions_image(page: &Page, i: usize) -> bool {
    let figure = page.nodes[i].parent;
    page.nodes[figure].tag == Tag::Figure
        && page.nodes[figure..page.nodes[figure].end]
            .iter()
            .any(|n| n.tag == Tag::Img && n.attrs.iter().any(|(k, _)| *k == "src"))
}

/// Each text block of the page (the text nodes of one nearest block, in document order) with
/// what [`extract`]'s decisions did to it.
fn blocks(
    page: &Page,
    live: &[bool],
    st: &[Stats],
    (exempt, roots): (&dyn Fn(usize) -> bool, &[usize]),
    known: &Known,
    (bio, copies): (&[usize], &[usize]),
) -> Vec<Entry> {
    // Runs of text of one block, split where an inline part of it was taken out (a tooltip):
    // (the block, the node whose fate the run shares, its text).
    let mut texts: Vec<(usize, usize, String)> = Vec::new();
    for (i, n) in page.nodes.iter().enumerate() {
        let owner = if live[i] { n.block } else { i };
        match (n.tag, texts.last_mut()) {
            (Tag::Text, Some((b, o, t)))
                if *b == n.block && (*o == owner || !live[*o] && !live[i]) =>
            {
                t.push_str(&n.text)
            }
            (Tag::Text, _) => texts.push((n.block, owner, n.text.clone())),
            (Tag::Br, Some((b, _, t))) if *b == n.block => t.push(' '),
            _ => {}
        }
    }
    let parent = |i: usize| page.nodes[i].parent;
    let fate = |b: usize| {
        if !live[b] {
            // The outermost node that took it out says why.
            let mut a = b;
            while a != 0 && !live[parent(a)] {
                a = parent(a);
            }
            let rule = match page.nodes[a].furniture {
                true => Rule::Furniture,
                false => Rule::UnlikelyClass,
            };
            return Fate::Chrome { rule };
        }
        let Some(&root) = roots.iter().find(|&&r| b >= r && b < page.nodes[r].end) else {
            return Fate::Outside;
        };
        // The block and its ancestors up to the root, which serialising visits top down.
        let (mut path, mut a) = (vec![b], b);
        while a != root {
            a = parent(a);
            path.push(a);
        }
        path.iter()
            .rev()
            .filter(|&&a| !exempt(a))
            .find_map(|&a| match bio.contains(&a) {
                true => Some(Fate::Chrome {
                    rule: Rule::AuthorBox,
                }),
                false => left_out(page, a, &st[a], known).or_else(|| {
                    copies
                        .contains(&a)
                        .then_some(Fate::Dropped { why: Why::Copy })
                }),
            })
            .unwrap_or(Fate::Kept)
    };
    texts
        .into_iter()
        .map(|(b, owner, t)| (b, owner, crate::chars::fold_whitespace(&t)))
        .filter(|(_, _, t)| !t.is_empty())
        .map(|(b, owner, text)| Entry {
            lines: None,
            tag: Some(page.nodes[b].tag.name()),
            text,
            fate: fate(owner),
        })
        .collect()
}

/// Blocks at the end of the body that are the author's bio and what follows it ("Jane Roe is
/// a chef in Leeds …", "Jane holds a diploma …"): a paragraph among the last
/// [`BIO_BLOCKS`] kept ones that opens with an author's name, as bios do and the story's
/// own sentences about its writer seldom do. Empty without a named author.
fn closing_bio(
    page: &Page,
    roots: &[usize],
    kept: &dyn Fn(usize) -> bool,
    authors: &[String],
) -> Vec<usize> {
    if authors.is_empty() {
        return Vec::new();
    }
    // The last kept blocks, last first, and one more (a bio is never the whole body): text
    // nodes read backwards, each checked up to its root, a left-out subtree skipped whole.
    let mut last: Vec<usize> = Vec::new();
    for &r in roots.iter().rev() {
        let mut i = page.nodes[r].end;
        while i > r && last.len() <= BIO_BLOCKS {
            i -= 1;
            let n = &page.nodes[i];
            if n.tag != Tag::Text || n.text.trim().is_empty() {
                continue;
            }
            let (mut a, mut out) = (i, None);
            while a != r {
                if !kept(a) {
                    out = Some(a);
                }
                a = page.nodes[a].parent;
            }
            match out {
                Some(a) => i = a,
                None if last.last() != Some(&n.block) => last.push(n.block),
                None => {}
            }
        }
    }
    let Some(&start) =
        last.iter().take(BIO_BLOCKS).rev().find(|&&b| {
            page.nodes[b].tag == Tag::P && opens_with_author(&page.text_of(b), authors)
        })
    else {
        return Vec::new();
    };
    if !last.iter().any(|&b| b < start) {
        return Vec::new();
    }
    last.into_iter().filter(|&b| b >= start).collect()
}

/// Blocks from the end of the body a closing bio may start at (feedsmith's, as the text
/// path's closing bio: a bio runs one to three paragraphs).
const BIO_BLOCKS: usize = 3;

/// Whether `text` is a sentence that opens with an author's full or first name ("Jane Roe is
/// …", "Jane holds …", "Jane Roe, editor, …"). Only personal names count: two to four
/// capitalised words.
fn opens_with_author(text: &str, authors: &[String]) -> bool {
    if text.split_whitespace().count() < SENTENCE_WORDS {
        return false;
    }
    let opens = |name: &str| {
        text.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with([' ', ',']))
    };
    // A personal name's words are capitalised ("Jean-Luc", "McKay"), not initials or a brand in
    // capitals ("QCY Official"), and it does not open with "The" as a team's name does.
    let capitalised = |w: &&str| {
        let mut c = w.chars();
        c.next().is_some_and(char::is_uppercase) && c.any(char::is_lowercase)
    };
    authors.iter().any(|author| {
        // "Jane Roe (Staff)": the name is what comes before the note.
        let name = author.split('(').next().unwrap_or_default().trim();
        let words: Vec<&str> = name.split_whitespace().collect();
        (2..=4).contains(&words.len())
            && words.iter().all(capitalised)
            && words[0] != "The"
            && (opens(name) || opens(words[0]))
    })
}

/// A full sentence of prose ("Published in 2019, the report found that…"), which bylines and
/// datelines never are.
fn is_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '?', '。']) && text.split_whitespace().count() >= SENTENCE_WORDS
}

/// Extracts the main content of `page` in `mode`, leaving out the subtrees in `without`.
pub fn extract(page: &Page, mode: Mode, known: &Known, without: &[(usize, usize)]) -> Extracted {
    let live = live_mask(page, mode, known, without);
    let st = stats(page, &live);
    let (top, roots) = choose(page, &live, &st);
    let kept = |i: usize| live[i] && (i == top || left_out(page, i, &st[i], known).is_none());
    let bio = closing_bio(page, &roots, &kept, known.authors);
    let mut out = Extracted {
        html: String::with_capacity(8192),
        chars: 0,
        blocks: Vec::new(),
        spans: roots.iter().map(|&r| (r, page.nodes[r].end)).collect(),
    };
    let mut written = Written::default();
    for &r in &roots {
        let keep = |i: usize| kept(i) && !bio.contains(&i);
        // Wrappers holding no text of their own add only nesting to the output.
        let wrapper = |i: usize| page.nodes[i].tag.is_container() && st[i].own_chars == 0;
        serialize(page, r, (&keep, &wrapper), &mut written, &mut out);
    }
    if known.ctx.trace.is_some() {
        let taken = (&bio[..], &written.copies[..]);
        out.blocks = blocks(page, &live, &st, (&|i| i == top, &roots), known, taken);
    }
    out
}

/// The posts of a discussion thread (sibling subtrees, in order), cleaned as the content is.
/// Each post's message is its longest text block outside its signature (which often runs
/// longer than a one-line reply) and the elements around it up to the post:
/// those stay whatever their names and shape (forum engines name a post's parts for comments,
/// and a one-line reply beside its author's linked name and permalink reads as a link
/// fragment). Class rules apply to the rest of each post: its author's box, signature, votes.
pub fn extract_posts(page: &Page, known: &Known, posts: &[usize]) -> Extracted {
    let mut live = live_mask(page, Mode::Strict, known, &[]);
    let inside = |p: usize| p + 1..page.nodes[p].end;
    // Whether the post's signature holds the node.
    let mut signed = vec![false; page.nodes.len()];
    for &p in posts {
        live[p] = !page.nodes[p].furniture;
        for i in inside(p) {
            let n = &page.nodes[i];
            live[i] = live[n.parent] && !n.furniture;
            signed[i] = signed[n.parent] || SIGNATURE.is_match(&n.class_id);
        }
    }
    let st = stats(page, &live);
    let mut message = vec![false; page.nodes.len()];
    for &p in posts {
        let longest = inside(p)
            .filter(|&i| live[i] && page.nodes[i].tag != Tag::Text && !signed[i])
            .filter(|&i| st[i].own_chars > 0)
            .max_by_key(|&i| (st[i].own_chars, std::cmp::Reverse(i)));
        if let Some(mut b) = longest {
            while b != p {
                message[b] = true;
                b = page.nodes[b].parent;
            }
        }
        message[p] = true;
        for i in inside(p) {
            let n = &page.nodes[i];
            live[i] = live[i] && live[n.parent] && (message[i] || !n.unlikely);
        }
    }
    let st = stats(page, &live);
    let kept = |i: usize| live[i] && (message[i] || left_out(page, i, &st[i], known).is_none());
    let mut out = Extracted {
        html: String::with_capacity(8192),
        chars: 0,
        blocks: Vec::new(),
        spans: posts.iter().map(|&r| (r, page.nodes[r].end)).collect(),
    };
    let mut written = Written::default();
    for &r in posts {
        let wrapper = |i: usize| page.nodes[i].tag.is_container() && st[i].own_chars == 0;
        serialize(page, r, (&kept, &wrapper), &mut written, &mut out);
    }
    if known.ctx.trace.is_some() {
        let taken = (&[][..], &written.copies[..]);
        out.blocks = blocks(page, &live, &st, (&|i| message[i], posts), known, taken);
    }
    out
}

/// Serialises the whole subtree at `root` with no cleaning beyond what `read` already skipped
/// (used for site rules, where the user's selector is trusted).
pub fn serialize_all(page: &Page, root: usize) -> Extracted {
    serialize_kept(page, root, &|_| true)
}

/// The subtree at `root` less the nodes failing `keep`, with their subtrees.
pub fn serialize_kept(page: &Page, root: usize, keep: &dyn Fn(usize) -> bool) -> Extracted {
    let mut out = Extracted {
        html: String::new(),
        chars: 0,
        blocks: Vec::new(),
        spans: vec![(root, page.nodes[root].end)],
    };
    serialize(
        page,
        root,
        (keep, &|_| false),
        &mut Written::default(),
        &mut out,
    );
    out
}

/// A block repeating the text of a block written before it, elsewhere, is a copy of it: a
/// phone and a desktop version of one section, a page builder's variant per screen size, a
/// carousel's cloned slide, a teaser or a reply's preview or quote repeating a paragraph. A
/// section (text in at least [`MIN_COPY_BLOCKS`] blocks) of at least [`MIN_COPY_CHARS`] is a
/// copy; a single line must be a long one in another box than the first, and not a list's
/// entry: shorter lines (an offer's terms, a photo's credit, a price) repeat on their own,
/// one per card, and so do a text's own lines (a meal plan's dishes, a refrain). feedsmith's figures, set on the wcxb-dev pages.
const MIN_COPY_CHARS: u32 = 60;
const MIN_COPY_BLOCKS: usize = 2;
const MIN_LINE_COPY_CHARS: u32 = 150;

/// The texts written so far: each block's text key, with the end of its subtree (a block
/// within it holding the same text is the same text, not a copy) and its parent; and the
/// blocks left out as copies, for the trace.
#[derive(Default)]
struct Written {
    texts: HashMap<(u64, u32), (usize, usize)>,
    copies: Vec<usize>,
}

/// The characters of the block at `i` when it is a copy of a block already written; when it
/// is not, its text is noted.
fn copy_of_written(page: &Page, i: usize, written: &mut Written) -> Option<u32> {
    let (key, chars) = page.text_key(i);
    if chars < MIN_COPY_CHARS {
        return None;
    }
    let Some(&(end, parent)) = written.texts.get(&key) else {
        written
            .texts
            .insert(key, (page.nodes[i].end, page.nodes[i].parent));
        return None;
    };
    let section = || {
        let (mut blocks, mut last) = (0, None);
        for n in &page.nodes[i..page.nodes[i].end] {
            if n.tag == Tag::Text && last != Some(n.block) && !n.text.trim().is_empty() {
                (blocks, last) = (blocks + 1, Some(n.block));
            }
        }
        blocks >= MIN_COPY_BLOCKS
    };
    let line =
        || chars >= MIN_LINE_COPY_CHARS && page.nodes[i].parent != parent && !an_entry(page, i);
    (i >= end && (section() || line())).then_some(chars)
}

/// Whether the block at `i`, or a block around it holding just its text, is an entry of a
/// list or a table: a list repeats its own entries (a meal plan's days, a timetable's stops).
fn an_entry(page: &Page, mut i: usize) -> bool {
    let key = page.text_key(i).0;
    loop {
        if matches!(
            page.nodes[i].tag,
            Tag::Li | Tag::Dd | Tag::Dt | Tag::Td | Tag::Th
        ) {
            return true;
        }
        let p = page.nodes[i].parent;
        if p == i || page.text_key(p).0 != key {
            return false;
        }
        i = p;
    }
}

/// Writes the subtree at `root`: nodes failing `keep` are left out with their subtrees, nodes
/// passing `wrapper` are left out but their children are written, and so are blocks copying
/// one in `written`. Long because it is one iterative walk (no recursion) that writes each
/// kept element and its allowed attributes.
fn serialize(
    page: &Page,
    root: usize,
    (keep, wrapper): (&dyn Fn(usize) -> bool, &dyn Fn(usize) -> bool),
    written: &mut Written,
    out: &mut Extracted,
) {
    enum Step {
        Open(usize),
        Close(&'static str),
    }
    let mut stack = vec![Step::Open(root)];
    // Tables open in what is written. Rows outside one (a row group or a row picked without
    // its table) get a table of their own and a lone cell is written as a block: the body
    // stays HTML that no parser rearranges (a stray `<td>` loses its tag and glues its text
    // to the next cell's).
    let mut tables = 0usize;
    while let Some(step) = stack.pop() {
        let i = match step {
            Step::Close(name) => {
                tables -= usize::from(name == "table");
                out.html.push_str("</");
                out.html.push_str(name);
                out.html.push('>');
                continue;
            }
            Step::Open(i) => i,
        };
        if !keep(i) {
            continue;
        }
        let node = &page.nodes[i];
        if node.tag != Tag::Text && node.tag.is_block() {
            // The copy still counts in `chars`: which candidate wins is judged on the page as
            // served; only the written body loses the copy.
            if let Some(chars) = copy_of_written(page, i, written) {
                out.chars += chars as usize;
                written.copies.push(i);
                continue;
            }
        }
        if node.tag == Tag::Text {
            out.chars += measure(&node.text).0 as usize;
            escape_html_into(&node.text, &mut out.html);
            continue;
        }
        let outside = tables == 0;
        if outside && matches!(node.tag, Tag::Tr | Tag::TablePart) {
            out.html.push_str("<table>");
            tables += 1;
            stack.push(Step::Close("table"));
        }
        let name = match node.tag {
            _ if wrapper(i) => None,
            Tag::Td | Tag::Th if outside => Some("div"),
            // Every container kind, spelled out so a new tag cannot be forgotten here.
            Tag::Container
            | Tag::Article
            | Tag::Main
            | Tag::Header
            | Tag::Footer
            | Tag::Form
            | Tag::Nav
            | Tag::Aside => Some("div"),
            Tag::P => Some("p"),
            Tag::Pre => Some("pre"),
            Tag::Blockquote => Some("blockquote"),
            Tag::Td => Some("td"),
            Tag::Th => Some("th"),
            Tag::Tr => Some("tr"),
            Tag::Table => Some("table"),
            Tag::Ul => Some("ul"),
            Tag::Ol => Some("ol"),
            Tag::Li => Some("li"),
            Tag::Dl => Some("dl"),
            Tag::Dd => Some("dd"),
            Tag::Dt => Some("dt"),
            Tag::Heading(2) => Some("h2"),
            Tag::Heading(3) => Some("h3"),
            Tag::Heading(4) => Some("h4"),
            Tag::Heading(5) => Some("h5"),
            Tag::Heading(_) => Some("h6"),
            Tag::Figure => Some("figure"),
            Tag::Picture => Some("picture"),
            Tag::Source => Some("source"),
            Tag::Img => Some("img"),
            Tag::A => Some("a"),
            Tag::Br => Some("br"),
            Tag::Hr => Some("hr"),
            Tag::Inline(n) => Some(n),
            Tag::Text | Tag::Body | Tag::TablePart | Tag::Transparent | Tag::H1 => None,
            Tag::Figcaption => Some("figcaption"),
        };
        if let Some(name) = name {
            out.html.push('<');
            out.html.push_str(name);
            // A cell written as a block leaves its spans behind.
            let attrs = if name == "div" {
                &[][..]
            } else {
                &node.attrs[..]
            };
            for (k, v) in attrs {
                out.html.push(' ');
                out.html.push_str(k);
                out.html.push_str("=\"");
                escape_html_into(v, &mut out.html);
                out.html.push('"');
            }
            out.html.push('>');
            if matches!(node.tag, Tag::Img | Tag::Br | Tag::Hr | Tag::Source) {
                continue;
            }
            tables += usize::from(name == "table");
            stack.push(Step::Close(name));
        } else if node.tag.is_block() {
            // Keeps words of adjacent blocks apart when the tag itself is dropped.
            out.html.push(' ');
        }
        let first = stack.len();
        stack.extend(page.children(i).map(Step::Open));
        stack[first..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::site;

    fn text(body: &str) -> String {
        let html = format!(
            "<html><head><title>Six gifts</title></head><body><main><article><h1>Six gifts</h1>\
<p>We asked our readers what they would most like to find under the tree, and these are the gifts that came up again and again, with a word on each.</p>{body}</article></main></body></html>"
        );
        let base = url::Url::parse("https://garden.example.com/gifts").ok();
        crate::normalize::testing::article(crate::model::RawBody::Html(html), base)
            .unwrap()
            .content_text
    }

    #[test]
    fn rows_and_cells_picked_on_their_own_are_written_as_whole_html() {
        let doc = dom_query::Document::from(
            "<table><tbody><tr><td colspan=\"2\">1.</td><td>First entry</td></tr></tbody></table>",
        );
        let row = r#"<tr><td colspan="2">1.</td><td>First entry</td></tr>"#;
        for (selector, want) in [
            ("tbody", format!("<table>{row}</table>")),
            ("tr", format!("<table>{row}</table>")),
            ("td[colspan]", "<div>1.</div>".to_string()),
            ("table", format!("<table>{row}</table>")),
        ] {
            let page = super::super::dom::read(doc.select(selector).nodes(), None);
            // Dropped tags (the page's root, a row group) leave a space to keep words apart.
            let html = super::serialize_all(&page, 0).html;
            assert_eq!(html.trim().replace("> <", "><"), want, "{selector}");
        }
    }

    #[test]
    fn a_section_shown_twice_for_two_screen_sizes_is_written_once() {
        let section = "<h2>Planting out</h2><p>Harden the seedlings off for a week before they go out, a few hours longer each day.</p>\
<p>Plant them deep, water them in, and shade them from the midday sun for their first few days.</p>";
        let body = text(&format!(
            "<div class=\"only-desktop\">{section}</div><div class=\"only-mobile\">{section}</div>"
        ));
        assert_eq!(body.matches("Harden the seedlings").count(), 1, "{body}");
        assert_eq!(body.matches("Plant them deep").count(), 1, "{body}");
        // The copy of a long paragraph alone (a teaser repeating the lead) goes too.
        let lead = "Our readers' favourite gift this year was a good pair of secateurs, the kind that lasts for decades, gets sharpened every spring and is handed down to the next gardener.";
        let body = text(&format!(
            "<p>{lead}</p><div><h2>The list</h2><p>{lead}</p></div>"
        ));
        assert_eq!(body.matches("good pair of secateurs").count(), 1, "{body}");
    }

    #[test]
    fn explain_says_a_copy_was_left_out_as_a_copy() {
        use crate::normalize::trace::{Fate, Trace, Why};
        use crate::normalize::{chrome::Rules, learn::Learned, testing, Context};
        let section = "<p>Harden the seedlings off for a week before they go out, a few hours longer each day.</p>\
<p>Plant them deep, water them in, and shade them from the midday sun for their first few days.</p>";
        let html = format!(
            "<html><head><title>Six gifts</title></head><body><main><article><h1>Six gifts</h1>\
<div class=\"only-desktop\">{section}</div><div class=\"only-mobile\">{section}</div></article></main></body></html>"
        );
        let (rules, learned, trace) = (Rules::default(), Learned::default(), Trace::default());
        let ctx = Context {
            trace: Some(&trace),
            ..Context::new(testing::now(), &rules, &learned)
        };
        let raw = testing::raw(crate::model::RawBody::Html(html), None);
        crate::normalize::normalize(&raw, &ctx).unwrap();
        let fates: Vec<Fate> = trace
            .take()
            .entries
            .into_iter()
            .filter(|e| e.text.starts_with("Harden"))
            .map(|e| e.fate)
            .collect();
        assert_eq!(
            fates,
            vec![Fate::Kept, Fate::Dropped { why: Why::Copy }],
            "the first is written, the second is its copy"
        );
    }

    #[test]
    fn a_short_line_repeated_in_each_card_and_a_paragraph_in_its_own_box_stay() {
        let offer = |place: &str| {
            format!("<div class=\"offer\"><h3>{place} breaks</h3><p>Three nights in {place} with breakfast from our partner hotels.</p><p>Must be booked by the end of the month.</p></div>")
        };
        let body = text(&format!(
            "{}{}{}",
            offer("Bath"),
            offer("York"),
            offer("Ely")
        ));
        assert_eq!(body.matches("Must be booked").count(), 3, "{body}");
        // A list's entries repeat too, however long: a menu's days.
        let dish = "Lentil soup with a swirl of yogurt, a slice of rye bread, a handful of toasted seeds on top and half a cup of grapes or any other fruit in season afterwards.";
        let day = |d: &str| {
            format!(
                "<h3>{d}</h3><ul><li>{dish}</li><li>Roast chicken with greens on {d}.</li></ul>"
            )
        };
        let body = text(&format!("{}{}", day("Monday"), day("Tuesday")));
        assert_eq!(body.matches("Lentil soup").count(), 2, "{body}");
        let body = text(&format!(
            "<h3>Monday</h3><p>{dish}</p><h3>Tuesday</h3><p>{dish}</p>"
        ));
        assert_eq!(body.matches("Lentil soup").count(), 2, "{body}");
        // A block holding only a paragraph holds the same text as it: both are the one text.
        let one = "A pair of gloves that fit well and let you feel what you are doing, which is rarer than it should be.";
        let body = text(&format!("<div class=\"tip\"><p>{one}</p></div>"));
        assert_eq!(body.matches("A pair of gloves").count(), 1, "{body}");
    }

    #[test]
    fn a_part_with_a_list_of_sentences_continues_the_article_a_box_of_facts_does_not() {
        use super::{continues_article, Stats, Tag};
        let part = |paragraphs, items, chars| Stats {
            paragraphs,
            items,
            chars,
            ..Stats::default()
        };
        // Two paragraphs and four sentence-long steps; as many items as paragraphs.
        assert!(continues_article(Tag::Container, &part(2, 4, 600)));
        assert!(continues_article(Tag::Container, &part(3, 3, 400)));
        // Two lines over six short facts ("Rent: £40 a year").
        assert!(!continues_article(Tag::Container, &part(2, 6, 400)));
    }

    #[test]
    fn the_authors_bio_closing_the_body_goes() {
        let text = |author: &str, end: &str| {
            let html = format!(
                r#"<html><head><title>Winter sowing</title><meta name="author" content="{author}"></head><body><main><article><h1>Winter sowing</h1>
<p>Broad beans sown in November make sturdier plants than those sown in spring, and they crop a fortnight earlier, which is reason enough to start now.</p>
<p>Use deep pots, a gritty compost and a cold frame, and pinch the tips out once the seedlings have three pairs of leaves and the first flowers open.</p>{end}</article></main></body></html>"#
            );
            let base = url::Url::parse("https://garden.example.com/sowing").ok();
            crate::normalize::testing::article(crate::model::RawBody::Html(html), base)
                .unwrap()
                .content_text
        };
        // By full name, with what follows it; by first name.
        let t = text(
            "Jane Roe",
            "<p>Jane Roe is a garden writer and grower who has kept an allotment in Leeds for twenty years.</p><p>Her books on cut flowers have been translated into four languages.</p>",
        );
        assert!(t.contains("pinch the tips"), "{t}");
        assert!(
            !t.contains("garden writer") && !t.contains("four languages"),
            "{t}"
        );
        let t = text(
            "Jane Roe (Staff)",
            "<p>Jane holds a diploma in horticulture and trials new varieties on her plot every summer.</p>",
        );
        assert!(!t.contains("diploma"), "{t}");
        // Someone else's name, a team's name, or a closing line too short to be a bio: kept.
        let t = text(
            "Jane Roe",
            "<p>John Smith is the head gardener at the park, and he sows his beans in October under glass.</p>",
        );
        assert!(t.contains("head gardener"), "{t}");
        let t = text(
            "The Garden Team",
            "<p>The beans can go out in March, once the worst of the frosts are over and the soil has warmed.</p>",
        );
        assert!(t.contains("worst of the frosts"), "{t}");
        let t = text("Jane Roe", "<p>Jane Roe writes weekly.</p>");
        assert!(t.contains("writes weekly"), "{t}");
    }

    #[test]
    fn a_contents_header_and_a_learn_more_button_go_sentences_naming_them_stay() {
        let t = text(
            "<h2>Table of Contents</h2><p>The hellebores come first, then the snowdrops.</p>\
<p>Most of them flower in the shade of a hedge, and none of them mind the frost.</p><p>Learn More</p>\
<p>Find out more about the table of contents of our seed catalogue, which lists every variety.</p>",
        );
        assert!(
            !t.contains("Table of Contents") && !t.contains("Learn More"),
            "{t}"
        );
        assert!(
            t.contains("hellebores") && t.contains("seed catalogue"),
            "{t}"
        );
        for l in [
            "Inhaltsverzeichnis",
            "Contents [hide]",
            "Find out more.",
            "Mehr erfahren",
        ] {
            assert!(super::BOILERPLATE.is_match(l), "{l}");
        }
    }

    #[test]
    fn round_up_entries_with_a_line_or_two_of_their_own_stay() {
        let entry = |name: &str, blurb: &str| {
            format!(
                r#"<div class="entry"><h3><a href="https://shop.example.net/{name}">{name}</a></h3><p>{blurb}</p></div>"#
            )
        };
        let body: String = [
            ("Kneeler", "A padded kneeler that flips over into a low seat, so weeding the border stops hurting, and folds flat behind the shed door when the job is done for the day."),
            ("Trug", "Woven by hand from English willow, the trug carries cut flowers, windfalls and tools, and looks better with every year it is carried out to the plot and back again."),
            ("Snips", "Light, sharp and spring-loaded, these snips cut sweet peas and dahlias cleanly, and the little lock keeps them safe in a coat pocket as you walk between the beds."),
        ]
        .iter()
        .map(|(n, b)| entry(n, b))
        .collect();
        let t = text(&body);
        for kept in ["Kneeler", "willow", "Snips"] {
            assert!(t.contains(kept), "{kept}: {t}");
        }
        // Teaser cards for the site's other pages carry a headline and a few words.
        let cards: String = ["Plant garlic now", "Sharpen shears", "Winter jobs"]
            .iter()
            .map(|h| format!(r#"<div class="card"><h4><a href="/{h}">{h}</a></h4><p>Seven tasks for frosty days.</p></div>"#))
            .collect();
        let t = text(&format!("<div>{cards}</div>"));
        assert!(!t.contains("garlic"), "{t}");
    }

    #[test]
    fn a_part_of_the_article_in_a_widget_named_box_stays_a_short_one_goes() {
        // A page builder puts each section of the body in a "widget" (named as chrome), its
        // prose with few commas.
        let part = |h: &str| {
            format!(
                r#"<div class="widget"><h2>{h}</h2><p>Sow the seed thinly in drills a finger deep and cover it with fine soil.</p>
<p>Water the rows with a rose on the can so the seed stays where it was sown.</p>
<p>Thin the seedlings once they are big enough to handle and keep the hoe going between the rows.</p>
<p>Net the rows against birds until the plants are well away and growing strongly.</p></div>"#
            )
        };
        let promo = r#"<div class="widget"><p>Get our free sowing calendar today.</p></div>"#;
        let t = text(&format!("{}{}{promo}", part("Carrots"), part("Beetroot")));
        for kept in ["Carrots", "Beetroot", "finger deep", "Net the rows"] {
            assert!(t.contains(kept), "{kept}: {t}");
        }
        assert!(!t.contains("sowing calendar"), "{t}");
    }

    #[test]
    fn an_entrys_labelled_facts_stay_however_linked_a_menu_does_not() {
        // A ranked garden's box: a line on it, then its facts, the values linked.
        let entry = |name: &str| {
            format!(
                r#"<div class="garden"><h2>{name}</h2><p>A walled garden kept by volunteers.</p><ul>
<li><strong>Opening hours:</strong> <a href="/{name}/hours">9 to 5</a></li>
<li><strong>Official website</strong>: <a href="https://{name}.example.org/">{name} gardens</a></li>
<li><strong>Entry:</strong> <a href="/{name}/tickets">free for members</a></li>
<li><a href="/{name}/map">Map</a></li></ul></div>"#
            )
        };
        let t = text(&format!("{}{}", entry("Ashcombe"), entry("Brierley")));
        for kept in [
            "Opening hours: 9 to 5",
            "Ashcombe gardens",
            "Entry: free for members",
        ] {
            assert!(t.contains(kept), "{kept}: {t}");
        }
        // A box of links whose labels are the links ("Spring: …" linked whole) is a menu.
        let menu = r#"<div class="more"><ul><li><a href="/spring">Spring: sowing</a></li>
<li><a href="/summer">Summer: watering</a></li><li><a href="/autumn">Autumn: planting</a></li></ul></div>"#;
        let t = text(menu);
        assert!(!t.contains("watering"), "{t}");
    }

    #[test]
    fn a_rankings_entries_in_boxes_of_one_class_all_stay() {
        // Each provider in its own list item; the first one's review is the longest, so the
        // best block is inside it, beside its pros.
        let para = "The plan covered trip cancellation, medical evacuation and lost luggage, and the claims we filed, for a delayed flight and a lost case, were settled within a fortnight.";
        let entry = |name: &str, paragraphs: usize| {
            let review =
                format!("<p>{name} came out well in our tests. {para}</p>").repeat(paragraphs);
            format!(
                r#"<li class="provider" id="{name}"><div class="inner"><h2>{name}</h2><div class="review">{review}</div><div class="pros"><h3>Pros</h3><ul><li>Cheap</li><li>Fast claims</li></ul></div></div></li>"#
            )
        };
        let body = format!(
            r#"<ul class="providers">{}{}{}{}</ul>"#,
            entry("Alpha", 6),
            entry("Bravo", 2),
            entry("Charlie", 2),
            entry("Delta", 2)
        );
        let t = text(&body);
        for kept in ["Alpha came out", "Bravo came out", "Delta came out"] {
            assert!(t.contains(kept), "{kept}: {t}");
        }
    }

    #[test]
    fn a_list_whose_items_cite_a_page_in_a_sentence_stays() {
        let t = text(
            r#"<ul><li>Check <a href="/guides/tools">our guide to buying garden tools</a> for which handle lengths suit which jobs.</li>
<li>Ask whether the gardener owns <a href="/tools/kneelers">a good kneeler or trug</a>: most have a favourite.</li>
<li>Buy from <a href="/makers">a local maker or blacksmith</a> where you can, since repairs are easier.</li></ul>"#,
        );
        assert!(t.contains("handle lengths"), "{t}");
        let t = text(
            r#"<ul><li><a href="/a">Plant garlic now, before the frost</a></li><li><a href="/b">How to sharpen your shears</a></li>
<li><a href="/c">Seven winter jobs for the plot</a></li></ul>"#,
        );
        assert!(!t.contains("garlic"), "{t}");
    }

    #[test]
    fn paragraphs_and_long_items_that_link_their_subjects_stay() {
        // Each paragraph links the thing it describes, as a page of webcams or hotels does.
        let paragraph = |name: &str| {
            format!(
                r#"<p><a href="/cams/{name}">View the {name} webcam</a> from the valley floor, with the weather.</p>"#
            )
        };
        let body: String = ["falls", "meadow", "dome"]
            .into_iter()
            .map(paragraph)
            .collect();
        let t = text(&format!("<div>{body}</div>"));
        assert!(t.contains("meadow webcam"), "{t}");
        let items = r#"<ul><li><a href="/kit/poles">Trekking poles that fold small</a> and weigh little</li>
<li><a href="/kit/stove">A canister stove with a windshield</a> and a pot</li>
<li><a href="/kit/maps">A paper map of the area</a>, in a bag that keeps it dry</li>
<li>Spare socks, a warm hat and gloves, even in summer</li></ul>"#;
        assert!(text(items).contains("canister stove"));
    }

    #[test]
    fn site_is_the_registrable_part_of_a_host() {
        assert_eq!(site("video.foxbusiness.com"), "foxbusiness.com");
        assert_eq!(site("foxbusiness.com"), "foxbusiness.com");
        assert_eq!(site("www.express.co.uk"), "express.co.uk");
        assert_eq!(site("g1.globo.com.br"), "globo.com.br");
        assert_eq!(site("localhost"), "localhost");
    }
}
