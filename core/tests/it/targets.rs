//! The Windows and macOS code paths (launcher copies, link fallback, no
//! `flock`/`renameat2`, ...) cannot run on this machine; they must at least
//! type-check for those targets. `tools/install-test-deps.sh` adds the
//! targets' standard libraries with rustup; where rustup cannot download
//! them, Debian's rustc builds std from source (`-Zbuild-std`, see
//! `tools/install-test-deps.sh`).

use std::path::PathBuf;
use std::process::Command;

const TARGETS: &[&str] = &[
    "x86_64-pc-windows-gnu",
    "x86_64-pc-windows-msvc",
    "aarch64-apple-darwin",
];

fn installed_targets() -> String {
    Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

#[test]
fn windows_and_macos_type_check() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let installed = installed_targets();
    for target in TARGETS {
        // A target dir of its own: the outer `cargo test` may hold target/'s lock.
        let mut cmd = if installed.lines().any(|l| l.trim() == *target) {
            let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            c.args(["check", "--target", target]);
            c
        } else {
            assert!(
                std::path::Path::new("/usr/bin/cargo").exists(),
                "neither rustup's std for {target} nor Debian's rustc-web is installed: run tools/install-test-deps.sh"
            );
            let mut c = Command::new("/usr/bin/cargo");
            c.env("RUSTC", "/usr/bin/rustc")
                .env("RUSTC_BOOTSTRAP", "1")
                .args(["check", "-Zbuild-std=std,panic_abort", "--target", target]);
            c
        };
        let out = cmd
            .args(["-p", "venv", "--lib", "--bins", "--message-format", "short"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", root.join("target/cross"))
            .output()
            .expect("run cargo check");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "cargo check --target {target} failed:\n{}",
            stderr
                .lines()
                .filter(|l| l.contains("error") || l.contains("warning: unused"))
                .take(40)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("src/") && l.contains("warning"))
            .collect();
        assert!(
            warnings.is_empty(),
            "{target}: warnings in our code:\n{}",
            warnings.join("\n")
        );
    }
}
