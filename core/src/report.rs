//! What the library tells its caller while it works. The library never
//! writes to the terminal: every notice, timing, plugin message and child
//! output line becomes an [`Event`] sent to the caller's [`Reporter`]. The
//! `venv` binary renders them on stderr; a library user can show, capture or
//! drop them ([`Silent`] drops everything).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How a plugin's compiled code was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOrigin {
    /// Loaded from the compiled-code cache.
    Cached,
    /// Compiled in this run.
    Compiled,
}

/// A plugin's `host.log` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Details for `-v`.
    Debug,
    /// Worth showing.
    Info,
    /// Something the user should know.
    Warn,
    /// Something went wrong (the hook decides whether it fails).
    Error,
}

/// How the files of a cached wheel were put into an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceMethod {
    /// Copy-on-write clones (reflinks).
    Clone,
    /// Hard links to the cache's files.
    Hardlink,
    /// Plain copies.
    Copy,
    /// Symbolic links into the cache (`--link-mode symlink`).
    Symlink,
}

/// A step of the builder, in CPython's order (`EnvBuilder.create`), plus
/// our `finish` and the publication of the staged tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// `ensure_directories`: the env's directories.
    EnsureDirectories,
    /// `create_scm_ignore_file`: `.gitignore` and the plugins' ignore files.
    CreateScmIgnoreFile,
    /// `create_configuration`: pyvenv.cfg.
    CreateConfiguration,
    /// `setup_python`: the interpreter's links or copies.
    SetupPython,
    /// `setup_pip` (`_setup_pip` in CPython): pip, natively or by ensurepip.
    SetupPip,
    /// `setup_scripts`: the activation scripts (and the activator hooks).
    SetupScripts,
    /// `post_setup` (and the post-setup hooks granted a program runner).
    PostSetup,
    /// `upgrade_dependencies`: `--upgrade-deps`.
    UpgradeDependencies,
    /// Ours, last: the seeder hooks and the sandboxed post-setup hooks.
    Finish,
    /// Moving the finished (or, for a step that runs the env's Python,
    /// the partly built) environment to its final path.
    Publish,
}

impl Step {
    /// CPython's name of the step (`setup_python`), as `-v` shows it.
    pub fn name(self) -> &'static str {
        match self {
            Step::EnsureDirectories => "ensure_directories",
            Step::CreateScmIgnoreFile => "create_scm_ignore_file",
            Step::CreateConfiguration => "create_configuration",
            Step::SetupPython => "setup_python",
            Step::SetupPip => "setup_pip",
            Step::SetupScripts => "setup_scripts",
            Step::PostSetup => "post_setup",
            Step::UpgradeDependencies => "upgrade_dependencies",
            Step::Finish => "finish",
            Step::Publish => "publish",
        }
    }

    /// What the step does, in a user's words, for messages.
    pub fn doing(self) -> &'static str {
        match self {
            Step::EnsureDirectories => "creating the environment's directories",
            Step::CreateScmIgnoreFile => "writing the SCM ignore files",
            Step::CreateConfiguration => "writing pyvenv.cfg",
            Step::SetupPython => "linking the interpreter",
            Step::SetupPip => "installing pip",
            Step::SetupScripts => "writing the activation scripts",
            Step::PostSetup => "running the post-setup hooks",
            Step::UpgradeDependencies => "upgrading pip (--upgrade-deps)",
            Step::Finish => "finishing (seeders and sandboxed post-setup hooks)",
            Step::Publish => "moving the environment into place",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A long piece of work whose progress is reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Task {
    /// Byte-compiling a bundled wheel into the cache (the first creation per interpreter).
    CompileSeed {
        /// The distribution (`pip`).
        package: String,
        /// The interpreter's version.
        python: String,
    },
    /// `--upgrade-deps`: pip upgrading itself from the index.
    UpgradeDeps,
    /// Compiling a plugin's WebAssembly to native code (not yet cached).
    CompilePlugin {
        /// The plugin's name.
        plugin: String,
    },
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Task::CompileSeed { package, python } => {
                write!(f, "byte-compiling {package} for Python {python}")
            }
            Task::UpgradeDeps => f.write_str("upgrading pip from the package index"),
            Task::CompilePlugin { plugin } => write!(f, "compiling plugin {plugin}"),
        }
    }
}

