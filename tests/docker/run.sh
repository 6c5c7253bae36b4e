#!/usr/bin/env bash
# The container image end to end: builds plotbox:latest with scripts/docker-image.sh,
# checks its size and configuration, runs it the way a Kubernetes deployment would
# (read-only root filesystem, a tmpfs for the compile cache), renders a PNG through it
# and waits for its HEALTHCHECK to report healthy.
#
# Installs Debian's docker.io when dockerd is missing and starts the daemon when none
# is running (stopping it again at the end). Skips, with a banner on stderr and exit 0,
# only when the daemon cannot start; every other failure exits non-zero.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

image=plotbox:latest
max_size=60000000 # bytes: "under 60 MB"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/plotbox-docker-test.XXXXXX")
container="plotbox-test-$$"
started_dockerd=""

log() { printf 'docker test: %s\n' "$*" >&2; }
fail() {
    log "FAILED: $*"
    exit 1
}
skip() {
    {
        echo
        echo "################################################################"
        echo "SKIPPED: docker daemon could not start: $*"
        echo "################################################################"
        echo
    } >&2
    exit 0
}

cleanup() {
    status=$?
    if docker container inspect "$container" >/dev/null 2>&1; then
        if [ "$status" -ne 0 ]; then
            log "container log:"
            docker logs "$container" >&2 2>&1 || true
        fi
        docker rm -f "$container" >/dev/null 2>&1 || true
    fi
    if [ -n "$started_dockerd" ]; then
        log "stopping the dockerd this test started"
        kill "$started_dockerd" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$started_dockerd" 2>/dev/null || break
            sleep 0.2
        done
    fi
    rm -rf "$scratch"
    exit "$status"
}
trap cleanup EXIT

sudo_if_needed=""
[ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"

daemon_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! daemon_answers; then
    if ! command -v dockerd >/dev/null; then
        log "installing docker.io (dockerd)"
        $sudo_if_needed apt-get install -y docker.io >"$scratch/apt.log" 2>&1 || {
            $sudo_if_needed apt-get update >>"$scratch/apt.log" 2>&1 &&
                $sudo_if_needed apt-get install -y docker.io >>"$scratch/apt.log" 2>&1
        } || skip "dockerd is missing and apt-get install docker.io failed: $(tail -n 1 "$scratch/apt.log")"
    fi
    if ! daemon_answers; then
        # No bridge network or iptables rules: containers use the host's network, and
        # the vfs storage driver works without overlayfs support in the kernel.
        log "starting dockerd (log: $scratch/dockerd.log)"
        $sudo_if_needed dockerd --bridge=none --iptables=false --storage-driver vfs \
            >"$scratch/dockerd.log" 2>&1 &
        started_dockerd=$!
        for _ in $(seq 150); do
            daemon_answers && break
            kill -0 "$started_dockerd" 2>/dev/null || break
            sleep 0.2
        done
        if ! daemon_answers; then
            reason=$(grep -iE 'level=(error|fatal)|failed' "$scratch/dockerd.log" | tail -n 1)
            kill "$started_dockerd" 2>/dev/null || true
            started_dockerd=""
            skip "${reason:-no answer within 30 s}"
        fi
    fi
fi

# ---- the image ----------------------------------------------------------------------
scripts/docker-image.sh

size=$(docker image inspect "$image" --format '{{.Size}}')
[ "$size" -lt "$max_size" ] || fail "$image is $size bytes, not under $max_size"
log "$image: $size bytes"

user=$(docker image inspect "$image" --format '{{.Config.User}}')
uid=${user%%:*}
case "$uid" in
"" | 0 | root) fail "the image runs as root (Config.User: \"$user\")" ;;
esac
entrypoint=$(docker image inspect "$image" --format '{{json .Config.Entrypoint}}')
[ "$entrypoint" = '["/plotbox"]' ] || fail "Entrypoint is $entrypoint, not [\"/plotbox\"]"
healthcheck=$(docker image inspect "$image" --format '{{json .Config.Healthcheck.Test}}')
[ "$healthcheck" = '["CMD","/plotbox","healthcheck","--timeout-ms","3000"]' ] ||
    fail "unexpected HEALTHCHECK: $healthcheck"

# ---- a container, as a Kubernetes deployment runs it -----------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# PLOTBOX_ADDR (not --addr) so that the HEALTHCHECK probes the same address. A short
# health interval so that `healthy` comes within seconds instead of 30.
docker run --detach --name "$container" --network host \
    --read-only --tmpfs /cache:uid=65532,gid=65532,mode=0700 \
    --env PLOTBOX_ADDR="127.0.0.1:$port" \
    --health-interval 1s --health-start-period 60s \
    "$image" >/dev/null

# The first start compiles the module (the tmpfs cache is empty): allow a minute on a
# busy machine.
python3 - "$port" <<'PY' || fail "the server did not answer /healthz with 200"
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/healthz"
deadline = time.monotonic() + 120
while True:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            if reply.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.2)
PY
log "/healthz answers 200 on 127.0.0.1:$port"

python3 - "$port" docs/examples/quickstart.json <<'PY' || fail "POST /render?format=png did not return the expected PNG"
import json, struct, sys, urllib.request
port, spec_path = sys.argv[1], sys.argv[2]
spec = open(spec_path, "rb").read()
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/render?format=png",
    data=spec,
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request, timeout=60) as reply:
    assert reply.status == 200, reply.status
    content_type = reply.headers.get("Content-Type")
    body = reply.read()
assert content_type == "image/png", content_type
assert body[:8] == b"\x89PNG\r\n\x1a\n", body[:8]
length, chunk = struct.unpack(">I4s", body[8:16])
assert chunk == b"IHDR" and length == 13, (chunk, length)
width, height = struct.unpack(">II", body[16:24])
# The spec sets no size: docs/spec.md's default canvas, 640x480, at scale 1.
expected = (json.loads(spec).get("width", 640), json.loads(spec).get("height", 480))
assert (width, height) == expected, ((width, height), expected)
assert body[-8:-4] == b"IEND", "no IEND chunk at the end"
print(f"docker test: PNG {width}x{height}, {len(body)} bytes", file=sys.stderr)
PY

# The cache went to the tmpfs, not into a warning about a read-only filesystem.
if docker logs "$container" 2>&1 | grep -q 'cannot write the compile cache'; then
    fail "the server could not write its compile cache to /cache"
fi

status=""
for _ in $(seq 120); do
    status=$(docker inspect "$container" --format '{{.State.Health.Status}}')
    [ "$status" = healthy ] && break
    [ "$status" = unhealthy ] && break
    sleep 0.5
done
if [ "$status" != healthy ]; then
    docker inspect "$container" --format '{{json .State.Health}}' >&2
    fail "the HEALTHCHECK status is \"$status\", not healthy"
fi
log "HEALTHCHECK: healthy"

docker rm -f "$container" >/dev/null
log "passed"
