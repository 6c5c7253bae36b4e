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

The figure carries what `oracle.py` records beside the matplotlib axes of each spec
axes i: `fig.plotbox_colorbars[i]` (its colorbar), `fig.plotbox_twins[i]` (the
`twinx()` axes of its `y2`), `fig.plotbox_legends[i]` (its legend, wherever it is
attached) and `fig.plotbox_kinds[i]` (the kind of its x, y and y2 axes: numeric, time
or category).
"""

import contextlib
import datetime
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.style  # noqa: E402
import matplotlib.transforms as mtransforms  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

DEFAULT_WIDTH_PX = 640
DEFAULT_HEIGHT_PX = 480
DEFAULT_DPI = 100.0

# docs/spec.md (revision 1.1): matplotlib's "best" wherever a series has a label.
DEFAULT_LEGEND = "best"

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
# plotbox's places beside or below the axes, which the layout makes room for.
OUTSIDE_LEGENDS = {"outside right", "outside bottom"}
SERIES_TYPES = {
    "line", "scatter", "bar", "hist", "area", "step", "errorbar", "heatmap",
    "hline", "vline", "text", "annotation", "pie", "box",
}
# Series whose x and y are data columns (strings: time or category values).
COLUMN_SERIES = ("line", "scatter", "step", "errorbar", "area")
ARROWSTYLES = {"->": "->", "-|>": "-|>", "-": "-", "none": None}
# An ISO 8601 date or date-time as docs/spec.md and the renderer read them
# (renderer-wasm/src/layout/dates.rs `parse_iso`): a date, or a date-time with T, t or
# a space, minutes, optional seconds and fraction, optional Z or ±hh:mm after a time.
ISO_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-]\d{2}:\d{2})?)?$", re.ASCII)
# The renderer's shape test for "this string is meant as a time" (`looks_like_iso`).
ISO_SHAPE = re.compile(r"^\d{4}-\d{2}", re.ASCII)


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

    Returns (fig, cells): cells[i] is the matplotlib Axes of spec axes i;
    fig.plotbox_colorbars, fig.plotbox_twins and fig.plotbox_legends map an axes index
    to its colorbar, its twin (y2) axes and its legend (where it has one), and
    fig.plotbox_kinds maps every index to the kinds of its axes.
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
    fig.plotbox_twins = {}
    fig.plotbox_legends = {}
    fig.plotbox_kinds = {}
    outside = []
    for i, (ax, ax_spec) in enumerate(zip(flat, axes_specs)):
        drawn = draw_axes(fig, ax, ax_spec)
        if drawn.colorbar is not None:
            fig.plotbox_colorbars[i] = drawn.colorbar
        if drawn.twin is not None:
            fig.plotbox_twins[i] = drawn.twin
        if drawn.legend is not None:
            fig.plotbox_legends[i] = drawn.legend
            if drawn.legend_position in OUTSIDE_LEGENDS:
                outside.append((ax, drawn.twin, drawn.legend, drawn.legend_position))
        fig.plotbox_kinds[i] = drawn.kinds
    if "title" in spec:
        fig.suptitle(spec["title"])
    background = spec.get("background")
    if background in ("transparent", "none"):
        fig.set_facecolor((0, 0, 0, 0))
    elif background is not None:
        fig.set_facecolor(to_color(background))
    if outside:
        fit_outside_legends(fig, outside)
    return fig, flat[: len(axes_specs)]


# --------------------------------------------------------------------------- values

def to_color(value):
    """A matplotlib color (RGBA tuple); C0..C9 resolve in the current style's cycle."""
    try:
        return mcolors.to_rgba(value)
    except ValueError as err:
        raise Unsupported(f"color {value!r}: {err}") from err


def numbers(values):
    """A float array, null as NaN; strings (times, categories) are refused here: the
    arrays that may hold them go through `column`."""
    out = []
    for v in values:
        if v is None:
            out.append(math.nan)
        elif isinstance(v, str):
            raise Unsupported(f"string {v!r} in a numeric array")
        else:
            out.append(float(v))
    return np.array(out, dtype=float)


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