/// One thing worth telling. Text that comes from a plugin has already been
/// made safe to print (control characters are shown escaped, lengths are
/// bounded by the plugin's output limit).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The base interpreter that will be used.
    InterpreterChosen {
        /// Its version (`3.12.1`).
        version: String,
        /// Its path.
        path: PathBuf,
    },
    /// A range of versions (`-p '>=3.11'`) was asked for: the newest
    /// interpreter found that it takes is used.
    InterpreterMatched {
        /// The request, as written.
        request: String,
        /// The version used (`3.13.0`, `3.13.0t`, `3.9.16 (PyPy)`).
        version: String,
        /// The interpreter used.
        path: PathBuf,
        /// The versions of every interpreter found that it takes, sorted.
        matches: Vec<String>,
    },
    /// `--upgrade` without `-p`: the environment's own base, from its pyvenv.cfg.
    UpgradeBase {
        /// The environment upgraded.
        env: PathBuf,
        /// The base's version.
        version: String,
        /// The base's path.
        path: PathBuf,
    },
    /// A builder step finished (successfully or not).
    StepFinished {
        /// Which step.
        step: Step,
        /// How long it took.
        elapsed: Duration,
    },
    /// A bundled wheel was unpacked and byte-compiled into the cache.
    SeedEntryBuilt {
        /// The distribution (`pip`).
        package: String,
        /// The interpreter's version it was compiled for.
        python: String,
        /// How long building the entry took.
        elapsed: Duration,
    },
    /// Native seeding cannot lay out a wheel; ensurepip is used instead.
    SeedFallback {
        /// Why, in words.
        reason: String,
    },
    /// The placement method changed after the first file (e.g. no clones here).
    PlaceFallback {
        /// Why, in words.
        reason: String,
    },
    /// Files of cached wheels were placed into the environment.
    FilesPlaced {
        /// How many files.
        count: usize,
        /// How (the method the first file settled on).
        method: PlaceMethod,
        /// How long placing them took.
        elapsed: Duration,
    },
    /// A plugin component is ready to run.
    PluginLoaded {
        /// The plugin's name.
        plugin: String,
        /// Whether its code was compiled now or came from the cache.
        origin: CodeOrigin,
        /// How long loading it took.
        elapsed: Duration,
    },
    /// A plugin called `host.log`.
    PluginLog {
        /// The plugin's name.
        plugin: String,
        /// The level it gave.
        level: LogLevel,
        /// One line of its message, made safe to print.
        message: String,
    },
    /// A plugin called `host.progress`, or a line of output from the
    /// program a plugin ran (`run-python`, `run-in-env`).
    PluginProgress {
        /// The plugin's name.
        plugin: String,
        /// One line, made safe to print.
        text: String,
    },
    /// A line a plugin wrote to its stdout or stderr.
    PluginOutput {
        /// The plugin's name.
        plugin: String,
        /// The line, made safe to print.
        line: String,
    },
    /// A file was copied into the environment (the interpreter and what it
    /// needs under `--copies`, wheels a distribution's ensurepip copies in).
    Copied {
        /// Relative to the environment.
        path: String,
        /// Where it was copied from.
        from: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// A link to the base could not be made; copies are made instead
    /// (Windows without the right to create symbolic links).
    LinkFallback {
        /// Why, in words.
        reason: String,
    },
    /// A line of output from the environment's interpreter run by a step
    /// (pip during `--upgrade-deps`).
    ChildOutput {
        /// The line.
        line: String,
    },
    /// A long task started.
    ProgressStarted {
        /// Which task.
        task: Task,
        /// Units of work, when known.
        total: Option<u64>,
    },
    /// Some units of a task are done.
    ProgressAdvanced {
        /// Which task.
        task: Task,
        /// Units done so far (a count, not a delta).
        done: u64,
    },
    /// The task ended (successfully or not).
    ProgressFinished {
        /// Which task.
        task: Task,
    },
    /// A key of the user config that this venv does not know: ignored
    /// (a typo, or a setting of a newer venv); the rest of the file applies.
    ConfigKeyIgnored {
        /// The user config.
        path: PathBuf,
        /// The key's line, from 1.
        line: usize,
        /// Its dotted name (`limits.memroy-mib`).
        key: String,
        /// The keys the table it is in may hold.
        known: &'static [&'static str],
    },
    /// Something was not as expected but creation goes on (an untrusted
    /// cache entry, a stale staging directory that could not be removed).
    Warning {
        /// The warning, one line.
        message: String,
    },
}

/// Receives the library's events. Implementations must be cheap: events are
/// sent from the thread doing the work.
pub trait Reporter: Send + Sync {
    /// Handles one event.
    fn report(&self, event: Event);
}

/// Drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Reporter for Silent {
    fn report(&self, _event: Event) {}
}

/// Any closure over events is a reporter.
impl<F: Fn(Event) + Send + Sync> Reporter for F {
    fn report(&self, event: Event) {
        self(event)
    }
}

/// The reporter handle the library passes around.
pub type SharedReporter = Arc<dyn Reporter>;

/// A reporter that drops everything, as a shared handle.
pub fn silent() -> SharedReporter {
    Arc::new(Silent)
}
