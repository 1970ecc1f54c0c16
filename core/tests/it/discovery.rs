//! `-p/--python` forms and the default interpreter, including pyenv shims.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn cfg(env: &Path) -> String {
    std::fs::read_to_string(env.join("pyvenv.cfg")).unwrap()
}

/// PATH as a pyenv user has it: pyenv's shims and its own bin, then the system dirs.
fn shims_path(root: &Path) -> String {
    format!(
        "{}:{}:/usr/bin:/bin",
        root.join("shims").display(),
        root.join("bin").display()
    )
}

/// Runs venv with PATH = pyenv's shims + the system dirs, as a pyenv user has it.
fn venv_with_shims(
    s: &Scratch,
    cwd: &Path,
    pyenv_version: Option<&str>,
    args: &[&str],
) -> std::process::Output {
    let root = pyenv_root();
    let mut cmd = s.command_in(cwd, args);
    cmd.env("PYENV_ROOT", &root).env("PATH", shims_path(&root));
    match pyenv_version {
        Some(v) => cmd.env("PYENV_VERSION", v),
        None => cmd.env_remove("PYENV_VERSION"),
    };
    cmd.output().unwrap()
}

#[test]
fn version_requests_find_pyenv_interpreters() {
    let s = Scratch::new();
    // `3.11` may be Debian's /usr/bin/python3.11 (PATH comes first); any 3.11 will do.
    assert_ok(&s.venv(&["--without-pip", "-p", "3.11", "env-311"]), "3.11");
    assert!(cfg(&s.path().join("env-311")).contains("version = 3.11."));
    // Versions that only pyenv has.
    for (request, minor) in [("3.10", 10), ("cpython3.10", 10), ("py3.9", 9)] {
        let env = format!("env-{request}");
        assert_ok(&s.venv(&["--without-pip", "-p", request, &env]), request);
        let cfg = cfg(&s.path().join(&env));
        assert!(
            cfg.contains(&format!("version = {}", full_version(minor))),
            "{request}: {cfg}"
        );
        let link =
            std::fs::read_link(s.path().join(&env).join(format!("bin/python3.{minor}"))).unwrap();
        assert_eq!(
            link,
            cpython(minor),
            "{request} should run as python3.{minor}"
        );
    }
    let exact = full_version(13);
    assert_ok(&s.venv(&["--without-pip", "-p", &exact, "exact"]), &exact);
    assert!(cfg(&s.path().join("exact")).contains(&format!("version = {exact}")));
}

#[test]
fn command_names_resolve_through_pyenv_shims() {
    let s = Scratch::new();
    // python3.10 is a shim; whatever pyenv's global version is, it must end at 3.10.
    let out = venv_with_shims(
        &s,
        s.path(),
        None,
        &["--without-pip", "-p", "python3.10", "env"],
    );
    assert_ok(&out, "-p python3.10");
    assert!(cfg(&s.path().join("env")).contains(&format!("version = {}", full_version(10))));
}

#[test]
fn default_python3_resolves_the_shim_like_python_m_venv_does() {
    let s = Scratch::new();
    let version = full_version(10);
    let out = venv_with_shims(&s, s.path(), Some(&version), &["--without-pip", "ours"]);
    assert_ok(&out, "default python3 with PYENV_VERSION");
    // The real thing, through the same shim.
    let root = pyenv_root();
    let theirs = Command::new(root.join("shims/python3"))
        .args(["-m", "venv", "--without-pip", "theirs"])
        .current_dir(s.path())
        .env("PYENV_ROOT", &root)
        .env("PYENV_VERSION", &version)
        .env("PATH", shims_path(&root))
        .output()
        .unwrap();
    assert_ok(&theirs, "python3 -m venv through the shim");
    let (a, b) = (cfg(&s.path().join("ours")), cfg(&s.path().join("theirs")));
    assert_eq!(
        a.lines().take(3).collect::<Vec<_>>(),
        b.lines().take(3).collect::<Vec<_>>()
    );
    for name in ["python", "python3", "python3.10"] {
        assert_eq!(
            std::fs::read_link(s.path().join("ours/bin").join(name)).unwrap(),
            std::fs::read_link(s.path().join("theirs/bin").join(name)).unwrap(),
            "bin/{name}"
        );
    }
}

#[test]
fn python_version_file_selects_the_default() {
    let s = Scratch::new();
    let project = s.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join(".python-version"),
        format!("{}\n", full_version(9)),
    )
    .unwrap();
    let out = venv_with_shims(&s, &project, None, &["--without-pip", "env"]);
    assert_ok(&out, "default with .python-version");
    assert!(cfg(&project.join("env")).contains(&format!("version = {}", full_version(9))));
}

