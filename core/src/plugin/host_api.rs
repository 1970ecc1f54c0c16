//! What the host offers plugins, for every contract version it speaks:
//! `log` and `progress` (sent to the reporter), the `runner` functions
//! (`run-python`, `run-in-env`; each only with its grant, and only in
//! post-setup hooks) and `wheels.install-wheel` (only in seeder hooks).
//! Implemented on its own value inside the store, apart from WASI. Every
//! byte of text goes through the call's output allowance and is made safe
//! to print first; every byte a seeded wheel puts into the environment goes
//! through its write allowance.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::boundary;
use super::budget::{Exceeded, Meter};
use super::contract::{latest, v0_1_0};
use super::grant::ReadDir;
use crate::cache::Cache;
use crate::envpython::{self, ChildCommand, PassEnv, ProcessError};
use crate::interpreter::{BundledWheel, Interpreter};
use crate::report::{Event, LogLevel, SharedReporter};
use crate::seed::{entry, wheel};

/// The host side of one hook call.
pub(super) struct HostApi {
    pub plugin: String,
    pub reporter: SharedReporter,
    /// Present only in post-setup hooks.
    pub runner: Option<Runner>,
    /// Present only in seeder hooks.
    pub wheels: Option<WheelInstaller>,
    /// When the hook call's time limit runs out (programs get what is left).
    pub deadline: Instant,
    pub meter: Arc<Meter>,
}

/// What the `runner` functions need, and which of them were granted.
#[derive(Clone)]
pub(super) struct Runner {
    pub env_exec_cmd: PathBuf,
    pub env_dir: PathBuf,
    pub bin_dir: PathBuf,
    pub run_python: bool,
    pub run_in_env: bool,
    /// The user's environment variables the program sees.
    pub pass_env: PassEnv,
}

/// What `install-wheel` needs. Wheels are read from the granted directories
/// only, unpacked and byte-compiled into the cache during the call; the
/// host places them into the environment after the hook returns.
#[derive(Clone)]
pub(super) struct WheelInstaller {
    pub read_dirs: Vec<ReadDir>,
    pub cache: Cache,
    pub interpreter: Interpreter,
    /// The names already in the environment's `bin`: no console script may take one.
    pub bin_names: Vec<String>,
    /// The entries ready to place, in the order asked for.
    pub ready: Arc<Mutex<Vec<entry::SeedEntry>>>,
    /// Preparations still running (see [`Pending`]).
    pub pending: Pending,
    /// With byte-code or without (`--no-compile`).
    pub bytecode: entry::Bytecode,
}

/// The longest line of a program's output passed on as progress.
const MAX_PROGRAM_LINE: usize = 16 << 10;

/// The largest wheel `install-wheel` reads.
const MAX_WHEEL_BYTES: u64 = 256 << 20;

impl HostApi {
    fn log(&mut self, level: LogLevel, message: &str) -> wasmtime::Result<()> {
        self.meter.charge_output(message.len())?;
        for line in boundary::lines(message) {
            self.reporter.report(Event::PluginLog {
                plugin: self.plugin.clone(),
                level,
                message: line,
            });
        }
        Ok(())
    }

    fn progress(&mut self, text: &str) -> wasmtime::Result<()> {
        self.meter.charge_output(text.len())?;
        for line in boundary::lines(text) {
            self.reporter.report(Event::PluginProgress {
                plugin: self.plugin.clone(),
                text: line,
            });
        }
        Ok(())
    }

    fn denied(&self, function: &str, grant: &str) -> String {
        format!(
            "{function} denied: plugin `{}` was not granted {grant} (grant it with --plugin-grant {}={grant})",
            self.plugin, self.plugin
        )
    }

    /// Runs a granted runner function's program within the call's time,
    /// streaming its lines as progress. The program, and everything it
    /// starts, is killed at the deadline, when the output allowance runs out,
    /// or when it ends (see [`crate::process`]).
    fn run_program(&mut self, command: ChildCommand) -> wasmtime::Result<Result<i32, String>> {
        let (plugin, reporter, meter) = (
            self.plugin.clone(),
            self.reporter.clone(),
            self.meter.clone(),
        );
        let result = command
            .deadline(Some(self.deadline))
            .max_line(MAX_PROGRAM_LINE)
            .reap_orphans()
            .run(&mut |line| {
                if meter.charge_output(line.len() + 1).is_err() {
                    return ControlFlow::Break("the plugin's output limit ran out".to_owned());
                }
                reporter.report(Event::PluginProgress {
                    plugin: plugin.clone(),
                    text: boundary::sanitize(line),
                });
                ControlFlow::Continue(())
            });
        if let Some(exceeded) = self.meter.exceeded() {
            return Err(exceeded.into());
        }
        if Instant::now() >= self.deadline || matches!(result, Err(ProcessError::TimedOut { .. })) {
            return Err(self.meter.exceed(Exceeded::Time).into());
        }
        Ok(result
            .map(|finished| finished.status.code().unwrap_or(-1))
            .map_err(|e| boundary::clip_error(&e.to_string())))
    }

