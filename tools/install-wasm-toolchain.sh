#!/usr/bin/env bash
# Makes sure this machine can build the wasm32-wasip2 plugin components in
# plugins/ and core/tests/fixtures/plugins/ (see plugins/README.md and
# tools/build-plugins.sh).
#
# Two routes, tried in this order:
#   rustup  - the normal one: rustup's toolchain with the wasm32-wasip2 std
#             (`rustup target add wasm32-wasip2`).
#   debian  - for machines that cannot reach rustup's server: Debian's
#             rustc-web (with its std source), LLVM 22's wasm-ld and wasi-libc
#             from bookworm-security; cargo then builds std itself
#             (-Zbuild-std), see tools/build-plugins.sh.
#
# Idempotent and non-interactive (CI runs it as root on a fresh machine).
# Prints the route that is ready ("rustup" or "debian") on stdout; everything
# else goes to stderr.
#
# Environment:
#   WASM_ROUTE=auto|rustup|debian   force a route (default auto)
#   RUSTUP_TARGET_TIMEOUT=SECONDS   limit for `rustup target add` (default 90)
set -euo pipefail

TARGET=wasm32-wasip2
ROUTE="${WASM_ROUTE:-auto}"
RUSTUP_TARGET_TIMEOUT="${RUSTUP_TARGET_TIMEOUT:-90}"
DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22 wasi-libc)

LOG_NAME=install-wasm-toolchain
source "$(dirname "$0")/lib.sh"

rustup_has_target() {
    command -v rustup >/dev/null 2>&1 &&
        rustup target list --installed 2>/dev/null | grep -qx "$TARGET"
}

debian_missing() {
    local pkg
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            printf '%s\n' "$pkg"
    done
}

debian_ready() {
    [ -z "$(debian_missing)" ] &&
        [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] &&
        [ -x /usr/lib/llvm-22/bin/wasm-ld ] &&
        [ -e /usr/lib/wasm32-wasi/libc.a ]
}

install_debian() {
    # A fresh machine has no package lists (or stale ones without the
    # security suite's rustc-web): apt_install updates once and retries.
    apt_install "${DEBIAN_PACKAGES[@]}"
    if ! debian_ready; then
        log "Debian packages installed but /usr/bin/cargo, /usr/bin/rustc," \
            "/usr/lib/llvm-22/bin/wasm-ld or /usr/lib/wasm32-wasi/libc.a is missing"
        exit 1
    fi
    log "Debian route ready: $(/usr/bin/rustc --version)"
}

case "$ROUTE" in
    rustup)
        if ! rustup_has_target; then
            log "rustup target add $TARGET"
            rustup target add "$TARGET" >&2
        fi
        echo rustup
        ;;
    debian)
        debian_ready || install_debian
        echo debian
        ;;
    auto)
        if rustup_has_target; then
            log "rustup already has $TARGET"
            echo rustup
        elif debian_ready; then
            # Installed earlier because rustup could not download the target:
            # do not wait for rustup's server again on every build.
            log "Debian route already installed (rustup has no $TARGET)"
            echo debian
        elif command -v rustup >/dev/null 2>&1 &&
            log "trying: rustup target add $TARGET (at most ${RUSTUP_TARGET_TIMEOUT}s)" &&
            timeout "$RUSTUP_TARGET_TIMEOUT" rustup target add "$TARGET" >&2 &&
            rustup_has_target; then
            echo rustup
        else
            log "rustup cannot provide $TARGET here; using Debian's rustc-web with -Zbuild-std"
            install_debian
            echo debian
        fi
        ;;
    *)
        log "WASM_ROUTE must be auto, rustup or debian (got '$ROUTE')"
        exit 2
        ;;
esac
