#!/bin/sh
# Runs one oracle subcommand (table, specs, goldens or gallery) with the pinned matplotlib.
# The venv lives in target/mpl-oracle-venv (ignored by git) and is made on first use.
#
#   tools/mpl-oracle/regen.sh table
#   tools/mpl-oracle/regen.sh specs      (rewrites the oracle-only specs; run goldens after)
#   tools/mpl-oracle/regen.sh goldens
#   tools/mpl-oracle/regen.sh gallery [--plotbox PATH]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/target/mpl-oracle-venv"
if [ $# -lt 1 ]; then
    echo "usage: $0 table|specs|goldens|gallery [options]" >&2
    exit 2
fi
# A stamp of the requirements it was made from, so a changed pin rebuilds the venv.
stamp="$venv/requirements.txt"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi
# matplotlib must not read a user's matplotlibrc or style sheets.
unset MATPLOTLIBRC
MPLCONFIGDIR="$venv/mplconfig" exec "$venv/bin/python" "$here/oracle.py" "$@"
