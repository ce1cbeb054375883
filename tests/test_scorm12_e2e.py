"""End to end: the built package in real Chromium, with scorm-again as the LMS.

A scripted learner pages through the minimal fixture course, answers its knowledge check
and quiz; we then read what scorm-again recorded, value by value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.support.buildcache import built
from tests.support.site import go_to

pytestmark = pytest.mark.browser

TIMESPAN = re.compile(r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$")
LEARNER = {"core": {"student_id": "learner-1", "student_name": "Doe, Jane"},
           "student_data": {"mastery_score": "80"}}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built(tmp_path_factory, FIXTURES / "minimal", ("scorm12",))["scorm12"]


# -- a scripted learner ------------------------------------------------------------------

def visible_page(frame) -> str:
    return frame.locator("section.page:not([hidden])").get_attribute("id")


def next_page(frame) -> None:
    frame.locator(".cp-next").click()


def answer_kc(frame, value: str) -> None:
    frame.locator(f"input[name='kc-kc-first'][value='{value}']").check()
    frame.locator(".cp-question[data-q='kc-first'] .cp-check").click()


def answer_quiz(frame, right: bool) -> None:
    frame.locator(f"input[name='quiz-q-first'][value='{0 if right else 1}']").check()
    for value in ("0", "1") if right else ("2",):
        frame.locator(f"input[name='quiz-q-both'][value='{value}']").check()
    frame.locator(f"input[name='quiz-q-true'][value='{0 if right else 1}']").check()


def submit_quiz(frame) -> None:
    frame.locator(".cp-submit").click()


def go_to_quiz(frame) -> None:
    frame.locator(".cp-menu a", has_text="Final Quiz").click()
    frame.locator("#pg-quiz").wait_for(state="visible")   # its unit may load first


def calls(player, fn: str) -> list[dict]:
    return [c for c in player.calls() if c["fn"] == fn]


def set_values(player, element: str) -> list[str]:
    return [c["args"][1] for c in calls(player, "LMSSetValue") if c["args"][0] == element]


# -- the tests ---------------------------------------------------------------------------

def test_learner_passes(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    assert visible_page(frame) == "pg-intro--welcome"
    assert len(calls(player, "LMSInitialize")) == 1
    assert set_values(player, "cmi.core.lesson_status") == ["incomplete"]
    next_page(frame)
    answer_kc(frame, "0")
    assert "Correct." in frame.locator(".cp-question[data-q='kc-first'] .cp-feedback").inner_text()
    next_page(frame)
    next_page(frame)
    next_page(frame)
    assert visible_page(frame) == "pg-quiz"
    assert frame.locator(".cp-pageinfo").inner_text() == "Page 5 of 5"
    answer_quiz(frame, right=True)
    submit_quiz(frame)
    result = frame.locator(".cp-result-text").inner_text()
    assert "Your score: 100%." in result and "You passed." in result
    cmi = player.cmi()
    assert cmi["core"]["lesson_status"] == "passed"
    assert cmi["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
    assert cmi["core"]["lesson_location"] == "quiz"
    assert 0 < len(cmi["suspend_data"]) < 4096
    # the score is set before the status, and the status change is committed at once
    sets = [c["args"] for c in calls(player, "LMSSetValue")]
    assert sets.index(["cmi.core.score.raw", "100"]) < sets.index(
        ["cmi.core.lesson_status", "passed"])
    assert player.calls()[-1]["fn"] == "LMSCommit"
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert set_values(player, "cmi.core.exit") == [""]
    times = set_values(player, "cmi.core.session_time")  # at every save, and at the end
    assert len(times) > 5 and all(TIMESPAN.match(t) for t in times), times
    assert times == sorted(times)
    assert player.stored["core"]["lesson_status"] == "passed"
    assert player.errors() == []


def test_learner_fails_and_runs_out_of_attempts(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    go_to_quiz(frame)
    answer_quiz(frame, right=False)
    submit_quiz(frame)
    assert player.cmi()["core"]["lesson_status"] == "failed"
    assert player.cmi()["core"]["score"]["raw"] == "0"
    assert "Attempts left: 1." in frame.locator(".cp-result-text").inner_text()
    frame.locator(".cp-retry").click()
    assert frame.locator("input[name='quiz-q-first'][value='1']").is_checked() is False
    answer_quiz(frame, right=False)
    submit_quiz(frame)
    text = frame.locator(".cp-result-text").inner_text()
    assert "You have used all your attempts." in text
    assert frame.locator(".cp-retry").is_hidden()
    player.close_page()
    assert player.stored["core"]["lesson_status"] == "failed"
    assert set_values(player, "cmi.core.exit") == [""]  # nothing left to resume
    assert player.errors() == []


def test_retry_after_failing_can_pass(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    for _ in range(4):
        next_page(frame)
    answer_quiz(frame, right=False)
    submit_quiz(frame)
    assert player.cmi()["core"]["lesson_status"] == "failed"
    frame.locator(".cp-retry").click()
    answer_quiz(frame, right=True)
    submit_quiz(frame)
    assert player.cmi()["core"]["lesson_status"] == "passed"
    assert player.cmi()["core"]["score"]["raw"] == "100"
    assert player.errors() == []


def test_passing_before_viewing_everything_stays_incomplete(scorm12_player, package):
    """completion: both -> a passed quiz alone is not enough, and no score is reported
    yet (an LMS applying 'mastery score overrides status' would otherwise mark it passed)."""
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    go_to_quiz(frame)
    answer_quiz(frame, right=True)
    submit_quiz(frame)
    cmi = player.cmi()
    assert cmi["core"]["lesson_status"] == "incomplete"
    assert cmi["core"]["score"]["raw"] == ""
    frame.locator(".cp-menu a", has_text="Basics").click()
    frame.locator(".cp-next").click()
    frame.locator(".cp-menu a", has_text="Introduction").click()
    next_page(frame)
    assert player.cmi()["core"]["lesson_status"] == "passed"
    assert player.cmi()["core"]["score"]["raw"] == "100"


def test_leave_midway_and_resume(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    next_page(frame)
    answer_kc(frame, "1")
    next_page(frame)
    go_to_quiz(frame)
    frame.locator("input[name='quiz-q-first'][value='0']").check()
    frame.locator("input[name='quiz-q-both'][value='2']").check()
    frame.locator(".cp-menu a", has_text="Basics").click()
    assert visible_page(frame) == "pg-basics--second-idea"
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert set_values(player, "cmi.core.exit") == ["suspend"]
    assert player.stored["core"]["lesson_status"] == "incomplete"
    first_session = player.stored

    preload = player.resume_preload()
    assert preload["core"]["entry"] == "resume"
    preload["student_data"] = LEARNER["student_data"]
    player.open(preload)
    frame = player.frame
    assert visible_page(frame) == "pg-basics--second-idea"
    go_to(frame, "pg-intro--first-idea")          # the answer's page, in the unit before
    assert frame.locator("input[name='kc-kc-first'][value='1']").is_checked()
    assert "Not quite." in frame.locator(".cp-question[data-q='kc-first'] .cp-feedback").inner_text()
    go_to_quiz(frame)
    assert frame.locator("input[name='quiz-q-first'][value='0']").is_checked()
    assert frame.locator("input[name='quiz-q-both'][value='2']").is_checked()
    assert not frame.locator("input[name='quiz-q-both'][value='0']").is_checked()
    # no lesson_status is re-sent on resume: the LMS already has "incomplete"
    assert set_values(player, "cmi.core.lesson_status") == []
    assert frame.locator(".cp-menu li.is-complete", has_text="Introduction").count() == 1
    assert first_session["suspend_data"] == player.cmi()["suspend_data"]
    assert player.errors() == []


def test_new_attempt_ignores_old_state(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    next_page(frame)
    answer_kc(frame, "1")
    player.close_page()
    preload = player.resume_preload()
    preload["core"]["entry"] = "ab-initio"      # a conformant LMS hands over no saved data
    del preload["suspend_data"], preload["core"]["lesson_location"]
    player.open(preload)
    frame = player.frame
    assert visible_page(frame) == "pg-intro--welcome"
    next_page(frame)
    assert not frame.locator("input[name='kc-kc-first'][value='1']").is_checked()


def test_closing_mid_quiz_finishes_once_with_suspend(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    go_to_quiz(frame)
    frame.locator("input[name='quiz-q-first'][value='0']").check()
    frame.locator(".cp-exit").click()      # the learner's own "Save and exit"
    assert "You can close this window now." in frame.locator(".cp-notice").inner_text()
    player.close_page()                    # then the LMS unloads the page
    assert len(calls(player, "LMSFinish")) == 1
    assert set_values(player, "cmi.core.exit") == ["suspend"]
    assert [c["fn"] for c in player.calls()][-1] == "LMSFinish"
    assert player.errors() == []


def test_worst_case_resume_state_matches_the_build(scorm12_player, package):
    """Fill every part of the state to its longest and compare with the build's figure."""
    player = scorm12_player(package)
    player.open(LEARNER)
    length, worst = player.frame.evaluate("""() => {
        const cp = window.coursepack, data = window.CoursepackData;
        cp.state.visited = Array.from({length: data.pageCount}, () => 1);
        const longest = q => q.type === 'multiple' ? '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, q.n)
                                                   : '0123456789abcdefghijklmnopqrstuvwxyz'.charAt(q.n - 1);
        cp.state.kc = data.kcs.map(longest);
        cp.state.asmt.forEach((a, i) => {
            const def = data.assessments[i];
            a.n = 123456; a.sub = true; a.score = 100;
            a.answers = def.questions.map(longest);
        });
        return [cp.encode().length, data.limits.worst];
    }""")
    # "2|" + course and table 10 + "|" + visited "r" and 1 character + "|" + knowledge check
    # (2 bits: 1 character, ":") + "|" + quiz (key 4, fingerprint 4, attempts 4, "!",
    # "=100", ":", 7 bits: 2 characters, ":") + "|" + check 4
    assert length == worst == 2 + 10 + 1 + 2 + 1 + 2 + 1 + 21 + 1 + 4


def test_standalone_without_lms(browser, package, tmp_path):
    from tests.support.lms import safe_extract, serve

    safe_extract(package, tmp_path)
    with serve({"/": tmp_path}) as base:
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/index.html")
        assert "Connecting" in page.locator(".cp-notice").inner_text()  # waiting for an API
        page.locator(".cp-notice", has_text="saved in this browser only").wait_for(
            timeout=10_000)                         # about 5 s later
        page.locator(".cp-next").click()
        page.locator(".cp-next").click()
        page.reload()
        assert page.locator("section.page:not([hidden])").get_attribute("id") == (
            "pg-basics--second-idea")
        assert errors == []
        context.close()
