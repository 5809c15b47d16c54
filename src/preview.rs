//! `feedsmith preview`: one article file or URL through exactly the path a run takes (same
//! reader, same extraction, same normalisation), with the rules and learned chrome of the
//! configured source it belongs to, so users see what their sources turn into; and
//! `feedsmith explain`: the same, with the fate of each line or block.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use url::Url;

use crate::config::{Config, Source, SourceKind};
use crate::error::{Error, FetchError, Result};
use crate::fetch::Fetcher;
use crate::model::{Article, Origin, Provenance, RawArticle, RawBody};
use crate::normalize::chrome::Rules;
use crate::normalize::learn::{self, Learned};
use crate::normalize::trace::{BodyFrom, Entry, Fate, Rule, Trace};
use crate::normalize::{self, Context};
use crate::pipeline::rules_for;
use crate::source::{self, Memory};
use crate::store::Store;

pub struct Preview {
    pub article: Article,
    /// Where its title, authors and publication date were found.
    pub provenance: Provenance,
    /// The configured source the input belongs to, if any.
    pub source: Option<String>,
    /// Chrome learned for that source, as counted lines.
    pub learned: Vec<String>,
    /// Read as a list page: the groups of repeated links discovery sees (a web page only).
    pub groups: Vec<source::list::LinkGroup>,
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
    let mut input = Input::read(config, input, None).await?;
    if base.is_some() {
        input.raw.base_url = base;
    }
    let mut keys: Vec<String> = input.learned.keys.iter().cloned().collect();
    keys.sort();
    let groups = match (&input.raw.body, &input.raw.base_url) {
        (RawBody::Html(html), Some(url)) if input.raw.key.starts_with("http") => {
            source::list::link_groups(html, url)
        }
        _ => Vec::new(),
    };
    let (article, notes) =
        normalize::normalize_noted(&input.raw, &input.context(config, now, None))?;
    Ok(Preview {
        article,
        provenance: notes.provenance,
        source: input.source.map(|s| s.name),
        learned: keys,
        groups,
    })
}

/// What `preview --json` prints: the article's fields, then where its title, authors and
/// date were found (`title_source`, `author_source`, `published_source`; left out when the
/// article has no such value).
#[derive(Debug, Serialize)]
pub struct PreviewJson<'a> {
    #[serde(flatten)]
    pub article: &'a Article,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_source: Option<String>,
}

impl Preview {
    pub fn json(&self) -> PreviewJson<'_> {
        let name = |o: Option<Origin>| o.map(Origin::name);
        PreviewJson {
            article: &self.article,
            title_source: name(self.provenance.title),
            author_source: name(self.provenance.authors),
            published_source: name(self.provenance.published),
        }
    }
}

/// A web page fetched the way a run reads it for the configured source on its host (rendered,
/// its following pages joined), not normalised: what `rules record` saves.
pub async fn fetch_raw(config: Option<&Config>, url: Url) -> Result<RawArticle> {
    fetch_page(config, url, None).await.map(|(raw, _)| raw)
}

/// What `explain` says about one input: each line or block with its fate, and the article
/// they made.
#[derive(Debug, Serialize)]
pub struct Explained {
    /// The file or URL, as given.
    pub input: String,
    /// How the input was read: `text`, `html`, `markdown` or `fragment`.
    pub kind: &'static str,
    /// The configured source whose rules and learned chrome were used, if any.
    pub source: Option<String>,
    /// Articles of that source counted for learned chrome.
    pub articles_counted: u32,
    /// HTML: where the body came from (the blocks, or a fallback).
    pub body_from: BodyFrom,
    /// The article the input makes; `None` when nothing is left (see `error`).
    pub article: Option<Article>,
    /// Why there is no article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Text input: every input line in order (blank ones included); HTML: every text block.
    /// Markdown and fragments are taken whole and have none.
    pub entries: Vec<ExplainedEntry>,
}

/// One input line or HTML block and its fate.
#[derive(Debug, Serialize)]
pub struct ExplainedEntry {
    /// Text input: the 1-based line number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// HTML input: the block's element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<&'static str>,
    pub text: String,
    #[serde(flatten)]
    pub fate: Fate,
    /// Learned chrome: how many of the source's articles carry the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_in: Option<u32>,
}

/// Explains a file path or an http(s) URL like [`preview`] normalises it; `source` names the
/// configured source whose rules and learned chrome apply (else the one the input belongs to).
pub async fn explain(
    config: Option<&Config>,
    input: &str,
    source: Option<&Source>,
    now: DateTime<Utc>,
) -> Result<Explained> {
    let read = Input::read(config, input, source).await?;
    let trace = Trace::default();
    let (article, error) =
        match normalize::normalize(&read.raw, &read.context(config, now, Some(&trace))) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.to_string())),
        };
    let traced = trace.take();
    let seen_in = |e: &Entry| match e.fate {
        Fate::Chrome {
            rule: Rule::Learned,
        } => read.counts.get(&learn::key(&e.text)).copied(),
        _ => None,
    };
    let (kind, entries) = match &read.raw.body {
        RawBody::Text(text) => {
            let entries = text
                .lines()
                .enumerate()
                .map(|(i, line)| {
                    let traced = traced
                        .entries
                        .iter()
                        .find(|e| e.lines.is_some_and(|(from, to)| (from..to).contains(&i)));
                    ExplainedEntry {
                        line: Some(i + 1),
                        tag: None,
                        text: line.to_string(),
                        fate: traced.map_or(Fate::Blank, |e| e.fate),
                        seen_in: traced.and_then(seen_in),
                    }
                })
                .collect();
            ("text", entries)
        }
        RawBody::Html(_) => {
            let tz = read.context(config, now, None).timezone;
            let entries = traced
                .entries
                .iter()
                .map(|e| ExplainedEntry {
                    line: None,
                    tag: e.tag,
                    text: e.text.clone(),
                    fate: harvested(e, article.as_ref(), tz),
                    seen_in: seen_in(e),
                })
                .collect();
            ("html", entries)
        }
        RawBody::Markdown(_) => ("markdown", Vec::new()),
        RawBody::HtmlFragment(_) => ("fragment", Vec::new()),
    };
    Ok(Explained {
        input: input.to_string(),
        kind,
        source: read.source.map(|s| s.name),
        articles_counted: read.articles_counted,
        body_from: traced.body_from,
        article,
        error,
        entries,
    })
}

