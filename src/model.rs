//! The one item model every stage speaks: sources produce [`RawArticle`]s, normalisation turns
//! them into [`Article`]s, each of which travels on as a [`Candidate`] naming where it came
//! from; selection keeps one per story, the store gives each a stable identity and dates
//! ([`Item`]), and publishing renders items. Keeping it in one place is what lets stages change
//! independently.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// An article as a source found it, before any cleaning.
#[derive(Debug, Clone)]
pub struct RawArticle {
    /// Name of the source that produced it (messages, learned chrome, state).
    pub source: String,
    /// What identifies the article inside its feed: the path relative to the source folder, or
    /// the canonical URL. The item id is derived from it, so it must not depend on run time.
    pub key: String,
    pub body: RawBody,
    /// URL relative links inside the body resolve against (the page URL, or the feed's link).
    pub base_url: Option<Url>,
    /// When the file was written or the page last modified: anchors relative dates
    /// such as "3 hours ago".
    pub file_time: Option<DateTime<Utc>>,
    /// Metadata the source already knows (front matter, a feed item's fields). Wins over
    /// what extraction guesses.
    pub hints: Metadata,
}

/// The body in the form the source delivered it; normalisation picks its path from this.
#[derive(Debug, Clone)]
pub enum RawBody {
    /// Text scraped from a page, chrome and hard wraps included.
    Text(String),
    /// Markdown written by a person (front matter already split off into hints).
    Markdown(String),
    /// A whole HTML page (extraction finds the article in it).
    Html(String),
    /// An HTML fragment that is already the article (a feed item's content): sanitised, not extracted.
    HtmlFragment(String),
}

/// What is known of an article besides its body, wherever it was found: what its source says
/// (front matter, a feed entry), what its page says about itself (meta tags, JSON-LD), what a
/// normalisation path read in the text (a byline, a dateline). One type for all of them,
/// merged by [`Metadata::or`], so which one wins is said in one place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub authors: Vec<String>,
    /// Wire services and agencies credited for the story ("AFP", "Reuters").
    pub credits: Vec<String>,
    /// As written: the offset the page or file gave (or the source's zone for a naive time),
    /// so the calendar day is the writer's.
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// The article's own URL (a canonical link, a feed entry's link).
    pub link: Option<Url>,
    /// The lead image, absolute.
    pub image: Option<Url>,
    pub categories: Vec<String>,
    pub language: Option<String>,
    /// Media files the item carries (a podcast episode's audio), as the source listed them.
    pub enclosures: Vec<Enclosure>,
    /// A podcast episode's iTunes fields, as its source feed gave them.
    pub podcast: Option<Podcast>,
    /// Where the title, authors and publication date were found.
    pub provenance: Provenance,
}

/// Where the title, the authors and the publication date of an article were found, so
/// `preview --json` can show a user why extraction chose them. A field is `None` when the
/// article has no such value or the path that set it did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Provenance {
    pub title: Option<Origin>,
    pub authors: Option<Origin>,
    pub published: Option<Origin>,
}

/// One place a field can come from; [`Origin::name`] is the label users see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The source itself: front matter, a feed entry, a list item's selectors.
    Source,
    /// A `[[site_rule]]` selector.
    SiteRule,
    /// The page's JSON-LD (`headline`, `author`, `datePublished` of the article or page object).
    JsonLd,
    /// A `<meta>` tag, by its `name`/`property` (`og:title`, `author`, `article:published_time`).
    Meta(&'static str),
    /// An element with a microdata `itemprop` (`author`, `datePublished`).
    Itemprop,
    /// A link with `rel="author"`.
    RelAuthor,
    /// A link to an author's archive of posts (`/author/jane-roe/`), when nothing else names one.
    AuthorLink,
    /// A forum's first link to a poster's profile (`a.username`): the opening post's author.
    Username,
    /// A byline: an element named for it, or a name shown by the headline ("By Jane Roe").
    Byline,
    /// A small element named for the author anywhere on the page (an author box).
    AuthorBox,
    /// A `<time datetime>` by the headline.
    Time,
    /// The first `<time datetime>` of the page, wherever it is.
    PageTime,
    /// A date line shown by the headline ("Published on July 18, 2025").
    DateLine,
    /// A labelled date line elsewhere on the page ("Posted on April 13, 2023"), when nothing by
    /// the headline or in the markup dates it.
    PageLine,
    /// The date in the article's URL path (`/2025/12/19/slug`).
    Url,
    /// No publication date anywhere: the date the page says it was updated.
    Updated,
    /// The page's `<h1>` headline.
    H1,
    /// The page's `<title>`.
    TitleTag,
    /// A plain-text or Markdown input's own lines (a heading, a byline, a dateline).
    Text,
    /// No title anywhere: the summary's first sentence.
    Summary,
}

