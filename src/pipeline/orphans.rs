//! Output files no feed writes any more (a feed was removed or renamed): removed with
//! `--prune`, else warned about once, so cron does not repeat the same warning forever. The
//! same holds for the objects in the bucket of `publish_to`.

use std::collections::HashSet;
use std::path::PathBuf;

use super::publish::{forget_upload, Remote};
use super::RunOptions;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::publish::{site, Format};
use crate::store::Store;

/// The feeds of the config, and those of them that keep an archive.
struct Names<'a> {
    feeds: HashSet<&'a str>,
    archiving: HashSet<&'a str>,
}

/// Whether `file` is a feed's file or page (`index.html` is the site's, not a feed's) of a
/// feed not in `names`; `NAME-archive-N` files belong to feed NAME while it keeps an archive.
fn orphaned(file: &str, names: &Names) -> bool {
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    let feed_format = Format::ALL.iter().any(|f| f.extension() == ext);
    let ours = feed_format || (ext == "html" && file != site::INDEX);
    let archive_page = stem.rsplit_once("-archive-").is_some_and(|(feed, n)| {
        names.archiving.contains(feed) && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    });
    ours && !names.feeds.contains(stem) && !(feed_format && archive_page)
}

fn feed_names(config: &Config) -> Names<'_> {
    Names {
        feeds: config.feeds.iter().map(|f| f.name.as_str()).collect(),
        archiving: config
            .feeds
            .iter()
            .filter(|f| f.archive)
            .map(|f| f.name.as_str())
            .collect(),
    }
}

/// The warning for an orphan at `place` (a path, or an object's key).
fn warning(place: &str) -> String {
    format!("{place}: no feed in the config writes this file any more; `feedsmith run --prune` removes it")
}

pub fn handle(config: &Config, store: &Store, opts: &RunOptions) -> Result<Vec<String>> {
    let dir = &config.site.output_dir;
    let mut warnings = Vec::new();
    if opts.dry_run {
        return Ok(warnings);
    }
    let names = feed_names(config);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(warnings);
    };
    let mut orphans: Vec<(String, PathBuf)> = Vec::new();
    let mut folders = Vec::new();
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            // The article pages of a feed no longer in the config.
            if !names.feeds.contains(file.as_str()) {
                let pages = site::article_page_names(dir, &file);
                orphans.extend(pages.into_iter().map(|page| (page.clone(), dir.join(page))));
                folders.push(e.path());
            }
        } else if orphaned(&file, &names) {
            orphans.push((file, e.path()));
        }
    }
    orphans.sort();
    for (file, path) in orphans {
        if opts.prune {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            store.forget_orphan(&file)?;
            tracing::info!(file, "pruned");
        } else if store.warn_orphan_once(&file, opts.now)? {
            warnings.push(warning(&path.display().to_string()));
        }
    }
    if opts.prune {
        for folder in folders {
            // Only when nothing else is left in it.
            let _ = std::fs::remove_dir(folder);
        }
    }
    Ok(warnings)
}

/// [`handle`] for the objects directly under the bucket's prefix; the state remembers them by
/// key, apart from the local files.
pub async fn handle_remote(
    config: &Config,
    store: &mut Store,
    opts: &RunOptions,
    remote: &Remote,
) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    if opts.dry_run {
        return Ok(warnings);
    }
    let names = feed_names(config);
    let mut orphans: Vec<String> = remote
        .bucket
        .names()
        .await?
        .into_iter()
        .filter(|file| orphaned(file, &names))
        .collect();
    // The article pages of feeds no longer in the config.
    for folder in remote.bucket.folders().await? {
        if !names.feeds.contains(folder.as_str()) {
            orphans.extend(remote.bucket.names_in(&folder).await?);
        }
    }
    orphans.sort();
    for file in orphans {
        let key = remote.bucket.key(&file);
        if opts.prune {
            remote.bucket.delete(&file).await?;
            store.forget_orphan(&key)?;
            forget_upload(store, &key)?;
            tracing::info!(key, "pruned");
        } else if store.warn_orphan_once(&key, opts.now)? {
            warnings.push(warning(&key));
        }
    }
    Ok(warnings)
}
