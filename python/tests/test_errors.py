"""Typed errors: the kind, message and path of every failure, the same kinds the Rust
CLI reports for the same spec and limits, and a working sandbox afterwards."""

from __future__ import annotations

import json

import pytest

import plotbox

from conftest import W1, run_cli

# The exit code of `plotbox render` for each kind (host/README.md).
EXIT_CODE = {"invalid_spec": 3, "too_large": 4, "deadline_exceeded": 5, "memory_limit": 6, "internal": 8}

HUGE_SCATTER = {"series": [{"type": "scatter", "x": list(range(200_000)), "y": list(range(200_000))}]}

# (name, spec, render kwargs, CLI flags, expected class, expected path)
CASES = [
    ("length_mismatch", {"series": [{"type": "line", "x": [1, 2, 3], "y": [1, 2]}]}, {}, [],
     plotbox.InvalidSpec, "/series/0/y"),
    ("typo_field", {"axes": [{"series": [{"type": "line", "y": [1], "colour": "red"}]}]}, {}, [],
     plotbox.InvalidSpec, "/axes/0/series/0/colour"),
    ("unknown_type", {"series": [{"type": "sankey", "y": [1]}]}, {}, [],
     plotbox.InvalidSpec, "/series/0/type"),
    ("bad_alpha", {"series": [{"type": "line", "y": [1, 2], "alpha": 2}]}, {}, [],
     plotbox.InvalidSpec, "/series/0/alpha"),
    ("too_wide", {"width": 20000, "series": [{"type": "line", "y": [1]}]}, {}, [],
     plotbox.TooLarge, "/width"),
    ("canvas_refused_by_memory_cap", {"width": 4000, "height": 4000, "series": [{"type": "line", "y": [1, 2]}]},
     {"memory_mb": 32}, ["--memory-mb", "32"], plotbox.MemoryLimit, None),
    ("parse_refused_by_memory_cap", HUGE_SCATTER, {"memory_mb": 4}, ["--memory-mb", "4"], plotbox.MemoryLimit, None),
    ("fuel_budget", W1, {"fuel": 100_000}, ["--fuel", "100000"], plotbox.DeadlineExceeded, None),
    ("deadline", HUGE_SCATTER, {"timeout": 0.005}, ["--timeout-ms", "5"], plotbox.DeadlineExceeded, None),
]


@pytest.mark.parametrize("name,spec,kwargs,flags,cls,path", CASES, ids=[c[0] for c in CASES])
def test_failure_is_typed_with_its_path_and_matches_the_rust_cli(cli, tmp_path, name, spec, kwargs, flags, cls, path):
    with pytest.raises(plotbox.RenderError) as info:
        plotbox.render(spec, **kwargs)
    error = info.value
    assert type(error) is cls
    assert error.kind == cls.KIND
    assert error.path == path
    assert error.message
    assert error.to_dict()["error"]["kind"] == cls.KIND

    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    result = run_cli(cli, "render", str(spec_file), "-o", str(tmp_path / "out.png"), *flags)
    assert result.returncode == EXIT_CODE[error.kind], result.stderr
    cli_error = json.loads(result.stderr.decode().strip().splitlines()[-1])["error"]
    assert cli_error.get("path") == error.path
    if cls in (plotbox.InvalidSpec, plotbox.TooLarge):
        # Spec errors come from the module itself, so the words are the same too.
        assert cli_error["message"] == error.message

    # Nothing of the failed render is left behind.
    assert plotbox.render(W1, format="svg").startswith(b"<svg")


def test_not_json_is_invalid_spec_at_the_document_root():
    with pytest.raises(plotbox.InvalidSpec, match="not valid JSON") as info:
        plotbox.render(b"{not json")
    assert info.value.path == ""  # the JSON Pointer of the whole document
    assert info.value.http_status == 400


def test_memory_below_what_the_module_starts_with_is_memory_limit():
    with pytest.raises(plotbox.MemoryLimit, match="memory limit of 1 MiB"):
        plotbox.render(W1, memory_mb=1)


def test_every_error_is_a_render_error_with_the_spec_status():
    assert {cls: cls("m").http_status for cls in (
        plotbox.InvalidSpec, plotbox.TooLarge, plotbox.DeadlineExceeded, plotbox.MemoryLimit, plotbox.InternalError
    )} == {
        plotbox.InvalidSpec: 400, plotbox.TooLarge: 413, plotbox.DeadlineExceeded: 422,
        plotbox.MemoryLimit: 422, plotbox.InternalError: 500,
    }
    for cls in (plotbox.InvalidSpec, plotbox.TooLarge, plotbox.DeadlineExceeded, plotbox.MemoryLimit, plotbox.InternalError):
        assert issubclass(cls, plotbox.RenderError)


def test_error_text_names_the_path():
    with pytest.raises(plotbox.InvalidSpec) as info:
        plotbox.render({"series": [{"type": "line", "x": [1, 2, 3], "y": [1, 2]}]})
    assert str(info.value).endswith("(at /series/0/y)")
    assert json.loads(info.value.to_json()) == {
        "error": {"kind": "invalid_spec", "message": info.value.message, "path": "/series/0/y"}
    }


def test_a_kept_error_does_not_keep_the_renders_store_alive():
    import wasmtime

    def stores_reachable(error):
        found, seen = [], set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            tb = error.__traceback__
            while tb is not None:
                found += [v for v in tb.tb_frame.f_locals.values() if isinstance(v, wasmtime.Store)]
                tb = tb.tb_next
            error = error.__cause__ or error.__context__
        return found

    kept = []
    for spec, kwargs in [
        ({"series": [{"type": "nope"}]}, {}),  # the guest's error
        (HUGE_SCATTER, {"memory_mb": 4}),  # a trap
        (HUGE_SCATTER, {"timeout": 0.005}),  # an interrupt
    ]:
        try:
            plotbox.render(spec, **kwargs)
        except plotbox.RenderError as error:
            kept.append(error)
    assert [type(e) for e in kept] == [plotbox.InvalidSpec, plotbox.MemoryLimit, plotbox.DeadlineExceeded]
    assert [stores_reachable(e) for e in kept] == [[], [], []]
