//! The command line: every combination of flags that cannot mean anything
//! is refused before anything happens, with exit status 2 and one line (in
//! the colour `--color` asks for); messages name things as a user would.

use std::path::Path;

use crate::common::*;

/// Each row: flags that cannot go together, and one of the flags the line names.
const MEANINGLESS: &[(&[&str], &str)] = &[
    (&["--symlinks", "--copies", "env"], "--copies"),
    (&["--cache-clean", "--pack", "env"], "--pack"),
    (&["--cache-info", "--pack", "env"], "--pack"),
    (&["--cache-info", "env"], "--cache-info"),
    (&["--cache-clean", "env"], "--cache-clean"),
    (&["--cache-clean", "--cache-info"], "--cache-info"),
    (&["--repair", "--clear", "env"], "--clear"),
    (&["--repair", "--upgrade", "env"], "--upgrade"),
    (&["--repair", "-p", "3.12", "env"], "--python"),
    (&["--repair", "--check", "env"], "--check"),
    (&["--repair", "--pack", "env"], "--pack"),
    (&["--check", "-p", "3.12", "env"], "--python"),
    (&["--check", "--without-pip", "env"], "--without-pip"),
    (&["--check", "--relocatable", "env"], "--relocatable"),
    (&["--check", "--prompt", "x", "env"], "--prompt"),
    (
        &["--pack", "--system-site-packages", "env"],
        "--system-site-packages",
    ),
    (&["--pack", "--plugin", "x.wasm", "env"], "--plugin"),
    (&["--pack", "--relocatable", "env"], "--relocatable"),
    (&["--pack", "--seeder", "native", "env"], "--seeder"),
    (
        &["--without-pip", "--upgrade-deps", "env"],
        "--upgrade-deps",
    ),
    (
        &["--without-pip", "--link-mode", "copy", "env"],
        "--link-mode",
    ),
    (&["--without-pip", "--seeder", "native", "env"], "--seeder"),
    (&["--without-pip", "--no-compile", "env"], "--no-compile"),
    (
        &[
            "--without-scm-ignore-files",
            "--scm-ignore-files",
            "git",
            "env",
        ],
        "--scm-ignore-files",
    ),
    (&["--show-policy", "env"], "--show-policy"),
    (&["--show-policy", "--clear"], "--clear"),
    (&["--inspect-plugin", "x.wasm", "env"], "--inspect-plugin"),
    (
        &["--inspect-plugin", "x.wasm", "--plugin-time", "2"],
        "--plugin-time",
    ),
    (&["--generate-man", "env"], "--generate-man"),
    (
        &["--generate-shell-completion", "bash", "--cache-info"],
        "--cache-info",
    ),
    (&["--dry-run", "env"], "--repair"),
    (&["-o", "x.tar.zst", "env"], "--pack"),
    (&["-q", "-v", "env"], "--verbose"),
];

#[test]
fn meaningless_combinations_are_refused_with_exit_2_and_one_line() {
    let s = Scratch::new();
    // Something to pack, check or repair, in case a combination got through.
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let before = snapshot(s.path());
    let mut wrong = Vec::new();
    for (args, named) in MEANINGLESS {
        let out = s.venv(args);
        let err = stderr(&out);
        let ok = out.status.code() == Some(2)
            && err.lines().count() == 1
            && err.starts_with("venv: error: ")
            && err.contains(named)
            && stdout(&out).is_empty();
        if !ok {
            wrong.push(format!(
                "{args:?}: exit {:?}, stderr {err:?}",
                out.status.code()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "accepted or badly refused:\n{}",
        wrong.join("\n")
    );
    let after = snapshot(s.path());
    let changed: Vec<_> = after
        .keys()
        .filter(|k| !k.starts_with(".cache"))
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.is_empty(), "a refused command changed {changed:?}");
}

#[test]
fn combinations_that_mean_something_still_work() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&["--without-pip", "--symlinks", "-p", &py(), "a"]),
        "--symlinks",
    );
    assert_ok(
        &s.venv(&["--without-pip", "--copies", "-p", &py(), "b"]),
        "--copies",
    );
    assert_ok(
        &s.venv(&["--repair", "--dry-run", "--relocatable", "a"]),
        "--repair --dry-run --relocatable",
    );
    assert_ok(&s.venv(&["--pack", "a", "-o", "a.tar.gz"]), "--pack -o");
    assert_ok(
        &s.venv(&["--show-policy", "--plugin-time", "2"]),
        "--show-policy with a limit",
    );
    assert_ok(&s.venv(&["--check", "a", "b"]), "--check");
}

