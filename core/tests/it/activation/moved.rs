//! Environments that move, used in every shell: made with `--relocatable`,
//! made by CPython's `-m venv` and repaired with `--repair`, and packed with
//! `--pack` then unpacked with plain `tar`. In each case the environment is
//! used where it was never created: activated, `python`, `pip --version`, a
//! console script pip installed from a local wheel, `pip uninstall -y`,
//! `deactivate`; and nothing in its tree names a place it used to be.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::harness::*;
use crate::common::{assert_ok, cpython, stdout, venv_bin, write_script_wheel};

const SH: &str = include_str!("scripts/moved.sh");
const FISH: &str = include_str!("scripts/moved.fish");
const CSH: &str = include_str!("scripts/moved.csh");
const NU: &str = include_str!("scripts/moved.nu");
const FISH_PRELUDE: &str = include_str!("scripts/prelude.fish");
const NU_PRELUDE: &str = include_str!("scripts/prelude.nu");

const SHELLS: [&str; 6] = ["bash", "zsh", "dash", "fish", "tcsh", "nu"];

/// A name with a space, non-ASCII letters, quotes, `$`, a backslash and `!`.
const MOVED_NAME: &str = NASTY_NAME;

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_ok(&out, what);
    out
}

fn venv(args: &[&OsString]) -> Output {
    Command::new(venv_bin())
        .args(args)
        .output()
        .expect("run venv")
}

fn mv(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(from, to).unwrap();
}

fn cp_a(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    run(
        Command::new("cp").arg("-a").arg(from).arg(to),
        "cp -a of the environment",
    );
}

/// Installs `hello-venv` (a console script) from a local wheel with the
/// environment's own pip.
fn install_wheel(fx: &Fixture, env: &Path) {
    let wheel = write_script_wheel(&fx.tmp.path().join("wheels"));
    run(
        Command::new(env.join("bin/python"))
            .args(["-m", "pip", "install", "--no-index", "--no-deps", "-q"])
            .arg(&wheel)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
        "pip install of the local wheel",
    );
    assert!(env.join("bin/hello-venv").is_file());
}

/// Fails when any file (byte-code aside, whose recorded path the
/// interpreter replaces on import) or link under `env` names one of `old`.
pub fn assert_names_none_of(env: &Path, old: &[&Path]) {
    let mut stack = vec![env.to_path_buf()];
    let needles: Vec<Vec<u8>> = old
        .iter()
        .map(|p| p.as_os_str().as_encoded_bytes().to_vec())
        .collect();
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let bytes = if meta.file_type().is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else if meta.is_dir() {
                stack.push(path);
                continue;
            } else if path.extension().is_some_and(|e| e == "pyc") {
                continue;
            } else {
                std::fs::read(&path).unwrap()
            };
            for needle in &needles {
                if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "these still name {old:?}:\n{}",
        found.join("\n")
    );
}

