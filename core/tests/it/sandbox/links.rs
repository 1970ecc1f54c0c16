//! Class 2: links planted by a hook must not be followed by later host steps.

use super::*;

#[test]
fn links_planted_by_an_scm_hook_are_not_followed_by_ensurepip() {
    for name in ["evil-link-lib", "evil-link-site"] {
        let s = Scratch::new();
        let outside = s.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let out = run(
            &s,
            &[
                "--seeder",
                "ensurepip",
                "--scm-ignore-files",
                "git,evil",
                "--plugin",
                plugin(name).to_str().unwrap(),
                "--plugin-opt",
                &opt(name, "outside", &outside),
                "env",
            ],
        );
        assert_eq!(
            files_under(&outside),
            Vec::<PathBuf>::new(),
            "{name}: pip was written outside the env"
        );
        assert_contained(&s, &out, name, "create-ignore-file");
    }
}

#[test]
fn a_link_planted_by_a_post_setup_hook_is_not_followed_by_upgrade_deps() {
    let s = Scratch::new();
    // A newer pip than 3.12's own, so that --upgrade-deps really installs.
    wheels(&s, true);
    let outside = s.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("__main__.py"), "precious\n").unwrap();
    let out = run(
        &s,
        &[
            "--upgrade-deps",
            "--plugin",
            plugin("evil-link-post").to_str().unwrap(),
            "--plugin-opt",
            &opt("evil-link-post", "outside", &outside),
            "env",
        ],
    );
    assert_ok(&out, "evil-link-post");
    assert_eq!(
        files_under(&outside),
        vec![outside.join("__main__.py")],
        "pip wrote through the planted link"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("__main__.py")).unwrap(),
        "precious\n"
    );
}
