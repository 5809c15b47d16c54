//! Publishing: a feed is first validated into [`ValidFeed`], a type that cannot hold an empty
//! title, a duplicate id, a relative link or a character XML forbids (the writer crates enforce
//! none of that), then rendered per format and written atomically, only when its bytes changed.

pub mod atom;
pub mod json;
#[cfg(feature = "s3")]
pub mod remote;
#[cfg(not(feature = "s3"))]
#[path = "remote_disabled.rs"]
pub mod remote;
pub mod rss;
pub mod site;
pub mod write;
mod xml;

use std::collections::HashSet;
use std::io::{BufRead, Read, Seek, Write};

use chrono::{DateTime, Utc};
use url::Url;

use crate::chars::{fold_whitespace, is_forbidden, xml_safe};
use crate::config::{Feed, Site};
use crate::error::{Error, Result};
use crate::model::{Enclosure, Item, Podcast};

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

    /// The file of archive page `page` (from 1, the oldest) of a feed.
    pub fn archive_name(self, feed: &str, page: u32) -> String {
        format!("{feed}-archive-{page}.{}", self.extension())
    }
}

/// One file as it is uploaded to object storage (see [`remote`]): its bytes and the headers a
/// reader gets with them.
pub struct Object<'a> {
    pub name: &'a str,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub cache_control: String,
}

/// Where a document stands in its feed's archive (RFC 5005): the subscription document with
/// `pages` archive pages behind it (its `prev-archive` the newest), or archive page `page`
/// of `pages`, each linking to the one before and after it and to the current document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    Current { pages: u32 },
    Page { page: u32, pages: u32 },
}

/// The RFC 5005 namespace of `fh:archive`.
pub(crate) const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

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

/// The feed-level fields of a valid feed: what every format writes before its items.
#[derive(Debug, Clone)]
pub struct FeedHead {
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
    /// What the items use beyond the core formats, so the head declares it.
    extras: Extras,
    /// Language tag: the config's, else the one the items agree on.
    language: Option<String>,
    archive: Option<Archive>,
}

/// What a feed's items carry that its head must announce before the first item is written:
/// lead images (the Media RSS namespace) and a podcast's show (the iTunes namespace and the
/// channel fields a podcast directory requires).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    media: bool,
    show: Option<Show>,
    /// The language the items agree on (their tag, or the language part of it when only
    /// their regions differ); `Mixed` once two disagree.
    language: Agreed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Agreed {
    #[default]
    Unknown,
    Tag(String),
    Mixed,
}

/// A podcast's show, as its channel describes it: only a show with every field the W3C
/// validator expects of an iTunes channel (category, explicit, owner e-mail) is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Show {
    category: &'static str,
    explicit: bool,
    image: Option<Url>,
    owner_name: Option<String>,
    owner_email: String,
}

impl Show {
    /// The show an episode's podcast fields describe, when they describe one completely.
    pub fn of(p: &Podcast) -> Option<Show> {
        let wanted = p.show_category.as_deref()?.trim();
        let category = ITUNES_CATEGORIES
            .iter()
            .find(|c| c.eq_ignore_ascii_case(wanted))?;
        let email = p.owner_email.as_deref().filter(|e| is_email(e))?;
        Some(Show {
            category,
            explicit: p.show_explicit?,
            image: http_only(p.show_image.clone()),
            owner_name: p.owner_name.as_deref().and_then(required),
            owner_email: email.to_string(),
        })
    }
}

impl Extras {
    /// Adds what `item` uses.
    pub fn see(&mut self, item: &Item) {
        let a = &item.article;
        self.see_parts(a.image.is_some(), a.podcast.as_ref(), a.language.as_deref());
    }

    /// Adds what an item uses, from its parts: whether it has a lead image, its podcast
    /// fields (the newest complete show wins) and its language.
    pub fn see_parts(&mut self, image: bool, podcast: Option<&Podcast>, language: Option<&str>) {
        self.media |= image;
        if self.show.is_none() {
            self.show = podcast.and_then(Show::of);
        }
        let Some(tag) = language.and_then(crate::chars::language_tag) else {
            return;
        };
        self.language = match std::mem::take(&mut self.language) {
            Agreed::Unknown => Agreed::Tag(tag),
            Agreed::Tag(t) if t == tag => Agreed::Tag(t),
            Agreed::Tag(t) => match (t.split('-').next(), tag.split('-').next()) {
                (Some(a), Some(b)) if a == b => Agreed::Tag(a.to_string()),
                _ => Agreed::Mixed,
            },
            Agreed::Mixed => Agreed::Mixed,
        };
    }
}

/// The top-level categories of Apple's podcast directory (what the validator accepts).
const ITUNES_CATEGORIES: [&str; 19] = [
    "Arts",
    "Business",
    "Comedy",
    "Education",
    "Fiction",
    "Government",
    "History",
    "Health & Fitness",
    "Kids & Family",
    "Leisure",
    "Music",
    "News",
    "Religion & Spirituality",
    "Science",
    "Society & Culture",
    "Sports",
    "Technology",
    "True Crime",
    "TV & Film",
];

/// `type/subtype` as RFC 6838 spells a media type (parameters allowed after a `;`).
pub fn is_mime_type(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or_default().trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.len() <= 127
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(essence.split_once('/'), Some((ty, sub)) if token(ty) && token(sub))
}

