//! Interpreter facts kept in the cache (`interpreters/<key>.json`), so that
//! each base interpreter is asked about itself once. Each fact is tied to
//! what it depends on:
//! - the key hashes the path the interpreter is invoked by, the identity of
//!   the file it resolves to (a replaced or upgraded interpreter misses), and
//!   the environment variables the answer can depend on ([`ENV_KEYS`]: the
//!   locale decides the file system encoding, `PYTHON*` variables the paths);
//! - the entry records the identity of every directory the query named in
//!   `watch` (where ensurepip and the wheels it installs are, or would be);
//!   when one changed (a package installed or removed), the entry is stale.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{InterpreterInfo, QUERY_VERSION};
use crate::cache::{self, Cache, EntryType, Kind};

/// Environment variables (besides every `PYTHON*` one) that change what an
/// interpreter reports: the locale (file system encoding, hence 3.14's
/// `𝜋thon`).
const ENV_KEYS: &[&str] = &["LANG", "LC_ALL", "LC_CTYPE"];

/// A cache entry: the facts and the state of the directories they depend on.
#[derive(Serialize, Deserialize)]
struct Stored {
    info: InterpreterInfo,
    watched: Vec<(PathBuf, Option<[u64; 5]>)>,
}

/// The cached facts for the interpreter at `path`, if present, trusted and
/// current (no watched directory changed since they were stored).
pub(super) fn read(cache: &Cache, path: &Path) -> Option<InterpreterInfo> {
    let (dir, name) = entry(cache, path)?;
    if !cache::is_trusted(&dir, Path::new(&name), EntryType::File) {
        return None;
    }
    let text = std::fs::read(dir.join(name)).ok()?;
    let stored: Stored = serde_json::from_slice(&text).ok()?;
    let current = stored.info.query_version == QUERY_VERSION
        && stored.watched.iter().all(|(p, id)| identity(p) == *id)
        && stored.watched.len() == stored.info.watch.len();
    current.then_some(stored.info)
}

/// Stores the facts for `path`. Failing to cache is not an error: the next run asks again.
pub(super) fn write(cache: &Cache, path: &Path, info: &InterpreterInfo) {
    let stored = Stored {
        info: info.clone(),
        watched: info
            .watch
            .iter()
            .map(|p| (p.clone(), identity(p)))
            .collect(),
    };
    if let (Some((dir, name)), Ok(json)) = (entry(cache, path), serde_json::to_vec(&stored)) {
        let _ = cache::write_atomically(&dir.join(name), &json);
    }
}

/// Device, inode, size and modification time of `path`, `None` when absent.
fn identity(path: &Path) -> Option<[u64; 5]> {
    std::fs::metadata(path)
        .ok()
        .map(|m| cache::file_identity(&m))
}

/// The variables of this process that [`ENV_KEYS`] and `PYTHON*` select, sorted.
fn relevant_env() -> Vec<(OsString, OsString)> {
    let mut vars: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| {
            let k = k.to_string_lossy();
            k.starts_with("PYTHON") || ENV_KEYS.contains(&k.as_ref())
        })
        .collect();
    vars.sort();
    vars
}

/// (the kind's directory, the entry's file name) for `path`.
fn entry(cache: &Cache, path: &Path) -> Option<(PathBuf, String)> {
    let meta = std::fs::metadata(path).ok()?;
    let dir = cache.dir(Kind::Interpreters)?;
    let mut hasher = Sha256::new();
    hasher.update(QUERY_VERSION.to_le_bytes());
    hasher.update(path.as_os_str().as_encoded_bytes());
    hasher.update([0]);
    if let Ok(real) = std::fs::canonicalize(path) {
        hasher.update(real.as_os_str().as_encoded_bytes());
    }
    for n in cache::file_identity(&meta) {
        hasher.update(n.to_le_bytes());
    }
    // A venv's python answers from its pyvenv.cfg: include that file's identity too.
    if let Some(cfg) = path
        .parent()
        .and_then(Path::parent)
        .map(|p| p.join("pyvenv.cfg"))
    {
        if let Ok(m) = std::fs::metadata(cfg) {
            for n in &cache::file_identity(&m)[1..] {
                hasher.update(n.to_le_bytes());
            }
        }
    }
    for (k, v) in relevant_env() {
        hasher.update([1]);
        hasher.update(k.as_encoded_bytes());
        hasher.update([0]);
        hasher.update(v.as_encoded_bytes());
    }
    let key = hex::encode(&hasher.finalize()[..16]);
    Some((dir, format!("{key}.json")))
}
