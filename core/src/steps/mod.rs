//! The steps of one creation, as an overridable trait: CPython extends
//! `venv.EnvBuilder` by subclassing and overriding a step; here a type
//! implements [`Steps`] and overrides the methods it needs, and every method
//! it leaves alone does what CPython's does. [`crate::builder::EnvBuilder`]
//! calls them in CPython's order (see its `create_with`).
//!
//! Wrappers compose: [`crate::plugin::PluginSteps`] wraps any `Steps` (the
//! defaults or a caller's own) and adds the plugins' hooks around it.

pub(crate) mod layout;

use crate::context::Context;

/// CPython's `EnvBuilder` steps. Each method gets the context of the
/// creation; writes go through `ctx.fs` (relative paths: `ctx.layout`).
#[allow(unused_variables)]
pub trait Steps {
    /// The SCM names this builder writes ignore files for; checked before
    /// anything is created, so an unknown name fails early.
    fn supported_scm_ignore_files(&self) -> Vec<String> {
        vec!["git".to_owned()]
    }

    /// Runs first. Creates `include/`, the site-packages directory, the
    /// `lib64 -> lib` link (64-bit Linux) and `bin/`; refuses symlinked
    /// directories in an existing env.
    fn ensure_directories(&mut self, ctx: &Context) -> anyhow::Result<()> {
        layout::ensure_directories(ctx)
    }

    /// Runs once per name in `ctx.scm_ignore_files`, right after
    /// `ensure_directories` (CPython's `create_<scm>_ignore_file`). The
    /// default writes `.gitignore` for `git` and knows no other SCM.
    fn create_scm_ignore_file(&mut self, ctx: &Context, scm: &str) -> anyhow::Result<()> {
        match scm {
            "git" => layout::create_git_ignore_file(ctx),
            other => anyhow::bail!("no ignore file writer for SCM `{other}`"),
        }
    }

    /// Writes `pyvenv.cfg`. Runs twice when `--system-site-packages` is
    /// given: first with `system_site_packages = false` (pip must not see
    /// the system's packages while it is installed, bpo-24875), then, after
    /// `post_setup`, with `true`.
    fn create_configuration(
        &mut self,
        ctx: &Context,
        system_site_packages: bool,
    ) -> anyhow::Result<()> {
        crate::config::create_configuration(ctx, system_site_packages)
    }

    /// Links (or, with `--copies`, copies) the base interpreter into `bin/`
    /// under its own name plus `python`, `python3` and `python3.X`.
    fn setup_python(&mut self, ctx: &Context) -> anyhow::Result<()> {
        layout::setup_python(ctx)
    }

    /// Installs pip (unless `--without-pip`): natively from the base's bundled
    /// wheels, or with ensurepip (`--seeder`).
    fn setup_pip(&mut self, ctx: &Context) -> anyhow::Result<()> {
        crate::seed::setup_pip(ctx)
    }

    /// Writes the activation scripts. Skipped with `--upgrade`, as in CPython.
    fn setup_scripts(&mut self, ctx: &Context) -> anyhow::Result<()> {
        crate::scripts::setup_scripts(ctx)
    }

    /// CPython's hook for subclasses: runs after the scripts; does nothing
    /// by default. Skipped with `--upgrade`.
    fn post_setup(&mut self, ctx: &Context) -> anyhow::Result<()> {
        Ok(())
    }

    /// `--upgrade-deps`: upgrades pip (and setuptools before 3.12) from the
    /// package index with the environment's own pip.
    fn upgrade_dependencies(&mut self, ctx: &Context) -> anyhow::Result<()> {
        crate::seed::upgrade_dependencies(ctx)
    }

    /// Runs last, after every step that runs the environment's own Python,
    /// just before the environment is published. Not a CPython step; does
    /// nothing by default. The plugin host runs the hooks of plugins without
    /// the `run-python` grant here (see README, "Security").
    fn finish(&mut self, ctx: &Context) -> anyhow::Result<()> {
        Ok(())
    }
}

/// CPython's steps, unchanged.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefaultSteps;

impl Steps for DefaultSteps {}

/// Forwarding, so a boxed or borrowed `Steps` can be wrapped.
impl<S: Steps + ?Sized> Steps for Box<S> {
    fn supported_scm_ignore_files(&self) -> Vec<String> {
        (**self).supported_scm_ignore_files()
    }
    fn ensure_directories(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).ensure_directories(ctx)
    }
    fn create_scm_ignore_file(&mut self, ctx: &Context, scm: &str) -> anyhow::Result<()> {
        (**self).create_scm_ignore_file(ctx, scm)
    }
    fn create_configuration(
        &mut self,
        ctx: &Context,
        system_site_packages: bool,
    ) -> anyhow::Result<()> {
        (**self).create_configuration(ctx, system_site_packages)
    }
    fn setup_python(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).setup_python(ctx)
    }
    fn setup_pip(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).setup_pip(ctx)
    }
    fn setup_scripts(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).setup_scripts(ctx)
    }
    fn post_setup(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).post_setup(ctx)
    }
    fn upgrade_dependencies(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).upgrade_dependencies(ctx)
    }
    fn finish(&mut self, ctx: &Context) -> anyhow::Result<()> {
        (**self).finish(ctx)
    }
}
