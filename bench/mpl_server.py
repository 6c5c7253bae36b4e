"""The matplotlib recipe behind a tiny loopback HTTP server, so that the benchmark
reaches both sides the same way: the same client, the same bodies, one HTTP round
trip each, a server process whose start-up and memory can be measured.

With `--engine plotbox` the same front calls the Python package instead,
`plotbox.render(body, format, timeout=...)` in the request's thread, at most
`--workers` at once: plotbox in-process, as a Python web app would use it.

The recipe is what people run in web workers today: `MPLBACKEND=Agg`, a
`ProcessPoolExecutor` with 2 workers, `future.result(timeout=...)`, and
`plt.close(fig)` after `savefig` to BytesIO (bench/workloads.py `draw`).

    python bench/mpl_server.py --port 0 [--workers 2] [--timeout 2.0] [--allow-hang]
                               [--layout none|constrained] [--engine matplotlib|plotbox]

Routes (loopback only, HTTP/1.1 keep-alive):
    POST /render?format=svg|png   body: a bench/workloads.py spec -> the picture
    POST /hang?kind=sleep|spin&seconds=N   (with --allow-hang) a job that never
                                  finishes within the timeout; answers 504 when it fires
    GET  /stats                   {"pid", "jobs_running", "hang_jobs_running"}: jobs
                                  submitted and not done, so a job the timeout gave up
                                  on still counts
    GET  /healthz

Standard library and matplotlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402

plotbox = None  # the Python package, imported by main() for --engine plotbox

# The hung job's own bound, whatever it is asked: the benchmark kills the server long
# before, but a job that outlived a crashed driver must still end by itself.
HANG_MAX_S = 600.0


def render_job(body: bytes, fmt: str, layout: str | None) -> bytes:
    # In the worker: the spec is parsed here, as plotbox parses it inside its render.
    return workloads.draw(json.loads(body), fmt, layout)


def hang_job(kind: str, seconds: float) -> None:
    """A render that never finishes within the timeout: `sleep` holds the worker
    without using the CPU (a render waiting on something), `spin` burns it (a render
    that runs away, as a heavy spec does)."""
    end = time.monotonic() + min(seconds, HANG_MAX_S)
    if kind == "sleep":
        while time.monotonic() < end:
            time.sleep(min(1.0, max(0.0, end - time.monotonic())))
    else:
        n = 0
        while time.monotonic() < end:
            n += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client and plotbox use it
    # The headers and the body go out in separate writes; with Nagle on, the body
    # waits for the client's delayed ACK (up to 40 ms a request on loopback), which
    # would be charged to matplotlib.
    disable_nagle_algorithm = True

    def log_message(self, *args):  # one line per request would be the benchmark's cost
        pass

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value) -> None:
        self._reply(status, json.dumps(value).encode(), "application/json")

    def _wait(self, future, hang=False):
        server = self.server
        with server.lock:
            server.pending.add(future)
            if hang:
                server.hangs.add(future)
        future.add_done_callback(server.forget)
        return future.result(timeout=server.timeout_s)

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/healthz":
            self._json(200, {"ok": True})
        elif path == "/stats":
            with self.server.lock:
                running = sum(1 for f in self.server.pending if not f.done())
                hangs = sum(1 for f in self.server.hangs if not f.done())
            self._json(200, {"pid": os.getpid(), "jobs_running": running, "hang_jobs_running": hangs})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            if url.path == "/render":
                fmt = query.get("format", ["png"])[0]
                if fmt not in ("svg", "png"):
                    self._json(400, {"error": f"format {fmt!r}"})
                    return
                if self.server.slots is not None:
                    with self.server.slots:
                        try:
                            picture = plotbox.render(body, format=fmt, timeout=self.server.timeout_s)
                        except plotbox.RenderError as error:
                            # 422 for the deadline and memory, as `plotbox serve` answers.
                            status = 400 if error.kind == "invalid_spec" else 413 if error.kind == "too_large" else 422
                            self._json(status, {"error": {"kind": error.kind, "message": error.message}})
                            return
                else:
                    picture = self._wait(self.server.pool.submit(render_job, body, fmt, self.server.layout))
                self._reply(200, picture, "image/svg+xml" if fmt == "svg" else "image/png")
            elif url.path == "/hang" and self.server.allow_hang and self.server.pool is not None:
                kind = query.get("kind", ["sleep"])[0]
                seconds = float(query.get("seconds", ["300"])[0])
                self._wait(self.server.pool.submit(hang_job, kind, seconds), hang=True)
                self._json(200, {"finished": True})
            else:
                self._json(404, {"error": "not found"})
        except FutureTimeout:
            # The recipe's timeout: the caller gets an answer, the worker keeps going.
            self._json(504, {"error": "timeout"})
        except Exception as error:  # the recipe's job failed: report it, keep serving
            self._json(500, {"error": repr(error)})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool, timeout_s, allow_hang, layout, slots=None):
        super().__init__(address, Handler)
        self.layout = layout
        self.slots = slots  # the plotbox engine's limit on renders at once
        self.pool, self.timeout_s, self.allow_hang = pool, timeout_s, allow_hang
        self.lock = threading.Lock()
        self.pending = set()
        self.hangs = set()

    def forget(self, future):
        with self.lock:
            self.pending.discard(future)
            self.hangs.discard(future)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=2.0, help="future.result(timeout=...)")
    parser.add_argument("--allow-hang", action="store_true")
    parser.add_argument("--layout", choices=["none", "constrained"], default="none",
                        help="matplotlib's layout engine (bench/workloads.py draw)")
    parser.add_argument("--engine", choices=["matplotlib", "plotbox"], default="matplotlib")
    args = parser.parse_args()
    if not args.host.startswith("127.") and args.host != "localhost":
        parser.error("loopback addresses only")
    if args.engine == "plotbox":
        # The plotbox side never imports matplotlib: its memory is its own.
        global plotbox
        import plotbox
    else:
        # As a web app imports it, before the pool forks: the workers start with
        # matplotlib loaded, and the parent's RSS includes it.
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
    layout = None if args.layout == "none" else args.layout
    if args.engine == "plotbox":
        pool, slots = None, threading.BoundedSemaphore(args.workers)
    else:
        pool, slots = ProcessPoolExecutor(max_workers=args.workers), None
    server = Server((args.host, args.port), pool, args.timeout, args.allow_hang, layout, slots)
    host, port = server.server_address[:2]
    print(f"{args.engine} listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


if __name__ == "__main__":
    main()
