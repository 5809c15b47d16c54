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
use crate::model::{Enclosure, Metadata, Podcast, RawArticle, RawBody};
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
    let items: Vec<RawArticle> = parse_unwrapped(source, &page.text, &page.url)?
        .into_iter()
        .map(|(mut a, tracked)| {
            // An item stored under its tracking link before links were unwrapped keeps that
            // key, and so the id it was published under.
            if let Some(old) = tracked.filter(|old| memory.knows(old)) {
                a.key = old;
            }
            a
        })
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
                // A link that redirected elsewhere (a tracker, `t.co`, a short link) is the
                // article it led to: published under, and identified by, that URL. Such an
                // item is fetched again on later runs, as only following the link tells which
                // item it is; a redirect to https, to `www.` or adding a slash changes nothing.
                let landed = full.base_url.as_ref().map(urls::canonical);
                let elsewhere = |l: &&Url| full.hints.link.as_ref().map(place) != Some(place(l));
                if let Some(landed) = landed.as_ref().filter(elsewhere) {
                    full.key = landed.to_string();
                    full.hints.link = Some(landed.clone());
                }
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

/// Where a URL leads, as far as telling a redirect elsewhere from one within the page goes:
/// host without `www.`, path without a trailing slash, query; not the scheme.
fn place(u: &Url) -> String {
    let host = u.host_str().unwrap_or_default().trim_start_matches("www.");
    let path = u.path().trim_end_matches('/');
    format!("{host}{path}?{}", u.query().unwrap_or_default())
}

fn body_text(body: &RawBody) -> &str {
    match body {
        RawBody::Text(s) | RawBody::Markdown(s) | RawBody::Html(s) | RawBody::HtmlFragment(s) => s,
    }
}

/// The items of a feed document as teaser articles, in feed order.
pub fn parse(source: &Source, text: &str, feed_url: &Url) -> Result<Vec<RawArticle>, Error> {
    let items = parse_unwrapped(source, text, feed_url)?;
    Ok(items.into_iter().map(|(a, _)| a).collect())
}

/// [`parse`], each item with the key an earlier build gave it when its link was a tracker's
/// (a feedburner `~r/` link, a redirector) that is now unwrapped. Long because it maps every
/// field of a feed entry onto the article's metadata, one after the other.
fn parse_unwrapped(
    source: &Source,
    text: &str,
    feed_url: &Url,
) -> Result<Vec<(RawArticle, Option<String>)>, Error> {
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
    let json = feed.feed_type == feed_rs::model::FeedType::JSON;
    let podcasts = podcast_fields(&text, feed.entries.len(), feed_url);
    // The channel's language is each item's, as a feed rarely tags items one by one.
    let language = feed.language.clone();
    let originals = orig_links(&text, feed.entries.len());
    let json_images = match json {
        true => json_item_images(&text, feed.entries.len()),
        false => Vec::new(),
    };
    let mut out = Vec::new();
    for (n, entry) in feed.entries.into_iter().enumerate() {
        let tracked = entry
            .links
            .iter()
            .filter(|l| !is_attachment(l, json))
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .and_then(|l| urls::absolutize(Some(feed_url), &l.href));
        // The article's own URL, before the key (and so the id) is derived from it.
        let original = originals
            .get(n)
            .and_then(|o| urls::absolutize(Some(feed_url), o.as_deref()?));
        let link = original
            .or_else(|| tracked.as_ref().and_then(urls::unwrap_redirector))
            .or(tracked.clone());
        let legacy = match (&tracked, &link) {
            (Some(t), Some(l)) if t != l => Some(urls::canonical(t).to_string()),
            _ => None,
        };
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
            image: media_image(&entry, json, feed_url).or_else(|| {
                let image = json_images.get(n)?.as_deref()?;
                urls::absolutize(Some(feed_url), image)
            }),
            enclosures: enclosures(&entry, json, feed_url),
            podcast: podcasts.get(n).cloned().flatten(),
            language: language.clone(),
            ..Metadata::default()
        };
        let article = RawArticle {
            source: source.name.clone(),
            key,
            body: RawBody::HtmlFragment(body),
            base_url: Some(link.unwrap_or_else(|| site.clone())),
            file_time: None,
            hints,
        };
        out.push((article, legacy));
    }
    Ok(out)
}

