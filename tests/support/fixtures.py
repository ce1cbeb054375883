"""pytest fixtures for browser tests, loaded by conftest.py (pytest_plugins or import *).

Missing browser tools (Chromium, tests/js/node_modules, the playwright package)
skip the browser tests on a developer's machine but fail them in CI (env CI set),
where ``scripts/install-test-tools.sh`` must have installed them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.lms import (
    SCORM_AGAIN_DIST,
    Scorm12Player,
    Scorm2004Player,
    chromium_path,
    launch_chromium,
)

__all__ = ["browser", "scorm12_player", "scorm2004_player"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(missing: list[str], what: str, fix: str) -> None:
    """Skip the test when a test tool is ``missing`` (fail in CI, where the project
    installs its tools itself and a missing one is a broken set-up)."""
    if missing:
        reason = f"{what}: " + ", ".join(missing) + f"; {fix}"
        if _in_ci():
            pytest.fail(reason)
        pytest.skip(reason)


def missing_browser_tools() -> list[str]:
    """What the browser tests need and this machine lacks."""
    missing = []
    if not os.access(chromium_path(), os.X_OK):
        missing.append(f"Chromium at {chromium_path()}")
    if not (SCORM_AGAIN_DIST / "scorm12.js").is_file():
        missing.append("tests/js/node_modules (npm ci in tests/js)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright Python package")
    return missing


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (skipped or failed if tools are missing)."""
    require(missing_browser_tools(), "browser test tools missing",
            "run scripts/install-test-tools.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield CspBypassing(chromium)
        finally:
            chromium.close()


class CspBypassing:
    """The browser, whose contexts bypass the pages' Content-Security-Policy unless asked
    not to (``new_context(bypass_csp=False)``): playwright's ``wait_for_function`` with a
    string evaluates it in the page, which the packages' policy (no 'unsafe-eval')
    refuses. tests/test_csp.py plays the courses with the policy in force."""

    def __init__(self, browser: Any):
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        return self._browser.new_context(**{"bypass_csp": True, **kwargs})

    def new_page(self, **kwargs: Any) -> Any:
        return self._browser.new_page(**{"bypass_csp": True, **kwargs})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def scorm12_player(browser: Any) -> Iterator[Callable[..., Scorm12Player]]:
    """A factory ``scorm12_player(zip_path, launch=None)``; players are closed afterwards."""
    players: list[Scorm12Player] = []

    def make(package_zip: Path, launch: str | None = None) -> Scorm12Player:
        player = Scorm12Player(browser, Path(package_zip), launch=launch)
        players.append(player)
        return player

    yield make
    for player in players:
        player.close()


@pytest.fixture
def scorm2004_player(browser: Any) -> Iterator[Callable[..., Scorm2004Player]]:
    """A factory ``scorm2004_player(zip_path)`` for SCORM 2004 packages."""
    players: list[Scorm2004Player] = []

    def make(package_zip: Path, launch: str | None = None) -> Scorm2004Player:
        player = Scorm2004Player(browser, Path(package_zip), launch=launch)
        players.append(player)
        return player

    yield make
    for player in players:
        player.close()
