//! hg-ignore: writes `<env-dir>/.hgignore` so Mercurial ignores the whole
//! environment, the way CPython's venv writes a `.gitignore` for git.
//! The example of the scm-ignore hook (`venv --scm-ignore-files hg`).

wit_bindgen::generate!({
    path: "../../wit",
    world: "scm-ignore-plugin",
});

use exports::venv::plugin::scm_ignore::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;

const HGIGNORE: &str = "\
# Created by venv; see https://docs.python.org/3/library/venv.html
syntax: glob
*
";

struct HgIgnore;

impl Guest for HgIgnore {
    fn supported_scms() -> Vec<String> {
        vec!["hg".to_string()]
    }

    fn create_ignore_file(scm: String, ctx: Context) -> Result<(), String> {
        if scm != "hg" {
            return Err(format!(
                "hg-ignore only writes ignore files for hg, not {scm:?}"
            ));
        }
        let path = format!("{}/.hgignore", ctx.env_dir);
        std::fs::write(&path, HGIGNORE).map_err(|e| format!("cannot write {path}: {e}"))?;
        host::log(Level::Debug, &format!("wrote {path}"));
        Ok(())
    }
}

export!(HgIgnore);
