//! Runs the activation scripts the `venv` binary writes in the shells that
//! read them (bash, zsh, dash, fish, tcsh, nushell) and checks what a user
//! would see: which `python` runs, the variables, the prompt, and that
//! `deactivate` puts everything back byte for byte.
//!
//! A missing shell fails the test rather than skipping it: run
//! `tools/install-shells.sh` (as root) to install them.
//!
//! Each shell script reports through `LABEL=VALUE\0` records on stdout
//! (`LABEL!\0` when a variable is unset), so values with spaces, quotes or
//! newlines come back intact.
//!
//! One module per shell; the scripts they run are in `scripts/`, and
//! `harness` creates the environments, runs a shell and reads its records.

mod csh;
mod fish;
mod harness;
mod hint;
mod moved;
mod nu;
mod posix;
mod pwsh;

use harness::*;

#[test]
fn scripts_have_no_placeholders_left() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, Some("p r o m p t"));
    for script in SCRIPTS {
        let text = std::fs::read_to_string(env.join("bin").join(script)).unwrap();
        assert!(
            !text.contains("__VENV_"),
            "bin/{script} still has a placeholder"
        );
    }
}
