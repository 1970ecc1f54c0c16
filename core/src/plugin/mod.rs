//! The plugin host: loads WebAssembly components that implement the
//! `venv:plugin` contract (`wit/plugin.wit`) and runs their hooks sandboxed.
//!
//! - [`spec`]: what to run (bytes, options, grants) and which hooks it has;
//! - [`contract`]: the bindings, export names and context conversion;
//! - [`sandbox`]: the store of one call (WASI, limits, deadline, ticker);
//! - [`budget`]: memory, output and write allowances of one call;
//! - [`metered_fs`]: WASI's file system with writes charged to the budget;
//! - [`host_api`]: `log`, `progress`, `run-python`;
//! - [`boundary`]: text from plugins made safe to print, and bounded;
//! - [`diagnose`]: failures as [`PluginFailure`]s;
//! - [`compile_cache`]: compiled code kept between runs;
//! - [`steps`]: [`PluginSteps`], the builder steps with the hooks added.
//!
//! What a plugin can reach is described in README ("Security"): the
//! guarantees are enforced here and in the order [`PluginSteps`] runs hooks.

pub mod boundary;
mod budget;
pub mod compile_cache;
pub mod contract;
mod diagnose;
mod host_api;
pub mod inspect;
pub mod limits;
mod metered_fs;
mod output;
mod sandbox;
pub mod spec;
pub mod steps;

use std::path::Path;
use std::sync::{Arc, Mutex};

use wasmtime::component::{Instance, InstancePre, Linker};
use wasmtime::{Engine, Store};

use crate::cache::Cache;
use crate::context::Context;
use crate::envpython::PassEnv;
use crate::error::{Hook, PluginError, PluginFailure};
use crate::report::{Event, SharedReporter};
use budget::Meter;
use contract::{latest, v0_1_0, Classified, Version};
use host_api::{Runner, WheelInstaller};
use sandbox::{CallSetup, Output, Preopen, State, Ticker};

pub use limits::Limits;
pub use spec::{Grants, Hooks, PluginSpec, Trust};
pub use steps::PluginSteps;

/// A component ready to run.
struct Loaded {
    spec: PluginSpec,
    pre: InstancePre<State>,
    /// The contract version it was built for.
    version: Version,
    hooks: Hooks,
    scms: Vec<String>,
}

/// How the host is set up.
pub struct HostOptions {
    pub limits: Limits,
    /// Compiled code is kept here between runs (nothing is kept when disabled).
    pub cache: Cache,
    pub reporter: SharedReporter,
    /// The user's environment variables that programs run for plugins
    /// (`run-python`, `run-in-env`) see: the policy's `[run] pass-env`.
    pub pass_env: PassEnv,
}

