"""Pictures: what `render` returns, byte for byte what the Rust CLI writes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import plotbox

from conftest import W1, png_image, run_cli

SPECS = {
    "w1": W1,
    "bars_and_heatmap": {
        "subplots": {"rows": 1, "cols": 2},
        "axes": [
            {"title": "By plan", "series": [{"type": "bar", "x": ["free", "pro", "team"], "y": [40, 12, 5], "label": "users"}]},
            {"series": [{"type": "heatmap", "z": [[1, 2, 3], [4, 5, 6]], "colorbar": True}]},
        ],
    },
    "styles": {
        "figsize": [5, 3],
        "dpi": 120,
        "theme": "dark",
        "series": [
            {"type": "scatter", "x": [1, 2, 3, 4], "y": [3, 1, 4, 1], "sizes": [4, 8, 12, 16], "alpha": 0.7},
            {"type": "errorbar", "x": [1, 2, 3], "y": [2, 2.5, 2], "yerr": 0.3, "capsize": 3},
            {"type": "text", "x": 2, "y": 3.5, "text": "peak", "ha": "center"},
        ],
    },
}


@pytest.mark.parametrize("name", sorted(SPECS))
@pytest.mark.parametrize("format,scale", [("svg", 1), ("png", 1), ("png", 2), ("pdf", 1)])
def test_picture_equals_the_rust_cli_bytes(cli, tmp_path, name, format, scale):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(SPECS[name]))
    out = tmp_path / ("out." + format)
    result = run_cli(cli, "render", str(spec_file), "-o", str(out), "--format", format, "--scale", str(scale))
    assert result.returncode == 0, result.stderr
    assert plotbox.render(SPECS[name], format=format, scale=scale) == out.read_bytes()


def test_docs_quickstart_equals_the_rust_cli_bytes(cli, repo, tmp_path):
    spec_file = repo / "docs" / "examples" / "quickstart.json"
    out = tmp_path / "out.png"
    result = run_cli(cli, "render", str(spec_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert plotbox.render(spec_file.read_bytes()) == out.read_bytes()


def test_png_has_the_canvas_size_times_scale_and_the_background():
    spec = {"width": 320, "height": 200, "background": "#00ff00", "series": [{"type": "line", "y": [1, 2]}]}
    image = png_image(plotbox.render(spec, scale=2)).convert("RGB")
    assert image.size == (640, 400)
    assert image.getpixel((1, 1)) == (0, 255, 0)
    assert image.getpixel((639, 399)) == (0, 255, 0)
    # Something was drawn: not every pixel is background.
    assert len(image.getcolors(1 << 24)) > 2


def test_svg_is_an_svg_document_of_the_canvas_size():
    svg = plotbox.render({"width": 300, "height": 200, "series": [{"type": "line", "y": [1, 2]}]}, format="svg")
    text = svg.decode("utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    assert 'width="300"' in text and 'height="200"' in text


def test_dict_json_string_and_bytes_give_the_same_picture():
    as_dict = plotbox.render(W1)
    assert plotbox.render(json.dumps(W1)) == as_dict
    assert plotbox.render(json.dumps(W1).encode()) == as_dict
    assert plotbox.render(bytearray(json.dumps(W1).encode())) == as_dict


def test_a_dict_may_hold_numpy_arrays_and_scalars():
    listed = {"series": [{"type": "line", "x": [0.0, 1.0, 2.0], "y": [1.0, None, 3.0]}]}
    with_numpy = {"series": [{"type": "line", "x": np.arange(3), "y": np.array([1.0, np.nan, np.float32(3.0)])}]}
    assert plotbox.render(with_numpy, format="svg") == plotbox.render(listed, format="svg")


def test_nan_in_a_plain_dict_is_an_invalid_spec_that_says_to_use_none():
    with pytest.raises(plotbox.InvalidSpec, match="None for a gap"):
        plotbox.render({"series": [{"type": "line", "y": [1, math.nan]}]})


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"format": "jpeg"}, ValueError),
        ({"format": "eps"}, ValueError),
        ({"timeout": 0}, ValueError),
        ({"timeout": math.inf}, ValueError),
        ({"memory_mb": 0}, ValueError),
        ({"memory_mb": 5000}, ValueError),
        ({"fuel": 0}, ValueError),
        ({"fuel": 1.5}, ValueError),
        ({"scale": "2"}, TypeError),
    ],
)
def test_bad_arguments_are_python_errors_not_render_errors(kwargs, error):
    with pytest.raises(error) as info:
        plotbox.render(W1, **kwargs)
    assert list(kwargs)[0] in str(info.value)


def test_a_spec_that_is_not_a_document_is_a_type_error():
    with pytest.raises(TypeError, match="spec"):
        plotbox.render([1, 2, 3])  # type: ignore[arg-type]


def test_fuel_budget_large_enough_renders_the_same_picture():
    assert plotbox.render(W1, fuel=10**10) == plotbox.render(W1)
