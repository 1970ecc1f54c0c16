//! Where an environment was made or last repaired: the paths it names as its
//! own that are not where it is now.

use std::path::Path;

use super::env::Env;
use super::walk::{Kind, Walked};
use crate::error::VenvError;

/// Paths the environment names as its own that are not where it is: the
/// `VIRTUAL_ENV` of `bin/activate`, and the directory two levels above the
/// interpreter of every launcher in `bin/` whose interpreter's name is one
/// this environment has.
pub(crate) fn old_paths(
    env: &Env,
    walked: &Walked,
    own: &[String],
) -> Result<Vec<String>, VenvError> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |p: String| {
        let p = p.trim_end_matches('/').to_owned();
        if p.starts_with('/') && p.len() > 1 && !own.contains(&p) && !found.contains(&p) {
            found.push(p);
        }
    };
    let activate = env.bin.join("activate");
    if walked.kind(&activate) == Some(Kind::File)
        && walked.size(&activate) <= super::env::MAX_EDITABLE
    {
        let text = String::from_utf8_lossy(&env.read(&activate)?).into_owned();
        if let Some(dir) = activate_dir(&text) {
            add(dir);
        }
    }
    for (rel, kind) in walked.in_dir(&env.bin) {
        if kind != Kind::File {
            continue;
        }
        let Some(parsed) = env.read_header(rel, walked.size(rel))? else {
            continue;
        };
        if parsed.relocatable {
            continue;
        }
        let python = Path::new(&parsed.interpreter);
        let (Some(name), Some(bin)) = (python.file_name(), python.parent()) else {
            continue;
        };
        let has_it = walked.kind(&env.bin.join(name)).is_some();
        if has_it && bin.file_name() == env.bin.file_name() {
            if let Some(root) = bin.parent() {
                add(root.to_string_lossy().into_owned());
            }
        }
    }
    Ok(found)
}

/// The directory a POSIX `activate` script sets `VIRTUAL_ENV` to, when it
/// is a quoted literal (ours, CPython's, virtualenv's, uv's). A quoted value
/// may span lines (a path with a newline in it).
pub(crate) fn activate_dir(text: &str) -> Option<String> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let at = start;
        start += line.len();
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let after_export = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some(rest) = after_export.strip_prefix("VIRTUAL_ENV=") else {
            continue;
        };
        // The value runs on past this line when it is quoted.
        let value = &text[at + lead + (trimmed.len() - rest.len())..];
        match value.chars().next() {
            Some('\'') => {
                // '...' with '\'' for each quote inside.
                let mut out = String::new();
                let mut rest = &value[1..];
                while let Some(close) = rest.find('\'') {
                    out.push_str(&rest[..close]);
                    rest = &rest[close + 1..];
                    match rest.strip_prefix("\\''") {
                        Some(more) => {
                            out.push('\'');
                            rest = more;
                        }
                        None => return Some(out),
                    }
                }
            }
            Some('"') => {
                if let Some(close) = value[1..].find('"') {
                    return Some(value[1..close + 1].to_owned());
                }
            }
            // Bare (shlex.quote leaves a plain path unquoted).
            Some('/') => {
                let end = value.find([' ', '\t', ';', '\n']).unwrap_or(value.len());
                return Some(value[..end].to_owned());
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_directory_activate_sets() {
        assert_eq!(
            activate_dir("x\n    VIRTUAL_ENV='/a/it'\\''s'\n").as_deref(),
            Some("/a/it's")
        );
        assert_eq!(
            activate_dir("export VIRTUAL_ENV=\"/a b\"\n").as_deref(),
            Some("/a b")
        );
        assert_eq!(activate_dir("VIRTUAL_ENV=$(cygpath '/x')\n"), None);
        assert_eq!(
            activate_dir("VIRTUAL_ENV=/a/b; x\n").as_deref(),
            Some("/a/b")
        );
        assert_eq!(
            activate_dir("if x; then\n    VIRTUAL_ENV='/tmp/a\nb/env'\nfi\n").as_deref(),
            Some("/tmp/a\nb/env")
        );
        assert_eq!(
            activate_dir("VIRTUAL_ENV=/x\nVIRTUAL_ENV=/y\n").as_deref(),
            Some("/x")
        );
    }
}
