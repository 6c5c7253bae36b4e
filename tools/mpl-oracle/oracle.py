#!/usr/bin/env python3
"""matplotlib as the test oracle for plotbox.

Subcommands (run from anywhere; paths are relative to the repository root):

  table    renderer-wasm/tests/oracle/ticks.json: tick locations, labels, offset
           text and tick_space for a generated grid of axis ranges and lengths.
  goldens  renderer-wasm/tests/oracle/goldens.json: for every golden spec, every
           docs example and every oracle-only spec (renderer-wasm/tests/oracle/specs/,
           written by make_specs.py), the figure's axes boxes and ticks as matplotlib
           lays them out.
  specs    renderer-wasm/tests/oracle/specs/*.json: the oracle-only specs
           (make_specs.py; run `goldens` after it).
  gallery  docs/gallery/: each spec drawn by matplotlib and by the plotbox binary,
           side by side in docs/gallery/README.md.

The fixtures are committed, so the Rust tests never need Python or matplotlib.
"""

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import matplotlib

# Agg before pyplot is imported anywhere, so no display is ever needed.
matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_to_mpl  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ORACLE_DIR = ROOT / "renderer-wasm" / "tests" / "oracle"
GOLDEN_DIR = ROOT / "renderer-wasm" / "tests" / "golden"
EXAMPLES_DIR = ROOT / "docs" / "examples"
# Oracle-only specs (written by make_specs.py): shapes the goldens do not cover.
ORACLE_SPECS_DIR = ORACLE_DIR / "specs"
GALLERY_DIR = ROOT / "docs" / "gallery"
PLOTBOX_BIN = ROOT / "target" / "release" / "plotbox"

# A tick counts as inside the view when it is within this fraction of the view's
# span (in log10 space for log axes) of the interval: matplotlib's own locators
# produce values a few ulps outside the limits they were asked for.
INSIDE_SLACK = 1e-10

MINUS = "\N{MINUS SIGN}"


# --------------------------------------------------------------------------- labels

def plain_label(text):
    """A tick label as plain text: mathtext wrappers dropped, the rest kept.

    `$\\mathdefault{10^{-3}}$` -> `10^−3`, `$\\mathdefault{2\\times10^{3}}$` -> `2×10^3`.
    Text outside `$...$` is kept verbatim (matplotlib already writes U+2212 there).
    """
    out = []
    parts = text.split("$")
    # Odd-indexed parts are inside $...$ (an unpaired trailing $ stays literal).
    if len(parts) % 2 == 0:
        parts = parts[:-2] + [parts[-2] + "$" + parts[-1]]
    for i, part in enumerate(parts):
        out.append(_plain_math(part) if i % 2 else part)
    return "".join(out)


def _plain_math(s):
    out = []
    i = 0
    while i < len(s):
        if s.startswith("\\mathdefault", i):
            i += len("\\mathdefault")
        elif s.startswith("\\times", i):
            out.append("\N{MULTIPLICATION SIGN}")
            i += len("\\times")
        elif s.startswith("\\cdot", i):
            out.append("\N{MIDDLE DOT}")
            i += len("\\cdot")
        elif s[i] in "{}":
            # Grouping only; '^' is emitted as is and its group's braces vanish.
            i += 1
        elif s[i] == "-":
            # mathtext draws an ASCII hyphen as a minus sign.
            out.append(MINUS)
            i += 1
        elif s.startswith("\\,", i) or s.startswith("\\ ", i):
            out.append(" ")
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


# --------------------------------------------------------------------------- axis probing

def _inside(value, lo, hi, scale):
    if scale == "log":
        if value <= 0:
            return False
        v, a, b = math.log10(value), math.log10(lo), math.log10(hi)
    else:
        v, a, b = value, lo, hi
    slack = INSIDE_SLACK * abs(b - a)
    return a - slack <= v <= b + slack


