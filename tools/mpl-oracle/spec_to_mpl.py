"""Draw a plotbox spec (a JSON dict) with matplotlib.

The translation follows the plot spec, revision 1.1 units: every style length is in
points exactly as matplotlib takes it, `width`/`height` are pixels at `dpi`, and every
default left out of the spec is matplotlib's own. Where plotbox documents a choice of
its own (bar grouping, the area edge line, the grid under every series), the
translation reproduces that choice with matplotlib primitives, so that the oracle
answers "what would matplotlib draw for this plotbox figure".

Use:

    with spec_style(spec):
        fig = build_figure(spec)
        fig.canvas.draw()        # or fig.savefig(...)

Everything that reads rcParams (figure creation *and* drawing) must happen inside
`spec_style`, because the dark theme and the font size are rcParams.

A spec this module cannot express raises `Unsupported` with the reason, rather than
drawing something else.
"""

import contextlib
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.style  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

DEFAULT_WIDTH_PX = 640
DEFAULT_HEIGHT_PX = 480
DEFAULT_DPI = 100.0

# docs/spec.md (the current renderer) puts a legend "upper right" by default;
# SPEC.md 1.1 changes that to matplotlib's "best". The oracle follows the code.
DEFAULT_LEGEND = "upper right"

BAR_WIDTH = 0.8

