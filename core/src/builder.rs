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
use crate::interpreter::Interpreter;
use crate::paths::absolute;
use crate::report::{self, Event, SharedReporter};
use crate::staging::{OnExisting, Staging};
use crate::steps::{DefaultSteps, Steps};

pub struct EnvBuilder {
    pub options: Options,
    pub interpreter: Interpreter,
    /// Interpreter facts, unpacked wheels and compiled plugins between creations.
    pub cache: Cache,
    /// Where progress, notices and plugin messages go (nowhere by default).
    pub reporter: SharedReporter,
}

impl EnvBuilder {
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
            // The package Debian's own venv names: the version's, not python3-venv.
            let package = match info.implementation.as_str() {
                "pypy" => "pypy3-venv".to_owned(),
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
        let (staging, dir) = Staging::begin(&env_dir, on_existing)?;
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
                    staging
                        .commit()
                        .map_err(|e| VenvError::step("publish", &env_dir, e))?;
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

/// CPython's `create`, after `ensure_directories` made the context.
fn run_steps(ctx: &Context, steps: &mut dyn Steps) -> Result<(), VenvError> {
    let opts = &ctx.options;
    let run = |step: &'static str, f: &mut dyn FnMut() -> anyhow::Result<()>| {
        crate::interrupt::check()?;
        let started = Instant::now();
        let result = f().map_err(|e| match e.downcast::<VenvError>() {
            // A step stopped by a signal failed because of it: say so.
            _ if crate::interrupt::requested().is_some() => VenvError::Interrupted {
                signal: crate::interrupt::requested().unwrap_or_default(),
            },
            Ok(v) => v,
            Err(e) => VenvError::step(step, &ctx.env_dir, format!("{e:#}")),
        });
        ctx.report(Event::StepFinished {
            step,
            elapsed: started.elapsed(),
        });
        result
    };
    run("ensure_directories", &mut || steps.ensure_directories(ctx))?;
    for scm in &ctx.scm_ignore_files {
        run("create_scm_ignore_file", &mut || {
            steps.create_scm_ignore_file(ctx, scm)
        })?;
    }
    // bpo-24875: pip is installed while the config still says no system site-packages.
    run("create_configuration", &mut || {
        steps.create_configuration(ctx, false)
    })?;
    run("setup_python", &mut || steps.setup_python(ctx))?;
    if opts.with_pip {
        run("setup_pip", &mut || steps.setup_pip(ctx))?;
    }
    if !opts.upgrade {
        run("setup_scripts", &mut || steps.setup_scripts(ctx))?;
        run("post_setup", &mut || steps.post_setup(ctx))?;
    }
    if opts.system_site_packages {
        run("create_configuration", &mut || {
            steps.create_configuration(ctx, true)
        })?;
    }
    if opts.upgrade_deps {
        run("upgrade_dependencies", &mut || {
            steps.upgrade_dependencies(ctx)
        })?;
    }
    run("finish", &mut || steps.finish(ctx))?;
    Ok(())
}
