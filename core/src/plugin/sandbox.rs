//! The sandbox of one hook call: a fresh store whose WASI context preopens
//! only the environment directory (at its final absolute path) and granted
//! read-only directories; no environment variables, arguments, stdin or
//! network; a [`Limiter`] for memory, tables and instances; a [`Meter`] for
//! output and writes; and a deadline that holds in guest code (checked at
//! every epoch tick) and in host calls (the call is a future raced against
//! the deadline, so a guest blocked in `poll` or `sleep` is dropped too).

use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::ResourceTable;
use wasmtime::{Config, Engine, Store, UpdateDeadline};
use wasmtime_wasi::filesystem::WasiFilesystemCtxView;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

use super::budget::{Exceeded, Limiter, Meter};
use super::host_api::{HostApi, Runner, WheelInstaller};
use super::limits::{self, Limits};
use super::metered_fs::MeteredFs;
use super::output::BoundedOutput;
use super::spec::PluginSpec;
use crate::report::SharedReporter;

/// Everything one hook call can reach: the store's data.
pub(super) struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    pub meter: Arc<Meter>,
    pub api: HostApi,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl CallState {
    /// The file system as the plugin sees it: WASI's, metered.
    pub(super) fn metered_fs(&mut self) -> MeteredFs<'_> {
        MeteredFs {
            inner: WasiFilesystemCtxView {
                ctx: self.wasi.filesystem(),
                table: &mut self.table,
            },
            meter: self.meter.clone(),
        }
    }
}

/// The engine configuration every plugin runs under.
pub(super) fn engine() -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.max_wasm_stack(1 << 20);
    // Errors are reported as one line; wasm backtraces would only be noise.
    config.wasm_backtrace_max_frames(None);
    config.wasm_component_model(true);
    Ok(Engine::new(&config)?)
}

/// Where the call's file system is.
pub(super) struct Preopen<'a> {
    /// The directory on the host.
    pub host: &'a Path,
    /// The path the plugin sees it at.
    pub guest: &'a Path,
}

/// What one call may reach beyond computing (besides its `read:` grants).
pub(super) struct Reach<'a> {
    /// The environment, or a scratch directory shown at its path.
    pub env: Option<Preopen<'a>>,
    /// The `runner` functions (post-setup hooks).
    pub runner: Option<Runner>,
    /// `install-wheel` (seeder hooks).
    pub wheels: Option<WheelInstaller>,
}

/// A plugin's captured stdout and stderr.
pub(super) struct CapturedOutput {
    pub stdout: BoundedOutput,
    pub stderr: BoundedOutput,
}

/// A fresh store for one call, and its captured output. The deadline
/// starts now.
pub(super) fn store(
    engine: &Engine,
    limits: &Limits,
    spec: &PluginSpec,
    reach: Reach<'_>,
    reporter: SharedReporter,
) -> anyhow::Result<(Store<CallState>, CapturedOutput)> {
    let meter = Meter::new(limits);
    let out = CapturedOutput {
        stdout: BoundedOutput::new(meter.clone()),
        stderr: BoundedOutput::new(meter.clone()),
    };
    let mut wasi = WasiCtx::builder();
    wasi.stdout(out.stdout.clone()).stderr(out.stderr.clone());
    if let Some(env) = &reach.env {
        wasi.preopened_dir(env.host, env.guest.to_string_lossy(), FsPerms::ReadWrite)?;
    }
    for dir in &spec.grants.read_dirs {
        // The directory opened when the grant was resolved, not its path again.
        wasi.preopened_dir(
            dir.host_path(),
            dir.path.to_string_lossy(),
            FsPerms::ReadOnly,
        )?;
    }
    let mut table = ResourceTable::new();
    table.set_max_capacity(limits::MAX_HOST_RESOURCES);
    let deadline = limits.deadline(Instant::now());
    let state = CallState {
        wasi: wasi.build(),
        table,
        limiter: Limiter::new(limits, meter.clone()),
        api: HostApi {
            plugin: spec.name.clone(),
            reporter,
            runner: reach.runner,
            wheels: reach.wheels,
            deadline,
            meter: meter.clone(),
        },
        meter,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|s| &mut s.limiter);
    store.set_hostcall_fuel(limits.hostcall_fuel());
    // Every tick, the guest's code checks the deadline and for a signal.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |ctx| {
        let stop = if crate::interrupt::requested().is_some() {
            Some(Exceeded::Interrupted)
        } else if Instant::now() >= deadline {
            Some(Exceeded::Time)
        } else {
            None
        };
        match stop {
            Some(what) => Err(ctx.data().meter.exceed(what).into()),
            None => Ok(UpdateDeadline::Continue(1)),
        }
    });
    Ok((store, out))
}

/// Runs one call's future to its end, its deadline, or a signal, whichever
/// comes first. A future stopped early is dropped with its store.
pub(super) fn finish<T>(
    runtime: &tokio::runtime::Runtime,
    deadline: Instant,
    meter: &Meter,
    call: impl Future<Output = wasmtime::Result<T>>,
) -> wasmtime::Result<T> {
    runtime.block_on(async {
        let deadline = tokio::time::Instant::from_std(deadline);
        tokio::select! {
            result = call => result,
            () = tokio::time::sleep_until(deadline) => Err(meter.exceed(Exceeded::Time).into()),
            () = signalled() => Err(meter.exceed(Exceeded::Interrupted).into()),
        }
    })
}

/// Resolves once a signal asked for a stop.
async fn signalled() {
    while crate::interrupt::requested().is_none() {
        tokio::time::sleep(limits::TICK).await;
    }
}

/// Advances the engine's epoch every tick until dropped; one per host.
pub(super) struct Ticker {
    stop: Arc<AtomicBool>,
}

impl Ticker {
    pub(super) fn start(engine: &Engine) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let weak = engine.weak();
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(limits::TICK);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => break,
                }
            }
        });
        Ticker { stop }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
