//! The base interpreter: finding it (`discovery`, with `pyenv` shims and
//! `path_search`), asking it about itself once (`query.py`), and keeping the
//! answer in the cache (`stored`).

mod discovery;
mod path_search;
mod pyenv;
mod request;
mod stored;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cache::Cache;
use crate::error::VenvError;

pub use discovery::find_interpreter;
pub use request::{Implementation, PythonRequest};

/// The query script; bump `QUERY_VERSION` (and the script's `query_version`)
/// whenever what it reports changes, so stale cache entries are not reused.
const QUERY_SCRIPT: &str = include_str!("query.py");
pub(crate) const QUERY_VERSION: u32 = 5;

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
    /// The query script's format (a cached answer of another format is asked again).
    pub query_version: u32,
    /// `sys.version_info[:3]`.
    pub version: (u32, u32, u32),
    /// `sys.version_info.releaselevel` (`final`, `candidate`, ...).
    pub releaselevel: String,
    /// `sys.implementation.name` (`cpython`, `pypy`, `graalpy`).
    pub implementation: String,
    /// `sys.executable`: the path the interpreter was invoked by, not resolved.
    pub executable: PathBuf,
    /// `sys._base_executable`: for a venv's python, its base's executable.
    pub base_executable: PathBuf,
    /// `os.path.realpath(sys.executable)`, written as `executable =` in pyvenv.cfg.
    pub real_executable: PathBuf,
    /// `sys.prefix`.
    pub prefix: PathBuf,
    /// `sys.base_prefix`.
    pub base_prefix: PathBuf,
    /// Whether pointers are 64 bits (CPython's `lib64` link depends on it).
    pub is_64bit: bool,
    /// `sys.platform`.
    pub platform: String,
    /// `os.name` (`posix`, `nt`).
    pub os_name: String,
    /// `os.pathsep`.
    pub pathsep: String,
    /// `Py_GIL_DISABLED`: a free-threaded build.
    pub gil_disabled: bool,
    /// The base's own purelib (its site-packages).
    pub base_purelib: PathBuf,
    /// `sys.implementation.cache_tag` (`cpython-312`, `pypy39`): byte-code names.
    #[serde(default)]
    pub cache_tag: String,
    /// `sys.getfilesystemencoding()`.
    #[serde(default)]
    pub fs_encoding: String,
    /// `sys.platlibdir` (`lib`, or `lib64` on some distributions).
    #[serde(default)]
    pub platlibdir: String,
    /// `PYTHONFRAMEWORK` (`Python` for a macOS framework build, else empty).
    #[serde(default)]
    pub framework: String,
    /// `sysconfig.is_python_build()`: running from a source tree.
    #[serde(default)]
    pub is_python_build: bool,
    /// Names beside the base executable that venv may link or copy: the
    /// `.exe`/`.dll` files on Windows, PyPy's `libpypy*` library elsewhere.
    #[serde(default)]
    pub exe_dir_files: Vec<String>,
    /// The base's `venv/scripts` directory (Windows launchers live in `nt/`).
    #[serde(default)]
    pub venv_scripts_dir: PathBuf,
    /// The files in `venv/scripts/nt` (Windows only).
    #[serde(default)]
    pub venv_nt_scripts: Vec<String>,
    /// Shared libraries the interpreter loaded from the `lib` directory beside
    /// its `bin` (a portable PyPy's): what a copied interpreter needs there.
    #[serde(default)]
    pub own_libs: Vec<PathBuf>,
    /// Whether the base venv's `--copies` links to the resolved file when
    /// the source is itself a link (PyPy 3.11), asked of its `EnvBuilder`.
    #[serde(default)]
    pub copies_resolve_links: bool,
    /// `os.path.realpath` of the base executable when it is a link, else empty.
    #[serde(default)]
    pub base_executable_resolved: PathBuf,
    /// What a portable PyPy 3.11's `lib/PYPY_PORTABLE_DEPS.txt` lists (files,
    /// relative to that `lib`, directories expanded), when it has one.
    #[serde(default)]
    pub portable_deps: Option<Vec<String>>,
    /// The sysconfig `venv` scheme's paths, relative to the env.
    pub scheme: SchemePaths,
    /// Whether `ensurepip` can be imported.
    pub has_ensurepip: bool,
    /// The wheels ensurepip installs, where it takes them from.
    pub bundled_wheels: Vec<BundledWheel>,
    /// Wheels ensurepip names but that are not on disk (a damaged install).
    pub missing_wheels: Vec<PathBuf>,
    /// Where a distribution's ensurepip looks for wheels (Debian's
    /// `/usr/share/python-wheels`), when it is not the module's own `_bundled`.
    #[serde(default)]
    pub wheel_dir: Option<PathBuf>,
    /// Wheels that ensurepip also copies into `ENV/share/python-wheels`
    /// (Debian's PyPy).
    #[serde(default)]
    pub env_wheels: Vec<PathBuf>,
    /// Directories these facts depend on that a package manager changes
    /// (ensurepip's, the wheels'): a cached answer is stale once one changed.
    #[serde(default)]
    pub watch: Vec<PathBuf>,
}

