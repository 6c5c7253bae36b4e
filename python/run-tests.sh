#!/usr/bin/env bash
# The Python package's tests, run by scripts/test.sh and runnable alone. On a fresh
# machine it builds the wheel (and the module), the `plotbox` binary the byte-equality
# tests compare with, and target/python-test-venv from python/requirements-test.txt;
# then runs pytest against the installed wheel, and installs the wheel alone into
# fresh venvs (Python 3.11 and the oldest supported, 3.9, where the machine has it)
# to prove that `pip install plotbox-*.whl` is all a user needs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'python: %s\n' "$*" >&2; }
pip_quiet() { "$1" -m pip install --quiet --disable-pip-version-check "${@:2}"; }

scripts/python-wheel.sh
wheel=$(ls target/wheels/plotbox-*.whl)
cargo build --release --quiet -p plotbox-host

venv=target/python-test-venv
if ! "$venv/bin/python" -c "" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
fi
pip_quiet "$venv/bin/python" -r python/requirements-test.txt "$wheel"
# Same version number as the last build: force the new wheel in.
pip_quiet "$venv/bin/python" --force-reinstall --no-deps "$wheel"

# From python/, so that python/src is not importable: the tests see the wheel.
(cd python && PLOTBOX_CLI="$root/target/release/plotbox" "$root/$venv/bin/python" -m pytest -q -rxs -p no:cacheprovider)

fresh_install() {
    local python=$1 version venv
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    venv="target/python-fresh-venv-$version"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    pip_quiet "$venv/bin/python" "$wheel"
    "$venv/bin/python" - <<'PY'
import datetime, sys, plotbox
png = plotbox.render({"series": [{"type": "line", "y": [1, 3, 2]}]})
svg = plotbox.render('{"series": [{"type": "bar", "y": [1, 3, 2]}]}', format="svg")
pdf = plotbox.render({"title": "t", "series": [{"type": "line", "y": [1, 3, 2]}]}, format="pdf")
assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in svg and pdf[:5] == b"%PDF-"
# The builder, dates included, without numpy or pandas installed.
fig, ax = plotbox.subplots()
ax.plot([datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)], [1, 2], "o-")
assert fig.to_spec()["axes"][0]["series"][0]["x"] == ["2026-03-01", "2026-03-02"]
assert "numpy" not in sys.modules and "pandas" not in sys.modules
print("python: the wheel alone renders on Python %d.%d (module %s)" % (sys.version_info[:2] + (plotbox.MODULE_SHA256[:12],)))
PY
}

fresh_install python3
oldest=""
if python3.9 -c "" 2>/dev/null; then
    oldest=python3.9
elif command -v pyenv >/dev/null; then
    oldest=$(ls "$(pyenv root)"/versions/3.9*/bin/python3.9 2>/dev/null | tail -1 || true)
fi
if [ -n "$oldest" ]; then
    fresh_install "$oldest"
else
    log "no Python 3.9 on this machine: the fresh install was checked on $(python3 --version) only"
fi