# --------------------------------------------------------------------------- time and category axes

def parse_timezone(text):
    """An axis `timezone`: "UTC" (also "Z") or a fixed offset "±hh:mm"."""
    if text in ("UTC", "Z"):
        return datetime.timezone.utc
    m = re.fullmatch(r"([+-])(\d{2}):(\d{2})", text, re.ASCII)
    if not m or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise Unsupported(f"time zone {text!r} is not 'UTC' or an offset '±hh:mm'")
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    return datetime.timezone(datetime.timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


def parse_time(text, tz):
    """An ISO 8601 date or date-time as an aware datetime in the axis zone `tz`.

    A value with `Z` or an offset is that instant; a value without one is a wall-clock
    time in `tz`. Digits of a fraction beyond microseconds are dropped (Python's
    `fromisoformat`, and the renderer)."""
    m = ISO_TIME.match(text)
    if not m:
        raise Unsupported(f"{text!r} is not an ISO 8601 date or date-time (invalid_spec)")
    year, month, day, hour, minute, second, fraction, offset = m.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        local = datetime.datetime(int(year), int(month), int(day), int(hour or 0),
                                  int(minute or 0), int(second or 0), micro)
        if offset is None:
            zone = tz
        elif offset in ("Z", "z"):
            zone = datetime.timezone.utc
        else:
            zone = parse_timezone(offset)
        return local.replace(tzinfo=zone).astimezone(tz)
    except (ValueError, OverflowError) as err:
        raise Unsupported(f"{text!r}: {err} (invalid_spec)") from err


class AxisKind:
    """What one axis holds, as the renderer decides it (renderer-wasm/src/resolve.rs):
    `"numeric"`, `"time"` (dates shown in the zone `tz`) or `"category"` (`names` at
    slots 0, 1, ... in order of first appearance). `units` is set once the category
    names are handed to matplotlib's own category units for the axis."""

    def __init__(self, kind, tz=None, names=None):
        self.kind = kind
        self.tz = tz
        self.names = names if names is not None else []
        self.units = False

    @property
    def time(self):
        return self.kind == "time"

    @property
    def category(self):
        return self.kind == "category"

    def __repr__(self):
        return f"AxisKind({self.kind!r})"


def axis_data(series_list, which):
    """What lands on axis `which` ("x", "y" or "y2"): (source, values) pairs in series
    order, source being "column" (x/y of line, scatter, step, errorbar, area, and an
    area's y2), "bar" (bar positions) or "datum" (an annotation's xy / xytext)."""
    out = []
    for s in series_list:
        right = s.get("yaxis") == "right"
        on_y = (which == "y" and not right) or (which == "y2" and right)
        kind = s.get("type")
        if kind in COLUMN_SERIES:
            if kind == "area" and on_y and "y2" in s:
                out.append(("column", s["y2"]))
            if which == "x":
                if s.get("x") is not None:
                    out.append(("column", s["x"]))
            elif on_y:
                out.append(("column", s["y"]))
        elif kind == "bar":
            horizontal = s.get("orientation") == "horizontal"
            if (on_y if horizontal else which == "x") and s.get("x") is not None:
                out.append(("bar", s["x"]))
        elif kind == "annotation":
            for key in ("xy", "xytext"):
                if key in s:
                    if which == "x":
                        out.append(("datum", [s[key][0]]))
                    elif on_y:
                        out.append(("datum", [s[key][1]]))
    return out


def axis_kind(which, axis, data):
    """The kind of one axis: an explicit `scale` decides; else bar strings make
    categories, other strings make a time axis when all look like ISO dates, else
    categories on x (strings on a y axis are invalid); ISO bounds alone make a time
    axis. Category names are collected in order of first appearance."""
    tz = parse_timezone(axis.get("timezone", "UTC"))
    scale = axis.get("scale")
    if scale == "time":
        return AxisKind("time", tz)
    if scale == "category":
        kind = AxisKind("category")
    elif scale in ("linear", "log"):
        return AxisKind("numeric")
    else:
        bar_text = any(isinstance(v, str) for src, values in data if src == "bar" for v in values)
        texts = [v for src, values in data if src != "bar" for v in values if isinstance(v, str)]
        bounds_text = any(isinstance(axis.get(k), str) for k in ("min", "max"))
        if bar_text:
            kind = AxisKind("category")
        elif not texts:
            return AxisKind("time", tz) if bounds_text else AxisKind("numeric")
        elif all(ISO_SHAPE.match(t) for t in texts):
            return AxisKind("time", tz)
        elif which == "x":
            kind = AxisKind("category")
        else:
            raise Unsupported(f"strings on the {which} axis that are not times (invalid_spec)")
    for src, values in data:
        for v in values:
            if isinstance(v, str) or (src == "bar" and v is not None):
                name = category_name(v)
                if name not in kind.names:
                    kind.names.append(name)
    return kind


def axis_kinds(spec):
    """{"x", "y", "y2"}: the kind of each axis of one spec axes."""
    series_list = spec["series"]
    return {which: axis_kind(which, spec.get(which) or {}, axis_data(series_list, which))
            for which in ("x", "y", "y2")}


def column(values, kind):
    """A data array for matplotlib on an axis of `kind`.

    numeric: floats (null as NaN). time: aware datetimes in the axis zone (with a
    gap, numpy datetime64 in UTC with NaT: the same date numbers). category: the
    strings themselves, for matplotlib's category units (with a gap: slot numbers
    and NaN; the axis' units already hold every name)."""
    if kind is None or kind.kind == "numeric":
        return numbers(values)
    if kind.time:
        if any(v is not None and not isinstance(v, str) for v in values):
            raise Unsupported("a number on a time axis (invalid_spec)")
        times = [None if v is None else parse_time(v, kind.tz) for v in values]
        if all(t is not None for t in times):
            return times
        return np.array([np.datetime64("NaT") if t is None
                         else np.datetime64(t.astimezone(datetime.timezone.utc).replace(tzinfo=None), "us")
                         for t in times], dtype="datetime64[us]")
    if any(v is not None and not isinstance(v, str) for v in values):
        raise Unsupported("a number on a category axis (invalid_spec)")
    if all(v is not None for v in values):
        return list(values)
    return np.array([math.nan if v is None else float(kind.names.index(v)) for v in values])


def datum(value, kind):
    """One coordinate (an annotation's xy or xytext) on an axis of `kind`."""
    if isinstance(value, str):
        if kind.time:
            return parse_time(value, kind.tz)
        if kind.category:
            return value
        raise Unsupported(f"string {value!r} on a numeric axis (invalid_spec)")
    if kind.time or kind.category:
        raise Unsupported(f"number {value!r} on a {kind.kind} axis (invalid_spec)")
    return float(value)


def xy(series, xkind=None, ykind=None):
    """x (default 0..n-1) and y of a series, each in the form its axis takes."""
    y = column(series["y"], ykind)
    x = series.get("x")
    if x is None:
        return np.arange(len(series["y"]), dtype=float), y
    return column(x, xkind), y


# --------------------------------------------------------------------------- axes

def series_colors(series_list):
    """Each series' color, as plotbox resolves them: an explicit color, else the next
    cycle color for series that take one; hline/vline/text/heatmap take none and
    keep matplotlib's own default (None), and so do annotation (text.color), pie
    (its wedges take the cycle themselves) and box (matplotlib's black boxes)."""
    colors, cycle = [], 0
    for s in series_list:
        if "color" in s:
            colors.append(to_color(s["color"]))
        elif s["type"] in ("hline", "vline", "text", "heatmap", "annotation", "pie", "box"):
            colors.append(None)
        else:
            colors.append(to_color(f"C{cycle % 10}"))
            cycle += 1
    return colors


class DrawnAxes:
    """What draw_axes made that build_figure and oracle.py need besides the artists."""

    def __init__(self, kinds):
        self.kinds = kinds
        self.colorbar = None
        self.twin = None
        self.legend = None
        self.legend_position = None


def draw_axes(fig, ax, spec):
    """Draws one spec axes; returns a DrawnAxes (colorbar, twin, legend, axis kinds)."""
    series_list = spec["series"]
    for s in series_list:
        if s.get("type") not in SERIES_TYPES:
            raise Unsupported(f"series type {s.get('type')!r} is not translated")
    kinds = axis_kinds(spec)
    drawn = DrawnAxes(kinds)
    if any(s["type"] == "pie" for s in series_list):
        draw_pie_axes(ax, spec, drawn)
        return drawn
    # plotbox draws the grid under every series (bars and images included);
    # matplotlib's default ('line') would put it over bars and images.
    ax.set_axisbelow(True)
    xkind = kinds["x"]
    # A category x axis that other series share with the bars: matplotlib's own
    # category units, seeded with every name in plotbox's order (first appearance in
    # series order, bars included), so that each series' strings land on the same
    # slots as plotbox's.
    if xkind.category and any(src != "bar" for src, _ in axis_data(series_list, "x")):
        ax.xaxis.update_units(np.array(xkind.names, dtype=object))
        xkind.units = True
    twin = None
    if "y2" in spec or any(s.get("yaxis") == "right" for s in series_list):
        # After the x units are set: twinx() shares them with the twin.
        twin = ax.twinx()
        twin.set_axisbelow(True)
        drawn.twin = twin

    def target(s):
        return twin if twin is not None and s.get("yaxis") == "right" else ax

    def ykind(s):
        return kinds["y2"] if s.get("yaxis") == "right" else kinds["y"]

    colors = series_colors(series_list)
    bars = [(s, c) for s, c in zip(series_list, colors) if s["type"] == "bar"]
    for orientation in ("vertical", "horizontal"):
        group = [(s, c) for s, c in bars if s.get("orientation", "vertical") == orientation]
        if group:
            if orientation == "vertical":
                kind = xkind
            else:
                kind = kinds["y2"] if all(s.get("yaxis") == "right" for s, _ in group) else kinds["y"]
            draw_bar_group(group, orientation, kind, target)
    stacks = area_stacks(series_list)
    for i, (s, color) in enumerate(zip(series_list, colors)):
        if s["type"] == "bar":
            continue
        result = draw_series(fig, target(s), s, color, xkind, ykind(s), stacks.get(i))
        if result is not None:
            drawn.colorbar = result
    apply_axis(ax, "x", spec.get("x") or {}, xkind)
    apply_axis(ax, "y", spec.get("y") or {}, kinds["y"])
    if twin is not None:
        apply_axis(twin, "y", spec.get("y2") or {}, kinds["y2"])
    if "title" in spec:
        ax.set_title(spec["title"])
    legend = spec.get("legend")
    labeled = any("label" in s for s in series_list)
    if legend is None:
        legend = DEFAULT_LEGEND if labeled else "none"
    if legend != "none" and labeled:
        if legend not in LEGEND_LOCS and legend not in OUTSIDE_LEGENDS:
            raise Unsupported(f"legend position {legend!r} is not translated")
        if twin is None and legend in LEGEND_LOCS:
            drawn.legend = ax.legend(loc=legend)
        else:
            # plotbox's legend lists the series of both axes; matplotlib's lists one
            # axes' handles, so it is given both. It goes on the twin, which is drawn
            # over the first axes (a legend there would be under the twin's lines).
            handles, labels = ax.get_legend_handles_labels()
            if twin is not None:
                more_handles, more_labels = twin.get_legend_handles_labels()
                handles, labels = handles + more_handles, labels + more_labels
            drawn.legend = place_legend(twin or ax, ax, handles, labels, legend)
        drawn.legend_position = legend
    return drawn


def place_legend(legend_ax, ax, handles, labels, position):
    """A legend on `legend_ax` at `position`, next to the axes `ax`.

    The outside places are anchored to the axes (`bbox_to_anchor`) and start at its
    right (`outside right`: loc "upper left" at the top right corner) or below it
    (`outside bottom`: loc "upper center" under the middle, all entries in one row);
    `fit_outside_legends` then moves the anchor past the axes' decorations. The legend
    is an artist of the axes, so constrained layout makes room for it."""
    if position in LEGEND_LOCS:
        return legend_ax.legend(handles, labels, loc=position)
    if position == "outside right":
        return legend_ax.legend(handles, labels, loc="upper left",
                                bbox_to_anchor=(1.0, 1.0), bbox_transform=ax.transAxes)
    if position == "outside bottom":
        return legend_ax.legend(handles, labels, loc="upper center", ncols=max(1, len(handles)),
                                bbox_to_anchor=(0.5, 0.0), bbox_transform=ax.transAxes)
    raise Unsupported(f"legend position {position!r} is not translated")


def fit_outside_legends(fig, outside):
    """Moves each outside legend's anchor past its axes' decorations (tick labels,
    axis labels, offset texts of x, y and the twin's y: not the title), then lays the
    figure out again, until the anchors stop moving. The decorations' extent beyond
    the axes box does not depend on the box's size, except through the ticks chosen,
    so this settles in a few draws."""
    dpi = fig.dpi
    for _ in range(10):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        moved = False
        for ax, twin, legend, position in outside:
            frame = ax.get_window_extent(renderer)
            boxes = [frame]
            for axes in (ax, twin):
                if axes is None:
                    continue
                for axis in (axes.xaxis, axes.yaxis):
                    if axis.get_visible():
                        box = axis.get_tightbbox(renderer, for_layout_only=True)
                        if box is not None and box.width >= 0 and box.height >= 0:
                            boxes.append(box)
            decorations = mtransforms.Bbox.union(boxes)
            if position == "outside right":
                anchor, shift = (1.0, 1.0), (decorations.x1 - frame.x1, 0.0)
            else:
                anchor, shift = (0.5, 0.0), (0.0, decorations.y0 - frame.y0)
            old = getattr(legend, "_plotbox_shift", None)
            if old is None or max(abs(a - b) for a, b in zip(old, shift)) > 1e-6:
                moved = True
            legend._plotbox_shift = shift
            transform = ax.transAxes + mtransforms.ScaledTranslation(
                shift[0] / dpi, shift[1] / dpi, fig.dpi_scale_trans)
            legend.set_bbox_to_anchor(anchor, transform)
        if not moved:
            return
    raise Unsupported("an outside legend's place did not settle")


def apply_axis(ax, name, axis, kind=None):
    if "scale" in axis:
        if axis["scale"] not in ("linear", "log", "time", "category"):
            raise Unsupported(f"{name} scale {axis['scale']!r} is not translated")
        if axis["scale"] in ("linear", "log"):
            getattr(ax, f"set_{name}scale")(axis["scale"])
    is_time = kind is not None and kind.time
    lim = {}
    for side, key in (("min", "left" if name == "x" else "bottom"), ("max", "right" if name == "x" else "top")):
        if side in axis:
            if isinstance(axis[side], str):
                if not is_time:
                    raise Unsupported(f"{name}.{side}: a string on a non-time axis (invalid_spec)")
                lim[key] = parse_time(axis[side], kind.tz)
            else:
                lim[key] = float(axis[side])
    if lim:
        getattr(ax, f"set_{name}lim")(**lim)
    if is_time:
        # matplotlib's date ticks in the axis zone: AutoDateLocator (its defaults:
        # minticks 5, interval_multiples) labelled by ConciseDateFormatter.
        locator = mdates.AutoDateLocator(tz=kind.tz)
        target = getattr(ax, f"{name}axis")
        target.set_major_locator(locator)
        target.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=kind.tz))
    if "ticks" in axis:
        getattr(ax, f"set_{name}ticks")(axis["ticks"], labels=axis.get("tick_labels"))
    if "label" in axis:
        getattr(ax, f"set_{name}label")(axis["label"])
    ax.grid(bool(axis.get("grid", True)), axis=name)


