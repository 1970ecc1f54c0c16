#!/usr/bin/env bash
# Builds the JavaScript post-setup hook into a WebAssembly component:
#   examples/js-hook/build.sh [OUT.wasm]   (default: target/plugins/js-hook.wasm)
# componentize-js (with jco) comes from npm into target/guest-tools/js
# (tools/install-guest-toolchains.sh js). componentize-js loads modules only
# from the source's own directory, so the hook and the helper module
# plugins/js/venv-plugin.js are put side by side in a scratch directory first.
# A JS guest reaches WASI only through imports its world names, so the build
# uses plugins/js/js.wit: venv's post-setup-plugin world (wit/plugin.wit as
# a dependency) plus WASI's file system (whose WIT comes with jco).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(realpath -m "${1:-$root/target/plugins/js-hook.wasm}")"  # absolute: the build runs in a scratch dir
bash "$root/tools/install-guest-toolchains.sh" js >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/hook.js" "$root/plugins/js/venv-plugin.js" "$work/"
builtin="$root/target/guest-tools/js/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12"
mkdir -p "$work/wit/deps/venv-plugin"
cp "$root/plugins/js/js.wit" "$work/wit/"
cp "$root/wit/plugin.wit" "$work/wit/deps/venv-plugin/"
for pkg in wasi-filesystem wasi-io wasi-clocks; do
    mkdir -p "$work/wit/deps/$pkg" && cp "$builtin/$pkg/package.wit" "$work/wit/deps/$pkg/"
done
mkdir -p "$(dirname "$out")"
# http and fetch-event are WASI features a venv hook never uses (and the
# host does not offer).
(cd "$work" && "$root/target/guest-tools/js/node_modules/.bin/componentize-js" hook.js \
    --wit "$work/wit" -n js-post-setup-plugin -d http fetch-event -o "$out.tmp" >&2)
mv "$out.tmp" "$out"
echo "built $out"
