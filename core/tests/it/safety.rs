//! Nothing outside the environment is ever written or deleted, and a failed
//! creation leaves nothing behind: symlinks and hard links planted in an
//! existing env, failing steps, concurrent creators.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::*;

/// A directory outside the env with a sentinel file, and its snapshot.
fn outside(s: &Scratch) -> (std::path::PathBuf, std::collections::BTreeMap<String, Node>) {
    let dir = s.path().join("outside");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sentinel"), "do not touch").unwrap();
    std::fs::write(dir.join("sub/file"), "nor this").unwrap();
    let snap = snapshot(&dir);
    (dir, snap)
}

#[test]
fn planted_bin_symlink_blocks_upgrade_and_clear_deletes_only_the_link() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let (out_dir, before) = outside(&s);
    let env = s.path().join("env");
    std::fs::remove_dir_all(env.join("bin")).unwrap();
    std::os::unix::fs::symlink(&out_dir, env.join("bin")).unwrap();

    let out = s.venv(&["--upgrade", "--without-pip", "-p", &py(), "env"]);
    assert!(
        !out.status.success(),
        "upgrade through a planted bin link must fail"
    );
    assert_stderr_has(&out, "symbolic link");
    assert_eq!(snapshot(&out_dir), before, "upgrade wrote outside the env");

    let out = s.venv(&["--clear", "--without-pip", "-p", &py(), "env"]);
    assert_ok(&out, "clear");
    assert_eq!(
        snapshot(&out_dir),
        before,
        "clear touched the link's target"
    );
    assert!(std::fs::symlink_metadata(env.join("bin")).unwrap().is_dir());
}

#[test]
fn planted_lib_link_to_root_is_never_written_through() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let env = s.path().join("env");
    std::fs::remove_dir_all(env.join("lib")).unwrap();
    std::os::unix::fs::symlink("/", env.join("lib")).unwrap();
    let out = s.venv(&["--upgrade", "--without-pip", "-p", &py(), "env"]);
    assert!(!out.status.success());
    assert!(
        !Path::new("/python3.12").exists(),
        "upgrade created /python3.12"
    );

    // --clear with `lib` pointing at a directory full of files: only the link goes.
    let (out_dir, before) = outside(&s);
    std::fs::remove_file(env.join("lib")).unwrap();
    std::os::unix::fs::symlink(&out_dir, env.join("lib")).unwrap();
    assert_ok(
        &s.venv(&["--clear", "--without-pip", "-p", &py(), "env"]),
        "clear",
    );
    assert_eq!(snapshot(&out_dir), before);
}

#[test]
fn relative_escape_links_are_not_followed() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let (out_dir, before) = outside(&s);
    let env = s.path().join("env");
    std::fs::remove_dir_all(env.join("include")).unwrap();
    std::os::unix::fs::symlink("../outside", env.join("include")).unwrap();
    let out = s.venv(&["--upgrade", "--without-pip", "-p", &py(), "env"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&out_dir), before);
}

#[test]
fn planted_file_links_are_replaced_not_written_through() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let (out_dir, before) = outside(&s);
    let env = s.path().join("env");
    // A symlinked script, a hard-linked config and a symlinked interpreter copy target.
    std::fs::remove_file(env.join("bin/activate")).unwrap();
    std::os::unix::fs::symlink(out_dir.join("sentinel"), env.join("bin/activate")).unwrap();
    std::fs::remove_file(env.join("pyvenv.cfg")).unwrap();
    std::fs::hard_link(out_dir.join("sub/file"), env.join("pyvenv.cfg")).unwrap();
    std::fs::remove_file(env.join("bin/python3.12")).unwrap();
    std::os::unix::fs::symlink(out_dir.join("sentinel"), env.join("bin/python3.12")).unwrap();

    let out = s.venv(&["--copies", "--without-pip", "-p", &py(), "env"]);
    assert_ok(&out, "re-create with --copies");
    assert_eq!(
        snapshot(&out_dir),
        before,
        "a planted link was written through"
    );
    assert!(std::fs::symlink_metadata(env.join("bin/python3.12"))
        .unwrap()
        .is_file());
    assert!(std::fs::read_to_string(env.join("pyvenv.cfg"))
        .unwrap()
        .starts_with("home = "));
}

#[test]
fn upgrade_repoints_the_interpreter_link_after_the_base_moved() {
    let s = Scratch::new();
    let old = copy_of_cpython(12, &s.path().join("old"));
    assert_ok(
        &s.venv(&["--without-pip", "-p", old.to_str().unwrap(), "env"]),
        "create",
    );
    let new = copy_of_cpython(12, &s.path().join("new"));
    assert_ok(
        &s.venv(&[
            "--upgrade",
            "--without-pip",
            "-p",
            new.to_str().unwrap(),
            "env",
        ]),
        "upgrade",
    );
    let env = s.path().join("env");
    assert_eq!(std::fs::read_link(env.join("bin/python3.12")).unwrap(), new);
    let cfg = std::fs::read_to_string(env.join("pyvenv.cfg")).unwrap();
    assert!(
        cfg.contains(&format!("home = {}", new.parent().unwrap().display())),
        "{cfg}"
    );
    assert!(cfg.contains("--upgrade"), "{cfg}");
    std::fs::remove_dir_all(s.path().join("old")).unwrap();
    let base = python_says(
        &env.join("bin/python"),
        "import sys; print(sys.base_prefix)",
    );
    assert_eq!(base.trim(), s.path().join("new").to_str().unwrap());
}

