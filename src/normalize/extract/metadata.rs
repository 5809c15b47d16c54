//! Page metadata (title, authors, dates, lead image, language, canonical URL) from the places
//! publishers put it: JSON-LD, OpenGraph and other meta tags, `<link>`, `<time>`, `<html lang>`.
//! Elements are handed over one by one while the page is read, so no extra pass is needed.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use dom_query::{Element, NodeRef};
use regex::Regex;
use serde_json::Value;
use url::Url;

use super::dom::{Page, Tag};
use crate::chars::fold_whitespace;
use crate::model::{Metadata, Origin, Provenance};
use crate::normalize::context::Context;
use crate::normalize::lexicon;
use crate::normalize::meta::{date_label, harvest, Found};

/// What the page says about itself, in source order; [`Meta::resolve`] picks the winners.
#[derive(Debug, Default)]
pub struct Meta {
    /// (property or name, content) of every `<meta>`, lower-cased keys.
    metas: Vec<(String, String)>,
    title_tag: Option<String>,
    pub h1: Option<String>,
    /// The first few h1s: a page may spend its first on the logo.
    h1s: Vec<String>,
    lang: Option<String>,
    canonical: Option<String>,
    image_link: Option<String>,
    rel_author: Vec<String>,
    /// The texts of links to an author's archive, in page order ([`author_archive`]).
    author_links: Vec<String>,
    /// The text of the first link classed `username` (phpBB, XenForo and other forum engines
    /// link each post's author so): the opening post's.
    username: Option<String>,
    prop_author: Vec<String>,
    byline: Option<String>,
    time: Option<String>,
    prop_published: Option<String>,
    prop_modified: Option<String>,
    ld_json: Vec<String>,
    /// Every microdata `itemtype`, as written.
    itemtypes: Vec<String>,
}

/// What the page says about itself, resolved: its metadata (the publisher's description as
/// the summary, the canonical URL as the link) and its JSON-LD body.
#[derive(Debug, Default)]
pub struct Resolved {
    pub meta: Metadata,
    /// JSON-LD `articleBody`, when the page carries one.
    pub article_body: Option<String>,
    /// The authors, if any, are the site's or publisher's name: a byline on the page wins.
    pub authors_are_brand: bool,
    /// The first poster's name ([`Meta`]'s `username`), when it is a person's: the author when
    /// nothing else names one, not even a byline or an author box.
    username: Vec<String>,
}

impl Meta {
    /// The text of each JSON-LD script, in page order.
    pub fn ld_json(&self) -> &[String] {
        &self.ld_json
    }

    /// Every microdata `itemtype`, in page order.
    pub fn itemtypes(&self) -> &[String] {
        &self.itemtypes
    }

    /// Notes what an element says about the page.
    pub fn see_element(&mut self, name: &str, el: &Element, node: &NodeRef) {
        let attr = |n: &str| el.attr(n).map(|v| v.trim().to_string());
        match name {
            "html" => self.lang = self.lang.take().or_else(|| attr("lang")),
            "meta" => {
                let key = attr("property")
                    .or_else(|| attr("name"))
                    .or_else(|| attr("itemprop"))
                    .or_else(|| attr("http-equiv"));
                if let (Some(k), Some(v)) = (key, attr("content")) {
                    if !v.is_empty() {
                        self.metas.push((k.to_ascii_lowercase(), v));
                    }
                }
            }
            "title" if self.title_tag.is_none() => {
                self.title_tag = Some(fold_whitespace(&node.text())).filter(|t| !t.is_empty());
            }
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                let href = attr("href").filter(|h| !h.is_empty());
                match rel.as_str() {
                    "canonical" if self.canonical.is_none() => self.canonical = href,
                    "image_src" if self.image_link.is_none() => self.image_link = href,
                    _ => {}
                }
            }
            "script"
                if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                self.ld_json.push(node.text().to_string());
            }
            "h1" if self.h1s.len() < 5 => {
                let text = heading_text(node);
                if !text.is_empty() {
                    self.h1 = self.h1.take().or_else(|| Some(text.clone()));
                    self.h1s.push(text);
                }
            }
            "time" if self.time.is_none() => self.time = attr("datetime"),
            _ => {}
        }
        // The rest reads attributes.
        if name != "meta" && !el.attrs.is_empty() {
            if let Some(t) = el.attr("itemtype") {
                self.itemtypes.push(t.to_string());
            }
            if let Some(prop) = el.attr("itemprop") {
                let value = || {
                    attr("datetime")
                        .or_else(|| attr("content"))
                        .unwrap_or_else(|| fold_whitespace(&node.text()))
                };
                match prop.as_ref() {
                    // The first of these in page order dates the page's own item (a
                    // question's "Asked" `dateCreated`); later ones date its answers.
                    "datePublished" | "dateCreated" if self.prop_published.is_none() => {
                        self.prop_published = Some(value())
                    }
                    "dateModified" if self.prop_modified.is_none() => {
                        self.prop_modified = Some(value())
                    }
                    // A microdata Person names itself in its `name` property; its element's
                    // text also holds its badges, role and avatar letter.
                    "author" | "creator" => {
                        let name = el.has_attr("itemscope").then(|| item_name(node)).flatten();
                        self.prop_author.push(name.unwrap_or_else(value))
                    }
                    _ => {}
                }
            }
            if name == "a"
                && attr("rel").is_some_and(|r| r.split_whitespace().any(|w| w == "author"))
            {
                self.rel_author.push(fold_whitespace(&node.text()));
            } else if name == "a"
                && self.username.is_none()
                && el.attr("class").is_some_and(|c| {
                    c.split_whitespace()
                        .any(|w| w == "username" || w.starts_with("username-"))
                })
            {
                self.username = Some(fold_whitespace(&node.text()));
            } else if name == "a" && el.attr("href").is_some_and(|h| author_archive(&h)) {
                let text = fold_whitespace(&node.text());
                if !archive_label(&text) {
                    self.author_links.push(text);
                }
            }
            if self.byline.is_none()
                && el.attr("class").is_some_and(|c| {
                    c.as_bytes()
                        .windows(6)
                        .any(|w| w.eq_ignore_ascii_case(b"byline"))
                })
            {
                self.byline =
                    Some(fold_whitespace(&node.text())).filter(|t| !t.is_empty() && t.len() < 200);
            }
        }
    }

    /// The first `<time datetime>` anywhere on the page: a last resort, as it may date a
    /// teaser in a sidebar.
    pub fn first_time(&self, tz: Tz) -> Option<DateTime<FixedOffset>> {
        self.time
            .as_deref()
            .and_then(|t| crate::dates::parse(t, tz))
    }

    fn meta(&self, keys: &[&'static str]) -> Option<&str> {
        self.meta_keyed(keys).map(|(_, v)| v)
    }

    /// The page's other titles for itself, less the site's name: its JSON-LD headline and
    /// its `<title>`. An h1 that repeats one word for word is the headline even when the share
    /// card words it otherwise.
    fn other_titles(&self, ld: &LdArticle, site: Option<&str>) -> Vec<String> {
        [ld.headline.as_deref(), self.title_tag.as_deref()]
            .into_iter()
            .flatten()
            .map(|t| strip_site_name(&fold_whitespace(t), site, self))
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// Whether `h1` words the same headline as `title`: it shares enough of its words with
    /// it. On a page of several h1s (menus, section headings, cards) a short heading shares
    /// all its few words with most titles ("Reviews", "Planning"), so there the h1 must also
    /// hold enough of the title's words, or of its part before a separator.
    fn agrees(&self, h1: &str, title: &str) -> bool {
        let mut distinct: Vec<&String> = self.h1s.iter().collect();
        distinct.sort();
        distinct.dedup();
        let covered = |t: &str| shares_words(t, h1, SEVERAL_H1_COVER);
        shares_words(h1, title, 0.3)
            && (distinct.len() < 2 || covered(title) || covered(headline_part(title)))
    }

    /// The first of `keys` the page has a `<meta>` for, with its content.
    fn meta_keyed(&self, keys: &[&'static str]) -> Option<(&'static str, &str)> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(mk, _)| mk == k)
                .map(|(_, v)| (*k, v.as_str()))
        })
    }

    /// Picks each field from the most reliable place that has it. Long because it is the
    /// precedence lists themselves, one per field, read in order.
    pub fn resolve(&self, base: Option<&Url>, tz: Tz) -> Resolved {
        let ld = LdArticle::from_scripts(&self.ld_json);
        let site_name = self
            .meta(&["og:site_name", "application-name"])
            .map(str::to_string);
        let raw_title = self
            .meta_keyed(&["og:title", "twitter:title"])
            .filter(|(_, v)| {
                let site_only = |t: &str| names_only_site(t, site_name.as_deref(), base);
                !site_only(v) || self.title_tag.as_deref().is_none_or(site_only)
            })
            .map(|(k, v)| (v.to_string(), Origin::Meta(k)))
            .or_else(|| ld.headline.clone().map(|t| (t, Origin::JsonLd)))
            // The `<title>` before the h1: without a share card's title, the first h1 is as
            // often the logo (forums, docs) as the headline; the h1 that agrees with the
            // `<title>` still wins below.
            .or_else(|| self.title_tag.clone().map(|t| (t, Origin::TitleTag)))
            .or_else(|| self.h1.clone().map(|t| (t, Origin::H1)));
        let title_from = raw_title.as_ref().map(|(_, o)| *o);
        // The headline the reader sees: the first h1 that shares enough words with the
        // title the page gives search engines and share cards (which often rewords it for
        // them, or adds the site's name); without one, that title less the site's name.
        let full_title = raw_title.map(|(t, _)| fold_whitespace(&t));
        let host = base
            .and_then(Url::host_str)
            .map(|h| h.trim_start_matches("www."));
        let seo_title = full_title
            .as_deref()
            .map(|t| strip_site_name(t, site_name.as_deref(), self))
            .map(|t| match host {
                Some(host) => without_host_tail(&t, host),
                None => t,
            });
        // The site's own name, as it calls itself or as its title carries it: a logo's h1.
        let cut = full_title
            .as_deref()
            .zip(seo_title.as_deref())
            .and_then(|(full, kept)| leftover(full, kept));
        let is_site = |h: &str| {
            [site_name.as_deref(), cut.as_deref(), host]
                .into_iter()
                .flatten()
                .any(|s| s.eq_ignore_ascii_case(h.trim()))
                || host.is_some_and(|host| names_host(h, host))
        };
        let others = self.other_titles(&ld, site_name.as_deref());
        let repeats = |h: &str| others.iter().any(|t| t.eq_ignore_ascii_case(h.trim()));
        let h1 = seo_title.as_deref().and_then(|seo| {
            self.h1s
                .iter()
                .find(|h| !is_site(h) && (self.agrees(h, seo) || repeats(h)))
                // The h1 may carry the site's name or a tagline after a separator too.
                .map(|h| strip_site_name(h, site_name.as_deref(), self))
        });
        // No h1 agrees with the `<title>`: a first h1 that reads as a headline, not a name
        // (a logo, "Antoyo's Blog", "1. Overview"), still beats it; some sites' `<title>` is
        // only their own name and tagline.
        let h1 = h1.or_else(|| {
            let first = self.h1.as_deref()?;
            (title_from == Some(Origin::TitleTag) && !is_site(first) && !looks_like_name(first))
                .then(|| strip_site_name(first, site_name.as_deref(), self))
        });
        let title_from = if h1.is_some() {
            Some(Origin::H1)
        } else {
            title_from
        };
        let h1 = h1.map(|h| match seo_title.as_deref() {
            Some(seo) => without_label(&h, seo),
            None => h,
        });
        let title = h1.or_else(|| seo_title.as_deref().map(without_pipe_tail));

        let date = |s: Option<&str>| s.and_then(|s| crate::dates::parse(s, tz));
        let dated = |s: Option<(&'static str, &str)>| {
            s.and_then(|(k, v)| Some((crate::dates::parse(v, tz)?, Origin::Meta(k))))
        };
        let published = date(ld.published.as_deref())
            .map(|d| (d, Origin::JsonLd))
            .or_else(|| {
                dated(self.meta_keyed(&[
                    "article:published_time",
                    "article:published",
                    "og:published_time",
                    "datepublished",
                    "publishdate",
                    "pubdate",
                    "parsely-pub-date",
                    "sailthru.date",
                    "dc.date.issued",
                    "dc.date",
                    "dcterms.date",
                    "date",
                    "published",
                    "publish-date",
                    "publish_date",
                    // Scholarly pages (Highwire/Google Scholar tags).
                    "citation_publication_date",
                    "citation_online_date",
                    "citation_date",
                ]))
            })
            .or_else(|| date(self.prop_published.as_deref()).map(|d| (d, Origin::Itemprop)));
        let (published, published_from) = published.unzip();
        let updated = date(ld.modified.as_deref())
            .or_else(|| {
                date(self.meta(&[
                    "article:modified_time",
                    "article:modified",
                    "og:updated_time",
                    "datemodified",
                    "last-modified",
                    "dcterms.modified",
                ]))
            })
            .or_else(|| date(self.prop_modified.as_deref()));

        // The first source with a name that is a person's, not the site's or a label:
        // JSON-LD, meta tags, itemprop and rel=author links (the first of a long list, the
        // rest are commenters), a byline element.
        let brands = Brands {
            names: [site_name.as_deref(), ld.publisher.as_deref()]
                .into_iter()
                .flatten()
                .map(str::to_lowercase)
                .collect(),
            hosts: base
                .and_then(Url::host_str)
                .into_iter()
                .flat_map(host_names)
                .collect(),
        };
        let from_meta = self
            .meta_keyed(&[
                "author",
                "article:author",
                "parsely-author",
                "dc.creator",
                "byl",
            ])
            .filter(|(_, a)| !a.starts_with("http"));
        let lists = [
            (ld.authors.clone(), Origin::JsonLd),
            (
                from_meta
                    .map(|(_, a)| vec![a.to_string()])
                    .unwrap_or_default(),
                Origin::Meta(from_meta.map_or("author", |(k, _)| k)),
            ),
            (first_of_many(&self.prop_author), Origin::Itemprop),
            (first_of_many(&self.rel_author), Origin::RelAuthor),
            (
                self.byline.as_deref().map(byline_names).unwrap_or_default(),
                Origin::Byline,
            ),
            (first_of_many(&self.author_links), Origin::AuthorLink),
        ];
        // A brand credited as the author (company blogs do) only when no source names a
        // person.
        let pick = |brands: &Brands| {
            lists
                .iter()
                .map(|(list, from)| (people(list, brands), *from))
                .find(|(list, _)| !list.is_empty())
        };
        let person = pick(&brands);
        let authors_are_brand = person.is_none();
        let (authors, authors_from) = person.or_else(|| pick(&Brands::default())).unzip();
        let authors = authors.unwrap_or_default();
        let image = self
            .meta(&[
                "og:image",
                "og:image:url",
                "og:image:secure_url",
                "twitter:image",
            ])
            .map(str::to_string)
            .or_else(|| ld.image.clone())
            .or_else(|| self.image_link.clone());
        let language = self
            .lang
            .clone()
            .filter(|l| !l.is_empty())
            .or_else(|| ld.language.clone())
            .or_else(|| {
                self.meta(&["content-language", "og:locale"])
                    .map(str::to_string)
            })
            .map(|l| l.replace('_', "-"));
        let canonical = self
            .canonical
            .as_deref()
            .or(self.meta(&["og:url"]))
            .or(ld.url.as_deref())
            .and_then(|c| crate::urls::absolutize(base, c));
        let meta = Metadata {
            title,
            summary: self
                .meta(&["og:description", "description", "twitter:description"])
                .map(str::to_string),
            authors,
            published,
            updated,
            image: image.and_then(|i| crate::urls::absolutize(base, &i)),
            language,
            link: canonical,
            provenance: Provenance {
                title: title_from,
                authors: authors_from,
                published: published_from,
            },
            ..Metadata::default()
        };
        Resolved {
            meta,
            article_body: ld.body,
            authors_are_brand,
            username: people(self.username.as_slice(), &brands),
        }
    }
}

