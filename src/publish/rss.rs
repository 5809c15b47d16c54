//! RSS 2.0 through the `rss` crate: `atom:link rel="self"`, `guid isPermaLink="false"` (ids are
//! tag URIs, not the article URL), RFC 822 dates, summary as `description`, the full HTML as
//! `content:encoded`, names in `dc:creator` (RSS `author` must be an e-mail address).

use std::collections::BTreeMap;

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{CategoryBuilder, ChannelBuilder, GuidBuilder, ItemBuilder};

use super::{Format, ValidFeed};
use crate::chars::{escape_html, html_inert};
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
            // Plain-text fields readers may render as HTML: markup in them made inert.
            let inert = |v: &[String]| v.iter().map(|s| html_inert(s)).collect::<Vec<_>>();
            let dc = DublinCoreExtension {
                creators: inert(&i.authors),
                contributors: inert(&i.credits),
                ..Default::default()
            };
            ItemBuilder::default()
                .title(Some(html_inert(&i.title)))
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
                        .map(|c| CategoryBuilder::default().name(html_inert(c)).build())
                        .collect::<Vec<_>>(),
                )
                .dublin_core_ext(
                    (!dc.creators.is_empty() || !dc.contributors.is_empty()).then_some(dc),
                )
                .build()
        })
        .collect::<Vec<_>>();
    let channel = ChannelBuilder::default()
        .title(html_inert(&feed.title))
        .link(feed.home.to_string())
        .description(html_inert(&feed.description))
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
