//! evil-recurse (adversarial test plugin): recurses without bound until the
//! engine's wasm stack is exhausted. The host must turn the trap into an
//! error for this plugin (not crash venv).

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::types::Context;

struct EvilRecurse;

/// Not a tail call (the result is used after the call returns), and `limit`
/// is only known at run time, so the optimizer can neither turn this into a
/// loop nor drop it. Its state lives in wasm locals, so every call takes a
/// frame on the engine's own stack (not the guest's stack in linear memory).
#[inline(never)]
fn dive(depth: u64, limit: u64) -> u64 {
    if depth == limit {
        return depth;
    }
    dive(depth + 1, limit).wrapping_mul(31).wrapping_add(depth)
}

impl Guest for EvilRecurse {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let n = dive(0, std::hint::black_box(u64::MAX));
        Err(format!("recursion ended ({n}), which it never should"))
    }
}

export!(EvilRecurse);
