//! Issue 17, class 10: plugin files that are not regular files. Opening
//! one never blocks: a pipe is read with each wait bounded, devices and
//! directories are refused at once.

use super::*;

fn fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_pipe_with_no_writer_is_refused_within_a_bound() {
    let s = Scratch::new();
    let pipe = s.path().join("plugin.wasm");
    fifo(&pipe);
    for args in [
        vec![
            "-p",
            &py(),
            "--without-pip",
            "--plugin",
            pipe.to_str().unwrap(),
            "env",
        ],
        vec!["--inspect-plugin", pipe.to_str().unwrap()],
    ] {
        let started = Instant::now();
        let out = s.venv(&args);
        assert!(!out.status.success(), "{args:?}");
        assert_stderr_has(&out, "pipe that sent nothing");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        assert!(!s.path().join("env").exists());
    }
}

#[test]
fn devices_and_directories_are_refused_at_once() {
    let s = Scratch::new();
    for (path, cause) in [
        ("/dev/zero", "neither a regular file nor a pipe"),
        ("/", "is a directory"),
    ] {
        let started = Instant::now();
        let out = run(&s, &["--without-pip", "--plugin", path, "env"]);
        assert!(!out.status.success(), "{path}");
        assert_stderr_has(&out, cause);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path}: {:?}",
            started.elapsed()
        );
    }
    let policy_pipe = s.path().join("policy.toml");
    fifo(&policy_pipe);
    let started = Instant::now();
    let out = command(&s, &["--without-pip", "env"])
        .env("VENV_POLICY", &policy_pipe)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_stderr_has(&out, "pipe that sent nothing");
    assert!(started.elapsed() < Duration::from_secs(20));
}
