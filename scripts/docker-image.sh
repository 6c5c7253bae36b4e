#!/usr/bin/env bash
# Builds the container image plotbox:latest (docker/README.md): the static musl
# `plotbox` binary FROM scratch, built here on the host, then the final stage
# docker/runtime.Dockerfile around it. The root Dockerfile builds the same image in
# Docker alone, but needs the official Rust image; this script needs no image at all.
#
# Sets up a fresh Debian machine itself: the x86_64-unknown-linux-musl target,
# Debian's musl-tools (musl-gcc, for the C parts of the dependencies) and what
# scripts/build-module.sh installs. Needs a running docker daemon.
#
#   scripts/docker-image.sh             # builds plotbox:latest
#   PLOTBOX_IMAGE=name:tag scripts/docker-image.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

image=${PLOTBOX_IMAGE:-plotbox:latest}
target=x86_64-unknown-linux-musl
binary="target/$target/release/plotbox"
context=target/docker-context

log() { printf 'docker-image: %s\n' "$*" >&2; }

# The final stage is written twice (here for the host-built binary, in the root
# Dockerfile after its build stage); they must not drift apart. Compared without
# comments, blank lines and the build stage's `--from=build /out/` sources.
runtime_stage() { # FILE: its last stage, from the last FROM on
    awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' "$1" |
        grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' |
        sed -e 's#--from=build ##' -e 's# /out/# #'
}
if ! diff <(runtime_stage Dockerfile) <(runtime_stage docker/runtime.Dockerfile) >&2; then
    log "the final stage of Dockerfile differs from docker/runtime.Dockerfile (diff above)"
    exit 1
fi

if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    log "no docker daemon answers (start dockerd, or see tests/docker/run.sh)"
    exit 1
fi

if ! rustup target list --installed | grep -qx "$target"; then
    log "installing the $target target"
    rustup target add "$target"
fi

if ! command -v musl-gcc >/dev/null; then
    log "installing musl-tools (musl-gcc)"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y musl-tools || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y musl-tools
    }
fi

# The binary embeds www/pkg/renderer_wasm_bg.wasm (host/build.rs).
scripts/build-module.sh

log "building $binary"
CC_x86_64_unknown_linux_musl=musl-gcc \
    cargo build --release --target "$target" -p plotbox-host --bin plotbox

docker/stage-rootfs.sh "$binary" "$context"

# The docker client may default to BuildKit through the buildx plugin, which Debian's
# docker.io lacks; the classic builder builds this single FROM-scratch stage as well.
builder_env=()
if ! docker buildx version >/dev/null 2>&1; then
    builder_env=(DOCKER_BUILDKIT=0)
fi
log "building the image $image"
env "${builder_env[@]}" docker build --quiet --tag "$image" \
    --file docker/runtime.Dockerfile "$context" >/dev/null

size=$(docker image inspect "$image" --format '{{.Size}}')
log "built $image ($size bytes)"
