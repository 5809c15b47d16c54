//! Stage 5, publish: the feed rendered in every format straight from the store, one item in
//! memory at a time, into temp files; each file checked the way a strict reader parses it,
//! put in place only when its bytes changed, with the feed's page beside it; copied to object
//! storage when `publish_to` is set; and the hub told of what changed.

use std::io::{BufWriter, Write};

use chrono::{DateTime, Utc};
use tempfile::NamedTempFile;

use super::report::FeedReport;
use crate::config::{Feed, Site};
use crate::error::{Error, Result};
use crate::model::Item;
use crate::publish::remote::Bucket;
use crate::publish::{
    self, site, write, Archive, Extras, FeedHead, FeedSummary, Format, ItemSource, Object,
};
use crate::serve::{content_type, CachePolicy};
use crate::store::Scope;
use crate::store::Store;
use crate::websub;

/// Object storage the output folder is copied to (`[site] publish_to`), and the cache
/// lifetimes its objects are given.
pub struct Remote {
    pub bucket: Bucket,
    pub cache: CachePolicy,
}

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
    feed_files(name).iter().all(|f| dir.join(f).is_file())
}

/// Every archive page of the feed `name` (`pages` of them, if it keeps an archive) is in `dir`.
pub fn archive_exists(dir: &std::path::Path, name: &str, pages: Option<u32>) -> bool {
    (1..=pages.unwrap_or(0)).all(|page| {
        Format::ALL
            .iter()
            .all(|f| dir.join(f.archive_name(name, page)).is_file())
    })
}

/// A feed's items of `scope` (its newest `limit`, or one archive page), read from the store as
/// rendering goes.
pub struct Stored<'a> {
    pub store: &'a Store,
    pub feed: &'a str,
    pub scope: Scope,
}

impl ItemSource for Stored<'_> {
    fn dates(&mut self) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        self.store.item_dates(self.feed, self.scope)
    }

    fn each(&mut self, limit: usize, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
        // The newest items are read no further than asked; an archive page is short anyway.
        let scope = match self.scope {
            Scope::Newest(n) => Scope::Newest(n.min(limit)),
            page => page,
        };
        let mut left = limit;
        self.store.each_item_in(self.feed, scope, &mut |item| {
            if left == 0 {
                return Ok(());
            }
            left -= 1;
            each(item)
        })
    }

    fn extras(&mut self) -> Result<Extras> {
        let mut extras = Extras::default();
        for m in self.store.item_media(self.feed, self.scope)? {
            extras.see_parts(m.image, m.podcast.as_ref(), m.language.as_deref());
        }
        Ok(extras)
    }
}

/// What a feed is rendered from besides its items.
pub struct Inputs<'a> {
    pub feed: &'a Feed,
    pub site: &'a Site,
    /// Dates a feed with no items.
    pub first_run: DateTime<Utc>,
    pub ttl: Option<u32>,
    /// The document's place in the feed's archive, when it keeps one.
    pub archive: Option<Archive>,
    pub now: DateTime<Utc>,
}

/// What [`write`] did, for the hub.
pub struct Written {
    pub summary: FeedSummary,
    changed: Vec<Format>,
}

impl Written {
    /// Counts the formats among `names` (uploaded just now) as changed, for the hub: their
    /// public copies are new even when the local files were already the same.
    pub fn uploaded(&mut self, names: &[String]) {
        for format in Format::ALL {
            if names.contains(&format.file_name(self.summary.head.name()))
                && !self.changed.contains(&format)
            {
                self.changed.push(format);
            }
        }
    }
}

/// The files of feed `name` in the order they are uploaded: its feeds, then its page (which
/// links them).
pub fn feed_files(name: &str) -> Vec<String> {
    Format::ALL
        .iter()
        .map(|f| f.file_name(name))
        .chain([site::page_name(name)])
        .collect()
}

/// Uploads `names` from `dir`, in order, each unless the bucket was last given these very
/// bytes with these headers (the hash of both is kept in the state, so nothing is read back
/// from the bucket); pushes each name uploaded on `uploaded`. Stops at the first failure, an
/// [`Error::Remote`] naming the object and the endpoint: the objects after it are left as
/// they were, so the feeds a page links are never older than the page.
pub async fn upload(
    remote: &Remote,
    store: &mut Store,
    dir: &std::path::Path,
    names: &[String],
    uploaded: &mut Vec<String>,
) -> Result<()> {
    for name in names {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let object = Object {
            name,
            content_type: content_type(name).unwrap_or("application/octet-stream"),
            cache_control: format!("public, max-age={}", remote.cache.stored_lifetime(name)),
            bytes,
        };
        let key = remote.bucket.key(name);
        let setting = format!("uploaded:{key}");
        let hash = object_hash(&object);
        if store.setting(&setting)?.as_deref() == Some(hash.as_str()) {
            continue;
        }
        remote.bucket.put(object).await?;
        store.set_setting(&setting, &hash)?;
        tracing::debug!(%key, "uploaded");
        uploaded.push(name.clone());
    }
    Ok(())
}

