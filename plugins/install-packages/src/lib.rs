//! install-packages: the counterpart of the `ExtendedEnvBuilder` example in
//! CPython's venv docs. After the environment is set up it installs the
//! packages named in its options with the environment's own pip, reporting
//! progress as it goes. Needs the `run-python` grant.
//!
//!     venv --plugin install-packages.wasm --plugin-grant install-packages=run-python \
//!          --plugin-opt install-packages.packages="requests rich" \
//!          [--plugin-opt install-packages.find-links=/srv/wheelhouse] \
//!          [--plugin-opt install-packages.no-index=true] ENV_DIR

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host;
use venv::plugin::types::Context;

fn option<'a>(ctx: &'a Context, key: &str) -> Option<&'a str> {
    ctx.options
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

struct InstallPackages;

impl Guest for InstallPackages {
    fn post_setup(ctx: Context) -> Result<(), String> {
        let packages: Vec<String> = option(&ctx, "packages")
            .unwrap_or("")
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if packages.is_empty() {
            return Err("install-packages needs the option packages (--plugin-opt install-packages.packages=NAME[,NAME])".into());
        }
        if !ctx.builder.with_pip {
            return Err(
                "install-packages needs pip in the environment (drop --without-pip)".into(),
            );
        }
        let mut args: Vec<String> = ["-m", "pip", "install", "--disable-pip-version-check"]
            .map(String::from)
            .to_vec();
        if let Some(dir) = option(&ctx, "find-links") {
            args.extend(["--find-links".to_owned(), dir.to_owned()]);
        }
        if option(&ctx, "no-index") == Some("true") {
            args.push("--no-index".to_owned());
        }
        args.extend(packages.iter().cloned());
        // As the docs' example does: say what is starting and what finished.
        host::progress(&format!(
            "Installing {} into {}",
            packages.join(", "),
            ctx.env_name
        ));
        match host::run_python(&args)? {
            0 => {
                host::progress(&format!("Installed {}", packages.join(", ")));
                Ok(())
            }
            code => Err(format!(
                "pip install {} exited with {code}",
                packages.join(" ")
            )),
        }
    }
}

export!(InstallPackages);
