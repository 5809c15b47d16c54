//! Sources: where articles come from. Each kind has its own file (`dir` for article folders;
//! `page`, `list` and `feed` for the web) and hands normalisation [`crate::model::RawArticle`]s, never touching
//! the store or the output: what it learned (HTTP validators) it returns in [`Collected`].

mod collected;
pub mod dir;
pub mod feed;
pub mod list;
pub mod page;
pub mod paged;
pub mod web;

pub use collected::{Collected, Memory};

use crate::config::{Source, SourceKind};
use crate::error::Result;
use crate::fetch::Fetcher;

/// Collects one source of any kind: the one place the four kinds are told apart. `Err` only
/// when the source as a whole failed; single articles that fail go to [`Collected::problems`].
pub async fn collect(source: &Source, fetcher: &Fetcher, memory: &Memory) -> Result<Collected> {
    match &source.kind {
        SourceKind::Dir(dir) => dir::collect(source, dir, &memory.fingerprints),
        SourceKind::Page(url) => page::collect(source, url, fetcher, memory).await,
        SourceKind::List { url, selectors } => {
            list::collect(source, url, selectors, fetcher, memory).await
        }
        SourceKind::Feed(url) => feed::collect(source, url, fetcher, memory).await,
    }
}
