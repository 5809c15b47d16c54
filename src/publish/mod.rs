//! Publishing: a feed is first validated into [`ValidFeed`], a type that cannot hold an empty
//! title, a duplicate id, a relative link or a character XML forbids (the writer crates enforce
//! none of that), then rendered per format and written atomically, only when its bytes changed.

pub mod atom;
pub mod json;
pub mod rss;
pub mod site;
pub mod write;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use url::Url;

use crate::chars::{fold_whitespace, is_forbidden, xml_safe};
use crate::config::{Feed, Site};
use crate::error::{Error, Result};
use crate::model::Item;

/// The formats feedsmith writes, with their file extension and media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    pub fn file_name(self, feed: &str) -> String {
        format!("{feed}.{}", self.extension())
    }
}

/// A feed that is safe to render: built only by [`ValidFeed::new`].
#[derive(Debug, Clone)]
pub struct ValidFeed {
    name: String,
    title: String,
    description: String,
    home: Url,
    base_url: Url,
    author: String,
    id: String,
    updated: DateTime<Utc>,
    hub: Option<Url>,
    /// Minutes readers may cache the feed (RSS `ttl`), from the schedule.
    ttl: Option<u32>,
    items: Vec<ValidItem>,
}

#[derive(Debug, Clone)]
pub struct ValidItem {
    id: String,
    title: String,
    link: Option<Url>,
    summary: Option<String>,
    content_html: String,
    content_text: String,
    authors: Vec<String>,
    credits: Vec<String>,
    categories: Vec<String>,
    published: DateTime<Utc>,
    updated: DateTime<Utc>,
    image: Option<Url>,
}

impl ValidFeed {
    /// Validates a feed's items; `fallback_updated` dates a feed with no items.
    pub fn new(
        feed: &Feed,
        site: &Site,
        items: &[Item],
        fallback_updated: DateTime<Utc>,
        ttl: Option<u32>,
    ) -> Result<ValidFeed> {
        let invalid = |message: String| Error::Invalid {
            feed: feed.name.clone(),
            message,
        };
        let title =
            required(&feed.title).ok_or_else(|| invalid("the feed title is empty".into()))?;
        let description = required(&feed.description).unwrap_or_else(|| title.clone());
        let author = required(&site.author)
            .unwrap_or_else(|| required(&site.title).unwrap_or_else(|| title.clone()));
        let mut seen = HashSet::new();
        let mut valid = Vec::with_capacity(items.len());
        for item in items {
            let id = required(&item.id)
                .ok_or_else(|| invalid(format!("an item from {} has an empty id", item.source)))?;
            if !seen.insert(id.clone()) {
                return Err(invalid(format!("duplicate item id {id}")));
            }
            let a = &item.article;
            let title = required(&a.title)
                .ok_or_else(|| invalid(format!("item {id} has an empty title")))?;
            let http =
                |u: &Option<Url>| u.clone().filter(|u| matches!(u.scheme(), "http" | "https"));
            let list = |v: &[String]| v.iter().filter_map(|s| required(s)).collect::<Vec<_>>();
            valid.push(ValidItem {
                title,
                link: http(&a.link),
                summary: a.summary.as_deref().and_then(required),
                content_html: xml_safe(&a.content_html),
                content_text: xml_safe(&a.content_text),
                authors: list(&a.authors),
                credits: list(&a.credits),
                categories: list(&a.categories),
                published: item.published,
                updated: item.updated.max(item.published),
                image: http(&a.image),
                id,
            });
        }
        let updated = valid
            .iter()
            .map(|i| i.updated)
            .max()
            .unwrap_or(fallback_updated);
        Ok(ValidFeed {
            id: format!("tag:{}:{}", site.id_authority, feed.name),
            name: feed.name.clone(),
            title,
            description,
            home: feed.link.clone(),
            base_url: site.base_url.clone(),
            author,
            updated,
            hub: site.websub_hub.clone(),
            ttl,
            items: valid,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn home(&self) -> &Url {
        &self.home
    }

    pub fn updated(&self) -> DateTime<Utc> {
        self.updated
    }

    pub fn items(&self) -> &[ValidItem] {
        &self.items
    }

    /// The URL a format's file is served at: what its self link says.
    pub fn self_url(&self, format: Format) -> Url {
        self.base_url
            .join(&format.file_name(&self.name))
            .expect("a slug joins onto a base URL")
    }

    /// A digest of everything the files are rendered from (and of this build, whose rendering
    /// may differ): equal digests give equal files, so an unchanged feed need not be rendered.
    pub fn digest(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(format!("{self:?}"));
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Renders one format.
    pub fn render(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Rss => rss::render(self),
            Format::Atom => atom::render(self),
            Format::Json => json::render(self),
        }
    }
}

impl ValidItem {
    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn link(&self) -> Option<&Url> {
        self.link.as_ref()
    }

    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    pub fn published(&self) -> DateTime<Utc> {
        self.published
    }
}

/// Parses rendered bytes back the way a strict consumer would: well-formed XML (names matched,
/// entities known) and readable by `feed-rs`. A feed that fails is not written.
pub fn verify(format: Format, bytes: &[u8]) -> std::result::Result<(), String> {
    if format != Format::Json {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::GeneralRef(r)) => {
                    let known = matches!(
                        r.xml10_content().as_ref(),
                        "amp" | "lt" | "gt" | "quot" | "apos"
                    );
                    let char_ok = r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .is_some_and(|c| !is_forbidden(c));
                    if !known && !char_ok {
                        return Err(format!(
                            "unknown or forbidden reference at byte {}",
                            reader.buffer_position()
                        ));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(format!(
                        "not well-formed XML at byte {}: {e}",
                        reader.error_position()
                    ))
                }
            }
            buf.clear();
        }
    }
    feed_rs::parser::parse(bytes)
        .map(|_| ())
        .map_err(|e| format!("a feed reader cannot parse it: {e}"))
}

/// A plain-text field: XML-safe, white space folded, `None` when nothing is left.
fn required(s: &str) -> Option<String> {
    let folded = fold_whitespace(&xml_safe(s));
    (!folded.is_empty()).then_some(folded)
}
