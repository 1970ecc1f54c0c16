//! The hook calls: what each hook kind may reach ([`Reach`]), one sandboxed
//! call per hook and plugin, and the verdict on it.
//!
//! | hook | sees | after the call |
//! |---|---|---|
//! | `post-setup` | the env, read-write | nothing to import |
//! | `create-ignore-file` | an empty scratch dir at the env's path | its `.<scm>ignore` copied in (`import`) |
//! | `create-activators` | an empty scratch dir at `bin`'s path | its activation scripts copied into `bin` |
//! | `seed` | no env at all | the wheels it asked for placed by the host |
//!
//! Every call also gets its plugin's `read:` grants; none of them may hold
//! or lie inside what the call must not see of the creation (the env at its
//! final path, the staged tree, the call's scratch directory).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::component::Instance;
use wasmtime::Store;

use super::budget::Meter;
use super::host_api::{Pending, Runner, WheelInstaller};
use super::import::{import_top_files, Imported};
use super::sandbox::{self, CallState, CapturedOutput, Preopen, Reach};
use super::{boundary, diagnose, LoadedPlugin, PluginHost, Trust};
use crate::context::Context;
use crate::error::{Hook, PluginError, PluginFailure};
use crate::report::Event;

/// How long the host waits, past a call's end, for work the call started
/// off its thread (a wheel being prepared) to stop and clean up.
const PENDING_GRACE: Duration = Duration::from_secs(5);

impl PluginHost {
    /// Runs the post-setup hooks of the plugins of `trust`, in the order given.
    pub fn post_setup(&self, ctx: &Context, trust: Trust) -> Result<(), PluginError> {
        let chosen: Vec<&LoadedPlugin> = self
            .plugins
            .iter()
            .filter(|p| p.hooks().post_setup)
            .filter(|p| (trust == Trust::RunsPrograms) == p.spec.grants.runs_programs())
            .collect();
        // Programs run at the env's final path: publish first.
        if trust == Trust::RunsPrograms && !chosen.is_empty() {
            ctx.ensure_published()
                .map_err(|e| PluginError::host(Some(Hook::PostSetup), e))?;
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
            let wit_ctx = super::contract::wit_context(ctx, &plugin.spec);
            ctx.fs.distrust();
            let reach = Reach {
                env: Some(Preopen {
                    host: &host_dir,
                    guest: &ctx.env_dir,
                }),
                runner,
                wheels: None,
            };
            self.call(plugin, ctx, None, reach, async |store, instance| {
                plugin.exports.post_setup(store, instance, &wit_ctx).await
            })
            .and_then(returned)
            .map_err(|f| PluginError::in_hook(&plugin.spec, Hook::PostSetup, f))?;
        }
        Ok(())
    }

    /// Writes the ignore file for `scm` with the first plugin that serves it.
    ///
    /// The hook runs against an empty scratch directory shown at the env's
    /// path, not the env itself: it runs before pip is installed, and
    /// nothing it leaves may reach a later step that runs the env's Python.
    /// Only `.<scm>ignore` is then copied into the environment (`import`).
    pub fn create_ignore_file(&self, scm: &str, ctx: &Context) -> Result<(), PluginError> {
        let hook = Hook::CreateIgnoreFile;
        let Some(plugin) = self
            .plugins
            .iter()
            .find(|p| p.scms.iter().any(|s| s == scm))
        else {
            return Err(PluginError::host(
                Some(hook),
                format!("no plugin serves SCM `{scm}`"),
            ));
        };
        let scratch = scratch_dir(hook)?;
        let wit_ctx = super::contract::wit_context(ctx, &plugin.spec);
        let reach = Reach {
            env: Some(Preopen {
                host: scratch.path(),
                guest: &ctx.env_dir,
            }),
            runner: None,
            wheels: None,
        };
        let fail = |f| PluginError::in_hook(&plugin.spec, hook, f);
        self.call(
            plugin,
            ctx,
            Some(scratch.path()),
            reach,
            async |store, instance| {
                plugin
                    .exports
                    .create_ignore_file(store, instance, scm, &wit_ctx)
                    .await
            },
        )
        .and_then(returned)
        .map_err(fail)?;
        import_top_files(scratch.path(), ctx, Imported::IgnoreFile { scm }).map_err(fail)
    }

    /// Runs every activator hook, in the order given: each writes into an
    /// empty scratch directory shown at the env's `bin` path, and only the
    /// activation scripts it leaves at the top are copied into `bin`, never
    /// over an existing entry (an interpreter, a built-in script, a launcher).
    pub fn create_activators(&self, ctx: &Context) -> Result<(), PluginError> {
        let hook = Hook::CreateActivators;
        for plugin in self.plugins.iter().filter(|p| p.hooks().activator) {
            let scratch = scratch_dir(hook)?;
            let wit_ctx = super::contract::wit_context(ctx, &plugin.spec);
            let reach = Reach {
                env: Some(Preopen {
                    host: scratch.path(),
                    guest: &ctx.bin_path,
                }),
                runner: None,
                wheels: None,
            };
            let fail = |f| PluginError::in_hook(&plugin.spec, hook, f);
            self.call(
                plugin,
                ctx,
                Some(scratch.path()),
                reach,
                async |store, instance| {
                    plugin
                        .exports
                        .create_activators(store, instance, &wit_ctx)
                        .await
                },
            )
            .and_then(returned)
            .map_err(fail)?;
            import_top_files(scratch.path(), ctx, Imported::Activators).map_err(fail)?;
        }
        Ok(())
    }