LINESTYLES = {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-."}
MARKERS = {"o": "o", "s": "s", "^": "^", "x": "x", "+": "+", "none": None}
COLORMAPS = {
    "viridis": "viridis", "plasma": "plasma", "inferno": "inferno", "magma": "magma",
    "cividis": "cividis", "gray": "gray", "greys": "Greys", "blues": "Blues",
    "reds": "Reds", "coolwarm": "coolwarm",
}
# Every matplotlib `loc` name; plotbox's "none" is handled before the lookup.
LEGEND_LOCS = {
    "best", "upper right", "upper left", "lower left", "lower right", "right",
    "center left", "center right", "lower center", "upper center", "center",
}
SERIES_TYPES = {
    "line", "scatter", "bar", "hist", "area", "step", "errorbar", "heatmap",
    "hline", "vline", "text",
}
# An ISO 8601 date or date-time: a time axis (SPEC 1.1), which the oracle does not draw.
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")


class Unsupported(Exception):
    """The spec uses something this translator cannot express faithfully."""


# --------------------------------------------------------------------------- figure

def figure_size_px(spec):
    """(width, height) in pixels, and dpi."""
    dpi = float(spec.get("dpi", DEFAULT_DPI))
    if "figsize" in spec:
        w_in, h_in = spec["figsize"]
        return (w_in * dpi, h_in * dpi), dpi
    return (float(spec.get("width", DEFAULT_WIDTH_PX)), float(spec.get("height", DEFAULT_HEIGHT_PX))), dpi


@contextlib.contextmanager
def spec_style(spec):
    """The rcParams a spec implies: defaults, the theme, the font."""
    font = spec.get("font") or {}
    family = font.get("family")
    if family not in (None, "DejaVu Sans", "sans-serif"):
        raise Unsupported(f"font family {family!r}: the oracle only has DejaVu Sans")
    # rc_context() first so the style below is undone on exit.
    with mpl.rc_context():
        mpl.rcdefaults()
        if spec.get("theme", "light") == "dark":
            mpl.style.use("dark_background")
        if "size" in font:
            mpl.rcParams["font.size"] = float(font["size"])
        yield


def spec_axes(spec):
    """The spec's axes list, with the top-level shorthand expanded."""
    if "axes" in spec:
        return spec["axes"]
    if "series" in spec:
        return [{k: spec[k] for k in ("series", "x", "y", "legend") if k in spec}]
    raise Unsupported("neither axes nor series")


def build_figure(spec):
    """The drawn-to-be matplotlib Figure for a spec, with constrained layout.

    Returns (fig, cells): cells[i] is the matplotlib Axes of spec axes i, and
    fig.plotbox_colorbars maps an axes index to its colorbar (if any).
    """
    (w, h), dpi = figure_size_px(spec)
    axes_specs = spec_axes(spec)
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    if "subplots" in spec:
        rows, cols = int(spec["subplots"]["rows"]), int(spec["subplots"]["cols"])
    else:
        rows, cols = 1, max(1, len(axes_specs))
    grid = fig.subplots(rows, cols, squeeze=False)
    flat = [grid[r][c] for r in range(rows) for c in range(cols)]
    if len(axes_specs) > len(flat):
        raise Unsupported(f"{len(axes_specs)} axes in a {rows}x{cols} grid")
    for extra in flat[len(axes_specs):]:
        extra.set_axis_off()
    fig.plotbox_colorbars = {}
    for i, (ax, ax_spec) in enumerate(zip(flat, axes_specs)):
        colorbar = draw_axes(fig, ax, ax_spec)
        if colorbar is not None:
            fig.plotbox_colorbars[i] = colorbar
    if "title" in spec:
        fig.suptitle(spec["title"])
    background = spec.get("background")
    if background in ("transparent", "none"):
        fig.set_facecolor((0, 0, 0, 0))
    elif background is not None:
        fig.set_facecolor(to_color(background))
    return fig, flat[: len(axes_specs)]


# --------------------------------------------------------------------------- values

def to_color(value):
    """A matplotlib color (RGBA tuple); C0..C9 resolve in the current style's cycle."""
    try:
        return mcolors.to_rgba(value)
    except ValueError as err:
        raise Unsupported(f"color {value!r}: {err}") from err


def numbers(values):
    """A float array, null as NaN; ISO strings (time axes) are refused."""
    out = []
    for v in values:
        if v is None:
            out.append(math.nan)
        elif isinstance(v, str):
            raise Unsupported(f"string {v!r} in a numeric array (time or category axis)")
        else:
            out.append(float(v))
    return np.array(out, dtype=float)


def xy(series):
    """x (default 0..n-1) and y of a series. x strings are categories, as matplotlib's."""
    y = numbers(series["y"])
    x = series.get("x")
    if x is None:
        return np.arange(len(y), dtype=float), y
    if any(isinstance(v, str) for v in x):
        if any(isinstance(v, str) and ISO_TIME.match(v) for v in x):
            raise Unsupported("time axis (ISO date strings): not translated")
        return list(x), y
    return numbers(x), y


def category_name(value):
    """A bar category's name: numbers written as plotbox writes them (2, 2.5)."""
    if isinstance(value, str):
        return value
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


def line_style(series):
    """Line2D keyword arguments for the shared line style fields."""
    kw = {}
    if "linewidth" in series:
        kw["linewidth"] = series["linewidth"]
    if "linestyle" in series:
        kw["linestyle"] = LINESTYLES[series["linestyle"]]
    marker = MARKERS.get(series.get("marker", "none"))
    if marker is not None:
        kw["marker"] = marker
    if "markersize" in series:
        kw["markersize"] = series["markersize"]
    return kw


# --------------------------------------------------------------------------- axes

def series_colors(series_list):
    """Each series' color, as plotbox resolves them: an explicit color, else the next
    cycle color for series that take one; hline/vline/text/heatmap take none and
    keep matplotlib's own default (None)."""
    colors, cycle = [], 0
    for s in series_list:
        if "color" in s:
            colors.append(to_color(s["color"]))
        elif s["type"] in ("hline", "vline", "text", "heatmap"):
            colors.append(None)
        else:
            colors.append(to_color(f"C{cycle % 10}"))
            cycle += 1
    return colors


def draw_axes(fig, ax, spec):
    """Draws one spec axes; returns its colorbar, if any."""
    if "y2" in spec:
        raise Unsupported("axes field 'y2' (revision 1.1) is not translated")
    series_list = spec["series"]
    for s in series_list:
        if s.get("type") not in SERIES_TYPES:
            raise Unsupported(f"series type {s.get('type')!r} is not translated")
        for key in ("yaxis", "stack", "bar_label"):
            if key in s:
                raise Unsupported(f"series field {key!r} (revision 1.1) is not translated")
    # plotbox draws the grid under every series (bars and images included);
    # matplotlib's default ('line') would put it over bars and images.
    ax.set_axisbelow(True)
    colors = series_colors(series_list)
    colorbar = None
    bars = [(s, c) for s, c in zip(series_list, colors) if s["type"] == "bar"]
    for orientation in ("vertical", "horizontal"):
        group = [(s, c) for s, c in bars if s.get("orientation", "vertical") == orientation]
        if group:
            draw_bar_group(ax, group, orientation)
    for s, color in zip(series_list, colors):
        if s["type"] == "bar":
            continue
        result = draw_series(fig, ax, s, color)
        if result is not None:
            colorbar = result
    apply_axis(ax, "x", spec.get("x") or {})
    apply_axis(ax, "y", spec.get("y") or {})
    if "title" in spec:
        ax.set_title(spec["title"])
    legend = spec.get("legend")
    labeled = any("label" in s for s in series_list)
    if legend is None:
        legend = DEFAULT_LEGEND if labeled else "none"
    if legend != "none" and labeled:
        if legend not in LEGEND_LOCS:
            raise Unsupported(f"legend position {legend!r} is not translated")
        ax.legend(loc=legend)
    return colorbar


def apply_axis(ax, name, axis):
    if "scale" in axis:
        if axis["scale"] not in ("linear", "log"):
            raise Unsupported(f"{name} scale {axis['scale']!r} is not translated")
        getattr(ax, f"set_{name}scale")(axis["scale"])
    if "timezone" in axis:
        raise Unsupported("time axis timezone is not translated")
    lim = {}
    for side, key in (("min", "left" if name == "x" else "bottom"), ("max", "right" if name == "x" else "top")):
        if side in axis:
            if isinstance(axis[side], str):
                raise Unsupported(f"{name}.{side} as a time string is not translated")
            lim[key] = float(axis[side])
    if lim:
        getattr(ax, f"set_{name}lim")(**lim)
    if "ticks" in axis:
        getattr(ax, f"set_{name}ticks")(axis["ticks"], labels=axis.get("tick_labels"))
    if "label" in axis:
        getattr(ax, f"set_{name}label")(axis["label"])
    ax.grid(bool(axis.get("grid", True)), axis=name)


def draw_bar_group(ax, group, orientation):
    """Bars of one orientation, grouped side by side within each slot (pandas-style).

    The slot is 1 for categories, else the smallest gap between bar positions; the
    widest series' `width` fraction of the slot holds the group, split evenly, and
    each bar is its series' `width` share of its part. Mirrors plotbox's layout.
    """
    categorical = any(isinstance(v, str) for s, _ in group for v in (s.get("x") or []))
    slots = {}
    positions = []
    for s, _ in group:
        n = len(s["y"])
        xs = s.get("x")
        pos = []
        for k in range(n):
            v = xs[k] if xs is not None else None
            if categorical:
                name = category_name(v) if v is not None else str(k)
                pos.append(float(slots.setdefault(name, len(slots))))
            elif v is None or isinstance(v, str):
                pos.append(float(k))
            else:
                pos.append(float(v))
        positions.append(np.array(pos))
    if categorical:
        slot = 1.0
    else:
        flat = np.sort(np.concatenate(positions))
        gaps = np.diff(flat)
        gaps = gaps[gaps > 0]
        slot = float(gaps.min()) if gaps.size else 1.0
    widths = [float(s.get("width", BAR_WIDTH)) for s, _ in group]
    fraction = max(widths)
    count = len(group)
    sub_slot = slot * fraction / count
    for j, ((s, color), pos) in enumerate(zip(group, positions)):
        offset = (j - (count - 1) / 2) * sub_slot
        width = sub_slot * widths[j] / fraction
        kw = {"color": color, "label": s.get("label")}
        if "alpha" in s:
            kw["alpha"] = s["alpha"]
        heights = numbers(s["y"])
        if orientation == "vertical":
            ax.bar(pos + offset, heights, width=width, **kw)
        else:
            ax.barh(pos + offset, heights, height=width, **kw)
    if categorical:
        names = list(slots)
        ticks = [float(i) for i in range(len(names))]
        if orientation == "vertical":
            ax.set_xticks(ticks, labels=names)
        else:
            ax.set_yticks(ticks, labels=names)


def draw_series(fig, ax, s, color):
    """Draws every series type but bar; returns a colorbar if one was made."""
    kind = s["type"]
    common = {}
    if "label" in s:
        common["label"] = s["label"]
    if "alpha" in s:
        common["alpha"] = s["alpha"]
    if color is not None:
        common["color"] = color

    if kind == "line":
        x, y = xy(s)
        ax.plot(x, y, **line_style(s), **common)
    elif kind == "step":
        x, y = xy(s)
        ax.step(x, y, where=s.get("where", "pre"), **line_style(s), **common)
    elif kind == "scatter":
        x, y = xy(s)
        kw = dict(common)
        marker = MARKERS.get(s.get("marker", "o")) or "o"
        if "sizes" in s:
            kw["s"] = numbers(s["sizes"]) ** 2
        elif "size" in s:
            kw["s"] = float(s["size"]) ** 2
        if "colors" in s:
            # Per-point colors replace the series color; its alpha still applies.
            kw.pop("color", None)
            kw["c"] = [to_color(c) for c in s["colors"]]
        ax.scatter(x, y, marker=marker, **kw)
    elif kind == "area":
        x, y = xy(s)
        y2 = numbers(s["y2"]) if "y2" in s else 0.0
        # matplotlib's fill_between: an opaque fill (the series alpha, if any) and no
        # edge. plotbox adds a line along y only when `linewidth` is given, and
        # markers when `marker` is; fill_between's own edge would outline the whole
        # polygon, so the line is a separate plot().
        ax.fill_between(x, y, y2, linewidth=0, **common)
        style = line_style(s)
        if "linewidth" in s or "marker" in style:
            if "linewidth" not in s:
                style["linestyle"] = "None"
            edge = {k: v for k, v in common.items() if k != "label"}
            ax.plot(x, y, **style, **edge)
    elif kind == "errorbar":
        x, y = xy(s)
        kw = dict(common)
        for key in ("yerr", "xerr"):
            if key in s:
                v = s[key]
                kw[key] = float(v) if isinstance(v, (int, float)) else numbers(v)
        if "capsize" in s:
            kw["capsize"] = s["capsize"]
        ax.errorbar(x, y, **line_style(s), **kw)
    elif kind == "hist":
        values = numbers(s["values"])
        values = values[~np.isnan(values)]
        bins = s.get("bins", 10)
        bins = int(bins) if isinstance(bins, (int, float)) else numbers(bins)
        ax.hist(values, bins=bins, density=bool(s.get("density", False)), **common)
    elif kind == "hline":
        ax.axhline(float(s["y"]), **line_style(s), **common)
    elif kind == "vline":
        ax.axvline(float(s["x"]), **line_style(s), **common)
    elif kind == "text":
        kw = dict(common)
        if "fontsize" in s:
            kw["fontsize"] = s["fontsize"]
        # docs/spec.md: text sits left/bottom of its point unless told otherwise
        # (matplotlib's own va default is "baseline").
        ax.text(float(s["x"]), float(s["y"]), s["text"],
                ha=s.get("ha", "left"), va=s.get("va", "bottom"), **kw)
    elif kind == "heatmap":
        return draw_heatmap(fig, ax, s)
    return None


def draw_heatmap(fig, ax, s):
    z = np.array([numbers(row) for row in s["z"]], dtype=float)
    cmap = COLORMAPS.get(s.get("colormap", "viridis"))
    if cmap is None:
        raise Unsupported(f"colormap {s['colormap']!r}")
    kw = {}
    if "alpha" in s:
        kw["alpha"] = s["alpha"]
    # zorder 1: above the grid (which plotbox draws first), like the other patches.
    image = ax.imshow(z, aspect="auto", cmap=cmap, vmin=s.get("vmin"), vmax=s.get("vmax"),
                      interpolation="nearest", zorder=1, **kw)
    rows, cols = z.shape
    # Ticks only on whole cells; cell labels (if given) name them.
    for axis, labels, n in ((ax.xaxis, s.get("x"), cols), (ax.yaxis, s.get("y"), rows)):
        axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
        if labels is not None:
            names = [category_name(v) for v in labels]
            axis.set_major_formatter(FuncFormatter(
                lambda v, _pos, names=names, n=n: names[int(round(v))]
                if abs(v - round(v)) < 1e-9 and 0 <= round(v) < min(n, len(names)) else ""))
    if s.get("colorbar", False):
        return fig.colorbar(image, ax=ax)
    return None
