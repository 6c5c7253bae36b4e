#!/usr/bin/env bash
# Builds a module to profile: the very code scripts/build-module.sh ships (run that
# first; this reuses its wasm32 build), with two differences that only change what a
# profile can name:
#
# - the name section stays whole (the shipped module keeps only the allocation-failure
#   names), so perf shows Rust function names from wasmtime's perf map;
# - wasm-opt runs with `-ocimfs 0`, so it does not inline functions that have a single
#   caller. The PNG encoder's once-per-render phases (rasterize, clip masks, text,
#   demultiply, RGB packing, encoding) are `#[inline(never)]` for LLVM; wasm-opt would
#   still fold them into `render_here`.
#
# Output: target/plotbox-profile.wasm (or $1). Run it with the sandbox bench's LOOP
# mode under `perf record` (BENCHMARKS.md, "Where the time goes").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
raw="target/wasm32-unknown-unknown/module/renderer_wasm.wasm"
out="${1:-target/plotbox-profile.wasm}"
if [ ! -f "$raw" ]; then
    echo "profile-module: $raw is missing; run scripts/build-module.sh first" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/wasm-sections.py drop-target-features "$raw" "$work/input.wasm"
wasm-bindgen --target web --out-dir "$work" --out-name renderer_wasm "$work/input.wasm"
wasm-opt -O3 -g -ocimfs 0 \
    --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-multivalue \
    -o "$out" "$work/renderer_wasm_bg.wasm"
echo "profile-module: wrote $out ($(wc -c <"$out") bytes)" >&2