/// Runs the sequence in `shell` inside `env` and checks what it saw.
fn use_in(fx: &Fixture, shell: &str, env: &Path) {
    let vars: Vec<(&str, OsString)> = vec![
        ("VENV", env.as_os_str().to_owned()),
        ("PIP_DISABLE_PIP_VERSION_CHECK", "1".into()),
        ("PIP_NO_INPUT", "1".into()),
    ];
    let vars: Vec<(&str, &OsString)> = vars.iter().map(|(k, v)| (*k, v)).collect();
    let r = match shell {
        "bash" | "zsh" | "dash" => fx.run(shell, &["-c"], SH, &vars),
        "fish" => fx.run(
            shell,
            &["--no-config", "-c"],
            &format!("{FISH_PRELUDE}\n{FISH}"),
            &vars,
        ),
        "tcsh" => fx.run(shell, &["-f", "-c"], CSH, &vars),
        "nu" => {
            let path = env
                .display()
                .to_string()
                .replace('\\', "\\\\")
                .replace('"', "\\\"");
            let body = NU.replace("@VENV@", &path);
            fx.run(
                shell,
                &["--no-config-file", "-c"],
                &format!("{NU_PRELUDE}\n{body}"),
                &vars,
            )
        }
        other => panic!("no script for {other}"),
    };
    let env_s = env.display().to_string();
    let name = env.file_name().unwrap().to_string_lossy().into_owned();
    r.assert_eq("VIRTUAL_ENV", &env_s);
    r.assert_eq("VIRTUAL_ENV_PROMPT", &name);
    r.assert_eq("python", &format!("{env_s}/bin/python"));
    r.assert_eq("prefix", &env_s);
    assert!(
        r.get("pip").contains(&format!("from {env_s}/lib/python3.")),
        "pip --version in {shell}: {}\n{}",
        r.get("pip"),
        r.context
    );
    r.assert_eq("script", &format!("hello from {env_s}"));
    r.assert_eq("uninstalled", "yes");
    r.assert_eq("script_after", "gone");
    assert!(
        !env.join("bin/hello-venv").exists(),
        "{shell}: not uninstalled"
    );
    r.assert_unset("after_VIRTUAL_ENV");
    r.assert_same("after_PATH", "before_PATH");
}

#[test]
fn relocatable_env_works_after_mv_and_cp_in_every_shell() {
    let fx = Fixture::new();
    let made = fx.tmp.path().join("made here").join("env");
    let out = venv(&[
        &"-p".into(),
        &cpython(13).into_os_string(),
        &"--relocatable".into(),
        &made.clone().into_os_string(),
    ]);
    assert_ok(&out, "venv --relocatable");
    let cfg = std::fs::read_to_string(made.join("pyvenv.cfg")).unwrap();
    assert!(cfg.contains("relocatable = true\n"), "{cfg}");
    install_wheel(&fx, &made);
    // pip wrote the launcher, and it names no path.
    let script = std::fs::read_to_string(made.join("bin/hello-venv")).unwrap();
    assert!(
        script.starts_with("#!/bin/sh\n'''exec' \"$(dirname"),
        "{script}"
    );
    assert_names_none_of(&made, &[made.as_path()]);

    for shell in SHELLS {
        let base = fx.tmp.path().join(shell);
        let staged = base.join("staged");
        cp_a(&made, &staged);
        let moved = base.join("moved").join(MOVED_NAME);
        mv(&staged, &moved);
        let copied = base.join("copied").join("copy of env");
        cp_a(&moved, &copied);
        for env in [&moved, &copied] {
            let check = venv(&[&"--check".into(), &env.clone().into_os_string()]);
            assert_ok(&check, "venv --check on a relocatable env");
            use_in(&fx, shell, env);
            let old = [made.as_path(), staged.as_path(), moved.as_path()];
            assert_names_none_of(env, &old[..if env == &moved { 2 } else { 3 }]);
        }
    }
}

