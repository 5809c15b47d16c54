//! Pages that are not articles: a listing, a shop's collection, a news front page, a search
//! result. Their content is the main list's repeated cards (each a title or link with a little
//! text: a teaser, a price, a rating), and the article scorer, which looks for one dense run of
//! prose, keeps one card or a stray sentence instead. When the page's largest group of sibling
//! items of one shape holds far more text than the scorer's pick, and that pick is not shaped
//! like an article, the body is all those cards, in order.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::dom::{measure, Page, Tag};
use super::score::{serialize_all, Extracted};

// Feedsmith's own figures, set on the wcxb-dev listing, collection and product pages.

/// Fewest sibling items of one shape that make a list of cards.
const MIN_CARDS: usize = 4;
/// A card's text bounds (characters): under it is a menu entry, over it a section of prose.
const MIN_CARD_CHARS: u32 = 20;
const MAX_CARD_CHARS: u32 = 1500;
/// Share of a group's items that must be cards (a title or link and some text), in quarters.
const CARD_QUARTERS: usize = 3;
/// The list must hold this many times the scorer's pick to replace it, and this much text.
const FULLER: usize = 2;
const MIN_LIST_CHARS: u32 = 300;
/// A pick with this many paragraphs of this length is an article, whatever lists the page has.
const PROSE_PARAGRAPHS: usize = 3;
const PROSE_CHARS: u32 = 200;

/// The page's main list of cards, when it should be the body instead of `best`.
pub fn main_list(page: &Page, best: &Extracted) -> Option<Extracted> {
    let n = page.nodes.len();
    // Text and link characters of each subtree, and whether it holds a link or heading, over
    // the nodes that page furniture and chrome-named containers do not take out.
    let mut dead = vec![false; n];
    for i in 1..n {
        let node = &page.nodes[i];
        dead[i] = dead[node.parent] || node.furniture || node.unlikely;
    }
    let mut chars = vec![0u32; n];
    let mut titled = vec![false; n];
    for i in (1..n).rev() {
        if dead[i] {
            continue;
        }
        let node = &page.nodes[i];
        if node.tag == Tag::Text {
            chars[i] = measure(&node.text).0;
        }
        titled[i] |= matches!(node.tag, Tag::A | Tag::Heading(_) | Tag::H1);
        let p = node.parent;
        chars[p] += chars[i];
        titled[p] |= titled[i];
    }
    // Lists of one kind (the list's and its items' shapes) anywhere on the page, each with its
    // cards' characters: a front page repeats its list once per section.
    let mut lists: Vec<((u64, u64), u32, Vec<usize>)> = Vec::new();
    let mut groups: Vec<(u64, usize, Vec<usize>)> = Vec::new();
    for p in 1..n {
        if dead[p] || page.nodes[p].tag == Tag::Text || chars[p] < MIN_CARD_CHARS * MIN_CARDS as u32 {
            continue;
        }
        groups.clear();
        for c in page.children(p) {
            if dead[c] || page.nodes[c].tag == Tag::Text {
                continue;
            }
            let sig = signature(page, c);
            match groups.iter_mut().find(|g| g.0 == sig) {
                Some(g) => {
                    g.1 += 1;
                    g.2.push(c);
                }
                None => groups.push((sig, 1, vec![c])),
            }
        }
        for (sig, members, items) in groups.iter_mut() {
            if *members < MIN_CARDS {
                continue;
            }
            items.retain(|&c| {
                titled[c] && (MIN_CARD_CHARS..=MAX_CARD_CHARS).contains(&chars[c])
            });
            if items.len() < MIN_CARDS || items.len() * 4 < *members * CARD_QUARTERS {
                continue;
            }
            let kind = (signature(page, p), *sig);
            let total: u32 = items.iter().map(|&c| chars[c]).sum();
            match lists.iter_mut().find(|l| l.0 == kind) {
                Some(l) => {
                    l.1 += total;
                    l.2.append(items);
                }
                None => lists.push((kind, total, std::mem::take(items))),
            }
        }
    }
    let winner = lists
        .into_iter()
        .filter(|l| l.1 >= MIN_LIST_CHARS)
        .max_by_key(|l| l.1)
        .map(|l| (l.1, l.2));
    let (total, cards) = winner?;
    if (total as usize) < best.chars * FULLER || article_shaped(&best.html) {
        return None;
    }
    let mut out = Extracted {
        html: String::new(),
        chars: 0,
        blocks: Vec::new(),
        spans: Vec::new(),
    };
    // A pick standing before the list is its heading or introduction: it stays, first.
    if best.spans.iter().all(|&(_, end)| end <= cards[0]) {
        out.html.push_str(&best.html);
        out.chars += best.chars;
        out.spans.extend(&best.spans);
    }
    for c in cards {
        let card = serialize_all(page, c);
        out.html.push_str(&card.html);
        out.chars += card.chars;
        out.spans.extend(card.spans);
    }
    Some(out)
}

/// Which items are "of one shape": the same element and class names, digits aside (a card's
/// id or position is often numbered).
fn signature(page: &Page, i: usize) -> u64 {
    let node = &page.nodes[i];
    let mut h = DefaultHasher::new();
    node.tag.name().hash(&mut h);
    for c in node.class_id.chars().filter(|c| !c.is_ascii_digit()) {
        c.hash(&mut h);
    }
    h.finish()
}

/// Whether the scorer's pick reads as an article: several paragraphs of prose. Judged on its
/// markup, as the pick may come from a copy of the page (a `<noscript>`) rather than `page`.
fn article_shaped(html: &str) -> bool {
    crate::normalize::sanitize::html_to_text(html)
        .split("\n\n")
        .filter(|p| measure(p).0 >= PROSE_CHARS)
        .nth(PROSE_PARAGRAPHS - 1)
        .is_some()
}
