//! The base interpreter: finding it (`discovery`, with `pyenv` shims and
//! `path_search`), asking it about itself once (`query.py`), and keeping the
//! answer in the cache (`stored`).

mod discovery;
mod path_search;
mod pyenv;
mod stored;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::cache::Cache;
use crate::error::VenvError;

pub use discovery::{find_interpreter, PythonRequest};

/// The query script; bump `QUERY_VERSION` (and the script's `query_version`)
/// whenever what it reports changes, so stale cache entries are not reused.
const QUERY_SCRIPT: &str = include_str!("query.py");
pub const QUERY_VERSION: u32 = 2;

/// Where the `venv` sysconfig scheme puts things, relative to the env dir.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SchemePaths {
    pub scripts: String,
    pub include: String,
    pub purelib: String,
    pub platlib: String,
}

/// A wheel that the interpreter's ensurepip would install.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundledWheel {
    pub name: String,
    pub version: String,
    pub path: PathBuf,
}

/// What one run of the base interpreter tells about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InterpreterInfo {
    pub query_version: u32,
    pub version: (u32, u32, u32),
    pub releaselevel: String,
    pub implementation: String,
    /// `sys.executable`: the path the interpreter was invoked by, not resolved.
    pub executable: PathBuf,
    /// `sys._base_executable`: for a venv's python, its base's executable.
    pub base_executable: PathBuf,
    /// `os.path.realpath(sys.executable)`, written as `executable =` in pyvenv.cfg.
    pub real_executable: PathBuf,
    pub prefix: PathBuf,
    pub base_prefix: PathBuf,
    pub is_64bit: bool,
    pub platform: String,
    pub os_name: String,
    pub pathsep: String,
    pub gil_disabled: bool,
    pub base_purelib: PathBuf,
    pub scheme: SchemePaths,
    pub has_ensurepip: bool,
    pub bundled_wheels: Vec<BundledWheel>,
    /// Wheels ensurepip names but that are not on disk (a damaged install).
    pub missing_wheels: Vec<PathBuf>,
}

impl InterpreterInfo {
    pub fn minor(&self) -> u32 {
        self.version.1
    }

    /// True when this interpreter's `-m venv` behaves like CPython `3.minor` or later.
    pub fn at_least(&self, minor: u32) -> bool {
        self.version.0 > 3 || (self.version.0 == 3 && self.version.1 >= minor)
    }

    pub fn version_string(&self) -> String {
        format!("{}.{}.{}", self.version.0, self.version.1, self.version.2)
    }
}

/// A base interpreter the user asked for, with the facts it reported.
#[derive(Debug, Clone)]
pub struct Interpreter {
    /// The path we run it by (this decides `sys.executable`).
    pub path: PathBuf,
    pub info: InterpreterInfo,
}

/// Only the version fields, which is all a Python 2 or too-old Python reports.
#[derive(Deserialize)]
struct VersionOnly {
    version: (u32, u32, u32),
}

impl Interpreter {
    /// Asks the interpreter at `path` about itself, or reads the cached answer.
    pub fn load(path: &Path, cache: &Cache) -> Result<Interpreter, VenvError> {
        let info = match stored::read(cache, path) {
            Some(info) => info,
            None => {
                let info = query(path)?;
                stored::write(cache, path, &info);
                info
            }
        };
        Ok(Interpreter {
            path: path.to_path_buf(),
            info,
        })
    }
}

/// Runs the query script with `path` and checks the answer is a usable CPython.
fn query(path: &Path) -> Result<InterpreterInfo, VenvError> {
    let not_python = |reason: String| VenvError::NotAPython {
        path: path.to_path_buf(),
        reason,
    };
    // -E -s: ignore PYTHON* variables and the user site, as both Python 2 and 3 understand.
    let output = Command::new(path)
        .args(["-E", "-s", "-c", QUERY_SCRIPT])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| not_python(format!("cannot run it: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        return Err(not_python(format!(
            "it exited with {}: {}",
            output.status,
            last.trim()
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let version: VersionOnly = serde_json::from_str(&text)
        .map_err(|_| not_python("it did not answer the interpreter query".into()))?;
    let (major, minor, patch) = version.version;
    if major != 3 || minor < 8 {
        return Err(VenvError::UnsupportedPython {
            path: path.to_path_buf(),
            version: format!("{major}.{minor}.{patch}"),
        });
    }
    let info: InterpreterInfo = serde_json::from_str(&text).map_err(|e| {
        not_python(format!(
            "its answer to the interpreter query was incomplete: {e}"
        ))
    })?;
    if info.implementation != "cpython" {
        return Err(not_python(format!(
            "it is {}, and venv models CPython's venv",
            info.implementation
        )));
    }
    Ok(info)
}
