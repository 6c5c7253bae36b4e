"""No leak: resident memory stays flat over 5,000 renders (each render's store, with
its instance and memory, is dropped when the render ends)."""

from __future__ import annotations

import os
import sys

import pytest

import plotbox

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: Growth allowed between render 1,000 and render 5,000. A leak of one render's store
#: (its memory is at least the module's ~2 MiB) or even of its picture (~5 kB here)
#: per render would add far more than this over 4,000 renders.
TOLERANCE_MIB = 4


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / (1 << 20)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_rss_is_flat_over_5000_renders():
    spec = {"width": 200, "height": 150, "title": "rss", "series": [{"type": "line", "y": [1, 3, 2, 5, 4]}]}
    errors = {"series": [{"type": "line", "y": [1, 2], "x": [1]}]}
    expected = {fmt: plotbox.render(spec, format=fmt) for fmt in ("svg", "png")}
    readings = {}
    for i in range(1, 5001):
        fmt = "png" if i % 2 else "svg"
        assert plotbox.render(spec, format=fmt) == expected[fmt]
        if i % 50 == 0:
            # Failed renders must not leak either.
            with pytest.raises(plotbox.InvalidSpec):
                plotbox.render(errors)
        if i in (1000, 5000):
            readings[i] = rss_mib()
    growth = readings[5000] - readings[1000]
    print(f"RSS after 1,000 renders {readings[1000]:.1f} MiB, after 5,000 {readings[5000]:.1f} MiB")
    assert growth < TOLERANCE_MIB, f"RSS grew {growth:.1f} MiB between render 1,000 and 5,000"
