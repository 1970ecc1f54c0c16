//! `venv:plugin@0.2.0` (`wit/plugin.wit`), the latest contract: the
//! bindings for its `full-plugin` world (every hook, every import).

wasmtime::component::bindgen!({
    path: "../wit",
    world: "full-plugin",
    // Host functions may trap (a plugin over its output limit), and every
    // call is a future so that the deadline can drop it wherever it waits.
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use exports::venv::plugin::{activator, post_setup, scm_ignore, seeder};
pub use venv::plugin::{host, runner, types, wheels};

pub const VERSION: &str = "0.2.0";
