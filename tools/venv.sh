#!/usr/bin/env bash
# Builds venv (release) with the pinned toolchain, installing that toolchain
# first when it is missing, and runs it with the arguments given:
#   tools/venv.sh .venv        # an environment made with the default python3
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tools/install-toolchain.sh"
# rustup picks the toolchain from the working directory; name it, so this
# works from any directory (relative ENV_DIRs stay relative to it).
channel="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$root/rust-toolchain.toml")"
exec cargo "+$channel" run --quiet --release --manifest-path "$root/Cargo.toml" -- "$@"
