//! Articles split over several pages: the following pages (a `rel="next"` link, numbered
//! pagination, or a site rule's `next_page` selector) are fetched, on the article's own host
//! and up to `max_pages`, and their text joined into the first page's, so normalisation sees
//! one page holding the whole article. Joining works on the pages' markup only (the element
//! that holds most paragraph text), which keeps extraction in `normalize/` and its I/O here.

use std::collections::HashSet;

use dom_query::{Document, NodeId, NodeRef, Selection};
use url::Url;

use crate::config::Source;
use crate::error::{Error, FetchError};
use crate::fetch::{Fetched, Fetcher, Page};
use crate::source::web::ensure_html;
use crate::urls;

/// `first` with the text of its following pages joined in, in order. A following page that
/// fails fails the article (it is fetched again next run) rather than publishing part of it.
pub async fn follow(source: &Source, first: Page, fetcher: &Fetcher) -> Result<Page, Error> {
    let max = source.pages.max_pages;
    if max <= 1 {
        return Ok(first);
    }
    let start = urls::canonical(&first.url);
    let mut seen = HashSet::from([start.clone()]);
    let mut bodies = Vec::new();
    let mut html = first.text.clone();
    let mut current = first.url.clone();
    while bodies.len() + 1 < max {
        let Some(next) = next_page(source, &html, &current, &start, bodies.len() + 1) else {
            break;
        };
        if !seen.insert(urls::canonical(&next)) {
            break;
        }
        let page = match fetcher.get(&next, &source.fetch, None).await? {
            Fetched::Ok(page) => page,
            Fetched::NotModified => {
                return Err(Error::fetch(&next, FetchError::UnexpectedNotModified))
            }
        };
        ensure_html(&page)?;
        html = page.text.clone();
        current = page.url.clone();
        bodies.push(page.text);
    }
    if bodies.is_empty() {
        return Ok(first);
    }
    tracing::debug!(url = %first.url, pages = bodies.len() + 1, "joined the article's pages");
    let text = join(&first.text, &bodies);
    Ok(Page { text, ..first })
}

/// The URL of page `n + 1` of the article that starts at `start`, as the page `html` (page
/// `n`, at `url`) links to it: the site rule's `next_page`, else `rel="next"`, else a
/// pagination link reading `n + 1`. Only a continuation of `start` counts for the last two, so
/// a blog's "next post" is never joined in.
fn next_page(source: &Source, html: &str, url: &Url, start: &Url, n: usize) -> Option<Url> {
    let doc = Document::from(html);
    let href = |s: &Selection| {
        s.attr("href")
            .or_else(|| s.select("a[href]").first().attr("href"))
            .and_then(|h| urls::absolutize(Some(url), &h))
    };
    if let Some(selector) = source
        .pages
        .rule_for(url)
        .and_then(|r| r.next_page.as_ref())
    {
        let found = doc.select_matcher(selector.matcher()).first();
        return href(&found).filter(|u| same_origin(u, start));
    }
    let by_rel = doc
        .select("link[rel~=next][href], a[rel~=next][href]")
        .iter()
        .filter_map(|s| href(&s))
        .find(|u| continues(start, u));
    by_rel.or_else(|| {
        let label = (n + 1).to_string();
        doc.select("a[href]")
            .iter()
            .filter(|a| a.text().trim() == label)
            .filter_map(|a| href(&a))
            .find(|u| continues(start, u))
    })
}

/// Whether the page `html` at `url` says it is a later page of another article: a
/// `rel="prev"` link to the article's first page or to another of its pages. Such a page is
/// never an item of its own.
pub fn is_later_page(html: &str, url: &Url) -> bool {
    let first = first_page(url);
    if !continues(&first, url) {
        return false;
    }
    let doc = Document::from(html);
    doc.select("link[rel~=prev][href], a[rel~=prev][href]")
        .iter()
        .filter_map(|s| s.attr("href").and_then(|h| urls::absolutize(Some(url), &h)))
        .any(|prev| {
            let prev = urls::canonical(&prev);
            prev == urls::canonical(&first) || continues(&first, &prev)
        })
}

