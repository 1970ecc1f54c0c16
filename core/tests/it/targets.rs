//! The Windows and macOS code paths (launcher copies, link fallback, no
//! `flock`/`renameat2`, ...) cannot run on this machine; they must at least
//! type-check for those targets, with `cargo check` into one target dir of
//! its own (`target/cross`, reused between runs).
//!
//! The targets' standard libraries come from rustup
//! (`tools/install-test-deps.sh` adds them); where rustup cannot download
//! them, Debian's rustc-web builds std from its source (`-Zbuild-std`, the
//! Debian route `tools/install-wasm-toolchain.sh` describes; it needs a
//! rustc-web new enough for wasmtime, 1.97 or later). A few dependencies
//! compile C in their build scripts (zstd for wasmtime's cache, wasmtime's
//! Windows fiber helper, blake3's SIMD code), which would need a C cross
//! compiler and the platform's SDK. `cargo check` links nothing, so their
//! object files are never used: a stand-in compiler writes empty ones and
//! the Rust code, ours and theirs, is checked in full.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGETS: &[&str] = &[
    "x86_64-pc-windows-gnu",
    "x86_64-pc-windows-msvc",
    "aarch64-apple-darwin",
];

/// The stand-in for the C compiler and archiver: every output it is asked
/// for (`-o F`, `-oF`, `-FoF`, `-out:F`, or an archive `ar OPS F ...`)
/// becomes an empty file.
const STAND_IN: &str = r#"#!/bin/sh
out=""
prev=""
first="$1"
for a in "$@"; do
    [ "$prev" = "-o" ] && out="$a"
    case "$a" in
        -out:*) out="${a#-out:}" ;;
        -Fo*) out="${a#-Fo}" ;;
        -o?*) out="${a#-o}" ;;
    esac
    prev="$a"
done
case "$first" in
    [a-zA-Z]*) [ -z "$out" ] && [ "$#" -ge 2 ] && case "$first" in *[!a-zA-Z]*) ;; *) out="$2" ;; esac ;;
esac
[ -n "$out" ] && : > "$out"
exit 0
"#;

fn installed_targets() -> String {
    Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn write_stand_in(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("cc-stand-in");
    std::fs::write(&path, STAND_IN).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn windows_and_macos_type_check() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target_dir = root.join("target/cross");
    let stand_in = write_stand_in(&target_dir);
    let installed = installed_targets();
    for target in TARGETS {
        let mut cmd = if installed.lines().any(|l| l.trim() == *target) {
            let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            c.args(["check", "--target", target]);
            c
        } else {
            assert!(
                Path::new("/usr/bin/cargo").exists() && Path::new("/usr/lib/rustlib/src").exists(),
                "neither rustup's std for {target} nor Debian's rustc-web and rust-web-src are installed: run tools/install-test-deps.sh"
            );
            let mut c = Command::new("/usr/bin/cargo");
            c.env("RUSTC", "/usr/bin/rustc")
                .env("RUSTC_BOOTSTRAP", "1")
                .env_remove("RUSTUP_TOOLCHAIN")
                .args(["check", "-Zbuild-std=std,panic_abort", "--target", target]);
            c
        };
        let var = target.replace('-', "_");
        let out = cmd
            .args(["-p", "venv", "--lib", "--bins", "--message-format", "short"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env(format!("CC_{var}"), &stand_in)
            .env(format!("AR_{var}"), &stand_in)
            .output()
            .expect("run cargo check");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "cargo check --target {target} failed:\n{}",
            stderr
                .lines()
                .filter(|l| !l.starts_with("warning: ") || l.contains("src/"))
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
        // Our own code must be warning-free there too (dead code on one
        // platform is a sign of a missing cfg).
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("core/src/") || l.starts_with("src/"))
            .collect();
        assert!(
            warnings.is_empty(),
            "{target}: warnings in our code:\n{}",
            warnings.join("\n")
        );
    }
}
