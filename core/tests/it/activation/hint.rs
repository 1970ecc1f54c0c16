//! The line `venv` prints after a creation: for the shell `$SHELL` names,
//! the command that activates the environment, its path quoted for that
//! shell. Each test pastes the line, exactly as printed, into that shell
//! (an interactive one, where bash and tcsh expand `!`; nushell through
//! `-c`, its REPL needing a terminal) and checks that the environment is
//! then active: `VIRTUAL_ENV` and the `python` that runs.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use super::harness::*;
use crate::common::{assert_ok, stderr, stdout, venv_bin};

/// What prints the environment's variable and the `python` on PATH's
/// `sys.prefix` as `VE=...\0PY=...\0`, in each shell's syntax.
fn report(shell: &str) -> String {
    let python = r#"python -c 'import sys; sys.stdout.write("PY=%s\0" % sys.prefix)'"#;
    let variable = match shell {
        "tcsh" => r#"printf 'VE=%s\0' "$VIRTUAL_ENV:q""#,
        "nu" => r#"print -n $"VE=($env.VIRTUAL_ENV)(char nul)""#,
        _ => r#"printf 'VE=%s\0' "$VIRTUAL_ENV""#,
    };
    let caret = if shell == "nu" { "^" } else { "" };
    format!("{variable}; {caret}{python}")
}

