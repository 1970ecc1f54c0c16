#!/usr/bin/env bash
# Times `venv --repair`, `venv --check` and `venv --pack` on a moved
# environment of about 1000 files (a fresh `venv` env with pip).
# Usage: bench/relocate.sh [--venv BIN] [--runs N] [PYTHON]
#   --venv BIN   the binary to time [default: target/release/venv, built here]
#   --runs N     samples per command [default: 20]
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib.sh
PYTHON="$(pyenv_python 12)"
VENV_BIN=""
RUNS=20
while [ $# -gt 0 ]; do
    case "$1" in
        --venv) VENV_BIN="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        -*) echo "bench/relocate.sh: unknown flag $1" >&2; exit 2 ;;
        *) PYTHON="$1"; shift ;;
    esac
done
if [ -z "$VENV_BIN" ]; then
    cargo build --release -q -p venv
    VENV_BIN=target/release/venv
fi
echo "Python: $("$PYTHON" -c 'import sys; print(sys.version.split()[0])') ($PYTHON)"
echo "Machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$PYTHON" bench/relocate.py --venv "$VENV_BIN" --python "$PYTHON" --runs "$RUNS"