def draw_bar_group(group, orientation, kind, target):
    """Bars of one orientation, grouped side by side within each slot (pandas-style).

    The slot is 1 for categories, else the smallest gap between bar positions (in days
    on a time axis); the widest series' `width` fraction of the slot holds the group,
    split evenly between its members, and each bar is its series' `width` share of its
    part. Series with the same `stack` are one member, piled up in order (`bottom=`,
    running per position). Mirrors plotbox's layout. `target(s)` is the axes a series
    draws on (the twin for `"yaxis": "right"`).
    """
    time = kind is not None and kind.time
    shared = kind is not None and kind.category and kind.units
    categorical = (kind is not None and kind.category) or (
        not time and any(isinstance(v, str) for s, _ in group for v in (s.get("x") or [])))
    slots = {}
    positions = []
    for s, _ in group:
        n = len(s["y"])
        xs = s.get("x")
        pos = []
        for k in range(n):
            v = xs[k] if xs is not None else None
            if time:
                if v is None:
                    pos.append(float(k))
                elif isinstance(v, str):
                    pos.append(float(mdates.date2num(parse_time(v, kind.tz))))
                else:
                    raise Unsupported("a number among the bar positions of a time axis (invalid_spec)")
            elif shared:
                pos.append(float(kind.names.index(category_name(v))) if v is not None else float(k))
            elif categorical:
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
    # The members: a named stack is one, every other series one of its own.
    members = []
    for j, (s, _) in enumerate(group):
        name = s.get("stack")
        for member_name, indices in members:
            if name is not None and member_name == name:
                indices.append(j)
                break
        else:
            members.append((name, [j]))
    count = len(members)
    sub_slot = slot * fraction / count
    for m, (stack_name, indices) in enumerate(members):
        offset = (m - (count - 1) / 2) * sub_slot
        tops = {}
        for j in indices:
            s, color = group[j]
            pos = positions[j]
            width = sub_slot * widths[j] / fraction
            kw = {"color": color, "label": s.get("label")}
            if "alpha" in s:
                kw["alpha"] = s["alpha"]
            heights = numbers(s["y"])
            if stack_name is not None:
                bottoms = []
                for p, v in zip(pos, heights):
                    base = tops.get(p, 0.0)
                    if not math.isnan(v):
                        tops[p] = base + v
                    bottoms.append(base)
                kw["bottom" if orientation == "vertical" else "left"] = np.array(bottoms)
            at = pos + offset
            if time:
                at = [mdates.num2date(p, tz=kind.tz) for p in at]
                width = datetime.timedelta(days=width)
            ax = target(s)
            if orientation == "vertical":
                container = ax.bar(at, heights, width=width, **kw)
            else:
                container = ax.barh(at, heights, height=width, **kw)
            bar_label(ax, container, s)
    if categorical and not shared:
        names = list(slots)
        ticks = [float(i) for i in range(len(names))]
        ax = target(group[0][0])
        if orientation == "vertical":
            ax.set_xticks(ticks, labels=names)
        else:
            ax.set_yticks(ticks, labels=names)


