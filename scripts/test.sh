#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what a fresh machine lacks (the
# wasm32 and x86_64 musl targets, wasm-bindgen-cli at the Cargo.lock version, Debian's
# binaryen, poppler-utils, fonts-wqy-microhei, fonts-urw-base35, chromium, docker.io and
# musl-tools, the npm packages, kubernetes-validate from PyPI), builds the module and
# the binary, then runs every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "module (renderer-wasm → www/pkg)"
scripts/build-module.sh

step "format"
cargo fmt --all --check

step "deploy manifests (offline schema validation and invariants)"
deploy/validate.sh

step "build (release: tests, benches and the binary share one compiled wasmtime)"
cargo build --release --workspace --all-targets

step "clippy"
cargo clippy --release --workspace --all-targets -- -D warnings

# Debian packages the tests read: poppler's pdftotext, pdffonts and pdftoppm (the
# PDF tests), a CJK TrueType collection and a CFF OpenType font (the operator-font
# tests, renderer-wasm/tests/fonts.rs and tests/tests/fonts.rs).
install_debian_package() { # PACKAGE FILE-IT-PROVIDES
    [ -e "$2" ] && return
    step "installing $1"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y "$1" || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y "$1"
    }
}
install_debian_package poppler-utils /usr/bin/pdftoppm
install_debian_package fonts-wqy-microhei /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
install_debian_package fonts-urw-base35 /usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf

step "tests (unit, golden, sandbox, CLI, HTTP, PDF and operator fonts end to end)"
cargo test --release --workspace

step "python package (wheel, pytest against it in target/python-test-venv, fresh-venv installs)"
python/run-tests.sh

step "browser (headless chromium against plotbox serve)"
tests/browser/run.sh

step "container image (FROM scratch, static musl binary: built, run, /healthz and a render)"
tests/docker/run.sh

echo
echo "all tests passed"
