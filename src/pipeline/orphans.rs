//! Output files no feed writes any more (a feed was removed or renamed): removed with
//! `--prune`, else warned about once, so cron does not repeat the same warning forever.

use std::collections::HashSet;
use std::path::PathBuf;

use super::RunOptions;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::publish::{site, Format};
use crate::store::Store;

pub fn handle(config: &Config, store: &Store, opts: &RunOptions) -> Result<Vec<String>> {
    let dir = &config.site.output_dir;
    let mut warnings = Vec::new();
    if opts.dry_run {
        return Ok(warnings);
    }
    let names: HashSet<&str> = config.feeds.iter().map(|f| f.name.as_str()).collect();
    // `NAME-archive-N` is an archive page of feed NAME while that feed keeps an archive.
    let archiving: HashSet<&str> = config
        .feeds
        .iter()
        .filter(|f| f.archive)
        .map(|f| f.name.as_str())
        .collect();
    let archive_page = |stem: &str| {
        stem.rsplit_once("-archive-").is_some_and(|(feed, n)| {
            archiving.contains(feed) && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
        })
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(warnings);
    };
    let mut orphans: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let (stem, ext) = file.rsplit_once('.')?;
            // Feed files, and feed pages (`index.html` is the site's, not a feed's).
            let ours = Format::ALL.iter().any(|f| f.extension() == ext)
                || (ext == "html" && file != site::INDEX);
            let feeds_file = Format::ALL.iter().any(|f| f.extension() == ext) && archive_page(stem);
            (ours && !names.contains(stem) && !feeds_file).then(|| (file.clone(), e.path()))
        })
        .collect();
    orphans.sort();
    for (file, path) in orphans {
        if opts.prune {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            store.forget_orphan(&file)?;
            tracing::info!(file, "pruned");
        } else if store.warn_orphan_once(&file, opts.now)? {
            warnings.push(format!(
                "{}: no feed in the config writes this file any more; `feedsmith run --prune` removes it",
                path.display()
            ));
        }
    }
    Ok(warnings)
}
