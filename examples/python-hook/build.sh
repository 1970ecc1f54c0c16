#!/usr/bin/env bash
# Builds the Python post-setup hook into a WebAssembly component:
#   examples/python-hook/build.sh [OUT.wasm]   (default: target/plugins/python-hook.wasm)
# componentize-py comes from PyPI into a private environment (created with
# venv itself when it is built, else with python3 -m venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/target/plugins/python-hook.wasm}"
tools="$root/target/componentize-py"
if [ ! -x "$tools/bin/componentize-py" ]; then
    # Any CPython 3.9+ will do; pyenv's 3.12 where present (shims may not resolve).
    python="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 2>/dev/null | tail -1)"
    python="${python:-$(command -v python3)}"
    "$python" -m venv "$tools"
    "$tools/bin/pip" install -q --disable-pip-version-check "componentize-py==0.25.*"
fi
mkdir -p "$(dirname "$out")"
cd "$here"
"$tools/bin/componentize-py" -d "$root/wit" -w post-setup-plugin componentize app -p "$here" -o "$out"
echo "built $out"
