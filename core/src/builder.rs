//! `EnvBuilder`: CPython's `venv.EnvBuilder`, step for step.
//!
//! [`EnvBuilder::create_with`] checks what can be checked before touching
//! the disk, stages the environment (see [`crate::staging`]), runs the
//! [`Steps`] in CPython's order, then publishes the result or rolls back:
//! `ensure_directories`, the SCM ignore files, `create_configuration`,
//! `setup_python`, pip, `setup_scripts`, `post_setup`, the configuration
//! again for `--system-site-packages`, `upgrade_dependencies`, then our
//! `finish`. A Rust caller overrides a step the way a Python subclass would
//! (see `examples/extended_builder.rs`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cache::Cache;
use crate::context::{scm_ignore_files, Context, Options};
use crate::error::VenvError;
use crate::interpreter::{Implementation, Interpreter};
use crate::paths::absolute;
use crate::report::{self, Event, SharedReporter, Step};
use crate::staging::{OnExisting, Staging};
use crate::steps::{DefaultSteps, Steps};

/// CPython's `venv.EnvBuilder`: creates environments with the [`Steps`] given
/// (CPython's own by default), staged and published atomically. See the crate
/// docs for an example.
pub struct EnvBuilder {
    /// The constructor's arguments (CPython's) and ours.
    pub options: Options,
    /// The base interpreter.
    pub interpreter: Interpreter,
    /// Interpreter facts, unpacked wheels and compiled plugins between creations.
    pub cache: Cache,
    /// Where progress, notices and plugin messages go (nowhere by default).
    pub reporter: SharedReporter,
}

impl EnvBuilder {
    /// A builder with the default cache and no reporter.
    pub fn new(options: Options, interpreter: Interpreter) -> EnvBuilder {
        EnvBuilder {
            options,
            interpreter,
            cache: Cache::new(None),
            reporter: report::silent(),
        }
    }

    /// Uses `cache` instead of the default location.
    pub fn with_cache(mut self, cache: Cache) -> EnvBuilder {
        self.cache = cache;
        self
    }

