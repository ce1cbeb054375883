"""End to end in a real LMS (issue 13): scormhost 0.1.0 (PyPI; SCORM 1.2/2004 on FastAPI). The package
is uploaded through scormhost's API, played by a learner (a scormhost guest) in Chromium, and judged by
the CMI scormhost stored (its own API).

scormhost's habits (docs/lms-admin.md): it answers ``ab-initio`` for cmi.core.entry / cmi.entry on
every launch while returning the saved location and suspend_data; it implements no ``_count``; it keeps
every element it is sent, verbatim, without validation.
"""

from __future__ import annotations

import re
from itertools import count

import pytest

from tests.support.scormhost import ScormHostLearner
from tests.test_openedx_scorm import (
    answer_kc,
    answer_quiz,
    build_lmsbed,
    choose,
    goto,
    page_id,
    take_quiz,
    whole_course,
)

pytestmark = pytest.mark.browser

LEARNERS = count(1)
STATUS = {"12": "cmi.core.lesson_status", "2004": "cmi.success_status"}
TIME = {"12": ("cmi.core.session_time", re.compile(r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$")),
        "2004": ("cmi.session_time", re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$"))}


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    return build_lmsbed(tmp_path_factory)


@pytest.fixture(params=["12", "2004"])
def learner(request, scormhost, browser, packages):
    package_id = scormhost.package_for(browser, packages[f"scorm{request.param}"])
    person = ScormHostLearner(scormhost, browser, package_id, f"sh{request.param}-{next(LEARNERS)}")
    person.version = request.param
    yield person
    person.close()


def test_whole_course_pass_with_time(learner):
    frame = learner.open()
    assert learner.runtime() == f"scorm{learner.version}"
    whole_course(frame, right=True)
    learner.leave()
    cmi = learner.stored()
    assert cmi[STATUS[learner.version]] == "passed"
    assert cmi.get("cmi.core.score.raw", cmi.get("cmi.score.raw")) == "100"
    element, pattern = TIME[learner.version]
    assert pattern.match(cmi.get(element, "")), cmi
    # no _count in scormhost: the runtime numbers the interactions itself
    ids = [v for k, v in cmi.items() if re.fullmatch(r"cmi\.interactions\.\d+\.id", k)]
    assert {"intro_kc-first", "quiz_q-first", "quiz_q-true"} <= set(ids), ids
    assert len(ids) == len(set(ids)), ids


def test_resume_although_scormhost_says_ab_initio(learner):
    """Mid-module (the knowledge check), mid-scenario and mid-quiz, in one go."""
    frame = learner.open()
    frame.locator(".cp-next").click()
    answer_kc(frame)
    goto(frame, "A Case")
    choose(frame, "start", 0)
    goto(frame, "Final Quiz")
    frame.locator("input[name='quiz-q-first'][value='0']").check()
    learner.settle()
    learner.leave()
    frame = learner.open()
    entry = "cmi.core.entry" if learner.version == "12" else "cmi.entry"
    api, get = ("API", "LMSGetValue") if learner.version == "12" else ("API_1484_11", "GetValue")
    assert learner.page.evaluate(f"window.{api}.{get}('{entry}')") == "ab-initio"
    assert page_id(frame) == "pg-quiz"
    assert frame.locator("input[name='quiz-q-first'][value='0']").is_checked()
    goto(frame, "A Case")
    frame.locator(".cp-node[data-node='middle']").wait_for(state="visible", timeout=10_000)
    goto(frame, "Introduction")
    frame.locator(".cp-next").click()
    assert frame.locator("input[name='kc-kc-first'][value='0']").is_checked()


def test_fail_retry_after_relaunch_and_reopen_after_passing(learner):
    frame = learner.open()
    take_quiz(frame, right=False)
    learner.leave()
    assert learner.stored()[STATUS[learner.version]] == "failed"
    frame = learner.open()
    assert page_id(frame) == "pg-quiz"
    frame.locator("#pg-quiz .cp-retry").click()
    answer_quiz(frame, right=True)
    frame.locator(".cp-submit").click()
    learner.leave()
    passed = learner.stored()
    assert passed[STATUS[learner.version]] == "passed"
    frame = learner.open()
    goto(frame, "Introduction")
    learner.leave()
    after = learner.stored()
    assert after[STATUS[learner.version]] == "passed"
    assert after.get("cmi.core.score.raw", after.get("cmi.score.raw")) == "100"
