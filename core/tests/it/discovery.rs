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

/// `venv --without-pip -p REQUEST ENV` from the scratch dir, with `path`
/// as PATH when given.
fn create_with(s: &Scratch, path: Option<&str>, request: &str, env: &str) -> std::process::Output {
    let mut cmd = s.command_in(s.path(), &["--without-pip", "-p", request, env]);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    cmd.output().unwrap()
}

#[test]
fn specifiers_pick_the_newest_match_and_say_which() {
    let s = Scratch::new();
    for (request, minor) in [
        (">=3.11", 13),
        (">=3.10,<3.13", 12),
        (">= 3.9, < 3.11", 10),
        ("~=3.11", 13),
        ("~=3.9.0", 9),
        ("!=3.13.*", 12),
        ("==3.10.*", 10),
        ("cpython>=3.12", 13),
    ] {
        let env = format!("env-{minor}-{}", request.len());
        let out = create_with(&s, None, request, &env);
        assert_ok(&out, request);
        let version = full_version(minor);
        assert!(
            cfg(&s.path().join(&env)).contains(&format!("version = {version}\n")),
            "{request}: {}",
            cfg(&s.path().join(&env))
        );
        assert_eq!(
            std::fs::read_link(s.path().join(&env).join(format!("bin/python3.{minor}"))).unwrap(),
            cpython(minor),
            "{request}"
        );
        // Said on stderr (not only with -v), with what else matched.
        let err = stderr(&out);
        let said = format!(
            "venv: Python {request}: using {version} at {}",
            cpython(minor).display()
        );
        assert!(err.lines().any(|l| l.starts_with(&said)), "{said}\n{err}");
    }
    // Debian's 3.11 first on PATH, pyenv's newer 3.11 after: a range takes
    // the newest, where `-p 3.11` takes the first, as a shell would.
    let path = format!("/usr/bin:/bin:{}", std::env::var("PATH").unwrap());
    let out = create_with(&s, Some(&path), "==3.11.*", "range");
    assert_ok(&out, "==3.11.*");
    let eleven = full_version(11);
    assert!(cfg(&s.path().join("range")).contains(&format!("version = {eleven}\n")));
    assert!(
        stderr(&out).contains(", the newest of 3.11."),
        "{}",
        stderr(&out)
    );
    let out = create_with(&s, Some(&path), "3.11", "first");
    assert_ok(&out, "3.11");
    let debian = python_says(
        Path::new("/usr/bin/python3.11"),
        "import platform; print(platform.python_version())",
    );
    assert!(
        cfg(&s.path().join("first")).contains(&format!("version = {}\n", debian.trim())),
        "{}",
        cfg(&s.path().join("first"))
    );
}

#[test]
fn a_range_that_matches_nothing_or_does_not_parse_is_one_line() {
    let s = Scratch::new();
    let out = create_with(&s, None, ">=3.99", "env");
    assert_one_line_error(
        &out,
        &["no Python found for `>=3.99`", "found:", &full_version(13)],
    );
    let out = create_with(&s, None, ">=3.x", "env");
    assert_one_line_error(&out, &["`>=3.x` is not a version request", "PEP 440"]);
    assert!(!s.path().join("env").exists());
}

#[test]
fn implementation_prefixes_take_only_that_implementation() {
    let s = Scratch::new();
    // A PyPy that answers to `python3.9`, first on PATH.
    let bin = s.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink("/usr/bin/pypy3.9", bin.join("python3.9")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let is_pypy = |env: &str| {
        s.path()
            .join(env)
            .join("lib/pypy3.9/site-packages")
            .is_dir()
    };
    // `3.9` is what `python3.9` runs here: the PyPy.
    assert_ok(&create_with(&s, Some(&path), "3.9", "any"), "3.9");
    assert!(is_pypy("any"));
    // `cpython3.9` passes it by for pyenv's CPython.
    assert_ok(
        &create_with(&s, Some(&path), "cpython3.9", "cpython"),
        "cpython3.9",
    );
    assert!(!is_pypy("cpython"));
    assert!(cfg(&s.path().join("cpython")).contains(&format!("version = {}\n", full_version(9))));
    // `pypy3.9`, `pypy3` and `pypy>=3.9` take Debian's PyPy.
    for request in ["pypy3.9", "pypy3", "pypy>=3.9"] {
        let env = format!("env-{}", request.len());
        assert_ok(&create_with(&s, None, request, &env), request);
        assert!(is_pypy(&env), "{request}");
    }
    // A PyPy version that is not here: the list names what is, PyPy's marked.
    let out = create_with(&s, None, "pypy3.10", "none");
    assert_one_line_error(&out, &["pypy3.10 (PyPy)", "3.9.16 (PyPy) (/usr/bin/pypy3"]);
    assert!(!s.path().join("none").exists());
}

/// Writes at `path` a stand-in for a free-threaded CPython 3.13: it answers
/// venv's interpreter query with the facts recorded for such a build
/// (`linux-cpython-3.13t.json`), its own path as the executable. No
/// free-threaded CPython can be installed on this machine (Debian ships
/// none, and no source is served); the stand-in only serves discovery
/// (`--show-config`), never a creation.
fn free_threaded_stand_in(path: &Path) {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/interpreters/linux-cpython-3.13t.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut facts = fixture["facts"].clone();
    for key in ["executable", "real_executable", "base_executable"] {
        facts[key] = serde_json::Value::String(path.display().to_string());
    }
    facts["query_version"] = serde_json::json!(5);
    std::fs::write(path, format!("#!/bin/sh\ncat <<'EOF'\n{facts}\nEOF\n")).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

#[test]
fn free_threaded_requests_never_take_the_default_build_and_back() {
    let s = Scratch::new();
    // On this machine there are only default builds: `3.13t` is refused,
    // saying what it looked for, and nothing is created.
    let out = create_with(&s, None, "3.13t", "env");
    assert_one_line_error(
        &out,
        &[
            "`3.13t (a free-threaded build)`",
            &format!("{} (", full_version(13)),
        ],
    );
    assert!(!stderr(&out).contains(&format!("{}t", full_version(13))));
    assert!(!s.path().join("env").exists());
    // A free-threaded build (a stand-in, see above) first on PATH under
    // both names: `3.13t` takes it, `3.13` and `>=3.13` pass it by.
    let bin = s.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    free_threaded_stand_in(&bin.join("python3.13t"));
    std::os::unix::fs::symlink("python3.13t", bin.join("python3.13")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let finds = |request: &str| {
        let out = s
            .command_in(s.path(), &["--show-config", "-p", request])
            .env("PATH", &path)
            .output()
            .unwrap();
        assert_ok(&out, request);
        let text = stdout(&out);
        text.lines()
            .find_map(|l| l.split_once(", which finds ").map(|(_, f)| f.to_owned()))
            .unwrap_or_else(|| panic!("{text}"))
    };
    assert_eq!(
        finds("3.13t"),
        format!("Python 3.13.1t at {}", bin.join("python3.13t").display())
    );
    assert_eq!(
        finds("cpython3.13t"),
        format!("Python 3.13.1t at {}", bin.join("python3.13t").display())
    );
    let default = format!("Python {} at {}", full_version(13), cpython(13).display());
    assert_eq!(finds("3.13"), default);
    assert_eq!(finds(">=3.13"), default);
    assert_eq!(finds("~=3.12"), default);
}