/// `url` without its page number (`/story/page/2` gives `/story`, `?id=7&page=2` gives `?id=7`).
fn first_page(url: &Url) -> Url {
    static NUMBER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)[/_-](?:(?:page|p|pg|part|seite|pagina|strona)[/_-]?)?\d{1,4}(\.[a-z]+)?/?$",
        )
        .unwrap()
    });
    let mut first = url.clone();
    let path = NUMBER.replace(url.path(), "$1").into_owned();
    first.set_path(&path);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, v)| {
            !(PAGE_WORDS.contains(&k.to_ascii_lowercase().as_str())
                && v.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    if kept.is_empty() {
        first.set_query(None);
    } else {
        first.query_pairs_mut().clear().extend_pairs(kept);
    }
    first
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Words a page number may come with in a URL (`/page/2`, `?p=2`, `-seite-2`).
const PAGE_WORDS: &[&str] = &["page", "p", "pg", "part", "seite", "pagina", "strona"];

/// Whether `candidate` is a later page of the article at `first`: the same URL with a page
/// number added (`/story/2`, `/story/page/2`, `/story-2.html`, `?page=2`, `&p=2`).
pub fn continues(first: &Url, candidate: &Url) -> bool {
    if !same_origin(first, candidate) || urls::canonical(first) == urls::canonical(candidate) {
        return false;
    }
    let stem = |u: &Url| {
        let path = u.path().trim_end_matches('/');
        match path.rsplit_once('.') {
            Some((s, ext)) if !ext.contains('/') => s.to_string(),
            _ => path.to_string(),
        }
    };
    let (a, b) = (stem(first), stem(candidate));
    let Some(rest) = b.strip_prefix(a.as_str()) else {
        return false;
    };
    if !(rest.is_empty() || rest.starts_with(['/', '-', '_'])) {
        return false;
    }
    let theirs: Vec<(String, String)> = first.query_pairs().into_owned().collect();
    let mut added = rest.to_string();
    for (k, v) in candidate.query_pairs().into_owned() {
        if !theirs.contains(&(k.clone(), v.clone())) {
            added.push_str(&format!("&{k}={v}"));
        }
    }
    let has_number = added.bytes().any(|b| b.is_ascii_digit());
    let words_only = added
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| PAGE_WORDS.contains(&w.to_ascii_lowercase().as_str()));
    has_number && words_only
}

/// The element of a page that holds most paragraph text: where the article's text lives.
fn text_home(doc: &Document) -> Option<NodeRef<'_>> {
    let mut weights: Vec<(NodeId, usize)> = Vec::new();
    for p in doc.select("p").nodes() {
        let Some(parent) = p.parent() else { continue };
        let len = p.text().trim().chars().count();
        match weights.iter_mut().find(|(id, _)| *id == parent.id) {
            Some((_, w)) => *w += len,
            None => weights.push((parent.id, len)),
        }
    }
    let (id, _) = weights.into_iter().max_by_key(|(_, w)| *w)?;
    Some(NodeRef::new(id, &doc.tree))
}

/// Removes the pagination of a page's text home: the elements holding only page links.
fn drop_pagination(home: &NodeRef) {
    for a in Selection::from(*home).select("a[href]").nodes() {
        let text = a.text();
        let label = text.trim().to_ascii_lowercase();
        let paging = label.bytes().all(|b| b.is_ascii_digit())
            || label.starts_with("next")
            || label.starts_with("previous")
            || matches!(label.as_str(), "»" | "›" | "«" | "‹" | "prev");
        if !paging {
            continue;
        }
        // The link's nearest block below the text home that holds no prose of its own.
        let mut block = *a;
        while let Some(parent) = block.parent() {
            if parent.id == home.id {
                break;
            }
            block = parent;
        }
        let prose = Selection::from(block).select("p").exists() && !block.has_name("p");
        if !prose && block.text().trim().chars().count() < 120 {
            block.remove_from_parent();
        }
    }
}

