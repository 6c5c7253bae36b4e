#!/bin/sh
# Lays out what the final image stage copies: OUT-DIR/rootfs/ (the static binary as
# /plotbox, minimal /etc/passwd and /etc/group naming the unprivileged user 65532: an
# image FROM scratch has neither, and tools that map numeric ids to names read them)
# and OUT-DIR/cache/, an empty directory the stage copies to /cache owned by 65532 for
# the compile cache. Used by scripts/docker-image.sh and by the build stage of the root
# Dockerfile, so that both images hold the same files.
#
# Usage: docker/stage-rootfs.sh STATIC-BINARY OUT-DIR   (OUT-DIR is replaced)
# POSIX sh: the Dockerfile's build stage runs it too.
set -eu

if [ "$#" -ne 2 ]; then
    echo "usage: $0 STATIC-BINARY OUT-DIR" >&2
    exit 2
fi
binary=$1
out=$2

if [ ! -f "$binary" ]; then
    echo "stage-rootfs: $binary is missing" >&2
    exit 1
fi
# A dynamically linked binary would start nowhere in an image without a libc.
if command -v readelf >/dev/null && readelf -l "$binary" | grep -q 'program interpreter'; then
    echo "stage-rootfs: $binary is dynamically linked; build it for x86_64-unknown-linux-musl" >&2
    exit 1
fi

rm -rf "$out"
mkdir -p "$out/rootfs/etc" "$out/cache"
cp "$binary" "$out/rootfs/plotbox"
chmod 0755 "$out/rootfs/plotbox"
# root stays listed so that files owned by uid 0 (the binary) show a name.
printf '%s\n' \
    'root:x:0:0:root:/:/sbin/nologin' \
    'plotbox:x:65532:65532:plotbox:/nonexistent:/sbin/nologin' >"$out/rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'plotbox:x:65532:' >"$out/rootfs/etc/group"
chmod 0644 "$out/rootfs/etc/passwd" "$out/rootfs/etc/group"
chmod 0755 "$out/cache"
