//! The pages around the feeds: `index.html` (every feed, with autodiscovery links so a reader
//! pointed at the folder finds them), `feeds.opml` (subscribe to all at once) and one readable
//! `<name>.html` per feed. Built only from the feeds' own data, never the run time, so the bytes
//! change only when a feed does and [`write_if_changed`] leaves them alone otherwise.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::write::{write_if_changed, Batch};
use super::{FeedHead, FeedSummary, Format, ValidItem};
use crate::chars::{escape_html, xml_safe};
use crate::config::Site;
use crate::dates::{rfc3339, rfc822};
use crate::error::Result;
use crate::model::Item;

pub const INDEX: &str = "index.html";
pub const OPML: &str = "feeds.opml";

/// File name of a feed's HTML page.
pub fn page_name(feed: &str) -> String {
    format!("{feed}.html")
}

/// Writes the index and the OPML from every feed's summary (a feed's own page is written with
/// its files, from its items); returns the names of the files that changed.
pub fn write_site(dir: &Path, feeds: &[FeedSummary], site: &Site) -> Result<Vec<String>> {
    let files = [
        (INDEX.to_string(), index_html(feeds, site)),
        (OPML.to_string(), opml(feeds, site)),
    ];
    let mut changed = Vec::new();
    for (name, bytes) in files {
        if write_if_changed(dir, &name, &bytes)? {
            changed.push(name);
        }
    }
    Ok(changed)
}

/// Text for HTML and OPML: without the characters XML forbids (the site's title and author come
/// from the config unfiltered), then escaped.
fn esc(s: &str) -> String {
    escape_html(&xml_safe(s))
}

/// Short labels for links; the media types come from [`Format`].
fn label(format: Format) -> &'static str {
    match format {
        Format::Rss => "RSS",
        Format::Atom => "Atom",
        Format::Json => "JSON Feed",
    }
}

/// A date as people read it, in the site's time zone, with the exact instant for machines.
fn time(d: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        rfc3339(d),
        d.with_timezone(&tz).format("%-d %B %Y, %H:%M %Z")
    )
}

/// Readable without it; there only to keep lines short on wide screens.
const STYLE: &str = "body{max-width:46rem;margin:0 auto;padding:1rem;font-family:system-ui,sans-serif;line-height:1.5}";

/// The page's head; `up` leads from the page's folder to the output folder ("" or "../").
fn head(out: &mut String, title: &str, feeds: &[&FeedHead], up: &str) {
    out.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    for feed in feeds {
        for format in Format::ALL {
            let _ = writeln!(
                out,
                "<link rel=\"alternate\" type=\"{}\" title=\"{} ({})\" href=\"{}\">",
                format.media_type(),
                esc(feed.title()),
                label(format),
                esc(&format!("{up}{}", format.file_name(feed.name()))),
            );
        }
    }
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
}

