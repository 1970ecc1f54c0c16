//! All writes and deletes inside an environment go through [`EnvDir`], a
//! `cap_std::fs::Dir` opened on the environment directory. cap-std refuses to
//! resolve any path (or symlink) that leads outside that directory, and we add
//! one rule on top: we never write *through* a symlink found in the env, we
//! either refuse (directories) or replace the link itself (files).

use std::io::{self, Write};
use std::path::Path;

use cap_fs_ext::DirExt;
use cap_std::fs::Dir;

use crate::error::VenvError;

/// The environment directory, as every write into it goes (see the module docs).
pub struct EnvDir {
    dir: Dir,
    /// True for a directory we just created (staged, private to this run)
    /// that no plugin has been given yet: nothing can have been planted in
    /// it, so files are written directly.
    fresh: std::cell::Cell<bool>,
    /// The env's final absolute path, used in messages only.
    display_root: std::path::PathBuf,
}

/// What an entry in the env is, without following a symlink.
#[derive(Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// Nothing there.
    Missing,
    /// A directory.
    Dir,
    /// Anything else that is not a link (a regular file, a FIFO, a device).
    File,
    /// A symbolic link (never followed).
    Symlink,
}

impl EnvDir {
    /// `dir` opened on the env; `display_root` names it in messages; `fresh` when
    /// this run just made it (nothing can have been planted in it).
    pub fn new(dir: Dir, display_root: &Path, fresh: bool) -> EnvDir {
        EnvDir {
            dir,
            fresh: std::cell::Cell::new(fresh),
            display_root: display_root.to_path_buf(),
        }
    }

    /// The underlying directory handle.
    pub fn cap_dir(&self) -> &Dir {
        &self.dir
    }

    /// From now on, treat the directory as one that may hold planted links
    /// (called before a plugin gets access to it).
    pub fn distrust(&self) {
        self.fresh.set(false);
    }

    /// What is at `rel`, without following a link.
    pub fn entry(&self, rel: &Path) -> io::Result<EntryKind> {
        match self.dir.symlink_metadata(rel) {
            Ok(m) if m.file_type().is_symlink() => Ok(EntryKind::Symlink),
            Ok(m) if m.is_dir() => Ok(EntryKind::Dir),
            Ok(_) => Ok(EntryKind::File),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(EntryKind::Missing),
            Err(e) => Err(e),
        }
    }

    /// `mkdir -p rel`, refusing when any existing component is a symlink or a file.
    pub fn ensure_dir(&self, rel: &Path) -> anyhow::Result<()> {
        let mut sofar = std::path::PathBuf::new();
        for part in rel.components() {
            sofar.push(part);
            match self.entry(&sofar)? {
                EntryKind::Dir => {}
                EntryKind::Missing => self.dir.create_dir(&sofar)?,
                EntryKind::Symlink => {
                    return Err(VenvError::SymlinkInEnv {
                        path: self.display_root.join(&sofar),
                    }
                    .into());
                }
                EntryKind::File => anyhow::bail!(
                    "unable to create directory {}: a file is in the way",
                    self.display_root.join(&sofar).display()
                ),
            }
        }
        Ok(())
    }

    /// Writes `bytes` to `rel` through a temporary sibling and a rename, so a
    /// symlink or a hard link planted at `rel` is replaced, never written
    /// through. `mode` sets exact permission bits; `None` keeps the umask's.
    pub fn write_file(&self, rel: &Path, bytes: &[u8], mode: Option<u32>) -> anyhow::Result<()> {
        self.replace_with(rel, |file| {
            file.write_all(bytes)?;
            if let Some(mode) = mode {
                crate::os::set_mode(file, mode)?;
            }
            Ok(())
        })
    }

    /// Writes what `reader` yields to `rel` (streamed, never held in memory),
    /// as [`EnvDir::write_file`] does.
    pub fn write_from(
        &self,
        rel: &Path,
        reader: &mut dyn io::Read,
        mode: Option<u32>,
    ) -> anyhow::Result<()> {
        self.replace_with(rel, |file| {
            io::copy(reader, file)?;
            if let Some(mode) = mode {
                crate::os::set_mode(file, mode)?;
            }
            Ok(())
        })
    }

