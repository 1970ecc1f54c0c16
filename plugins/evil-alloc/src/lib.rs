//! evil-alloc (adversarial test plugin): allocates memory without bound, in
//! 1 MiB chunks that it writes to (so the pages are really used) and keeps.
//! The host must stop it with its memory limit and report that, instead of
//! letting it take the machine's memory.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::types::Context;

const CHUNK: usize = 1 << 20;

struct EvilAlloc;

impl Guest for EvilAlloc {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let mut kept: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut chunk = vec![0u8; CHUNK];
            for byte in chunk.iter_mut().step_by(4096) {
                *byte = 0xAA;
            }
            kept.push(std::hint::black_box(chunk));
        }
    }
}

export!(EvilAlloc);
