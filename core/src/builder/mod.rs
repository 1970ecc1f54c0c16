//! `EnvBuilder`: CPython's `venv.EnvBuilder`, step for step.
//!
//! `create` runs the steps in CPython's order: `ensure_directories`, the SCM
//! ignore files, `create_configuration`, `setup_python`, pip, `setup_scripts`,
//! `post_setup`, the configuration again for `--system-site-packages`, then
//! `upgrade_dependencies`. Each step is a method of the [`Steps`] trait whose
//! default calls the implementation in [`steps`]; a Rust caller overrides a
//! step the way a Python subclass would (see `examples/extended_builder.rs`).

mod staging;
pub mod steps;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use crate::envfs::EnvDir;
use crate::error::VenvError;
use crate::interpreter::{Interpreter, InterpreterInfo};
use crate::paths::absolute;
use staging::Staging;

/// The options of CPython's `EnvBuilder` constructor. `Default` matches the
/// Python class (no symlinks, no pip); [`Options::cli_defaults`] matches `python -m venv`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub system_site_packages: bool,
    pub clear: bool,
    pub symlinks: bool,
    pub upgrade: bool,
    pub with_pip: bool,
    /// As given; `"."` means the current directory's name (Python 3.9+).
    pub prompt: Option<String>,
    pub upgrade_deps: bool,
    /// `None`: the base interpreter's default (`git` from 3.13 on, none before).
    pub scm_ignore_files: Option<Vec<String>>,
    /// How cached wheel files get into the env (native seeding).
    pub link_mode: crate::seed::LinkMode,
    /// Which route installs pip.
    pub seeder: crate::seed::Seeder,
    /// Print each step and its duration on stderr.
    pub verbose: bool,
}

impl Options {
    pub fn cli_defaults() -> Options {
        Options {
            symlinks: true,
            with_pip: true,
            ..Options::default()
        }
    }
}

/// The SCM ignore files CPython writes by default for this interpreter.
pub fn default_scm_ignore_files(info: &InterpreterInfo) -> Vec<String> {
    if info.at_least(13) {
        vec!["git".to_owned()]
    } else {
        Vec::new()
    }
}

/// CPython's `context` namespace, plus the handles our steps need.
pub struct Context {
    /// Absolute path of the environment (its final location, even while staged).
    pub env_dir: PathBuf,
    pub env_name: String,
    /// Prompt text used by the activation scripts: `--prompt` or the env's name.
    pub prompt: String,
    /// `prompt =` in pyvenv.cfg: the resolved `--prompt`, if one was given.
    pub cfg_prompt: Option<String>,
    /// `sys._base_executable` of the base interpreter.
    pub executable: PathBuf,
    pub python_dir: PathBuf,
    pub python_exe: String,
    pub inc_path: PathBuf,
    pub lib_path: PathBuf,
    pub bin_path: PathBuf,
    pub bin_name: String,
    pub env_exe: PathBuf,
    pub env_exec_cmd: PathBuf,
    pub cfg_path: PathBuf,
    pub scm_ignore_files: Vec<String>,
    /// The value `create_configuration` writes now (false until pip is in).
    pub system_site_packages: Cell<bool>,
    pub interpreter: Interpreter,
    /// The environment directory; every write goes through it.
    pub fs: EnvDir,
    staging: RefCell<Option<Staging>>,
}

impl Context {
    /// The path of `abs` (inside the env) relative to the env dir, for [`EnvDir`] calls.
    pub fn rel<'a>(&self, abs: &'a Path) -> &'a Path {
        abs.strip_prefix(&self.env_dir)
            .expect("path inside the environment")
    }

    /// Moves a staged environment to its final path. Steps that run the env's
    /// own Python call this first: scripts pip writes embed the final path.
    pub fn ensure_published(&self) -> Result<(), VenvError> {
        if let Some(staging) = self.staging.borrow_mut().as_mut() {
            staging
                .publish()
                .map_err(|e| VenvError::step("publish", &self.env_dir, e))?;
        }
        Ok(())
    }

    /// Where the environment's files are right now on the host: the staging
    /// directory until published, then ENV_DIR. Plugins get this directory
    /// preopened under the name `env_dir`.
    pub fn host_path(&self) -> PathBuf {
        self.staging
            .borrow()
            .as_ref()
            .map_or_else(|| self.env_dir.clone(), Staging::current_path)
    }

    pub fn is_published(&self) -> bool {
        self.staging
            .borrow()
            .as_ref()
            .is_none_or(Staging::is_published)
    }
}

