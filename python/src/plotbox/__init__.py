"""plotbox: render matplotlib-style charts to SVG, PNG and PDF in a WebAssembly sandbox,
in-process, with a timeout that holds and a memory cap.

    import plotbox
    png = plotbox.render({"series": [{"type": "line", "y": [1, 3, 2]}]}, timeout=1.0)

    fig, ax = plotbox.subplots()
    ax.plot([1, 2, 3], [4, 1, 3], label="web")
    ax.set_title("Signups")
    fig.savefig("signups.png")
"""

from __future__ import annotations

import hashlib as _hashlib

from ._api import render, render_async, schema
from ._builder import Axes, Figure, NotExpressible, subplots
from ._errors import (
    DeadlineExceeded,
    InternalError,
    InvalidSpec,
    MemoryLimit,
    RenderError,
    TooLarge,
)
from ._runtime import module_bytes as _module_bytes

__version__ = "0.2.0"

#: Lowercase hex SHA-256 of the renderer module this package runs: the very bytes the
#: `plotbox` binary embeds and the browser loads (`plotbox --version` prints it too).
MODULE_SHA256: str = _hashlib.sha256(_module_bytes()).hexdigest()

#: The output formats ``render`` accepts.
FORMATS = ("svg", "png", "pdf")

__all__ = [
    "render",
    "render_async",
    "schema",
    "subplots",
    "Figure",
    "Axes",
    "NotExpressible",
    "RenderError",
    "InvalidSpec",
    "TooLarge",
    "DeadlineExceeded",
    "MemoryLimit",
    "InternalError",
    "MODULE_SHA256",
    "FORMATS",
    "__version__",
]
