"""plotbox against the matplotlib recipe, side by side, over HTTP on loopback.

Run through bench/run.sh (which makes the venv); bench/README.md says what each
phase measures and what each column means. Everything is bounded in count and
time and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import collections
import glob
import itertools
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import workloads  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
# One number per request in the whole run: every body is distinct (workloads.body),
# so plotbox's result cache never answers. next() on a count is atomic in CPython.
SERIAL = itertools.count(1)

# The warm cases, in the order they run. W2 SVG is 10,000 markers in an SVG: slow on
# both sides, and kept so that every workload is measured as SVG and PNG.
CASES = [(name, fmt) for name in workloads.NAMES for fmt in workloads.FORMATS]
# The long run's mix, round robin: W2 is left out so that 100k renders fit in minutes.
LONG_MIX = [("W1", "svg"), ("W1", "png"), ("W3", "svg"), ("W3", "png")]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- HTTP


class Client:
    """A minimal HTTP/1.1 keep-alive client on a raw socket: the driver runs on the
    same 2 cores as the servers, so its own cost per request is kept small (and is
    the same for both sides)."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout = port, timeout
        self.sock = None
        self.rfile = None

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.rfile.close()
                self.sock.close()
            except OSError:
                pass
        self.sock = self.rfile = None

    def _connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.rfile = sock, sock.makefile("rb")

    def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        for attempt in (0, 1):
            fresh = self.sock is None
            if fresh:
                self._connect()
            try:
                self.sock.sendall(head + body)
                return self._read()
            except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
                # A kept-alive connection the server closed while idle: one retry on a
                # new connection. A fresh connection that fails is a real failure.
                self.close()
                if fresh or attempt:
                    raise
        raise AssertionError("unreachable")

    def _read(self) -> tuple[int, bytes]:
        line = self.rfile.readline(65537)
        if not line:
            raise ConnectionResetError("the server closed the connection")
        status = int(line.split(None, 2)[1])
        length, chunked, close = None, False, False
        while True:
            header = self.rfile.readline(65537)
            if header in (b"\r\n", b"\n", b""):
                break
            name, _, value = header.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
            elif name == b"connection" and value == b"close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int(self.rfile.readline(65537).split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline(65537)
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
            body = b"".join(parts)
        elif length is not None:
            body = self.rfile.read(length)
        else:
            body, close = self.rfile.read(), True
        if close:
            self.close()
        return status, body


def render_once(client: Client, name: str, fmt: str) -> tuple[int, float, int]:
    """One render of a fresh spec; (status, seconds, bytes of the answer). The body
    is made before the clock starts."""
    body = workloads.body(name, next(SERIAL))
    start = time.perf_counter()
    status, picture = client.request("POST", f"/render?format={fmt}", body)
    return status, time.perf_counter() - start, len(picture)


# ----------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return pids


def status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


class Side:
    """One contender: a server process on a loopback port."""

    def __init__(self, name: str, command: list[str], env: dict, logs: str):
        self.name, self.command, self.env, self.logs = name, command, env, logs
        self.proc = None
        self.port = None

    def start(self) -> float:
        """Starts the server; returns the perf_counter time just before the spawn."""
        self.port = free_port()
        command = [c.replace("{port}", str(self.port)) for c in self.command]
        os.makedirs(self.logs, exist_ok=True)
        out = open(os.path.join(self.logs, f"{self.name.replace(' ', '_')}.log"), "ab")
        started = time.perf_counter()
        # A session of its own, so that stop() ends the server and every worker it
        # forked (matplotlib's pool), and nothing else.
        self.proc = subprocess.Popen(
            command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        out.close()
        return started

    def wait_first_picture(self, started: float, bound_s: float = 60.0) -> float:
        """Seconds from `started` to the first W1 SVG answered with 200."""
        deadline = started + bound_s
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.logs}")
            client = Client(self.port, timeout=bound_s)
            try:
                status, _ = client.request("POST", "/render?format=svg", workloads.body("W1", next(SERIAL)))
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.002)
            finally:
                client.close()
        raise RuntimeError(f"{self.name} gave no picture within {bound_s} s")

    def pids(self) -> list[int]:
        return tree(self.proc.pid)

    def rss_mib(self) -> float:
        return sum(status_kib(p, "VmRSS") for p in self.pids()) / 1024

    def peak_rss_mib(self) -> float:
        return sum(status_kib(p, "VmHWM") for p in self.pids()) / 1024

    def stop(self) -> None:
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc = None


