//! `list = URL`: a page that lists articles (a section front, a blog index). With CSS selectors
//! each `item` gives a link and its hints; without them the article links are discovered in the
//! main content, skipping site chrome and pages that are not articles (tags, authors, paging).
//! Each linked article is then fetched as its own page.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono_tz::Tz;
use dom_query::{Document, Matcher, NodeRef, Selection};
use regex::Regex;
use url::Url;

use super::collected::{Collected, Memory};
use crate::chars::fold_whitespace;
use crate::config::{ListSelectors, Selector, Source};
use crate::dates;
use crate::error::Error;
use crate::fetch::Fetcher;
use crate::model::{Metadata, RawArticle, RawBody};
use crate::source::paged;
use crate::source::web::{built, fetch_articles, fetch_if_changed};
use crate::urls;

pub async fn collect(
    source: &Source,
    url: &Url,
    selectors: &ListSelectors,
    fetcher: &Fetcher,
    memory: &Memory,
) -> Result<Collected, Error> {
    let Some(page) = fetch_if_changed(source, url, fetcher, memory).await? else {
        return Ok(Collected::unchanged());
    };
    let page = built(source, page).await?;
    let found = if selectors.any() {
        select_items(&page.text, &page.url, selectors, source.timezone)
    } else {
        let (links, groups) = discover_with_groups(&page.text, &page.url);
        // What discovery saw, for `-v`: the groups a user can turn into `item`/`link`.
        for g in &groups {
            tracing::info!(
                source = source.name,
                item = g.item,
                link = g.link,
                headlines = g.links.len(),
                links = g.all,
                chosen = g.chosen,
                "list link group"
            );
        }
        links
            .into_iter()
            .map(|link| {
                let hints = Metadata {
                    link: Some(urls::canonical(&link)),
                    ..Metadata::default()
                };
                (link, hints)
            })
            .collect()
    };
    // A later page of a listed article is part of it, not a story of its own.
    let starts: Vec<Url> = found.iter().map(|(l, _)| l.clone()).collect();
    let found = found
        .into_iter()
        .filter(|(link, _)| !starts.iter().any(|s| paged::continues(s, link)));
    // The newest `max_items` in document order; those already stored are not fetched again.
    let (known, links): (Vec<_>, Vec<_>) = found
        .take(source.max_items)
        .partition(|(link, _)| memory.knows(urls::canonical(link).as_str()));
    let mut collected = Collected {
        validators: vec![(url.to_string(), page.validators)],
        known: known
            .into_iter()
            .map(|(link, _)| urls::canonical(&link).to_string())
            .collect(),
        ..Collected::default()
    };
    for result in fetch_articles(source, url, fetcher, links).await {
        match result {
            Ok(article) if later_page(&article) => {}
            Ok(article) => collected.articles.push(article),
            Err(e) => collected.problems.push(e),
        }
    }
    Ok(collected)
}

/// A fetched article that is a later page of another (its first page unlisted, or listed
/// beyond `max_items`): left out, as its first page holds it.
fn later_page(article: &RawArticle) -> bool {
    match (&article.body, &article.base_url) {
        (RawBody::Html(html), Some(url)) => paged::is_later_page(html, url),
        _ => false,
    }
}

/// Items picked by the configured selectors, de-duplicated by canonical link, in document order.
pub fn select_items(
    html: &str,
    base: &Url,
    selectors: &ListSelectors,
    tz: Tz,
) -> Vec<(Url, Metadata)> {
    let matcher = |s: &Option<Selector>| s.as_ref().map(|s| s.matcher().clone());
    let (link, title) = (matcher(&selectors.link), matcher(&selectors.title));
    let (date, summary) = (matcher(&selectors.date), matcher(&selectors.summary));
    let doc = Document::from(html);
    // Without `item`, every element `link` matches is an item of its own (the config makes
    // sure one of the two is there).
    let Some(items) = matcher(&selectors.item)
        .or_else(|| link.clone())
        .map(|m| doc.select_matcher(&m))
    else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for node in items.nodes() {
        let anchor = within(node, &link).unwrap_or_else(|| Selection::from(*node));
        let href = anchor
            .attr("href")
            .or_else(|| anchor.select("a[href]").first().attr("href"));
        let Some(url) = href.and_then(|h| urls::absolutize(Some(base), &h)) else {
            continue;
        };
        if !seen.insert(urls::canonical(&url)) {
            continue;
        }
        let text = |s: &Selection| fold_whitespace(&s.text());
        let title_text = within(node, &title)
            .map(|s| text(&s))
            .or_else(|| Some(text(&anchor)))
            .filter(|t| !t.is_empty());
        let published = within(node, &date).and_then(|s| {
            ["datetime", "content"]
                .iter()
                .find_map(|a| s.attr(a))
                .map(|v| v.to_string())
                .and_then(|v| dates::parse(&v, tz))
                .or_else(|| dates::parse(&text(&s), tz))
        });
        let hints = Metadata {
            title: title_text,
            summary: within(node, &summary)
                .map(|s| text(&s))
                .filter(|t| !t.is_empty()),
            published,
            link: Some(urls::canonical(&url)),
            ..Metadata::default()
        };
        out.push((url, hints));
    }
    out
}