/// Each item's or entry's `feedburner:origLink` (the article behind a feedburner `~r/` link),
/// in document order; empty when the feed has none, or when the items cannot be told apart
/// as feed-rs counted them.
fn orig_links(text: &str, entries: usize) -> Vec<Option<String>> {
    use quick_xml::events::Event;
    if !text.contains("origLink") {
        return Vec::new();
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut out, mut inside, mut buf) = (Vec::new(), false, String::new());
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "item" | "entry" => out.push(None),
                "origLink" => {
                    inside = true;
                    buf.clear();
                }
                _ => {}
            },
            Ok(Event::Text(t)) if inside => buf.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) if inside => buf.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if inside => match r.xml10_content().as_ref() {
                "amp" => buf.push('&'),
                "lt" => buf.push('<'),
                "gt" => buf.push('>'),
                "quot" => buf.push('"'),
                "apos" => buf.push('\''),
                _ => buf.extend(r.resolve_char_ref().ok().flatten()),
            },
            Ok(Event::End(e)) if inside && e.local_name().as_ref() == "origLink" => {
                inside = false;
                if let Some(last) = out.last_mut() {
                    *last = Some(buf.trim().to_string()).filter(|s| !s.is_empty());
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Vec::new(),
            Ok(_) => {}
        }
    }
    match out.len() == entries {
        true => out,
        false => Vec::new(),
    }
}

/// A JSON Feed attachment (feed-rs reads them as links with a type and no `rel`) or an Atom
/// `rel="enclosure"` link: a file, not the item's page.
fn is_attachment(l: &feed_rs::model::Link, json: bool) -> bool {
    l.rel.as_deref() == Some("enclosure") || (json && l.rel.is_none() && l.media_type.is_some())
}

/// An item's media files: RSS `<enclosure>` and Media RSS `media:content` (which feed-rs reads
/// as media objects), Atom and JSON Feed enclosure links; images are the item's picture, not a
/// file it carries. Each URL once, in the order found; a file whose type is neither given nor
/// known from its extension is left out, as no format may publish it without one.
fn enclosures(entry: &feed_rs::model::Entry, json: bool, base: &Url) -> Vec<Enclosure> {
    let media = entry.media.iter().flat_map(|m| &m.content).filter_map(|c| {
        let url = c.url.as_ref()?;
        Some((
            url.to_string(),
            c.content_type.as_ref().map(|t| t.to_string()),
            c.size,
        ))
    });
    let links = entry
        .links
        .iter()
        .filter(|l| is_attachment(l, json))
        .map(|l| (l.href.clone(), l.media_type.clone(), l.length));
    let mut out: Vec<Enclosure> = Vec::new();
    for (href, mime, length) in media.chain(links) {
        let Some(url) = urls::absolutize(Some(base), &href) else {
            continue;
        };
        let mime = mime
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| crate::publish::is_mime_type(m))
            .or_else(|| mime_from_extension(&url).map(str::to_string));
        let Some(mime_type) = mime else { continue };
        if mime_type.starts_with("image/") || out.iter().any(|e| e.url == url) {
            continue;
        }
        out.push(Enclosure {
            url,
            mime_type,
            length,
        });
    }
    out
}

/// Each JSON Feed item's `image` (feed-rs does not read it), in order; empty when the items
/// cannot be read as feed-rs counted them.
fn json_item_images(text: &str, entries: usize) -> Vec<Option<String>> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(items) = doc["items"].as_array().filter(|i| i.len() == entries) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|i| i["image"].as_str().map(str::to_string))
        .collect()
}

/// The item's picture from its media: a Media RSS image, else a thumbnail (an episode's
/// `itunes:image` among them), else an image attached as an enclosure link.
fn media_image(entry: &feed_rs::model::Entry, json: bool, base: &Url) -> Option<Url> {
    let attached = || {
        entry
            .links
            .iter()
            .filter(|l| is_attachment(l, json))
            .filter(|l| {
                l.media_type
                    .as_deref()
                    .is_some_and(|t| t.starts_with("image/"))
            })
            .find_map(|l| urls::absolutize(Some(base), &l.href))
    };
    let images = entry.media.iter().flat_map(|m| &m.content).filter(|c| {
        c.content_type
            .as_ref()
            .is_some_and(|t| t.ty().as_str() == "image")
    });
    let image = images.filter_map(|c| c.url.as_ref()).next().cloned();
    let thumbnail = || {
        entry
            .media
            .iter()
            .flat_map(|m| &m.thumbnails)
            .find_map(|t| urls::absolutize(Some(base), &t.image.uri))
    };
    image
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .or_else(thumbnail)
        .or_else(attached)
}

