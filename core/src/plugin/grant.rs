//! Grants: the capabilities a plugin may be given beyond its sandbox,
//! parsed once from what a user or a policy wrote (`run-python`,
//! `run-in-env`, `read:DIR`) into a [`Grant`].
//!
//! A `read:` grant is resolved to what it opens: the directory is opened
//! once, following links as the path was written, and its name is the
//! canonical path of that opened directory (links resolved). Policies
//! compare that name, so `read:ALLOWED/up` where `up` links to a private
//! directory is judged as the private directory; and the plugin is given
//! that same opened directory ([`ReadDir::host_path`]), never the path
//! looked up again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One capability, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// `run-python`: the env's own interpreter, no shell (full trust).
    RunPython,
    /// `run-in-env`: any program, as if the env were activated (full trust).
    RunInEnv,
    /// `read:DIR`: DIR, read-only, at its own path. The path is absolute;
    /// for a grant given to a plugin it is canonical (see the module docs).
    Read(PathBuf),
}

/// What is wrong with a grant's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// Each variant is documented by its message (its `Display`), which
// names every field it holds; the fields need no docs of their own.
#[allow(missing_docs)]
pub enum GrantError {
    /// Unknown grant … (run-python, run-in-env or read:DIR).
    #[error("unknown grant `{0}` (run-python, run-in-env or read:DIR)")]
    Unknown(String),
    /// Grant `read:…`: `reason`.
    #[error("grant `read:{}`: {reason}", dir.display())]
    Unreadable { dir: PathBuf, reason: String },
}

impl Grant {
    /// Parses `text`; `absolute` makes a `read:` directory absolute (each
    /// place that holds grants resolves relative paths its own way).
    pub fn parse(text: &str, absolute: impl FnOnce(&Path) -> PathBuf) -> Result<Grant, GrantError> {
        match text {
            "run-python" => Ok(Grant::RunPython),
            "run-in-env" => Ok(Grant::RunInEnv),
            _ => match text.strip_prefix("read:") {
                Some(dir) if !dir.is_empty() => Ok(Grant::Read(absolute(Path::new(dir)))),
                _ => Err(GrantError::Unknown(text.to_owned())),
            },
        }
    }

    /// Whether `self` asks for no more than `allowed`: the same grant, or a
    /// `read:` of `allowed`'s directory or one under it (whole components).
    pub fn within(&self, allowed: &Grant) -> bool {
        match (self, allowed) {
            (Grant::Read(dir), Grant::Read(root)) => dir.starts_with(root),
            (a, b) => a == b,
        }
    }

    /// `read:` directories of a policy name what they would open: the
    /// canonical path when the directory exists (so a link in the policy's
    /// own path is judged by its target too), else the path as written.
    pub fn canonical(self) -> Grant {
        match self {
            Grant::Read(dir) => Grant::Read(std::fs::canonicalize(&dir).unwrap_or(dir)),
            other => other,
        }
    }
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Grant::RunPython => f.write_str("run-python"),
            Grant::RunInEnv => f.write_str("run-in-env"),
            Grant::Read(dir) => write!(f, "read:{}", dir.display()),
        }
    }
}

/// A granted directory, opened once.
#[derive(Debug, Clone)]
pub struct ReadDir {
    /// The canonical path of the opened directory: what the plugin sees it
    /// as, and what policies are compared with.
    pub path: PathBuf,
    /// The directory itself.
    pub dir: Arc<cap_std::fs::Dir>,
}

impl PartialEq for ReadDir {
    fn eq(&self, other: &ReadDir) -> bool {
        self.path == other.path
    }
}
impl Eq for ReadDir {}

impl ReadDir {
    /// Opens `dir` (links followed, as written) and names it by the
    /// canonical path of what was opened. Fails unless that path, looked up
    /// now, is the very directory that was opened (a link re-pointed between
    /// the two is refused, not guessed at).
    pub fn open(dir: &Path) -> Result<ReadDir, GrantError> {
        let unreadable = |reason: String| GrantError::Unreadable {
            dir: dir.to_path_buf(),
            reason,
        };
        let opened = cap_std::fs::Dir::open_ambient_dir(dir, cap_std::ambient_authority())
            .map_err(|e| unreadable(e.to_string()))?;
        let path = std::fs::canonicalize(dir).map_err(|e| unreadable(e.to_string()))?;
        let now = std::fs::metadata(&path).map_err(|e| unreadable(e.to_string()))?;
        let held = opened
            .try_clone()
            .and_then(|d| d.into_std_file().metadata())
            .map_err(|e| unreadable(e.to_string()))?;
        if !now.is_dir() || crate::os::inode(&now) != crate::os::inode(&held) {
            return Err(unreadable(
                "it changed while it was being opened (a link re-pointed?)".to_owned(),
            ));
        }
        Ok(ReadDir {
            path,
            dir: Arc::new(opened),
        })
    }

    /// A host path that opens this very directory: on Linux the opened
    /// descriptor's `/proc/self/fd` entry (so nothing is looked up by name
    /// again), elsewhere the canonical path.
    pub fn host_path(&self) -> PathBuf {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            PathBuf::from(format!("/proc/self/fd/{}", self.dir.as_raw_fd()))
        }
        #[cfg(not(target_os = "linux"))]
        self.path.clone()
    }

    /// Whether this directory holds `path` or is held by it.
    pub fn overlaps(&self, path: &Path) -> bool {
        self.path.starts_with(path) || path.starts_with(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_parse_and_compare_by_whole_components() {
        let abs = |p: &Path| Path::new("/base").join(p);
        assert_eq!(Grant::parse("run-python", abs), Ok(Grant::RunPython));
        assert_eq!(Grant::parse("run-in-env", abs), Ok(Grant::RunInEnv));
        assert_eq!(
            Grant::parse("read:wheels", abs),
            Ok(Grant::Read(PathBuf::from("/base/wheels")))
        );
        for bad in ["read:", "run", "write:/x", ""] {
            assert!(Grant::parse(bad, abs).is_err(), "{bad}");
        }
        let root = Grant::Read(PathBuf::from("/srv/allowed"));
        assert!(Grant::Read(PathBuf::from("/srv/allowed/sub")).within(&root));
        assert!(Grant::Read(PathBuf::from("/srv/allowed")).within(&root));
        assert!(!Grant::Read(PathBuf::from("/srv/allowed-not")).within(&root));
        assert!(!Grant::RunPython.within(&root));
        assert!(Grant::RunInEnv.within(&Grant::RunInEnv));
    }
}
