//! Host-side bindings generated from `wit/plugin.wit` (venv:plugin@0.1.0).
//! The `full-plugin` world covers every import and export of the package;
//! each exported interface is looked up on its own, so a plugin may export
//! either hook or both.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "full-plugin",
});

/// Export names of the hook interfaces in this contract version.
pub const POST_SETUP_EXPORT: &str = "venv:plugin/post-setup@0.1.0";
pub const SCM_IGNORE_EXPORT: &str = "venv:plugin/scm-ignore@0.1.0";
