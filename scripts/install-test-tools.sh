#!/usr/bin/env bash
# Install what the browser tests need besides Python packages (idempotent):
#   - Debian's Chromium (+ a font), driven by playwright from tests/support/lms.py
#   - tests/js/node_modules (scorm-again as the SCORM LMS side, axe-core, acorn for tests/js/same-program.js), from package-lock.json
#   - the real LMSs (Open edX XBlocks, scormhost) in venvs out of the repo (scripts/install-testbeds.sh)
#   - PostgreSQL, MariaDB and curl for the reference test beds (ADL LRS, CATAPULT cmi5 player),
#     which tests/support/testbeds.py builds from source on first use (tests/testbeds/*.sh)
# Called by `make test` after the Python venv and test extras are installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chromium="${COURSEPACK_CHROMIUM:-/usr/bin/chromium}"

# Debian packages: Chromium (+ a font) for the browser tests, faketime for a build-clock test
missing=()
[[ -x "$chromium" ]] || missing+=(chromium fonts-dejavu-core)
command -v faketime >/dev/null || missing+=(faketime)
# the reference test beds: ADL LRS on PostgreSQL, CATAPULT on MariaDB (Node.js + npm below)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
command -v mariadbd >/dev/null || missing+=(mariadb-server)
command -v curl >/dev/null || missing+=(curl)
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "debian packages: present (chromium at $chromium, faketime, postgresql, mariadb-server, curl)"
elif [[ "$(id -u)" -eq 0 ]]; then
    echo "debian packages: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
    [[ -x "$chromium" ]] || { echo "chromium: still missing at $chromium after apt-get" >&2; exit 1; }
else
    echo "debian packages missing: ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
    [[ -x "$chromium" ]] || exit 1
fi

js="$root/tests/js"
command -v npm >/dev/null || { echo "npm: not found; install Node.js 20+ and npm" >&2; exit 1; }
if [[ ! -f "$js/node_modules/.package-lock.json" || "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]]; then
    echo "tests/js: npm ci"
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
else
    echo "tests/js: node_modules up to date"
fi

# the real LMSs of the end-to-end tests (Open edX's XBlocks, scormhost), each in a venv out of the repo
bash "$root/scripts/install-testbeds.sh"
