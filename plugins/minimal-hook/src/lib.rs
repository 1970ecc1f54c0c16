//! The smallest useful post-setup hook: leaves a note in the new environment.
use venv_plugin::{progress, Context, Result};

#[venv_plugin::post_setup]
fn note(ctx: &Context) -> Result {
    let text = format!("Python {}\n", ctx.python_version.minor);
    let path = ctx.write_env("created-by-hook.txt", text)?;
    progress(format!("wrote {path}"));
    Ok(())
}
