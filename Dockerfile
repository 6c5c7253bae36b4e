# Multi-stage build of the plotbox image: a static (musl) `plotbox` binary FROM
# scratch, about 24 MB (docker/README.md).
#
#   docker build -t plotbox:latest .
#
# The build stage needs the official Rust image from Docker Hub. Where it cannot be
# pulled (as on the machines plotbox is developed on), scripts/docker-image.sh builds
# the same final stage (docker/runtime.Dockerfile) from a binary built on the host;
# that script checks that this file's final stage matches docker/runtime.Dockerfile.

# ---- build stage: the renderer module, then the static binary that embeds it ----
FROM rust:1.95-bookworm AS build
# musl-gcc for the C parts of the dependencies; binaryen (wasm-opt) and python3 for
# scripts/build-module.sh.
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools binaryen python3 \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown x86_64-unknown-linux-musl
WORKDIR /src
# wasm-bindgen-cli must be exactly the wasm-bindgen version Cargo.lock pins, or it
# refuses the module. A layer of its own, so that source changes do not rebuild it.
COPY Cargo.lock ./
RUN version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock) \
    && test -n "$version" \
    && cargo install --locked wasm-bindgen-cli --version "$version"
COPY . .
RUN scripts/build-module.sh
ENV CC_x86_64_unknown_linux_musl=musl-gcc
RUN cargo build --release --target x86_64-unknown-linux-musl -p plotbox-host --bin plotbox \
    && docker/stage-rootfs.sh target/x86_64-unknown-linux-musl/release/plotbox /out

# ---- runtime stage (keep in step with docker/runtime.Dockerfile) ----
FROM scratch
COPY --from=build /out/rootfs/ /
# The compile cache: writable by the server user in a plain `docker run`. Under a
# read-only root filesystem, mount a volume (Kubernetes: an emptyDir) here, or the
# server compiles the module at every start and logs that it cannot write the cache.
COPY --from=build --chown=65532:65532 /out/cache/ /cache/
USER 65532:65532
# Settings are PLOTBOX_* variables (see `plotbox serve --help`), so that the
# HEALTHCHECK, which reads PLOTBOX_ADDR too, probes the address the server listens on.
ENV PLOTBOX_ADDR=0.0.0.0:8080 \
    PLOTBOX_CACHE_DIR=/cache
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/plotbox", "healthcheck", "--timeout-ms", "3000"]
ENTRYPOINT ["/plotbox"]
CMD ["serve"]
