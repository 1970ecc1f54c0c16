//! The contracts this host speaks: `venv:plugin@0.2.0` (the latest,
//! `wit/plugin.wit`) and the frozen `venv:plugin@0.1.0`
//! (`wit/v0.1.0/plugin.wit`), one module of bindings each. A component's
//! names say which one it was built for: every import and export carries
//! the package version. [`classify`] reads them once at load time; a
//! component built for a version this host does not know is refused.
//!
//! The builder's context is converted once into the latest `context`
//! ([`wit_context`]) and from there into an older one (`From` in each
//! frozen module), so a hook call never matches on versions per field.

pub(crate) mod v0_1_0;
pub(crate) mod v0_2_0;

pub(crate) use v0_2_0 as latest;

use std::path::Path;

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, HasData, Instance, InstancePre, Linker};
use wasmtime::{Engine, Store};

use super::spec::{Hooks, PluginSpec};
use crate::context::Context;

/// The package every name of the contract starts with.
pub(crate) const PACKAGE: &str = "venv:plugin";

/// A contract version this host speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V0_1_0,
    V0_2_0,
}

impl Version {
    /// Every version this host speaks, oldest first.
    pub const ALL: [Version; 2] = [Version::V0_1_0, Version::V0_2_0];

    pub fn as_str(self) -> &'static str {
        match self {
            Version::V0_1_0 => v0_1_0::VERSION,
            Version::V0_2_0 => v0_2_0::VERSION,
        }
    }

    fn parse(text: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// "0.1.0 and 0.2.0", for messages.
    pub fn spoken() -> String {
        let all: Vec<&str> = Version::ALL.iter().map(|v| v.as_str()).collect();
        match all.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => all.join(""),
        }
    }
}

/// A loaded component's hooks, resolved once (one value per contract
/// version): a call is one method, whatever version the plugin speaks.
#[derive(Clone)]
pub(crate) enum Exports {
    V0_1_0(v0_1_0::Exports),
    V0_2_0(v0_2_0::Exports),
}

impl Exports {
    /// The hooks `hooks` names, for a component built for `version`.
    pub(crate) fn resolve<T>(
        version: Version,
        hooks: Hooks,
        pre: &InstancePre<T>,
    ) -> wasmtime::Result<Exports> {
        Ok(match version {
            Version::V0_1_0 => Exports::V0_1_0(v0_1_0::Exports::resolve(pre, hooks)?),
            Version::V0_2_0 => Exports::V0_2_0(v0_2_0::Exports::resolve(pre, hooks)?),
        })
    }

    pub(crate) fn hooks(&self) -> Hooks {
        match self {
            Exports::V0_1_0(e) => e.hooks(),
            Exports::V0_2_0(e) => e.hooks(),
        }
    }

    pub(crate) async fn post_setup<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &latest::types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        match self {
            Exports::V0_1_0(e) => e.post_setup(store, instance, ctx).await,
            Exports::V0_2_0(e) => e.post_setup(store, instance, ctx).await,
        }
    }

    pub(crate) async fn supported_scms<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
    ) -> wasmtime::Result<Vec<String>> {
        match self {
            Exports::V0_1_0(e) => e.supported_scms(store, instance).await,
            Exports::V0_2_0(e) => e.supported_scms(store, instance).await,
        }
    }

    pub(crate) async fn create_ignore_file<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        scm: &str,
        ctx: &latest::types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        match self {
            Exports::V0_1_0(e) => e.create_ignore_file(store, instance, scm, ctx).await,
            Exports::V0_2_0(e) => e.create_ignore_file(store, instance, scm, ctx).await,
        }
    }

    /// 0.2.0 and later.
    pub(crate) async fn create_activators<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &latest::types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        match self {
            Exports::V0_1_0(_) => Err(wasmtime::Error::msg("0.1.0 has no activator hook")),
            Exports::V0_2_0(e) => e.create_activators(store, instance, ctx).await,
        }
    }

    /// 0.2.0 and later.
    pub(crate) async fn seed<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        ctx: &latest::types::Context,
    ) -> wasmtime::Result<Result<(), String>> {
        match self {
            Exports::V0_1_0(_) => Err(wasmtime::Error::msg("0.1.0 has no seeder hook")),
            Exports::V0_2_0(e) => e.seed(store, instance, ctx).await,
        }
    }
}

