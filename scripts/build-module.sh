#!/usr/bin/env bash
# Builds THE renderer module: renderer-wasm for wasm32, processed by wasm-bindgen into
# www/pkg/. The processed www/pkg/renderer_wasm_bg.wasm is what the browser loads and
# what the `plotbox` binary embeds (host/build.rs), byte for byte.
#
# Installs what is missing (the wasm32 target, wasm-bindgen-cli at exactly the version
# pinned in Cargo.lock, Debian's binaryen for wasm-opt). Idempotent: quiet and quick
# when everything is up to date.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target=wasm32-unknown-unknown
out_dir=www/pkg
raw_wasm="target/$target/module/renderer_wasm.wasm"
module="$out_dir/renderer_wasm_bg.wasm"

log() { printf 'build-module: %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx "$target"; then
    log "installing the $target target"
    rustup target add "$target"
fi

# The CLI must match the wasm-bindgen crate exactly, or it refuses the module.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$want" ]; then
    log "wasm-bindgen not found in Cargo.lock"
    exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (found: ${have:-none})"
    cargo install wasm-bindgen-cli --version "$want"
fi

if ! command -v wasm-opt >/dev/null; then
    log "installing binaryen (wasm-opt)"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y binaryen || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y binaryen
    }
fi

cargo build --quiet --profile module -p renderer-wasm --target "$target"

# Re-run wasm-bindgen only when its input changed, so that an unchanged build leaves
# www/pkg (and with it the host's embedded module) untouched.
if [ ! -f "$module" ] || [ "$raw_wasm" -nt "$module" ]; then
    # wasm-bindgen must not see the linker's `target_features` (see the script).
    bindgen_input="target/$target/module/renderer_wasm.bindgen-input.wasm"
    scripts/wasm-sections.py drop-target-features "$raw_wasm" "$bindgen_input"
    wasm-bindgen --target web --out-dir "$out_dir" --out-name renderer_wasm "$bindgen_input"
    # Binaryen shrinks the module by about a tenth (3.20 -> 2.92 MB with shaping and
    # PDF), which keeps the browser's download under 3 MB. The features are the ones
    # the module is built with (.cargo/config.toml); reference types stay off because
    # wasmtime runs without its `gc` feature.
    wasm-opt -O3 -g \
        --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-multivalue \
        -o "$module.opt" "$module"
    # Only the names a host reads in a backtrace stay (see the script).
    scripts/wasm-sections.py keep-oom-names "$module.opt" "$module"
    rm "$module.opt"
    # Refresh the timestamp even where wasm-bindgen rewrote identical bytes.
    touch "$module"
    log "wrote $module ($(wc -c <"$module") bytes)"
fi
