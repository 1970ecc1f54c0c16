//! Organisation policy, user config and grants: precedence (policy over
//! flags over user config), pinning, required plugins, caps, and the
//! run-python and read-only-directory grants.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::*;

fn sha256(path: &Path) -> String {
    sha256_file(path)
}

/// A scratch dir with its own policy file and user config home.
struct Setup {
    s: Scratch,
}

impl Setup {
    fn new(policy: &str, config: &str) -> Setup {
        let s = Scratch::new();
        std::fs::write(s.path().join("policy.toml"), policy).unwrap();
        std::fs::create_dir_all(s.path().join("xdg/venv")).unwrap();
        std::fs::write(s.path().join("xdg/venv/config.toml"), config).unwrap();
        Setup { s }
    }
    fn path(&self) -> &Path {
        self.s.path()
    }
    fn run(&self, args: &[&str]) -> Output {
        self.s
            .command_in(self.path(), args)
            .env("VENV_POLICY", self.path().join("policy.toml"))
            .env("XDG_CONFIG_HOME", self.path().join("xdg"))
            .output()
            .unwrap()
    }
    /// `venv [--without-pip] -p 3.12 ARGS env`
    fn create(&self, with_pip: bool, args: &[&str]) -> Output {
        let py = cpython(12).display().to_string();
        let mut all: Vec<&str> = if with_pip {
            vec![]
        } else {
            vec!["--without-pip"]
        };
        all.extend(["-p", &py]);
        all.extend_from_slice(args);
        all.push("env");
        self.run(&all)
    }
    fn env(&self) -> PathBuf {
        self.path().join("env")
    }
}

fn fails_with(out: &Output, needles: &[&str]) {
    assert!(
        !out.status.success(),
        "expected failure; stderr: {}",
        stderr(out)
    );
    let err = stderr(out);
    for n in needles {
        assert!(err.contains(n), "error lacks {n:?}:\n{err}");
    }
}

#[test]
fn flags_override_user_config_and_policy_caps_both() {
    let pc = plugin("pip-conf");
    let config = format!(
        "[[plugins]]\npath = \"{}\"\noptions = {{ index-url = \"https://from-config/simple\" }}\n\n[limits]\ntime-seconds = 3\n",
        pc.display()
    );
    let st = Setup::new("[limits]\nmemory-mib = 64\ntime-seconds = 5\n", &config);
    // The user config alone: its plugin runs with its option.
    assert_ok(&st.create(false, &[]), "config plugin");
    assert!(std::fs::read_to_string(st.env().join("pip.conf"))
        .unwrap()
        .contains("https://from-config/simple"));
    std::fs::remove_dir_all(st.env()).unwrap();
    // A flag overrides the config's option.
    assert_ok(
        &st.create(
            false,
            &[
                "--plugin-opt",
                "pip-conf.index-url=https://from-flag/simple",
            ],
        ),
        "flag option",
    );
    assert!(std::fs::read_to_string(st.env().join("pip.conf"))
        .unwrap()
        .contains("https://from-flag/simple"));

    let shown = st.run(&["--show-policy"]);
    assert_ok(&shown, "--show-policy");
    let text = stdout(&shown);
    assert!(text.contains("policy.toml (from VENV_POLICY)"), "{text}");
    assert!(
        text.contains("memory 64 MiB, time 3.0 s"),
        "config narrows time, policy caps memory:\n{text}"
    );
    let shown = st.run(&["--show-policy", "--plugin-time", "2"]);
    assert!(stdout(&shown).contains("time 2.0 s"), "{}", stdout(&shown));
    // Widening is refused, from flags and from the config alike.
    fails_with(
        &st.run(&["--show-policy", "--plugin-memory", "128"]),
        &["exceeds", "cap of 64 MiB"],
    );
    let wide = Setup::new("[limits]\ntime-seconds = 1\n", &config);
    fails_with(
        &wide.create(false, &[]),
        &["time 3 s from the user config exceeds", "cap of 1 s"],
    );
}