/// Adds the imports of every version this host speaks, served by `D`, to
/// `linker` (their names carry the version, so all coexist).
pub(crate) fn add_to_linker<T: Send + 'static, D>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> D::Data<'_>,
) -> wasmtime::Result<()>
where
    D: HasData + Send,
    for<'a> D::Data<'a>: latest::host::Host
        + latest::runner::Host
        + latest::wheels::Host
        + latest::types::Host
        + v0_1_0::host::Host
        + v0_1_0::types::Host
        + Send,
{
    v0_1_0::add_to_linker::<T, D>(linker, get)?;
    v0_2_0::add_to_linker::<T, D>(linker, get)?;
    Ok(())
}

/// An interface's full name in a contract version (`venv:plugin/post-setup@0.2.0`).
#[cfg(test)]
fn versioned(interface: &str, version: Version) -> String {
    format!("{PACKAGE}/{interface}@{}", version.as_str())
}

/// Splits `venv:plugin/NAME@VERSION` into its name and version.
fn split_name(full: &str) -> Option<(&str, &str)> {
    full.strip_prefix(PACKAGE)?
        .strip_prefix('/')?
        .split_once('@')
}

/// What a component's names say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Classified {
    /// Built for `version`, exporting `hooks` (possibly none).
    Speaks { version: Version, hooks: Hooks },
    /// Some name carries a version this host does not speak.
    UnknownVersion { found: String },
    /// Hooks of two different versions in one component.
    MixedVersions,
}

/// Reads the contract version and the hooks from a component's imports and exports.
pub(crate) fn classify(engine: &Engine, component: &Component) -> Classified {
    let ty = component.component_type();
    let mut version = None;
    let mut hooks = Hooks::default();
    let names = ty
        .exports(engine)
        .map(|(n, _)| (n.to_owned(), true))
        .chain(ty.imports(engine).map(|(n, _)| (n.to_owned(), false)));
    for (name, exported) in names {
        let Some((interface, text)) = split_name(&name) else {
            continue;
        };
        let Some(v) = Version::parse(text) else {
            return Classified::UnknownVersion {
                found: text.to_owned(),
            };
        };
        if !exported {
            continue;
        }
        match version {
            Some(seen) if seen != v => return Classified::MixedVersions,
            _ => version = Some(v),
        }
        match (interface, v) {
            ("post-setup", _) => hooks.post_setup = true,
            ("scm-ignore", _) => hooks.scm_ignore = true,
            ("activator", Version::V0_2_0) => hooks.activator = true,
            ("seeder", Version::V0_2_0) => hooks.seeder = true,
            _ => {}
        }
    }
    Classified::Speaks {
        version: version.unwrap_or(Version::V0_2_0),
        hooks,
    }
}

/// The imports of a component: each name with the functions it takes from
/// that instance (empty for a bare function or type).
pub(crate) fn imports(engine: &Engine, component: &Component) -> Vec<(String, Vec<String>)> {
    component
        .component_type()
        .imports(engine)
        .map(|(name, item)| {
            let funcs = match item.ty {
                ComponentItem::ComponentInstance(inst) => inst
                    .exports(engine)
                    .filter(|(_, i)| matches!(i.ty, ComponentItem::ComponentFunc(_)))
                    .map(|(n, _)| n.to_owned())
                    .collect(),
                _ => Vec::new(),
            };
            (name.to_owned(), funcs)
        })
        .collect()
}

/// The latest contract's `context` record for one hook call.
pub(crate) fn wit_context(ctx: &Context, spec: &PluginSpec) -> latest::types::Context {
    use latest::types;
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
        read_dirs: spec.grants.read_dirs.iter().map(|d| s(&d.path)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each bindings module's version must be its WIT file's package line.
    #[test]
    fn versions_follow_the_wit_packages() {
        for (wit, version) in [
            (include_str!("../../../../wit/plugin.wit"), Version::V0_2_0),
            (
                include_str!("../../../../wit/v0.1.0/plugin.wit"),
                Version::V0_1_0,
            ),
        ] {
            let package = wit
                .lines()
                .find_map(|l| l.strip_prefix("package ")?.strip_suffix(';'))
                .expect("a package line");
            assert_eq!(package, format!("{PACKAGE}@{}", version.as_str()));
            assert_eq!(
                split_name(&versioned("post-setup", version)),
                Some(("post-setup", version.as_str()))
            );
        }
        assert_eq!(Version::spoken(), "0.1.0 and 0.2.0");
    }
}
