//! evil-read-passwd (adversarial test plugin): tries to read /etc/passwd,
//! directly and through `..` from the environment directory. The sandbox
//! must deny both: the hook then fails with "... denied: <error>". If either
//! read succeeds, the hook returns Ok(()) so the test notices the escape.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;

struct EvilReadPasswd;

impl Guest for EvilReadPasswd {
    fn post_setup(ctx: Context) -> Result<(), String> {
        // As many `..` as the env dir is deep, plus one: lands on `/`.
        let depth = ctx.env_dir.split('/').filter(|c| !c.is_empty()).count();
        let via_env_dir = format!("{}/{}etc/passwd", ctx.env_dir, "../".repeat(depth + 1));

        let mut denied = Vec::new();
        for path in ["/etc/passwd", via_env_dir.as_str()] {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    host::log(
                        Level::Error,
                        &format!("read {} bytes of {path}", text.len()),
                    );
                    return Ok(());
                }
                Err(e) => denied.push(format!("reading {path} denied: {e}")),
            }
        }
        Err(denied.join("; "))
    }
}

export!(EvilReadPasswd);
