#!/usr/bin/env python3
"""Rewrites custom sections of a WebAssembly module (scripts/build-module.sh uses it).

    wasm-sections.py drop-target-features IN OUT
        Drops the `target_features` section. The precompiled std objects are built with
        reference types, so the linker lists `reference-types` there even though our
        code is built without it; wasm-bindgen would then switch to its externref
        transform (which needs wasmtime's `gc` feature) and fail for lack of the
        externref intrinsics. Without the section wasm-bindgen detects the features
        from the module itself.

    wasm-sections.py keep-oom-names IN OUT
        Cuts the `name` section (180 KB) down to the function names of Rust's
        allocation-failure path: hosts need only those, to tell a trap at the memory
        limit from a bug in a backtrace (the Python package does; the Rust host sees
        the refused growth itself).
"""
import sys

OOM_NAMES = ("rust_oom", "__rust_alloc_error_handler", "handle_alloc_error")


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


def sections(data):
    """(section id, custom section name or None, whole section bytes, payload start, end)."""
    pos = 8
    while pos < len(data):
        start = pos
        section_id = data[pos]
        size, body = leb128(data, pos + 1)
        pos = body + size
        name = payload = None
        if section_id == 0:
            name_len, name_at = leb128(data, body)
            name = data[name_at:name_at + name_len]
            payload = name_at + name_len
        yield section_id, name, data[start:pos], payload, pos


def oom_names_only(name_section):
    """A name section holding only the function names of `OOM_NAMES`."""
    pos, kept = 0, []
    while pos < len(name_section):
        kind = name_section[pos]
        size, start = leb128(name_section, pos + 1)
        pos = start + size
        if kind != 1:  # only function names
            continue
        count, at = leb128(name_section, start)
        for _ in range(count):
            index, at = leb128(name_section, at)
            length, at = leb128(name_section, at)
            name = name_section[at:at + length]
            at += length
            if any(oom in name.decode("utf-8", "replace") for oom in OOM_NAMES):
                kept.append(uleb(index) + uleb(len(name)) + name)
    functions = uleb(len(kept)) + b"".join(kept)
    content = uleb(4) + b"name" + b"\x01" + uleb(len(functions)) + functions
    return b"\x00" + uleb(len(content)) + content


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("drop-target-features", "keep-oom-names"):
        sys.exit(__doc__)
    command, source, target = sys.argv[1:]
    data = open(source, "rb").read()
    out = bytearray(data[:8])
    for _, name, whole, payload, end in sections(data):
        if name == b"target_features" and command == "drop-target-features":
            continue
        if name == b"name" and command == "keep-oom-names":
            out += oom_names_only(data[payload:end])
            continue
        out += whole
    open(target, "wb").write(out)


if __name__ == "__main__":
    main()