def bar_label(ax, container, s):
    """`bar_label`: matplotlib's `ax.bar_label` with the spec's format (Python's format
    mini-language, `{:g}` by default) at the bar's end (`edge`) or middle (`center`)."""
    spec = s.get("bar_label")
    if spec is None or spec is False:
        return
    fmt, position = "{:g}", "edge"
    if isinstance(spec, dict):
        fmt = spec.get("fmt", fmt)
        position = spec.get("position", position)
    if position not in ("edge", "center"):
        raise Unsupported(f"bar_label position {position!r}")
    # A callable: matplotlib would try `fmt % value` before `fmt.format(value)`.
    ax.bar_label(container, fmt=fmt.format, label_type=position)


def area_stacks(series_list):
    """{series index: (lower, upper)} for the areas with a `stack`, as plotbox stacks
    them: each on the top of the one before with the same name, point by point (by
    index); the first of a stack on its own y2, else 0."""
    tops, out = {}, {}
    for i, s in enumerate(series_list):
        if s["type"] != "area" or "stack" not in s:
            continue
        name = s["stack"]
        y = numbers(s["y"])
        if name in tops:
            base = tops[name]
        elif "y2" in s:
            base = numbers(s["y2"])
        else:
            base = np.zeros(len(y))
        base = np.concatenate([base[: len(y)], np.full(max(0, len(y) - len(base)), math.nan)])
        top = y + base
        out[i] = (base, top)
        tops[name] = top
    return out