/// The MIME type of the media files podcasts and video feeds carry, from the URL's extension.
fn mime_from_extension(url: &Url) -> Option<&'static str> {
    let ext = url.path().rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        "epub" => "application/epub+zip",
        _ => return None,
    })
}

/// Each item's iTunes fields, in document order, read with the `rss` crate's iTunes extension
/// (feed-rs keeps only some of them); the channel's own fields go with every episode. Empty for
/// a feed that does not use the namespace, or whose items the two parsers count differently.
fn podcast_fields(text: &str, entries: usize, base: &Url) -> Vec<Option<Podcast>> {
    if !text.contains("http://www.itunes.com/dtds/podcast-1.0.dtd") {
        return Vec::new();
    }
    let Ok(channel) = rss::Channel::read_from(text.as_bytes()) else {
        return Vec::new();
    };
    if channel.items().len() != entries {
        return Vec::new();
    }
    let url = |s: Option<&str>| s.and_then(|s| urls::absolutize(Some(base), s.trim()));
    let show = channel.itunes_ext();
    let owner = show.and_then(|s| s.owner());
    let text = |s: Option<&str>| s.map(plain).filter(|s| !s.is_empty());
    let show_fields = Podcast {
        show_category: show
            .and_then(|s| s.categories().first())
            .map(|c| c.text().trim().to_string())
            .filter(|c| !c.is_empty()),
        show_explicit: show.and_then(|s| explicit(s.explicit())),
        show_image: url(show.and_then(|s| s.image())),
        owner_name: text(owner.and_then(|o| o.name())),
        owner_email: text(owner.and_then(|o| o.email())).filter(|e| e.contains('@')),
        ..Podcast::default()
    };
    channel
        .items()
        .iter()
        .map(|item| {
            let ext = item.itunes_ext()?;
            Some(Podcast {
                duration: ext.duration().and_then(duration_seconds),
                episode: ext.episode().and_then(|e| e.trim().parse().ok()),
                image: url(ext.image()),
                explicit: explicit(ext.explicit()),
                ..show_fields.clone()
            })
        })
        .collect()
}

/// `itunes:explicit` as written over the years: yes/no/clean, true/false.
fn explicit(value: Option<&str>) -> Option<bool> {
    match value?.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "explicit" => Some(true),
        "no" | "false" | "clean" => Some(false),
        _ => None,
    }
}