/// The overridable steps. Every default delegates to [`steps`].
#[allow(unused_variables)]
pub trait Steps {
    /// SCM names this builder can write ignore files for (checked before anything is created).
    fn supported_scm_ignore_files(&self) -> Vec<String> {
        vec!["git".to_owned()]
    }
    fn ensure_directories(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        steps::ensure_directories(builder, ctx)
    }
    fn create_scm_ignore_file(
        &mut self,
        builder: &EnvBuilder,
        ctx: &Context,
        scm: &str,
    ) -> anyhow::Result<()> {
        match scm {
            "git" => steps::create_git_ignore_file(builder, ctx),
            other => anyhow::bail!("no ignore file writer for SCM `{other}`"),
        }
    }
    fn create_configuration(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        steps::create_configuration(builder, ctx)
    }
    fn setup_python(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        steps::setup_python(builder, ctx)
    }
    fn setup_pip(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        crate::seed::setup_pip(builder, ctx)
    }
    fn setup_scripts(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        steps::setup_scripts(builder, ctx)
    }
    fn post_setup(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        Ok(())
    }
    fn upgrade_dependencies(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        crate::seed::upgrade_dependencies(builder, ctx)
    }
}

/// CPython's steps, unchanged.
pub struct DefaultSteps;
impl Steps for DefaultSteps {}

pub struct EnvBuilder {
    pub options: Options,
    pub interpreter: Interpreter,
    /// Where unpacked wheels are kept between creations.
    pub cache: crate::interpreter::cache::Cache,
}

impl EnvBuilder {
    pub fn new(options: Options, interpreter: Interpreter) -> EnvBuilder {
        EnvBuilder {
            options,
            interpreter,
            cache: crate::interpreter::cache::Cache::new(None),
        }
    }

    /// Uses `cache` for seeding instead of the default location.
    pub fn with_cache(mut self, cache: crate::interpreter::cache::Cache) -> EnvBuilder {
        self.cache = cache;
        self
    }

    /// Creates (or upgrades) the environment at `env_dir` with CPython's steps.
    pub fn create(&self, env_dir: &Path) -> Result<PathBuf, VenvError> {
        self.create_with(env_dir, &mut DefaultSteps)
    }

    /// Checks everything that can be checked before touching the disk.
    pub fn validate(&self, env_dir: &Path, steps: &dyn Steps) -> Result<(), VenvError> {
        let opts = &self.options;
        if opts.upgrade && opts.clear {
            return Err(VenvError::UpgradeWithClear);
        }
        let env_dir = absolute(env_dir);
        if env_dir.to_str().is_none() {
            return Err(VenvError::NonUtf8Path { path: env_dir });
        }
        if env_dir
            .to_string_lossy()
            .contains(self.interpreter.info.pathsep.as_str())
        {
            return Err(VenvError::PathSeparatorInPath { path: env_dir });
        }
        let info = &self.interpreter.info;
        if opts.with_pip && !info.has_ensurepip {
            return Err(VenvError::NoEnsurepip {
                path: self.interpreter.path.clone(),
            });
        }
        if opts.with_pip && !info.missing_wheels.is_empty() {
            let missing = info
                .missing_wheels
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(VenvError::MissingWheels {
                path: self.interpreter.path.clone(),
                missing,
            });
        }
        let supported = steps.supported_scm_ignore_files();
        for scm in self.scm_ignore_files() {
            if !supported.contains(&scm) {
                return Err(VenvError::UnknownScm {
                    scm,
                    supported: supported.join(", "),
                });
            }
        }
        Ok(())
    }

    fn scm_ignore_files(&self) -> Vec<String> {
        match &self.options.scm_ignore_files {
            Some(list) => list.iter().map(|s| s.to_lowercase()).collect(),
            None => default_scm_ignore_files(&self.interpreter.info),
        }
    }

