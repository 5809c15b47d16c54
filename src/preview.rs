//! `feedsmith preview`: one article file or URL through exactly the path a run takes (same
//! reader, same extraction, same normalisation), with the rules and learned chrome of the
//! configured source it belongs to, so users see what their sources turn into.

use std::path::Path;

use chrono::{DateTime, Utc};
use url::Url;

use crate::config::{Config, Source, SourceKind};
use crate::error::{Error, FetchError, Result};
use crate::fetch::Fetcher;
use crate::model::{Article, RawArticle};
use crate::normalize::{self, Context};
use crate::pipeline::{learned_for, rules_for};
use crate::source::{self, Memory};
use crate::store::Store;

pub struct Preview {
    pub article: Article,
    /// The configured source the input belongs to, if any.
    pub source: Option<String>,
    /// Chrome learned for that source, as counted lines.
    pub learned: Vec<String>,
}

/// Previews a file path or an http(s) URL. `config` supplies source rules, time zones, fetch
/// settings and learned chrome when the input belongs to one of its sources; `base` is the
/// address a file came from, for its links and site rules.
pub async fn preview(
    config: Option<&Config>,
    input: &str,
    base: Option<Url>,
    now: DateTime<Utc>,
) -> Result<Preview> {
    let (mut raw, source) = match Url::parse(input)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
    {
        Some(url) => fetch_page(config, url).await?,
        None => read_file(config, Path::new(input))?,
    };
    if base.is_some() {
        raw.base_url = base;
    }
    let (learned, keys) = match (config, &source) {
        (Some(c), Some(s)) if c.site.state.exists() => {
            let learned = learned_for(&Store::open(&c.site.state)?, &s.name)?;
            let mut keys: Vec<String> = learned.keys.iter().cloned().collect();
            keys.sort();
            (learned, keys)
        }
        _ => Default::default(),
    };
    let site_rules = config.map(|c| c.site_rules.as_slice()).unwrap_or_default();
    let rules = rules_for(source.as_ref());
    let timezone = source
        .as_ref()
        .map(|s| s.timezone)
        .or(config.map(|c| c.site.timezone))
        .unwrap_or(chrono_tz::UTC);
    let ctx = Context {
        now,
        file_time: raw.file_time,
        timezone,
        rules: &rules,
        learned: &learned,
        site_rules,
        caps: source
            .as_ref()
            .map(|s| s.caps)
            .or(config.map(|c| c.site.caps))
            .unwrap_or_default(),
    };
    Ok(Preview {
        article: normalize::normalize(&raw, &ctx)?,
        source: source.map(|s| s.name),
        learned: keys,
    })
}

fn read_file(config: Option<&Config>, path: &Path) -> Result<(RawArticle, Option<Source>)> {
    let full = path.canonicalize().map_err(|e| Error::io(path, e))?;
    let owner = config
        .into_iter()
        .flat_map(|c| &c.feeds)
        .flat_map(|f| &f.sources)
        .find_map(|s| match &s.kind {
            SourceKind::Dir(dir) => dir
                .canonicalize()
                .ok()
                .filter(|d| full.starts_with(d))
                .map(|d| (s.clone(), d)),
            _ => None,
        });
    let (name, root, tz) = match &owner {
        Some((s, dir)) => (s.name.as_str(), dir.clone(), s.timezone),
        None => (
            "preview",
            full.parent().unwrap_or(Path::new("/")).to_path_buf(),
            chrono_tz::UTC,
        ),
    };
    let raw = source::dir::read_article(name, &root, &full, tz)?.ok_or_else(|| Error::BadFile {
        path: path.to_path_buf(),
        line: 1,
        message: "not an article file (expected .txt, .md or .html)".into(),
    })?;
    Ok((raw, owner.map(|(s, _)| s)))
}

async fn fetch_page(config: Option<&Config>, url: Url) -> Result<(RawArticle, Option<Source>)> {
    let configured = config
        .into_iter()
        .flat_map(|c| &c.feeds)
        .flat_map(|f| &f.sources)
        .find(|s| match &s.kind {
            SourceKind::Dir(_) => false,
            SourceKind::Page(u) | SourceKind::List { url: u, .. } | SourceKind::Feed(u) => {
                u.host_str() == url.host_str()
            }
        });
    let site = config.map(|c| c.site.clone()).unwrap_or_default();
    let adhoc = Source::adhoc("preview", SourceKind::Page(url.clone()), &site);
    // The URL was typed by the user: its host is trusted like one written in the config.
    let fetcher = Fetcher::new(
        &site,
        url.host_str().map(str::to_string).into_iter().collect(),
    );
    let with_settings = Source {
        fetch: configured
            .map(|s| s.fetch.clone())
            .unwrap_or(site.fetch.clone()),
        ..adhoc
    };
    let mut collected =
        source::page::collect(&with_settings, &url, &fetcher, &Memory::default()).await?;
    let raw = collected
        .articles
        .pop()
        .ok_or_else(|| Error::fetch(&url, FetchError::NoArticle))?;
    Ok((raw, configured.cloned()))
}
