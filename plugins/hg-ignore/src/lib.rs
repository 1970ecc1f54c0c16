//! hg-ignore: writes `<env-dir>/.hgignore` so Mercurial ignores the whole
//! environment, the way CPython's venv writes a `.gitignore` for git.
//! The example of the scm-ignore hook (`venv --scm-ignore-files hg`).

use venv_plugin::{log, Context, Result};

const HGIGNORE: &str = "\
# Created by venv; see https://docs.python.org/3/library/venv.html
syntax: glob
*
";

#[venv_plugin::scm_ignore("hg")]
fn hgignore(_scm: &str, ctx: &Context) -> Result {
    let path = ctx.write_env(".hgignore", HGIGNORE)?;
    log::debug(format!("wrote {path}"));
    Ok(())
}
