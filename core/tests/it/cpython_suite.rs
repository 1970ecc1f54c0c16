//! CPython's own `test_venv` (3.12's and 3.13's, from the pyenv installs)
//! run against the binary: `core/tests/fixtures/cpython-venv-shim` stands in
//! for the `venv` package, its `EnvBuilder.create` and `python -m venv`
//! running the binary, so every test that creates an environment and
//! inspects it (the tree, `pyvenv.cfg`, `sys.prefix`, sysconfig, pip,
//! activation in bash, `--clear` over environments it made) checks ours.
//!
//! A few tests look inside CPython's Python implementation rather than at
//! what it creates; they cannot apply to another implementation, and are
//! listed here with why. Every one of them must still fail (so the list
//! stays exact), and nothing else may.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// (minor, test id, why it cannot apply to the binary).
const WHITE_BOX: &[(u32, &str, &str)] = &[
    (12, "test_defaults_with_str_path", "asserts `command = <python> -m venv ...`; ours names the venv binary (README: deliberate differences)"),
    (12, "test_defaults_with_pathlib_path", "the same `command =` line"),
    (12, "test_config_file_command_key", "mocks upgrade_dependencies and _setup_pip to pass --upgrade-deps with --without-pip, which the binary refuses as meaningless (and could not mock)"),
    (13, "test_defaults_with_str_path", "the same `command =` line"),
    (13, "test_defaults_with_pathlike", "the same `command =` line"),
    (13, "test_config_file_command_key", "mocks upgrade_dependencies and _setup_pip (as in 3.12)"),
    (13, "test_create_scm_ignore_files_multiple", "a Python subclass's create_bzr_ignore_file; the binary's SCM writers are plugins"),
];

/// Runs `python3.MINOR -m unittest -v test.test_venv` with the shim; returns
/// (tests that passed, tests that failed or errored), by method name.
fn run_suite(s: &Scratch, minor: u32) -> (BTreeSet<String>, BTreeSet<String>, String) {
    let shim = s.path().join("shim");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cpython-venv-shim");
    let status = Command::new("cp")
        .arg("-a")
        .arg(&fixture)
        .arg(&shim)
        .status()
        .unwrap();
    assert!(status.success());
    // For the tests that run `python -m venv` with an environment of their own.
    std::fs::write(
        shim.join("venv/_bin.py"),
        format!("BIN = {:?}\n", venv_bin().to_str().unwrap()),
    )
    .unwrap();
    let out = Command::new(cpython(minor))
        .args(["-m", "unittest", "-v", "test.test_venv"])
        .current_dir(s.path())
        .env("PYTHONPATH", &shim)
        .env("VENV_BIN", venv_bin())
        .env("VENV_CACHE_DIR", s.cache())
        .env("PIP_NO_INDEX", "1")
        .output()
        .unwrap();
    let log = stderr(&out);
    let (mut passed, mut failed) = (BTreeSet::new(), BTreeSet::new());
    // `test_name (test.test_venv.Class.test_name) ... ok`, the docstring's
    // first line sometimes on the next line before ` ... `.
    let mut current: Option<String> = None;
    for line in log.lines() {
        if let Some(name) = line
            .split(" (test.test_venv.")
            .next()
            .filter(|n| n.starts_with("test_"))
        {
            if line.contains(" (test.test_venv.") {
                current = Some(name.trim().to_owned());
            }
        }
        let Some(name) = current.clone() else {
            continue;
        };
        let verdict = line.rsplit(" ... ").next().unwrap_or("").trim();
        if !line.contains(" ... ") {
            continue;
        }
        match verdict {
            "ok" => {
                passed.insert(name);
            }
            "FAIL" | "ERROR" => {
                failed.insert(name);
            }
            v if v.starts_with("skipped") || v.starts_with("expected failure") => {}
            _ => continue,
        }
        current = None;
    }
    // A subtest's failure is reported after the run as `ERROR: name (...) (subtest)`.
    for line in log.lines() {
        for tag in ["ERROR: ", "FAIL: "] {
            if let Some(rest) = line.strip_prefix(tag) {
                let name = rest.split(' ').next().unwrap_or("").to_owned();
                passed.remove(&name);
                failed.insert(name);
            }
        }
    }
    (passed, failed, log)
}

fn check(minor: u32) {
    let s = Scratch::new();
    let (passed, failed, log) = run_suite(&s, minor);
    let expected: BTreeSet<String> = WHITE_BOX
        .iter()
        .filter(|(m, _, _)| *m == minor)
        .map(|(_, t, _)| (*t).to_owned())
        .collect();
    let unexpected: Vec<_> = failed.difference(&expected).collect();
    let now_passing: Vec<_> = expected.difference(&failed).collect();
    assert!(
        unexpected.is_empty() && now_passing.is_empty(),
        "3.{minor}: failing but not white-box: {unexpected:?}; white-box but not failing (drop from WHITE_BOX): {now_passing:?}\n{log}"
    );
    // The suite really ran: most of it creates environments with the binary.
    assert!(
        passed.len() >= 20,
        "3.{minor}: only {} passed\n{log}",
        passed.len()
    );
    for must in [
        "test_overwrite_existing",
        "test_isolation",
        "test_symlinking",
        "test_upgrade",
        "test_prefixes",
        "test_with_pip",
    ] {
        assert!(
            passed.contains(must),
            "3.{minor}: {must} did not pass\n{log}"
        );
    }
}

#[test]
fn cpython_3_12_test_venv_passes_against_the_binary() {
    check(12);
}

#[test]
fn cpython_3_13_test_venv_passes_against_the_binary() {
    check(13);
}