/// The first element matching `m` at or below `node`.
fn within<'a>(node: &NodeRef<'a>, m: &Option<Matcher>) -> Option<Selection<'a>> {
    let m = m.as_ref()?;
    let s = Selection::from(*node);
    let found = if node.is_match(m) {
        s
    } else {
        s.select_matcher(m).first()
    };
    found.exists().then_some(found)
}

/// Where a list's own links live; the first of these that has links, else the body.
const MAIN_AREAS: &[&str] = &[
    "main",
    "[role=main]",
    "#content",
    "#main",
    "#main-content",
    ".content",
];

/// Ancestors whose links are chrome, not the list.
const CHROME: &str = "nav, aside, form, [role=navigation], [role=complementary], [role=search]";
/// Page-level header and footer; inside an `article` they frame a teaser and are kept.
const PAGE_FRAME: &str = "header, footer, [role=banner], [role=contentinfo]";
static CHROME_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(nav|navbar|menu|breadcrumbs?|pagination|pager|share|social|sidebar|footer|masthead|related|trending|most-read|popular)\b").unwrap()
});

/// Article links of a list page without selectors: links in the main content area (not in
/// navigation, header, footer or asides) to same-site pages that look like articles by their
/// URL, or that sit in the chosen group of repeated containers (see [`link_groups`]), in
/// document order, without duplicates or the list itself.
pub fn discover(html: &str, base: &Url) -> Vec<Url> {
    discover_with_groups(html, base).0
}

/// [`discover`], with the link groups it saw (see [`link_groups`]).
pub fn discover_with_groups(html: &str, base: &Url) -> (Vec<Url>, Vec<LinkGroup>) {
    let doc = Document::from(html);
    let root = main_area(&doc);
    let groups = groups_in(&root, base);
    let chosen: HashSet<Url> = groups
        .iter()
        .filter(|g| g.chosen)
        .flat_map(|g| &g.links)
        .map(urls::canonical)
        .collect();
    let mut seen = HashSet::from([urls::canonical(base)]);
    let mut out = Vec::new();
    for (_, url) in content_links(&root, base) {
        let canonical = urls::canonical(&url);
        let article = looks_like_article(&url) || chosen.contains(&canonical);
        if article && seen.insert(canonical) {
            out.push(url);
        }
    }
    (out, groups)
}

/// The main content area: the first of [`MAIN_AREAS`] that has links, else the body.
fn main_area(doc: &Document) -> Selection<'_> {
    MAIN_AREAS
        .iter()
        .filter_map(|sel| doc.try_select(sel))
        .find(|s| s.select("a[href]").exists())
        .unwrap_or_else(|| doc.select("body"))
}

/// The links of the content area outside chrome, absolute, to the list's own site.
fn content_links<'a>(root: &Selection<'a>, base: &Url) -> Vec<(NodeRef<'a>, Url)> {
    let chrome = Matcher::new(CHROME).expect("valid selector");
    let frame = Matcher::new(PAGE_FRAME).expect("valid selector");
    let mut out = Vec::new();
    for a in root.select("a[href]").nodes() {
        let ancestors = a.ancestors(None);
        let in_article = ancestors.iter().any(|n| n.has_name("article"));
        let is_chrome = ancestors.iter().any(|n| {
            n.is_match(&chrome)
                || (!in_article && n.is_match(&frame))
                || ["class", "id"]
                    .iter()
                    .filter_map(|k| n.attr(k))
                    .any(|v| CHROME_CLASS.is_match(&v))
        });
        if is_chrome {
            continue;
        }
        let Some(url) = a
            .attr("href")
            .and_then(|h| urls::absolutize(Some(base), &h))
        else {
            continue;
        };
        if same_site(&url, base) {
            out.push((*a, url));
        }
    }
    out
}

