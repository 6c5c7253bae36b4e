"""The on-disk cache of the compiled module, so that a new process deserializes the
module in milliseconds instead of compiling it for seconds.

An entry is named after everything that decides the machine code (module hash,
wasmtime-py version, the engine settings, the machine) and holds the SHA-256 of the
artifact followed by the artifact. The checksum is verified before wasmtime sees the
bytes, because ``Module.deserialize`` trusts its input: a truncated or corrupted entry
is recompiled, never loaded. Entries are written under a unique name and renamed into
place, so two processes starting at once each see either no entry or a whole one.
Every cache failure falls back to compiling.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import sys
import uuid
from pathlib import Path
from typing import Optional, Tuple

import wasmtime

log = logging.getLogger("plotbox")

_CHECKSUM_LEN = 32


def default_cache_dir() -> Optional[Path]:
    """``$PLOTBOX_CACHE_DIR``, else the user cache directory of the platform; ``None``
    (no cache) when ``$PLOTBOX_NO_CACHE`` is set or no home directory is known."""
    if os.environ.get("PLOTBOX_NO_CACHE", "") not in ("", "0", "false"):
        return None
    explicit = os.environ.get("PLOTBOX_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "plotbox" / "Cache" if base else None
    if sys.platform == "darwin":
        home = os.environ.get("HOME")
        return Path(home) / "Library" / "Caches" / "plotbox" if home else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "plotbox"
    home = os.environ.get("HOME")
    return Path(home) / ".cache" / "plotbox" if home else None


def wasmtime_version() -> str:
    try:
        from importlib.metadata import version

        return version("wasmtime")
    except Exception:  # a vendored or unusual install: still usable, just not cached apart
        return "unknown"


def entry_path(cache_dir: Path, module_sha256: str, engine_tag: str) -> Path:
    # wasmtime refuses an artifact of another version or configuration by itself; the
    # name keeps entries of different releases and settings side by side instead of
    # overwriting each other, and apart from the Rust host's entries in the same folder.
    name = "{}-wasmtime-py{}-{}-{}.cwasm".format(
        module_sha256[:16], wasmtime_version(), engine_tag, platform.machine() or "any"
    )
    return cache_dir / name


def load_or_compile(
    engine: wasmtime.Engine,
    wasm: bytes,
    module_sha256: str,
    engine_tag: str,
    cache_dir: Optional[Path],
) -> Tuple[wasmtime.Module, str]:
    """The compiled module and where it came from: ``"cache"`` or ``"compiled"``."""
    if cache_dir is None:
        return wasmtime.Module(engine, wasm), "compiled"
    path = entry_path(cache_dir, module_sha256, engine_tag)
    module = _load(engine, path)
    if module is not None:
        return module, "cache"
    module = wasmtime.Module(engine, wasm)
    try:
        _store(module, path)
    except OSError as error:
        log.warning("cannot write the compile cache %s: %s", path, error)
    return module, "compiled"


def _load(engine: wasmtime.Engine, path: Path) -> Optional[wasmtime.Module]:
    try:
        entry = path.read_bytes()
    except OSError:
        return None
    checksum, artifact = entry[:_CHECKSUM_LEN], entry[_CHECKSUM_LEN:]
    if len(checksum) != _CHECKSUM_LEN or hashlib.sha256(artifact).digest() != checksum:
        log.warning("corrupt compile cache entry %s; recompiling", path)
        return None
    try:
        return wasmtime.Module.deserialize(engine, artifact)
    except wasmtime.WasmtimeError as error:
        log.warning("unusable compile cache entry %s (%s); recompiling", path, error)
        return None


def _store(module: wasmtime.Module, path: Path) -> None:
    artifact = bytes(module.serialize())
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(".{}.{}.{}.tmp".format(path.name, os.getpid(), uuid.uuid4().hex))
    try:
        with open(temp, "wb") as out:
            out.write(hashlib.sha256(artifact).digest())
            out.write(artifact)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
