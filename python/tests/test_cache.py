"""The compile cache: keyed, checksummed, safe when two processes start at once."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import hashlib, plotbox
from plotbox import _runtime
png = plotbox.render({"series": [{"type": "line", "y": [1, 3, 2]}]})
print(_runtime.runtime().module_origin, hashlib.sha256(png).hexdigest())
"""


def start(cache_dir):
    env = dict(os.environ, PLOTBOX_CACHE_DIR=str(cache_dir))
    env.pop("PLOTBOX_NO_CACHE", None)
    return subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    origin, digest = out.decode().split()
    return origin, digest


def entries(cache_dir):
    return sorted(p.name for p in cache_dir.iterdir())


def test_two_processes_starting_at_once_share_one_complete_entry(tmp_path):
    first, second = start(tmp_path), start(tmp_path)
    (origin1, png1), (origin2, png2) = finish(first), finish(second)
    assert png1 == png2
    assert "compiled" in (origin1, origin2)
    names = entries(tmp_path)
    # One entry, no temporary file left behind by either writer.
    assert len(names) == 1 and names[0].endswith(".cwasm"), names
    assert "wasmtime-py" in names[0]
    # A third process loads it instead of compiling, and draws the same picture.
    assert finish(start(tmp_path)) == ("cache", png1)


def test_a_corrupt_entry_is_recompiled_not_loaded(tmp_path):
    origin, png = finish(start(tmp_path))
    (entry,) = tmp_path.iterdir()
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert finish(start(tmp_path)) == ("compiled", png)
    # ...and the rewritten entry is whole again.
    assert finish(start(tmp_path)) == ("cache", png)


def test_no_cache_compiles_and_writes_nothing(tmp_path):
    env = dict(os.environ, PLOTBOX_CACHE_DIR=str(tmp_path / "c"), PLOTBOX_NO_CACHE="1")
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.split()[0] == b"compiled"
    assert not (tmp_path / "c").exists()
