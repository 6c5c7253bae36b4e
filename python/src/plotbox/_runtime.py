"""The sandbox: the Python twin of the Rust host's ``Runtime`` (host/src/runtime.rs,
sandbox.rs, epoch.rs).

Built once per process and shared by every thread: the ``Engine`` (fuel and epoch
interruption on), the compiled ``Module`` (from the compile cache), a ``Linker`` whose
only definitions are traps for the module's wasm-bindgen glue imports, and the
``InstancePre``. Each render gets a fresh ``Store`` with its own memory cap, fuel and
epoch deadline, instantiates the module in it, and drops it: nothing of one render
reaches the next. wasmtime-py does not lock for us, so a ``Store`` never leaves the
thread that made it; the shared objects are the ones wasmtime documents as thread-safe
(``Engine``, ``Module``, ``InstancePre``).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import math
import os
import struct
import threading
import time
from pathlib import Path
from typing import Optional, Union

import wasmtime

from . import _cache
from ._errors import DeadlineExceeded, InternalError, MemoryLimit, RenderError, TooLarge, error_of_kind

MIB = 1 << 20
WASM_PAGE = 64 * 1024
#: The most memory a wasm32 module can address.
MAX_MEMORY_MB = 4096

#: Format names and the raw ABI's ``format`` codes (renderer-wasm/src/abi.rs).
FORMAT_CODES = {"svg": 0, "png": 1, "pdf": 2}

_STATUS_OK = 0
_STATUS_ERROR = 1
_HEADER_LEN = 12

#: How often the epoch advances: the precision of ``timeout``. The Rust host uses the
#: same period; a render's deadline is its timeout rounded up to whole periods.
EPOCH_PERIOD = 0.001

#: Fuel is "unlimited" when the caller gives no budget: the deadline still holds.
_UNLIMITED_FUEL = 2**64 - 1

#: Frames of Rust's allocation-failure path (std's ``rust_oom`` and the handlers it is
#: reached through); a trap under one of them means the guest ran out of memory.
_OOM_FRAMES = ("rust_oom", "__rust_alloc_error_handler", "handle_alloc_error")

_MODULE_FILE = Path(__file__).with_name("renderer_wasm_bg.wasm")


def module_bytes() -> bytes:
    try:
        return _MODULE_FILE.read_bytes()
    except OSError as error:
        raise ImportError(
            "the plotbox renderer module is missing ({}); install plotbox from its wheel "
            "(scripts/python-wheel.sh builds it)".format(error)
        ) from None


class EpochTicker:
    """One daemon thread that advances the engine's epoch every ``EPOCH_PERIOD`` while
    a render runs, so that a render's deadline (a number of epochs) holds even in a
    guest loop that never calls out.

    It sleeps while no render runs, so an idle web worker pays nothing for it. It
    counts periods against the monotonic clock rather than counting its wake-ups,
    because ``time.sleep`` oversleeps: counting wake-ups would let a deadline drift
    late under load. Renders run without the GIL (wasmtime-py calls through ctypes), so
    the ticker gets to run while they do.
    """

    def __init__(self, engine: wasmtime.Engine):
        self._engine = engine
        self._cond = threading.Condition()
        self._active = 0
        # The clock of the current run of ticks: epochs owed at time t are
        # int((t - start) / EPOCH_PERIOD); `ticks` of them have been given.
        self._running = False
        self._start = 0.0
        self._ticks = 0
        self._thread = threading.Thread(target=self._run, name="plotbox-epoch", daemon=True)
        self._thread.start()

    def __enter__(self) -> "EpochTicker":
        with self._cond:
            self._active += 1
            if self._active == 1:
                self._cond.notify()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._active -= 1

    def deadline_ticks(self, timeout: float) -> int:
        """The epoch deadline, relative to the engine's epoch now, of a render that may
        run ``timeout`` seconds from now. Call it inside ``with ticker``.

        Two corrections make the deadline never early: the epochs the ticker owes but
        has not given yet (it was delayed, and will catch up at once) count as past,
        and one period more covers the part of the current period already gone.
        """
        with self._cond:
            owed = 0
            if self._running:
                owed = max(0, int((time.monotonic() - self._start) / EPOCH_PERIOD) - self._ticks)
        return math.ceil(timeout / EPOCH_PERIOD - 1e-9) + owed + 1

    def _run(self) -> None:
        engine = self._engine
        cond = self._cond
        while True:
            with cond:
                while self._active == 0:
                    self._running = False
                    cond.wait()
                # Counting restarts at each wake-up: a store made while the ticker
                # slept set its deadline relative to the epoch as it was, which must
                # not then jump by the idle time.
                self._running = True
                self._start = time.monotonic()
                self._ticks = 0
            while self._active:
                time.sleep(EPOCH_PERIOD)
                with cond:
                    due = int((time.monotonic() - self._start) / EPOCH_PERIOD)
                    while self._ticks < due:
                        engine.increment_epoch()
                        self._ticks += 1


class Runtime:
    """Everything expensive, built once; ``render`` may be called from any thread."""

    def __init__(self, wasm: bytes, cache_dir: Optional[Path]):
        config = wasmtime.Config()
        config.consume_fuel = True
        config.epoch_interruption = True
        self.engine = wasmtime.Engine(config)
        self.module_sha256 = hashlib.sha256(wasm).hexdigest()
        self.module, self.module_origin = _cache.load_or_compile(
            self.engine, wasm, self.module_sha256, "fuel-epoch", cache_dir
        )
        self.min_memory_bytes = _check_abi(self.module)
        linker = wasmtime.Linker(self.engine)
        # The wasm-bindgen glue imports serve the browser exports only; the raw ABI
        # never calls them, and if a guest did, the trap is an `internal` error.
        linker.define_unknown_imports_as_traps(self.module)
        self.instance_pre = linker.instantiate_pre(self.module)
        self.ticker = EpochTicker(self.engine)

    def _store(self, timeout: float, memory_bytes: int, fuel: Optional[int]) -> wasmtime.Store:
        store = wasmtime.Store(self.engine)
        store.set_limits(memory_size=memory_bytes)
        store.set_fuel(_UNLIMITED_FUEL if fuel is None else fuel)
        store.set_epoch_deadline(self.ticker.deadline_ticks(timeout))
        return store

    def render(
        self, spec: bytes, format_code: int, scale: float, timeout: float, memory_bytes: int,
        fuel: Optional[int],
    ) -> bytes:
        """One render in a fresh store; raises the classified ``RenderError``."""
        if len(spec) > 0xFFFFFFFF:
            raise TooLarge(
                "the spec is {} bytes, more than a wasm32 module can address".format(len(spec))
            )
        if memory_bytes < self.min_memory_bytes:
            raise MemoryLimit(
                "the render needed more than its memory limit of {} (the module alone "
                "starts with {})".format(_mebibytes(memory_bytes), _mebibytes(self.min_memory_bytes))
            )
        with self.ticker:
            outcome = self._render_in_fresh_store(spec, format_code, scale, timeout, memory_bytes, fuel)
        if isinstance(outcome, RenderError):
            # Raised here, outside the frames that held the store: an exception kept
            # by the caller (a log handler, an error tracker) must not keep the
            # render's instance and memory alive through its traceback.
            raise outcome
        return outcome

    def _render_in_fresh_store(
        self, spec: bytes, format_code: int, scale: float, timeout: float, memory_bytes: int,
        fuel: Optional[int],
    ) -> Union[bytes, RenderError]:
        store = self._store(timeout, memory_bytes, fuel)
        try:
            return self._call_guest(store, spec, format_code, scale)
        except RenderError as error:
            return error.with_traceback(None)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
            return _classify_wasm(error, timeout, memory_bytes, fuel)

    def _call_guest(self, store: wasmtime.Store, spec: bytes, format_code: int, scale: float) -> bytes:
        exports = self.instance_pre.instantiate(store).exports(store)
        memory = exports["memory"]
        # The ABI's u32 travel as wasm i32, which wasmtime-py hands over signed.
        spec_len = _i32(len(spec))
        spec_ptr = exports["alloc"](store, spec_len)
        _write(store, memory, spec_ptr & 0xFFFFFFFF, spec)
        header_ptr = exports["render"](store, spec_ptr, spec_len, format_code, float(scale))
        status, data_ptr, data_len = struct.unpack(
            "<III", _read(store, memory, header_ptr & 0xFFFFFFFF, _HEADER_LEN)
        )
        data = _read(store, memory, data_ptr, data_len)
        if status == _STATUS_OK:
            return data
        if status == _STATUS_ERROR:
            raise _guest_error(data)
        raise InternalError("the renderer module broke its ABI: render returned unknown status {}".format(status))

    def schema_json(self) -> str:
        """The spec's JSON Schema, from the module itself (its wasm-bindgen ``schema``
        export), so that it always describes the very renderer that runs."""
        with self.ticker:
            store = self._store(timeout=10.0, memory_bytes=128 * MIB, fuel=None)
            try:
                exports = self.instance_pre.instantiate(store).exports(store)
                # wasm-bindgen returns a String through a 16-byte slot on its shadow
                # stack: (ptr, len) as two i32 at the slot.
                slot = exports["__wbindgen_add_to_stack_pointer"](store, -16) & 0xFFFFFFFF
                exports["schema"](store, slot)
                ptr, length = struct.unpack("<II", _read(store, exports["memory"], slot, 8))
                return _read(store, exports["memory"], ptr, length).decode("utf-8")
            except (KeyError, TypeError, wasmtime.WasmtimeError, wasmtime.Trap) as error:
                raise InternalError("cannot read the schema from the module: {}".format(error)) from None


def _i32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


def _write(store: wasmtime.Store, memory: wasmtime.Memory, ptr: int, data: bytes) -> None:
    size = memory.data_len(store)
    if ptr + len(data) > size:
        raise InternalError(
            "the renderer module broke its ABI: alloc({}) returned {:#x}, outside the "
            "module's memory".format(len(data), ptr)
        )
    if data:
        base = ctypes.addressof(memory.data_ptr(store).contents)
        ctypes.memmove(base + ptr, data, len(data))


def _read(store: wasmtime.Store, memory: wasmtime.Memory, ptr: int, length: int) -> bytes:
    """``length`` bytes at ``ptr``, bounds-checked: the guest's pointers are untrusted."""
    size = memory.data_len(store)
    if ptr < 0 or length < 0 or ptr + length > size:
        raise InternalError(
            "the renderer module broke its ABI: {} bytes at {:#x} are outside its memory "
            "of {} bytes".format(length, ptr, size)
        )
    if length == 0:
        return b""
    base = ctypes.addressof(memory.data_ptr(store).contents)
    return ctypes.string_at(base + ptr, length)


