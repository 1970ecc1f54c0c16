//! Defaults for every creation: a flag over its `VENV_*` variable over the
//! user config over venv's own, for python, prompt, link-mode, seeder,
//! scm-ignore-files, cache-dir and relocatable, each checked in what a
//! creation makes; `--show-config` names each source; a key of the user
//! config this venv does not know is a warning and the rest applies; a bad
//! value is one line naming the file, line and key, and nothing is created.
//! The policy file stays strict.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

const VARIABLES: &[&str] = &[
    "VENV_PYTHON",
    "VENV_PROMPT",
    "VENV_LINK_MODE",
    "VENV_SEEDER",
    "VENV_SCM_IGNORE_FILES",
    "VENV_CACHE_DIR",
    "VENV_RELOCATABLE",
    "VENV_POLICY",
];

/// A scratch directory with a user config of its own (`xdg/venv/config.toml`).
struct Home {
    s: Scratch,
}

impl Home {
    fn new(config: &str) -> Home {
        let s = Scratch::new();
        std::fs::create_dir_all(s.path().join("xdg/venv")).unwrap();
        std::fs::write(s.path().join("xdg/venv/config.toml"), config).unwrap();
        Home { s }
    }

    fn path(&self) -> &Path {
        self.s.path()
    }

    fn config(&self) -> PathBuf {
        self.path().join("xdg/venv/config.toml")
    }

