//! The plugin host: loads WebAssembly components that implement the
//! `venv:plugin` contract (`wit/plugin.wit`) and runs their hooks sandboxed.
//!
//! - [`spec`]: what to run (bytes, options, grants) and which hooks it has;
//! - [`grant`]: grants parsed and `read:` directories opened once;
//! - `contract`: the bindings of each contract version, the hooks a
//!   component exports (resolved once, at load) and the context conversion;
//! - `hooks`: the hook calls, what each may reach, and their verdicts;
//! - `import`: what SCM and activator hooks may leave (closed lists);
//! - `sandbox`: the store of one call (WASI, limits, deadline, ticker);
//! - `budget`: memory, output and write allowances of one call;
//! - `metered_fs`: WASI's file system with writes (and holes) charged;
//! - `host_api`: `log`, `progress`, `run-python`, `run-in-env`, `install-wheel`;
//! - [`boundary`]: text from plugins made safe to print, and bounded;
//! - `diagnose`: failures as [`PluginFailure`]s;
//! - [`compile_cache`]: compiled code kept between runs;
//! - [`steps`]: [`PluginSteps`], the builder steps with the hooks added.
//!
//! What a plugin can reach is described in README ("Security"): the
//! guarantees are enforced here and in the order [`PluginSteps`] runs hooks.

pub mod boundary;
mod budget;
pub mod compile_cache;
pub(crate) mod contract;
mod diagnose;
pub mod grant;
mod hooks;
mod host_api;
mod import;
pub mod inspect;
pub mod limits;
mod metered_fs;
mod output;
mod sandbox;
pub mod spec;
pub mod steps;

use wasmtime::component::{InstancePre, Linker};
use wasmtime::Engine;

use crate::cache::Cache;
use crate::envpython::PassEnv;
use crate::error::{Hook, PluginError, PluginFailure};
use crate::report::{Event, SharedReporter};
use contract::{Classified, Exports, Version};
use sandbox::{CallState, Ticker};

pub use grant::{Grant, GrantError, ReadDir};
pub use limits::Limits;
pub use spec::{Grants, Hooks, PluginSpec, Trust};
pub use steps::PluginSteps;

/// A component ready to run: instantiated ahead of time against the
/// linker, with its hooks resolved.
struct LoadedPlugin {
    spec: PluginSpec,
    pre: InstancePre<CallState>,
    exports: Exports,
    /// The SCMs its scm-ignore hook serves (asked once, at load).
    scms: Vec<String>,
}

impl LoadedPlugin {
    fn hooks(&self) -> Hooks {
        self.exports.hooks()
    }
}

/// How the host is set up.
pub struct HostOptions {
    /// The bounds of every call.
    pub limits: Limits,
    /// Compiled code is kept here between runs (nothing is kept when disabled).
    pub cache: Cache,
    /// Where the plugins' messages and the host's events go.
    pub reporter: SharedReporter,
    /// The user's environment variables that programs run for plugins
    /// (`run-python`, `run-in-env`) see: the policy's `[run] pass-env`.
    pub pass_env: PassEnv,
}

/// Loaded plugins, ready to run.
pub struct PluginHost {
    engine: Engine,
    plugins: Vec<LoadedPlugin>,
    limits: Limits,
    reporter: SharedReporter,
    pass_env: PassEnv,
    /// Drives the calls' futures; shut down without waiting on drop.
    runtime: Option<tokio::runtime::Runtime>,
    _ticker: Ticker,
}

