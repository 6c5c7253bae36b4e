"""Shared fixtures. The tests run against the installed wheel (python/run-tests.sh
installs it into target/python-test-venv), never against python/src, so that what is
tested is what users install."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def cli() -> Path:
    """The Rust `plotbox` binary, for the byte-equality and version tests. Missing is a
    failure, not a skip: those tests are the proof that both hosts agree."""
    path = Path(os.environ.get("PLOTBOX_CLI", REPO / "target" / "release" / "plotbox"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"no plotbox binary at {path}; build it with `cargo build --release -p plotbox-host`")
    return path


def run_cli(cli: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], input=stdin, capture_output=True, timeout=120)


def png_image(data: bytes):
    """Decodes a PNG (and fails the test if it is not one)."""
    from PIL import Image

    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


W1 = {
    "width": 640,
    "height": 480,
    "title": "W1",
    "x": {"label": "step"},
    "y": {"label": "value"},
    "series": [
        {"type": "line", "x": list(range(1000)), "y": [((i * 7919) % 1000) / 10.0 for i in range(1000)]}
    ],
}