def draw_series(fig, ax, s, color, xkind=None, ykind=None, stack=None):
    """Draws every series type but bar; returns a colorbar if one was made.

    `xkind`/`ykind` are the kinds of the axes the series lands on; `stack` is a
    stacked area's (lower, upper) edges."""
    kind = s["type"]
    common = {}
    if "label" in s:
        common["label"] = s["label"]
    if "alpha" in s:
        common["alpha"] = s["alpha"]
    if color is not None:
        common["color"] = color

    if kind == "line":
        x, y = xy(s, xkind, ykind)
        ax.plot(x, y, **line_style(s), **common)
    elif kind == "step":
        x, y = xy(s, xkind, ykind)
        ax.step(x, y, where=s.get("where", "pre"), **line_style(s), **common)
    elif kind == "scatter":
        x, y = xy(s, xkind, ykind)
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
        x, y = xy(s, xkind, ykind)
        if stack is not None:
            # A stacked area: from the top of the one below to its own top.
            y2, y = stack
        else:
            y2 = column(s["y2"], ykind) if "y2" in s else 0.0
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
        x, y = xy(s, xkind, ykind)
        kw = dict(common)
        for key in ("yerr", "xerr"):
            if key in s:
                on = xkind if key == "xerr" else ykind
                if on is not None and on.kind != "numeric":
                    raise Unsupported(f"{key} on a {on.kind} axis is not translated")
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
    elif kind == "annotation":
        draw_annotation(ax, s, color, xkind, ykind)
    elif kind == "box":
        draw_box(ax, s, color)
    elif kind == "heatmap":
        return draw_heatmap(fig, ax, s)
    return None


