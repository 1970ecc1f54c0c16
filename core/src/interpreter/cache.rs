//! The on-disk cache: `$VENV_CACHE_DIR`, else `$XDG_CACHE_HOME/venv`, else
//! `~/.cache/venv`. Entries are written to a temporary file and renamed into
//! place, so concurrent creators never read a half-written entry; a corrupt or
//! unreadable entry is treated as missing, never trusted.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{InterpreterInfo, QUERY_VERSION};

#[derive(Debug, Clone)]
pub struct Cache {
    /// `None` when caching is off (`--no-cache`): every lookup misses, nothing is written.
    root: Option<PathBuf>,
}

impl Cache {
    /// The cache at `dir`, or the default location when `dir` is `None`.
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache {
            root: dir.or_else(default_dir),
        }
    }

    pub fn disabled() -> Cache {
        Cache { root: None }
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The cached facts for the interpreter at `path`, if still valid.
    pub fn read_interpreter(&self, path: &Path) -> Option<InterpreterInfo> {
        let file = self.interpreter_entry(path)?;
        let text = std::fs::read(file).ok()?;
        let info: InterpreterInfo = serde_json::from_slice(&text).ok()?;
        (info.query_version == QUERY_VERSION).then_some(info)
    }

    /// Stores the facts for `path`. Failing to cache is not an error: the next run asks again.
    pub fn write_interpreter(&self, path: &Path, info: &InterpreterInfo) {
        if let (Some(file), Ok(json)) = (self.interpreter_entry(path), serde_json::to_vec(info)) {
            let _ = write_atomically(&file, &json);
        }
    }

    /// The entry's file name hashes the invocation path and the identity of the
    /// file it resolves to, so a replaced or upgraded interpreter misses.
    fn interpreter_entry(&self, path: &Path) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        let meta = std::fs::metadata(path).ok()?;
        let mut hasher = Sha256::new();
        hasher.update(QUERY_VERSION.to_le_bytes());
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        if let Ok(real) = std::fs::canonicalize(path) {
            hasher.update(real.as_os_str().as_encoded_bytes());
        }
        for n in [
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime() as u64,
            meta.mtime_nsec() as u64,
        ] {
            hasher.update(n.to_le_bytes());
        }
        // A venv's python answers from its pyvenv.cfg: include that file's identity too.
        if let Some(cfg) = path
            .parent()
            .and_then(Path::parent)
            .map(|p| p.join("pyvenv.cfg"))
        {
            if let Ok(m) = std::fs::metadata(cfg) {
                for n in [m.ino(), m.size(), m.mtime() as u64, m.mtime_nsec() as u64] {
                    hasher.update(n.to_le_bytes());
                }
            }
        }
        let key = hex::encode(&hasher.finalize()[..16]);
        Some(root.join("interpreters").join(format!("{key}.json")))
    }
}

fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VENV_CACHE_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir).join("venv"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".cache").join("venv"))
}

/// Writes `bytes` to `file` through a private temporary file in the same
/// directory and a rename, creating the directory (mode 0700) if needed.
pub fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().expect("cache entries live in a directory");
    create_private_dir(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// `mkdir -p` with mode 0700 for the directories it creates: the cache is per user.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}
