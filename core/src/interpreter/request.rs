//! What `-p/--python` asks for, parsed: a path, a command, or a version
//! request (see [`super::discovery`] for how each is looked up).
//!
//! Accepted forms: a path (`/usr/bin/python3`, `.venv/bin/python`), a command
//! on PATH (`python3.12`), or a version request:
//!
//! - a version or its start (`3`, `3.12`, `3.12.1`);
//! - PEP 440 specifiers (`>=3.11`, `>=3.10,<3.13`, `~=3.11`, `!=3.12.*`);
//! - either after an implementation (`cpython3.12`, `pypy3.9`, `pypy3`,
//!   `pypy>=3.9`; `py3.12` is any implementation), which then must match;
//! - a version with `t` (`3.13t`): a free-threaded build only. Without it,
//!   a version request never picks a free-threaded build.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use super::{pyenv, InterpreterInfo};

/// What `-p` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonRequest {
    /// No `-p`: `python3` on PATH.
    Default,
    /// A path to an interpreter (`/usr/bin/python3`, `.venv/bin/python`).
    Path(PathBuf),
    /// A command looked up on PATH (`python3.12`).
    Command(String),
    /// A version (`3.12`, `3.13t`, `pypy3.9`) or PEP 440 specifiers (`>=3.11`).
    Version(VersionRequest),
    /// Text that starts as version specifiers do (`>=`, `~=`, ...) but is
    /// not PEP 440; finding it is an error naming `reason`.
    Invalid {
        /// The text, as written.
        request: String,
        /// What the PEP 440 parser said.
        reason: String,
    },
}

/// A version request: which versions, of which implementation, and
/// whether free-threaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRequest {
    /// As written, for messages.
    pub text: String,
    /// `None`: any implementation the names on PATH run.
    pub implementation: Option<Implementation>,
    /// The versions it takes.
    pub versions: Versions,
    /// `3.13t`: only a free-threaded build; otherwise never one.
    pub free_threaded: bool,
}

/// A Python implementation whose own `venv` this crate reproduces: what an
/// interpreter reports (`sys.implementation.name`, see
/// [`InterpreterInfo::implementation_kind`]) and what a request may name
/// (`cpython3.12`, `pypy3.9`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    /// CPython, under its `python*` names.
    CPython,
    /// PyPy, under its `pypy*` names.
    PyPy,
    /// GraalPy (not named by requests yet).
    GraalPy,
}

impl Implementation {
    /// `sys.implementation.name`.
    pub fn name(self) -> &'static str {
        match self {
            Implementation::CPython => "cpython",
            Implementation::PyPy => "pypy",
            Implementation::GraalPy => "graalpy",
        }
    }

    /// The implementation whose `sys.implementation.name` is `name`.
    pub fn from_name(name: &str) -> Option<Implementation> {
        [
            Implementation::CPython,
            Implementation::PyPy,
            Implementation::GraalPy,
        ]
        .into_iter()
        .find(|i| i.name() == name)
    }

    /// The program names its interpreters are installed under (`python3.12`, `pypy3.9`).
    fn program(self) -> &'static str {
        match self {
            Implementation::CPython => "python",
            Implementation::PyPy => "pypy",
            Implementation::GraalPy => "graalpy",
        }
    }
}

/// The versions a request takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// `3`, `3.12`, `3.12.1`: that release, or any that starts so.
    Prefix {
        /// The major version (3).
        major: u32,
        /// The minor version, if given.
        minor: Option<u32>,
        /// The patch level, if given.
        patch: Option<u32>,
    },
    /// PEP 440 specifiers: the newest match.
    Specifiers(VersionSpecifiers),
}

impl PythonRequest {
    /// Reads a `-p` value (`None`: no `-p`).
    pub fn parse(text: Option<&str>) -> PythonRequest {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return PythonRequest::Default;
        };
        if text.contains('/') || (cfg!(windows) && text.contains('\\')) {
            return PythonRequest::Path(PathBuf::from(text));
        }
        let lower = text.to_ascii_lowercase();
        let prefixes = [
            ("cpython-", Some(Implementation::CPython)),
            ("cpython", Some(Implementation::CPython)),
            ("pypy-", Some(Implementation::PyPy)),
            ("pypy", Some(Implementation::PyPy)),
            ("py", None),
            ("", None),
        ];
        for (prefix, implementation) in prefixes {
            let Some(rest) = lower.strip_prefix(prefix) else {
                continue;
            };
            match parse_versions(rest) {
                Some(Ok((versions, free_threaded))) => {
                    return PythonRequest::Version(VersionRequest {
                        text: text.to_owned(),
                        implementation,
                        versions,
                        free_threaded,
                    })
                }
                Some(Err(reason)) => {
                    return PythonRequest::Invalid {
                        request: text.to_owned(),
                        reason,
                    }
                }
                None => {}
            }
        }
        PythonRequest::Command(text.to_owned())
    }

    pub(super) fn describe(&self) -> String {
        match self {
            PythonRequest::Default => "python3 (the default)".into(),
            PythonRequest::Path(p) => p.display().to_string(),
            PythonRequest::Command(c) => c.clone(),
            PythonRequest::Version(v) => v.describe(),
            PythonRequest::Invalid { request, .. } => request.clone(),
        }
    }
}

