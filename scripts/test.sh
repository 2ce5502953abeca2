#!/usr/bin/env bash
# Installs everything the test suite needs and runs every test.
#   bash scripts/test.sh [pytest arguments]
# System tools the tests drive (ffmpeg, sox, espeak-ng, tmux, sqlite3) come from
# Debian packages, installed with apt-get when missing; the Python side goes into
# a virtual environment (.venv) with the project's "test" extras, installed
# non-editable so the tests exercise the package exactly as it ships.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in ffmpeg sox espeak-ng tmux sqlite3; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages the tests need: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Cannot install ${missing[*]}: run as root or install them with your package manager." >&2
        exit 1
    fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet ".[test]"
exec .venv/bin/python -m pytest "$@"
