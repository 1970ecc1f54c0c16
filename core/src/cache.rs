//! The on-disk cache, for every kind of entry: interpreter facts, unpacked
//! and byte-compiled wheels (seed trees), and compiled plugins.
//!
//! Location: `--cache-dir`, else `$VENV_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/venv`, else `~/.cache/venv`; one subdirectory per kind.
//!
//! Rules every kind follows:
//! - Writes are atomic (a private temporary sibling, then a rename), so a
//!   concurrent creator sees a whole entry or none.
//! - Trust: an entry is used only if it and every directory above it inside
//!   the cache are owned by this user and writable by nobody else. The root
//!   itself may be a shared sticky directory (mode 1777): others cannot
//!   rename or remove what we own in it. When a kind's directory fails the
//!   check (another user made it, or it is group/world-writable), entries of
//!   that kind are built in a private temporary directory for this process
//!   instead, and one warning says why.
//! - A damaged or foreign entry is treated as missing and rebuilt, never
//!   trusted; failing to write the cache is never an error.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::report::{self, Event, SharedReporter};

/// The kinds of entry, each in its own subdirectory of the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// What an interpreter reported about itself (`interpreters/<key>.json`).
    Interpreters,
    /// Wheels unpacked and byte-compiled per interpreter (`seed/<entry>/`).
    Seed,
    /// Compiled plugin code (`plugins/<digest>-<engine>.cwasm`).
    Plugins,
}

impl Kind {
    pub fn dir_name(self) -> &'static str {
        match self {
            Kind::Interpreters => "interpreters",
            Kind::Seed => "seed",
            Kind::Plugins => "plugins",
        }
    }
}

/// What an entry is expected to be on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryType {
    File,
    Dir,
}

/// The cache, or none (`--no-cache`): cheap to clone, shared by every
/// step of a creation.
#[derive(Clone)]
pub struct Cache {
    /// `None` when caching is off (`--no-cache`).
    root: Option<PathBuf>,
    reporter: SharedReporter,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Per kind: the directory in use, once decided.
    dirs: HashMap<Kind, PathBuf>,
    /// Private directories for this process (untrusted kinds, `--no-cache` seeding).
    private: Option<crate::temp::TempDir>,
    /// A shared lock on `<root>/.lock`, held while this process uses the
    /// cache, so that [`Cache::clean`] waits for it.
    lock: Option<crate::os::Lock>,
}

/// The signature of a cache directory tag (https://bford.info/cachedir/):
/// backup and indexing tools that honour it skip the directory.
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file marks venv's cache (interpreter facts, unpacked wheels, compiled\n\
# plugins); everything here can be rebuilt. See https://bford.info/cachedir/\n";

/// What one kind of entry occupies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Files.
    pub files: u64,
    /// Bytes.
    pub bytes: u64,
}

/// Where the cache is and what it holds, per kind.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The cache's root.
    pub root: PathBuf,
    /// Per kind of entry.
    pub kinds: Vec<(Kind, Usage)>,
    /// Temporary entries left by runs that were killed (not counted in
    /// `kinds`); the next creation removes them.
    pub stale: Vec<PathBuf>,
    /// What the temporary entries of runs that are gone occupy.
    pub stale_usage: Usage,
}

/// Where running creations register their staging directories: one file
/// each, named and locked as [`crate::temp`] says, holding the directory's
/// path, so that any later run can reclaim one whose creator was killed.
const STAGING: &str = "staging";

/// A staging directory registered in the cache while its creation runs.
#[derive(Debug)]
pub struct Registration {
    file: PathBuf,
    _lock: Option<crate::os::Lock>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

/// The prefix of the cache's temporary entries (see [`crate::temp`]).
const TMP: &str = ".tmp-";
/// The prefix of a kind's directory being removed by `--cache-clean`.
const REMOVING: &str = ".removing-";

impl Summary {
    /// Every kind together (stale entries not counted).
    pub fn total(&self) -> Usage {
        self.kinds
            .iter()
            .map(|(_, u)| u)
            .chain([&self.stale_usage])
            .fold(Usage::default(), |a, u| Usage {
                files: a.files + u.files,
                bytes: a.bytes + u.bytes,
            })
    }
}

pub(crate) const KINDS: [Kind; 3] = [Kind::Interpreters, Kind::Seed, Kind::Plugins];

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("root", &self.root).finish()
    }
}

