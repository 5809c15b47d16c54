//! The web source kinds behind one entry point, and what they share: turning a fetched page
//! into a [`RawArticle`], fetching the articles a list or feed links to, and item filters.

use futures_util::future::join_all;
use url::Url;

use super::collected::Memory;
use crate::config::Source;
use crate::error::{Error, FetchError};
use crate::fetch::{allowed_discovered, render, Fetched, Fetcher, Page};
use crate::model::{Metadata, RawArticle, RawBody};
use crate::urls;

/// Fetches a source's own URL conditionally; `None` when it has not changed since the
/// validators stored for it.
pub(crate) async fn fetch_if_changed(
    source: &Source,
    url: &Url,
    fetcher: &Fetcher,
    memory: &Memory,
) -> Result<Option<Page>, Error> {
    let known = memory.validators.get(url.as_str());
    Ok(match fetcher.get(url, &source.fetch, known).await? {
        Fetched::NotModified => None,
        Fetched::Ok(page) => Some(page),
    })
}

/// The article a fetched page is; `requested` gives the key, so it is known before fetching
/// and stays put when the site starts redirecting.
pub(crate) fn article_from_page(
    source: &Source,
    requested: &Url,
    page: Page,
    mut hints: Metadata,
) -> RawArticle {
    hints.link.get_or_insert_with(|| urls::canonical(&page.url));
    RawArticle {
        source: source.name.clone(),
        key: urls::canonical(requested).to_string(),
        body: RawBody::Html(page.text),
        base_url: Some(page.url),
        file_time: page.last_modified,
        hints,
    }
}

/// An article must be a web page: a PDF or an image decoded as text would become garbage.
pub(crate) fn ensure_html(page: &Page) -> Result<(), Error> {
    let mime = page
        .content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    match mime.as_deref() {
        None | Some("text/html" | "application/xhtml+xml" | "text/plain") => Ok(()),
        Some(other) => {
            let content_type = other.to_string();
            Err(Error::fetch(
                &page.url,
                FetchError::NotHtml { content_type },
            ))
        }
    }
}

/// An article's page as it reads: built in the browser when the source or its site's rule says
/// `render = true` (else refused when it is clearly a script shell), its following pages joined.
pub(crate) async fn read_article_page(
    source: &Source,
    page: Page,
    fetcher: &Fetcher,
) -> Result<Page, Error> {
    let page = built(source, page).await?;
    super::paged::follow(source, page, fetcher).await
}

/// `page` as its scripts build it, with `render = true`; else `page` itself, unless it is
/// clearly a script shell, which is said naming the source so the fix is plain.
pub(crate) async fn built(source: &Source, page: Page) -> Result<Page, Error> {
    let options = &source.pages;
    if options.renders(&page.url) {
        let text = render::render(
            options.chromium.as_deref(),
            &page.url,
            options.render_timeout,
            source.fetch.max_body_bytes,
        )
        .await?;
        return Ok(Page { text, ..page });
    }
    if let Some(shell) = render::script_shell(&page.text) {
        let kind = FetchError::ScriptShell {
            source_name: source.name.clone(),
            text_chars: shell.text_chars,
            script_bytes: shell.script_bytes,
        };
        return Err(Error::fetch(&page.url, kind));
    }
    Ok(page)
}

/// Fetches linked article pages concurrently (the fetcher enforces the limits), in order.
/// Links to private addresses off the configured host are refused.
pub(crate) async fn fetch_articles(
    source: &Source,
    configured: &Url,
    fetcher: &Fetcher,
    links: Vec<(Url, Metadata)>,
) -> Vec<Result<RawArticle, Error>> {
    let jobs = links.into_iter().map(|(link, hints)| async move {
        if !allowed_discovered(&link, configured) {
            let found_in = configured.clone();
            return Err(Error::fetch(&link, FetchError::PrivateAddress { found_in }));
        }
        match fetcher.get(&link, &source.fetch, None).await? {
            Fetched::Ok(page) => {
                ensure_html(&page)?;
                let page = read_article_page(source, page, fetcher).await?;
                Ok(article_from_page(source, &link, page, hints))
            }
            Fetched::NotModified => Err(Error::fetch(&link, FetchError::UnexpectedNotModified)),
        }
    });
    join_all(jobs).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_config::Builder;

    fn source(include: &[&str], exclude: &[&str]) -> Source {
        let list = |v: &[&str]| {
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Builder::new()
            .source(&format!(
                "feed = \"https://e.org/feed.xml\"\ninclude = [{}]\nexclude = [{}]",
                list(include),
                list(exclude)
            ))
            .build_source()
    }

    #[test]
    fn filters_include_any_exclude_none() {
        let s = source(&[], &[]);
        assert!(s.passes_filters("Anything", "", &[]));
        let s = source(&["(?i)rust", "(?i)tokio"], &["(?i)sponsored"]);
        assert!(s.passes_filters("Rust 2.0 released", "", &[]));
        assert!(s.passes_filters("News", "runs on Tokio", &[]));
        assert!(!s.passes_filters("Go 2.0 released", "about Go", &[]));
        assert!(!s.passes_filters("Rust jobs", "Sponsored post", &[]));
        let s = source(&[], &["^Guest Writer$"]);
        assert!(!s.passes_filters("Hi", "", &["Guest Writer".into()]));
        assert!(s.passes_filters("Hi", "", &["Staff".into()]));
    }
}
