//! evil-error (test plugin): always fails with a fixed message, so tests can
//! check how the host reports a hook's Err and that it stops the creation.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::types::Context;

struct EvilError;

impl Guest for EvilError {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        Err("this plugin always fails".to_string())
    }
}

export!(EvilError);
