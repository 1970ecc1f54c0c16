//! pyenv support: its shims are shell scripts, so `python3` on PATH is not the
//! interpreter `python3 -m venv` would report as `sys.executable`. We resolve a
//! shim to the real binary the way pyenv does (PYENV_VERSION, `.python-version`
//! files, the global `version` file), natively, and ask `pyenv which` only
//! when our reading disagrees with what is installed.

use std::path::{Path, PathBuf};

/// pyenv's root: `$PYENV_ROOT`, else `~/.pyenv`.
pub(super) fn root() -> Option<PathBuf> {
    let root = std::env::var_os("PYENV_ROOT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))?;
    root.is_dir().then_some(root)
}

pub(super) fn shims_dir() -> Option<PathBuf> {
    root().map(|r| r.join("shims"))
}

pub(super) fn is_shim(path: &Path) -> bool {
    match (shims_dir(), path.parent()) {
        (Some(shims), Some(parent)) => parent == shims,
        _ => false,
    }
}

/// A CPython that pyenv installed: `versions/3.12.1`, or `versions/3.13.0t`
/// for a free-threaded build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Installed {
    pub(super) version: (u32, u32, u32),
    pub(super) free_threaded: bool,
    pub(super) prefix: PathBuf,
}

impl Installed {
    /// Its `bin/python3.X` (`python3.Xt` for a free-threaded build).
    pub(super) fn executable(&self) -> PathBuf {
        let t = if self.free_threaded { "t" } else { "" };
        self.prefix
            .join("bin")
            .join(format!("python{}.{}{t}", self.version.0, self.version.1))
    }
}

/// Installed CPythons, newest first (a free-threaded build after the
/// default one of the same version); only numeric names.
pub(super) fn installed_versions() -> Vec<Installed> {
    let Some(root) = root() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(root.join("versions")) else {
        return Vec::new();
    };
    let mut found: Vec<Installed> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let (digits, free_threaded) = match name.strip_suffix('t') {
                Some(digits) => (digits.to_owned(), true),
                None => (name, false),
            };
            Some(Installed {
                version: parse_version(&digits)?,
                free_threaded,
                prefix: e.path(),
            })
        })
        .collect();
    found.sort_by_key(|i| (std::cmp::Reverse(i.version), i.free_threaded));
    found
}

fn parse_version(name: &str) -> Option<(u32, u32, u32)> {
    let mut parts = name.split('.');
    let mut number = || -> Option<u32> {
        let part = parts.next()?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let v = (number()?, number()?, number()?);
    parts.next().is_none().then_some(v)
}

/// The real executable behind the shim for `command` (e.g. `python3`).
pub(super) fn resolve_shim(command: &str) -> Option<PathBuf> {
    let root = root()?;
    for version in selected_versions(&root) {
        if version == "system" {
            if let Some(found) =
                super::path_search::which_excluding(command, shims_dir().as_deref())
            {
                return Some(found);
            }
            continue;
        }
        let mut prefix = root.join("versions").join(&version);
        if !prefix.is_dir() {
            // pyenv accepts a version prefix such as `3.12` and picks the newest match.
            let wanted = format!("{version}.");
            match installed_versions().into_iter().find(|i| {
                i.prefix
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&wanted))
            }) {
                Some(i) => prefix = i.prefix,
                None => continue,
            }
        }
        let candidate = prefix.join("bin").join(command);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    pyenv_which(command)
}

/// The versions pyenv would try, in order.
fn selected_versions(root: &Path) -> Vec<String> {
    if let Some(v) = std::env::var_os("PYENV_VERSION").filter(|v| !v.is_empty()) {
        return v.to_string_lossy().split(':').map(str::to_owned).collect();
    }
    if let Ok(mut dir) = std::env::current_dir() {
        loop {
            if let Some(versions) = read_version_file(&dir.join(".python-version")) {
                return versions;
            }
            if !dir.pop() {
                break;
            }
        }
    }
    read_version_file(&root.join("version")).unwrap_or_else(|| vec!["system".to_owned()])
}

fn read_version_file(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    let versions: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .flat_map(str::split_whitespace)
        .map(str::to_owned)
        .collect();
    (!versions.is_empty()).then_some(versions)
}

fn pyenv_which(command: &str) -> Option<PathBuf> {
    let pyenv = root()?.join("bin").join("pyenv");
    let program = if pyenv.is_file() {
        pyenv
    } else {
        PathBuf::from("pyenv")
    };
    // pyenv prints the path; whatever else it says (on stderr) is no path to a file.
    let mut found = None;
    let finished = crate::process::ChildCommand::new(program)
        .args(["which", command])
        .run(&mut |line| {
            let path = PathBuf::from(line.trim());
            if path.is_absolute() && path.is_file() {
                found = Some(path);
            }
            std::ops::ControlFlow::Continue(())
        })
        .ok()?;
    finished.status.success().then_some(found).flatten()
}
