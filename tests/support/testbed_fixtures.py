"""pytest fixtures for the reference systems (ADL LRS, CATAPULT cmi5 player).

``beds`` (session): both built (cached) and started on free ports on first use, stopped at
the end of the session, also on failure. Skipped when the machine lacks what they need,
failed instead in CI (see ``require``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fixtures import require
from tests.support.testbeds import Beds, missing_testbeds

__all__ = ["beds"]


@pytest.fixture(scope="session")
def beds() -> Iterator[Beds]:
    require(missing_testbeds(), "reference test beds unavailable",
            "run scripts/install-test-tools.sh as root, with shared/testbeds beside the clone")
    bed = Beds()
    try:
        bed.start()
        yield bed
    finally:
        bed.stop()
