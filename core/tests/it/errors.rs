//! Bad input: each case gets a one-line error naming the problem and the fix,
//! a non-zero exit, and leaves the disk exactly as it was.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::common::*;

#[test]
fn env_dir_is_a_regular_file() {
    let s = Scratch::new();
    let file = s.path().join("env");
    std::fs::write(&file, "keep me").unwrap();
    let out = s.venv(&["--without-pip", "-p", cpython(12).to_str().unwrap(), "env"]);
    assert_one_line_error(&out, &["exists and is not a directory"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn python_that_does_not_exist() {
    let s = Scratch::new();
    let out = s.venv(&["--without-pip", "-p", "/nonexistent/python3", "env"]);
    assert_one_line_error(&out, &["/nonexistent/python3", "no such file"]);
    assert!(!s.path().join("env").exists());
}

#[test]
fn version_that_is_not_installed_lists_what_was_found() {
    let s = Scratch::new();
    let out = s.venv(&["--without-pip", "-p", "3.99", "env"]);
    let twelve = full_version(12);
    assert_one_line_error(&out, &["no Python found for `3.99`", "found:", &twelve]);
    assert!(!s.path().join("env").exists());
}

#[test]
fn command_that_is_not_python() {
    let s = Scratch::new();
    let out = s.venv(&["--without-pip", "-p", "/bin/true", "env"]);
    assert_one_line_error(&out, &["/bin/true", "is not a Python interpreter"]);
    assert!(!s.path().join("env").exists());
}

#[test]
fn python_2_is_refused() {
    let s = Scratch::new();
    let py2 = std::fs::read_dir(pyenv_root().join("versions"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("2.7"))
        .expect("pyenv has no Python 2.7 (install it with `pyenv install 2.7`)")
        .join("bin/python2.7");
    let out = s.venv(&["--without-pip", "-p", py2.to_str().unwrap(), "env"]);
    assert_one_line_error(&out, &["is Python 2.7", "venv serves CPython 3.8+, PyPy"]);
    assert!(!s.path().join("env").exists());
}

#[test]
fn python_3_7_is_refused() {
    let s = Scratch::new();
    let py37 = std::fs::read_dir(pyenv_root().join("versions"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("3.7."))
        .expect("pyenv has no Python 3.7 (install it with `pyenv install 3.7`)")
        .join("bin/python3.7");
    let out = s.venv(&["--without-pip", "-p", py37.to_str().unwrap(), "env"]);
    assert_one_line_error(&out, &["is Python 3.7", "venv serves CPython 3.8+"]);
    assert!(!s.path().join("env").exists());
}

/// An interpreter of an implementation whose venv we do not model (a stand-in
/// that answers the query as such an interpreter would: its version and name).
#[test]
fn unknown_implementation_is_refused() {
    let s = Scratch::new();
    let fake = s.path().join("ironpython");
    std::fs::write(
        &fake,
        "#!/bin/sh\nprintf '{\"version\": [3, 12, 0], \"implementation\": \"ironpython\"}'\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = s.venv(&["--without-pip", "-p", fake.to_str().unwrap(), "env"]);
    assert_one_line_error(
        &out,
        &[
            "is ironpython",
            "venv serves CPython 3.8+, PyPy 3.8+ and GraalPy",
        ],
    );
    assert!(!s.path().join("env").exists());
}

#[test]
fn upgrade_with_clear_is_refused() {
    let s = Scratch::new();
    let out = s.venv(&[
        "--upgrade",
        "--clear",
        "--without-pip",
        "-p",
        cpython(12).to_str().unwrap(),
        "env",
    ]);
    assert_one_line_error(&out, &["--upgrade and --clear"]);
    assert!(!s.path().join("env").exists());
}

#[test]
fn upgrade_of_something_that_is_not_an_env_creates_it_as_cpython_does() {
    // CPython's --upgrade creates an environment where there is none (its
    // own test suite and `python -m venv --upgrade .venv` scripts rely on
    // it), skipping the activation scripts as --upgrade always does.
    let s = Scratch::new();
    let py = cpython(12);
    for side in ["our", "cpy"] {
        let dir = s.path().join(side).join("project");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.py"), "print()").unwrap();
    }
    for target in ["project", "missing"] {
        let args = ["--upgrade", "--without-pip", target];
        let ours = s.venv_in(
            &s.path().join("our"),
            &[&["-p", py.to_str().unwrap()][..], &args[..]].concat(),
        );
        assert_ok(&ours, &format!("venv --upgrade {target}"));
        assert_ok(
            &cpython_venv(&py, &s.path().join("cpy"), &args),
            &format!("python -m venv --upgrade {target}"),
        );
        let diffs = diff_trees(
            &snapshot(&s.path().join("our").join(target)),
            &snapshot(&s.path().join("cpy").join(target)),
            &[],
            &|path: &str| path != "pyvenv.cfg",
        );
        assert!(diffs.is_empty(), "{target}: {diffs:#?}");
        assert!(!s
            .path()
            .join("our")
            .join(target)
            .join("bin/activate")
            .exists());
    }
}

#[test]
fn path_separator_in_env_dir() {
    let s = Scratch::new();
    let out = s.venv(&["--without-pip", "-p", cpython(12).to_str().unwrap(), "a:b"]);
    assert_one_line_error(&out, &["PATH separator"]);
    assert!(!s.path().join("a:b").exists());
}

#[test]
fn base_without_ensurepip_suggests_without_pip() {
    let s = Scratch::new();
    let python = copy_of_cpython(12, &s.path().join("py"));
    std::fs::remove_dir_all(s.path().join("py/lib/python3.12/ensurepip")).unwrap();
    let out = s.venv(&["-p", python.to_str().unwrap(), "env"]);
    // Debian's own venv names the version's package, not python3-venv.
    assert_one_line_error(
        &out,
        &[
            "no ensurepip",
            "apt install python3.12-venv)",
            "--without-pip",
        ],
    );
    assert!(!s.path().join("env").exists());
    // And the suggested fix works.
    let out = s.venv(&["--without-pip", "-p", python.to_str().unwrap(), "env"]);
    assert_ok(&out, "venv --without-pip with a base lacking ensurepip");
}

/// Cached facts follow what is installed: ensurepip removed after a
/// creation (`apt remove python3.X-venv`) is seen at once, and so is its
/// return, with the same cache throughout.
#[test]
fn cached_facts_follow_ensurepip_coming_and_going() {
    let s = Scratch::new();
    let python = copy_of_cpython(12, &s.path().join("py"));
    let py = python.to_str().unwrap();
    let ensurepip = s.path().join("py/lib/python3.12/ensurepip");
    let aside = s.path().join("ensurepip-aside");
    assert_ok(&s.venv(&["-p", py, "one"]), "venv with ensurepip");
    std::fs::rename(&ensurepip, &aside).unwrap();
    let out = s.venv(&["-p", py, "two"]);
    assert_one_line_error(&out, &["no ensurepip", "python3.12-venv"]);
    assert!(!s.path().join("two").exists());
    std::fs::rename(&aside, &ensurepip).unwrap();
    assert_ok(&s.venv(&["-p", py, "two"]), "venv once ensurepip is back");
    assert!(s.path().join("two/bin/pip").is_file());
}

#[test]
fn parent_not_writable() {
    let s = Scratch::new();
    // Root ignores permission bits, so the attempt runs as `nobody` with a copy
    // of our binary and Debian's python3 (pyenv's live under root's 0700 home).
    std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = s.path().join("venv");
    std::fs::copy(venv_bin(), &bin).unwrap();
    let ro = s.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let cache = s.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    // A shared cache root, as /tmp is: sticky, so each user's entries stay theirs.
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_owned()
    } else {
        cpython(12).display().to_string()
    };
    let is_root = rustix_is_root();
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let out = cmd
        .args(["--without-pip", "-p", &python])
        .arg(ro.join("env"))
        .env("VENV_CACHE_DIR", &cache)
        .current_dir(s.path())
        .output()
        .expect("run venv as nobody (needs setpriv from util-linux)");
    assert_one_line_error(
        &out,
        &["is not writable", "choose a directory you can write to"],
    );
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
}

fn rustix_is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    stdout(&out).trim() == "0"
}

#[test]
fn no_temporary_directory_is_one_line_not_a_panic() {
    // --no-cache seeds pip in a private temporary directory; with TMPDIR
    // unusable that is an error to report, not a crash.
    let s = Scratch::new();
    let out = s
        .command_in(s.path(), &["--no-cache", "-p", &py(), "env"])
        .env("TMPDIR", s.path().join("no-such-dir"))
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(101),
        "venv panicked: {}",
        stderr(&out)
    );
    assert_one_line_error(&out, &["set TMPDIR"]);
    assert!(!s.path().join("env").exists());
}
