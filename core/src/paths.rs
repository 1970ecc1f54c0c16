//! Path helpers that behave like Python's `os.path` where CPython's venv relies on it.

use std::path::{Component, Path, PathBuf};

/// `os.path.abspath`: joins with the current directory and removes `.` and
/// `..` lexically, without resolving symbolic links.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            // The root (and on Windows the drive) stay; `..` cannot climb above them.
            Component::RootDir | Component::Prefix(_) => out.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(p) => out.push(p),
        }
    }
    out
}

/// `os.path.relpath(to, from)` for two paths in the same frame (both
/// absolute and normalised, or both relative to one directory), lexically.
/// The same path gives an empty path.
pub(crate) fn relative(from: &Path, to: &Path) -> PathBuf {
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::absolute;
    use std::path::Path;

    #[test]
    fn normalises_lexically() {
        assert_eq!(absolute(Path::new("/a/./b/../c/")), Path::new("/a/c"));
        assert_eq!(absolute(Path::new("/../x")), Path::new("/x"));
        assert!(absolute(Path::new("rel")).is_absolute());
    }
}