    /// Sends events to `reporter`.
    pub fn with_reporter(mut self, reporter: SharedReporter) -> EnvBuilder {
        self.reporter = reporter;
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
        let real = std::fs::canonicalize(&env_dir).ok();
        if env_dir.parent().is_none() || real.as_deref().is_some_and(|r| r.parent().is_none()) {
            return Err(VenvError::RootDirectory { path: env_dir });
        }
        if opts.clear {
            refuse_to_clear(&env_dir, real.as_deref())?;
        }
        if env_dir.to_str().is_none() {
            return Err(VenvError::NonUtf8Path { path: env_dir });
        }
        let text = env_dir.to_string_lossy();
        if text.contains(self.interpreter.info.pathsep.as_str()) {
            return Err(VenvError::PathSeparatorInPath { path: env_dir });
        }
        if let Some(c) = text.chars().find(|c| crate::config::is_line_break(*c)) {
            return Err(VenvError::LineBreakInPath {
                what: c.escape_unicode().to_string(),
                path: env_dir,
            });
        }
        // dash takes `%` in a PATH entry for an option (`%func`, `%builtin`).
        if !self.interpreter.info.is_windows() && text.contains('%') {
            return Err(VenvError::PercentInPath { path: env_dir });
        }
        let info = &self.interpreter.info;
        if opts.no_compile && opts.seeder == crate::context::Seeder::Ensurepip {
            return Err(VenvError::InvalidFlag {
                flag: "--no-compile",
                value: "with --seeder ensurepip".to_owned(),
                expected: "the native seeder (ensurepip byte-compiles pip whatever it is asked)",
            });
        }
        if opts.with_pip && !info.has_ensurepip {
            // The package Debian's own venv names: the version's, not python3-venv.
            let package = match info.implementation_kind() {
                Some(Implementation::PyPy) => "pypy3-venv".to_owned(),
                _ => format!("python{}.{}-venv", info.version.0, info.version.1),
            };
            return Err(VenvError::NoEnsurepip {
                path: self.interpreter.path.clone(),
                package,
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
        for scm in scm_ignore_files(opts, info) {
            if !supported.contains(&scm) {
                return Err(VenvError::UnknownScm {
                    scm,
                    supported: supported.join(", "),
                });
            }
        }
        Ok(())
    }

    /// Creates the environment with `steps`; on failure nothing is left behind
    /// (or, for an existing directory, nothing added) and the error names the step.
    pub fn create_with(&self, env_dir: &Path, steps: &mut dyn Steps) -> Result<PathBuf, VenvError> {
        self.validate(env_dir, steps)?;
        let env_dir = absolute(env_dir);
        let on_existing = if self.options.clear {
            OnExisting::Clear
        } else {
            OnExisting::Keep
        };
        // Staging directories of creations that were killed elsewhere.
        for staged in self.cache.abandoned_staging() {
            if let Some(parent) = staged.parent() {
                crate::staging::reclaim_in(parent);
            }
        }
        let (staging, dir) = Staging::begin(&env_dir, on_existing)?;
        let _registered = staging
            .is_fresh()
            .then(|| self.cache.register_staging(&staging.current_path()))
            .flatten();
        let ctx = Context::new(
            &self.options,
            &self.interpreter,
            &self.cache,
            &self.reporter,
            &env_dir,
            dir,
            staging,
        );
        match run_steps(&ctx, steps) {
            Ok(()) => {
                if let Some(staging) = ctx.take_staging() {
                    let leftover = staging
                        .commit()
                        .map_err(|e| VenvError::step(Step::Publish, &env_dir, e))?;
                    // The new environment is in place; the old tree was
                    // to go once it was, and part of it would not.
                    if let Some(left) = leftover {
                        self.reporter.report(Event::Warning {
                            message: format!(
                                "{} was created, but its previous contents could not all be removed ({}): what is left of them is in {}; remove it yourself (the next creation beside it tries again)",
                                env_dir.display(),
                                left.error,
                                left.path.display()
                            ),
                        });
                    }
                }
                Ok(env_dir)
            }
            Err(err) => {
                if let Some(staging) = ctx.take_staging() {
                    staging.rollback();
                }
                Err(err)
            }
        }
    }
}

/// `--clear` empties only environments: never `/` or the home directory,
/// never a non-empty directory without `pyvenv.cfg` (CPython and virtualenv
/// empty whatever they are given).
fn refuse_to_clear(env_dir: &Path, real: Option<&Path>) -> Result<(), VenvError> {
    let refuse = |reason| {
        Err(VenvError::ClearRefused {
            path: env_dir.to_path_buf(),
            reason,
        })
    };
    let Some(real) = real else {
        // Nothing there yet: nothing to clear.
        return Ok(());
    };
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .and_then(|h| std::fs::canonicalize(h).ok());
    if home.as_deref() == Some(real) {
        return refuse("it is your home directory");
    }
    let Ok(meta) = std::fs::symlink_metadata(env_dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        // Staging reports what it is instead.
        return Ok(());
    }
    let empty = std::fs::read_dir(env_dir).is_ok_and(|mut d| d.next().is_none());
    let has_cfg = std::fs::symlink_metadata(env_dir.join("pyvenv.cfg")).is_ok_and(|m| m.is_file());
    if !empty && !has_cfg {
        return refuse(
            "it is not empty and holds no pyvenv.cfg, so it is not a virtual environment",
        );
    }
    Ok(())
}

/// CPython's `create`, after `ensure_directories` made the context.
fn run_steps(ctx: &Context, steps: &mut dyn Steps) -> Result<(), VenvError> {
    let opts = &ctx.options;
    let run = |step: Step, f: &mut dyn FnMut() -> anyhow::Result<()>| {
        crate::interrupt::check()?;
        let started = Instant::now();
        let result = f().map_err(|e| match crate::interrupt::requested() {
            // A step stopped by a signal failed because of it: say so.
            Some(signal) => VenvError::Interrupted { signal },
            None => VenvError::from_step(step, &ctx.env_dir, e),
        });
        ctx.report(Event::StepFinished {
            step,
            elapsed: started.elapsed(),
        });
        result
    };
    run(Step::EnsureDirectories, &mut || {
        steps.ensure_directories(ctx)
    })?;
    for scm in &ctx.scm_ignore_files {
        run(Step::CreateScmIgnoreFile, &mut || {
            steps.create_scm_ignore_file(ctx, scm)
        })?;
    }
    // bpo-24875: pip is installed while the config still says no system site-packages.
    run(Step::CreateConfiguration, &mut || {
        steps.create_configuration(ctx, false)
    })?;
    run(Step::SetupPython, &mut || steps.setup_python(ctx))?;
    if opts.with_pip {
        run(Step::SetupPip, &mut || steps.setup_pip(ctx))?;
    }
    if !opts.upgrade {
        run(Step::SetupScripts, &mut || steps.setup_scripts(ctx))?;
        run(Step::PostSetup, &mut || steps.post_setup(ctx))?;
    }
    if opts.system_site_packages {
        run(Step::CreateConfiguration, &mut || {
            steps.create_configuration(ctx, true)
        })?;
    }
    if opts.upgrade_deps {
        run(Step::UpgradeDependencies, &mut || {
            steps.upgrade_dependencies(ctx)
        })?;
    }
    run(Step::Finish, &mut || steps.finish(ctx))?;
    Ok(())
}
