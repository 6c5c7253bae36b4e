#!/usr/bin/env python3
"""Writes renderer-wasm/tests/oracle/specs/*.json: oracle-only plot specs.

The golden specs (renderer-wasm/tests/golden/*/spec.json) are one per feature, all at
640x480, dpi 100 and 10 pt text, so a layout tuned on them could match matplotlib on
exactly those and nowhere else. These specs vary what the goldens hold fixed: dpi
(72, 150, 200 with figsize), font size (8, 12, 14), figure shape (320x240, wide,
tall), subplot grids (1x2, 2x1, 3x1, 2x3) with mixed series, data that needs an offset
text or scientific notation, negative-only and zero-straddling ranges, log axes from
under one decade to many, explicit limits and ticks, every series type, and
decorations (axis labels, titles, figure title) present and absent.

`oracle.py goldens` records each as `spec:<name>` in renderer-wasm/tests/oracle/goldens.json,
and renderer-wasm/tests/oracle_goldens.rs compares plotbox's layout with it.

The output is deterministic (no randomness, data rounded to fixed decimals), and the
folder belongs to this script: every *.json there that it does not write is removed.

    python3 tools/mpl-oracle/make_specs.py      # needs only the standard library
"""

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPECS_DIR = ROOT / "renderer-wasm" / "tests" / "oracle" / "specs"


# --------------------------------------------------------------------------- data

def r(v, nd=4):
    """A float rounded to nd decimals; -0.0 becomes 0.0; whole floats stay floats."""
    v = round(float(v), nd)
    return 0.0 if v == 0 else v


def lin(lo, hi, n):
    return [r(lo + (hi - lo) * i / (n - 1), 10) for i in range(n)]


def wave(n, amp=1.0, freq=1.0, phase=0.0, base=0.0, nd=4):
    """A deterministic wiggle: base + amp * sin, with a little second harmonic."""
    return [r(base + amp * (math.sin(freq * i * 0.37 + phase) + 0.3 * math.sin(freq * i * 1.13 + 2 * phase)), nd)
            for i in range(n)]


def pseudo_normal(n, mu=0.0, sigma=1.0, seed=1):
    """n deterministic values that look normally distributed (sum of 6 LCG uniforms)."""
    state = seed
    out = []
    for _ in range(n):
        acc = 0.0
        for _ in range(6):
            state = (1103515245 * state + 12345) % 2**31
            acc += state / 2**31
        out.append(r(mu + sigma * (acc - 3.0) / math.sqrt(0.5), 3))
    return out


def grid(rows, cols, fn):
    return [[r(fn(i, j), 3) for j in range(cols)] for i in range(rows)]


def line(y, x=None, **kw):
    s = {"type": "line"}
    if x is not None:
        s["x"] = x
    s["y"] = y
    s.update(kw)
    return s


def series(kind, **kw):
    return {"type": kind, **kw}


def one(*series_list, x=None, y=None, title=None, legend=None):
    """One axes dict."""
    ax = {}
    if title is not None:
        ax["title"] = title
    if x is not None:
        ax["x"] = x
    if y is not None:
        ax["y"] = y
    if legend is not None:
        ax["legend"] = legend
    ax["series"] = list(series_list)
    return ax


def fig(*axes, **kw):
    spec = {"version": 1}
    spec.update(kw)
    spec["axes"] = list(axes)
    return spec


# --------------------------------------------------------------------------- specs

