#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what a fresh machine lacks (the
# wasm32 target, wasm-bindgen-cli at the Cargo.lock version, chromium, npm packages),
# builds the module and the binary, then runs every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "module (renderer-wasm → www/pkg)"
scripts/build-module.sh

step "format"
cargo fmt --all --check

step "build (release: tests, benches and the binary share one compiled wasmtime)"
cargo build --release --workspace --all-targets

step "clippy"
cargo clippy --release --workspace --all-targets -- -D warnings

step "tests (unit, golden, sandbox, CLI and HTTP end to end)"
cargo test --release --workspace

step "python package (wheel, pytest against it in target/python-test-venv, fresh-venv installs)"
python/run-tests.sh

step "browser (headless chromium against plotbox serve)"
tests/browser/run.sh

echo
echo "all tests passed"
