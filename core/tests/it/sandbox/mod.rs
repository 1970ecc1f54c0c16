//! The sandbox against hostile components, one section per attack class:
//! code or links planted for later host steps, time spent in host calls,
//! memory beyond one linear memory, output through every route, caches that
//! others wrote, policies stepped around, and rollback under stress and
//! signals. Each attack is carried by a component of its own (built from
//! core/tests/fixtures/plugins, or component text under fixtures/wat), and
//! each test asserts what the attack would have achieved is not there.
//!
//! `VENV_TEST_BIN=/path/to/venv cargo test --test it sandbox::` runs the
//! same tests against another build (e.g. one from before these defences,
//! to see them fail).

use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

mod caches;
mod config;
mod deadline;
mod files;
mod grants;
mod holes;
mod hooks_0_2;
mod links;
mod memory;
mod output;
mod planted;
mod policy;
mod programs;
mod rollback;
mod runtime;
mod seeded;

/// A component assembled from WebAssembly text (a fixture or generated).
pub(super) fn assemble(s: &Scratch, name: &str, text: &str) -> PathBuf {
    let bytes = wat::parse_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let path = s.path().join(format!("{name}.wasm"));
    std::fs::write(&path, bytes).unwrap();
    path
}

pub(super) fn wat_fixture(s: &Scratch, name: &str) -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wat")
        .join(format!("{name}.wat"));
    assemble(s, name, &std::fs::read_to_string(&src).unwrap())
}

/// `venv -p 3.12 ARGS` in the scratch dir, with its own cache, offline pip.
pub(super) fn run(s: &Scratch, args: &[&str]) -> Output {
    command(s, args).output().unwrap()
}

/// `venv -p 3.12 --without-pip EXTRA --plugin PLUGIN env`.
pub(super) fn bare(s: &Scratch, plugin: &Path, extra: &[&str]) -> Output {
    let plugin = plugin.to_str().unwrap();
    let args: Vec<&str> = ["--without-pip"]
        .iter()
        .chain(extra)
        .chain(&["--plugin", plugin, "env"])
        .copied()
        .collect();
    run(s, &args)
}

pub(super) fn command(s: &Scratch, args: &[&str]) -> Command {
    let mut cmd = Command::new(venv_bin());
    cmd.args(["-p", &py()])
        .args(args)
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", s.path().join("wheels"))
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    cmd
}

/// Offline wheels for `--upgrade-deps`: 3.12's own pip, or 3.13's newer one.
pub(super) fn wheels(s: &Scratch, newer: bool) {
    let dir = s.path().join("wheels");
    std::fs::create_dir_all(&dir).unwrap();
    let minor = if newer { 13 } else { 12 };
    let bundled = cpython(minor)
        .parent()
        .unwrap()
        .join(format!("../lib/python3.{minor}/ensurepip/_bundled"));
    for e in std::fs::read_dir(bundled).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
}

pub(super) fn opt(name: &str, key: &str, value: &Path) -> String {
    format!("{name}.{key}={}", value.display())
}

/// Asserts a contained failure: non-zero, a last line naming the plugin and
/// `cause`, nothing at ENV_DIR, no staging directory.
pub(super) fn assert_contained(s: &Scratch, out: &Output, name: &str, cause: &str) {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "{name} should have failed; stderr:\n{}",
        tail(&err)
    );
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with("venv: error:")
            && last.contains(&format!("`{name}`"))
            && last.contains(cause),
        "error should name `{name}` and `{cause}`:\n{}",
        tail(&err)
    );
    assert!(
        !s.path().join("env").exists(),
        "{name}: env not rolled back"
    );
    assert_eq!(staging_dirs(s.path()), 0, "{name}: staging dir left behind");
}

pub(super) fn tail(text: &str) -> String {
    let start = text.len().saturating_sub(2000);
    let mut i = start;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    text[i..].to_owned()
}

pub(super) fn staging_dirs(dir: &Path) -> usize {
    names_containing(dir, "venv-staging").len()
}

pub(super) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// Runs `cmd` to its end, sampling its peak resident memory (VmHWM).
pub(super) fn run_measured(mut cmd: Command) -> (Output, u64) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let readers: Vec<_> = [
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
    .map(|pipe| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    })
    .collect();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
            peak = peak.max(hwm << 10);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut outputs = readers.into_iter().map(|r| r.join().unwrap());
    let out = Output {
        status,
        stdout: outputs.next().unwrap(),
        stderr: outputs.next().unwrap(),
    };
    (out, peak)
}
