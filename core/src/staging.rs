//! Atomic creation. A new environment is built in a hidden sibling directory
//! and swapped into place with one `renameat2` call, so ENV_DIR is either
//! absent (or as it was) or complete. If any step fails, the staged tree is
//! removed and whatever was at ENV_DIR before is back.
//!
//! Where ENV_DIR already holds files and `--clear` was not given (an existing
//! env, `--upgrade`, or a project directory), CPython writes into it in place;
//! so do we, and a failure then removes the top-level entries we added.
//!
//! A creator holds an exclusive `flock` on its staging directory (and, for
//! `--clear`, on the tree it replaces) until it ends. A creator killed with
//! SIGKILL leaves its staging directory behind; the next creation in the same
//! parent removes such directories when their lock is free and their
//! creator's process is gone, so concurrent creators never touch each
//! other's work. Trees are removed with [`crate::tree::remove_tree`], which
//! works at any depth and never follows a link.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

use cap_fs_ext::DirExt;
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::error::VenvError;
use crate::os::{self, lock_dir as lock, process_exists, Rename};
use crate::tree::remove_tree;

/// The marker in staging directory names: `.NAME.venv-staging-PID-N-NANOS`.
const STAGING_MARKER: &str = ".venv-staging-";

/// Removes staging directories in `parent` left by creators that are gone:
/// their lock is free and the process named in them no longer exists.
/// Failures are ignored: this is housekeeping, not part of the creation.
fn reclaim_stale(parent: &Dir) {
    let Ok(entries) = parent.entries() else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = staging_pid(&name) else {
            continue;
        };
        if pid == std::process::id() || process_exists(pid) {
            continue;
        }
        let Ok(dir) = parent.open_dir_nofollow(&name) else {
            continue;
        };
        if let Some(_held) = lock(&dir) {
            let _ = remove_tree(parent, &name);
        }
    }
}

/// [`reclaim_stale`] in the directory at `parent` (for a staging
/// directory a killed creator registered in the cache, wherever it is).
pub(crate) fn reclaim_in(parent: &Path) {
    if let Ok(dir) = Dir::open_ambient_dir(parent, ambient_authority()) {
        reclaim_stale(&dir);
    }
}

/// The creator's PID in a staging directory's name.
fn staging_pid(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    if !name.starts_with('.') {
        return None;
    }
    let (_, rest) = name.rsplit_once(STAGING_MARKER)?;
    rest.split('-').next()?.parse().ok()
}

enum Kind {
    /// ENV_DIR did not exist: publish by renaming the staged dir into place.
    New,
    /// ENV_DIR was an empty dir or is being cleared: publish by exchanging.
    Replace,
    /// Writing into an existing, non-empty ENV_DIR.
    InPlace { before: HashSet<OsString> },
}

/// What to do with an ENV_DIR that already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnExisting {
    /// Write into it (an existing env, `--upgrade`, a project directory), as CPython does.
    Keep,
    /// `--clear`: replace its contents (atomically, by exchanging trees).
    Clear,
}

/// What is left of a replaced tree that could not be removed.
#[derive(Debug)]
pub(crate) struct Leftover {
    pub path: PathBuf,
    pub error: io::Error,
}

pub(crate) struct Staging {
    /// Locks held while this creation runs (see the module docs).
    _locks: Vec<os::Lock>,
    env_dir: PathBuf,
    parent_path: PathBuf,
    parent: Dir,
    final_name: OsString,
    staged_name: OsString,
    kind: Kind,
    published: bool,
    created_parents: Vec<PathBuf>,
}