/// Links of a list page's content area that sit in repeated containers of one shape: the
/// same tag and classes, three or more siblings (`li.post`, `div.card`), the link at the same
/// place inside each.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkGroup {
    /// The containers, as a selector for `item` (`ul.posts > li.post`).
    pub item: String,
    /// The link inside each container (`h2 > a`; empty when the container is the link).
    pub link: String,
    /// Its links with headline-sized text, in document order, without duplicates.
    pub links: Vec<Url>,
    /// Links in the group, headline-sized or not.
    pub all: usize,
    /// The group discovery takes its article links from.
    pub chosen: bool,
}

/// Containers repeated at least this often make a group.
const MIN_GROUP: usize = 3;

/// The link groups of a list page (see [`LinkGroup`]), largest first; the chosen one has the
/// most headline-sized links (three or more), ties going to the longer texts.
pub fn link_groups(html: &str, base: &Url) -> Vec<LinkGroup> {
    let doc = Document::from(html);
    groups_in(&main_area(&doc), base)
}

fn groups_in(root: &Selection, base: &Url) -> Vec<LinkGroup> {
    let root_ids: HashSet<_> = root.nodes().iter().map(|n| n.id).collect();
    let mut groups: Vec<(LinkGroup, usize, HashSet<Url>)> = Vec::new();
    for (a, url) in content_links(root, base) {
        if is_utility(&url) || urls::canonical(&url) == urls::canonical(base) {
            continue;
        }
        let Some((container, link)) = container_of(&a, &root_ids) else {
            continue;
        };
        let parent = container.parent().map(|p| shape(&p)).unwrap_or_default();
        let item = format!("{parent} > {}", shape(&container));
        let text = fold_whitespace(&a.text());
        let headline = (10..=200).contains(&text.chars().count()) && text.split(' ').count() >= 2;
        let at = match groups
            .iter()
            .position(|(g, _, _)| g.item == item && g.link == link)
        {
            Some(i) => i,
            None => {
                groups.push((
                    LinkGroup {
                        item,
                        link,
                        links: Vec::new(),
                        all: 0,
                        chosen: false,
                    },
                    0,
                    HashSet::new(),
                ));
                groups.len() - 1
            }
        };
        let (group, chars, seen) = &mut groups[at];
        group.all += 1;
        if headline && seen.insert(urls::canonical(&url)) {
            *chars += text.len();
            group.links.push(url);
        }
    }
    let best = groups
        .iter()
        .enumerate()
        .filter(|(_, (g, _, _))| g.links.len() >= MIN_GROUP)
        .max_by_key(|(_, (g, chars, _))| (g.links.len(), *chars))
        .map(|(i, _)| i);
    let mut out: Vec<LinkGroup> = groups
        .into_iter()
        .enumerate()
        .map(|(i, (mut g, _, _))| {
            g.chosen = Some(i) == best;
            g
        })
        .collect();
    out.sort_by_key(|g| std::cmp::Reverse(g.links.len()));
    out
}

/// The nearest ancestor of `a` (or `a` itself) below the content root that has two or more
/// siblings of its own shape, and the path from it down to `a`.
fn container_of<'a>(
    a: &NodeRef<'a>,
    root: &HashSet<dom_query::NodeId>,
) -> Option<(NodeRef<'a>, String)> {
    let mut node = *a;
    let mut path: Vec<String> = Vec::new();
    loop {
        let parent = node.parent()?;
        let mine = shape(&node);
        let alike = parent
            .element_children()
            .iter()
            .filter(|c| shape(c) == mine)
            .count();
        if alike >= MIN_GROUP {
            path.reverse();
            return Some((node, path.join(" > ")));
        }
        if root.contains(&parent.id) || !parent.is_element() {
            return None;
        }
        path.push(node.node_name().map(|n| n.to_string()).unwrap_or_default());
        node = parent;
    }
}

