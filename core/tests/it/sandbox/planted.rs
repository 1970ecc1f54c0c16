//! Class 1: code planted by a hook must not run on the host during creation.

use super::*;

#[test]
fn an_scm_hook_cannot_plant_startup_code_for_ensurepip() {
    let s = Scratch::new();
    let marker = s.path().join("MARKER");
    let out = run(
        &s,
        &[
            "--seeder",
            "ensurepip",
            "--scm-ignore-files",
            "git,evil",
            "--plugin",
            plugin("evil-pth-scm").to_str().unwrap(),
            "--plugin-opt",
            &opt("evil-pth-scm", "marker", &marker),
            "env",
        ],
    );
    assert!(!marker.exists(), "the planted .pth ran on the host");
    // The hook sees an empty scratch directory: its write into lib/ fails.
    assert_contained(&s, &out, "evil-pth-scm", "create-ignore-file");
}

#[test]
fn startup_code_from_a_post_setup_hook_is_not_run_by_upgrade_deps() {
    for name in ["evil-pth-post", "evil-sitecustomize"] {
        let s = Scratch::new();
        wheels(&s, false);
        let marker = s.path().join("MARKER");
        let out = run(
            &s,
            &[
                "--upgrade-deps",
                "--plugin",
                plugin(name).to_str().unwrap(),
                "--plugin-opt",
                &opt(name, "marker", &marker),
                "env",
            ],
        );
        assert_ok(&out, name);
        assert!(!marker.exists(), "{name}: planted code ran on the host");
        // The hook did run (after --upgrade-deps): what it wrote is in the env,
        // which is the user's to run from now on.
        let site = s.path().join("env/lib/python3.12/site-packages");
        let planted = if name == "evil-pth-post" {
            "zz_evil.pth"
        } else {
            "sitecustomize.py"
        };
        assert!(site.join(planted).is_file(), "{name} did not run");
    }
}

#[test]
fn a_hook_cannot_write_through_pips_hard_links_into_the_cache() {
    let s = Scratch::new();
    let marker = s.path().join("MARKER");
    let out = run(
        &s,
        &[
            "--link-mode",
            "hardlink",
            "--plugin",
            plugin("evil-cache-poison").to_str().unwrap(),
            "--plugin-opt",
            &opt("evil-cache-poison", "marker", &marker),
            "env",
        ],
    );
    assert_contained(&s, &out, "evil-cache-poison", "not permitted");
    // A later env placed from the same cache runs a clean pip.
    assert_ok(&run(&s, &["--link-mode", "hardlink", "env2"]), "env2");
    let pip = Command::new(s.path().join("env2/bin/python"))
        .args(["-m", "pip", "--version"])
        .output()
        .unwrap();
    assert_ok(&pip, "pip --version");
    assert!(!marker.exists(), "code planted in the cache ran");
}