/// A plausible e-mail address: one `@`, something on each side, no white space.
fn is_email(s: &str) -> bool {
    let s = s.trim();
    matches!(s.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.')
        && !host.starts_with('.') && !host.ends_with('.') && !host.contains('@'))
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
}

/// A sound or a film: what a podcast client plays (an episode's running time is its).
fn playable(e: &Enclosure) -> bool {
    e.mime_type.starts_with("audio/") || e.mime_type.starts_with("video/")
}

/// An absolute http(s) URL, as every link a feed carries must be.
fn is_web(u: &Url) -> bool {
    matches!(u.scheme(), "http" | "https") && u.host_str().is_some()
}

fn http_only(u: Option<Url>) -> Option<Url> {
    u.filter(is_web)
}

/// An episode's iTunes fields, checked: a positive episode number, an http(s) image.
#[derive(Debug, Clone, Default)]
pub struct Episode {
    duration: Option<u64>,
    episode: Option<u64>,
    image: Option<Url>,
    explicit: Option<bool>,
}

/// One item that is safe to render: built only by [`ValidItem::new`].
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
    /// At most one is written to RSS; Atom and JSON Feed take them all.
    enclosures: Vec<Enclosure>,
    episode: Option<Episode>,
}

/// A whole feed in memory, validated: a head and its items, in the order given.
#[derive(Debug, Clone)]
pub struct ValidFeed {
    head: FeedHead,
    items: Vec<ValidItem>,
}

/// What the index and the OPML file say of a feed: its head and how many items it holds.
#[derive(Debug, Clone)]
pub struct FeedSummary {
    pub head: FeedHead,
    pub items: usize,
}

fn invalid(feed: &str, message: String) -> Error {
    Error::Invalid {
        feed: feed.to_string(),
        message,
    }
}

impl FeedHead {
    /// The feed's own fields, validated; `updated` is its newest item's date (see
    /// [`latest_update`]) or, with no items, when the feed was first run.
    pub fn new(
        feed: &Feed,
        site: &Site,
        updated: DateTime<Utc>,
        ttl: Option<u32>,
    ) -> Result<FeedHead> {
        let title = required(&feed.title)
            .ok_or_else(|| invalid(&feed.name, "the feed title is empty".into()))?;
        let description = required(&feed.description).unwrap_or_else(|| title.clone());
        let author = required(&site.author)
            .unwrap_or_else(|| required(&site.title).unwrap_or_else(|| title.clone()));
        Ok(FeedHead {
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
            extras: Extras::default(),
            language: feed.language.clone(),
            archive: None,
        })
    }

    /// The head of a document of the feed's archive (RFC 5005).
    pub fn with_archive(mut self, archive: Option<Archive>) -> FeedHead {
        self.archive = archive.filter(|a| !matches!(a, Archive::Current { pages: 0 }));
        self
    }

    /// The archive links of this document: (rel, format's URL of the target), in the order
    /// the formats write them.
    fn archive_links(&self, format: Format) -> Vec<(&'static str, Url)> {
        let page = |n: u32| {
            let name = format.archive_name(&self.name, n);
            self.base_url
                .join(&name)
                .expect("a slug joins onto a base URL")
        };
        match self.archive {
            None => Vec::new(),
            Some(Archive::Current { pages }) => vec![("prev-archive", page(pages))],
            Some(Archive::Page { page: n, pages }) => {
                let current = self.base_url.join(&format.file_name(&self.name));
                let mut links = vec![("current", current.expect("a slug joins onto a base URL"))];
                if n > 1 {
                    links.push(("prev-archive", page(n - 1)));
                }
                if n < pages {
                    links.push(("next-archive", page(n + 1)));
                }
                links
            }
        }
    }

    /// An archive page, not the subscription document.
    fn is_archive_page(&self) -> bool {
        matches!(self.archive, Some(Archive::Page { .. }))
    }

