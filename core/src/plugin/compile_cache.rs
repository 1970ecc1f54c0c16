//! Compiled-code cache. Loading precompiled code is `unsafe` in wasmtime
//! because a tampered file would run as native code, so:
//! - entries are named by the component's BLAKE3 and the engine's
//!   compatibility hash (another wasmtime version or configuration never
//!   matches);
//! - they live in the cache's `plugins/` directory, used only when it and
//!   the entry are the user's alone (the cache module checks the chain);
//! - each entry `NAME.cwasm` (wasmtime's own format) has a sidecar
//!   `NAME.cwasm.b3` holding the BLAKE3 digest of its bytes, written with it,
//!   and the entry's change stamp when its bytes were last hashed (device,
//!   inode, size, modification and change times).
//!
//! Loading maps the file instead of copying it (wasmtime then gives the
//! plugin's memories copy-on-write images of its data: a 12 MB JavaScript
//! runtime starts without copying 12 MB). The entry is opened once: the
//! descriptor is checked (a regular file, the user's, writable by nobody
//! else, no other hard link), its bytes are hashed through it and compared
//! with the sidecar, and wasmtime maps that very descriptor (Linux: its
//! `/proc/self/fd` entry), so nothing is looked up by name between the
//! check and the use. The hash is skipped when the descriptor's change
//! stamp is the one the sidecar recorded: any write to the file since then
//! (by anyone) moves its change time, which no user can set back, so the
//! bytes are still those hashed; a 37 MB JavaScript runtime is not read on
//! every run. Anything that fails these checks or fails to load is
//! recompiled, never trusted.

use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

use wasmtime::component::Component;
use wasmtime::Engine;

use super::spec::PluginSpec;
use crate::cache::{self, write_atomically, Cache, EntryType, Kind};
use crate::report::{CodeOrigin as Origin, Event, SharedReporter, Task};

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
        let compiled = compile(spec.bytes()?.as_slice())?;
        // SAFETY: these bytes were produced by this engine a moment ago, in memory.
        let component = unsafe { Component::deserialize(engine, &compiled)? };
        return Ok((component, Origin::Compiled));
    };
    let name = entry_name(engine, spec.blake3(cache)?);
    if let Some(entry) = Verified::open(&dir, &name) {
        // SAFETY: the file is the user's alone (checked on its descriptor and
        // up the cache's directory chain), named by the hash of the component
        // it was compiled from and by this engine's configuration, and its
        // bytes, read through that same descriptor, match the digest written
        // with it; wasmtime maps that descriptor, not the name again.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, entry.mappable()) } {
            return Ok((component, Origin::Cached));
        }
    }
    let compiled = compile(spec.bytes()?.as_slice())?;
    // Failing to cache is not an error: the next run compiles again. The
    // code goes first, its digest second: a digest never names missing code.
    let file = dir.join(&name);
    if write_atomically(&file, &compiled).is_ok() {
        let stamp = std::fs::metadata(&file)
            .ok()
            .and_then(|m| crate::os::change_stamp(&m));
        let _ = write_atomically(
            &sidecar(&file),
            &sidecar_bytes(blake3::hash(&compiled), stamp),
        );
    }
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
    Missing {
        /// The entry's file.
        path: PathBuf,
    },
    /// Present, the user's alone and intact: loaded without compiling.
    Cached {
        /// The entry's file.
        path: PathBuf,
    },
    /// Present but not trusted or not intact: it would be recompiled.
    Untrusted {
        /// The entry's file.
        path: PathBuf,
    },
}

/// The state of `spec`'s entry, without compiling or writing anything.
pub fn state(engine: &Engine, spec: &PluginSpec, cache: &Cache) -> CacheState {
    let Some(dir) = cache.dir(Kind::Plugins) else {
        return CacheState::Disabled;
    };
    let Ok(blake3) = spec.blake3(cache) else {
        return CacheState::Missing { path: dir };
    };
    let name = entry_name(engine, blake3);
    let path = dir.join(&name);
    if !path.exists() {
        return CacheState::Missing { path };
    }
    match Verified::open(&dir, &name) {
        Some(_) => CacheState::Cached { path },
        None => CacheState::Untrusted { path },
    }
}

fn entry_name(engine: &Engine, blake3: &str) -> String {
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    format!("{}-{:016x}.cwasm", &blake3[..32], engine_hash.finish())
}

