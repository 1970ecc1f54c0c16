//! Installed the way Python tools are: the wheel maturin builds (built by
//! tools/test.sh into target/wheels-test) goes into a fresh environment with
//! pip, and the `venv` it puts on that environment's PATH works.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;

fn test_wheel() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wheels-test");
    let wheels: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{} unreadable ({e}): build the wheel with tools/test.sh (maturin build --profile dev --out target/wheels-test)",
                dir.display()
            )
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    assert_eq!(
        wheels.len(),
        1,
        "expected one wheel in {}: {wheels:?}",
        dir.display()
    );
    wheels.into_iter().next().unwrap()
}

#[test]
fn pip_installs_the_wheel_and_its_venv_works() {
    let wheel = test_wheel();
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("venv-") && name.contains("-py3-none-"),
        "{name}"
    );
    let s = Scratch::new();
    let py = cpython(12);
    // A fresh environment made by CPython itself, with its own pip.
    assert_ok(
        &cpython_venv(&py, s.path(), &["tools"]),
        "python -m venv tools",
    );
    let pip = Command::new(s.path().join("tools/bin/pip"))
        .args(["install", "--no-index", "--disable-pip-version-check"])
        .arg(&wheel)
        .output()
        .unwrap();
    assert_ok(&pip, "pip install the wheel");
    let installed = s.path().join("tools/bin/venv");
    assert!(
        installed.is_file(),
        "pip put no venv on the environment's PATH"
    );
    let version = Command::new(&installed).arg("--version").output().unwrap();
    assert_ok(&version, "venv --version");
    assert!(
        stdout(&version).starts_with("venv "),
        "{}",
        stdout(&version)
    );
    let made = Command::new(&installed)
        .args(["-p", py.to_str().unwrap(), "made"])
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
        .output()
        .unwrap();
    assert_ok(&made, "the installed venv creates an environment");
    assert_eq!(
        python_says(
            &s.path().join("made/bin/python"),
            "import sys, pip; print(sys.prefix)"
        )
        .trim(),
        s.path().join("made").to_str().unwrap()
    );
    // And pip takes it out again.
    let gone = Command::new(s.path().join("tools/bin/pip"))
        .args(["uninstall", "-y", "venv"])
        .output()
        .unwrap();
    assert_ok(&gone, "pip uninstall venv");
    assert!(!installed.exists());
}
