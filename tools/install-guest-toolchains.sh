#!/usr/bin/env bash
# Installs the toolchains of the non-Rust guest languages and the tools the
# plugin tests run, each into its own directory under target/guest-tools/
# (idempotent: a tool already there is kept):
#   python  componentize-py (PyPI), for Python hooks
#   js      @bytecodealliance/jco + @bytecodealliance/componentize-js (npm), for JavaScript hooks
#   xonsh   the xonsh shell (PyPI), which the activator test sources activate.xsh in
# Usage: tools/install-guest-toolchains.sh [python] [js] [xonsh]   (none: all)
# Prints nothing on stdout; says what it installs on stderr.
set -euo pipefail
LOG_NAME=install-guest-toolchains
source "$(dirname "$0")/lib.sh"
TOOLS="$REPO_ROOT/target/guest-tools"
COMPONENTIZE_PY="0.25.1"
JCO="1.35.0"
COMPONENTIZE_JS="0.23.0"
XONSH="0.19.*"

# A CPython 3.10+ to make private environments with: pyenv's 3.12 where
# present (shims may not resolve), else python3.
base_python() {
    pyenv_python 12 || command -v python3
}

# A private environment at $1 with the pip requirement $2, whose command $3 must run.
pip_tool() {
    local dir="$1" req="$2" cmd="$3"
    if [ -x "$dir/bin/$cmd" ]; then
        return
    fi
    log "installing $req into $dir"
    rm -rf "$dir"
    "$(base_python)" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$req" >&2
    [ -x "$dir/bin/$cmd" ] || { log "$dir/bin/$cmd missing after installing $req"; exit 1; }
}

js_tools() {
    local dir="$TOOLS/js"
    if [ -x "$dir/node_modules/.bin/jco" ] && [ -d "$dir/node_modules/@bytecodealliance/componentize-js" ]; then
        return
    fi
    command -v npm >/dev/null 2>&1 || {
        log "npm not found; installing Debian's nodejs and npm"
        apt_install nodejs npm
    }
    log "npm install @bytecodealliance/jco@$JCO @bytecodealliance/componentize-js@$COMPONENTIZE_JS into $dir"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
        "@bytecodealliance/jco@$JCO" "@bytecodealliance/componentize-js@$COMPONENTIZE_JS" >&2)
    [ -x "$dir/node_modules/.bin/jco" ] || { log "jco missing after npm install"; exit 1; }
}

wanted=("$@")
[ "${#wanted[@]}" -gt 0 ] || wanted=(python js xonsh)
for tool in "${wanted[@]}"; do
    case "$tool" in
        python) pip_tool "$TOOLS/python" "componentize-py==$COMPONENTIZE_PY" componentize-py ;;
        js) js_tools ;;
        xonsh) pip_tool "$TOOLS/xonsh" "xonsh==$XONSH" xonsh ;;
        *) log "unknown tool '$tool' (python, js, xonsh)"; exit 2 ;;
    esac
done
