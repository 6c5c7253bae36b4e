"""plotbox.render against the matplotlib recipe people run in web workers today
(Agg in a ProcessPoolExecutor, result(timeout=...), plt.close), in one process.

    python3 -m venv target/python-bench-venv
    target/python-bench-venv/bin/pip install -r python/bench/requirements.txt target/wheels/plotbox-*.whl
    target/python-bench-venv/bin/python python/bench/bench.py [--rounds 60]

W1: a line of 1,000 points with a title and axis labels, 640x480, as SVG and PNG.
W2: a scatter of 10,000 points, 800x600, as PNG. The two contenders alternate call
by call (and swap who goes first each round), so that machine noise hits both
alike. Times are per call, as a request handler sees them: for matplotlib they
include the round trip to the warm worker process.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import plotbox

TIMEOUT = 2.0


def data():
    rng = random.Random(1)
    walk, y = [], 0.0
    for _ in range(1000):
        y += rng.gauss(0, 1)
        walk.append(round(y, 4))
    xs = [round(rng.random() * 100, 4) for _ in range(10_000)]
    ys = [round(rng.random() * 100, 4) for _ in range(10_000)]
    return walk, xs, ys


def plotbox_w1(walk, fmt):
    fig, ax = plotbox.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(list(range(1000)), walk)
    ax.set_title("W1: a random walk")
    ax.set_xlabel("step")
    ax.set_ylabel("position")
    return fig.render(fmt, timeout=TIMEOUT)


def plotbox_w2(xs, ys):
    fig, ax = plotbox.subplots(figsize=(8, 6), dpi=100)
    ax.scatter(xs, ys)
    return fig.render("png", timeout=TIMEOUT)


def matplotlib_job(workload, fmt, payload):
    # Runs in the worker process: the usual Agg recipe, closing the figure so the
    # worker does not grow.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if workload == "W1":
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.plot(range(1000), payload)
        ax.set_title("W1: a random walk")
        ax.set_xlabel("step")
        ax.set_ylabel("position")
    else:
        xs, ys = payload
        fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
        ax.scatter(xs, ys)
    out = io.BytesIO()
    fig.savefig(out, format=fmt)
    plt.close(fig)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    walk, xs, ys = data()
    pool = ProcessPoolExecutor(max_workers=1)

    def mpl(workload, fmt, payload):
        return lambda: pool.submit(matplotlib_job, workload, fmt, payload).result(timeout=TIMEOUT)

    cases = [
        ("W1 SVG", lambda: plotbox_w1(walk, "svg"), mpl("W1", "svg", walk)),
        ("W1 PNG", lambda: plotbox_w1(walk, "png"), mpl("W1", "png", walk)),
        ("W2 PNG", lambda: plotbox_w2(xs, ys), mpl("W2", "png", (xs, ys))),
    ]
    rows = []
    for name, ours, theirs in cases:
        for _ in range(3):  # warm-up: compile cache, worker imports, font caches
            ours()
            theirs()
        times = {"plotbox": [], "matplotlib": []}
        for round_ in range(args.rounds):
            pair = [("plotbox", ours), ("matplotlib", theirs)]
            if round_ % 2:
                pair.reverse()
            for label, call in pair:
                start = time.perf_counter()
                call()
                times[label].append(time.perf_counter() - start)
        ours_ms = statistics.median(times["plotbox"]) * 1000
        theirs_ms = statistics.median(times["matplotlib"]) * 1000
        rows.append((name, ours_ms, theirs_ms))
    pool.shutdown()
    import matplotlib

    print(f"plotbox {plotbox.__version__} (module {plotbox.MODULE_SHA256[:12]}), matplotlib "
          f"{matplotlib.__version__}, {args.rounds} alternating rounds, medians per call\n")
    print("| workload | plotbox.render | matplotlib (Agg, process pool) | matplotlib / plotbox |")
    print("|---|---|---|---|")
    for name, ours_ms, theirs_ms in rows:
        print(f"| {name} | {ours_ms:.1f} ms | {theirs_ms:.1f} ms | {theirs_ms / ours_ms:.1f}× |")


if __name__ == "__main__":
    main()
