//! WebAssembly plugins: the first-party hooks work, and every adversarial
//! plugin is contained: it fails with one clear error naming the plugin, the
//! hook and the cause, and the environment is rolled back.
//!
//! The components are built from plugins/ (first-party) and
//! core/tests/fixtures/plugins/ (test-only) by tools/build-plugins.sh (which
//! tools/test.sh runs first) into target/plugins/.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::*;

/// `venv --without-pip -p 3.12 <args> env` in a scratch dir.
fn create(s: &Scratch, args: &[&str]) -> Output {
    let py = py();
    let mut all = vec!["--without-pip", "-p", &py];
    all.extend_from_slice(args);
    all.push("env");
    s.venv(&all)
}

/// Asserts a contained failure: non-zero, one line naming plugin and hook and
/// `cause`, and nothing at ENV_DIR.
fn assert_contained(s: &Scratch, out: &Output, name: &str, hook: &str, cause: &str) {
    assert!(
        !out.status.success(),
        "{name} should have failed; stderr:\n{}",
        stderr(out)
    );
    let err = stderr(out);
    let last = err.lines().last().unwrap_or("");
    assert!(last.starts_with("venv: error:"), "{err}");
    assert!(
        last.contains(&format!("plugin `{name}`")) && last.contains(hook) && last.contains(cause),
        "error should name `{name}`, `{hook}` and `{cause}`:\n{err}"
    );
    assert!(
        !s.path().join("env").exists(),
        "{name}: environment not rolled back"
    );
    let staging = names_containing(s.path(), "staging").len();
    assert_eq!(staging, 0, "{name}: staging dir left behind");
}

#[test]
fn hg_ignore_plugin_serves_mercurial() {
    let s = Scratch::new();
    let hg = plugin("hg-ignore");
    let out = create(
        &s,
        &[
            "--plugin",
            hg.to_str().unwrap(),
            "--scm-ignore-files",
            "git,hg",
        ],
    );
    assert_ok(&out, "create with hg-ignore");
    let env = s.path().join("env");
    assert!(env.join(".gitignore").is_file());
    assert!(std::fs::read_to_string(env.join(".hgignore"))
        .unwrap()
        .contains("venv"));
    // Real Mercurial: a repository at the env ignores everything in it.
    let hg_bin = which("hg").expect("Mercurial is missing: run tools/install-test-deps.sh");
    assert_ok(
        &Command::new(&hg_bin)
            .args(["init", "."])
            .current_dir(&env)
            .output()
            .unwrap(),
        "hg init",
    );
    let status = Command::new(&hg_bin)
        .args(["status"])
        .current_dir(&env)
        .output()
        .unwrap();
    assert_ok(&status, "hg status");
    assert_eq!(stdout(&status), "", "hg sees files in the env");
}

#[test]
fn unserved_scm_is_an_error_before_anything_is_created() {
    let s = Scratch::new();
    let out = create(&s, &["--scm-ignore-files", "git,hg"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`hg`") && err.contains("available: git"),
        "{err}"
    );
    assert!(!s.path().join("env").exists());
}

#[test]
fn pip_conf_plugin_configures_the_envs_pip() {
    let s = Scratch::new();
    let pc = plugin("pip-conf");
    let py = py();
    let out = s.venv(&[
        "-p",
        &py,
        "--plugin",
        pc.to_str().unwrap(),
        "--plugin-opt",
        "pip-conf.index-url=https://pypi.example.org/simple",
        "env",
    ]);
    assert_ok(&out, "create with pip-conf");
    assert!(
        stderr(&out).contains("[pip-conf] "),
        "plugin messages are shown prefixed: {}",
        stderr(&out)
    );
    let env = s.path().join("env");
    assert!(std::fs::read_to_string(env.join("pip.conf"))
        .unwrap()
        .contains("index-url = https://pypi.example.org/simple"));
    // pip reads the env's own pip.conf (its "site" configuration file).
    let config = Command::new(env.join("bin/pip"))
        .args(["config", "list"])
        .env_remove("PIP_CONFIG_FILE")
        .output()
        .unwrap();
    assert!(
        stdout(&config).contains("global.index-url='https://pypi.example.org/simple'"),
        "{}",
        stdout(&config)
    );
}

#[test]
fn pip_conf_without_its_option_fails_cleanly() {
    let s = Scratch::new();
    let out = create(&s, &["--plugin", plugin("pip-conf").to_str().unwrap()]);
    assert_contained(&s, &out, "pip-conf", "post-setup", "index-url");
}

#[test]
fn a_plugin_with_both_hooks_gets_the_context() {
    let s = Scratch::new();
    let both = plugin("both-hooks");
    let out = create(
        &s,
        &[
            "--plugin",
            both.to_str().unwrap(),
            "--scm-ignore-files",
            "bzr",
            "--prompt",
            "my prompt",
            "--plugin-opt",
            "both-hooks.colour=blue",
        ],
    );
    assert_ok(&out, "create with both-hooks");
    let env = s.path().join("env");
    assert!(env.join(".bzrignore").is_file());
    assert!(
        !env.join(".gitignore").exists(),
        "--scm-ignore-files bzr replaces the default"
    );
    let text = std::fs::read_to_string(env.join("both-hooks.txt")).unwrap();
    for needle in ["env", "my prompt", "3.12", "colour", "blue"] {
        assert!(text.contains(needle), "context lacks {needle:?}:\n{text}");
    }
}

#[test]
fn plugin_runs_after_activation_scripts_and_sees_the_final_path() {
    let s = Scratch::new();
    let both = plugin("both-hooks");
    assert_ok(&create(&s, &["--plugin", both.to_str().unwrap()]), "create");
    let text = std::fs::read_to_string(s.path().join("env/both-hooks.txt")).unwrap();
    assert!(
        text.contains(s.path().join("env").to_str().unwrap()),
        "{text}"
    );
}

#[test]
fn escapes_from_the_sandbox_are_denied() {
    for (name, cause) in [
        ("evil-read-passwd", "denied"),
        ("evil-write-outside", "denied"),
        ("evil-symlink-escape", "denied"),
        ("evil-socket", "denied"),
        ("evil-env", "denied"),
    ] {
        let s = Scratch::new();
        let out = create(&s, &["--plugin", plugin(name).to_str().unwrap()]);
        assert_contained(&s, &out, name, "post-setup", cause);
        assert!(
            !s.path().join("outside-evil.txt").exists(),
            "{name} wrote outside the env"
        );
    }
}

#[test]
fn runaway_plugins_hit_their_limits() {
    for (name, flags, cause) in [
        ("evil-loop", &["--plugin-time", "1"][..], "time limit"),
        ("evil-alloc", &["--plugin-memory", "64"][..], "memory limit"),
        ("evil-recurse", &[][..], "stack"),
        ("evil-print", &["--plugin-output", "64"][..], "output limit"),
    ] {
        let s = Scratch::new();
        let mut args = vec![
            "--plugin",
            plugin(name).to_str().unwrap().to_owned().leak() as &str,
        ];
        args.extend_from_slice(flags);
        let started = Instant::now();
        let out = create(&s, &args);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name} was not stopped in time"
        );
        assert_contained(&s, &out, name, "post-setup", cause);
    }
}

