//! What every step shares: the builder's [`Options`] (CPython's `EnvBuilder`
//! arguments plus ours) and the [`Context`] of one creation (CPython's
//! `context` namespace, plus the handles the steps write through).
//!
//! This module sits below every step: the steps, the seeder, the scripts,
//! the configuration writer and the plugin host read the context; none of
//! them reaches back into the builder.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::cache::Cache;
use crate::envfs::EnvDir;
use crate::error::VenvError;
use crate::interpreter::{Interpreter, InterpreterInfo};
use crate::plan::{Plan, PlanOptions};
use crate::report::{Event, SharedReporter};
use crate::staging::Staging;

/// The options of CPython's `EnvBuilder` constructor, plus how pip is
/// seeded. `Default` matches the Python class (no symlinks, no pip);
/// [`Options::cli_defaults`] matches `python -m venv`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--system-site-packages`: the base's site-packages are on `sys.path` too.
    pub system_site_packages: bool,
    /// `--clear`: the directory's contents are replaced.
    pub clear: bool,
    /// Link the interpreter rather than copy it (`--symlinks`; the POSIX default).
    pub symlinks: bool,
    /// `--upgrade`: re-point an existing environment at the base.
    pub upgrade: bool,
    /// Install pip (`--without-pip` turns it off).
    pub with_pip: bool,
    /// `--prompt`.
    pub prompt: Prompt,
    /// `--upgrade-deps`: pip (and setuptools before 3.12) from the index.
    pub upgrade_deps: bool,
    /// `None`: the base interpreter's default (`git` from 3.13 on, none before).
    pub scm_ignore_files: Option<Vec<String>>,
    /// How cached wheel files get into the env (native seeding).
    pub link_mode: LinkMode,
    /// Which route installs pip.
    pub seeder: Seeder,
    /// `--ascii-only`: no `𝜋thon` name for Python 3.14.
    pub ascii_only: bool,
    /// The program `command =` in pyvenv.cfg names (3.11+): the `venv`
    /// binary passes itself; a library caller names what recreates its envs.
    pub program: Option<String>,
    /// `--no-compile`: pip's files (and seeded wheels) go in without
    /// byte-code, which Python writes on first import (`uv venv --seed`'s
    /// way); CPython's ensurepip compiles them.
    pub no_compile: bool,
    /// `--relocatable`: activation scripts and launchers find the
    /// environment from their own location, so it keeps working after a
    /// move or copy; pyvenv.cfg says `relocatable = true`.
    pub relocatable: bool,
}

impl Options {
    /// What of these options shapes the tree.
    pub fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            symlinks: self.symlinks,
            ascii_only: self.ascii_only,
        }
    }

    /// What `python -m venv` does by default (links on POSIX, pip).
    pub fn cli_defaults() -> Options {
        Options {
            symlinks: !cfg!(windows),
            with_pip: true,
            ..Options::default()
        }
    }
}

/// `--prompt`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Prompt {
    /// No `--prompt`: scripts show the env directory's name, pyvenv.cfg has no `prompt`.
    #[default]
    EnvName,
    /// `--prompt .`: the current directory's name (Python 3.9+; a literal `.` before).
    CurrentDir,
    /// `--prompt TEXT`.
    Text(String),
}

impl Prompt {
    /// The `--prompt` value as given on a command line.
    pub fn from_arg(arg: Option<&str>) -> Prompt {
        match arg {
            None => Prompt::EnvName,
            Some(".") => Prompt::CurrentDir,
            Some(text) => Prompt::Text(text.to_owned()),
        }
    }

    /// The value as the user gave it (what `command =` and plugins see).
    pub fn as_arg(&self) -> Option<&str> {
        match self {
            Prompt::EnvName => None,
            Prompt::CurrentDir => Some("."),
            Prompt::Text(text) => Some(text),
        }
    }

    /// The `prompt =` value of pyvenv.cfg for `info`, if any (bpo-38901).
    fn resolve(&self, info: &InterpreterInfo) -> Option<String> {
        match self {
            Prompt::EnvName => None,
            Prompt::CurrentDir if info.at_least(9) => Some(
                std::env::current_dir()
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default(),
            ),
            Prompt::CurrentDir => Some(".".to_owned()),
            Prompt::Text(text) => Some(text.clone()),
        }
    }
}

