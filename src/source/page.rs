//! `page = URL`: one web page is one article, fetched conditionally so an unchanged page costs
//! a 304 and no re-extraction.

use url::Url;

use super::collected::{Collected, Memory};
use crate::config::Source;
use crate::error::Error;
use crate::fetch::Fetcher;
use crate::model::Metadata;
use crate::source::web::{article_from_page, ensure_html, fetch_if_changed, read_article_page};

pub async fn collect(
    source: &Source,
    url: &Url,
    fetcher: &Fetcher,
    memory: &Memory,
) -> Result<Collected, Error> {
    match fetch_if_changed(source, url, fetcher, memory).await? {
        None => Ok(Collected::unchanged()),
        Some(page) => {
            ensure_html(&page)?;
            let validators = vec![(url.to_string(), page.validators.clone())];
            let page = read_article_page(source, page, fetcher).await?;
            Ok(Collected {
                articles: vec![article_from_page(source, url, page, Metadata::default())],
                validators,
                ..Collected::default()
            })
        }
    }
}
