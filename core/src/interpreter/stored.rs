//! Interpreter facts kept in the cache (`interpreters/<key>.json`), so that
//! each base interpreter is asked about itself once. The key hashes the path
//! it is invoked by and the identity of the file it resolves to, so a
//! replaced or upgraded interpreter misses.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{InterpreterInfo, QUERY_VERSION};
use crate::cache::{self, Cache, EntryType, Kind};

/// The cached facts for the interpreter at `path`, if present, trusted and current.
pub fn read(cache: &Cache, path: &Path) -> Option<InterpreterInfo> {
    let (dir, name) = entry(cache, path)?;
    if !cache::is_trusted(&dir, Path::new(&name), EntryType::File) {
        return None;
    }
    let text = std::fs::read(dir.join(name)).ok()?;
    let info: InterpreterInfo = serde_json::from_slice(&text).ok()?;
    (info.query_version == QUERY_VERSION).then_some(info)
}

/// Stores the facts for `path`. Failing to cache is not an error: the next run asks again.
pub fn write(cache: &Cache, path: &Path, info: &InterpreterInfo) {
    if let (Some((dir, name)), Ok(json)) = (entry(cache, path), serde_json::to_vec(info)) {
        let _ = cache::write_atomically(&dir.join(name), &json);
    }
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
    let key = hex::encode(&hasher.finalize()[..16]);
    Some((dir, format!("{key}.json")))
}