/// How files of a cached wheel get into an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkMode {
    /// Clone (copy-on-write) where the filesystem can, else hard link; copy across filesystems.
    #[default]
    Auto,
    /// Hard links to the cache's files.
    Hardlink,
    /// Plain copies.
    Copy,
    /// Copy-on-write clones (reflinks) only.
    Clone,
    /// Symbolic links into the cache (the env then needs the cache).
    Symlink,
}

/// Which route installs pip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seeder {
    /// Native when the base bundles wheels, else ensurepip.
    #[default]
    Auto,
    /// The base's bundled wheels, placed natively.
    Native,
    /// `python -m ensurepip`, as CPython does.
    Ensurepip,
}

impl LinkMode {
    /// The names `--link-mode`, `VENV_LINK_MODE` and the user config take.
    pub const NAMES: &'static [&'static str] = &["auto", "hardlink", "clone", "copy", "symlink"];

    /// The mode named `name` (one of [`LinkMode::NAMES`]).
    pub fn from_name(name: &str) -> Option<LinkMode> {
        Some(match name {
            "auto" => LinkMode::Auto,
            "hardlink" => LinkMode::Hardlink,
            "clone" => LinkMode::Clone,
            "copy" => LinkMode::Copy,
            "symlink" => LinkMode::Symlink,
            _ => return None,
        })
    }

    /// Its name, as [`LinkMode::from_name`] takes it.
    pub fn name(self) -> &'static str {
        match self {
            LinkMode::Auto => "auto",
            LinkMode::Hardlink => "hardlink",
            LinkMode::Clone => "clone",
            LinkMode::Copy => "copy",
            LinkMode::Symlink => "symlink",
        }
    }
}

impl Seeder {
    /// The names `--seeder`, `VENV_SEEDER` and the user config take.
    pub const NAMES: &'static [&'static str] = &["auto", "native", "ensurepip"];

    /// The seeder named `name` (one of [`Seeder::NAMES`]).
    pub fn from_name(name: &str) -> Option<Seeder> {
        Some(match name {
            "auto" => Seeder::Auto,
            "native" => Seeder::Native,
            "ensurepip" => Seeder::Ensurepip,
            _ => return None,
        })
    }

    /// Its name, as [`Seeder::from_name`] takes it.
    pub fn name(self) -> &'static str {
        match self {
            Seeder::Auto => "auto",
            Seeder::Native => "native",
            Seeder::Ensurepip => "ensurepip",
        }
    }
}

/// The SCM ignore files CPython writes by default for this interpreter.
pub(crate) fn default_scm_ignore_files(info: &InterpreterInfo) -> Vec<String> {
    if info.at_least(13) {
        vec!["git".to_owned()]
    } else {
        Vec::new()
    }
}

/// The SCMs `options` ask ignore files for, with `info`'s default.
pub(crate) fn scm_ignore_files(options: &Options, info: &InterpreterInfo) -> Vec<String> {
    match &options.scm_ignore_files {
        Some(list) => list.iter().map(|s| s.to_lowercase()).collect(),
        None => default_scm_ignore_files(info),
    }
}

/// Where things are inside the environment, relative to it: the paths
/// [`EnvDir`] takes. (The absolute ones are the CPython fields of [`Context`].)
#[derive(Debug, Clone)]
pub struct Layout {
    /// `bin` (`Scripts` on Windows).
    pub bin: PathBuf,
    /// The include directory.
    pub include: PathBuf,
    /// The purelib site-packages.
    pub site_packages: PathBuf,
    /// `pyvenv.cfg`.
    pub cfg: PathBuf,
    /// The environment's interpreter, in `bin`.
    pub env_exe: PathBuf,
}

