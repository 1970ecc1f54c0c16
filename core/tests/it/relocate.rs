//! `--relocatable`, `--repair`, `--check` and `--pack` from the command line:
//! the usage line keeps its meaning (`venv pack` makes `./pack`), bad input
//! fails in one line and writes nothing, and converting an environment in
//! place. Their use in real shells after a move is `activation::moved`.

use std::process::Output;

use crate::common::*;

fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success(), "expected failure: {}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "expected one line:\n{err}");
    assert!(err.contains(needle), "{err:?} does not mention {needle:?}");
}

#[test]
fn directories_named_like_the_new_flags_are_environments() {
    let s = Scratch::new();
    let py = cpython(12);
    let out = s.venv(&[
        "--without-pip",
        "-p",
        py.to_str().unwrap(),
        "pack",
        "repair",
        "check",
    ]);
    assert_ok(&out, "venv pack repair check");
    for name in ["pack", "repair", "check"] {
        assert!(s.path().join(name).join("pyvenv.cfg").is_file(), "{name}");
    }
    let out = s.venv(&["--check", "pack", "repair", "check"]);
    assert_ok(&out, "venv --check pack repair check");
    assert_eq!(stdout(&out).lines().count(), 3, "{}", stdout(&out));
    assert!(stdout(&out).contains("consistent with its location"));
    let out = s.venv(&["--pack", "pack", "-o", "pack.tar.gz"]);
    assert_ok(&out, "venv --pack pack");
    assert!(s.path().join("pack.tar.gz").is_file());
}

#[test]
fn bad_input_fails_in_one_line_and_writes_nothing() {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("plain")).unwrap();
    let out = s.venv(&["--check", "plain"]);
    assert_one_line_error(&out, "is not a virtual environment");
    let out = s.venv(&["--repair", "plain"]);
    assert_one_line_error(&out, "is not a virtual environment");

    let py = cpython(12);
    assert_ok(
        &s.venv(&["--without-pip", "-p", py.to_str().unwrap(), "env"]),
        "venv env",
    );
    let before = snapshot(&s.path().join("env"));
    let out = s.venv(&["--pack", "env", "-o", "env/inside.tar.zst"]);
    assert_one_line_error(&out, "inside the environment");
    let out = s.venv(&["--pack", "env", "-o", "env.zip"]);
    assert_one_line_error(&out, ".tar.zst or .tar.gz");
    let out = s.venv(&["--pack", "env", "-o", "no/such/dir/env.tar.zst"]);
    assert_one_line_error(&out, "cannot write the archive");
    assert_eq!(before, snapshot(&s.path().join("env")));
    let left: Vec<_> = std::fs::read_dir(s.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "env" && n != "plain" && n != ".cache")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn repair_relocatable_converts_an_environment_in_place() {
    let s = Scratch::new();
    let py = cpython(13);
    assert_ok(&s.venv(&["-p", py.to_str().unwrap(), "env"]), "venv env");
    let cfg = std::fs::read_to_string(s.path().join("env/pyvenv.cfg")).unwrap();
    assert!(
        cfg.contains("\ncommand = ") && !cfg.contains("relocatable"),
        "{cfg}"
    );
    let out = s.venv(&["--repair", "--relocatable", "env"]);
    assert_ok(&out, "venv --repair --relocatable");
    let cfg = std::fs::read_to_string(s.path().join("env/pyvenv.cfg")).unwrap();
    assert!(
        cfg.contains("relocatable = true\n") && !cfg.contains("command"),
        "{cfg}"
    );
    let out = s.venv(&["--check", "env"]);
    assert_ok(&out, "venv --check");
    assert!(stdout(&out).contains("relocatable"), "{}", stdout(&out));

    // Moved, it works without a repair: pip's launcher runs the moved
    // interpreter, and pip's console scripts installed later name no path.
    std::fs::rename(s.path().join("env"), s.path().join("moved")).unwrap();
    let moved = s.path().join("moved");
    let out = std::process::Command::new(moved.join("bin/pip"))
        .arg("--version")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap();
    assert_ok(&out, "pip --version after the move");
    assert!(
        stdout(&out).contains(&*moved.to_string_lossy()),
        "{}",
        stdout(&out)
    );
    let activate = std::fs::read_to_string(moved.join("bin/activate")).unwrap();
    assert!(
        !activate.contains(&*s.path().to_string_lossy()),
        "{activate}"
    );
    assert_ok(
        &s.venv(&["--check", "moved"]),
        "venv --check after the move",
    );
}
