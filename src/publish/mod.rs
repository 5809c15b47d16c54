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

/// Item dates further ahead of "now" than this are a wrong clock (the source's or a past run's),
/// not news: the gate dates them now, so they cannot pin themselves to the top of a reader.
pub const FUTURE_SKEW_MINUTES: i64 = 5;

/// What [`ValidFeed::gate`] changed, for the run to report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Gated {
    /// Items dated more than [`FUTURE_SKEW_MINUTES`] ahead, now dated now.
    pub clamped: usize,
    /// The oldest items, left out so that every format fits `max_feed_bytes`.
    pub left_out: usize,
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

    /// The last check before a feed replaces its files: item dates more than a small skew
    /// ahead of `now` are clamped to `now`, and the oldest items are left out until every
    /// format fits in `max_bytes`. Refused (an error) only when not even a feed without items
    /// would fit.
    pub fn gate(&mut self, now: DateTime<Utc>, max_bytes: usize) -> Result<Gated> {
        let latest = now + chrono::Duration::minutes(FUTURE_SKEW_MINUTES);
        let mut gated = Gated::default();
        for item in &mut self.items {
            let ahead = item.published > latest || item.updated > latest;
            if item.published > latest {
                item.published = now;
            }
            if item.updated > latest {
                item.updated = now;
            }
            item.updated = item.updated.max(item.published);
            gated.clamped += usize::from(ahead);
        }
        if gated.clamped > 0 {
            if let Some(updated) = self.items.iter().map(|i| i.updated).max() {
                self.updated = updated;
            }
        }
        gated.left_out = self.fit(max_bytes)?;
        Ok(gated)
    }

    /// Leaves out the oldest items until every format is at most `max_bytes`; returns how many.
    fn fit(&mut self, max_bytes: usize) -> Result<usize> {
        if self.size_bound() <= max_bytes || self.largest() <= max_bytes {
            return Ok(0);
        }
        // Newest first (the store's order already; stable, so ties keep theirs).
        self.items.sort_by_key(|i| std::cmp::Reverse(i.published));
        let all = self.items.len();
        // The most items that fit, found by bisection: a handful of renders, whatever `all`.
        let (mut fits, mut over) = (0, all);
        while over - fits > 1 {
            let mid = (fits + over) / 2;
            let mut rest = self.items.split_off(mid);
            let ok = self.largest() <= max_bytes;
            self.items.append(&mut rest);
            if ok {
                fits = mid;
            } else {
                over = mid;
            }
        }
        self.items.truncate(fits);
        if fits == 0 && self.largest() > max_bytes {
            return Err(Error::Invalid {
                feed: self.name.clone(),
                message: format!("even without items, a file is over max_feed_bytes = {max_bytes}"),
            });
        }
        Ok(all - fits)
    }

    /// The largest of the formats, in bytes.
    fn largest(&self) -> usize {
        Format::ALL
            .iter()
            .map(|f| self.render(*f).len())
            .max()
            .unwrap_or(0)
    }

    /// More than any format's size can be, without rendering: each text at most ten bytes a
    /// byte once escaped (`"` in an RSS description is `&amp;quot;`), plus room for the markup
    /// around it. Most feeds are far under the cap, and are then not rendered to check.
    fn size_bound(&self) -> usize {
        let texts = |i: &ValidItem| {
            i.id.len()
                + i.title.len()
                + i.summary.as_ref().map_or(0, String::len)
                + i.content_html.len()
                + i.content_text.len()
                + [&i.authors, &i.credits, &i.categories]
                    .iter()
                    .flat_map(|v| v.iter())
                    .map(|s| s.len() + 64)
                    .sum::<usize>()
                + [&i.link, &i.image]
                    .iter()
                    .filter_map(|u| u.as_ref())
                    .map(|u| u.as_str().len())
                    .sum::<usize>()
        };
        let head = self.title.len() + self.description.len() + self.author.len();
        8192 + 10 * head
            + self
                .items
                .iter()
                .map(|i| 2048 + 10 * texts(i))
                .sum::<usize>()
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

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::config::test_config::Builder;
    use crate::model::Article;

    fn item(n: i64, at: DateTime<Utc>, body: usize) -> Item {
        Item {
            id: format!("tag:e.org,2024:{n}"),
            key: format!("k{n}"),
            source: "s".into(),
            article: Article {
                title: format!("Item {n}"),
                content_html: format!("<p>{}</p>", "text & \"more\" ".repeat(body / 14)),
                content_text: "text".repeat(body / 4),
                ..Default::default()
            },
            published: at + Duration::hours(n),
            updated: at + Duration::hours(n),
        }
    }

    #[test]
    fn the_gate_dates_the_future_now_and_leaves_out_the_oldest_to_fit() {
        let c = Builder::new().feed("f", "").build();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let start = now - Duration::days(10);
        // Newest first, as the store gives them; the newest is dated a day ahead.
        let mut items: Vec<Item> = (0..40).rev().map(|n| item(n, start, 6000)).collect();
        items[0].published = now + Duration::days(1);
        items[0].updated = items[0].published;
        let build = || ValidFeed::new(&c.feeds[0], &c.site, &items, now, None).unwrap();
        let max = 100_000;
        let mut valid = build();
        assert!(valid.largest() > max, "the test feed must be over the cap");
        let gated = valid.gate(now, max).unwrap();
        assert_eq!(gated.clamped, 1);
        assert!(
            gated.left_out > 0 && gated.left_out < items.len(),
            "{gated:?}"
        );
        assert_eq!(valid.items().len() + gated.left_out, items.len());
        for format in Format::ALL {
            assert!(valid.render(format).len() <= max, "{format:?}");
        }
        // The newest are kept, the clamped one first and dated now.
        let kept: Vec<&str> = valid.items().iter().map(|i| i.id.as_str()).collect();
        let newest: Vec<&str> = items
            .iter()
            .take(kept.len())
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(kept, newest);
        assert_eq!((valid.items()[0].published, valid.updated()), (now, now));
        // One item more would not have fitted: as many as fit are kept.
        let mut one_more = build();
        one_more.items.truncate(kept.len() + 1);
        assert!(one_more.largest() > max);
        // Within the cap and the skew, nothing changes.
        let mut small = ValidFeed::new(&c.feeds[0], &c.site, &items[1..3], now, None).unwrap();
        assert_eq!(small.gate(now, max).unwrap(), Gated::default());
        assert_eq!(small.items().len(), 2);
        // Refused when not even the feed's own head fits.
        assert!(build().gate(now, 100).is_err());
    }
}
