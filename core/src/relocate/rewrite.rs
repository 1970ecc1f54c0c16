//! Text rewriting: mentions of a root path replaced at path boundaries, and
//! the small path helpers the planner needs.

use std::path::{Path, PathBuf};

use crate::launcher::{self, Interp};

/// `text` with every mention of a root in `roots` (at a path boundary)
/// replaced by `new_root`; `None` if there is none.
pub(crate) fn replace_roots(text: &str, roots: &[String], new_root: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut changed = false;
    let bytes = text.as_bytes();
    'outer: while i < text.len() {
        if bytes[i] == b'/' && (i == 0 || !is_path_char(bytes[i - 1])) {
            for root in roots {
                if text[i..].starts_with(root.as_str()) {
                    let end = i + root.len();
                    if end == text.len() || !is_path_char(bytes[end]) || bytes[end] == b'/' {
                        out.push_str(new_root);
                        i = end;
                        changed = true;
                        continue 'outer;
                    }
                }
            }
        }
        let ch = text[i..].chars().next().unwrap_or('\0');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    changed.then_some(out)
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/') || b >= 0x80
}

/// Whether `text` mentions one of `roots`.
pub(crate) fn mentions(text: &str, roots: &[String]) -> bool {
    replace_roots(text, roots, "").is_some()
}

/// Whether `path` is `root` or inside it.
pub(crate) fn within(path: &str, root: &str) -> bool {
    path == root || path.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

/// Text we may edit: UTF-8 without NUL, not too large.
pub(crate) fn text_file(bytes: &[u8]) -> Option<&str> {
    if bytes.len() as u64 > super::env::MAX_EDITABLE || bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// A `#!` header for an absolute interpreter with options (pip's form when
/// there are none).
pub(crate) fn header_with_args(python: &Path, args: &str) -> String {
    if args.is_empty() {
        launcher::header(Interp::Fixed(python))
    } else {
        format!("#!{}{args}\n", python.display())
    }
}

/// The relative path from directory `from` to `to`, both relative to the
/// env; `.` for the same directory.
pub(crate) fn relative_to(from: &Path, to: &Path) -> PathBuf {
    let mut out = crate::paths::relative(from, to);
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_paths_only() {
        let roots = vec!["/a/env".to_owned()];
        assert_eq!(
            replace_roots("'/a/env' /a/env/bin /a/env2 /x/a/env", &roots, "/b").as_deref(),
            Some("'/b' /b/bin /a/env2 /x/a/env")
        );
        assert_eq!(replace_roots("/a/envy", &roots, "/b"), None);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("bin"), Path::new("lib/x")),
            PathBuf::from("../lib/x")
        );
        assert_eq!(
            relative_to(Path::new("bin"), Path::new("bin")),
            PathBuf::from(".")
        );
    }
}
