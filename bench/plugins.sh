#!/usr/bin/env bash
# Plugin overhead and cold compile times. Builds the release binary and the
# plugins from source (the Rust ones with the guest SDK, and the JavaScript
# example hook), then prints medians.
# Usage: bench/plugins.sh [PYTHON] [--runs N] [--compare OTHER_VENV_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib.sh
PYTHON="$(pyenv_python 12)"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then PYTHON="$1"; shift; fi
bash tools/build-plugins.sh >/dev/null
# The JavaScript hook (componentize-js from npm, see examples/js-hook).
bash examples/js-hook/build.sh target/plugins/js-hook.wasm >/dev/null
cargo build --release -q -p venv
exec python3 bench/plugins.py --venv target/release/venv --python "$PYTHON" --plugins target/plugins "$@"