def axis_ticks(axis, scale):
    """Major ticks, labeled minor ticks and offset text of a drawn axis.

    Locations and labels are paired through the Tick objects that the last
    draw updated, so the label is the one matplotlib actually drew.
    """
    lo, hi = sorted(axis.get_view_interval())
    locs = axis.get_majorticklocs()
    major = []
    for tick, loc in zip(axis.get_major_ticks(len(locs)), locs):
        if _inside(loc, lo, hi, scale):
            major.append({"value": float(loc), "label": plain_label(tick.label1.get_text())})
    mlocs = axis.get_minorticklocs()
    minor = []
    for tick, loc in zip(axis.get_minor_ticks(len(mlocs)), mlocs):
        text = tick.label1.get_text()
        if text and _inside(loc, lo, hi, scale):
            minor.append({"value": float(loc), "label": plain_label(text)})
    return {
        "major": major,
        "minor_labeled": minor,
        "offset": plain_label(axis.get_offset_text().get_text()),
    }


# --------------------------------------------------------------------------- table

# Linear view ranges, named after what they exercise.
LINEAR_RANGES = [
    ("unit", 0.0, 1.0),
    ("sym_unit", -1.0, 1.0),
    ("zero_three", 0.0, 3.0),
    ("zero_ten", 0.0, 10.0),
    ("zero_hundred", 0.0, 100.0),
    ("sym_five", -5.0, 5.0),
    ("int_small", 0.0, 7.0),
    ("int_dozen", 1.0, 12.0),
    ("int_straddle", -3.0, 17.0),
    ("int_thousand", 0.0, 1000.0),
    ("int_2500", 0.0, 2500.0),
    ("int_neg50_250", -50.0, 250.0),
    ("margin_0_4", -0.2, 4.2),
    ("margin_1_3", 0.9, 3.1),
    ("margin_0_9", -0.45, 9.45),
    ("margin_0_99", -4.95, 103.95),
    ("straddle_frac", -0.37, 2.81),
    ("straddle_mixed", -123.4, 56.7),
    ("straddle_milli", -0.003, 0.007),
    ("neg_one_ten", -10.0, -1.0),
    ("neg_milli", -1e-3, -1e-4),
    ("neg_wide", -987.0, -12.0),
    ("neg_halves", -7.5, -2.5),
    ("tiny_around_one", 1.0 - 5e-10, 1.0 + 5e-10),
    ("tiny_above_one", 1.0, 1.0 + 1e-9),
    ("tiny_half", 0.5, 0.5 + 1e-7),
    ("offset_1234", 1234.5, 1234.9),
    ("offset_1e6", 1e6 + 0.1, 1e6 + 0.9),
    ("offset_neg_100001", -100002.0, -100001.0),
    ("offset_around_1e5", 99999.5, 100000.5),
    ("offset_20000", 20000.0, 20010.0),
    ("offset_pi", 3.14159, 3.14161),
    ("big_1e12", 0.0, 1e12),
    ("big_1e12_3e12", 1e12, 3e12),
    ("big_1e5", 0.0, 1e5),
    ("big_12345678", 0.0, 12345678.0),
    ("huge_sym_1e100", -1e100, 1e100),
    ("huge_1e100_5e100", 1e100, 5e100),
    ("small_1e_12", 0.0, 1e-12),
    ("small_1e_12_5e_12", 1e-12, 5e-12),
    ("small_straddle_1e_12", -2e-12, 3e-12),
    ("small_1e_5", 0.0, 1e-5),
    ("small_4e_4", 0.0, 4e-4),
]

# Positive log view ranges: under a decade up to 30 decades, aligned and not.
LOG_RANGES = [
    ("in_decade_2_5", 2.0, 5.0),
    ("in_decade_1_3", 1.0, 3.0),
    ("cross_0p5_4", 0.5, 4.0),
    ("cross_30_300", 30.0, 300.0),
    ("one_decade", 1.0, 10.0),
    ("one_decade_milli", 1e-3, 1e-2),
    ("two_decades", 1.0, 100.0),
    ("two_decades_off", 0.7, 140.0),
    ("three_decades", 0.1, 100.0),
    ("four_decades_off", 3.0, 3e4),
    ("six_decades", 1e-3, 1e3),
    ("seven_decades_off", 3.0, 3e7),
    ("ten_decades", 1.0, 1e10),
    ("twelve_decades_neg", 1e-12, 1.0),
    ("fifteen_decades", 1e-5, 1e10),
    ("twenty_decades", 1e-10, 1e10),
    ("thirty_decades", 1e-15, 1e15),
    ("big_1e99_1e101", 1e99, 1e101),
    ("margin_like_1_1000", 0.7079, 1412.5),
    ("margin_like_1_5", 0.9, 5.5),
]

