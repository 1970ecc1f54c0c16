//! The plugin host: loads WebAssembly components that implement the
//! `venv:plugin` contract (wit/plugin.wit) and runs their hooks sandboxed.
//!
//! Each hook call gets a fresh store: a WASI context that preopens only the
//! environment directory (at its final absolute path, even while the env is
//! still staged elsewhere), no environment variables, no network, no stdin,
//! bounded stdout/stderr; a memory limit (ResourceLimiter), a time limit
//! (epoch interruption), and a bounded wasm stack. Failures become one error
//! naming the plugin, the hook and the cause; the builder then rolls back.

mod bindings;
pub mod compile_cache;
pub mod limits;
mod output;
pub mod steps;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wasmtime::component::{Component, InstancePre, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

use crate::builder::{Context, EnvBuilder};
use bindings::exports::venv::plugin::{post_setup, scm_ignore};
use bindings::venv::plugin::{host, types};
pub use limits::Limits;
use output::BoundedOutput;

/// One `--plugin` as requested.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    pub path: PathBuf,
    /// The name used in messages and in `--plugin-opt NAME.key=value`: the file stem.
    pub name: String,
    pub options: Vec<(String, String)>,
    pub grants: Grants,
}

impl PluginSpec {
    pub fn new(path: PathBuf) -> PluginSpec {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PluginSpec {
            path,
            name,
            options: Vec::new(),
            grants: Grants::default(),
        }
    }
}

/// Capabilities beyond the environment directory; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// May call `host.run-python` (the env's own interpreter, no shell).
    pub run_python: bool,
    /// Extra directories preopened read-only at their own absolute paths.
    pub read_dirs: Vec<PathBuf>,
}

/// Which hooks a component exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hooks {
    pub post_setup: bool,
    pub scm_ignore: bool,
}

struct Loaded {
    spec: PluginSpec,
    pre: InstancePre<State>,
    hooks: Hooks,
    scms: Vec<String>,
}

/// Everything one hook call can reach.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
    plugin: String,
    run_python: Option<RunPython>,
    /// When the hook call's time limit runs out (run-python gets what is left).
    deadline: std::time::Instant,
}

/// What `run-python` needs, present only when granted.
#[derive(Clone)]
struct RunPython {
    env_exec_cmd: PathBuf,
    env_dir: PathBuf,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl types::Host for State {}

impl host::Host for State {
    fn log(&mut self, level: host::Level, message: String) {
        let tag = match level {
            host::Level::Debug => "debug: ",
            host::Level::Info => "",
            host::Level::Warn => "warning: ",
            host::Level::Error => "error: ",
        };
        for line in message.lines() {
            eprintln!("[{}] {tag}{line}", self.plugin);
        }
    }

    fn progress(&mut self, text: String) {
        eprintln!("[{}] {text}", self.plugin);
    }