    /// `venv ARGS` with only the `VENV_*` variables in `vars` set, and the
    /// default cache under the scratch directory.
    fn run(&self, vars: &[(&str, &str)], args: &[&str]) -> Output {
        let mut cmd = Command::new(venv_bin());
        cmd.args(args)
            .current_dir(self.path())
            .env("XDG_CONFIG_HOME", self.path().join("xdg"))
            .env("XDG_CACHE_HOME", self.path().join("xdg-cache"));
        for var in VARIABLES {
            cmd.env_remove(var);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn cfg(&self, env: &str) -> String {
        std::fs::read_to_string(self.path().join(env).join("pyvenv.cfg")).unwrap()
    }
}

fn py_path(minor: u32) -> String {
    cpython(minor).display().to_string()
}

#[test]
fn python_comes_from_the_flag_then_venv_python_then_the_config() {
    let h = Home::new(&format!("python = {:?}\n", py_path(10)));
    let eleven = py_path(11);
    assert_ok(&h.run(&[], &["--without-pip", "a"]), "config");
    assert!(h
        .cfg("a")
        .contains(&format!("version = {}\n", full_version(10))));
    assert_ok(
        &h.run(&[("VENV_PYTHON", &eleven)], &["--without-pip", "b"]),
        "VENV_PYTHON",
    );
    assert!(h
        .cfg("b")
        .contains(&format!("version = {}\n", full_version(11))));
    assert_ok(
        &h.run(
            &[("VENV_PYTHON", &eleven)],
            &["--without-pip", "-p", &py(), "c"],
        ),
        "-p",
    );
    assert!(h
        .cfg("c")
        .contains(&format!("version = {}\n", full_version(12))));
    // A version request works there too.
    let h = Home::new("python = \"3.9\"\n");
    assert_ok(&h.run(&[], &["--without-pip", "d"]), "config 3.9");
    assert!(h.cfg("d").contains("version = 3.9."), "{}", h.cfg("d"));
    // --upgrade without -p keeps the environment's own base over VENV_PYTHON.
    let out = h.run(
        &[("VENV_PYTHON", &py_path(13))],
        &["--upgrade", "--without-pip", "d"],
    );
    assert_ok(&out, "--upgrade");
    assert!(h.cfg("d").contains("version = 3.9."), "{}", h.cfg("d"));
}

#[test]
fn prompt_scm_ignore_files_and_relocatable_follow_the_precedence() {
    let h = Home::new("prompt = \"from config\"\nscm-ignore-files = []\nrelocatable = true\n");
    let thirteen = py_path(13);
    let base = ["--without-pip", "-p", thirteen.as_str()];
    let create = |vars: &[(&str, &str)], extra: &[&str], env: &str| {
        let args: Vec<&str> = base.iter().chain(extra).copied().chain([env]).collect();
        assert_ok(&h.run(vars, &args), &format!("{vars:?} {extra:?}"));
    };
    // The config: its prompt, no .gitignore on 3.13 (CPython writes one), relocatable.
    create(&[], &[], "config");
    let cfg = h.cfg("config");
    assert!(cfg.contains("prompt = 'from config'"), "{cfg}");
    assert!(cfg.contains("relocatable = true"), "{cfg}");
    assert!(!h.path().join("config/.gitignore").exists());
    // The environment over the config.
    create(
        &[
            ("VENV_PROMPT", "from env"),
            ("VENV_SCM_IGNORE_FILES", "git"),
            ("VENV_RELOCATABLE", "0"),
        ],
        &[],
        "env",
    );
    let cfg = h.cfg("env");
    assert!(cfg.contains("prompt = 'from env'"), "{cfg}");
    assert!(!cfg.contains("relocatable"), "{cfg}");
    assert!(h.path().join("env/.gitignore").is_file());
    // Flags over both.
    create(
        &[
            ("VENV_PROMPT", "from env"),
            ("VENV_SCM_IGNORE_FILES", "git"),
            ("VENV_RELOCATABLE", "0"),
        ],
        &[
            "--prompt",
            "from flag",
            "--without-scm-ignore-files",
            "--relocatable",
        ],
        "flags",
    );
    let cfg = h.cfg("flags");
    assert!(cfg.contains("prompt = 'from flag'"), "{cfg}");
    assert!(cfg.contains("relocatable = true"), "{cfg}");
    assert!(!h.path().join("flags/.gitignore").exists());
    create(&[], &["--no-relocatable"], "plain");
    assert!(
        !h.cfg("plain").contains("relocatable"),
        "{}",
        h.cfg("plain")
    );
    // --repair does not take relocatable from the config: it keeps the
    // environment as it is unless --relocatable asks.
    let out = h.run(&[], &["--repair", "plain"]);
    assert_ok(&out, "--repair");
    assert!(!h.cfg("plain").contains("relocatable"));
}

#[test]
fn link_mode_seeder_and_cache_dir_follow_the_precedence() {
    let h = Home::new("link-mode = \"copy\"\ncache-dir = \"cache-from-config\"\n");
    let py = py();
    let create = |vars: &[(&str, &str)], extra: &[&str], env: &str| {
        let args: Vec<&str> = ["-v", "-p", py.as_str()]
            .iter()
            .chain(extra)
            .copied()
            .chain([env])
            .collect();
        let out = h.run(vars, &args);
        assert_ok(&out, &format!("{vars:?} {extra:?}"));
        stderr(&out)
    };
    // The config's cache, beside the config file, and its link mode.
    let err = create(&[], &[], "a");
    assert!(err.contains("files by Copy"), "{err}");
    assert!(h.path().join("xdg/venv/cache-from-config/seed").is_dir());
    assert!(!h.path().join("xdg-cache/venv").exists());
    let from_env = h.path().join("cache-from-env");
    let from_env_s = from_env.display().to_string();
    let err = create(
        &[
            ("VENV_LINK_MODE", "symlink"),
            ("VENV_CACHE_DIR", &from_env_s),
        ],
        &[],
        "b",
    );
    assert!(err.contains("files by Symlink"), "{err}");
    assert!(from_env.join("seed").is_dir());
    let from_flag = h.path().join("cache-from-flag");
    let err = create(
        &[
            ("VENV_LINK_MODE", "symlink"),
            ("VENV_CACHE_DIR", &from_env_s),
        ],
        &[
            "--link-mode",
            "hardlink",
            "--cache-dir",
            from_flag.to_str().unwrap(),
        ],
        "c",
    );
    assert!(err.contains("files by Hardlink"), "{err}");
    assert!(from_flag.join("seed").is_dir());
    // The seeder: ensurepip from the environment runs pip (no files placed
    // from the cache), and --seeder native over it places them.
    let err = create(&[("VENV_SEEDER", "ensurepip")], &[], "d");
    assert!(!err.contains("files by"), "{err}");
    assert!(h.path().join("d/bin/pip").is_file());
    let err = create(
        &[("VENV_SEEDER", "ensurepip")],
        &["--seeder", "native"],
        "e",
    );
    assert!(err.contains("files by Copy"), "{err}");
}

#[test]
fn show_config_names_where_each_value_came_from() {
    let h = Home::new("link-mode = \"copy\"\n\nrelocatable = true\nseeder = \"native\"\n");
    let config = h.config().display().to_string();
    let out = h.run(
        &[("VENV_PYTHON", &py_path(11)), ("VENV_SEEDER", "ensurepip")],
        &["--show-config", "--prompt", "p"],
    );
    assert_ok(&out, "--show-config");
    let text = stdout(&out);
    let expected = [
        format!("user config: {config}"),
        format!(
            "python = {:?} (from VENV_PYTHON), which finds Python {} at {}",
            py_path(11),
            full_version(11),
            py_path(11)
        ),
        "prompt = \"p\" (from --prompt)".to_owned(),
        format!("link-mode = \"copy\" (from {config}:1)"),
        "seeder = \"ensurepip\" (from VENV_SEEDER)".to_owned(),
        "scm-ignore-files = git for Python 3.13+, none before (built-in)".to_owned(),
        format!(
            "cache-dir = {:?} (built-in)",
            h.path().join("xdg-cache/venv").display().to_string()
        ),
        format!("relocatable = true (from {config}:3)"),
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected, "{text}");
    let made: Vec<String> = std::fs::read_dir(h.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "xdg" && n != "xdg-cache")
        .collect();
    assert!(made.is_empty(), "--show-config creates nothing: {made:?}");
    // A python that finds nothing: everything is shown, then the error.
    let out = h.run(&[("VENV_PYTHON", "3.99")], &["--show-config"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("python = \"3.99\" (from VENV_PYTHON), which finds nothing"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("relocatable = true"));
    assert_one_line_error(&out, &["no Python found for `3.99`"]);
    // --show-config takes the flags it shows, and refuses an ENV_DIR.
    let out = h.run(&[], &["--show-config", "env"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = h.run(&[], &["--show-config", "--clear"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn unknown_keys_in_the_user_config_warn_and_the_rest_applies() {
    let h = Home::new(
        "prompt = \"kept\"\ncolour = \"blue\"\n[limits]\nmemroy-mib = 3\n[future-section]\nx = 1\n",
    );
    let config = h.config().display().to_string();
    let out = h.run(&[], &["--without-pip", "-p", &py(), "env"]);
    assert_ok(&out, "unknown keys");
    assert!(h.cfg("env").contains("prompt = 'kept'"), "{}", h.cfg("env"));
    let err = stderr(&out);
    for (line, key) in [
        (2, "colour"),
        (4, "limits.memroy-mib"),
        (5, "future-section"),
    ] {
        let wanted = format!("venv: warning: {config}:{line}: unknown key `{key}` ignored");
        assert!(
            err.lines().any(|l| l.starts_with(&wanted)),
            "{wanted}\n{err}"
        );
    }
    assert!(
        err.contains("memory-mib"),
        "the known keys are named: {err}"
    );
    assert!(stdout(&out).is_empty());
    // -q: nothing but errors.
    let out = h.run(&[], &["-q", "--without-pip", "-p", &py(), "quiet"]);
    assert_ok(&out, "-q");
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_bad_value_is_one_line_naming_the_file_line_and_key_and_nothing_is_created() {
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "python = \"3.12\"\n\nlink-mode = \"fast\"\n",
            3,
            "link-mode",
            "auto, hardlink",
        ),
        ("relocatable = \"yes\"\n", 1, "relocatable", "true or false"),
        ("seeder = 3\n", 1, "seeder", "must be a string"),
        (
            "scm-ignore-files = \"git\"\n",
            1,
            "scm-ignore-files",
            "list of strings",
        ),
        (
            "[limits]\ntime-seconds = \"ten\"\n",
            2,
            "limits.time-seconds",
            "a number",
        ),
        (
            "[[plugins]]\npath = \"x.wasm\"\ngrants = [\"fly\"]\n",
            3,
            "plugins[0].grants",
            "unknown grant",
        ),
    ];
    for (text, line, key, problem) in cases {
        let h = Home::new(text);
        let out = h.run(&[], &["--without-pip", "-p", &py(), "env"]);
        let location = format!("{}:{line}:", h.config().display());
        assert_one_line_error(&out, &[&location, &format!("`{key}`"), problem]);
        assert!(!h.path().join("env").exists(), "{text}");
    }
    // Not TOML at all: the parser's line.
    let h = Home::new("python = \n");
    let out = h.run(&[], &["--without-pip", "-p", &py(), "env"]);
    assert_one_line_error(&out, &["user config", "line 1"]);
    assert!(!h.path().join("env").exists());
}

#[test]
fn a_bad_environment_value_is_one_line_and_nothing_is_created() {
    let h = Home::new("");
    for (var, value, needle) in [
        (
            "VENV_LINK_MODE",
            "fast",
            "expected one of auto, hardlink, clone, copy, symlink",
        ),
        (
            "VENV_SEEDER",
            "pip",
            "expected one of auto, native, ensurepip",
        ),
        ("VENV_RELOCATABLE", "maybe", "expected 1, true"),
    ] {
        let out = h.run(&[(var, value)], &["--without-pip", "-p", &py(), "env"]);
        assert_one_line_error(&out, &[&format!("{var}=\"{value}\""), needle]);
        assert!(!h.path().join("env").exists());
    }
    // An empty variable is an unset one.
    let out = h.run(
        &[("VENV_LINK_MODE", "")],
        &["--without-pip", "-p", &py(), "env"],
    );
    assert_ok(&out, "VENV_LINK_MODE=");
}

#[test]
fn the_policy_file_stays_strict() {
    let h = Home::new("");
    std::fs::write(
        h.path().join("policy.toml"),
        "[plugins]\ncolour = \"blue\"\n",
    )
    .unwrap();
    let policy = h.path().join("policy.toml").display().to_string();
    let out = h.run(
        &[("VENV_POLICY", &policy)],
        &["--without-pip", "-p", &py(), "env"],
    );
    assert_one_line_error(&out, &["policy file", "colour"]);
    assert!(!h.path().join("env").exists());
}