/// Loaded plugins, ready to run.
pub struct PluginHost {
    engine: Engine,
    plugins: Vec<Loaded>,
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

/// The outcome of one call, before it is judged.
struct Called<T> {
    result: wasmtime::Result<T>,
    meter: std::sync::Arc<Meter>,
}

fn host_error(hook: Option<Hook>, e: impl std::fmt::Display) -> PluginError {
    PluginError {
        plugin: "(host)".to_owned(),
        path: None,
        hook,
        failure: PluginFailure::Host(diagnose::root_cause(&e)),
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
    /// Compiles (or loads from the cache) and checks every plugin, and asks
    /// SCM plugins what they serve. Nothing is created on disk for the env.
    pub fn load(specs: &[PluginSpec], options: HostOptions) -> Result<PluginHost, PluginError> {
        let engine = sandbox::engine().map_err(|e| host_error(None, e))?;
        let linker = linker(&engine).map_err(|e| host_error(None, e))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| host_error(None, e))?;
        let mut host = PluginHost {
            _ticker: Ticker::start(&engine),
            engine,
            plugins: Vec::new(),
            limits: options.limits,
            reporter: options.reporter.clone(),
            pass_env: options.pass_env.clone(),
            runtime: Some(runtime),
        };
        for spec in specs {
            let started = std::time::Instant::now();
            let fail = |failure| PluginError {
                plugin: spec.name.clone(),
                path: Some(spec.path.clone()),
                hook: None,
                failure,
            };
            let (component, origin) = compile_cache::load_component(
                &host.engine,
                spec,
                &options.cache,
                &options.reporter,
            )
            .map_err(|e| fail(PluginFailure::NotAComponent(diagnose::root_cause(&e))))?;
            let (version, hooks) = check_contract(&host.engine, &component).map_err(fail)?;
            let pre = linker
                .instantiate_pre(&component)
                .map_err(|e| fail(PluginFailure::UnknownImports(diagnose::root_cause(&e))))?;
            host.reporter.report(Event::PluginLoaded {
                plugin: spec.name.clone(),
                origin,
                elapsed: started.elapsed(),
            });
            let mut loaded = Loaded {
                spec: spec.clone(),
                pre,
                version,
                hooks,
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

    pub fn hooks(&self, name: &str) -> Option<Hooks> {
        self.plugins
            .iter()
            .find(|p| p.spec.name == name)
            .map(|p| p.hooks)
    }

    /// True when some plugin serves `scm`.
    pub fn serves(&self, scm: &str) -> bool {
        self.plugins.iter().any(|p| p.scms.iter().any(|s| s == scm))
    }

    /// Runs the post-setup hooks of the plugins of `trust`, in the order given.
    pub fn post_setup(&self, ctx: &Context, trust: Trust) -> Result<(), PluginError> {
        let chosen: Vec<&Loaded> = self
            .plugins
            .iter()
            .filter(|p| p.hooks.post_setup)
            .filter(|p| (trust == Trust::RunsPrograms) == p.spec.grants.runs_programs())
            .collect();
        // Programs run at the env's final path: publish first.
        if trust == Trust::RunsPrograms && !chosen.is_empty() {
            ctx.ensure_published()
                .map_err(|e| host_error(Some(Hook::PostSetup), e))?;
        }
        for plugin in chosen {
            let grants = &plugin.spec.grants;
            let runner = (trust == Trust::RunsPrograms).then(|| Runner {
                env_exec_cmd: ctx.env_exec_cmd.clone(),
                env_dir: ctx.env_dir.clone(),
                bin_dir: ctx.bin_path.clone(),
                run_python: grants.run_python,
                run_in_env: grants.run_in_env,
                pass_env: self.pass_env.clone(),
            });
            let host_dir = ctx.host_path();
            let wit_ctx = contract::wit_context(ctx, &plugin.spec);
            ctx.fs.distrust();
            let setup = Setup {
                env: Some(Preopen {
                    host: &host_dir,
                    guest: &ctx.env_dir,
                }),
                runner,
                wheels: None,
            };
            let called = self.run(plugin, setup, async |store, instance| {
                match plugin.version {
                    Version::V0_1_0 => {
                        let guest = v0_1_0::post_setup::GuestIndices::new(&plugin.pre)?
                            .load(&mut *store, instance)?;
                        guest.call_post_setup(&mut *store, &wit_ctx.into()).await
                    }
                    Version::V0_2_0 => {
                        let guest = latest::post_setup::GuestIndices::new(&plugin.pre)?
                            .load(&mut *store, instance)?;
                        guest.call_post_setup(&mut *store, &wit_ctx).await
                    }
                }
            });
            self.judge(plugin, Hook::PostSetup, called)?;
        }
        Ok(())
    }

    /// Writes the ignore file for `scm` with the first plugin that serves it.
    ///
    /// The hook runs against an empty scratch directory shown at the env's
    /// path, not the env itself: it runs before pip is installed, and
    /// nothing it leaves may reach a later step that runs the env's Python.
    /// Only regular files at the top of the scratch directory are then
    /// copied into the environment, through [`crate::envfs::EnvDir`].
    pub fn create_ignore_file(&self, scm: &str, ctx: &Context) -> Result<(), PluginError> {
        let Some(plugin) = self
            .plugins
            .iter()
            .find(|p| p.scms.iter().any(|s| s == scm))
        else {
            return Err(host_error(
                Some(Hook::CreateIgnoreFile),
                format!("no plugin serves SCM `{scm}`"),
            ));
        };
        let scratch = scratch_dir(Hook::CreateIgnoreFile)?;
        let wit_ctx = contract::wit_context(ctx, &plugin.spec);
        let setup = Setup {
            env: Some(Preopen {
                host: scratch.path(),
                guest: &ctx.env_dir,
            }),
            runner: None,
            wheels: None,
        };
        let called = self.run(plugin, setup, async |store, instance| {
            match plugin.version {
                Version::V0_1_0 => {
                    let guest = v0_1_0::scm_ignore::GuestIndices::new(&plugin.pre)?
                        .load(&mut *store, instance)?;
                    guest
                        .call_create_ignore_file(&mut *store, scm, &wit_ctx.into())
                        .await
                }
                Version::V0_2_0 => {
                    let guest = latest::scm_ignore::GuestIndices::new(&plugin.pre)?
                        .load(&mut *store, instance)?;
                    guest
                        .call_create_ignore_file(&mut *store, scm, &wit_ctx)
                        .await
                }
            }
        });
        self.judge(plugin, Hook::CreateIgnoreFile, called)?;
        import_top_files(scratch.path(), ctx, Imported::IgnoreFiles).map_err(|failure| {
            PluginError {
                plugin: plugin.spec.name.clone(),
                path: None,
                hook: Some(Hook::CreateIgnoreFile),
                failure,
            }
        })
    }

    /// Runs every activator hook, in the order given: each writes into an
    /// empty scratch directory shown at the env's `bin` path, and only the
    /// regular files it leaves at the top are copied into `bin`, never over
    /// an existing entry (an interpreter, a built-in script, a launcher).
    pub fn create_activators(&self, ctx: &Context) -> Result<(), PluginError> {
        for plugin in self.plugins.iter().filter(|p| p.hooks.activator) {
            let scratch = scratch_dir(Hook::CreateActivators)?;
            let wit_ctx = contract::wit_context(ctx, &plugin.spec);
            let setup = Setup {
                env: Some(Preopen {
                    host: scratch.path(),
                    guest: &ctx.bin_path,
                }),
                runner: None,
                wheels: None,
            };
            let called = self.run(plugin, setup, async |store, instance| {
                let guest = latest::activator::GuestIndices::new(&plugin.pre)?
                    .load(&mut *store, instance)?;
                guest.call_create_activators(&mut *store, &wit_ctx).await
            });
            self.judge(plugin, Hook::CreateActivators, called)?;
            import_top_files(scratch.path(), ctx, Imported::Activators).map_err(|failure| {
                PluginError {
                    plugin: plugin.spec.name.clone(),
                    path: None,
                    hook: Some(Hook::CreateActivators),
                    failure,
                }
            })?;
        }
        Ok(())
    }

    /// Runs every seeder hook, in the order given. A seeder sees no
    /// environment directory, only its read-only grants; the wheels it asks
    /// for (`install-wheel`) are checked and prepared during the call and
    /// placed into site-packages by the host after the hook succeeds, with
    /// the code that places pip (launchers, `INSTALLER`, `RECORD`).
    pub fn seed(&self, ctx: &Context) -> Result<(), PluginError> {
        for plugin in self.plugins.iter().filter(|p| p.hooks.seeder) {
            let ready = Arc::new(Mutex::new(Vec::new()));
            let wit_ctx = contract::wit_context(ctx, &plugin.spec);
            ctx.fs.distrust();
            let setup = Setup {
                env: None,
                runner: None,
                wheels: Some(WheelInstaller {
                    read_dirs: plugin.spec.grants.read_dirs.clone(),
                    cache: ctx.cache.clone(),
                    interpreter: ctx.interpreter.clone(),
                    ready: ready.clone(),
                }),
            };
            let called = self.run(plugin, setup, async |store, instance| {
                let guest =
                    latest::seeder::GuestIndices::new(&plugin.pre)?.load(&mut *store, instance)?;
                guest.call_seed(&mut *store, &wit_ctx).await
            });
            self.judge(plugin, Hook::Seed, called)?;
            let entries = std::mem::take(&mut *ready.lock().map_err(|_| {
                host_error(Some(Hook::Seed), "the list of prepared wheels was poisoned")
            })?);
            if !entries.is_empty() {
                crate::seed::install::install(ctx, &entries).map_err(|e| PluginError {
                    plugin: plugin.spec.name.clone(),
                    path: None,
                    hook: Some(Hook::Seed),
                    failure: PluginFailure::Host(diagnose::root_cause(&e)),
                })?;
            }
        }
        Ok(())
    }

    /// True when some plugin has an activator hook.
    pub fn has_activators(&self) -> bool {
        self.plugins.iter().any(|p| p.hooks.activator)
    }

    fn call_supported_scms(&self, plugin: &Loaded) -> Result<Vec<String>, PluginError> {
        let setup = Setup {
            env: None,
            runner: None,
            wheels: None,
        };
        let called = self.run(plugin, setup, async |store, instance| {
            match plugin.version {
                Version::V0_1_0 => {
                    let guest = v0_1_0::scm_ignore::GuestIndices::new(&plugin.pre)?
                        .load(&mut *store, instance)?;
                    guest.call_supported_scms(&mut *store).await
                }
                Version::V0_2_0 => {
                    let guest = latest::scm_ignore::GuestIndices::new(&plugin.pre)?
                        .load(&mut *store, instance)?;
                    guest.call_supported_scms(&mut *store).await
                }
            }
        });
        let fail = |failure| PluginError {
            plugin: plugin.spec.name.clone(),
            path: None,
            hook: Some(Hook::SupportedScms),
            failure,
        };
        let names = match called.result {
            Ok(names) if called.meter.exceeded().is_none() => names,
            Ok(_) => {
                let what = called.meter.exceeded().expect("checked above");
                return Err(fail(diagnose::limit_failure(what, &self.limits)));
            }
            Err(e) => return Err(fail(diagnose::failure(&e, &self.limits, &called.meter))),
        };
        boundary::check_scms(&names).map_err(|e| fail(PluginFailure::BadScmList(e)))
    }

    /// One sandboxed call: a fresh store, the component instantiated in it,
    /// then `call`; all within the deadline. The plugin's output is reported
    /// afterwards, line by line.
    fn run<T>(
        &self,
        plugin: &Loaded,
        setup: Setup<'_>,
        call: impl AsyncFnOnce(&mut Store<State>, &Instance) -> wasmtime::Result<T>,
    ) -> Called<T> {
        let setup = CallSetup {
            spec: &plugin.spec,
            env: setup.env,
            runner: setup.runner,
            wheels: setup.wheels,
            reporter: self.reporter.clone(),
        };
        let (mut store, out) = match sandbox::store(&self.engine, &self.limits, setup) {
            Ok(made) => made,
            Err(e) => {
                return Called {
                    result: Err(wasmtime::Error::msg(diagnose::root_cause(&e))),
                    meter: Meter::new(&self.limits),
                }
            }
        };
        let meter = store.data().meter.clone();
        let deadline = store.data().api.deadline;
        let runtime = self.runtime.as_ref().expect("runtime until drop");
        let result = sandbox::finish(runtime, deadline, &meter, async {
            let instance = plugin.pre.instantiate_async(&mut store).await?;
            call(&mut store, &instance).await
        });
        drop(store);
        self.show_output(plugin, &out);
        Called { result, meter }
    }

    /// A hook's result (`result<_, string>`) as this host's verdict.
    fn judge(
        &self,
        plugin: &Loaded,
        hook: Hook,
        called: Called<Result<(), String>>,
    ) -> Result<(), PluginError> {
        let fail = |failure| PluginError {
            plugin: plugin.spec.name.clone(),
            path: None,
            hook: Some(hook),
            failure,
        };
        let failure = match called.result {
            Err(e) => diagnose::failure(&e, &self.limits, &called.meter),
            Ok(_) if called.meter.exceeded().is_some() => {
                let what = called.meter.exceeded().expect("checked above");
                diagnose::limit_failure(what, &self.limits)
            }
            Ok(Ok(())) => return Ok(()),
            Ok(Err(message)) => PluginFailure::Returned(boundary::clip_error(&message)),
        };
        Err(fail(failure))
    }

    fn show_output(&self, plugin: &Loaded, out: &Output) {
        for pipe in [&out.stdout, &out.stderr] {
            let text = pipe.contents();
            for line in boundary::lines(&String::from_utf8_lossy(&text)) {
                self.reporter.report(Event::PluginOutput {
                    plugin: plugin.spec.name.clone(),
                    line,
                });
            }
        }
    }
}

/// What one call may reach besides computing.
struct Setup<'a> {
    env: Option<Preopen<'a>>,
    runner: Option<Runner>,
    wheels: Option<WheelInstaller>,
}

fn scratch_dir(hook: Hook) -> Result<crate::temp::TempDir, PluginError> {
    crate::temp::TempDir::new("venv-hook-").map_err(|e| host_error(Some(hook), e))
}

/// The linker every plugin is instantiated with: WASI (async, with the file
/// system metered) and the `host`, `runner`, `wheels` and `types` imports of
/// every contract version (their names differ by version, so all coexist).
fn linker(engine: &Engine) -> anyhow::Result<Linker<State>> {
    let mut linker: Linker<State> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    // Replace WASI's file system by the metered one, same interface.
    linker.allow_shadowing(true);
    wasmtime_wasi::p2::bindings::filesystem::types::add_to_linker::<
        State,
        metered_fs::MeteredFsData,
    >(&mut linker, State::metered_fs)?;
    linker.allow_shadowing(false);
    latest::host::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    latest::runner::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    latest::wheels::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    latest::types::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    v0_1_0::host::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    v0_1_0::types::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    Ok(linker)
}

/// Which hook's scratch directory is being copied in, and its rules.
#[derive(Clone, Copy)]
enum Imported {
    /// SCM ignore files: into the env's top level, over a file but never
    /// over a directory, a link or `pyvenv.cfg`.
    IgnoreFiles,
    /// Activation scripts: into `bin`, never over anything already there.
    Activators,
}

/// Copies what a hook wrote into its scratch directory into the env:
/// regular files at the top level only, by the rules of `what`.
fn import_top_files(scratch: &Path, ctx: &Context, what: Imported) -> Result<(), PluginFailure> {
    use crate::envfs::EntryKind;
    let (hook, dest) = match what {
        Imported::IgnoreFiles => ("create-ignore-file", Path::new("")),
        Imported::Activators => ("create-activators", ctx.layout.bin.as_path()),
    };
    let refuse = |what: String, rule| PluginFailure::Refused { what, hook, rule };
    let io = |e: std::io::Error| PluginFailure::Host(e.to_string());
    let mut entries: Vec<_> = std::fs::read_dir(scratch)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let shown = boundary::sanitize(&name.to_string_lossy());
        let meta = entry.metadata().map_err(io)?;
        if !meta.file_type().is_file() {
            return Err(refuse(
                format!("`{shown}`, which is not a regular file"),
                match what {
                    Imported::IgnoreFiles => {
                        "an SCM hook may only write files at the top of the environment"
                    }
                    Imported::Activators => {
                        "an activator hook may only write files at the top of bin"
                    }
                },
            ));
        }
        let rel = dest.join(&name);
        let in_env = ctx.fs.entry(&rel).map_err(io)?;
        match what {
            Imported::IgnoreFiles
                if name == "pyvenv.cfg"
                    || !matches!(in_env, EntryKind::Missing | EntryKind::File) =>
            {
                return Err(refuse(
                    format!("`{shown}`"),
                    "that name belongs to the environment itself",
                ));
            }
            Imported::Activators if in_env != EntryKind::Missing => {
                return Err(refuse(
                    format!("`{shown}`"),
                    "bin already has an entry of that name; an activator may only add files",
                ));
            }
            _ => {}
        }
        let bytes = std::fs::read(entry.path()).map_err(io)?;
        ctx.fs
            .write_file(&rel, &bytes, None)
            .map_err(|e| PluginFailure::Host(diagnose::root_cause(&e)))?;
    }
    Ok(())
}

/// `HasData` for the host API inside the store.
struct HostApiData;

impl wasmtime::component::HasData for HostApiData {
    type Data<'a> = &'a mut host_api::HostApi;
}
