//! Class 9: the hooks of venv:plugin@0.2.0. An activator adds regular files
//! to bin and nothing else; a seeder reaches only the wheels it was granted,
//! writes nothing itself, and what it installs never runs during creation;
//! every budget holds for what the host installs on its behalf.

use super::*;

#[test]
fn an_activator_only_adds_new_regular_files_to_bin() {
    let evil = plugin("evil-activator");
    for (mode, cause) in [
        ("replace", "may only add activation scripts"),
        ("link", "not a regular file"),
        ("dir", "not a regular file"),
        ("escape", "denied"),
    ] {
        let s = Scratch::new();
        let opt = format!("evil-activator.mode={mode}");
        let out = bare(&s, &evil, &["--plugin-opt", &opt]);
        assert_contained(&s, &out, "evil-activator", cause);
        assert_stderr_has(&out, "create-activators");
        assert!(
            files_under(s.path())
                .iter()
                .all(|f| !f.to_string_lossy().contains("zz_evil")),
            "{mode}: a file escaped the scratch directory"
        );
    }
}

#[test]
fn a_seeder_reaches_only_the_wheels_it_was_granted() {
    let evil = plugin("evil-seeder");
    let setup = |s: &Scratch| {
        let grant = s.path().join("granted");
        std::fs::create_dir_all(&grant).unwrap();
        let outside = write_wheel(&s.path().join("outside"), "VALUE = 1\n");
        std::os::unix::fs::symlink(&outside, grant.join("hello_venv-1.0-py3-none-any.whl"))
            .unwrap();
        let inside = wheel(
            &grant,
            "inside_pkg",
            "1.0",
            &[("inside_pkg/__init__.py", "")],
            None,
        );
        (
            format!("evil-seeder=read:{}", grant.display()),
            outside,
            inside,
        )
    };
    for (mode, cause) in [
        ("outside", "not in a directory granted"),
        ("through", "install-wheel through a link denied"),
        ("write", "denied"),
        ("twice", "nothing may be placed"),
    ] {
        let s = Scratch::new();
        let (grant, outside, inside) = setup(&s);
        let mode_opt = format!("evil-seeder.mode={mode}");
        let wheel = if mode == "twice" { inside } else { outside };
        let path_opt = format!("evil-seeder.path={}", wheel.display());
        let name_opt = "evil-seeder.name=hello_venv-1.0-py3-none-any.whl".to_owned();
        let extra = [
            "--plugin-grant",
            &grant,
            "--plugin-opt",
            &mode_opt,
            "--plugin-opt",
            &path_opt,
            "--plugin-opt",
            &name_opt,
        ];
        let out = bare(&s, &evil, &extra);
        assert_contained(&s, &out, "evil-seeder", cause);
        assert_stderr_has(&out, "failed in seed");
    }
}

#[test]
fn seeded_wheels_never_run_during_creation() {
    // A wheel whose .pth would create a marker when any Python of the env
    // starts, seeded into a creation that runs pip afterwards (--upgrade-deps).
    let s = Scratch::new();
    wheels(&s, false);
    let marker = s.path().join("pth-ran");
    let house = s.path().join("house");
    wheel(
        &house,
        "pthpkg",
        "1.0",
        &[(
            "zz_pthpkg.pth",
            &format!(
                "import pathlib; pathlib.Path({:?}).touch()\n",
                marker.display()
            ),
        )],
        None,
    );
    let grant = format!("seed-wheels=read:{}", house.display());
    let seeder = plugin("seed-wheels");
    let out = run(
        &s,
        &[
            "--upgrade-deps",
            "--plugin",
            seeder.to_str().unwrap(),
            "--plugin-grant",
            &grant,
            "env",
        ],
    );
    assert_ok(&out, "seeding with --upgrade-deps");
    assert!(site_packages(&s.path().join("env"))
        .join("zz_pthpkg.pth")
        .is_file());
    assert!(
        !marker.exists(),
        "a seeded .pth ran on the host during creation"
    );
}

#[test]
fn a_seeded_wheel_cannot_replace_the_envs_own_files() {
    let seeder = plugin("seed-wheels");
    /// A wheel that tries to overwrite `bin/python3`, and how it is refused.
    struct Hostile {
        files: Vec<(&'static str, &'static str)>,
        entry_points: Option<&'static str>,
        cause: &'static str,
    }
    let cases = [
        // A console script named like the env's own interpreter link.
        Hostile {
            files: vec![("evilpkg/__init__.py", "def main(): pass\n")],
            entry_points: Some("[console_scripts]\npython3 = evilpkg:main\n"),
            cause: "would replace the environment's own `bin/python3`",
        },
        // A member whose path climbs out of site-packages.
        Hostile {
            files: vec![("../../../bin/python3", "#!/bin/sh\n")],
            entry_points: None,
            cause: "unsafe path",
        },
    ];
    for case in cases {
        let s = Scratch::new();
        let house = s.path().join("house");
        wheel(&house, "evilpkg", "1.0", &case.files, case.entry_points);
        let grant = format!("seed-wheels=read:{}", house.display());
        let out = bare(&s, &seeder, &["--plugin-grant", &grant]);
        assert_contained(&s, &out, "seed-wheels", case.cause);
    }
}

#[test]
fn what_a_seeder_installs_counts_against_its_write_budget() {
    let seeder = plugin("seed-wheels");
    let big = "x".repeat(3 << 20);
    for (flag, value, cause) in [
        ("--plugin-write", "1", "write limit of 1 MiB"),
        ("--plugin-entries", "2", "limit of 2 new files"),
    ] {
        let s = Scratch::new();
        let house = s.path().join("house");
        wheel(
            &house,
            "bigpkg",
            "1.0",
            &[("bigpkg/__init__.py", &big)],
            None,
        );
        let grant = format!("seed-wheels=read:{}", house.display());
        let out = bare(&s, &seeder, &["--plugin-grant", &grant, flag, value]);
        assert_contained(&s, &out, "seed-wheels", cause);
    }
}

#[test]
fn run_in_env_runs_nothing_without_its_grant() {
    // With the grant it is full trust (README, "Security"): a granted program
    // runs with the user's rights. Without it, nothing runs at all.
    let s = Scratch::new();
    let marker = s.path().join("ran");
    let argv = format!("run-command.argv=touch {}", marker.display());
    let rc = plugin("run-command");
    let out = bare(&s, &rc, &["--plugin-opt", &argv]);
    assert_contained(&s, &out, "run-command", "run-in-env denied");
    assert!(!marker.exists());
    let out = bare(
        &s,
        &rc,
        &[
            "--plugin-opt",
            &argv,
            "--plugin-grant",
            "run-command=run-in-env",
        ],
    );
    assert_ok(&out, "granted run-in-env");
    assert!(marker.exists());
}
