//! Stage 2, normalize: each source's raw articles become [`Candidate`]s. What the store learned
//! for the source (its recurring template lines) is counted for new articles first and then
//! handed to the pure normaliser as an argument; everything else here is bookkeeping of what
//! each source yielded, for the store and for `status`.

use chrono::{DateTime, Utc};

use super::budget::Watchdog;
use super::collect::Gathered;
use super::health::Yield;
use super::report::{Problem, Scope};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use crate::config::{SiteRule, Source, SourceKind};
use crate::error::{Error, Result};
use crate::fetch::Validators;
use crate::model::{Article, Candidate, Fingerprint, RawArticle, RawBody};
use crate::normalize::{self, chrome::Rules, learn, Context, Interrupt};
use crate::source::Collected;
use crate::store::Store;

/// One raw article with what normalising it gave: the article and its notes, or why not.
type NormalizedRaw<'r> = (&'r RawArticle, Result<(Article, normalize::Notes)>);

/// A source's run, as the store records it.
pub enum SourceResult<'f> {
    /// The source as a whole failed; the message is kept for `status`.
    Failed { source: &'f Source, message: String },
    Worked {
        source: &'f Source,
        /// Validators to remember, by URL: only when every article worked, so one that failed
        /// is tried again next run instead of hiding behind a 304.
        validators: Vec<(String, Validators)>,
        /// Files read this run, to recognise unchanged next run; a file whose article failed
        /// is left out, so it is read (and its problem said) again.
        fingerprints: Vec<(String, Fingerprint)>,
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
    /// Folder sources that learned new chrome this run while some of their files were left
    /// unread: the pipeline reads them again in full.
    pub relearned: Vec<(&'f Source, &'f Path)>,
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
        relearned: Vec::new(),
    };
    let watchdog = Watchdog::start();
    let env = Env {
        store,
        site_rules,
        watchdog: &watchdog,
        now,
    };
    for Gathered { source, outcome } in gathered {
        match outcome {
            Ok(collected) => source_articles(&env, source, collected, &mut out)?,
            Err(error) => {
                out.runs.push(SourceResult::Failed {
                    source,
                    message: error.to_string(),
                });
                out.problems.push(Problem {
                    scope: Scope::Source(source.name.clone()),
                    error,
                    seen: 1,
                });
            }
        }
    }
    Ok(out)
}

/// What every source of a feed is normalised with.
struct Env<'e> {
    store: &'e Store,
    site_rules: &'e [SiteRule],
    watchdog: &'e Watchdog,
    now: DateTime<Utc>,
}

/// One working source's articles into candidates, its run and problems into `out`.
fn source_articles<'f>(
    env: &Env,
    source: &'f Source,
    collected: Collected,
    out: &mut Normalized<'f>,
) -> Result<()> {
    let mut clean = collected.problems.is_empty();
    for error in collected.problems {
        out.problems.push(article_problem(source, error));
    }
    let teasers: HashSet<&str> = collected.teasers.iter().map(String::as_str).collect();
    let (normalized, learned_changed) = normalize_source(env, source, &collected.articles)?;
    let mut failed = HashSet::new();
    let mut missed_rules = Vec::new();
    for (raw, result) in normalized {
        match result {
            Ok((mut article, notes)) => {
                // A local article that names no URL of its own links to the page written for it.
                if article.link.is_none() {
                    article.link = crate::source::dir::written_page(source, &raw.key);
                }
                out.notes.extend(
                    notes
                        .said
                        .into_iter()
                        .map(|n| format!("source {}: {n}", source.name)),
                );
                if let Some(missed) = notes.missed_rule.filter(|m| !missed_rules.contains(m)) {
                    missed_rules.push(missed);
                }
                out.candidates.push(Candidate {
                    source: source.name.clone(),
                    key: raw.key.clone(),
                    partial: teasers.contains(raw.key.as_str()),
                    article,
                });
            }
            Err(error) => {
                clean = false;
                failed.insert(raw.key.as_str());
                out.problems.push(article_problem(source, error));
            }
        }
    }
    // One problem per rule, however many of the source's articles it missed.
    for what in missed_rules {
        out.problems
            .push(article_problem(source, Error::Health { what }));
    }
    // Files left unread were normalised with what the source had learned before; when that
    // changed, the source must be read again in full.
    if let (true, true, SourceKind::Dir(dir)) =
        (learned_changed, !collected.known.is_empty(), &source.kind)
    {
        out.relearned.push((source, dir));
    }
    let fingerprints = collected
        .fingerprints
        .into_iter()
        .filter(|(key, _)| !failed.contains(key.as_str()))
        .collect();
    out.runs.push(SourceResult::Worked {
        source,
        validators: collected.validators,
        fingerprints,
        clean,
        yielded: Yield {
            unchanged: collected.unchanged,
            known: collected.known,
        },
    });
    Ok(())
}

