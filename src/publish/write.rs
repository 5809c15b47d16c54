//! Atomic, idempotent file output: a temp file in the same folder, fsync, 0644, rename, fsync the
//! folder; and nothing at all when the bytes are the same, so an unchanged feed keeps its mtime
//! (and its HTTP validators).

use std::fs;
use std::io::{BufRead, BufReader, Seek, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Temp files start with this; anything left by a killed run is swept by [`sweep_temp_files`].
pub const TEMP_PREFIX: &str = ".feedsmith-tmp-";

/// Writes `bytes` to `dir/name` atomically. Returns false (and touches nothing) when the file
/// already holds exactly these bytes.
pub fn write_if_changed(dir: &Path, name: &str, bytes: &[u8]) -> Result<bool> {
    let path = dir.join(name);
    if fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let mut tmp = temp_file(dir)?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    install(tmp, dir, &path)?;
    Ok(true)
}

/// Many small files of one folder (a feed's article pages) written like [`write_if_changed`],
/// each fsynced before its rename, but a batch's files created, written and fsynced together
/// by a few threads, so the file system commits them as one instead of one after another (each
/// fsync would otherwise cost a journal commit, milliseconds apiece), and the folder synced
/// once per batch.
pub struct Batch {
    dir: std::path::PathBuf,
    /// Changed files not yet written: their paths and bytes.
    pending: Vec<(std::path::PathBuf, Vec<u8>)>,
    /// Files put in place so far.
    pub written: Vec<std::path::PathBuf>,
}

/// Files a [`Batch`] holds before it writes them: bounds its memory.
const BATCH: usize = 64;
/// Threads writing a batch: mostly they wait on the disk, not a core.
const SYNC_THREADS: usize = 8;

impl Batch {
    pub fn new(dir: &Path) -> Batch {
        Batch {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            written: Vec::new(),
        }
    }

    /// Writes `bytes` as `name` in the batch's folder unless the file holds them already; it is
    /// in place once the batch is [`Batch::commit`]ted (or fills).
    pub fn write_if_changed(&mut self, name: &str, bytes: Vec<u8>) -> Result<()> {
        let path = self.dir.join(name);
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        self.pending.push((path, bytes));
        if self.pending.len() >= BATCH {
            self.commit()?;
        }
        Ok(())
    }

    /// Puts every pending file in place: written to temp files and fsynced (together), 0644,
    /// renamed, the folder fsynced.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let dir = self.dir.as_path();
        let write = |bytes: &[u8]| -> Result<NamedTempFile> {
            let mut tmp = temp_file(dir)?;
            let file = tmp.as_file_mut();
            file.write_all(bytes)
                .and_then(|()| file.sync_all())
                .and_then(|()| set_world_readable(file))
                .map_err(|e| Error::io(tmp.path(), e))?;
            Ok(tmp)
        };
        let chunk = pending.len().div_ceil(SYNC_THREADS);
        let written: Vec<Result<NamedTempFile>> = std::thread::scope(|s| {
            let threads: Vec<_> = pending
                .chunks(chunk)
                .map(|files| {
                    s.spawn(move || files.iter().map(|(_, b)| write(b)).collect::<Vec<_>>())
                })
                .collect();
            threads
                .into_iter()
                .flat_map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for ((path, _), tmp) in pending.into_iter().zip(written) {
            tmp?.persist(&path).map_err(|e| Error::io(&path, e.error))?;
            self.written.push(path);
        }
        sync_dir(dir);
        Ok(())
    }
}

/// A temp file in `dir` (created if missing), for [`replace_if_changed`].
pub fn temp_file(dir: &Path) -> Result<NamedTempFile> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))
}

/// Puts the finished temp file `tmp` (from [`temp_file`] on `dir`) in place as `dir/name`
/// atomically, unless the file there already holds the same bytes (then `tmp` is removed and
/// false returned). Compared a block at a time, so a file of any size costs no memory.
pub fn replace_if_changed(dir: &Path, name: &str, mut tmp: NamedTempFile) -> Result<bool> {
    let path = dir.join(name);
    if same_bytes(tmp.as_file_mut(), &path).map_err(|e| Error::io(tmp.path(), e))? {
        return Ok(false);
    }
    install(tmp, dir, &path)?;
    Ok(true)
}

