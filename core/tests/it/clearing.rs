//! `--clear` empties only environments, never loses what it could not
//! remove, and interrupted creations leave nothing a later run does not
//! reclaim (issue 19's data items).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// A directory that looks like a home: files a user would miss.
fn precious(dir: &Path) {
    std::fs::create_dir_all(dir.join(".ssh")).unwrap();
    std::fs::write(dir.join(".ssh/id_ed25519"), "secret").unwrap();
    std::fs::create_dir_all(dir.join("projects/app")).unwrap();
    std::fs::write(dir.join("projects/app/main.py"), "print('hi')").unwrap();
}

#[test]
fn clear_refuses_a_directory_that_is_not_an_environment() {
    let s = Scratch::new();
    let home = s.path().join("home");
    precious(&home);
    let before = snapshot(&home);
    let out = s.venv(&["--clear", "--without-pip", "-p", &py(), "home"]);
    assert_one_line_error(
        &out,
        &[
            "refusing to clear",
            "home",
            "no pyvenv.cfg",
            "choose another ENV_DIR",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        snapshot(&home),
        before,
        "--clear deleted a directory that is not an environment"
    );

    // `venv --clear ..` from inside it: the parent is refused too.
    let out = s.venv_in(
        &home.join("projects"),
        &["--clear", "--without-pip", "-p", &py(), ".."],
    );
    assert_one_line_error(&out, &["refusing to clear", "no pyvenv.cfg"]);
    assert_eq!(snapshot(&home), before);
    assert!(names_containing(s.path(), "venv-staging").is_empty());

    // An empty directory and an environment are cleared as CPython clears them.
    std::fs::create_dir(s.path().join("empty")).unwrap();
    assert_ok(
        &s.venv(&["--clear", "--without-pip", "-p", &py(), "empty"]),
        "clear an empty dir",
    );
    let env = s.path().join("empty");
    std::fs::write(env.join("extra.txt"), "made by the user").unwrap();
    assert_ok(
        &s.venv(&["--clear", "--without-pip", "-p", &py(), "empty"]),
        "clear an env",
    );
    assert!(!env.join("extra.txt").exists());
    assert!(env.join("pyvenv.cfg").is_file());
}

#[test]
fn clear_refuses_the_root_and_the_home_directory_even_as_environments() {
    let s = Scratch::new();
    // A home directory that is itself an environment.
    let home = s.path().join("me");
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "me"]), "create");
    std::fs::write(home.join("notes.txt"), "mine").unwrap();
    let before = snapshot(&home);
    let out = s
        .command_in(s.path(), &["--clear", "--without-pip", "-p", &py(), "me"])
        .env("HOME", &home)
        .output()
        .unwrap();
    assert_one_line_error(&out, &["refusing to clear", "your home directory"]);
    assert_eq!(snapshot(&home), before);

    // The root directory, with or without --clear: one line that says what it is.
    for args in [
        &["--clear", "--without-pip", "/"][..],
        &["--without-pip", "/"][..],
    ] {
        let mut args = args.to_vec();
        let p = py();
        args.splice(0..0, ["-p", p.as_str()]);
        let out = s.venv(&args);
        assert_one_line_error(&out, &["/ is the root directory", "choose one"]);
    }
}

/// `chattr +i` on `path`, undone when dropped (so the scratch dir can go).
struct Immutable(PathBuf);

