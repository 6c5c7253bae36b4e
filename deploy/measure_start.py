#!/usr/bin/env python3
"""Runs a plotbox binary the way deploy/kubernetes/deployment.yaml does, and measures it.

Usage (as root, for setpriv; with PyYAML, e.g. target/deploy-venv/bin/python):
    deploy/measure_start.py BINARY cold|warm [RENDERS]
    deploy/measure_start.py BINARY full

Takes the container's `args` and `env` from the Deployment, changes only the address
(127.0.0.1:0, a free port) and the compile cache (a scratch folder, emptied for `cold`),
and starts BINARY as user and group 65532 with no HOME and working directory `/`, as
in the image. It prints how long the server took to listen and its peak RSS, the
answers of /healthz and /readyz, its peak RSS after RENDERS renders each of W1 PNG,
W2 PNG and W1 SVG (bench/workloads.py), how SIGTERM ends it, and whether every line on
stderr is a JSON object. `full` (cache kept) fills every worker and queue slot with
renders that cannot finish in time (bench/workloads.py's hang body), then checks that
one more render gets 503 with Retry-After, /readyz 503 and /healthz 200, and sends
SIGTERM: how long the drain takes, and that every admitted render is answered.
Exits 1 if any of that is not as the manifests expect.
The figures in deploy/README.md ("Measured") come from this.
"""

import concurrent.futures
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import workloads  # noqa: E402

UID = 65532


def container_settings():
    deployment = yaml.safe_load((ROOT / "deploy/kubernetes/deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    return list(container["args"]), env


def memory_mib(pid):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(key + r":\s+(\d+) kB", status).group(1)) / 1024
            for key in ("VmHWM", "VmRSS")}


def main(argv):
    if len(argv) not in (3, 4) or argv[2] not in ("cold", "warm", "full"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    binary, mode = argv[1], argv[2]
    renders = int(argv[3]) if len(argv) == 4 else 0
    args, env = container_settings()
    args[args.index("--addr") + 1] = "127.0.0.1:0"
    cache = pathlib.Path(tempfile.gettempdir()) / "plotbox-deploy-measure-cache"
    if mode == "cold" and cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(exist_ok=True)
    os.chown(cache, UID, UID)
    env["PLOTBOX_CACHE_DIR"] = str(cache)
    command = ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups", binary, *args]
    problems = []
    with tempfile.TemporaryFile("w+") as stderr:
        started = time.monotonic()
        server = subprocess.Popen(command, env=env, cwd="/", stdout=subprocess.PIPE, stderr=stderr)
        try:
            line = server.stdout.readline().decode()
            listening = time.monotonic() - started
            match = re.search(r"http://\S+", line)
            if not match:
                print(f"the server did not say where it listens: {line!r}")
                return 1
            url = match.group(0)
            print(f"{mode} start: listening after {listening * 1000:.0f} ms; "
                  f"peak RSS {memory_mib(server.pid)['VmHWM']:.1f} MiB")

            def get(path):
                try:
                    with urllib.request.urlopen(url + path, timeout=10) as response:
                        return response.status, response.read().decode()
                except urllib.error.HTTPError as error:
                    return error.code, error.read().decode()

            healthz, readyz = get("/healthz"), get("/readyz")
            print(f"/healthz {healthz[0]}; /readyz {readyz[0]} {readyz[1]}")
            if healthz[0] != 200 or readyz[0] != 200:
                problems.append("/healthz or /readyz did not answer 200")
            if mode == "full":
                problems += fill_and_drain(server, url, env, get)
                return report(problems, stderr, cache, check_logs=True)
            for name, fmt in [("W1", "png"), ("W2", "png"), ("W1", "svg")]:
                for k in range(renders):
                    request = urllib.request.Request(
                        f"{url}/render?format={fmt}", data=workloads.body(name, k), method="POST")
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                        if response.status != 200:
                            problems.append(f"{name} {fmt} answered {response.status}")
            if renders:
                memory = memory_mib(server.pid)
                print(f"after {3 * renders} renders: peak RSS {memory['VmHWM']:.1f} MiB, "
                      f"RSS {memory['VmRSS']:.1f} MiB")
            stopping = time.monotonic()
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=60)
            print(f"SIGTERM: exit {code} after {(time.monotonic() - stopping) * 1000:.0f} ms")
            if code != 0:
                problems.append(f"exit code {code} after SIGTERM")
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
        return report(problems, stderr, cache, check_logs=True)


def post(url, body):
    """(status, Retry-After, seconds) of one POST /render?format=png."""
    started = time.monotonic()
    request = urllib.request.Request(f"{url}/render?format=png", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            status, retry_after = response.status, None
    except urllib.error.HTTPError as error:
        error.read()
        status, retry_after = error.code, error.headers.get("Retry-After")
    return status, retry_after, time.monotonic() - started


def fill_and_drain(server, url, env, get):
    problems = []
    slots = int(env["PLOTBOX_WORKERS"]) + int(env["PLOTBOX_QUEUE"])
    body = workloads.hang_body()
    with concurrent.futures.ThreadPoolExecutor(slots) as pool:
        admitted = [pool.submit(post, url, body) for _ in range(slots)]
        # Long enough for every body to be read and admitted, well within one deadline.
        time.sleep(1.0)
        status, retry_after, took = post(url, body)
        readyz, healthz = get("/readyz"), get("/healthz")
        print(f"with {slots} admitted: one more render {status} after {took * 1000:.1f} ms, "
              f"Retry-After {retry_after}; /readyz {readyz[0]}; /healthz {healthz[0]}")
        if (status, retry_after, readyz[0], healthz[0]) != (503, "1", 503, 200):
            problems.append("a full replica must answer 503 + Retry-After: 1, /readyz 503, /healthz 200")
        stopping = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=120)
        print(f"SIGTERM: exit {code} after {time.monotonic() - stopping:.1f} s")
        if code != 0:
            problems.append(f"exit code {code} after SIGTERM")
        answers = [future.result() for future in admitted]
    statuses = sorted({answer[0] for answer in answers})
    print(f"the {slots} admitted renders: statuses {statuses}, "
          f"the last answered {max(answer[2] for answer in answers):.1f} s after it was sent")
    if any(answer[0] not in (200, 422) for answer in answers):
        problems.append("an admitted render was not answered with its own result")
    return problems


def report(problems, stderr, cache, check_logs):
    stderr.seek(0)
    lines = stderr.read().splitlines()
    not_json = []
    for line in lines:
        try:
            if not isinstance(json.loads(line), dict):
                not_json.append(line)
        except json.JSONDecodeError:
            not_json.append(line)
    print(f"stderr: {len(lines)} lines, {len(lines) - len(not_json)} of them JSON objects")
    if check_logs and (not_json or not lines):
        problems.append(f"stderr lines that are not JSON objects: {not_json[:3]}")
    entries = sorted((entry.name, entry.stat().st_size) for entry in cache.iterdir())
    print(f"compile cache: {entries}")
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
