//! Path helpers that behave like Python's `os.path` where CPython's venv relies on it.

use std::path::{Component, Path, PathBuf};

/// `os.path.abspath`: joins with the current directory and removes `.` and
/// `..` lexically, without resolving symbolic links.
pub fn absolute(path: &Path) -> PathBuf {
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
