"""A matplotlib-shaped way to build a spec: ``fig, ax = plotbox.subplots()``, then the
``ax.plot``/``ax.set_title``/``fig.savefig`` calls people already know.

Each call appends to or sets a field of the spec (docs/spec.md); ``fig.to_spec()``
returns the document, and nothing else is decided here: defaults are the renderer's.
An argument the spec cannot express raises ``TypeError`` naming it, and a value it
cannot express raises ``ValueError``: nothing is dropped silently, so a chart never
comes out quietly different from what the code asked for.

Revision 1.1 of the spec (``annotate``, ``pie``, ``boxplot``, ``twinx``, ``stack``,
``bar_label``, dates, the newer legend positions) is built here already; a renderer
that does not know those fields yet answers ``invalid_spec`` naming the field.
"""

from __future__ import annotations

import copy
import io
import math
import os
import re
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _api, _convert

_COLOR_LETTERS = {
    # matplotlib's single-letter colors are not the CSS colors of the same name
    # ('c' is (0, .75, .75), not cyan), so they are spelled out as hex.
    "b": "#0000ff", "g": "#008000", "r": "#ff0000", "c": "#00bfbf",
    "m": "#bf00bf", "y": "#bfbf00", "k": "#000000", "w": "#ffffff",
}
_LINESTYLES = {
    "-": "solid", "solid": "solid", "--": "dashed", "dashed": "dashed",
    ":": "dotted", "dotted": "dotted", "-.": "dashdot", "dashdot": "dashdot",
}
_NO_LINE = ("", " ", "none", "None")
_MARKERS = ("o", "s", "^", "x", "+")
_COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "gray", "greys", "blues", "reds", "coolwarm")
_LEGEND_CODES = {
    0: "best", 1: "upper right", 2: "upper left", 3: "lower left", 4: "lower right",
    5: "center right", 6: "center left", 7: "center right", 8: "lower center",
    9: "upper center", 10: "center",
}
_LEGEND_NAMES = set(_LEGEND_CODES.values()) | {"outside right", "outside bottom", "none"}
_ARROWS = ("->", "-|>", "-")


class NotExpressible(TypeError, ValueError):
    """An argument, or a value of one, that the plot spec cannot express; the message
    names it. A ``TypeError`` (as for any argument a function does not take) and a
    ``ValueError`` (as for a value it does not take), so either ``except`` catches it."""


# --- argument helpers -------------------------------------------------------------

def _reject(method: str, kwargs: Dict[str, Any]) -> None:
    if kwargs:
        names = ", ".join(sorted(kwargs))
        raise NotExpressible(
            "{}: the plot spec cannot express {} (argument{} {})".format(
                method, "this" if len(kwargs) == 1 else "these", "" if len(kwargs) == 1 else "s", names
            )
        )


def _pop(kwargs: Dict[str, Any], *names: str) -> Any:
    """The value of the first of ``names`` given (matplotlib's aliases, e.g.
    ``linewidth``/``lw``); giving two of them is an error, as in matplotlib."""
    given = [n for n in names if n in kwargs]
    if len(given) > 1:
        raise TypeError("got both {} and {}, which are aliases".format(given[0], given[1]))
    return kwargs.pop(given[0]) if given else None


def _color(value: Any, name: str = "color") -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, str):
        if value in _COLOR_LETTERS:
            return _COLOR_LETTERS[value]
        try:
            gray = float(value)
        except ValueError:
            return value  # a name, C0..C9, tab:..., or hex: the renderer validates it
        if 0 <= gray <= 1:
            level = round(gray * 255)
            return "#{0:02x}{0:02x}{0:02x}".format(level)
        raise ValueError("{}: a gray level must lie in 0..1, got {!r}".format(name, value))
    if isinstance(value, (tuple, list)) and len(value) in (3, 4):
        try:
            parts = [float(v) for v in value]
        except (TypeError, ValueError):
            raise TypeError("{}: expected a color, got {!r}".format(name, value)) from None
        if not all(0 <= p <= 1 for p in parts):
            raise ValueError("{}: RGB(A) components must lie in 0..1, got {!r}".format(name, value))
        return "#" + "".join("{:02x}".format(round(p * 255)) for p in parts)
    raise TypeError("{}: expected a color, got {!r}".format(name, value))


def _colors(values: Any, name: str) -> List[str]:
    if isinstance(values, str):
        raise TypeError("{}: expected a sequence of colors, got one string".format(name))
    return [_color(v, "{}[{}]".format(name, i)) for i, v in enumerate(values)]  # type: ignore[misc]


def _linestyle(value: Any) -> Optional[str]:
    """The spec's dash style; ``"none"`` for matplotlib's no-line styles."""
    if value is None:
        return None
    if value in _NO_LINE:
        return "none"
    if value in _LINESTYLES:
        return _LINESTYLES[value]
    raise NotExpressible(
        "linestyle: the plot spec has solid, dashed, dotted and dashdot ('-', '--', ':', '-.'), not {!r}".format(value)
    )


def _marker(value: Any) -> Optional[str]:
    if value is None:
        return None
    if value in _NO_LINE:
        return "none"
    if value in _MARKERS:
        return value
    raise NotExpressible("marker: the plot spec has the markers {}, not {!r}".format(", ".join(_MARKERS), value))


def _positive(value: Any, name: str) -> Optional[float]:
    if value is None:
        return None
    return _convert.number(value, name)


