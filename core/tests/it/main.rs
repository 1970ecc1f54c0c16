//! The integration tests, linked into one test binary (one module per area;
//! `common` holds what they share). Run one area with
//! `cargo test --test it differential::`, one test with its full path, e.g.
//! `cargo test --test it activation::posix::bash::`.
//!
//! `VENV_TEST_BIN=/path/to/venv` runs them against another build of the
//! binary (for instance one from before a fix, to see its test fail).

mod common;

mod activation;
mod clearing;
mod cpython_suite;
mod defaults;
mod differential;
mod discovery;
mod errors;
mod injection;
mod install;
mod layers;
mod library;
mod plans;
mod platform;
mod plugins;
mod policy;
mod relocate;
mod safety;
mod sandbox;
mod seeding;
mod targets;
mod terminal;
mod usage;
