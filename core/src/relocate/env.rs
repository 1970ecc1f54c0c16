//! An existing environment opened for reading (and, through its `EnvDir`,
//! writing): its root as given and resolved, `pyvenv.cfg`, `bin/` and every
//! `lib/*/site-packages`. Windows' `Scripts\` layout is not served here: a
//! directory without `bin/` is not an environment `--repair`, `--check` or
//! `--pack` know.

use std::io::Read;
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::config::PyvenvCfg;
use crate::envfs::EnvDir;
use crate::error::VenvError;
use crate::launcher;

/// Files larger than this are never read whole: text worth rewriting and
/// launchers are far smaller, and the memory used stays bounded whatever
/// else the environment holds.
pub(crate) const MAX_EDITABLE: u64 = 4 << 20;

/// An existing environment, opened for reading (and, through `fs`, writing).
pub struct Env {
    /// Absolute, as given (not resolved: it is what activation should show).
    pub root: PathBuf,
    /// The same, links resolved.
    pub canonical: PathBuf,
    /// The environment directory, as every write goes.
    pub fs: EnvDir,
    /// pyvenv.cfg as it is.
    pub cfg_text: String,
    /// pyvenv.cfg, read.
    pub cfg: PyvenvCfg,
    /// `bin`, relative.
    pub bin: PathBuf,
    /// Every `lib/*/site-packages` (relative).
    pub site_packages: Vec<PathBuf>,
}

impl Env {
    /// Opens the environment at `path` (it must hold pyvenv.cfg).
    pub fn open(path: &Path) -> Result<Env, VenvError> {
        let root = crate::paths::absolute(path);
        let not_env = |reason: String| VenvError::NotAnEnvironment {
            path: root.clone(),
            reason,
        };
        let dir = Dir::open_ambient_dir(&root, ambient_authority())
            .map_err(|e| not_env(format!("cannot open it: {e}")))?;
        let cfg_text = dir
            .read_to_string("pyvenv.cfg")
            .map_err(|e| not_env(format!("no readable pyvenv.cfg: {e}")))?;
        let cfg = PyvenvCfg::parse(&cfg_text).map_err(|e| not_env(format!("pyvenv.cfg: {e}")))?;
        let bin = PathBuf::from("bin");
        if !dir.symlink_metadata(&bin).is_ok_and(|m| m.is_dir()) {
            return Err(not_env("no bin directory".to_owned()));
        }
        let mut site_packages = Vec::new();
        if let Ok(entries) = dir.read_dir("lib") {
            for entry in entries.flatten() {
                let rel = Path::new("lib")
                    .join(entry.file_name())
                    .join("site-packages");
                if dir.symlink_metadata(&rel).is_ok_and(|m| m.is_dir()) {
                    site_packages.push(rel);
                }
            }
        }
        site_packages.sort();
        let canonical = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        Ok(Env {
            fs: EnvDir::new(dir, &root, false),
            root,
            canonical,
            cfg_text,
            cfg,
            bin,
            site_packages,
        })
    }

    pub(crate) fn dir(&self) -> &Dir {
        self.fs.cap_dir()
    }

    pub(crate) fn read(&self, rel: &Path) -> Result<Vec<u8>, VenvError> {
        self.dir().read(rel).map_err(|e| self.read_error(rel, e))
    }

    pub(crate) fn read_error(&self, rel: &Path, e: impl std::fmt::Display) -> VenvError {
        VenvError::Relocate {
            what: "read",
            env: self.root.clone(),
            reason: format!("{}: {e}", rel.display()),
        }
    }

    /// The root paths that count as this environment's own.
    pub(crate) fn own_paths(&self) -> Vec<String> {
        let mut own = vec![self.root.to_string_lossy().into_owned()];
        let canonical = self.canonical.to_string_lossy().into_owned();
        if !own.contains(&canonical) {
            own.push(canonical);
        }
        own
    }

    /// The launcher header of `rel`, if it starts with `#!` and is small
    /// enough to be a launcher; binaries are skipped without reading them whole.
    pub(crate) fn read_header(
        &self,
        rel: &Path,
        size: u64,
    ) -> Result<Option<launcher::Parsed>, VenvError> {
        let mut head = [0u8; 2];
        let n = {
            let mut f = self.dir().open(rel).map_err(|e| self.read_error(rel, e))?;
            f.read(&mut head).unwrap_or(0)
        };
        if n < 2 || &head != b"#!" || size > MAX_EDITABLE {
            return Ok(None);
        }
        Ok(launcher::parse(&self.read(rel)?))
    }
}
