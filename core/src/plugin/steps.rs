//! [`PluginSteps`]: any [`Steps`] (CPython's defaults or a caller's own)
//! with the plugins' hooks added: SCM ignore files for the SCMs plugins
//! serve, and the post-setup hooks.
//!
//! Post-setup hooks of plugins granted `run-python` or `run-in-env` run at
//! CPython's point (before `--upgrade-deps`); seeder hooks and the other
//! post-setup hooks run in `finish`, after every step that runs the
//! environment's own Python, so nothing a sandboxed plugin writes or
//! chooses is ever executed by the host during creation. Activator hooks
//! run right after the built-in activation scripts.

use super::{PluginHost, Trust};
use crate::context::Context;
use crate::steps::{DefaultSteps, Steps};

/// Any [`Steps`] (CPython's by default) with the plugins' hooks added where
/// they belong; see the module docs for the order.
pub struct PluginSteps<S: Steps = DefaultSteps> {
    /// The loaded plugins.
    pub host: PluginHost,
    /// The steps the hooks are added to.
    pub inner: S,
}

impl PluginSteps<DefaultSteps> {
    /// The plugins' hooks around CPython's own steps.
    pub fn new(host: PluginHost) -> PluginSteps<DefaultSteps> {
        PluginSteps {
            host,
            inner: DefaultSteps,
        }
    }
}

impl<S: Steps> Steps for PluginSteps<S> {
    fn supported_scm_ignore_files(&self) -> Vec<String> {
        let mut scms = self.inner.supported_scm_ignore_files();
        for (scm, _) in self.host.supported_scms() {
            if !scms.contains(&scm) {
                scms.push(scm);
            }
        }
        scms
    }

    fn ensure_directories(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.ensure_directories(ctx)
    }

    /// What the wrapped steps serve stays theirs (git); other SCMs go to the plugin serving them.
    fn create_scm_ignore_file(&mut self, ctx: &Context, scm: &str) -> anyhow::Result<()> {
        if self
            .inner
            .supported_scm_ignore_files()
            .iter()
            .any(|s| s == scm)
        {
            return self.inner.create_scm_ignore_file(ctx, scm);
        }
        Ok(self.host.create_ignore_file(scm, ctx)?)
    }

    fn create_configuration(
        &mut self,
        ctx: &Context,
        system_site_packages: bool,
    ) -> anyhow::Result<()> {
        self.inner.create_configuration(ctx, system_site_packages)
    }

    fn setup_python(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.setup_python(ctx)
    }

    fn setup_pip(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.setup_pip(ctx)
    }

    fn setup_scripts(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.setup_scripts(ctx)?;
        Ok(self.host.create_activators(ctx)?)
    }

    fn post_setup(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.post_setup(ctx)?;
        Ok(self.host.post_setup(ctx, Trust::RunsPrograms)?)
    }

    fn upgrade_dependencies(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.upgrade_dependencies(ctx)
    }

    fn finish(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.inner.finish(ctx)?;
        // CPython skips post_setup with --upgrade; so do the deferred hooks.
        if !ctx.options.upgrade {
            self.host.seed(ctx)?;
            self.host.post_setup(ctx, Trust::Sandboxed)?;
        }
        Ok(())
    }
}
