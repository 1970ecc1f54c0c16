# Shared by the scripts in tools/, bench/ and examples/ (sourced, never run):
#   source "$(dirname "$0")/lib.sh"     (from tools/; adjust the path elsewhere)
# Set LOG_NAME before sourcing to name the script in its messages.
# Provides: REPO_ROOT, SUDO, log, apt_install, PYTHON_MINORS, pyenv_python.

# The repository's root (this file is in tools/).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Root in CI; sudo for anyone else.
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    SUDO=(sudo)
fi

# A message on stderr, prefixed with the script's name.
log() { printf '%s: %s\n' "${LOG_NAME:-$(basename "$0" .sh)}" "$*" >&2; }

# Installs the Debian packages given that are not installed yet. A fresh
# machine has no package lists: when the install fails, update them once and
# try again. Waits for another apt/dpkg run instead of failing on its lock.
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
    [ "${#missing[@]}" -gt 0 ] || return 0
    log "apt-get install ${missing[*]}"
    local apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
        "${apt[@]}" update -q >&2
        "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2
    fi
}

# The CPython minor versions (3.X) the differential tests compare against,
# from pyenv (core/tests/it/common/mod.rs lists the same).
PYTHON_MINORS=(8 9 10 11 12 13)

# The newest pyenv CPython 3.$1 (`.../versions/3.$1.*/bin/python3.$1`), or
# nothing (status 1) when pyenv has none.
pyenv_python() {
    local found
    found="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$1".*/bin/python3."$1" 2>/dev/null |
        sort -V | tail -n 1)"
    [ -n "$found" ] || return 1
    printf '%s\n' "$found"
}