/// The versions and free-threaded mark of a request's text after its
/// implementation, or `None` when the text is no version request at all.
fn parse_versions(text: &str) -> Option<Result<(Versions, bool), String>> {
    if text.starts_with(['<', '>', '=', '!', '~']) {
        return Some(
            VersionSpecifiers::from_str(text)
                .map(|s| (Versions::Specifiers(s), false))
                .map_err(|e| {
                    let first = e.to_string();
                    let first = first.lines().next().unwrap_or_default();
                    let first = first
                        .strip_prefix("Failed to parse version: ")
                        .unwrap_or(first);
                    first.trim_end_matches(':').to_owned()
                }),
        );
    }
    let (digits, free_threaded) = match text.strip_suffix('t') {
        Some(digits) => (digits, true),
        None => (text, false),
    };
    let parts: Vec<&str> = digits.split('.').collect();
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
    Some(Ok((
        Versions::Prefix {
            major: numbers[0],
            minor: numbers.get(1).copied(),
            patch: numbers.get(2).copied(),
        },
        free_threaded,
    )))
}

impl VersionRequest {
    pub(super) fn describe(&self) -> String {
        let mut what = Vec::new();
        if self.free_threaded {
            what.push("a free-threaded build");
        }
        match self.implementation {
            Some(Implementation::CPython) => what.push("CPython"),
            Some(Implementation::PyPy) => what.push("PyPy"),
            Some(Implementation::GraalPy) => what.push("GraalPy"),
            None => {}
        }
        if what.is_empty() {
            self.text.clone()
        } else {
            format!("{} ({})", self.text, what.join(", "))
        }
    }

    /// Whether the interpreter these facts describe is one this request takes.
    pub fn matches(&self, info: &InterpreterInfo) -> bool {
        if self
            .implementation
            .is_some_and(|i| Some(i) != info.implementation_kind())
        {
            return false;
        }
        if info.gil_disabled != self.free_threaded {
            return false;
        }
        let (x, y, z) = info.version;
        match &self.versions {
            Versions::Prefix {
                major,
                minor,
                patch,
            } => x == *major && minor.is_none_or(|m| m == y) && patch.is_none_or(|p| p == z),
            Versions::Specifiers(specifiers) => {
                specifiers.contains(&Version::new([x as u64, y as u64, z as u64]))
            }
        }
    }

    /// The program names this request looks for in one PATH directory, in
    /// the order it tries them: for a version, `python3.12` (`python3.12t`
    /// first when free-threaded), `python3`, `python`; for specifiers,
    /// every such name there, newest minor first.
    pub(super) fn names_in(&self, dir: &Path) -> Vec<String> {
        let program = self
            .implementation
            .unwrap_or(Implementation::CPython)
            .program();
        let t = if self.free_threaded { "t" } else { "" };
        match &self.versions {
            Versions::Prefix { major, minor, .. } => {
                let mut names = Vec::new();
                if let Some(minor) = minor {
                    if self.free_threaded {
                        names.push(format!("{program}{major}.{minor}t"));
                    }
                    names.push(format!("{program}{major}.{minor}"));
                }
                if self.free_threaded {
                    names.push(format!("{program}{major}t"));
                }
                names.push(format!("{program}{major}"));
                names.push(program.to_owned());
                names
            }
            Versions::Specifiers(_) => {
                // A pyenv shim of a minor version runs what the selected
                // version has under that name, which pyenv's versions
                // (looked at after PATH) and its `python3` shim cover.
                let shims = pyenv::is_shim(&dir.join(program));
                let mut names: Vec<(Option<u32>, String)> = std::fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .filter_map(Result::ok)
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter_map(|name| {
                        let minor = program_minor(&name, program, t)?;
                        (!(shims && minor.is_some())).then_some((minor, name))
                    })
                    .collect();
                names.sort_by(|a, b| b.cmp(a));
                names.into_iter().map(|(_, name)| name).collect()
            }
        }
    }
}

