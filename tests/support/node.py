"""A few lines of JavaScript run in node, for the tests that check what a browser's engine
makes of a file the build writes (node comes with scripts/install-test-tools.sh)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def node_eval(check: str, *files: Path) -> str:
    """What ``node -e check file...`` writes to standard output; the test fails when node
    fails, and is skipped when node is not installed."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    done = subprocess.run([node, "-e", check, *map(str, files)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout
