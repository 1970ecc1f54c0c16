//! Running the environment's own interpreter, as CPython's `_call_new_python`
//! does: no shell, cwd = the env dir, `VIRTUAL_ENV` set, `PYTHONHOME` and
//! `PYTHONPATH` removed. Used by the ensurepip seeder, `--upgrade-deps`, the
//! plugins' `run-python` grant and library callers' own steps.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
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
    let mut child = Command::new(exe)
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
