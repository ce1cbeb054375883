"""The preview's defects of issue 19, each as a test: "Reset learner" really resets (the
closing course's last save does not bring the old learner back), the call log scrolls in
its own panel and never moves the course, and the cmi5 preview takes moveOn from the
course's tracking rules."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from builder.preview import PreviewServer
from tests.conftest import FIXTURES, REPO


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    return root


def serve(root: Path, target: str):
    srv = PreviewServer(root, target, 0)
    srv.start()
    return srv


def ready(page) -> None:
    """Wait until the course in the preview frame has started."""
    page.frame_locator("#pv-course").locator("html[data-cp-ready]").wait_for(state="attached")


@pytest.mark.browser
def test_reset_learner_starts_a_new_learner(browser, course):
    srv = serve(course, "scorm12")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(srv.url)
        ready(page)
        frame = page.frame_locator("#pv-course")
        for _ in range(2):
            frame.locator(".cp-next").click()
        frame.locator("section.page[data-page='2']:not([hidden])").wait_for()
        page.evaluate("window.__old = window.coursepackPreview.api()")
        page.locator("#pv-reset").click()
        page.wait_for_function("() => { const a = window.coursepackPreview.api();"
                               " return a && a !== window.__old && a.state === 'running'; }")
        ready(page)
        cmi = page.evaluate("window.coursepackPreview.api().dump()")
        assert cmi["cmi.core.entry"] == "ab-initio"
        assert cmi["cmi.core.lesson_location"] == "intro/welcome"
        frame.locator("section.page[data-page='0']:not([hidden])").wait_for()
        # and after the new learner's own session ends, nothing of the old one comes back
        page.locator("#pv-relaunch").click()
        page.wait_for_function("() => window.coursepackPreview.api().state === 'running'"
                               " && window.coursepackPreview.api().dump()['cmi.core.entry']"
                               " === 'resume'")
        frame.locator("section.page[data-page='0']:not([hidden])").wait_for()
    finally:
        context.close()
        srv.stop()


@pytest.mark.browser
def test_call_log_scrolls_in_its_panel_and_never_moves_the_course(browser):
    srv = serve(REPO, "scorm12")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(srv.url)
        ready(page)
        course_top = page.locator("#pv-course").bounding_box()["y"]
        frame = page.frame_locator("#pv-course")
        for n in range(1, 18):
            frame.locator(".cp-next").click()
            frame.locator(f"section.page[data-page='{n}']:not([hidden])").wait_for()
        calls = page.locator("#pv-calls li").count()
        assert calls > 60  # a log far longer than the panel
        assert page.evaluate("window.scrollY") == 0
        assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight")
        assert page.locator(".pv-bar").bounding_box()["y"] == 0
        assert page.locator("#pv-course").bounding_box()["y"] == course_top
        view = page.locator("#pv-calls")
        assert view.evaluate("v => v.scrollHeight > v.clientHeight")    # it scrolls itself
        assert view.evaluate("v => v.scrollTop + v.clientHeight >= v.scrollHeight - 2")  # at the end
        # a click in the course still lands: the next page shows
        frame.locator(".cp-next").click()
        frame.locator("section.page[data-page='18']:not([hidden])").wait_for()
        assert page.locator("#pv-course").bounding_box()["y"] == course_top
    finally:
        context.close()
        srv.stop()


@pytest.mark.parametrize(("completion", "move_on"), [
    ("viewed", "Completed"), ("passed", "Passed"), ("both", "CompletedAndPassed")])
def test_cmi5_preview_takes_move_on_from_the_tracking_rules(course, completion, move_on):
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text().replace("completion: both", f"completion: {completion}"))
    srv = serve(course, "cmi5")
    try:
        with urllib.request.urlopen(srv.url + "__lrs/launch?mode=Normal") as r:
            query = urllib.parse.parse_qs(json.load(r)["query"])
        [data] = [v for k, v in srv.preview.state.items() if "LMS.LaunchData" in k]
        assert data["moveOn"] == move_on
        assert data["masteryScore"] == 0.8
        assert query["activityId"] == ["https://example.org/courses/minimal-course/au"] or \
            query["activityId"][0].endswith("/au")
    finally:
        srv.stop()