impl Origin {
    /// The label `preview` shows: `json-ld`, `meta:author`, `rel=author`, `byline`,
    /// `time[datetime]`, `url`, …
    pub fn name(self) -> String {
        let name = match self {
            Origin::Meta(key) => return format!("meta:{key}"),
            Origin::Source => "source",
            Origin::SiteRule => "site-rule",
            Origin::JsonLd => "json-ld",
            Origin::Itemprop => "itemprop",
            Origin::RelAuthor => "rel=author",
            Origin::AuthorLink => "author-link",
            Origin::Username => "username",
            Origin::Byline => "byline",
            Origin::AuthorBox => "author-box",
            Origin::Time => "time[datetime]",
            Origin::PageTime => "page-time[datetime]",
            Origin::DateLine => "date-line",
            Origin::PageLine => "page-line",
            Origin::Url => "url",
            Origin::Updated => "updated",
            Origin::H1 => "h1",
            Origin::TitleTag => "title",
            Origin::Text => "text",
            Origin::Summary => "summary",
        };
        name.to_string()
    }
}

/// A media file attached to an item: a source feed's RSS `<enclosure>`, Atom
/// `link rel="enclosure"`, JSON Feed attachment or Media RSS `media:content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enclosure {
    /// Absolute http(s) URL of the file.
    pub url: Url,
    /// Its MIME type (`audio/mpeg`).
    pub mime_type: String,
    /// Its size in bytes, when the source said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
}

/// What a podcast feed says of an episode in the iTunes namespace, and of its show (the
/// channel's fields ride along on each episode, so a feed of episodes can describe its show).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Podcast {
    /// Running time in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episode: Option<u64>,
    /// The episode's own artwork.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit: Option<bool>,
    /// The show's top-level iTunes category ("News").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_explicit: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_image: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_email: Option<String>,
}

impl Metadata {
    /// `self`, with each field it lacks (`None`, or an empty list) taken from `fallback`.
    pub fn or(self, fallback: Metadata) -> Metadata {
        fn list<T>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
            if a.is_empty() {
                b
            } else {
                a
            }
        }
        // Each field's origin goes with the field.
        let from = |mine: bool, a: Option<Origin>, b: Option<Origin>| if mine { a } else { b };
        let (p, q) = (self.provenance, fallback.provenance);
        let provenance = Provenance {
            title: from(self.title.is_some(), p.title, q.title),
            authors: from(!self.authors.is_empty(), p.authors, q.authors),
            published: from(self.published.is_some(), p.published, q.published),
        };
        Metadata {
            provenance,
            title: self.title.or(fallback.title),
            summary: self.summary.or(fallback.summary),
            authors: list(self.authors, fallback.authors),
            credits: list(self.credits, fallback.credits),
            published: self.published.or(fallback.published),
            updated: self.updated.or(fallback.updated),
            link: self.link.or(fallback.link),
            image: self.image.or(fallback.image),
            categories: list(self.categories, fallback.categories),
            language: self.language.or(fallback.language),
            enclosures: list(self.enclosures, fallback.enclosures),
            podcast: self.podcast.or(fallback.podcast),
        }
    }
}

/// A clean article: what normalisation returns. Pure data, no identity yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Plain-text headline.
    pub title: String,
    /// Plain-text dek or lead, cut at a sentence boundary.
    pub summary: Option<String>,
    /// Sanitised body HTML; every URL in it absolute.
    pub content_html: String,
    /// The body as plain text, paragraphs separated by one blank line.
    pub content_text: String,
    pub authors: Vec<String>,
    /// Wire services and agencies credited for the story ("AFP", "Reuters").
    pub credits: Vec<String>,
    /// The article's own dates with the offset they were written in; the store and the feeds
    /// use the instant (UTC), the calendar day is the writer's.
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// Absolute http(s) URL of the article, when it has one.
    pub link: Option<Url>,
    pub categories: Vec<String>,
    /// Absolute URL of the lead image.
    pub image: Option<Url>,
    pub language: Option<String>,
    /// Left out of the stored JSON when empty, so articles stored before they existed keep
    /// their content hash (and are not "changed" by an upgrade).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enclosures: Vec<Enclosure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub podcast: Option<Podcast>,
}

