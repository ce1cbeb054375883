"""The web target: the course as a static site, from file:// and from a local server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.build import build
from tests.conftest import FIXTURES
from tests.support.lms import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(FIXTURES / "minimal", root, dirs_exist_ok=True)
    result = build(root, ("web",))
    return result.folders[0]


def take_the_course(page) -> None:
    page.locator(".cp-next").click()
    page.locator("input[name='kc-kc-first'][value='0']").check()
    page.locator(".cp-question[data-q='kc-first'] .cp-check").click()
    page.locator(".cp-next").click()


def check_progress_survives_reload(page) -> None:
    assert page.locator(".cp-notice").is_hidden()          # no "no LMS" warning on the web
    take_the_course(page)
    page.reload()
    page.wait_for_selector("html[data-cp-ready]")
    assert page.locator("section.page:not([hidden])").get_attribute("id") == (
        "pg-basics--second-idea")
    # the answer is back on its page (a unit before the bookmark's: loaded on the way back)
    page.locator(".cp-back").click()
    assert page.locator("section.page:not([hidden])").get_attribute("id") == (
        "pg-intro--first-idea")
    assert page.locator("input[name='kc-kc-first'][value='0']").is_checked()
    page.locator(".cp-menu a", has_text="Final Quiz").click()
    page.locator("input[name='quiz-q-first'][value='0']").check()
    page.locator("input[name='quiz-q-both'][value='0']").check()
    page.locator("input[name='quiz-q-both'][value='1']").check()
    page.locator("input[name='quiz-q-true'][value='0']").check()
    page.locator(".cp-submit").click()
    assert "Your score: 100%." in page.locator("#pg-quiz .cp-result-text").inner_text()
    page.reload()
    assert "Your score: 100%." in page.locator("#pg-quiz .cp-result-text").inner_text()


def open_page(browser, url: str):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_selector("html[data-cp-ready]")
    return context, page, errors, requests


def test_web_site_from_a_local_folder(browser, site):
    context, page, errors, requests = open_page(browser, (site / "index.html").as_uri())
    check_progress_survives_reload(page)
    assert errors == []
    assert all(r.startswith("file://") for r in requests), requests  # nothing from the network
    context.close()


def test_web_site_from_a_web_server(browser, site):
    with serve({"/": site}) as base:
        context, page, errors, requests = open_page(browser, base + "/index.html")
        check_progress_survives_reload(page)
        assert errors == []
        assert all(r.startswith(base) for r in requests), requests
        context.close()
