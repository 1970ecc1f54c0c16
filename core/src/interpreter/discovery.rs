//! Turning a [`PythonRequest`] (what `-p/--python` asked for, or its
//! absence; parsed in `request.rs`) into one interpreter path:
//!
//! - a path is taken as it is, a command looked up on PATH;
//! - a version or its start (`3`, `3.12`, `3.12.1`): the first interpreter
//!   of that version in search order, which is what the same name would run
//!   in a shell (PATH in its order, pyenv's shims resolved), then pyenv's
//!   installed versions, newest first;
//! - PEP 440 specifiers: every interpreter found is asked, and the newest
//!   match is used (a final release over a pre-release, which compares as
//!   its release; the first found among equals), and said;
//! - an implementation or `t` in the request narrows what matches.

use std::collections::HashSet;
use std::path::PathBuf;

use super::request::{program_minor, Implementation, PythonRequest, VersionRequest, Versions};
use super::{path_search, pyenv, Interpreter, InterpreterInfo};
use crate::cache::Cache;
use crate::error::VenvError;
use crate::paths::absolute;
use crate::report::Event;

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
            if let Some(rest) = name.strip_prefix("python") {
                if let request @ PythonRequest::Version(_) = PythonRequest::parse(Some(rest)) {
                    return find(&request, cache);
                }
            }
            Err(not_found(request, cache))
        }
        PythonRequest::Invalid { request, reason } => Err(VenvError::InvalidPythonRequest {
            request: request.clone(),
            reason: reason.clone(),
        }),
        PythonRequest::Version(version) => {
            if let Versions::Prefix { major, minor, .. } = version.versions {
                if major != 3 || minor.is_some_and(|m| m < super::MIN_MINOR) {
                    return Err(VenvError::UnsupportedRequest {
                        request: request.describe(),
                    });
                }
            }
            let found = match version.versions {
                Versions::Prefix { .. } => first_match(version, cache)?,
                Versions::Specifiers(_) => newest_match(version, cache)?,
            };
            found.ok_or_else(|| not_found(request, cache))
        }
    }
}

/// The first interpreter in search order that `request` takes.
fn first_match(request: &VersionRequest, cache: &Cache) -> Result<Option<Interpreter>, VenvError> {
    for candidate in version_candidates(request) {
        crate::interrupt::check()?;
        if let Ok(interp) = Interpreter::load(&candidate, cache) {
            if request.matches(&interp.info) {
                return Ok(Some(interp));
            }
        }
    }
    Ok(None)
}

/// Every interpreter found that `request` takes; the newest is used, and
/// the choice is reported with the others.
fn newest_match(request: &VersionRequest, cache: &Cache) -> Result<Option<Interpreter>, VenvError> {
    let mut seen = HashSet::new();
    let mut matches: Vec<Interpreter> = Vec::new();
    for candidate in version_candidates(request) {
        crate::interrupt::check()?;
        let Ok(interp) = Interpreter::load(&candidate, cache) else {
            continue;
        };
        if request.matches(&interp.info) && seen.insert(interp.info.real_executable.clone()) {
            matches.push(interp);
        }
    }
    let rank = |i: &Interpreter| (i.info.releaselevel == "final", i.info.version);
    // The first of the best, in search order.
    let Some(best) = matches
        .iter()
        .enumerate()
        .max_by(|(ia, a), (ib, b)| rank(a).cmp(&rank(b)).then(ib.cmp(ia)))
        .map(|(i, _)| i)
    else {
        return Ok(None);
    };
    let mut sorted: Vec<&InterpreterInfo> = matches.iter().map(|i| &i.info).collect();
    sorted.sort_by_key(|info| (info.version, info.releaselevel == "final"));
    let mut versions: Vec<String> = sorted.iter().map(|info| info.display_version()).collect();
    versions.dedup();
    let chosen = matches.swap_remove(best);
    cache.reporter().report(Event::InterpreterMatched {
        request: request.text.clone(),
        version: chosen.info.display_version(),
        path: chosen.path.clone(),
        matches: versions,
    });
    Ok(Some(chosen))
}

/// Where a version request looks, in order: PATH, in its order, each name
/// as the shell would run it (a pyenv shim resolved to the interpreter it
/// runs, under `PYENV_VERSION`, `.python-version` or pyenv's global
/// version), then pyenv's installed CPythons, newest first.
fn version_candidates(request: &VersionRequest) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in path_search::dirs_excluding(None) {
        for name in request.names_in(&dir) {
            let p = dir.join(&name);
            if !path_search::is_executable(&p) {
                continue;
            }
            if pyenv::is_shim(&p) {
                out.extend(pyenv::resolve_shim(&name));
            } else {
                out.push(p);
            }
        }
    }
    if request.implementation == Some(Implementation::PyPy) {
        return out;
    }
    for installed in pyenv::installed_versions() {
        if installed.free_threaded != request.free_threaded {
            continue;
        }
        let (x, y, z) = installed.version;
        let wanted = match &request.versions {
            Versions::Prefix {
                major,
                minor,
                patch,
            } => x == *major && minor.is_none_or(|m| m == y) && patch.is_none_or(|p| p == z),
            Versions::Specifiers(_) => true,
        };
        let exe = installed.executable();
        if wanted && path_search::is_executable(&exe) {
            out.push(exe);
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
    candidates.extend(pyenv::installed_versions().iter().map(|i| i.executable()));
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
                    interp.info.display_version(),
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

/// `python`, `python3`, `python3.12`, `python3.13t`, and PyPy's `pypy`,
/// `pypy3`, `pypy3.9`.
fn is_python_name(name: &str) -> bool {
    ["python", "pypy"]
        .iter()
        .any(|program| program_minor(name, program, "t").is_some())
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
    use super::*;

    #[test]
    fn names_are_recognised() {
        for name in [
            "python",
            "python3",
            "python3.12",
            "python3.13t",
            "pypy",
            "pypy3",
            "pypy3.9",
        ] {
            assert!(is_python_name(name), "{name}");
        }
        for name in [
            "python3-config",
            "python3.12-config",
            "pythonw",
            "pypy3clean",
            "python3.x",
        ] {
            assert!(!is_python_name(name), "{name}");
        }
    }
}
