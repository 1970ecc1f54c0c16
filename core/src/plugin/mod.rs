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
mod contract;
mod diagnose;
mod host_api;
pub mod limits;
mod metered_fs;
mod output;
mod sandbox;
pub mod spec;
pub mod steps;

use std::path::Path;

use wasmtime::component::{Component, Instance, InstancePre, Linker};
use wasmtime::{Engine, Store};

use crate::cache::Cache;
use crate::context::Context;
use crate::error::{Hook, PluginError, PluginFailure};
use crate::report::{Event, SharedReporter};
use budget::Meter;
use contract::{host, post_setup, scm_ignore, types};
use host_api::RunPython;
use sandbox::{CallSetup, Output, Preopen, State, Ticker};

pub use limits::Limits;
pub use spec::{Grants, Hooks, PluginSpec, Trust};
pub use steps::PluginSteps;

/// A component ready to run.
struct Loaded {
    spec: PluginSpec,
    pre: InstancePre<State>,
    hooks: Hooks,
    scms: Vec<String>,
}

/// How the host is set up.
pub struct HostOptions {
    pub limits: Limits,
    /// Compiled code is kept here between runs (nothing is kept when disabled).
    pub cache: Cache,
    pub reporter: SharedReporter,
}

/// Loaded plugins, ready to run.
pub struct PluginHost {
    engine: Engine,
    plugins: Vec<Loaded>,
    limits: Limits,
    reporter: SharedReporter,
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
            let hooks = exported_hooks(&host.engine, &component);
            if !hooks.post_setup && !hooks.scm_ignore {
                return Err(fail(PluginFailure::NoHooks {
                    post_setup: contract::POST_SETUP_EXPORT,
                    scm_ignore: contract::SCM_IGNORE_EXPORT,
                }));
            }
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
            .filter(|p| (trust == Trust::RunPython) == p.spec.grants.run_python)
            .collect();
        // run-python starts the env's interpreter at its final path: publish first.
        if trust == Trust::RunPython && !chosen.is_empty() {
            ctx.ensure_published()
                .map_err(|e| host_error(Some(Hook::PostSetup), e))?;
        }
        for plugin in chosen {
            let run_python = (trust == Trust::RunPython).then(|| RunPython {
                env_exec_cmd: ctx.env_exec_cmd.clone(),
                env_dir: ctx.env_dir.clone(),
            });
            let host_dir = ctx.host_path();
            let wit_ctx = contract::wit_context(ctx, &plugin.spec);
            ctx.fs.distrust();
            let called = self.run(
                plugin,
                Some(Preopen {
                    host: &host_dir,
                    guest: &ctx.env_dir,
                }),
                run_python,
                async |store, instance| {
                    let guest =
                        post_setup::GuestIndices::new(&plugin.pre)?.load(&mut *store, instance)?;
                    guest.call_post_setup(&mut *store, &wit_ctx).await
                },
            );
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
        let scratch = tempfile::Builder::new()
            .prefix("venv-scm-")
            .tempdir()
            .map_err(|e| host_error(Some(Hook::CreateIgnoreFile), e))?;
        let wit_ctx = contract::wit_context(ctx, &plugin.spec);
        let called = self.run(
            plugin,
            Some(Preopen {
                host: scratch.path(),
                guest: &ctx.env_dir,
            }),
            None,
            async |store, instance| {
                let guest =
                    scm_ignore::GuestIndices::new(&plugin.pre)?.load(&mut *store, instance)?;
                guest
                    .call_create_ignore_file(&mut *store, scm, &wit_ctx)
                    .await
            },
        );
        self.judge(plugin, Hook::CreateIgnoreFile, called)?;
        import_ignore_files(scratch.path(), ctx).map_err(|failure| PluginError {
            plugin: plugin.spec.name.clone(),
            path: None,
            hook: Some(Hook::CreateIgnoreFile),
            failure,
        })
    }

    fn call_supported_scms(&self, plugin: &Loaded) -> Result<Vec<String>, PluginError> {
        let called = self.run(plugin, None, None, async |store, instance| {
            let guest = scm_ignore::GuestIndices::new(&plugin.pre)?.load(&mut *store, instance)?;
            guest.call_supported_scms(&mut *store).await
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
        env: Option<Preopen<'_>>,
        run_python: Option<RunPython>,
        call: impl AsyncFnOnce(&mut Store<State>, &Instance) -> wasmtime::Result<T>,
    ) -> Called<T> {
        let setup = CallSetup {
            spec: &plugin.spec,
            env,
            run_python,
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

/// The linker every plugin is instantiated with: WASI (async, with the file
/// system metered) and the contract's `host` and `types`.
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
    host::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    types::add_to_linker::<State, HostApiData>(&mut linker, |s| &mut s.api)?;
    Ok(linker)
}

/// Copies what an SCM hook wrote into its scratch directory into the env:
/// regular files at the top level only, never over a directory, a link or
/// `pyvenv.cfg`.
fn import_ignore_files(scratch: &Path, ctx: &Context) -> Result<(), PluginFailure> {
    use crate::envfs::EntryKind;
    let refuse = |what: String, rule| PluginFailure::Refused {
        what,
        hook: "create-ignore-file",
        rule,
    };
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
                "an SCM hook may only write files at the top of the environment",
            ));
        }
        let rel = Path::new(&name);
        let in_env = ctx.fs.entry(rel).map_err(io)?;
        if name == "pyvenv.cfg" || !matches!(in_env, EntryKind::Missing | EntryKind::File) {
            return Err(refuse(
                format!("`{shown}`"),
                "that name belongs to the environment itself",
            ));
        }
        let bytes = std::fs::read(entry.path()).map_err(io)?;
        ctx.fs
            .write_file(rel, &bytes, None)
            .map_err(|e| PluginFailure::Host(diagnose::root_cause(&e)))?;
    }
    Ok(())
}

/// `HasData` for the host API inside the store.
struct HostApiData;

impl wasmtime::component::HasData for HostApiData {
    type Data<'a> = &'a mut host_api::HostApi;
}

/// Reads the hook interfaces from the component's exports.
fn exported_hooks(engine: &Engine, component: &Component) -> Hooks {
    let mut hooks = Hooks::default();
    for (name, _) in component.component_type().exports(engine) {
        match name {
            contract::POST_SETUP_EXPORT => hooks.post_setup = true,
            contract::SCM_IGNORE_EXPORT => hooks.scm_ignore = true,
            _ => {}
        }
    }
    hooks
}