/// The first page with the text homes of the following pages appended to its own, in order;
/// their headlines, which repeat the first page's, left out.
fn join(first: &str, following: &[String]) -> String {
    let doc = Document::from(first);
    let Some(home) = text_home(&doc) else {
        return first.to_string();
    };
    drop_pagination(&home);
    for html in following {
        let page = Document::from(html.as_str());
        if let Some(theirs) = text_home(&page) {
            drop_pagination(&theirs);
            Selection::from(theirs).select("h1").remove();
            home.append_html(theirs.inner_html());
        }
    }
    doc.html().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn continuations_add_a_page_number_to_the_same_url() {
        let first = url("https://e.org/news/storm-hits-coast");
        for yes in [
            "https://e.org/news/storm-hits-coast/2",
            "https://e.org/news/storm-hits-coast/page/3",
            "https://e.org/news/storm-hits-coast?page=2",
            "https://e.org/news/storm-hits-coast-2",
        ] {
            assert!(continues(&first, &url(yes)), "{yes}");
        }
        for no in [
            "https://e.org/news/storm-hits-coast",
            "https://e.org/news/storm-hits-coast#2",
            "https://e.org/news/other-story-2",
            "https://e.org/news/storm-hits-coast-again",
            "https://other.org/news/storm-hits-coast/2",
            "https://e.org/news/storm-hits-coast/comments",
        ] {
            assert!(!continues(&first, &url(no)), "{no}");
        }
        let opaque = url("https://e.org/a?id=8812");
        assert!(continues(&opaque, &url("https://e.org/a?id=8812&p=2")));
        assert!(!continues(&opaque, &url("https://e.org/a?id=8813")));
        assert!(!continues(
            &url("https://e.org/p/8812"),
            &url("https://e.org/p/88123")
        ));
    }

    #[test]
    fn later_pages_say_so_with_rel_prev() {
        let prev =
            |href: &str| format!("<html><head><link rel=\"prev\" href=\"{href}\"></head></html>");
        assert!(is_later_page(
            &prev("/story"),
            &url("https://e.org/story/2")
        ));
        assert!(is_later_page(
            &prev("/story/2"),
            &url("https://e.org/story/3")
        ));
        assert!(is_later_page(
            &prev("/a?id=7"),
            &url("https://e.org/a?id=7&page=2")
        ));
        assert!(is_later_page(
            &prev("story-2.html"),
            &url("https://e.org/story-3.html")
        ));
        // A blog post's link to the previous post is no pagination.
        assert!(!is_later_page(
            &prev("/2024/older-post"),
            &url("https://e.org/2024/new-post")
        ));
        assert!(!is_later_page(
            "<p>no links</p>",
            &url("https://e.org/story/2")
        ));
    }

    #[test]
    fn joins_the_text_of_following_pages_in_order_without_their_pagination() {
        let page = |n: u32, body: &str| {
            format!(
                "<html><body><nav><a href=\"/\">Home</a></nav><article><h1>Story</h1>{body}\
                 <div class=\"pages\"><a href=\"?page=1\">1</a> <a href=\"?page=2\">2</a> <a href=\"?page=3\">3</a></div>\
                 </article><footer>page {n}</footer></body></html>"
            )
        };
        let joined = join(
            &page(1, "<p>One.</p><p>Two.</p>"),
            &[page(2, "<p>Three.</p>"), page(3, "<p>Four.</p>")],
        );
        let at = |s: &str| joined.find(s).unwrap_or_else(|| panic!("{s} in {joined}"));
        assert!(at("One.") < at("Two.") && at("Two.") < at("Three.") && at("Three.") < at("Four."));
        assert!(!joined.contains("page=2"), "{joined}");
        assert_eq!(joined.matches("<h1>").count(), 1);
    }
}
