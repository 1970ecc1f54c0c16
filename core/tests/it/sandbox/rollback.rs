//! Class 8: rollback at any depth, bounded writes, signals, limits in range.

use super::*;

#[test]
fn a_very_deep_tree_is_rolled_back() {
    let s = Scratch::new();
    let out = bare(
        &s,
        &plugin("evil-deep-tree"),
        &["--plugin-entries", "200000", "--plugin-time", "300"],
    );
    assert_contained(&s, &out, "evil-deep-tree", "100000-level");
}

#[test]
fn writes_are_bounded_in_bytes_and_entries() {
    for (name, cause) in [
        ("evil-fill", "write limit of 16 MiB"),
        ("evil-many-files", "limit of 500 new files"),
        ("evil-deep-tree", "limit of 500 new files"),
    ] {
        let s = Scratch::new();
        let out = bare(
            &s,
            &plugin(name),
            &["--plugin-write", "16", "--plugin-entries", "500"],
        );
        assert_contained(&s, &out, name, cause);
    }
}

/// Starts a creation whose plugin hangs, waits until the hook runs, sends
/// `signal`, and returns the output.
fn interrupted(s: &Scratch, signal: rustix::process::Signal, plugin_name: &str) -> Output {
    let child = command(
        s,
        &[
            "--without-pip",
            "--plugin-time",
            "60",
            "--plugin",
            plugin(plugin_name).to_str().unwrap(),
            "env",
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // The hook runs once the staged tree has its scripts.
    let started = Instant::now();
    loop {
        let staged = std::fs::read_dir(s.path())
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().contains("venv-staging"));
        if staged.is_some_and(|e| e.path().join("bin/activate").exists()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the hook never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn signals_during_a_hook_roll_the_environment_back() {
    use rustix::process::Signal;
    for (signal, code, name, plugin_name) in [
        (Signal::INT, 130, "SIGINT", "evil-loop"),
        (Signal::TERM, 143, "SIGTERM", "evil-sleep"),
        (Signal::HUP, 129, "SIGHUP", "evil-poll"),
    ] {
        let s = Scratch::new();
        let started = Instant::now();
        let out = interrupted(&s, signal, plugin_name);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name}: too slow"
        );
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("interrupted by {name}")),
            "{}",
            stderr(&out)
        );
        assert!(!s.path().join("env").exists(), "{name}: env left");
        assert_eq!(staging_dirs(s.path()), 0, "{name}: staging dir left");
    }
}

#[test]
fn a_killed_creators_staging_directory_is_reclaimed_by_the_next_creation() {
    let s = Scratch::new();
    let out = interrupted(&s, rustix::process::Signal::KILL, "evil-loop");
    assert!(!out.status.success());
    assert_eq!(
        names_containing(s.path(), ".env.venv-staging-").len(),
        1,
        "SIGKILL leaves the staging dir"
    );
    // A live creator's staging directory (locked, its process alive) is left alone.
    let mut alive = command(
        &s,
        &[
            "--without-pip",
            "--plugin-time",
            "60",
            "--plugin",
            plugin("evil-loop").to_str().unwrap(),
            "busy",
        ],
    )
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let started = Instant::now();
    while names_containing(s.path(), ".busy.venv-staging-").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "busy never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_ok(&run(&s, &["--without-pip", "env"]), "next creation");
    assert_eq!(
        names_containing(s.path(), ".env.venv-staging-").len(),
        0,
        "the dead creator's dir was not reclaimed"
    );
    assert_eq!(
        names_containing(s.path(), ".busy.venv-staging-").len(),
        1,
        "the live creator's dir was removed"
    );
    let _ = alive.kill();
    let _ = alive.wait();
}

#[test]
fn limits_out_of_range_are_refused_with_one_line() {
    for (flag, value) in [
        ("--plugin-time", "1e300"),
        ("--plugin-time", "0"),
        ("--plugin-time", "inf"),
        ("--plugin-time", "NaN"),
        ("--plugin-time", "-1"),
        ("--plugin-memory", "0"),
        ("--plugin-memory", "1e30"),
        ("--plugin-output", "inf"),
        ("--plugin-entries", "-5"),
    ] {
        let s = Scratch::new();
        let out = run(
            &s,
            &[
                "--without-pip",
                &format!("{flag}={value}"),
                "--plugin",
                plugin("hg-ignore").to_str().unwrap(),
                "env",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{flag} {value}: {}",
            stderr(&out)
        );
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{flag} {value}: {err}");
        assert!(err.contains("is invalid"), "{flag} {value}: {err}");
        assert!(!s.path().join("env").exists());
    }
}
