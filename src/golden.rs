//! Golden tests for a user's own site rules: `rules record URL` saves a page with what
//! feedsmith extracts from it, and `rules test` extracts every saved page again, offline, and
//! shows what changed, so a rule edit (or a feedsmith upgrade) that breaks a site shows up
//! before the feeds do. Saved pages live in `rules/fixtures/<host>/` beside the config.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use url::Url;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{Article, RawBody};
use crate::preview;

/// The folder of saved pages, beside the config.
pub fn fixtures_dir(config: &Config) -> PathBuf {
    config.root().join("rules").join("fixtures")
}

/// Fetches `url` as a run reads it, saves the page as `<host>/<slug>.html` and its extraction
/// as `<slug>.txt`; returns the two paths.
pub async fn record(config: &Config, url: &Url, now: DateTime<Utc>) -> Result<(PathBuf, PathBuf)> {
    let raw = preview::fetch_raw(Some(config), url.clone()).await?;
    let html = match raw.body {
        RawBody::Html(h) => h,
        RawBody::Text(t) | RawBody::Markdown(t) | RawBody::HtmlFragment(t) => t,
    };
    let host = crate::urls::slug(url.host_str().unwrap_or("localhost"));
    let name = match url.query() {
        Some(q) => crate::urls::slug(&format!("{}-{q}", url.path())),
        None => crate::urls::slug(url.path()),
    };
    let dir = fixtures_dir(config).join(host);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).map_err(|e| Error::io(&page, e))?;
    let article = extract(config, &page, url, now).await?;
    let expected = dir.join(format!("{name}.txt"));
    let text = expectation(url, now, &article);
    std::fs::write(&expected, text).map_err(|e| Error::io(&expected, e))?;
    Ok((page, expected))
}

/// One saved page checked again.
#[derive(Debug)]
pub struct Checked {
    pub page: PathBuf,
    /// `None` when the extraction is what was saved; else the lines that differ, `-` saved
    /// and `+` now.
    pub diff: Option<String>,
}

/// Extracts every saved page again (offline, at the time it was recorded) and compares it
/// with its saved extraction, in path order.
pub async fn test(config: &Config) -> Result<Vec<Checked>> {
    let root = fixtures_dir(config);
    let mut pages = Vec::new();
    let hosts = std::fs::read_dir(&root).map_err(|e| Error::io(&root, e))?;
    for host in hosts.flatten().filter(|h| h.path().is_dir()) {
        let files = std::fs::read_dir(host.path()).map_err(|e| Error::io(host.path(), e))?;
        pages.extend(
            files
                .flatten()
                .map(|f| f.path())
                .filter(|p| p.extension().is_some_and(|e| e == "html")),
        );
    }
    pages.sort();
    let mut out = Vec::new();
    for page in pages {
        let expected_path = page.with_extension("txt");
        let expected =
            std::fs::read_to_string(&expected_path).map_err(|e| Error::io(&expected_path, e))?;
        let (url, at) = header(&expected).ok_or_else(|| Error::BadFile {
            path: expected_path.clone(),
            line: 1,
            message: "not a saved extraction (it starts with `url:` and `recorded:` lines); record the page again with `feedsmith rules record URL`".into(),
        })?;
        let got = match extract(config, &page, &url, at).await {
            Ok(article) => expectation(&url, at, &article),
            Err(e) => format!("url: {url}\nrecorded: {}\nerror: {e}\n", at.to_rfc3339()),
        };
        let diff = (got != expected).then(|| diff(&expected, &got));
        out.push(Checked { page, diff });
    }
    Ok(out)
}

/// The article a saved page makes, read as `preview FILE --url URL` reads it.
async fn extract(config: &Config, page: &Path, url: &Url, now: DateTime<Utc>) -> Result<Article> {
    let input = page.to_string_lossy();
    preview::preview(Some(config), &input, Some(url.clone()), now)
        .await
        .map(|p| p.article)
}

/// What is compared: the fields a site rule decides, one a line, then the body text.
fn expectation(url: &Url, at: DateTime<Utc>, a: &Article) -> String {
    let date = |d: Option<DateTime<chrono::FixedOffset>>| d.map_or("-".into(), |d| d.to_rfc3339());
    format!(
        "url: {url}\nrecorded: {}\ntitle: {}\nsummary: {}\nauthors: {}\npublished: {}\nupdated: {}\nlink: {}\n---\n{}\n",
        at.to_rfc3339(),
        a.title,
        a.summary.as_deref().unwrap_or("-"),
        a.authors.join(", "),
        date(a.published),
        date(a.updated),
        a.link.as_ref().map_or("-", Url::as_str),
        a.content_text
    )
}

/// The URL and recording time a saved extraction starts with.
fn header(text: &str) -> Option<(Url, DateTime<Utc>)> {
    let mut lines = text.lines();
    let url = Url::parse(lines.next()?.strip_prefix("url: ")?).ok()?;
    let at = DateTime::parse_from_rfc3339(lines.next()?.strip_prefix("recorded: ")?).ok()?;
    Some((url, at.with_timezone(&Utc)))
}

/// The lines of `old` and `new` that differ, each marked `-` (saved) or `+` (now), in order:
/// a longest-common-subsequence diff, small enough for an article's lines.
fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = match a[i] == b[j] {
                true => lcs[i + 1][j + 1] + 1,
                false => lcs[i + 1][j].max(lcs[i][j + 1]),
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_show_removed_and_added_lines_in_order() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nc\nd\ne\n";
        assert_eq!(diff(old, new), "- b\n+ e\n");
        assert_eq!(diff("same\n", "same\n"), "");
    }

    #[test]
    fn the_header_gives_the_url_and_time() {
        let (url, at) =
            header("url: https://e.org/a\nrecorded: 2024-05-01T10:00:00+00:00\ntitle: x\n")
                .unwrap();
        assert_eq!(url.as_str(), "https://e.org/a");
        assert_eq!(at.to_rfc3339(), "2024-05-01T10:00:00+00:00");
        assert!(header("title: x\n").is_none());
    }
}
