//! Stage 5, publish: the feed rendered in every format straight from the store, one item in
//! memory at a time, into temp files; each file checked the way a strict reader parses it,
//! put in place only when its bytes changed, with the feed's page beside it; and the hub told
//! of what did.

use std::io::BufWriter;

use chrono::{DateTime, Utc};
use tempfile::NamedTempFile;

use super::report::FeedReport;
use crate::config::{Feed, Site};
use crate::error::{Error, Result};
use crate::model::Item;
use crate::publish::{self, site, write, FeedHead, FeedSummary, Format, ItemSource};
use crate::store::Store;
use crate::websub;

/// Where a feed goes and who hears of it.
pub struct Outlet<'a> {
    pub dir: &'a std::path::Path,
    /// Render and verify only (a dry run).
    pub dry_run: bool,
    /// The WebSub hub and a client for it, when `[site] websub_hub` is set.
    pub hub: Option<&'a (reqwest::Client, url::Url)>,
}

/// Every format of the feed `name`, and its page, are in `dir`: what an unchanged feed may
/// rely on.
pub fn files_exist(dir: &std::path::Path, name: &str) -> bool {
    Format::ALL
        .iter()
        .map(|f| f.file_name(name))
        .chain([site::page_name(name)])
        .all(|f| dir.join(f).is_file())
}

/// A feed's newest `limit` items, read from the store as rendering goes.
pub struct Stored<'a> {
    pub store: &'a Store,
    pub feed: &'a str,
    pub limit: usize,
}

impl ItemSource for Stored<'_> {
    fn dates(&mut self) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        self.store.item_dates(self.feed, self.limit)
    }

    fn each(&mut self, limit: usize, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
        self.store.each_item(self.feed, limit.min(self.limit), each)
    }
}

/// What a feed is rendered from besides its items.
pub struct Inputs<'a> {
    pub feed: &'a Feed,
    pub site: &'a Site,
    /// Dates a feed with no items.
    pub first_run: DateTime<Utc>,
    pub ttl: Option<u32>,
    pub now: DateTime<Utc>,
}

/// What [`write`] did, for the hub.
pub struct Written {
    pub summary: FeedSummary,
    changed: Vec<Format>,
}

/// Renders the feed from `source` through the gate, checks every file and writes those that
/// changed, and the feed's page. `None` when the feed did not pass the gate (the report says
/// why). Synchronous: the store is read as the files are written.
pub fn write(
    inputs: &Inputs,
    source: &mut dyn ItemSource,
    outlet: &Outlet,
    report: &mut FeedReport,
) -> Result<Option<Written>> {
    let Inputs {
        feed,
        site,
        first_run,
        ttl,
        now,
    } = *inputs;
    let dir = outlet.dir;
    let mut open = |format: Format| -> Result<BufWriter<NamedTempFile>> {
        let tmp = match outlet.dry_run {
            true => NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e)),
            false => write::temp_file(dir),
        };
        tmp.map(|t| BufWriter::with_capacity(64 << 10, t))
            .map_err(|e| write_failed(feed, dir, &format.file_name(&feed.name), e))
    };
    let rendered = match publish::render_gated(feed, site, source, first_run, ttl, now, &mut open) {
        Ok(r) => r,
        Err(e @ (Error::Invalid { .. } | Error::WriteFailed { .. })) => {
            report.failure(e);
            return Ok(None);
        }
        Err(other) => return Err(other),
    };
    gate_notes(site, &rendered, &mut report.notes);
    report.items = rendered.listed.len();
    let mut changed = Vec::new();
    let mut all_written = true;
    for (format, out, layout) in rendered.files {
        let name = format.file_name(&feed.name);
        let mut tmp = match out.into_inner() {
            Ok(tmp) => tmp,
            Err(e) => {
                report.failure(write_failed(
                    feed,
                    dir,
                    &name,
                    Error::io(dir, e.into_error()),
                ));
                all_written = false;
                break;
            }
        };
        if let Err(message) = publish::verify_file(format, tmp.as_file_mut(), &layout) {
            let error = Error::Invalid {
                feed: feed.name.clone(),
                message: format!("{}: {message}", format.extension()),
            };
            report.failure(error);
            continue;
        }
        if outlet.dry_run {
            continue;
        }
        match write::replace_if_changed(dir, &name, tmp) {
            Ok(true) => {
                report.written.push(dir.join(name));
                changed.push(format);
            }
            Ok(false) => {}
            // The feed's problem, not the run's: the other feeds are still published. Its
            // other formats are not tried, as a full disk or a read-only folder fails them all
            // and one message says it.
            Err(e @ Error::Io { .. }) => {
                report.failure(write_failed(feed, dir, &name, e));
                all_written = false;
                break;
            }
            Err(other) => return Err(other),
        }
    }
    if !outlet.dry_run && all_written {
        let page = site::page_name(&feed.name);
        let html = site::feed_html(&rendered.head, &rendered.listed, site);
        match write::write_if_changed(dir, &page, &html) {
            Ok(_) => {}
            Err(e @ Error::Io { .. }) => report.failure(write_failed(feed, dir, &page, e)),
            Err(other) => return Err(other),
        }
        article_pages(
            inputs,
            &rendered.head,
            rendered.listed.len(),
            source,
            dir,
            report,
        )?;
    }
    let summary = FeedSummary {
        head: rendered.head,
        items: rendered.listed.len(),
    };
    Ok(Some(Written { summary, changed }))
}

