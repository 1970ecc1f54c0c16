//! Issue 17, classes 2 and 9: what a `read:` grant can see. No grant may
//! hold or lie inside the environment being built (its final path, its
//! hidden staging sibling, a hook's scratch directory), and a grant is
//! judged by the directory it opens, links resolved, and given to the
//! plugin as that opened directory.

use super::*;

#[test]
fn a_grant_that_holds_the_environment_being_built_is_refused() {
    let seeder = plugin("seed-wheels");
    let s = Scratch::new();
    let project = s.path().join("project");
    wheel(
        &project.join("wheelhouse"),
        "okpkg",
        "1.0",
        &[("okpkg/__init__.py", "")],
        None,
    );
    // The whole project: it holds .venv and, while it is built, its staging sibling.
    let grant = format!("seed-wheels=read:{}", project.display());
    let out = command(&s, &["--without-pip", "--plugin", seeder.to_str().unwrap()])
        .args(["--plugin-grant", &grant, "project/.venv"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_stderr_has(&out, "would let it see");
    assert_stderr_has(&out, &project.join(".venv").display().to_string());
    assert!(!project.join(".venv").exists());
    assert_eq!(staging_dirs(&project), 0);
    // A directory beside the environment is fine.
    let grant = format!("seed-wheels=read:{}", project.join("wheelhouse").display());
    let out = command(&s, &["--without-pip", "--plugin", seeder.to_str().unwrap()])
        .args(["--plugin-grant", &grant, "project/.venv"])
        .output()
        .unwrap();
    assert_ok(&out, "a grant beside the environment");
    assert!(site_packages(&project.join(".venv")).join("okpkg").is_dir());
}

#[test]
fn a_grant_inside_the_environment_or_through_a_link_to_it_is_refused() {
    let seeder = plugin("seed-wheels");
    let s = Scratch::new();
    let out = run(&s, &["--without-pip", "env"]);
    assert_ok(&out, "the environment to upgrade");
    let cases = [
        // Inside the environment (being upgraded in place).
        s.path().join("env/lib"),
        // A link that leads into it.
        {
            let link = s.path().join("innocent");
            std::os::unix::fs::symlink(s.path().join("env/bin"), &link).unwrap();
            link
        },
    ];
    for dir in cases {
        let grant = format!("seed-wheels=read:{}", dir.display());
        let out = run(
            &s,
            &[
                "--without-pip",
                "--clear",
                "--plugin",
                seeder.to_str().unwrap(),
                "--plugin-grant",
                &grant,
                "env",
            ],
        );
        assert!(!out.status.success(), "{}: {}", dir.display(), stderr(&out));
        assert_stderr_has(&out, "would let it see");
        assert!(
            s.path().join("env/pyvenv.cfg").is_file(),
            "the old env is kept"
        );
    }
}

/// A policy that allows `read:<root>/allowed` only.
fn allowing(s: &Scratch, root: &Path) -> PathBuf {
    let policy = s.path().join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[grants]\nallow = [\"read:{}\"]\n",
            root.join("allowed").display()
        ),
    )
    .unwrap();
    policy
}

#[test]
fn read_grants_are_judged_by_what_they_open() {
    let seeder = plugin("seed-wheels");
    let s = Scratch::new();
    let root = s.path().join("tree");
    std::fs::create_dir_all(root.join("allowed/real")).unwrap();
    wheel(
        &root.join("private"),
        "secretpkg",
        "1.0",
        &[("secretpkg/__init__.py", "TOKEN = 'x'\n")],
        None,
    );
    // A link inside the allowed directory to the private one, and a chain of two.
    std::os::unix::fs::symlink(root.join("private"), root.join("allowed/up")).unwrap();
    std::os::unix::fs::symlink("../../private", root.join("allowed/real/hop")).unwrap();
    std::os::unix::fs::symlink("real/hop", root.join("allowed/chain")).unwrap();
    let policy = allowing(&s, &root);
    for sneaky in ["allowed/up", "allowed/chain"] {
        let grant = format!("seed-wheels=read:{}", root.join(sneaky).display());
        let out = command(&s, &["--without-pip", "--plugin", seeder.to_str().unwrap()])
            .args(["--plugin-grant", &grant, "env"])
            .env("VENV_POLICY", &policy)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{sneaky}: {}", stderr(&out));
        assert_stderr_has(&out, "is not allowed by the policy");
        assert_stderr_has(&out, &root.join("private").display().to_string());
        assert!(!s.path().join("env").exists());
    }
    // What the policy allows, even named through a link, is accepted.
    wheel(
        &root.join("allowed/real"),
        "okpkg",
        "1.0",
        &[("okpkg/__init__.py", "")],
        None,
    );
    std::os::unix::fs::symlink(root.join("allowed/real"), s.path().join("alias")).unwrap();
    let grant = format!("seed-wheels=read:{}", s.path().join("alias").display());
    let out = command(&s, &["--without-pip", "--plugin", seeder.to_str().unwrap()])
        .args(["--plugin-grant", &grant, "env"])
        .env("VENV_POLICY", &policy)
        .output()
        .unwrap();
    assert_ok(&out, "an allowed directory named through a link");
}