def specs():
    S = {}
    n40 = list(range(40))
    w40 = wave(40)

    # ---- dpi with figsize
    S["dpi72_figsize_8x6_line"] = fig(
        one(line(w40, x=n40), x={"label": "sample"}, y={"label": "value"}, title="dpi 72"),
        figsize=[8, 6], dpi=72)
    S["dpi150_figsize_6x4_scatter_labels"] = fig(
        one(series("scatter", x=lin(0, 5, 30), y=wave(30, amp=3, base=10)),
            line(wave(30, amp=2, base=9, phase=1), x=lin(0, 5, 30), label="trend"),
            x={"label": "time (s)"}, y={"label": "signal"}),
        figsize=[6, 4], dpi=150)
    S["dpi200_figsize_4x3_bar_categories"] = fig(
        one(series("bar", x=["red", "green", "blue", "cyan"], y=[12, 30, 7, 21]), title="counts"),
        figsize=[4, 3], dpi=200)
    S["dpi150_font12_subplots_1x2"] = fig(
        one(line(wave(25, amp=40, base=100), x=list(range(1990, 2015))), title="level"),
        one(series("hist", values=pseudo_normal(300, 5, 2, seed=7), bins=15), title="spread"),
        figsize=[8, 3.5], dpi=150, font={"size": 12}, subplots={"rows": 1, "cols": 2})
    S["dpi72_figsize_5x5_log_y"] = fig(
        one(line([10 ** (i / 4) for i in range(17)], x=list(range(17)), marker="o"),
            y={"scale": "log", "label": "growth"}),
        figsize=[5, 5], dpi=72)
    S["dpi200_figsize_3x2_errorbar"] = fig(
        one(series("errorbar", x=[1, 2, 3, 4, 5], y=[2.1, 2.9, 3.4, 3.1, 4.2], yerr=0.3, capsize=2)),
        figsize=[3, 2], dpi=200)

    # ---- font sizes
    S["font8_line_labels"] = fig(
        one(line(wave(50, amp=0.5), x=lin(0, 4.9, 50), label="a"),
            line(wave(50, amp=0.4, phase=2), x=lin(0, 4.9, 50), label="b"),
            x={"label": "x"}, y={"label": "y"}, title="font 8"),
        font={"size": 8})
    S["font12_scatter_title"] = fig(
        one(series("scatter", x=wave(40, amp=20, base=50), y=wave(40, amp=5, phase=0.7, base=-3)),
            x={"label": "width"}, y={"label": "depth"}, title="font 12"),
        font={"size": 12})
    S["font14_bar_negative"] = fig(
        one(series("bar", x=["Q1", "Q2", "Q3", "Q4"], y=[-3.5, 2.25, 6.0, -1.0]), title="quarterly delta",
            y={"label": "change (%)"}),
        font={"size": 14})
    S["font14_small_320x240"] = fig(
        one(line([3, 1, 4, 1, 5, 9, 2, 6], x=list(range(8)))),
        width=320, height=240, font={"size": 14})
    S["font8_subplots_2x3"] = fig(
        *[one(line(wave(20, amp=k + 1, phase=k), x=list(range(20))), title=f"p{k}") for k in range(6)],
        width=900, height=500, font={"size": 8}, subplots={"rows": 2, "cols": 3})

    # ---- figure shapes
    S["small_320x240_line"] = fig(
        one(line(wave(30, amp=2), x=lin(0, 29, 30))), width=320, height=240)
    S["small_320x240_hist_labels"] = fig(
        one(series("hist", values=pseudo_normal(200, 0, 1, seed=3), bins=12),
            x={"label": "z"}, y={"label": "n"}), width=320, height=240)
    S["wide_1200x300_line"] = fig(
        one(line(wave(200, amp=1.5, freq=0.5), x=lin(0, 199, 200)), x={"label": "index"}),
        width=1200, height=300)
    S["tall_300x900_line"] = fig(
        one(line(lin(0, 9, 10), x=wave(10, amp=100, base=300)), y={"label": "depth"}),
        width=300, height=900)
    S["wide_1000x250_subplots_1x2"] = fig(
        one(line(wave(30), x=list(range(30))), title="left"),
        one(series("scatter", x=list(range(30)), y=wave(30, amp=1000)), title="right"),
        width=1000, height=250, subplots={"rows": 1, "cols": 2})

    # ---- subplot grids with mixed series
    S["subplots_1x2_line_bar"] = fig(
        one(line([1, 4, 9, 16, 25, 36], x=[1, 2, 3, 4, 5, 6], marker="s"), x={"label": "n"}, y={"label": "n²"}),
        one(series("bar", x=["a", "b", "c", "d", "e"], y=[5, 3, 8, 1, 4])),
        subplots={"rows": 1, "cols": 2})
    S["subplots_2x1_scatter_hist"] = fig(
        one(series("scatter", x=pseudo_normal(60, 10, 3, seed=11), y=pseudo_normal(60, -2, 0.5, seed=12)),
            title="scatter"),
        one(series("hist", values=pseudo_normal(400, 10, 3, seed=13), bins=20), x={"label": "value"}),
        subplots={"rows": 2, "cols": 1})
    S["subplots_3x1_line_step_area"] = fig(
        one(line(wave(24, amp=5, base=20), x=list(range(24))), y={"label": "temp"}),
        one(series("step", x=list(range(24)), y=[round(abs(v)) for v in wave(24, amp=6)], where="post"),
            y={"label": "count"}),
        one(series("area", x=list(range(24)), y=wave(24, amp=0.3, base=0.5)), x={"label": "hour"},
            y={"label": "share"}),
        width=600, height=800, subplots={"rows": 3, "cols": 1})
    S["subplots_2x3_mixed"] = fig(
        one(line(wave(15), x=list(range(15))), title="line"),
        one(series("scatter", x=list(range(15)), y=wave(15, amp=50, base=200)), title="scatter"),
        one(series("bar", x=["x", "y", "z"], y=[0.2, 0.5, 0.35]), title="bar"),
        one(series("hist", values=pseudo_normal(150, 0, 10, seed=5)), title="hist"),
        one(series("errorbar", x=[1, 2, 3, 4], y=[10, 12, 11, 14], yerr=[1, 2, 1, 2]), title="errorbar"),
        one(series("heatmap", z=grid(5, 5, lambda i, j: i * j)), title="heatmap"),
        width=960, height=600, subplots={"rows": 2, "cols": 3})
    S["subplots_2x3_five_axes"] = fig(
        *[one(series("scatter", x=list(range(10)), y=[(k + 1) * v for v in wave(10, phase=k)])) for k in range(5)],
        width=900, height=500, subplots={"rows": 2, "cols": 3})
    S["subplots_2x1_figure_title"] = fig(
        one(line(wave(30, amp=1e4, base=5e4), x=list(range(30))), title="revenue", y={"label": "EUR"}),
        one(series("bar", x=list(range(30)), y=[abs(v) for v in wave(30, amp=100)]), x={"label": "day"}),
        title="Monthly report", subplots={"rows": 2, "cols": 1})

    # ---- offset text and scientific notation
    S["offset_x_1e6"] = fig(
        one(line(wave(9), x=[r(1000000 + 0.1 * k, 2) for k in range(1, 10)], marker="o")))
    S["offset_y_1234"] = fig(
        one(line([1234.5, 1234.6, 1234.55, 1234.8, 1234.9, 1234.7], x=list(range(6)))))
    S["offset_both_axes"] = fig(
        one(series("scatter", x=[r(20000 + k * 1.25, 3) for k in range(9)],
                   y=[r(-100001.5 + 0.1 * v, 4) for v in wave(9, amp=3)]),
            x={"label": "x"}, y={"label": "y"}))
    S["sci_small_y_1e-7"] = fig(
        one(line([r(v * 1e-7, 12) for v in wave(20, amp=2, base=3)], x=list(range(20))), y={"label": "current (A)"}))
    S["sci_big_y_1e9"] = fig(
        one(series("bar", x=["2019", "2020", "2021", "2022"], y=[1.2e9, 2.3e9, 3.1e9, 4.8e9])))
    S["sci_big_x_1e9_small_y"] = fig(
        one(series("scatter", x=[k * 2.5e8 for k in range(1, 13)], y=[r(v * 1e-5, 10) for v in wave(12, amp=4, base=5)])))
    S["sci_font12_dpi150"] = fig(
        one(line([v * 1e-6 for v in range(0, 45, 3)], x=[v * 1e7 for v in range(15)])),
        figsize=[5, 4], dpi=150, font={"size": 12})

    # ---- signs
    S["negative_only_y"] = fig(
        one(line([-v for v in [12, 35, 58, 71, 90, 44, 23]], x=list(range(7)), marker="^")))
    S["negative_only_both"] = fig(
        one(series("scatter", x=[-0.9, -0.75, -0.5, -0.33, -0.2, -0.05],
                   y=[-3e-4, -1e-4, -7e-4, -5e-4, -2.5e-4, -9e-4]),
            x={"label": "x"}, y={"label": "y"}))
    S["straddle_zero_y"] = fig(
        one(line(wave(50, amp=123.4, base=-20), x=lin(-2.5, 2.4, 50)), title="around zero"))
    S["straddle_zero_tiny"] = fig(
        one(series("step", x=list(range(12)), y=[r(v * 0.004, 6) for v in wave(12, base=0.2)])),
        width=480, height=360)

    # ---- log axes
    S["log_y_nine_decades"] = fig(
        one(line([10 ** (k - 3) for k in range(10)], x=list(range(10)), marker="o"), y={"scale": "log"}))
    S["log_x_two_decades"] = fig(
        one(series("scatter", x=[1.5, 3, 7, 15, 40, 90, 140], y=[1, 2, 2.5, 3.1, 3.3, 3.9, 4.0]), x={"scale": "log"}))
    S["log_y_under_decade"] = fig(
        one(line([2, 2.8, 3.5, 4.6, 5.2, 7], x=list(range(6))), y={"scale": "log"}))
    S["log_x_under_decade"] = fig(
        one(line([1, 3, 2, 5, 4], x=[1.5, 2.2, 3.4, 5.0, 8.0], marker="o"), x={"scale": "log", "label": "freq"}))
    S["log_loglog_many_decades"] = fig(
        one(line([1e6 / k ** 2 for k in [1, 10, 100, 1000, 10000, 100000]], x=[1, 10, 100, 1000, 10000, 100000]),
            x={"scale": "log"}, y={"scale": "log"}, title="power law"))
    S["log_y_explicit_limits"] = fig(
        one(line([5, 50, 500, 5000], x=[0, 1, 2, 3]), y={"scale": "log", "min": 1, "max": 1e5}))
    S["log_x_small_values"] = fig(
        one(line([1, 2, 3, 4, 5], x=[1e-6, 1e-5, 1e-4, 1e-3, 1e-2]), x={"scale": "log"}),
        width=480, height=320)

    # ---- explicit limits and ticks
    S["explicit_min_max_both"] = fig(
        one(line(wave(30, amp=3), x=list(range(30))), x={"min": 2.5, "max": 27.5}, y={"min": -4.2, "max": 3.3}))
    S["explicit_min_only"] = fig(
        one(series("scatter", x=[1, 2, 3, 4, 5], y=[40, 55, 43, 61, 50]), y={"min": 0}))
    S["explicit_max_only_x"] = fig(
        one(line([1, 3, 2, 4, 3], x=[0, 1, 2, 3, 4]), x={"max": 10}))
    S["explicit_ticks_no_labels_x"] = fig(
        one(line(wave(20), x=list(range(20))), x={"ticks": [0, 5, 10, 15, 19]}))
    S["explicit_ticks_no_labels_uneven"] = fig(
        one(series("scatter", x=[0.1, 0.4, 1.2, 2.5, 3.3], y=[10, 20, 15, 30, 25]),
            x={"ticks": [0.25, 1, 3.14]}, y={"ticks": [12.5, 17.5, 22.5, 27.5]}))

    # ---- series types
    S["bar_categories_twelve"] = fig(
        one(series("bar", x=["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
                   y=[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]), y={"label": "days"}))
    S["bar_grouped_three_series"] = fig(
        one(series("bar", x=["A", "B", "C"], y=[3, 5, 2], label="2023"),
            series("bar", x=["A", "B", "C"], y=[4, 4.5, 3], label="2024"),
            series("bar", x=["A", "B", "C"], y=[5, 3, 4], label="2025"), legend="upper left"),
        width=500, height=400)
    S["barh_categories"] = fig(
        one(series("bar", x=["python", "rust", "go", "typescript", "c++"], y=[48, 13, 14, 38, 22],
                   orientation="horizontal"), x={"label": "share (%)"}))
    S["barh_grouped_small"] = fig(
        one(series("bar", x=["north", "south"], y=[120, 80], orientation="horizontal", label="in"),
            series("bar", x=["north", "south"], y=[-40, -95], orientation="horizontal", label="out")),
        width=400, height=300)
    S["hist_bins_30_font12"] = fig(
        one(series("hist", values=pseudo_normal(1000, 170, 8, seed=21), bins=30), x={"label": "height (cm)"},
            y={"label": "people"}),
        font={"size": 12})
    S["hist_density_two"] = fig(
        one(series("hist", values=pseudo_normal(500, 0, 1, seed=31), bins=25, density=True, alpha=0.5, label="a"),
            series("hist", values=pseudo_normal(500, 1.5, 0.7, seed=32), bins=25, density=True, alpha=0.5, label="b")))
    S["heatmap_3x7"] = fig(
        one(series("heatmap", z=grid(3, 7, lambda i, j: math.sin(i) + math.cos(j)))))
    S["heatmap_40x25"] = fig(
        one(series("heatmap", z=grid(40, 25, lambda i, j: math.sin(i / 6) * math.cos(j / 5)))), width=500, height=600)
    S["heatmap_12x12_colorbar"] = fig(
        one(series("heatmap", z=grid(12, 12, lambda i, j: (i - 6) ** 2 - (j - 6) ** 2), colormap="coolwarm",
                   colorbar=True), title="saddle"))
    S["heatmap_1x30_wide"] = fig(
        one(series("heatmap", z=grid(1, 30, lambda i, j: j * j))), width=800, height=200)
    S["scatter_sizes_large_range"] = fig(
        one(series("scatter", x=list(range(8)), y=[5, 3, 6, 2, 7, 4, 8, 1], sizes=[2, 5, 10, 15, 20, 25, 30, 40]),
            series("scatter", x=[0.5, 3.5, 6.5], y=[1, 9, 5], size=12, marker="s", alpha=0.5)))
    S["errorbar_xerr_yerr"] = fig(
        one(series("errorbar", x=[0.5, 1.5, 2.5, 3.5], y=[-1, 0.5, 0.2, 1.3], xerr=0.25, yerr=[0.3, 0.2, 0.5, 0.4],
                   capsize=3, marker="o"), x={"label": "dose"}, y={"label": "response"}))
    S["step_pre_mid_post"] = fig(
        one(series("step", x=list(range(8)), y=[1, 3, 2, 5, 4, 6, 5, 7], where="pre", label="pre"),
            series("step", x=list(range(8)), y=[0, 2, 1, 4, 3, 5, 4, 6], where="mid", label="mid"),
            series("step", x=list(range(8)), y=[-1, 1, 0, 3, 2, 4, 3, 5], where="post", label="post"),
            legend="lower right"))
    S["area_y2_negative"] = fig(
        one(series("area", x=list(range(20)), y=wave(20, amp=2, base=-1), y2=wave(20, amp=1, base=-4), alpha=0.4),
            series("area", x=list(range(20)), y=wave(20, amp=0.5, base=-6), linewidth=1.5)))

    # ---- decorations present / absent
    S["no_decorations"] = fig(
        one(line([0.5, 0.7, 0.2, 0.9], x=[10, 20, 30, 40]), x={"grid": False}, y={"grid": False}))
    S["all_decorations_font12"] = fig(
        one(line([0.5, 0.7, 0.2, 0.9], x=[10, 20, 30, 40], label="series"),
            x={"label": "x label"}, y={"label": "y label"}, title="axes title"),
        title="Figure title", font={"size": 12})
    S["figure_title_dpi150_font14"] = fig(
        one(series("scatter", x=[1, 2, 3, 4], y=[400, 300, 600, 500])),
        one(series("scatter", x=[1, 2, 3, 4], y=[0.004, 0.003, 0.006, 0.005])),
        title="Two panels", figsize=[6, 3], dpi=150, font={"size": 14})
    S["y_label_only_x_title_only"] = fig(
        one(line(wave(10, amp=1000), x=list(range(10))), y={"label": "only y is labelled"}),
        one(line(wave(10, amp=0.01), x=list(range(10))), title="only a title"),
        width=800, height=400)

    # ---- the same shapes where text metrics weigh more: bigger fonts and dpi, and
    # decorations stacked in several rows, so a per-line error adds up
    S["log_x_font14_dpi150"] = fig(
        one(line([1, 2, 4, 3, 5], x=[0.02, 0.3, 5, 80, 900], marker="o"), x={"scale": "log", "label": "f (Hz)"}),
        figsize=[6, 4], dpi=150, font={"size": 14})
    S["log_y_under_decade_font14"] = fig(
        one(series("scatter", x=[0, 1, 2, 3, 4], y=[2.2, 3.1, 4.0, 5.5, 6.8]), y={"scale": "log"}),
        font={"size": 14})
    S["loglog_font12_dpi150_labels"] = fig(
        one(line([3e-2 * k ** 1.5 for k in (1, 10, 100, 1000)], x=[1, 10, 100, 1000]),
            x={"scale": "log", "label": "size"}, y={"scale": "log", "label": "time (s)"}, title="scaling"),
        figsize=[6, 4.5], dpi=150, font={"size": 12})
    S["font8_dpi200_labels_title"] = fig(
        one(line(wave(12, amp=3, base=1), x=list(range(12))), x={"label": "month"}, y={"label": "delta"},
            title="font 8 at dpi 200"),
        title="Figure", figsize=[4, 3], dpi=200, font={"size": 8})
    S["subplots_2x3_font8_all_labels"] = fig(
        *[one(line(wave(12, amp=k + 1, phase=k), x=list(range(12))), x={"label": "x"}, y={"label": "y"},
              title=f"panel {k}") for k in range(6)],
        title="Six panels", width=900, height=600, font={"size": 8}, subplots={"rows": 2, "cols": 3})
    S["offset_y_font14_dpi200"] = fig(
        one(line([1234.5, 1234.62, 1234.58, 1234.81, 1234.9], x=[0, 1, 2, 3, 4])),
        figsize=[4, 3], dpi=200, font={"size": 14})
    S["offset_x_font14_xlabel"] = fig(
        one(series("scatter", x=[r(1000000 + 0.1 * k, 2) for k in range(1, 10)], y=wave(9)), x={"label": "position"}),
        font={"size": 14})
    S["subplots_3x1_y_offsets"] = fig(
        one(line([r(1234.5 + 0.05 * v, 4) for v in wave(10)], x=list(range(10))), title="a"),
        one(line([r(v * 1e-7, 12) for v in wave(10, base=3)], x=list(range(10))), title="b"),
        one(line([r(5e9 + 1e8 * v, 0) for v in wave(10)], x=list(range(10))), title="c"),
        width=600, height=700, subplots={"rows": 3, "cols": 1})
    return S


# --------------------------------------------------------------------------- writing

def dumps(value, indent=0):
    """JSON with one key per line, but arrays of scalars (and of such arrays) inline."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f'{pad} {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        items = [f"{pad} {dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(value, list) and any(isinstance(v, list) for v in value):
        items = [f"{pad} {json.dumps(v, ensure_ascii=False)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def main():
    SPECS_DIR.mkdir(parents=True, exist_ok=True)
    all_specs = specs()
    for name, spec in all_specs.items():
        (SPECS_DIR / f"{name}.json").write_text(dumps(spec) + "\n", encoding="utf-8")
    stale = [p for p in SPECS_DIR.glob("*.json") if p.stem not in all_specs]
    for p in stale:
        p.unlink()
    print(f"wrote {len(all_specs)} specs to {SPECS_DIR}" + (f", removed {len(stale)} stale" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