impl Immutable {
    fn new(path: &Path) -> Immutable {
        let status = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .expect("chattr");
        assert!(
            status.success(),
            "chattr +i {} failed (root and ext4 needed)",
            path.display()
        );
        Immutable(path.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn clear_with_an_unremovable_file_keeps_the_new_env_and_names_what_is_left() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let env = s.path().join("env");
    std::fs::create_dir(env.join("data")).unwrap();
    std::fs::write(env.join("data/stuck.txt"), "cannot be removed").unwrap();
    let stuck = Immutable::new(&env.join("data/stuck.txt"));

    let out = s.venv(&["--clear", "--without-pip", "-p", &py(), "env"]);
    assert_ok(&out, "--clear with an immutable file in the old env");
    // The new environment is complete and in place.
    assert!(env.join("pyvenv.cfg").is_file() && env.join("bin/activate").is_file());
    assert!(!env.join("data").exists());
    // One warning names the one place where the rest of the old tree is.
    let err = stderr(&out);
    let err: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("Activate with: "))
        .collect();
    assert_eq!(err.len(), 1, "{err:?}");
    let err = err[0];
    assert!(
        err.contains("warning:") && err.contains("could not all be removed"),
        "{err}"
    );
    let left = names_containing(s.path(), ".env.venv-staging-");
    assert_eq!(left.len(), 1, "{left:?}");
    let place = s.path().join(&left[0]);
    assert!(err.contains(&*place.to_string_lossy()), "{err}");
    assert_eq!(
        std::fs::read_to_string(place.join("data/stuck.txt")).unwrap(),
        "cannot be removed"
    );
    drop(stuck);
    let _ = Command::new("chattr")
        .arg("-i")
        .arg(place.join("data/stuck.txt"))
        .status();
}

/// Entries of `dir` whose name starts with `prefix`.
fn starting_with(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_killed_creation_leaves_nothing_the_next_run_does_not_reclaim() {
    let s = Scratch::new();
    // A fresh cache: the first creation with pip byte-compiles it into a
    // temporary tree in the cache for a few seconds.
    let mut child = s
        .command_in(s.path(), &["-p", &py(), "env"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let seed = s.cache().join("seed");
    let started = Instant::now();
    while starting_with(&seed, ".tmp-").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no temporary seed tree appeared"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the creation ended before it was interrupted"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A second Ctrl-C ends the process at once, with no time to clean up,
    // as SIGKILL does (two SIGINTs sent together arrive as one, so the
    // test kills it outright to be sure nothing is rolled back).
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).unwrap();
    let _ = child.wait_with_output().unwrap();
    assert!(!starting_with(&seed, ".tmp-").is_empty());

    // `--cache-info` shows the stale tree apart from the cache's content.
    let info = s.venv(&["--cache-info"]);
    assert_ok(&info, "--cache-info");
    assert!(stdout(&info).contains("stale:"), "{}", stdout(&info));

    // The next creation, elsewhere and without pip, reclaims both the
    // staging directory (registered in the cache) and the cache's tree.
    assert!(!names_containing(s.path(), "venv-staging").is_empty());
    let elsewhere = s.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    assert_ok(
        &s.venv_in(&elsewhere, &["--without-pip", "-p", &py(), "other"]),
        "the next run",
    );
    assert!(names_containing(s.path(), "venv-staging").is_empty());
    assert!(
        starting_with(&seed, ".tmp-").is_empty(),
        "{:?}",
        starting_with(&seed, ".tmp-")
    );
    assert!(!s.path().join("env").exists());
    let info = s.venv(&["--cache-info"]);
    assert!(!stdout(&info).contains("stale:"), "{}", stdout(&info));
}

#[test]
fn an_interrupt_during_interpreter_discovery_exits_130() {
    let s = Scratch::new();
    // The only Python 3.11 on PATH takes a while to answer, as a slow disk would.
    let bin = s.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let slow = bin.join("python3.11");
    std::fs::write(&slow, "#!/bin/sh\n/bin/sleep 5\nexit 1\n").unwrap();
    std::fs::set_permissions(&slow, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = s.command_in(s.path(), &["--without-pip", "-p", "3.11", "env"]);
    // Nothing else on PATH: /bin holds Debian's python3.11.
    cmd.env("PATH", &bin)
        .env("PYENV_ROOT", s.path().join("no-pyenv"))
        .stderr(std::process::Stdio::piped());
    // Its own process group, so that SIGINT reaches it and the slow
    // interpreter at once, as Ctrl-C does.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let group = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process_group(group, rustix::process::Signal::INT).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(!s.path().join("env").exists());
}

#[test]
fn an_env_name_of_255_bytes_is_created_and_cleared() {
    let s = Scratch::new();
    let name = "e".repeat(255);
    assert_ok(
        &s.venv(&["--without-pip", "-p", &py(), &name]),
        "a 255-byte name",
    );
    assert!(s.path().join(&name).join("pyvenv.cfg").is_file());
    assert_ok(
        &s.venv(&["--clear", "--without-pip", "-p", &py(), &name]),
        "--clear of it",
    );
    assert!(names_containing(s.path(), "venv-staging").is_empty());
}
