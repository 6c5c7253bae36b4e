# The plotbox image: the static (musl) `plotbox` binary alone, FROM scratch.
#
# scripts/docker-image.sh builds it from a context laid out by docker/stage-rootfs.sh.
# The final stage of the root Dockerfile is this stage with `COPY --from=build /out/...`;
# scripts/docker-image.sh refuses to build when the two differ in anything but comments
# and those COPY sources.

# ---- runtime stage (keep in step with the root Dockerfile) ----
FROM scratch
COPY rootfs/ /
# The compile cache: writable by the server user in a plain `docker run`. Under a
# read-only root filesystem, mount a volume (Kubernetes: an emptyDir) here, or the
# server compiles the module at every start and logs that it cannot write the cache.
COPY --chown=65532:65532 cache/ /cache/
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