impl Resolved {
    /// What the markup does not say, from what the page shows by its headline ([`shown`]);
    /// for the date then the permalink's, the first `<time>`, and last the date the page says
    /// it was updated. A date shown by the headline also overrules a markup date of another day
    /// the page does not vouch for ([`shown_overrules`]). Last, a labelled date line anywhere
    /// ([`labelled_dates`]). Authors that are only the site's name give way to a byline shown.
    pub fn complete(&mut self, meta: &Meta, page: &Page, base: Option<&Url>, ctx: &Context) {
        let shown = shown(
            page,
            self.meta.title.as_deref(),
            ctx,
            self.authors_are_brand,
        );
        let permalink = base.or(self.meta.link.as_ref());
        if let Some((seen, from)) = shown_overrules(&self.meta, &shown, meta, page, permalink, ctx)
        {
            self.meta.published = Some(seen);
            self.meta.provenance.published = Some(from);
        }
        let m = &mut self.meta;
        if m.published.is_none() {
            let url_date = || base.or(m.link.as_ref()).and_then(url_date);
            let found = shown
                .published
                .zip(shown.published_from)
                .or_else(|| url_date().map(|d| (d, Origin::Url)))
                .or_else(|| meta.first_time(ctx.timezone).map(|d| (d, Origin::PageTime)))
                .or_else(|| {
                    let (published, updated) = labelled_dates(page, ctx);
                    published.map(|d| (d, Origin::PageLine)).or_else(|| {
                        shown
                            .updated
                            .or(m.updated)
                            .or(updated)
                            .map(|d| (d, Origin::Updated))
                    })
                });
            (m.published, m.provenance.published) = found.unzip();
            m.updated = m.updated.or(shown.updated);
        }
        if self.authors_are_brand && !shown.authors.is_empty() {
            m.authors = shown.authors;
            m.provenance.authors = shown.authors_from;
        }
        if m.authors.is_empty() && !self.username.is_empty() {
            m.authors = std::mem::take(&mut self.username);
            m.provenance.authors = Some(Origin::Username);
        }
    }
}

/// The dates labelled lines anywhere on the page give ("Published On: 15 August 2025",
/// "Posted on April 13, 2023", "Last updated: November 13, 2025", a label in an element of
/// its own over the date): published, updated. The last resort of a page that dates itself
/// neither in its markup nor by its headline; only labelled lines, as a bare date far from
/// the headline is a teaser's or a comment's.
fn labelled_dates(
    page: &Page,
    ctx: &Context,
) -> (Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>) {
    let (mut published, mut updated) = (None, None);
    // A label alone in its element ("Published"), read with the block after it.
    let mut label: Option<String> = None;
    for block in blocks(page, 1..page.nodes.len(), usize::MAX, false) {
        let Block::Text { text, .. } = block else {
            label = None;
            continue;
        };
        let line = match label.take() {
            Some(l) => format!("{l} {text}"),
            None => text,
        };
        if !date_label(&line) {
            continue;
        }
        match harvest(&line, ctx) {
            Some(Found::Published(d)) => {
                published = Some(d);
                break;
            }
            Some(Found::Updated(d)) => updated = updated.or(Some(d)),
            _ if !line.bytes().any(|b| b.is_ascii_digit())
                && line.split_whitespace().count() <= 3 =>
            {
                label = Some(line)
            }
            _ => {}
        }
    }
    (published, updated)
}

/// The date shown by the headline that replaces the markup's published date of another day,
/// with where it was read: a date line or `<time>`, else an "Updated" line when that is all
/// the page shows. The markup's date is often the template's (the record's creation, a
/// republish, a UTC instant on the next day), unless the page vouches for it: Open Graph's
/// `article:published_time` states the same day, or the page shows that day by the headline
/// too (a forum thread's first post below its latest activity). The permalink's date, when it
/// is one of the two days, settles it first. Measured on wcxb-dev, against date lines alone
/// overruling any markup: 30 pages right that were wrong, 9 the reverse.
fn shown_overrules(
    marked: &Metadata,
    shown: &Shown,
    meta: &Meta,
    page: &Page,
    permalink: Option<&Url>,
    ctx: &Context,
) -> Option<(DateTime<FixedOffset>, Origin)> {
    let day = marked.published?.date_naive();
    let (seen, from) = shown
        .published
        .zip(shown.published_from)
        .or_else(|| shown.updated.map(|d| (d, Origin::DateLine)))?;
    if seen.date_naive() == day || crate::dates::plausible(seen, ctx.now).is_none() {
        return None;
    }
    let permalink = permalink.and_then(url_date).map(|d| d.date_naive());
    let vouched = permalink != Some(seen.date_naive())
        && (permalink == Some(day)
            || meta
                .meta(&["article:published_time"])
                .and_then(|v| crate::dates::parse(v, ctx.timezone))
                .is_some_and(|d| d.date_naive() == day)
            || shows_day(page, marked.title.as_deref(), day, ctx));
    (!vouched).then_some((seen, from))
}

