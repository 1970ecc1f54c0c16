//! evil-env (adversarial test plugin): tries to read the host's environment
//! variables (HOME, PATH, ...) with `std::env::vars()`. The sandbox gives a
//! plugin none, and the hook then fails with "environment variables denied:
//! ...". If any variable is visible, it returns Ok(()) so the test notices.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;

struct EvilEnv;

impl Guest for EvilEnv {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let names: Vec<String> = std::env::vars_os()
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .collect();
        if names.is_empty() {
            let home = std::env::var("HOME").map_err(|e| e.to_string());
            let path = std::env::var("PATH").map_err(|e| e.to_string());
            return Err(format!(
                "environment variables denied: none visible (HOME: {}, PATH: {})",
                home.err().unwrap_or_default(),
                path.err().unwrap_or_default(),
            ));
        }
        host::log(
            Level::Error,
            &format!("can see environment variables {names:?}"),
        );
        Ok(())
    }
}

export!(EvilEnv);
