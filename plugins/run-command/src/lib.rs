//! run-command: runs one command in the new environment, as if it were
//! activated (no shell), e.g. `pre-commit install` or `pip check`. The
//! example of the `run-in-env` grant, which is full trust: the command runs
//! with the user's rights. Its output is shown as progress; a non-zero exit
//! fails the creation.
//!
//!     venv --plugin run-command.wasm --plugin-grant run-command=run-in-env \
//!          --plugin-opt run-command.argv="pre-commit install" ENV_DIR
//!
//! `argv` is split on whitespace (no quoting: it is not a shell command).

use venv_plugin::{bail, progress, run_in_env, Context, Result};

#[venv_plugin::post_setup]
fn run_command(ctx: &Context) -> Result {
    let argv: Vec<&str> = ctx.require("argv")?.split_whitespace().collect();
    if argv.is_empty() {
        bail!("run-command: the option argv is empty");
    }
    progress(format!("running {}", argv.join(" ")));
    match run_in_env(&argv)? {
        0 => Ok(()),
        code => bail!("`{}` exited with {code}", argv.join(" ")),
    }
}