def draw_annotation(ax, s, color, xkind, ykind):
    """`ax.annotate`: the text at `xytext` (data) or `offset` points from `xy`
    (`textcoords="offset points"`, up positive), or at `xy`; an arrow of matplotlib's
    `arrowstyle` from the text to `xy`. Like `text`, it sits left/bottom of its point
    unless told otherwise. matplotlib does not draw it when `xy` is outside the axes,
    and it does not take part in autoscaling."""
    point = (datum(s["xy"][0], xkind), datum(s["xy"][1], ykind))
    kw = {}
    if "xytext" in s:
        kw["xytext"] = (datum(s["xytext"][0], xkind), datum(s["xytext"][1], ykind))
        kw["textcoords"] = "data"
    elif "offset" in s:
        kw["xytext"] = (float(s["offset"][0]), float(s["offset"][1]))
        kw["textcoords"] = "offset points"
    arrow = ARROWSTYLES.get(s.get("arrow", "none"), "?")
    if arrow == "?":
        raise Unsupported(f"arrow {s.get('arrow')!r}")
    if arrow is not None:
        props = {"arrowstyle": arrow}
        # Without a color, matplotlib's own arrow (black edge, patch.facecolor head).
        if color is not None:
            props["color"] = color
        if "alpha" in s:
            props["alpha"] = s["alpha"]
        kw["arrowprops"] = props
    if color is not None:
        kw["color"] = color
    if "alpha" in s:
        kw["alpha"] = s["alpha"]
    if "fontsize" in s:
        kw["fontsize"] = s["fontsize"]
    ax.annotate(s["text"], point, ha=s.get("ha", "left"), va=s.get("va", "bottom"), **kw)