def _guest_error(data: bytes) -> RenderError:
    """The guest's error JSON as an exception; anything but the spec's error document
    with a kind a renderer may report is the guest breaking its ABI."""
    try:
        body = json.loads(data.decode("utf-8"))["error"]
        kind, message, path = body["kind"], body["message"], body.get("path")
        if not isinstance(message, str) or not (path is None or isinstance(path, str)):
            raise TypeError("message and path must be strings")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        return InternalError("the renderer module broke its ABI: its error is not error JSON ({})".format(error))
    if kind == "too_large" and path is None:
        # Every spec limit names its field. A path-less too_large is the guest's own
        # fallible allocation failing, which under our cap means the limiter refused a
        # memory growth: the Rust host traps at that growth and reports memory_limit,
        # and so do we (wasmtime-py's limiter cannot trap on a refused growth).
        return MemoryLimit("the render needed more than its memory limit ({})".format(message))
    # The sandbox kinds are the host's to decide; a guest claiming them is lying.
    if kind not in ("invalid_spec", "too_large", "internal"):
        return InternalError("the renderer module broke its ABI: it reported error kind {!r}".format(kind))
    return error_of_kind(kind, message, path)


def _classify_wasm(error: Exception, timeout: float, memory_bytes: int, fuel: Optional[int]) -> RenderError:
    """The one place where a trap or a wasmtime error gets its error kind."""
    if isinstance(error, wasmtime.Trap):
        code = error.trap_code
        if code == wasmtime.TrapCode.INTERRUPT:
            return DeadlineExceeded(
                "the render ran past its time limit of {} ms and was stopped".format(round(timeout * 1000))
            )
        if code == wasmtime.TrapCode.OUT_OF_FUEL:
            return DeadlineExceeded(
                "the render used up its fuel budget of {} units and was stopped".format(fuel)
            )
        if _is_out_of_memory(error):
            # The limiter refused a memory.grow (wasmtime-py cannot make that trap, so
            # the guest's allocator got -1 and Rust aborted in its allocation-failure
            # handler, whose frames the module's name section lets us see).
            return MemoryLimit(
                "the render needed more than its memory limit of {}".format(_mebibytes(memory_bytes))
            )
        return InternalError("the renderer module trapped: {}".format(_first_line(error)))
    return InternalError("the renderer module failed: {}".format(_first_line(error)))