/// A base whose bundled pip wheel is corrupt: seeding fails after the env's
/// skeleton exists, so the creation must fail naming the step and leave nothing.
fn broken_ensurepip(s: &Scratch) -> std::path::PathBuf {
    let python = copy_of_cpython(12, &s.path().join("py"));
    let bundled = s.path().join("py/lib/python3.12/ensurepip/_bundled");
    for wheel in std::fs::read_dir(&bundled).unwrap() {
        replace_file(&wheel.unwrap().path(), "this is not a zip archive");
    }
    python
}

#[test]
fn failed_step_leaves_nothing_at_env_dir() {
    let s = Scratch::new();
    let python = broken_ensurepip(&s);
    let out = s.venv(&["-p", python.to_str().unwrap(), "env"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("installing pip failed") && err.contains("is not a wheel"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!s.path().join("env").exists());
    let leftovers = names_containing(s.path(), "venv-staging");
    assert!(leftovers.is_empty(), "staging dirs left: {leftovers:?}");
    // Missing parents we created for it are gone too.
    let out = s.venv(&["-p", python.to_str().unwrap(), "a/b/env"]);
    assert!(!out.status.success());
    assert!(!s.path().join("a").exists());
}

#[test]
fn failed_clear_restores_the_previous_environment() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let env = s.path().join("env");
    std::fs::write(env.join("precious.txt"), "still here").unwrap();
    let before = snapshot(&env);
    let ino = std::fs::metadata(&env).unwrap().ino();
    let python = broken_ensurepip(&s);
    let out = s.venv(&["--clear", "-p", python.to_str().unwrap(), "env"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&env), before, "the old env was not restored");
    assert_eq!(std::fs::metadata(&env).unwrap().ino(), ino);
}

#[test]
fn failed_creation_in_an_existing_directory_removes_only_what_it_added() {
    let s = Scratch::new();
    let dir = s.path().join("project");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("main.py"), "print('hi')").unwrap();
    let before = snapshot(&dir);
    let python = broken_ensurepip(&s);
    let out = s.venv(&["-p", python.to_str().unwrap(), "project"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn concurrent_creators_share_the_cache() {
    let s = Scratch::new();
    let mut children = Vec::new();
    for i in 0..8 {
        children.push(
            s.command_in(
                s.path(),
                &["--without-pip", "-p", &py(), &format!("env{i}")],
            )
            .spawn()
            .unwrap(),
        );
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    for i in 0..8 {
        let out = python_says(
            &s.path().join(format!("env{i}/bin/python")),
            "import sys; print(sys.prefix)",
        );
        assert_eq!(
            out.trim(),
            s.path().join(format!("env{i}")).to_str().unwrap()
        );
    }
    let entries: Vec<_> = std::fs::read_dir(s.cache().join("interpreters"))
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(
        entries.len(),
        1,
        "one interpreter, one cache entry (no temp files left)"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(entries[0].path()).unwrap()).unwrap();
    assert_eq!(json["info"]["version"][1], 12);
}

#[test]
fn cached_creation_runs_no_python() {
    let s = Scratch::new();
    // A wrapper that logs every run of the base interpreter.
    let log = s.path().join("runs.log");
    let wrapper = s.path().join("python3.12");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho run >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            py()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    assert_ok(
        &s.venv(&["--without-pip", "-p", wrapper.to_str().unwrap(), "one"]),
        "first",
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
    assert_ok(
        &s.venv(&["--without-pip", "-p", wrapper.to_str().unwrap(), "two"]),
        "second",
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        1,
        "second creation ran Python"
    );
    // A corrupt entry is ignored and rewritten, never trusted.
    for e in std::fs::read_dir(s.cache().join("interpreters")).unwrap() {
        std::fs::write(e.unwrap().path(), "{not json").unwrap();
    }
    assert_ok(
        &s.venv(&["--without-pip", "-p", wrapper.to_str().unwrap(), "three"]),
        "third",
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
    // --no-cache always asks.
    assert_ok(
        &s.venv(&[
            "--no-cache",
            "--without-pip",
            "-p",
            wrapper.to_str().unwrap(),
            "four",
        ]),
        "fourth",
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 3);
}

#[test]
fn same_new_dir_raced_by_two_creators_yields_one_env() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&["--without-pip", "-p", &py(), "warm"]),
        "warm the cache",
    );
    let spawn = || {
        s.command_in(s.path(), &["--without-pip", "-p", &py(), "env"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() || b.status.success());
    let env = s.path().join("env");
    assert!(env.join("pyvenv.cfg").is_file() && env.join("bin/activate").is_file());
    let staging = names_containing(s.path(), "staging").len();
    assert_eq!(staging, 0);
}
