//! `feed = URL`: an existing RSS, Atom or JSON feed, re-published clean. Items carry what the
//! feed knows as hints; with `full_text` the teaser is replaced by the linked page, fetched
//! only for items not stored yet, and only for items that pass the source's filters.

use dom_query::Document;
use url::Url;

use super::collected::{Collected, Memory};
use crate::chars::fold_whitespace;
use crate::config::Source;
use crate::error::{Error, FetchError};
use crate::fetch::{xml_declaration_to_utf8, Fetcher};
use crate::model::{Metadata, RawArticle, RawBody};
use crate::source::web::{fetch_articles, fetch_if_changed};
use crate::urls;

pub async fn collect(
    source: &Source,
    url: &Url,
    fetcher: &Fetcher,
    memory: &Memory,
) -> Result<Collected, Error> {
    let Some(page) = fetch_if_changed(source, url, fetcher, memory).await? else {
        return Ok(Collected::unchanged());
    };
    let items: Vec<RawArticle> = parse(source, &page.text, &page.url)?
        .into_iter()
        .filter(|a| {
            let (title, content) = (a.hints.title.as_deref().unwrap_or(""), body_text(&a.body));
            source.passes_filters(title, content, &a.hints.authors)
        })
        .take(source.max_items)
        .collect();
    let mut collected = Collected {
        validators: vec![(url.to_string(), page.validators)],
        ..Collected::default()
    };
    if !source.full_text {
        collected.articles = items;
        return Ok(collected);
    }
    // Stored items keep their full text: re-sending the teaser would overwrite it.
    let mut pending = Vec::new();
    let (known, items): (Vec<_>, Vec<_>) = items.into_iter().partition(|a| memory.knows(&a.key));
    collected.known = known.into_iter().map(|a| a.key).collect();
    for a in items {
        match a.hints.link.clone() {
            Some(link) => pending.push((a, link)),
            // Nothing to fetch: the teaser is all there is.
            None => collected.articles.push(a),
        }
    }
    let links = pending
        .iter()
        .map(|(a, link)| (link.clone(), a.hints.clone()))
        .collect();
    let fetched = fetch_articles(source, url, fetcher, links).await;
    for ((teaser, _), result) in pending.into_iter().zip(fetched) {
        match result {
            Ok(mut full) => {
                full.key = teaser.key;
                collected.articles.push(full);
            }
            // The teaser is better than nothing; the problem is reported.
            Err(e) => {
                collected.problems.push(e);
                collected.teasers.push(teaser.key.clone());
                collected.articles.push(teaser);
            }
        }
    }
    Ok(collected)
}

fn body_text(body: &RawBody) -> &str {
    match body {
        RawBody::Text(s) | RawBody::Markdown(s) | RawBody::Html(s) | RawBody::HtmlFragment(s) => s,
    }
}

/// The items of a feed document as teaser articles, in feed order. Long because it maps every
/// field of a feed entry onto the article's metadata, one after the other.
pub fn parse(source: &Source, text: &str, feed_url: &Url) -> Result<Vec<RawArticle>, Error> {
    let text = xml_declaration_to_utf8(text);
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url.as_str()))
        .build()
        .parse(text.as_bytes())
        .map_err(|e| {
            let hint = match advertised_feed(&text, feed_url) {
                Some(found) => format!("the page links to a feed at {found}; use that URL"),
                None => "check the URL points at the feed itself".into(),
            };
            let reason = e.to_string();
            Error::fetch(feed_url, FetchError::NotAFeed { reason, hint })
        })?;
    let site = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| urls::absolutize(Some(feed_url), &l.href))
        .unwrap_or_else(|| feed_url.clone());
    let mut out = Vec::new();
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .and_then(|l| urls::absolutize(Some(feed_url), &l.href));
        let key = match &link {
            Some(l) => urls::canonical(l).to_string(),
            None if !entry.id.trim().is_empty() => entry.id.trim().to_string(),
            None => continue,
        };
        let summary_html = entry.summary.as_ref().map(|t| t.content.clone());
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .filter(|b| !b.trim().is_empty());
        let has_content = content.is_some();
        let body = content.or(summary_html.clone()).unwrap_or_default();
        let hints = Metadata {
            title: entry
                .title
                .as_ref()
                .map(|t| plain(&t.content))
                .filter(|t| !t.is_empty()),
            // A summary beside the content is a dek; alone it is the body.
            summary: summary_html
                .filter(|_| has_content)
                .map(|s| plain(&s))
                .filter(|s| !s.is_empty()),
            authors: entry
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref().map(plain))
                .filter(|n| !n.is_empty())
                .collect(),
            published: entry.published.or(entry.updated).map(|d| d.fixed_offset()),
            updated: entry.updated.map(|d| d.fixed_offset()),
            categories: entry
                .categories
                .iter()
                .map(|c| plain(c.label.as_ref().unwrap_or(&c.term)))
                .filter(|c| !c.is_empty())
                .collect(),
            link: link.as_ref().map(urls::canonical),
            ..Metadata::default()
        };
        out.push(RawArticle {
            source: source.name.clone(),
            key,
            body: RawBody::HtmlFragment(body),
            base_url: Some(link.unwrap_or_else(|| site.clone())),
            file_time: None,
            hints,
        });
    }
    Ok(out)
}