# --------------------------------------------------------------------- statistics


def median(values):
    return statistics.median(values) if values else float("nan")


def p99(values):
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def summary(ratios) -> str:
    """Median of the pair-by-pair ratios, with their range."""
    ratios = [r for r in ratios if r == r]
    if not ratios:
        return "n/a"
    if len(ratios) == 1:
        return f"{ratios[0]:.1f}×"
    return f"{median(ratios):.1f}× ({min(ratios):.1f}–{max(ratios):.1f})"


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


class LoadSampler:
    """The 1-minute load average every few seconds: the machine is shared, and a
    number measured under load 8 is not one measured under load 1."""

    def __init__(self, every_s: float = 5.0):
        self.samples, self.every_s = [], every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            with open("/proc/loadavg") as f:
                self.samples.append(float(f.read().split()[0]))
            self._stop.wait(self.every_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def describe(self) -> str:
        s = self.samples
        return f"min {min(s):.2f}, median {median(s):.2f}, max {max(s):.2f} ({len(s)} samples)" if s else "n/a"


# ------------------------------------------------------------------------- phases


def closed_loop(port: int, pick, concurrency: int, stop) -> list[tuple[float, float, int]]:
    """`concurrency` threads, each with its own connection, each sending the next
    request as soon as its last one is answered, until `stop(done_count)` says so.
    Returns (start, end, status) per request, perf_counter seconds."""
    results, lock = [], threading.Lock()

    def worker():
        client = Client(port)
        try:
            while True:
                with lock:
                    if stop(len(results)):
                        return
                    index = len(results)
                name, fmt = pick(index)
                body = workloads.body(name, next(SERIAL))
                start = time.perf_counter()
                try:
                    status, _ = client.request("POST", f"/render?format={fmt}", body)
                except OSError:
                    status = 0
                    client.close()
                with lock:
                    results.append((start, time.perf_counter(), status))
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def warm_up(side: Side, cases) -> None:
    # Both workers of each side see every case a few times first: matplotlib's first
    # draw in a worker loads fonts, plotbox's first render in a thread makes its store.
    for name, fmt in cases:
        closed_loop(side.port, lambda i, n=name, f=fmt: (n, f), 2, lambda done: done >= 6)


def phase_cold(sides: list[Side], runs: int) -> dict:
    log(f"cold start: {runs} starts per side, alternating (after one unmeasured start each)")
    times = {side.name: [] for side in sides}
    for run in range(runs + 1):
        for side in sides:
            started = side.start()
            try:
                seconds = side.wait_first_picture(started)
            finally:
                side.stop()
            if run:  # the first start of each side fills the disk caches: not counted
                times[side.name].append(seconds)
    return times


def phase_latency(sides: list[Side], pairs: int, block: int, block_max_s: float) -> dict:
    log(f"warm latency: {len(CASES)} cases × {pairs} pairs of blocks of {block} sequential requests")
    out, sizes = {}, {}
    for name, fmt in CASES:
        per_side = {side.name: [] for side in sides}
        for _pair in range(pairs):
            for side in sides:  # A B, A B, ...
                client = Client(side.port)
                samples, block_end = [], time.perf_counter() + block_max_s
                try:
                    while len(samples) < block and (len(samples) < 5 or time.perf_counter() < block_end):
                        status, seconds, size = render_once(client, name, fmt)
                        if status != 200:
                            raise RuntimeError(f"{side.name} {name} {fmt}: HTTP {status}")
                        samples.append(seconds)
                        sizes.setdefault(f"{name} {fmt.upper()}", {})[side.name] = size
                finally:
                    client.close()
                per_side[side.name].append(samples)
        out[f"{name} {fmt.upper()}"] = per_side
        log(f"  {name} {fmt.upper()}: median " + " vs ".join(
            f"{s.name} {ms(median(sum(per_side[s.name], [])))}" for s in sides))
    return out, sizes


def phase_throughput(sides: list[Side], pairs: int, seconds: float) -> dict:
    log(f"throughput at concurrency 2: {len(CASES)} cases × {pairs} pairs of {seconds} s blocks")
    out = {}
    for name, fmt in CASES:
        per_side = {side.name: [] for side in sides}
        for _pair in range(pairs):
            for side in sides:
                t0 = time.perf_counter()
                end = t0 + seconds
                results = closed_loop(side.port, lambda i, n=name, f=fmt: (n, f), 2,
                                      lambda done: time.perf_counter() >= end)
                ok = [r for r in results if r[2] == 200]
                if len(ok) != len(results):
                    log(f"  {side.name} {name} {fmt}: {len(results) - len(ok)} of {len(results)} failed")
                elapsed = max(r[1] for r in results) - t0
                per_side[side.name].append(len(ok) / elapsed)
        out[f"{name} {fmt.upper()}"] = per_side
        log(f"  {name} {fmt.upper()}: " + " vs ".join(f"{s.name} {median(per_side[s.name]):.1f}/s" for s in sides))
    return out


def get_json(port: int, path: str):
    client = Client(port, timeout=5)
    try:
        status, body = client.request("GET", path)
        return json.loads(body) if status == 200 else None
    except (OSError, ValueError):
        return None
    finally:
        client.close()


def phase_hang(variant: str, side: Side, hang_request, timeout_s: float, bound_s: float,
               held_by_hang=None) -> dict:
    """One render that never finishes, then 50 normal ones (W1 PNG at concurrency 2),
    then more until service is normal again or `bound_s` has passed.

    `held_by_hang(port)`, where the side can tell, says whether the hung job still
    holds a worker (matplotlib's /stats); plotbox's worker is taken as free when the
    hung render is answered, which the CPU measurement afterwards checks.
    """
    log(f"hang: {variant}")
    side.start()
    side.wait_first_picture(time.perf_counter())
    warm_up(side, [("W1", "png")])
    base = closed_loop(side.port, lambda i: ("W1", "png"), 2, lambda done: done >= 30)
    baseline = median([end - start for start, end, _ in base])
    baseline_rate = len(base) / (max(r[1] for r in base) - min(r[0] for r in base))

    hang_result = {}

    def hang():
        client = Client(side.port, timeout=timeout_s + bound_s + 30)
        method, path, body = hang_request
        try:
            status, reply = client.request(method, path, body)
        except OSError as error:
            status, reply = 0, repr(error).encode()
        hang_result.update(status=status, end=time.perf_counter(), reply=reply[:200].decode(errors="replace"))
        client.close()

    t0 = time.perf_counter()
    hang_thread = threading.Thread(target=hang, daemon=True)
    hang_thread.start()
    time.sleep(0.05)  # the hung render is admitted before the normal ones

    normal_at = [None]
    released = {}  # "at": when the hung job stopped holding a worker
    results, lock = [], threading.Lock()

    def stop() -> bool:
        # Called with `lock` held.
        if time.perf_counter() - t0 > bound_s:
            return True
        if len(results) < 50 or "at" not in released:
            return False
        # Service is normal again at the first 20 requests in a row, all sent after the
        # hung job let go of its worker, whose median latency is within 1.5× of the
        # baseline measured just before and whose rate is at least 0.8× its rate. The
        # rate matters: with one of 2 workers held on 2 cores, latency alone can look
        # normal while capacity is down by a third.
        after = [r for r in results if r[0] >= released["at"] and r[2] == 200]
        for i in range(len(after) - 19):
            window = after[i:i + 20]
            rate = len(window) / (max(r[1] for r in window) - window[0][0])
            if median([e - s for s, e, _ in window]) <= 1.5 * baseline and rate >= 0.8 * baseline_rate:
                normal_at[0] = window[0][0] - t0
                return True
        return False

    def worker():
        client = Client(side.port)
        try:
            while True:
                with lock:
                    if stop():
                        return
                body = workloads.body("W1", next(SERIAL))
                start = time.perf_counter()
                try:
                    status, _ = client.request("POST", "/render?format=png", body)
                except OSError:
                    status = 0
                    client.close()
                with lock:
                    results.append((start, time.perf_counter(), status))
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    # Watch for the hung job letting go of its worker, until the workers stop.
    while any(t.is_alive() for t in threads):
        if "at" not in released and "end" in hang_result:
            if held_by_hang is None or not held_by_hang(side.port):
                with lock:
                    released["at"] = time.perf_counter() if held_by_hang else hang_result["end"]
        time.sleep(0.05)
    for t in threads:
        t.join()
    hang_thread.join(timeout=1.0)

    first50 = results[:50]
    # Whether the work stopped: the server's CPU over one idle second, well after the
    # timeout. A runaway render (or a spinning matplotlib job) shows as about 1 core.
    time.sleep(0.5)
    cpu0, w0 = cpu_seconds(side.pids()), time.perf_counter()
    time.sleep(1.0)
    cpu_cores = (cpu_seconds(side.pids()) - cpu0) / (time.perf_counter() - w0)
    stats = get_json(side.port, "/stats") if held_by_hang else None
    side.stop()
    latencies = [e - s for s, e, st in first50 if st == 200]
    return {
        "variant": variant,
        "baseline_s": baseline,
        "baseline_rate": baseline_rate,
        "hang_status": hang_result.get("status"),
        "hang_answer_s": (hang_result["end"] - t0) if "end" in hang_result else None,
        "hang_reply": hang_result.get("reply"),
        "released_s": (released["at"] - t0) if "at" in released else None,
        "ok_of_50": sum(1 for r in first50 if r[2] == 200),
        "sent": len(first50),
        "median_of_50_s": median(latencies),
        "max_of_50_s": max(latencies) if latencies else float("nan"),
        "normal_after_s": normal_at[0],
        "bound_s": bound_s,
        "cpu_cores_after": cpu_cores,
        "jobs_running_after": None if stats is None else stats.get("hang_jobs_running"),
    }


def mpl_hang_held(port: int) -> bool:
    stats = get_json(port, "/stats")
    return stats is None or stats.get("hang_jobs_running", 1) > 0


def phase_long(side: Side, checkpoints: list[int], bound_s: float) -> dict:
    log(f"long run: {side.name}, RSS after {checkpoints} renders (bound {bound_s:.0f} s)")
    side.start()
    side.wait_first_picture(time.perf_counter())
    rows, failed = [], collections.Counter()
    t0 = time.perf_counter()
    done = 0
    try:
        for target in checkpoints:
            remaining = bound_s - (time.perf_counter() - t0)
            if remaining <= 0:
                break
            end = time.perf_counter() + remaining
            results = closed_loop(side.port, lambda i, base=done: LONG_MIX[(base + i) % len(LONG_MIX)], 2,
                                  lambda n, goal=target - done: n >= goal or time.perf_counter() >= end)
            done += len(results)
            # By status, so a failure says what it was (504: the recipe's timeout; 0: no answer).
            failed.update(r[2] for r in results if r[2] != 200)
            rows.append({"renders": done, "target": target, "rss_mib": side.rss_mib(),
                         "peak_rss_mib": side.peak_rss_mib(), "elapsed_s": time.perf_counter() - t0})
            log(f"  {side.name}: {done} renders, RSS {rows[-1]['rss_mib']:.1f} MiB, {rows[-1]['elapsed_s']:.0f} s")
            if done < target:
                break
    finally:
        side.stop()
    return {"side": side.name, "rows": rows, "failed": dict(failed)}


# ------------------------------------------------------------------------- report


def machine() -> dict:
    model = "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        found = re.search(r"Model name:\s*(.+)", out)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "python": platform.python_version()}


def metric(port: int, name: str):
    try:
        client = Client(port, timeout=5)
        status, body = client.request("GET", "/metrics")
        client.close()
    except OSError:
        return None
    found = re.search(rf"^{name}(?:{{[^}}]*}})?\s+([0-9.e+]+)$", body.decode(), re.M)
    return float(found.group(1)) if found else None


def report(args, info, res) -> str:
    b = "matplotlib"
    ours = [n for n in args.names if n != b]
    lines = [f"# plotbox vs the matplotlib recipe ({'quick' if args.quick else 'full'} run)", ""]
    lines += [
        f"- command: `{info['command']}`",
        f"- machine: {info['machine']['nproc']} cores, {info['machine']['cpu']}, Linux {info['machine']['kernel']}; "
        f"load average (1 min) during the run: {info['load']}",
        f"- plotbox: `{info['plotbox_version']}`, `plotbox serve` with its defaults (every limit on; {args.workers_note})",
        f"- matplotlib {info['matplotlib']} on Python {info['machine']['python']}: bench/mpl_server.py, "
        f"ProcessPoolExecutor(2), result(timeout={args.timeout:g}), Agg, plt.close, layout {args.mpl_layout}",
        f"- plotbox-py: {info['python_package']}",
        f"- started {info['started']}, took {info['took_s'] / 60:.1f} min",
        "",
    ]
    for a in ours if "latency" in res else []:
        lines += [
            f"## {a} against {b}: warm latency (one request at a time) and throughput (2 at a time)", "",
            f"Ratios are {b} ÷ {a} for times and {a} ÷ {b} for throughput: "
            f"above 1× {a} is ahead. Each ratio is computed per pair of blocks, then "
            f"the median over {args.pairs} pairs is shown with the range in brackets.", "",
            f"| workload | {a} median | {b} median | ratio | {a} p99 | {b} p99 | ratio | "
            f"{a} renders/s | {b} renders/s | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for case, per in res["latency"].items():
            pa, pb = per[a], per[b]
            med_ratios = [median(y) / median(x) for x, y in zip(pa, pb)]
            p99_ratios = [p99(y) / p99(x) for x, y in zip(pa, pb)]
            row = [case, ms(median(sum(pa, []))), ms(median(sum(pb, []))), summary(med_ratios),
                   ms(p99(sum(pa, []))), ms(p99(sum(pb, []))), summary(p99_ratios)]
            tp = res.get("throughput", {}).get(case)
            if tp:
                row += [f"{median(tp[a]):,.0f}", f"{median(tp[b]):,.1f}",
                        summary([x / y for x, y in zip(tp[a], tp[b])])]
            else:
                row += ["", "", ""]
            lines.append("| " + " | ".join(row) + " |")
        first = next(iter(res["latency"].values()))
        lines += ["", f"Samples in the first case: {a} {sum(len(x) for x in first[a])}, "
                  f"{b} {sum(len(x) for x in first[b])}. Medians and p99 are over all of a side's samples; "
                  f"a block has up to {args.block} requests and stops early after {args.block_max_s:g} s "
                  f"(with at least 5), so a block's p99 is close to its maximum.", ""]
    if res.get("sizes"):
        lines += ["## Picture sizes", "",
                  "Bytes of one answer per case (the last of the latency phase); smaller is better. "
                  "The ratio is matplotlib ÷ plotbox, so below 1× plotbox's picture is the larger one.", "",
                  "| workload | " + " | ".join(args.names) + " | matplotlib ÷ plotbox |",
                  "|---|" + "---|" * (len(args.names) + 1)]
        for case, per in res["sizes"].items():
            lines.append(f"| {case} | " + " | ".join(f"{per.get(n, 0):,}" for n in args.names)
                         + f" | {per[b] / per['plotbox']:.2f}× |")
        lines.append("")
    if "cold" in res or "peak" in res:
        lines += ["## Cold start and memory", "",
                  "| side | cold start: process start to first W1 SVG (median) | ratio "
                  "| peak RSS after the warm phases (VmHWM summed over the server's processes) | ratio |",
                  "|---|---|---|---|---|"]
        cold, peak = res.get("cold", {}), res.get("peak", {})
        for name in args.names:
            row = [name]
            if name in cold:
                row += [f"{ms(median(cold[name]))} (of {len(cold[name])})",
                        "" if name == b else summary([y / x for x, y in zip(cold[name], cold[b])])]
            else:
                row += ["", ""]
            if name in peak:
                row += [f"{peak[name]:.1f} MiB", "" if name == b else f"{peak[b] / peak[name]:.1f}×"]
            else:
                row += ["", ""]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    if "cache_hits" in res:
        lines += [f"plotbox's result cache answered {res['cache_hits']:g} of the warm requests "
                  f"(`plotbox_cache_hits_total`; 0 means every request was rendered).", ""]
    if "hang" in res:
        lines += ["## The hang scenario", "",
                  "A fresh server each. One render that never finishes, then 50 normal ones (W1 PNG, 2 at a "
                  "time), then more until service is normal again: 20 requests in a row, sent after the hung "
                  "job let go of its worker, with a median latency within 1.5× and a rate of at least 0.8× "
                  f"of a baseline of 30 requests measured just before; given up after {res['hang'][0]['bound_s']:g} s. "
                  "matplotlib's server says when the hung job stops holding a worker (`/stats`); for plotbox "
                  "that is taken to be when the hung render is answered, which the CPU column checks.", "",
                  "| side, hung render | timeout fired | work stopped? (server CPU 0.5–1.5 s after; hung jobs still running) "
                  "| normal ones OK | their median / max latency (baseline) | worker free again | service normal again |",
                  "|---|---|---|---|---|---|---|"]
        for h in res["hang"]:
            fired = (f"yes, HTTP {h['hang_status']} after {h['hang_answer_s']:.2f} s"
                     if h["hang_answer_s"] is not None and h["hang_status"] in (422, 504)
                     else f"no (HTTP {h['hang_status']})")
            held = "" if h["jobs_running_after"] is None else f"; {h['jobs_running_after']} running"
            stopped = "yes" if h["cpu_cores_after"] < 0.1 and not h["jobs_running_after"] else "**no**"
            free = (f"{h['released_s']:.2f} s" if h["released_s"] is not None
                    else f"**not within {h['bound_s']:g} s**")
            normal = (f"{h['normal_after_s']:.2f} s" if h["normal_after_s"] is not None
                      else f"**not within {h['bound_s']:g} s**")
            lines.append(f"| {h['variant']} | {fired} | {stopped} ({h['cpu_cores_after']:.2f} cores{held}) | "
                         f"{h['ok_of_50']} of {h['sent']} | {ms(h['median_of_50_s'])} / {ms(h['max_of_50_s'])} "
                         f"({ms(h['baseline_s'])}) | {free} | {normal} |")
        lines += ["", "Answers to the hung requests: " + "; ".join(
            f"{h['variant']}: `{h['hang_reply']}`" for h in res["hang"]), ""]
    if "long" in res:
        lines += ["## Memory over a long run", "",
                  f"A fresh server per side, 2 requests at a time, round robin over "
                  f"{', '.join(f'{n} {f.upper()}' for n, f in LONG_MIX)}; RSS is VmRSS summed over "
                  f"the server's processes.", "",
                  "| side | renders | RSS | peak RSS | elapsed |", "|---|---|---|---|---|"]
        for run in res["long"]:
            for row in run["rows"]:
                short = "" if row["renders"] >= row["target"] else f" (stopped at the time bound; target {row['target']:,})"
                lines.append(f"| {run['side']} | {row['renders']:,}{short} | {row['rss_mib']:.1f} MiB | "
                             f"{row['peak_rss_mib']:.1f} MiB | {row['elapsed_s']:.0f} s |")
            if run["failed"]:
                how = ", ".join(f"HTTP {status}: {n}" if status else f"no answer: {n}"
                                for status, n in sorted(run["failed"].items()))
                lines.append(f"| {run['side']} | {sum(run['failed'].values())} renders failed ({how}) | | | |")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plotbox", default=os.environ.get("PLOTBOX_BIN", os.path.join(ROOT, "target/release/plotbox")),
                        help="the plotbox binary (env PLOTBOX_BIN; default target/release/plotbox)")
    parser.add_argument("--quick", action="store_true", help="fewer pairs, shorter blocks, long run to 10k")
    parser.add_argument("--pairs", type=int, help="A B block pairs per case (default 4; quick 2)")
    parser.add_argument("--block", type=int, help="requests per latency block (default 50; quick 20)")
    parser.add_argument("--block-max-s", type=float, help="time bound of a latency block (default 15; quick 6)")
    parser.add_argument("--tput-s", type=float, help="seconds per throughput block (default 3; quick 1.5)")
    parser.add_argument("--cold-starts", type=int, help="measured cold starts per side (default 5; quick 3)")
    parser.add_argument("--long", help="plotbox's long-run checkpoints (default 1000,10000,100000; quick 1000,10000)")
    parser.add_argument("--mpl-long", help="matplotlib's long-run checkpoints (default 1000,5000; quick 1000)")
    parser.add_argument("--py-long", help="plotbox-py's long-run checkpoints (default 1000,10000; quick 1000)")
    parser.add_argument("--wheel", help="the Python package's wheel (env PLOTBOX_WHEEL; default target/wheels/plotbox-*.whl)")
    parser.add_argument("--no-python", action="store_true", help="leave the Python package out")
    parser.add_argument("--long-max-s", type=float, default=900.0, help="time bound of each side's long run")
    parser.add_argument("--timeout", type=float, default=2.0,
                        help="matplotlib's result(timeout=...), seconds; plotbox keeps its own default (2 s)")
    parser.add_argument("--mpl-layout", choices=["none", "constrained"], default="none",
                        help="matplotlib's layout engine: none (fixed margins, cheapest) or constrained "
                             "(the layout plotbox imitates)")
    parser.add_argument("--skip", default="", help="phases to leave out: cold,latency,throughput,hang,long")
    parser.add_argument("--out", default=os.path.join(ROOT, "target/bench"), help="where results and logs go")
    args = parser.parse_args()
    q = args.quick
    args.pairs = args.pairs or (2 if q else 4)
    args.block = args.block or (20 if q else 50)
    args.block_max_s = args.block_max_s or (6.0 if q else 15.0)
    args.tput_s = args.tput_s or (1.5 if q else 3.0)
    args.cold_starts = args.cold_starts or (3 if q else 5)
    long_pb = [int(x) for x in (args.long or ("1000,10000" if q else "1000,10000,100000")).split(",")]
    long_py = [int(x) for x in (args.py_long or ("1000" if q else "1000,10000")).split(",")]
    long_mpl = [int(x) for x in (args.mpl_long or ("1000" if q else "1000,5000")).split(",")]
    skip = set(filter(None, args.skip.split(",")))
    wheel = args.wheel or os.environ.get("PLOTBOX_WHEEL") or next(
        iter(sorted(glob.glob(os.path.join(ROOT, "target/wheels/plotbox-*.whl")))), None)
    python_package = "not measured: no wheel (scripts/python-wheel.sh builds one; or --wheel PATH)"
    if wheel and not args.no_python:
        # Into the benchmark's own venv (run.sh made it), and again on every run, as the
        # wheel keeps its version number from one build to the next.
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--force-reinstall", "--no-deps", wheel], check=True)
        probe = subprocess.run([sys.executable, "-c", "import plotbox; print(plotbox.__version__, plotbox.MODULE_SHA256)"],
                               capture_output=True, text=True, check=True).stdout.split()
        python_package = (f"the Python package {probe[0]} (module {probe[1][:12]}, from {os.path.basename(wheel)}) behind "
                          f"the same tiny HTTP front as matplotlib (bench/mpl_server.py --engine plotbox), "
                          f"`plotbox.render(body, format, timeout={args.timeout:g})` in the request thread, 2 at once")
    elif args.no_python:
        python_package = "not measured (--no-python)"
    args.names = ("plotbox", "matplotlib") + (("plotbox-py",) if python_package.startswith("the") else ())
    args.workers_note = "2 workers on this machine's 2 cores"

    binary = os.path.abspath(args.plotbox)
    if not os.access(binary, os.X_OK):
        print(f"bench: no plotbox binary at {binary}; build it (cargo build --release -p plotbox-host) "
              "or pass --plotbox PATH", file=sys.stderr)
        return 2
    logs = os.path.join(args.out, "logs")
    mpl_env = dict(os.environ, MPLBACKEND="Agg",
                   # A config dir of the benchmark's own: no personal matplotlibrc, and a font
                   # cache that the unmeasured first start fills.
                   MPLCONFIGDIR=os.path.join(args.out, "mplconfig"))
    mpl_cmd = [sys.executable, os.path.join(HERE, "mpl_server.py"), "--port", "{port}",
               "--workers", "2", "--timeout", str(args.timeout), "--layout", args.mpl_layout]
    pb_cmd = [binary, "serve", "--addr", "127.0.0.1:{port}"]

    def plotbox_side(name="plotbox", extra=()):
        return Side(name, pb_cmd + list(extra), dict(os.environ), logs)

    def mpl_side(name="matplotlib", extra=()):
        return Side(name, mpl_cmd + list(extra), mpl_env, logs)

    def py_side(name="plotbox-py"):
        return Side(name, mpl_cmd + ["--engine", "plotbox"], dict(os.environ), logs)

    def all_sides():
        return [plotbox_side(), mpl_side()] + ([py_side()] if "plotbox-py" in args.names else [])

    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
    info = {
        "python_package": python_package,
        "command": " ".join(["bench/run.sh"] + sys.argv[1:]),
        "machine": machine(),
        "plotbox_version": " ".join(version.split()[:2] + ["module", version.split()[4][:12]])
        if len(version.split()) > 4 else version.strip(),
        "matplotlib": metadata.version("matplotlib"),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    res = {}
    t_start = time.perf_counter()
    with LoadSampler() as load:
        try:
            if "cold" not in skip:
                res["cold"] = phase_cold(all_sides(), args.cold_starts)
            if not {"latency", "throughput"} <= skip:
                sides = all_sides()
                try:
                    for side in sides:
                        side.wait_first_picture(side.start())
                        warm_up(side, CASES)
                    if "latency" not in skip:
                        res["latency"], res["sizes"] = phase_latency(sides, args.pairs, args.block, args.block_max_s)
                    if "throughput" not in skip:
                        res["throughput"] = phase_throughput(sides, args.pairs, args.tput_s)
                    res["peak"] = {side.name: side.peak_rss_mib() for side in sides}
                    res["cache_hits"] = metric(sides[0].port, "plotbox_cache_hits_total")
                finally:
                    for side in sides:
                        side.stop()
            if "hang" not in skip:
                hang_body = workloads.hang_body()
                bound = args.timeout + 13.0
                res["hang"] = [
                    phase_hang("plotbox, defaults (fuel and 2 s deadline)", plotbox_side("plotbox hang"),
                               ("POST", "/render?format=png", hang_body), args.timeout, bound),
                    phase_hang("plotbox, `--fuel 0` (the 2 s deadline alone)",
                               plotbox_side("plotbox hang fuel0", ["--fuel", "0"]),
                               ("POST", "/render?format=png", hang_body), args.timeout, bound),
                    phase_hang("matplotlib, a job that sleeps", mpl_side("matplotlib hang sleep", ["--allow-hang"]),
                               ("POST", "/hang?kind=sleep&seconds=300", b""), args.timeout, bound,
                               mpl_hang_held),
                    phase_hang("matplotlib, a job that spins", mpl_side("matplotlib hang spin", ["--allow-hang"]),
                               ("POST", "/hang?kind=spin&seconds=300", b""), args.timeout, bound,
                               mpl_hang_held),
                ]
                if "plotbox-py" in args.names:
                    res["hang"].append(phase_hang("plotbox-py, the Python package (its 2 s timeout)", py_side("plotbox-py hang"),
                                                  ("POST", "/render?format=png", hang_body), args.timeout, bound))
            if "long" not in skip:
                res["long"] = [phase_long(plotbox_side("plotbox long"), long_pb, args.long_max_s),
                               phase_long(mpl_side("matplotlib long"), long_mpl, args.long_max_s)]
                if "plotbox-py" in args.names:
                    res["long"].append(phase_long(py_side("plotbox-py long"), long_py, args.long_max_s))
        except KeyboardInterrupt:
            log("interrupted: reporting what was measured")
    info["took_s"] = time.perf_counter() - t_start
    info["load"] = load.describe()
    text = report(args, info, res)
    print(text)
    os.makedirs(args.out, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(args.out, f"results-{stamp}.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(args.out, f"results-{stamp}.json"), "w") as f:
        json.dump({"info": info, "results": res, "load_samples": load.samples}, f, indent=1, default=str)
    log(f"written: {args.out}/results-{stamp}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