#[test]
fn panics_and_errors_are_reported() {
    for (name, cause) in [
        ("evil-panic", "panicked"),
        ("evil-error", "this plugin always fails"),
    ] {
        let s = Scratch::new();
        let out = create(&s, &["--plugin", plugin(name).to_str().unwrap()]);
        assert_contained(&s, &out, name, "post-setup", cause);
    }
}

#[test]
fn a_component_outside_our_worlds_is_refused_up_front() {
    let s = Scratch::new();
    let out = create(&s, &["--plugin", plugin("not-a-plugin").to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`not-a-plugin`") && err.contains("does not match venv's plugin worlds"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!s.path().join("env").exists());

    let junk = s.path().join("junk.wasm");
    std::fs::write(&junk, b"not wasm at all").unwrap();
    let out = create(&s, &["--plugin", junk.to_str().unwrap()]);
    assert_stderr_has(&out, "not a valid WebAssembly component");
}

#[test]
fn plugin_flag_mistakes_are_usage_errors() {
    let s = Scratch::new();
    let both = plugin("both-hooks");
    let out = create(
        &s,
        &[
            "--plugin",
            both.to_str().unwrap(),
            "--plugin-grant",
            "both-hooks=fly",
        ],
    );
    assert_stderr_has(&out, "unknown grant `fly`");
    let out = create(
        &s,
        &[
            "--plugin",
            both.to_str().unwrap(),
            "--plugin-opt",
            "both-hook.x=1",
        ],
    );
    assert_stderr_has(&out, "no plugin named `both-hook`");
    assert!(!s.path().join("env").exists());
}

#[test]
fn compiled_code_is_cached_and_a_tampered_entry_is_not_trusted() {
    let s = Scratch::new();
    let hg = plugin("hg-ignore");
    let args = [
        "-v",
        "--plugin",
        hg.to_str().unwrap(),
        "--scm-ignore-files",
        "hg",
    ];
    let first = create(&s, &args);
    assert_ok(&first, "first");
    assert_stderr_has(&first, "plugin `hg-ignore` compiled");
    std::fs::remove_dir_all(s.path().join("env")).unwrap();
    let second = create(&s, &args);
    assert_ok(&second, "second");
    assert_stderr_has(&second, "plugin `hg-ignore` loaded from cache");

    let dir = s.cache().join("plugins");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&entry).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );

    // Garbage in the entry: recompiled, and the creation works.
    std::fs::write(&entry, b"tampered").unwrap();
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_dir_all(s.path().join("env")).unwrap();
    let third = create(&s, &args);
    assert_ok(&third, "after tampering");
    assert_stderr_has(&third, "plugin `hg-ignore` compiled");

    // A valid entry that others could have written is not loaded either.
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::remove_dir_all(s.path().join("env")).unwrap();
    let fourth = create(&s, &args);
    assert_ok(&fourth, "group-writable entry");
    assert_stderr_has(&fourth, "plugin `hg-ignore` compiled");
}
