//! Plugin platform 0.2: the activator and seeder hooks, the run-in-env
//! grant and the policy's environment for it, the guest SDKs (Rust, Python,
//! JavaScript), 0.1.0 plugins under the 0.2.0 host, the refusal of an
//! unknown contract version, and `--inspect-plugin`.
//!
//! The components come from plugins/ (first-party, written with the SDK)
//! and core/tests/fixtures/plugins/ (0.1.0 probes), built by
//! tools/build-plugins.sh; the Python and JavaScript hooks are built from
//! source here, with the toolchains tools/install-guest-toolchains.sh puts
//! under target/guest-tools.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn p(name: &str) -> String {
    plugin(name).display().to_string()
}

/// `venv -p 3.12 ARGS env` in the scratch dir (offline pip).
fn create(s: &Scratch, args: &[&str]) -> Output {
    let py = py();
    let mut all = vec!["-p", &py];
    all.extend_from_slice(args);
    all.push("env");
    s.command_in(s.path(), &all)
        .env("PIP_NO_INDEX", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap()
}

fn run_in(env: &Path, exe: &str, args: &[&str]) -> Output {
    Command::new(env.join("bin").join(exe))
        .args(args)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_NO_INDEX", "1")
        .env_remove("PYTHONPATH")
        .output()
        .unwrap()
}

/// Two local wheels: `alpha_pkg` 1.0 (with a console script `alpha`) and `beta_pkg` 2.0.
fn wheelhouse(dir: &Path) {
    wheel(
        dir,
        "alpha_pkg",
        "1.0",
        &[(
            "alpha_pkg/__init__.py",
            "VALUE = 'alpha'\n\ndef main():\n    print('alpha says hi')\n",
        )],
        Some("[console_scripts]\nalpha = alpha_pkg:main\n"),
    );
    wheel(
        dir,
        "beta_pkg",
        "2.0",
        &[("beta_pkg/__init__.py", "VALUE = 'beta'\n")],
        None,
    );
}

// ---------------------------------------------------------------------------
// Seeder hook.

#[test]
fn the_seeder_installs_local_wheels_that_pip_lists_and_uninstalls() {
    let s = Scratch::new();
    let house = s.path().join("wheelhouse");
    wheelhouse(&house);
    let grant = format!("seed-wheels=read:{}", house.display());
    let out = create(
        &s,
        &["--plugin", &p("seed-wheels"), "--plugin-grant", &grant],
    );
    assert_ok(&out, "create with seed-wheels");
    assert_stderr_has(&out, "[seed-wheels] installed alpha_pkg 1.0");
    assert_stderr_has(&out, "[seed-wheels] installed beta_pkg 2.0");
    let env = s.path().join("env");
    let imported = run_in(
        &env,
        "python",
        &[
            "-c",
            "import alpha_pkg, beta_pkg; print(alpha_pkg.VALUE, beta_pkg.VALUE)",
        ],
    );
    assert_ok(&imported, "import the seeded packages");
    assert_eq!(stdout(&imported).trim(), "alpha beta");
    // pip's own view: listed, with pip-compatible metadata.
    let list = run_in(&env, "python", &["-m", "pip", "list", "--format=freeze"]);
    assert_ok(&list, "pip list");
    let listed = stdout(&list);
    assert!(
        listed.contains("alpha-pkg==1.0") && listed.contains("beta-pkg==2.0"),
        "{listed}"
    );
    let site = site_packages(&env);
    assert_eq!(
        std::fs::read_to_string(site.join("alpha_pkg-1.0.dist-info/INSTALLER")).unwrap(),
        "pip\n"
    );
    let record = std::fs::read_to_string(site.join("alpha_pkg-1.0.dist-info/RECORD")).unwrap();
    assert!(
        record.contains("alpha_pkg/__init__.py,sha256=")
            && record.contains("../../../bin/alpha,sha256="),
        "{record}"
    );
    let check = run_in(&env, "python", &["-m", "pip", "check"]);
    assert_ok(&check, "pip check");
    // The launcher runs the entry point with the env's interpreter.
    let alpha = run_in(&env, "alpha", &[]);
    assert_ok(&alpha, "bin/alpha");
    assert_eq!(stdout(&alpha).trim(), "alpha says hi");
    // And pip removes every file it was given.
    let un = run_in(
        &env,
        "python",
        &["-m", "pip", "uninstall", "-y", "alpha-pkg"],
    );
    assert_ok(&un, "pip uninstall alpha-pkg");
    assert!(!site.join("alpha_pkg").exists());
    assert!(!site.join("alpha_pkg-1.0.dist-info").exists());
    assert!(!env.join("bin/alpha").exists());
    let gone = run_in(&env, "python", &["-c", "import alpha_pkg"]);
    assert!(!gone.status.success());
}

#[test]
fn a_policy_makes_the_seeder_run_for_every_creation() {
    let s = Scratch::new();
    let house = s.path().join("wheelhouse");
    wheelhouse(&house);
    let seeder = plugin("seed-wheels");
    let digest = sha256_file(&seeder);
    // Paths in a policy are relative to the policy file.
    let policy = s.path().join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[[plugins.required]]\npath = \"{}\"\nsha256 = \"{digest}\"\ngrants = [\"read:wheelhouse\"]\noptions = {{ packages = \"beta-pkg\" }}\n",
            seeder.display()
        ),
    )
    .unwrap();
    let py = py();
    let out = s
        .command_in(s.path(), &["--without-pip", "-p", &py, "env"])
        .env("VENV_POLICY", &policy)
        .output()
        .unwrap();
    assert_ok(&out, "create under a policy requiring seed-wheels");
    let env = s.path().join("env");
    let got = run_in(
        &env,
        "python",
        &["-c", "import beta_pkg; print(beta_pkg.VALUE)"],
    );
    assert_ok(&got, "import beta_pkg");
    assert!(
        !site_packages(&env).join("alpha_pkg").exists(),
        "only the package asked for"
    );
}