def draw_box(ax, s, color):
    """`ax.boxplot` with matplotlib's statistics and defaults: gaps dropped, boxes at
    1, 2, ..., `whis`, `showfliers`, `orientation`, `widths` (matplotlib's default
    when not given) and `labels` as `tick_labels`. An explicit color draws the box,
    whiskers, caps and flier edges in it (the median keeps matplotlib's C1)."""
    data = []
    for values in s["data"]:
        v = numbers(values)
        data.append(v[~np.isnan(v)])
    kw = {
        "whis": float(s.get("whis", 1.5)),
        "showfliers": bool(s.get("showfliers", True)),
        "orientation": s.get("orientation", "vertical"),
    }
    if "widths" in s:
        w = s["widths"]
        kw["widths"] = float(w) if isinstance(w, (int, float)) else list(numbers(w))
    if "labels" in s:
        kw["tick_labels"] = list(s["labels"])
    if "label" in s:
        kw["label"] = s["label"]
    if color is not None or "alpha" in s:
        line = {}
        if color is not None:
            line["color"] = color
        if "alpha" in s:
            line["alpha"] = s["alpha"]
        kw["boxprops"] = dict(line)
        kw["whiskerprops"] = dict(line)
        kw["capprops"] = dict(line)
        flier = {k: v for k, v in line.items() if k != "color"}
        if color is not None:
            flier["markeredgecolor"] = color
        kw["flierprops"] = flier
    ax.boxplot(data, **kw)


