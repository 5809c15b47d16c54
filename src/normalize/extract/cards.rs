//! Pages that are not articles: a listing, a shop's collection, a news front page, a search
//! result. Their content is the main list's repeated cards (each a title or link with a little
//! text: a teaser, a price, a rating), and the article scorer, which looks for one dense run of
//! prose, keeps one card or a stray sentence instead. When the page's largest group of sibling
//! items of one shape holds far more text than the scorer's pick, and that pick is not shaped
//! like an article, the body is all those cards, in order. A product's or service's short
//! description is often one block among siblings holding its specifications and features as
//! lists: those join it. A page of many short sections (a service's landing page) whose pick
//! is one of them is its `<main>` element.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use std::sync::LazyLock;

use regex::Regex;

use super::dom::{measure, Node, Page, Tag};
use super::names;
use super::score::{serialize_all, serialize_kept, Extracted};
use crate::normalize::trace::BodyFrom;

// Feedsmith's own figures, set on the wcxb-dev listing, collection and product pages.

/// Fewest items of one shape that make a list of cards, and fewest siblings of one parent
/// among them: a grid is often wrapped per row, a front page per section, a few cards each.
const MIN_CARDS: usize = 4;
const MIN_ROW: usize = 2;
/// How many of an item's class names make its shape.
const SIGNATURE_NAMES: usize = 2;
/// The class WordPress (and WooCommerce, on products) gives every published post it lists.
const PUBLISHED_POST: &str = "status-publish";
/// A card's text bounds (characters): under it is a menu entry, over it a section of prose.
const MIN_CARD_CHARS: u32 = 20;
const MAX_CARD_CHARS: u32 = 1500;
/// Share of a group's items that must be cards (a title or link and some text), in quarters.
const CARD_QUARTERS: usize = 3;
/// The list must hold this many times the scorer's pick to replace it, and this much text.
const FULLER: usize = 2;
const MIN_LIST_CHARS: u32 = 300;
/// The `<main>` element must hold this many times the pick to replace it: at twice, an
/// article of short paragraphs lost to the report links and teasers beside it.
const MAIN_FULLER: usize = 3;
/// A pick with this many paragraphs of this length is an article, whatever lists the page has.
const PROSE_PARAGRAPHS: usize = 3;
const PROSE_CHARS: u32 = 200;
/// A pick under this many characters may be a product's description, whose facts sit beside
/// it; a fact list has at least this many items, at most this much text, and under one
/// character in this many linked.
const MAX_FACTS_PICK: usize = 1500;
const MIN_FACTS: usize = 2;
const MAX_FACTS_CHARS: u32 = 3000;
const MAX_FACT_LINKS: u32 = 5;