#[test]
fn usage_errors_take_the_colour_asked_for() {
    let s = Scratch::new();
    // On a pipe, `always` colours the one line...
    let out = s.venv(&["--color", "always", "--symlinks", "--copies", "env"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\x1b[1;31merror:"),
        "{:?}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
    // ...and on a terminal `never` keeps it plain.
    let line = format!(
        "{} --color=never --symlinks --copies env",
        venv_bin().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .current_dir(s.path())
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("cannot be used with"), "{text:?}");
    assert!(
        !text.contains('\x1b'),
        "colour despite --color never: {text:?}"
    );
    assert!(!s.path().join("env").exists());
}

#[test]
fn a_huge_limit_is_echoed_as_written() {
    let s = Scratch::new();
    let out = s.venv(&["--without-pip", "--plugin-time", "1e300", "env"]);
    assert_one_line_error(&out, &["1e300", "is invalid"]);
    assert!(!stderr(&out).contains("000000000000"), "{}", stderr(&out));
}

#[test]
fn no_env_dir_creates_dot_venv_in_the_current_directory() {
    let s = Scratch::new();
    let project = s.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let out = s.venv_in(&project, &["--without-pip", "-p", &py()]);
    assert_ok(&out, "venv with no ENV_DIR");
    let env = project.join(".venv");
    let cfg = std::fs::read_to_string(env.join("pyvenv.cfg")).unwrap();
    // CPython's `command =` names the environment's absolute path.
    assert!(
        cfg.lines()
            .any(|l| l.starts_with("command = ") && l.ends_with(&format!(" {}", env.display()))),
        "{cfg}"
    );
    let prefix = python_says(&env.join("bin/python"), "import sys; print(sys.prefix)");
    assert_eq!(prefix.trim(), env.display().to_string());
    // Nothing else appeared beside it.
    let names: Vec<String> = std::fs::read_dir(&project)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [".venv"]);
    // CPython's usage line keeps its meaning: a name is an ENV_DIR, even `pack`.
    assert_ok(
        &s.venv_in(&project, &["--without-pip", "-p", &py(), "pack"]),
        "venv pack",
    );
    assert!(project.join("pack/pyvenv.cfg").is_file());
}

#[test]
fn check_repair_and_pack_without_env_dir_work_on_dot_venv() {
    let s = Scratch::new();
    let project = s.path().join("project");
    std::fs::create_dir(&project).unwrap();
    // No .venv yet: one line naming it, exit 1, nothing written.
    for flag in ["--check", "--repair", "--pack"] {
        let out = s.venv_in(&project, &[flag]);
        assert_one_line_error(&out, &[flag, "no ENV_DIR", ".venv"]);
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert_eq!(std::fs::read_dir(&project).unwrap().count(), 0, "{flag}");
    }
    assert_ok(
        &s.venv_in(&project, &["--without-pip", "-p", &py()]),
        "create .venv",
    );
    let out = s.venv_in(&project, &["--check"]);
    assert_ok(&out, "--check");
    assert!(stdout(&out).contains(".venv"), "{}", stdout(&out));
    let out = s.venv_in(&project, &["--repair", "--dry-run"]);
    assert_ok(&out, "--repair --dry-run");
    assert!(
        stdout(&out).contains(&format!(
            "{}: nothing to change",
            project.join(".venv").display()
        )),
        "{}",
        stdout(&out)
    );
    // --pack names the archive after the directory, not as a hidden file.
    let out = s.venv_in(&project, &["--pack"]);
    assert_ok(&out, "--pack");
    assert!(project.join("venv.tar.zst").is_file(), "{}", stdout(&out));
    assert!(!project.join(".venv.tar.zst").exists());
}

/// `-h` at `columns` columns.
fn short_help(columns: &str) -> String {
    let out = std::process::Command::new(venv_bin())
        .arg("-h")
        .env("COLUMNS", columns)
        .output()
        .unwrap();
    assert_ok(&out, "-h");
    stdout(&out)
}

#[test]
fn short_help_is_a_summary_with_cpythons_flags_and_long_help_has_every_flag() {
    // CPython's own `-h` names the flags its usage line has.
    let theirs = cpython_venv(&cpython(13), Path::new("/"), &["-h"]);
    assert_ok(&theirs, "python3.13 -m venv -h");
    let mut cpython_flags: Vec<String> = stdout(&theirs)
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_owned)
        .collect();
    cpython_flags.sort();
    cpython_flags.dedup();
    assert!(cpython_flags.len() >= 9, "{cpython_flags:?}");
    for columns in ["80", "100", "200"] {
        let short = short_help(columns);
        let lines = short.lines().count();
        assert!(
            lines <= 45,
            "-h at {columns} columns is {lines} lines:\n{short}"
        );
        for flag in cpython_flags
            .iter()
            .map(String::as_str)
            .chain(["-p, --python"])
        {
            assert!(short.contains(flag), "-h lacks {flag}:\n{short}");
        }
        assert!(
            short.contains("venv --help"),
            "-h says where to read more:\n{short}"
        );
        assert!(!short.contains("--plugin"), "-h is a summary:\n{short}");
    }
    let out = std::process::Command::new(venv_bin())
        .arg("--help")
        .output()
        .unwrap();
    assert_ok(&out, "--help");
    let long = stdout(&out);
    for flag in [
        "--plugin-grant",
        "--cache-dir",
        "--link-mode",
        "--seeder",
        "--relocatable",
        "--repair",
        "--check",
        "--pack",
        "--show-policy",
        "--inspect-plugin",
        "--generate-man",
        "--ascii-only",
        "--quiet",
    ] {
        assert!(long.contains(flag), "--help lacks {flag}");
    }
}
