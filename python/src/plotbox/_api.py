"""``render``, ``render_async`` and ``schema``: the package's entry points into the
sandbox."""

from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional, Union

from . import _convert, _runtime
from ._errors import InvalidSpec

Spec = Union[dict, str, bytes, bytearray, memoryview]


def spec_bytes(spec: Spec) -> bytes:
    """The spec as the UTF-8 JSON bytes the module reads."""
    if isinstance(spec, (bytes, bytearray, memoryview)):
        return bytes(spec)
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if isinstance(spec, dict):
        try:
            return json.dumps(
                spec, default=_convert.json_default, allow_nan=False, separators=(",", ":"),
                ensure_ascii=False,
            ).encode("utf-8")
        except ValueError as error:
            # JSON has no NaN: the spec's gap is null, so say so rather than let the
            # renderer reject a document it cannot parse.
            raise InvalidSpec(
                "the spec holds a NaN or an infinity, which JSON cannot carry; use None for a gap ({})".format(error)
            ) from None
    raise TypeError(
        "spec: expected a dict, a JSON string or bytes, got {}".format(type(spec).__name__)
    )


def _limits(format: str, scale: Any, timeout: Any, memory_mb: Any, fuel: Any):
    if format not in _runtime.FORMAT_CODES:
        raise ValueError(
            "format: expected one of {}, got {!r}".format(", ".join(sorted(_runtime.FORMAT_CODES)), format)
        )
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        raise TypeError("scale: expected a number, got {!r}".format(scale))
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not (
        math.isfinite(timeout) and timeout > 0
    ):
        raise ValueError("timeout: expected a positive number of seconds, got {!r}".format(timeout))
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, (int, float)) or not (
        0 < memory_mb <= _runtime.MAX_MEMORY_MB
    ):
        raise ValueError(
            "memory_mb: expected a number of MiB in (0, {}], got {!r}".format(_runtime.MAX_MEMORY_MB, memory_mb)
        )
    if fuel is not None and (isinstance(fuel, bool) or not isinstance(fuel, int) or not 0 < fuel < 2**64):
        raise ValueError("fuel: expected None (no budget) or a positive number of units, got {!r}".format(fuel))
    code = _runtime.FORMAT_CODES[format]
    # The module ignores scale for SVG and PDF; the Rust host passes 1 there too, so
    # the same request gives the same bytes everywhere.
    return code, (float(scale) if format == "png" else 1.0), float(timeout), int(memory_mb * _runtime.MIB), fuel


def render(
    spec: Spec,
    format: str = "png",
    scale: float = 1,
    timeout: float = 2.0,
    memory_mb: float = 128,
    fuel: Optional[int] = None,
) -> bytes:
    """Renders ``spec`` (a dict, a JSON string or bytes) to SVG, PNG or PDF bytes.

    ``format`` is ``"svg"``, ``"png"`` or ``"pdf"`` (one vector page, its text
    searchable); ``scale`` is the PNG device pixel ratio, 1 to 4, and SVG and PDF,
    being vector, ignore it.

    The render runs in a fresh WebAssembly sandbox: it is stopped after ``timeout``
    seconds (wall clock), may use ``memory_mb`` MiB, and, when ``fuel`` is given, at
    most that many units of work (about one per wasm instruction; the same spec fails
    the same way on a busy and an idle machine). Failures raise a ``RenderError``
    subclass with ``kind``, ``message`` and ``path``. Safe to call from any thread.
    """
    code, scale, timeout, memory, fuel = _limits(format, scale, timeout, memory_mb, fuel)
    data = spec_bytes(spec)
    return _runtime.runtime().render(data, code, scale, timeout, memory, fuel)


_executor_lock = threading.Lock()
_executor: Optional[ThreadPoolExecutor] = None


def _render_executor() -> ThreadPoolExecutor:
    # Renders are CPU-bound and run without the GIL, so more threads than cores only
    # queue inside the OS instead of here, where the queue is visible and bounded.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=max(1, os.cpu_count() or 1), thread_name_prefix="plotbox-render"
            )
        return _executor


def _forget_executor_in_child() -> None:
    global _executor, _executor_lock
    _executor = None
    _executor_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_executor_in_child)


async def render_async(
    spec: Spec,
    format: str = "png",
    scale: float = 1,
    timeout: float = 2.0,
    memory_mb: float = 128,
    fuel: Optional[int] = None,
) -> bytes:
    """``render`` on a bounded thread pool (one thread per core), so that the event
    loop keeps serving while the picture is drawn. The ``timeout`` counts from when
    the render starts, not from when it was queued; a cancelled await leaves the
    render to finish (or hit its timeout) in its thread."""
    _limits(format, scale, timeout, memory_mb, fuel)  # argument errors surface here, at once
    loop = asyncio.get_running_loop()
    call = functools.partial(render, spec, format, scale, timeout, memory_mb, fuel)
    return await loop.run_in_executor(_render_executor(), call)


@functools.lru_cache(maxsize=1)
def _schema_text() -> str:
    return _runtime.runtime().schema_json()


def schema() -> dict:
    """The JSON Schema of the spec, read from the renderer module itself."""
    return json.loads(_schema_text())