LINEAR_LENGTHS = [60.0, 120.0, 250.0, 369.6, 496.0, 800.0, 1500.0]
LOG_LENGTHS = [60.0, 150.0, 369.6, 496.0, 1000.0]

# Fewer cases at other densities and label sizes: they only move tick_space.
VARIANT_LINEAR = ["unit", "int_straddle", "margin_0_99", "offset_1234", "big_1e12", "straddle_frac"]
VARIANT_LOG = ["two_decades", "six_decades", "in_decade_2_5"]
VARIANTS = [  # (dpi, fontsize, lengths)
    (72.0, 10.0, [200.0, 640.0]),
    (150.0, 10.0, [300.0, 960.0]),
    (200.0, 10.0, [400.0, 1280.0]),
    (100.0, 8.0, [250.0, 496.0]),
    (100.0, 14.0, [250.0, 496.0]),
]


def table_cases():
    """The case grid, in a fixed order so the file diffs cleanly."""
    cases = []

    def add(scale, name, lo, hi, axis, length, dpi, fontsize):
        cid = f"{scale}-{name}-{axis}-{length:g}px-dpi{dpi:g}-fs{fontsize:g}"
        cases.append(dict(id=cid, scale=scale, axis=axis, lo=lo, hi=hi,
                          length_px=length, dpi=dpi, fontsize=fontsize))

    for name, lo, hi in LINEAR_RANGES:
        for axis in ("x", "y"):
            for length in LINEAR_LENGTHS:
                add("linear", name, lo, hi, axis, length, 100.0, 10.0)
    for name, lo, hi in LOG_RANGES:
        for axis in ("x", "y"):
            for length in LOG_LENGTHS:
                add("log", name, lo, hi, axis, length, 100.0, 10.0)
    ranges = {("linear", n): (lo, hi) for n, lo, hi in LINEAR_RANGES}
    ranges.update({("log", n): (lo, hi) for n, lo, hi in LOG_RANGES})
    for dpi, fontsize, lengths in VARIANTS:
        for scale, names in (("linear", VARIANT_LINEAR), ("log", VARIANT_LOG)):
            for name in names:
                lo, hi = ranges[(scale, name)]
                for axis in ("x", "y"):
                    for length in lengths:
                        add(scale, name, lo, hi, axis, length, dpi, fontsize)
    return cases


def probe_axis(case):
    """Draw one bare axes whose probed axis is exactly length_px long."""
    length, dpi = case["length_px"], case["dpi"]
    # Margins big enough for any label; the other axis has a fixed length.
    margin, other = 150.0, 200.0
    along, across = length + 2 * margin, other + 2 * margin
    w, h = (along, across) if case["axis"] == "x" else (across, along)
    with mpl.rc_context({"font.size": case["fontsize"]}):
        fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi)
        FigureCanvasAgg(fig)
        if case["axis"] == "x":
            ax = fig.add_axes([margin / w, margin / h, length / w, other / h])
            ax.set_xscale(case["scale"])
            ax.set_xlim(case["lo"], case["hi"])
            axis = ax.xaxis
        else:
            ax = fig.add_axes([margin / w, margin / h, other / w, length / h])
            ax.set_yscale(case["scale"])
            ax.set_ylim(case["lo"], case["hi"])
            axis = ax.yaxis
        fig.canvas.draw()
        view = [float(v) for v in axis.get_view_interval()]
        if view != [case["lo"], case["hi"]]:
            raise SystemExit(f"{case['id']}: matplotlib changed the view to {view}")
        out = dict(case)
        out["tick_space"] = int(axis.get_tick_space())
        out.update(axis_ticks(axis, case["scale"]))
        return out


