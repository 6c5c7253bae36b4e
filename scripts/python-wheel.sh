#!/usr/bin/env bash
# Builds the Python package's wheel: target/wheels/plotbox-<version>-py3-none-any.whl,
# the only plotbox wheel left there. It ships www/pkg/renderer_wasm_bg.wasm, byte for
# byte the module the `plotbox` binary embeds, so the module is built first (quick
# when it is up to date). Then `pip install target/wheels/plotbox-*.whl` is all a
# user needs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'python-wheel: %s\n' "$*" >&2; }

scripts/build-module.sh

module=www/pkg/renderer_wasm_bg.wasm
packaged=python/src/plotbox/renderer_wasm_bg.wasm
cp "$module" "$packaged"

# pip builds the wheel with hatchling in an isolated build environment; the venv only
# keeps the build off the system Python.
venv=target/python-build-venv
if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv"
fi

out=target/wheels
mkdir -p "$out"
rm -f "$out"/plotbox-*.whl
"$venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$out" ./python

wheels=("$out"/plotbox-*.whl)
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
    log "expected exactly one wheel in $out, found: ${wheels[*]}"
    exit 1
fi
wheel="${wheels[0]}"

# The wheel must carry the very module the host embeds, not a stale copy.
"$venv/bin/python" - "$wheel" "$module" <<'PY'
import hashlib, sys, zipfile
wheel, module = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as zf:
    shipped = zf.read("plotbox/renderer_wasm_bg.wasm")
want = open(module, "rb").read()
if shipped != want:
    sys.exit("python-wheel: the wheel's module differs from " + module)
print("python-wheel: module sha256 " + hashlib.sha256(want).hexdigest(), file=sys.stderr)
PY
log "wrote $wheel"