/// `itunes:duration` (`SECONDS`, `MM:SS` or `HH:MM:SS`) in seconds.
fn duration_seconds(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut total: u64 = 0;
    for p in parts {
        let whole = p.split('.').next()?;
        total = total.checked_mul(60)?.checked_add(whole.parse().ok()?)?;
    }
    Some(total)
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
    fn enclosures_of_every_format_pass_through_with_type_and_length() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2024-05-12T10:00:00Z</updated>
<entry><title>Talk</title><id>urn:a:1</id><updated>2024-05-12T10:00:00Z</updated>
<link rel="alternate" href="https://e.org/talk"/>
<link rel="enclosure" href="/media/talk.ogg" type="audio/ogg" length="1234"/>
<link rel="enclosure" href="https://e.org/media/talk.ogg" type="audio/ogg" length="1234"/>
<summary>Talk</summary></entry></feed>"#;
        let items = parse(&source(), atom, &Url::parse("https://e.org/atom").unwrap()).unwrap();
        let e = &items[0].hints.enclosures;
        assert_eq!(e.len(), 1, "one file, listed twice: {e:?}");
        assert_eq!(e[0].url.as_str(), "https://e.org/media/talk.ogg");
        assert_eq!(
            (e[0].mime_type.as_str(), e[0].length),
            ("audio/ogg", Some(1234))
        );
        assert_eq!(items[0].key, "https://e.org/talk", "the page, not the file");
        let pictured = atom.replace(
            "<summary>",
            r#"<link rel="enclosure" href="/img/talk.jpg" type="image/jpeg"/><summary>"#,
        );
        let items = parse(
            &source(),
            &pictured,
            &Url::parse("https://e.org/atom").unwrap(),
        )
        .unwrap();
        let image = items[0].hints.image.as_ref().map(Url::as_str);
        assert_eq!(
            image,
            Some("https://e.org/img/talk.jpg"),
            "an image is the picture"
        );
        assert_eq!(items[0].hints.enclosures.len(), 1, "and no file to play");

        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J",
            "items": [{"id": "7", "url": "https://e.org/seven", "content_text": "Seven", "image": "/seven.png",
            "attachments": [{"url": "https://e.org/seven.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 99},
                            {"url": "https://e.org/seven.bin", "mime_type": "not a type"}]}]}"#;
        let items = parse(&source(), json, &Url::parse("https://e.org/j").unwrap()).unwrap();
        assert_eq!(items[0].key, "https://e.org/seven");
        let e = &items[0].hints.enclosures;
        assert_eq!(e.len(), 1, "a file of no known type is left out: {e:?}");
        assert_eq!(
            (e[0].url.as_str(), e[0].length),
            ("https://e.org/seven.mp3", Some(99))
        );
        let image = items[0].hints.image.as_ref().map(Url::as_str);
        assert_eq!(
            image,
            Some("https://e.org/seven.png"),
            "JSON Feed's item image"
        );

        let mrss = r#"<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>M</title>
<link>https://e.org/</link><description>d</description>
<item><title>Clip</title><link>https://e.org/clip</link><description>Clip</description>
<media:content url="https://e.org/clip.mp4" type="video/mp4" fileSize="5000"/>
<media:content url="https://e.org/still.jpg" type="image/jpeg"/></item>
<item><title>Old clip</title><link>https://e.org/old</link><description>Old</description>
<enclosure url="https://e.org/clip.mov" length="77"/></item></channel></rss>"#;
        let items = parse(&source(), mrss, &Url::parse("https://e.org/m").unwrap()).unwrap();
        let a = &items[0].hints;
        let types: Vec<&str> = a.enclosures.iter().map(|e| e.mime_type.as_str()).collect();
        assert_eq!(
            types,
            ["video/mp4"],
            "the image is the picture: {:?}",
            a.enclosures
        );
        assert_eq!(a.enclosures[0].length, Some(5000));
        assert_eq!(
            a.image.as_ref().map(Url::as_str),
            Some("https://e.org/still.jpg")
        );
        // No type given: known from the extension.
        let e = &items[1].hints.enclosures;
        assert_eq!(
            (e[0].mime_type.as_str(), e[0].length),
            ("video/quicktime", Some(77))
        );
    }

    #[test]
    fn itunes_fields_are_read_per_episode_with_the_show() {
        let xml = r#"<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>P</title><link>https://e.org/</link><description>d</description>
<itunes:category text="Technology"/><itunes:explicit>yes</itunes:explicit>
<itunes:owner><itunes:name>Pat</itunes:name><itunes:email>pat@e.org</itunes:email></itunes:owner>
<item><title>One</title><link>https://e.org/1</link><description>x</description>
<itunes:duration>45:07</itunes:duration><itunes:episode>3</itunes:episode><itunes:explicit>clean</itunes:explicit>
<itunes:image href="/one.png"/></item>
<item><title>Two</title><link>https://e.org/2</link><description>y</description></item>
</channel></rss>"#;
        let items = parse(&source(), xml, &Url::parse("https://e.org/p").unwrap()).unwrap();
        let p = items[0].hints.podcast.as_ref().unwrap();
        assert_eq!(
            (p.duration, p.episode, p.explicit),
            (Some(2707), Some(3), Some(false))
        );
        assert_eq!(
            p.image.as_ref().map(Url::as_str),
            Some("https://e.org/one.png")
        );
        assert_eq!(p.show_category.as_deref(), Some("Technology"));
        assert_eq!(p.show_explicit, Some(true));
        assert_eq!(p.owner_email.as_deref(), Some("pat@e.org"));
        assert!(
            items[1].hints.podcast.is_none(),
            "no iTunes fields of its own"
        );
        assert_eq!(duration_seconds("1:02:03"), Some(3723));
        assert_eq!(duration_seconds("90"), Some(90));
        assert_eq!(duration_seconds("an hour"), None);
    }

    #[test]
    fn a_redirect_within_the_page_is_no_redirect_elsewhere() {
        let at = |s: &str| place(&Url::parse(s).unwrap());
        let story = at("http://e.org/news/story");
        for same in ["https://e.org/news/story", "https://www.e.org/news/story/"] {
            assert_eq!(at(same), story, "{same}");
        }
        for other in [
            "https://e.org/news/other",
            "https://t.co/news/story",
            "http://e.org/news/story?p=2",
        ] {
            assert_ne!(at(other), story, "{other}");
        }
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