/// Whether a date the page shows by its headline (a `<time>`, a date line not labelled
/// "Updated") falls on `day`.
fn shows_day(page: &Page, title: Option<&str>, day: NaiveDate, ctx: &Context) -> bool {
    let Some(h) = headline(page, title) else {
        return false;
    };
    let (after, before) = around_headline(page, h);
    after.iter().chain(&before).any(|block| {
        let date = match block {
            Block::Time(value) => crate::dates::parse(value, ctx.timezone),
            Block::Text { text, .. } => match shown_line(text, ctx) {
                Some(Found::Published(d) | Found::Date(d)) => Some(d),
                _ => None,
            },
            Block::Long => None,
        };
        date.is_some_and(|d| d.date_naive() == day)
    })
}

/// The names in a byline element's text: the first of its parts ("Jane Roe | Updated May 2")
/// that is nothing but names, not a date's label.
fn byline_names(text: &str) -> Vec<String> {
    text.split(BYLINE_SEPARATORS)
        .find_map(|part| name_of(part).filter(|names| !names.iter().any(|n| date_label(n))))
        .unwrap_or_default()
}

/// The `itemprop="name"` inside a microdata item: its `content`, else its text.
fn item_name(item: &NodeRef) -> Option<String> {
    let name = item
        .descendants_it()
        .find(|n| n.attr("itemprop").is_some_and(|p| p.as_ref() == "name"))?;
    let value = name
        .attr("content")
        .map(|c| c.to_string())
        .unwrap_or_else(|| name.text().to_string());
    Some(fold_whitespace(&value)).filter(|v| !v.is_empty())
}

/// Whether `href` leads to an author's archive of posts: a path with an `author` or `authors`
/// segment and a name after it (`/author/jane-roe/`, `/blog/authors/jane-roe`), as WordPress
/// and most blog engines link a byline.
fn author_archive(href: &str) -> bool {
    let path = match href.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => href,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.split('/');
    segments.any(|s| s.eq_ignore_ascii_case("author") || s.eq_ignore_ascii_case("authors"))
        && segments.next().is_some_and(|s| !s.is_empty())
}

/// The words of the links to an author's archive that are buttons, not names ("View all posts
/// by Jane Roe", "More by this contributor", "View full profile", "Learn more"). English, as
/// the archive paths themselves.
const ARCHIVE_LABEL_WORDS: &[&str] = &[
    "view", "read", "more", "posts", "profile", "articles", "learn", "see",
];

/// Whether an author-archive link's text is a button's label.
fn archive_label(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            ARCHIVE_LABEL_WORDS
                .iter()
                .any(|l| w.eq_ignore_ascii_case(l))
        })
}

/// A list of names from links or properties repeated down the page: beyond two, the names
/// after the first are a comment thread's or a sidebar's, not the article's.
fn first_of_many(v: &[String]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().filter(|s| !s.is_empty()).cloned().collect();
    v.dedup();
    if v.len() > 2 {
        v.truncate(1);
    }
    v
}

/// The names of `list` that are people: cleaned of labels and of the site's name after them
/// ("Jane Roe, The Daily Example"), without the site's own name (`brands`, lower-cased), a
/// role, a bare label or a number.
pub fn people(list: &[String], brands: &Brands) -> Vec<String> {
    let Brands { names, hosts } = brands;
    let brands: Vec<&String> = names.iter().chain(hosts).collect();
    let is_brand = |s: &str| {
        let s = s.to_lowercase();
        brands
            .iter()
            .any(|b| **b == s || b.replace(' ', "") == s.replace(' ', ""))
    };
    list.iter()
        .map(|a| without_brand(&clean_author(a), names))
        .filter(|a| {
            !a.is_empty()
                && a.chars().count() <= 100
                && a.chars().any(char::is_alphabetic)
                && !is_brand(a)
                && !is_role(a)
        })
        .collect()
}

/// The site's names, lower-cased: what it calls itself (`og:site_name`, the JSON-LD
/// publisher) and what its host does.
#[derive(Debug, Default)]
pub struct Brands {
    names: Vec<String>,
    hosts: Vec<String>,
}

/// "Jane Roe, The Daily Example" / "Jane Roe USA TODAY" → "Jane Roe" when the tail is one of
/// `brands` (lower-cased): news sites append their own name to the byline. Not a host's
/// name: a personal site is often named for its author.
fn without_brand(name: &str, brands: &[String]) -> String {
    let lower = name.to_lowercase();
    for b in brands.iter().filter(|b| b.len() >= 3) {
        if let Some(rest) = lower.strip_suffix(b.as_str()) {
            // Byte offsets of the lower-cased form match only when lower-casing kept lengths.
            if rest.len() + b.len() == name.len() && rest.ends_with([' ', ',', '-', '|', '/']) {
                let head = name[..rest.len()].trim_end_matches([' ', ',', '-', '|', '/']);
                if !head.is_empty() {
                    return head.to_string();
                }
            }
        }
    }
    name.to_string()
}

/// Roles and labels that stand where a name should ("Writer", "Topic Author", "Staff"):
/// never an author's name. English, as the byline rows they come from; a family for the
/// lexicon.
const ROLES: &[&str] = &[
    "author",
    "the author",
    "topic author",
    "guest author",
    "writer",
    "staff writer",
    "contributor",
    "editor",
    "admin",
    "administrator",
    "moderator",
    "member",
    "post",
];

fn is_role(name: &str) -> bool {
    ROLES.contains(&name.to_lowercase().as_str())
}

/// The names a host can give its site by: every label but the top-level ones
/// ("health.clevelandclinic.org" → "health", "clevelandclinic"; "www.bbc.co.uk" → "bbc").
fn host_names(host: &str) -> impl Iterator<Item = String> + '_ {
    let labels: Vec<&str> = host.split('.').collect();
    let top = match labels.as_slice() {
        [.., second, _] if matches!(*second, "co" | "com" | "org" | "net" | "ac" | "gov") => 2,
        _ => 1,
    };
    let keep = labels.len().saturating_sub(top);
    labels
        .into_iter()
        .take(keep)
        .filter(|l| *l != "www")
        .map(str::to_lowercase)
}

/// "By Jane Doe", "Written by: Jane Doe", "Posted by Jane Doe on May 2, 2024", "“Jane Doe”"
/// → "Jane Doe"; a label alone ("Written by") → "".
fn clean_author(a: &str) -> String {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:(?:written|posted|authored|words|text|reviewed)\s+by|by|author|authors)\b\s*:?\s*").unwrap()
    });
    static ON_DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\s+(?:on|at)\s+\S*\d.*$").unwrap());
    // A date shown after the name, glued to it or not ("Jane RoeDec 18, 2025", "Jane Roe on
    // Friday December 19, 2025", "Jane Roe • 20 Dec 2025"): English month names, as in the
    // byline rows of the blog platforms that print them.
    static DATE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:\s+(?:on|at))?\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?),?\s+\d{4}\b.*$").unwrap()
    });
    // The label of the date that follows the name in the byline row, glued to the name when
    // the date itself is in an element of its own ("Jane Roe Published", "Jane Roe Last
    // Updated"): the labels `meta::date_label` knows at a line's start.
    static LABEL_TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s+(?:(?:first\s)?published|posted|(?:last\s)?updated|(?:last\s)?modified|опубликовано|обновлено|publicado|atualizado)\s*:?$").unwrap()
    });
    let mut a = fold_whitespace(a);
    if a.contains('&') && a.contains(';') {
        // Entities left escaped inside JSON-LD strings ("Maria &amp; Katerina").
        a = crate::normalize::sanitize::html_to_text(&a);
    }
    // What follows a separator is a date, a role or the site ("Jane Roe • March 12, 2025").
    let a = a.split(BYLINE_SEPARATORS).next().unwrap_or_default();
    // "ByJane Roe": the label's element and the name's joined without a space.
    let a = match a.strip_prefix("By") {
        Some(rest) if rest.starts_with(char::is_uppercase) => rest,
        _ => a,
    };
    let a = LABEL.replace(a, "");
    let a = DATE_TAIL.replace(&a, "");
    let a = ON_DATE.replace(&a, "");
    let a = LABEL_TAIL.replace(&a, "");
    // A separator or bullet the template sets between the name and what it dropped above
    // ("Jane Roe -", "Jane Roe ·", "Jane Roe ●", "Jane Roe »").
    a.trim_matches(|c: char| {
        matches!(
            c,
            ',' | '|'
                | ':'
                | '"'
                | '“'
                | '”'
                | '\''
                | '-'
                | '–'
                | '—'
                | '·'
                | '•'
                | '●'
                | '»'
                | '«'
        ) || c.is_whitespace()
    })
    .to_string()
}

/// What sets a byline's name apart from the date, role or site after it: bars and bullets.
const BYLINE_SEPARATORS: [char; 4] = ['|', '•', '∙', '⋅'];

/// Whether at least `share` of the words of `a` occur in `b` (case-insensitive).
fn shares_words(a: &str, b: &str, share: f32) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let shared = a.iter().filter(|w| b.contains(w)).count();
    !a.is_empty() && shared as f32 >= share * a.len() as f32
}

/// The share of a title's words an h1 must hold on a page of several h1s: two in five
/// (feedsmith's figure, from wcxb-dev: 9 titles right that were wrong, 1 the reverse).
const SEVERAL_H1_COVER: f32 = 0.4;

const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " · ", " • ", " :: ", " / ", " « ", " » ",
];