    /// The head, declaring what the items use, and in the language they agree on when the
    /// config names none. A show is declared only in a feed with a language, which the
    /// validator asks of every podcast channel.
    pub fn with_extras(mut self, mut extras: Extras) -> FeedHead {
        if self.language.is_none() {
            if let Agreed::Tag(tag) = &extras.language {
                self.language = Some(tag.clone());
            }
        }
        if self.language.is_none() {
            extras.show = None;
        }
        self.extras = extras;
        self
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

    /// The URL a format's file is served at: what its self link says.
    pub fn self_url(&self, format: Format) -> Url {
        let name = match self.archive {
            Some(Archive::Page { page, .. }) => format.archive_name(&self.name, page),
            _ => format.file_name(&self.name),
        };
        self.base_url
            .join(&name)
            .expect("a slug joins onto a base URL")
    }

    /// The largest file of a feed with this head and no items, in bytes.
    fn largest_empty(&self) -> u64 {
        Format::ALL
            .iter()
            .map(|f| {
                let w = FormatWriter::start(*f, self, std::io::sink()).expect("a sink");
                w.finish().expect("a sink").1.len
            })
            .max()
            .unwrap_or(0)
    }
}

/// The date a feed's head carries: its items' latest change, as the gate dates them (a date
/// more than [`FUTURE_SKEW_MINUTES`] ahead of `now` counts as `now`), and how many were
/// ahead; `None` with no items. `dates` are each item's (published, updated).
pub fn latest_update(
    dates: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, usize) {
    let latest = now + chrono::Duration::minutes(FUTURE_SKEW_MINUTES);
    let clamp = |d: DateTime<Utc>| if d > latest { now } else { d };
    let (mut newest, mut ahead) = (None, 0);
    for (published, updated) in dates {
        ahead += usize::from(published > latest || updated > latest);
        let d = clamp(updated).max(clamp(published));
        newest = newest.max(Some(d));
    }
    (newest, ahead)
}

impl ValidItem {
    /// Validates one item of the feed `feed` (named in errors), taking its strings over.
    pub fn new(feed: &str, item: Item) -> Result<ValidItem> {
        let Item {
            id,
            source,
            article: a,
            published,
            updated,
            ..
        } = item;
        let id = required(&id)
            .ok_or_else(|| invalid(feed, format!("an item from {source} has an empty id")))?;
        let title = required(&a.title)
            .ok_or_else(|| invalid(feed, format!("item {id} has an empty title")))?;
        let list = |v: Vec<String>| v.iter().filter_map(|s| required(s)).collect::<Vec<_>>();
        Ok(ValidItem {
            title,
            link: http_only(a.link),
            summary: a.summary.as_deref().and_then(required),
            content_html: xml_safe_owned(a.content_html),
            content_text: xml_safe_owned(a.content_text),
            authors: list(a.authors),
            credits: list(a.credits),
            categories: list(a.categories),
            published,
            updated: updated.max(published),
            image: http_only(a.image),
            enclosures: a
                .enclosures
                .into_iter()
                .filter(|e| is_web(&e.url) && is_mime_type(&e.mime_type))
                .collect(),
            episode: a.podcast.map(|p| Episode {
                duration: p.duration,
                episode: p.episode.filter(|n| *n > 0),
                image: http_only(p.image),
                explicit: p.explicit,
            }),
            id,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

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

    /// Dates more than [`FUTURE_SKEW_MINUTES`] ahead of `now` become `now`, as the gate wants.
    fn clamp(&mut self, now: DateTime<Utc>) {
        let latest = now + chrono::Duration::minutes(FUTURE_SKEW_MINUTES);
        if self.published > latest {
            self.published = now;
        }
        if self.updated > latest {
            self.updated = now;
        }
        self.updated = self.updated.max(self.published);
    }
}

/// A string without the characters XML forbids, reusing its buffer when it has none (bodies
/// almost never do, and they are most of a feed's bytes).
fn xml_safe_owned(s: String) -> String {
    match s.chars().any(is_forbidden) {
        true => xml_safe(&s),
        false => s,
    }
}

/// Refuses a second item with the same id.
fn unique(seen: &mut HashSet<String>, feed: &str, item: &ValidItem) -> Result<()> {
    match seen.insert(item.id.clone()) {
        true => Ok(()),
        false => Err(invalid(feed, format!("duplicate item id {}", item.id))),
    }
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
        let mut extras = Extras::default();
        items.iter().for_each(|i| extras.see(i));
        let mut head = FeedHead::new(feed, site, fallback_updated, ttl)?.with_extras(extras);
        let mut seen = HashSet::new();
        let mut valid = Vec::with_capacity(items.len());
        for item in items {
            let item = ValidItem::new(&feed.name, item.clone())?;
            unique(&mut seen, &feed.name, &item)?;
            valid.push(item);
        }
        if let Some(updated) = valid.iter().map(|i| i.updated).max() {
            head.updated = updated;
        }
        Ok(ValidFeed { head, items: valid })
    }

    pub fn head(&self) -> &FeedHead {
        &self.head
    }

    pub fn name(&self) -> &str {
        self.head.name()
    }

    pub fn title(&self) -> &str {
        self.head.title()
    }

    pub fn updated(&self) -> DateTime<Utc> {
        self.head.updated
    }

    pub fn items(&self) -> &[ValidItem] {
        &self.items
    }

    pub fn summary(&self) -> FeedSummary {
        FeedSummary {
            head: self.head.clone(),
            items: self.items.len(),
        }
    }

    /// Renders one format.
    pub fn render(&self, format: Format) -> Vec<u8> {
        let mut w = FormatWriter::start(format, &self.head, Vec::new()).expect("a Vec");
        for item in &self.items {
            w.item(item).expect("a Vec");
        }
        w.finish().expect("a Vec").0
    }
}

/// Where a rendered file's items lie, so the cap can be applied without rendering again.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Each item's start and end offset, in order.
    spans: Vec<(u64, u64)>,
    /// The file's length.
    pub len: u64,
}

impl Layout {
    /// The file's length with only its first `k` items (1 ≤ k ≤ all): what follows the last
    /// item is the same whatever the count.
    fn len_with(&self, k: usize) -> u64 {
        let last = self.spans.last().map_or(self.len, |s| s.1);
        self.spans[k - 1].1 + (self.len - last)
    }
}

/// How many of the first items fit with every file at most `max` bytes (0 when not one does).
fn fitting(layouts: &[Layout], max: u64) -> usize {
    let all = layouts.first().map_or(0, |l| l.spans.len());
    (1..=all)
        .rev()
        .find(|k| layouts.iter().all(|l| l.len_with(*k) <= max))
        .unwrap_or(0)
}

/// Writes one format item by item to `out` (the formats are plain enough to write directly,
/// and the writer crates want the whole feed in memory first). Each item goes through a
/// reused buffer; past `cap` bytes nothing more is written, only counted (a feed over the cap
/// is rendered again with fewer items, so those bytes would be wasted).
pub struct FormatWriter<W: Write> {
    format: Format,
    out: W,
    buf: Vec<u8>,
    layout: Layout,
    cap: u64,
    /// What the head declared, which items may then use.
    extras: Extras,
}

impl<W: Write> FormatWriter<W> {
    /// Writes the head of `format` for `head`.
    pub fn start(format: Format, head: &FeedHead, out: W) -> std::io::Result<Self> {
        let mut w = FormatWriter {
            format,
            out,
            buf: Vec::with_capacity(16 << 10),
            layout: Layout::default(),
            cap: u64::MAX,
            extras: head.extras.clone(),
        };
        match format {
            Format::Rss => rss::head(head, &mut w.buf),
            Format::Atom => atom::head(head, &mut w.buf),
            Format::Json => json::head(head, &mut w.buf),
        }
        w.flush_buf()?;
        Ok(w)
    }