/// The feed an HTML page advertises with `<link rel="alternate">`: for the error message when
/// someone configured the page instead of its feed, and for `add`'s autodiscovery.
pub(crate) fn advertised_feed(html: &str, page: &Url) -> Option<Url> {
    let doc = Document::from(html);
    let link = doc
        .select(r#"link[rel~="alternate"][href]"#)
        .nodes()
        .iter()
        .find(|n| {
            n.attr("type").is_some_and(|t| {
                matches!(
                    t.trim().to_ascii_lowercase().as_str(),
                    "application/rss+xml" | "application/atom+xml" | "application/feed+json"
                )
            })
        })?
        .attr("href")?;
    urls::absolutize(Some(page), &link)
}

/// Plain text of a title, summary, author or category that may be HTML.
fn plain(s: &str) -> String {
    let text = if s.contains('<') || s.contains('&') {
        Document::fragment(s).root().text().to_string()
    } else {
        s.to_string()
    };
    fold_whitespace(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_config::Builder;

    fn source() -> Source {
        Builder::new()
            .source("feed = \"https://e.org/feed.xml\"")
            .build_source()
    }

    #[test]
    fn rss_items_become_teasers_with_hints() {
        let xml = r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Blog</title><link>https://e.org/</link>
<item><title>Caf&#233; &amp; <![CDATA[<b>bar</b>]]></title><link>/posts/one?utm_source=rss</link>
<description>&lt;p&gt;Teaser &lt;a href="/x"&gt;x&lt;/a&gt;&lt;/p&gt;</description>
<dc:creator>Ann Lee</dc:creator><category>Food</category>
<pubDate>Sun, 12 May 2024 10:00:00 GMT</pubDate><guid>one</guid></item>
<item><description>No link, no title</description><guid isPermaLink="false">urn:x:2</guid></item>
</channel></rss>"#;
        let items = parse(
            &source(),
            xml,
            &Url::parse("https://e.org/feed.xml").unwrap(),
        )
        .unwrap();
        assert_eq!(items.len(), 2);
        let a = &items[0];
        assert_eq!(a.key, "https://e.org/posts/one");
        assert_eq!(a.hints.title.as_deref(), Some("Café & bar"));
        assert_eq!(a.hints.authors, ["Ann Lee"]);
        assert_eq!(a.hints.categories, ["Food"]);
        assert!(a.hints.published.is_some());
        assert!(matches!(&a.body, RawBody::HtmlFragment(b) if b.contains("<p>Teaser")));
        assert_eq!(items[1].key, "urn:x:2");
        assert_eq!(
            items[1].base_url.as_ref().map(Url::as_str),
            Some("https://e.org/")
        );
    }

    #[test]
    fn json_feed_and_rss1() {
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J",
            "items": [{"id": "7", "url": "https://e.org/seven", "title": "Seven",
            "content_html": "<p>Body seven</p>", "authors": [{"name": "Cy"}], "tags": ["x"],
            "date_published": "2024-05-12T10:00:00Z"}]}"#;
        let items = parse(
            &source(),
            json,
            &Url::parse("https://e.org/feed.json").unwrap(),
        )
        .unwrap();
        assert_eq!(items[0].key, "https://e.org/seven");
        assert_eq!(items[0].hints.authors, ["Cy"]);
        assert!(matches!(&items[0].body, RawBody::HtmlFragment(b) if b.contains("Body seven")));
        let rdf = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://e.org/"><title>R</title><link>https://e.org/</link><description>d</description></channel>
<item rdf:about="https://e.org/r1"><title>R one</title><link>https://e.org/r1</link><description>Teaser one</description></item></rdf:RDF>"#;
        let items = parse(&source(), rdf, &Url::parse("https://e.org/rss").unwrap()).unwrap();
        assert_eq!(items[0].key, "https://e.org/r1");
        assert_eq!(items[0].hints.title.as_deref(), Some("R one"));
    }

    #[test]
    fn atom_content_and_summary() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2024-05-12T10:00:00Z</updated>
<entry><title type="html">One &lt;i&gt;two&lt;/i&gt;</title><id>urn:a:1</id><link rel="alternate" href="https://e.org/one"/>
<updated>2024-05-12T10:00:00Z</updated><summary>Short dek.</summary><content type="html">&lt;p&gt;Full body&lt;/p&gt;</content>
<author><name>Bo</name></author></entry></feed>"#;
        let items = parse(&source(), xml, &Url::parse("https://e.org/atom").unwrap()).unwrap();
        let a = &items[0];
        assert_eq!(a.hints.title.as_deref(), Some("One two"));
        assert_eq!(a.hints.summary.as_deref(), Some("Short dek."));
        assert!(matches!(&a.body, RawBody::HtmlFragment(b) if b.contains("Full body")));
    }

    #[test]
    fn a_page_instead_of_its_feed_is_named_in_the_error() {
        let url = Url::parse("https://e.org/blog/").unwrap();
        let e = parse(&source(), "<html>not a feed</html>", &url).unwrap_err();
        assert!(e.to_string().contains("points at the feed itself"), "{e}");
        let page = r#"<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>Blog</body></html>"#;
        let e = parse(&source(), page, &url).unwrap_err();
        assert!(
            e.to_string()
                .contains("links to a feed at https://e.org/rss.xml"),
            "{e}"
        );
    }
}
