"""Packages built once per test session and shared by every test and pytest-xdist worker
that asks for the same course, target and builder.

``built(tmp_path_factory, source, targets)`` returns each target's package zip. The first
worker to ask builds it (``builder.build.build``, the default options, history read as
the API does) while the others wait on a file lock; the key is a hash of the course's
files, builder/, templates/ and the target, so a changed source is a new build. The zips
are made read-only, and each hand-out checks their bytes: a test that wants to change a
package copies it first (a test that wrote into a shared one would make others pass or
fail by the order they run in).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

#: folders of a project that no build reads (the repository's own tooling among them)
SKIP = {".git", ".venv", "node_modules", "__pycache__", "dist", "tests", "test-artifacts",
        "benchmarks", "docs", "scripts", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def _files(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        found += [Path(folder) / f for f in sorted(files) if not f.endswith(".pyc")]
    return found


def _key(source: Path, target: str) -> str:
    digest = hashlib.sha256(target.encode())
    for base in (source, REPO / "builder", REPO / "templates"):
        for path in _files(base):
            digest.update(str(path.relative_to(base)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this session that every xdist worker sees (the workers' base folders
    are siblings in it); without xdist, the session's own base folder."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / "coursepack-builds"
    folder.mkdir(exist_ok=True)
    return folder


def built(tmp_path_factory: pytest.TempPathFactory, source: Path,
          targets: tuple[str, ...]) -> dict[str, Path]:
    """``{target: package zip}`` of the course at ``source``, read-only, shared."""
    from builder.build import build

    shared = _shared_dir(tmp_path_factory)
    out = {}
    for target in targets:
        key = _key(source.resolve(), target)
        done = shared / key
        with open(shared / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.is_dir():
                work = shared / f"{key}.tmp"
                shutil.rmtree(work, ignore_errors=True)
                [zip_path] = [p for p in build(source, (target,), work).written
                              if p.suffix == ".zip"]
                zip_path.chmod(0o444)
                (work / "sha256").write_text(hashlib.sha256(zip_path.read_bytes()).hexdigest())
                work.rename(done)
        [out[target]] = done.glob("*.zip")
        # read-only does not stop root (CI may run as root): each hand-out checks the bytes
        assert hashlib.sha256(out[target].read_bytes()).hexdigest() == (
            done / "sha256").read_text(), f"a test changed the shared package {out[target]}"
    return out
