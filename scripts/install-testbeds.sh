#!/usr/bin/env bash
# The real LMSs the end-to-end tests drive (issue 13), each in its own venv outside the repo:
#   openedx-venv   xblock-sdk's workbench with Open edX's SCORM and cmi5 XBlocks (about 1 minute)
#   scormhost-venv scormhost (SCORM 1.2/2004 on FastAPI)
# under ${COURSEPACK_TESTBEDS:-/var/tmp/coursepack-testbeds} (beside the reference beds). Idempotent: a venv is rebuilt only when its
# pinned requirements change (the line is kept in the venv as requirements.txt). Called by
# scripts/install-test-tools.sh; tests/support/testbeds.py finds the venvs in the same place.
set -euo pipefail

beds="${COURSEPACK_TESTBEDS:-/var/tmp/coursepack-testbeds}"
python="${PYTHON:-python3}"

# The versions the tests and docs/lms-admin.md were checked with. xblock-sdk declares no dependency on
# `lazy`, which XBlock's Django request wrapper imports; django-pyfs is not loaded (see the settings).
openedx=(xblock-sdk==0.14.0 XBlock==6.1.0 Django==5.2.19 lazy==2.0
         openedx-scorm-xblock==19.0.5 openedx-cmi5-xblock==0.1.3)
scormhost=(scormhost==0.1.0)

venv() {  # venv NAME PACKAGE...
    local name="$1" dir="$beds/$1"; shift
    local want="$*"
    if [[ -x "$dir/bin/python" && -f "$dir/requirements.txt" && "$(cat "$dir/requirements.txt")" == "$want" ]]; then
        echo "testbeds: $name up to date ($dir)"
        return
    fi
    echo "testbeds: building $name in $dir"
    rm -rf "$dir"
    mkdir -p "$beds"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    echo "$want" > "$dir/requirements.txt"
}

venv openedx-venv "${openedx[@]}"
venv scormhost-venv "${scormhost[@]}"
