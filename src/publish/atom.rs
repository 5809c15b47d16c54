//! Atom 1.0 (RFC 4287), written directly: feed id/title/updated/author/self link; every entry
//! with id, title, updated (first-seen time when the source had no date), published,
//! `content type="html"`, summary, credits as contributors, media files as `rel="enclosure"`
//! links with type and length, and the lead image as Media RSS. Laid out as the
//! `atom_syndication` crate lays it out.

use chrono::{DateTime, Utc};

use super::xml::{attr, element};
use super::{FeedHead, Format, ValidItem};

/// RFC 3339 as Atom readers have always had it from feedsmith: `+00:00`, fractions kept.
fn date(d: DateTime<Utc>) -> String {
    d.fixed_offset().to_rfc3339()
}

fn link(out: &mut Vec<u8>, indent: &str, rel: &str, href: &str, mime: Option<&str>) {
    sized_link(out, indent, rel, href, mime, None);
}

/// A `link` with its `length` in bytes (an enclosure's).
fn sized_link(
    out: &mut Vec<u8>,
    indent: &str,
    rel: &str,
    href: &str,
    mime: Option<&str>,
    length: Option<u64>,
) {
    out.extend_from_slice(indent.as_bytes());
    out.extend_from_slice(b"<link");
    attr(out, "href", href);
    attr(out, "rel", rel);
    if let Some(mime) = mime {
        attr(out, "type", mime);
    }
    if let Some(length) = length {
        attr(out, "length", &length.to_string());
    }
    out.extend_from_slice(b"/>\n");
}

/// An `author` or `contributor` with only a name.
fn person(out: &mut Vec<u8>, indent: &str, tag: &str, name: &str) {
    let inner = format!("{indent}  ");
    for part in [indent, "<", tag, ">\n"] {
        out.extend_from_slice(part.as_bytes());
    }
    element(out, &inner, "name", name);
    for part in [indent, "</", tag, ">\n"] {
        out.extend_from_slice(part.as_bytes());
    }
}

pub(super) fn head(feed: &FeedHead, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    if feed.extras.media {
        out.extend_from_slice(b" xmlns:media=\"http://search.yahoo.com/mrss/\"");
    }
    if feed.is_archive_page() {
        attr(out, "xmlns:fh", super::HISTORY_NS);
    }
    if let Some(language) = &feed.language {
        attr(out, "xml:lang", language);
    }
    out.extend_from_slice(b">\n");
    let ind = "  ";
    element(out, ind, "title", &feed.title);
    element(out, ind, "id", &feed.id);
    element(out, ind, "updated", &date(feed.updated));
    person(out, ind, "author", &feed.author);
    out.extend_from_slice(b"  <generator");
    attr(out, "version", env!("CARGO_PKG_VERSION"));
    out.extend_from_slice(b">feedsmith</generator>\n");
    let self_url = feed.self_url(Format::Atom);
    link(
        out,
        ind,
        "self",
        self_url.as_str(),
        Some(Format::Atom.media_type()),
    );
    link(out, ind, "alternate", feed.home.as_str(), Some("text/html"));
    if let Some(hub) = &feed.hub {
        link(out, ind, "hub", hub.as_str(), None);
    }
    for (rel, href) in feed.archive_links(Format::Atom) {
        link(
            out,
            ind,
            rel,
            href.as_str(),
            Some(Format::Atom.media_type()),
        );
    }
    if feed.is_archive_page() {
        out.extend_from_slice(b"  <fh:archive/>\n");
    }
    element(out, ind, "subtitle", &feed.description);
}

pub(super) fn item(i: &ValidItem, out: &mut Vec<u8>) {
    let ind = "    ";
    out.extend_from_slice(b"  <entry>\n");
    element(out, ind, "title", &i.title);
    element(out, ind, "id", &i.id);
    element(out, ind, "updated", &date(i.updated));
    for a in &i.authors {
        person(out, ind, "author", a);
    }
    for c in &i.categories {
        out.extend_from_slice(b"    <category");
        attr(out, "term", c);
        out.extend_from_slice(b"/>\n");
    }
    for c in &i.credits {
        person(out, ind, "contributor", c);
    }
    if let Some(l) = &i.link {
        link(out, ind, "alternate", l.as_str(), Some("text/html"));
    }
    for e in &i.enclosures {
        let (href, mime) = (e.url.as_str(), Some(e.mime_type.as_str()));
        sized_link(out, ind, "enclosure", href, mime, e.length);
    }
    // An image is no enclosure to a podcast client: Media RSS, as in RSS.
    if let Some(image) = &i.image {
        super::rss::media_image(image, ind, out);
    }
    element(out, ind, "published", &date(i.published));
    if let Some(summary) = &i.summary {
        element(out, ind, "summary", summary);
    }
    if !i.content_html.is_empty() {
        out.extend_from_slice(b"    <content type=\"html\">");
        super::xml::escape(out, &i.content_html);
        out.extend_from_slice(b"</content>\n");
    }
    out.extend_from_slice(b"  </entry>\n");
}

pub(super) fn tail(out: &mut Vec<u8>) {
    out.extend_from_slice(b"</feed>\n");
}
