//! evil-print (adversarial test plugin): writes 50 MB to stdout and 50 MB to
//! stderr, then succeeds. The host must keep only a bounded part of each
//! stream (and say it cut the rest) instead of buffering or showing it all.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use std::io::Write;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;

const TOTAL: usize = 50_000_000;

struct EvilPrint;

/// Writes TOTAL bytes of numbered lines; returns how many the host accepted.
/// Write errors are ignored: a host may refuse output past its limit.
fn flood(out: &mut dyn Write, stream: &str) -> usize {
    let mut accepted = 0;
    let mut written = 0;
    let mut line_no = 0u64;
    let mut block = String::with_capacity(1 << 16);
    while written < TOTAL {
        block.clear();
        while block.len() < (1 << 16) - 100 {
            line_no += 1;
            block.push_str(&format!(
                "evil-print {stream} line {line_no:08} xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
            ));
        }
        let bytes = &block.as_bytes()[..block.len().min(TOTAL - written)];
        if out.write_all(bytes).is_ok() {
            accepted += bytes.len();
        }
        written += bytes.len();
    }
    let _ = out.flush();
    accepted
}

impl Guest for EvilPrint {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let to_stdout = flood(&mut std::io::stdout().lock(), "stdout");
        let to_stderr = flood(&mut std::io::stderr().lock(), "stderr");
        host::log(
            Level::Info,
            &format!("printed {TOTAL} bytes to each stream; accepted: stdout {to_stdout}, stderr {to_stderr}"),
        );
        Ok(())
    }
}

export!(EvilPrint);
