#!/usr/bin/env bash
# Builds the Debian chroots the differential tests run real distribution
# Pythons in (core/tests/it/common/chroot.rs):
#   target/chroots/sid     python3.13, python3.14, python3.15 and their -venv
#                          packages, pypy3 + pypy3-venv (PyPy 3.11), and the
#                          shells bash, dash, zsh, fish, tcsh
#   target/chroots/trixie  Debian 13's default python3 + python3-venv, bash
# Each is made by `debootstrap --variant=minbase` in a hidden sibling and
# renamed into place only when complete, with a stamp naming what it holds;
# a chroot whose stamp matches is left alone, so a second run does nothing.
# The two are built at the same time, under a lock (two runs never build the
# same chroot at once). Nothing is mounted on the host: every command inside
# runs in a private mount namespace (unshare) with /proc and /dev mounted there.
# Needs root (debootstrap, chroot); installs debootstrap itself.
# `tools/build-chroots.sh --print-root` prints where the chroots live;
# `--prepare` only installs debootstrap on the host (the one step that takes
# the host's dpkg lock), so that the build can then run beside other installs.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${VENV_CHROOTS:-$root/target/chroots}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "${1:-}" = "--print-root" ]; then
    printf '%s\n' "$dir"
    exit 0
fi

log() { printf 'build-chroots: %s\n' "$*" >&2; }

# What each chroot holds, beyond minbase. A change here rebuilds it.
packages_sid="python3.13-venv python3.14-venv python3.15-venv pypy3 pypy3-venv bash dash zsh fish tcsh"
packages_trixie="python3 python3-venv bash"

[ "$(id -u)" -eq 0 ] || { log "must run as root (debootstrap, chroot)"; exit 1; }

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

# format 2: the downloaded .debs are kept in /var/cache/apt/archives (a test
# removes and reinstalls python3.15-venv with dpkg, offline, in an overlay).
stamp_of() { printf 'format=2\nsuite=%s\npackages=%s\n' "$1" "$2"; }

ready() {
    local suite=$1 packages=$2
    [ -f "$dir/$suite/.venv-chroot" ] && [ "$(cat "$dir/$suite/.venv-chroot")" = "$(stamp_of "$suite" "$packages")" ]
}

# Runs a command inside chroot $1 in a private mount namespace.
in_chroot() {
    local r=$1
    shift
    unshare --mount --propagation private -- /bin/sh -c '
        r=$1; shift
        mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" || exit 1
        exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"' sh "$r" "$@"
}

build() {
    local suite=$1 packages=$2
    local tmp="$dir/.$suite.tmp"
    local started=$SECONDS
    rm -rf --one-file-system "$tmp"
    mkdir -p "$dir/debs-$suite"
    log "$suite: debootstrap --variant=minbase $suite"
    debootstrap --variant=minbase --cache-dir="$dir/debs-$suite" "$suite" "$tmp" "$mirror" \
        >"$dir/$suite.log" 2>&1 || { log "$suite: debootstrap failed; see $dir/$suite.log"; tail -5 "$dir/$suite.log" >&2; return 1; }
    # The archive serves a frozen snapshot, whose Release files have expired.
    printf 'Acquire::Check-Valid-Until "false";\n' >"$tmp/etc/apt/apt.conf.d/99venv-snapshot"
    log "$suite: apt-get install $packages"
    {
        in_chroot "$tmp" apt-get update -q &&
        # shellcheck disable=SC2086
        in_chroot "$tmp" apt-get install -y -q --no-install-recommends $packages
    } >>"$dir/$suite.log" 2>&1 || { log "$suite: apt-get failed; see $dir/$suite.log"; tail -5 "$dir/$suite.log" >&2; return 1; }
    # The mount points the tests bind into (the host's /tmp, our binary).
    mkdir -p "$tmp/tmp" "$tmp/usr/local/bin"
    : >"$tmp/usr/local/bin/venv"
    stamp_of "$suite" "$packages" >"$tmp/.venv-chroot"
    rm -rf --one-file-system "${dir:?}/$suite"
    mv "$tmp" "$dir/$suite"
    log "$suite: ready in $((SECONDS - started)) s"
}

todo=()
ready sid "$packages_sid" || todo+=(sid)
ready trixie "$packages_trixie" || todo+=(trixie)

if [ "${#todo[@]}" -gt 0 ] || [ "${1:-}" = "--prepare" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "apt-get install debootstrap"
        export DEBIAN_FRONTEND=noninteractive
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap >&2 \
            || { apt-get -o DPkg::Lock::Timeout=600 update -q >&2 &&
                 apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap >&2; }
    fi
fi
[ "${1:-}" = "--prepare" ] && exit 0
if [ "${#todo[@]}" -eq 0 ]; then
    log "sid and trixie are ready under $dir"
    exit 0
fi

pids=()
for suite in "${todo[@]}"; do
    packages_var="packages_$suite"
    build "$suite" "${!packages_var}" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
exit "$status"