/// An element's tag and classes as a selector (`li.post`), digits dropped from classes so
/// `post-17` and `post-18` are one shape.
fn shape(node: &NodeRef) -> String {
    let mut out = node.node_name().map(|n| n.to_string()).unwrap_or_default();
    let class = node.attr("class").unwrap_or_default();
    let mut classes: Vec<&str> = class
        .split_whitespace()
        .filter(|c| !c.bytes().any(|b| b.is_ascii_digit()))
        .collect();
    classes.sort_unstable();
    for c in classes {
        out.push('.');
        out.push_str(c);
    }
    out
}

fn same_site(a: &Url, b: &Url) -> bool {
    let host = |u: &Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    host(a).is_some()
        && host(a) == host(b)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Path segments that mark index, account and utility pages rather than articles.
const NOT_ARTICLE: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "author",
    "authors",
    "page",
    "login",
    "logout",
    "signin",
    "sign-in",
    "signup",
    "sign-up",
    "register",
    "search",
    "account",
    "subscribe",
    "newsletter",
    "newsletters",
    "about",
    "contact",
    "privacy",
    "terms",
    "feed",
    "rss",
    "archive",
    "archives",
    "user",
    "users",
    "profile",
    "cart",
    "shop",
    "help",
    "faq",
    "cookies",
    "legal",
    "impressum",
    "imprint",
    "advertise",
    "jobs",
    "careers",
];

static DATE_IN_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|/|\D)(?:19|20)\d\d(?:/|-|_)?(?:0[1-9]|1[0-2])(?:\D|$)").unwrap()
});
static LONG_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{5,}").unwrap());

/// Whether a URL's path looks like one article: a slug of several words, a date or a long id,
/// and none of the index or account words.
pub fn looks_like_article(url: &Url) -> bool {
    if is_utility(url) {
        return false;
    }
    let segments = segments(url);
    let Some(last) = segments.last() else {
        return false;
    };
    let stem = last
        .rsplit_once('.')
        .map_or(last.as_str(), |(stem, _)| stem);
    // Year, month or page-number pages.
    if stem.len() <= 4 && stem.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let words = stem
        .split(['-', '_'])
        .filter(|w| w.chars().any(|c| c.is_alphabetic()))
        .count();
    words >= 3
        || (segments.len() >= 2 && words >= 2)
        || DATE_IN_PATH.is_match(url.path())
        || LONG_NUMBER.is_match(stem)
}