fn format_links(out: &mut String, feed: &FeedHead) {
    let links = Format::ALL
        .iter()
        .map(|f| {
            format!(
                "<a href=\"{}\" type=\"{}\">{}</a>",
                esc(&f.file_name(feed.name())),
                f.media_type(),
                label(*f)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let _ = writeln!(out, "<p>Subscribe: {links}</p>");
}

fn items_label(n: usize) -> String {
    if n == 1 {
        "1 item".into()
    } else {
        format!("{n} items")
    }
}

/// Every feed, with autodiscovery links, item counts, last update and links to each format.
pub fn index_html(feeds: &[FeedSummary], site: &Site) -> Vec<u8> {
    let mut out = String::new();
    let heads: Vec<&FeedHead> = feeds.iter().map(|f| &f.head).collect();
    head(&mut out, &site.title, &heads, "");
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&site.title));
    let _ = writeln!(
        out,
        "<p><a href=\"{OPML}\" type=\"text/x-opml\">All feeds as OPML</a></p>\n</header>\n<main>"
    );
    for FeedSummary { head: feed, items } in feeds {
        let _ = writeln!(
            out,
            "<section>\n<h2><a href=\"{}\">{}</a></h2>",
            esc(&page_name(feed.name())),
            esc(feed.title())
        );
        if feed.description() != feed.title() {
            let _ = writeln!(out, "<p>{}</p>", esc(feed.description()));
        }
        let _ = writeln!(
            out,
            "<p>{}, updated {}</p>",
            items_label(*items),
            time(feed.updated(), site.timezone)
        );
        format_links(&mut out, feed);
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out.into_bytes()
}

/// One feed as a page: its items with linked titles, dates and summaries.
pub fn feed_html(feed: &FeedHead, items: &[ValidItem], site: &Site) -> Vec<u8> {
    let mut out = String::new();
    head(&mut out, feed.title(), &[feed], "");
    let _ = writeln!(
        out,
        "<header>\n<p><a href=\"{INDEX}\">{}</a></p>\n<h1>{}</h1>",
        esc(&site.title),
        esc(feed.title())
    );
    if feed.description() != feed.title() {
        let _ = writeln!(out, "<p>{}</p>", esc(feed.description()));
    }
    let _ = writeln!(
        out,
        "<p>From <a href=\"{}\">{}</a>, updated {}</p>",
        esc(feed.home().as_str()),
        esc(feed.home().host_str().unwrap_or(feed.home().as_str())),
        time(feed.updated(), site.timezone)
    );
    format_links(&mut out, feed);
    out.push_str("</header>\n<main>\n");
    if items.is_empty() {
        out.push_str("<p>No items yet.</p>\n");
    }
    for item in items {
        out.push_str("<article>\n");
        match item.link() {
            Some(link) => {
                let _ = writeln!(
                    out,
                    "<h2><a href=\"{}\">{}</a></h2>",
                    esc(link.as_str()),
                    esc(item.title())
                );
            }
            None => {
                let _ = writeln!(out, "<h2>{}</h2>", esc(item.title()));
            }
        }
        let _ = writeln!(out, "<p>{}</p>", time(item.published(), site.timezone));
        // A summary that only repeats the headline says nothing.
        if let Some(summary) = item.summary().filter(|s| *s != item.title()) {
            let _ = writeln!(out, "<p>{}</p>", esc(summary));
        }
        out.push_str("</article>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out.into_bytes()
}

/// The readable pages of a feed's local articles (`<feed>/<slug>.html`, linked from their
/// items): written as the feed's items go by, each only when its bytes changed, and in place
/// once [`ArticlePages::commit`]ted; then [`ArticlePages::finish`] removes the pages of items
/// no longer in the feed.
pub struct ArticlePages {
    dir: std::path::PathBuf,
    /// The public URL of `dir`: an item linking below it is one of these pages.
    folder: url::Url,
    kept: std::collections::HashSet<String>,
    /// A feed has as many pages as items: written in batches, not one fsync after another.
    batch: Batch,
}

impl ArticlePages {
    pub fn new(out: &Path, feed: &str, site: &Site) -> ArticlePages {
        let dir = out.join(feed);
        ArticlePages {
            batch: Batch::new(&dir),
            dir,
            folder: site.article_pages(feed),
            kept: Default::default(),
        }
    }

    /// Puts the pages written so far in place; returns their paths.
    pub fn commit(&mut self) -> Result<Vec<std::path::PathBuf>> {
        self.batch.commit()?;
        Ok(std::mem::take(&mut self.batch.written))
    }

    /// The file name of the page `link` names, when it is one of this feed's pages: only a
    /// slug and `.html`, so no link leads a write out of the folder.
    fn file_of(&self, link: &url::Url) -> Option<String> {
        let name = link.as_str().strip_prefix(self.folder.as_str())?;
        is_page_name(name).then(|| name.to_string())
    }

    /// Writes the page of `item` when its link is one of this feed's pages.
    pub fn write(&mut self, feed: &FeedHead, item: &Item, site: &Site) -> Result<()> {
        let Some(name) = item.article.link.as_ref().and_then(|l| self.file_of(l)) else {
            return Ok(());
        };
        if self.kept.insert(name.clone()) {
            let html = article_html(feed, item, site);
            self.batch.write_if_changed(&name, html)?;
        }
        Ok(())
    }

    /// Removes the pages no item links to any more; returns their paths.
    pub fn finish(self) -> Result<Vec<std::path::PathBuf>> {
        let mut removed = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(removed);
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_page_name(&name) && !self.kept.contains(&name) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|e| crate::error::Error::io(&path, e))?;
                removed.push(path);
            }
        }
        Ok(removed)
    }
}

/// The article pages of `feed` in the output folder `out`, as `feed/slug.html`, sorted.
pub fn article_page_names(out: &Path, feed: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out.join(feed)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| is_page_name(name))
        .map(|name| format!("{feed}/{name}"))
        .collect();
    names.sort();
    names
}