// ---------------------------------------------------------------------------
// Activator hook: xonsh and activate_this.py, in real interpreters.

#[test]
fn activators_add_scripts_that_really_activate() {
    let s = Scratch::new();
    let house = s.path().join("wheelhouse");
    wheelhouse(&house);
    let grant = format!("seed-wheels=read:{}", house.display());
    let out = create(
        &s,
        &[
            "--without-pip",
            "--prompt",
            "it's mine",
            "--plugin",
            &p("xonsh-activate"),
            "--plugin",
            &p("activate-this"),
            "--plugin",
            &p("seed-wheels"),
            "--plugin-grant",
            &grant,
        ],
    );
    assert_ok(&out, "create with the activators");
    let env = s.path().join("env");
    for name in ["activate.xsh", "activate_this.py"] {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(env.join("bin").join(name)).unwrap();
        assert!(meta.is_file(), "{name}");
        assert_eq!(
            meta.permissions().mode() & 0o111,
            0,
            "{name} is not executable"
        );
    }

    // activate_this.py: the base interpreter gets the env's packages and variables.
    let base = cpython(12);
    let script = env.join("bin/activate_this.py");
    let code = format!(
        "import os, sys\npath = {:?}\nexec(open(path).read(), {{'__file__': path}})\nimport alpha_pkg\nprint(alpha_pkg.__file__)\nprint(os.environ['VIRTUAL_ENV'])\nprint(os.environ['VIRTUAL_ENV_PROMPT'])\nprint(os.environ['PATH'].split(os.pathsep)[0])\nprint(sys.prefix)\n",
        script.display()
    );
    let ran = Command::new(&base).args(["-c", &code]).output().unwrap();
    assert_ok(&ran, "activate_this.py in the base interpreter");
    let lines: Vec<String> = stdout(&ran).lines().map(str::to_owned).collect();
    assert!(
        lines[0].starts_with(site_packages(&env).to_str().unwrap()),
        "{lines:?}"
    );
    assert_eq!(lines[1], env.display().to_string());
    assert_eq!(lines[2], "it's mine");
    assert_eq!(lines[3], env.join("bin").display().to_string());
    assert_eq!(lines[4], env.display().to_string());

    // activate.xsh in a real xonsh (from PyPI, tools/install-guest-toolchains.sh xonsh).
    let install = Command::new("bash")
        .arg(root().join("tools/install-guest-toolchains.sh"))
        .arg("xonsh")
        .output()
        .unwrap();
    assert_ok(&install, "tools/install-guest-toolchains.sh xonsh");
    let xonsh = root().join("target/guest-tools/xonsh/bin/xonsh");
    let session = format!(
        "source {}\nprint($VIRTUAL_ENV)\nprint($VIRTUAL_ENV_PROMPT)\nprint($(python3 -c 'import sys; print(sys.prefix)').strip())\ndeactivate\nprint(${{...}}.get('VIRTUAL_ENV', 'unset'))\nprint($(python3 -c 'import sys; print(sys.prefix)').strip())\n",
        env.join("bin/activate.xsh").display()
    );
    let file = s.path().join("session.xsh");
    std::fs::write(&file, session).unwrap();
    let ran = Command::new(&xonsh)
        .arg("--no-rc")
        .arg(&file)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", s.path())
        .env("XONSH_HISTORY_BACKEND", "dummy")
        .output()
        .unwrap();
    assert_ok(&ran, "xonsh session");
    let lines: Vec<String> = stdout(&ran)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}\nstderr: {}", stderr(&ran));
    assert_eq!(lines[0], env.display().to_string());
    assert_eq!(lines[1], "it's mine");
    assert_eq!(lines[2], env.display().to_string(), "python3 is the env's");
    assert_eq!(lines[3], "unset");
    assert_ne!(lines[4], lines[2], "deactivate restores PATH");
}

