"""The workloads, as plotbox specs (request bodies) and as the matplotlib code that
draws the same chart from the same body.

W1 and W2 are host/benches/sandbox.rs's; W3 is renderer-wasm/benches/render.rs's:

- W1: a line of 1,000 points, 640x480, a figure title and axis labels;
- W2: a scatter of 10,000 points, 800x600, matplotlib's default marker;
- W3: a bar chart of 20 categories, 640x480.

Every request gets a body of its own (`body(name, k)`): the last y value of the series
gets the digits of `k` appended after its own (`4.321` becomes `4.3210000042`), so no
two requests in a run are the same spec, plotbox's result cache cannot answer, and the
picture stays the same chart. Both sides get byte-identical bodies.

Standard library only (the driver imports this without matplotlib); the matplotlib
half, `draw`, imports pyplot in the worker that calls it.
"""

from __future__ import annotations

import json
import math

NAMES = ("W1", "W2", "W3")
FORMATS = ("svg", "png")

_MASK = (1 << 64) - 1


def noise(index: int) -> float:
    """renderer-wasm/benches/render.rs's `noise`: deterministic numbers in 0..1."""
    x = ((index * 0x9E3779B97F4A7C15) & _MASK) ^ 0xD1B54A32D192ED03
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 29
    return (x >> 11) / float(1 << 53)


def _w1():
    x = ",".join(str(i) for i in range(1000))
    ys = [f"{math.sin(i / 50.0) * 10.0 + i / 100.0:.3f}" for i in range(1000)]
    head = (
        '{"width": 640, "height": 480, "title": "W1", "x": {"label": "time"}, '
        '"y": {"label": "value"}, "series": [{"type": "line", '
        f'"x": [{x}], "y": [{",".join(ys[:-1])},'
    )
    return head, ys[-1], "]}]}"


def _w2():
    x = ",".join(str((i * 7919) % 10_007) for i in range(10_000))
    ys = [str((i * 104_729) % 10_009) for i in range(10_000)]
    # A decimal point on the last value, so that appending digits keeps its value.
    ys[-1] += ".0"
    head = (
        '{"width": 800, "height": 600, "series": [{"type": "scatter", '
        f'"x": [{x}], "y": [{",".join(ys[:-1])},'
    )
    return head, ys[-1], "]}]}"


def _w3():
    categories = ",".join(f'"c{i}"' for i in range(20))
    ys = [f"{10.0 + 90.0 * noise(i):.4f}" for i in range(20)]
    head = (
        '{"width": 640, "height": 480, "series": [{"type": "bar", '
        f'"x": [{categories}], "y": [{",".join(ys[:-1])},'
    )
    return head, ys[-1], "]}]}"


# (head, last y value, tail) per workload, built once: a request body is then three
# concatenations, cheap enough to do outside the timed part without a pre-built pool.
_PARTS = {"W1": _w1(), "W2": _w2(), "W3": _w3()}


def body(name: str, k: int) -> bytes:
    head, last, tail = _PARTS[name]
    return f"{head}{last}{k:010d}{tail}".encode()


def hang_body() -> bytes:
    """A render that plotbox cannot finish in time: a 200,000-point line 30 pt wide on
    1600x1200, as PNG. On the 2-core machine it takes about 8 s with fuel metering off
    and no deadline; with the defaults its fuel runs out after about 1.2 s, and with
    `--fuel 0` the 2 s deadline stops it. Within every size limit, so it is refused
    for taking too long and not for its size."""
    ys = ",".join(f"{math.sin(i * 1.7) * 100.0:.4f}" for i in range(200_000))
    return (
        '{"width": 1600, "height": 1200, "series": [{"type": "line", "linewidth": 30, '
        f'"y": [{ys}]}}]}}'
    ).encode()


def draw(spec: dict, fmt: str, layout: str | None = None) -> bytes:
    """The matplotlib recipe for one spec of this module: the chart plotbox draws for
    it, written as a matplotlib user would (pyplot, `plt.close` after `savefig` to
    BytesIO). The choices that make it the same chart follow
    tools/mpl-oracle/spec_to_mpl.py: the top-level title is the figure's suptitle,
    the grid is on and under the data (plotbox's default), a bar chart of strings is
    matplotlib's category axis.

    `layout=None` (the benchmark's default) keeps matplotlib's fixed subplot margins,
    which fit these charts' labels: the cheapest faithful recipe. `"constrained"` is
    the layout plotbox imitates (and the oracle uses); it costs matplotlib up to 1.7×
    on the small charts here.
    """
    import io

    import matplotlib.pyplot as plt

    dpi = 100.0
    fig, ax = plt.subplots(
        figsize=(spec["width"] / dpi, spec["height"] / dpi), dpi=dpi, layout=layout
    )
    try:
        if "title" in spec:
            fig.suptitle(spec["title"])
        series = spec["series"][0]
        kind = series["type"]
        if kind == "line":
            ax.plot(series["x"], series["y"])
        elif kind == "scatter":
            ax.scatter(series["x"], series["y"])
        elif kind == "bar":
            ax.bar(series["x"], series["y"], width=0.8)
        else:
            raise ValueError(f"no recipe for series type {kind!r}")
        if "label" in spec.get("x", {}):
            ax.set_xlabel(spec["x"]["label"])
        if "label" in spec.get("y", {}):
            ax.set_ylabel(spec["y"]["label"])
        ax.grid(True)
        ax.set_axisbelow(True)
        out = io.BytesIO()
        fig.savefig(out, format=fmt)
        return out.getvalue()
    finally:
        # The recipe's point: a figure left open keeps growing the worker.
        plt.close(fig)


if __name__ == "__main__":
    # `python3 bench/workloads.py W1 > w1.json` writes one body, for looking at.
    import sys

    data = body(sys.argv[1], 0)
    json.loads(data)  # valid JSON, or this says where not
    sys.stdout.buffer.write(data)
