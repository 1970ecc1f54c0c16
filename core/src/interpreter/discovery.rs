//! Turning `-p/--python` (or its absence) into one interpreter path.
//!
//! Accepted forms: a path (`/usr/bin/python3`, `.venv/bin/python`), a command
//! on PATH (`python3.12`), or a version request (`3`, `3.12`, `3.12.1`,
//! `cpython3.12`, `py3.12`), looked up on PATH and among pyenv's versions.

use std::collections::HashSet;
use std::path::PathBuf;

use super::{path_search, pyenv, Interpreter};
use crate::cache::Cache;
use crate::error::VenvError;
use crate::paths::absolute;

/// What `-p` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonRequest {
    /// No `-p`: `python3` on PATH.
    Default,
    /// A path to an interpreter (`/usr/bin/python3`, `.venv/bin/python`).
    Path(PathBuf),
    /// A command looked up on PATH (`python3.12`).
    Command(String),
    /// A version (`3`, `3.12`, `3.12.1`), found on PATH first, then among pyenv's.
    Version {
        /// The major version (3).
        major: u32,
        /// The minor version, if given.
        minor: Option<u32>,
        /// The patch level, if given.
        patch: Option<u32>,
    },
}

impl PythonRequest {
    /// Reads `-p`'s value (`None`: no `-p`).
    pub fn parse(text: Option<&str>) -> PythonRequest {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return PythonRequest::Default;
        };
        if text.contains('/') {
            return PythonRequest::Path(PathBuf::from(text));
        }
        for prefix in ["cpython-", "cpython", "py", ""] {
            if let Some(rest) = text.strip_prefix(prefix) {
                if let Some(v) = parse_version_request(rest) {
                    return v;
                }
            }
        }
        PythonRequest::Command(text.to_owned())
    }

    fn describe(&self) -> String {
        match self {
            PythonRequest::Default => "python3 (the default)".into(),
            PythonRequest::Path(p) => p.display().to_string(),
            PythonRequest::Command(c) => c.clone(),
            PythonRequest::Version {
                major,
                minor,
                patch,
            } => {
                let mut s = major.to_string();
                for part in [minor, patch].into_iter().flatten() {
                    s.push_str(&format!(".{part}"));
                }
                s
            }
        }
    }

    fn matches(&self, version: (u32, u32, u32)) -> bool {
        match self {
            PythonRequest::Version {
                major,
                minor,
                patch,
            } => {
                version.0 == *major
                    && minor.is_none_or(|m| m == version.1)
                    && patch.is_none_or(|p| p == version.2)
            }
            _ => true,
        }
    }
}

fn parse_version_request(text: &str) -> Option<PythonRequest> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 3 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        })
        .collect::<Option<Vec<u32>>>()?;
    Some(PythonRequest::Version {
        major: numbers[0],
        minor: numbers.get(1).copied(),
        patch: numbers.get(2).copied(),
    })
}

/// Finds the interpreter for `request` and loads its facts (cached). A
/// signal during the search (which also reaches the interpreters being
/// asked) ends it as an interruption, not as "not found".
pub fn find_interpreter(request: &PythonRequest, cache: &Cache) -> Result<Interpreter, VenvError> {
    let result = find(request, cache);
    crate::interrupt::check()?;
    result
}

fn find(request: &PythonRequest, cache: &Cache) -> Result<Interpreter, VenvError> {
    match request {
        PythonRequest::Default => match which_resolving_shims("python3") {
            Some(path) => Interpreter::load(&path, cache),
            None => Err(not_found(request, cache)),
        },
        PythonRequest::Path(path) => {
            let path = absolute(path);
            if !path.exists() {
                return Err(VenvError::NotAPython {
                    path,
                    reason: "no such file".into(),
                });
            }
            if path.is_dir() {
                return Err(VenvError::NotAPython {
                    path,
                    reason: "it is a directory".into(),
                });
            }
            Interpreter::load(&path, cache)
        }
        PythonRequest::Command(name) => {
            if let Some(path) = which_resolving_shims(name) {
                return Interpreter::load(&path, cache);
            }
            // `python3.12` that is not on PATH: look for a 3.12 anywhere we know.
            if let Some(v) = name.strip_prefix("python").and_then(parse_version_request) {
                return find(&v, cache);
            }
            Err(not_found(request, cache))
        }
        PythonRequest::Version { major, minor, .. } => {
            if *major != 3 || minor.is_some_and(|m| m < 8) {
                return Err(VenvError::UnsupportedRequest {
                    request: request.describe(),
                });
            }
            for candidate in version_candidates(request) {
                crate::interrupt::check()?;
                if let Ok(interp) = Interpreter::load(&candidate, cache) {
                    if request.matches(interp.info.version) {
                        return Ok(interp);
                    }
                }
            }
            Err(not_found(request, cache))
        }
    }
}

