"""The package is the wheel's, carries the module the Rust binary embeds, and reports
the same versions."""

from __future__ import annotations

import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path

import plotbox

from conftest import run_cli


def test_tests_run_against_the_installed_wheel_not_the_source_tree(repo):
    installed = Path(plotbox.__file__).resolve()
    assert "site-packages" in installed.parts
    assert repo / "python" / "src" not in installed.parents


def test_module_sha256_is_what_plotbox_version_prints(cli):
    result = run_cli(cli, "--version")
    assert result.returncode == 0, result.stderr
    printed = re.search(rb"module sha256 ([0-9a-f]{64})", result.stdout)
    assert printed, result.stdout
    assert plotbox.MODULE_SHA256 == printed.group(1).decode()


def test_module_sha256_is_the_hash_of_the_shipped_module():
    shipped = Path(plotbox.__file__).with_name("renderer_wasm_bg.wasm").read_bytes()
    assert plotbox.MODULE_SHA256 == hashlib.sha256(shipped).hexdigest()


def test_package_version_follows_the_workspace(repo):
    cargo = (repo / "Cargo.toml").read_text()
    workspace_version = re.search(r'\[workspace\.package\][^\[]*?version = "([^"]+)"', cargo, re.S).group(1)
    assert plotbox.__version__ == workspace_version
    assert version("plotbox") == workspace_version


def test_schema_is_the_one_plotbox_schema_prints(cli):
    result = run_cli(cli, "schema")
    assert result.returncode == 0, result.stderr
    assert plotbox.schema() == json.loads(result.stdout)
    # A fresh copy each time: callers may edit what they get.
    plotbox.schema()["title"] = "edited"
    assert plotbox.schema() == json.loads(result.stdout)
