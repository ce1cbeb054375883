"""End to end in a real LMS (issue 13): Open edX's SCORM XBlock (openedx-scorm-xblock 19.0.5) in the
xblock-sdk workbench, SCORM 1.2 and 2004. Each package is imported through the block's Studio handler,
played by a learner in Chromium, and judged by what the LMS stored in its database.

The block's own habits (docs/lms-admin.md): it answers "" for cmi.entry, the status and the score; it
implements no _count; it queues SetValue calls, so during unload only the first batch leaves; it
stores no total time, interactions or objectives.
"""

from __future__ import annotations

import re
import shutil
from itertools import count
from pathlib import Path

import pytest

from builder.build import build
from tests.conftest import FIXTURES
from tests.support.openedx import OpenEdxScormLearner

pytestmark = pytest.mark.browser

LEARNERS = count(1)
STATUS = {"12": "cmi.core.lesson_status", "2004": "cmi.completion_status"}
SESSION_TIME = {"12": "cmi.core.session_time", "2004": "cmi.session_time"}
TIME = {"12": re.compile(r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$"),
        "2004": re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$")}


def build_lmsbed(tmp_path_factory, targets=("scorm12", "scorm2004")) -> dict[str, Path]:
    """The fixture course tests/fixtures/lmsbed, built for ``targets``: {target: zip}."""
    root = tmp_path_factory.mktemp("lmsbed")
    shutil.copytree(FIXTURES / "lmsbed", root, dirs_exist_ok=True)
    return {next(t for t in targets if p.name.endswith(f"-{t}.zip")): p
            for p in build(root, targets).written}


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    return build_lmsbed(tmp_path_factory)


@pytest.fixture(params=["12", "2004"])
def learner(request, openedx, browser, packages):
    scenario = openedx.block_for(browser, "scorm", packages[f"scorm{request.param}"])
    person = OpenEdxScormLearner(openedx, browser, scenario, f"oex{request.param}-{next(LEARNERS)}")
    person.version = request.param
    yield person
    person.close()


# -- a scripted learner for tests/fixtures/lmsbed ------------------------------------------------

def page_id(frame) -> str:
    return frame.locator("section.page:not([hidden])").get_attribute("id")


def goto(frame, unit: str) -> None:
    """Go to a unit by the menu; returns once its page shows (a unit not in the DOM is
    loaded first: main is aria-busy meanwhile)."""
    frame.locator(".cp-menu a", has_text=unit).click()
    frame.wait_for_function("() => !document.querySelector('main[aria-busy=\"true\"]')"
                            " && !!document.querySelector('section.page:not([hidden])')")


def answer_kc(frame) -> None:
    frame.locator("input[name='kc-kc-first'][value='0']").check()
    frame.locator(".cp-question[data-q='kc-first'] .cp-check").click()


def choose(frame, node: str, value: int) -> None:
    frame.locator(f"input[name='node-case-{node}'][value='{value}']").check()
    frame.locator(f".cp-node[data-node='{node}'] .cp-choose").click()


def answer_quiz(frame, right: bool) -> None:
    frame.locator(f"input[name='quiz-q-first'][value='{0 if right else 1}']").check()
    frame.locator(f"input[name='quiz-q-true'][value='{0 if right else 1}']").check()


def take_quiz(frame, right: bool) -> None:
    goto(frame, "Final Quiz")
    answer_quiz(frame, right)
    frame.locator(".cp-submit").click()


def whole_course(frame, right: bool = True) -> None:
    frame.locator(".cp-next").click()
    answer_kc(frame)
    frame.locator(".cp-next").click()
    goto(frame, "A Case")
    choose(frame, "start", 0)
    choose(frame, "middle", 0)
    take_quiz(frame, right)


def seconds(time: str) -> float:
    """Seconds of a SCORM 1.2 timespan or a SCORM 2004 duration (hours, minutes, seconds)."""
    parts = re.findall(r"([\d.]+)([HMS])", time) if time.startswith("P") else \
        zip(time.split(":"), "HMS", strict=True)
    return sum(float(n) * {"H": 3600, "M": 60, "S": 1}[unit] for n, unit in parts)


def stored(learner) -> dict:
    return learner.stored()


def data(learner) -> dict:
    return learner.stored()["scorm_data"]


# -- the tests -----------------------------------------------------------------------------------

def test_whole_course_pass(learner):
    frame = learner.open()
    assert learner.runtime() == f"scorm{learner.version}"
    whole_course(frame, right=True)
    learner.settle()
    learner.leave()
    found = stored(learner)
    assert (found["lesson_status"], found["success_status"], found["lesson_score"]) == (
        "completed", "passed", 1.0)
    cmi = found["scorm_data"]
    assert cmi[STATUS[learner.version]] == ("passed" if learner.version == "12" else "completed")
    assert cmi.get("cmi.core.score.raw", cmi.get("cmi.score.raw")) == "100"
    shown = learner.lms_page()
    assert shown["grade"] == "1"


def test_fail_then_retry_after_relaunch(learner):
    frame = learner.open()
    take_quiz(frame, right=False)
    learner.leave()
    found = stored(learner)
    assert found["success_status"] == "failed"
    assert found["lesson_score"] == 0
    frame = learner.open()
    assert page_id(frame) == "pg-quiz"
    assert "Attempts left: 1." in frame.locator("#pg-quiz .cp-result-text").inner_text()
    frame.locator("#pg-quiz .cp-retry").click()
    answer_quiz(frame, right=True)
    frame.locator(".cp-submit").click()
    learner.leave()
    found = stored(learner)
    assert (found["success_status"], found["lesson_score"]) == ("passed", 1.0)


def test_resume_mid_module_when_the_lms_answers_empty_entry_and_status(learner):
    frame = learner.open()
    entry, status = ("cmi.core.entry", "cmi.core.lesson_status") if learner.version == "12" else (
        "cmi.entry", "cmi.completion_status")
    get = "LMSGetValue" if learner.version == "12" else "GetValue"
    api = "API" if learner.version == "12" else "API_1484_11"
    frame.locator(".cp-next").click()
    answer_kc(frame)
    learner.leave()
    frame = learner.open()
    # the LMS's own answers on relaunch: "" for entry and status, the saved data for the rest
    assert learner.page.evaluate(f"[window.{api}.{get}('{entry}'), window.{api}.{get}('{status}')]") \
        == ["", ""]
    assert page_id(frame) == "pg-intro--first-idea"
    assert frame.locator("input[name='kc-kc-first'][value='0']").is_checked()


def test_resume_mid_quiz(learner):
    frame = learner.open()
    goto(frame, "Final Quiz")
    frame.locator("input[name='quiz-q-first'][value='0']").check()
    learner.settle()
    learner.leave()
    frame = learner.open()
    assert page_id(frame) == "pg-quiz"
    assert frame.locator("input[name='quiz-q-first'][value='0']").is_checked()
    frame.locator("input[name='quiz-q-true'][value='0']").check()
    frame.locator(".cp-submit").click()
    learner.leave()
    assert stored(learner)["success_status"] == "passed"


def test_resume_mid_scenario(learner):
    frame = learner.open()
    goto(frame, "A Case")
    choose(frame, "start", 0)
    learner.leave()
    frame = learner.open()
    assert page_id(frame) == "pg-case"
    assert frame.locator(".cp-node[data-node='middle']").is_visible()
    assert not frame.locator(".cp-node[data-node='start']").is_visible()


def test_closing_the_window_records_the_session_time(learner):
    frame = learner.open()
    frame.locator(".cp-next").click()
    learner.page.wait_for_timeout(1100)
    learner.leave()
    cmi = data(learner)
    # the session's last time: more than the second the learner spent on the second page
    time = cmi.get(SESSION_TIME[learner.version], "")
    assert TIME[learner.version].match(time), cmi
    assert seconds(time) >= 1.1


def test_reopening_after_passing_changes_nothing(learner):
    frame = learner.open()
    whole_course(frame, right=True)
    learner.leave()
    before = stored(learner)
    assert before["success_status"] == "passed"
    frame = learner.open()
    goto(frame, "Introduction")
    learner.settle()
    assert "incomplete" not in learner.set_values(STATUS[learner.version])
    learner.leave()
    after = stored(learner)
    assert (after["lesson_status"], after["success_status"], after["lesson_score"]) == (
        before["lesson_status"], before["success_status"], before["lesson_score"])
    assert after["scorm_data"][STATUS[learner.version]] == before["scorm_data"][STATUS[learner.version]]

