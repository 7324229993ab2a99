#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser test (tests/test_browser.py).
# Installs it with apt-get only when it is missing; uses sudo when not running as root.
# Fails loudly when it cannot install it.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium found: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi

echo "chromium is missing: installing Debian's chromium package with apt-get" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "ERROR: chromium is not installed and this user is not root and has no sudo." >&2
    echo "Install it as root with: apt-get update && apt-get install -y chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: chromium is not installed and apt-get is not available on this system." >&2
    echo "Install a Chromium browser at $CHROMIUM by other means." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium; }; then
    echo "ERROR: installing chromium with apt-get failed (see the messages above)." >&2
    exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "ERROR: apt-get finished but $CHROMIUM does not exist." >&2
    exit 1
fi
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
