//! `venv`: creates Python virtual environments that are indistinguishable from
//! what CPython's own `python -m venv` creates, natively and atomically, and
//! extensible with sandboxed WebAssembly plugins.
//!
//! The library API: an [`EnvBuilder`] (CPython's `venv.EnvBuilder`) runs
//! [`Steps`] over a [`Context`]; a type that overrides some steps extends it
//! the way a Python subclass would. Progress and messages arrive as
//! [`report::Event`]s at the caller's [`report::Reporter`]: the library never
//! writes to the terminal. See ARCHITECTURE.md for the modules and the layers.

pub mod builder;
pub mod cache;
pub mod config;
pub mod context;
pub mod envfs;
pub mod envpython;
pub mod error;
pub mod interpreter;
pub mod interrupt;
pub mod plan;
pub mod plugin;
pub mod policy;
pub mod relocate;
pub mod report;
pub mod steps;

pub mod launcher;
pub(crate) mod os;
pub(crate) mod paths;
pub mod process;
pub(crate) mod pyrepr;
pub(crate) mod record;
pub(crate) mod scripts;
pub(crate) mod seed;
pub(crate) mod staging;
pub(crate) mod temp;
pub(crate) mod tree;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use builder::EnvBuilder;
pub use cache::Cache;
pub use context::{Context, LinkMode, Options, Prompt, Seeder};
pub use error::VenvError;
pub use interpreter::{find_interpreter, Interpreter, InterpreterInfo, PythonRequest};
pub use steps::{DefaultSteps, Steps};