/// For `python3.12` (with `t` after it when `t` is "t"), `Some(Some(12))`;
/// for `python3` and `python`, `Some(None)`; for another name, `None`.
pub(super) fn program_minor(name: &str, program: &str, t: &str) -> Option<Option<u32>> {
    let rest = name.strip_prefix(program)?;
    if rest.is_empty() || rest == "3" || rest == format!("3{t}") {
        return Some(None);
    }
    let minor = rest.strip_prefix("3.")?;
    let minor = minor.strip_suffix(t).unwrap_or(minor);
    minor
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| minor.parse().ok().map(Some))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> VersionRequest {
        match PythonRequest::parse(Some(text)) {
            PythonRequest::Version(v) => v,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn prefix(major: u32, minor: Option<u32>, patch: Option<u32>) -> Versions {
        Versions::Prefix {
            major,
            minor,
            patch,
        }
    }

    #[test]
    fn parses_requests() {
        assert_eq!(PythonRequest::parse(None), PythonRequest::Default);
        assert_eq!(version("3.12").versions, prefix(3, Some(12), None));
        assert_eq!(version("3.12.1").versions, prefix(3, Some(12), Some(1)));
        assert_eq!(version("3").versions, prefix(3, None, None));
        let v = version("cpython3.11");
        assert_eq!(v.versions, prefix(3, Some(11), None));
        assert_eq!(v.implementation, Some(Implementation::CPython));
        assert_eq!(
            version("cpython-3.11").implementation,
            Some(Implementation::CPython)
        );
        let v = version("pypy3.9");
        assert_eq!(
            (v.implementation, v.versions),
            (Some(Implementation::PyPy), prefix(3, Some(9), None))
        );
        assert_eq!(version("pypy3").versions, prefix(3, None, None));
        assert_eq!(version("py3.9").implementation, None);
        let v = version("3.13t");
        assert!(v.free_threaded);
        assert_eq!(v.versions, prefix(3, Some(13), None));
        assert!(!version("3.13").free_threaded);
        let v = version(">=3.10, <3.13");
        assert!(matches!(v.versions, Versions::Specifiers(_)));
        assert_eq!(v.text, ">=3.10, <3.13");
        assert_eq!(
            version("pypy>=3.9").implementation,
            Some(Implementation::PyPy)
        );
        assert_eq!(
            PythonRequest::parse(Some("python3.12")),
            PythonRequest::Command("python3.12".into())
        );
        assert_eq!(
            PythonRequest::parse(Some("./bin/python")),
            PythonRequest::Path("./bin/python".into())
        );
        assert_eq!(
            PythonRequest::parse(Some("3.x")),
            PythonRequest::Command("3.x".into())
        );
        assert!(matches!(
            PythonRequest::parse(Some(">=3.x")),
            PythonRequest::Invalid { reason, .. } if !reason.contains('\n') && !reason.is_empty()
        ));
    }

    /// The recorded facts of a free-threaded 3.13 and, from them, a
    /// default build of the same version.
    fn facts() -> (InterpreterInfo, InterpreterInfo) {
        let text = include_str!("../../tests/fixtures/interpreters/linux-cpython-3.13t.json");
        let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
        let ft: InterpreterInfo = serde_json::from_value(fixture["facts"].clone()).unwrap();
        assert!(ft.gil_disabled);
        let mut default = ft.clone();
        default.gil_disabled = false;
        (ft, default)
    }

    #[test]
    fn free_threaded_builds_match_only_requests_with_t() {
        let (ft, default) = facts();
        for text in ["3.13t", "3t", "cpython3.13t", "3.13.1t"] {
            assert!(version(text).matches(&ft), "{text}");
            assert!(!version(text).matches(&default), "{text}");
        }
        for text in ["3.13", "3", ">=3.12", "cpython3.13", "~=3.13.0"] {
            assert!(version(text).matches(&default), "{text}");
            assert!(!version(text).matches(&ft), "{text}");
        }
        assert!(!version("pypy3.13").matches(&default));
    }

    #[test]
    fn specifiers_follow_pep_440() {
        let (_, mut info) = facts();
        let mut takes = |text: &str, v: (u32, u32, u32)| {
            info.version = v;
            version(text).matches(&info)
        };
        assert!(takes(">=3.11", (3, 11, 0)));
        assert!(!takes(">=3.11", (3, 10, 13)));
        assert!(takes(">=3.10,<3.13", (3, 12, 9)));
        assert!(!takes(">=3.10,<3.13", (3, 13, 0)));
        assert!(takes("~=3.11", (3, 13, 0)));
        assert!(!takes("~=3.11", (3, 10, 0)));
        assert!(!takes("~=3.11.2", (3, 12, 0)));
        assert!(takes("~=3.11.2", (3, 11, 7)));
        assert!(!takes("!=3.12.*", (3, 12, 1)));
        assert!(takes("!=3.12.*", (3, 11, 1)));
        assert!(takes("==3.12.*", (3, 12, 1)));
    }
}
