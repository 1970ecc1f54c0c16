//! evil-panic (adversarial test plugin): panics. A panic in a wasm guest
//! aborts (traps); the host must report it as this plugin's failure, with
//! the panic message the guest printed to stderr, and carry on.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::types::Context;

struct EvilPanic;

impl Guest for EvilPanic {
    fn post_setup(ctx: Context) -> Result<(), String> {
        panic!("evil-panic panicked on purpose in {}", ctx.env_dir);
    }
}

export!(EvilPanic);