impl InterpreterInfo {
    /// The minor version.
    pub fn minor(&self) -> u32 {
        self.version.1
    }

    /// True when this interpreter's `-m venv` behaves like CPython `3.minor` or later.
    pub fn at_least(&self, minor: u32) -> bool {
        self.version.0 > 3 || (self.version.0 == 3 && self.version.1 >= minor)
    }

    /// `3.12.1` (with the release level when it is not final).
    pub fn version_string(&self) -> String {
        format!("{}.{}.{}", self.version.0, self.version.1, self.version.2)
    }

    /// The version as a user names the interpreter: `3.13.1`, `3.13.1t`
    /// for a free-threaded build, `3.9.16 (PyPy)` for another implementation.
    pub fn display_version(&self) -> String {
        let mut text = self.version_string();
        if self.gil_disabled {
            text.push('t');
        }
        match self.implementation_kind() {
            Some(Implementation::CPython) => {}
            Some(Implementation::PyPy) => text.push_str(" (PyPy)"),
            Some(Implementation::GraalPy) => text.push_str(" (GraalPy)"),
            None => text.push_str(&format!(" ({})", self.implementation)),
        }
        text
    }

    /// `sys.implementation.name`, typed: `None` for an implementation this
    /// crate does not reproduce (the query refuses those; fixtures may hold one).
    pub fn implementation_kind(&self) -> Option<Implementation> {
        Implementation::from_name(&self.implementation)
    }

    /// Whether `os.name` is `posix`.
    pub fn is_posix(&self) -> bool {
        self.os_name == "posix"
    }

    /// Whether `sys.platform` is `darwin`.
    pub fn is_macos(&self) -> bool {
        self.platform == "darwin"
    }
}
/// The oldest Python 3 minor version served (CPython 3.8's venv).
pub(crate) const MIN_MINOR: u32 = 8;

impl InterpreterInfo {
    /// The facts of a recorded query answer (fixtures, other platforms).
    pub fn from_json(text: &str) -> Result<InterpreterInfo, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Whether it is a Windows interpreter.
    pub fn is_windows(&self) -> bool {
        self.os_name == "nt"
    }
}

/// A base interpreter the user asked for, with the facts it reported.
#[derive(Debug, Clone)]
pub struct Interpreter {
    /// The path we run it by (this decides `sys.executable`).
    pub path: PathBuf,
    /// What it reported about itself.
    pub info: InterpreterInfo,
}

/// The fields every answer has, even a Python 2's or another implementation's.
#[derive(Deserialize)]
struct Header {
    version: (u32, u32, u32),
    #[serde(default)]
    implementation: Option<String>,
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

/// The longest answer line the query may give.
const MAX_ANSWER: usize = 16 << 20;

/// Runs the query script with `path` and checks the answer is a usable CPython.
fn query(path: &Path) -> Result<InterpreterInfo, VenvError> {
    let not_python = |reason: String| VenvError::NotAPython {
        path: path.to_path_buf(),
        reason,
    };
    // In the user's own environment, as `python -m venv` would run (the
    // locale and PYTHONUTF8 decide the file system encoding, PYTHONPLATLIBDIR
    // the layout); -s leaves out the user's site-packages, as both Python 2
    // and 3 understand.
    // The answer is one line of JSON (long: it lists the files beside the
    // executable); anything else the interpreter prints is kept for messages.
    let mut answer = None;
    let finished = crate::process::ChildCommand::new(path)
        .args(["-s", "-c", QUERY_SCRIPT])
        // A macOS framework Python takes its sys.executable from this
        // variable: one left by an activated environment must not leak in.
        .env_remove("__PYVENV_LAUNCHER__")
        .max_line(MAX_ANSWER)
        .run(&mut |line| {
            if answer.is_none() && line.starts_with('{') {
                answer = Some(line.to_owned());
            }
            std::ops::ControlFlow::Continue(())
        })
        .map_err(|e| match e {
            crate::process::ProcessError::Interrupted { .. } => VenvError::Interrupted {
                signal: crate::interrupt::requested().unwrap_or(2),
            },
            other => not_python(format!("cannot run it: {other}")),
        })?;
    if !finished.status.success() {
        let last = finished.tail.last().map_or("no output", String::as_str);
        return Err(not_python(format!(
            "it exited with {}: {}",
            finished.status,
            last.trim()
        )));
    }
    let text = answer.unwrap_or_default();
    let header: Header = serde_json::from_str(&text)
        .map_err(|_| not_python("it did not answer the interpreter query".into()))?;
    let (major, minor, patch) = header.version;
    if let Some(implementation) = header.implementation {
        if Implementation::from_name(&implementation).is_none() {
            return Err(VenvError::UnsupportedImplementation {
                path: path.to_path_buf(),
                implementation,
            });
        }
    }
    if major != 3 || minor < MIN_MINOR {
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
    Ok(info)
}
