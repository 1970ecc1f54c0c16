//! Issue 17, class 1: files a hook leaves that the programs the host runs
//! later would read as configuration. SCM and activator hooks may create
//! only the closed list of names of their kind (`.<scm>ignore`; activation
//! scripts in `bin`), so neither `pip.conf` (read by the host's
//! `--upgrade-deps`) nor anything Python reads beside its executable
//! (`pyvenv.cfg`, `pybuilddir.txt`, `._pth`) gets into the environment.

use super::*;

/// An sdist whose in-tree build backend creates `marker` when pip asks it
/// for anything: if pip builds it, code from the plugin ran on the host.
fn hostile_sdist(links: &Path, marker: &Path) {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pip-99.0");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("pyproject.toml"),
        "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n",
    )
    .unwrap();
    std::fs::write(
        pkg.join("backend.py"),
        format!(
            "import pathlib\npathlib.Path({:?}).touch()\n\
             def get_requires_for_build_wheel(config_settings=None):\n    return []\n",
            marker.display()
        ),
    )
    .unwrap();
    std::fs::write(
        pkg.join("PKG-INFO"),
        "Metadata-Version: 2.1\nName: pip\nVersion: 99.0\n",
    )
    .unwrap();
    std::fs::create_dir_all(links).unwrap();
    let status = Command::new("tar")
        .args(["-czf"])
        .arg(links.join("pip-99.0.tar.gz"))
        .arg("-C")
        .arg(root.path())
        .arg("pip-99.0")
        .status()
        .unwrap();
    assert!(status.success(), "tar");
}

#[test]
fn an_scm_hook_cannot_leave_a_pip_conf_for_upgrade_deps() {
    let s = Scratch::new();
    wheels(&s, false);
    let links = s.path().join("links");
    let marker = s.path().join("sdist-built");
    hostile_sdist(&links, &marker);
    let evil = plugin("evil-config");
    let out = run(
        &s,
        &[
            "--upgrade-deps",
            "--scm-ignore-files",
            "evil",
            "--plugin",
            evil.to_str().unwrap(),
            "--plugin-opt",
            "evil-config.mode=pip-conf",
            "--plugin-opt",
            &opt("evil-config", "links", &links),
            "env",
        ],
    );
    assert!(
        !marker.exists(),
        "pip built the plugin's sdist on the host (pip.conf from an SCM hook was read)"
    );
    assert_contained(&s, &out, "evil-config", "`pip.conf`");
    assert_stderr_has(&out, "may only write its SCM's ignore file");
}

#[test]
fn an_activator_cannot_leave_files_python_reads_beside_its_executable() {
    let evil = plugin("evil-config");
    for (mode, name) in [
        ("pyvenv-cfg", "pyvenv.cfg"),
        ("pybuilddir", "pybuilddir.txt"),
        ("pth", "python3._pth"),
    ] {
        let s = Scratch::new();
        let mode_opt = format!("evil-config.mode={mode}");
        let out = bare(&s, &evil, &["--plugin-opt", &mode_opt]);
        assert_contained(&s, &out, "evil-config", &format!("`{name}`"));
        assert_stderr_has(&out, "may only add activation scripts");
    }
}

#[test]
fn the_closed_lists_still_let_hooks_do_their_job() {
    // The same component in its harmless modes: the ignore file and nothing else.
    let s = Scratch::new();
    let evil = plugin("evil-config");
    let out = run(
        &s,
        &[
            "--without-pip",
            "--scm-ignore-files",
            "evil",
            "--plugin",
            evil.to_str().unwrap(),
            "env",
        ],
    );
    assert_ok(&out, "an SCM hook writing its own ignore file");
    assert_eq!(
        std::fs::read_to_string(s.path().join("env/.evilignore")).unwrap(),
        "*\n"
    );
}