/// Finished temp files of `dir` (each from [`temp_file`] on it) put in place like
/// [`replace_if_changed`], in their order, but the changed ones fsynced together (one thread
/// each, so the file system groups their journal commits) and the folder fsynced once: a
/// feed's files go this way, as each fsync alone costs milliseconds. Stops at the first file
/// that fails. Gives each file tried with whether it changed, or why it failed.
pub fn replace_all_if_changed(
    dir: &Path,
    files: Vec<(String, NamedTempFile)>,
) -> Vec<(String, Result<bool>)> {
    let mut changed = Vec::new();
    let mut unreadable = None;
    for (name, mut tmp) in files {
        let path = dir.join(&name);
        match same_bytes(tmp.as_file_mut(), &path) {
            Ok(same) => changed.push((name, path, (!same).then_some(tmp))),
            Err(e) => {
                unreadable = Some((name, Err(Error::io(tmp.path(), e))));
                break;
            }
        }
    }
    let durable = |tmp: &NamedTempFile| {
        let file = tmp.as_file();
        file.sync_all()
            .and_then(|()| set_world_readable(file))
            .map_err(|e| Error::io(tmp.path(), e))
    };
    let synced: Vec<Option<Result<()>>> = std::thread::scope(|s| {
        let threads: Vec<_> = changed
            .iter()
            .map(|(_, _, tmp)| tmp.as_ref().map(|tmp| s.spawn(move || durable(tmp))))
            .collect();
        let joined = |t: std::thread::ScopedJoinHandle<'_, _>| {
            t.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        };
        threads.into_iter().map(|t| t.map(joined)).collect()
    });
    let mut done = Vec::new();
    for ((name, path, tmp), synced) in changed.into_iter().zip(synced) {
        let result = match (tmp, synced) {
            (Some(tmp), Some(synced)) => synced
                .and_then(|()| tmp.persist(&path).map_err(|e| Error::io(&path, e.error)))
                .map(|_| true),
            _ => Ok(false),
        };
        let failed = result.is_err();
        done.push((name, result));
        if failed {
            break;
        }
    }
    if done.iter().any(|(_, r)| matches!(r, Ok(true))) {
        sync_dir(dir);
    }
    let stopped = done.last().is_some_and(|(_, r)| r.is_err());
    done.extend(unreadable.filter(|_| !stopped));
    done
}

/// Whether `new` (read from its start) holds what the file at `old` holds.
fn same_bytes(new: &mut fs::File, old: &Path) -> std::io::Result<bool> {
    let Ok(old) = fs::File::open(old) else {
        return Ok(false);
    };
    if old.metadata()?.len() != new.metadata()?.len() {
        return Ok(false);
    }
    new.rewind()?;
    let (mut a, mut b) = (BufReader::new(&mut *new), BufReader::new(old));
    loop {
        let (x, y) = (a.fill_buf()?, b.fill_buf()?);
        let n = x.len().min(y.len());
        if n == 0 {
            return Ok(x.len() == y.len());
        }
        if x[..n] != y[..n] {
            return Ok(false);
        }
        a.consume(n);
        b.consume(n);
    }
}

/// fsync, 0644, rename over `path`, fsync the folder.
fn install(tmp: NamedTempFile, dir: &Path, path: &Path) -> Result<()> {
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(tmp.path(), e))?;
    set_world_readable(tmp.as_file()).map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    sync_dir(dir);
    Ok(())
}