def dump_lines(path, header, key, items):
    """JSON with one case per line: valid JSON, and a readable diff on regeneration."""
    head = json.dumps(header, ensure_ascii=False)[:-1]
    lines = [f"{head}, {json.dumps(key)}: ["]
    body = [json.dumps(item, ensure_ascii=False) for item in items]
    lines.append(",\n".join(body))
    lines.append("]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cmd_table(_args):
    mpl.rcdefaults()
    results = [probe_axis(c) for c in table_cases()]
    header = {"matplotlib": mpl.__version__, "generated_by": "tools/mpl-oracle/oracle.py table"}
    dump_lines(ORACLE_DIR / "ticks.json", header, "cases", results)
    print(f"wrote {len(results)} cases to {ORACLE_DIR / 'ticks.json'}")


# --------------------------------------------------------------------------- goldens

def spec_files():
    """(case name, spec path): every golden case, then every docs example."""
    out = [(d.name, d / "spec.json") for d in sorted(GOLDEN_DIR.iterdir()) if (d / "spec.json").is_file()]
    out += [(f"example:{p.stem}", p) for p in sorted(EXAMPLES_DIR.glob("*.json"))]
    return out


def oracle_spec_files():
    """(case name, spec path): every oracle-only spec, `spec:<file stem>`."""
    return [(f"spec:{p.stem}", p) for p in sorted(ORACLE_SPECS_DIR.glob("*.json"))]


def box_px(bbox, fig_height):
    """A display bbox as [left, top, right, bottom], origin at the figure's top left."""
    return [float(bbox.x0), float(fig_height - bbox.y1), float(bbox.x1), float(fig_height - bbox.y0)]


def axis_record(axis, scale, kind=None):
    """One axis as drawn. A time axis (`kind`, spec_to_mpl.AxisKind) is recorded with
    scale "time": its view and tick values are matplotlib date numbers (days since
    1970-01-01T00:00 UTC, `matplotlib.dates.date2num`), its labels and offset text
    those ConciseDateFormatter drew in the axis zone."""
    record = {"scale": "time" if kind is not None and kind.time else scale,
              "view": [float(v) for v in axis.get_view_interval()]}
    record.update(axis_ticks(axis, scale))
    record["tick_space"] = int(axis.get_tick_space())
    return record


def golden_case(spec):
    """The laid-out figure of one spec: figure size, and per axes its box and ticks."""
    with spec_to_mpl.spec_style(spec):
        fig, cells = spec_to_mpl.build_figure(spec)
        fig.canvas.draw()
        width, height = fig.canvas.get_width_height()
        axes = []
        for i, ax in enumerate(cells):
            kinds = fig.plotbox_kinds.get(i, {})
            # get_view_interval is sorted; the limits keep an inversion (heatmap y).
            entry = {"box_px": box_px(ax.get_window_extent(), height)}
            for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                entry[name] = axis_record(axis, axis.get_scale(), kinds.get(name))
                entry[name]["view"] = [float(v) for v in getattr(ax, f"get_{name}lim")()]
            # The twin (y2, ax.twinx()): its y axis, on the right, recorded as y is.
            twin = fig.plotbox_twins.get(i)
            if twin is not None:
                entry["y2"] = axis_record(twin.yaxis, twin.yaxis.get_scale(), kinds.get("y2"))
                entry["y2"]["view"] = [float(v) for v in twin.get_ylim()]
            # The legend wherever it hangs (on the twin, for twin axes).
            legend = fig.plotbox_legends.get(i, ax.get_legend())
            if legend is not None:
                entry["legend_px"] = box_px(legend.get_window_extent(), height)
            colorbar = fig.plotbox_colorbars.get(i)
            if colorbar is not None:
                entry["colorbar"] = {
                    "box_px": box_px(colorbar.ax.get_window_extent(), height),
                    "y": axis_record(colorbar.ax.yaxis, colorbar.ax.yaxis.get_scale()),
                }
            axes.append(entry)
        return {"figure_px": [width, height], "axes": axes}


def cmd_goldens(_args):
    cases = {}
    for name, path in spec_files() + oracle_spec_files():
        spec = json.loads(path.read_text(encoding="utf-8"))
        try:
            cases[name] = golden_case(spec)
        except spec_to_mpl.Unsupported as why:
            cases[name] = {"skipped": str(why)}
            print(f"{name}: skipped: {why}", file=sys.stderr)
    header = {"matplotlib": mpl.__version__, "generated_by": "tools/mpl-oracle/oracle.py goldens"}
    path = ORACLE_DIR / "goldens.json"
    head = json.dumps(header, ensure_ascii=False)[:-1]
    body = ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in cases.items())
    path.write_text(f'{head}, "cases": {{\n{body}\n}}}}\n', encoding="utf-8")
    skipped = sum(1 for v in cases.values() if "skipped" in v)
    print(f"wrote {len(cases)} cases ({skipped} skipped) to {path}")


