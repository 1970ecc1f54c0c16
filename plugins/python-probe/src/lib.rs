//! python-probe (test plugin): runs `python -c <code>` in the environment
//! through the host's run-python import, with `code` from its options; fails
//! when the call is denied or the code exits non-zero.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host;
use venv::plugin::types::Context;

struct Probe;

impl Guest for Probe {
    fn post_setup(ctx: Context) -> Result<(), String> {
        let code = ctx
            .options
            .iter()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "print('probe ran')".to_owned());
        match host::run_python(&["-c".to_owned(), code])? {
            0 => Ok(()),
            n => Err(format!("python exited with {n}")),
        }
    }
}

export!(Probe);
