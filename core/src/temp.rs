//! Temporary files and directories that a creation makes outside the
//! environment (cache entries being built, private caches, plugin scratch
//! directories, an archive being written), named after their creator and
//! locked while it lives: `<prefix><PID>-<rest>`. A creator that ends
//! normally removes its own; one killed outright (a second Ctrl-C, SIGKILL)
//! cannot, so every later run reclaims what it finds whose creator is gone
//! (the process no longer exists and nothing holds the lock), and
//! `--cache-info` counts it as stale, apart from the cache's content.
//! Staging directories follow the same rule (see [`crate::staging`]).

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

use cap_fs_ext::DirExt;
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::os;

/// Names without a PID (written by earlier versions) count as stale once
/// this old: far longer than any creation takes.
const PIDLESS_STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A unique name for a temporary entry of this process: `<prefix><PID>-<N>-<nanos>`.
pub(crate) fn name(prefix: &str) -> OsString {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    OsString::from(format!("{prefix}{}-{n}-{nanos:x}", std::process::id()))
}

/// The creator named in `name`, if it is one of ours with `prefix`:
/// `Some(Some(pid))`, or `Some(None)` for an older name without a PID.
fn creator(name: &OsStr, prefix: &str) -> Option<Option<u32>> {
    let rest = name.to_str()?.strip_prefix(prefix)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && rest[digits.len()..].starts_with('-') {
        Some(digits.parse().ok())
    } else {
        Some(None)
    }
}

/// A directory private to this process, removed when dropped.
#[derive(Debug)]
pub(crate) struct TempDir {
    path: PathBuf,
    _lock: Option<os::Lock>,
}

impl TempDir {
    /// Makes `<parent>/<prefix><PID>-...` (mode 0700) and locks it.
    pub(crate) fn new_in(parent: &Path, prefix: &str) -> io::Result<TempDir> {
        let path = parent.join(name(prefix));
        os::create_private_dir(&path, false)?;
        let lock = Dir::open_ambient_dir(&path, ambient_authority())
            .ok()
            .and_then(|d| os::lock_dir(&d));
        Ok(TempDir { path, _lock: lock })
    }

    /// In the system's temporary directory, after reclaiming what killed
    /// creators left there under `prefix`.
    pub(crate) fn new(prefix: &str) -> io::Result<TempDir> {
        let parent = std::env::temp_dir();
        reclaim(&parent, prefix);
        TempDir::new_in(&parent, prefix)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps the directory (renamed into place by its caller): returns its path.
    pub(crate) fn keep(mut self) -> PathBuf {
        let path = std::mem::take(&mut self.path);
        self._lock = None;
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.path.as_os_str().is_empty() {
            return;
        }
        if let (Some(parent), Some(name)) = (self.path.parent(), self.path.file_name()) {
            if let Ok(dir) = Dir::open_ambient_dir(parent, ambient_authority()) {
                let _ = crate::tree::remove_tree(&dir, name);
            }
        }
    }
}

/// A lock on an open temporary file, held while it is written.
pub(crate) fn lock_file(file: &std::fs::File) -> Option<os::Lock> {
    os::lock_open_file(file)
}

/// Whether the entry `name` in `parent` (named with `prefix`) was left by
/// a creator that is gone.
fn is_stale(parent: &Dir, name: &OsStr, prefix: &str) -> bool {
    match creator(name, prefix) {
        None => false,
        Some(Some(pid)) => {
            if pid == std::process::id() || os::process_exists(pid) {
                return false;
            }
            // The process is gone here; a creator in another PID namespace
            // sharing this directory still holds its lock.
            match parent.symlink_metadata(name) {
                Ok(m) if m.is_dir() => parent
                    .open_dir_nofollow(name)
                    .ok()
                    .and_then(|d| os::lock_dir(&d))
                    .is_some(),
                Ok(m) if m.is_file() => parent
                    .open(name)
                    .ok()
                    .and_then(|f| os::lock_open_file(&f.into_std()))
                    .is_some(),
                _ => false,
            }
        }
        Some(None) => parent
            .symlink_metadata(name)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.into_std().elapsed().ok())
            .is_some_and(|age| age > PIDLESS_STALE_AFTER),
    }
}

/// The entries in `dir` named with `prefix` whose creator is gone.
pub(crate) fn stale(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(parent) = Dir::open_ambient_dir(dir, ambient_authority()) else {
        return Vec::new();
    };
    let Ok(entries) = parent.entries() else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.file_name())
        .filter(|name| is_stale(&parent, name, prefix))
        .map(|name| dir.join(name))
        .collect();
    out.sort();
    out
}

/// Removes what [`stale`] finds (only entries this user may remove are
/// tried; failures are ignored: this is housekeeping). Returns how many went.
pub(crate) fn reclaim(dir: &Path, prefix: &str) -> usize {
    let Ok(parent) = Dir::open_ambient_dir(dir, ambient_authority()) else {
        return 0;
    };
    let mut removed = 0;
    for path in stale(dir, prefix) {
        let Some(name) = path.file_name() else {
            continue;
        };
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| os::is_owned(&m));
        if ours && crate::tree::remove_tree(&parent, name).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_creator() {
        let n = name(".tmp-");
        assert_eq!(creator(&n, ".tmp-"), Some(Some(std::process::id())));
        assert_eq!(creator(OsStr::new(".tmp-Ab3xQz"), ".tmp-"), Some(None));
        assert_eq!(creator(OsStr::new("other"), ".tmp-"), None);
    }

    #[test]
    fn a_dead_creators_entries_are_reclaimed_a_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let mine = TempDir::new_in(root.path(), "venv-x-").unwrap();
        // PID 0x7fff_fff0 does not exist on any real system.
        let dead = root.path().join("venv-x-2147483632-0-0");
        std::fs::create_dir_all(dead.join("sub")).unwrap();
        std::fs::write(dead.join("sub/f"), b"x").unwrap();
        std::fs::write(root.path().join("venv-x-2147483632-1-0"), b"file").unwrap();
        assert_eq!(stale(root.path(), "venv-x-").len(), 2);
        assert_eq!(reclaim(root.path(), "venv-x-"), 2);
        assert!(!dead.exists());
        assert!(mine.path().is_dir());
        let path = mine.path().to_path_buf();
        drop(mine);
        assert!(!path.exists());
    }
}
