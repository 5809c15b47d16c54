//! The run lock: one run at a time per SQLite state database, so two cron runs that overlap
//! never both write the same feed. PostgreSQL state has no file to lock: there, workers claim
//! each feed in the database (`worker`), and copies of `run` are to pick disjoint feeds.

use std::fs::File;

use crate::config::Config;
use crate::error::{Error, Result};

/// Takes the run lock next to the state database; a second run gets [`Error::Locked`]. The lock
/// is held for as long as the returned file is open; none is taken on PostgreSQL.
pub fn lock(config: &Config) -> Result<Option<File>> {
    if config.site.state_url.is_some() {
        return Ok(None);
    }
    let path = config.site.state.with_extension("lock");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked { path }),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}
