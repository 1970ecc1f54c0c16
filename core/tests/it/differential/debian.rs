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

/// `python3.15-venv` removed and installed again with dpkg, in an overlay
/// of the sid chroot (its .deb is kept by tools/build-chroots.sh): with
/// ensurepip gone, Debian's venv and ours both name `python3.15-venv`
/// (ours in one line, creating nothing), and once it is back ours seeds pip
/// again; one cache throughout, so no cached fact outlives the package.
#[test]
fn sid_cpython315_venv_package_removed_and_reinstalled() {
    let s = Scratch::new();
    let sid = Chroot::sid();
    let base = Base::Chroot(sid.overlay(&s.path().join("layer")));
    let run = |program: &str, args: &[&str]| {
        base.command(program, s.path())
            .args(args)
            .output()
            .expect("run a command in the chroot")
    };
    let ours = |env: &str| {
        base.command(base.venv(), s.path())
            .env("VENV_CACHE_DIR", s.cache())
            .args(["-p", "/usr/bin/python3.15", env])
            .output()
            .expect("run venv")
    };
    assert_ok(&ours("one"), "venv with python3.15-venv installed");
    assert_ok(
        &run("dpkg", &["--remove", "python3.15-venv"]),
        "dpkg --remove python3.15-venv",
    );
    let out = ours("two");
    assert_one_line_error(&out, &["no ensurepip", "apt install python3.15-venv)"]);
    assert!(!s.path().join("two").exists());
    let theirs = run("/usr/bin/python3.15", &["-m", "venv", "theirs"]);
    assert!(
        !theirs.status.success(),
        "python3.15 -m venv without ensurepip"
    );
    assert!(
        stdout(&theirs).contains("apt install python3.15-venv"),
        "Debian's venv no longer names python3.15-venv: {}",
        stdout(&theirs)
    );

    let archives = Path::new("/var/cache/apt/archives");
    let deb = std::fs::read_dir(sid.root.join(archives.strip_prefix("/").unwrap()))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("python3.15-venv_") && n.ends_with(".deb"))
        .expect("python3.15-venv's .deb in the chroot's apt archives: rebuild it with tools/build-chroots.sh");
    let deb = archives.join(deb);
    assert_ok(
        &run("dpkg", &["--install", deb.to_str().unwrap()]),
        "dpkg --install python3.15-venv",
    );
    assert_ok(&ours("two"), "venv once python3.15-venv is back");
    let pip = s.path().join("two/bin/pip");
    assert_ok(
        &base
            .command(&pip, s.path())
            .arg("--version")
            .output()
            .unwrap(),
        "pip --version",
    );
}