/// The sidecar's contents: the digest, then the change stamp (7 numbers,
/// little-endian) when the platform has one.
fn sidecar_bytes(digest: blake3::Hash, stamp: Option<[u64; 7]>) -> Vec<u8> {
    let mut out = digest.as_bytes().to_vec();
    for n in stamp.into_iter().flatten() {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out
}

/// The digest and the stamp a sidecar holds.
fn parse_sidecar(bytes: &[u8]) -> Option<([u8; 32], Option<[u64; 7]>)> {
    let digest: [u8; 32] = bytes.get(..32)?.try_into().ok()?;
    let rest = &bytes[32..];
    let stamp = match rest.len() {
        0 => None,
        56 => {
            let mut stamp = [0u64; 7];
            let (chunks, _) = rest.as_chunks::<8>();
            for (n, chunk) in stamp.iter_mut().zip(chunks) {
                *n = u64::from_le_bytes(*chunk);
            }
            Some(stamp)
        }
        _ => return None,
    };
    Some((digest, stamp))
}

/// The digest file beside an entry.
fn sidecar(entry: &Path) -> PathBuf {
    let mut name = entry.as_os_str().to_owned();
    name.push(".b3");
    PathBuf::from(name)
}

/// An entry opened once and found sound: the user's alone, and its bytes
/// (read through this descriptor) those its sidecar's digest names.
struct Verified {
    file: std::fs::File,
    path: PathBuf,
}

impl Verified {
    fn open(dir: &Path, name: &str) -> Option<Verified> {
        let digest_name = format!("{name}.b3");
        if !cache::is_trusted(dir, Path::new(name), EntryType::File)
            || !cache::is_trusted(dir, Path::new(&digest_name), EntryType::File)
        {
            return None;
        }
        let path = dir.join(name);
        let mut file = std::fs::File::open(&path).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || !crate::os::is_private(&meta) || crate::os::link_count(&meta) != 1 {
            return None;
        }
        let recorded = std::fs::read(dir.join(&digest_name)).ok()?;
        let (expected, stamp) = parse_sidecar(&recorded)?;
        let now = crate::os::change_stamp(&meta);
        if now.is_some() && now == stamp {
            // Unchanged since its bytes were hashed (see the module docs).
            return Some(Verified { file, path });
        }
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; 256 << 10];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    hasher.update(&buf[..n]);
                }
                Err(_) => return None,
            }
        }
        if hasher.finalize().as_bytes() != &expected {
            return None;
        }
        // Intact, though touched (copied back, its mode changed): hashed now.
        let _ = write_atomically(
            &dir.join(&digest_name),
            &sidecar_bytes(blake3::Hash::from_bytes(expected), now),
        );
        Some(Verified { file, path })
    }

    /// A path that opens this very file: on Linux its descriptor's
    /// `/proc/self/fd` entry; elsewhere its name (checked a moment ago).
    fn mappable(&self) -> PathBuf {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let _ = &self.path;
            PathBuf::from(format!("/proc/self/fd/{}", self.file.as_raw_fd()))
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = &self.file;
            self.path.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_byte_anywhere_fails_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let code = b"some compiled code".to_vec();
        let entry = dir.path().join("e.cwasm");
        write_atomically(&entry, &code).unwrap();
        write_atomically(&sidecar(&entry), &sidecar_bytes(blake3::hash(&code), None)).unwrap();
        assert!(Verified::open(dir.path(), "e.cwasm").is_some());
        for i in 0..code.len() {
            let mut bad = code.clone();
            bad[i] ^= 0x40;
            write_atomically(&entry, &bad).unwrap();
            assert!(Verified::open(dir.path(), "e.cwasm").is_none(), "byte {i}");
        }
        write_atomically(&entry, &code[..code.len() - 1]).unwrap();
        assert!(Verified::open(dir.path(), "e.cwasm").is_none());
        // Verified once, the sidecar records the entry's stamp; a byte flipped
        // in place (same inode) moves its change time and is caught.
        write_atomically(&entry, &code).unwrap();
        assert!(Verified::open(dir.path(), "e.cwasm").is_some());
        assert_eq!(std::fs::read(sidecar(&entry)).unwrap().len(), 32 + 56);
        assert!(
            Verified::open(dir.path(), "e.cwasm").is_some(),
            "by its stamp"
        );
        {
            use std::io::{Seek, Write};
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&entry)
                .unwrap();
            f.seek(std::io::SeekFrom::Start(3)).unwrap();
            f.write_all(b"X").unwrap();
        }
        assert!(
            Verified::open(dir.path(), "e.cwasm").is_none(),
            "flipped in place"
        );
        write_atomically(&entry, &code).unwrap();
        std::fs::remove_file(sidecar(&entry)).unwrap();
        assert!(
            Verified::open(dir.path(), "e.cwasm").is_none(),
            "no digest, no trust"
        );
    }
}
