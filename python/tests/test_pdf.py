"""PDF output: a real PDF document, the same bytes for the same spec, one page of the
figure's size, and its text readable back (the title through pdftotext)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess

import pytest

import plotbox

from conftest import W1

TITLE = "Quarterly revenue – Zürich"  # non-ASCII: the text must survive the ToUnicode map

SPEC = {
    "title": TITLE,
    "x": {"label": "quarter"},
    "y": {"label": "revenue"},
    "series": [
        {"type": "bar", "x": ["Q1", "Q2", "Q3", "Q4"], "y": [3, 5, 4, 6], "label": "2026"},
        {"type": "line", "x": ["Q1", "Q2", "Q3", "Q4"], "y": [2, 4, 5, 5], "label": "plan"},
    ],
}


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def pdftotext(pdf: bytes, tmp_path) -> str:
    tool = poppler("pdftotext")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


def pdfinfo(pdf: bytes, tmp_path) -> str:
    tool = poppler("pdfinfo")
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool, str(path)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8", "replace")


def test_pdf_is_a_pdf_document():
    pdf = plotbox.render(SPEC, format="pdf")
    assert pdf.startswith(b"%PDF-"), pdf[:16]
    assert pdf.rstrip().endswith(b"%%EOF"), pdf[-16:]
    # Text is real text in an embedded font subset, mapped back to Unicode.
    assert b"/ToUnicode" in pdf and b"/FontFile2" in pdf and b"/Font" in pdf
    assert len(pdf) > 2000


def test_pdf_is_the_same_bytes_for_the_same_spec():
    first = plotbox.render(SPEC, format="pdf")
    assert plotbox.render(SPEC, format="pdf") == first
    # No creation date or random document id to differ between runs.
    assert b"/CreationDate" not in first and b"/ID" not in first
    # Whatever form the spec arrives in, through whichever entry point.
    assert plotbox.render(json.dumps(SPEC), format="pdf") == first
    assert asyncio.run(plotbox.render_async(SPEC, format="pdf")) == first
    # PDF is vector: the PNG scale does not change it.
    assert plotbox.render(SPEC, format="pdf", scale=3) == first


def test_different_specs_give_different_pdfs():
    other = dict(SPEC, title="Another title")
    assert plotbox.render(other, format="pdf") != plotbox.render(SPEC, format="pdf")


def test_pdf_title_and_labels_are_text(tmp_path):
    text = pdftotext(plotbox.render(SPEC, format="pdf"), tmp_path)
    assert TITLE in text, text
    for word in ("quarter", "revenue", "Q1", "Q4", "2026", "plan"):
        assert word in text, (word, text)


def test_pdf_title_from_the_builder_via_savefig(tmp_path):
    fig, ax = plotbox.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    ax.set_title("Daily signups")
    fig.savefig(tmp_path / "signups.pdf")
    assert "Daily signups" in pdftotext((tmp_path / "signups.pdf").read_bytes(), tmp_path)


@pytest.mark.parametrize(
    "spec,points",
    [
        (W1, ("460.8", "345.6")),  # 640 x 480 px at 100 dpi: 6.4 x 4.8 in
        ({"figsize": [5, 3], "dpi": 120, "series": [{"type": "line", "y": [1, 2]}]}, ("360", "216")),
    ],
)
def test_pdf_is_one_page_of_the_figure_size_in_points(tmp_path, spec, points):
    info = pdfinfo(plotbox.render(spec, format="pdf"), tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size, info
    assert (size.group(1), size.group(2)) == points


def test_pdf_render_errors_are_the_same_typed_errors():
    with pytest.raises(plotbox.InvalidSpec) as info:
        plotbox.render({"series": [{"type": "nope"}]}, format="pdf")
    assert info.value.path == "/series/0/type"


def test_pdf_is_listed_in_formats():
    assert plotbox.FORMATS == ("svg", "png", "pdf")