impl Drop for PluginHost {
    fn drop(&mut self) {
        // A call stopped at its deadline may leave a blocking file operation
        // behind on the runtime's pool; do not wait for it.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The contract version and hooks of a loaded component, or why it cannot run.
fn check_contract(
    engine: &Engine,
    component: &wasmtime::component::Component,
) -> Result<(Version, Hooks), PluginFailure> {
    match contract::classify(engine, component) {
        Classified::UnknownVersion { found } => Err(PluginFailure::UnknownContract {
            found: format!("{}@{found}", contract::PACKAGE),
            spoken: Version::spoken(),
        }),
        Classified::MixedVersions => Err(PluginFailure::MixedContracts),
        Classified::Speaks { hooks, .. } if !hooks.any() => Err(PluginFailure::NoHooks {
            spoken: Version::spoken(),
        }),
        Classified::Speaks { version, hooks } => Ok((version, hooks)),
    }
}

impl PluginHost {
    /// Compiles (or loads from the cache) and checks every plugin, resolves
    /// its hooks, and asks SCM plugins what they serve. Nothing is created
    /// on disk for the env. The components' bytes are let go once their
    /// code is loaded (a JavaScript plugin's are 12 MB).
    pub fn load(specs: Vec<PluginSpec>, options: HostOptions) -> Result<PluginHost, PluginError> {
        let engine = sandbox::engine().map_err(|e| PluginError::host(None, e))?;
        // One linker for every plugin of this process.
        let linker = linker(&engine).map_err(|e| PluginError::host(None, e))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| PluginError::host(None, e))?;
        let mut host = PluginHost {
            _ticker: Ticker::start(&engine),
            engine,
            plugins: Vec::new(),
            limits: options.limits,
            reporter: options.reporter.clone(),
            pass_env: options.pass_env.clone(),
            runtime: Some(runtime),
        };
        for mut spec in specs {
            let started = std::time::Instant::now();
            let (component, origin) = compile_cache::load_component(
                &host.engine,
                &spec,
                &options.cache,
                &options.reporter,
            )
            .map_err(|e| {
                PluginError::loading(
                    &spec,
                    PluginFailure::NotAComponent(diagnose::root_cause(&e)),
                )
            })?;
            spec.release_bytes();
            let fail = |failure| PluginError::loading(&spec, failure);
            let (version, hooks) = check_contract(&host.engine, &component).map_err(fail)?;
            let pre = linker
                .instantiate_pre(&component)
                .map_err(|e| fail(PluginFailure::UnknownImports(diagnose::root_cause(&e))))?;
            let exports = Exports::resolve(version, hooks, &pre)
                .map_err(|e| fail(PluginFailure::NotAComponent(diagnose::root_cause(&e))))?;
            host.reporter.report(Event::PluginLoaded {
                plugin: spec.name.clone(),
                origin,
                elapsed: started.elapsed(),
            });
            let mut loaded = LoadedPlugin {
                spec: spec.clone(),
                pre,
                exports,
                scms: Vec::new(),
            };
            if hooks.scm_ignore {
                loaded.scms = host.call_supported_scms(&loaded)?;
            }
            host.plugins.push(loaded);
        }
        Ok(host)
    }

    /// (scm, plugin name) for every SCM some plugin serves.
    pub fn supported_scms(&self) -> Vec<(String, String)> {
        self.plugins
            .iter()
            .flat_map(|p| p.scms.iter().map(|s| (s.clone(), p.spec.name.clone())))
            .collect()
    }
}

/// The linker every plugin is instantiated with: WASI (async, with the file
/// system metered) and the imports of every contract version.
fn linker(engine: &Engine) -> anyhow::Result<Linker<CallState>> {
    let mut linker: Linker<CallState> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    // Replace WASI's file system by the metered one, same interface.
    linker.allow_shadowing(true);
    wasmtime_wasi::p2::bindings::filesystem::types::add_to_linker::<
        CallState,
        metered_fs::MeteredFsData,
    >(&mut linker, CallState::metered_fs)?;
    linker.allow_shadowing(false);
    contract::add_to_linker::<CallState, HostApiData>(&mut linker, |s| &mut s.api)?;
    Ok(linker)
}

/// `HasData` for the host API inside the store.
struct HostApiData;

impl wasmtime::component::HasData for HostApiData {
    type Data<'a> = &'a mut host_api::HostApi;
}

impl PluginError {
    /// A plugin that could not be loaded.
    fn loading(spec: &PluginSpec, failure: PluginFailure) -> PluginError {
        PluginError {
            plugin: spec.name.clone(),
            path: Some(spec.path.clone()),
            hook: None,
            failure,
        }
    }

    /// A hook of `spec` that failed.
    fn in_hook(spec: &PluginSpec, hook: Hook, failure: PluginFailure) -> PluginError {
        PluginError {
            plugin: spec.name.clone(),
            path: None,
            hook: Some(hook),
            failure,
        }
    }

    /// The host itself failed around a hook (or while loading).
    fn host(hook: Option<Hook>, e: impl std::fmt::Display) -> PluginError {
        PluginError {
            plugin: "(host)".to_owned(),
            path: None,
            hook,
            failure: PluginFailure::Host(diagnose::root_cause(&e)),
        }
    }
}
