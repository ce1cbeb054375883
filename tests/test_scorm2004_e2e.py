"""SCORM 2004 4th Edition end to end under scorm-again's Scorm2004API: separate completion
and success, scaled scores, ISO 8601 times, interactions in the 2004 formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.support.buildcache import built
from tests.test_assessment_e2e import answer_everything_right
from tests.test_scorm12_e2e import answer_kc, answer_quiz, go_to_quiz, next_page

pytestmark = pytest.mark.browser

DURATION = re.compile(r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,2})?(Z|[+-]\d\d(:\d\d)?)?$")
LEARNER = {"learner_id": "learner-3", "learner_name": "Poe, Alex"}


@pytest.fixture(scope="module")
def minimal(tmp_path_factory) -> Path:
    return built(tmp_path_factory, FIXTURES / "minimal", ("scorm2004",))["scorm2004"]


@pytest.fixture(scope="module")
def alltypes(tmp_path_factory) -> Path:
    return built(tmp_path_factory, FIXTURES / "alltypes", ("scorm2004",))["scorm2004"]


def sets(player, element: str) -> list[str]:
    return [c["args"][1] for c in player.calls()
            if c["fn"] == "SetValue" and c["args"][0] == element]


def test_pass_run(scorm2004_player, minimal):
    player = scorm2004_player(minimal)
    player.open(LEARNER)
    frame = player.frame
    assert sets(player, "cmi.completion_status") == ["incomplete"]
    next_page(frame)
    answer_kc(frame, "0")
    for _ in range(3):
        next_page(frame)
    answer_quiz(frame, right=True)
    frame.locator(".cp-submit").click()
    cmi = player.cmi()
    assert cmi["completion_status"] == "completed"
    assert cmi["success_status"] == "passed"
    assert cmi["score"]["scaled"] == "1"
    assert cmi["score"]["raw"] == "100"
    assert cmi["progress_measure"] == "1"
    assert cmi["location"] == "quiz"
    player.close_page()
    assert sets(player, "cmi.exit") == ["normal"]
    times = sets(player, "cmi.session_time")   # at every save, and at the end
    assert len(times) > 5 and all(DURATION.match(t) for t in times), times
    assert [c["fn"] for c in player.calls()].count("Terminate") == 1
    assert player.errors() == []


def test_fail_and_resume(scorm2004_player, minimal):
    player = scorm2004_player(minimal)
    player.open(LEARNER)
    frame = player.frame
    go_to_quiz(frame)
    answer_quiz(frame, right=False)
    frame.locator(".cp-submit").click()
    cmi = player.cmi()
    assert cmi["success_status"] == "failed"
    assert cmi["completion_status"] == "incomplete"
    assert cmi["score"]["scaled"] == "0"
    frame.locator(".cp-menu a", has_text="Basics").click()
    player.close_page()
    assert sets(player, "cmi.exit") == ["suspend"]

    player.open(player.resume_preload())
    frame = player.frame
    assert frame.locator("section.page:not([hidden])").get_attribute("id") == (
        "pg-basics--second-idea")
    go_to_quiz(frame)
    assert "Attempts left: 1." in frame.locator("#pg-quiz .cp-result-text").inner_text()
    frame.locator("#pg-quiz .cp-retry").click()
    answer_quiz(frame, right=True)
    frame.locator(".cp-submit").click()
    assert player.cmi()["success_status"] == "passed"
    assert player.errors() == []


def test_interactions_and_objectives_in_2004_formats(scorm2004_player, alltypes):
    player = scorm2004_player(alltypes)
    player.open(LEARNER)
    frame = player.frame
    frame.locator(".cp-next").click()
    answer_everything_right(frame)
    frame.locator(".cp-submit").click()
    found = player.cmi()["interactions"]
    rows = {r["id"]: r for r in (found[k] for k in sorted(found, key=int) if k.isdigit())}
    got = {i: (r["type"], r["learner_response"], r["result"],
               [p["pattern"] for _, p in sorted(r.get("correct_responses", {}).items())])
           for i, r in rows.items()}
    assert got == {
        "quiz_q-choice": ("choice", "b", "correct", ["b"]),
        "quiz_q-multiple": ("choice", "a[,]c", "correct", ["a[,]c"]),
        "quiz_q-tf": ("true-false", "false", "correct", ["false"]),
        "quiz_q-match": ("matching", "fr[.]fr-target[,]de[.]de-target[,]it[.]it-target",
                         "correct", ["fr[.]fr-target[,]de[.]de-target[,]it[.]it-target"]),
        "quiz_q-seq": ("sequencing", "one[,]two[,]three[,]four", "correct",
                       ["one[,]two[,]three[,]four"]),
        "quiz_q-fill": ("fill-in", "Resource OFFICER", "correct",
                        ["{case_matters=false}officer", "{case_matters=false}resource officer"]),
        "quiz_q-num": ("numeric", "42", "correct", ["42[:]42"]),
        "quiz_q-range": ("numeric", "15.5", "correct", ["10[:]20"]),
        "quiz_q-likert": ("likert", "likert-4", "neutral", []),
    }
    for r in rows.values():
        assert TIMESTAMP.match(r["timestamp"]), r
        assert DURATION.match(r["latency"]), r
        assert r["description"]
    objectives = {o["id"]: (o["success_status"], o["score"]["scaled"])
                  for o in player.cmi()["objectives"].values() if isinstance(o, dict)}
    assert objectives == {"recall": ("passed", "1"), "order": ("passed", "1")}
    assert player.errors() == []


def test_branching_decision_in_2004_format(scorm2004_player, alltypes):
    player = scorm2004_player(alltypes)
    player.open(LEARNER)
    frame = player.frame
    frame.locator(".cp-menu a", has_text="A Decision").click()
    frame.locator("input[name='node-scenario-start'][value='1']").check()
    frame.locator(".cp-choose").click()
    [row] = [r for k, r in player.cmi()["interactions"].items() if k.isdigit()]
    assert (row["id"], row["type"], row["learner_response"], row["result"],
            row["correct_responses"]["0"]["pattern"], row["description"]) == (
        "scenario_start", "choice", "bad", "incorrect", "good", "Something happens.")
    assert player.errors() == []