#[test]
fn allow_none_and_pinned_restrict_user_plugins() {
    let hg = plugin("hg-ignore");
    let pc = plugin("pip-conf");
    let none = Setup::new("[plugins]\nallow = \"none\"\n", "");
    fails_with(
        &none.create(
            false,
            &["--plugin", hg.to_str().unwrap(), "--scm-ignore-files", "hg"],
        ),
        &["allows no user plugins"],
    );
    assert!(!none.env().exists());

    let pinned = Setup::new(
        &format!(
            "[plugins]\nallow = \"pinned\"\npinned = [\"{}\"]\n",
            sha256(&hg)
        ),
        "",
    );
    assert_ok(
        &pinned.create(
            false,
            &["--plugin", hg.to_str().unwrap(), "--scm-ignore-files", "hg"],
        ),
        "pinned plugin",
    );
    std::fs::remove_dir_all(pinned.env()).unwrap();
    fails_with(
        &pinned.create(
            false,
            &[
                "--plugin",
                pc.to_str().unwrap(),
                "--plugin-opt",
                "pip-conf.index-url=x",
            ],
        ),
        &["`pip-conf`", "is not pinned"],
    );
    assert!(!pinned.env().exists());
}

fn required(path: &Path, digest: &str, options: &str) -> String {
    format!(
        "[[plugins.required]]\npath = \"{}\"\nsha256 = \"{digest}\"\noptions = {{ {options} }}\n",
        path.display()
    )
}

#[test]
fn required_plugins_always_run_and_cannot_be_overridden() {
    let pc = plugin("pip-conf");
    let st = Setup::new(
        &required(
            &pc,
            &sha256(&pc),
            "index-url = \"https://org.example/simple\"",
        ),
        "",
    );
    assert_ok(&st.create(false, &[]), "required plugin runs with no flags");
    assert!(std::fs::read_to_string(st.env().join("pip.conf"))
        .unwrap()
        .contains("https://org.example/simple"));
    std::fs::remove_dir_all(st.env()).unwrap();
    fails_with(
        &st.create(
            false,
            &["--plugin-opt", "pip-conf.index-url=https://mine/simple"],
        ),
        &["required by the policy", "cannot be overridden"],
    );
    fails_with(
        &st.create(false, &["--plugin-grant", "pip-conf=run-python"]),
        &["required by the policy"],
    );
    assert!(!st.env().exists());
    let shown = stdout(&st.run(&["--show-policy"]));
    assert!(
        shown.contains("required plugin:") && shown.contains(&sha256(&pc)),
        "{shown}"
    );
}

#[test]
fn a_required_plugin_with_the_wrong_digest_stops_every_creation() {
    let pc = plugin("pip-conf");
    let st = Setup::new(&required(&pc, &"0".repeat(64), "index-url = \"x\""), "");
    fails_with(
        &st.create(false, &[]),
        &[
            "required plugin `pip-conf`",
            "does not match the policy",
            &sha256(&pc),
        ],
    );
    assert!(!st.env().exists());
    assert_eq!(stderr(&st.create(false, &[])).lines().count(), 1);
}

#[test]
fn a_failing_required_plugin_rolls_the_environment_back() {
    let bad = plugin("evil-error");
    let st = Setup::new(&required(&bad, &sha256(&bad), ""), "");
    fails_with(
        &st.create(true, &[]),
        &[
            "plugin `evil-error` failed in post-setup",
            "this plugin always fails",
        ],
    );
    assert!(!st.env().exists());
}

#[test]
fn grants_are_denied_unless_given_and_allowed() {
    let probe = plugin("python-probe");
    let p = probe.to_str().unwrap();
    let open = Setup::new("", "");
    // Not granted: the plugin gets a clear denial (and here fails with it).
    fails_with(
        &open.create(false, &["--plugin", p]),
        &[
            "run-python denied",
            "not granted run-python",
            "--plugin-grant python-probe=run-python",
        ],
    );
    assert!(!open.env().exists());
    // Granted: it runs the env's own interpreter.
    assert_ok(
        &open.create(
            false,
            &["--plugin", p, "--plugin-grant", "python-probe=run-python"],
        ),
        "granted",
    );
    std::fs::remove_dir_all(open.env()).unwrap();
    // A policy that allows only a read grant refuses run-python.
    let strict = Setup::new("[grants]\nallow = [\"read:/usr/share\"]\n", "");
    fails_with(
        &strict.create(
            false,
            &["--plugin", p, "--plugin-grant", "python-probe=run-python"],
        ),
        &["grant `run-python` is not allowed by the policy"],
    );
    assert!(!strict.env().exists());
}