    async fn run_python(&mut self, args: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        let run = match &self.runner {
            Some(run) if run.run_python => run.clone(),
            _ => return Ok(Err(self.denied("run-python", "run-python"))),
        };
        self.run_program(
            envpython::python(&run.env_exec_cmd, &run.env_dir)
                .pass_env(&run.pass_env)
                .args(args),
        )
    }

    async fn run_in_env(&mut self, argv: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        let run = match &self.runner {
            Some(run) if run.run_in_env => run.clone(),
            _ => return Ok(Err(self.denied("run-in-env", "run-in-env"))),
        };
        let Some((argv0, args)) = argv.split_first() else {
            return Ok(Err("run-in-env: argv is empty".to_owned()));
        };
        let Some(program) =
            envpython::find_program(argv0, &run.env_dir, &run.bin_dir, &run.pass_env)
        else {
            return Ok(Err(format!(
                "run-in-env: `{}` not found in the environment's bin or on PATH",
                boundary::sanitize(argv0)
            )));
        };
        self.run_program(
            envpython::activated(&program, &run.env_dir, &run.bin_dir, &run.pass_env).args(args),
        )
    }

    async fn install_wheel(
        &mut self,
        path: String,
    ) -> wasmtime::Result<Result<latest::wheels::Installed, String>> {
        let Some(wheels) = &self.wheels else {
            return Ok(Err(
                "install-wheel is only available in the seed hook".to_owned()
            ));
        };
        let wheels = wheels.clone();
        let (reporter, meter, deadline) =
            (self.reporter.clone(), self.meter.clone(), self.deadline);
        // Unpacking and byte-compiling may take a while: off this thread, so
        // the call's deadline can drop the call while it works. The work
        // keeps the deadline itself (its interpreters are killed there, its
        // half-built entry removed) and the host waits for it to end before
        // it judges the call (`Pending`).
        let pending = wheels.pending.start();
        let built = tokio::task::spawn_blocking(move || {
            let _pending = pending;
            let charge = |bytes: u64, entries: u64| -> Result<(), String> {
                meter.charge_write(bytes).map_err(|e| e.to_string())?;
                meter.charge_entries(entries).map_err(|e| e.to_string())
            };
            let bounds = entry::Bounds {
                deadline: Some(deadline),
                charge: Some(&charge),
            };
            prepare_wheel(&path, &wheels, &reporter, bounds)
        })
        .await
        .map_err(|e| wasmtime::Error::msg(e.to_string()))?;
        if let Some(exceeded) = self.meter.exceeded() {
            return Err(exceeded.into());
        }
        if Instant::now() >= self.deadline {
            return Err(self.meter.exceed(Exceeded::Time).into());
        }
        let entry = match built {
            Ok(entry) => entry,
            Err(message) => return Ok(Err(boundary::clip_error(&message))),
        };
        let meta = &entry.meta;
        let installed = latest::wheels::Installed {
            name: meta.name.clone(),
            version: meta.version.clone(),
            files: (meta.files.len() + meta.compiled.len()) as u32,
            scripts: meta.scripts.iter().map(|(n, _)| n.clone()).collect(),
        };
        self.wheels
            .as_ref()
            .map(|w| w.ready.clone())
            .ok_or_else(|| wasmtime::Error::msg("no wheel installer"))?
            .lock()
            .map_err(|_| wasmtime::Error::msg("wheel list poisoned"))?
            .push(entry);
        Ok(Ok(installed))
    }
}