    /// The names of the entries in the directory `rel` (none when it is missing).
    pub fn names_in(&self, rel: &Path) -> io::Result<Vec<String>> {
        let dir = match self.dir.open_dir_nofollow(rel) {
            Ok(dir) => dir,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in dir.entries()? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        Ok(names)
    }

    /// Copies the (ambient, read-only) file `src` to `rel` with exact `mode`.
    pub fn copy_in(&self, src: &Path, rel: &Path, mode: u32) -> anyhow::Result<()> {
        let mut from = std::fs::File::open(src)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", src.display()))?;
        self.replace_with(rel, |file| {
            io::copy(&mut from, file)?;
            crate::os::set_mode(file, mode)?;
            Ok(())
        })
    }

    fn replace_with(
        &self,
        rel: &Path,
        fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
    ) -> anyhow::Result<()> {
        if self.entry(rel)? == EntryKind::Dir {
            anyhow::bail!("{} is a directory", self.display_root.join(rel).display());
        }
        if self.fresh.get() {
            let mut file = self.dir.create(rel)?.into_std();
            return Ok(fill(&mut file)?);
        }
        let name = rel
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("no file name in {}", rel.display()))?;
        let tmp = rel.with_file_name(format!(".{}.venv-tmp", name.to_string_lossy()));
        let _ = self.dir.remove_file(&tmp);
        let result = (|| -> io::Result<()> {
            let mut file = self.dir.create(&tmp)?.into_std();
            fill(&mut file)?;
            drop(file);
            self.dir.rename(&tmp, &self.dir, rel)
        })();
        if result.is_err() {
            let _ = self.dir.remove_file(&tmp);
        }
        Ok(result?)
    }

    /// Creates the symlink `rel -> target` (target may be absolute; it is never followed).
    pub fn symlink(&self, target: &Path, rel: &Path) -> anyhow::Result<()> {
        crate::os::symlink_in(&self.dir, target, rel)?;
        Ok(())
    }

    /// Replaces whatever file or link is at `rel` with the symlink `rel ->
    /// target`, atomically (a temporary link renamed over it).
    pub fn replace_symlink(&self, target: &Path, rel: &Path) -> anyhow::Result<()> {
        if self.entry(rel)? == EntryKind::Dir {
            anyhow::bail!("{} is a directory", self.display_root.join(rel).display());
        }
        let name = rel
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("no file name in {}", rel.display()))?;
        let tmp = rel.with_file_name(format!(".{}.venv-tmp", name.to_string_lossy()));
        let _ = self.dir.remove_file(&tmp);
        crate::os::symlink_in(&self.dir, target, &tmp)?;
        if let Err(e) = self.dir.rename(&tmp, &self.dir, rel) {
            let _ = self.dir.remove_file(&tmp);
            return Err(e.into());
        }
        Ok(())
    }

    /// The target of the link at `rel`.
    pub fn read_link(&self, rel: &Path) -> io::Result<std::path::PathBuf> {
        self.dir.read_link_contents(rel)
    }

    /// Removes whatever is at `rel` (a directory recursively, at any depth,
    /// without following links).
    pub fn remove(&self, rel: &Path) -> io::Result<()> {
        match self.entry(rel)? {
            EntryKind::Missing => Ok(()),
            EntryKind::Dir => {
                let (parent, name) = match (rel.parent(), rel.file_name()) {
                    (Some(p), Some(n)) if !p.as_os_str().is_empty() => {
                        (self.dir.open_dir_nofollow(p)?, n)
                    }
                    (_, Some(n)) => (self.dir.try_clone()?, n),
                    _ => return Err(io::Error::other("cannot remove the environment itself")),
                };
                crate::tree::remove_tree(&parent, name)
            }
            EntryKind::File | EntryKind::Symlink => self.dir.remove_file(rel),
        }
    }

    /// Empties the environment directory, as `--clear` does, without following links.
    pub fn clear(&self) -> io::Result<()> {
        for entry in self.dir.entries()? {
            let name = entry?.file_name();
            self.remove(Path::new(&name))?;
        }
        Ok(())
    }
}