#[test]
fn a_read_grant_opens_exactly_that_directory() {
    let evil = plugin("evil-read-passwd");
    let e = evil.to_str().unwrap();
    let st = Setup::new("", "");
    fails_with(&st.create(false, &["--plugin", e]), &["denied"]);
    // With /etc granted read-only the read succeeds (the plugin then returns Ok).
    assert_ok(
        &st.create(
            false,
            &[
                "--plugin",
                e,
                "--plugin-grant",
                "evil-read-passwd=read:/etc",
            ],
        ),
        "read grant",
    );
    std::fs::remove_dir_all(st.env()).unwrap();
    // The directory that holds the environment cannot be granted at all (a
    // grant may not see the environment being built), so the plugin that
    // would write beside the environment never runs.
    let w = plugin("evil-write-outside");
    let out = st.create(
        false,
        &[
            "--plugin",
            w.to_str().unwrap(),
            "--plugin-grant",
            &format!("evil-write-outside=read:{}", st.path().display()),
        ],
    );
    fails_with(&out, &["would let it see"]);
    assert!(!st.path().join("outside-evil.txt").exists());
}

#[test]
fn run_python_honours_the_time_limit() {
    let st = Setup::new("", "");
    let probe = plugin("python-probe");
    let started = Instant::now();
    let out = st.create(
        false,
        &[
            "--plugin",
            probe.to_str().unwrap(),
            "--plugin-grant",
            "python-probe=run-python",
            "--plugin-opt",
            "python-probe.code=import time; time.sleep(120)",
            "--plugin-time",
            "2",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    fails_with(&out, &["python-probe", "exceeded its time limit of 2.0 s"]);
    assert!(!st.env().exists());
}

#[test]
fn install_packages_plugin_installs_from_a_wheelhouse_with_progress() {
    let st = Setup::new("", "");
    let house = st.path().join("wheelhouse");
    write_wheel(&house, "GREETING = 'hello from the wheelhouse'\n");
    let ip = plugin("install-packages");
    let out = st.create(
        true,
        &[
            "--plugin",
            ip.to_str().unwrap(),
            "--plugin-grant",
            "install-packages=run-python",
            "--plugin-opt",
            "install-packages.packages=hello-venv",
            "--plugin-opt",
            &format!("install-packages.find-links={}", house.display()),
            "--plugin-opt",
            "install-packages.no-index=true",
        ],
    );
    assert_ok(&out, "install-packages");
    let err = stderr(&out);
    assert!(
        err.contains("[install-packages] Installing hello-venv into env"),
        "{err}"
    );
    assert!(
        err.contains("[install-packages] Installed hello-venv"),
        "{err}"
    );
    let said = python_says(
        &st.env().join("bin/python"),
        "import hello_venv; print(hello_venv.GREETING)",
    );
    assert_eq!(said.trim(), "hello from the wheelhouse");
}

#[test]
fn policy_file_errors_are_clear() {
    let st = Setup::new("[plugins]\nallow = \"sometimes\"\n", "");
    fails_with(&st.create(false, &[]), &["policy file", "is invalid"]);
    let out = Command::new(venv_bin())
        .args(["--show-policy"])
        .env("VENV_POLICY", st.path().join("missing.toml"))
        .output()
        .unwrap();
    fails_with(&out, &["cannot read the policy file", "missing.toml"]);
}

#[test]
fn example_hooks_build_and_run() {
    let st = Setup::new("", "");
    // The minimal Rust hook from examples/README.md.
    let minimal = plugin("minimal-hook");
    assert_ok(
        &st.create(false, &["--plugin", minimal.to_str().unwrap()]),
        "minimal hook",
    );
    assert_eq!(
        std::fs::read_to_string(st.env().join("created-by-hook.txt")).unwrap(),
        "Python 12\n"
    );
    std::fs::remove_dir_all(st.env()).unwrap();

    // The Python hook, built from source with componentize-py.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let wasm = st.path().join("python-hook.wasm");
    let build = Command::new("bash")
        .arg(root.join("examples/python-hook/build.sh"))
        .arg(&wasm)
        .output()
        .unwrap();
    assert_ok(
        &build,
        "examples/python-hook/build.sh (needs PyPI for componentize-py)",
    );
    let out = st.create(
        false,
        &[
            "--plugin",
            wasm.to_str().unwrap(),
            "--plugin-opt",
            "python-hook.greeting=bonjour",
        ],
    );
    assert_ok(&out, "python hook");
    assert_stderr_has(&out, "[python-hook] bonjour from a Python hook in env");
    let text = std::fs::read_to_string(st.env().join("python-hook.txt")).unwrap();
    assert!(
        text.contains("env: env")
            && text.contains("python: 3.12.")
            && text.contains("greeting: bonjour"),
        "{text}"
    );
}