/// An environment made by `python3.<minor> -m venv`, with the wheel
/// installed, moved: `--check` says so, `--dry-run` changes nothing,
/// `--repair` makes it work in every shell with `pip check` clean.
fn repair_cpython_env(minor: u32) {
    let fx = Fixture::new();
    let made = fx.tmp.path().join("made here").join("env");
    std::fs::create_dir_all(made.parent().unwrap()).unwrap();
    run(
        Command::new(cpython(minor)).args(["-m", "venv"]).arg(&made),
        "python -m venv",
    );
    install_wheel(&fx, &made);
    let master = fx.tmp.path().join("moved once").join("env");
    mv(&made, &master);

    for (i, shell) in SHELLS.iter().enumerate() {
        let env = fx.tmp.path().join(shell).join(MOVED_NAME);
        cp_a(&master, &env);
        let env_os = env.clone().into_os_string();
        if i == 0 {
            let check = venv(&[&"--check".into(), &env_os]);
            assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
            assert!(
                stdout(&check).contains(&format!("moved from {}", made.display())),
                "{}",
                stdout(&check)
            );
            let before = contents(&env);
            let dry = venv(&[&"--repair".into(), &"--dry-run".into(), &env_os]);
            assert_ok(&dry, "venv --repair --dry-run");
            let listed = stdout(&dry);
            for file in [
                "bin/activate ",
                "bin/activate.fish",
                "bin/pip ",
                "bin/hello-venv",
                "/RECORD",
            ] {
                assert!(
                    listed.contains(file),
                    "dry run does not list {file}:\n{listed}"
                );
            }
            assert_eq!(before, contents(&env), "the dry run changed something");
        }
        let repair = venv(&[&"--repair".into(), &env_os]);
        assert_ok(&repair, "venv --repair");
        let check = venv(&[&"--check".into(), &env_os]);
        assert_ok(&check, "venv --check after the repair");
        assert_names_none_of(&env, &[made.as_path()]);
        let pip_check = run(
            Command::new(env.join("bin/python"))
                .args(["-m", "pip", "check"])
                .env("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
            "pip check",
        );
        assert!(
            stdout(&pip_check).contains("No broken requirements"),
            "{}",
            stdout(&pip_check)
        );
        use_in(&fx, shell, &env);
        assert_names_none_of(&env, &[made.as_path()]);
    }
}

/// Every file's path and bytes (links: their targets), to see that nothing changed.
fn contents(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let t = std::fs::read_link(&path).unwrap();
                out.push((path, t.into_os_string().into_encoded_bytes()));
            } else if meta.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn repair_python3_8_env_after_a_move() {
    repair_cpython_env(8);
}

#[test]
fn repair_python3_13_env_after_a_move() {
    repair_cpython_env(13);
}

#[test]
fn packed_env_is_byte_identical_and_unpacks_anywhere() {
    let fx = Fixture::new();
    let made = fx.tmp.path().join("made here").join("env");
    let out = venv(&[
        &"-p".into(),
        &cpython(13).into_os_string(),
        &made.clone().into_os_string(),
    ]);
    assert_ok(&out, "venv");
    install_wheel(&fx, &made);
    let before = contents(&made);
    let archives = fx.tmp.path().join("archives");
    std::fs::create_dir_all(&archives).unwrap();
    for ext in ["tar.zst", "tar.gz"] {
        let one = archives.join(format!("one.{ext}"));
        let two = archives.join(format!("two.{ext}"));
        for file in [&one, &two] {
            let out = venv(&[
                &"--pack".into(),
                &made.clone().into_os_string(),
                &"-o".into(),
                &file.clone().into_os_string(),
            ]);
            assert_ok(&out, "venv --pack");
            assert!(
                stdout(&out).contains("what does not travel"),
                "{}",
                stdout(&out)
            );
        }
        assert!(
            std::fs::read(&one).unwrap() == std::fs::read(&two).unwrap(),
            "two packs of the same environment differ ({ext})"
        );
    }
    assert_eq!(before, contents(&made), "packing changed the environment");

    for (i, shell) in SHELLS.iter().enumerate() {
        let ext = if i % 2 == 0 { "tar.zst" } else { "tar.gz" };
        let dest = fx.tmp.path().join(shell).join(MOVED_NAME);
        std::fs::create_dir_all(&dest).unwrap();
        run(
            Command::new("tar")
                .arg("-xf")
                .arg(archives.join(format!("one.{ext}")))
                .arg("-C")
                .arg(&dest),
            "tar -xf",
        );
        let check = venv(&[&"--check".into(), &dest.clone().into_os_string()]);
        assert_ok(&check, "venv --check on an unpacked env");
        assert!(stdout(&check).contains("relocatable"), "{}", stdout(&check));
        assert_names_none_of(&dest, &[made.as_path()]);
        use_in(&fx, shell, &dest);
    }
}
