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

pub(crate) use exports::venv::plugin::{post_setup, scm_ignore};
pub(crate) use venv::plugin::{host, types};

use wasmtime::component::{HasData, Instance, InstancePre, Linker};
use wasmtime::Store;

use super::super::spec::Hooks;
use super::latest;
use super::v0_2_0::missing;

/// The hooks a 0.1.0 component exports, found once when it is loaded.
#[derive(Clone, Default)]
pub(crate) struct Exports {
    post_setup: Option<post_setup::GuestIndices>,
    scm_ignore: Option<scm_ignore::GuestIndices>,
}

impl Exports {
    /// Resolves the hooks `hooks` names (0.1.0 has no activator or seeder).
    pub(crate) fn resolve<T>(pre: &InstancePre<T>, hooks: Hooks) -> wasmtime::Result<Exports> {
        Ok(Exports {
            post_setup: hooks
                .post_setup
                .then(|| post_setup::GuestIndices::new(pre))
                .transpose()?,
            scm_ignore: hooks
                .scm_ignore
                .then(|| scm_ignore::GuestIndices::new(pre))
                .transpose()?,
        })
    }

    pub(crate) fn hooks(&self) -> Hooks {
        Hooks {
            post_setup: self.post_setup.is_some(),
            scm_ignore: self.scm_ignore.is_some(),
            ..Hooks::default()
        }
    }

    pub(crate) async fn post_setup<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &latest::types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        let guest = missing(&self.post_setup, "post-setup")?.load(&mut *store, instance)?;
        guest
            .call_post_setup(&mut *store, &ctx.clone().into())
            .await
    }

    pub(crate) async fn supported_scms<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
    ) -> wasmtime::Result<Vec<String>> {
        let guest = missing(&self.scm_ignore, "scm-ignore")?.load(&mut *store, instance)?;
        guest.call_supported_scms(&mut *store).await
    }

    pub(crate) async fn create_ignore_file<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        scm: &str,
        ctx: &latest::types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        let guest = missing(&self.scm_ignore, "scm-ignore")?.load(&mut *store, instance)?;
        guest
            .call_create_ignore_file(&mut *store, scm, &ctx.clone().into())
            .await
    }
}

/// Adds this version's imports (`host`, `types`), served by `D`, to `linker`.
pub(crate) fn add_to_linker<T: Send + 'static, D>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> D::Data<'_>,
) -> wasmtime::Result<()>
where
    D: HasData + Send,
    for<'a> D::Data<'a>: host::Host + types::Host + Send,
{
    host::add_to_linker::<T, D>(linker, get)?;
    types::add_to_linker::<T, D>(linker, get)?;
    Ok(())
}

pub(crate) const VERSION: &str = "0.1.0";

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
