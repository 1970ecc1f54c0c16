#!/usr/bin/env bash
# What the tests use besides the shells: Debian's Mercurial (the hg-ignore
# plugin test runs real `hg`), python3-venv and pypy3 (Debian's python3 and
# PyPy 3.9 are among the interpreters the differential tests compare
# against; pypy3's ensurepip takes pip from python3-pip-whl) and man-db (the
# man page test renders with `man`), GNU tar and zstd (the pack tests unpack
# .tar.zst archives with plain `tar -xf`); from PyPI, maturin in
# target/test-tools (the wheel is built with it and installed by a test);
# and the Windows and macOS standard libraries for the type-check. Idempotent.
set -euo pipefail
LOG_NAME=install-test-deps
source "$(dirname "$0")/lib.sh"
missing=()
command -v hg >/dev/null 2>&1 || missing+=(mercurial)
command -v man >/dev/null 2>&1 || missing+=(man-db)
command -v tar >/dev/null 2>&1 || missing+=(tar)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
[ -x /usr/bin/python3 ] || missing+=(python3 python3-venv)
[ -x /usr/bin/pypy3 ] || missing+=(pypy3)
ls /usr/share/python-wheels/pip-*.whl >/dev/null 2>&1 || missing+=(python3-pip-whl python3-setuptools-whl)
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"

# maturin, in a virtual environment of its own under target/ (never committed);
# uv beside it (the relocate tests check a real `uv venv --relocatable` env).
tools="$REPO_ROOT/target/test-tools"
if [ ! -x "$tools/bin/maturin" ]; then
    /usr/bin/python3 -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.5,<2"
fi
# (`python -m pip`: the environment's interpreter, wherever the tree was
# copied from; its `pip` launcher would name the original's.)
if [ ! -x "$tools/bin/uv" ]; then
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv>=0.5,<1"
fi

# The Windows and macOS code must type-check (core/tests/it/targets.rs): the
# targets' standard libraries from rustup, or, where rustup cannot download
# them, Debian's rustc-web with its std source (the test then builds std).
for target in x86_64-pc-windows-gnu x86_64-pc-windows-msvc aarch64-apple-darwin; do
    rustup target list --installed 2>/dev/null | grep -qx "$target" && continue
    rustup target add "$target" >/dev/null 2>&1 && continue
    if ! [ -x /usr/bin/cargo ] || ! [ -d /usr/lib/rustlib/src ]; then
        apt_install rustc-web cargo-web rust-web-src
    fi
done