fn segments(url: &Url) -> Vec<String> {
    url.path_segments()
        .map(|s| {
            s.filter(|x| !x.is_empty())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a URL is an index, account or utility page whatever its shape: the site root, an
/// index word in its path, a paging or search query, or a file that is no page.
fn is_utility(url: &Url) -> bool {
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| {
            s.filter(|x| !x.is_empty())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let Some(last) = segments.last() else {
        return true;
    };
    if segments.iter().any(|s| NOT_ARTICLE.contains(&s.as_str())) {
        return true;
    }
    if url.query_pairs().any(|(k, _)| {
        matches!(
            k.as_ref(),
            "page" | "p" | "q" | "s" | "search" | "tag" | "cat"
        )
    }) {
        return true;
    }
    let ext = last.rsplit_once('.').map(|(_, ext)| ext);
    ext.is_some_and(|e| !matches!(e, "html" | "htm" | "shtml" | "php" | "asp" | "aspx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn article_paths() {
        for yes in [
            "https://e.org/world/2024/05/12/floods",
            "https://e.org/news/city-council-approves-budget",
            "https://e.org/sport/late-goal.html",
            "https://e.org/story/123456",
            "https://e.org/a/b/article-987654.html",
            "https://e.org/tech/rust-release",
        ] {
            assert!(looks_like_article(&url(yes)), "{yes}");
        }
        for no in [
            "https://e.org/",
            "https://e.org/world",
            "https://e.org/tag/climate-change-policy",
            "https://e.org/author/jane-doe",
            "https://e.org/news/page/2",
            "https://e.org/2024/05",
            "https://e.org/login",
            "https://e.org/search?q=long-query-words",
            "https://e.org/news/city-council-approves?page=2",
            "https://e.org/img/big-photo-of-cat.jpg",
            "https://e.org/about-us",
        ] {
            assert!(!looks_like_article(&url(no)), "{no}");
        }
    }

    const PAGE: &str = r#"<html><body>
<header><a href="/world/big-story-in-header-menu">Header promo</a></header>
<nav><a href="/politics/some-nav-story-link">Nav</a></nav>
<main>
  <article><header><h2><a href="/world/2024/05/12/floods-hit-coast">Floods hit coast</a></h2></header>
    <p>Teaser <a href="/tag/floods-and-storms">floods</a> by <a href="/author/jane-doe">Jane</a></p></article>
  <article><h2><a href="https://www.example.org/business/markets-rally-on-rate-cut?utm_source=x">Markets</a></h2></article>
  <article><h2><a href="/world/2024/05/12/floods-hit-coast#comments">Comments</a></h2></article>
  <div class="share"><a href="/world/share-this-story-now">Share</a></div>
  <a href="https://other.org/world/some-external-story">External</a>
  <a href="/news/page/2">Next page</a>
</main>
<aside><a href="/world/most-read-story-here">Most read</a></aside>
<footer><a href="/world/footer-story-link-here">Footer</a></footer>
</body></html>"#;

    #[test]
    fn discovers_article_links_in_main_content() {
        let found: Vec<String> = discover(PAGE, &url("https://example.org/news"))
            .iter()
            .map(|u| urls::canonical(u).to_string())
            .collect();
        assert_eq!(
            found,
            [
                "https://example.org/world/2024/05/12/floods-hit-coast",
                "https://www.example.org/business/markets-rally-on-rate-cut",
            ]
        );
    }

    #[test]
    fn opaque_links_are_found_by_their_repeated_containers() {
        let items: String = (0..12)
            .map(|i| {
                format!(
                    "<li class=\"story story-{i}\"><h3><a href=\"/p/{}\">Harbour story number {i} today</a></h3>\
                     <a href=\"/p/{}#c\">3</a></li>",
                    8800 + i,
                    8800 + i
                )
            })
            .collect();
        let html = format!(
            "<body><nav><ul><li><a href=\"/p/1\">Home page link</a></li><li><a href=\"/p/2\">World news</a></li>\
             <li><a href=\"/p/3\">Sport news</a></li></ul></nav><main><ul class=\"list\">{items}</ul>\
             <a href=\"/p/7\">About us here</a></main></body>"
        );
        let base = url("https://e.org/");
        let found = discover(&html, &base);
        assert_eq!(found.len(), 12, "{found:?}");
        assert_eq!(found[0].as_str(), "https://e.org/p/8800");
        assert_eq!(found[11].as_str(), "https://e.org/p/8811");
        let groups = link_groups(&html, &base);
        let chosen: Vec<&LinkGroup> = groups.iter().filter(|g| g.chosen).collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].item, "ul.list > li.story");
        assert_eq!(chosen[0].link, "h3 > a");
        // The comment-count links share the containers but are not headlines.
        assert!(groups.iter().any(|g| g.link == "a" && !g.chosen));
    }

    #[test]
    fn selectors_give_hints() {
        let html = r#"<ul>
          <li class="post"><a class="t" href="/p/one">  First
             post </a><time datetime="2024-05-12T10:00:00Z">May 12</time><p class="s">Lead one.</p></li>
          <li class="post"><h3>Second</h3><a href="/p/two">more</a><span class="d">2024-05-11</span></li>
          <li class="post">no link here</li>
        </ul>"#;
        let sel = ListSelectors {
            item: Selector::parse("li.post"),
            title: Selector::parse("a.t, h3"),
            date: Selector::parse("time, .d"),
            summary: Selector::parse(".s"),
            link: None,
        };
        let items = select_items(html, &url("https://e.org/blog/"), &sel, chrono_tz::UTC);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].0.as_str(), "https://e.org/p/one");
        assert_eq!(items[0].1.title.as_deref(), Some("First post"));
        assert_eq!(items[0].1.summary.as_deref(), Some("Lead one."));
        assert_eq!(
            items[0].1.published.map(|d| d.to_rfc3339()),
            Some("2024-05-12T10:00:00+00:00".into())
        );
        assert_eq!(items[1].1.title.as_deref(), Some("Second"));
        assert_eq!(
            items[1].1.published.map(|d| d.to_rfc3339()),
            Some("2024-05-11T00:00:00+00:00".into())
        );
    }
}
