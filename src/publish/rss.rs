//! RSS 2.0, written directly: `atom:link rel="self"`, `guid isPermaLink="false"` (ids are tag
//! URIs, not the article URL), RFC 822 dates, summary as `description`, the full HTML as
//! `content:encoded`, names in `dc:creator` (RSS `author` must be an e-mail address). Laid out
//! as the `rss` crate lays it out; the three namespaces are always declared, as a streamed
//! head cannot know whether an item will use them.

use super::xml::{attr, cdata, element, escape};
use super::{FeedHead, Format, ValidItem};
use crate::chars::{escape_html, html_inert};
use crate::dates::rfc822;

pub(super) fn head(feed: &FeedHead, out: &mut Vec<u8>) {
    out.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" \
          xmlns:atom=\"http://www.w3.org/2005/Atom\" \
          xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
          xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n  <channel>\n",
    );
    let ind = "    ";
    element(out, ind, "title", &html_inert(&feed.title));
    element(out, ind, "link", feed.home.as_str());
    element(out, ind, "description", &html_inert(&feed.description));
    let date = rfc822(feed.updated);
    element(out, ind, "pubDate", &date);
    element(out, ind, "lastBuildDate", &date);
    let generator = concat!("feedsmith ", env!("CARGO_PKG_VERSION"));
    element(out, ind, "generator", generator);
    if let Some(ttl) = feed.ttl {
        element(out, ind, "ttl", &ttl.to_string());
    }
    out.extend_from_slice(b"    <atom:link");
    attr(out, "href", feed.self_url(Format::Rss).as_str());
    attr(out, "rel", "self");
    attr(out, "type", Format::Rss.media_type());
    out.extend_from_slice(b"/>\n");
    if let Some(hub) = &feed.hub {
        out.extend_from_slice(b"    <atom:link");
        attr(out, "href", hub.as_str());
        attr(out, "rel", "hub");
        out.extend_from_slice(b"/>\n");
    }
}

pub(super) fn item(i: &ValidItem, out: &mut Vec<u8>) {
    let ind = "      ";
    out.extend_from_slice(b"    <item>\n");
    // Plain-text fields readers may render as HTML: markup in them made inert.
    element(out, ind, "title", &html_inert(&i.title));
    if let Some(link) = &i.link {
        element(out, ind, "link", link.as_str());
    }
    // Readers render `description` as HTML; the summary is plain text.
    if let Some(summary) = &i.summary {
        out.extend_from_slice(b"      <description>");
        cdata(out, &escape_html(summary));
        out.extend_from_slice(b"</description>\n");
    }
    for c in &i.categories {
        element(out, ind, "category", &html_inert(c));
    }
    out.extend_from_slice(b"      <guid isPermaLink=\"false\">");
    escape(out, &i.id);
    out.extend_from_slice(b"</guid>\n");
    element(out, ind, "pubDate", &rfc822(i.published));
    if !i.content_html.is_empty() {
        out.extend_from_slice(b"      <content:encoded>");
        cdata(out, &i.content_html);
        out.extend_from_slice(b"</content:encoded>\n");
    }
    for c in &i.credits {
        element(out, ind, "dc:contributor", &html_inert(c));
    }
    for a in &i.authors {
        element(out, ind, "dc:creator", &html_inert(a));
    }
    out.extend_from_slice(b"    </item>\n");
}

pub(super) fn tail(out: &mut Vec<u8>) {
    out.extend_from_slice(b"  </channel>\n</rss>\n");
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use crate::chars::WORD_JOINER;
    use crate::config::test_config::Builder;
    use crate::model::{Article, Item};
    use crate::publish::{Format, ValidFeed};

    /// Markup-like text in every plain-text field; `parsed` is what a reader gets of it.
    #[test]
    fn plain_text_fields_read_the_same_as_text_and_as_html() {
        let c = Builder::new().feed("f", "").build();
        let at = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let odd = "Talks <b>resume</b> & AT&amp;T";
        let item = Item {
            id: "tag:e.org,2024:1".into(),
            key: "k".into(),
            source: "s".into(),
            article: Article {
                title: odd.into(),
                authors: vec!["<i>Ana</i> Lima".into()],
                categories: vec!["<b>bold</b>".into()],
                content_text: "x".into(),
                ..Default::default()
            },
            published: at,
            updated: at,
        };
        let valid = ValidFeed::new(&c.feeds[0], &c.site, &[item], at, None).unwrap();
        let rss = feed_rs::parser::parse(valid.render(Format::Rss).as_slice()).unwrap();
        let entry = &rss.entries[0];
        let fields: [String; 3] = [
            entry.title.as_ref().unwrap().content.clone(),
            entry.authors[0].name.clone().unwrap_or_default(),
            entry.categories[0].term.clone(),
        ];
        for (field, original) in fields.iter().zip([odd, "<i>Ana</i> Lima", "<b>bold</b>"]) {
            assert_eq!(field.replace(WORD_JOINER, ""), original, "as text");
            for live in ["<b", "<i", "</", "&amp", "&T"] {
                assert!(!field.contains(live), "{live} is live in {field:?}");
            }
        }
        // Atom says `type="text"`: nothing to disarm, the title is exactly the article's.
        let atom = feed_rs::parser::parse(valid.render(Format::Atom).as_slice()).unwrap();
        assert_eq!(atom.entries[0].title.as_ref().unwrap().content, odd);
    }
}