impl Staging {
    /// Prepares ENV_DIR for building and returns the directory to build in.
    pub(crate) fn begin(
        env_dir: &Path,
        on_existing: OnExisting,
    ) -> Result<(Staging, Dir), VenvError> {
        let (parent_path, final_name) = match (env_dir.parent(), env_dir.file_name()) {
            (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
            _ => {
                return Err(VenvError::NotADirectory {
                    path: env_dir.to_path_buf(),
                })
            }
        };
        let existing = std::fs::symlink_metadata(env_dir).ok();
        if let Some(meta) = &existing {
            if meta.file_type().is_symlink() {
                return Err(VenvError::EnvDirIsSymlink {
                    path: env_dir.to_path_buf(),
                });
            }
            if !meta.is_dir() {
                return Err(VenvError::NotADirectory {
                    path: env_dir.to_path_buf(),
                });
            }
        }
        let not_writable = |source: io::Error| VenvError::ParentNotWritable {
            path: env_dir.to_path_buf(),
            parent: parent_path.clone(),
            source,
        };
        let created_parents = create_parents(&parent_path).map_err(not_writable)?;
        let cleanup_parents = |e: VenvError| {
            remove_created(&created_parents);
            e
        };
        let parent = Dir::open_ambient_dir(&parent_path, ambient_authority())
            .map_err(not_writable)
            .map_err(cleanup_parents)?;
        reclaim_stale(&parent);

        let entries = match existing {
            Some(_) => Some(list_names(env_dir).map_err(|e| {
                VenvError::step(crate::report::Step::EnsureDirectories, env_dir, e)
            })?),
            None => None,
        };
        let kind = match entries {
            None => Kind::New,
            Some(names) if names.is_empty() || on_existing == OnExisting::Clear => Kind::Replace,
            Some(names) => Kind::InPlace { before: names },
        };
        let mut staging = Staging {
            _locks: Vec::new(),
            env_dir: env_dir.to_path_buf(),
            parent_path: parent_path.clone(),
            parent,
            final_name: final_name.clone(),
            staged_name: OsString::new(),
            kind,
            published: false,
            created_parents,
        };
        if let Kind::InPlace { .. } = staging.kind {
            staging.published = true;
            let dir = staging
                .parent
                .open_dir(&final_name)
                .map_err(|e| VenvError::step(crate::report::Step::EnsureDirectories, env_dir, e))?;
            return Ok((staging, dir));
        }
        let staged_name = staged_name_for(&final_name);
        if let Err(e) = staging.parent.create_dir(&staged_name) {
            remove_created(&staging.created_parents);
            return Err(not_writable(e));
        }
        staging.staged_name = staged_name;
        let dir = staging.parent.open_dir(&staging.staged_name).map_err(|e| {
            let err = VenvError::step(crate::report::Step::EnsureDirectories, env_dir, e);
            staging.discard();
            err
        })?;
        // Ours until we end; for --clear the old tree too, which sits under the
        // staged name between the exchange and its removal.
        staging._locks.extend(lock(&dir));
        if let Kind::Replace = staging.kind {
            if let Ok(old) = staging.parent.open_dir_nofollow(&staging.final_name) {
                staging._locks.extend(lock(&old));
            }
        }
        // Keep the permission bits of a directory we replace, as clearing in place would.
        if let Kind::Replace = staging.kind {
            if let Ok(meta) = std::fs::metadata(env_dir) {
                let _ = dir.dir_metadata().and_then(|_| {
                    staging.parent.set_permissions(
                        &staging.staged_name,
                        cap_std::fs::Permissions::from_std(meta.permissions()),
                    )
                });
            }
        }
        Ok((staging, dir))
    }

    /// Where the environment's tree is right now: ENV_DIR once published
    /// (or when building in place), else the hidden staging directory.
    pub(crate) fn current_path(&self) -> PathBuf {
        if self.published {
            self.env_dir.clone()
        } else {
            self.parent_path.join(&self.staged_name)
        }
    }

    /// True when building in a directory this run created (not in place).
    pub(crate) fn is_fresh(&self) -> bool {
        !matches!(self.kind, Kind::InPlace { .. })
    }

    pub(crate) fn is_published(&self) -> bool {
        self.published
    }

    /// Moves the staged tree to ENV_DIR (the old contents, if any, go to the staged name).
    pub(crate) fn publish(&mut self) -> io::Result<()> {
        if self.published {
            return Ok(());
        }
        self.publish_inner().map_err(|e| {
            if os::is_already_exists(&e) {
                io::Error::new(e.kind(), "another process created it while this one was building it; nothing was changed")
            } else {
                e
            }
        })
    }

    fn publish_inner(&mut self) -> io::Result<()> {
        match self.kind {
            Kind::New => self.rename(Rename::NoReplace)?,
            Kind::Replace => {
                if let Err(e) = self.rename(Rename::Exchange) {
                    // Filesystems (and systems) without RENAME_EXCHANGE: move the old tree aside, then rename.
                    if e.kind() != io::ErrorKind::Unsupported {
                        return Err(e);
                    }
                    let aside = staged_name_for(&self.final_name);
                    self.parent.rename(&self.final_name, &self.parent, &aside)?;
                    if let Err(e) =
                        self.parent
                            .rename(&self.staged_name, &self.parent, &self.final_name)
                    {
                        let _ = self.parent.rename(&aside, &self.parent, &self.final_name);
                        return Err(e);
                    }
                    self.staged_name = aside;
                }
            }
            Kind::InPlace { .. } => {}
        }
        self.published = true;
        Ok(())
    }

    fn rename(&self, how: Rename) -> io::Result<()> {
        os::rename_at(
            &self.parent,
            Path::new(&self.staged_name),
            Path::new(&self.final_name),
            how,
        )
    }

    /// Publishes (if not yet), then removes what was replaced. The new tree
    /// is committed once published: a replaced tree that cannot be removed
    /// whole is no failure of the creation, and what is left of it stays
    /// under one name, returned (later runs beside it try again).
    pub(crate) fn commit(mut self) -> io::Result<Option<Leftover>> {
        if let Err(e) = self.publish() {
            self.discard();
            return Err(e);
        }
        if let Kind::Replace = self.kind {
            // The old tree now sits under the staged name.
            if let Err(error) = remove_tree(&self.parent, &self.staged_name) {
                return Ok(Some(Leftover {
                    path: self.parent_path.join(&self.staged_name),
                    error,
                }));
            }
        }
        Ok(None)
    }

    /// Undoes everything: ENV_DIR is back to what it was before `begin`.
    pub(crate) fn rollback(mut self) {
        self.discard();
    }

    fn discard(&mut self) {
        match &self.kind {
            Kind::New => {
                let name = if self.published {
                    &self.final_name
                } else {
                    &self.staged_name
                };
                let _ = remove_tree(&self.parent, name);
            }
            Kind::Replace => {
                if self.published {
                    // Swap back: the old tree returns to ENV_DIR, the new one goes to the staged name.
                    if self.rename(Rename::Exchange).is_err() {
                        let _ = remove_tree(&self.parent, &self.final_name);
                        let _ =
                            self.parent
                                .rename(&self.staged_name, &self.parent, &self.final_name);
                        remove_created(&self.created_parents);
                        return;
                    }
                }
                let _ = remove_tree(&self.parent, &self.staged_name);
            }
            Kind::InPlace { before } => {
                if let Ok(dir) = self.parent.open_dir(&self.final_name) {
                    if let Ok(now) = list_dir_names(&dir) {
                        for name in now.difference(before) {
                            let _ = remove_tree(&dir, name);
                        }
                    }
                }
            }
        }
        remove_created(&self.created_parents);
    }
}

/// The longest file name the file systems we serve accept, in bytes.
const NAME_MAX: usize = 255;

/// A hidden, unique sibling name: `.NAME.venv-staging-PID-N-NANOS`, with
/// NAME cut short (at a character boundary) where the whole would not fit
/// in a file name; only the part after the marker is ever read back.
fn staged_name_for(final_name: &OsStr) -> OsString {
    let suffix = crate::temp::name(STAGING_MARKER);
    let room = NAME_MAX - 1 - suffix.len();
    let name = final_name.to_string_lossy();
    let mut end = name.len().min(room);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let mut staged = OsString::from(".");
    if end == name.len() {
        staged.push(final_name);
    } else {
        staged.push(&name[..end]);
    }
    staged.push(suffix);
    staged
}

/// `mkdir -p` for ENV_DIR's parents, returning what it created (deepest last).
fn create_parents(parent: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut p = parent.to_path_buf();
    while std::fs::symlink_metadata(&p).is_err() {
        missing.push(p.clone());
        if !p.pop() {
            break;
        }
    }
    missing.reverse();
    let mut created = Vec::new();
    for dir in missing {
        match std::fs::create_dir(&dir) {
            Ok(()) => created.push(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                remove_created(&created);
                return Err(e);
            }
        }
    }
    Ok(created)
}

fn remove_created(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

fn list_names(dir: &Path) -> io::Result<HashSet<OsString>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name()))
        .collect()
}

fn list_dir_names(dir: &Dir) -> io::Result<HashSet<OsString>> {
    dir.entries()?.map(|e| e.map(|e| e.file_name())).collect()
}