/// Removes a site name from a title: the known site name, else a short last segment when what
/// remains is still a headline (or matches the page's h1).
fn strip_site_name(title: &str, site: Option<&str>, meta: &Meta) -> String {
    if let Some(h1) = meta.h1.as_deref() {
        if h1.len() >= 10 && title.starts_with(h1) && title.len() > h1.len() {
            let rest = title[h1.len()..].trim_start();
            if SEPARATORS.iter().any(|s| rest.starts_with(s.trim_start())) {
                return h1.to_string();
            }
        }
        // A section name in front ("Opinion | …"), shorter than the headline: a longer
        // front is the headline and the h1 the site's name after it ("… — Yoga Studio"),
        // as it is when the h1 is the site's own name (a logo).
        let logo = site.is_some_and(|s| s.trim().eq_ignore_ascii_case(h1.trim()));
        if h1.len() >= 10 && title.ends_with(h1) && title.len() > h1.len() && !logo {
            let front = title[..title.len() - h1.len()].trim_end();
            let words = |s: &str| s.split_whitespace().count();
            if let Some(sep) = SEPARATORS.iter().find(|s| front.ends_with(s.trim_end())) {
                if words(front) <= words(h1) {
                    // A front that reads as a headline, not a name ("What is ownership? -
                    // The Example Book"): the h1 is the book's or site's name over every
                    // chapter, and the front the page's own title.
                    let lead = front[..front.len() - sep.trim_end().len()].trim_end();
                    let headline = if looks_like_name(lead) { h1 } else { lead };
                    return headline.to_string();
                }
            }
        }
    }
    match strip_known_site(title, site) {
        Some(t) => strip_name_tails(&t),
        None => strip_name_tails(title),
    }
}

/// `title` less the short names after its last separators, one by one, while what remains
/// is still a headline: forums and docs put the section before the site ("Topic / Board /
/// Example Forums", "Headline - Section - Site").
fn strip_name_tails(title: &str) -> String {
    let mut title = title;
    loop {
        let cut = SEPARATORS
            .iter()
            .filter_map(|s| title.rfind(s).map(|i| (i, s.len())))
            .max_by_key(|(i, _)| *i);
        match cut {
            Some((i, len))
                if looks_like_name(&title[i + len..])
                    && title[..i].split_whitespace().count() >= 3 =>
            {
                title = title[..i].trim();
            }
            _ => return title.to_string(),
        }
    }
}

/// A title no h1 words less its last part after a pipe ("Cloudflare CDN | Content Delivery
/// Network", "Build your first app | Get started"): a tagline, a section or the site's name,
/// never the headline's, though too long or too lower-case to read as a name. What is left
/// must be two words or more: "Brand | What the brand does" is a home page's whole title.
fn without_pipe_tail(title: &str) -> String {
    match title.rfind(" | ") {
        Some(i) if title[..i].split_whitespace().count() >= 2 => title[..i].trim().to_string(),
        _ => title.to_string(),
    }
}

/// The h1 less a few words in front of the page's own title for itself ("Thread: …",
/// "Blog: …", a date, a product line's name): a label or a kicker the template sets
/// beside the headline.
fn without_label(h1: &str, title: &str) -> String {
    let (h, t) = (h1.to_lowercase(), title.to_lowercase());
    // Byte offsets of the lower-cased forms match only when lower-casing kept lengths.
    let cut = h1.len().wrapping_sub(t.len());
    if h.len() == h1.len()
        && t.len() == title.len()
        && h.len() > t.len()
        && !t.is_empty()
        && h.ends_with(&t)
        && h1.is_char_boundary(cut)
    {
        let (front, tail) = h1.split_at(cut);
        let words = front.split_whitespace().count();
        if front.ends_with([' ', ':']) && (1..=3).contains(&words) {
            return tail.to_string();
        }
    }
    h1.to_string()
}

/// A heading's text as shown: a line break between words is a space ("News Product<br>
/// Management"), and the pilcrow of a heading's own anchor link (documentation generators
/// put one after every heading) is not part of it.
fn heading_text(node: &NodeRef) -> String {
    let mut out = String::new();
    heading_words(node, &mut out);
    // Soft hyphens only mark where a long word may break.
    let out = out.replace('\u{ad}', "");
    fold_whitespace(out.trim_end().trim_end_matches('¶'))
}

/// The text under `node` into `out`, less what is not the heading's words: a button's
/// label ("Copy item path") and a badge of class `label` before any text (a forum thread's
/// prefix, "Question", "Tips/Techniques", that its `<title>` sets apart by a separator).
fn heading_words(node: &NodeRef, out: &mut String) {
    for n in node.children_it(false) {
        if n.is_text() {
            out.push_str(&n.text());
        } else if n.has_name("br") {
            out.push(' ');
        } else if n.is_element()
            && !n.has_name("button")
            && !(out.trim().is_empty() && n.has_class("label"))
        {
            heading_words(&n, out);
        }
    }
}

/// Whether `text` is one of `host`'s names written out ("Harbour Talk" on forum.harbourtalk.org,
/// "Example.org" on forums.example.org): a logo, not a headline.
fn names_host(text: &str, host: &str) -> bool {
    let letters: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let labels: Vec<String> = host.split('.').map(str::to_lowercase).collect();
    // A label alone, or the host from a label on ("example.org"), never the top level alone.
    !letters.is_empty()
        && (host_names(host).any(|n| n == letters)
            || (0..labels.len().saturating_sub(1)).any(|i| labels[i..].concat() == letters))
}

/// Whether a share card's `title` is only the site's name (`og:site_name`, or the host's
/// name written out) on a page below the site's home: a shop's collection page or a docs
/// page whose card was left at the site's default. Its `<title>`, unless that is only the
/// name too, says what the page is; on the home page the site's name is the title.
fn names_only_site(title: &str, site: Option<&str>, base: Option<&Url>) -> bool {
    let Some(base) = base.filter(|b| !matches!(b.path(), "" | "/")) else {
        return false;
    };
    let host = base.host_str().map(|h| h.trim_start_matches("www."));
    site.is_some_and(|s| s.trim().eq_ignore_ascii_case(title.trim()))
        || host.is_some_and(|h| names_host(title, h))
}

/// `title` up to its first separator: the headline of "Headline | Section | Site".
fn headline_part(title: &str) -> &str {
    SEPARATORS
        .iter()
        .filter_map(|s| title.find(s))
        .min()
        .map_or(title, |i| &title[..i])
}

/// `title` less a last part after a separator that spells the host's name ("Game Changer |
/// Example.com", "Outdoor Gear – The Harbour Company"), however short the rest: a name the
/// host spells is the site's, never the headline's.
fn without_host_tail(title: &str, host: &str) -> String {
    let cut = SEPARATORS
        .iter()
        .filter_map(|s| title.rfind(s).map(|i| (i, s.len())))
        .max_by_key(|(i, _)| *i);
    match cut {
        Some((i, len)) if i > 0 && names_host(&title[i + len..], host) => {
            title[..i].trim().to_string()
        }
        _ => title.to_string(),
    }
}

/// What `full` holds besides `kept` (its start or its end), less the separator between.
fn leftover(full: &str, kept: &str) -> Option<String> {
    let rest = full
        .strip_prefix(kept)
        .or_else(|| full.strip_suffix(kept))?;
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || "|-–—·•:/«»".contains(c));
    (!rest.is_empty()).then(|| rest.to_string())
}

/// `title` less the site's own name (`og:site_name`) before or after a separator.
fn strip_known_site(title: &str, site: Option<&str>) -> Option<String> {
    let site = site.map(str::trim).filter(|s| !s.is_empty())?;
    SEPARATORS.iter().find_map(|sep| {
        title
            .strip_suffix(&format!("{sep}{site}"))
            .or_else(|| title.strip_prefix(&format!("{site}{sep}")))
            .map(|t| t.trim().to_string())
    })
}

/// A short run of capitalised words or a domain ("BBC News", "The Daily Example", "nj.com"),
/// as opposed to the rest of a headline ("and it's pricey").
fn looks_like_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let capital = |w: &&str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric() || !c.is_alphabetic())
    };
    !words.is_empty()
        && words.len() <= 4
        && (s.contains('.') && words.len() == 1
            || (capital(&words[0])
                && words.iter().all(|w| {
                    capital(w) || matches!(*w, "of" | "the" | "and" | "for" | "de" | "du" | "la")
                })))
}

/// The article object of a page's JSON-LD.
#[derive(Debug, Default)]
struct LdArticle {
    headline: Option<String>,
    /// The publisher's name: never the author.
    publisher: Option<String>,
    body: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    image: Option<String>,
    language: Option<String>,
    url: Option<String>,
}

impl LdArticle {
    fn from_scripts(scripts: &[String]) -> LdArticle {
        let mut objects = Vec::new();
        for s in scripts {
            // Raw control characters inside strings are common and make strict JSON fail.
            let cleaned: String = s
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if let Ok(v) = serde_json::from_str::<Value>(cleaned.trim()) {
                flatten(v, &mut objects);
            }
        }
        let is_article = |o: &Value| {
            types(o).any(|t| t.ends_with("Article") || t.ends_with("Posting") || t == "Report")
        };
        // The page object (`WebPage`, `ItemPage`, …): many site builders date the page there
        // and leave the article object undated.
        let page = objects
            .iter()
            .find(|o| types(o).any(|t| t.ends_with("Page")));
        let Some(obj) = objects
            .iter()
            .find(|o| is_article(o))
            .or_else(|| objects.iter().find(|o| o.get("articleBody").is_some()))
            .or(page)
        else {
            return LdArticle::default();
        };
        let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        // What a page object is about (a `QAPage`'s question, a forum page's first post)
        // carries the author and date the page object itself leaves out.
        let main = [obj, page.unwrap_or(obj)]
            .into_iter()
            .filter_map(|o| match o.get("mainEntity")? {
                Value::Array(a) => a.first(),
                v => Some(v),
            })
            .find(|v| v.is_object());
        let on_page = |k: &str| {
            s(k).or_else(|| page?.get(k).and_then(Value::as_str).map(str::to_string))
                .or_else(|| main?.get(k).and_then(Value::as_str).map(str::to_string))
        };
        let mut authors = names(obj.get("author"));
        if authors.is_empty() {
            authors = names(main.and_then(|m| m.get("author")));
        }
        LdArticle {
            headline: s("headline").or_else(|| s("name")),
            publisher: names(obj.get("publisher")).into_iter().next(),
            body: s("articleBody").filter(|b| !b.trim().is_empty()),
            authors,
            published: on_page("datePublished").or_else(|| on_page("dateCreated")),
            modified: on_page("dateModified"),
            image: first_url(obj.get("image")),
            language: s("inLanguage"),
            url: s("url").or_else(|| first_url(obj.get("mainEntityOfPage"))),
        }
    }
}

