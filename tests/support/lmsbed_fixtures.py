"""pytest fixtures for the real LMSs of issue 13 (tests/support/openedx.py, scormhost.py): one server
per test session, started on first use and stopped at the end. A missing bed skips the tests on a
developer's machine and fails them in CI (scripts/install-testbeds.sh must have built it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fixtures import require
from tests.support.openedx import OpenEdx, missing_openedx
from tests.support.scormhost import ScormHost, missing_scormhost

__all__ = ["openedx", "scormhost"]


@pytest.fixture(scope="session")
def openedx(tmp_path_factory: pytest.TempPathFactory, ralph) -> Iterator[OpenEdx]:
    """xblock-sdk's workbench with Open edX's SCORM and cmi5 XBlocks (the cmi5 block forwards to the
    session's Ralph)."""
    require(missing_openedx(), "Open edX test bed missing", "run scripts/install-testbeds.sh")
    bed = OpenEdx(tmp_path_factory.mktemp("openedx"), lrs=ralph)
    try:
        yield bed.start()
    finally:
        bed.close()


@pytest.fixture(scope="session")
def scormhost(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScormHost]:
    require(missing_scormhost(), "scormhost test bed missing", "run scripts/install-testbeds.sh")
    bed = ScormHost(tmp_path_factory.mktemp("scormhost"))
    try:
        yield bed.start()
    finally:
        bed.close()
