#!/usr/bin/env python3
"""Checks the properties of deploy/kubernetes that a schema cannot express.

Usage: check_invariants.py MANIFEST_DIR REPO_ROOT

The schema validator (deploy/validate.sh) only knows that a field exists and has the
right type. This checks what plotbox needs of the values: the hardening, the probes on
the routes that mean what the probes need, the image's ENTRYPOINT argument layout,
settings the server really reads, the memory and CPU sizing against the workers, and
a termination grace longer than the server's drain. REPO_ROOT is where the server's
flags and PLOTBOX_* variables are read from (host/src/server/config.rs,
host/src/main.rs), so a misspelt variable, which the server would silently ignore,
fails here.

Prints every failed invariant and exits 1 if there is any; needs PyYAML only.
"""

import pathlib
import re
import sys

import yaml

# The image runs as this numeric user and group (scripts/docker-image.sh).
IMAGE_UID = 65532
# The server's own memory, which the memory limit adds to the sandboxes' and the
# bodies': a pod's first start compiles the module, and the server's RSS is then
# 235-252 MiB for good (deploy/README.md, "Measured"); rounded up. (A server that
# found the module cached peaked at 73.1 MiB: BENCHMARKS.md, "Cold start and memory".)
BASELINE_MIB = 256
# Defaults of `plotbox serve` that the sizing depends on when a variable is unset
# (host/src/server/config.rs and the sandbox's 128 MiB memory cap).
DEFAULTS = {
    "PLOTBOX_QUEUE": 64,
    "PLOTBOX_MAX_BODY": 16 * 1024 * 1024,
    "PLOTBOX_MEMORY_MB": 128,
    "PLOTBOX_SHUTDOWN_GRACE_S": 30,
}
MIB = 1024 * 1024
QUANTITY_SUFFIXES = {
    "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4,
    "k": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4,
}


class Checker:
    def __init__(self):
        self.failures = []

    def require(self, condition, message):
        if not condition:
            self.failures.append(message)
        return bool(condition)


def memory_bytes(quantity):
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(quantity))
    if not match:
        return None
    return int(match.group(1)) * QUANTITY_SUFFIXES.get(match.group(2) or "", 1)


def cpu_cores(quantity):
    text = str(quantity)
    if re.fullmatch(r"\d+m", text):
        return int(text[:-1]) / 1000
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    return None


def serve_settings(repo):
    """The flags and variables `plotbox serve` reads: (flag names, variable names)."""
    config = (repo / "host/src/server/config.rs").read_text()
    main = (repo / "host/src/main.rs").read_text()
    struct = config.split("pub struct ServeArgs", 1)[1].split("\n}\n", 1)[0]
    flags = {"--" + name.replace("_", "-") for name in re.findall(r"pub (\w+):", struct)}
    variables = set(re.findall(r'env = "(PLOTBOX_\w+)"', struct))
    # The CLI's global flags (`--log`, PLOTBOX_LOG) apply to `serve` too.
    lines = main.splitlines()
    for line, following in zip(lines, lines[1:]):
        if "global = true" in line:
            variables.update(re.findall(r'env = "(PLOTBOX_\w+)"', line))
            flags.update("--" + name.replace("_", "-")
                         for name in re.findall(r"^\s*(?:pub )?(\w+):", following))
    return flags, variables


def load(directory):
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    listed = kustomization.get("resources", [])
    documents = []
    for name in listed:
        path = directory / name
        if path.is_file():
            documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return listed, documents


