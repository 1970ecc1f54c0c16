#!/usr/bin/env bash
# Builds every plugin in plugins/ (its own cargo workspace) as a
# wasm32-wasip2 component, release mode, and copies each one to
# target/plugins/<crate-name>.wasm at the repository root, where the host's
# tests look for them.
#
# Installs what the build needs first (tools/install-wasm-toolchain.sh), then
# takes the route that installer reports:
#   rustup  cargo build --release --target wasm32-wasip2
#   debian  Debian's rustc-web building std itself (-Zbuild-std), for machines
#           where rustup cannot download the wasm32-wasip2 std.
# Rebuilds are incremental: plugins/target is kept between runs.
#
# Extra arguments go to `cargo build` (e.g. `-p hg-ignore`).
# WASM_ROUTE=auto|rustup|debian forces a route (see the installer).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PLUGINS="$ROOT/plugins"
TARGET=wasm32-wasip2
OUT="$ROOT/target/plugins"

log() { printf 'build-plugins: %s\n' "$*" >&2; }

route="$(bash "$ROOT/tools/install-wasm-toolchain.sh")"
cd "$PLUGINS"
log "building plugins/ for $TARGET ($route route)"
start=$SECONDS

case "$route" in
    rustup)
        cargo build --release --target "$TARGET" --target-dir "$PLUGINS/target" "$@"
        ;;
    debian)
        # Debian's cargo and rustc 1.96 by full path: the ones on PATH are
        # rustup's, whose compiler does not match Debian's std source.
        # RUSTC_BOOTSTRAP=1 lets this stable compiler take -Zbuild-std;
        # wasm-component-ld needs LLVM 22's wasm-ld on PATH; libc.a for std
        # comes from Debian's wasi-libc.
        PATH="/usr/lib/llvm-22/bin:$PATH" \
        RUSTC=/usr/bin/rustc \
        RUSTC_BOOTSTRAP=1 \
        RUSTFLAGS="-L /usr/lib/wasm32-wasi" \
            /usr/bin/cargo build --release -Zbuild-std=std,panic_abort \
            --target "$TARGET" --target-dir "$PLUGINS/target" "$@"
        ;;
    *)
        log "unknown route '$route' from install-wasm-toolchain.sh"
        exit 1
        ;;
esac
log "cargo build took $((SECONDS - start)) s"

# Every workspace member: a cdylib plugin comes out as <crate_name>.wasm
# (dashes become underscores), a command (src/main.rs) as <crate-name>.wasm.
mkdir -p "$OUT"
built="$PLUGINS/target/$TARGET/release"
copied=0
for manifest in "$PLUGINS"/*/Cargo.toml; do
    name="$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n1)"
    for artifact in "$built/${name//-/_}.wasm" "$built/$name.wasm"; do
        if [ -f "$artifact" ]; then
            cp "$artifact" "$OUT/$name.wasm.tmp"
            mv "$OUT/$name.wasm.tmp" "$OUT/$name.wasm"
            copied=$((copied + 1))
            break
        fi
    done
done

log "$copied components in $OUT:"
( cd "$OUT" && ls -l -- *.wasm ) >&2
