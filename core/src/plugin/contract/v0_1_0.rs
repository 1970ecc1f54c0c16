//! `venv:plugin@0.1.0`, frozen (`wit/v0.1.0/plugin.wit`): the bindings for
//! plugins built against it, and the conversion of the latest context into
//! its `context`. Its `host` interface (`log`, `progress`, `run-python`) is
//! served by the same [`super::super::host_api::HostApi`] as 0.2.0's.

wasmtime::component::bindgen!({
    path: "../wit/v0.1.0",
    world: "full-plugin",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use exports::venv::plugin::{post_setup, scm_ignore};
pub use venv::plugin::{host, types};

use super::latest;

pub const VERSION: &str = "0.1.0";

/// 0.1.0's context is 0.2.0's without `read-dirs`.
impl From<latest::types::Context> for types::Context {
    fn from(c: latest::types::Context) -> types::Context {
        types::Context {
            env_dir: c.env_dir,
            env_name: c.env_name,
            prompt: c.prompt,
            executable: c.executable,
            python_dir: c.python_dir,
            python_exe: c.python_exe,
            inc_path: c.inc_path,
            lib_path: c.lib_path,
            bin_path: c.bin_path,
            bin_name: c.bin_name,
            env_exe: c.env_exe,
            env_exec_cmd: c.env_exec_cmd,
            cfg_path: c.cfg_path,
            python_version: types::PythonVersion {
                major: c.python_version.major,
                minor: c.python_version.minor,
                micro: c.python_version.micro,
            },
            builder: types::BuilderOptions {
                system_site_packages: c.builder.system_site_packages,
                clear: c.builder.clear,
                symlinks: c.builder.symlinks,
                upgrade: c.builder.upgrade,
                with_pip: c.builder.with_pip,
                upgrade_deps: c.builder.upgrade_deps,
                prompt: c.builder.prompt,
            },
            options: c.options,
        }
    }
}

impl From<host::Level> for latest::host::Level {
    fn from(level: host::Level) -> latest::host::Level {
        match level {
            host::Level::Debug => latest::host::Level::Debug,
            host::Level::Info => latest::host::Level::Info,
            host::Level::Warn => latest::host::Level::Warn,
            host::Level::Error => latest::host::Level::Error,
        }
    }
}