#[test]
fn activators_are_skipped_with_upgrade_as_the_scripts_are() {
    let s = Scratch::new();
    assert_ok(&create(&s, &["--without-pip"]), "create");
    let out = create(
        &s,
        &[
            "--without-pip",
            "--upgrade",
            "--plugin",
            &p("xonsh-activate"),
        ],
    );
    assert_ok(&out, "upgrade with an activator");
    assert!(!s.path().join("env/bin/activate.xsh").exists());
}

// ---------------------------------------------------------------------------
// run-in-env.

#[test]
fn run_in_env_runs_a_program_only_with_its_grant() {
    let s = Scratch::new();
    let opt = "run-command.argv=env";
    // Without the grant: the call is denied, the hook fails, nothing is left.
    let out = create(
        &s,
        &[
            "--without-pip",
            "--plugin",
            &p("run-command"),
            "--plugin-opt",
            opt,
        ],
    );
    assert!(!out.status.success());
    assert_stderr_has(&out, "run-in-env denied");
    assert_stderr_has(&out, "--plugin-grant run-command=run-in-env");
    assert!(!s.path().join("env").exists());

    // With it: the program runs as if the env were activated, and sees
    // the user's environment (no policy says otherwise).
    let py = py();
    let args = [
        "--without-pip",
        "-p",
        &py,
        "--plugin",
        &p("run-command"),
        "--plugin-opt",
        opt,
        "--plugin-grant",
        "run-command=run-in-env",
        "env",
    ];
    let out = s
        .command_in(s.path(), &args)
        .env("VENV_TEST_MARK", "visible")
        .output()
        .unwrap();
    assert_ok(&out, "run-command with the grant");
    let env = s.path().join("env");
    assert_stderr_has(
        &out,
        &format!("[run-command] VIRTUAL_ENV={}", env.display()),
    );
    assert_stderr_has(&out, &format!("[run-command] PATH={}/bin:", env.display()));
    assert_stderr_has(&out, "[run-command] VENV_TEST_MARK=visible");
    std::fs::remove_dir_all(&env).unwrap();

    // A policy decides which variables get through.
    let policy = s.path().join("policy.toml");
    std::fs::write(&policy, "[run]\npass-env = [\"PATH\", \"HOME\"]\n").unwrap();
    let out = s
        .command_in(s.path(), &args)
        .env("VENV_TEST_MARK", "visible")
        .env("VENV_POLICY", &policy)
        .output()
        .unwrap();
    assert_ok(&out, "run-command under pass-env");
    assert!(!stderr(&out).contains("VENV_TEST_MARK"), "{}", stderr(&out));
    assert_stderr_has(&out, "[run-command] VIRTUAL_ENV=");
    assert_stderr_has(&out, "[run-command] HOME=");
}

#[test]
fn run_in_env_is_bounded_by_the_calls_time_limit() {
    let s = Scratch::new();
    let started = std::time::Instant::now();
    let out = create(
        &s,
        &[
            "--without-pip",
            "--plugin-time",
            "2",
            "--plugin",
            &p("run-command"),
            "--plugin-opt",
            "run-command.argv=sleep 60",
            "--plugin-grant",
            "run-command=run-in-env",
        ],
    );
    assert!(!out.status.success());
    assert_stderr_has(&out, "time limit");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert!(!s.path().join("env").exists());
}

// ---------------------------------------------------------------------------
// Guest languages: Rust (the SDK, above and in plugins.rs), Python and JavaScript.