    /// Runs every seeder hook, in the order given. A seeder sees no
    /// environment directory, only its read-only grants; the wheels it asks
    /// for (`install-wheel`) are checked, charged and prepared during the
    /// call and placed into site-packages by the host after the hook
    /// succeeds, with the code that places pip (launchers, `INSTALLER`,
    /// `RECORD`), never over anything the environment has.
    pub fn seed(&self, ctx: &Context) -> Result<(), PluginError> {
        let hook = Hook::Seed;
        for plugin in self.plugins.iter().filter(|p| p.hooks().seeder) {
            let ready = Arc::new(Mutex::new(Vec::new()));
            let pending = Pending::default();
            let wit_ctx = super::contract::wit_context(ctx, &plugin.spec);
            ctx.fs.distrust();
            let bin_names = ctx
                .fs
                .names_in(&ctx.layout.bin)
                .map_err(|e| PluginError::host(Some(hook), e))?;
            let reach = Reach {
                env: None,
                runner: None,
                wheels: Some(WheelInstaller {
                    read_dirs: plugin.spec.grants.read_dirs.clone(),
                    cache: ctx.cache.clone(),
                    interpreter: ctx.interpreter.clone(),
                    bin_names,
                    ready: ready.clone(),
                    pending: pending.clone(),
                    bytecode: crate::seed::bytecode(ctx),
                }),
            };
            let fail = |f| PluginError::in_hook(&plugin.spec, hook, f);
            let verdict = self
                .call(plugin, ctx, None, reach, async |store, instance| {
                    plugin.exports.seed(store, instance, &wit_ctx).await
                })
                .and_then(returned);
            // A wheel still being prepared (the call was stopped at its
            // deadline) stops by itself there; it is done before we go on.
            pending.wait(PENDING_GRACE);
            verdict.map_err(fail)?;
            let entries = std::mem::take(&mut *ready.lock().map_err(|_| {
                PluginError::host(Some(hook), "the list of prepared wheels was poisoned")
            })?);
            if !entries.is_empty() {
                crate::seed::install::install_new(ctx, &entries)
                    .map_err(|e| fail(PluginFailure::Host(diagnose::root_cause(&e))))?;
            }
        }
        Ok(())
    }

    pub(super) fn call_supported_scms(
        &self,
        plugin: &LoadedPlugin,
    ) -> Result<Vec<String>, PluginError> {
        let hook = Hook::SupportedScms;
        let fail = |f| PluginError::in_hook(&plugin.spec, hook, f);
        let reach = Reach {
            env: None,
            runner: None,
            wheels: None,
        };
        let names = self
            .sandboxed(plugin, reach, &[], async |store, instance| {
                plugin.exports.supported_scms(store, instance).await
            })
            .map_err(fail)?;
        boundary::check_scms(&names).map_err(|e| fail(PluginFailure::BadScmList(e)))
    }

    /// One hook call during a creation: [`PluginHost::sandboxed`], with the
    /// creation's own directories hidden from every `read:` grant.
    fn call<T>(
        &self,
        plugin: &LoadedPlugin,
        ctx: &Context,
        scratch: Option<&Path>,
        reach: Reach<'_>,
        call: impl AsyncFnOnce(&mut Store<CallState>, &Instance) -> wasmtime::Result<T>,
    ) -> Result<T, PluginFailure> {
        let mut hidden = vec![ctx.env_dir.clone(), ctx.host_path()];
        hidden.extend(scratch.map(Path::to_path_buf));
        self.sandboxed(plugin, reach, &hidden, call)
    }

    /// One sandboxed call: a fresh store, the component instantiated in it,
    /// then `call`; all within the deadline. The plugin's output is reported
    /// afterwards, line by line, and the outcome judged. No `read:` grant
    /// may overlap a directory in `hidden`.
    fn sandboxed<T>(
        &self,
        plugin: &LoadedPlugin,
        reach: Reach<'_>,
        hidden: &[PathBuf],
        call: impl AsyncFnOnce(&mut Store<CallState>, &Instance) -> wasmtime::Result<T>,
    ) -> Result<T, PluginFailure> {
        for dir in hidden.iter().map(|d| canonical(d)) {
            if let Some(grant) = plugin
                .spec
                .grants
                .read_dirs
                .iter()
                .find(|g| g.overlaps(&dir))
            {
                return Err(PluginFailure::GrantExposesEnv {
                    grant: grant.path.clone(),
                    dir,
                });
            }
        }
        let (mut store, out) = sandbox::store(
            &self.engine,
            &self.limits,
            &plugin.spec,
            reach,
            self.reporter.clone(),
        )
        .map_err(|e| PluginFailure::Host(diagnose::root_cause(&e)))?;
        let meter: Arc<Meter> = store.data().meter.clone();
        let deadline = store.data().api.deadline;
        let runtime = self.runtime.as_ref().expect("runtime until drop");
        let result = sandbox::finish(runtime, deadline, &meter, async {
            let instance = plugin.pre.instantiate_async(&mut store).await?;
            call(&mut store, &instance).await
        });
        drop(store);
        self.show_output(plugin, &out);
        diagnose::verdict(result, &meter, &self.limits)
    }

    fn show_output(&self, plugin: &LoadedPlugin, out: &CapturedOutput) {
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

/// A hook's own result (`result<_, string>`): an error it returned.
fn returned(result: Result<(), String>) -> Result<(), PluginFailure> {
    result.map_err(|message| PluginFailure::Returned(boundary::clip_error(&message)))
}

/// `path` with links resolved as far as it exists (the env's final path may
/// not exist yet: its parent is resolved and its name kept).
fn canonical(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => path.to_path_buf(),
    }
}

/// An empty scratch directory for one hook call, named after this process
/// and locked while it lives (a killed creator's is reclaimed later).
fn scratch_dir(hook: Hook) -> Result<crate::temp::TempDir, PluginError> {
    crate::temp::TempDir::new("venv-hook-").map_err(|e| PluginError::host(Some(hook), e))
}
