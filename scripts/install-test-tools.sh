#!/usr/bin/env bash
# Install what the browser tests need besides Python packages (idempotent):
#   - Debian's Chromium (+ a font), driven by playwright from tests/support/lms.py
#   - tests/js/node_modules (scorm-again as the SCORM LMS side, axe-core), from package-lock.json
# Called by `make test` after the Python venv and test extras are installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chromium="${COURSEPACK_CHROMIUM:-/usr/bin/chromium}"

if [[ -x "$chromium" ]]; then
    echo "chromium: present ($chromium)"
elif [[ "$(id -u)" -eq 0 ]]; then
    echo "chromium: installing chromium fonts-dejavu-core with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
    [[ -x "$chromium" ]] || { echo "chromium: still missing at $chromium after apt-get" >&2; exit 1; }
else
    echo "chromium: missing at $chromium; as root run: apt-get update && apt-get install -y chromium fonts-dejavu-core" >&2
    exit 1
fi

js="$root/tests/js"
command -v npm >/dev/null || { echo "npm: not found; install Node.js 20+ and npm" >&2; exit 1; }
if [[ ! -f "$js/node_modules/.package-lock.json" || "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]]; then
    echo "tests/js: npm ci"
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
else
    echo "tests/js: node_modules up to date"
fi
