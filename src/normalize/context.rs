//! What a normalisation path works with: the [`Context`] it is handed (everything from outside,
//! so the stage stays pure) and the [`Draft`] it returns. A leaf, so the paths (`text`,
//! `extract`, `markdown`, `meta`) never import the module that dispatches to them.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use super::{chrome, learn, trace};
use crate::model::Metadata;

/// Everything normalisation needs from outside, passed in so the stage stays pure.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    /// When the article's file was written or its page last modified: anchors relative dates
    /// such as "3 hours ago".
    pub file_time: Option<DateTime<Utc>>,
    /// Zone for dates written without one.
    pub timezone: Tz,
    pub rules: &'a chrome::Rules,
    pub learned: &'a learn::Learned,
    /// The `[[site_rule]]`s of the config; extraction uses the one for the page's host.
    pub site_rules: &'a [SiteRule],
    /// How long an article's parts may be.
    pub caps: ArticleCaps,
    /// Where `explain` collects why each line or block went where it did; `None` in runs.
    pub trace: Option<&'a trace::Trace>,
    /// Raised from outside when the article's time is up.
    pub interrupt: &'a Interrupt,
}

/// A flag the caller raises when an article has used its time budget (`max_article_ms`). The
/// paths look at it between passes and in their long loops and stop early; [`super::normalize`]
/// then gives up on the article. A flag rather than a deadline keeps the stage free of the clock:
/// the caller's watchdog owns the time.
#[derive(Debug, Default)]
pub struct Interrupt(AtomicBool);

/// The interrupt of input outside any run: never raised.
static NEVER: Interrupt = Interrupt::new();

impl Interrupt {
    pub const fn new() -> Interrupt {
        Interrupt(AtomicBool::new(false))
    }

    /// For normalising outside a run (`preview`, tests): a person can stop it.
    pub fn never() -> &'static Interrupt {
        &NEVER
    }

    pub fn raise(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn raised(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How long an article's parts may be: what a reader can display, and what bounds the memory a
/// feed of many articles takes, whatever the sources send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleCaps {
    /// Body HTML, after sanitising; a longer body is cut at a paragraph boundary.
    pub max_item_bytes: usize,
    /// Title, in characters; cut at a word boundary with an ellipsis.
    pub max_title_chars: usize,
    /// Summary, in characters; cut the same way.
    pub max_summary_chars: usize,
    /// How long normalising the article may take, in milliseconds. The caller enforces it
    /// through [`Context::interrupt`]; normalisation itself never reads the clock.
    pub max_article_ms: u64,
}

impl Default for ArticleCaps {
    fn default() -> Self {
        ArticleCaps {
            max_item_bytes: 256 * 1024,
            max_title_chars: 300,
            max_summary_chars: 1000,
            max_article_ms: 10_000,
        }
    }
}

impl<'a> Context<'a> {
    /// A context for input outside any configured source: no file time, naive dates in UTC.
    pub fn new(
        now: DateTime<Utc>,
        rules: &'a chrome::Rules,
        learned: &'a learn::Learned,
    ) -> Context<'a> {
        Context {
            now,
            file_time: None,
            timezone: chrono_tz::UTC,
            rules,
            learned,
            site_rules: &[],
            caps: ArticleCaps::default(),
            interrupt: Interrupt::never(),
            trace: None,
        }
    }

    /// The site rule for a page's host: the host itself or a parent domain (`example.org`
    /// covers `www.example.org`).
    pub fn site_rule(&self, url: Option<&Url>) -> Option<&'a SiteRule> {
        let host = url?.host_str()?.to_ascii_lowercase();
        self.site_rules.iter().find(|r| {
            host == r.host
                || host
                    .strip_suffix(r.host.as_str())
                    .is_some_and(|p| p.ends_with('.'))
        })
    }
}

/// What one path found, before the shared finishing steps.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// What the path found about the article: the page's own metadata, a byline, a dateline.
    pub meta: Metadata,
    /// Body HTML, cleaned as far as `body_kind` says.
    pub body_html: String,
    pub body_kind: BodyKind,
}

/// Who wrote a draft's body, which decides what sanitising is left to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BodyKind {
    /// Markup from outside (a feed's content, Markdown's HTML, a publisher's `articleBody`):
    /// ammonia parses and cleans it.
    #[default]
    Foreign,
    /// Written by the extractor's serialiser: only allow-listed elements and attributes, every
    /// `&`, `<`, `>` and `"` escaped. Its URLs are still as the page wrote them.
    Written,
    /// Clean already: the text path's paragraphs.
    Clean,
}

/// A user's extraction rule for one site (`[[site_rule]]`), as CSS selectors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteRule {
    /// The host it is for; it covers subdomains too.
    pub host: String,
    /// The article body; when it matches nothing, automatic extraction is used.
    pub body: Option<String>,
    /// Removed before anything else.
    pub strip: Vec<String>,
    pub title: Option<String>,
    pub date: Option<String>,
}
