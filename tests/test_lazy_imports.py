"""What a build imports (issue 18: imports that only some targets need are loaded
lazily): a SCORM 1.2 build never imports tincan, which only the xAPI and cmi5 packages'
activity definitions need (builder/xapi_activities.py, imported on first use)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import json, sys
from pathlib import Path
from builder.build import build
build(Path(sys.argv[1]), (sys.argv[2],), Path(sys.argv[3]), history="off")
seen = {name: name in sys.modules for name in ("tincan", "tincan.activity", "http.client", "ssl")}
print(json.dumps(seen))
"""


def _imported(minimal: Path, target: str, out: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(minimal), target, str(out)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_scorm12_builds_without_tincan(minimal, tmp_path):
    seen = _imported(minimal, "scorm12", tmp_path / "out")
    assert not seen["tincan"] and not seen["tincan.activity"]
    assert not seen["http.client"] and not seen["ssl"]


def test_xapi_builds_import_tincan(minimal, tmp_path):
    """The probe above sees tincan when a build needs it (so the SCORM test can fail)."""
    seen = _imported(minimal, "xapi", tmp_path / "out")
    assert seen["tincan"] and seen["tincan.activity"]
