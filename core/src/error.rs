//! Typed errors. Each renders as one line that names the problem and, where
//! there is one, what to do about it: that line is what the CLI prints.

use std::path::PathBuf;

pub use crate::report::Step;

/// The interpreters whose own `venv` is reproduced (one line, for messages).
pub const SUPPORTED: &str = "CPython 3.8+, PyPy 3.8+ and GraalPy (Linux, macOS, Windows)";

/// Everything that can stop an environment from being created.
#[derive(Debug, thiserror::Error)]
// Each variant is documented by its message (its `Display`), which
// names every field it holds; the fields need no docs of their own.
#[allow(missing_docs)]
pub enum VenvError {
    /// No Python found for `request`; found: `found`. Pass a path or a version that exists (e.g. -p 3.12).
    #[error("no Python found for `{request}`; found: {found}. Pass a path or a version that exists (e.g. -p 3.12)")]
    PythonNotFound { request: String, found: String },

    /// `path` is not a Python interpreter (`reason`); pass a CPython 3.8+ executable with -p.
    #[error(
        "`{path}` is not a Python interpreter ({reason}); pass a CPython 3.8+ executable with -p"
    )]
    NotAPython { path: PathBuf, reason: String },

    /// `path` is Python `version`; venv serves `SUPPORTED`: pass one with -p (e.g. -p 3.12).
    #[error(
        "`{path}` is Python {version}; venv serves {SUPPORTED}: pass one with -p (e.g. -p 3.12)"
    )]
    UnsupportedPython { path: PathBuf, version: String },

    /// `path` is `implementation`; venv serves `SUPPORTED`: pass one with -p (e.g. -p 3.12).
    #[error(
        "`{path}` is {implementation}; venv serves {SUPPORTED}: pass one with -p (e.g. -p 3.12)"
    )]
    UnsupportedImplementation {
        path: PathBuf,
        implementation: String,
    },

    /// Python `request` is not supported: venv serves `SUPPORTED`; ask for one (e.g. -p 3.12).
    #[error(
        "Python {request} is not supported: venv serves {SUPPORTED}; ask for one (e.g. -p 3.12)"
    )]
    UnsupportedRequest { request: String },

    /// `request` is not a version request (`reason`); write PEP 440 specifiers (e.g. -p '>=3.11,<3.13') or a version (-p 3.12).
    #[error("`{request}` is not a version request ({reason}); write PEP 440 specifiers (e.g. -p '>=3.11,<3.13') or a version (-p 3.12)")]
    InvalidPythonRequest { request: String, reason: String },

    /// `path` has no ensurepip module, so pip cannot be installed (on Debian/Ubuntu: apt install `package`); or pass --without-pip.
    #[error("{path} has no ensurepip module, so pip cannot be installed (on Debian/Ubuntu: apt install {package}); or pass --without-pip")]
    NoEnsurepip { path: PathBuf, package: String },

    /// `path`'s ensurepip is missing the wheels it installs, none found at `missing`; reinstall that Python (Debian's take theirs from /usr/share/python-wheels: apt install python3-pip-whl python3-setuptools-whl), or pass --without-pip.
    #[error("{path}'s ensurepip is missing the wheels it installs, none found at {missing}; reinstall that Python (Debian's take theirs from /usr/share/python-wheels: apt install python3-pip-whl python3-setuptools-whl), or pass --without-pip")]
    MissingWheels { path: PathBuf, missing: String },

    /// `env` is a Python `was` environment (its pyvenv.cfg says so), but its base `path` is now Python `now`; --upgrade keeps the minor version unless -p asks: pass -p `path` to move it to `now`.
    #[error("{env} is a Python {was} environment (its pyvenv.cfg says so), but its base {path} is now Python {now}; --upgrade keeps the minor version unless -p asks: pass -p {path} to move it to {now}")]
    UpgradeChangesMinor {
        env: PathBuf,
        was: String,
        path: PathBuf,
        now: String,
    },

    /// `env`'s base interpreter (Python `version` in `home`, from its pyvenv.cfg) is gone; pass -p with the interpreter to upgrade it to.
    #[error("{env}'s base interpreter (Python {version} in {home}, from its pyvenv.cfg) is gone; pass -p with the interpreter to upgrade it to")]
    UpgradeBaseGone {
        env: PathBuf,
        version: String,
        home: PathBuf,
    },

    /// You cannot supply --upgrade and --clear together: --clear rebuilds the environment, --upgrade keeps it.
    #[error("you cannot supply --upgrade and --clear together: --clear rebuilds the environment, --upgrade keeps it")]
    UpgradeWithClear,

    /// `path` exists and is not a directory; choose another ENV_DIR or remove that file.
    #[error("{path} exists and is not a directory; choose another ENV_DIR or remove that file")]
    NotADirectory { path: PathBuf },

    /// `path` is the root directory; an environment needs a directory of its own: choose one (e.g. ./.venv).
    #[error("{path} is the root directory; an environment needs a directory of its own: choose one (e.g. ./.venv)")]
    RootDirectory { path: PathBuf },

    /// Refusing to clear `path`: `reason`; --clear empties only virtual environments (a directory holding pyvenv.cfg), so remove what is in it yourself or choose another ENV_DIR.
    #[error("refusing to clear {path}: {reason}; --clear empties only virtual environments (a directory holding pyvenv.cfg), so remove what is in it yourself or choose another ENV_DIR")]
    ClearRefused { path: PathBuf, reason: &'static str },

    /// `path` is a symbolic link; venv does not create environments through links: pass the real directory.
    #[error("{path} is a symbolic link; venv does not create environments through links: pass the real directory")]
    EnvDirIsSymlink { path: PathBuf },

    /// Refusing to create a venv in … because it contains the PATH separator `:`; choose a path without it.
    #[error("refusing to create a venv in {} because it contains the PATH separator `:`; choose a path without it", path.display())]
    PathSeparatorInPath { path: PathBuf },

    /// Refusing to create a venv at … because its path holds a line break (`what`), which would end a line of pyvenv.cfg and of the activation scripts; choose a path without it.
    #[error("refusing to create a venv at {} because its path holds a line break ({what}), which would end a line of pyvenv.cfg and of the activation scripts; choose a path without it", path.display().to_string().escape_debug())]
    LineBreakInPath { path: PathBuf, what: String },

    /// Refusing to create a venv in `path` because it contains `%`, which dash reads in PATH as the start of an option (`%func` runs files as shell functions); choose a path without it.
    #[error("refusing to create a venv in {path} because it contains `%`, which dash reads in PATH as the start of an option (`%func` runs files as shell functions); choose a path without it")]
    PercentInPath { path: PathBuf },

    /// `path` is not valid UTF-8; activation scripts cannot name it: choose a UTF-8 path.
    #[error("{path} is not valid UTF-8; activation scripts cannot name it: choose a UTF-8 path")]
    NonUtf8Path { path: PathBuf },

    /// Cannot create `path`: `parent` is not writable (`source`); choose a directory you can write to.
    #[error("cannot create {path}: {parent} is not writable ({source}); choose a directory you can write to")]
    ParentNotWritable {
        path: PathBuf,
        parent: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// `path` is a symbolic link inside the environment; refusing to write through it (remove it, or recreate the environment with --clear).
    #[error("{path} is a symbolic link inside the environment; refusing to write through it (remove it, or recreate the environment with --clear)")]
    SymlinkInEnv { path: PathBuf },

    /// No ignore-file writer for SCM `scm` (available: `supported`); drop it from --scm-ignore-files or add a plugin that serves it.
    #[error("no ignore-file writer for SCM `{scm}` (available: {supported}); drop it from --scm-ignore-files or add a plugin that serves it")]
    UnknownScm { scm: String, supported: String },

    /// `flag` `value`: expected `expected`.
    #[error("{flag} {value}: expected {expected}")]
    InvalidFlag {
        flag: &'static str,
        value: String,
        expected: &'static str,
    },

    /// Cannot `what`: `reason`.
    #[error("cannot {what}: {reason}")]
    CacheCommand { what: &'static str, reason: String },

    #[error(transparent)]
    Policy(#[from] PolicyError),

    #[error(transparent)]
    Plugin(#[from] PluginError),

    /// Interrupted by …; nothing was left behind.
    #[error("interrupted by {}; nothing was left behind", signal_name(*signal))]
    Interrupted { signal: i32 },

    /// `path` is not a virtual environment (`reason`); pass the directory that holds pyvenv.cfg.
    #[error(
        "{path} is not a virtual environment ({reason}); pass the directory that holds pyvenv.cfg"
    )]
    NotAnEnvironment { path: PathBuf, reason: String },

    /// `command` was given no ENV_DIR and the default `dir` does not exist; pass the environment's directory.
    #[error("{command} was given no ENV_DIR and there is no {dir} here; pass the environment's directory (venv {command} DIR)")]
    NoDefaultEnv { command: &'static str, dir: PathBuf },

    /// Cannot `what` `env`: `reason`.
    #[error("cannot {what} {env}: {reason}")]
    Relocate {
        what: &'static str,
        env: PathBuf,
        reason: String,
    },

    /// Cannot write the archive `path`: `reason`; choose a writable path ending in .tar.zst or .tar.gz.
    #[error("cannot write the archive {path}: {reason}; choose a writable path ending in .tar.zst or .tar.gz")]
    Pack { path: PathBuf, reason: String },

    /// …: … failed: `message`.
    #[error("{}: {} failed: {message}", env.display(), step.doing())]
    Step {
        step: Step,
        env: PathBuf,
        message: String,
    },
}

impl VenvError {
    /// Wraps any error raised inside a builder step so the message names the step.
    pub fn step(step: Step, env: &std::path::Path, err: impl std::fmt::Display) -> Self {
        VenvError::Step {
            step,
            env: env.to_path_buf(),
            message: one_line(&err.to_string()),
        }
    }

    /// What a step's error becomes: the typed error it carries (a
    /// [`VenvError`], or a [`PluginError`] or [`PolicyError`] a hook or
    /// policy raised), else [`VenvError::Step`] with its text.
    pub fn from_step(step: Step, env: &std::path::Path, err: anyhow::Error) -> VenvError {
        let err = match err.downcast::<VenvError>() {
            Ok(e) => return e,
            Err(e) => e,
        };
        let err = match err.downcast::<PluginError>() {
            Ok(e) => return VenvError::Plugin(e),
            Err(e) => e,
        };
        match err.downcast::<PolicyError>() {
            Ok(e) => VenvError::Policy(e),
            Err(e) => VenvError::step(step, env, format!("{e:#}")),
        }
    }
}

/// The conventional name of a stop signal, for messages.
pub fn signal_name(signal: i32) -> String {
    match signal {
        2 => "SIGINT".to_owned(),
        15 => "SIGTERM".to_owned(),
        1 => "SIGHUP".to_owned(),
        other => format!("signal {other}"),
    }
}

/// Folds a possibly multi-line message (a child's output, an anyhow chain) onto one line.
pub fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Why a plugin limit's value is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Each variant is documented by its message (its `Display`), which
// names every field it holds; the fields need no docs of their own.
#[allow(missing_docs)]
pub enum RangeError {
    /// It is not a finite number.
    #[error("it is not a finite number")]
    NotFinite,
    /// It is outside …..=… `unit`.
    #[error("it is outside {}..={} {unit}", shown(*min), shown(*max))]
    Outside {
        min: f64,
        max: f64,
        unit: &'static str,
    },
}

/// A limit's value as a message shows it: plain for everyday magnitudes,
/// in exponent form for huge or tiny ones (`1e300`, not 301 digits).
pub fn shown(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-3..1e9).contains(&magnitude) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// A policy, user config or plugin request that cannot be honoured.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Each variant is documented by its message (its `Display`), which
// names every field it holds; the fields need no docs of their own.
#[allow(missing_docs)]
pub enum PolicyError {
    /// Cannot read the `what` `path`: `reason`.
    #[error("cannot read the {what} {path}: {reason}")]
    Unreadable {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },

    /// The `what` `path` is invalid: `reason`; fix it.
    #[error("the {what} {path} is invalid: {reason}; fix it")]
    Invalid {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },

    /// user config `path`:`line`: `key` `problem`; fix the value or remove the line.
    #[error("user config {}:{line}: `{key}` {problem}; fix the value or remove the line", path.display())]
    BadConfigValue {
        path: PathBuf,
        line: usize,
        key: String,
        problem: String,
    },

    /// `variable`=`value`: `problem`; fix or unset it.
    #[error("{variable}={value:?}: {problem}; fix or unset {variable}")]
    BadEnvValue {
        variable: &'static str,
        value: String,
        problem: String,
    },

    /// `owner`: grant `grant`: … cannot be opened as a directory (`reason`).
    #[error("{owner}: grant `{grant}`: {} cannot be opened as a directory ({reason})", dir.display())]
    GrantNotADirectory {
        owner: String,
        grant: String,
        dir: PathBuf,
        reason: String,
    },

    /// `owner`: unknown grant `grant` (run-python, run-in-env or read:DIR).
    #[error("{owner}: unknown grant `{grant}` (run-python, run-in-env or read:DIR)")]
    UnknownGrant { owner: String, grant: String },

    /// `flag`: no plugin named `name` (plugins: `known`).
    #[error("{flag}: no plugin named `{name}` (plugins: {known})")]
    UnknownPlugin {
        flag: String,
        name: String,
        known: String,
    },

    /// `flag`: `name` is required by the policy `policy`, which sets its grants.
    #[error("{flag}: `{name}` is required by the policy {policy}, which sets its grants")]
    RequiredGrantsFixed {
        flag: String,
        name: String,
        policy: String,
    },

    /// Plugin `name` refused: the policy `policy` allows no user plugins.
    #[error("plugin `{name}` refused: the policy {policy} allows no user plugins")]
    NoUserPlugins { name: String, policy: String },

    /// Plugin `name` (sha256 `digest`) is not pinned by the policy `policy`; ask for it to be pinned.
    #[error("plugin `{name}` (sha256 {digest}) is not pinned by the policy {policy}; ask for it to be pinned")]
    NotPinned {
        name: String,
        digest: String,
        policy: String,
    },

    /// Plugin `name`: grant `grant` is not allowed by the policy `policy`.
    #[error("plugin `{name}`: grant `{grant}` is not allowed by the policy {policy}")]
    GrantNotAllowed {
        name: String,
        grant: String,
        policy: String,
    },

    /// Cannot read plugin `path`: `reason`.
    #[error("cannot read plugin {path}: {reason}")]
    PluginUnreadable { path: PathBuf, reason: String },

    /// Required plugin `name` from the policy `policy`: `source`.
    #[error("required plugin `{name}` from the policy {policy}: {source}")]
    RequiredUnavailable {
        name: String,
        policy: String,
        source: Box<PolicyError>,
    },

    /// Required plugin `name` (`path`) does not match the policy `policy`: sha256 is `actual`, the policy pins `pinned`; restore the plugin or update the policy.
    #[error("required plugin `{name}` ({path}) does not match the policy {policy}: sha256 is {actual}, the policy pins {pinned}; restore the plugin or update the policy")]
    DigestMismatch {
        name: String,
        path: PathBuf,
        policy: String,
        actual: String,
        pinned: String,
    },

    /// Plugin `name` is required by the policy `policy` with `key`=`value`; it cannot be overridden.
    #[error("plugin `{name}` is required by the policy {policy} with {key}={value}; it cannot be overridden")]
    RequiredOptionFixed {
        name: String,
        policy: String,
        key: String,
        value: String,
    },

    /// Plugin `name` is required by the policy `policy` from `path`; a different file of that name cannot be added.
    #[error("plugin `{name}` is required by the policy {policy} from {path}; a different file of that name cannot be added")]
    RequiredPathFixed {
        name: String,
        policy: String,
        path: PathBuf,
    },

    /// Required plugin path `…` in the policy …: `~` is not expanded in a policy (it would be each user's home); write an absolute path.
    #[error("required plugin path `{}` in the policy {}: `~` is not expanded in a policy (it would be each user's home); write an absolute path", path.display(), policy.display())]
    HomeInPolicy { policy: PathBuf, path: PathBuf },

    /// `what` `value` from `from` is invalid: `reason`.
    #[error("{what} {value} from {from} is invalid: {reason}")]
    InvalidLimit {
        what: &'static str,
        value: String,
        from: &'static str,
        reason: RangeError,
    },

    /// `what` … `unit` from `from` exceeds the policy `policy`'s cap of … `unit`.
    #[error("{what} {} {unit} from {from} exceeds the policy {policy}'s cap of {} {unit}", shown(*value), shown(*cap))]
    LimitOverCap {
        what: &'static str,
        value: f64,
        unit: &'static str,
        from: &'static str,
        policy: String,
        cap: f64,
    },
}

/// Which plugin hook was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hook {
    /// `post-setup`.
    PostSetup,
    /// `scm-ignore.supported-scms`, asked once when the plugin is loaded.
    SupportedScms,
    /// `scm-ignore.create-ignore-file`.
    CreateIgnoreFile,
    /// `activator.create-activators`.
    CreateActivators,
    /// `seeder.seed`.
    Seed,
}

impl std::fmt::Display for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Hook::PostSetup => "post-setup",
            Hook::SupportedScms => "supported-scms",
            Hook::CreateIgnoreFile => "create-ignore-file",
            Hook::CreateActivators => "create-activators",
            Hook::Seed => "seed",
        })
    }
}

