#!/usr/bin/env bash
# Formatting and lints, as gates: `cargo fmt --check` and `cargo clippy` with
# warnings denied, for every workspace of the repository (the host, the
# plugins and their SDK, the test-only components, the fuzz targets). The
# component workspaces are linted for wasm32-wasip2, the target they build
# for; the library's docs build with warnings denied. Run by tools/test.sh
# before the tests; on its own: tools/lint.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log() { printf 'lint: %s\n' "$*" >&2; }

workspaces=(. plugins core/tests/fixtures/plugins fuzz)
for ws in "${workspaces[@]}"; do
    log "cargo fmt --check in $ws"
    (cd "$ws" && cargo fmt --all -- --check)
done

log "cargo clippy (host)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
for ws in plugins core/tests/fixtures/plugins; do
    log "cargo clippy --target wasm32-wasip2 in $ws"
    (cd "$ws" && cargo clippy --workspace --target wasm32-wasip2 --quiet -- -D warnings)
done
# The fuzz workspace shares the host's target directory (its own lock file
# and features still make cargo check some crates again).
log "cargo clippy in fuzz"
(cd fuzz && CARGO_TARGET_DIR="$root/target" cargo clippy --all-targets --quiet -- -D warnings)
# The library's API docs build without a warning (missing docs, broken or
# private links), as #![warn(missing_docs)] in core/src/lib.rs promises.
log "cargo doc (host library)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p venv --quiet
