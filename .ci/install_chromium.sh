#!/usr/bin/env bash
# Debian's headless Chromium and its driver for the review page's browser test; a no-op when
# both are on PATH. Used by `make test` and .ci/run.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install Chromium and ChromeDriver (the review page's browser test needs them)" >&2
    exit 1
fi
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
echo "installing Debian's chromium and chromium-driver (the review page's browser test)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