/// Where a version request looks, in order: PATH, in its order, each name
/// as the shell would run it (a pyenv shim resolved to the interpreter it
/// runs, under `PYENV_VERSION`, `.python-version` or pyenv's global
/// version), then pyenv's installed versions, newest first.
fn version_candidates(request: &PythonRequest) -> Vec<PathBuf> {
    let PythonRequest::Version {
        major,
        minor,
        patch,
    } = request
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    if let Some(minor) = minor {
        names.push(format!("python{major}.{minor}"));
    }
    names.push(format!("python{major}"));
    names.push("python".to_owned());
    let mut out = Vec::new();
    for dir in path_search::dirs_excluding(None) {
        for name in &names {
            let p = dir.join(name);
            if !path_search::is_executable(&p) {
                continue;
            }
            if pyenv::is_shim(&p) {
                out.extend(pyenv::resolve_shim(name));
            } else {
                out.push(p);
            }
        }
    }
    for (version, prefix) in pyenv::installed_versions() {
        let wanted = version.0 == *major
            && minor.is_none_or(|m| m == version.1)
            && patch.is_none_or(|p| p == version.2);
        if wanted {
            let p = prefix
                .join("bin")
                .join(format!("python{}.{}", version.0, version.1));
            if path_search::is_executable(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Every interpreter we can see, for the "found:" part of a not-found error.
fn not_found(request: &PythonRequest, cache: &Cache) -> VenvError {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    let mut candidates = Vec::new();
    for dir in path_search::dirs_excluding(pyenv::shims_dir().as_deref()) {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| is_python_name(n))
                .collect();
            names.sort();
            candidates.extend(names.into_iter().map(|n| dir.join(n)));
        }
    }
    for (version, prefix) in pyenv::installed_versions() {
        candidates.push(
            prefix
                .join("bin")
                .join(format!("python{}.{}", version.0, version.1)),
        );
    }
    for path in candidates {
        if crate::interrupt::requested().is_some() {
            break;
        }
        if !path_search::is_executable(&path) {
            continue;
        }
        if let Ok(interp) = Interpreter::load(&path, cache) {
            if seen.insert(interp.info.real_executable.clone()) {
                found.push(format!(
                    "{} ({})",
                    interp.info.version_string(),
                    path.display()
                ));
            }
        }
    }
    let found = if found.is_empty() {
        "no CPython 3.8+ at all".to_owned()
    } else {
        found.join(", ")
    };
    VenvError::PythonNotFound {
        request: request.describe(),
        found,
    }
}

fn is_python_name(name: &str) -> bool {
    match name.strip_prefix("python") {
        Some("") | Some("3") => true,
        Some(rest) => rest
            .strip_prefix("3.")
            .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// `command` on PATH; a pyenv shim is replaced by the interpreter it would run.
fn which_resolving_shims(command: &str) -> Option<PathBuf> {
    let path_var = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path_var) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let candidate = dir.join(command);
        if !path_search::is_executable(&candidate) {
            continue;
        }
        if pyenv::is_shim(&candidate) {
            if let Some(real) = pyenv::resolve_shim(command) {
                return Some(real);
            }
            continue;
        }
        return Some(candidate);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::PythonRequest as R;

    #[test]
    fn parses_requests() {
        assert_eq!(R::parse(None), R::Default);
        assert_eq!(
            R::parse(Some("3.12")),
            R::Version {
                major: 3,
                minor: Some(12),
                patch: None
            }
        );
        assert_eq!(
            R::parse(Some("3.12.1")),
            R::Version {
                major: 3,
                minor: Some(12),
                patch: Some(1)
            }
        );
        assert_eq!(
            R::parse(Some("3")),
            R::Version {
                major: 3,
                minor: None,
                patch: None
            }
        );
        assert_eq!(
            R::parse(Some("cpython3.11")),
            R::Version {
                major: 3,
                minor: Some(11),
                patch: None
            }
        );
        assert_eq!(
            R::parse(Some("python3.12")),
            R::Command("python3.12".into())
        );
        assert_eq!(
            R::parse(Some("./bin/python")),
            R::Path("./bin/python".into())
        );
        assert_eq!(R::parse(Some("3.x")), R::Command("3.x".into()));
    }
}
