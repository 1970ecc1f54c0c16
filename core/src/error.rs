//! Typed errors. Each renders as one line that names the problem and, where
//! there is one, what to do about it: that line is what the CLI prints.

use std::path::PathBuf;

/// Everything that can stop an environment from being created.
#[derive(Debug, thiserror::Error)]
pub enum VenvError {
    #[error("no Python found for `{request}`; found: {found}. Pass a path or a version that exists (e.g. -p 3.12)")]
    PythonNotFound { request: String, found: String },

    #[error(
        "`{path}` is not a Python interpreter ({reason}); pass a CPython 3.8+ executable with -p"
    )]
    NotAPython { path: PathBuf, reason: String },

    #[error("`{path}` is Python {version}; venv needs CPython 3.8 or newer: pass one with -p (e.g. -p 3.12)")]
    UnsupportedPython { path: PathBuf, version: String },

    #[error("Python {request} is not supported: venv needs CPython 3.8 or newer; ask for one (e.g. -p 3.12)")]
    UnsupportedRequest { request: String },

    #[error("{path} has no ensurepip module, so pip cannot be installed (on Debian/Ubuntu: apt install python3-venv); or pass --without-pip")]
    NoEnsurepip { path: PathBuf },

    #[error("{path}'s ensurepip is missing the wheels it installs ({missing}); reinstall that Python, or pass --without-pip")]
    MissingWheels { path: PathBuf, missing: String },

    #[error("you cannot supply --upgrade and --clear together: --clear rebuilds the environment, --upgrade keeps it")]
    UpgradeWithClear,

    #[error("{path} exists and is not a directory; choose another ENV_DIR or remove that file")]
    NotADirectory { path: PathBuf },

    #[error("{path} is a symbolic link; venv does not create environments through links: pass the real directory")]
    EnvDirIsSymlink { path: PathBuf },

    #[error("{path} is not a virtual environment (no pyvenv.cfg), so --upgrade has nothing to upgrade; drop --upgrade to create one")]
    NotAnEnvironment { path: PathBuf },

    #[error("refusing to create a venv in {path} because it contains the PATH separator `:`; choose a path without it")]
    PathSeparatorInPath { path: PathBuf },

    #[error("{path} is not valid UTF-8; activation scripts cannot name it: choose a UTF-8 path")]
    NonUtf8Path { path: PathBuf },

    #[error("cannot create {path}: {parent} is not writable ({source}); choose a directory you can write to")]
    ParentNotWritable {
        path: PathBuf,
        parent: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} is a symbolic link inside the environment; refusing to write through it (remove it, or recreate the environment with --clear)")]
    SymlinkInEnv { path: PathBuf },

    #[error("no ignore-file writer for SCM `{scm}` (available: {supported}); drop it from --scm-ignore-files or add a plugin that serves it")]
    UnknownScm { scm: String, supported: String },

    #[error("{0}")]
    Usage(String),

    #[error("{0}")]
    Plugin(String),

    #[error("step `{step}` failed for {env}: {message}")]
    Step {
        step: &'static str,
        env: PathBuf,
        message: String,
    },
}

impl VenvError {
    /// Wraps any error raised inside a builder step so the message names the step.
    pub fn step(step: &'static str, env: &std::path::Path, err: impl std::fmt::Display) -> Self {
        VenvError::Step {
            step,
            env: env.to_path_buf(),
            message: one_line(&err.to_string()),
        }
    }
}

/// Folds a possibly multi-line message (a child's output, an anyhow chain) onto one line.
pub fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}
