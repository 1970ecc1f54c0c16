//! CPython's own route to pip: the env's interpreter runs
//! `ensurepip --upgrade --default-pip`. Used when the base has no bundled
//! wheels we can read, or when asked for with `--seeder ensurepip`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::builder::{Context, EnvBuilder};

/// CPython's `_setup_pip`.
pub fn run_ensurepip(_builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    ctx.ensure_published()?;
    // 3.8 and 3.9 ran ensurepip isolated (-I); 3.10+ clean the env vars instead (gh-98251).
    let args: &[&str] = if ctx.interpreter.info.at_least(10) {
        &["-m", "ensurepip", "--upgrade", "--default-pip"]
    } else {
        &["-Im", "ensurepip", "--upgrade", "--default-pip"]
    };
    run_env_python(ctx, args, None)
}

/// The packages `--upgrade-deps` upgrades: CPython's `CORE_VENV_DEPS`.
pub fn core_deps(ctx: &Context) -> &'static [&'static str] {
    if ctx.interpreter.info.at_least(12) {
        &["pip"]
    } else {
        &["pip", "setuptools"]
    }
}

/// CPython's `upgrade_dependencies`: `pip install --upgrade` from the package
/// index, with pip's own output shown as it runs.
pub fn upgrade_dependencies(_builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    ctx.ensure_published()?;
    let mut args = vec!["-m", "pip", "install", "--upgrade"];
    args.extend_from_slice(core_deps(ctx));
    run_env_python(ctx, &args, Some(&mut |line: &str| eprintln!("{line}")))
}

/// Runs the environment's interpreter as CPython's `_call_new_python` does:
/// cwd = env dir, VIRTUAL_ENV set, PYTHONHOME and PYTHONPATH removed. Output
/// is captured and, on failure, its tail becomes the error; `progress`, when
/// given, sees each line as it arrives.
pub fn run_env_python(ctx: &Context, args: &[&str], mut progress: Option<&mut dyn FnMut(&str)>) -> anyhow::Result<()> {
    let mut child = Command::new(&ctx.env_exec_cmd)
        .args(args)
        .current_dir(&ctx.env_dir)
        .env("VIRTUAL_ENV", &ctx.env_dir)
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", ctx.env_exec_cmd.display()))?;
    // Drain stderr on a thread so neither pipe can fill up and block the child.
    let stderr = child.stderr.take().expect("piped");
    let err_thread = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            lines.push(line);
        }
        lines
    });
    let mut out_lines = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines().map_while(Result::ok) {
        if let Some(p) = progress.as_mut() {
            p(&line);
        }
        out_lines.push(line);
    }
    let err_lines = err_thread.join().unwrap_or_default();
    let status = child.wait()?;
    if let Some(p) = progress.as_mut() {
        for line in &err_lines {
            p(line);
        }
    }
    if !status.success() {
        let tail: Vec<&str> =
            out_lines.iter().chain(err_lines.iter()).map(String::as_str).filter(|l| !l.trim().is_empty()).collect();
        let tail = tail[tail.len().saturating_sub(3)..].join(" | ");
        anyhow::bail!("`{} {}` exited with {status}: {tail}", ctx.env_exec_cmd.display(), args.join(" "));
    }
    Ok(())
}
