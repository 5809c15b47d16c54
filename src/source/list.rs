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
        discover(&page.text, &page.url)
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
/// navigation, header, footer or asides) to same-site pages that look like articles, in
/// document order, without duplicates or the list itself.
pub fn discover(html: &str, base: &Url) -> Vec<Url> {
    let doc = Document::from(html);
    let root = MAIN_AREAS
        .iter()
        .filter_map(|sel| doc.try_select(sel))
        .find(|s| s.select("a[href]").exists())
        .unwrap_or_else(|| doc.select("body"));
    let chrome = Matcher::new(CHROME).expect("valid selector");
    let frame = Matcher::new(PAGE_FRAME).expect("valid selector");
    let mut seen = HashSet::from([urls::canonical(base)]);
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
        if same_site(&url, base) && looks_like_article(&url) && seen.insert(urls::canonical(&url)) {
            out.push(url);
        }
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
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| {
            s.filter(|x| !x.is_empty())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let Some(last) = segments.last() else {
        return false;
    };
    if segments.iter().any(|s| NOT_ARTICLE.contains(&s.as_str())) {
        return false;
    }
    if url.query_pairs().any(|(k, _)| {
        matches!(
            k.as_ref(),
            "page" | "p" | "q" | "s" | "search" | "tag" | "cat"
        )
    }) {
        return false;
    }
    let (stem, ext) = match last.rsplit_once('.') {
        Some((stem, ext)) => (stem, Some(ext)),
        None => (last.as_str(), None),
    };
    if ext.is_some_and(|e| !matches!(e, "html" | "htm" | "shtml" | "php" | "asp" | "aspx")) {
        return false;
    }
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