    /// Stops writing (but not counting) once the file would pass `cap` bytes.
    pub fn capped(mut self, cap: u64) -> Self {
        self.cap = cap;
        self
    }

    pub fn item(&mut self, item: &ValidItem) -> std::io::Result<()> {
        let first = self.layout.spans.is_empty();
        match self.format {
            Format::Rss => rss::item(item, &self.extras, &mut self.buf),
            Format::Atom => atom::item(item, &mut self.buf),
            Format::Json => json::item(item, first, &mut self.buf),
        }
        // A JSON item's separator is not part of it, so the last item kept ends the list.
        let lead = match self.format {
            Format::Json => json::separator(first).len() as u64,
            _ => 0,
        };
        let start = self.layout.len + lead;
        let end = self.layout.len + self.buf.len() as u64;
        self.layout.spans.push((start, end));
        self.flush_buf()
    }

    /// Writes the end of the file; gives back the writer and where the items lie.
    pub fn finish(mut self) -> std::io::Result<(W, Layout)> {
        let any = !self.layout.spans.is_empty();
        match self.format {
            Format::Rss => rss::tail(&mut self.buf),
            Format::Atom => atom::tail(&mut self.buf),
            Format::Json => json::tail(any, &mut self.buf),
        }
        self.flush_buf()?;
        self.out.flush()?;
        Ok((self.out, self.layout))
    }

    fn flush_buf(&mut self) -> std::io::Result<()> {
        let len = self.layout.len + self.buf.len() as u64;
        if len <= self.cap {
            self.out.write_all(&self.buf)?;
        }
        self.layout.len = len;
        self.buf.clear();
        Ok(())
    }
}

/// A feed's newest items, newest first, as many times as rendering needs them: from the store
/// row by row, or from memory.
pub trait ItemSource {
    /// Each item's (published, updated), newest first.
    fn dates(&mut self) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>>;
    /// What the items use that the head must declare.
    fn extras(&mut self) -> Result<Extras>;
    /// Hands `each` the first `limit` items, one at a time.
    fn each(&mut self, limit: usize, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()>;
}

impl ItemSource for &[Item] {
    fn dates(&mut self) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        Ok(self.iter().map(|i| (i.published, i.updated)).collect())
    }

    fn extras(&mut self) -> Result<Extras> {
        let mut extras = Extras::default();
        self.iter().for_each(|i| extras.see(i));
        Ok(extras)
    }

