#!/usr/bin/env bash
# Compares `venv` with `python -m venv`, `virtualenv` and `uv venv`, side by
# side in one run. Installs virtualenv and uv from the package index into a
# scratch environment (bench/.tools), builds our release binary, then prints
# medians and ratios (warm, and the first creation with an empty cache).
# Usage: bench/compare.sh [PYTHON] [--runs N] [--slow-runs N] [--order blocked|interleaved]
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib.sh
PYTHON="$(pyenv_python 12)"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then PYTHON="$1"; shift; fi

TOOLS=bench/.tools
if [ ! -x "$TOOLS/bin/uv" ] || [ ! -x "$TOOLS/bin/virtualenv" ]; then
    "$PYTHON" -m venv "$TOOLS"
    "$TOOLS/bin/pip" install -q --disable-pip-version-check virtualenv uv
fi
cargo build --release -q -p venv
echo "Python: $("$PYTHON" -c 'import sys; print(sys.version.split()[0])') ($PYTHON)"
echo "virtualenv: $("$TOOLS/bin/virtualenv" --version | head -1 | cut -d' ' -f2), uv: $("$TOOLS/bin/uv" --version | cut -d' ' -f2)"
echo "Machine: $(nproc) cores, $(uname -r)"
exec "$TOOLS/bin/python" bench/compare.py --venv target/release/venv --python "$PYTHON" \
    --virtualenv "$TOOLS/bin/virtualenv" --uv "$TOOLS/bin/uv" "$@"