def _parse_fmt(fmt: str) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """matplotlib's format string ('r--o', 'C1:', 'ks') as (color, linestyle, marker)."""
    color = linestyle = marker = None
    rest = fmt
    while rest:
        match = re.match(r"C\d", rest)
        if match:
            color, rest = match.group(0), rest[2:]
            continue
        two = rest[:2]
        if two in ("--", "-."):
            linestyle, rest = _LINESTYLES[two], rest[2:]
            continue
        char = rest[0]
        if char in ("-", ":"):
            linestyle = _LINESTYLES[char]
        elif char in _COLOR_LETTERS:
            color = _COLOR_LETTERS[char]
        elif char in _MARKERS:
            marker = char
        else:
            raise NotExpressible(
                "format string {!r}: the plot spec has no marker or style {!r} (markers: {})".format(
                    fmt, char, ", ".join(_MARKERS)
                )
            )
        rest = rest[1:]
    return color, linestyle, marker


def _printf_to_format(fmt: Any, name: str) -> str:
    """matplotlib's ``%``-style number formats ('%1.1f%%') as the spec's format
    strings ('{:.1f}%', revision 1.1: ``g``, ``.Nf``, ``.Ne``, ``.N%``, with text
    around); strings already in ``{}`` style pass through to the renderer, which
    checks them."""
    if callable(fmt):
        raise NotExpressible("{}: the plot spec takes a format string, not a function".format(name))
    if not isinstance(fmt, str):
        raise TypeError("{}: expected a format string, got {!r}".format(name, fmt))
    if "{" in fmt:
        return fmt
    out = []
    pos = 0
    numbers = 0
    for match in re.finditer(r"%([-+ #0]*)(\d*)(?:\.(\d+))?([dfFeEgGi%])", fmt):
        out.append(fmt[pos:match.start()].replace("{", "{{").replace("}", "}}"))
        flags, width, precision, kind = match.groups()
        pos = match.end()
        if kind == "%":
            out.append("%")
            continue
        numbers += 1
        # A width of 1 never pads a number ('%1.1f' is matplotlib's own autopct);
        # wider fields and flags pad or sign, which the spec's formats cannot do.
        if flags or (width and int(width) > 1):
            raise NotExpressible("{}: {!r} pads or signs its number, which the plot spec cannot express".format(name, fmt))
        if kind in "di":
            out.append("{:.0f}")
        elif kind in "fF":
            out.append("{:.%sf}" % (precision if precision is not None else "6"))
        elif kind in "eE":
            out.append("{:.%se}" % (precision if precision is not None else "6"))
        else:
            out.append("{:%sg}" % ("." + precision if precision is not None else ""))
    if numbers != 1:
        raise ValueError("{}: {!r} must format exactly one number".format(name, fmt))
    out.append(fmt[pos:].replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def _put(target: Dict[str, Any], **fields: Any) -> Dict[str, Any]:
    for key, value in fields.items():
        if value is not None:
            target[key] = value
    return target


# --- axes ---------------------------------------------------------------------------

class Axes:
    """One subplot: matplotlib's ``Axes`` methods, each writing the spec's fields."""

    def __init__(self, figure: "Figure", spec: Optional[Dict[str, Any]] = None, yaxis: Optional[str] = None):
        self.figure = figure
        self._spec: Dict[str, Any] = spec if spec is not None else {"series": []}
        # "right" on the axes twinx() returns: its series and y settings go to y2.
        self._yaxis = yaxis

    # plotting ------------------------------------------------------------------------

    def _add(self, series: Dict[str, Any]) -> Dict[str, Any]:
        if self._yaxis:
            series["yaxis"] = self._yaxis
        self._spec["series"].append(series)
        return series

    def _line_style(self, method: str, kwargs: Dict[str, Any], fmt: Optional[str] = None) -> Dict[str, Any]:
        color, linestyle, marker = _parse_fmt(fmt) if fmt else (None, None, None)
        explicit_color = _color(_pop(kwargs, "color", "c"))
        explicit_ls = _linestyle(_pop(kwargs, "linestyle", "ls"))
        explicit_marker = _marker(kwargs.pop("marker", None))
        style = {
            "color": explicit_color or color,
            "linestyle": explicit_ls or linestyle,
            "marker": explicit_marker or marker,
            "linewidth": _positive(_pop(kwargs, "linewidth", "lw"), "linewidth"),
            "markersize": _positive(_pop(kwargs, "markersize", "ms"), "markersize"),
            "alpha": _positive(kwargs.pop("alpha", None), "alpha"),
            "label": _label(kwargs.pop("label", None)),
        }
        # A format string with a marker and no line style means markers only, as in
        # matplotlib ('o' is dots, not a line with dots).
        if fmt and marker and not linestyle and explicit_ls is None:
            style["linestyle"] = "none"
        return style

    def plot(self, *args: Any, **kwargs: Any) -> List[Dict[str, Any]]:
        """``ax.plot(y)``, ``ax.plot(x, y)``, ``ax.plot(x, y, fmt)`` and several such
        groups in one call. Markers without a line become a ``scatter`` series."""
        groups = _plot_groups(args, "plot")
        styles = [self._line_style("plot", dict(kwargs), fmt) for _, _, fmt in groups]
        # _line_style consumed copies; now check the original for leftovers once.
        leftover = {k: v for k, v in kwargs.items() if k not in _LINE_KWARGS}
        _reject("plot", leftover)
        added = []
        for (x, y, _), style in zip(groups, styles):
            # A 2-D y is one line per column, as matplotlib draws it.
            for column in _columns(y):
                added.append(self._add(_line_or_scatter("plot", x, column, dict(style))))
        return added

    def scatter(self, x: Any, y: Any, s: Any = None, c: Any = None, marker: Any = None, **kwargs: Any) -> Dict[str, Any]:
        """``ax.scatter``: ``s`` is the marker area in points² as in matplotlib (the
        spec's ``size`` is the diameter, so it gets ``sqrt(s)``); ``c`` one color or
        one per point (a colormapped ``c`` of numbers cannot be expressed)."""
        series: Dict[str, Any] = {"type": "scatter", "x": _convert.values(x, "x"), "y": _convert.values(y, "y")}
        if s is not None:
            if _is_scalar(s):
                series["size"] = math.sqrt(_convert.number(s, "s"))
            else:
                series["sizes"] = [None if v is None else math.sqrt(v) for v in _convert.numbers_only(s, "s")]
        color = _pop(kwargs, "color")
        if c is not None and color is not None:
            raise TypeError("scatter: got both c and color")
        c = c if c is not None else color
        if c is not None:
            if isinstance(c, str) or (isinstance(c, tuple) and len(c) in (3, 4) and all(_is_number(v) for v in c)):
                series["color"] = _color(c, "c")
            else:
                items = list(c)
                if items and all(_is_number(v) for v in items):
                    raise NotExpressible(
                        "scatter: c holds numbers to map through a colormap, which the plot spec "
                        "cannot express; give one color per point instead"
                    )
                series["colors"] = _colors(items, "c")
        _put(
            series,
            marker=_marker(marker),
            alpha=_positive(kwargs.pop("alpha", None), "alpha"),
            label=_label(kwargs.pop("label", None)),
        )
        _reject("scatter", kwargs)
        return self._add(series)

    def bar(self, x: Any, height: Any, width: Any = 0.8, bottom: Any = None, *, align: str = "center", **kwargs: Any) -> Dict[str, Any]:
        """``ax.bar``. Stacking is the spec's ``stack`` name (revision 1.1), not
        matplotlib's ``bottom=`` arrays."""
        return self._bar("bar", "vertical", x, height, width, bottom, align, kwargs)

    def barh(self, y: Any, width: Any, height: Any = 0.8, left: Any = None, *, align: str = "center", **kwargs: Any) -> Dict[str, Any]:
        """``ax.barh``: horizontal bars, ``y`` the categories and ``width`` the lengths."""
        return self._bar("barh", "horizontal", y, width, height, left, align, kwargs)

    def _bar(self, method: str, orientation: str, x: Any, values: Any, thickness: Any, base: Any, align: str, kwargs: Dict[str, Any]) -> Dict[str, Any]:
        if base is not None:
            raise NotExpressible(
                "{}: the plot spec cannot express {}= offsets; stack series with stack=\"name\" instead".format(
                    method, "bottom" if method == "bar" else "left"
                )
            )
        if align != "center":
            raise NotExpressible("{}: the plot spec centres bars on their category (align='center'), not {!r}".format(method, align))
        color = _pop(kwargs, "color")
        if color is not None and not isinstance(color, str) and not (isinstance(color, tuple) and all(_is_number(v) for v in color)):
            raise NotExpressible("{}: the plot spec gives a bar series one color, not one per bar".format(method))
        series: Dict[str, Any] = {"type": "bar", "x": _convert.values(x, "x"), "y": _convert.numbers_only(values, "height" if method == "bar" else "width")}
        if orientation == "horizontal":
            series["orientation"] = "horizontal"
        _put(
            series,
            width=None if thickness == 0.8 else _convert.number(thickness, "width" if method == "bar" else "height"),
            color=_color(color),
            alpha=_positive(kwargs.pop("alpha", None), "alpha"),
            label=_label(kwargs.pop("label", None)),
            stack=_label(kwargs.pop("stack", None), "stack"),
        )
        _reject(method, kwargs)
        return self._add(series)

    def bar_label(self, container: Dict[str, Any], fmt: Any = None, *, label_type: str = "edge", **kwargs: Any) -> Dict[str, Any]:
        """``ax.bar_label(bars, fmt=..., label_type=...)`` on what ``bar`` returned:
        the spec's ``bar_label`` (revision 1.1)."""
        _reject("bar_label", kwargs)
        if not isinstance(container, dict) or container.get("type") != "bar" or not _contains(self._spec["series"], container):
            raise TypeError("bar_label: expected the bars that this axes' bar() or barh() returned")
        if label_type not in ("edge", "center"):
            raise ValueError("bar_label: label_type must be 'edge' or 'center', not {!r}".format(label_type))
        if fmt is None and label_type == "edge":
            container["bar_label"] = True
        else:
            label: Dict[str, Any] = {"position": label_type}
            if fmt is not None:
                label = {"fmt": _printf_to_format(fmt, "fmt"), "position": label_type}
            container["bar_label"] = label
        return container

    def hist(self, x: Any, bins: Any = None, *, density: bool = False, **kwargs: Any) -> Dict[str, Any]:
        """``ax.hist``: ``bins`` a count or the edges."""
        series: Dict[str, Any] = {"type": "hist", "values": _convert.numbers_only(x, "x")}
        if bins is not None:
            if isinstance(bins, str):
                raise NotExpressible("hist: the plot spec takes a bin count or edges, not the rule {!r}".format(bins))
            if _is_scalar(bins):
                if isinstance(bins, bool) or int(bins) != bins:
                    raise ValueError("hist: bins must be a whole number, got {!r}".format(bins))
                series["bins"] = int(bins)
            else:
                series["bins"] = _convert.numbers_only(bins, "bins")
        if density:
            series["density"] = True
        histtype = kwargs.pop("histtype", "bar")
        if histtype != "bar":
            raise NotExpressible("hist: the plot spec draws histtype='bar' only, not {!r}".format(histtype))
        _put(
            series,
            color=_color(_pop(kwargs, "color")),
            alpha=_positive(kwargs.pop("alpha", None), "alpha"),
            label=_label(kwargs.pop("label", None)),
        )
        _reject("hist", kwargs)
        return self._add(series)

    def fill_between(self, x: Any, y1: Any, y2: Any = 0, **kwargs: Any) -> Dict[str, Any]:
        """``ax.fill_between``: the spec's ``area``."""
        xs = _convert.values(x, "x")
        series: Dict[str, Any] = {"type": "area", "x": xs, "y": _convert.numbers_only(y1, "y1")}
        if _is_scalar(y2):
            level = _convert.number(y2, "y2")
            if level != 0:
                series["y2"] = [level] * len(xs)
        else:
            series["y2"] = _convert.numbers_only(y2, "y2")
        where = kwargs.pop("where", None)
        if where is not None:
            raise NotExpressible("fill_between: the plot spec cannot express where=; put None (a gap) in y1 instead")
        _put(
            series,
            color=_color(_pop(kwargs, "color", "facecolor", "fc")),
            alpha=_positive(kwargs.pop("alpha", None), "alpha"),
            label=_label(kwargs.pop("label", None)),
            linewidth=_positive(_pop(kwargs, "linewidth", "lw"), "linewidth"),
            linestyle=_line_only(_linestyle(_pop(kwargs, "linestyle", "ls")), "fill_between"),
            stack=_label(kwargs.pop("stack", None), "stack"),
        )
        _reject("fill_between", kwargs)
        return self._add(series)

    def step(self, x: Any, y: Any, *args: Any, where: str = "pre", **kwargs: Any) -> Dict[str, Any]:
        """``ax.step`` with ``where`` 'pre', 'post' or 'mid'."""
        if len(args) > 1:
            raise TypeError("step: expected step(x, y[, fmt])")
        fmt = args[0] if args else None
        if where not in ("pre", "post", "mid"):
            raise ValueError("step: where must be 'pre', 'post' or 'mid', not {!r}".format(where))
        style = self._line_style("step", kwargs, fmt)
        _reject("step", kwargs)
        if style["linestyle"] == "none":
            raise NotExpressible("step: a step series without a line cannot be expressed")
        series: Dict[str, Any] = {"type": "step", "x": _convert.values(x, "x"), "y": _convert.values(y, "y")}
        if where != "pre":
            series["where"] = where
        return self._add(_put(series, **style))

    def errorbar(self, x: Any, y: Any, yerr: Any = None, xerr: Any = None, fmt: str = "", **kwargs: Any) -> Dict[str, Any]:
        """``ax.errorbar``: symmetric errors, one number or one per point."""
        if fmt == "none":
            raise NotExpressible("errorbar: fmt='none' (error bars without the data line) cannot be expressed")
        style = self._line_style("errorbar", kwargs, fmt or None)
        capsize = _positive(kwargs.pop("capsize", None), "capsize")
        _reject("errorbar", kwargs)
        if style["linestyle"] == "none":
            raise NotExpressible(
                "errorbar: the plot spec's errorbar always joins its points; a markers-only fmt "
                "such as 'o' cannot be expressed (use fmt='-o')"
            )
        series: Dict[str, Any] = {"type": "errorbar", "x": _convert.values(x, "x"), "y": _convert.values(y, "y")}
        for name, err in (("yerr", yerr), ("xerr", xerr)):
            if err is None:
                continue
            if not _is_scalar(err) and any(not _is_scalar(e) for e in err):
                raise NotExpressible(
                    "errorbar: {} holds lower and upper errors; the plot spec has symmetric errors only".format(name)
                )
            if _is_scalar(err):
                series[name] = _convert.number(err, name)
            else:
                series[name] = _convert.numbers_only(err, name)
        _put(series, capsize=capsize, **style)
        return self._add(series)

    def imshow(self, X: Any, cmap: Any = None, *, vmin: Any = None, vmax: Any = None, **kwargs: Any) -> Dict[str, Any]:
        """``ax.imshow`` of a 2-D array: the spec's ``heatmap``; ``fig.colorbar(im)``
        adds its colorbar."""
        series: Dict[str, Any] = {"type": "heatmap", "z": _convert.rows(X, "X")}
        if cmap is not None:
            name = getattr(cmap, "name", cmap)
            if not isinstance(name, str) or name.lower() not in _COLORMAPS:
                raise NotExpressible("imshow: the plot spec has the colormaps {}, not {!r}".format(", ".join(_COLORMAPS), name))
            series["colormap"] = name.lower()
        _put(
            series,
            vmin=_positive(vmin, "vmin"),
            vmax=_positive(vmax, "vmax"),
            alpha=_positive(kwargs.pop("alpha", None), "alpha"),
            label=_label(kwargs.pop("label", None)),
        )
        _reject("imshow", kwargs)
        return self._add(series)

    def axhline(self, y: Any = 0, xmin: float = 0, xmax: float = 1, **kwargs: Any) -> Dict[str, Any]:
        """``ax.axhline`` across the whole axes."""
        return self._axline("axhline", "hline", "y", y, xmin, xmax, kwargs)

    def axvline(self, x: Any = 0, ymin: float = 0, ymax: float = 1, **kwargs: Any) -> Dict[str, Any]:
        """``ax.axvline`` across the whole axes."""
        return self._axline("axvline", "vline", "x", x, ymin, ymax, kwargs)

    def _axline(self, method: str, kind: str, field: str, value: Any, lo: float, hi: float, kwargs: Dict[str, Any]) -> Dict[str, Any]:
        if (lo, hi) != (0, 1):
            raise NotExpressible("{}: the plot spec draws the line across the whole axes; it cannot express a partial span".format(method))
        series: Dict[str, Any] = {"type": kind, field: _convert.position(value, field)}
        _put(
            series,
            color=_color(_pop(kwargs, "color", "c")),
            linewidth=_positive(_pop(kwargs, "linewidth", "lw"), "linewidth"),
            linestyle=_line_only(_linestyle(_pop(kwargs, "linestyle", "ls")), method),
            alpha=_positive(kwargs.pop("alpha", None), "alpha"),
            label=_label(kwargs.pop("label", None)),
        )
        _reject(method, kwargs)
        return self._add(series)

    def text(self, x: Any, y: Any, s: Any, **kwargs: Any) -> Dict[str, Any]:
        """``ax.text`` at data coordinates."""
        series: Dict[str, Any] = {"type": "text", "x": _convert.position(x, "x"), "y": _convert.position(y, "y"), "text": str(s)}
        _put(series, **_text_style("text", kwargs))
        _reject("text", kwargs)
        return self._add(series)

    def annotate(self, text: Any, xy: Sequence[Any], xytext: Optional[Sequence[Any]] = None, xycoords: str = "data", textcoords: Optional[str] = None, arrowprops: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Dict[str, Any]:
        """``ax.annotate`` (spec revision 1.1): ``xytext`` in data coordinates, or in
        points from ``xy`` with ``textcoords='offset points'``; ``arrowprops`` with an
        ``arrowstyle`` of '->', '-|>' or '-'."""
        if xycoords != "data":
            raise NotExpressible("annotate: the plot spec places xy in data coordinates only, not {!r}".format(xycoords))
        series: Dict[str, Any] = {"type": "annotation", "text": str(text), "xy": _pair(xy, "xy")}
        if xytext is not None:
            coords = textcoords or "data"
            if coords == "data":
                series["xytext"] = _pair(xytext, "xytext")
            elif coords == "offset points":
                series["offset"] = [_convert.number(v, "xytext") for v in _two(xytext, "xytext")]
            else:
                raise ValueError("annotate: textcoords must be 'data' or 'offset points', not {!r}".format(coords))
        elif textcoords is not None:
            raise TypeError("annotate: textcoords without xytext")
        if arrowprops is not None:
            props = dict(arrowprops)
            # matplotlib's arrow without an arrowstyle is a filled head: '-|>'.
            style = props.pop("arrowstyle", "-|>")
            if style not in _ARROWS:
                raise NotExpressible("annotate: the plot spec has the arrow styles {}, not {!r}".format(", ".join(_ARROWS), style))
            if props:
                raise NotExpressible("annotate: the plot spec cannot express arrowprops {}".format(", ".join(sorted(props))))
            series["arrow"] = style
        _put(series, **_text_style("annotate", kwargs))
        _reject("annotate", kwargs)
        return self._add(series)

    def pie(self, x: Any, explode: Any = None, labels: Any = None, colors: Any = None, autopct: Any = None, startangle: Any = None, counterclock: bool = True, wedgeprops: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Dict[str, Any]:
        """``ax.pie`` (spec revision 1.1); a donut is ``wedgeprops={"width": w}``."""
        series: Dict[str, Any] = {"type": "pie", "values": _convert.numbers_only(x, "x")}
        if labels is not None:
            series["labels"] = [str(v) for v in labels]
        if colors is not None:
            series["colors"] = _colors(colors, "colors")
        if autopct is not None:
            series["autopct"] = _printf_to_format(autopct, "autopct")
        if startangle is not None:
            series["startangle"] = _convert.number(startangle, "startangle")
        if counterclock is not True:
            series["counterclock"] = bool(counterclock)
        if explode is not None:
            series["explode"] = _convert.numbers_only(explode, "explode")
        if wedgeprops is not None:
            props = dict(wedgeprops)
            if "width" in props:
                series["hole"] = 1 - _convert.number(props.pop("width"), "wedgeprops['width']")
            if props:
                raise NotExpressible("pie: the plot spec cannot express wedgeprops {}".format(", ".join(sorted(props))))
        if kwargs.pop("shadow", False):
            raise NotExpressible("pie: the plot spec cannot express shadow")
        _put(series, label=_label(kwargs.pop("label", None)))
        _reject("pie", kwargs)
        return self._add(series)

    def boxplot(self, x: Any, *, whis: Any = None, showfliers: bool = True, vert: Optional[bool] = None, orientation: Optional[str] = None, widths: Any = None, labels: Any = None, tick_labels: Any = None, **kwargs: Any) -> Dict[str, Any]:
        """``ax.boxplot`` (spec revision 1.1); statistics as matplotlib's."""
        series: Dict[str, Any] = {"type": "box", "data": _convert.datasets(x, "x")}
        if labels is not None and tick_labels is not None:
            raise TypeError("boxplot: got both labels and tick_labels")
        names = tick_labels if tick_labels is not None else labels
        if names is not None:
            series["labels"] = [str(v) for v in names]
        if whis is not None:
            if not _is_scalar(whis):
                raise NotExpressible("boxplot: the plot spec takes whis as one factor of the IQR, not percentiles")
            series["whis"] = _convert.number(whis, "whis")
        if not showfliers:
            series["showfliers"] = False
        if vert is not None and orientation is not None:
            raise TypeError("boxplot: got both vert and orientation")
        if vert is False or orientation == "horizontal":
            series["orientation"] = "horizontal"
        elif orientation not in (None, "vertical"):
            raise ValueError("boxplot: orientation must be 'vertical' or 'horizontal', not {!r}".format(orientation))
        if widths is not None:
            series["widths"] = _convert.number(widths, "widths") if _is_scalar(widths) else _convert.numbers_only(widths, "widths")
        _put(
            series,
            color=_color(_pop(kwargs, "color")),
            label=_label(kwargs.pop("label", None)),
        )
        _reject("boxplot", kwargs)
        return self._add(series)

    def twinx(self) -> "Axes":
        """A second y axis on the right (spec revision 1.1: the axes' ``y2``); its
        series carry ``"yaxis": "right"``."""
        if self._yaxis:
            raise TypeError("twinx: this is already the twin axes")
        return Axes(self.figure, self._spec, yaxis="right")

    # axes set-up ---------------------------------------------------------------------

    def _axis(self, which: str) -> Dict[str, Any]:
        key = "y2" if which == "y" and self._yaxis else which
        return self._spec.setdefault(key, {})

    def set_title(self, label: Any, **kwargs: Any) -> None:
        _reject("set_title", kwargs)
        self._spec["title"] = str(label)

    def set_xlabel(self, xlabel: Any, **kwargs: Any) -> None:
        _reject("set_xlabel", kwargs)
        self._axis("x")["label"] = str(xlabel)

    def set_ylabel(self, ylabel: Any, **kwargs: Any) -> None:
        _reject("set_ylabel", kwargs)
        self._axis("y")["label"] = str(ylabel)

    def set_xlim(self, left: Any = None, right: Any = None, **kwargs: Any) -> None:
        self._set_lim("set_xlim", "x", left, right, kwargs, ("xmin", "xmax"))

    def set_ylim(self, bottom: Any = None, top: Any = None, **kwargs: Any) -> None:
        self._set_lim("set_ylim", "y", bottom, top, kwargs, ("ymin", "ymax"))

    def _set_lim(self, method: str, which: str, lo: Any, hi: Any, kwargs: Dict[str, Any], aliases: Tuple[str, str]) -> None:
        if lo is not None and hi is None and not _is_scalar(lo):
            lo, hi = _two(lo, method)
        lo = lo if lo is not None else kwargs.pop(aliases[0], None)
        hi = hi if hi is not None else kwargs.pop(aliases[1], None)
        _reject(method, kwargs)
        axis = self._axis(which)
        if lo is not None:
            axis["min"] = _convert.position(lo, "min")
        if hi is not None:
            axis["max"] = _convert.position(hi, "max")

    def set_xscale(self, value: str, **kwargs: Any) -> None:
        self._set_scale("set_xscale", "x", value, kwargs)

    def set_yscale(self, value: str, **kwargs: Any) -> None:
        self._set_scale("set_yscale", "y", value, kwargs)

    def _set_scale(self, method: str, which: str, value: str, kwargs: Dict[str, Any]) -> None:
        _reject(method, kwargs)
        if value not in ("linear", "log"):
            raise NotExpressible("{}: the plot spec has the scales 'linear' and 'log', not {!r}".format(method, value))
        self._axis(which)["scale"] = value

    def set_xticks(self, ticks: Any, labels: Any = None, **kwargs: Any) -> None:
        self._set_ticks("set_xticks", "x", ticks, labels, kwargs)

    def set_yticks(self, ticks: Any, labels: Any = None, **kwargs: Any) -> None:
        self._set_ticks("set_yticks", "y", ticks, labels, kwargs)

    def _set_ticks(self, method: str, which: str, ticks: Any, labels: Any, kwargs: Dict[str, Any]) -> None:
        if kwargs.pop("minor", False):
            raise NotExpressible("{}: the plot spec cannot express minor ticks".format(method))
        _reject(method, kwargs)
        axis = self._axis(which)
        axis["ticks"] = _convert.values(ticks, "ticks")
        if labels is not None:
            axis["tick_labels"] = [str(v) for v in labels]

    def legend(self, *args: Any, loc: Any = None, **kwargs: Any) -> None:
        """``ax.legend(loc=...)`` over the series' labels; without ``loc`` the
        renderer's default placement is kept."""
        if args:
            raise NotExpressible("legend: the plot spec takes the entries from the series' label=, not handles")
        _reject("legend", kwargs)
        if loc is None:
            return
        if isinstance(loc, int) and not isinstance(loc, bool) and loc in _LEGEND_CODES:
            loc = _LEGEND_CODES[loc]
        if loc == "right":
            loc = "center right"  # matplotlib's alias
        if loc not in _LEGEND_NAMES:
            raise NotExpressible("legend: the plot spec has no legend position {!r}".format(loc))
        self._spec["legend"] = loc

    def grid(self, visible: Optional[bool] = None, which: str = "major", axis: str = "both", **kwargs: Any) -> None:
        """``ax.grid(True/False, axis=...)``. The renderer draws the grid unless told
        not to, unlike matplotlib: call ``ax.grid(False)`` for matplotlib's look."""
        if which != "major":
            raise NotExpressible("grid: the plot spec draws major grid lines only, not which={!r}".format(which))
        if axis not in ("both", "x", "y"):
            raise ValueError("grid: axis must be 'both', 'x' or 'y', not {!r}".format(axis))
        _reject("grid", kwargs)
        on = True if visible is None else bool(visible)
        for name in ("x", "y") if axis == "both" else (axis,):
            self._axis(name)["grid"] = on

    def set(self, **kwargs: Any) -> None:
        """matplotlib's batch setter: ``ax.set(title=..., xlabel=..., ylim=(0, 1))``."""
        for key in list(kwargs):
            setter = getattr(self, "set_" + key, None)
            if setter is None or key in ("",):
                raise NotExpressible("set: the plot spec cannot express {}".format(key))
            value = kwargs.pop(key)
            if key in ("xlim", "ylim"):
                setter(*_two(value, key))
            else:
                setter(value)

    def to_spec(self) -> Dict[str, Any]:
        """This axes' part of the spec (a copy)."""
        return copy.deepcopy(self._spec)


_LINE_KWARGS = ("color", "c", "linestyle", "ls", "marker", "linewidth", "lw", "markersize", "ms", "alpha", "label")


def _plot_groups(args: Sequence[Any], method: str) -> List[Tuple[Any, Any, Optional[str]]]:
    """matplotlib's ``plot`` argument groups: [x], y, [fmt], repeated."""
    if not args:
        raise TypeError("{}: expected data".format(method))
    groups = []
    rest = list(args)
    while rest:
        if isinstance(rest[0], str):
            raise TypeError("{}: a format string must follow its data".format(method))
        if len(rest) >= 2 and not isinstance(rest[1], str):
            x, y, rest = rest[0], rest[1], rest[2:]
        else:
            x, y, rest = None, rest[0], rest[1:]
        fmt = None
        if rest and isinstance(rest[0], str):
            fmt, rest = rest[0], rest[1:]
        groups.append((x, y, fmt))
    return groups


def _columns(y: Any) -> List[Any]:
    np = _convert._numpy()
    if np is not None and isinstance(y, np.ndarray) and y.ndim == 2:
        return [y[:, j] for j in range(y.shape[1])]
    pd = _convert._pandas()
    if pd is not None and isinstance(y, pd.DataFrame):
        return [y[c] for c in y.columns]
    return [y]


def _line_or_scatter(method: str, x: Any, y: Any, style: Dict[str, Any]) -> Dict[str, Any]:
    series: Dict[str, Any] = {"type": "line"}
    if x is None:
        x = _series_index(y)
    if x is not None:
        series["x"] = _convert.values(x, "x")
    series["y"] = _convert.values(y, "y")
    if style["linestyle"] == "none":
        # No line: matplotlib draws the markers alone, which is the spec's scatter.
        marker = style["marker"]
        if marker in (None, "none"):
            raise ValueError("{}: a series with neither a line nor markers draws nothing".format(method))
        if style["linewidth"] is not None:
            raise TypeError("{}: linewidth on a series without a line".format(method))
        series["type"] = "scatter"
        return _put(series, size=style["markersize"], marker=marker, color=style["color"], alpha=style["alpha"], label=style["label"])
    return _put(series, **style)


def _series_index(y: Any) -> Any:
    """A pandas Series plotted alone is drawn against its index, as matplotlib does;
    the default 0..n-1 index needs no ``x``."""
    pd = _convert._pandas()
    if pd is None or not isinstance(y, pd.Series):
        return None
    index = y.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return None
    return index


def _line_only(style: Optional[str], method: str) -> Optional[str]:
    if style == "none":
        raise NotExpressible("{}: linestyle 'none' cannot be expressed here".format(method))
    return style


def _text_style(method: str, kwargs: Dict[str, Any]) -> Dict[str, Any]:
    fontsize = _pop(kwargs, "fontsize", "size")
    if isinstance(fontsize, str):
        raise NotExpressible("{}: the plot spec takes fontsize in points, not {!r}".format(method, fontsize))
    ha = _pop(kwargs, "ha", "horizontalalignment")
    va = _pop(kwargs, "va", "verticalalignment")
    if ha is not None and ha not in ("left", "center", "right"):
        raise NotExpressible("{}: ha must be 'left', 'center' or 'right', not {!r}".format(method, ha))
    if va is not None and va not in ("top", "center", "bottom"):
        raise NotExpressible("{}: va must be 'top', 'center' or 'bottom', not {!r}".format(method, va))
    return {
        "fontsize": _positive(fontsize, "fontsize"),
        "ha": ha,
        "va": va,
        "color": _color(_pop(kwargs, "color", "c")),
        "alpha": _positive(kwargs.pop("alpha", None), "alpha"),
    }


def _label(value: Any, name: str = "label") -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    return value


def _is_number(value: Any) -> bool:
    return _is_scalar(value) and not isinstance(value, (str, bytes)) and value is not None


def _is_scalar(value: Any) -> bool:
    if isinstance(value, (str, bytes, int, float)):
        return True
    np = _convert._numpy()
    if np is not None and isinstance(value, np.generic):
        return True
    return not hasattr(value, "__iter__") and not hasattr(value, "__len__")


def _two(value: Any, name: str) -> Tuple[Any, Any]:
    items = list(value)
    if len(items) != 2:
        raise ValueError("{}: expected two values, got {}".format(name, len(items)))
    return items[0], items[1]


def _pair(value: Any, name: str) -> List[Any]:
    lo, hi = _two(value, name)
    return [_convert.position(lo, name), _convert.position(hi, name)]


def _contains(items: List[Any], target: Any) -> bool:
    return any(item is target for item in items)


# --- figure -------------------------------------------------------------------------

class AxesGrid(Sequence[Any]):
    """The axes of ``subplots(nrows, ncols)``, indexed as matplotlib's array is:
    ``axs[i, j]``, ``axs[i][j]``, ``axs.flat``, iteration over rows."""

    def __init__(self, rows: List[List[Axes]], squeeze_to_1d: bool):
        self._rows = rows
        self._one_d = squeeze_to_1d

    @property
    def flat(self) -> Iterator[Axes]:
        return iter([ax for row in self._rows for ax in row])

    def ravel(self) -> List[Axes]:
        return list(self.flat)

    flatten = ravel

    @property
    def shape(self) -> Tuple[int, ...]:
        if self._one_d:
            return (len(self.ravel()),)
        return (len(self._rows), len(self._rows[0]))

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index: Any) -> Any:
        if self._one_d:
            return self.ravel()[index]
        if isinstance(index, tuple):
            i, j = index
            return self._rows[i][j]
        return self._rows[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.ravel() if self._one_d else self._rows)


class Figure:
    """The figure of ``subplots``: ``suptitle``, ``to_spec``, ``render``, ``savefig``."""

    def __init__(self, nrows: int, ncols: int, figsize: Any = None, dpi: Any = None, facecolor: Any = None):
        for name, value in (("nrows", nrows), ("ncols", ncols)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError("subplots: {} must be a positive whole number, got {!r}".format(name, value))
        self._rows = nrows
        self._cols = ncols
        self._spec: Dict[str, Any] = {}
        if figsize is not None:
            self._spec["figsize"] = [_convert.number(v, "figsize") for v in _two(figsize, "figsize")]
        if dpi is not None:
            self._spec["dpi"] = _convert.number(dpi, "dpi")
        if facecolor is not None:
            self._spec["background"] = "transparent" if facecolor == "none" else _color(facecolor, "facecolor")
        self.axes: List[Axes] = [Axes(self) for _ in range(nrows * ncols)]

    def suptitle(self, t: Any, **kwargs: Any) -> None:
        _reject("suptitle", kwargs)
        self._spec["title"] = str(t)

    def colorbar(self, mappable: Dict[str, Any], ax: Any = None, **kwargs: Any) -> None:
        """``fig.colorbar(im)`` for what ``imshow`` returned."""
        _reject("colorbar", kwargs)
        if not isinstance(mappable, dict) or mappable.get("type") != "heatmap" or not any(
            _contains(a._spec["series"], mappable) for a in self.axes
        ):
            raise TypeError("colorbar: expected what imshow() on this figure returned")
        mappable["colorbar"] = True

    def to_spec(self) -> Dict[str, Any]:
        """The spec document (a fresh copy: editing it does not change the figure)."""
        return copy.deepcopy(self._document())

    def _document(self) -> Dict[str, Any]:
        # Shares the figure's lists: for rendering, which only serializes it, a deep
        # copy of every data array would be wasted work.
        spec = dict(self._spec)
        if self._rows * self._cols > 1:
            spec["subplots"] = {"rows": self._rows, "cols": self._cols}
        spec["axes"] = [ax._spec for ax in self.axes]
        return spec

    def render(self, format: str = "png", **kwargs: Any) -> bytes:
        """``plotbox.render(fig.to_spec(), format, ...)``: ``format`` is ``"svg"``,
        ``"png"`` or ``"pdf"``, with the same keyword arguments (``scale``,
        ``timeout``, ``memory_mb``, ``fuel``)."""
        return _api.render(_api.spec_bytes(self._document()), format, **kwargs)

    async def render_async(self, format: str = "png", **kwargs: Any) -> bytes:
        """``plotbox.render_async(fig.to_spec(), format, ...)``."""
        return await _api.render_async(_api.spec_bytes(self._document()), format, **kwargs)

    def savefig(self, fname: Any, format: Optional[str] = None, *, dpi: Any = None, **kwargs: Any) -> None:
        """Writes the picture to a path or a binary file object. The format (``"svg"``,
        ``"png"`` or ``"pdf"``) comes from ``format``, else the file name's extension
        (``.svg``, ``.png``, ``.pdf``, in any case), else PNG (matplotlib's default).
        ``dpi`` other than the figure's renders a PNG at ``dpi / figure dpi`` scale."""
        render_kwargs = {k: kwargs.pop(k) for k in ("scale", "timeout", "memory_mb", "fuel") if k in kwargs}
        _reject("savefig", kwargs)
        is_file = hasattr(fname, "write")
        if format is None:
            ext = "" if is_file else os.path.splitext(os.fspath(fname))[1].lower().lstrip(".")
            format = ext or "png"
        if dpi is not None:
            if format != "png":
                raise TypeError("savefig: dpi applies to PNG only (SVG and PDF are resolution-independent)")
            if "scale" in render_kwargs:
                raise TypeError("savefig: got both dpi and scale")
            render_kwargs["scale"] = _convert.number(dpi, "dpi") / self._spec.get("dpi", 100.0)
        data = self.render(format, **render_kwargs)
        if is_file:
            fname.write(data)
            return
        with open(fname, "wb") as out:
            out.write(data)


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: Any = None, dpi: Any = None, squeeze: bool = True, facecolor: Any = None, **kwargs: Any) -> Tuple[Figure, Any]:
    """``fig, ax = plotbox.subplots()``; ``fig, axs = plotbox.subplots(2, 2)`` gives
    an ``AxesGrid`` indexed like matplotlib's array (``axs[0, 1]``)."""
    _reject("subplots", kwargs)
    fig = Figure(nrows, ncols, figsize=figsize, dpi=dpi, facecolor=facecolor)
    if squeeze and nrows == 1 and ncols == 1:
        return fig, fig.axes[0]
    rows = [fig.axes[r * ncols:(r + 1) * ncols] for r in range(nrows)]
    return fig, AxesGrid(rows, squeeze_to_1d=squeeze and (nrows == 1 or ncols == 1))
