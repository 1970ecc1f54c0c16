//! `venv-plugin`: the guest SDK for venv plugins (`venv:plugin@0.2.0`).
//!
//! A hook is one function and one attribute:
//!
//! ```ignore
//! use venv_plugin::{progress, Context, Result};
//!
//! #[venv_plugin::post_setup]
//! fn note(ctx: &Context) -> Result {
//!     let path = ctx.write_env("note.txt", "hello\n")?;
//!     progress(format!("wrote {path}"));
//!     Ok(())
//! }
//! ```
//!
//! The attributes ([`post_setup`], [`scm_ignore`], [`activator`],
//! [`seeder`]) generate the hook's world and export it; this crate owns
//! wit-bindgen and the bindings of the imports, and offers the context
//! ([`Context`]: the contract's record plus option and path helpers),
//! logging ([`log`], [`progress`]), the host's capabilities
//! ([`run_python`], [`run_in_env`], [`install_wheel`]) and typed errors
//! ([`Error`], [`bail!`]). Build for `wasm32-wasip2` as a `cdylib`.

pub use venv_plugin_macros::{activator, post_setup, scm_ignore, seeder};
#[doc(hidden)]
pub use wit_bindgen;

/// The contract's imports and types, generated once here and shared by
/// every hook the attributes generate.
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "guest-imports",
    });
}

use bindings::venv::plugin::{host, runner, types, wheels};

/// The contract's records, as generated (`Context` wraps `wit::Context`).
pub mod wit {
    pub use super::bindings::venv::plugin::types::{BuilderOptions, Context, PythonVersion};
    pub use super::bindings::venv::plugin::wheels::Installed;
}

pub use wheels::Installed;

/// The result of a hook and of the helpers here.
pub type Result<T = ()> = std::result::Result<T, Error>;

/// What went wrong, by kind; shown to the user as its message, prefixed by
/// venv with the plugin's name and the hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A `--plugin-opt` the hook needs was not given (or is invalid).
    Option,
    /// Reading or writing a file failed.
    Io,
    /// The host refused or failed a call (a missing grant, a program that failed).
    Host,
    /// Anything else the hook decided.
    Other,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl std::fmt::Display) -> Error {
        Error {
            kind,
            message: message.to_string(),
        }
    }

    pub fn msg(message: impl std::fmt::Display) -> Error {
        Error::new(ErrorKind::Other, message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Any standard error converts (`?` works on `std::io` and friends).
impl<E: std::error::Error> From<E> for Error {
    fn from(e: E) -> Error {
        Error::new(ErrorKind::Io, e)
    }
}

/// Returns early with an [`Error`] made from a format string.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => {
        return ::core::result::Result::Err($crate::Error::msg(::std::format!($($arg)*)))
    };
}

/// The context of a hook call: the contract's `context` record (its fields
/// are reachable directly, e.g. `ctx.env_dir`) plus helpers.
#[derive(Debug, Clone)]
pub struct Context(pub wit::Context);

impl From<types::Context> for Context {
    fn from(ctx: types::Context) -> Context {
        Context(ctx)
    }
}

impl std::ops::Deref for Context {
    type Target = wit::Context;
    fn deref(&self) -> &wit::Context {
        &self.0
    }
}

impl Context {
    /// The last value given for `key` (`--plugin-opt NAME.key=value`; a later one wins).
    pub fn option(&self, key: &str) -> Option<&str> {
        self.0
            .options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The option `key`, or an error saying how to pass it.
    pub fn require(&self, key: &str) -> Result<&str> {
        self.option(key).ok_or_else(|| {
            Error::new(
                ErrorKind::Option,
                format!("needs the option {key} (--plugin-opt PLUGIN.{key}=VALUE)"),
            )
        })
    }

    /// `rel` inside the environment directory, as the plugin sees it.
    pub fn env_path(&self, rel: &str) -> String {
        format!("{}/{rel}", self.0.env_dir)
    }

    /// Writes `contents` to `rel` inside the environment; returns the path.
    pub fn write_env(&self, rel: &str, contents: impl AsRef<[u8]>) -> Result<String> {
        write(self.env_path(rel), contents)
    }

    /// Writes `contents` to `name` in the environment's `bin` (what an
    /// activator hook does); returns the path.
    pub fn write_bin(&self, name: &str, contents: impl AsRef<[u8]>) -> Result<String> {
        write(format!("{}/{name}", self.0.bin_path), contents)
    }
}

fn write(path: String, contents: impl AsRef<[u8]>) -> Result<String> {
    std::fs::write(&path, contents)
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot write {path}: {e}")))?;
    Ok(path)
}

/// Messages for the user, shown as `[plugin] ...`.
pub mod log {
    use super::host::{self, Level};

    pub fn debug(message: impl AsRef<str>) {
        host::log(Level::Debug, message.as_ref());
    }
    pub fn info(message: impl AsRef<str>) {
        host::log(Level::Info, message.as_ref());
    }
    pub fn warn(message: impl AsRef<str>) {
        host::log(Level::Warn, message.as_ref());
    }
    pub fn error(message: impl AsRef<str>) {
        host::log(Level::Error, message.as_ref());
    }
}

/// `text` as a single-quoted Python string literal (also valid xonsh), for
/// hooks that write Python or xonsh source: backslashes, quotes and control
/// characters escaped, everything else kept.
pub fn python_literal(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}
/// Progress of a long step (the docs' `progress(text, context)` callback).
pub fn progress(text: impl AsRef<str>) {
    host::progress(text.as_ref());
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs the environment's Python with `args`; its exit code. Needs the
/// `run-python` grant (post-setup hooks only).
pub fn run_python(args: &[&str]) -> Result<i32> {
    runner::run_python(&strings(args)).map_err(|e| Error::new(ErrorKind::Host, e))
}

/// Runs `argv` as if the environment were activated (no shell); its exit
/// code. Needs the `run-in-env` grant (post-setup hooks only).
pub fn run_in_env(argv: &[&str]) -> Result<i32> {
    runner::run_in_env(&strings(argv)).map_err(|e| Error::new(ErrorKind::Host, e))
}

/// Installs the wheel at `path` (in a directory granted `read:DIR`) into
/// site-packages, as pip would (seeder hooks only).
pub fn install_wheel(path: &str) -> Result<Installed> {
    wheels::install_wheel(path).map_err(|e| Error::new(ErrorKind::Host, e))
}

#[doc(hidden)]
pub use std::string::String as __String;
#[doc(hidden)]
pub use std::vec::Vec as __Vec;

#[doc(hidden)]
pub fn __finish(result: Result) -> std::result::Result<(), String> {
    result.map_err(|e| e.message)
}

#[doc(hidden)]
pub fn __unserved(scm: &str, served: &[&str]) -> String {
    format!(
        "asked for SCM {scm:?}; this plugin serves {}",
        served.join(", ")
    )
}
