//! Stage 2, normalize: each source's raw articles become [`Candidate`]s. What the store learned
//! for the source (its recurring template lines) is counted for new articles first and then
//! handed to the pure normaliser as an argument; everything else here is bookkeeping of what
//! each source yielded, for the store and for `status`.

use chrono::{DateTime, Utc};

use super::collect::Gathered;
use super::health::Yield;
use super::report::Problem;
use crate::config::{SiteRule, Source};
use crate::error::{Error, Result};
use crate::fetch::Validators;
use crate::model::{Article, Candidate, RawArticle, RawBody};
use crate::normalize::{self, chrome::Rules, learn, Context};
use crate::store::Store;

/// One raw article with what normalising it gave: the article and its notes, or why not.
type NormalizedRaw<'r> = (&'r RawArticle, Result<(Article, Vec<String>)>);

/// A source's run, as the store records it.
pub enum SourceResult<'f> {
    /// The source as a whole failed; the message is kept for `status`.
    Failed { source: &'f Source, message: String },
    Worked {
        source: &'f Source,
        /// Validators to remember, by URL: only when every article worked, so one that failed
        /// is tried again next run instead of hiding behind a 304.
        validators: Vec<(String, Validators)>,
        clean: bool,
        yielded: Yield,
    },
}

/// What normalisation hands selection: every candidate of the feed, in source order, and each
/// source's run. Problems of single articles go straight to the report's list.
pub struct Normalized<'f> {
    pub candidates: Vec<Candidate>,
    pub runs: Vec<SourceResult<'f>>,
    /// Problems of sources and of single articles, in the order met.
    pub problems: Vec<Problem>,
    pub notes: Vec<String>,
}

pub fn normalize<'f>(
    store: &Store,
    site_rules: &[SiteRule],
    gathered: Vec<Gathered<'f>>,
    now: DateTime<Utc>,
) -> Result<Normalized<'f>> {
    let mut out = Normalized {
        candidates: Vec::new(),
        runs: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    for Gathered { source, outcome } in gathered {
        let collected = match outcome {
            Ok(c) => c,
            Err(error) => {
                out.runs.push(SourceResult::Failed {
                    source,
                    message: error.to_string(),
                });
                out.problems.push(Problem {
                    source: source.name.clone(),
                    error,
                    source_failed: true,
                });
                continue;
            }
        };
        let mut clean = collected.problems.is_empty();
        for error in collected.problems {
            out.problems.push(article_problem(source, error));
        }
        let teasers: std::collections::HashSet<&str> =
            collected.teasers.iter().map(String::as_str).collect();
        for (raw, result) in normalize_source(store, source, site_rules, &collected.articles, now)?
        {
            match result {
                Ok((article, notes)) => {
                    out.notes
                        .extend(notes.into_iter().map(|n| format!("{}: {n}", source.name)));
                    out.candidates.push(Candidate {
                        source: source.name.clone(),
                        key: raw.key.clone(),
                        partial: teasers.contains(raw.key.as_str()),
                        article,
                    });
                }
                Err(error) => {
                    clean = false;
                    out.problems.push(article_problem(source, error));
                }
            }
        }
        out.runs.push(SourceResult::Worked {
            source,
            validators: collected.validators,
            clean,
            yielded: Yield {
                unchanged: collected.unchanged,
                known: collected.known,
            },
        });
    }
    Ok(out)
}

/// Learns chrome from the source's new scraped texts and pages, then normalises all of them.
fn normalize_source<'r>(
    store: &Store,
    source: &Source,
    site_rules: &[SiteRule],
    articles: &'r [RawArticle],
    now: DateTime<Utc>,
) -> Result<Vec<NormalizedRaw<'r>>> {
    let rules = rules_for(Some(source));
    let nothing_learned = learn::Learned::default();
    for raw in articles {
        if store.chrome_counted(&source.name, &raw.key)? {
            continue;
        }
        let lines = match &raw.body {
            RawBody::Text(text) => learn::candidates(text),
            // A page's blocks as extraction keeps them before anything learned is removed, so
            // what was learned does not erase its own evidence.
            RawBody::Html(_) => {
                let ctx = context(source, raw, (&rules, &nothing_learned), site_rules, now);
                normalize::normalize(raw, &ctx)
                    .map(|a| learn::candidates(&a.content_text))
                    .unwrap_or_default()
            }
            RawBody::Markdown(_) | RawBody::HtmlFragment(_) => continue,
        };
        store.count_chrome(&source.name, &raw.key, &lines)?;
    }
    let learned = learned_for(store, &source.name)?;
    Ok(articles
        .iter()
        .map(|raw| {
            let ctx = context(source, raw, (&rules, &learned), site_rules, now);
            let result = normalize::normalize_noted(raw, &ctx).map_err(|e| match e {
                Error::EmptyArticle { key } => Error::EmptyArticle {
                    key: format!("{}: {key}", source.name),
                },
                e => e,
            });
            (raw, result)
        })
        .collect())
}

fn article_problem(source: &Source, error: Error) -> Problem {
    Problem {
        source: source.name.clone(),
        error,
        source_failed: false,
    }
}

fn context<'c>(
    source: &Source,
    raw: &RawArticle,
    (rules, learned): (&'c Rules, &'c learn::Learned),
    site_rules: &'c [SiteRule],
    now: DateTime<Utc>,
) -> Context<'c> {
    Context {
        now,
        file_time: raw.file_time,
        timezone: source.timezone,
        rules,
        learned,
        site_rules,
    }
}

/// The chrome learned so far for one source.
pub fn learned_for(store: &Store, source: &str) -> Result<learn::Learned> {
    let (counts, seen) = store.chrome_counts(source)?;
    Ok(learn::learned_from_counts(&counts, seen))
}

/// Chrome rules of a source; built-ins only for input outside the config.
pub fn rules_for(source: Option<&Source>) -> Rules {
    source
        .map(|s| {
            Rules::new(
                &s.chrome_lines,
                s.chrome_patterns.clone(),
                &s.chrome_selectors,
            )
        })
        .unwrap_or_default()
}