fn types(o: &Value) -> impl Iterator<Item = &str> {
    let t = o.get("@type");
    let one = t.and_then(Value::as_str);
    let many = t.and_then(Value::as_array).into_iter().flatten();
    one.into_iter().chain(many.filter_map(Value::as_str))
}

fn flatten(v: Value, out: &mut Vec<Value>) {
    match v {
        Value::Array(a) => a.into_iter().for_each(|v| flatten(v, out)),
        Value::Object(mut o) => {
            if let Some(g) = o.remove("@graph") {
                flatten(g, out);
            }
            out.push(Value::Object(o));
        }
        _ => {}
    }
}

fn names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .map(|n| vec![n.to_string()])
            .unwrap_or_default(),
        Some(Value::Array(a)) => a.iter().flat_map(|v| names(Some(v))).collect(),
        _ => Vec::new(),
    }
}

fn first_url(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o
            .get("url")
            .or_else(|| o.get("@id"))
            .and_then(Value::as_str)
            .map(str::to_string),
        Value::Array(a) => a.iter().find_map(|v| first_url(Some(v))),
        _ => None,
    }
}

/// What a page shows its reader around the headline, for pages whose markup does not say it:
/// the short lines after the `<h1>` (a byline row, "Published on July 18, 2025", a `<time>`),
/// then the few before it (a date or byline above the headline).
#[derive(Debug, Default, PartialEq)]
pub struct Shown {
    /// A date labelled as the publication date, or a bare one.
    pub published: Option<DateTime<FixedOffset>>,
    /// A date labelled "Updated" / "Last modified".
    pub updated: Option<DateTime<FixedOffset>>,
    /// A byline ("By Jane Roe", "Written by" over a name, a name in an author element).
    pub authors: Vec<String>,
    /// Where `published` and `authors` were read.
    pub published_from: Option<Origin>,
    pub authors_from: Option<Origin>,
}

/// Text blocks read after the headline and before it. A date or name further away belongs
/// to something else (a related story, a comment); feedsmith's own figures.
const SHOWN_AFTER: usize = 25;
const SHOWN_BEFORE: usize = 12;

/// The blocks after the headline at node `h` and those before it (nearest first), as far as
/// a byline or date line is looked for.
fn around_headline(page: &Page, h: usize) -> (Vec<Block>, Vec<Block>) {
    let after = blocks(
        page,
        page.nodes[h].end..page.nodes.len(),
        SHOWN_AFTER,
        false,
    );
    (after, blocks(page, 1..h, SHOWN_BEFORE, true))
}

/// What the page shows near its headline (the `<h1>` that is the title, else a lower heading
/// that is, else the first `<h1>`, else the block whose text is the title); without any, only
/// author elements anywhere, and those only when `author_box_too`.
pub fn shown(page: &Page, title: Option<&str>, ctx: &Context, author_box_too: bool) -> Shown {
    let mut shown = Shown::default();
    if let Some(h) = headline(page, title) {
        let (after, before) = around_headline(page, h);
        read_blocks(&after, &mut shown, ctx);
        read_blocks(&before, &mut shown, ctx);
    }
    if shown.authors.is_empty() && author_box_too {
        // An author box anywhere (often after the article): an element named for the author,
        // never a comment's.
        shown.authors = author_box(page).unwrap_or_default();
        shown.authors_from = (!shown.authors.is_empty()).then_some(Origin::AuthorBox);
    }
    shown
}

/// The names in the first small block named for the author anywhere on the page; only such
/// blocks are read, so a page without one costs a scan and no copies.
fn author_box(page: &Page) -> Option<Vec<String>> {
    let n = page.nodes.len();
    let mut from = 1;
    for _ in 0..20 {
        let i = (from..n).find(|&i| {
            let node = &page.nodes[i];
            node.tag == Tag::Text
                && !node.text.trim().is_empty()
                && author_element(page, node.parent)
        })?;
        let block = page.nodes[i].block;
        // A block of a few nodes (a name, a "By" and a link); a big one is a container.
        if block != 0 && page.nodes[block].end - block <= 12 {
            if let Some(names) = name_of(&page.text_of(block)) {
                return Some(names);
            }
        }
        from = if block == 0 {
            i + 1
        } else {
            page.nodes[block].end.max(i + 1)
        };
    }
    None
}

fn headline(page: &Page, title: Option<&str>) -> Option<usize> {
    let is_title = |i: usize| title.is_some_and(|t| page.text_of(i).eq_ignore_ascii_case(t));
    let heading = |i: &usize| matches!(page.nodes[*i].tag, Tag::H1 | Tag::Heading(_));
    let h1s = || (1..page.nodes.len()).filter(|&i| page.nodes[i].tag == Tag::H1);
    h1s()
        .find(|&i| is_title(i))
        .or_else(|| (1..page.nodes.len()).filter(heading).find(|&i| is_title(i)))
        .or_else(|| h1s().next())
        // No h1 at all (site builders style a paragraph as the headline): the block whose
        // text is the title.
        .or_else(|| {
            let title = title?;
            (1..page.nodes.len())
                .find(|&i| {
                    let node = &page.nodes[i];
                    node.tag == Tag::Text
                        && node.text.len() >= title.len()
                        && fold_whitespace(&node.text).eq_ignore_ascii_case(title)
                })
                .map(|i| page.nodes[i].block)
                .filter(|&b| b != 0)
        })
}

fn read_blocks(blocks: &[Block], shown: &mut Shown, ctx: &Context) {
    let mut label = false;
    for block in blocks {
        match block {
            Block::Long => {}
            Block::Time(value) => {
                if shown.published.is_none() {
                    shown.published = crate::dates::parse(value, ctx.timezone);
                    shown.published_from = shown.published.map(|_| Origin::Time);
                }
            }
            Block::Text { text, author } => {
                let lower = text.trim_end_matches(':').trim().to_lowercase();
                if lexicon::BYLINE_LABELS.contains(&lower.as_str()) {
                    label = true;
                    continue;
                }
                // "By Jane Roe March 4, 2025": a byline row's name before its date.
                let by = lower.starts_with("by ");
                if shown.authors.is_empty() && (label || *author || by) {
                    if let Some(names) = name_of(text) {
                        shown.authors = names;
                        shown.authors_from = Some(Origin::Byline);
                    }
                }
                match shown_line(text, ctx) {
                    Some(Found::Published(d) | Found::Date(d)) if shown.published.is_none() => {
                        shown.published = Some(d);
                        shown.published_from = Some(Origin::DateLine);
                    }
                    Some(Found::Updated(d)) if shown.updated.is_none() => shown.updated = Some(d),
                    Some(Found::Authors(names)) if shown.authors.is_empty() => {
                        shown.authors = names;
                        shown.authors_from = Some(Origin::Byline);
                    }
                    _ => {}
                }
            }
        }
        label = false;
        if shown.published.is_some() && !shown.authors.is_empty() {
            break;
        }
    }
}

/// A short block of text, or the `datetime` of a `<time>` element.
enum Block {
    /// `author`: the text sits in an element named for the author (not a comment's).
    Text {
        text: String,
        author: bool,
    },
    Time(String),
    Long,
}

/// Whether the element at `i` or one of its two nearest ancestors is named for the author
/// ("author-name", "post-author", "byline__author") and none for a comment.
fn author_element(page: &Page, mut i: usize) -> bool {
    let mut named = false;
    for _ in 0..3 {
        let class = &page.nodes[i].class_id;
        if class.contains("comment") || class.contains("reply") {
            return false;
        }
        named |= class.contains("author") && !class.contains("authority");
        if i == 0 {
            break;
        }
        i = page.nodes[i].parent;
    }
    named
}