#[test]
fn relative_interpreter_path() {
    let s = Scratch::new();
    std::os::unix::fs::symlink(cpython(11).parent().unwrap(), s.path().join("pybin")).unwrap();
    assert_ok(
        &s.venv(&["--without-pip", "-p", "./pybin/python3.11", "env"]),
        "relative -p",
    );
    let link = std::fs::read_link(s.path().join("env/bin/python3.11")).unwrap();
    assert_eq!(
        link,
        s.path().join("pybin/python3.11"),
        "sys.executable is the absolute invocation path"
    );
}

#[test]
fn a_venv_python_as_base_uses_its_base() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&[
            "--without-pip",
            "-p",
            cpython(12).to_str().unwrap(),
            "first",
        ]),
        "first",
    );
    let out = s.venv(&["--without-pip", "-p", "first/bin/python", "second"]);
    assert_ok(&out, "second from first's python");
    let theirs = cpython_venv(
        &s.path().join("first/bin/python"),
        s.path(),
        &["--without-pip", "third"],
    );
    assert_ok(&theirs, "python -m venv from a venv python");
    let strip = |t: String| {
        t.lines()
            .filter(|l| !l.starts_with("command"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(cfg(&s.path().join("second"))),
        strip(cfg(&s.path().join("third")))
    );
    assert_eq!(
        std::fs::read_link(s.path().join("second/bin/python3.12")).unwrap(),
        std::fs::read_link(s.path().join("third/bin/python3.12")).unwrap()
    );
}

#[test]
fn a_version_request_finds_what_the_same_name_on_path_runs() {
    let s = Scratch::new();
    // pyenv's shims come first on PATH, Debian's python3.11 after them:
    // `python3.11` in a shell runs pyenv's 3.11, so `-p 3.11` must too.
    let root = pyenv_root();
    let global = std::fs::read_to_string(root.join("version")).unwrap_or_default();
    let eleven = full_version(11);
    assert!(
        global.lines().any(|l| l.trim() == eleven),
        "this test needs pyenv's global version to be {eleven} (pyenv global {eleven})"
    );
    for request in ["3.11", "python3.11"] {
        let env = format!("env-{request}");
        let out = venv_with_shims(&s, s.path(), None, &["--without-pip", "-p", request, &env]);
        assert_ok(&out, request);
        assert!(
            cfg(&s.path().join(&env)).contains(&format!("version = {eleven}\n")),
            "{request}: {}",
            cfg(&s.path().join(&env))
        );
    }
    // `-p 3` honours `.python-version`, as `python3` in that directory does.
    let project = s.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let ten = full_version(10);
    std::fs::write(project.join(".python-version"), format!("{ten}\n")).unwrap();
    let out = venv_with_shims(&s, &project, None, &["--without-pip", "-p", "3", "env"]);
    assert_ok(&out, "-p 3 under .python-version");
    let made = cfg(&project.join("env"));
    assert!(made.contains(&format!("version = {ten}\n")), "{made}");
}

#[test]
fn upgrade_without_p_keeps_the_environments_own_base() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&["--without-pip", "-p", &py(), "env"]),
        "create with 3.12",
    );
    let twelve = full_version(12);
    // The default python3 (pyenv's global) is another minor version.
    let out = venv_with_shims(&s, s.path(), None, &["--upgrade", "--without-pip", "env"]);
    assert_ok(&out, "--upgrade without -p");
    let made = cfg(&s.path().join("env"));
    assert!(made.contains(&format!("version = {twelve}\n")), "{made}");
    assert!(
        stderr(&out).contains(&format!("Python {twelve}")) && stderr(&out).contains("its own base"),
        "{}",
        stderr(&out)
    );
    // -p asks for another version, and gets it.
    let out = s.venv(&[
        "--upgrade",
        "--without-pip",
        "-p",
        cpython(13).to_str().unwrap(),
        "env",
    ]);
    assert_ok(&out, "--upgrade -p 3.13");
    assert!(cfg(&s.path().join("env")).contains(&format!("version = {}\n", full_version(13))));
}

#[test]
fn upgrade_without_p_refuses_a_base_that_became_another_minor_version() {
    let s = Scratch::new();
    let base = copy_of_cpython(12, &s.path().join("py"));
    assert_ok(
        &s.venv(&["--without-pip", "-p", base.to_str().unwrap(), "env"]),
        "create",
    );
    let before = snapshot(&s.path().join("env"));
    // The base's file now runs 3.13 (an in-place replacement by a newer minor).
    std::fs::remove_file(&base).unwrap();
    std::fs::write(
        &base,
        format!("#!/bin/sh\nexec '{}' \"$@\"\n", cpython(13).display()),
    )
    .unwrap();
    std::fs::set_permissions(&base, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = s.venv(&["--upgrade", "--without-pip", "env"]);
    assert_one_line_error(
        &out,
        &["Python 3.12 environment", "now Python 3.13", "pass -p"],
    );
    assert_eq!(snapshot(&s.path().join("env")), before);
}
