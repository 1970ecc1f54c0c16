#!/usr/bin/env bash
# Builds the WebAssembly component plugins of two cargo workspaces, each its
# own (the root workspace does not include them):
#   plugins/                        the plugins users get (hg-ignore, ...)
#   core/tests/fixtures/plugins/    test-only components (evil-*, probes)
# as wasm32-wasip2 components, release mode, and copies each one to
# target/plugins/<crate-name>.wasm at the repository root, where the host's
# tests look for them. (The component-text fixtures in core/tests/fixtures/wat
# are not built here: the tests assemble them with the `wat` crate.)
#
# Installs what the build needs first (tools/install-wasm-toolchain.sh), then
# takes the route that installer reports, for both workspaces:
#   rustup  cargo build --release --target wasm32-wasip2
#   debian  Debian's rustc-web building std itself (-Zbuild-std), for machines
#           where rustup cannot download the wasm32-wasip2 std.
# Rebuilds are incremental: each workspace keeps its own target dir
# (plugins/target, core/tests/fixtures/plugins/target) between runs; on the
# debian route the first build of each compiles std once.
#
# Extra arguments go to `cargo build`. `-p NAME` / `--package NAME` selects
# crates: each workspace gets only the ones it has, and a workspace with none
# of them is skipped (e.g. `-p hg-ignore` builds plugins/ only).
# WASM_ROUTE=auto|rustup|debian forces a route (see the installer).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORKSPACES=("$ROOT/plugins" "$ROOT/core/tests/fixtures/plugins")
TARGET=wasm32-wasip2
OUT="$ROOT/target/plugins"

log() { printf 'build-plugins: %s\n' "$*" >&2; }

# The package name of each member crate of workspace $1 (one directory each).
members() {
    local manifest
    for manifest in "$1"/*/Cargo.toml; do
        sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n1
    done
}

# Whether workspace $1 has a crate named $2.
has_member() {
    local name
    for name in $(members "$1"); do
        [ "$name" = "$2" ] && return 0
    done
    return 1
}

# Split the arguments into requested packages and everything else.
packages=()
other_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        -p | --package)
            [ $# -ge 2 ] || { log "$1 needs a package name"; exit 2; }
            packages+=("$2")
            shift 2
            ;;
        --package=*) packages+=("${1#--package=}"); shift ;;
        -p?*) packages+=("${1#-p}"); shift ;;
        *) other_args+=("$1"); shift ;;
    esac
done
for pkg in "${packages[@]}"; do
    found=no
    for ws in "${WORKSPACES[@]}"; do
        has_member "$ws" "$pkg" && found=yes
    done
    if [ "$found" = no ]; then
        log "no crate named '$pkg' in plugins/ or core/tests/fixtures/plugins/"
        exit 2
    fi
done

route="$(bash "$ROOT/tools/install-wasm-toolchain.sh")"

# cargo build in workspace $1, with the route's toolchain; the rest are
# cargo arguments.
cargo_build() {
    local ws="$1"
    shift
    case "$route" in
        rustup)
            (cd "$ws" && cargo build --release --target "$TARGET" --target-dir "$ws/target" "$@")
            ;;
        debian)
            # Debian's cargo and rustc 1.96 by full path: the ones on PATH are
            # rustup's, whose compiler does not match Debian's std source.
            # RUSTC_BOOTSTRAP=1 lets this stable compiler take -Zbuild-std;
            # wasm-component-ld needs LLVM 22's wasm-ld on PATH; libc.a for std
            # comes from Debian's wasi-libc.
            (cd "$ws" &&
                PATH="/usr/lib/llvm-22/bin:$PATH" \
                RUSTC=/usr/bin/rustc \
                RUSTC_BOOTSTRAP=1 \
                RUSTFLAGS="-L /usr/lib/wasm32-wasi" \
                    /usr/bin/cargo build --release -Zbuild-std=std,panic_abort \
                    --target "$TARGET" --target-dir "$ws/target" "$@")
            ;;
        *)
            log "unknown route '$route' from install-wasm-toolchain.sh"
            exit 1
            ;;
    esac
}

mkdir -p "$OUT"
copied=0
for ws in "${WORKSPACES[@]}"; do
    rel="${ws#"$ROOT"/}/"
    # This workspace's share of the requested packages (all when none were).
    mine=()
    for pkg in "${packages[@]}"; do
        if has_member "$ws" "$pkg"; then mine+=(-p "$pkg"); fi
    done
    if [ "${#packages[@]}" -gt 0 ] && [ "${#mine[@]}" -eq 0 ]; then
        continue
    fi

    log "building $rel for $TARGET ($route route)"
    start=$SECONDS
    cargo_build "$ws" "${mine[@]}" "${other_args[@]}"
    log "cargo build of $rel took $((SECONDS - start)) s"

    # Every workspace member: a cdylib plugin comes out as <crate_name>.wasm
    # (dashes become underscores), a command (src/main.rs) as <crate-name>.wasm.
    built="$ws/target/$TARGET/release"
    for name in $(members "$ws"); do
        for artifact in "$built/${name//-/_}.wasm" "$built/$name.wasm"; do
            if [ -f "$artifact" ]; then
                cp "$artifact" "$OUT/$name.wasm.tmp"
                mv "$OUT/$name.wasm.tmp" "$OUT/$name.wasm"
                copied=$((copied + 1))
                break
            fi
        done
    done
done

log "$copied components in $OUT:"
( cd "$OUT" && ls -l -- *.wasm ) >&2