/// What the store remembers of an article file to know, next run, that it has not changed:
/// size and modification time to skip it unread, and a hash of its bytes for a file that was
/// touched but not edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    /// Modification time in nanoseconds since the epoch.
    pub modified_ns: i64,
    /// XXH3-128 of the bytes, hex.
    pub hash: String,
}

/// What names an article inside its feed: its URL when the source's key is one (a URL names one
/// story whichever source of the feed lists it), else the source's name and its own key (two
/// folders of one feed may both hold `today.txt`), as `SOURCE:KEY`. The name's own `%` and `:`
/// are escaped, so no two (source, key) pairs give one item key.
pub fn item_key(source: &str, key: &str) -> String {
    let is_url = Url::parse(key).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if is_url {
        return key.to_string();
    }
    let mut out = String::with_capacity(source.len() + key.len() + 1);
    for c in source.chars() {
        match c {
            '%' => out.push_str("%25"),
            ':' => out.push_str("%3A"),
            c => out.push(c),
        }
    }
    out.push(':');
    out.push_str(key);
    out
}

/// A normalised article on its way to the store: what normalisation hands selection.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Name of the source that produced it.
    pub source: String,
    /// The source's own key (path in its folder, canonical URL, feed entry id).
    pub key: String,
    pub article: Article,
    /// The feed's teaser, standing in for a full text that failed to fetch: stored marked, so
    /// the next run fetches the full text again.
    pub partial: bool,
}

impl Candidate {
    /// The feed-unique key ([`item_key`]) the store files this candidate under.
    pub fn item_key(&self) -> String {
        item_key(&self.source, &self.key)
    }
}

/// An article as published: the article plus the identity and dates the store keeps for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable, unique within the feed, never derived from run time.
    pub id: String,
    /// The feed-unique key ([`item_key`]) the item is stored under; the id was derived from it
    /// once, when the item was new, and is never inverted.
    pub key: String,
    pub source: String,
    pub article: Article,
    /// The article's own date, or the time feedsmith first saw it.
    pub published: DateTime<Utc>,
    /// Last time the normalised content changed (equals `published` until then).
    pub updated: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_or_fills_only_what_is_missing() {
        let url = |s: &str| Url::parse(s).ok();
        let source = Metadata {
            title: Some("From the feed".into()),
            categories: vec!["Weather".into()],
            ..Metadata::default()
        };
        let page = Metadata {
            title: Some("From the page".into()),
            authors: vec!["Ana Lima".into()],
            categories: vec!["News".into()],
            link: url("https://e.org/a"),
            ..Metadata::default()
        };
        let merged = source.or(page);
        assert_eq!(merged.title.as_deref(), Some("From the feed"));
        assert_eq!(merged.authors, ["Ana Lima"]);
        assert_eq!(merged.categories, ["Weather"]);
        assert_eq!(merged.link, url("https://e.org/a"));
        assert_eq!(merged.summary, None);
    }

    #[test]
    fn file_keys_are_namespaced_by_source_and_urls_are_not() {
        assert_eq!(item_key("articles/a", "today.txt"), "articles/a:today.txt");
        assert_ne!(item_key("a", "today.txt"), item_key("b", "today.txt"));
        // A name that holds the separator cannot pose as another source's key.
        assert_ne!(item_key("a:b", "c"), item_key("a", "b:c"));
        assert_ne!(item_key("a/b", "c"), item_key("a", "b/c"));
        assert_eq!(
            item_key("a", "https://ex.org/story"),
            item_key("b", "https://ex.org/story")
        );
        assert_eq!(
            item_key("https://ex.org/feed", "urn:uuid:1"),
            "https%3A//ex.org/feed:urn:uuid:1"
        );
    }
}
