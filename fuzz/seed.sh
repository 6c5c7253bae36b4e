#!/usr/bin/env bash
# Seeds fuzz/corpus/render_bytes with every golden spec and docs example, once per
# format: render_bytes reads its first byte as the format ('0' SVG, '1' PDF, '2' PNG
# at scale 1; see fuzz_targets/common.rs), the rest as the spec. The committed
# regression inputs go in too, so that a long run starts from what once broke.
#
# render_structured needs no seeds: its input is the `arbitrary` byte stream, not JSON,
# and libFuzzer grows that corpus from nothing in seconds.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus/render_bytes
mkdir -p "$out"
n=0
for spec in ../renderer-wasm/tests/golden/*/spec.json ../docs/examples/*.json regressions/*.json; do
    [ -e "$spec" ] || continue
    name=$(basename "$(dirname "$spec")")_$(basename "$spec" .json)
    for format in 0 1 2; do
        { printf '%s' "$format"; cat "$spec"; } > "$out/seed-$name-$format"
        n=$((n + 1))
    done
done
echo "seeded $n inputs into fuzz/$out"
