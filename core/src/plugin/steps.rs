//! The builder steps with plugins: CPython's defaults, plus the plugins'
//! SCM ignore files and post-setup hooks at CPython's points.

use super::PluginHost;
use crate::builder::{steps, Context, EnvBuilder, Steps};

pub struct PluginSteps {
    pub host: PluginHost,
}

impl Steps for PluginSteps {
    fn supported_scm_ignore_files(&self) -> Vec<String> {
        let mut scms = vec!["git".to_owned()];
        scms.extend(self.host.supported_scms().into_iter().map(|(scm, _)| scm));
        scms
    }

    fn create_scm_ignore_file(
        &mut self,
        builder: &EnvBuilder,
        ctx: &Context,
        scm: &str,
    ) -> anyhow::Result<()> {
        match scm {
            "git" => steps::create_git_ignore_file(builder, ctx),
            other => self.host.create_ignore_file(other, builder, ctx),
        }
    }

    fn post_setup(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        self.host.post_setup(builder, ctx)
    }
}