impl Cache {
    /// The cache at `dir`, or at the default location when `dir` is `None`.
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache::with_root(dir.or_else(default_dir))
    }

    /// No cache: nothing is read or kept between runs.
    pub fn disabled() -> Cache {
        Cache::with_root(None)
    }

    fn with_root(root: Option<PathBuf>) -> Cache {
        Cache {
            root,
            reporter: report::silent(),
            state: Arc::default(),
        }
    }

    /// Sends the cache's warnings (an untrusted directory) to `reporter`.
    pub fn with_reporter(mut self, reporter: SharedReporter) -> Cache {
        self.reporter = reporter;
        self
    }

    /// Where the library's notices go (what `with_reporter` set).
    pub(crate) fn reporter(&self) -> &SharedReporter {
        &self.reporter
    }

    /// The root, unless caching is off.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The directory for entries of `kind`, created if missing: the cache's
    /// own when it can be trusted, else this process's private one. `None`
    /// when caching is off.
    pub fn dir(&self, kind: Kind) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        if let Some(dir) = self.lock().dirs.get(&kind) {
            return Some(dir.clone());
        }
        self.hold_shared_lock(root);
        let dir = match trusted_kind_dir(root, kind) {
            Ok(dir) => dir,
            Err(why) => {
                // With no private directory either, this kind goes uncached.
                let private = self.private_dir(kind).ok()?;
                self.reporter.report(Event::Warning {
                    message: format!(
                        "not using the cache's {} directory ({why}); building in a private directory for this run instead (pass --cache-dir DIR with a directory of your own)",
                        kind.dir_name()
                    ),
                });
                private
            }
        };
        self.lock().dirs.insert(kind, dir.clone());
        Some(dir)
    }

    /// A directory for `kind` private to this process, removed when it ends
    /// (or when the last handle to this cache is dropped).
    /// Fails (with a message naming `TMPDIR`) when no temporary directory can be made.
    pub fn private_dir(&self, kind: Kind) -> io::Result<PathBuf> {
        let mut state = self.lock();
        let base = match &state.private {
            Some(tmp) => tmp.path().to_path_buf(),
            None => {
                let tmp = crate::temp::TempDir::new("venv-cache-").map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!(
                            "cannot make a private directory in {} ({e}); set TMPDIR to a writable directory",
                            std::env::temp_dir().display()
                        ),
                    )
                })?;
                let path = tmp.path().to_path_buf();
                state.private = Some(tmp);
                path
            }
        };
        let dir = base.join(kind.dir_name());
        let _ = create_private_dir(&dir);
        Ok(dir)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes (once) the shared lock that [`Cache::clean`] waits for, and tags
    /// the directory as a cache. Failures only mean no protection: ignored.
    fn hold_shared_lock(&self, root: &Path) {
        if self.lock().lock.is_some() {
            return;
        }
        if create_private_dir(root).is_err() {
            return;
        }
        let tag = root.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = write_atomically(&tag, CACHEDIR_TAG.as_bytes());
        }
        if let Some(fd) = crate::os::lock_file(&root.join(".lock"), false) {
            self.lock().lock = Some(fd);
        }
        // Once per process: what creators that were killed left behind.
        for kind in KINDS {
            for place in temp_places(root, kind) {
                crate::temp::reclaim(&place, TMP);
            }
        }
        crate::temp::reclaim(root, REMOVING);
    }

    /// Registers `staged`, a staging directory, until the registration is
    /// dropped. `None` when caching is off or the registry is not ours alone.
    pub fn register_staging(&self, staged: &Path) -> Option<Registration> {
        let dir = self.root.as_ref()?.join(STAGING);
        create_private_dir(&dir).ok()?;
        let meta = std::fs::symlink_metadata(&dir).ok()?;
        if !meta.is_dir() || !is_private(&meta) {
            return None;
        }
        let file = dir.join(crate::temp::name(""));
        let mut open = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&file)
            .ok()?;
        let lock = crate::temp::lock_file(&open);
        let registration = Registration { file, _lock: lock };
        open.write_all(staged.as_os_str().as_encoded_bytes()).ok()?;
        Some(registration)
    }

    /// The staging directories registered by creators that are gone (their
    /// registrations are removed): for the caller to reclaim.
    pub fn abandoned_staging(&self) -> Vec<PathBuf> {
        let Some(root) = &self.root else {
            return Vec::new();
        };
        let dir = root.join(STAGING);
        let trusted = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir() && is_private(&m));
        if !trusted {
            return Vec::new();
        }
        let mut found = Vec::new();
        for file in crate::temp::stale(&dir, "") {
            if let Ok(bytes) = std::fs::read(&file) {
                if let Ok(text) = String::from_utf8(bytes) {
                    found.push(PathBuf::from(text));
                }
            }
            let _ = std::fs::remove_file(&file);
        }
        found
    }

    /// Where the cache is and how much each kind of entry holds (files with
    /// several links counted once). `None` when caching is off.
    pub fn summary(&self) -> Option<Summary> {
        let root = self.root.clone()?;
        let kinds = KINDS
            .iter()
            .map(|&k| (k, usage(&root.join(k.dir_name()))))
            .collect();
        let mut stale = crate::temp::stale(&root, REMOVING);
        for kind in KINDS {
            for place in temp_places(&root, kind) {
                stale.extend(crate::temp::stale(&place, TMP));
            }
        }
        let stale_usage = stale.iter().fold(Usage::default(), |a, p| {
            let u = usage(p);
            Usage {
                files: a.files + u.files,
                bytes: a.bytes + u.bytes,
            }
        });
        Some(Summary {
            root,
            kinds,
            stale,
            stale_usage,
        })
    }

    /// Removes every entry, safely while other creations run: it waits until
    /// no process uses the cache (each holds a shared lock while it does),
    /// moves each kind's directory aside in one rename, then deletes it.
    /// Environments made by hard link, clone or copy keep working; those
    /// made with `--link-mode symlink` point into the cache and do not.
    /// Returns what was removed.
    pub fn clean(&self) -> std::io::Result<Option<Summary>> {
        let Some(root) = self.root.clone() else {
            return Ok(None);
        };
        if !root.is_dir() {
            return Ok(self.summary());
        }
        let before = self.summary();
        let _exclusive = crate::os::lock_file(&root.join(".lock"), true)
            .ok_or_else(|| std::io::Error::other(format!("cannot lock {}", root.display())))?;
        let parent = cap_std::fs::Dir::open_ambient_dir(&root, cap_std::ambient_authority())?;
        crate::temp::reclaim(&root, REMOVING);
        for kind in KINDS {
            let aside = crate::temp::name(REMOVING);
            match parent.rename(kind.dir_name(), &parent, &aside) {
                Ok(()) => crate::tree::remove_tree(&parent, &aside)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        self.lock().dirs.clear();
        Ok(before)
    }
}

/// Where temporary entries of `kind` are built: its directory (and, for
/// seed entries, the wheel digests' memo directory).
fn temp_places(root: &Path, kind: Kind) -> Vec<PathBuf> {
    let dir = root.join(kind.dir_name());
    let mut places = vec![dir.clone()];
    if kind == Kind::Seed {
        places.push(dir.join("digests"));
    }
    if kind == Kind::Interpreters {
        // CACHEDIR.TAG is written at the root.
        places.push(root.to_path_buf());
    }
    places
}

/// Files and bytes under `path` (each inode once; links not followed),
/// without the temporary entries at its top.
fn usage(path: &Path) -> Usage {
    let mut seen = std::collections::HashSet::new();
    let mut total = Usage::default();
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.is_dir() {
            return Usage {
                files: 1,
                bytes: meta.len(),
            };
        }
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if d == path && (name.starts_with(TMP) || name.starts_with(REMOVING)) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if crate::os::inode(&meta).is_none_or(|id| seen.insert(id)) {
                total.files += 1;
                total.bytes += meta.len();
            }
        }
    }
    total
}

