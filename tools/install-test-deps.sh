#!/usr/bin/env bash
# What the tests use besides the shells: Debian's Mercurial (the hg-ignore
# plugin test runs real `hg`), python3-venv (Debian's python3 is one of the
# interpreters the differential tests compare against) and man-db (the man
# page test renders with `man`), GNU tar and zstd (the pack tests unpack
# .tar.zst archives with plain `tar -xf`); and, from PyPI, maturin in
# target/test-tools (the wheel is built with it and installed by a test).
# Idempotent.
set -euo pipefail
SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
missing=()
command -v hg >/dev/null 2>&1 || missing+=(mercurial)
command -v man >/dev/null 2>&1 || missing+=(man-db)
command -v tar >/dev/null 2>&1 || missing+=(tar)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
[ -x /usr/bin/python3 ] || missing+=(python3 python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
        || { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
fi

# maturin, in a virtual environment of its own under target/ (never committed).
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/target/test-tools"
if [ ! -x "$tools/bin/maturin" ]; then
    /usr/bin/python3 -m venv "$tools"
    "$tools/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.5,<2"
fi
