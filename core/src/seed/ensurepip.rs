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

/// Runs the environment's interpreter (see `spawn_env_python`). Output
/// is captured and, on failure, its tail becomes the error; `progress`, when
/// given, sees each line as it arrives.
pub fn run_env_python(
    ctx: &Context,
    args: &[&str],
    mut progress: Option<&mut dyn FnMut(&str)>,
) -> anyhow::Result<()> {
    let mut child = spawn_env_python(&ctx.env_exec_cmd, &ctx.env_dir, args)?;
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
    for line in BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .map_while(Result::ok)
    {
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
        let tail: Vec<&str> = out_lines
            .iter()
            .chain(err_lines.iter())
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
            .collect();
        let tail = tail[tail.len().saturating_sub(3)..].join(" | ");
        anyhow::bail!(
            "`{} {}` exited with {status}: {tail}",
            ctx.env_exec_cmd.display(),
            args.join(" ")
        );
    }
    Ok(())
}

/// Runs `exe args...` (no shell) in `cwd` with the env's variables as
/// `run_env_python` sets them, killing it after `timeout`. Each output line
/// goes to `progress`. Returns the exit code.
pub fn run_with_timeout(
    exe: &std::path::Path,
    env_dir: &std::path::Path,
    args: &[String],
    timeout: std::time::Duration,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<i32> {
    use std::sync::mpsc;
    let mut child = spawn_env_python(exe, env_dir, args)?;
    let (tx, rx) = mpsc::channel::<String>();
    let mut readers = Vec::new();
    for pipe in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
            Ok(line) => progress(&line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                anyhow::bail!(
                    "{} exceeded the time limit of {:.1} s and was killed",
                    exe.display(),
                    timeout.as_secs_f64()
                );
            }
        }
    }
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!(
                "{} exceeded the time limit of {:.1} s and was killed",
                exe.display(),
                timeout.as_secs_f64()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    for r in readers {
        let _ = r.join();
    }
    Ok(status.code().unwrap_or(-1))
}

/// Starts the env's interpreter as CPython's `_call_new_python` does: cwd =
/// env dir, VIRTUAL_ENV set, PYTHONHOME and PYTHONPATH removed, output piped.
fn spawn_env_python(
    exe: &std::path::Path,
    env_dir: &std::path::Path,
    args: &[impl AsRef<std::ffi::OsStr>],
) -> anyhow::Result<std::process::Child> {
    Command::new(exe)
        .args(args)
        .current_dir(env_dir)
        .env("VIRTUAL_ENV", env_dir)
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", exe.display()))
}
