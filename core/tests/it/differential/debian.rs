//! The differential tests inside Debian chroots (`tools/build-chroots.sh`):
//! Debian's builds of CPython 3.13, 3.14 and 3.15 and PyPy 3.11 (sid), and
//! Debian 13's default python3 (trixie). These take pip from
//! `/usr/share/python-wheels` (`WHEEL_PKG_DIR`), which no pyenv build does.
//! Both sides run inside the chroot: `python3.X -m venv` and our binary as
//! it was built on the host.

use std::path::Path;

use super::*;

/// The shells of the sid chroot; trixie has bash only.
const SID_SHELLS: &[&str] = &["bash", "dash", "zsh", "fish", "tcsh"];

fn sid() -> Base {
    Base::Chroot(Chroot::sid())
}

fn trixie() -> Base {
    Base::Chroot(Chroot::trixie())
}

/// Every comparison the host's versions get: the flag sets without pip,
/// with pip, `--clear`/`--upgrade`, and activation in `shells` (before 3.12,
/// CPython's scripts set `VIRTUAL_ENV_PROMPT` to `(env) `, ours to `env`, as
/// 3.12+ do: a difference the README lists).
fn everything(base: Base, python: &str, minor: u32, shells: &[&str]) {
    let intended: &[&str] = if minor < 12 {
        &["VIRTUAL_ENV_PROMPT="]
    } else {
        &[]
    };
    let python = Path::new(python);
    matrix_on(&base, python, minor);
    assert_same_on(&base, python, &[], true);
    assert_same_on(&base, python, &["--system-site-packages", "--copies"], true);
    clear_and_upgrade_on(&base, python, &python.display().to_string());
    let pair = Pair::on(base.clone(), python);
    pair.create(&["--without-pip"]);
    let diffs: Vec<String> = shells
        .iter()
        .flat_map(|shell| pair.activation_differences(shell, intended))
        .collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn sid_cpython313() {
    everything(sid(), "/usr/bin/python3.13", 13, SID_SHELLS);
}

#[test]
fn sid_cpython314() {
    everything(sid(), "/usr/bin/python3.14", 14, SID_SHELLS);
}

#[test]
fn sid_cpython315() {
    everything(sid(), "/usr/bin/python3.15", 15, SID_SHELLS);
}

/// pip 26's launchers under a path with a space and one too long for `#!`
/// (the `/bin/sh` trampoline), and our other routes to pip.
#[test]
fn sid_cpython315_launchers_and_routes() {
    let python = Path::new("/usr/bin/python3.15");
    long_and_spaced_paths_on(&sid(), python);
    for ours in [&["--link-mode", "copy"][..], &["--seeder", "ensurepip"][..]] {
        let pair = Pair::on(sid(), python);
        pair.create_with(&[], ours);
        let diffs = pair.differences(true);
        assert!(diffs.is_empty(), "{ours:?}:\n{}", diffs.join("\n"));
    }
}

/// PyPy 3.11 through `/usr/bin/pypy3`, a link to `pypy3.11`: its `--copies`
/// links every name to the resolved executable.
#[test]
fn sid_pypy311() {
    everything(sid(), "/usr/bin/pypy3", 11, SID_SHELLS);
}

/// Debian 13's default python3 (3.13), invoked as `python3`.
#[test]
fn trixie_python3() {
    everything(trixie(), "/usr/bin/python3", 13, &["bash"]);
}

/// Under `LC_ALL=C PYTHONUTF8=0` the file system encoding is ASCII and 3.14
/// makes no `𝜋thon`; under C.UTF-8 it does. One cache serves both runs, in
/// both orders: a fact that depends on the locale is not reused across it.
#[test]
fn sid_cpython314_follows_the_locale() {
    let pair = Pair::on(sid(), Path::new("/usr/bin/python3.14"));
    let ascii: &[(&str, &str)] = &[("LC_ALL", "C"), ("PYTHONUTF8", "0")];
    let utf8: &[(&str, &str)] = &[("LC_ALL", "C.UTF-8")];
    for vars in [utf8, ascii, utf8] {
        for side in ["cpy", "our"] {
            let _ = std::fs::remove_dir_all(pair.env(side));
        }
        pair.create_in(&["--without-pip"], &[], vars);
        let diffs = pair.differences(false);
        assert!(diffs.is_empty(), "{vars:?}:\n{}", diffs.join("\n"));
        let pi = pair.env("our").join("bin/\u{1d70b}thon");
        assert_eq!(
            std::fs::symlink_metadata(&pi).is_ok(),
            vars == utf8,
            "{vars:?}: bin/𝜋thon"
        );
    }
}