#[cfg(unix)]
fn set_world_readable(f: &fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_world_readable(_: &fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Makes the rename durable. Best effort: some file systems refuse to fsync a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes temp files a killed run left behind. Call only while holding the run lock.
pub fn sweep_temp_files(dir: &Path) -> Result<usize> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_once_and_keeps_mtime_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_if_changed(dir.path(), "a.rss", b"one").unwrap());
        let m1 = fs::metadata(dir.path().join("a.rss"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!write_if_changed(dir.path(), "a.rss", b"one").unwrap());
        assert_eq!(
            fs::metadata(dir.path().join("a.rss"))
                .unwrap()
                .modified()
                .unwrap(),
            m1
        );
        assert!(write_if_changed(dir.path(), "a.rss", b"two").unwrap());
        assert_eq!(fs::read(dir.path().join("a.rss")).unwrap(), b"two");
    }

    #[test]
    fn a_temp_file_replaces_only_a_different_file() {
        let dir = tempfile::tempdir().unwrap();
        let put = |bytes: &[u8]| {
            let mut tmp = temp_file(dir.path()).unwrap();
            tmp.write_all(bytes).unwrap();
            replace_if_changed(dir.path(), "a.rss", tmp).unwrap()
        };
        assert!(put(b"one"));
        assert!(!put(b"one"));
        assert!(put(b"two"), "same length, other bytes");
        assert!(put(b"three"));
        assert_eq!(fs::read(dir.path().join("a.rss")).unwrap(), b"three");
        // Nothing is left behind when the file was already there.
        assert_eq!(sweep_temp_files(dir.path()).unwrap(), 0);
    }

    #[test]
    fn a_feeds_files_are_replaced_together_only_where_changed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("f.rss"), b"same").unwrap();
        fs::write(dir.path().join("f.atom"), b"old").unwrap();
        let tmp = |bytes: &[u8]| {
            let mut t = temp_file(dir.path()).unwrap();
            t.write_all(bytes).unwrap();
            t
        };
        let files = vec![
            ("f.rss".to_string(), tmp(b"same")),
            ("f.atom".to_string(), tmp(b"new")),
            ("f.json".to_string(), tmp(b"{}")),
        ];
        let done = replace_all_if_changed(dir.path(), files);
        let got: Vec<(&str, bool)> = done
            .iter()
            .map(|(n, r)| (n.as_str(), *r.as_ref().unwrap()))
            .collect();
        assert_eq!(got, [("f.rss", false), ("f.atom", true), ("f.json", true)]);
        assert_eq!(fs::read(dir.path().join("f.atom")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("f.json")).unwrap(), b"{}");
        assert_eq!(
            sweep_temp_files(dir.path()).unwrap(),
            0,
            "no temp file is left"
        );
        // A file that cannot be put in place stops the rest, and says so.
        fs::create_dir(dir.path().join("d.html")).unwrap();
        fs::write(dir.path().join("d.html/x"), b"").unwrap();
        let files = vec![
            ("d.html".to_string(), tmp(b"page")),
            ("e.html".to_string(), tmp(b"page")),
        ];
        let done = replace_all_if_changed(dir.path(), files);
        assert_eq!(done.len(), 1, "stopped at the first failure");
        assert!(done[0].1.is_err());
        assert!(!dir.path().join("e.html").exists());
    }

    #[test]
    fn a_batch_writes_changed_files_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("same.html"), b"same").unwrap();
        let mut batch = Batch::new(dir.path());
        batch
            .write_if_changed("same.html", b"same".to_vec())
            .unwrap();
        // More than one batch's worth, so it also commits by itself on the way.
        for i in 0..BATCH + 3 {
            batch
                .write_if_changed(&format!("p{i}.html"), format!("page {i}").into_bytes())
                .unwrap();
        }
        assert_eq!(
            batch.written.len(),
            BATCH,
            "the first full batch is in place"
        );
        batch.commit().unwrap();
        assert_eq!(
            batch.written.len(),
            BATCH + 3,
            "the unchanged file is not written"
        );
        assert!(!batch.written.contains(&dir.path().join("same.html")));
        for i in 0..BATCH + 3 {
            let bytes = fs::read(dir.path().join(format!("p{i}.html"))).unwrap();
            assert_eq!(bytes, format!("page {i}").as_bytes());
        }
        assert_eq!(
            sweep_temp_files(dir.path()).unwrap(),
            0,
            "no temp file is left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_are_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write_if_changed(dir.path(), "a.json", b"{}").unwrap();
        let mode = fs::metadata(dir.path().join("a.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn sweeps_stale_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(format!("{TEMP_PREFIX}abc")), b"half").unwrap();
        fs::write(dir.path().join("keep.rss"), b"x").unwrap();
        assert_eq!(sweep_temp_files(dir.path()).unwrap(), 1);
        assert!(dir.path().join("keep.rss").exists());
    }
}
