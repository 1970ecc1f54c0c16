//! pip-conf: writes `<env-dir>/pip.conf` (which pip reads inside a virtual
//! environment) pointing pip at another package index. The example of the
//! post-setup hook and of plugin options:
//!
//!     venv --plugin pip-conf --plugin-opt pip-conf.index-url=URL \
//!          [--plugin-opt pip-conf.trusted-host=HOST] ENV_DIR

use venv_plugin::{log, progress, Context, Result};

const KNOWN_OPTIONS: [&str; 2] = ["index-url", "trusted-host"];

#[venv_plugin::post_setup]
fn pip_conf(ctx: &Context) -> Result {
    for (key, _) in &ctx.options {
        if !KNOWN_OPTIONS.contains(&key.as_str()) {
            log::warn(format!("ignoring unknown option {key:?}"));
        }
    }
    let mut conf = format!("[global]\nindex-url = {}\n", ctx.require("index-url")?);
    if let Some(host) = ctx.option("trusted-host") {
        conf.push_str(&format!("trusted-host = {host}\n"));
    }
    progress(format!("Writing {}", ctx.env_path("pip.conf")));
    let path = ctx.write_env("pip.conf", &conf)?;
    log::info(format!(
        "wrote {path}: {}",
        conf.trim_end().replace('\n', "; ")
    ));
    Ok(())
}