    fn run_python(&mut self, args: Vec<String>) -> Result<i32, String> {
        let Some(run) = self.run_python.clone() else {
            return Err(format!(
                "run-python denied: plugin `{}` was not granted run-python (grant it with --plugin-grant {}=run-python)",
                self.plugin, self.plugin
            ));
        };
        let plugin = self.plugin.clone();
        let left = self
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        crate::seed::ensurepip::run_with_timeout(
            &run.env_exec_cmd,
            &run.env_dir,
            &args,
            left,
            &mut |line| eprintln!("[{plugin}] {line}"),
        )
        .map_err(|e| format!("run-python failed: {e:#}"))
    }
}

/// Loaded plugins, ready to run.
pub struct PluginHost {
    engine: Engine,
    plugins: Vec<Loaded>,
    limits: Limits,
    ticker_stop: Arc<AtomicBool>,
}

impl Drop for PluginHost {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

impl PluginHost {
    /// Compiles (or loads from `cache_root`) and checks every plugin, and asks
    /// SCM plugins what they serve. Nothing is created on disk for the env.
    pub fn load(
        specs: &[PluginSpec],
        limits: Limits,
        cache_root: Option<&Path>,
        verbose: bool,
    ) -> anyhow::Result<PluginHost> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.max_wasm_stack(1 << 20);
        // Errors are reported as one line; wasm backtraces would only be noise.
        config.wasm_backtrace_max_frames(None);
        config.wasm_component_model(true);
        let engine = Engine::new(&config)?;
        let mut linker: Linker<State> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        host::add_to_linker::<State, wasmtime::component::HasSelf<State>>(&mut linker, |s| s)?;
        types::add_to_linker::<State, wasmtime::component::HasSelf<State>>(&mut linker, |s| s)?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        start_ticker(&engine, ticker_stop.clone());
        let mut host = PluginHost {
            engine,
            plugins: Vec::new(),
            limits,
            ticker_stop,
        };
        let plugin_cache = cache_root.map(Path::to_path_buf);
        for spec in specs {
            let started = std::time::Instant::now();
            let fail = |what: String| {
                anyhow::anyhow!("plugin `{}` ({}): {what}", spec.name, spec.path.display())
            };
            let bytes =
                std::fs::read(&spec.path).map_err(|e| fail(format!("cannot read it: {e}")))?;
            let (component, origin) =
                compile_cache::load_component(&host.engine, &bytes, plugin_cache.as_deref())
                    .map_err(|e| {
                        fail(format!(
                            "not a valid WebAssembly component: {}",
                            root_cause(&e)
                        ))
                    })?;
            let hooks = exported_hooks(&host.engine, &component);
            if !hooks.post_setup && !hooks.scm_ignore {
                return Err(fail(format!(
                    "does not match venv's plugin worlds: it exports neither {} nor {}",
                    bindings::POST_SETUP_EXPORT,
                    bindings::SCM_IGNORE_EXPORT
                )));
            }
            let pre = linker.instantiate_pre(&component).map_err(|e| {
                fail(format!(
                    "needs imports venv does not provide: {}",
                    root_cause(&e)
                ))
            })?;
            if verbose {
                eprintln!(
                    "venv: plugin `{}` {} in {:.1} ms",
                    spec.name,
                    if origin == compile_cache::Origin::Cached {
                        "loaded from cache"
                    } else {
                        "compiled"
                    },
                    started.elapsed().as_secs_f64() * 1e3
                );
            }
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

    /// Runs every plugin's post-setup hook, in the order given.
    pub fn post_setup(&self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        // run-python starts the env's interpreter at its final path: publish first.
        if self
            .plugins
            .iter()
            .any(|p| p.hooks.post_setup && p.spec.grants.run_python)
        {
            ctx.ensure_published()?;
        }
        for plugin in self.plugins.iter().filter(|p| p.hooks.post_setup) {
            self.call(
                plugin,
                "post-setup",
                builder,
                ctx,
                |store, instance, wit_ctx| {
                    let guest =
                        post_setup::GuestIndices::new(&plugin.pre)?.load(&mut *store, instance)?;
                    guest.call_post_setup(&mut *store, wit_ctx)
                },
            )?;
        }
        Ok(())
    }

    /// Writes the ignore file for `scm` with the first plugin that serves it.
    pub fn create_ignore_file(
        &self,
        scm: &str,
        builder: &EnvBuilder,
        ctx: &Context,
    ) -> anyhow::Result<()> {
        let plugin = self
            .plugins
            .iter()
            .find(|p| p.scms.iter().any(|s| s == scm))
            .ok_or_else(|| anyhow::anyhow!("no plugin serves SCM `{scm}`"))?;
        self.call(
            plugin,
            "create-ignore-file",
            builder,
            ctx,
            |store, instance, wit_ctx| {
                let guest =
                    scm_ignore::GuestIndices::new(&plugin.pre)?.load(&mut *store, instance)?;
                guest.call_create_ignore_file(&mut *store, scm, wit_ctx)
            },
        )
    }

    fn call_supported_scms(&self, plugin: &Loaded) -> anyhow::Result<Vec<String>> {
        let (mut store, out) = self.store(plugin, None, None)?;
        let result = (|| {
            let instance = plugin.pre.instantiate(&mut store)?;
            let guest = scm_ignore::GuestIndices::new(&plugin.pre)?.load(&mut store, &instance)?;
            guest.call_supported_scms(&mut store)
        })();
        self.show_output(plugin, &out);
        let scms = result.map_err(|e| self.explain(plugin, "supported-scms", e, &out))?;
        Ok(scms.into_iter().map(|s| s.to_lowercase()).collect())
    }

    /// One sandboxed call of a hook; the env dir is preopened at its final path.
    fn call(
        &self,
        plugin: &Loaded,
        hook: &str,
        builder: &EnvBuilder,
        ctx: &Context,
        f: impl FnOnce(
            &mut Store<State>,
            &wasmtime::component::Instance,
            &types::Context,
        ) -> wasmtime::Result<Result<(), String>>,
    ) -> anyhow::Result<()> {
        let host_dir = ctx.host_path();
        // run-python is offered to post-setup only: before that the env has no pip and is not in place.
        let python_ctx = (hook == "post-setup").then_some(ctx);
        let (mut store, out) = self.store(plugin, Some((&host_dir, &ctx.env_dir)), python_ctx)?;
        let wit_ctx = wit_context(builder, ctx, &plugin.spec);
        let result = plugin
            .pre
            .instantiate(&mut store)
            .and_then(|instance| f(&mut store, &instance, &wit_ctx));
        self.show_output(plugin, &out);
        if out.overflowed() {
            return Err(anyhow::anyhow!(
                "plugin `{}` failed in {hook}: exceeded its output limit of {} KiB",
                plugin.spec.name,
                self.limits.output_bytes >> 10
            ));
        }
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(anyhow::anyhow!(
                "plugin `{}` failed in {hook}: {message}",
                plugin.spec.name
            )),
            Err(e) => Err(self.explain(plugin, hook, e, &out)),
        }
    }

