//! `venv`: creates Python virtual environments that are indistinguishable from
//! what CPython's own `python -m venv` creates, natively and atomically, and
//! extensible with sandboxed WebAssembly plugins.
//!
//! The library API: an [`EnvBuilder`] (CPython's `venv.EnvBuilder`) runs
//! [`Steps`] over a [`Context`]; a type that overrides some steps extends it
//! the way a Python subclass would. Progress and messages arrive as
//! [`report::Event`]s at the caller's [`report::Reporter`]: the library never
//! writes to the terminal. See ARCHITECTURE.md for the modules and the layers.
//!
//! (`examples/extended_builder.rs` is this, built with every test run;
//! rustdoc cannot compile the crate's own doctests, the WIT bindings'
//! `venv` module shadowing the crate's name.)
//!
//! ```ignore
//! use venv::{find_interpreter, Cache, Context, EnvBuilder, Options, PythonRequest, Steps};
//!
//! // CPython's `ExtendedEnvBuilder`: the standard steps, then one of our own.
//! struct WithRequirements;
//!
//! impl Steps for WithRequirements {
//!     fn post_setup(&mut self, ctx: &Context) -> anyhow::Result<()> {
//!         // pip writes the final path into what it installs: publish first.
//!         ctx.ensure_published()?;
//!         let args = ["-m", "pip", "install", "-r", "requirements.txt"];
//!         venv::envpython::run_checked(ctx, &args, &mut |line| println!("pip: {line}"))
//!     }
//! }
//!
//! # fn main() -> Result<(), venv::VenvError> {
//! let cache = Cache::new(None);
//! let python = find_interpreter(&PythonRequest::parse(Some("3.12")), &cache)?;
//! let builder = EnvBuilder::new(Options::cli_defaults(), python).with_cache(cache);
//! builder.create_with(std::path::Path::new(".venv"), &mut WithRequirements)?;
//! # Ok(())
//! # }
//! ```
//!
//! Plugins are added the same way: [`plugin::PluginHost::load`] the
//! components, then build with [`plugin::PluginSteps`] around any steps.

#![warn(missing_docs, unreachable_pub)]

// The public surface: the root re-exports below, and these modules.
pub mod envpython;
pub mod error;
pub mod interrupt;
pub mod plan;
pub mod plugin;
pub mod relocate;
pub mod report;

// Everything else is the library's own.
pub(crate) mod builder;
pub(crate) mod cache;
pub(crate) mod config;
pub(crate) mod context;
pub(crate) mod envfs;
pub(crate) mod interpreter;
pub(crate) mod launcher;
pub(crate) mod os;
pub(crate) mod paths;
pub(crate) mod process;
pub(crate) mod pyrepr;
pub(crate) mod record;
pub(crate) mod scripts;
pub(crate) mod seed;
pub(crate) mod staging;
pub(crate) mod steps;
pub(crate) mod temp;
pub(crate) mod tree;

/// The organisation policy and user config, as the `venv` binary applies
/// them (not a stable interface).
#[doc(hidden)]
pub mod policy;

/// What the `venv` binary needs beyond the public API: `--inspect-plugin`,
/// cache summaries, `--upgrade`'s base. Not a stable interface; library
/// callers use the items at the crate root.
#[doc(hidden)]
pub mod cli_support {
    pub use crate::cache::{Summary, Usage};
    pub use crate::config::upgrade_base;
    pub use crate::plugin::inspect;
}

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use builder::EnvBuilder;
pub use cache::Cache;
pub use context::{Context, Layout, LinkMode, Options, Prompt, Seeder};
pub use envfs::{EntryKind, EnvDir};
pub use error::VenvError;
pub use interpreter::{
    find_interpreter, Implementation, Interpreter, InterpreterInfo, PythonRequest,
};
pub use steps::{DefaultSteps, Steps};