/// CPython's `context` namespace, plus what our steps need.
pub struct Context {
    /// Absolute path of the environment (its final location, even while staged).
    pub env_dir: PathBuf,
    /// The environment directory's name.
    pub env_name: String,
    /// Prompt text used by the activation scripts: `--prompt` or the env's name.
    pub prompt: String,
    /// `prompt =` in pyvenv.cfg: the resolved `--prompt`, if one was given.
    pub cfg_prompt: Option<String>,
    /// `sys._base_executable` of the base interpreter.
    pub executable: PathBuf,
    /// The directory of the base's executable (`home` in pyvenv.cfg).
    pub python_dir: PathBuf,
    /// The interpreter's file name in the environment.
    pub python_exe: String,
    /// The include directory (absolute).
    pub inc_path: PathBuf,
    /// The purelib site-packages (absolute).
    pub lib_path: PathBuf,
    /// `bin` (absolute).
    pub bin_path: PathBuf,
    /// `bin`'s name (`bin` or `Scripts`).
    pub bin_name: String,
    /// The environment's interpreter (absolute).
    pub env_exe: PathBuf,
    /// The interpreter to run for the environment (CPython's `env_exec_cmd`).
    pub env_exec_cmd: PathBuf,
    /// pyvenv.cfg (absolute).
    pub cfg_path: PathBuf,
    /// The SCMs to write ignore files for (lower case).
    pub scm_ignore_files: Vec<String>,
    /// The same places, relative to the environment directory.
    pub layout: Layout,
    /// The tree the base's own venv would make (see [`crate::plan`]).
    pub plan: Plan,
    /// The builder's options.
    pub options: Options,
    /// The base interpreter and what it reported.
    pub interpreter: Interpreter,
    /// The cache in use.
    pub cache: Cache,
    /// Where the steps' events go.
    pub reporter: SharedReporter,
    /// The environment directory; every write goes through it.
    pub fs: EnvDir,
    staging: RefCell<Option<Staging>>,
}

impl Context {
    /// The context for building at `env_dir` (absolute), whose files are in
    /// `dir` (the staging directory until published).
    pub(crate) fn new(
        options: &Options,
        interpreter: &Interpreter,
        cache: &Cache,
        reporter: &SharedReporter,
        env_dir: &Path,
        dir: cap_std::fs::Dir,
        staging: Staging,
    ) -> Context {
        let info = &interpreter.info;
        let env_name = env_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cfg_prompt = options.prompt.resolve(info);
        let plan = crate::plan::plan(info, options.plan_options());
        let executable = plan.executable.clone();
        let python_dir = plan.python_dir.clone();
        let python_exe = plan.python_exe.clone();
        let layout = Layout {
            bin: PathBuf::from(&plan.bin),
            include: PathBuf::from(&plan.include),
            site_packages: PathBuf::from(&plan.purelib),
            cfg: PathBuf::from("pyvenv.cfg"),
            env_exe: Path::new(&plan.bin).join(&python_exe),
        };
        let fresh = staging.is_fresh();
        Context {
            env_dir: env_dir.to_path_buf(),
            prompt: cfg_prompt.clone().unwrap_or_else(|| env_name.clone()),
            env_name,
            cfg_prompt,
            executable,
            python_dir,
            python_exe,
            inc_path: env_dir.join(&layout.include),
            lib_path: env_dir.join(&layout.site_packages),
            bin_name: plan.bin.clone(),
            plan,
            env_exec_cmd: env_dir.join(&layout.env_exe),
            env_exe: env_dir.join(&layout.env_exe),
            bin_path: env_dir.join(&layout.bin),
            cfg_path: env_dir.join(&layout.cfg),
            scm_ignore_files: scm_ignore_files(options, info),
            layout,
            options: options.clone(),
            interpreter: interpreter.clone(),
            cache: cache.clone(),
            reporter: reporter.clone(),
            fs: EnvDir::new(dir, env_dir, fresh),
            staging: RefCell::new(Some(staging)),
        }
    }

    /// Sends `event` to the reporter.
    pub fn report(&self, event: Event) {
        self.reporter.report(event);
    }

    /// Moves a staged environment to its final path. Steps that run the env's
    /// own Python call this first: scripts pip writes embed the final path.
    pub fn ensure_published(&self) -> Result<(), VenvError> {
        if let Some(staging) = self.staging.borrow_mut().as_mut() {
            staging
                .publish()
                .map_err(|e| VenvError::step(crate::report::Step::Publish, &self.env_dir, e))?;
        }
        Ok(())
    }

    /// Where the environment's files are right now on the host: the staging
    /// directory until published, then ENV_DIR.
    pub fn host_path(&self) -> PathBuf {
        self.staging
            .borrow()
            .as_ref()
            .map_or_else(|| self.env_dir.clone(), Staging::current_path)
    }

    /// Whether the environment is at its final path already.
    pub fn is_published(&self) -> bool {
        self.staging
            .borrow()
            .as_ref()
            .is_none_or(Staging::is_published)
    }

    /// Hands the staging over to the builder, to commit or roll back.
    pub(crate) fn take_staging(&self) -> Option<Staging> {
        self.staging.borrow_mut().take()
    }
}
