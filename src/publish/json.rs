//! JSON Feed 1.1, written directly (no writer crate exists; `serde_json` escapes the strings),
//! laid out as `serde_json`'s pretty printer lays it out. Credits go in a `_feedsmith`
//! extension object, as the spec asks for custom fields.

use super::{FeedHead, Format, ValidItem};
use crate::dates::rfc3339;

/// A JSON string, escaped.
fn string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing a string to a Vec cannot fail");
}

/// Writes `"key": ` at `indent`, after a comma unless it is the object's first member.
fn key(out: &mut Vec<u8>, first: &mut bool, indent: &str, key: &str) {
    if !std::mem::take(first) {
        out.push(b',');
    }
    out.push(b'\n');
    out.extend_from_slice(indent.as_bytes());
    string(out, key);
    out.extend_from_slice(b": ");
}

/// An array of strings or of `{"name": …}` objects, its members at `indent` + 2.
fn array(out: &mut Vec<u8>, indent: &str, values: &[String], named: bool) {
    out.push(b'[');
    let inner = format!("{indent}  ");
    for (n, v) in values.iter().enumerate() {
        out.extend_from_slice(if n == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(inner.as_bytes());
        if named {
            let mut first = true;
            out.push(b'{');
            key(out, &mut first, &format!("{inner}  "), "name");
            string(out, v);
            out.push(b'\n');
            out.extend_from_slice(inner.as_bytes());
            out.push(b'}');
        } else {
            string(out, v);
        }
    }
    out.push(b'\n');
    out.extend_from_slice(indent.as_bytes());
    out.push(b']');
}

pub(super) fn head(feed: &FeedHead, out: &mut Vec<u8>) {
    let (ind, first) = ("  ", &mut true);
    out.push(b'{');
    key(out, first, ind, "version");
    string(out, "https://jsonfeed.org/version/1.1");
    key(out, first, ind, "title");
    string(out, &feed.title);
    key(out, first, ind, "home_page_url");
    string(out, feed.home.as_str());
    key(out, first, ind, "feed_url");
    string(out, feed.self_url(Format::Json).as_str());
    // JSON Feed pages backwards only: `next_url` is the next older page of the archive.
    let older = feed
        .archive_links(Format::Json)
        .into_iter()
        .find(|(rel, _)| *rel == "prev-archive");
    if let Some((_, url)) = older {
        key(out, first, ind, "next_url");
        string(out, url.as_str());
    }
    key(out, first, ind, "description");
    string(out, &feed.description);
    if let Some(language) = &feed.language {
        key(out, first, ind, "language");
        string(out, language);
    }
    key(out, first, ind, "authors");
    array(out, ind, std::slice::from_ref(&feed.author), true);
    if let Some(hub) = &feed.hub {
        key(out, first, ind, "hubs");
        out.extend_from_slice(b"[\n    {");
        let inner = &mut true;
        key(out, inner, "      ", "type");
        string(out, "WebSub");
        key(out, inner, "      ", "url");
        string(out, hub.as_str());
        out.extend_from_slice(b"\n    }\n  ]");
    }
    key(out, first, ind, "items");
    out.push(b'[');
}

/// What goes before an item: a line break, after a comma unless it is the first.
pub(super) fn separator(first: bool) -> &'static [u8] {
    match first {
        true => b"\n",
        false => b",\n",
    }
}

pub(super) fn item(i: &ValidItem, first_item: bool, out: &mut Vec<u8>) {
    let (ind, first) = ("      ", &mut true);
    out.extend_from_slice(separator(first_item));
    out.extend_from_slice(b"    {");
    key(out, first, ind, "id");
    string(out, &i.id);
    if let Some(link) = &i.link {
        key(out, first, ind, "url");
        string(out, link.as_str());
    }
    key(out, first, ind, "title");
    string(out, &i.title);
    if let Some(summary) = &i.summary {
        key(out, first, ind, "summary");
        string(out, summary);
    }
    key(out, first, ind, "content_html");
    string(out, &i.content_html);
    key(out, first, ind, "content_text");
    string(out, &i.content_text);
    if let Some(image) = &i.image {
        key(out, first, ind, "image");
        string(out, image.as_str());
    }
    if !i.enclosures.is_empty() {
        key(out, first, ind, "attachments");
        attachments(i, out);
    }
    key(out, first, ind, "date_published");
    string(out, &rfc3339(i.published));
    key(out, first, ind, "date_modified");
    string(out, &rfc3339(i.updated));
    if !i.authors.is_empty() {
        key(out, first, ind, "authors");
        array(out, ind, &i.authors, true);
    }
    if !i.categories.is_empty() {
        key(out, first, ind, "tags");
        array(out, ind, &i.categories, false);
    }
    if !i.credits.is_empty() {
        key(out, first, ind, "_feedsmith");
        let inner = &mut true;
        out.push(b'{');
        key(out, inner, "        ", "about");
        string(
            out,
            "https://github.com/feedsmith/feedsmith#json-feed-extension",
        );
        key(out, inner, "        ", "credits");
        array(out, "        ", &i.credits, false);
        out.extend_from_slice(b"\n      }");
    }
    out.extend_from_slice(b"\n    }");
}

/// An item's media files as JSON Feed attachments; an episode's running time goes with its
/// sound or film.
fn attachments(i: &ValidItem, out: &mut Vec<u8>) {
    let duration = i.episode.as_ref().and_then(|e| e.duration);
    out.push(b'[');
    for (n, e) in i.enclosures.iter().enumerate() {
        out.extend_from_slice(if n == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(b"        {");
        let (ind, first) = ("          ", &mut true);
        key(out, first, ind, "url");
        string(out, e.url.as_str());
        key(out, first, ind, "mime_type");
        string(out, &e.mime_type);
        if let Some(len) = e.length {
            key(out, first, ind, "size_in_bytes");
            out.extend_from_slice(len.to_string().as_bytes());
        }
        if let Some(d) = duration.filter(|_| super::playable(e)) {
            key(out, first, ind, "duration_in_seconds");
            out.extend_from_slice(d.to_string().as_bytes());
        }
        out.extend_from_slice(b"\n        }");
    }
    out.extend_from_slice(b"\n      ]");
}

pub(super) fn tail(any: bool, out: &mut Vec<u8>) {
    match any {
        true => out.extend_from_slice(b"\n  ]\n}\n"),
        false => out.extend_from_slice(b"]\n}\n"),
    }
}
