// The smallest useful post-setup hook: leaves a note in the new environment.
wit_bindgen::generate!({ path: "../../wit", world: "post-setup-plugin" });

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::{host, types::Context};

struct Hook;

impl Guest for Hook {
    fn post_setup(ctx: Context) -> Result<(), String> {
        let note = format!("{}/created-by-hook.txt", ctx.env_dir);
        std::fs::write(&note, format!("Python {}\n", ctx.python_version.minor))
            .map_err(|e| format!("cannot write {note}: {e}"))?;
        host::progress(&format!("wrote {note}"));
        Ok(())
    }
}

export!(Hook);