/// The pages of the feed's local articles: one per item the feed lists (the newest `listed`),
/// the pages of items that left it removed.
fn article_pages(
    inputs: &Inputs,
    head: &FeedHead,
    listed: usize,
    source: &mut dyn ItemSource,
    dir: &std::path::Path,
    report: &mut FeedReport,
) -> Result<()> {
    let (feed, site) = (inputs.feed, inputs.site);
    let mut pages = site::ArticlePages::new(dir, &feed.name, site);
    let done = source
        .each(listed, &mut |item| pages.write(head, &item, site))
        .and_then(|()| {
            let written = std::mem::take(&mut pages.written);
            pages.finish().map(|removed| (written, removed))
        });
    match done {
        Ok((written, removed)) => {
            report.written.extend(written);
            tracing::debug!(feed = feed.name, removed = removed.len(), "article pages");
        }
        // Said like any file of the feed that could not be written; the run goes on.
        Err(Error::Io { path, source }) => report.failure(Error::WriteFailed {
            feed: feed.name.clone(),
            path,
            cause: source,
        }),
        Err(other) => return Err(other),
    }
    Ok(())
}

/// Tells the hub of the formats whose files changed.
pub async fn ping(written: &Written, outlet: &Outlet<'_>, report: &mut FeedReport) {
    if let Some((client, hub)) = outlet.hub {
        let topics = websub::topics(&written.summary.head, &written.changed);
        report.hub_errors = websub::ping_all(client, hub, &topics, websub::Retry::default()).await;
    }
}

/// An I/O failure while writing `name` as [`Error::WriteFailed`]; other errors pass as they are.
fn write_failed(feed: &Feed, dir: &std::path::Path, name: &str, e: Error) -> Error {
    match e {
        Error::Io { source, .. } => Error::WriteFailed {
            feed: feed.name.clone(),
            path: dir.join(name),
            cause: source,
        },
        other => other,
    }
}

/// What the gate changed, as notes naming the feed's cap and counts.
fn gate_notes<W>(site: &Site, rendered: &publish::Rendered<W>, notes: &mut Vec<String>) {
    let gated = rendered.gated;
    if gated.clamped > 0 {
        notes.push(format!(
            "{} item(s) dated more than {} minutes ahead were dated now",
            gated.clamped,
            publish::FUTURE_SKEW_MINUTES
        ));
    }
    if gated.left_out > 0 {
        notes.push(format!(
            "{} oldest item(s) left out so that every file fits max_feed_bytes = {}; {} kept",
            gated.left_out,
            site.max_feed_bytes,
            rendered.listed.len()
        ));
    }
}

/// A feed's summary without writing anything: its items rendered through the gate into
/// nothing, for a feed whose summary a database from an earlier build does not hold.
pub fn summarise(inputs: &Inputs, source: &mut dyn ItemSource) -> Option<FeedSummary> {
    let Inputs {
        feed,
        site,
        first_run,
        ttl,
        now,
    } = *inputs;
    let mut open = |_| Ok(std::io::sink());
    let r = publish::render_gated(feed, site, source, first_run, ttl, now, &mut open).ok()?;
    Some(FeedSummary {
        head: r.head,
        items: r.listed.len(),
    })
}

/// The head of a summary read back from the store (see [`FeedSummary`]).
pub fn head(inputs: &Inputs, updated: DateTime<Utc>) -> Option<FeedHead> {
    FeedHead::new(inputs.feed, inputs.site, updated, inputs.ttl).ok()
}