    fn each(&mut self, limit: usize, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
        self.iter().take(limit).try_for_each(|i| each(i.clone()))
    }
}

/// A feed rendered through [`render_gated`].
pub struct Rendered<W> {
    /// Each format's writer, and where its items lie.
    pub files: Vec<(Format, W, Layout)>,
    /// The items kept, without their bodies: what the feed's page lists.
    pub listed: Vec<ValidItem>,
    pub gated: Gated,
    pub head: FeedHead,
}

/// Renders every format of a feed whose items come from `source`, one item in memory at a
/// time: the last check before its files are replaced. Item dates more than a small skew ahead
/// of `now` are dated `now`, and the oldest items are left out until every format fits in
/// `max_bytes` (found from the first rendering's layout, then rendered again with as many as
/// fit). Refused (an error) when an item is invalid, or when not even a feed without items
/// would fit. `open` gives a fresh writer for a format each time it is rendered.
#[allow(clippy::too_many_arguments)] // each is one input of the one gate every file goes through
pub fn render_gated<W: Write>(
    feed: &Feed,
    site: &Site,
    source: &mut dyn ItemSource,
    first_run: DateTime<Utc>,
    ttl: Option<u32>,
    archive: Option<Archive>,
    now: DateTime<Utc>,
    open: &mut dyn FnMut(Format) -> Result<W>,
) -> Result<Rendered<W>> {
    let max_bytes = site.max_feed_bytes as u64;
    let (latest, clamped) = latest_update(source.dates()?, now);
    let head = FeedHead::new(feed, site, latest.unwrap_or(first_run), ttl)?
        .with_extras(source.extras()?)
        .with_archive(archive);
    let mut limit = feed.limit;
    let mut all = None;
    loop {
        let mut writers = Vec::new();
        for format in Format::ALL {
            let out = open(format)?;
            let w = FormatWriter::start(format, &head, out)
                .map_err(|e| io_error(feed, site, format, e))?;
            writers.push(w.capped(max_bytes));
        }
        let (mut seen, mut listed) = (HashSet::new(), Vec::new());
        source.each(limit, &mut |item| {
            let mut item = ValidItem::new(&feed.name, item)?;
            unique(&mut seen, &feed.name, &item)?;
            item.clamp(now);
            for w in &mut writers {
                let format = w.format;
                w.item(&item).map_err(|e| io_error(feed, site, format, e))?;
            }
            listed.push(ValidItem {
                content_html: String::new(),
                content_text: String::new(),
                ..item
            });
            Ok(())
        })?;
        let mut files = Vec::new();
        for w in writers {
            let format = w.format;
            let (out, layout) = w.finish().map_err(|e| io_error(feed, site, format, e))?;
            files.push((format, out, layout));
        }
        let n = listed.len();
        let all = *all.get_or_insert(n);
        let layouts: Vec<Layout> = files.iter().map(|f| f.2.clone()).collect();
        if layouts.iter().all(|l| l.len <= max_bytes) {
            let gated = Gated {
                clamped,
                left_out: all - n,
            };
            return Ok(Rendered {
                files,
                listed,
                gated,
                head,
            });
        }
        let fits = fitting(&layouts, max_bytes);
        if fits == 0 && head.largest_empty() > max_bytes {
            return Err(invalid(
                &feed.name,
                format!("even without items, a file is over max_feed_bytes = {max_bytes}"),
            ));
        }
        limit = fits;
    }
}

/// Writing a format's file went wrong: the feed's problem, named by the file it was for.
fn io_error(feed: &Feed, site: &Site, format: Format, cause: std::io::Error) -> Error {
    Error::WriteFailed {
        feed: feed.name.clone(),
        path: site.output_dir.join(format.file_name(&feed.name)),
        cause,
    }
}

/// Parses rendered bytes back the way a strict consumer would: well-formed XML (names matched,
/// entities known) and readable by `feed-rs`. A feed that fails is not written.
pub fn verify(format: Format, bytes: &[u8]) -> std::result::Result<(), String> {
    match format {
        Format::Json => readable_json(bytes),
        _ => strict_xml(bytes).and_then(|()| readable(bytes)),
    }
}

/// [`verify`] for a rendered file of any length, in bounded memory: the strict XML (or JSON)
/// parse streams over the whole file, and `feed-rs`, which builds the whole feed, reads it in
/// windows of a few MB: the file's own head and tail around a run of its items, so that every
/// item is read once, in place, and the head and tail with each.
pub fn verify_file(
    format: Format,
    file: &std::fs::File,
    layout: &Layout,
) -> std::result::Result<(), String> {
    const WINDOW: u64 = 4 << 20;
    let io = |e: std::io::Error| format!("cannot read the rendered file back: {e}");
    let read = |mut file: &std::fs::File, from: u64, to: u64, out: &mut Vec<u8>| {
        file.seek(std::io::SeekFrom::Start(from))?;
        file.take(to - from).read_to_end(out).map(|_| ())
    };
    let spans = &layout.spans;
    let (first, last) = match (spans.first(), spans.last()) {
        (Some(f), Some(l)) if layout.len > WINDOW => (f.0, l.1),
        // Small enough to read whole, as most feeds are: both parses from the one copy.
        _ => {
            let mut all = Vec::new();
            read(file, 0, layout.len, &mut all).map_err(io)?;
            return verify(format, &all);
        }
    };
    // Read through a shared handle: several files are checked at once, each by its own thread.
    let mut file = file;
    file.rewind().map_err(io)?;
    let reader = std::io::BufReader::with_capacity(64 << 10, file);
    match format {
        Format::Json => strict_json(serde_json::Deserializer::from_reader(reader))?,
        _ => strict_xml(reader)?,
    }
    let mut i = 0;
    while i < spans.len() {
        let mut j = i + 1;
        while j < spans.len() && spans[j].1 - spans[i].0 <= WINDOW {
            j += 1;
        }
        let mut window = Vec::new();
        read(file, 0, first, &mut window).map_err(io)?;
        read(file, spans[i].0, spans[j - 1].1, &mut window).map_err(io)?;
        read(file, last, layout.len, &mut window).map_err(io)?;
        let checked = match format {
            Format::Json => readable_json(&window),
            _ => readable(&window),
        };
        checked.map_err(|e| format!("items {}-{}: {e}", i + 1, j))?;
        i = j;
    }
    Ok(())
}

/// Well-formed JSON, nothing after it.
fn strict_json<'de>(
    mut de: serde_json::Deserializer<impl serde_json::de::Read<'de>>,
) -> std::result::Result<(), String> {
    <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut de)
        .and_then(|_| de.end())
        .map_err(|e| format!("not well-formed JSON: {e}"))
}

/// Well-formed XML, names matched, every reference known and allowed.
fn strict_xml(input: impl BufRead) -> std::result::Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
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

/// What a feed reader makes of it.
fn readable(bytes: &[u8]) -> std::result::Result<(), String> {
    feed_rs::parser::parse(bytes)
        .map(|_| ())
        .map_err(|e| format!("a feed reader cannot parse it: {e}"))
}