def check(directory, repo):
    c = Checker()
    listed, documents = load(directory)
    on_disk = sorted(p.name for p in directory.glob("*.yaml") if p.name != "kustomization.yaml")
    c.require(sorted(listed) == on_disk,
              f"kustomization.yaml lists {sorted(listed)}, the folder has {on_disk}")

    by_kind = {}
    for doc in documents:
        by_kind.setdefault((doc.get("apiVersion"), doc.get("kind")), []).append(doc)
    for key in [("apps/v1", "Deployment"), ("v1", "Service"),
                ("autoscaling/v2", "HorizontalPodAutoscaler"),
                ("policy/v1", "PodDisruptionBudget")]:
        c.require(len(by_kind.get(key, [])) == 1, f"exactly one {key[1]} ({key[0]}) expected")
    if c.failures:
        return c.failures
    deployment = by_kind[("apps/v1", "Deployment")][0]
    service = by_kind[("v1", "Service")][0]
    hpa = by_kind[("autoscaling/v2", "HorizontalPodAutoscaler")][0]
    pdb = by_kind[("policy/v1", "PodDisruptionBudget")][0]

    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"].get("labels", {})
    pod_security = pod.get("securityContext", {})
    c.require("replicas" not in spec,
              "Deployment sets replicas: every `kubectl apply` would undo the autoscaler")
    c.require(pod.get("automountServiceAccountToken") is False,
              "pod: automountServiceAccountToken must be false")
    c.require(pod.get("enableServiceLinks") is False,
              "pod: enableServiceLinks must be false (service links inject PLOTBOX_* variables)")
    c.require(pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault",
              "pod: seccompProfile RuntimeDefault expected")

    flags, variables = serve_settings(repo)
    containers = pod.get("containers", [])
    c.require(len(containers) == 1, "one container expected")
    container = containers[0]
    name = container.get("name")
    security = container.get("securityContext", {})

    def effective(key):
        return security.get(key, pod_security.get(key))

    c.require(str(container.get("image", "")).startswith("plotbox:"),
              f"{name}: image plotbox:TAG expected")
    c.require(effective("runAsNonRoot") is True, f"{name}: runAsNonRoot must be true")
    c.require(effective("runAsUser") == IMAGE_UID, f"{name}: runAsUser must be {IMAGE_UID}")
    c.require(effective("runAsGroup") == IMAGE_UID, f"{name}: runAsGroup must be {IMAGE_UID}")
    c.require(security.get("readOnlyRootFilesystem") is True,
              f"{name}: readOnlyRootFilesystem must be true")
    c.require(security.get("allowPrivilegeEscalation") is False,
              f"{name}: allowPrivilegeEscalation must be false")
    c.require(security.get("privileged") in (None, False), f"{name}: must not be privileged")
    c.require(security.get("capabilities", {}).get("drop") == ["ALL"],
              f"{name}: capabilities must drop ALL")
    c.require(not security.get("capabilities", {}).get("add"), f"{name}: no capability may be added")

    # The image is FROM scratch with ENTRYPOINT ["/plotbox"]: `command` would replace
    # the only binary there is, and the arguments must be `serve --addr HOST:PORT`.
    c.require("command" not in container,
              f"{name}: no `command` (the image's ENTRYPOINT /plotbox must stay)")
    args = [str(arg) for arg in container.get("args", [])]
    c.require(args[:1] == ["serve"], f"{name}: args must start with `serve`, got {args}")
    for arg in args[1:]:
        if arg.startswith("--"):
            c.require(arg.split("=", 1)[0] in flags, f"{name}: `plotbox serve` has no flag {arg}")
    addr = args[args.index("--addr") + 1] if "--addr" in args[:-1] else None
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    http_port = ports.get("http")
    c.require(http_port is not None, f"{name}: a containerPort named http expected")
    c.require(addr == f"0.0.0.0:{http_port}",
              f"{name}: `--addr 0.0.0.0:{http_port}` expected (the server binds 127.0.0.1 "
              f"by default, unreachable from outside the pod), got {addr}")

    env = {}
    for item in container.get("env", []):
        env[item["name"]] = item.get("value")
        if item["name"].startswith("PLOTBOX_"):
            c.require(item["name"] in variables,
                      f"{name}: `plotbox serve` does not read {item['name']}")

    def setting(variable):
        value = env.get(variable, DEFAULTS.get(variable))
        try:
            return int(value)
        except (TypeError, ValueError):
            c.require(False, f"{name}: {variable} must be an integer, got {value!r}")
            return 0

    c.require(env.get("PLOTBOX_LOG_FORMAT") == "json", f"{name}: PLOTBOX_LOG_FORMAT json expected")

    def probe_path(probe):
        get = container.get(probe, {}).get("httpGet", {})
        c.require(get.get("port") in ("http", http_port), f"{name}: {probe} must use the http port")
        return get.get("path")

    c.require(probe_path("readinessProbe") == "/readyz", f"{name}: readinessProbe must GET /readyz")
    c.require(probe_path("livenessProbe") == "/healthz", f"{name}: livenessProbe must GET /healthz")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        c.require("exec" not in container.get(probe, {}),
                  f"{name}: {probe} cannot exec (no shell or tools in the image)")
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    c.require("exec" not in pre_stop, f"{name}: preStop cannot exec (no shell in the image)")

    # The compile cache needs a writable directory, and the root file system is not.
    cache_dir = env.get("PLOTBOX_CACHE_DIR")
    no_cache = str(env.get("PLOTBOX_NO_CACHE", "")).lower() in ("1", "true", "yes", "on", "y")
    if cache_dir is not None:
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])
                  if not m.get("readOnly")}
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        volume = volumes.get(mounts.get(cache_dir), {})
        c.require("emptyDir" in volume,
                  f"{name}: PLOTBOX_CACHE_DIR {cache_dir} must be a writable emptyDir mount")
        medium = (volume.get("emptyDir") or {}).get("medium")
        c.require(medium != "Memory",
                  f"{name}: the cache emptyDir on medium Memory would count against the memory limit")
    else:
        c.require(no_cache, f"{name}: set PLOTBOX_CACHE_DIR to a writable mount or PLOTBOX_NO_CACHE")

    # Sizing: one worker per requested core, and memory for every worker's sandbox at
    # its cap, the measured baseline and the bodies admitted requests hold.
    workers = setting("PLOTBOX_WORKERS")
    resources = container.get("resources", {})
    for bound in ("requests", "limits"):
        cores = cpu_cores(resources.get(bound, {}).get("cpu"))
        c.require(cores is not None and cores == workers,
                  f"{name}: PLOTBOX_WORKERS ({workers}) must equal the CPU {bound} ({cores})")
    queue = setting("PLOTBOX_QUEUE")
    needed = (workers * setting("PLOTBOX_MEMORY_MB") * MIB + BASELINE_MIB * MIB
              + (workers + queue) * setting("PLOTBOX_MAX_BODY"))
    for bound in ("requests", "limits"):
        have = memory_bytes(resources.get(bound, {}).get("memory"))
        c.require(have is not None and have >= needed,
                  f"{name}: memory {bound} {resources.get(bound, {}).get('memory')} is below "
                  f"workers x memory cap + {BASELINE_MIB} MiB + (workers + queue) x max body "
                  f"= {needed / MIB:.0f} MiB")

    # SIGTERM starts the drain: open requests get the grace, then the runtime waits up
    # to the grace again for renders whose clients left; the preStop pause comes first.
    grace = setting("PLOTBOX_SHUTDOWN_GRACE_S")
    pause = int(pre_stop.get("sleep", {}).get("seconds", 0))
    termination = pod.get("terminationGracePeriodSeconds", 30)
    c.require(termination >= pause + 2 * grace,
              f"pod: terminationGracePeriodSeconds {termination} is below preStop {pause} s "
              f"+ 2 x PLOTBOX_SHUTDOWN_GRACE_S {grace} s")

    # The other objects point at the Deployment's pods.
    selector = spec.get("selector", {}).get("matchLabels", {})
    c.require(selector and selector.items() <= pod_labels.items(),
              "Deployment selector must match its pod labels")
    c.require(service["spec"].get("selector", {}).items() <= pod_labels.items()
              and service["spec"].get("selector"), "Service selector must match the pods")
    c.require(all(p.get("targetPort") in ("http", http_port) for p in service["spec"].get("ports", [])),
              "Service must target the http port")
    c.require(pdb["spec"].get("selector", {}).get("matchLabels", {}).items() <= pod_labels.items()
              and pdb["spec"].get("selector"), "PodDisruptionBudget selector must match the pods")
    target = hpa["spec"]["scaleTargetRef"]
    c.require(target.get("kind") == "Deployment"
              and target.get("name") == deployment["metadata"]["name"],
              "HorizontalPodAutoscaler must scale the Deployment")
    c.require(any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu"
                  for m in hpa["spec"].get("metrics", [])),
              "HorizontalPodAutoscaler must scale on CPU")
    c.require(hpa["spec"].get("minReplicas", 1) >= 2,
              "HorizontalPodAutoscaler minReplicas must be at least 2 (one may be evicted)")
    return c.failures


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    directory, repo = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    try:
        failures = check(directory, repo)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, yaml.YAMLError) as error:
        failures = [f"manifests do not have the expected shape: {error!r}"]
    for failure in failures:
        print(f"invariant failed: {failure}")
    if not failures:
        print(f"invariants hold in {directory}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
