#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (idempotent; see each installer), then runs every test in the workspace.
# Extra arguments go to `cargo test` (e.g. `tools/test.sh --test it differential::`).
# The integration tests are one binary, `it`, with a module per area
# (core/tests/it/). --all-targets below already selects every binary, so it is
# the name filter that narrows a run: `differential::` runs only the
# differential tests (the other binaries match none), `activation::fish::`
# only the fish ones.
set -euo pipefail
cd "$(dirname "$0")/.."

# The differential tests compare against CPython 3.8-3.13 from pyenv; they
# come with this machine kind and cannot be downloaded here, so say so early.
source tools/lib.sh
for minor in "${PYTHON_MINORS[@]}"; do
    if ! pyenv_python "$minor" >/dev/null; then
        echo "tools/test.sh: CPython 3.$minor is missing under ${PYENV_ROOT:-$HOME/.pyenv}/versions (pyenv install 3.$minor)" >&2
        exit 1
    fi
done

# The Rust toolchain pinned in rust-toolchain.toml (rustup does not install
# it by itself where RUSTUP_AUTO_INSTALL=0), then the format and lint gates.
bash tools/install-toolchain.sh
bash tools/lint.sh
bash tools/install-shells.sh
bash tools/install-test-deps.sh
# Debian sid (CPython 3.13, 3.14, 3.15, PyPy 3.11, the shells) and trixie
# (Debian 13's python3) chroots under target/chroots, for the differential
# tests of distribution Pythons (differential::debian); kept once built.
# Mostly downloads: built while the plugins compile, waited for before the tests.
bash tools/build-chroots.sh --prepare
mkdir -p target
bash tools/build-chroots.sh >target/build-chroots.log 2>&1 &
chroots=$!
# componentize-py, componentize-js (+ jco) and xonsh, under target/guest-tools:
# the Python and JavaScript hooks are built from source by their tests, and
# the activator test sources activate.xsh in a real xonsh.
bash tools/install-guest-toolchains.sh
# The plugin tests load components built from plugins/ and
# core/tests/fixtures/plugins/ (never committed).
bash tools/build-plugins.sh
# The install test puts this wheel into a fresh environment with pip. Built
# from the test profile (the same code as the binary under test, no second
# optimised build of wasmtime); release wheels come from `maturin build --release`.
target/test-tools/bin/maturin build --profile dev --out target/wheels-test --quiet

if ! wait "$chroots"; then
    cat target/build-chroots.log >&2
    echo "tools/test.sh: tools/build-chroots.sh failed" >&2
    exit 1
fi
cat target/build-chroots.log >&2

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --all-targets "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole suite (cargo prints one per test binary).
awk '/^test result:/ { p += $4; f += $6; s += $8 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
