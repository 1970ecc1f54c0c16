//! Running the environment's own interpreter, as CPython's `_call_new_python`
//! does: no shell, cwd = the env dir, `VIRTUAL_ENV` set, `PYTHONHOME` and
//! `PYTHONPATH` removed. Used by the ensurepip seeder, `--upgrade-deps`, the
//! plugins' `run-python` grant and library callers' own steps; and running
//! any program as if the environment were activated (the plugins'
//! `run-in-env` grant), with the environment variables a policy passes.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::context::Context;

/// How often a wait wakes up to look for a signal.
const POLL: Duration = Duration::from_millis(20);

/// How a run ended.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// The last few non-empty output lines (stdout and stderr), for messages.
    pub tail: Vec<String>,
}

/// Which of the user's environment variables a program started for a
/// plugin sees (the policy's `[run] pass-env`). `VIRTUAL_ENV` is always set
/// and `PYTHONHOME`/`PYTHONPATH` never passed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PassEnv {
    /// Every variable of the user's (the default, as CPython's subprocesses).
    #[default]
    All,
    /// Only these names.
    Only(Vec<String>),
}

impl PassEnv {
    /// The narrower of two: what both pass.
    pub fn narrow(&self, other: &PassEnv) -> PassEnv {
        match (self, other) {
            (PassEnv::All, x) | (x, PassEnv::All) => x.clone(),
            (PassEnv::Only(a), PassEnv::Only(b)) => {
                PassEnv::Only(a.iter().filter(|n| b.contains(n)).cloned().collect())
            }
        }
    }

    /// The user's value of `name`, if it is passed.
    fn get(&self, name: &str) -> Option<OsString> {
        match self {
            PassEnv::Only(names) if !names.iter().any(|n| n == name) => None,
            _ => std::env::var_os(name),
        }
    }
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
/// it is; a bare name in `bin`, then in the PATH [`env_path`] gives.
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

/// Runs `exe args...` for the environment at `env_dir`. Each output line
/// (stdout and stderr, as they arrive) goes to `on_line`. With `limit`, the
/// process is killed when it runs out and the run is an error; so it is when
/// a signal asks for a stop ([`crate::interrupt`]).
pub fn run(
    exe: &Path,
    env_dir: &Path,
    args: &[impl AsRef<OsStr>],
    limit: Option<Duration>,
    on_line: &mut dyn FnMut(&str),
) -> anyhow::Result<Finished> {
    run_with(exe, env_dir, args, &PassEnv::All, None, limit, on_line)
}

/// [`run`], passing only the variables `pass` lets through; with `bin`,
/// as if the environment were activated (its `bin` first on PATH).
pub fn run_with(
    exe: &Path,
    env_dir: &Path,
    args: &[impl AsRef<OsStr>],
    pass: &PassEnv,
    bin: Option<&Path>,
    limit: Option<Duration>,
    on_line: &mut dyn FnMut(&str),
) -> anyhow::Result<Finished> {
    let mut command = Command::new(exe);
    if let PassEnv::Only(names) = pass {
        command.env_clear();
        for name in names {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
    }
    if let Some(bin) = bin {
        command.env("PATH", env_path(bin, pass));
    }
    let mut child = command
        .args(args)
        .current_dir(env_dir)
        .env("VIRTUAL_ENV", env_dir)
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        // macOS framework builds: the env's python must not take another's name.
        .env_remove("__PYVENV_LAUNCHER__")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", exe.display()))?;
    // One reader thread per pipe so that neither can fill up and block the child.
    let (tx, rx) = mpsc::channel::<String>();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child.stdout.take().map(|p| Box::new(p) as _),
        child.stderr.take().map(|p| Box::new(p) as _),
    ];
    let readers: Vec<_> = pipes
        .into_iter()
        .flatten()
        .map(|pipe| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let deadline = limit.map(|l| Instant::now() + l);
    let timed_out = || {
        anyhow::anyhow!(
            "{} exceeded the time limit of {:.1} s and was killed",
            exe.display(),
            limit.unwrap_or_default().as_secs_f64()
        )
    };
    let interrupted = || anyhow::anyhow!("{} was stopped by a signal", exe.display());
    let mut tail: Vec<String> = Vec::new();
    loop {
        if crate::interrupt::requested().is_some() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(interrupted());
        }
        // Wake at least every tick to notice a signal.
        let wait = deadline.map_or(POLL, |d| {
            d.saturating_duration_since(Instant::now()).min(POLL)
        });
        let received = match rx.recv_timeout(wait) {
            Err(mpsc::RecvTimeoutError::Timeout) if deadline.is_none_or(|d| Instant::now() < d) => {
                continue
            }
            other => other,
        };
        match received {
            Ok(line) => {
                on_line(&line);
                if !line.trim().is_empty() {
                    if tail.len() == 3 {
                        tail.remove(0);
                    }
                    tail.push(line);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(timed_out());
            }
        }
    }
    // Both pipes are closed; the child may still be running (it closed them itself).
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(timed_out());
        }
        if crate::interrupt::requested().is_some() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(interrupted());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    for r in readers {
        let _ = r.join();
    }
    Ok(Finished { status, tail })
}

/// Runs the environment's interpreter (`ctx.env_exec_cmd`) and fails, with
/// the tail of its output, when it exits non-zero.
pub fn run_checked(
    ctx: &Context,
    args: &[&str],
    on_line: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let finished = run(&ctx.env_exec_cmd, &ctx.env_dir, args, None, on_line)?;
    if !finished.status.success() {
        anyhow::bail!(
            "`{} {}` exited with {}: {}",
            ctx.env_exec_cmd.display(),
            args.join(" "),
            finished.status,
            finished.tail.join(" | ")
        );
    }
    Ok(())
}
