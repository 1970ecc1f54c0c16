//! Running the environment's own interpreter, as CPython's `_call_new_python`
//! does: no shell, cwd = the env dir, `VIRTUAL_ENV` set, `PYTHONHOME` and
//! `PYTHONPATH` removed. Used by the ensurepip seeder, `--upgrade-deps`, the
//! plugins' `run-python` grant and library callers' own steps; and running
//! any program as if the environment were activated (the plugins'
//! `run-in-env` grant), with the environment variables a policy passes.
//! Both are [`ChildCommand`]s: the process runner does the waiting.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::context::Context;
pub use crate::process::{ChildCommand, Finished, PassEnv, ProcessError};

/// The environment's interpreter `exe` of the env at `env_dir`, set up as
/// CPython's `_call_new_python` runs it.
pub fn python(exe: &Path, env_dir: &Path) -> ChildCommand {
    ChildCommand::new(exe)
        .cwd(env_dir)
        .env("VIRTUAL_ENV", env_dir)
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        // macOS framework builds: the env's python must not take another's name.
        .env_remove("__PYVENV_LAUNCHER__")
}

/// `program` run as if the environment at `env_dir` were activated: its
/// `bin` first on PATH, with the user's variables `pass` lets through.
pub fn activated(program: &Path, env_dir: &Path, bin: &Path, pass: &PassEnv) -> ChildCommand {
    python(program, env_dir)
        .pass_env(pass)
        .env("PATH", env_path(bin, pass))
}

/// The PATH a program run in the environment sees: the env's `bin`, then
/// the user's PATH if it is passed, else the system's usual directories.
fn env_path(bin: &Path, pass: &PassEnv) -> OsString {
    let rest = pass
        .get("PATH")
        .unwrap_or_else(|| OsString::from("/usr/local/bin:/usr/bin:/bin"));
    let dirs = std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&rest));
    std::env::join_paths(dirs).unwrap_or_else(|_| bin.as_os_str().to_owned())
}

/// The program `argv0` names, as a shell would find it with the
/// environment activated: a path (with a `/`, relative to the env dir) as
/// it is; a bare name in `bin`, then in the PATH `env_path` gives.
pub fn find_program(argv0: &str, env_dir: &Path, bin: &Path, pass: &PassEnv) -> Option<PathBuf> {
    if argv0.is_empty() {
        return None;
    }
    if argv0.contains('/') {
        return Some(env_dir.join(argv0));
    }
    std::env::split_paths(&env_path(bin, pass))
        .map(|d| d.join(argv0))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| crate::os::is_executable(&m)))
}

/// Runs the environment's interpreter (`ctx.env_exec_cmd`) with `args` and
/// fails, with the tail of its output, when it exits non-zero. Each output
/// line goes to `on_line`.
pub fn run_checked(
    ctx: &Context,
    args: &[&str],
    on_line: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let command = python(&ctx.env_exec_cmd, &ctx.env_dir).args(args);
    run_checked_command(ctx, command, on_line)
}

/// [`run_checked`] for a command set up otherwise (more variables, say).
pub fn run_checked_command(
    ctx: &Context,
    command: ChildCommand,
    on_line: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let finished = command.run(&mut |line| {
        on_line(line);
        std::ops::ControlFlow::Continue(())
    })?;
    if !finished.status.success() {
        let _ = ctx;
        anyhow::bail!(
            "`{}` exited with {}: {}",
            command.command_line(),
            finished.status,
            finished.tail.join(" | ")
        );
    }
    Ok(())
}
