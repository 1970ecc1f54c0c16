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

pub(crate) use exports::venv::plugin::{activator, post_setup, scm_ignore, seeder};
pub(crate) use venv::plugin::{host, runner, types, wheels};

pub(crate) const VERSION: &str = "0.2.0";

use wasmtime::component::{HasData, Instance, InstancePre, Linker};
use wasmtime::Store;

use super::super::spec::Hooks;

/// The hooks a 0.2.0 component exports, found once when it is loaded.
#[derive(Clone, Default)]
pub(crate) struct Exports {
    post_setup: Option<post_setup::GuestIndices>,
    scm_ignore: Option<scm_ignore::GuestIndices>,
    activator: Option<activator::GuestIndices>,
    seeder: Option<seeder::GuestIndices>,
}

impl Exports {
    /// Resolves the hooks `hooks` names (every one must be there).
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
            activator: hooks
                .activator
                .then(|| activator::GuestIndices::new(pre))
                .transpose()?,
            seeder: hooks
                .seeder
                .then(|| seeder::GuestIndices::new(pre))
                .transpose()?,
        })
    }

    pub(crate) fn hooks(&self) -> Hooks {
        Hooks {
            post_setup: self.post_setup.is_some(),
            scm_ignore: self.scm_ignore.is_some(),
            activator: self.activator.is_some(),
            seeder: self.seeder.is_some(),
        }
    }

    pub(crate) async fn post_setup<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        let guest = missing(&self.post_setup, "post-setup")?.load(&mut *store, instance)?;
        guest.call_post_setup(&mut *store, ctx).await
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
        ctx: &types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        let guest = missing(&self.scm_ignore, "scm-ignore")?.load(&mut *store, instance)?;
        guest.call_create_ignore_file(&mut *store, scm, ctx).await
    }

    pub(crate) async fn create_activators<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        let guest = missing(&self.activator, "activator")?.load(&mut *store, instance)?;
        guest.call_create_activators(&mut *store, ctx).await
    }

    pub(crate) async fn seed<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        let guest = missing(&self.seeder, "seeder")?.load(&mut *store, instance)?;
        guest.call_seed(&mut *store, ctx).await
    }
}

/// The indices of a hook the component was found to export.
pub(super) fn missing<'a, I>(indices: &'a Option<I>, hook: &str) -> wasmtime::Result<&'a I> {
    indices
        .as_ref()
        .ok_or_else(|| wasmtime::Error::msg(format!("the component exports no {hook} hook")))
}

/// Adds this version's imports (`host`, `runner`, `wheels`, `types`), served
/// by `D`, to `linker`.
pub(crate) fn add_to_linker<T: Send + 'static, D>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> D::Data<'_>,
) -> wasmtime::Result<()>
where
    D: HasData + Send,
    for<'a> D::Data<'a>: host::Host + runner::Host + wheels::Host + types::Host + Send,
{
    host::add_to_linker::<T, D>(linker, get)?;
    runner::add_to_linker::<T, D>(linker, get)?;
    wheels::add_to_linker::<T, D>(linker, get)?;
    types::add_to_linker::<T, D>(linker, get)?;
    Ok(())
}
