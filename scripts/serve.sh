#!/usr/bin/env bash
# Builds the module and the binary (installing what is missing), then serves on the
# defaults: http://127.0.0.1:8080 (the playground at /, POST /render).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-module.sh
cargo build --release -p plotbox-host
exec target/release/plotbox serve "$@"
