#!/usr/bin/env bash
# Debian packages the tests use besides the shells: Mercurial (the hg-ignore
# plugin test runs real `hg`) and python3-venv (Debian's python3 is one of
# the interpreters the differential tests compare against). Idempotent.
set -euo pipefail
SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
missing=()
command -v hg >/dev/null 2>&1 || missing+=(mercurial)
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
[ -x /usr/bin/python3 ] || missing+=(python3 python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
        || { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
fi
