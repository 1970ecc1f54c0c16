//! The contract this host speaks: bindings generated from `wit/plugin.wit`
//! (`venv:plugin@0.1.0`), the export names derived from the package's
//! version in one place, and the conversion of the builder's context into
//! the contract's `context` record.
//!
//! The `full-plugin` world covers every import and export of the package;
//! each exported interface is looked up on its own, so a plugin may export
//! either hook or both.

use std::path::Path;

use super::spec::PluginSpec;
use crate::context::Context;

wasmtime::component::bindgen!({
    path: "../wit",
    world: "full-plugin",
    // Host functions may trap (a plugin over its output limit), and every
    // call is a future so that the deadline can drop it wherever it waits.
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use exports::venv::plugin::{post_setup, scm_ignore};
pub use venv::plugin::{host, types};

/// An interface's full name in this contract version: the package and its
/// version, written once here (a unit test checks them against the WIT file).
macro_rules! versioned {
    ($interface:literal) => {
        concat!("venv:plugin/", $interface, "@0.1.0")
    };
}

/// Export names of the hook interfaces.
pub const POST_SETUP_EXPORT: &str = versioned!("post-setup");
pub const SCM_IGNORE_EXPORT: &str = versioned!("scm-ignore");

/// The contract's `context` record for one hook call.
pub fn wit_context(ctx: &Context, spec: &PluginSpec) -> types::Context {
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let opts = &ctx.options;
    let v = ctx.interpreter.info.version;
    types::Context {
        env_dir: s(&ctx.env_dir),
        env_name: ctx.env_name.clone(),
        prompt: ctx.prompt.clone(),
        executable: s(&ctx.executable),
        python_dir: s(&ctx.python_dir),
        python_exe: ctx.python_exe.clone(),
        inc_path: s(&ctx.inc_path),
        lib_path: s(&ctx.lib_path),
        bin_path: s(&ctx.bin_path),
        bin_name: ctx.bin_name.clone(),
        env_exe: s(&ctx.env_exe),
        env_exec_cmd: s(&ctx.env_exec_cmd),
        cfg_path: s(&ctx.cfg_path),
        python_version: types::PythonVersion {
            major: v.0,
            minor: v.1,
            micro: v.2,
        },
        builder: types::BuilderOptions {
            system_site_packages: opts.system_site_packages,
            clear: opts.clear,
            symlinks: opts.symlinks,
            upgrade: opts.upgrade,
            with_pip: opts.with_pip,
            upgrade_deps: opts.upgrade_deps,
            prompt: opts.prompt.as_arg().map(str::to_owned),
        },
        options: spec.options.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names above must follow the package line of the WIT they were generated from.
    #[test]
    fn export_names_follow_the_wit_package() {
        let wit = include_str!("../../../wit/plugin.wit");
        let package = wit
            .lines()
            .find_map(|l| l.strip_prefix("package ")?.strip_suffix(';'))
            .expect("a package line");
        let (name, version) = package.split_once('@').unwrap();
        assert_eq!(
            versioned!("post-setup"),
            format!("{name}/post-setup@{version}")
        );
        assert_eq!(SCM_IGNORE_EXPORT, format!("{name}/scm-ignore@{version}"));
    }
}
