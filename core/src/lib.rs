//! `venv`: creates Python virtual environments that are indistinguishable from
//! what CPython's own `python -m venv` creates, natively and atomically.
//!
//! The modules follow the steps of one creation (see ARCHITECTURE.md):
//! [`cli`] parses the command line, [`interpreter`] finds and queries the base
//! Python, [`builder`] runs CPython's `EnvBuilder` steps through [`envfs`]
//! (cap-std), writing [`config`] and [`scripts`], [`seed`] installs pip, and
//! [`plugin`] runs WebAssembly hooks in a sandbox.

pub mod builder;
pub mod cli;
pub mod config;
pub mod envfs;
pub mod error;
pub mod interpreter;
pub mod paths;
pub mod plugin;
pub mod policy;
pub mod pyrepr;
pub mod scripts;
pub mod seed;

pub use builder::{Context, DefaultSteps, EnvBuilder, Options, Steps};
pub use error::VenvError;
pub use interpreter::{Interpreter, InterpreterInfo, PythonRequest};
