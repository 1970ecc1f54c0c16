#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for a set time each (default 300 s):
#   tools/fuzz.sh [SECONDS] [TARGET...]
# Installs cargo-fuzz (crates.io) if missing and uses the nightly toolchain
# that rustup has. Seeds each target's corpus with real inputs (the
# project's policy examples, pyvenv.cfg files CPython wrote, ensurepip's
# wheels). Crashes land in fuzz/artifacts/<target>/ and fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-300}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(policy_text pyvenv_cfg wheel plugin_text)

log() { printf 'fuzz: %s\n' "$*" >&2; }

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# Seed corpora from real inputs (kept out of git: fuzz/corpus is ignored).
corpus=fuzz/corpus
mkdir -p "$corpus"/{policy_text,pyvenv_cfg,wheel,plugin_text}
printf '[plugins]\nallow = "pinned"\npinned = ["00"]\n[limits]\nmemory-mib = 64\n' > "$corpus/policy_text/pinned.toml"
printf '[[plugins]]\npath = "~/p.wasm"\noptions = { a = "b" }\n' > "$corpus/policy_text/user.toml"
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.1\nprompt = '"'"'x y'"'"'\n' > "$corpus/pyvenv_cfg/basic.cfg"
for whl in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/lib/python3.*/ensurepip/_bundled/*.whl; do
    [ -f "$whl" ] && cp "$whl" "$corpus/wheel/" || true
done
printf 'hg,git\n\033[2Jtitle\007\r' > "$corpus/plugin_text/escapes.txt"

status=0
for t in "${targets[@]}"; do
    log "$t for ${seconds} s"
    if cargo +nightly fuzz run "$t" "$corpus/$t" -- -max_total_time="$seconds" \
        -rss_limit_mb=4096 -max_len=1048576 -print_final_stats=1 2> "fuzz/$t.log"; then
        log "$t: clean: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "fuzz/$t.log" | tail -n1)"
    else
        log "$t: FAILED, see fuzz/$t.log and fuzz/artifacts/$t/"
        status=1
    fi
done
exit "$status"
