"""The runtime against an LMS that misbehaves, in Chromium with scorm-again as the LMS.

player/scorm.html wraps scorm-again so that chosen calls fail (``window.__faults``):
LMSSetValue and LMSCommit answering "false" or throwing, LMSInitialize failing, no API at
all, the API only in ``window.opener``. The learner must lose at most the answer that
could not be saved, be told when progress is not being saved, and the session must end
with exactly one LMSFinish. A crashed browser resumes from what was last committed, and
ten sessions of leaving and coming back keep status, score and state exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.support.buildcache import built
from tests.support.resume_state import as_v1, course_data
from tests.support.site import go_to
from tests.test_scorm12_e2e import (
    LEARNER,
    answer_kc,
    calls,
    go_to_quiz,
    next_page,
    set_values,
    visible_page,
)

pytestmark = pytest.mark.browser

SAVE_FAILED = "could not be saved"
FINISHED = "You can close this window now."


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built(tmp_path_factory, FIXTURES / "minimal", ("scorm12",))["scorm12"]


# -- helpers ---------------------------------------------------------------------------

def notice(frame) -> str:
    return frame.evaluate("document.querySelector('.cp-notice').textContent")


def wait_notice(frame, text: str, timeout: float = 10_000) -> None:
    """Wait until the notice contains ``text`` ("" waits for it to be empty)."""
    frame.wait_for_function(
        "t => { const n = document.querySelector('.cp-notice').textContent;"
        " return t ? n.includes(t) : n === ''; }", arg=text, timeout=timeout)


def state(frame) -> str:
    """The resume state the course holds right now."""
    return frame.evaluate("window.coursepack.encode()")


def real_errors(player) -> list:
    """Errors apart from the faults the test asked for."""
    return [e for e in player.errors() if not e.get("fault")]


def faults_hit(player) -> list[str]:
    return [c["fn"] for c in player.calls() if c.get("fault")]


def ready(frame) -> str:
    frame.wait_for_function("document.documentElement.hasAttribute('data-cp-ready')")
    return frame.evaluate("document.documentElement.getAttribute('data-cp-ready')")


def check_quiz(frame, name: str, value: str) -> None:
    frame.locator(f"input[name='quiz-{name}'][value='{value}']").check()


# -- a failing LMSSetValue or LMSCommit ---------------------------------------------------

@pytest.mark.parametrize("mode", ["false", "throw"])
def test_refused_suspend_data_is_saved_by_a_later_try(scorm12_player, package, mode):
    """LMSSetValue("cmi.suspend_data") fails twice: the learner is told, and the retry
    after a short delay stores the whole state without any further action."""
    player = scorm12_player(package)
    player.open(LEARNER, faults={"setValue": {"failWhen": "cmi.suspend_data", "after": 1,
                                              "times": 2, "mode": mode}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    assert notice(frame) == ""
    next_page(frame)                        # the 2nd suspend_data: refused
    wait_notice(frame, SAVE_FAILED)
    assert player.stored["suspend_data"] != state(frame)
    # the 3rd is refused too: the answer's save, or the retry 1 s after the 2nd when the
    # machine is slow (then the answer's save is stored)
    answer_kc(frame, "1")
    wait_notice(frame, "")                  # the retry timer (or the answer's save): stored
    assert player.stored["suspend_data"] == state(frame)
    assert player.stored["core"]["lesson_location"] == "intro/first-idea"
    assert faults_hit(player) == ["LMSSetValue", "LMSSetValue"]
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert real_errors(player) == []


@pytest.mark.parametrize("mode", ["false", "throw"])
def test_failed_commits_are_made_up_by_the_next_one(scorm12_player, package, mode):
    """LMSCommit fails for two saves in a row; the next save (the learner's next step)
    commits everything, answers of the failed saves included."""
    player = scorm12_player(package)
    player.open(LEARNER, faults={"commit": {"after": 1, "times": 2, "mode": mode}})
    frame = player.frame
    ready(frame)                            # commit 1 (the first save, after the first paint)
    next_page(frame)                        # commit 2: fails
    wait_notice(frame, SAVE_FAILED)
    committed = player.stored
    assert committed["core"]["lesson_location"] == "intro/welcome"
    # commit 3 fails too: the answer's save, or the retry 1 s after the 2nd when the
    # machine is slow (then the answer's own save is the one that stores everything)
    answer_kc(frame, "0")
    next_page(frame)                        # the next save: everything
    wait_notice(frame, "")
    stored = player.stored
    assert stored["core"]["lesson_location"] == "basics/second-idea"
    assert stored["suspend_data"] == state(frame)
    # the knowledge check answer of a failed save
    assert as_v1(stored["suspend_data"], course_data(package)).split("|")[3] == "0"
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert faults_hit(player) == ["LMSCommit", "LMSCommit"]
    assert real_errors(player) == []


def test_an_lms_that_never_commits_keeps_the_learner_informed(scorm12_player, package):
    """Every commit fails: the notice stays, retries back off, and leaving still hands
    the last state to LMSFinish (which persists it)."""
    player = scorm12_player(package)
    player.open(LEARNER, faults={"commit": {"after": 1, "mode": "false"}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    next_page(frame)
    answer_kc(frame, "1")
    frame.wait_for_timeout(3500)            # retries at +1 s and +3 s: still failing
    assert SAVE_FAILED in notice(frame)
    tries = len(calls(player, "LMSCommit"))
    assert 4 <= tries <= 5                  # 2 saves + 2 retries (+1 at the edge)
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    stored = player.stored                  # what LMSFinish persisted
    assert stored["core"]["lesson_location"] == "intro/first-idea"
    assert stored["core"]["exit"] == "suspend"
    preload = player.resume_preload()
    player.open(preload)
    frame = player.frame
    assert visible_page(frame) == "pg-intro--first-idea"
    assert frame.locator("input[name='kc-kc-first'][value='1']").is_checked()
    assert notice(frame) == ""


def test_leaving_mid_quiz_while_saves_fail_keeps_every_answer(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"setValue": {"failWhen": "cmi.suspend_data", "after": 2,
                                              "times": 1, "mode": "throw"}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    go_to_quiz(frame)                       # suspend_data 2: stored
    check_quiz(frame, "q-first", "0")       # suspend_data 3: refused (throws)
    assert SAVE_FAILED in notice(frame)
    last = state(frame)
    player.close_page()                     # the page goes away mid-quiz, at once
    assert len(calls(player, "LMSFinish")) == 1
    assert player.stored["suspend_data"] == last
    player.open(player.resume_preload())
    frame = player.frame
    assert visible_page(frame) == "pg-quiz"
    assert frame.locator("input[name='quiz-q-first'][value='0']").is_checked()
    assert real_errors(player) == []


def test_save_and_exit_says_when_the_lms_did_not_finish(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"finish": "false"})
    frame = player.frame
    next_page(frame)
    frame.locator(".cp-exit").click()
    wait_notice(frame, SAVE_FAILED)
    assert FINISHED not in notice(frame)
    assert frame.locator(".cp-exit").is_hidden()   # the session ended: no second finish
    assert frame.locator("main").is_hidden()        # nor a course that saves nothing
    player.close_page()                     # nor does leaving the page
    assert len(calls(player, "LMSFinish")) == 1
    assert [c["fn"] for c in player.calls()][-1] == "LMSFinish"


def test_save_and_exit_after_a_refused_value_says_so(scorm12_player, package):
    """LMSFinish works but the LMS refused the last state: not 'saved'."""
    player = scorm12_player(package)
    player.open(LEARNER, faults={"setValue": {"failWhen": "cmi.suspend_data", "after": 1}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    next_page(frame)
    frame.locator(".cp-exit").click()
    wait_notice(frame, SAVE_FAILED)
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1


def test_save_and_exit_finishes_once_and_says_saved(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"commit": {"after": 1, "times": 1}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    next_page(frame)                        # fails; the exit's own save retries it
    frame.locator(".cp-exit").click()
    wait_notice(frame, FINISHED)
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert player.stored["core"]["lesson_location"] == "intro/first-idea"
    assert set_values(player, "cmi.core.exit") == ["suspend"]


# -- starting: LMSInitialize failing, no API, the API in the opener ----------------------

def test_initialize_failing_once_is_tried_again(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"initialize": {"times": 1, "mode": "false"}})
    frame = player.frame
    assert ready(frame) == "scorm12"
    assert notice(frame) == ""
    assert len(calls(player, "LMSInitialize")) == 2
    next_page(frame)
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert player.stored["core"]["lesson_location"] == "intro/first-idea"
    assert real_errors(player) == []


@pytest.mark.parametrize("mode", ["false", "throw"])
def test_initialize_never_working_runs_the_course_without_the_lms(scorm12_player, package,
                                                                   mode):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"initialize": mode})
    frame = player.frame
    assert ready(frame) == "standalone"
    assert SAVE_FAILED in notice(frame)     # the learner knows progress is not recorded
    assert len(calls(player, "LMSInitialize")) == 3
    next_page(frame)
    answer_kc(frame, "0")
    assert visible_page(frame) == "pg-intro--first-idea"
    assert SAVE_FAILED in notice(frame)
    player.close_page()
    assert {c["fn"] for c in player.calls()} == {"LMSInitialize"}  # no finish, no values
    assert player.stored is None


def first_session(player) -> dict:
    """Some progress, saved; returns what the LMS hands the next launch."""
    player.open(LEARNER)
    next_page(player.frame)
    answer_kc(player.frame, "1")
    player.close_page()
    return player.resume_preload()


@pytest.mark.parametrize("mode", ["false", "throw"])
def test_a_failed_read_of_the_state_is_tried_again(scorm12_player, package, mode):
    player = scorm12_player(package)
    preload = first_session(player)
    player.open(preload, faults={"getValue": {"failWhen": "cmi.suspend_data", "times": 1,
                                              "mode": mode}})
    frame = player.frame
    assert ready(frame) == "scorm12"
    assert visible_page(frame) == "pg-intro--first-idea"
    assert frame.locator("input[name='kc-kc-first'][value='1']").is_checked()
    assert len(calls(player, "LMSInitialize")) == 1
    player.close_page()
    assert player.stored["suspend_data"] == preload["suspend_data"]


def test_a_state_that_cannot_be_read_is_never_overwritten(scorm12_player, package):
    """If the LMS cannot hand over the saved state, starting afresh would overwrite it:
    the course runs without the LMS instead, and says so."""
    player = scorm12_player(package)
    preload = first_session(player)
    player.open(preload, faults={"getValue": {"failWhen": "cmi.core.lesson_status"}})
    frame = player.frame
    assert ready(frame) == "standalone"
    assert SAVE_FAILED in notice(frame)
    next_page(frame)
    player.close_page()
    assert {c["fn"] for c in player.calls()} == {"LMSInitialize", "LMSGetValue"}
    assert player.stored is None            # nothing written over the first session's data


def test_no_api_at_all(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"noApi": True})
    frame = player.frame
    assert ready(frame) == "standalone"
    assert "saved in this browser only" in notice(frame)
    next_page(frame)
    answer_kc(frame, "0")
    assert "Correct." in frame.locator(".cp-question[data-q='kc-first'] .cp-feedback").inner_text()
    player.close_page()
    assert player.calls() == []
    assert real_errors(player) == []


def test_api_in_the_opener_window(scorm12_player, package):
    """The LMS opens the course in a pop-up: the API is found through window.opener, and
    closing the pop-up finishes the session there."""
    player = scorm12_player(package)
    player.open(LEARNER, faults={"apiInOpener": True})
    assert player.popup is not None
    frame = player.frame
    assert ready(frame) == "scorm12"
    assert notice(frame) == ""
    next_page(frame)
    answer_kc(frame, "0")
    assert player.cmi()["core"]["lesson_location"] == "intro/first-idea"
    player.popup.close()                    # the learner closes the course window
    player.page.wait_for_function(
        "window.__calls.some(c => c.fn === 'LMSFinish')", timeout=5000)
    assert len(calls(player, "LMSInitialize")) == 1
    assert len(calls(player, "LMSFinish")) == 1
    assert player.stored["core"]["exit"] == "suspend"
    assert as_v1(player.stored["suspend_data"], course_data(package)).split("|")[3] == "0"
    assert real_errors(player) == []


# -- a crash: no handler runs -------------------------------------------------------------

def test_crash_loses_only_the_answer_that_was_not_saved(scorm12_player, package):
    """The browser crashes right after an answer whose save failed: the next session
    resumes from the last commit, with everything before that answer."""
    player = scorm12_player(package)
    player.open(LEARNER, faults={"commit": {"after": 4, "times": 1}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    next_page(frame)                         # commit 2
    answer_kc(frame, "1")                    # commit 3
    go_to_quiz(frame)                        # commit 4
    check_quiz(frame, "q-first", "0")        # commit 5: fails
    assert SAVE_FAILED in notice(frame)
    player.crash()                           # before the retry: nothing else reaches the LMS
    assert len(calls(player, "LMSFinish")) == 0
    preload = player.resume_preload()
    assert preload["core"]["entry"] == ""   # no exit was ever set
    player.open(preload)
    frame = player.frame
    assert visible_page(frame) == "pg-quiz"
    assert not frame.locator("input[name='quiz-q-first'][value='0']").is_checked()
    go_to(frame, "pg-intro--first-idea")          # the answer's page, two units before
    assert frame.locator("input[name='kc-kc-first'][value='1']").is_checked()
    go_to_quiz(frame)
    check_quiz(frame, "q-first", "0")        # answered again, and kept this time
    player.close_page()
    assert len(calls(player, "LMSFinish")) == 1
    assert as_v1(player.stored["suspend_data"], course_data(package)).endswith("|0:0,,")


def test_crash_after_the_retry_loses_nothing(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER, faults={"commit": {"after": 2, "times": 1}})
    frame = player.frame
    ready(frame)                            # the first save made (after the first paint)
    go_to_quiz(frame)                        # commit 2
    check_quiz(frame, "q-first", "1")        # commit 3: fails, then the retry stores it
    wait_notice(frame, "")
    before = state(frame)
    player.crash()
    assert player.stored["suspend_data"] == before
    player.open(player.resume_preload())
    frame = player.frame
    assert frame.locator("input[name='quiz-q-first'][value='1']").is_checked()


# -- ten sessions -------------------------------------------------------------------------

def exit_button(player) -> None:
    player.frame.locator(".cp-exit").click()
    wait_notice(player.frame, FINISHED)
    player.close_page()


def close(player) -> None:
    player.close_page()


def answer_all(frame, right: bool) -> None:
    check_quiz(frame, "q-first", "0" if right else "1")
    for value in ("0", "1") if right else ("2",):
        check_quiz(frame, "q-both", value)
    check_quiz(frame, "q-true", "0" if right else "1")
    frame.locator(".cp-submit").click()


def menu(frame, name: str) -> None:
    frame.locator(".cp-menu a", has_text=name).click()


# Each session: what the learner does, how they leave, and what the LMS holds afterwards:
# (lesson_location, visited pages in base64, knowledge check, quiz state, status, score, exit)
SESSIONS = [
    (lambda f: (next_page(f), answer_kc(f, "1")), close,
     ("intro/first-idea", "D", "1", "0:", "incomplete", "", "suspend")),
    (lambda f: next_page(f), exit_button,
     ("basics/second-idea", "H", "1", "0:", "incomplete", "", "suspend")),
    (lambda f: (go_to_quiz(f), check_quiz(f, "q-first", "0")), close,
     ("quiz", "X", "1", "0:0,,", "incomplete", "", "suspend")),
    (lambda f: (check_quiz(f, "q-both", "2"), check_quiz(f, "q-true", "1"),
                f.locator(".cp-submit").click()), exit_button,   # 1 of 3 right: failed
     ("quiz", "X", "1", "1!=33:0,2,1", "failed", "33", "suspend")),
    (lambda f: f.locator(".cp-retry").click(), close,            # a second attempt begins
     ("quiz", "X", "1", "1=33:,,", "failed", "33", "suspend")),
    (lambda f: answer_all(f, right=True), exit_button,           # passed, a page unseen
     ("quiz", "X", "1", "2!=100:0,01,0", "incomplete", "100", "suspend")),
    (lambda f: (menu(f, "Basics"), next_page(f)), close,          # every page seen: passed
     ("basics/summary", "f", "1", "2!=100:0,01,0", "passed", "100", "")),
    (lambda f: (menu(f, "Introduction"), next_page(f), answer_kc(f, "0")), close,
     ("intro/first-idea", "f", "0", "2!=100:0,01,0", "passed", "100", "")),
    (lambda f: None, exit_button,
     ("intro/first-idea", "f", "0", "2!=100:0,01,0", "passed", "100", "")),
    (lambda f: menu(f, "Introduction"), close,
     ("intro/welcome", "f", "0", "2!=100:0,01,0", "passed", "100", "")),
]


@pytest.mark.parametrize("flaky", [False, True], ids=["steady-lms", "flaky-lms"])
def test_ten_sessions_of_leaving_and_coming_back(scorm12_player, package, flaky):
    """With a flaky LMS every session's first commit after the start fails as well."""
    player = scorm12_player(package)
    faults = {"commit": {"after": 1, "times": 1, "mode": "throw"}} if flaky else None
    preload = LEARNER
    course_hash = None
    for n, (act, leave, expected) in enumerate(SESSIONS, 1):
        player.open(preload, faults=faults)
        frame = player.frame
        assert ready(frame) == "scorm12", f"session {n}"
        course_hash = course_hash or frame.evaluate(
            "window.CoursepackData.hash")
        act(frame)
        if flaky:
            wait_notice(frame, "")          # the failed save was made up for
        leave(player)
        location, visited, kc, quiz, status, score, exit_ = expected
        core = player.stored["core"]
        assert (core["lesson_location"], as_v1(player.stored["suspend_data"], course_data(package)),
                core["lesson_status"],
                core["score"]["raw"], core["exit"]) == (
            location, f"1|{course_hash}|{visited}|{kc}|{quiz}", status, score, exit_), (
            f"session {n}")
        assert len(calls(player, "LMSInitialize")) == 1, f"session {n}"
        assert len(calls(player, "LMSFinish")) == 1, f"session {n}"
        assert real_errors(player) == [], f"session {n}"
        preload = player.resume_preload()
        preload["student_data"] = LEARNER["student_data"]
        assert preload["core"]["entry"] == ("resume" if exit_ == "suspend" else "")