/// `slug.html`: the only names article pages have.
fn is_page_name(name: &str) -> bool {
    name.strip_suffix(".html").is_some_and(|stem| {
        !stem.is_empty()
            && stem
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// One local article as a page, in the feed pages' style: back links, headline, byline and
/// date, and the body (sanitised when it was normalised).
pub fn article_html(feed: &FeedHead, item: &Item, site: &Site) -> Vec<u8> {
    let a = &item.article;
    let mut out = String::new();
    head(&mut out, &a.title, &[feed], "../");
    let _ = writeln!(
        out,
        "<header>\n<p><a href=\"../{INDEX}\">{}</a> · <a href=\"../{}\">{}</a></p>\n<h1>{}</h1>",
        esc(&site.title),
        esc(&page_name(feed.name())),
        esc(feed.title()),
        esc(&a.title)
    );
    let by = match a.authors.is_empty() {
        true => String::new(),
        false => format!("By {} · ", esc(&a.authors.join(", "))),
    };
    let _ = writeln!(
        out,
        "<p>{by}{}</p>\n</header>",
        time(item.published, site.timezone)
    );
    let _ = writeln!(
        out,
        "<main>\n<article>\n{}\n</article>\n</main>\n</body>\n</html>",
        xml_safe(&a.content_html)
    );
    out.into_bytes()
}

/// OPML 2.0: one `rss` outline per feed, pointing at its RSS file.
pub fn opml(feeds: &[FeedSummary], site: &Site) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head>\n",
    );
    let _ = writeln!(out, "<title>{}</title>", esc(&site.title));
    if let Some(updated) = feeds.iter().map(|f| f.head.updated()).max() {
        let _ = writeln!(out, "<dateModified>{}</dateModified>", rfc822(updated));
    }
    let _ = writeln!(out, "<ownerName>{}</ownerName>", esc(&site.author));
    out.push_str("<docs>http://opml.org/spec2.opml</docs>\n</head>\n<body>\n");
    for FeedSummary { head: feed, .. } in feeds {
        let _ = writeln!(
            out,
            "<outline type=\"rss\" text=\"{t}\" title=\"{t}\" description=\"{}\" xmlUrl=\"{}\" htmlUrl=\"{}\"/>",
            esc(feed.description()),
            esc(feed.self_url(Format::Rss).as_str()),
            esc(feed.home().as_str()),
            t = esc(feed.title()),
        );
    }
    out.push_str("</body>\n</opml>\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{Article, Item};
    use crate::publish::ValidFeed;

    fn summaries(c: &Config) -> Vec<FeedSummary> {
        feeds(c).iter().map(ValidFeed::summary).collect()
    }

    fn config() -> Config {
        Config::parse(
            r#"
[site]
title = "News & <Views>"
base_url = "https://news.example.org/feeds/"
timezone = "Europe/Paris"

[[feed]]
name = "world"
title = "World \"affairs\""
description = "Everything <abroad>"
link = "https://news.example.org/world"

[[feed]]
name = "empty"
title = "Empty"
link = "https://news.example.org/empty"
"#,
            Path::new("/tmp/config.toml"),
        )
        .unwrap()
    }

    fn item(id: &str, title: &str, at: &str) -> Item {
        let at = DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&Utc);
        Item {
            id: id.into(),
            key: format!("test:{id}"),
            source: "test".into(),
            article: Article {
                title: title.into(),
                summary: Some("A <b>summary</b> & more".into()),
                link: url::Url::parse(&format!("https://news.example.org/a/{id}?x=1&y=2")).ok(),
                ..Default::default()
            },
            published: at,
            updated: at,
        }
    }

    fn feeds(c: &Config) -> Vec<ValidFeed> {
        let at = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        vec![
            ValidFeed::new(
                &c.feeds[0],
                &c.site,
                &[
                    item("1", "Talks <resume>", "2024-03-01T12:00:00Z"),
                    item("2", "Rain", "2024-03-02T08:30:00Z"),
                ],
                at,
                None,
            )
            .unwrap(),
            ValidFeed::new(&c.feeds[1], &c.site, &[], at, None).unwrap(),
        ]
    }

    #[test]
    fn index_lists_every_feed_escaped_with_autodiscovery() {
        let c = config();
        let html = String::from_utf8(index_html(&summaries(&c), &c.site)).unwrap();
        assert!(
            html.contains("<title>News &amp; &lt;Views&gt;</title>"),
            "{html}"
        );
        assert!(html.contains(
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"World &quot;affairs&quot; (RSS)\" href=\"world.rss\">"
        ));
        assert!(html.contains(
            "type=\"application/feed+json\" title=\"Empty (JSON Feed)\" href=\"empty.json\""
        ));
        assert!(html.contains("<a href=\"world.html\">World &quot;affairs&quot;</a>"));
        assert!(html.contains("2 items, updated <time datetime=\"2024-03-02T08:30:00Z\">2 March 2024, 09:30 CET</time>"));
        assert!(html.contains("0 items"));
        assert!(html.contains("<a href=\"empty.atom\" type=\"application/atom+xml\">Atom</a>"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn feed_page_has_items_with_links_dates_and_summaries() {
        let c = config();
        let world = &feeds(&c)[0];
        let html = String::from_utf8(feed_html(world.head(), world.items(), &c.site)).unwrap();
        assert!(html.contains(
            "<h2><a href=\"https://news.example.org/a/1?x=1&amp;y=2\">Talks &lt;resume&gt;</a></h2>"
        ), "{html}");
        assert!(html.contains("<p>A &lt;b&gt;summary&lt;/b&gt; &amp; more</p>"));
        assert!(html.contains("<p>Everything &lt;abroad&gt;</p>"));
        assert!(html.contains("href=\"world.atom\""));
        assert!(html.contains("<a href=\"index.html\">"));
    }

    #[test]
    fn opml_parses_and_has_one_outline_per_feed() {
        use quick_xml::events::Event;
        let c = config();
        let bytes = opml(&summaries(&c), &c.site);
        let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
        let mut outlines = Vec::new();
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).expect("well-formed OPML") {
                Event::Empty(e) if e.name().as_ref() == "outline" => {
                    let attr = |k: &str| {
                        e.try_get_attribute(k)
                            .unwrap()
                            .unwrap()
                            .normalized_value(quick_xml::XmlVersion::default())
                            .unwrap()
                            .into_owned()
                    };
                    outlines.push((attr("title"), attr("xmlUrl"), attr("type")));
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        assert_eq!(
            outlines,
            vec![
                (
                    "World \"affairs\"".to_string(),
                    "https://news.example.org/feeds/world.rss".to_string(),
                    "rss".to_string()
                ),
                (
                    "Empty".to_string(),
                    "https://news.example.org/feeds/empty.rss".to_string(),
                    "rss".to_string()
                ),
            ]
        );
    }

    #[test]
    fn rewritten_only_when_a_feed_changes() {
        let c = config();
        let dir = tempfile::tempdir().unwrap();
        let mut fs = summaries(&c);
        let first = write_site(dir.path(), &fs, &c.site).unwrap();
        assert_eq!(first, ["index.html", "feeds.opml"]);
        assert!(write_site(dir.path(), &fs, &c.site).unwrap().is_empty());
        let at = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        fs[1] = ValidFeed::new(
            &c.feeds[1],
            &c.site,
            &[item("9", "First", "2024-04-01T00:00:00Z")],
            at,
            None,
        )
        .unwrap()
        .summary();
        let changed = write_site(dir.path(), &fs, &c.site).unwrap();
        assert_eq!(changed, ["index.html", "feeds.opml"]);
    }
}