    fn store(
        &self,
        plugin: &Loaded,
        env: Option<(&Path, &Path)>,
        ctx: Option<&Context>,
    ) -> anyhow::Result<(Store<State>, Output)> {
        let out = Output {
            stdout: BoundedOutput::new(self.limits.output_bytes),
            stderr: BoundedOutput::new(self.limits.output_bytes),
        };
        let mut wasi = WasiCtx::builder();
        wasi.stdout(out.stdout.clone()).stderr(out.stderr.clone());
        if let Some((host_dir, guest_dir)) = env {
            wasi.preopened_dir(host_dir, guest_dir.to_string_lossy(), FsPerms::ReadWrite)?;
        }
        for dir in &plugin.spec.grants.read_dirs {
            wasi.preopened_dir(dir, dir.to_string_lossy(), FsPerms::ReadOnly)?;
        }
        let run_python = match (plugin.spec.grants.run_python, ctx) {
            (true, Some(ctx)) => Some(RunPython {
                env_exec_cmd: ctx.env_exec_cmd.clone(),
                env_dir: ctx.env_dir.clone(),
            }),
            _ => None,
        };
        let state = State {
            wasi: wasi.build(),
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new()
                .memory_size(self.limits.memory_bytes)
                .trap_on_grow_failure(true)
                .build(),
            plugin: plugin.spec.name.clone(),
            run_python,
            deadline: std::time::Instant::now() + self.limits.time,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(self.limits.ticks());
        store.epoch_deadline_trap();
        Ok((store, out))
    }

    fn show_output(&self, plugin: &Loaded, out: &Output) {
        for pipe in [&out.stdout, &out.stderr] {
            let text = pipe.contents();
            for line in String::from_utf8_lossy(&text).lines() {
                eprintln!("[{}] {line}", plugin.spec.name);
            }
        }
    }

    /// Turns a trap into a sentence: which limit, or what went wrong.
    fn explain(
        &self,
        plugin: &Loaded,
        hook: &str,
        err: wasmtime::Error,
        out: &Output,
    ) -> anyhow::Error {
        let chain = format!("{err:#}");
        let cause = match err.downcast_ref::<wasmtime::Trap>() {
            _ if chain.contains("forcing trap when growing memory") => {
                format!(
                    "exceeded its memory limit of {} MiB",
                    self.limits.memory_bytes >> 20
                )
            }
            _ if out.overflowed() => {
                format!(
                    "exceeded its output limit of {} KiB",
                    self.limits.output_bytes >> 10
                )
            }
            Some(wasmtime::Trap::Interrupt) => {
                format!(
                    "exceeded its time limit of {:.1} s",
                    self.limits.time.as_secs_f64()
                )
            }
            Some(wasmtime::Trap::StackOverflow) => {
                "exhausted its stack (unbounded recursion?)".to_owned()
            }
            // Rust and C guests keep their stack in linear memory: running off its
            // end shows up as an out-of-bounds access.
            Some(wasmtime::Trap::MemoryOutOfBounds) => {
                "exhausted its stack or accessed memory out of bounds (unbounded recursion?)"
                    .to_owned()
            }
            Some(wasmtime::Trap::UnreachableCodeReached) => {
                "panicked or aborted (wasm `unreachable`)".to_owned()
            }
            Some(trap) => format!("trapped: {trap}"),
            None => root_cause(&err),
        };
        anyhow::anyhow!("plugin `{}` failed in {hook}: {cause}", plugin.spec.name)
    }
}

struct Output {
    stdout: BoundedOutput,
    stderr: BoundedOutput,
}

impl Output {
    fn overflowed(&self) -> bool {
        self.stdout.overflowed() || self.stderr.overflowed()
    }
}

fn root_cause(err: &impl std::fmt::Display) -> String {
    crate::error::one_line(&format!("{err:#}"))
}

/// Reads the hook interfaces from the component's exports.
fn exported_hooks(engine: &Engine, component: &Component) -> Hooks {
    let mut hooks = Hooks::default();
    for (name, _) in component.component_type().exports(engine) {
        match name {
            bindings::POST_SETUP_EXPORT => hooks.post_setup = true,
            bindings::SCM_IGNORE_EXPORT => hooks.scm_ignore = true,
            _ => {}
        }
    }
    hooks
}

/// Advances the engine's epoch every tick until `stop`; one thread per host.
fn start_ticker(engine: &Engine, stop: Arc<AtomicBool>) {
    let weak = engine.weak();
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(limits::TICK);
            match weak.upgrade() {
                Some(engine) => engine.increment_epoch(),
                None => break,
            }
        }
    });
}

fn wit_context(builder: &EnvBuilder, ctx: &Context, spec: &PluginSpec) -> types::Context {
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let opts = &builder.options;
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
            prompt: opts.prompt.clone(),
        },
        options: spec.options.clone(),
    }
}
