//! evil-recurse (adversarial test plugin): recurses without bound until the
//! wasm stack overflows. The host must turn the trap into an error for this
//! plugin (not crash venv).

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use std::hint::black_box;
use venv::plugin::types::Context;

struct EvilRecurse;

/// Each frame keeps a buffer alive across the call, so this is no tail call,
/// and black_box hides that the way out is never taken.
#[inline(never)]
fn dive(depth: u64) -> u64 {
    let frame = black_box([depth; 32]);
    if black_box(depth == u64::MAX) {
        return 0;
    }
    dive(black_box(depth + 1)).wrapping_add(frame[(depth % 32) as usize])
}

impl Guest for EvilRecurse {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let n = dive(0);
        Err(format!("recursion ended at {n}, which it never should"))
    }
}

export!(EvilRecurse);
