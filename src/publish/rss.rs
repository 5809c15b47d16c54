//! RSS 2.0 through the `rss` crate: `atom:link rel="self"`, `guid isPermaLink="false"` (ids are
//! tag URIs, not the article URL), RFC 822 dates, summary as `description`, the full HTML as
//! `content:encoded`, names in `dc:creator` (RSS `author` must be an e-mail address).

use std::collections::BTreeMap;

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{CategoryBuilder, ChannelBuilder, GuidBuilder, ItemBuilder};

use super::{Format, ValidFeed};
use crate::chars::escape_html;
use crate::dates::rfc822;

pub fn render(feed: &ValidFeed) -> Vec<u8> {
    let mut links = vec![atom_link(
        "self",
        feed.self_url(Format::Rss).as_str(),
        Some(Format::Rss.media_type()),
    )];
    if let Some(hub) = &feed.hub {
        links.push(atom_link("hub", hub.as_str(), None));
    }
    let items = feed
        .items
        .iter()
        .map(|i| {
            let dc = DublinCoreExtension {
                creators: i.authors.clone(),
                contributors: i.credits.clone(),
                ..Default::default()
            };
            ItemBuilder::default()
                .title(Some(i.title.clone()))
                .link(i.link.as_ref().map(|l| l.to_string()))
                // Readers render `description` as HTML; the summary is plain text.
                .description(i.summary.as_deref().map(escape_html))
                .content(Some(i.content_html.clone()).filter(|c| !c.is_empty()))
                .guid(Some(
                    GuidBuilder::default()
                        .value(i.id.clone())
                        .permalink(false)
                        .build(),
                ))
                .pub_date(Some(rfc822(i.published)))
                .categories(
                    i.categories
                        .iter()
                        .map(|c| CategoryBuilder::default().name(c.clone()).build())
                        .collect::<Vec<_>>(),
                )
                .dublin_core_ext(
                    (!dc.creators.is_empty() || !dc.contributors.is_empty()).then_some(dc),
                )
                .build()
        })
        .collect::<Vec<_>>();
    let channel = ChannelBuilder::default()
        .title(feed.title.clone())
        .link(feed.home.to_string())
        .description(feed.description.clone())
        .generator(Some(format!("feedsmith {}", env!("CARGO_PKG_VERSION"))))
        .last_build_date(Some(rfc822(feed.updated)))
        .pub_date(Some(rfc822(feed.updated)))
        .ttl(feed.ttl.map(|t| t.to_string()))
        .atom_ext(Some(AtomExtension { links }))
        .namespaces(BTreeMap::new())
        .items(items)
        .build();
    let mut out = Vec::new();
    channel
        .pretty_write_to(&mut out, b' ', 2)
        .expect("writing to a Vec cannot fail");
    out.push(b'\n');
    out
}

fn atom_link(rel: &str, href: &str, mime: Option<&str>) -> Link {
    let mut l = Link::default();
    l.set_rel(rel);
    l.set_href(href);
    if let Some(m) = mime {
        l.set_mime_type(Some(m.to_string()));
    }
    l
}