#[test]
fn a_javascript_hook_builds_and_runs() {
    let s = Scratch::new();
    let wasm = s.path().join("js-hook.wasm");
    let build = Command::new("bash")
        .arg(root().join("examples/js-hook/build.sh"))
        .arg(&wasm)
        .output()
        .unwrap();
    assert_ok(
        &build,
        "examples/js-hook/build.sh (needs npm for componentize-js)",
    );
    let out = create(
        &s,
        &[
            "--without-pip",
            "--plugin",
            wasm.to_str().unwrap(),
            "--plugin-opt",
            "js-hook.greeting=hej",
        ],
    );
    assert_ok(&out, "js hook");
    assert_stderr_has(&out, "[js-hook] hej from a JavaScript hook in env");
    let text = std::fs::read_to_string(s.path().join("env/js-hook.txt")).unwrap();
    assert!(
        text.contains("env: env")
            && text.contains("python: 3.12.")
            && text.contains("greeting: hej"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------
// Contract versions.

#[test]
fn plugins_built_for_0_1_0_behave_the_same_under_the_0_2_0_host() {
    let s = Scratch::new();
    let both = plugin("both-hooks");
    let inspect = s.venv(&["--inspect-plugin", both.to_str().unwrap()]);
    assert_ok(&inspect, "inspect both-hooks");
    assert!(
        stdout(&inspect).contains("contract: venv:plugin@0.1.0"),
        "{}",
        stdout(&inspect)
    );
    assert!(stdout(&inspect).contains("hooks: post-setup, scm-ignore"));
    let out = create(
        &s,
        &[
            "--without-pip",
            "--plugin",
            both.to_str().unwrap(),
            "--scm-ignore-files",
            "bzr",
            "--plugin-opt",
            "both-hooks.colour=blue",
        ],
    );
    assert_ok(&out, "0.1.0 plugin under the 0.2.0 host");
    let env = s.path().join("env");
    assert!(env.join(".bzrignore").is_file());
    let text = std::fs::read_to_string(env.join("both-hooks.txt")).unwrap();
    assert!(text.contains("colour") && text.contains("blue"), "{text}");
    // A 0.1.0 plugin's run-python still lives in its `host` and still needs the grant.
    let out = create(
        &s,
        &[
            "--without-pip",
            "--clear",
            "--plugin",
            &p("python-probe"),
            "--plugin-opt",
            "python-probe.code=pass",
        ],
    );
    assert!(!out.status.success());
    assert_stderr_has(&out, "run-python denied");
}

/// A component that exports `venv:plugin/post-setup@VERSION` with one function.
fn versioned_component(version: &str) -> String {
    format!(
        r#"(component
  (core module $m (func (export "f")))
  (core instance $i (instantiate $m))
  (type $t (func))
  (func $f (type $t) (canon lift (core func $i "f")))
  (instance $inst (export "post-setup" (func $f)))
  (export "venv:plugin/post-setup@{version}" (instance $inst))
)"#
    )
}

#[test]
fn a_plugin_for_an_unknown_contract_version_is_refused_in_one_line() {
    let s = Scratch::new();
    let path = s.path().join("future.wasm");
    std::fs::write(&path, wat::parse_str(versioned_component("0.3.0")).unwrap()).unwrap();
    let out = create(&s, &["--without-pip", "--plugin", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("venv: error: plugin `future`")
            && lines[0].contains("venv:plugin@0.3.0")
            && lines[0].contains("0.1.0 and 0.2.0"),
        "{err}"
    );
    assert!(!s.path().join("env").exists());
}

// ---------------------------------------------------------------------------
// --inspect-plugin.

#[test]
fn inspect_shows_contract_hooks_imports_grants_digest_and_cache() {
    let s = Scratch::new();
    let seeder = plugin("seed-wheels");
    let digest = sha256_file(&seeder);
    let first = s.venv(&["--inspect-plugin", seeder.to_str().unwrap()]);
    assert_ok(&first, "inspect seed-wheels");
    let text = stdout(&first);
    for needle in [
        "plugin: seed-wheels (",
        "contract: venv:plugin@0.2.0",
        "hooks: seeder",
        "venv:plugin/wheels@0.2.0: install-wheel",
        "--plugin-grant seed-wheels=read:DIR",
        &format!("sha256: {digest}"),
        &format!("pinned = [\"{digest}\"]"),
        "compiled code: not cached; compiled in",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let second = s.venv(&["--inspect-plugin", seeder.to_str().unwrap()]);
    assert!(
        stdout(&second).contains("compiled code: cached at"),
        "{}",
        stdout(&second)
    );

    // The grants follow the functions a plugin imports.
    let runner = s.venv(&["--inspect-plugin", &p("run-command")]);
    assert!(
        stdout(&runner).contains("--plugin-grant run-command=run-in-env"),
        "{}",
        stdout(&runner)
    );
    assert!(
        !stdout(&runner).contains("=run-python"),
        "{}",
        stdout(&runner)
    );
    let minimal = s.venv(&["--inspect-plugin", &p("minimal-hook")]);
    assert!(
        stdout(&minimal).contains("grants it would need: none"),
        "{}",
        stdout(&minimal)
    );

    // A plugin this venv would refuse: reported, then the refusal, exit 1.
    let path = s.path().join("future.wasm");
    std::fs::write(&path, wat::parse_str(versioned_component("0.3.0")).unwrap()).unwrap();
    let refused = s.venv(&["--inspect-plugin", path.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stdout(&refused).contains("contract: refused:"),
        "{}",
        stdout(&refused)
    );
    assert_stderr_has(&refused, "0.1.0 and 0.2.0");
}

#[test]
fn an_env_dir_named_like_the_inspect_flag_is_still_created() {
    let s = Scratch::new();
    let py = py();
    for name in ["inspect", "inspect-plugin"] {
        let out = s.venv(&["--without-pip", "-p", &py, name]);
        assert_ok(&out, name);
        assert!(s.path().join(name).join("pyvenv.cfg").is_file());
    }
}