/// An HTML block left out of the body that shows what the article took as its metadata: a
/// byline naming its author, a date line of its publication day. Extraction reads those from
/// the page's markup as a whole, so the block is named by what it shows.
fn harvested(e: &Entry, article: Option<&Article>, tz: chrono_tz::Tz) -> Fate {
    use crate::normalize::trace::Field;
    let (Some(a), false) = (article, matches!(e.fate, Fate::Kept | Fate::Title)) else {
        return e.fate;
    };
    let words = e.text.split_whitespace().count();
    if words == 0 || words > 15 {
        return e.fate;
    }
    let lower = e.text.to_lowercase();
    if a.authors
        .iter()
        .any(|n| n.chars().count() >= 3 && lower.contains(&n.to_lowercase()))
    {
        return Fate::Meta {
            field: Some(Field::Authors),
        };
    }
    let day = |d: DateTime<chrono::FixedOffset>| d.date_naive();
    let shown = crate::dates::parse(&e.text, tz).map(day);
    match (shown, a.published.map(day)) {
        (Some(s), Some(p)) if s == p => Fate::Meta {
            field: Some(Field::Published),
        },
        _ => e.fate,
    }
}

/// An input read the way a run reads it, with what its source lends it.
struct Input {
    raw: RawArticle,
    source: Option<Source>,
    learned: Learned,
    /// Learned-chrome counts of the source's lines, and how many articles were counted.
    counts: HashMap<String, u32>,
    articles_counted: u32,
    rules: Rules,
}

impl Input {
    async fn read(config: Option<&Config>, input: &str, source: Option<&Source>) -> Result<Input> {
        let (raw, owner) = match Url::parse(input)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
        {
            Some(url) => fetch_page(config, url, source).await?,
            None => read_file(config, Path::new(input), source)?,
        };
        let (counts, articles_counted) = match (config, &owner) {
            (Some(c), Some(s)) if c.site.has_state() => {
                Store::for_site(&c.site)?.chrome_counts(&s.name)?
            }
            _ => Default::default(),
        };
        Ok(Input {
            learned: learn::learned_from_counts(&counts, articles_counted),
            rules: rules_for(owner.as_ref()),
            raw,
            source: owner,
            counts,
            articles_counted,
        })
    }

    /// The context a run would normalise this input in.
    fn context<'a>(
        &'a self,
        config: Option<&'a Config>,
        now: DateTime<Utc>,
        trace: Option<&'a Trace>,
    ) -> Context<'a> {
        let source = self.source.as_ref();
        Context {
            now,
            file_time: self.raw.file_time,
            timezone: source
                .map(|s| s.timezone)
                .or(config.map(|c| c.site.timezone))
                .unwrap_or(chrono_tz::UTC),
            rules: &self.rules,
            learned: &self.learned,
            site_rules: config.map(|c| c.site_rules.as_slice()).unwrap_or_default(),
            caps: source
                .map(|s| s.caps)
                .or(config.map(|c| c.site.caps))
                .unwrap_or_default(),
            trace,
            interrupt: crate::normalize::Interrupt::never(),
        }
    }
}

fn read_file(
    config: Option<&Config>,
    path: &Path,
    named: Option<&Source>,
) -> Result<(RawArticle, Option<Source>)> {
    let full = path.canonicalize().map_err(|e| Error::io(path, e))?;
    let in_dir = |s: &Source| match &s.kind {
        SourceKind::Dir(dir) => dir.canonicalize().ok().filter(|d| full.starts_with(d)),
        _ => None,
    };
    let owner = match named {
        // A named source's folder keys the file when it holds it; else the file's own folder.
        Some(s) => Some((
            s.clone(),
            in_dir(s).unwrap_or_else(|| full.parent().unwrap_or(Path::new("/")).to_path_buf()),
        )),
        None => config
            .into_iter()
            .flat_map(|c| &c.feeds)
            .flat_map(|f| &f.sources)
            .find_map(|s| in_dir(s).map(|d| (s.clone(), d))),
    };
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

async fn fetch_page(
    config: Option<&Config>,
    url: Url,
    named: Option<&Source>,
) -> Result<(RawArticle, Option<Source>)> {
    let configured = named.or_else(|| {
        config
            .into_iter()
            .flat_map(|c| &c.feeds)
            .flat_map(|f| &f.sources)
            .find(|s| match &s.kind {
                SourceKind::Dir(_) => false,
                SourceKind::Page(u) | SourceKind::List { url: u, .. } | SourceKind::Feed(u) => {
                    u.host_str() == url.host_str()
                }
            })
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
        pages: configured.map_or_else(|| adhoc.pages.clone(), |s| s.pages.clone()),
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
