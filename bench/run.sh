#!/usr/bin/env bash
# plotbox against the matplotlib recipe, side by side, in one command (bench/README.md).
#
#   bench/run.sh [--quick] [--plotbox PATH] [bench.py options...]
#
# Makes target/bench-venv from bench/requirements.txt on first use, and again whenever
# that file changes; then runs bench/bench.py with it. Needs python3 with venv and the
# built binary (cargo build --release -p plotbox-host), or --plotbox / PLOTBOX_BIN.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv=target/bench-venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum bench/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$venv/bin/python" -c "" 2>/dev/null; then
    echo "bench: making $venv (matplotlib from PyPI, pinned in bench/requirements.txt)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
    echo "$want" > "$stamp"
fi

exec "$venv/bin/python" bench/bench.py "$@"
