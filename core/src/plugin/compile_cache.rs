//! Compiled-code cache. Loading precompiled code is `unsafe` in wasmtime
//! because a tampered file would run as native code, so entries live in a
//! directory private to the user (0700, files 0600, written atomically),
//! are named by the component's sha256 and the engine's compatibility hash
//! (another wasmtime version or configuration never matches), and are
//! loaded only when owned by us and not writable by anyone else. Anything
//! that fails these checks or fails to load is recompiled, never trusted.

use std::hash::{Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

use crate::interpreter::cache::write_atomically;

/// Whether a component came from the cache, for reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Cached,
    Compiled,
}

pub fn load_component(
    engine: &Engine,
    bytes: &[u8],
    cache_root: Option<&Path>,
) -> anyhow::Result<(Component, Origin)> {
    let Some(root) = cache_root else {
        return Ok((Component::new(engine, bytes)?, Origin::Compiled));
    };
    let file = entry_path(engine, bytes, root);
    if is_trustworthy(&file) {
        // SAFETY: the file is ours alone (checked above), named by the hash of
        // the component it was compiled from and by this engine's configuration,
        // and wasmtime checks its header before using it.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, &file) } {
            return Ok((component, Origin::Cached));
        }
    }
    let compiled = engine.precompile_component(bytes)?;
    // Failing to cache is not an error: the next run compiles again.
    let _ = write_atomically(&file, &compiled);
    // SAFETY: these bytes were produced by this engine a moment ago, in memory.
    let component = unsafe { Component::deserialize(engine, &compiled)? };
    Ok((component, Origin::Compiled))
}

fn entry_path(engine: &Engine, bytes: &[u8], root: &Path) -> PathBuf {
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    let digest = hex::encode(&Sha256::digest(bytes)[..16]);
    root.join("plugins")
        .join(format!("{digest}-{:016x}.cwasm", engine_hash.finish()))
}

/// A regular file (not a link) owned by us, in a directory owned by us, that
/// neither group nor others can write.
fn is_trustworthy(file: &Path) -> bool {
    let me = rustix::process::geteuid().as_raw();
    let private = |m: &std::fs::Metadata| m.uid() == me && m.mode() & 0o022 == 0;
    let (Ok(meta), Some(Ok(dir))) = (
        std::fs::symlink_metadata(file),
        file.parent().map(std::fs::symlink_metadata),
    ) else {
        return false;
    };
    meta.file_type().is_file() && private(&meta) && dir.is_dir() && private(&dir)
}