/// Reads the wheel at `path` (inside one of the granted directories, opened
/// through that grant's handle, never through a link or `..` out of it),
/// checks it, and builds its cache entry within `bounds`.
fn prepare_wheel(
    path: &str,
    wheels: &WheelInstaller,
    reporter: &SharedReporter,
    bounds: entry::Bounds<'_>,
) -> Result<entry::SeedEntry, String> {
    let shown = boundary::sanitize(path);
    let wanted = Path::new(path);
    let Some((grant, rel)) = wheels
        .read_dirs
        .iter()
        .find_map(|d| Some((d, wanted.strip_prefix(&d.path).ok()?)))
    else {
        return Err(format!(
            "install-wheel: {shown} is not in a directory granted with read:DIR"
        ));
    };
    let file_name = wanted
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name, version) = wheel::name_and_version(&file_name).ok_or_else(|| {
        format!("install-wheel: {shown} is not named like a wheel (NAME-VERSION-...-TAG.whl)")
    })?;
    // The bytes read are the bytes installed: a private copy, never the
    // granted path again (which could be swapped meanwhile), hashed on the way.
    let copy =
        crate::temp::TempDir::new("venv-wheel-").map_err(|e| format!("install-wheel: {e}"))?;
    let local = copy.path().join(&file_name);
    let digest = copy_wheel(&grant.dir, rel, &local)
        .map_err(|e| format!("install-wheel: cannot read {shown}: {e}"))?;
    let mut zip = wheel::open(&local).map_err(|e| format!("install-wheel: {shown}: {e:#}"))?;
    let manifest =
        wheel::manifest(&mut zip, &shown).map_err(|e| format!("install-wheel: {e:#}"))?;
    if !manifest.purelib {
        return Err(format!("install-wheel: {shown} is not a pure-Python wheel"));
    }
    for script in manifest.console_scripts.keys() {
        wheel::check_script_name(script).map_err(|e| format!("install-wheel: {shown}: {e}"))?;
        if wheels.bin_names.iter().any(|n| n == script) {
            return Err(format!(
                "install-wheel: {shown}: console script `{script}` would replace the environment's own `bin/{script}`"
            ));
        }
    }
    let source = BundledWheel {
        name,
        version,
        path: local,
    };
    entry::ensure_digested(
        &wheels.cache,
        &source,
        &digest,
        &wheels.interpreter,
        reporter,
        wheels.bytecode,
        bounds,
    )
    .map_err(|e| format!("install-wheel: {shown}: {e:#}"))
}

/// Copies the wheel `rel` of the granted directory `dir` to `to`, at most
/// [`MAX_WHEEL_BYTES`], returning its sha256 (hex).
fn copy_wheel(dir: &cap_std::fs::Dir, rel: &Path, to: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    use std::io::{Read, Write};
    let mut from = dir.open(rel)?;
    if !from.metadata()?.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    if from.metadata()?.len() > MAX_WHEEL_BYTES {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB",
            MAX_WHEEL_BYTES >> 20
        )));
    }
    let mut out = std::fs::File::create(to)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > MAX_WHEEL_BYTES {
            return Err(std::io::Error::other(format!(
                "it is larger than {} MiB",
                MAX_WHEEL_BYTES >> 20
            )));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Work a call started off its own thread (a wheel being prepared): the
/// host waits for it to end before judging the call, so nothing it does
/// outlives the call.
#[derive(Clone, Default)]
pub(super) struct Pending(Arc<(Mutex<usize>, std::sync::Condvar)>);

/// One piece of pending work, done when dropped.
pub(super) struct PendingWork(Pending);

impl Pending {
    fn start(&self) -> PendingWork {
        *self.0 .0.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        PendingWork(self.clone())
    }

    /// Waits until no work is pending, or `limit` has passed.
    pub(super) fn wait(&self, limit: std::time::Duration) {
        let (count, cond) = &*self.0;
        let guard = count.lock().unwrap_or_else(|e| e.into_inner());
        let _ = cond.wait_timeout_while(guard, limit, |n| *n > 0);
    }
}

impl Drop for PendingWork {
    fn drop(&mut self) {
        let (count, cond) = &*self.0 .0;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        cond.notify_all();
    }
}

impl latest::types::Host for HostApi {}
impl v0_1_0::types::Host for HostApi {}

impl latest::host::Host for HostApi {
    async fn log(&mut self, level: latest::host::Level, message: String) -> wasmtime::Result<()> {
        let level = match level {
            latest::host::Level::Debug => LogLevel::Debug,
            latest::host::Level::Info => LogLevel::Info,
            latest::host::Level::Warn => LogLevel::Warn,
            latest::host::Level::Error => LogLevel::Error,
        };
        HostApi::log(self, level, &message)
    }

    async fn progress(&mut self, text: String) -> wasmtime::Result<()> {
        HostApi::progress(self, &text)
    }
}

impl latest::runner::Host for HostApi {
    async fn run_python(&mut self, args: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        HostApi::run_python(self, args).await
    }

    async fn run_in_env(&mut self, argv: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        HostApi::run_in_env(self, argv).await
    }
}

impl latest::wheels::Host for HostApi {
    async fn install_wheel(
        &mut self,
        path: String,
    ) -> wasmtime::Result<Result<latest::wheels::Installed, String>> {
        HostApi::install_wheel(self, path).await
    }
}

/// 0.1.0's `host`: the same functions (`run-python` lived there).
impl v0_1_0::host::Host for HostApi {
    async fn log(&mut self, level: v0_1_0::host::Level, message: String) -> wasmtime::Result<()> {
        latest::host::Host::log(self, level.into(), message).await
    }

    async fn progress(&mut self, text: String) -> wasmtime::Result<()> {
        HostApi::progress(self, &text)
    }

    async fn run_python(&mut self, args: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        HostApi::run_python(self, args).await
    }
}
