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
    # The precompiled std objects are built with reference types, so the linker lists
    # `reference-types` in the `target_features` section even though our code is built
    # without it; wasm-bindgen would then switch to its externref transform (which
    # needs wasmtime's `gc` feature) and fail for lack of the externref intrinsics.
    # Without the section wasm-bindgen detects the features from the module itself.
    bindgen_input="target/$target/module/renderer_wasm.bindgen-input.wasm"
    python3 - "$raw_wasm" "$bindgen_input" <<'PY'
import sys

def leb128(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos

data = open(sys.argv[1], "rb").read()
out, pos = bytearray(data[:8]), 8
while pos < len(data):
    start = pos
    section_id = data[pos]
    size, body = leb128(data, pos + 1)
    pos = body + size
    if section_id == 0:
        name_len, name_at = leb128(data, body)
        if data[name_at:name_at + name_len] == b"target_features":
            continue
    out += data[start:pos]
open(sys.argv[2], "wb").write(out)
PY
    wasm-bindgen --target web --out-dir "$out_dir" --out-name renderer_wasm "$bindgen_input"
    # Binaryen shrinks the module by about a tenth (3.20 -> 2.92 MB with shaping and
    # PDF), which keeps the browser's download under 3 MB. The features are the ones
    # the module is built with (.cargo/config.toml); reference types stay off because
    # wasmtime runs without its `gc` feature.
    wasm-opt -O3 -g \
        --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-multivalue \
        -o "$module.opt" "$module"
    # The full name section is 180 KB. Hosts need only the names of Rust's
    # allocation-failure path, to tell a trap at the memory limit from a bug in a
    # backtrace (the Python package does; the Rust host sees the refused growth), so
    # only those are kept.
    python3 - "$module.opt" "$module" <<'PY'
import sys

KEEP = ("rust_oom", "__rust_alloc_error_handler", "handle_alloc_error")

def leb128(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos

def uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)

def function_names(body):
    """The kept entries of a name section's function-names subsection."""
    pos, kept = 0, []
    while pos < len(body):
        kind, size_at = body[pos], pos + 1
        size, start = leb128(body, size_at)
        pos = start + size
        if kind != 1:
            continue
        count, at = leb128(body, start)
        for _ in range(count):
            index, at = leb128(body, at)
            length, at = leb128(body, at)
            name = body[at:at + length]
            at += length
            if any(keep in name.decode("utf-8", "replace") for keep in KEEP):
                kept.append(uleb(index) + uleb(len(name)) + name)
    return kept

data = open(sys.argv[1], "rb").read()
out, pos = bytearray(data[:8]), 8
while pos < len(data):
    start = pos
    section_id = data[pos]
    size, body = leb128(data, pos + 1)
    pos = body + size
    if section_id == 0:
        name_len, name_at = leb128(data, body)
        if data[name_at:name_at + name_len] == b"name":
            kept = function_names(data[name_at + name_len:pos])
            sub = uleb(len(kept)) + b"".join(kept)
            content = uleb(4) + b"name" + b"\x01" + uleb(len(sub)) + sub
            out += b"\x00" + uleb(len(content)) + content
            continue
    out += data[start:pos]
open(sys.argv[2], "wb").write(out)
PY
    rm "$module.opt"
    # Refresh the timestamp even where wasm-bindgen rewrote identical bytes.
    touch "$module"
    log "wrote $module ($(wc -c <"$module") bytes)"
fi