/// What an object was uploaded as: its headers and its bytes.
fn object_hash(object: &Object) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(object.content_type);
    h.update([0]);
    h.update(&object.cache_control);
    h.update([0]);
    h.update(&object.bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Forgets what `key` was uploaded as (its object was deleted), so it is uploaded again if a
/// feed writes it once more.
/// Deletes the objects in the bucket's folder `folder` that are not among `kept` (the files
/// the output folder has there now), so a page removed locally goes from the bucket too.
pub async fn delete_gone(
    remote: &Remote,
    store: &mut Store,
    folder: &str,
    kept: &[String],
) -> Result<()> {
    for name in remote.bucket.names_in(folder).await? {
        if !kept.contains(&name) {
            remote.bucket.delete(&name).await?;
            forget_upload(store, &remote.bucket.key(&name))?;
            tracing::debug!(key = remote.bucket.key(&name), "deleted");
        }
    }
    Ok(())
}

pub fn forget_upload(store: &Store, key: &str) -> Result<()> {
    store.set_setting(&format!("uploaded:{key}"), "")
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
        archive,
        now,
    } = *inputs;
    let dir = outlet.dir;
    let file_name = |format: Format| match archive {
        Some(Archive::Page { page, .. }) => format.archive_name(&feed.name, page),
        _ => format.file_name(&feed.name),
    };
    let mut open = |format: Format| -> Result<BufWriter<NamedTempFile>> {
        let tmp = match outlet.dry_run {
            true => NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e)),
            false => write::temp_file(dir),
        };
        tmp.map(|t| BufWriter::with_capacity(64 << 10, t))
            .map_err(|e| write_failed(feed, dir, &file_name(format), e))
    };
    let rendered =
        match publish::render_gated(feed, site, source, first_run, ttl, archive, now, &mut open) {
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
    let mut files = Vec::new();
    for (format, out, layout) in rendered.files {
        match out.into_inner() {
            Ok(tmp) => files.push((format, tmp, layout)),
            Err(e) => {
                let name = file_name(format);
                let e = Error::io(dir, e.into_error());
                report.failure(write_failed(feed, dir, &name, e));
                all_written = false;
                break;
            }
        }
    }
    // Parsing back is most of publishing's work, and each format's file is its own.
    let checked = crate::pool::map(&files, |(format, tmp, layout)| {
        publish::verify_file(*format, tmp.as_file(), layout)
    });
    let mut passed = Vec::new();
    for ((format, tmp, _), checked) in files.into_iter().zip(checked) {
        if let Err(message) = checked {
            let error = Error::Invalid {
                feed: feed.name.clone(),
                message: format!("{}: {message}", format.extension()),
            };
            report.failure(error);
            continue;
        }
        passed.push((file_name(format), tmp));
    }
    let archive_page = matches!(archive, Some(Archive::Page { .. }));
    let page = site::page_name(&feed.name);
    // The feed's page links its formats: it goes last, and only with every one of them.
    let with_page = !outlet.dry_run && all_written && !archive_page;
    if with_page {
        let html = site::feed_html(&rendered.head, &rendered.listed, site);
        let tmp = write::temp_file(dir).and_then(|mut tmp| {
            tmp.write_all(&html)
                .map(|()| tmp)
                .map_err(|e| Error::io(dir.join(&page), e))
        });
        match tmp {
            Ok(tmp) => passed.push((page.clone(), tmp)),
            Err(e @ Error::Io { .. }) => report.failure(write_failed(feed, dir, &page, e)),
            Err(other) => return Err(other),
        }
    }
    if outlet.dry_run {
        passed.clear();
    }
    for (name, put) in write::replace_all_if_changed(dir, passed) {
        let format = Format::ALL.into_iter().find(|f| file_name(*f) == name);
        match put {
            Ok(true) => {
                report.written.push(dir.join(&name));
                changed.extend(format);
            }
            Ok(false) => {}
            // The feed's problem, not the run's: the other feeds are still published. Its
            // other files are not tried, as a full disk or a read-only folder fails them all
            // and one message says it.
            Err(e @ Error::Io { .. }) => {
                report.failure(write_failed(feed, dir, &name, e));
                all_written &= format.is_none();
            }
            Err(other) => return Err(other),
        }
    }
    if with_page && all_written {
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

/// Writes the feed's archive pages (RFC 5005) that can have changed: the newest two (the
/// newest gains items, the one before it its `next-archive` link) and any whose files are
/// missing. Older pages are full and already linked both ways: they are never rewritten.
pub fn write_archive(
    inputs: &Inputs,
    store: &Store,
    outlet: &Outlet,
    report: &mut FeedReport,
) -> Result<()> {
    let Some(Archive::Current { pages }) = inputs.archive else {
        return Ok(());
    };
    let feed = &inputs.feed.name;
    // The report's item count is the subscription document's.
    let items = report.items;
    for page in 1..=pages {
        let missing = Format::ALL
            .iter()
            .any(|f| !outlet.dir.join(f.archive_name(feed, page)).is_file());
        if page + 1 < pages && !missing {
            continue;
        }
        let doc = Inputs {
            archive: Some(Archive::Page { page, pages }),
            ..*inputs
        };
        let mut source = Stored {
            store,
            feed,
            scope: Scope::Page(page),
        };
        write(&doc, &mut source, outlet, report)?;
    }
    report.items = items;
    Ok(())
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
            let written = pages.commit()?;
            match feed.archive {
                // Archive pages (RFC 5005) still link the items past `limit`: their pages stay.
                true => Ok((written, Vec::new())),
                false => pages.finish().map(|removed| (written, removed)),
            }
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
        archive,
        now,
    } = *inputs;
    let mut open = |_| Ok(std::io::sink());
    let r =
        publish::render_gated(feed, site, source, first_run, ttl, archive, now, &mut open).ok()?;
    Some(FeedSummary {
        head: r.head,
        items: r.listed.len(),
    })
}

/// The head of a summary read back from the store (see [`FeedSummary`]).
pub fn head(inputs: &Inputs, updated: DateTime<Utc>) -> Option<FeedHead> {
    FeedHead::new(inputs.feed, inputs.site, updated, inputs.ttl).ok()
}