impl<'f> Normalized<'f> {
    /// Puts `again`, a fresh normalisation of some sources, in place of what these held for
    /// them, keeping candidates in source order (selection keeps the first of a story).
    pub fn replace(&mut self, again: Normalized<'f>, order: &[Source]) {
        let names: HashSet<&str> = again
            .runs
            .iter()
            .map(|r| r.source().name.as_str())
            .collect();
        self.candidates
            .retain(|c| !names.contains(c.source.as_str()));
        self.runs
            .retain(|r| !names.contains(r.source().name.as_str()));
        self.problems
            .retain(|p| p.source().is_none_or(|s| !names.contains(s)));
        self.candidates.extend(again.candidates);
        self.runs.extend(again.runs);
        self.problems.extend(again.problems);
        self.notes.extend(again.notes);
        let position = |name: &str| order.iter().position(|s| s.name == name);
        self.candidates.sort_by_key(|c| position(&c.source));
        self.runs.sort_by_key(|r| position(&r.source().name));
    }
}

impl SourceResult<'_> {
    pub fn source(&self) -> &Source {
        match self {
            SourceResult::Failed { source, .. } | SourceResult::Worked { source, .. } => source,
        }
    }
}

/// Learns chrome from the source's new scraped texts and pages, then normalises all of them.
fn normalize_source<'r>(
    env: &Env,
    source: &Source,
    articles: &'r [RawArticle],
) -> Result<(Vec<NormalizedRaw<'r>>, bool)> {
    let store = env.store;
    let budget = Duration::from_millis(source.caps.max_article_ms);
    if articles.is_empty() {
        // Nothing read this run (unchanged files, a 304): nothing to count or normalise.
        return Ok((Vec::new(), false));
    }
    let rules = rules_for(Some(source));
    let nothing_learned = learn::Learned::default();
    let before = learned_for(store, &source.name)?;
    // The threads below share these, never the store.
    let (watchdog, site_rules, now) = (env.watchdog, env.site_rules, env.now);
    // Only scraped texts and pages teach chrome, each once.
    let mut fresh = Vec::new();
    for raw in articles {
        let teaches = matches!(raw.body, RawBody::Text(_) | RawBody::Html(_));
        if teaches && !store.chrome_counted(&source.name, &raw.key)? {
            fresh.push(raw);
        }
    }
    // One article under its own time budget, with what the source has learned so far.
    let normalize_one = |raw: &RawArticle, learned: &learn::Learned| {
        let armed = watchdog.arm(budget);
        let ctx = context(
            (now, site_rules),
            source,
            raw,
            (&rules, learned),
            armed.interrupt(),
        );
        normalize::normalize_noted(raw, &ctx)
    };
    let counted = crate::pool::map(&fresh, |raw| match &raw.body {
        RawBody::Text(text) => (learn::candidates(text), None),
        // A page's blocks as extraction keeps them before anything learned is removed, so
        // what was learned does not erase its own evidence.
        _ => {
            let result = normalize_one(raw, &nothing_learned);
            let lines = match &result {
                Ok((article, _)) => learn::candidates(&article.content_text),
                Err(_) => Vec::new(),
            };
            (lines, result.ok())
        }
    });
    for (raw, (lines, _)) in fresh.iter().zip(&counted) {
        store.count_chrome(&source.name, &raw.key, lines)?;
    }
    // The counts moved only when a new article was counted.
    let (learned, changed) = match fresh.is_empty() {
        false => {
            let after = learned_for(store, &source.name)?;
            let changed = after.keys != before.keys;
            (after, changed)
        }
        true => (before, false),
    };
    // With nothing learned, a page normalised for counting is what normalising it again would
    // give (normalising is pure): it is not extracted twice.
    let mut reusable: std::collections::HashMap<&str, (Article, normalize::Notes)> =
        Default::default();
    if learned.keys.is_empty() {
        for (raw, (_, done)) in fresh.iter().zip(counted) {
            if let Some(done) = done {
                reusable.insert(raw.key.as_str(), done);
            }
        }
    }
    let work: Vec<_> = articles
        .iter()
        .map(|raw| {
            (
                raw,
                std::sync::Mutex::new(reusable.remove(raw.key.as_str())),
            )
        })
        .collect();
    // Each article alone, on every core: normalising is pure, so only the order is kept.
    let results = crate::pool::map(&work, |(raw, done)| {
        let done = done.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(done) = done {
            return Ok(done);
        }
        normalize_one(raw, &learned).map_err(|e| match e {
            Error::EmptyArticle { key } => Error::EmptyArticle {
                key: format!("{}: {key}", source.name),
            },
            e => e,
        })
    });
    Ok((articles.iter().zip(results).collect(), changed))
}

fn article_problem(source: &Source, error: Error) -> Problem {
    Problem {
        scope: Scope::Article(source.name.clone()),
        error,
        seen: 1,
    }
}

fn context<'c>(
    (now, site_rules): (DateTime<Utc>, &'c [SiteRule]),
    source: &Source,
    raw: &RawArticle,
    (rules, learned): (&'c Rules, &'c learn::Learned),
    interrupt: &'c Interrupt,
) -> Context<'c> {
    Context {
        now,
        file_time: raw.file_time,
        timezone: source.timezone,
        rules,
        learned,
        site_rules,
        caps: source.caps,
        interrupt,
        trace: None,
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
