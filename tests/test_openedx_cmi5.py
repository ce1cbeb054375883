"""End to end in a real LMS (issue 13): Open edX's cmi5 XBlock (openedx-cmi5-xblock 0.1.3) in the
xblock-sdk workbench, forwarding to the suite's Ralph. The cmi5 package is imported through the block's
Studio handler; the learner opens the AU from the unit page (a new window) and takes the course.

What the block understands (docs/lms-admin.md): statements sent one by one with
``PUT statements?statementId=``, judged by ``verb.display.en``; the state id ``suspendData`` (where the
cmi5 package keeps its state); LaunchData without moveOn, masteryScore or returnURL. Everything else is
answered 200 and dropped.
"""

from __future__ import annotations

import re
from itertools import count

import pytest

from tests.support.lmsbeds import Traffic
from tests.support.openedx import STUDENT_COOKIE
from tests.test_openedx_scorm import (
    answer_kc,
    answer_quiz,
    build_lmsbed,
    choose,
    goto,
    page_id,
    take_quiz,
)

pytestmark = pytest.mark.browser

LEARNERS = count(1)


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return build_lmsbed(tmp_path_factory, ("cmi5",))["cmi5"]


class Cmi5Learner:
    def __init__(self, bed, browser, scenario, name):
        self.bed, self.scenario, self.name = bed, scenario, name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15_000)
        self.context.add_cookies([{"name": STUDENT_COOKIE, "value": name, "url": bed.base}])
        self.unit = self.au = self.traffic = None

    def open(self):
        """Open the unit and launch the AU from its link, as the learner does; the AU's frame."""
        self.unit = self.context.new_page()
        self.unit.goto(self.bed.scenario_url(self.scenario))
        with self.context.expect_page() as popup:
            self.unit.locator(".openedx_cmi5_xblock_block ol a").first.click()
        self.au = popup.value
        self.traffic = Traffic(self.au)
        self.au.wait_for_selector("html[data-cp-ready]", state="attached")
        self.traffic.wait_quiet(self.au)
        return self.au.main_frame

    def leave(self):
        self.traffic.wait_quiet(self.au)
        self.au.close(run_before_unload=True)
        self.unit.wait_for_timeout(1500)   # the AU's last requests (pagehide) reach the block
        self.unit.close()

    def points(self) -> str:
        page = self.context.new_page()
        page.goto(self.bed.scenario_url(self.scenario))
        text = page.locator(".openedx_cmi5_xblock_block p").first.inner_text()
        page.close()
        return text

    def close(self):
        self.context.close()


@pytest.fixture
def learner(openedx, browser, package):
    scenario = openedx.block_for(browser, "cmi5", package)
    person = Cmi5Learner(openedx, browser, scenario, f"oexcmi5-{next(LEARNERS)}")
    yield person
    person.close()


def test_the_block_shows_the_learner_passed_with_the_score(learner, openedx, ralph):
    frame = learner.open()
    assert frame.evaluate("document.documentElement.getAttribute('data-cp-ready')") == "cmi5"
    frame.locator(".cp-next").click()
    answer_kc(frame)
    goto(frame, "A Case")
    choose(frame, "start", 0)
    choose(frame, "middle", 0)
    take_quiz(frame, right=True)
    learner.traffic.wait_quiet(learner.au)
    learner.leave()
    found = openedx.state(learner.scenario, learner.name)
    assert (found["lesson_status"], found["lesson_score"], found["grade"]) == ("passed", 1.0, 1.0)
    assert learner.points() == "(1.0/1.0 points)"
    # the block forwarded what it understood to its LRS (Ralph)
    sent = [s for s in ralph.statements() if s.get("actor", {}).get("name") == learner.name]
    verbs = [s["verb"]["display"].get("en") for s in sent]
    assert verbs.count("passed") == 1, verbs
    # the window closed: the session's time reached the LRS behind the block
    assert verbs[-1] == "terminated", verbs
    assert re.match(r"^PT\d+(\.\d+)?S$", sent[-1]["result"]["duration"]), sent[-1]

    # reopening after passing: nothing regresses, nothing is sent twice
    learner.open()
    learner.leave()
    found = openedx.state(learner.scenario, learner.name)
    assert (found["lesson_status"], found["lesson_score"], found["grade"]) == ("passed", 1.0, 1.0)
    sent = [s for s in ralph.statements() if s.get("actor", {}).get("name") == learner.name]
    assert [s["verb"]["display"].get("en") for s in sent].count("passed") == 1


def test_fail_then_pass_after_relaunch(learner, openedx):
    """A failed learner relaunches on the quiz with "Try again" and passes: the block moves failed
    to passed."""
    frame = learner.open()
    take_quiz(frame, right=False)
    learner.leave()
    found = openedx.state(learner.scenario, learner.name)
    assert (found["lesson_status"], found["grade"]) == ("failed", 0)
    frame = learner.open()
    assert page_id(frame) == "pg-quiz"
    assert "Attempts left: 1." in frame.locator("#pg-quiz .cp-result-text").inner_text()
    frame.locator("#pg-quiz .cp-retry").click()
    answer_quiz(frame, right=True)
    frame.locator(".cp-submit").click()
    learner.leave()
    found = openedx.state(learner.scenario, learner.name)
    assert (found["lesson_status"], found["lesson_score"], found["grade"]) == ("passed", 1.0, 1.0)


def test_resume_mid_module_and_mid_quiz(learner, openedx):
    """The block keeps one state document, under the state id "suspendData": the course saves
    its place and answers there, and a relaunch lands on the same page with the answers."""
    frame = learner.open()
    frame.locator(".cp-next").click()
    answer_kc(frame)
    learner.leave()
    saved = openedx.state(learner.scenario, learner.name)["state_data"]
    assert saved["location"] == "intro/first-idea", saved
    frame = learner.open()
    assert page_id(frame) == "pg-intro--first-idea"
    assert frame.locator("input[name='kc-kc-first'][value='0']").is_checked()

    goto(frame, "Final Quiz")
    frame.locator("input[name='quiz-q-first'][value='0']").check()
    learner.leave()
    frame = learner.open()
    assert page_id(frame) == "pg-quiz"
    assert frame.locator("input[name='quiz-q-first'][value='0']").is_checked()
    frame.locator("input[name='quiz-q-true'][value='0']").check()
    frame.locator(".cp-submit").click()
    learner.leave()
    found = openedx.state(learner.scenario, learner.name)
    assert (found["lesson_status"], found["lesson_score"], found["grade"]) == ("passed", 1.0, 1.0)
    assert found["state_data"]["sent"].get("passed") is True
