"""Shared fixtures: tiny course projects in temporary folders, and the CLI runner."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory) -> Path:
    """Compiled templates go to a folder of this test session, not the user's ~/.cache
    (builds run in subprocesses inherit the setting)."""
    import os

    folder = tmp_path_factory.mktemp("template-cache")
    os.environ["COURSEPACK_CACHE"] = str(folder)
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/minimal that a test may change."""
    dest = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", dest)
    return dest


def write(root: Path, files: dict[str, str]) -> Path:
    """Write (or with None, delete) files below ``root``; text is dedented."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def project(minimal: Path):
    """``project({"course.yaml": "..."})``: the minimal course with some files replaced."""

    def make(files: dict[str, str] | None = None) -> Path:
        return write(minimal, files or {})

    return make
pytest_plugins = ["tests.support.fixtures", "tests.support.lrs_fixtures",
                  "tests.support.testbed_fixtures",  # browser, LMS, LRS, reference beds
                  "tests.support.lmsbed_fixtures",  # real LMSs (Open edX, scormhost)
                  "tests.support.schedule"]  # xdist: heaviest files first; --file-durations
