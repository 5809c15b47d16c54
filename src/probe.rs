//! `feedsmith add`: what a URL is (a feed and its format, a page listing articles, one article)
//! found the way a run reads it, with feed autodiscovery on HTML pages, a `[[feed.source]]`
//! block for it and the first items it would publish (collected and normalised by the same
//! code a run uses).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, Utc};
use dom_query::{Document, NodeRef};
use url::Url;

use crate::config::{ListSelectors, Selector, Site, Source, SourceKind};
use crate::error::{Error, FetchError, Result};
use crate::fetch::{xml_declaration_to_utf8, Fetched, Fetcher, Page};
use crate::model::{RawArticle, RawBody};
use crate::normalize::{self, chrome::Rules, learn::Learned, Context};
use crate::source::{self, feed, list, Memory};
use crate::urls;

/// What the URL turned out to be, and what to configure.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The URL to configure: the one given, or the feed an HTML page advertised.
    pub url: Url,
    pub kind: Kind,
    /// The first items a run would publish, in order.
    pub items: Vec<ItemPreview>,
    /// What went wrong with single items (the source as a whole worked), and autodiscovery
    /// that led nowhere.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Feed {
        format: FeedFormat,
        /// The HTML page whose `<link rel="alternate">` named the feed.
        via: Option<Url>,
    },
    /// A page listing articles: how many article links discovery found there, and the
    /// selectors of the group they sit in, when they share one.
    List {
        links: usize,
        selectors: Option<Suggested>,
    },
    /// One article.
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    JsonFeed,
}

impl FeedFormat {
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "RSS",
            FeedFormat::Atom => "Atom",
            FeedFormat::JsonFeed => "JSON Feed",
        }
    }
}

/// List selectors found for a page's group of article links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggested {
    /// One listed item (`li.post`, `article.teaser`).
    pub item: String,
    /// The date inside an item, when every item has a `<time>`.
    pub date: Option<String>,
}

/// One item as it would be published.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemPreview {
    pub title: String,
    /// As the source wrote it, offset and calendar day kept.
    pub published: Option<DateTime<FixedOffset>>,
    pub link: Option<Url>,
}

/// Items previewed: enough to see what the source gives, few enough to stay polite.
const PREVIEW_ITEMS: usize = 5;

/// A page is a list when discovery finds at least this many article links on it...
const MIN_LIST_LINKS: usize = 3;
/// ...and it holds less article text than this per link (a list's teasers are short; an
/// article with a few related links is mostly its own text).
const LIST_CHARS_PER_LINK: usize = 200;

/// Probes `url` with the site's fetch settings; the URL's host is trusted, since the user
/// typed it. Errors when the URL cannot be fetched or is none of a feed, a list or an article.
pub async fn probe(site: &Site, url: &Url, now: DateTime<Utc>) -> Result<Probe> {
    let fetcher = Fetcher::new(
        site,
        url.host_str().map(str::to_string).into_iter().collect(),
    );
    let page = get(&fetcher, site, url).await?;
    let mut problems = Vec::new();
    let (target, kind) = if let Some(format) = feed_format(&page.text) {
        (url.clone(), Kind::Feed { format, via: None })
    } else {
        let advertised = feed::advertised_feed(&page.text, &page.url);
        match advertised {
            Some(feed_url) => match get(&fetcher, site, &feed_url).await {
                Ok(fp) => match feed_format(&fp.text) {
                    Some(format) => (
                        feed_url,
                        Kind::Feed {
                            format,
                            via: Some(url.clone()),
                        },
                    ),
                    None => {
                        problems.push(format!(
                            "the page advertises a feed at {feed_url}, but that is not RSS, Atom or JSON Feed; using the page itself"
                        ));
                        (url.clone(), classify(&page, site, now)?)
                    }
                },
                Err(e) => {
                    problems.push(format!(
                        "the page advertises a feed, but it could not be fetched ({e}); using the page itself"
                    ));
                    (url.clone(), classify(&page, site, now)?)
                }
            },
            None => (url.clone(), classify(&page, site, now)?),
        }
    };
    let source = Source {
        max_items: PREVIEW_ITEMS,
        ..Source::adhoc("add", source_kind(&target, &kind), site)
    };
    let mut collected = source::collect(&source, &fetcher, &Memory::default()).await?;
    source::dir::read_some(&source, &mut collected, PREVIEW_ITEMS);
    problems.extend(collected.problems.iter().map(ToString::to_string));
    let (rules, learned) = (Rules::default(), Learned::default());
    let ctx = Context {
        timezone: site.timezone,
        caps: site.caps,
        ..Context::new(now, &rules, &learned)
    };
    let mut items = Vec::new();
    for raw in collected.articles.iter().take(PREVIEW_ITEMS) {
        match normalize::normalize(raw, &ctx) {
            Ok(a) => items.push(ItemPreview {
                title: a.title,
                published: a.published,
                link: a.link,
            }),
            Err(e) => problems.push(e.to_string()),
        }
    }
    Ok(Probe {
        url: target,
        kind,
        items,
        problems,
    })
}

