#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what a fresh machine lacks (the
# wasm32 target, wasm-bindgen-cli at the Cargo.lock version, poppler-utils,
# fonts-wqy-microhei, chromium, npm packages), builds the module and the binary, then
# runs every check and test.
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

# The PDF tests read the PDFs with poppler: pdftotext, pdffonts, pdftoppm.
if ! command -v pdftotext >/dev/null || ! command -v pdffonts >/dev/null \
    || ! command -v pdftoppm >/dev/null; then
    step "installing poppler-utils"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y poppler-utils || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y poppler-utils
    }
fi

# The operator-font tests (tests/tests/fonts.rs) point --font-dir at a real CJK font.
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    step "installing fonts-wqy-microhei"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y fonts-wqy-microhei || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y fonts-wqy-microhei
    }
fi

step "tests (unit, golden, sandbox, CLI, HTTP, PDF and operator fonts end to end)"
cargo test --release --workspace

step "python package (wheel, pytest against it in target/python-test-venv, fresh-venv installs)"
python/run-tests.sh

step "browser (headless chromium against plotbox serve)"
tests/browser/run.sh

echo
echo "all tests passed"