/// `<root>/<kind>`, created private if missing, after checking the chain.
fn trusted_kind_dir(root: &Path, kind: Kind) -> Result<PathBuf, String> {
    create_private_dir(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let meta = std::fs::metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let sticky = crate::os::is_sticky(&meta);
    if !(is_private(&meta) || sticky) {
        return Err(untrusted_reason(root, &meta));
    }
    let dir = root.join(kind.dir_name());
    match crate::os::create_private_dir(&dir, false) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
    }
    let meta = std::fs::symlink_metadata(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if !is_private(&meta) {
        return Err(untrusted_reason(&dir, &meta));
    }
    Ok(dir)
}

fn untrusted_reason(path: &Path, meta: &std::fs::Metadata) -> String {
    crate::os::not_private_reason(path, meta)
}

/// Owned by this user and writable by no one else.
fn is_private(meta: &std::fs::Metadata) -> bool {
    crate::os::is_private(meta)
}

/// True when `rel` (inside `kind_dir`, itself already checked) and every
/// directory between them are ours alone, and `rel` is of type `expect`
/// (never a symbolic link).
pub(crate) fn is_trusted(kind_dir: &Path, rel: &Path, expect: EntryType) -> bool {
    let mut path = kind_dir.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return false;
        };
        let last = i + 1 == parts.len();
        let right_type = if last && expect == EntryType::File {
            meta.file_type().is_file()
        } else {
            meta.file_type().is_dir()
        };
        if !right_type || !is_private(&meta) {
            return false;
        }
    }
    true
}

/// Writes `bytes` to `file` through a private temporary file in the same
/// directory and a rename, creating the directory (mode 0700) if needed.
pub(crate) fn write_atomically(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = file.parent().expect("cache entries live in a directory");
    create_private_dir(dir)?;
    // Named and locked as crate::temp says, so that a killed writer's file is reclaimed.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP}{}-", std::process::id()))
        .tempfile_in(dir)?;
    let _lock = crate::temp::lock_file(tmp.as_file());
    tmp.write_all(bytes)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// `mkdir -p` with mode 0700 for the directories it creates: the cache is per user.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    crate::os::create_private_dir(dir, true)
}

/// The numbers that change when a file is replaced or modified: device,
/// inode, size and modification time. Cache keys mix these in so that an
/// upgraded interpreter or wheel misses.
pub(crate) fn file_identity(meta: &std::fs::Metadata) -> [u64; 5] {
    crate::os::file_identity(meta)
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
