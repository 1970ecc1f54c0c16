//! evil-loop (adversarial test plugin): spins forever without allocating or
//! calling the host. The host must stop it with its time limit (fuel or epoch
//! interruption) and report a timeout.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::types::Context;

struct EvilLoop;

impl Guest for EvilLoop {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let mut n: u64 = 0;
        loop {
            // black_box keeps the optimizer from proving the loop useless.
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

export!(EvilLoop);