def draw_pie_axes(ax, spec, drawn):
    """An axes holding a pie (and nothing else, docs/spec.md): `ax.pie` with the
    spec's labels, colors (else the cycle), autopct, startangle, counterclock, explode
    and `hole` as `wedgeprops={"width": 1 - hole}`. matplotlib's pie makes the axes
    square, frameless and tickless with limits ±1.25; there is no grid and the `x`/`y`
    fields do not apply. A legend only where the axes asks for one, listing the
    labelled wedges."""
    series_list = spec["series"]
    if len(series_list) != 1:
        raise Unsupported("a pie shares its axes with other series (invalid_spec)")
    s = series_list[0]
    values = np.nan_to_num(numbers(s["values"]), nan=0.0)
    kw = {
        "startangle": float(s.get("startangle", 0.0)),
        "counterclock": bool(s.get("counterclock", True)),
    }
    if "labels" in s:
        kw["labels"] = list(s["labels"])
    if "colors" in s:
        kw["colors"] = [to_color(c) for c in s["colors"]]
    if "autopct" in s:
        fmt = s["autopct"]
        kw["autopct"] = lambda pct, fmt=fmt: fmt.format(pct)
    if "explode" in s:
        kw["explode"] = np.nan_to_num(numbers(s["explode"]), nan=0.0)
    wedgeprops = {}
    hole = float(s.get("hole", 0.0))
    if hole > 0:
        wedgeprops["width"] = 1.0 - hole
    if "alpha" in s:
        wedgeprops["alpha"] = s["alpha"]
    if wedgeprops:
        kw["wedgeprops"] = wedgeprops
    ax.pie(values, **kw)
    if "title" in spec:
        ax.set_title(spec["title"])
    position = spec.get("legend")
    if position is not None and position != "none":
        if position not in LEGEND_LOCS and position not in OUTSIDE_LEGENDS:
            raise Unsupported(f"legend position {position!r} is not translated")
        handles, labels = ax.get_legend_handles_labels()
        drawn.legend = place_legend(ax, ax, handles, labels, position)
        drawn.legend_position = position


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
