#!/usr/bin/env bash
# Builds the Python post-setup hook into a WebAssembly component:
#   examples/python-hook/build.sh [OUT.wasm]   (default: target/plugins/python-hook.wasm)
# componentize-py comes from PyPI into a private environment
# (tools/install-guest-toolchains.sh python); the hook uses the helper module
# plugins/python/venv_plugin.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/target/plugins/python-hook.wasm}"
bash "$root/tools/install-guest-toolchains.sh" python >&2
mkdir -p "$(dirname "$out")"
cd "$here"
"$root/target/guest-tools/python/bin/componentize-py" -d "$root/wit" -w post-setup-plugin \
    componentize app -p "$here" -p "$root/plugins/python" -o "$out"
echo "built $out"
