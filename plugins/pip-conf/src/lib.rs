//! pip-conf: writes `<env-dir>/pip.conf` (which pip reads inside a virtual
//! environment) pointing pip at another package index. The example of the
//! post-setup hook and of plugin options:
//!
//!     venv --plugin pip-conf --plugin-opt pip-conf.index-url=URL \
//!          [--plugin-opt pip-conf.trusted-host=HOST] ENV_DIR

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;

const KNOWN_OPTIONS: [&str; 2] = ["index-url", "trusted-host"];

/// The last value given for `key` (a later `--plugin-opt` overrides).
fn option<'a>(ctx: &'a Context, key: &str) -> Option<&'a str> {
    ctx.options
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

struct PipConf;

impl Guest for PipConf {
    fn post_setup(ctx: Context) -> Result<(), String> {
        for (key, _) in &ctx.options {
            if !KNOWN_OPTIONS.contains(&key.as_str()) {
                host::log(Level::Warn, &format!("ignoring unknown option {key:?}"));
            }
        }
        let index_url = option(&ctx, "index-url").ok_or_else(|| {
            "pip-conf needs the option index-url (--plugin-opt pip-conf.index-url=URL)".to_string()
        })?;

        let mut conf = format!("[global]\nindex-url = {index_url}\n");
        if let Some(host) = option(&ctx, "trusted-host") {
            conf.push_str(&format!("trusted-host = {host}\n"));
        }

        let path = format!("{}/pip.conf", ctx.env_dir);
        host::progress(&format!("Writing {path}"));
        std::fs::write(&path, &conf).map_err(|e| format!("cannot write {path}: {e}"))?;
        host::log(
            Level::Info,
            &format!("wrote {path}: {}", conf.trim_end().replace('\n', "; ")),
        );
        Ok(())
    }
}

export!(PipConf);
