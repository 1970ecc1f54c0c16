#!/usr/bin/env bash
# Installs the shells that core/tests/it/activation/ runs the activation
# scripts in: zsh, fish, tcsh (Debian packages) and nushell (npm registry).
# Safe to run again: every step checks first and does nothing if the shell
# is already there. Meant for root in CI; uses sudo if run as another user.
set -euo pipefail

NU_VERSION="${NU_VERSION:-0.115.1}"
NU_PREFIX="${NU_PREFIX:-/opt/nushell}"
BIN_DIR="${BIN_DIR:-/usr/local/bin}"

LOG_NAME=install-shells
source "$(dirname "$0")/lib.sh"

# --- Debian packages -------------------------------------------------------
missing=()
command -v bash >/dev/null 2>&1 || missing+=(bash)
command -v dash >/dev/null 2>&1 || missing+=(dash)
command -v zsh  >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
command -v tcsh >/dev/null 2>&1 || missing+=(tcsh)

if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
else
    log "zsh, fish, tcsh, dash already installed"
fi

# --- nushell ---------------------------------------------------------------
# The npm package ships the native binary in a per-platform optional
# dependency; its `nu` bin is a node wrapper. Linking the native binary
# directly avoids starting node for every test shell.
nu_ok() {
    command -v nu >/dev/null 2>&1 && nu --version 2>/dev/null | grep -qx "$NU_VERSION"
}

if nu_ok; then
    log "nu $NU_VERSION already installed"
else
    command -v npm >/dev/null 2>&1 || {
        log "npm not found; installing Debian's npm"
        apt_install nodejs npm
    }
    log "npm install nushell@$NU_VERSION into $NU_PREFIX"
    "${SUDO[@]}" mkdir -p "$NU_PREFIX"
    "${SUDO[@]}" npm install --prefix "$NU_PREFIX" --no-audit --no-fund \
        --loglevel=error "nushell@$NU_VERSION" >&2

    case "$(uname -m)" in
        x86_64|amd64) plat=linux-x64 ;;
        aarch64|arm64) plat=linux-arm64 ;;
        armv7l|armv6l) plat=linux-arm ;;
        riscv64) plat=linux-riscv64 ;;
        *) plat="" ;;
    esac
    nu_bin=""
    if [ -n "$plat" ]; then
        # Layout of the platform package has varied between releases.
        for cand in \
            "$NU_PREFIX/node_modules/@nushell/$plat/bin/nu" \
            "$NU_PREFIX/node_modules/@nushell/$plat/nu"; do
            if [ -x "$cand" ]; then nu_bin="$cand"; break; fi
        done
        if [ -z "$nu_bin" ]; then
            nu_bin="$(find "$NU_PREFIX/node_modules/@nushell/$plat" -type f -name nu -perm -u+x 2>/dev/null | head -n1 || true)"
        fi
    fi
    # Fall back to the node wrapper if the native binary was not found.
    [ -n "$nu_bin" ] || nu_bin="$NU_PREFIX/node_modules/.bin/nu"
    [ -x "$nu_bin" ] || { log "no nu binary found under $NU_PREFIX"; exit 1; }

    "${SUDO[@]}" mkdir -p "$BIN_DIR"
    "${SUDO[@]}" ln -sfn "$nu_bin" "$BIN_DIR/nu"
    hash -r
    "$BIN_DIR/nu" --version 2>/dev/null | grep -qx "$NU_VERSION" \
        || { log "nu at $BIN_DIR/nu does not report version $NU_VERSION"; exit 1; }
    nu_ok || log "warning: another nu comes before $BIN_DIR on PATH: $(command -v nu)"
    log "nu $NU_VERSION -> $BIN_DIR/nu"
fi

for sh in bash dash zsh fish tcsh nu; do
    printf '%-5s %s\n' "$sh" "$(command -v "$sh")" >&2
done