/// Runs `venv --without-pip -p PY ARGS` from `cwd` with `SHELL` naming
/// `shell`; returns the run and the command after `Activate with: `.
fn create(fx: &Fixture, shell: &str, cwd: &Path, args: &[&str]) -> (Output, String) {
    let out = std::process::Command::new(venv_bin())
        .args(["--without-pip", "-p"])
        .arg(fx.python())
        .args(args)
        .current_dir(cwd)
        .env("SHELL", format!("/usr/bin/{shell}"))
        .env("VENV_CACHE_DIR", fx.tmp.path().join("cache"))
        .output()
        .unwrap();
    assert_ok(&out, &format!("venv {args:?} with SHELL={shell}"));
    assert!(stdout(&out).is_empty(), "stdout: {:?}", stdout(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got {err:?}");
    let command = lines[0]
        .strip_prefix("Activate with: ")
        .unwrap_or_else(|| panic!("no activation line: {err:?}"))
        .to_owned();
    (out, command)
}

/// Pastes `line` into `shell` started in `cwd`, then reports; returns
/// (`VIRTUAL_ENV`, `sys.prefix` of `python`).
fn paste(fx: &Fixture, shell: &str, cwd: &Path, line: &str) -> (String, String) {
    let mut cmd = fx.shell_command(shell);
    cmd.current_dir(cwd);
    let input = format!("{line}\n{}\nexit\n", report(shell));
    let out = if shell == "nu" {
        cmd.args(["--no-config-file", "-c", &input])
            .output()
            .unwrap()
    } else {
        let interactive: &[&str] = match shell {
            "bash" => &["--norc", "--noprofile", "-i"],
            "zsh" => &["-f", "-i"],
            "fish" => &["--no-config", "-i"],
            "tcsh" => &["-f", "-i"],
            _ => &["-i"],
        };
        use std::io::Write;
        let mut child = cmd
            .args(interactive)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |tag: &str| {
        text.split('\0')
            .filter_map(|piece| piece.rfind(tag).map(|i| piece[i + tag.len()..].to_owned()))
            .next_back()
            .unwrap_or_else(|| {
                panic!(
                    "{shell} printed no {tag} after pasting {line:?}\nstdout: {text:?}\nstderr: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
    };
    (field("VE="), field("PY="))
}

fn canonical(p: &str) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|e| panic!("canonicalize {p:?}: {e}"))
}

/// For `shell`: the default `.venv`, a relative name with every character
/// a shell treats specially, and the same as an absolute path.
fn pasting_the_line_activates_the_environment(shell: &str) {
    let fx = Fixture::new();
    let project = fx.tmp.path().join("x y").join("project");
    std::fs::create_dir_all(&project).unwrap();
    let cases: Vec<(Vec<String>, PathBuf)> = vec![
        (vec![], project.join(".venv")),
        (vec![NASTY_NAME.to_owned()], project.join(NASTY_NAME)),
        (
            vec![project
                .join(format!("abs {NASTY_NAME}"))
                .display()
                .to_string()],
            project.join(format!("abs {NASTY_NAME}")),
        ),
    ];
    for (args, env) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, line) = create(&fx, shell, &project, &args);
        let (virtual_env, prefix) = paste(&fx, shell, &project, &line);
        assert_eq!(
            canonical(&virtual_env),
            canonical(&env.display().to_string()),
            "{shell}: VIRTUAL_ENV after pasting {line:?}"
        );
        assert_eq!(
            canonical(&prefix),
            canonical(&env.display().to_string()),
            "{shell}: sys.prefix of python after pasting {line:?}"
        );
    }
}

#[test]
fn bash_pastes_the_line() {
    pasting_the_line_activates_the_environment("bash");
}

#[test]
fn zsh_pastes_the_line() {
    pasting_the_line_activates_the_environment("zsh");
}

#[test]
fn dash_pastes_the_line() {
    pasting_the_line_activates_the_environment("dash");
}

#[test]
fn fish_pastes_the_line() {
    pasting_the_line_activates_the_environment("fish");
}

#[test]
fn tcsh_pastes_the_line() {
    pasting_the_line_activates_the_environment("tcsh");
}

#[test]
fn nu_pastes_the_line() {
    pasting_the_line_activates_the_environment("nu");
}

#[test]
fn each_shell_gets_its_own_command() {
    let fx = Fixture::new();
    let cwd = fx.tmp.path();
    for (shell, expected) in [
        ("bash", "source e1/bin/activate"),
        ("zsh", "source e2/bin/activate"),
        ("dash", ". e3/bin/activate"),
        ("sh", ". e4/bin/activate"),
        ("fish", "source e5/bin/activate.fish"),
        ("tcsh", "source e6/bin/activate.csh"),
        ("csh", "source e7/bin/activate.csh"),
        ("nu", "overlay use e8/bin/activate.nu"),
        ("pwsh", "e9/bin/Activate.ps1"),
    ] {
        let name = expected
            .split([' ', '/'])
            .find(|w| w.starts_with('e'))
            .unwrap();
        let (_, line) = create(&fx, shell, cwd, &[name]);
        assert_eq!(line, expected, "SHELL={shell}");
    }
}

#[test]
fn quiet_and_upgrade_print_no_line() {
    let fx = Fixture::new();
    let cwd = fx.tmp.path();
    let run = |args: &[&str]| {
        std::process::Command::new(venv_bin())
            .args(["--without-pip", "-p"])
            .arg(fx.python())
            .args(args)
            .current_dir(cwd)
            .env("SHELL", "/bin/bash")
            .env("VENV_CACHE_DIR", cwd.join("cache"))
            .output()
            .unwrap()
    };
    let out = run(&["-q", "env"]);
    assert_ok(&out, "-q");
    assert!(cwd.join("env/pyvenv.cfg").is_file());
    assert_eq!(stderr(&out), "", "-q prints nothing");
    // --upgrade works on an environment the user already has.
    let out = run(&["--upgrade", "env"]);
    assert_ok(&out, "--upgrade");
    assert!(!stderr(&out).contains("Activate"), "{}", stderr(&out));
    // A shell that reads none of the scripts gets where they are.
    let out = std::process::Command::new(venv_bin())
        .args(["--without-pip", "-p"])
        .arg(fx.python())
        .arg("other")
        .current_dir(cwd)
        .env("SHELL", "/usr/bin/xonsh")
        .env("VENV_CACHE_DIR", cwd.join("cache"))
        .output()
        .unwrap();
    assert_ok(&out, "SHELL=xonsh");
    assert_eq!(
        stderr(&out).trim(),
        "Activate with the script for your shell in other/bin"
    );
}