def _is_out_of_memory(trap: wasmtime.Trap) -> bool:
    try:
        names = [frame.func_name or "" for frame in trap.frames[:16]]
    except wasmtime.WasmtimeError:
        return False
    return any(marker in name for name in names for marker in _OOM_FRAMES)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _mebibytes(size: int) -> str:
    if size % MIB == 0:
        return "{} MiB".format(size // MIB)
    return "{:.1f} MiB".format(size / MIB)


def _check_abi(module: wasmtime.Module) -> int:
    """Checks the raw-ABI exports and returns the module's initial memory in bytes, so
    that a module without the ABI is refused once, at start-up, not at every render."""
    want = {
        "alloc": (["i32"], ["i32"]),
        "render": (["i32", "i32", "i32", "f64"], ["i32"]),
    }
    exports = {export.name: export.type for export in module.exports}
    for name, (params, results) in want.items():
        ty = exports.get(name)
        if not isinstance(ty, wasmtime.FuncType) or (
            [str(p) for p in ty.params], [str(r) for r in ty.results]
        ) != (params, results):
            raise RuntimeError(
                "the module does not implement the plotbox ABI: export `{}` must be a "
                "function {} -> {}".format(name, params, results)
            )
    memory = exports.get("memory")
    if not isinstance(memory, wasmtime.MemoryType) or memory.is_64:
        raise RuntimeError("the module does not implement the plotbox ABI: export `memory` must be a 32-bit memory")
    return memory.limits.min * WASM_PAGE


_lock = threading.Lock()
_runtime: Optional[Runtime] = None


def runtime() -> Runtime:
    """The process's runtime, built on first use."""
    global _runtime
    current = _runtime
    if current is not None:
        return current
    with _lock:
        if _runtime is None:
            _runtime = Runtime(module_bytes(), _cache.default_cache_dir())
        return _runtime


def _forget_runtime_in_child() -> None:
    # A forked child (gunicorn --preload, multiprocessing) has no ticker thread; it
    # builds its own runtime on first use (from the compile cache, so cheaply).
    global _runtime, _lock
    _runtime = None
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_runtime_in_child)
