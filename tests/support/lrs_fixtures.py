"""pytest fixtures for xAPI / cmi5 tests: Ralph as the LRS, the LRS proxy, a cmi5 LMS.

Load with ``pytest_plugins = ["tests.support.lrs_fixtures"]``.

- ``ralph`` (session): one Ralph for the whole run. Statements accumulate, so a test
  should use its own actor (``tests.support.lrs.new_actor()``) or registration and read back with
  ``ralph.statements(agent=actor)``. Skipped when Ralph is not installed, failed
  instead in CI (env CI set).
- ``lrs_proxy`` (function): a fresh ``LrsProxy`` in front of ``ralph`` (its own
  State store, records and faults); closed after the test.
- ``cmi5_launcher`` (function): a ``Cmi5Launcher`` over the two.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fixtures import require
from tests.support.lrs import Cmi5Launcher, LrsProxy, Ralph, missing_ralph

__all__ = ["cmi5_launcher", "lrs_proxy", "ralph"]


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    """Ralph (real LRS) on 127.0.0.1 for the whole session."""
    require(missing_ralph(), "Ralph LRS not installed", "pip install -e '.[test]'")
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def lrs_proxy(ralph: Ralph) -> Iterator[LrsProxy]:
    """A new LrsProxy in front of the session's Ralph (restarted if a test stopped it)."""
    ralph.start()  # no-op when running
    with LrsProxy(ralph) as proxy:
        yield proxy


@pytest.fixture
def cmi5_launcher(ralph: Ralph, lrs_proxy: LrsProxy) -> Cmi5Launcher:
    """The LMS side of cmi5 launches: LaunchData, launched, fetch tokens, launch URLs."""
    return Cmi5Launcher(ralph, lrs_proxy)