/// What a feed reader makes of a JSON Feed, checked as `feed-rs` checks it (the same fields of
/// the same types, a version 1 `version`, nothing after the document) but parsed from the
/// slice in one pass that keeps no string: `feed-rs` reads JSON through `io::Read` a byte at a
/// time and builds the whole feed, which made it most of a cold run's parse-back.
fn readable_json(bytes: &[u8]) -> std::result::Result<(), String> {
    let fail = |e: serde_json::Error| format!("a feed reader cannot parse it as JSON Feed: {e}");
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let feed = <json_check::Feed as serde::Deserialize>::deserialize(&mut de).map_err(fail)?;
    de.end().map_err(fail)?;
    match feed.version.starts_with("https://jsonfeed.org/version/1") {
        true => Ok(()),
        false => Err(format!(
            "a feed reader cannot parse it as JSON Feed: unsupported version {}",
            feed.version
        )),
    }
}

/// The shape `feed-rs` (3.0, `parser/json`) requires of a JSON Feed: its fields, required or
/// optional, and their types. Unknown fields are allowed (as there); a repeated field is not.
// The fields are parsed for their types and never read.
#[allow(dead_code)]
mod json_check {
    use std::borrow::Cow;

    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Feed<'a> {
        #[serde(borrow)]
        pub version: Cow<'a, str>,
        title: Str,
        home_page_url: Option<Str>,
        feed_url: Option<Str>,
        language: Option<Str>,
        description: Option<Str>,
        icon: Option<Str>,
        favicon: Option<Str>,
        author: Option<Author>,
        authors: Option<Vec<Author>>,
        items: Vec<Item>,
    }

    #[derive(Deserialize)]
    struct Author {
        name: Option<Str>,
        url: Option<Str>,
    }

    #[derive(Deserialize)]
    struct Attachment {
        url: Str,
        mime_type: Str,
        title: Option<Str>,
        size_in_bytes: Option<u64>,
    }

    #[derive(Deserialize)]
    struct Item {
        id: Option<Str>,
        url: Option<Str>,
        external_url: Option<Str>,
        title: Option<Str>,
        content_html: Option<Str>,
        content_text: Option<Str>,
        summary: Option<Str>,
        date_published: Option<Str>,
        date_modified: Option<Str>,
        author: Option<Author>,
        authors: Option<Vec<Author>>,
        tags: Option<Vec<Str>>,
        attachments: Option<Vec<Attachment>>,
    }

    /// A JSON string, checked and not kept.
    struct Str;

    impl<'de> Deserialize<'de> for Str {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
            struct Visitor;
            impl serde::de::Visitor<'_> for Visitor {
                type Value = Str;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Str, E> {
                    Ok(Str)
                }
            }
            d.deserialize_str(Visitor)
        }
    }
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

    fn gated(
        c: &crate::config::Config,
        items: &[Item],
        now: DateTime<Utc>,
    ) -> Result<Rendered<Vec<u8>>> {
        let mut source = items;
        render_gated(
            &c.feeds[0],
            &c.site,
            &mut source,
            now,
            None,
            None,
            now,
            &mut |_| Ok(Vec::new()),
        )
    }

    fn largest(valid: &ValidFeed) -> usize {
        Format::ALL
            .iter()
            .map(|f| valid.render(*f).len())
            .max()
            .unwrap()
    }

    #[test]
    fn the_gate_dates_the_future_now_and_leaves_out_the_oldest_to_fit() {
        let mut c = Builder::new().feed("f", "").build();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let start = now - Duration::days(10);
        // Newest first, as the store gives them; the newest is dated a day ahead.
        let mut items: Vec<Item> = (0..40).rev().map(|n| item(n, start, 6000)).collect();
        items[0].published = now + Duration::days(1);
        items[0].updated = items[0].published;
        let max = 100_000;
        c.site.max_feed_bytes = max;
        let c = c;
        let build =
            |items: &[Item]| ValidFeed::new(&c.feeds[0], &c.site, items, now, None).unwrap();
        assert!(
            largest(&build(&items)) > max,
            "the test feed must be over the cap"
        );
        let r = gated(&c, &items, now).unwrap();
        assert_eq!(r.gated.clamped, 1);
        let left_out = r.gated.left_out;
        assert!(left_out > 0 && left_out < items.len(), "{:?}", r.gated);
        assert_eq!(r.listed.len() + left_out, items.len());
        for (format, bytes, layout) in &r.files {
            assert!(bytes.len() <= max, "{format:?}");
            assert_eq!(bytes.len() as u64, layout.len, "{format:?}");
            verify(*format, bytes).unwrap();
        }
        // The newest are kept, the clamped one first and dated now, and so is the feed.
        let kept: Vec<&str> = r.listed.iter().map(|i| i.id()).collect();
        let newest: Vec<&str> = items
            .iter()
            .take(kept.len())
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(kept, newest);
        assert_eq!(r.listed[0].published(), now);
        let rss = String::from_utf8(r.files[0].1.clone()).unwrap();
        let date = crate::dates::rfc822(now);
        assert!(rss.contains(&format!("<lastBuildDate>{date}</lastBuildDate>")));
        // One item more would not have fitted: as many as fit are kept.
        assert!(largest(&build(&items[..kept.len() + 1])) > max);
        // Within the cap and the skew, nothing changes.
        let small = gated(&c, &items[1..3], now).unwrap();
        assert_eq!(small.gated, Gated::default());
        assert_eq!(small.listed.len(), 2);
        // Refused when not even the feed's own head fits.
        let mut tiny = c.clone();
        tiny.site.max_feed_bytes = 100;
        assert!(gated(&tiny, &items, now).is_err());
    }

    /// Rendered in one piece or item by item through the gate, a feed is the same bytes.
    #[test]
    fn streamed_and_whole_renderings_are_the_same_bytes() {
        let c = Builder::new().feed("f", "").build();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let mut items: Vec<Item> = (0..5)
            .rev()
            .map(|n| item(n, now - Duration::days(1), 300))
            .collect();
        // An episode among them: the head looks ahead at it either way.
        items[2] = episode(2, now - Duration::days(1));
        let whole = ValidFeed::new(&c.feeds[0], &c.site, &items, now, None).unwrap();
        let streamed = gated(&c, &items, now).unwrap();
        for (format, bytes, _) in &streamed.files {
            assert_eq!(bytes, &whole.render(*format), "{format:?}");
        }
    }

    fn episode(n: i64, at: DateTime<Utc>) -> Item {
        let mut i = item(n, at, 300);
        let url = |s: &str| Url::parse(s).unwrap();
        i.article.enclosures = vec![
            Enclosure {
                url: url("https://e.org/notes.pdf"),
                mime_type: "application/pdf".into(),
                length: None,
            },
            Enclosure {
                url: url("https://e.org/ep.mp3"),
                mime_type: "audio/mpeg".into(),
                length: Some(1000),
            },
            // What the gate refuses: a file of no MIME type, one not on the web.
            Enclosure {
                url: url("https://e.org/x"),
                mime_type: "audio".into(),
                length: Some(1),
            },
            Enclosure {
                url: url("ftp://e.org/ep.mp3"),
                mime_type: "audio/mpeg".into(),
                length: Some(1),
            },
        ];
        i.article.image = Some(url("https://e.org/lead.jpg"));
        i.article.language = Some("en-US".into());
        i.article.podcast = Some(Podcast {
            duration: Some(61),
            episode: Some(0),
            explicit: Some(true),
            show_category: Some("news".into()),
            show_explicit: Some(false),
            owner_email: Some("desk@e.org".into()),
            ..Podcast::default()
        });
        i
    }

    #[test]
    fn the_gate_keeps_valid_media_and_the_head_declares_only_what_items_use() {
        let c = Builder::new().feed("f", "").build();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let at = now - Duration::days(1);
        let mut other = item(1, at, 300);
        other.article.language = Some("en-GB".into());
        let items = [episode(2, at), other.clone()];
        let valid = ValidFeed::new(&c.feeds[0], &c.site, &items, now, None).unwrap();
        let kept: Vec<&str> = valid.items[0]
            .enclosures
            .iter()
            .map(|e| e.url.as_str())
            .collect();
        assert_eq!(kept, ["https://e.org/notes.pdf", "https://e.org/ep.mp3"]);
        assert_eq!(
            valid.items[0].episode.as_ref().unwrap().episode,
            None,
            "0 is no episode"
        );
        let rss = String::from_utf8(valid.render(Format::Rss)).unwrap();
        // The sound, not the document, is RSS's one enclosure; its duration as H:MM:SS.
        assert!(
            rss.contains(
                r#"<enclosure url="https://e.org/ep.mp3" length="1000" type="audio/mpeg"/>"#
            ),
            "{rss}"
        );
        assert_eq!(rss.matches("<enclosure").count(), 1);
        assert!(
            rss.contains("<language>en</language>"),
            "en-US and en-GB agree on en"
        );
        assert!(rss.contains("<itunes:duration>0:01:01</itunes:duration>"));
        assert!(rss.contains(r#"<itunes:category text="News"/>"#));
        assert!(rss.contains("xmlns:itunes=") && rss.contains("xmlns:media="));
        for format in Format::ALL {
            verify(format, &valid.render(format)).unwrap();
        }
        let json: serde_json::Value = serde_json::from_slice(&valid.render(Format::Json)).unwrap();
        let attached = &json["items"][0]["attachments"];
        assert_eq!(attached[0]["url"], "https://e.org/notes.pdf");
        assert!(
            attached[0].get("duration_in_seconds").is_none(),
            "a document has no running time"
        );
        assert_eq!(attached[1]["duration_in_seconds"], 61);
        // Without a language, or with an owner the validator cannot mail, no iTunes channel.
        let mut foreign = other.clone();
        foreign.article.language = Some("de".into());
        let mixed = [episode(2, at), foreign];
        let rss = String::from_utf8(
            ValidFeed::new(&c.feeds[0], &c.site, &mixed, now, None)
                .unwrap()
                .render(Format::Rss),
        )
        .unwrap();
        assert!(
            !rss.contains("<language>") && !rss.contains("itunes"),
            "{rss}"
        );
        let mut no_owner = episode(2, at);
        no_owner.article.podcast.as_mut().unwrap().owner_email = Some("the desk".into());
        let rss = String::from_utf8(
            ValidFeed::new(&c.feeds[0], &c.site, &[no_owner], now, None)
                .unwrap()
                .render(Format::Rss),
        )
        .unwrap();
        assert!(
            !rss.contains("itunes") && rss.contains("<enclosure"),
            "{rss}"
        );
        // A plain feed's head is as it always was: no namespace nobody uses.
        let plain = ValidFeed::new(&c.feeds[0], &c.site, &[item(1, at, 300)], now, None).unwrap();
        for format in [Format::Rss, Format::Atom] {
            let text = String::from_utf8(plain.render(format)).unwrap();
            assert!(
                !text.contains("xmlns:media")
                    && !text.contains("xmlns:itunes")
                    && !text.contains("lang"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_configured_language_wins_and_json_feed_names_the_hub() {
        let c = Builder::new()
            .site("language = \"fr\"\nwebsub_hub = \"https://hub.e.org/\"")
            .feed("f", "")
            .build();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let items = [episode(1, now - Duration::days(1))];
        let valid = ValidFeed::new(&c.feeds[0], &c.site, &items, now, None).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&valid.render(Format::Json)).unwrap();
        assert_eq!(json["language"], "fr");
        assert_eq!(json["hubs"][0]["type"], "WebSub");
        assert_eq!(json["hubs"][0]["url"], "https://hub.e.org/");
        let atom = String::from_utf8(valid.render(Format::Atom)).unwrap();
        assert!(atom.contains(r#"xml:lang="fr""#), "{atom}");
    }

    /// The JSON Feed check accepts and refuses what `feed-rs` does, on the ways a document can
    /// be off: types, missing fields, version, trailing bytes, repeated fields.
    #[test]
    fn the_json_feed_check_agrees_with_feed_rs() {
        let item =
            r#"{"id":"1","url":"https://e.org/1","content_html":"<p>a\"b</p>","tags":["x"]}"#;
        let feed = |extra: &str, items: &str| {
            format!(
                r#"{{"version":"https://jsonfeed.org/version/1.1","title":"T"{extra},"items":[{items}]}}"#
            )
        };
        let cases = [
            feed("", item),
            feed("", ""),
            feed(
                r#","home_page_url":"https://e.org/","unknown":{"a":[1,2]}"#,
                item,
            ),
            feed(r#","authors":[{"name":"A","url":null}]"#, item),
            feed(r#","title":"again""#, item),
            feed(r#","icon":3"#, item),
            feed("", r#"{"id":1}"#),
            feed("", r#"{"id":"1","tags":"x"}"#),
            feed(
                "",
                r#"{"id":"1","attachments":[{"url":"https://e.org/a.mp3"}]}"#,
            ),
            feed(
                "",
                r#"{"id":"1","attachments":[{"url":"u","mime_type":"audio/mpeg","size_in_bytes":-1}]}"#,
            ),
            feed("", item) + " x",
            feed("", item) + "  \n",
            r#"{"version":"https://jsonfeed.org/version/2","title":"T","items":[]}"#.to_string(),
            r#"{"version":"https://jsonfeed.org/version/1","items":[]}"#.to_string(),
            r#"{"version":"https://jsonfeed.org/version/1","title":"T"}"#.to_string(),
            r#"{"version":"https://jsonfeed.org/version/1","title":"T","items":[],}"#.to_string(),
        ];
        let mut refused = 0;
        for case in &cases {
            let ours = readable_json(case.as_bytes());
            let theirs = feed_rs::parser::parse(case.as_bytes());
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{case}: {ours:?}");
            refused += usize::from(ours.is_err());
        }
        assert_eq!(
            refused,
            cases.len() - 5,
            "only the first four and the trailing spaces pass"
        );
    }

    /// A file too large to hand `feed-rs` whole is read in windows of items; a broken item in
    /// the middle is still found, and named.
    #[test]
    fn large_files_are_verified_in_windows_that_miss_no_item() {
        let c = Builder::new().feed("f", "").build();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let items: Vec<Item> = (0..1200)
            .rev()
            .map(|n| item(n, now - Duration::days(60), 6000))
            .collect();
        let valid = ValidFeed::new(&c.feeds[0], &c.site, &items, now, None).unwrap();
        for format in Format::ALL {
            let mut w = FormatWriter::start(format, valid.head(), Vec::new()).unwrap();
            for i in valid.items() {
                w.item(i).unwrap();
            }
            let (mut bytes, layout) = w.finish().unwrap();
            assert!(layout.len > 4 << 20, "{format:?} must need several windows");
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(&bytes).unwrap();
            verify_file(format, &file, &layout).unwrap();
            if format == Format::Json {
                // Well-formed JSON, but an item a feed reader cannot take: only feed-rs sees it.
                let (from, to) = layout.spans[700];
                let len = (to - from) as usize;
                let junk = format!("\"{}\"", "x".repeat(len - 2));
                bytes[from as usize..to as usize].copy_from_slice(junk.as_bytes());
            } else {
                // The item's start tag broken: its end tag no longer matches.
                let from = layout.spans[700].0 as usize;
                let open = from + bytes[from..].iter().position(|b| *b == b'<').unwrap();
                bytes[open] = b'!';
            }
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(&bytes).unwrap();
            let err = verify_file(format, &file, &layout).unwrap_err();
            if format == Format::Json {
                assert!(
                    err.contains("items ") && err.contains("feed reader"),
                    "{err}"
                );
            }
        }
    }
}
