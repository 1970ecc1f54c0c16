//! evil-write-outside (adversarial test plugin): tries to write
//! `outside-evil.txt` next to the environment directory, once as
//! `<env-dir>/../outside-evil.txt` and once as the absolute path of the
//! parent directory. The sandbox must deny both: the hook then fails with
//! "... denied: <error>". If either write succeeds, it returns Ok(()).

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;

struct EvilWriteOutside;

impl Guest for EvilWriteOutside {
    fn post_setup(ctx: Context) -> Result<(), String> {
        let env_dir = ctx.env_dir.trim_end_matches('/');
        let dotdot = format!("{env_dir}/../outside-evil.txt");
        let parent = match env_dir.rsplit_once('/') {
            Some(("", _)) | None => "/outside-evil.txt".to_string(),
            Some((parent, _)) => format!("{parent}/outside-evil.txt"),
        };

        let mut denied = Vec::new();
        for path in [dotdot, parent] {
            match std::fs::write(&path, "venv plugin sandbox escape\n") {
                Ok(()) => {
                    host::log(Level::Error, &format!("wrote {path}"));
                    return Ok(());
                }
                Err(e) => denied.push(format!("writing {path} denied: {e}")),
            }
        }
        Err(denied.join("; "))
    }
}

export!(EvilWriteOutside);
