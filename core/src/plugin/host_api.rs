//! What the host offers plugins, for every contract version it speaks:
//! `log` and `progress` (sent to the reporter), the `runner` functions
//! (`run-python`, `run-in-env`; each only with its grant, and only in
//! post-setup hooks) and `wheels.install-wheel` (only in seeder hooks).
//! Implemented on its own value inside the store, apart from WASI. Every
//! byte of text goes through the call's output allowance and is made safe
//! to print first; every byte a seeded wheel puts into the environment goes
//! through its write allowance.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::boundary;
use super::budget::{Exceeded, Meter};
use super::contract::{latest, v0_1_0};
use crate::cache::Cache;
use crate::envpython::{self, PassEnv};
use crate::interpreter::{BundledWheel, Interpreter};
use crate::report::{Event, LogLevel, SharedReporter};
use crate::seed::{entry, wheel};

/// The host side of one hook call.
pub struct HostApi {
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
pub struct Runner {
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
pub struct WheelInstaller {
    pub read_dirs: Vec<PathBuf>,
    pub cache: Cache,
    pub interpreter: Interpreter,
    /// The entries ready to place, in the order asked for.
    pub ready: Arc<Mutex<Vec<entry::SeedEntry>>>,
}

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

    /// Runs `program args` for a granted runner function, streaming its lines as progress.
    fn run_program(
        &mut self,
        run: &Runner,
        program: &Path,
        args: &[String],
        activated: bool,
    ) -> wasmtime::Result<Result<i32, String>> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        let (plugin, reporter, meter) = (
            self.plugin.clone(),
            self.reporter.clone(),
            self.meter.clone(),
        );
        // Lines past the output allowance are dropped; the meter remembers,
        // and the call fails with the output limit when this returns.
        let result = envpython::run_with(
            program,
            &run.env_dir,
            args,
            &run.pass_env,
            activated.then_some(run.bin_dir.as_path()),
            Some(left),
            &mut |line| {
                if meter.charge_output(line.len() + 1).is_ok() {
                    reporter.report(Event::PluginProgress {
                        plugin: plugin.clone(),
                        text: boundary::sanitize(line),
                    });
                }
            },
        );
        if let Some(exceeded) = self.meter.exceeded() {
            return Err(exceeded.into());
        }
        if Instant::now() >= self.deadline {
            return Err(self.meter.exceed(Exceeded::Time).into());
        }
        Ok(result
            .map(|finished| finished.status.code().unwrap_or(-1))
            .map_err(|e| boundary::clip_error(&format!("{e:#}"))))
    }

    async fn run_python(&mut self, args: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        let run = match &self.runner {
            Some(run) if run.run_python => run.clone(),
            _ => return Ok(Err(self.denied("run-python", "run-python"))),
        };
        self.run_program(&run, &run.env_exec_cmd.clone(), &args, false)
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
        self.run_program(&run, &program, args, true)
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
        let (read_dirs, cache, interpreter, ready) = (
            wheels.read_dirs.clone(),
            wheels.cache.clone(),
            wheels.interpreter.clone(),
            wheels.ready.clone(),
        );
        let reporter = self.reporter.clone();
        // Unpacking and byte-compiling may take a while: off this thread, so
        // the call's deadline can drop the call while it works.
        let built = tokio::task::spawn_blocking(move || {
            prepare_wheel(&path, &read_dirs, &cache, &interpreter, &reporter)
        })
        .await
        .map_err(|e| wasmtime::Error::msg(e.to_string()))?;
        let entry = match built {
            Ok(entry) => entry,
            Err(message) => return Ok(Err(boundary::clip_error(&message))),
        };
        // What placing it will write counts against this call's allowance.
        let meta = &entry.meta;
        let bytes: u64 = meta
            .files
            .iter()
            .chain(&meta.compiled)
            .map(|f| f.size)
            .sum();
        self.meter.charge_write(bytes)?;
        for _ in 0..meta.files.len() + meta.compiled.len() + meta.scripts.len() {
            self.meter.charge_entry()?;
        }
        let installed = latest::wheels::Installed {
            name: meta.name.clone(),
            version: meta.version.clone(),
            files: (meta.files.len() + meta.compiled.len()) as u32,
            scripts: meta.scripts.iter().map(|(n, _)| n.clone()).collect(),
        };
        ready
            .lock()
            .map_err(|_| wasmtime::Error::msg("wheel list poisoned"))?
            .push(entry);
        Ok(Ok(installed))
    }
}

/// Reads the wheel at `path` (inside one of `read_dirs`, never through a
/// link or `..` out of it), checks it, and builds its cache entry.
fn prepare_wheel(
    path: &str,
    read_dirs: &[PathBuf],
    cache: &Cache,
    interpreter: &Interpreter,
    reporter: &SharedReporter,
) -> Result<entry::SeedEntry, String> {
    use std::io::Read;
    let shown = boundary::sanitize(path);
    let wanted = Path::new(path);
    let Some((root, rel)) = read_dirs
        .iter()
        .find_map(|d| Some((d, wanted.strip_prefix(d).ok()?)))
    else {
        return Err(format!(
            "install-wheel: {shown} is not in a directory granted with read:DIR"
        ));
    };
    let dir = cap_std::fs::Dir::open_ambient_dir(root, cap_std::ambient_authority())
        .map_err(|e| format!("install-wheel: cannot open {}: {e}", root.display()))?;
    let mut file = dir
        .open(rel)
        .map_err(|e| format!("install-wheel: cannot read {shown}: {e}"))?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_WHEEL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("install-wheel: cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_WHEEL_BYTES {
        return Err(format!(
            "install-wheel: {shown} is larger than {} MiB",
            MAX_WHEEL_BYTES >> 20
        ));
    }
    let file_name = wanted
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name, version) = wheel::name_and_version(&file_name).ok_or_else(|| {
        format!("install-wheel: {shown} is not named like a wheel (NAME-VERSION-...-TAG.whl)")
    })?;
    let checked =
        wheel::read(std::io::Cursor::new(&bytes), &shown).map_err(|e| format!("{e:#}"))?;
    if !checked.purelib {
        return Err(format!("install-wheel: {shown} is not a pure-Python wheel"));
    }
    for script in checked.console_scripts.keys() {
        wheel::check_script_name(script).map_err(|e| format!("install-wheel: {shown}: {e}"))?;
    }
    // The bytes read are the bytes installed: a private copy, never the
    // granted path again (which could be swapped meanwhile).
    let copy =
        crate::temp::TempDir::new("venv-wheel-").map_err(|e| format!("install-wheel: {e}"))?;
    let local = copy.path().join(&file_name);
    std::fs::write(&local, &bytes).map_err(|e| format!("install-wheel: {e}"))?;
    let source = BundledWheel {
        name,
        version,
        path: local,
    };
    let digest = entry::sha256_hex(&bytes);
    entry::ensure_digested(cache, &source, &digest, interpreter, reporter)
        .map_err(|e| format!("install-wheel: {shown}: {e:#}"))
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
