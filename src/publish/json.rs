//! JSON Feed 1.1: no writer crate exists, so serde structs mirror the spec. Credits go in a
//! `_feedsmith` extension object, as the spec asks for custom fields.

use serde::Serialize;

use super::{Format, ValidFeed};
use crate::dates::rfc3339;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Hub {
    #[serde(rename = "type")]
    kind: &'static str,
    url: String,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    content_html: &'a str,
    content_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(rename = "_feedsmith", skip_serializing_if = "Option::is_none")]
    extension: Option<Extension<'a>>,
}

#[derive(Serialize)]
struct Extension<'a> {
    about: &'static str,
    credits: Vec<&'a str>,
}

pub fn render(feed: &ValidFeed) -> Vec<u8> {
    let doc = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: feed.home.to_string(),
        feed_url: feed.self_url(Format::Json).to_string(),
        description: &feed.description,
        authors: vec![Author { name: &feed.author }],
        hubs: feed
            .hub
            .iter()
            .map(|h| Hub {
                kind: "WebSub",
                url: h.to_string(),
            })
            .collect(),
        items: feed
            .items
            .iter()
            .map(|i| JsonItem {
                id: &i.id,
                url: i.link.as_ref().map(|l| l.to_string()),
                title: &i.title,
                summary: i.summary.as_deref(),
                content_html: &i.content_html,
                content_text: &i.content_text,
                image: i.image.as_ref().map(|u| u.to_string()),
                date_published: rfc3339(i.published),
                date_modified: rfc3339(i.updated),
                authors: i.authors.iter().map(|a| Author { name: a }).collect(),
                tags: i.categories.iter().map(String::as_str).collect(),
                extension: (!i.credits.is_empty()).then(|| Extension {
                    about: "https://github.com/feedsmith/feedsmith#json-feed-extension",
                    credits: i.credits.iter().map(String::as_str).collect(),
                }),
            })
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&doc).expect("serialising plain structs cannot fail");
    out.push(b'\n');
    out
}