/// A plugin that could not be loaded, or whose hook failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct PluginError {
    /// The plugin's name (its file's stem), or `(host)` when the host failed around it.
    pub plugin: String,
    /// The component's file, named when loading fails.
    pub path: Option<PathBuf>,
    /// The hook that failed; `None` while loading.
    pub hook: Option<Hook>,
    /// What went wrong.
    pub failure: PluginFailure,
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.hook, &self.path) {
            (Some(hook), _) => write!(
                f,
                "plugin `{}` failed in {hook}: {}",
                self.plugin, self.failure
            ),
            (None, Some(path)) => write!(
                f,
                "plugin `{}` ({}): {}",
                self.plugin,
                path.display(),
                self.failure
            ),
            (None, None) => write!(f, "plugin `{}`: {}", self.plugin, self.failure),
        }
    }
}

/// Why a plugin failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Each variant is documented by its message (its `Display`), which
// names every field it holds; the fields need no docs of their own.
#[allow(missing_docs)]
pub enum PluginFailure {
    /// Cannot read it: ….
    #[error("cannot read it: {0}")]
    Unreadable(String),
    /// Not a valid WebAssembly component: ….
    #[error("not a valid WebAssembly component: {0}")]
    NotAComponent(String),
    /// Does not match venv's plugin worlds: it exports no hook of venv:plugin (this venv speaks `spoken`).
    #[error("does not match venv's plugin worlds: it exports no hook of venv:plugin (this venv speaks {spoken})")]
    NoHooks { spoken: String },
    /// Was built for `found`; this venv speaks venv:plugin `spoken`: use a venv that speaks it, or rebuild the plugin against one of these.
    #[error("was built for {found}; this venv speaks venv:plugin {spoken}: use a venv that speaks it, or rebuild the plugin against one of these")]
    UnknownContract { found: String, spoken: String },
    /// Exports hooks of two venv:plugin versions; rebuild it against one.
    #[error("exports hooks of two venv:plugin versions; rebuild it against one")]
    MixedContracts,
    /// Needs imports venv does not provide: ….
    #[error("needs imports venv does not provide: {0}")]
    UnknownImports(String),
    /// Exceeded its memory limit of `mib` MiB.
    #[error("exceeded its memory limit of {mib} MiB")]
    MemoryLimit { mib: usize },
    /// Exceeded its time limit of `seconds` s.
    #[error("exceeded its time limit of {seconds:.1} s")]
    TimeLimit { seconds: f64 },
    /// Exceeded its output limit of `kib` KiB.
    #[error("exceeded its output limit of {kib} KiB")]
    OutputLimit { kib: usize },
    /// Exceeded its limit of `elements` table elements.
    #[error("exceeded its limit of {elements} table elements")]
    TableLimit { elements: usize },
    /// Exceeded its write limit of `mib` MiB.
    #[error("exceeded its write limit of {mib} MiB")]
    WriteLimit { mib: u64 },
    /// Exceeded its limit of `entries` new files, directories and links.
    #[error("exceeded its limit of {entries} new files, directories and links")]
    EntryLimit { entries: u64 },
    /// Interrupted by a signal.
    #[error("interrupted by a signal")]
    Interrupted,
    /// Wrote `what` in `hook`; `rule`.
    #[error("wrote {what} in {hook}; {rule}")]
    Refused {
        what: String,
        hook: Hook,
        rule: &'static str,
    },
    /// Its grant read:… would let it see …, part of the environment being built; grant a directory that neither holds the environment nor lies inside it (e.g. a wheelhouse beside it).
    #[error("its grant read:{} would let it see {}, part of the environment being built; grant a directory that neither holds the environment nor lies inside it (e.g. a wheelhouse beside it)", grant.display(), dir.display())]
    GrantExposesEnv { grant: PathBuf, dir: PathBuf },
    /// Returned an invalid SCM list: ….
    #[error("returned an invalid SCM list: {0}")]
    BadScmList(String),
    /// Exhausted its stack (unbounded recursion?).
    #[error("exhausted its stack (unbounded recursion?)")]
    StackExhausted,
    /// Exhausted its stack or accessed memory out of bounds (unbounded recursion?).
    #[error("exhausted its stack or accessed memory out of bounds (unbounded recursion?)")]
    OutOfBounds,
    /// Panicked or aborted (wasm `unreachable`).
    #[error("panicked or aborted (wasm `unreachable`)")]
    Panicked,
    /// Trapped: ….
    #[error("trapped: {0}")]
    Trapped(String),
    /// The hook returned an error result.
    #[error("{0}")]
    Returned(String),
    /// Anything else the host ran into while calling the hook.
    #[error("{0}")]
    Host(String),
}
