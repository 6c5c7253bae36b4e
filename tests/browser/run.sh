#!/usr/bin/env bash
# Runs the real-browser tests of the playground (see run.mjs), installing what they need
# when it is missing: Debian's chromium and fonts-wqy-microhei (apt-get) and the pinned npm
# packages (npm ci).
# Build first: `cargo build --release -p plotbox-host` (PLOTBOX_BIN names another binary).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
    echo "run.sh: installing chromium" >&2
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y chromium || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y chromium
    }
fi

# The font the --font-dir checks give a second server (scripts/test.sh installs it too).
if [ -z "${CJK_FONT:-}" ] && [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    echo "run.sh: installing fonts-wqy-microhei" >&2
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y fonts-wqy-microhei || {
        $sudo_if_needed apt-get update && $sudo_if_needed apt-get install -y fonts-wqy-microhei
    }
fi

if [ ! -d node_modules ]; then
    echo "run.sh: npm ci" >&2
    npm ci --no-audit --no-fund
fi

node --test --test-reporter=dot unit.test.mjs
exec node run.mjs "$@"
