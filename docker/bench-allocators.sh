#!/usr/bin/env bash
# Throughput of the image's static musl binary against the glibc one, on loopback, with
# the same settings: BENCHMARKS.md, "Container image: musl vs glibc".
#
#   docker/bench-allocators.sh [ROUNDS [SECONDS]]     (default 3 rounds of 10 s cells)
#
# Both binaries must be built: target/release/plotbox (cargo build --release -p
# plotbox-host) and target/x86_64-unknown-linux-musl/release/plotbox
# (scripts/docker-image.sh). Each round runs every cell on both, in alternating order,
# so that a change in the machine's load hits both alike. The load generator is wrk
# (Debian's package) with one thread; every request is the same W1 or W2 spec of
# bench/workloads.py and the result cache is off (--cache-mb 0), so every request is
# rendered. Prints one line per run, then the median and range of each cell.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rounds=${1:-3}
seconds=${2:-10}
glibc=target/release/plotbox
musl=target/x86_64-unknown-linux-musl/release/plotbox
for binary in "$glibc" "$musl"; do
    [ -x "$binary" ] || { echo "bench-allocators: $binary is missing" >&2; exit 1; }
done
if ! command -v wrk >/dev/null; then
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y wrk || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y wrk
    }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/plotbox-bench-allocators.XXXXXX")
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work" <<'PY'
import sys
sys.path.insert(0, "bench")
import workloads
for name in ("W1", "W2"):
    open(f"{sys.argv[1]}/{name}.json", "wb").write(workloads.body(name, 0))
PY
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = assert(io.open(os.getenv("PLOTBOX_BENCH_BODY"), "rb"))
wrk.body = file:read("*a")
file:close()
LUA

cells=("W1 svg" "W1 png" "W2 png")
concurrencies=(2 8)
results="$work/results"
: >"$results"

start_server() { # LABEL BINARY
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$2" serve --addr "127.0.0.1:$port" --workers 2 --cache-mb 0 --cache-dir "$work/cache-$1" \
        >/dev/null 2>"$work/server.log" &
    server=$!
    for _ in $(seq 300); do
        python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" \
            2>/dev/null && return
        sleep 0.2
    done
    echo "bench-allocators: $2 did not start" >&2
    cat "$work/server.log" >&2
    exit 1
}
stop_server() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
}

run_binary() { # LABEL BINARY
    start_server "$1" "$2"
    for cell in "${cells[@]}"; do
        set -- "$1" "$2" $cell
        workload=$3 format=$4
        for concurrency in "${concurrencies[@]}"; do
            export PLOTBOX_BENCH_BODY="$work/$workload.json"
            url="http://127.0.0.1:$port/render?format=$format"
            wrk -t1 -c"$concurrency" -d2s -s "$work/post.lua" "$url" >/dev/null
            out=$(wrk -t1 -c"$concurrency" -d"${seconds}s" --latency -s "$work/post.lua" "$url")
            if grep -q 'Non-2xx' <<<"$out"; then
                echo "bench-allocators: $1 $workload $format c$concurrency had errors:" >&2
                echo "$out" >&2
                exit 1
            fi
            rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
            p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
            p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
            printf '%s\t%s %s c%s\t%s\t%s\t%s\n' "$1" "$workload" "$format" "$concurrency" \
                "$rps" "$p50" "$p99" | tee -a "$results"
        done
    done
    stop_server
}

for round in $(seq "$rounds"); do
    echo "# round $round" >&2
    if [ $((round % 2)) -eq 1 ]; then
        run_binary glibc "$glibc"
        run_binary musl "$musl"
    else
        run_binary musl "$musl"
        run_binary glibc "$glibc"
    fi
done

python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, cell, rps, _p50, _p99 = line.rstrip("\n").split("\t")
    runs.setdefault(cell, {}).setdefault(label, []).append(float(rps))
print()
print("| cell | glibc renders/s (median, range) | musl renders/s (median, range) | musl / glibc |")
print("|---|---:|---:|---:|")
for cell, by in runs.items():
    g, m = by["glibc"], by["musl"]
    gm, mm = statistics.median(g), statistics.median(m)
    print(f"| {cell} | {gm:.0f} ({min(g):.0f}-{max(g):.0f}) | {mm:.0f} ({min(m):.0f}-{max(m):.0f}) | {mm / gm:.2f} |")
PY