/// The source a probe found, as the config's types: what the preview collects with.
pub fn source_kind(url: &Url, kind: &Kind) -> SourceKind {
    match kind {
        Kind::Feed { .. } => SourceKind::Feed(url.clone()),
        Kind::Page => SourceKind::Page(url.clone()),
        Kind::List { selectors, .. } => {
            let s = selectors.as_ref();
            SourceKind::List {
                url: url.clone(),
                selectors: Box::new(ListSelectors {
                    item: s.and_then(|s| Selector::parse(&s.item)),
                    date: s.and_then(|s| s.date.as_deref().and_then(Selector::parse)),
                    ..ListSelectors::default()
                }),
            }
        }
    }
}

async fn get(fetcher: &Fetcher, site: &Site, url: &Url) -> Result<Page> {
    match fetcher.get(url, &site.fetch, None).await? {
        Fetched::Ok(page) => Ok(page),
        Fetched::NotModified => Err(Error::fetch(url, FetchError::UnexpectedNotModified)),
    }
}

/// The format of a feed document, or `None` when `text` is no feed.
pub fn feed_format(text: &str) -> Option<FeedFormat> {
    let text = xml_declaration_to_utf8(text);
    let parsed = feed_rs::parser::parse(text.as_bytes()).ok()?;
    Some(match parsed.feed_type {
        feed_rs::model::FeedType::Atom => FeedFormat::Atom,
        feed_rs::model::FeedType::JSON => FeedFormat::JsonFeed,
        _ => FeedFormat::Rss,
    })
}

/// An HTML page: a list when its article links outweigh its own text, else an article.
fn classify(page: &Page, site: &Site, now: DateTime<Utc>) -> Result<Kind> {
    let links = list::discover(&page.text, &page.url);
    let raw = RawArticle {
        source: "add".into(),
        key: page.url.to_string(),
        body: RawBody::Html(page.text.clone()),
        base_url: Some(page.url.clone()),
        file_time: None,
        hints: Default::default(),
    };
    let (rules, learned) = (Rules::default(), Learned::default());
    let ctx = Context {
        timezone: site.timezone,
        ..Context::new(now, &rules, &learned)
    };
    let chars = normalize::normalize(&raw, &ctx)
        .map(|a| a.content_text.chars().count())
        .unwrap_or(0);
    if links.len() >= MIN_LIST_LINKS && chars < links.len() * LIST_CHARS_PER_LINK {
        return Ok(Kind::List {
            links: links.len(),
            selectors: suggest(&page.text, &page.url, &links),
        });
    }
    if chars == 0 {
        return Err(Error::fetch(&page.url, FetchError::NoArticle));
    }
    Ok(Kind::Page)
}

/// How many levels above a link its item may be.
const ITEM_DEPTH: usize = 4;

