//! `pyvenv.cfg`: the keys, order and values CPython's `create_configuration`
//! writes for the base interpreter's version.

use crate::builder::{Context, Options};
use crate::pyrepr::repr_str;

/// Renders `pyvenv.cfg` for `ctx`. `system_site_packages` is passed separately
/// because CPython writes the file twice: with `false` until pip is installed,
/// then with the real value (bpo-24875).
pub fn render(opts: &Options, ctx: &Context, system_site_packages: bool) -> String {
    let info = &ctx.interpreter.info;
    let mut out = String::new();
    out.push_str(&format!("home = {}\n", ctx.python_dir.display()));
    out.push_str(&format!(
        "include-system-site-packages = {system_site_packages}\n"
    ));
    out.push_str(&format!("version = {}\n", info.version_string()));
    if let Some(prompt) = &ctx.cfg_prompt {
        out.push_str(&format!("prompt = {}\n", repr_str(prompt)));
    }
    // 3.11 added the real base executable and the command that made the env.
    if info.at_least(11) {
        out.push_str(&format!(
            "executable = {}\n",
            info.real_executable.display()
        ));
        out.push_str(&format!(
            "command = {}\n",
            command_line(opts, ctx, system_site_packages)
        ));
    }
    out
}

/// The command that recreates this environment: our executable, the base
/// interpreter, then the flags in the order CPython lists them.
fn command_line(opts: &Options, ctx: &Context, system_site_packages: bool) -> String {
    let info = &ctx.interpreter.info;
    let program = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "venv".to_owned());
    let mut args = vec![
        program,
        "--python".to_owned(),
        info.executable.display().to_string(),
    ];
    if !opts.symlinks {
        args.push("--copies".into());
    }
    if !opts.with_pip {
        args.push("--without-pip".into());
    }
    if system_site_packages {
        args.push("--system-site-packages".into());
    }
    if opts.clear {
        args.push("--clear".into());
    }
    if opts.upgrade {
        args.push("--upgrade".into());
    }
    if opts.upgrade_deps {
        args.push("--upgrade-deps".into());
    }
    if let Some(prompt) = &opts.prompt {
        args.push(format!("--prompt=\"{prompt}\""));
    }
    let default_scm = crate::builder::default_scm_ignore_files(info);
    if ctx.scm_ignore_files.is_empty() {
        if !default_scm.is_empty() {
            args.push("--without-scm-ignore-files".into());
        }
    } else if ctx.scm_ignore_files != default_scm {
        args.push(format!(
            "--scm-ignore-files={}",
            ctx.scm_ignore_files.join(",")
        ));
    }
    args.push(ctx.env_dir.display().to_string());
    args.join(" ")
}
