//! Issue 17, class 5: files whose apparent size is far beyond the bytes
//! written. A hole is charged like the bytes it stands for (what copying
//! or archiving the file costs), through every route to one, and what a
//! hook leaves is copied by streaming, never read into memory.

use super::*;

#[test]
fn a_hole_is_charged_like_the_bytes_it_stands_for() {
    let evil = plugin("evil-sparse");
    for mode in ["write", "stream", "set-size"] {
        let s = Scratch::new();
        let mode_opt = format!("evil-sparse.mode={mode}");
        let out = bare(
            &s,
            &evil,
            &["--plugin-opt", &mode_opt, "--plugin-write", "1"],
        );
        assert_contained(&s, &out, "evil-sparse", "write limit of 1 MiB");
    }
}

#[test]
fn a_sparse_file_from_a_scratch_hook_is_refused_in_bounded_memory() {
    let evil = plugin("evil-config");
    for (mode, scm) in [("sparse-activator", None), ("sparse-scm", Some("evil"))] {
        let s = Scratch::new();
        let mode_opt = format!("evil-config.mode={mode}");
        let mut args = vec!["--without-pip", "--plugin-memory", "16"];
        if let Some(scm) = scm {
            args.extend(["--scm-ignore-files", scm]);
        }
        let evil_path = evil.to_str().unwrap();
        args.extend(["--plugin", evil_path, "--plugin-opt", &mode_opt, "env"]);
        let (out, peak) = run_measured(command(&s, &args));
        assert_contained(&s, &out, "evil-config", "write limit of 256 MiB");
        assert!(peak < 150 << 20, "{mode}: venv held {} MiB", peak >> 20);
    }
}

#[test]
fn what_a_scratch_hook_leaves_is_copied_by_streaming() {
    // Under a write limit that allows it, a 512 MiB (sparse) activation
    // script is copied into bin without being held in memory.
    let s = Scratch::new();
    let evil = plugin("evil-config");
    let args = [
        "--without-pip",
        "--plugin-write",
        "1024",
        "--plugin",
        evil.to_str().unwrap(),
        "--plugin-opt",
        "evil-config.mode=sparse-activator",
        "env",
    ];
    let (out, peak) = run_measured(command(&s, &args));
    assert_ok(&out, "a large activation script within the write limit");
    let big = s.path().join("env/bin/activate.big");
    assert_eq!(std::fs::metadata(&big).unwrap().len(), (512 << 20) + 1);
    assert!(
        peak < 150 << 20,
        "venv held {} MiB while copying",
        peak >> 20
    );
}