/// The selector of the group the discovered `links` sit in: the element kind (with its first
/// class) that most links share as an ancestor, each holding about one link. `None` when no
/// group covers most links, or its selector picks links discovery did not find.
pub fn suggest(html: &str, base: &Url, links: &[Url]) -> Option<Suggested> {
    let doc = Document::from(html);
    let wanted: HashSet<Url> = links.iter().map(urls::canonical).collect();
    // Per candidate selector: the links it holds, and how close above them it is.
    let mut covered: HashMap<String, (HashSet<Url>, usize)> = HashMap::new();
    for a in doc.select("a[href]").nodes() {
        let Some(link) = a
            .attr("href")
            .and_then(|h| urls::absolutize(Some(base), &h))
            .map(|u| urls::canonical(&u))
            .filter(|u| wanted.contains(u))
        else {
            continue;
        };
        for (depth, node) in a.ancestors(Some(ITEM_DEPTH)).iter().enumerate() {
            if let Some(sel) = signature(node) {
                let entry = covered.entry(sel).or_insert((HashSet::new(), depth));
                entry.0.insert(link.clone());
                entry.1 = entry.1.min(depth);
            }
        }
    }
    let need = (links.len() * 3).div_ceil(5).max(2);
    let (item, _) = covered
        .into_iter()
        .filter(|(_, (held, _))| held.len() >= need)
        .filter(|(sel, (held, _))| {
            // One link per item: fewer items than links is a box around the whole list.
            let items = doc.select(sel).length();
            items >= held.len() && items <= held.len() * 3 / 2
        })
        .max_by_key(|(sel, (held, depth))| {
            (
                held.len(),
                std::cmp::Reverse(*depth),
                std::cmp::Reverse(sel.clone()),
            )
        })?;
    let items = doc.select(&item);
    let date = items
        .nodes()
        .iter()
        .all(|n| dom_query::Selection::from(*n).select("time").exists())
        .then(|| "time".to_string());
    let suggested = Suggested { item, date };
    // The selector must find what discovery found, and little else.
    let selectors = ListSelectors {
        item: Selector::parse(&suggested.item),
        ..ListSelectors::default()
    };
    let picked = list::select_items(html, base, &selectors, chrono_tz::UTC);
    let good = picked
        .iter()
        .filter(|(u, _)| wanted.contains(&urls::canonical(u)))
        .count();
    (good >= need && good * 5 >= picked.len() * 4).then_some(suggested)
}

/// A CSS selector naming an element like `node`: list items and articles by their tag (with
/// their first class), other blocks only when they have a class.
fn signature(node: &NodeRef) -> Option<String> {
    let name = node.node_name()?.to_ascii_lowercase();
    let class = node
        .attr("class")
        .and_then(|c| c.split_whitespace().next().map(str::to_string))
        .filter(|c| {
            c.chars().next().is_some_and(|f| f.is_ascii_alphabetic())
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        });
    match (name.as_str(), class) {
        ("li" | "article", None) => Some(name),
        ("li" | "article" | "div" | "section" | "h2" | "h3" | "p", Some(c)) => {
            Some(format!("{name}.{c}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example.org/world/").unwrap()
    }

    #[test]
    fn the_group_of_article_links_becomes_the_item_selector() {
        let items: String = (1..=4)
            .map(|i| {
                format!(
                    r#"<li class="post teaser"><a href="/world/2024/05/story-number-{i}">Story {i}</a> <time datetime="2024-05-0{i}">May {i}</time></li>"#
                )
            })
            .collect();
        let html = format!(
            r#"<html><body><nav><a href="/about">About</a></nav><main><ul class="posts">{items}</ul></main></body></html>"#
        );
        let links = list::discover(&html, &base());
        assert_eq!(links.len(), 4);
        assert_eq!(
            suggest(&html, &base(), &links),
            Some(Suggested {
                item: "li.post".into(),
                date: Some("time".into())
            })
        );
    }

    #[test]
    fn scattered_links_suggest_no_selector() {
        let html = r#"<html><body><main>
<p>See <a href="/world/2024/05/first-long-story">the first story</a> for more.</p>
<div><span><b><i><a href="/world/2024/05/second-long-story">second</a></i></b></span></div>
<blockquote><a href="/world/2024/05/third-long-story">third</a></blockquote>
</main></body></html>"#;
        let links = list::discover(html, &base());
        assert_eq!(links.len(), 3);
        assert_eq!(suggest(html, &base(), &links), None);
    }

    #[test]
    fn feed_formats_are_told_apart() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://e.org/</link><description>d</description></channel></rss>"#;
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated></feed>"#;
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[]}"#;
        assert_eq!(feed_format(rss), Some(FeedFormat::Rss));
        assert_eq!(feed_format(atom), Some(FeedFormat::Atom));
        assert_eq!(feed_format(json), Some(FeedFormat::JsonFeed));
        assert_eq!(feed_format("<html><body><p>Hello</p></body></html>"), None);
    }
}
