//! Issue 17, class 12: the injections of virtualenv's October 2026
//! advisories, tried on venv. A value written into `pyvenv.cfg` can never
//! start a line of its own (an env path with a line break is refused, a
//! prompt's line breaks are escaped wherever it is written); an env path
//! that dash would read as a PATH option is refused; launchers do not
//! expand `$(...)` from the env's path, however long it is; and the prompt
//! keeps its meaning under every `BASH_COMPAT` level bash knows.

use std::path::Path;
use std::process::Command;

use crate::common::*;

#[test]
fn an_env_path_with_a_line_break_is_refused() {
    for name in [
        "e\ninclude-system-site-packages = true",
        "e\rhome = /tmp",
        "e\u{2028}home = /tmp",
        "e\u{85}x",
        "e\u{2029}x",
    ] {
        let s = Scratch::new();
        let out = s.venv(&["-p", &py(), "--without-pip", name]);
        assert_one_line_error(&out, &["line break"]);
        assert_eq!(
            std::fs::read_dir(s.path())
                .unwrap()
                .flatten()
                .filter(|e| e.file_name() != ".cache")
                .count(),
            0,
            "{name:?}: something was created"
        );
    }
}

#[test]
fn line_breaks_in_a_prompt_never_start_a_line_of_pyvenv_cfg() {
    let s = Scratch::new();
    let prompt = "p\ninclude-system-site-packages = true\r\u{2028}home = /x\u{85}y";
    let out = s.venv(&["-p", &py(), "--without-pip", "--prompt", prompt, "env"]);
    assert_ok(&out, "a prompt with line breaks");
    let cfg = s.path().join("env/pyvenv.cfg");
    // Python's own reading of the file (str.splitlines splits at every one of them).
    let keys = python_says(
        &cpython(12),
        &format!(
            "print('\\n'.join(l.split('=')[0].strip() for l in open({:?}, encoding='utf-8').read().splitlines()))",
            cfg.display()
        ),
    );
    let keys: Vec<&str> = keys.lines().collect();
    assert_eq!(
        keys,
        [
            "home",
            "include-system-site-packages",
            "version",
            "prompt",
            "executable",
            "command"
        ],
        "{}",
        std::fs::read_to_string(&cfg).unwrap()
    );
    // And the environment's interpreter does not see the system site-packages.
    let python = s.path().join("env/bin/python");
    let outside = python_says(
        &python,
        "import sys; print([p for p in sys.path if p.endswith('site-packages') and not p.startswith(sys.prefix)])",
    );
    assert_eq!(outside.trim(), "[]");
}

#[test]
fn an_env_path_dash_would_read_as_a_path_option_is_refused() {
    for name in ["e%func", "e%builtin/env", "x%y"] {
        let s = Scratch::new();
        let out = s.venv(&["-p", &py(), "--without-pip", name]);
        assert_one_line_error(&out, &["`%`", "dash"]);
        assert!(!s.path().join(name).exists());
    }
}

#[test]
fn launchers_do_not_expand_the_env_path() {
    let s = Scratch::new();
    let marker = s.path().join("expanded");
    let evil = format!("$(touch {})", marker.display());
    for dir in [
        // A space makes pip's form a /bin/sh trampoline.
        s.path().join(format!("with space {evil}")),
        // So does a #! line over 127 bytes.
        s.path().join(format!("{}{evil}", "l".repeat(130))),
    ] {
        std::fs::create_dir_all(&dir).unwrap();
        let out = s.venv_in(&dir, &["-p", &py(), "env"]);
        assert_ok(&out, "an env under a path with $(...)");
        let pip = Command::new(dir.join("env/bin/pip"))
            .arg("--version")
            .output()
            .unwrap();
        assert_ok(&pip, "pip's launcher");
        assert!(
            String::from_utf8_lossy(&pip.stdout).contains(&*dir.join("env").to_string_lossy()),
            "{}",
            String::from_utf8_lossy(&pip.stdout)
        );
        assert!(
            !marker.exists(),
            "the launcher expanded $(...) in {}",
            dir.display()
        );
    }
}

#[test]
fn the_prompt_keeps_its_meaning_under_every_bash_compat() {
    let s = Scratch::new();
    let marker = s.path().join("ran");
    let prompt = format!(
        "a'b$(touch {m})`touch {m}` & %s \\ ! \"q\"",
        m = marker.display()
    );
    let out = s.venv(&["-p", &py(), "--without-pip", "--prompt", &prompt, "env"]);
    assert_ok(&out, "a prompt full of shell syntax");
    let activate = s.path().join("env/bin/activate");
    for compat in ["31", "32", "40", "41", "42", "43", "44", "50", "51", "52"] {
        let shown = bash_prompt(&activate, compat);
        assert_eq!(shown, format!("({prompt}) $ "), "BASH_COMPAT={compat}");
        assert!(
            !marker.exists(),
            "BASH_COMPAT={compat}: the prompt ran a command"
        );
    }
}

/// The prompt bash would draw after sourcing `activate` with `PS1='$ '`
/// and `BASH_COMPAT=compat`.
fn bash_prompt(activate: &Path, compat: &str) -> String {
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!(
            "BASH_COMPAT={compat}; PS1='$ '; . '{}'; printf '%s' \"${{PS1@P}}\"",
            activate.display()
        ))
        .output()
        .unwrap();
    assert_ok(&out, &format!("bash with BASH_COMPAT={compat}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
