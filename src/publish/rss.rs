//! RSS 2.0, written directly: `atom:link rel="self"`, `guid isPermaLink="false"` (ids are tag
//! URIs, not the article URL), RFC 822 dates, summary as `description`, the full HTML as
//! `content:encoded`, names in `dc:creator` (RSS `author` must be an e-mail address). Laid out
//! as the `rss` crate lays it out; the three namespaces are always declared, as a streamed
//! head cannot know whether an item will use them. The Media RSS and iTunes namespaces, which
//! few feeds need, are declared only when the items use them (the gate looks ahead).

use super::xml::{attr, cdata, element, escape};
use super::{Extras, FeedHead, Format, Show, ValidItem};
use crate::chars::{escape_html, html_inert};
use crate::dates::rfc822;

pub(super) fn head(feed: &FeedHead, out: &mut Vec<u8>) {
    out.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" \
          xmlns:atom=\"http://www.w3.org/2005/Atom\" \
          xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
          xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
    );
    // Declared only when an item uses them, so a plain feed's head stays as it was.
    if feed.extras.show.is_some() {
        out.extend_from_slice(b" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"");
    }
    if feed.extras.media {
        out.extend_from_slice(b" xmlns:media=\"http://search.yahoo.com/mrss/\"");
    }
    if feed.is_archive_page() {
        attr(out, "xmlns:fh", super::HISTORY_NS);
    }
    out.extend_from_slice(b">\n  <channel>\n");
    let ind = "    ";
    element(out, ind, "title", &html_inert(&feed.title));
    element(out, ind, "link", feed.home.as_str());
    element(out, ind, "description", &html_inert(&feed.description));
    if let Some(language) = &feed.language {
        element(out, ind, "language", language);
    }
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
    for (rel, href) in feed.archive_links(Format::Rss) {
        out.extend_from_slice(b"    <atom:link");
        attr(out, "href", href.as_str());
        attr(out, "rel", rel);
        attr(out, "type", Format::Rss.media_type());
        out.extend_from_slice(b"/>\n");
    }
    if feed.is_archive_page() {
        out.extend_from_slice(b"    <fh:archive/>\n");
    }
    if let Some(show) = &feed.extras.show {
        show_fields(show, out);
    }
}

/// The channel fields of a podcast's show the validator expects once the iTunes namespace is
/// used: category, explicit, owner with an e-mail, and the show's artwork when known.
fn show_fields(show: &Show, out: &mut Vec<u8>) {
    let ind = "    ";
    element(out, ind, "itunes:explicit", yes_no(show.explicit));
    out.extend_from_slice(b"    <itunes:category");
    attr(out, "text", show.category);
    out.extend_from_slice(b"/>\n");
    if let Some(image) = &show.image {
        out.extend_from_slice(b"    <itunes:image");
        attr(out, "href", image.as_str());
        out.extend_from_slice(b"/>\n");
    }
    out.extend_from_slice(b"    <itunes:owner>\n");
    if let Some(name) = &show.owner_name {
        element(out, "      ", "itunes:name", name);
    }
    element(out, "      ", "itunes:email", &show.owner_email);
    out.extend_from_slice(b"    </itunes:owner>\n");
}

/// `itunes:explicit` as the W3C validator reads it.
fn yes_no(b: bool) -> &'static str {
    match b {
        true => "yes",
        false => "no",
    }
}

/// `itunes:duration` as `H:MM:SS`.
fn duration(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

pub(super) fn item(i: &ValidItem, extras: &Extras, out: &mut Vec<u8>) {
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
    // RSS allows one enclosure an item: the episode's sound or film before any document.
    let sound = i.enclosures.iter().find(|e| super::playable(e));
    if let Some(e) = sound.or(i.enclosures.first()) {
        out.extend_from_slice(b"      <enclosure");
        attr(out, "url", e.url.as_str());
        attr(out, "length", &e.length.unwrap_or(0).to_string());
        attr(out, "type", &e.mime_type);
        out.extend_from_slice(b"/>\n");
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
    if let Some(image) = &i.image {
        media_image(image, ind, out);
    }
    if let (Some(e), Some(_)) = (&i.episode, &extras.show) {
        if let Some(d) = e.duration {
            element(out, ind, "itunes:duration", &duration(d));
        }
        if let Some(n) = e.episode {
            element(out, ind, "itunes:episode", &n.to_string());
        }
        if let Some(image) = &e.image {
            out.extend_from_slice(b"      <itunes:image");
            attr(out, "href", image.as_str());
            out.extend_from_slice(b"/>\n");
        }
        if let Some(x) = e.explicit {
            element(out, ind, "itunes:explicit", yes_no(x));
        }
    }
    out.extend_from_slice(b"    </item>\n");
}

/// The lead image as Media RSS: `media:content` (what Feedly, Inoreader and NetNewsWire show
/// beside the headline) and `media:thumbnail` (Thunderbird, Outlook and older readers). Shared
/// with Atom, whose own enclosure link is for audio and video.
pub(super) fn media_image(image: &url::Url, ind: &str, out: &mut Vec<u8>) {
    for (tag, medium) in [("media:content", true), ("media:thumbnail", false)] {
        out.extend_from_slice(ind.as_bytes());
        out.push(b'<');
        out.extend_from_slice(tag.as_bytes());
        attr(out, "url", image.as_str());
        if medium {
            attr(out, "medium", "image");
        }
        out.extend_from_slice(b"/>\n");
    }
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
