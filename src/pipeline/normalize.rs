//! Stage 2, normalize: each source's raw articles become [`Candidate`]s. What the store learned
//! for the source (its recurring template lines) is counted for new articles first and then
//! handed to the pure normaliser as an argument; everything else here is bookkeeping of what
//! each source yielded, for the store and for `status`.

use chrono::{DateTime, Utc};

use super::budget::Watchdog;
use super::collect::Gathered;
use super::health::Yield;
use super::report::{Problem, Scope};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use crate::config::{SiteRule, Source, SourceKind};
use crate::error::{Error, Result};
use crate::fetch::Validators;
use crate::model::{Article, Candidate, Fingerprint, RawArticle, RawBody};
use crate::normalize::{self, chrome::Rules, learn, Context, Interrupt};
use crate::source::{dir, Collected};
use crate::store::Store;

/// What normalising one article gave: the article and its notes, or why not.
type Outcome = Result<(Article, normalize::Notes)>;

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
        reading: READING,
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
    reading: Reading,
}

/// One working source's articles into candidates, its run and problems into `out`.
fn source_articles<'f>(
    env: &Env,
    source: &'f Source,
    mut collected: Collected,
    out: &mut Normalized<'f>,
) -> Result<()> {
    // First, as it reads a folder's files and so finds their problems too.
    let (normalized, learned_changed) = normalize_source(env, source, &mut collected)?;
    let mut clean = collected.problems.is_empty();
    for error in std::mem::take(&mut collected.problems) {
        out.problems.push(article_problem(source, error));
    }
    let teasers: HashSet<&str> = collected.teasers.iter().map(String::as_str).collect();
    let mut failed: HashSet<String> = HashSet::new();
    let mut missed_rules = Vec::new();
    for (key, result) in normalized {
        match result {
            Ok((mut article, notes)) => {
                // A local article that names no URL of its own links to the page written for it.
                if article.link.is_none() {
                    article.link = crate::source::dir::written_page(source, &key);
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
                    partial: teasers.contains(key.as_str()),
                    key,
                    article,
                });
            }
            Err(error) => {
                clean = false;
                failed.insert(key);
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
        .filter(|(key, _)| !failed.contains(key))
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

/// A source's articles as normalisation goes through them: held in memory, or a folder's
/// files to read again.
enum Batch {
    Held(Vec<RawArticle>),
    Again(Vec<dir::Pending>),
}

/// How much of a folder's files is in memory at once.
#[derive(Clone, Copy)]
struct Reading {
    /// Bytes of files read at once (one batch).
    batch_bytes: u64,
    /// Bytes of files kept in memory between counting chrome and normalising; beyond that a
    /// folder's files are read a second time.
    hold_bytes: u64,
}

/// A folder whose files fit in 64 MiB is read once; a larger one holds no more than that
/// and a batch, so memory does not grow with the folder.
const READING: Reading = Reading {
    batch_bytes: dir::BATCH_BYTES,
    hold_bytes: 64 << 20,
};

/// Learns chrome from the source's new scraped texts and pages, then normalises all of them;
/// the outcomes by key, in the source's order, and whether what the source learned changed. A
/// folder's unread files are read here, a batch at a time: what reading found (known files,
/// fingerprints, problems) goes into `collected`.
fn normalize_source(
    env: &Env,
    source: &Source,
    collected: &mut Collected,
) -> Result<(Vec<(String, Outcome)>, bool)> {
    let store = env.store;
    let budget = Duration::from_millis(source.caps.max_article_ms);
    let unread = collected.unread.take();
    if collected.articles.is_empty() && unread.is_none() {
        // Nothing to read this run (unchanged files, a 304): nothing to count or normalise.
        return Ok((Vec::new(), false));
    }
    let rules = rules_for(Some(source));
    let before = learned_for(store, &source.name)?;
    // The threads below share these, never the store.
    let (watchdog, site_rules, now) = (env.watchdog, env.site_rules, env.now);
    // One article under its own time budget, with what the source has learned so far.
    let normalize_one = |raw: &RawArticle, learned: &learn::Learned| {
        tracing::debug!(source = %source.name, article = %raw.key, "normalising article");
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
    // Pages normalised for counting (with what the source had learned), by key, with the
    // lines their normalising asked about learned chrome: normalising is pure, so when what
    // the source learned now agrees with before on all those lines, normalising again gives
    // the same, and they are not extracted twice.
    let mut reusable: HashMap<String, (Outcome, learn::Asked)> = HashMap::new();
    let mut counted_any = false;
    // Only scraped texts and pages teach chrome, each once.
    let mut count = |articles: &[RawArticle]| -> Result<()> {
        let mut fresh = Vec::new();
        for raw in articles {
            let teaches = matches!(raw.body, RawBody::Text(_) | RawBody::Html(_));
            if teaches && !store.chrome_counted(&source.name, &raw.key)? {
                fresh.push(raw);
            }
        }
        let counted = crate::pool::map(&fresh, |raw| match &raw.body {
            RawBody::Text(text) => (learn::candidates(text), None),
            // A page's lines as extraction keeps them, and the learned ones it removed: what
            // was learned does not erase its own evidence.
            _ => {
                let recording = before.recording();
                let result = normalize_one(raw, &recording);
                let asked = recording.asked();
                let lines = match &result {
                    Ok((article, _)) => {
                        let mut lines = learn::candidates(&article.content_text);
                        lines.extend(asked.removed.iter().cloned());
                        lines
                    }
                    Err(_) => Vec::new(),
                };
                (lines, result.ok().map(|done| (done, asked)))
            }
        });
        for (raw, (lines, done)) in fresh.iter().zip(counted) {
            store.count_chrome(&source.name, &raw.key, &lines)?;
            if let Some((done, asked)) = done {
                reusable.insert(raw.key.clone(), (Ok(done), asked));
            }
        }
        counted_any |= !fresh.is_empty();
        Ok(())
    };
    // Every article is counted first; a folder's files are read for it a batch at a time.
    let mut batches = Vec::new();
    if !collected.articles.is_empty() {
        let articles = std::mem::take(&mut collected.articles);
        count(&articles)?;
        batches.push(Batch::Held(articles));
    }
    if let Some(unread) = &unread {
        let mut held = 0;
        for files in unread.batches(env.reading.batch_bytes) {
            let mut read = Collected::default();
            dir::read(source, files, &mut read);
            collected.known.append(&mut read.known);
            collected.fingerprints.append(&mut read.fingerprints);
            collected.problems.append(&mut read.problems);
            count(&read.articles)?;
            let bytes: u64 = files.iter().map(dir::Pending::size).sum();
            if held + bytes <= env.reading.hold_bytes {
                held += bytes;
                batches.push(Batch::Held(read.articles));
            } else {
                batches.push(Batch::Again(unread.again(&read.articles)));
            }
        }
    }
    // The counts moved only when a new article was counted.
    let after = match counted_any {
        true => Some(learned_for(store, &source.name)?),
        false => None,
    };
    let learned = after.as_ref().unwrap_or(&before);
    let changed = learned.keys != before.keys;
    reusable.retain(|_, (_, asked)| !learned.differs_on(&before, asked));
    let mut reusable: HashMap<String, Outcome> = reusable
        .into_iter()
        .map(|(key, (outcome, _))| (key, outcome))
        .collect();
    // Each article alone, on every core: normalising is pure, so only the order is kept.
    let normalize_all = |articles: &[RawArticle], reusable: &mut HashMap<String, Outcome>| {
        let work: Vec<_> = articles
            .iter()
            .map(|raw| (raw, std::sync::Mutex::new(reusable.remove(&raw.key))))
            .collect();
        let results = crate::pool::map(&work, |(raw, done)| {
            if let Some(done) = done.lock().unwrap_or_else(|e| e.into_inner()).take() {
                return done;
            }
            normalize_one(raw, learned).map_err(|e| match e {
                Error::EmptyArticle { key } => Error::EmptyArticle {
                    key: format!("{}: {key}", source.name),
                },
                e => e,
            })
        });
        articles
            .iter()
            .map(|raw| raw.key.clone())
            .zip(results)
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    for batch in batches {
        match batch {
            Batch::Held(articles) => out.extend(normalize_all(&articles, &mut reusable)),
            Batch::Again(files) => {
                // Pages normalised while counting need no second reading.
                let unread: Vec<_> = files
                    .iter()
                    .filter(|f| !reusable.contains_key(f.key()))
                    .cloned()
                    .collect();
                let mut read = Collected::default();
                dir::read_again(source, &unread, &mut read);
                let mut done: HashMap<String, Outcome> =
                    normalize_all(&read.articles, &mut reusable)
                        .into_iter()
                        .collect();
                let mut problems = read.problems.into_iter();
                for file in files {
                    let key = file.key().to_string();
                    let outcome = match reusable.remove(&key).or_else(|| done.remove(&key)) {
                        Some(outcome) => outcome,
                        // Read a moment ago and unreadable now: it changed during the run.
                        None => Err(problems.next().unwrap_or_else(|| Error::BadFile {
                            path: file.path().to_path_buf(),
                            line: 1,
                            message:
                                "the file changed while the run read it; it is read again next run"
                                    .into(),
                        })),
                    };
                    out.push((key, outcome));
                }
            }
        }
    }
    Ok((out, changed))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_config::Builder;

    /// A line every file of the folder below ends with: learned as the source's template.
    const TEMPLATE: &str = "Printed from the Riverside Gazette archive of local notices";

    /// A folder of pages and scraped texts, each naming its own subject.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (i, subject) in ["harbour", "library", "orchard", "tramway", "bakery"]
            .iter()
            .enumerate()
        {
            let para = format!("The {subject} reopened this week after repairs that took a year. ");
            let page = format!(
                "<html><head><title>The {subject} reopens</title></head><body><nav><a href=/>Home</a></nav>\
                 <article><h1>The {subject} reopens</h1><p>{}</p><p>{}</p><p>{TEMPLATE}</p></article></body></html>",
                para.repeat(4),
                para.repeat(3)
            );
            std::fs::write(dir.path().join(format!("{i}-{subject}.html")), page).unwrap();
            let text = format!(
                "The {subject} reopens\n\n{}\n\n{}\n\n{TEMPLATE}",
                para.repeat(3),
                para.repeat(2)
            );
            std::fs::write(dir.path().join(format!("{i}-{subject}.txt")), text).unwrap();
        }
        // Pages without the template line: what was learned cannot change them.
        for subject in ["ferry", "market"] {
            let page = format!(
                "<html><head><title>The {subject} timetable changes</title></head><body>\
                 <article><h1>The {subject} timetable changes</h1><p>{}</p></article></body></html>",
                format!("From Monday the {subject} keeps its winter hours, the operator said. ").repeat(5)
            );
            std::fs::write(dir.path().join(format!("9-{subject}.html")), page).unwrap();
        }
        dir
    }

    /// An article's key with its title and text, or the error.
    type Seen = (String, std::result::Result<(String, String), String>);

    /// The folder's outcomes read with `reading`, on a fresh state.
    fn outcomes(dir: &Path, reading: Reading) -> Vec<Seen> {
        let state = tempfile::tempdir().unwrap();
        outcomes_in(state.path(), dir, reading)
    }

    /// The folder's new files' outcomes read with `reading`, with the state in `state`.
    fn outcomes_in(state: &Path, dir: &Path, reading: Reading) -> Vec<Seen> {
        let store = Store::open(&state.join("state.db")).unwrap();
        let source = Builder::new()
            .source("name = \"s\"\ndir = \"x\"")
            .build_source();
        let watchdog = Watchdog::start();
        let env = Env {
            store: &store,
            site_rules: &[],
            watchdog: &watchdog,
            now: chrono::Utc::now(),
            reading,
        };
        let mut collected = dir::collect(&source, dir, &HashMap::new()).unwrap();
        assert!(
            collected.articles.is_empty(),
            "listing a folder reads no file"
        );
        let (outcomes, _) = normalize_source(&env, &source, &mut collected).unwrap();
        assert_eq!(collected.fingerprints.len(), outcomes.len());
        let seen = |o: Outcome| {
            o.map(|(a, _)| (a.title, a.content_text))
                .map_err(|e| e.to_string())
        };
        let outcomes: Vec<Seen> = outcomes.into_iter().map(|(k, o)| (k, seen(o))).collect();
        // Each as normalising it alone with what the source learned gives, whether it was
        // normalised again or its normalising for the count was kept.
        let learned = learned_for(&store, "s").unwrap();
        let rules = rules_for(Some(&source));
        let mut again = dir::collect(&source, dir, &HashMap::new()).unwrap();
        dir::read_some(&source, &mut again, usize::MAX);
        for (raw, (key, got)) in again.articles.iter().zip(&outcomes) {
            let armed = watchdog.arm(Duration::from_secs(60));
            let ctx = context(
                (env.now, &[]),
                &source,
                raw,
                (&rules, &learned),
                armed.interrupt(),
            );
            let alone = seen(normalize::normalize_noted(raw, &ctx));
            assert_eq!((&raw.key, &alone), (key, got));
        }
        outcomes
    }

    #[test]
    fn a_folder_read_a_file_at_a_time_and_twice_normalises_as_each_file_alone() {
        let dir = folder();
        let whole = outcomes(dir.path(), READING);
        assert_eq!(whole.len(), 12);
        assert!(whole.iter().all(|(_, o)| o.is_ok()), "{whole:?}");
        // What the files taught is used on all that have the line, pages included: they are
        // normalised again after counting (the two pages without it need not be).
        for (key, o) in whole.iter().filter(|(k, _)| !k.starts_with('9')) {
            let (title, text) = o.as_ref().unwrap();
            assert!(title.ends_with("reopens"), "{key}: {title}");
            assert!(
                text.contains("reopened") && !text.contains(TEMPLATE),
                "{key}: {text}"
            );
        }
        assert!(
            whole.windows(2).all(|w| w[0].0 < w[1].0),
            "in the files' order"
        );
        // One file per batch, nothing held: every text is read again for normalising.
        let tight = Reading {
            batch_bytes: 1,
            hold_bytes: 0,
        };
        assert_eq!(outcomes(dir.path(), tight), whole);
        let some_held = Reading {
            batch_bytes: 1,
            hold_bytes: 1_500,
        };
        assert_eq!(outcomes(dir.path(), some_held), whole);
    }

    #[test]
    fn learned_chrome_holds_for_new_pages_normalised_once_with_it() {
        let (state, first) = (tempfile::tempdir().unwrap(), folder());
        outcomes_in(state.path(), first.path(), READING);
        let store = Store::open(&state.path().join("state.db")).unwrap();
        assert!(learned_for(&store, "s").unwrap().contains(TEMPLATE));
        // A later run's new pages: normalised with the template already learned, which they
        // still count as seen, so it stays learned and their first normalising stands.
        let later = tempfile::tempdir().unwrap();
        for subject in ["quarry", "lighthouse", "canal"] {
            let para = format!("The {subject} opened to visitors this week after a long closure. ");
            let page = format!(
                "<html><head><title>The {subject} opens</title></head><body><article><h1>The {subject} opens</h1>\
                 <p>{}</p><p>{TEMPLATE}</p></article></body></html>",
                para.repeat(5)
            );
            std::fs::write(later.path().join(format!("{subject}.html")), page).unwrap();
        }
        let got = outcomes_in(state.path(), later.path(), READING);
        assert_eq!(got.len(), 3);
        for (key, o) in &got {
            let (_, text) = o.as_ref().unwrap();
            assert!(
                text.contains("visitors") && !text.contains(TEMPLATE),
                "{key}: {text}"
            );
        }
        assert!(learned_for(&store, "s").unwrap().contains(TEMPLATE));
    }
}
