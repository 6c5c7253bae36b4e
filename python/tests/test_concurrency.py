"""Thread safety: 8 threads and 8 asyncio tasks get the bytes a single thread gets, and
render_async does not block the event loop."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import plotbox

from conftest import W1

JOBS = [
    (W1, "svg", 1),
    (W1, "png", 1),
    ({"series": [{"type": "bar", "x": ["a", "b", "c"], "y": [3, 1, 2]}]}, "png", 2),
    ({"series": [{"type": "hist", "values": [i % 17 for i in range(500)], "bins": 17}]}, "svg", 1),
    ({"series": [{"type": "heatmap", "z": [[i * j for j in range(20)] for i in range(20)]}]}, "png", 1),
    ({"title": "Sales by plan", "series": [{"type": "bar", "x": ["free", "pro"], "y": [40, 12]}]}, "pdf", 1),
]


def reference():
    return [plotbox.render(spec, format=fmt, scale=scale) for spec, fmt, scale in JOBS]


def test_eight_threads_give_identical_bytes():
    expected = reference()
    barrier = threading.Barrier(8)
    results = {}
    errors = []

    def work(index):
        try:
            barrier.wait()
            # Each thread walks the jobs from a different start, so different specs
            # run side by side.
            order = [(index + k) % len(JOBS) for k in range(len(JOBS))] * 3
            results[index] = [(k, plotbox.render(JOBS[k][0], format=JOBS[k][1], scale=JOBS[k][2])) for k in order]
        except Exception as error:  # surfaced below with the thread's index
            errors.append((index, error))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 8
    for index, outputs in results.items():
        for k, data in outputs:
            assert data == expected[k], f"thread {index}, job {k}"


def test_eight_asyncio_tasks_give_identical_bytes():
    expected = reference()

    async def main():
        tasks = [
            asyncio.create_task(plotbox.render_async(spec, format=fmt, scale=scale))
            for _ in range(8)
            for spec, fmt, scale in JOBS
        ]
        return await asyncio.gather(*tasks)

    outputs = asyncio.run(main())
    assert outputs == expected * 8


def test_render_async_leaves_the_event_loop_free():
    # About 0.4 s of rendering (a wide zigzag line is slow to stroke, whatever the PNG
    # encoder costs); a loop blocked by it would miss every heartbeat meanwhile.
    slow = json.dumps({"width": 1600, "height": 1200,
                       "series": [{"type": "line", "linewidth": 30,
                                   "y": [(i * 7919) % 1000 for i in range(30_000)]}]}).encode()

    async def main():
        gaps = []
        done = asyncio.Event()

        async def heartbeat():
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        beat = asyncio.create_task(heartbeat())
        start = time.perf_counter()
        picture = await plotbox.render_async(slow, timeout=30, memory_mb=512)
        took = time.perf_counter() - start
        done.set()
        await beat
        return picture, took, gaps

    picture, took, gaps = asyncio.run(main())
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    assert took > 0.1, "the render is too quick to show anything"
    assert len(gaps) >= 5
    assert max(gaps) < took / 2, f"the loop stalled {max(gaps) * 1000:.0f} ms during a {took * 1000:.0f} ms render"


def test_render_async_raises_typed_errors_and_bad_arguments_at_once():
    async def main():
        try:
            await plotbox.render_async({"series": [{"type": "nope"}]})
        except plotbox.InvalidSpec as error:
            return error

    assert asyncio.run(main()).path == "/series/0/type"
    try:
        asyncio.run(plotbox.render_async(W1, format="gif"))
    except ValueError as error:
        assert "format" in str(error)
    else:
        raise AssertionError("a bad format must raise ValueError")
