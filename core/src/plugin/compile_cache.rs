//! Compiled-code cache. Loading precompiled code is `unsafe` in wasmtime
//! because a tampered file would run as native code, so:
//! - entries are named by the component's sha256 and the engine's
//!   compatibility hash (another wasmtime version or configuration never
//!   matches);
//! - they live in the cache's `plugins/` directory, used only when it and
//!   the entry are the user's alone ([`crate::cache`] checks the chain);
//! - each entry starts with a BLAKE3 digest of the compiled code, checked
//!   before the code is handed to wasmtime, so a corrupted entry (bytes
//!   flipped after wasmtime's header) is recompiled instead of run.
//!
//! Anything that fails these checks or fails to load is recompiled, never trusted.

use std::hash::{Hash, Hasher};
use std::path::Path;

use wasmtime::component::Component;
use wasmtime::Engine;

use super::spec::PluginSpec;
use crate::cache::{self, write_atomically, Cache, EntryType, Kind};
use crate::report::{CodeOrigin as Origin, Event, SharedReporter, Task};

/// Identifies this entry format; followed by the 32-byte digest, then the code.
const MAGIC: &[u8] = b"venv-cwasm-1\n";

/// The component for `spec`: from the cache when a sound entry is there,
/// else compiled (reported as a progress task) and stored.
pub fn load_component(
    engine: &Engine,
    spec: &PluginSpec,
    cache: &Cache,
    reporter: &SharedReporter,
) -> anyhow::Result<(Component, Origin)> {
    let task = Task::CompilePlugin {
        plugin: spec.name.clone(),
    };
    let compile = |bytes: &[u8]| {
        reporter.report(Event::ProgressStarted {
            task: task.clone(),
            total: None,
        });
        let compiled = engine.precompile_component(bytes);
        reporter.report(Event::ProgressFinished { task: task.clone() });
        compiled
    };
    let Some(dir) = cache.dir(Kind::Plugins) else {
        let compiled = compile(spec.bytes.as_slice())?;
        // SAFETY: these bytes were produced by this engine a moment ago, in memory.
        let component = unsafe { Component::deserialize(engine, &compiled)? };
        return Ok((component, Origin::Compiled));
    };
    let name = entry_name(engine, &spec.sha256);
    let file = dir.join(&name);
    if cache::is_trusted(&dir, Path::new(&name), EntryType::File) {
        if let Some(code) = std::fs::read(&file).ok().as_deref().and_then(verified) {
            // SAFETY: the entry is the user's alone (checked above), named by the
            // hash of the component it was compiled from and by this engine's
            // configuration, and its code matches the digest written with it.
            if let Ok(component) = unsafe { Component::deserialize(engine, code) } {
                return Ok((component, Origin::Cached));
            }
        }
    }
    let compiled = compile(&spec.bytes)?;
    // Failing to cache is not an error: the next run compiles again.
    let _ = write_atomically(&file, &with_digest(&compiled));
    // SAFETY: these bytes were produced by this engine a moment ago, in memory.
    let component = unsafe { Component::deserialize(engine, &compiled)? };
    Ok((component, Origin::Compiled))
}

/// Where a component's compiled code would be, and whether it is usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    /// `--no-cache`: compiled on every run.
    Disabled,
    /// Not compiled yet (or by another wasmtime): the next run compiles it.
    Missing { path: std::path::PathBuf },
    /// Present, the user's alone and intact: loaded without compiling.
    Cached { path: std::path::PathBuf },
    /// Present but not trusted or not intact: it would be recompiled.
    Untrusted { path: std::path::PathBuf },
}

/// The state of `spec`'s entry, without compiling or writing anything.
pub fn state(engine: &Engine, spec: &PluginSpec, cache: &Cache) -> CacheState {
    let Some(dir) = cache.dir(Kind::Plugins) else {
        return CacheState::Disabled;
    };
    let name = entry_name(engine, &spec.sha256);
    let path = dir.join(&name);
    if !path.exists() {
        return CacheState::Missing { path };
    }
    let intact = cache::is_trusted(&dir, Path::new(&name), EntryType::File)
        && std::fs::read(&path)
            .ok()
            .as_deref()
            .and_then(verified)
            .is_some();
    if intact {
        CacheState::Cached { path }
    } else {
        CacheState::Untrusted { path }
    }
}

fn entry_name(engine: &Engine, sha256: &str) -> String {
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    format!("{}-{:016x}.cwasm", &sha256[..32], engine_hash.finish())
}

fn with_digest(code: &[u8]) -> Vec<u8> {
    let mut entry = Vec::with_capacity(MAGIC.len() + 32 + code.len());
    entry.extend_from_slice(MAGIC);
    entry.extend_from_slice(blake3::hash(code).as_bytes());
    entry.extend_from_slice(code);
    entry
}

/// The code of an entry whose digest matches it.
fn verified(entry: &[u8]) -> Option<&[u8]> {
    let rest = entry.strip_prefix(MAGIC)?;
    if rest.len() < 32 {
        return None;
    }
    let (digest, code) = rest.split_at(32);
    (blake3::hash(code).as_bytes() == digest).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_byte_anywhere_fails_the_check() {
        let entry = with_digest(b"some compiled code");
        assert_eq!(verified(&entry), Some(&b"some compiled code"[..]));
        for i in 0..entry.len() {
            let mut bad = entry.clone();
            bad[i] ^= 0x40;
            assert_eq!(verified(&bad), None, "byte {i}");
        }
        assert_eq!(verified(&entry[..entry.len() - 1]), None);
    }
}