# --------------------------------------------------------------------------- gallery

def gallery_name(case):
    """A file-name-safe case name: `example:quickstart` -> `example-quickstart`."""
    return case.replace(":", "-")


def cmd_gallery(args):
    plotbox = Path(args.plotbox)
    if not plotbox.is_file():
        print(f"error: the plotbox binary {plotbox} is missing; build it first "
              "(scripts/build-module.sh, then cargo build --release -p plotbox-host)",
              file=sys.stderr)
        return 1
    GALLERY_DIR.mkdir(parents=True, exist_ok=True)
    rows, failures = [], 0
    for case, path in spec_files():
        name = gallery_name(case)
        spec = json.loads(path.read_text(encoding="utf-8"))
        mpl_png = GALLERY_DIR / f"{name}.matplotlib.png"
        box_png = GALLERY_DIR / f"{name}.plotbox.png"
        try:
            with spec_to_mpl.spec_style(spec):
                fig, _cells = spec_to_mpl.build_figure(spec)
                # savefig's own dpi default is 'figure', but say it: the PNG must
                # have the spec's pixel size.
                fig.savefig(mpl_png, dpi=fig.dpi)
            mpl_cell = f"![{name} (matplotlib)]({mpl_png.name})"
        except spec_to_mpl.Unsupported as why:
            mpl_png.unlink(missing_ok=True)
            mpl_cell = f"not translated: {why}"
        run = subprocess.run([str(plotbox), "render", str(path), "-o", str(box_png)],
                             capture_output=True, text=True)
        if run.returncode == 0:
            box_cell = f"![{name} (plotbox)]({box_png.name})"
        else:
            failures += 1
            box_png.unlink(missing_ok=True)
            message = (run.stderr.strip() or run.stdout.strip()).splitlines()
            box_cell = "plotbox failed: " + (message[-1] if message else f"exit {run.returncode}")
            print(f"{case}: plotbox exited {run.returncode}: {run.stderr.strip()}", file=sys.stderr)
        rel = path.relative_to(ROOT)
        rows.append(f"### {case}\n\n[`{rel}`](../../{rel})\n\n"
                    f"| plotbox | matplotlib |\n|---|---|\n| {box_cell} | {mpl_cell} |\n")
    readme = [
        "# Gallery: plotbox next to matplotlib",
        "",
        "Every golden spec (`renderer-wasm/tests/golden/*/spec.json`) and every docs example",
        "(`docs/examples/*.json`), drawn by plotbox (left) and by matplotlib (right) from the",
        "same spec. Generated by `tools/mpl-oracle/regen.sh gallery`; see",
        "[tools/mpl-oracle/README.md](../../tools/mpl-oracle/README.md) for how a spec",
        "becomes a matplotlib figure.",
        "",
        *rows,
    ]
    (GALLERY_DIR / "README.md").write_text("\n".join(readme), encoding="utf-8")
    print(f"wrote {len(rows)} cases to {GALLERY_DIR}" + (f" ({failures} plotbox failures)" if failures else ""))
    return 1 if failures else 0


# --------------------------------------------------------------------------- specs

def cmd_specs(_args):
    import make_specs
    return make_specs.main()


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("table", help="write renderer-wasm/tests/oracle/ticks.json").set_defaults(func=cmd_table)
    sub.add_parser("goldens", help="write renderer-wasm/tests/oracle/goldens.json").set_defaults(func=cmd_goldens)
    sub.add_parser("specs", help="write renderer-wasm/tests/oracle/specs/*.json (make_specs.py)").set_defaults(func=cmd_specs)
    gallery = sub.add_parser("gallery", help="write docs/gallery/: plotbox and matplotlib PNGs side by side")
    gallery.add_argument("--plotbox", default=str(PLOTBOX_BIN),
                         help="the plotbox binary (default: target/release/plotbox)")
    gallery.set_defaults(func=cmd_gallery)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