    /// Creates the environment with `steps`; on failure nothing is left behind
    /// (or, for an existing directory, nothing added) and the error names the step.
    pub fn create_with(&self, env_dir: &Path, steps: &mut dyn Steps) -> Result<PathBuf, VenvError> {
        self.validate(env_dir, steps)?;
        let env_dir = absolute(env_dir);
        let (staging, dir) = Staging::begin(&env_dir, self.options.clear, self.options.upgrade)?;
        let ctx = self.context(&env_dir, dir, staging);
        match self.run_steps(&ctx, steps) {
            Ok(()) => {
                let staging = ctx.staging.borrow_mut().take();
                if let Some(staging) = staging {
                    staging
                        .commit()
                        .map_err(|e| VenvError::step("publish", &env_dir, e))?;
                }
                Ok(env_dir)
            }
            Err(err) => {
                if let Some(staging) = ctx.staging.borrow_mut().take() {
                    staging.rollback();
                }
                Err(err)
            }
        }
    }

    fn run_steps(&self, ctx: &Context, steps: &mut dyn Steps) -> Result<(), VenvError> {
        let opts = &self.options;
        let run = |name: &'static str,
                   f: &mut dyn FnMut() -> anyhow::Result<()>|
         -> Result<(), VenvError> {
            let started = std::time::Instant::now();
            let result = f().map_err(|e| match e.downcast::<VenvError>() {
                Ok(v) => v,
                Err(e) => VenvError::step(name, &ctx.env_dir, format!("{e:#}")),
            });
            if opts.verbose {
                eprintln!(
                    "venv: {name} took {:.1} ms",
                    started.elapsed().as_secs_f64() * 1e3
                );
            }
            result
        };
        run("ensure_directories", &mut || {
            steps.ensure_directories(self, ctx)
        })?;
        for scm in &ctx.scm_ignore_files {
            run("create_scm_ignore_file", &mut || {
                steps.create_scm_ignore_file(self, ctx, scm)
            })?;
        }
        // bpo-24875: pip is installed while the config still says no system site-packages.
        ctx.system_site_packages.set(false);
        run("create_configuration", &mut || {
            steps.create_configuration(self, ctx)
        })?;
        run("setup_python", &mut || steps.setup_python(self, ctx))?;
        if opts.with_pip {
            run("setup_pip", &mut || steps.setup_pip(self, ctx))?;
        }
        if !opts.upgrade {
            run("setup_scripts", &mut || steps.setup_scripts(self, ctx))?;
            run("post_setup", &mut || steps.post_setup(self, ctx))?;
        }
        if opts.system_site_packages {
            ctx.system_site_packages.set(true);
            run("create_configuration", &mut || {
                steps.create_configuration(self, ctx)
            })?;
        }
        if opts.upgrade_deps {
            run("upgrade_dependencies", &mut || {
                steps.upgrade_dependencies(self, ctx)
            })?;
        }
        Ok(())
    }

    fn context(&self, env_dir: &Path, dir: cap_std::fs::Dir, staging: Staging) -> Context {
        let info = &self.interpreter.info;
        let env_name = env_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cfg_prompt = match self.options.prompt.as_deref() {
            // bpo-38901 (3.9+): `--prompt .` means the current directory's name.
            Some(".") if info.at_least(9) => Some(
                std::env::current_dir()
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default(),
            ),
            other => other.map(str::to_owned),
        };
        let executable = info.base_executable.clone();
        let abs_exe = absolute(&executable);
        let python_dir = abs_exe.parent().map(Path::to_path_buf).unwrap_or_default();
        let python_exe = abs_exe
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bin_path = env_dir.join(&info.scheme.scripts);
        let env_exe = bin_path.join(&python_exe);
        let fresh = staging.is_fresh();
        Context {
            env_dir: env_dir.to_path_buf(),
            prompt: cfg_prompt.clone().unwrap_or_else(|| env_name.clone()),
            env_name,
            cfg_prompt,
            executable,
            python_dir,
            python_exe,
            inc_path: env_dir.join(&info.scheme.include),
            lib_path: env_dir.join(&info.scheme.purelib),
            bin_name: info.scheme.scripts.clone(),
            env_exec_cmd: env_exe.clone(),
            env_exe,
            bin_path,
            cfg_path: env_dir.join("pyvenv.cfg"),
            scm_ignore_files: self.scm_ignore_files(),
            system_site_packages: Cell::new(false),
            interpreter: self.interpreter.clone(),
            fs: EnvDir::new(dir, env_dir, fresh),
            staging: RefCell::new(Some(staging)),
        }
    }
}