/// Up to `limit` text blocks of the nodes in `range` (the text nodes sharing a nearest block
/// joined), nearest to the headline first: forwards, or backwards when `reverse`.
fn blocks(page: &Page, range: std::ops::Range<usize>, limit: usize, reverse: bool) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    // (block, text, author element)
    let mut current: Option<(usize, String, bool)> = None;
    let flush = |current: &mut Option<(usize, String, bool)>, out: &mut Vec<Block>| {
        if let Some((_, text, author)) = current.take() {
            let text = fold_whitespace(&text);
            if text.chars().count() > 120 {
                // Prose: counted towards the window, read for nothing.
                out.push(Block::Long);
            } else if !text.is_empty() {
                out.push(Block::Text { text, author });
            }
        }
    };
    let ids: Box<dyn Iterator<Item = usize>> = if reverse {
        Box::new(range.rev())
    } else {
        Box::new(range)
    };
    for i in ids {
        if out.len() >= limit {
            break;
        }
        let node = &page.nodes[i];
        match node.tag {
            Tag::Inline("time") => {
                if let Some((_, v)) = node.attrs.iter().find(|(k, _)| *k == "datetime") {
                    flush(&mut current, &mut out);
                    out.push(Block::Time(v.clone()));
                }
            }
            // White space between two elements of one block ("<span>May 2, 2025</span>
            // <span>by Ana</span>") keeps their words apart.
            Tag::Text if node.text.trim().is_empty() => {
                if let Some((block, text, _)) = &mut current {
                    if *block == node.block {
                        if reverse {
                            text.insert(0, ' ');
                        } else {
                            text.push(' ');
                        }
                    }
                }
            }
            Tag::Text => match &mut current {
                Some((block, text, author)) if *block == node.block => {
                    if reverse {
                        if glued(&node.text, text) {
                            text.insert(0, ' ');
                        }
                        text.insert_str(0, &node.text);
                    } else {
                        if glued(text, &node.text) {
                            text.push(' ');
                        }
                        text.push_str(&node.text);
                    }
                    *author |= author_element(page, node.parent);
                }
                _ => {
                    flush(&mut current, &mut out);
                    current = Some((
                        node.block,
                        node.text.clone(),
                        author_element(page, node.parent),
                    ));
                }
            },
            _ => {}
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Whether two texts of one block would run two words together ("Jane Roe" + "July 3, 2025",
/// "By" + "Jane Roe": a byline's parts in elements of their own), where a browser's layout
/// shows them apart. A lower-case start continues the word ("<b>W</b>ord").
fn glued(before: &str, after: &str) -> bool {
    before.ends_with(char::is_alphanumeric)
        && after.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

/// The names a short block holds when it is nothing but names: one to five capitalised
/// words each, no digits, no sentence.
fn name_of(text: &str) -> Option<Vec<String>> {
    let text = clean_author(text);
    let names: Vec<String> = text
        .split([',', '&', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let name = |s: &String| {
        let words: Vec<&str> = s.split_whitespace().collect();
        (1..=5).contains(&words.len())
            && s.chars().count() <= 60
            && s.chars().any(char::is_alphabetic)
            && !is_role(s)
            && !s
                .chars()
                .any(|c| c.is_ascii_digit() || matches!(c, '@' | '?' | '!' | '/'))
            && words.iter().all(|w| {
                w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                    || matches!(
                        *w,
                        "van" | "von" | "der" | "de" | "da" | "di" | "la" | "le" | "del"
                    )
            })
    };
    (!names.is_empty() && names.iter().all(name)).then_some(names)
}

/// What a short block states: the whole line ("Published on July 18, 2025", "Dec 17, 2025",
/// "By Jane Roe"), else the date in one part of a byline row ("By Jane Roe - Mar 27, 2024").
fn shown_line(text: &str, ctx: &Context) -> Option<Found> {
    if member_date(text) {
        return None;
    }
    let is_date = |f: &Found| !matches!(f, Found::Authors(_));
    let whole = harvest(text, ctx);
    if whole.as_ref().is_some_and(is_date) {
        return whole;
    }
    text.split(['|', '•', '·', '—', '–'])
        .flat_map(|p| p.split(" - "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .find_map(|p| harvest(p, ctx).filter(is_date))
        .or(whole)
}

/// Whether a line dates a forum member's profile ("Joined: Mon Jul 24, 2017"), not the page.
fn member_date(text: &str) -> bool {
    let lower = text.trim_start().to_lowercase();
    lexicon::MEMBER_DATE_LABELS.iter().any(|label| {
        lower
            .strip_prefix(label)
            .is_some_and(|rest| rest.starts_with([':', ' ']))
    })
}

/// The date in a URL's path ("/2025/12/19/slug", "/blog/2025-12-17-slug"), which permalinks
/// of most blog engines carry.
pub fn url_date(url: &Url) -> Option<DateTime<FixedOffset>> {
    static PATH_DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
            .unwrap()
    });
    let c = PATH_DATE.captures(url.path())?;
    let day = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    Some(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?)
            .fixed_offset(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RawBody;
    use crate::normalize::{normalize_noted, testing};

    const PROSE: &str = "<p>The harbour board approved the new fee schedule on Tuesday after a long debate about the cost of dredging the channel and the state of the old quay.</p><p>Members who opposed the plan said the increase would fall hardest on the small fishing boats, while supporters pointed to the repairs the quay needs.</p>";

    /// The article a page makes, with where its metadata came from.
    fn read(head: &str, body: &str) -> (crate::model::Article, Provenance) {
        let html = format!(
            "<html><head>{head}</head><body><article>{body}{PROSE}</article></body></html>"
        );
        let raw = testing::raw(
            RawBody::Html(html),
            Url::parse("https://news.example.org/harbour").ok(),
        );
        let rules = crate::normalize::chrome::Rules::default();
        let learned = crate::normalize::learn::Learned::default();
        let ctx = Context::new(testing::now(), &rules, &learned);
        let (a, notes) = normalize_noted(&raw, &ctx).unwrap();
        (a, notes.provenance)
    }

    #[test]
    fn bylines_lose_glued_labels_dates_and_what_follows_a_separator() {
        assert_eq!(clean_author("ByReyna Doe"), "Reyna Doe");
        assert_eq!(clean_author("Bylines Team"), "Bylines Team");
        assert_eq!(clean_author("Ada RoeDec 18, 2025"), "Ada Roe");
        assert_eq!(
            clean_author("Ada Roe on Friday December 19, 2025 @08:00PM"),
            "Ada Roe"
        );
        assert_eq!(clean_author("Ada Roe • 20 Dec 2025"), "Ada Roe");
        assert_eq!(clean_author("Ada Roe | More about Ada Roe"), "Ada Roe");
        assert_eq!(clean_author("Ada Roe ⋅ Review Editor"), "Ada Roe");
        for trailing in ["Ada Roe -", "Ada Roe ·", "Ada Roe ●", "Ada Roe »"] {
            assert_eq!(clean_author(trailing), "Ada Roe");
        }
        assert_eq!(clean_author("Ada Roe-Lima"), "Ada Roe-Lima");
        assert_eq!(clean_author("Ada (Lima) Roe Published"), "Ada (Lima) Roe");
        assert_eq!(clean_author("Ada Roe Last Updated:"), "Ada Roe");
        assert_eq!(clean_author("Ada Updated"), "Ada");
        // Only as the last word, after a name.
        assert_eq!(clean_author("Posted Ada Roe"), "Posted Ada Roe");
        assert_eq!(byline_names("Updated | Ada Roe"), ["Ada Roe"]);
        assert!(byline_names("Ada Roe is an editor at the paper and writes on food").is_empty());
        assert!(name_of("•").is_none());
        assert!(name_of("Topic Author").is_none());
    }

    #[test]
    fn the_sites_name_is_never_the_author_nor_kept_after_one() {
        let brands = Brands {
            names: vec!["the harbour gazette".into()],
            hosts: host_names("news.clevelandharbour.co.uk").collect(),
        };
        assert_eq!(brands.hosts, ["news", "clevelandharbour"]);
        let people = |names: &[&str]| {
            let list: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            super::people(&list, &brands)
        };
        assert_eq!(people(&["Ana Lima, The Harbour Gazette"]), ["Ana Lima"]);
        assert!(people(&["Cleveland Harbour"]).is_empty());
        assert!(people(&["Writer"]).is_empty());
        // A host's name is not cut from a name: a personal site is named for its author.
        let own = Brands {
            names: Vec::new(),
            hosts: host_names("www.lima.example").collect(),
        };
        assert_eq!(super::people(&["Ana Lima".to_string()], &own), ["Ana Lima"]);
    }

    #[test]
    fn words_of_a_block_in_elements_of_their_own_stay_apart() {
        assert!(glued("Ana Lima", "July 3, 2025"));
        assert!(glued("By", "Ana Lima"));
        assert!(!glued("W", "ord"));
        assert!(!glued("Ana Lima ", "July"));
    }

    #[test]
    fn each_field_says_where_it_was_found() {
        let (a, p) = read(
            r#"<meta property="og:title" content="Fees approved | Gazette"><meta name="author" content="Ana Lima"><meta property="article:published_time" content="2025-03-04T17:53:00-07:00">"#,
            "<h1>Fees approved</h1>",
        );
        assert_eq!(a.authors, ["Ana Lima"]);
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2025-03-04T17:53:00-07:00"
        );
        assert_eq!(p.title, Some(Origin::H1));
        assert_eq!(p.authors, Some(Origin::Meta("author")));
        assert_eq!(p.published, Some(Origin::Meta("article:published_time")));
        // No h1: the share card's title, less the site's name.
        let (a, p) = read(
            r#"<meta property="og:site_name" content="Gazette"><meta property="og:title" content="Fees approved | Gazette">"#,
            "",
        );
        assert_eq!(a.title, "Fees approved");
        assert_eq!(p.title, Some(Origin::Meta("og:title")));
        assert_eq!((p.authors, p.published), (None, None));
    }

    #[test]
    fn a_link_to_the_authors_archive_names_the_author_when_nothing_else_does() {
        let body = r#"<h1>Glue for oak</h1><p class="meta"><a href="/blog/author/jane-roe/">Jane Roe</a></p>"#;
        let (a, p) = read("", body);
        assert_eq!(a.authors, ["Jane Roe"]);
        assert_eq!(p.authors, Some(Origin::AuthorLink));
        // A button to the archive is no name.
        let (a, _) = read(
            "",
            r#"<h1>Glue for oak</h1><p><a href="https://news.example.org/authors/jane-roe">View all posts</a></p>"#,
        );
        assert!(a.authors.is_empty(), "{:?}", a.authors);
        // A name in the markup comes first.
        let (a, p) = read(r#"<meta name="author" content="Ada Lima">"#, body);
        assert_eq!(a.authors, ["Ada Lima"]);
        assert_eq!(p.authors, Some(Origin::Meta("author")));
    }

    #[test]
    fn a_forums_first_username_link_is_the_author_when_nothing_else_names_one() {
        let post = |class: &str, id: u32, name: &str| {
            format!(
                r#"<div class="postbody"><p class="postprofile"><a class="{class}" href="./memberlist.php?mode=viewprofile&amp;u={id}">{name}</a> » Tue Jan 02, 2024</p><p>Which glue holds best on white oak for an outdoor bench, and why?</p></div>"#
            )
        };
        let posts = format!(
            "<h1>Glue for oak</h1>{}{}",
            post("username", 7, "oak_fan"),
            post("username-coloured", 9, "glue_guru")
        );
        let (a, p) = read("", &posts);
        assert_eq!(a.authors, ["oak_fan"]);
        assert_eq!(p.authors, Some(Origin::Username));
        let (a, p) = read(r#"<meta name="author" content="Jane Roe">"#, &posts);
        assert_eq!(a.authors, ["Jane Roe"]);
        assert_eq!(p.authors, Some(Origin::Meta("author")));
    }

    #[test]
    fn author_archives_are_an_author_segment_and_a_name() {
        assert!(author_archive("/author/jane-roe/"));
        assert!(author_archive(
            "https://news.example.org/blog/authors/jane-roe?ref=byline"
        ));
        assert!(!author_archive("/author/"));
        assert!(!author_archive("/blog/authors"));
        assert!(!author_archive("https://author.example.org/jane"));
        assert!(!author_archive("/blog/authoring-tools/jane"));
        assert!(archive_label("View all posts by Jane Roe →"));
        assert!(archive_label("Jane RoeAuthor Posts"));
        assert!(!archive_label("Jane Roe"));
    }

    #[test]
    fn a_crawler_view_in_a_noscript_names_the_author_the_page_does_not() {
        let crawler = r#"<noscript><div itemscope itemtype="http://schema.org/DiscussionForumPosting"><div class="crawler-post"><span class="creator" itemprop="author" itemscope itemtype="http://schema.org/Person"><a itemprop="url" href="/u/oak_fan"><span itemprop="name">oak_fan</span></a></span><div itemprop="text"><p>Which glue holds best on white oak for an outdoor bench?</p></div></div></div></noscript>"#;
        let (a, p) = read("", crawler);
        assert_eq!(a.authors, ["oak_fan"]);
        assert_eq!(p.authors, Some(Origin::Itemprop));
        // The page's own author comes first.
        let (a, p) = read(r#"<meta name="author" content="Jane Roe">"#, crawler);
        assert_eq!(a.authors, ["Jane Roe"]);
        assert_eq!(p.authors, Some(Origin::Meta("author")));
    }

    #[test]
    fn a_microdata_person_and_a_pages_main_entity_name_the_author() {
        let (a, p) = read(
            "",
            r#"<h1>Which anchor?</h1><div itemprop="author" itemscope><span>S</span><span itemprop="name">saltyjo</span><span>3 gold badges</span></div>"#,
        );
        assert_eq!(a.authors, ["saltyjo"]);
        assert_eq!(p.authors, Some(Origin::Itemprop));
        let ld = r#"<script type="application/ld+json">{"@type":"QAPage","mainEntity":{"@type":"Question","author":{"@type":"Person","name":"saltyjo"},"datePublished":"2023-06-09T22:10:00-04:00"}}</script>"#;
        let (a, p) = read(ld, "<h1>Which anchor?</h1>");
        assert_eq!(a.authors, ["saltyjo"]);
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2023-06-09T22:10:00-04:00"
        );
        assert_eq!(
            (p.authors, p.published),
            (Some(Origin::JsonLd), Some(Origin::JsonLd))
        );
    }

    #[test]
    fn words_of_elements_apart_in_the_markup_stay_apart() {
        // "2025" and "by" in two spans with white space between: "2025 by", not "2025by".
        let (a, p) = read(
            "",
            "<div><span>Published March 4, 2025</span> <span>by Ana Lima</span></div><h1>Fees approved</h1>",
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-04");
        assert_eq!(p.published, Some(Origin::DateLine));
    }

    const LD_DATED: &str = r#"<script type="application/ld+json">{"@type":"Article","datePublished":"2025-03-05T02:10:00+00:00"}</script>"#;

    #[test]
    fn a_date_line_by_the_headline_beats_a_markup_date_of_another_day() {
        let (a, p) = read(LD_DATED, "<h1>Fees approved</h1><p>March 4, 2025</p>");
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-04");
        assert_eq!(p.published, Some(Origin::DateLine));
        // A `<time>` by the headline too.
        let (a, p) = read(
            LD_DATED,
            r#"<h1>Fees approved</h1><p><time datetime="2025-03-04">Tuesday</time></p>"#,
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-04");
        assert_eq!(p.published, Some(Origin::Time));
        // The same day: the markup's time of day stays.
        let (a, p) = read(LD_DATED, "<h1>Fees approved</h1><p>March 5, 2025</p>");
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2025-03-05T02:10:00+00:00"
        );
        assert_eq!(p.published, Some(Origin::JsonLd));
        // A date the feed would not believe (a book's year) leaves the markup's.
        let (a, _) = read(LD_DATED, "<h1>Fees approved</h1><p>March 4, 1792</p>");
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-05");
    }

    #[test]
    fn an_updated_line_by_the_headline_beats_a_markup_date_only_when_shown_alone() {
        let updated = "<h1>Fees approved</h1><p>Updated March 9, 2025</p>";
        let (a, p) = read(LD_DATED, updated);
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-09");
        assert_eq!(p.published, Some(Origin::DateLine));
        // The page also shows the markup's day by the headline: that one is the publication.
        let (a, p) = read(
            LD_DATED,
            "<h1>Fees approved</h1><p>Updated March 9, 2025</p><p>Ana Lima</p><p>March 5, 2025</p>",
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-05");
        assert_eq!(p.published, Some(Origin::JsonLd));
        // A thread's latest activity first, its first post's day below: the markup's day.
        let (a, p) = read(
            LD_DATED,
            r#"<h1>Fees approved</h1><p>Last reply <time datetime="2025-03-09T10:00:00Z">2 days ago</time></p><p>Ana Lima</p><p>Mar 5, 2025 9:14 AM</p>"#,
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-05");
        assert_eq!(p.published, Some(Origin::JsonLd));
    }

    #[test]
    fn the_permalinks_date_settles_a_shown_date_against_the_markups() {
        let page = |path: &str, head: &str, body: &str| {
            let html = format!(
                "<html><head>{head}</head><body><article><h1>Fees approved</h1>{body}{PROSE}</article></body></html>"
            );
            let url = Url::parse(&format!("https://news.example.org{path}")).ok();
            let raw = testing::raw(RawBody::Html(html), url);
            let rules = crate::normalize::chrome::Rules::default();
            let learned = crate::normalize::learn::Learned::default();
            let ctx = Context::new(testing::now(), &rules, &learned);
            let a = normalize_noted(&raw, &ctx).unwrap().0;
            a.published.unwrap().date_naive().to_string()
        };
        let og = r#"<meta property="article:published_time" content="2025-03-05T02:10:00+00:00">"#;
        // Open Graph's instant in UTC is the next day; the permalink has the day shown.
        let shown = "<p>Posted on March 4, 2025</p>";
        assert_eq!(page("/2025/03/04/fees/", og, shown), "2025-03-04");
        assert_eq!(page("/fees/", og, shown), "2025-03-05");
        // The permalink has the markup's day: a later "Updated" line does not overrule it.
        let updated = "<p>Updated March 9, 2025</p>";
        assert_eq!(page("/2025/03/05/fees/", LD_DATED, updated), "2025-03-05");
        assert_eq!(page("/fees/", LD_DATED, updated), "2025-03-09");
    }

    #[test]
    fn a_forum_members_join_date_is_not_the_pages() {
        let (a, p) = read(
            "",
            r#"<h1>Which saw?</h1><div><p>Ana Lima</p><p>Joined: Mon Jul 24, 2017 9:28 am</p><p>Posts: 12</p></div><p><time datetime="2024-02-24T12:41:00Z">Sat Feb 24, 2024 12:41 pm</time></p>"#,
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2024-02-24");
        assert_eq!(p.published, Some(Origin::Time));
        assert!(member_date("Registered: 2016-07-02"));
        assert!(member_date("Member since 2019"));
        assert!(!member_date("Registration closes May 2, 2025"));
    }

    #[test]
    fn a_markup_date_open_graph_states_too_stays_against_a_date_shown() {
        let og = r#"<meta property="article:published_time" content="2025-03-05T09:00:00+00:00">"#;
        for shown in [
            "<p>March 4, 2025</p>",
            "<p>Updated March 9, 2025</p>",
            r#"<p><time datetime="2025-03-09">March 9</time></p>"#,
        ] {
            let (a, _) = read(
                &format!("{LD_DATED}{og}"),
                &format!("<h1>Fees approved</h1>{shown}"),
            );
            assert_eq!(
                a.published.unwrap().date_naive().to_string(),
                "2025-03-05",
                "{shown}"
            );
        }
        // Open Graph on another day vouches for nothing.
        let og = og.replace("03-05", "03-07");
        let (a, _) = read(
            &format!("{LD_DATED}{og}"),
            "<h1>Fees approved</h1><p>March 4, 2025</p>",
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-04");
    }

    #[test]
    fn without_an_h1_the_block_holding_the_title_is_the_headline() {
        let (a, p) = read(
            r#"<meta property="og:title" content="Fees approved">"#,
            "<div><p>Fees approved</p></div><div><p>Ana Lima</p><p>March 4, 2025</p></div>",
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-04");
        assert_eq!(p.published, Some(Origin::DateLine));
    }

    #[test]
    fn the_headline_loses_the_sites_name_and_a_tagline_after_a_separator() {
        let site = r#"<meta property="og:site_name" content="Gazette">"#;
        let (a, p) = read(
            site,
            "<h1>Harbour fees approved by the board | Gazette</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        assert_eq!(p.title, Some(Origin::H1));
        let (a, _) = read(
            "",
            "<h1>Harbour fees approved by the board - Full Report</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        // A dash inside the headline is not a separator before a name.
        let (a, _) = read("", "<h1>Harbour fees approved - and the quay is next</h1>");
        assert_eq!(a.title, "Harbour fees approved - and the quay is next");
    }

    #[test]
    fn a_logo_h1_with_the_sites_name_is_never_the_title() {
        let (a, p) = read(
            r#"<meta property="og:site_name" content="Harbour Gazette"><meta property="og:title" content="Board approves the harbour fees">"#,
            "<h1>Harbour Gazette</h1><h1>Harbour fees approved by the board</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        assert_eq!(p.title, Some(Origin::H1));
    }

    #[test]
    fn the_first_microdata_date_of_creation_dates_the_page_not_its_answers() {
        let (a, p) = read(
            "",
            r#"<h1>Which anchor?</h1><div>Asked <time itemprop="dateCreated" datetime="2019-05-02 10:00:00Z">6 years ago</time></div><div><span itemprop="datePublished" content="2021-01-09T08:00:00Z"></span>An answer</div>"#,
        );
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2019-05-02");
        assert_eq!(p.published, Some(Origin::Itemprop));
    }

    #[test]
    fn a_labelled_date_line_far_from_the_headline_dates_an_undated_page() {
        // Thirty paragraphs of prose between the headline and the sidebar's date.
        let prose = "<p>The harbour board met again to weigh the dredging contract, the quay repairs and the fee schedule, and heard from the fishing crews once more.</p>".repeat(30);
        let page = |tail: &str| read("", &format!("<h1>Fees approved</h1>{prose}{tail}"));
        // A label in an element of its own over the date.
        let (a, p) = page("<div><h4>Published</h4><div>July 8, 2025</div></div>");
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-07-08");
        assert_eq!(p.published, Some(Origin::PageLine));
        let (a, p) = page("<p>Posted on April 13, 2023</p>");
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2023-04-13");
        assert_eq!(p.published, Some(Origin::PageLine));
        // "Last updated" only when nothing says when it was published.
        let (a, p) = page("<p>Last updated: November 13, 2025</p>");
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-11-13");
        assert_eq!(p.published, Some(Origin::Updated));
        // A bare date that far away is a teaser's.
        let (a, p) = page("<p>July 8, 2025</p>");
        assert_eq!((a.published, p.published), (None, None));
    }

    #[test]
    fn a_byline_row_by_the_headline_gives_name_and_date() {
        let (a, p) = read(
            "",
            "<h1>Fees approved</h1><div><span>By</span><span>Ana Lima</span><span>March 4, 2025</span></div>",
        );
        assert_eq!(a.authors, ["Ana Lima"]);
        assert_eq!(a.published.unwrap().date_naive().to_string(), "2025-03-04");
        assert_eq!(
            (p.authors, p.published),
            (Some(Origin::Byline), Some(Origin::DateLine))
        );
    }

    #[test]
    fn a_line_break_in_a_heading_is_a_space_and_its_anchor_pilcrow_is_not_text() {
        let (a, p) = read(
            "",
            r##"<h1>Harbour fees<br>approved by the board<a class="headerlink" href="#fees">¶</a></h1>"##,
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        assert_eq!(p.title, Some(Origin::H1));
    }

    #[test]
    fn without_a_share_card_the_title_tag_outranks_a_logo_h1() {
        // The h1 spells the host's name; the forum's title carries board and site after
        // the topic.
        let (a, p) = read(
            "<title>Harbour fees approved by the board / Port Talk / Example Forums</title>",
            "<h1>Example</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        assert_eq!(p.title, Some(Origin::TitleTag));
        // A short name as the only h1 (a blog's name) gives way too.
        let (a, _) = read(
            "<title>Harbour fees approved by the board</title>",
            "<h1>Quay Watch</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        // A headline h1 that shares nothing with a title of the site's own name and
        // tagline stays the title.
        let (a, p) = read(
            "<title>Quay Watch - the voice of the harbour</title>",
            "<h1>Board approves new fees for small boats</h1>",
        );
        assert_eq!(a.title, "Board approves new fees for small boats");
        assert_eq!(p.title, Some(Origin::H1));
    }

    #[test]
    fn an_h1_after_a_longer_headline_is_the_sites_name_not_the_title() {
        let (a, _) = read(
            r#"<meta property="og:title" content="Reviews of our harbour tours and boat trips — Quay Watch Tours">"#,
            "<h1>Quay Watch Tours</h1>",
        );
        assert_eq!(a.title, "Reviews of our harbour tours and boat trips");
        // A section name in front, shorter than the h1, still goes.
        let (a, _) = read(
            r#"<meta property="og:title" content="Opinion | Harbour fees approved by the board">"#,
            "<h1>Harbour fees approved by the board</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
    }

    #[test]
    fn a_label_or_kicker_before_the_title_in_the_h1_goes() {
        let (a, p) = read(
            r#"<meta property="og:title" content="Harbour fees approved by the board">"#,
            "<h1>Thread: Harbour fees approved by the board</h1>",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        assert_eq!(p.title, Some(Origin::H1));
        assert_eq!(
            without_label("Dec 18 2025 Fees approved", "Fees approved"),
            "Fees approved"
        );
        // More than a few words in front are the headline's own.
        assert_eq!(
            without_label("Why the harbour board says fees approved", "fees approved"),
            "Why the harbour board says fees approved"
        );
        // Not a word boundary: not a label.
        assert_eq!(
            without_label("Prefees approved", "fees approved"),
            "Prefees approved"
        );
    }

    #[test]
    fn on_a_page_of_several_h1s_a_heading_must_hold_enough_of_the_title() {
        // Menu headings share all their one or two words with the title, and hold little
        // of it.
        let (a, p) = read(
            r#"<meta property="og:title" content="Planning a harbour wedding: the full checklist">"#,
            "<h1>Venues</h1><h1>Planning</h1><h1>Checklist</h1>",
        );
        assert_eq!(a.title, "Planning a harbour wedding: the full checklist");
        assert_eq!(p.title, Some(Origin::Meta("og:title")));
        // The title's part before a separator is enough: a reference page's first heading.
        let (a, p) = read(
            r#"<meta property="og:title" content="Charges | Quay Payments API Reference">"#,
            "<h1>Charges</h1><h1>The charge object</h1>",
        );
        assert_eq!(a.title, "Charges");
        assert_eq!(p.title, Some(Origin::H1));
        // With one h1, a short heading still names the page.
        let (a, _) = read(
            r#"<meta property="og:title" content="Planning a harbour wedding: the full checklist">"#,
            "<h1>Wedding planning</h1>",
        );
        assert_eq!(a.title, "Wedding planning");
    }

    #[test]
    fn an_h1_repeating_the_json_ld_headline_or_the_title_tag_beats_a_reworded_share_card() {
        let (a, p) = read(
            r#"<meta property="og:title" content="What small craft will pay from spring">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"Board approves new fee schedule"}</script>"#,
            "<h1>Board approves new fee schedule</h1>",
        );
        assert_eq!(a.title, "Board approves new fee schedule");
        assert_eq!(p.title, Some(Origin::H1));
        let (a, _) = read(
            r#"<meta property="og:title" content="Buying a dinghy? These are the ones to get">
            <title>Best harbour boats 2026 | Quay Watch</title>"#,
            "<h1>Best harbour boats 2026</h1>",
        );
        assert_eq!(a.title, "Best harbour boats 2026");
        // An h1 that only shares a word or two with them is not enough.
        let (a, _) = read(
            r#"<meta property="og:title" content="What small craft will pay from spring">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"Board approves new fee schedule"}</script>"#,
            "<h1>New rules at the quay</h1>",
        );
        assert_eq!(a.title, "What small craft will pay from spring");
    }

    #[test]
    fn a_last_part_spelling_the_host_goes_however_short_the_rest() {
        assert_eq!(
            without_host_tail("Game changer | Harbourtalk.com", "harbourtalk.com"),
            "Game changer"
        );
        assert_eq!(
            without_host_tail(
                "Outdoor Gear – The Harbour Company",
                "theharbourcompany.com"
            ),
            "Outdoor Gear"
        );
        assert_eq!(
            without_host_tail("Fees | Port News", "news.example.org"),
            "Fees | Port News"
        );
        assert_eq!(headline_part("Charges | API Reference | Quay"), "Charges");
        assert_eq!(headline_part("Charges"), "Charges");
    }

    #[test]
    fn a_host_written_out_names_the_site() {
        assert!(names_host("Harbour Talk", "forum.harbourtalk.org"));
        assert!(names_host("Example.org", "forums.example.org"));
        assert!(!names_host("Org", "example.org"));
        assert!(!names_host("Harbour news", "news.example.org"));
    }

    #[test]
    fn short_names_after_separators_go_one_by_one() {
        assert_eq!(
            strip_name_tails("A brief intro to git • Ana Lima"),
            "A brief intro to git"
        );
        assert_eq!(
            strip_name_tails("Harbour fees approved - Port News - The Gazette"),
            "Harbour fees approved"
        );
        // What is left must still be a headline.
        assert_eq!(strip_name_tails("Fees - Port News"), "Fees - Port News");
    }

    #[test]
    fn a_heading_loses_a_leading_badge_a_buttons_label_and_soft_hyphens() {
        let (a, p) = read(
            "",
            r#"<h1><span class="label label--primary">Question</span><span class="label-append">&nbsp;</span>Which quay takes small boats?</h1>"#,
        );
        assert_eq!(a.title, "Which quay takes small boats?");
        assert_eq!(p.title, Some(Origin::H1));
        let (a, _) = read(
            "",
            r#"<h1>Module harbour::fees <button id="copy-path" title="Copy item path to clipboard">Copy item path</button></h1>"#,
        );
        assert_eq!(a.title, "Module harbour::fees");
        let (a, _) = read("", "<h1>Harbour fees ap&shy;proved by the board</h1>");
        assert_eq!(a.title, "Harbour fees approved by the board");
        // A label after the heading's first words is one of them.
        let (a, _) = read(
            "",
            r#"<h1>Harbour fees <span class="label">approved</span> by the board</h1>"#,
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
    }

    #[test]
    fn a_headline_before_the_name_the_h1_shows_is_the_title() {
        // A book's name over every chapter: the `<title>`'s headline-like front is the page's.
        let (a, p) = read(
            "<title>Paying the fees | The Harbour Board Handbook</title>",
            "<h1>The Harbour Board Handbook</h1>",
        );
        assert_eq!(a.title, "Paying the fees");
        assert_eq!(p.title, Some(Origin::TitleTag));
        // A name-like front before the site's own name, shown as a logo h1.
        let (a, _) = read(
            r#"<meta property="og:site_name" content="Harbour Town Council"><meta property="og:title" content="Tax Help | Harbour Town Council">"#,
            "<h1>Harbour Town Council</h1><h1>Tax Help</h1>",
        );
        assert_eq!(a.title, "Tax Help");
    }

    #[test]
    fn a_share_card_naming_only_the_site_gives_way_to_the_title_tag_below_the_home() {
        let (a, p) = read(
            r#"<meta property="og:title" content="Example"><title>Harbour fees approved by the board</title>"#,
            "",
        );
        assert_eq!(a.title, "Harbour fees approved by the board");
        assert_eq!(p.title, Some(Origin::TitleTag));
        // A `<title>` of the site's name too leaves the card.
        let (a, _) = read(
            r#"<meta property="og:site_name" content="Quay Gazette"><meta property="og:title" content="Quay Gazette"><title>Quay Gazette</title>"#,
            "<h1>Best of the season</h1>",
        );
        assert_eq!(a.title, "Quay Gazette");
    }

    #[test]
    fn a_title_no_h1_words_loses_its_last_part_after_a_pipe() {
        let (a, p) = read(
            r#"<meta property="og:title" content="Harbour fees | Board decisions, notices and minutes">"#,
            "",
        );
        assert_eq!(a.title, "Harbour fees");
        assert_eq!(p.title, Some(Origin::Meta("og:title")));
        // One word before the pipe is a brand before its tagline: the whole is the title.
        let (a, _) = read(
            r#"<meta property="og:title" content="Quaywise | Moorings booked in a minute">"#,
            "",
        );
        assert_eq!(a.title, "Quaywise | Moorings booked in a minute");
    }
}
