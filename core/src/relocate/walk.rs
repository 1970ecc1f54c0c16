//! Every entry of an environment, read once without following links.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use cap_fs_ext::DirExt;
use cap_std::fs::{Dir, Metadata};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Dir,
    File,
    Symlink,
    /// A socket, FIFO or device: nothing an environment needs.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub kind: Kind,
    /// Permission bits.
    pub mode: u32,
    pub size: u64,
    /// Seconds since the epoch.
    pub mtime: i64,
    pub link: Option<PathBuf>,
}

/// The tree, keyed by env-relative path (sorted).
#[derive(Debug, Default)]
pub(crate) struct Walked {
    pub entries: BTreeMap<PathBuf, Entry>,
}

impl Walked {
    pub(crate) fn kind(&self, rel: &Path) -> Option<Kind> {
        self.entries.get(rel).map(|e| e.kind)
    }

    pub(crate) fn mode(&self, rel: &Path) -> u32 {
        self.entries.get(rel).map_or(0o644, |e| e.mode)
    }

    pub(crate) fn size(&self, rel: &Path) -> u64 {
        self.entries.get(rel).map_or(0, |e| e.size)
    }

    /// The direct children of `dir`.
    pub(crate) fn in_dir<'a>(
        &'a self,
        dir: &'a Path,
    ) -> impl Iterator<Item = (&'a Path, Kind)> + 'a {
        self.entries
            .range(dir.to_path_buf()..)
            .skip_while(move |(p, _)| p.as_path() == dir)
            .take_while(move |(p, _)| p.starts_with(dir))
            .filter(move |(p, _)| p.parent() == Some(dir))
            .map(|(p, e)| (p.as_path(), e.kind))
    }

    pub(crate) fn links(&self) -> impl Iterator<Item = (&Path, &Path)> {
        self.entries
            .iter()
            .filter_map(|(p, e)| e.link.as_deref().map(|l| (p.as_path(), l)))
    }
}

pub(super) fn walk(root: &Dir) -> io::Result<Walked> {
    let mut walked = Walked::default();
    visit(root, Path::new(""), &mut walked)?;
    Ok(walked)
}

fn visit(dir: &Dir, rel: &Path, out: &mut Walked) -> io::Result<()> {
    for entry in dir.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        let path = rel.join(&name);
        let meta = dir.symlink_metadata(&name)?;
        let kind = kind_of(&meta);
        let link = if kind == Kind::Symlink {
            Some(dir.read_link_contents(&name)?)
        } else {
            None
        };
        out.entries.insert(
            path.clone(),
            Entry {
                kind,
                mode: mode_bits(&meta),
                size: meta.len(),
                mtime: mtime(&meta),
                link,
            },
        );
        if kind == Kind::Dir {
            let sub = dir.open_dir_nofollow(&name)?;
            visit(&sub, &path, out)?;
        }
    }
    Ok(())
}

fn kind_of(meta: &Metadata) -> Kind {
    let t = meta.file_type();
    if t.is_symlink() {
        Kind::Symlink
    } else if t.is_dir() {
        Kind::Dir
    } else if t.is_file() {
        Kind::File
    } else {
        Kind::Other
    }
}

fn mtime(meta: &Metadata) -> i64 {
    meta.modified()
        .ok()
        .map(|t| t.into_std())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

/// The permission bits (Windows has none: 0o755, as [`crate::os::mode`]).
fn mode_bits(meta: &cap_std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use cap_std::fs::PermissionsExt;
        meta.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0o755
    }
}
