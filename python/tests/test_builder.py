"""The matplotlib-shaped builder: it writes the specs python/README.md documents for
it, converts the data people plot, renders what it builds, and refuses what the spec
cannot express instead of dropping it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

import plotbox

from conftest import REPO, png_image

ROW = re.compile(r"^\| `(?P<call>.+?)` \| `(?P<spec>\{.*\})` \| (?P<rev>1|1\.1) \|$")
ROWS = [m.groupdict() for m in map(ROW.match, (REPO / "python" / "README.md").read_text().splitlines()) if m]
def run(call):
    fig, ax = plotbox.subplots()
    namespace = {"plotbox": plotbox, "fig": fig, "ax": ax, "np": np, "pd": pd, "date": date}
    exec(call, namespace)
    return namespace["fig"], namespace["ax"]


def written(call, documented):
    """What the call wrote, in the shape of its documented spec: the series it
    appended, or the axes or figure fields it set."""
    fig, ax = run(call)
    spec = fig.to_spec()
    if "type" in documented:
        return spec["axes"][0]["series"][-1]
    if call.startswith(("fig", "plotbox")):
        return {k: v for k, v in spec.items() if k != "axes"}
    return {k: v for k, v in spec["axes"][0].items() if k != "series"}


def test_the_readme_documents_every_builder_method():
    documented = " ".join(row["call"] for row in ROWS)
    for name in ("plot", "scatter", "bar", "barh", "hist", "fill_between", "step", "errorbar", "imshow",
                 "axhline", "axvline", "text", "annotate", "pie", "boxplot", "twinx", "set_title",
                 "set_xlabel", "set_ylabel", "set_xlim", "set_ylim", "set_xscale", "set_yscale",
                 "set_xticks", "legend", "grid", "suptitle", "subplots"):
        assert f"{name}(" in documented, name
    assert len(ROWS) >= 35


@pytest.mark.parametrize("row", ROWS, ids=[r["call"] for r in ROWS])
def test_builder_makes_the_documented_spec(row):
    documented = json.loads(row["spec"])
    assert written(row["call"], documented) == documented


@pytest.mark.parametrize(
    "row",
    ROWS,
    ids=[r["call"] for r in ROWS],
)
def test_what_the_builder_makes_renders(row):
    fig, ax = run(row["call"])
    if not fig.to_spec()["axes"][0]["series"]:
        for axes in fig.axes:
            axes.plot([1, 2, 3], [2, 1, 3], label="data")
    image = png_image(fig.render("png"))
    assert image.size[0] > 100 and image.size[1] > 100


def test_figure_render_and_savefig_give_the_bytes_of_render(tmp_path):
    fig, axs = plotbox.subplots(1, 2, figsize=(6, 3), dpi=100)
    axs[0].plot([1, 2, 3], [3, 1, 2], "C1-o", label="a")
    axs[1].bar(["x", "y"], [2, 5])
    fig.suptitle("two")
    expected_png = plotbox.render(fig.to_spec())
    expected_svg = plotbox.render(fig.to_spec(), format="svg")
    assert fig.render() == expected_png
    fig.savefig(tmp_path / "a.svg")
    assert (tmp_path / "a.svg").read_bytes() == expected_svg
    fig.savefig(str(tmp_path / "a.png"))
    assert (tmp_path / "a.png").read_bytes() == expected_png
    buffer = io.BytesIO()
    fig.savefig(buffer)  # a file without a name: PNG, matplotlib's default
    assert buffer.getvalue() == expected_png
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    assert buffer.getvalue() == expected_svg
    # savefig(dpi=) is a PNG at dpi / figure dpi.
    fig.savefig(tmp_path / "b.png", dpi=200)
    assert (tmp_path / "b.png").read_bytes() == plotbox.render(fig.to_spec(), scale=2)
    assert png_image(expected_png).size == (600, 300)


def test_savefig_writes_a_pdf_for_a_pdf_file_name_or_format(tmp_path):
    fig, ax = plotbox.subplots(figsize=(6, 3))
    ax.plot([1, 2, 3], [3, 1, 2], label="a")
    ax.set_title("Signups")
    expected_pdf = plotbox.render(fig.to_spec(), format="pdf")
    assert expected_pdf.startswith(b"%PDF-")
    assert fig.render("pdf") == expected_pdf
    fig.savefig(tmp_path / "a.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == expected_pdf
    fig.savefig(str(tmp_path / "B.PDF"))  # the extension in any case
    assert (tmp_path / "B.PDF").read_bytes() == expected_pdf
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf")
    assert buffer.getvalue() == expected_pdf
    # An explicit format wins over the file name, as in matplotlib.
    fig.savefig(tmp_path / "c.png", format="pdf")
    assert (tmp_path / "c.png").read_bytes() == expected_pdf
    # dpi sets the PNG scale; a vector format has none.
    with pytest.raises(TypeError, match="dpi"):
        fig.savefig(tmp_path / "d.pdf", dpi=200)
    assert not (tmp_path / "d.pdf").exists()


def test_render_async_of_a_figure():
    import asyncio

    fig, ax = plotbox.subplots()
    ax.hist([1, 2, 2, 3, 3, 3])
    assert asyncio.run(fig.render_async("svg")) == plotbox.render(fig.to_spec(), format="svg")
    assert asyncio.run(fig.render_async("pdf")) == plotbox.render(fig.to_spec(), format="pdf")


def test_subplots_grid_indexes_like_matplotlib():
    fig, axs = plotbox.subplots(2, 3)
    assert axs.shape == (2, 3)
    assert axs[1, 2] is axs[1][2] is list(axs.flat)[5]
    axs[1, 2].set_title("last")
    spec = fig.to_spec()
    assert spec["subplots"] == {"rows": 2, "cols": 3}
    assert [a.get("title") for a in spec["axes"]] == [None] * 5 + ["last"]
    fig, axs = plotbox.subplots(1, 3)
    assert axs.shape == (3,) and axs[2] is fig.axes[2]
    fig, axs = plotbox.subplots(squeeze=False)
    assert axs[0, 0] is fig.axes[0]


def test_a_2d_y_is_one_line_per_column():
    fig, ax = plotbox.subplots()
    lines = ax.plot([0, 1], np.array([[1, 10], [2, 20]]), "--", label="col")
    assert [s["y"] for s in fig.to_spec()["axes"][0]["series"]] == [[1.0, 2.0], [10.0, 20.0]]
    assert all(s["linestyle"] == "dashed" and s["x"] == [0.0, 1.0] for s in lines)


def test_to_spec_is_a_copy():
    fig, ax = plotbox.subplots()
    ax.plot([1, 2])
    spec = fig.to_spec()
    spec["axes"][0]["series"][0]["y"].append(99)
    assert fig.to_spec()["axes"][0]["series"][0]["y"] == [1.0, 2.0]


def test_dates_times_and_gaps_become_iso_strings_and_nulls():
    fig, ax = plotbox.subplots()
    ax.plot(
        [dt.datetime(2026, 3, 1, 12, 30), dt.datetime(2026, 3, 1, 13, 0, 0, 500000,
                                                      tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
         np.datetime64("2026-03-02"), pd.Timestamp("2026-03-03 08:00", tz="UTC"), None],
        [1, np.float32(2), float("nan"), np.int64(4), 5],
    )
    series = fig.to_spec()["axes"][0]["series"][0]
    assert series["x"] == ["2026-03-01T12:30:00", "2026-03-01T13:00:00.500000+05:30", "2026-03-02",
                           "2026-03-03T08:00:00+00:00", None]
    assert series["y"] == [1.0, 2.0, None, 4.0, 5.0]
    ax.set_xlim(date(2026, 3, 1), dt.datetime(2026, 3, 4))
    assert fig.to_spec()["axes"][0]["x"] == {"min": "2026-03-01", "max": "2026-03-04T00:00:00"}


def test_pandas_and_numpy_inputs_match_lists():
    from_lists, ax = plotbox.subplots()
    ax.bar(["a", "b", "c"], [1, 2, 3])
    ax.imshow([[1, 2], [3, 4]])
    from_libs, ax = plotbox.subplots()
    ax.bar(pd.Index(["a", "b", "c"]), pd.Series([1, 2, 3], dtype="int64"))
    ax.imshow(pd.DataFrame([[1, 2], [3, 4]]).to_numpy())
    assert from_libs.to_spec() == from_lists.to_spec()
    assert from_libs.render("svg") == from_lists.render("svg")


@pytest.mark.parametrize(
    "call,error,names",
    [
        ("ax.plot([1, 2], zorder=3)", TypeError, "zorder"),
        ("ax.plot([1, 2], [3, 4], 'g', drawstyle='steps', zorder=1)", TypeError, "drawstyle, zorder"),
        ("ax.scatter([1], [2], edgecolors='k')", TypeError, "edgecolors"),
        ("ax.bar(['a'], [1], bottom=[1])", TypeError, "bottom"),
        ("ax.hist([1, 2], range=(0, 1))", TypeError, "range"),
        ("ax.set_title('t', fontsize=20)", TypeError, "fontsize"),
        ("ax.legend(ncol=2)", TypeError, "ncol"),
        ("ax.axhline(1, xmin=0.2)", TypeError, "partial span"),
        ("ax.fill_between([1, 2], [1, 2], where=[True, False])", TypeError, "where"),
        ("fig.savefig('x.png', bbox_inches='tight')", TypeError, "bbox_inches"),
        ("plotbox.subplots(sharex=True)", TypeError, "sharex"),
        ("ax.scatter([1, 2], [1, 2], c=[0.1, 0.9])", ValueError, "colormap"),
        ("ax.plot([1, 2], 'D')", ValueError, "'D'"),
        ("ax.plot([1, 2], marker='*')", ValueError, "'*'"),
        ("ax.plot([1, 2], linestyle=(0, (1, 1)))", ValueError, "linestyle"),
        ("ax.errorbar([1], [1], yerr=1, fmt='o')", ValueError, "joins its points"),
        ("ax.set_yscale('symlog')", ValueError, "symlog"),
        ("ax.imshow([[1]], cmap='jet')", ValueError, "jet"),
        ("ax.legend(loc='upper middle')", ValueError, "upper middle"),
        ("ax.text(0, 0, 'a', va='baseline')", ValueError, "baseline"),
        ("ax.hist([1, 2], bins='auto')", ValueError, "auto"),
        ("ax.errorbar([1, 2], [1, 2], yerr=[[0.1, 0.2], [0.3, 0.4]])", ValueError, "symmetric"),
        ("ax.pie([1, 2], autopct='%5.1f%%')", ValueError, "pads"),
        ("ax.pie([1, 2], autopct=lambda p: str(p))", TypeError, "function"),
        ("ax.plot([object()])", TypeError, "y[0]"),
        ("ax.annotate('a', (0, 0), arrowprops={'arrowstyle': '->', 'color': 'red'})", TypeError, "color"),
    ],
)
def test_what_the_spec_cannot_express_is_refused_by_name(call, error, names):
    with pytest.raises(error) as info:
        run(call)
    assert names in str(info.value)
    if "object()" not in call:  # that one is data of the wrong type, a plain TypeError
        assert isinstance(info.value, plotbox.NotExpressible)
        assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "printf,spec",
    [("%1.1f%%", "{:.1f}%"), ("%d", "{:.0f}"), ("%.2e", "{:.2e}"), ("%g", "{:g}"), ("%.3g", "{:.3g}"),
     ("%f kg", "{:.6f} kg"), ("{:,.2f}", "{:,.2f}"), ("{x} %.1f", "{x} %.1f")],
)
def test_printf_formats_become_the_specs_format_strings(printf, spec):
    fig, ax = plotbox.subplots()
    ax.bar_label(ax.bar(["a"], [1]), fmt=printf)
    assert fig.to_spec()["axes"][0]["series"][0]["bar_label"]["fmt"] == spec


def test_a_refused_call_leaves_the_figure_unchanged():
    fig, ax = plotbox.subplots()
    ax.plot([1, 2])
    before = fig.to_spec()
    with pytest.raises(TypeError):
        ax.plot([3, 4], zorder=2)
    assert fig.to_spec() == before


def test_render_errors_from_builder_specs_carry_spec_paths():
    fig, axs = plotbox.subplots(1, 2)
    axs[1].plot([1, 2, 3], [1, 2])
    with pytest.raises(plotbox.InvalidSpec) as info:
        fig.render()
    assert info.value.path == "/axes/1/series/0/y"
