#!/usr/bin/env bash
# Make sure the Debian programs the tests drive are installed:
#   chromium               the real-browser tests of the app (tests/test_browser.py)
#   libreoffice-calc-nogui reading the CSV exports as a spreadsheet in the Indonesian locale
#   poppler-utils          rendering printed pages to images (pdftoppm)
# Installs with apt-get only what is missing; uses sudo when not running as root.
# Fails loudly when it cannot install them.
set -euo pipefail

# package -> a file it installs
declare -A PROGRAM=(
    [chromium]=/usr/bin/chromium
    [libreoffice-calc-nogui]=/usr/bin/soffice
    [poppler-utils]=/usr/bin/pdftoppm
)

missing=()
for package in "${!PROGRAM[@]}"; do
    if [ -x "${PROGRAM[$package]}" ]; then
        echo "$package found: ${PROGRAM[$package]}"
    else
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "missing: ${missing[*]}: installing with apt-get" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "ERROR: ${missing[*]} not installed and this user is not root and has no sudo." >&2
    echo "Install them as root with: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: ${missing[*]} not installed and apt-get is not available on this system." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; }; then
    echo "ERROR: installing ${missing[*]} with apt-get failed (see the messages above)." >&2
    exit 1
fi
for package in "${missing[@]}"; do
    if [ ! -x "${PROGRAM[$package]}" ]; then
        echo "ERROR: apt-get finished but ${PROGRAM[$package]} does not exist." >&2
        exit 1
    fi
done
echo "installed: ${missing[*]}"
