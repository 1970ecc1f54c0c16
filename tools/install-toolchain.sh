#!/usr/bin/env bash
# Installs the Rust toolchain pinned in rust-toolchain.toml (wasmtime 50 needs
# Rust 1.97 or newer) with its components and the wasm32-wasip2 target, unless
# it is there already. rustup installs a pinned toolchain by itself only when
# RUSTUP_AUTO_INSTALL allows it, which these machines may turn off, so the
# set-up asks for it explicitly. Idempotent; prints nothing on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
toml="$root/rust-toolchain.toml"
channel="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$toml")"
[ -n "$channel" ] || { echo "install-toolchain: no channel in $toml" >&2; exit 1; }
command -v rustup >/dev/null 2>&1 || {
    echo "install-toolchain: rustup is missing; install it from https://rustup.rs, then run this again" >&2
    exit 1
}
if rustup run "$channel" rustc --version >/dev/null 2>&1 &&
    rustup component list --toolchain "$channel" --installed 2>/dev/null | grep -q '^clippy' &&
    rustup target list --toolchain "$channel" --installed 2>/dev/null | grep -qx wasm32-wasip2; then
    exit 0
fi
echo "install-toolchain: rustup toolchain install $channel (pinned in rust-toolchain.toml)" >&2
rustup toolchain install "$channel" --profile minimal \
    --component rustfmt --component clippy --target wasm32-wasip2 >&2