/// The body instead of `best` when the page is a listing (its main list's cards), a product
/// (the pick with the fact lists beside it) or a page of many sections (its `<main>`), with
/// which it is; `None` keeps `best`. `dated`: the page has a publication date.
pub fn widen(page: &Page, best: &Extracted, dated: bool) -> Option<(Extracted, BodyFrom)> {
    let n = page.nodes.len();
    // Text and link characters of each subtree, and whether it holds a link or heading, over
    // the nodes that page furniture and chrome-named containers do not take out.
    let mut dead = vec![false; n];
    let mut in_article = vec![false; n];
    for i in 1..n {
        let node = &page.nodes[i];
        let p = node.parent;
        in_article[i] = in_article[p] || node.tag == Tag::Article;
        dead[i] = dead[p]
            || node.furniture
            || (node.unlikely && !names_mislead(node, in_article[p]) && !names_list_part(node));
    }
    let mut chars = vec![0u32; n];
    let mut links = vec![0u32; n];
    let mut titled = vec![false; n];
    for i in (1..n).rev() {
        if dead[i] {
            continue;
        }
        let node = &page.nodes[i];
        if node.tag == Tag::Text {
            chars[i] = measure(&node.text).0;
            links[i] = if node.in_link { chars[i] } else { 0 };
        }
        titled[i] |= matches!(node.tag, Tag::A | Tag::Heading(_) | Tag::H1);
        let p = node.parent;
        chars[p] += chars[i];
        links[p] += links[i];
        titled[p] |= titled[i];
    }
    // Lists of one kind (the list's and its items' shapes) anywhere on the page, each with its
    // cards' characters: a front page repeats its list once per section.
    let mut lists: Vec<((u64, u64), u32, Vec<usize>)> = Vec::new();
    let mut groups: Vec<(u64, usize, Vec<usize>)> = Vec::new();
    for p in 1..n {
        if dead[p] || page.nodes[p].tag == Tag::Text || chars[p] < MIN_CARD_CHARS * MIN_CARDS as u32
        {
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
            if *members < MIN_ROW {
                continue;
            }
            items.retain(|&c| titled[c] && (MIN_CARD_CHARS..=MAX_CARD_CHARS).contains(&chars[c]));
            if items.len() < MIN_ROW || items.len() * 4 < *members * CARD_QUARTERS {
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
        .filter(|l| l.1 >= MIN_LIST_CHARS && l.2.len() >= MIN_CARDS)
        .max_by_key(|l| l.1)
        .map(|l| (l.1, l.2));
    // The pick's subtrees, when it was taken from this page (not from a copy of it).
    let own = !best.spans.is_empty()
        && best
            .spans
            .iter()
            .all(|&(start, end)| start < n && page.nodes[start].end == end);
    if let Some((total, cards)) = winner {
        // A pick holding the list is the list cleaned of its cards' short parts (prices,
        // ratings): the cards themselves are fuller. Elsewhere they must clearly outweigh it.
        // (Only when the list is most of the pick: an article above a grid of teasers, both in
        // one container, stays the article.)
        let inside = own
            && best
                .spans
                .iter()
                .any(|&(s, e)| cards[0] > s && cards[0] < e);
        let around: u32 = best.spans.iter().map(|&(s, _)| chars[s]).sum();
        let mostly = around.saturating_sub(total) * 4 < total;
        let need = if inside && mostly {
            best.chars + 1
        } else {
            best.chars * FULLER
        };
        if total as usize >= need && !article_shaped(&best.html) {
            let mut out = empty();
            // A pick standing before the list is its heading or introduction: it stays, first.
            if best.spans.iter().all(|&(_, end)| end <= cards[0]) {
                push(&mut out, best);
            }
            // A card shown twice (a carousel's clones, a phone and a desktop copy) is one card.
            let mut seen: Vec<String> = Vec::new();
            for c in cards {
                let card = serialize_all(page, c);
                if !seen.contains(&card.html) {
                    push(&mut out, &card);
                    seen.push(card.html);
                }
            }
            return Some((out, BodyFrom::Cards));
        }
    }
    if !own {
        return None;
    }
    // A pick of a few paragraphs of prose may be one section of a landing page: on a page
    // without a publication date (an article has one), it yields to the page's `<main>`.
    if article_shaped(&best.html) {
        return if dated {
            None
        } else {
            main_element(page, best, &dead, &chars, &in_article, false)
        };
    }
    facts(page, best, &dead, &chars, &links)
        .or_else(|| main_element(page, best, &dead, &chars, &in_article, !dated))
}

/// A page of many sections (a service's or product's landing page, a shop's category page
/// without one list of cards) whose pick is one of them: the page's `<main>` element, less
/// its furniture, when it holds far more text than the pick. A pick in an `<article>` is
/// what the page itself calls its article: it stays. With `region` (an undated page), a page
/// without `<main>` has the pick's outermost ancestor below `<body>` that chrome does not
/// take out in its place: the wrapper of the page's sections, less its header and footer.
fn main_element(
    page: &Page,
    best: &Extracted,
    dead: &[bool],
    chars: &[u32],
    in_article: &[bool],
    region: bool,
) -> Option<(Extracted, BodyFrom)> {
    if best.spans.iter().any(|&(s, _)| in_article[s]) {
        return None;
    }
    let main = match (1..page.nodes.len()).find(|&i| page.nodes[i].tag == Tag::Main && !dead[i]) {
        Some(main) => main,
        None if region => {
            let mut r = best.spans[0].0;
            loop {
                let p = page.nodes[r].parent;
                if p == 0 || page.nodes[p].tag == Tag::Body || dead[p] {
                    break r;
                }
                r = p;
            }
        }
        None => return None,
    };
    let total = chars[main] as usize;
    if total < MIN_LIST_CHARS as usize || total < best.chars * MAIN_FULLER {
        return None;
    }
    Some((serialize_kept(page, main, &|i| !dead[i]), BodyFrom::Main))
}

/// A product's or service's facts beside its description (a short pick): the pick's sibling
/// blocks that are lists without links (specifications, features, what is included).
fn facts(
    page: &Page,
    best: &Extracted,
    dead: &[bool],
    chars: &[u32],
    links: &[u32],
) -> Option<(Extracted, BodyFrom)> {
    if best.spans.len() != 1 || best.chars >= MAX_FACTS_PICK {
        return None;
    }
    let root = best.spans[0].0;
    let parent = page.nodes[root].parent;
    if parent == 0 {
        return None;
    }
    let facts = |c: usize| {
        let items = page.nodes[c..page.nodes[c].end]
            .iter()
            .filter(|d| matches!(d.tag, Tag::Li | Tag::Dt | Tag::Tr))
            .count();
        !dead[c]
            && c != root
            && items >= MIN_FACTS
            && (MIN_CARD_CHARS..=MAX_FACTS_CHARS).contains(&chars[c])
            && links[c] * MAX_FACT_LINKS < chars[c]
    };
    if !page.children(parent).any(facts) {
        return None;
    }
    let mut out = empty();
    for c in page.children(parent) {
        if c == root {
            push(&mut out, best);
        } else if facts(c) {
            push(&mut out, &serialize_all(page, c));
        }
    }
    Some((out, BodyFrom::Facts))
}

fn empty() -> Extracted {
    Extracted {
        html: String::new(),
        chars: 0,
        blocks: Vec::new(),
        spans: Vec::new(),
    }
}

fn push(out: &mut Extracted, part: &Extracted) {
    out.html.push_str(&part.html);
    out.chars += part.chars;
    out.spans.extend(&part.spans);
}

/// Which items are "of one shape": the same element and first two class names, digits aside
/// (a card's id or position is often numbered). Later names often vary per card (its
/// categories, stock, "first" or "last" in its row); page builders that give every block the
/// same first name give it its own second one.
fn signature(page: &Page, i: usize) -> u64 {
    shape(page, i, SIGNATURE_NAMES)
}

/// The element and its first `names` class names, digits aside, as one hash.
pub(super) fn shape(page: &Page, i: usize, names: usize) -> u64 {
    let node = &page.nodes[i];
    let mut h = DefaultHasher::new();
    node.tag.name().hash(&mut h);
    for name in node.class_id.split_whitespace().take(names) {
        for c in name.chars().filter(|c| !c.is_ascii_digit()) {
            c.hash(&mut h);
        }
        ' '.hash(&mut h);
    }
    h.finish()
}

/// Whether a node's class or id names are no reason to drop it from a card: an article's
/// `<header>` holds its title, and a post's classes from a publishing system name its
/// categories and tags ("status-publish … category-news tag-tents product_tag-cups"), not a
/// tag box.
fn names_mislead(node: &Node, in_article: bool) -> bool {
    (node.tag == Tag::Header && in_article)
        || node
            .class_id
            .split_whitespace()
            .any(|t| t == PUBLISHED_POST)
}

static LIST_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(crate::normalize::lexicon::LIST_PART_NAMES).unwrap());

/// Whether a node is dropped only for a name that, around cards, names the list or a card's
/// part (`LIST_PART_NAMES`): without those words its names are no furniture. A `<header>` or
/// `<footer>` element is furniture by its tag.
fn names_list_part(node: &Node) -> bool {
    !matches!(node.tag, Tag::Header | Tag::Footer)
        && LIST_PART.is_match(&node.class_id)
        && !names::judge(&LIST_PART.replace_all(&node.class_id, " ")).negative
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

#[cfg(test)]
mod tests {
    use crate::model::RawBody;
    use crate::normalize::trace::BodyFrom;

    fn text(html: &str) -> String {
        let base = url::Url::parse("https://shop.example.com/c/tents").ok();
        crate::normalize::testing::article(RawBody::Html(html.to_string()), base)
            .unwrap()
            .content_text
    }

    /// Where the body of `html` came from.
    fn from(html: &str) -> BodyFrom {
        use crate::normalize::{chrome::Rules, learn::Learned, testing, trace::Trace, Context};
        let (rules, learned, trace) = (Rules::default(), Learned::default(), Trace::default());
        let ctx = Context {
            trace: Some(&trace),
            ..Context::new(testing::now(), &rules, &learned)
        };
        let base = url::Url::parse("https://shop.example.com/c/tents").ok();
        let raw = testing::raw(RawBody::Html(html.to_string()), base);
        crate::normalize::normalize(&raw, &ctx).unwrap();
        trace.take().body_from
    }

    fn cards(n: usize) -> String {
        (1..=n)
            .map(|i| {
                format!(
                    r#"<div class="tile"><a href="/p/{i}"><h3>Ridge Tent Model {i}</h3></a><span class="price">${i}9.95</span><p>Sleeps {i}, weighs {i} kilos packed.</p></div>"#
                )
            })
            .collect()
    }

    #[test]
    fn a_listing_is_all_its_cards_in_order_with_their_prices() {
        let html = format!(
            r#"<html><body><header><a href="/">Shop</a></header><main><h1>Tents</h1>
<div class="grid">{}</div></main>
<footer><p>© Shop</p></footer></body></html>"#,
            cards(6)
        );
        let t = text(&html);
        let mut at = 0;
        for i in 1..=6 {
            let found = t[at..]
                .find(&format!("Ridge Tent Model {i}"))
                .unwrap_or_else(|| panic!("card {i} missing or out of order: {t}"));
            at += found;
            assert!(t.contains(&format!("${i}9.95")), "price {i}: {t}");
        }
        for chrome in ["Shop", "©"] {
            assert!(!t.contains(chrome), "{chrome}: {t}");
        }
    }

    #[test]
    fn an_article_beside_a_grid_of_cards_stays_the_article() {
        let prose: String = (0..4)
            .map(|i| format!("<p>Paragraph {i} of the review, in which the tester pitched the tent in rain, wind and snow, and found the seams dry, the poles sound and the floor intact after a week.</p>"))
            .collect();
        let html = format!(
            r#"<html><body><main><article><h1>Ridge tent review</h1>{prose}</article>
<div class="grid">{}</div></main></body></html>"#,
            cards(12)
        );
        let t = text(&html);
        assert!(t.contains("Paragraph 3 of the review"), "{t}");
        assert!(!t.contains("Ridge Tent Model"), "{t}");
    }

    /// A WooCommerce-style product item: later classes vary per card (its place in the row,
    /// its stock) and the post classes name its tags, which read as a tag box.
    fn product(i: usize, extra: &str) -> String {
        format!(
            r#"<li class="product type-product post-{i}0 status-publish {extra} product_cat-tents product_tag-camping"><a href="/p/{i}"><h2>Two-Person Dome Tent Number {i}</h2></a><span class="price">${i}9.00</span></li>"#
        )
    }

    #[test]
    fn cards_wrapped_per_row_whose_classes_vary_are_one_list() {
        let rows: String = (0..3)
            .map(|r| {
                let row: String = (1..=3)
                    .map(|c| {
                        let i = r * 3 + c;
                        product(
                            i,
                            if c == 1 {
                                "first instock"
                            } else {
                                "outofstock"
                            },
                        )
                    })
                    .collect();
                format!(r#"<ul class="products columns-3">{row}</ul>"#)
            })
            .collect();
        let html = format!(
            r#"<html><body><main><h1>Tents</h1><div class="shop">{rows}</div></main>
<footer><p>© Shop</p></footer></body></html>"#
        );
        let t = text(&html);
        for i in 1..=9 {
            assert!(
                t.contains(&format!("Dome Tent Number {i}")),
                "card {i}: {t}"
            );
            assert!(t.contains(&format!("${i}9.00")), "price {i}: {t}");
        }
        assert_eq!(from(&html), BodyFrom::Cards);
    }

    #[test]
    fn an_article_cards_header_holds_its_title_and_a_repeated_card_shows_once() {
        let card = |i: usize| {
            format!(
                r#"<article class="river"><header><h2><a href="/n/{i}">Trail news item {i} for the week</a></h2><p>A short teaser for item {i}, a line or two.</p></header></article>"#
            )
        };
        let section = |from: usize| -> String { (from..from + 3).map(card).collect() };
        let html = format!(
            r#"<html><body><main><h1>Trail news</h1>
<section class="col">{}</section><section class="col">{}</section><section class="col">{}</section>
</main></body></html>"#,
            section(1),
            section(4),
            section(4)
        );
        let t = text(&html);
        for i in 1..=6 {
            assert_eq!(
                t.matches(&format!("Trail news item {i} for")).count(),
                1,
                "item {i}: {t}"
            );
            assert!(t.contains(&format!("A short teaser for item {i}")), "{t}");
        }
        assert_eq!(from(&html), BodyFrom::Cards);
    }

    #[test]
    fn search_results_of_captioned_cards_are_the_list() {
        // A shop's category page served as its search results, each card's text in a caption;
        // "search" and "caption" otherwise name furniture (a search box, a picture's credit).
        let cards: String = (1..=6)
            .map(|i| format!(r#"<li class="tile"><a href="/p/{i}"><img src="/i/{i}.jpg" alt=""></a><div class="product-caption"><h3><a href="/p/{i}">Trail Lamp Model {i}</a></h3><span class="price">${i}4.95</span><p>{i}00 lumens, rechargeable, with a red light for the tent at night.</p></div></li>"#))
            .collect();
        let html = format!(
            r#"<html><body><header><a href="/">Shop</a></header><main><h1>Lamps</h1>
<div class="search"><form><input name="q"><button>Search</button></form></div>
<div id="search-results"><ul class="grid">{cards}</ul></div></main>
<footer><p>© Shop</p></footer></body></html>"#
        );
        let t = text(&html);
        for i in 1..=6 {
            assert!(
                t.contains(&format!("Trail Lamp Model {i}")),
                "card {i}: {t}"
            );
            assert!(t.contains(&format!("${i}4.95")), "price {i}: {t}");
        }
        assert_eq!(from(&html), BodyFrom::Cards);
    }

    /// A landing page: an introduction of three paragraphs of prose, then sections of tiles
    /// of several shapes (no list of cards), all in `wrapper`; `head` may date the page.
    fn landing(head: &str, open: &str, close: &str) -> String {
        let prose: String = (1..=3)
            .map(|i| format!("<p>Paragraph {i} of the introduction: the firm plans, builds and runs the networks, phones and backups of small offices, with one named engineer for each client from the first call to the launch and for years after it.</p>"))
            .collect();
        let sections: String = ["plans", "steps", "sectors", "offices", "awards"]
            .iter()
            .map(|kind| {
                let tiles: String = (1..=3)
                    .map(|i| format!(r#"<div class="{kind}-tile"><h3>{kind} part {i}</h3><p>What {kind} part {i} covers for a client, in a line or two of plain text.</p></div>"#))
                    .collect();
                format!(r#"<section class="{kind}"><h2>Our {kind}</h2>{tiles}</section>"#)
            })
            .collect();
        format!(
            r#"<html><head>{head}</head><body><header><a href="/">Harbour Systems</a></header>
{open}<section class="intro"><h1>Managed networks</h1>{prose}</section>{sections}{close}
<footer><p>© Harbour Systems</p></footer></body></html>"#
        )
    }

    #[test]
    fn an_undated_pages_prose_section_yields_to_main_and_a_dated_ones_stays() {
        let html = landing("", "<main>", "</main>");
        let t = text(&html);
        for part in [
            "Paragraph 3 of the introduction",
            "What awards part 3 covers",
        ] {
            assert!(t.contains(part), "{part}: {t}");
        }
        assert!(!t.contains("©"), "{t}");
        assert_eq!(from(&html), BodyFrom::Main);
        let dated = landing(
            r#"<meta property="article:published_time" content="2024-05-01T10:00:00Z">"#,
            "<main>",
            "</main>",
        );
        let t = text(&dated);
        assert!(t.contains("Paragraph 3 of the introduction"), "{t}");
        assert!(!t.contains("What awards part 3 covers"), "{t}");
    }

    /// A service page's sections: three tiles and three questions with their answers.
    fn service_parts() -> (String, String) {
        let tiles: String = (1..=3)
            .map(|i| format!(r#"<div class="tile"><h3>Service {i}</h3><p>What part {i} covers, in a line or two of text.</p></div>"#))
            .collect();
        let questions: String = (1..=3)
            .map(|i| format!(r#"<div class="faq"><h3>Question {i}?</h3><div class="answer">The answer to question {i}, a sentence or two of it, with a little more detail.</div></div>"#))
            .collect();
        (tiles, questions)
    }

    #[test]
    fn an_undated_page_without_main_is_the_wrapper_of_its_sections() {
        // The pick is a short introduction; the sections' wrapper stands in for `<main>`.
        let (tiles, questions) = service_parts();
        let page = |head: &str| {
            format!(
                r#"<html><head>{head}</head><body><header><a href="/">Acme Consulting</a></header>
<div class="site-content"><section class="intro"><div class="intro-text"><h1>Managed systems</h1><p>We plan, build and run the systems of small firms, with one team from the first call to the launch and long after it, so the staff can get on with their own work.</p></div></section>
<section class="features"><h2>What we do</h2><div class="grid">{tiles}</div></section>
<section class="questions"><h2>Questions</h2>{questions}</section></div>
<footer><p>© Acme Consulting</p></footer></body></html>"#
            )
        };
        let html = page("");
        let t = text(&html);
        for part in [
            "We plan, build",
            "What part 3 covers",
            "The answer to question 3",
        ] {
            assert!(t.contains(part), "{part}: {t}");
        }
        for chrome in ["©", "Acme Consulting"] {
            assert!(!t.contains(chrome), "{chrome}: {t}");
        }
        assert_eq!(from(&html), BodyFrom::Main);
        let dated = text(&page(
            r#"<meta property="article:published_time" content="2024-05-01T10:00:00Z">"#,
        ));
        assert!(!dated.contains("The answer to question 3"), "{dated}");
    }

    #[test]
    fn a_page_of_many_sections_is_its_main_element_less_its_furniture() {
        // A service's landing page: one paragraph of introduction (the scorer's pick), then
        // sections of a few tiles and questions, none of them prose nor a list of cards.
        let (tiles, questions) = service_parts();
        let html = format!(
            r#"<html><body><header><a href="/">Acme Consulting</a></header>
<main><section class="intro"><div class="intro-text"><h1>Managed systems</h1><p>We plan, build and run the systems of small firms, with one team from the first call to the launch and long after it, so the staff can get on with their own work.</p></div></section>
<section class="features"><h2>What we do</h2><div class="grid">{tiles}</div></section>
<section class="questions"><h2>Questions</h2>{questions}</section>
<aside><p>Call us today on 555 0100, lines are open all week long.</p></aside></main>
<footer><p>© Acme Consulting</p></footer></body></html>"#
        );
        let t = text(&html);
        for part in [
            "What we do",
            "What part 3 covers",
            "The answer to question 3",
        ] {
            assert!(t.contains(part), "{part}: {t}");
        }
        for chrome in ["Call us today", "©", "Acme Consulting"] {
            assert!(!t.contains(chrome), "{chrome}: {t}");
        }
        assert_eq!(from(&html), BodyFrom::Main);
    }
}
