//! Looking up commands on PATH, optionally skipping one directory (pyenv's
//! shims, which are shell scripts rather than interpreters).

use std::path::{Path, PathBuf};

/// The directories of PATH, in order, without empty entries and `exclude`.
pub(super) fn dirs_excluding(exclude: Option<&Path>) -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|d| !d.as_os_str().is_empty() && Some(d.as_path()) != exclude)
        .collect()
}

pub(super) fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| crate::os::is_executable(&m))
}

/// `command` on PATH, skipping the directory `exclude`.
pub(super) fn which_excluding(command: &str, exclude: Option<&Path>) -> Option<PathBuf> {
    dirs_excluding(exclude)
        .into_iter()
        .map(|d| d.join(command))
        .find(|p| is_executable(p))
}
