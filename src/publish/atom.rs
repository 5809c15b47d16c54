//! Atom 1.0 (RFC 4287) through `atom_syndication`: feed id/title/updated/author/self link; every
//! entry with id, title, updated (first-seen time when the source had no date), published,
//! `content type="html"`, summary, and credits as contributors.

use atom_syndication::{
    CategoryBuilder, Content, EntryBuilder, FeedBuilder, FixedDateTime, Generator, LinkBuilder,
    Person, Text,
};

use super::{Format, ValidFeed};

/// The feed as Atom 1.0. Long because it is one builder chain per element the format defines,
/// written in document order.
pub fn render(feed: &ValidFeed) -> Vec<u8> {
    let fixed = |d: chrono::DateTime<chrono::Utc>| -> FixedDateTime { d.fixed_offset() };
    let person = |name: &str| Person {
        name: name.to_string(),
        ..Default::default()
    };
    let mut links = vec![
        LinkBuilder::default()
            .rel("self")
            .href(feed.self_url(Format::Atom).to_string())
            .mime_type(Some(Format::Atom.media_type().to_string()))
            .build(),
        LinkBuilder::default()
            .rel("alternate")
            .href(feed.home.to_string())
            .mime_type(Some("text/html".to_string()))
            .build(),
    ];
    if let Some(hub) = &feed.hub {
        links.push(
            LinkBuilder::default()
                .rel("hub")
                .href(hub.to_string())
                .build(),
        );
    }
    let entries = feed
        .items
        .iter()
        .map(|i| {
            let mut e = EntryBuilder::default();
            e.id(i.id.clone())
                .title(Text::plain(i.title.clone()))
                .updated(fixed(i.updated))
                .published(Some(fixed(i.published)))
                .authors(i.authors.iter().map(|a| person(a)).collect::<Vec<_>>())
                .contributors(i.credits.iter().map(|c| person(c)).collect::<Vec<_>>())
                .categories(
                    i.categories
                        .iter()
                        .map(|c| CategoryBuilder::default().term(c.clone()).build())
                        .collect::<Vec<_>>(),
                )
                .summary(i.summary.clone().map(Text::plain));
            if let Some(link) = &i.link {
                e.links(vec![LinkBuilder::default()
                    .rel("alternate")
                    .href(link.to_string())
                    .mime_type(Some("text/html".to_string()))
                    .build()]);
            }
            if !i.content_html.is_empty() {
                e.content(Some(Content {
                    value: Some(i.content_html.clone()),
                    content_type: Some("html".to_string()),
                    ..Default::default()
                }));
            }
            e.build()
        })
        .collect::<Vec<_>>();
    let atom = FeedBuilder::default()
        .id(feed.id.clone())
        .title(Text::plain(feed.title.clone()))
        .subtitle(Some(Text::plain(feed.description.clone())))
        .updated(fixed(feed.updated))
        .authors(vec![person(&feed.author)])
        .links(links)
        .generator(Some(Generator {
            value: "feedsmith".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }))
        .entries(entries)
        .build();
    let mut out = Vec::new();
    atom.write_with_config(
        &mut out,
        atom_syndication::WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        },
    )
    .expect("writing to a Vec cannot fail");
    out.push(b'\n');
    out
}
