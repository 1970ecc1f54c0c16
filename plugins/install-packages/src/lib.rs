//! install-packages: the counterpart of the `ExtendedEnvBuilder` example in
//! CPython's venv docs. After the environment is set up it installs the
//! packages named in its options with the environment's own pip, reporting
//! progress as it goes. Needs the `run-python` grant.
//!
//!     venv --plugin install-packages.wasm --plugin-grant install-packages=run-python \
//!          --plugin-opt install-packages.packages="requests rich" \
//!          [--plugin-opt install-packages.find-links=/srv/wheelhouse] \
//!          [--plugin-opt install-packages.no-index=true] ENV_DIR

use venv_plugin::{bail, progress, run_python, Context, Result};

#[venv_plugin::post_setup]
fn install_packages(ctx: &Context) -> Result {
    let packages: Vec<&str> = ctx
        .require("packages")?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if packages.is_empty() {
        bail!("install-packages needs the option packages (--plugin-opt install-packages.packages=NAME[,NAME])");
    }
    if !ctx.builder.with_pip {
        bail!("install-packages needs pip in the environment (drop --without-pip)");
    }
    let mut args = vec!["-m", "pip", "install", "--disable-pip-version-check"];
    if let Some(dir) = ctx.option("find-links") {
        args.extend(["--find-links", dir]);
    }
    if ctx.option("no-index") == Some("true") {
        args.push("--no-index");
    }
    args.extend(&packages);
    // As the docs' example does: say what is starting and what finished.
    progress(format!(
        "Installing {} into {}",
        packages.join(", "),
        ctx.env_name
    ));
    match run_python(&args)? {
        0 => {
            progress(format!("Installed {}", packages.join(", ")));
            Ok(())
        }
        code => bail!("pip install {} exited with {code}", packages.join(" ")),
    }
}
