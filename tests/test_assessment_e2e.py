"""Every question type, end to end under scorm-again, checked value by value against the
SCORM 1.2 formats; plus pools, shuffling and resume mid-assessment."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.build import build
from tests.conftest import FIXTURES, write
from tests.support.buildcache import built
from tests.support.site import go_to

pytestmark = pytest.mark.browser

# SCORM 1.2 data types (RTE 3.4.2), stricter than scorm-again's relaxed checks
IDENTIFIER = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
CMITIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
TIMESPAN = re.compile(r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
CHAR = r"[0-9a-z]"
RESPONSE = {
    "true-false": re.compile(r"^[01tf]$"),
    "choice": re.compile(rf"^{CHAR}(,{CHAR})*$"),
    "sequencing": re.compile(rf"^{CHAR}(,{CHAR})*$"),
    "matching": re.compile(rf"^{CHAR}\.{CHAR}(,{CHAR}\.{CHAR})*$"),
    "numeric": DECIMAL,
    "likert": re.compile(rf"^{CHAR}?$"),
    "fill-in": re.compile(r"^.{0,255}$"),
}
LEARNER = {"core": {"student_id": "learner-2", "student_name": "Roe, Sam"}}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built(tmp_path_factory, FIXTURES / "alltypes", ("scorm12",))["scorm12"]


def pick(select, value: str) -> None:
    """Choose the option with this value, as a learner would (playwright's select_option
    also matches labels, which is ambiguous for numbered positions)."""
    select.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('change', "
                    "{bubbles: true})); }", value)
    assert select.input_value() == value


def answer_everything_right(frame) -> None:
    q = lambda qid: frame.locator(f".cp-question[data-q='{qid}']")  # noqa: E731
    q("q-choice").locator("input[value='1']").check()
    q("q-multiple").locator("input[value='0']").check()
    q("q-multiple").locator("input[value='2']").check()
    q("q-tf").locator("input[value='1']").check()
    for i in range(3):
        pick(q("q-match").locator(f"select[data-i='{i}']"), str(i))
    for i in range(4):
        pick(q("q-seq").locator(f"select[data-i='{i}']"), str(i + 1))
    q("q-fill").locator("input").fill("  Resource   OFFICER ")
    q("q-num").locator("input").fill("42")
    q("q-range").locator("input").fill("15.5")
    q("q-likert").locator("input[value='3']").check()


def interactions(player) -> list[dict]:
    """What the LMS recorded, in order, as plain dicts."""
    found = player.cmi()["interactions"]
    rows = [found[k] for k in sorted(found, key=int) if k.isdigit()]
    for row in rows:
        row["objectives"] = [o["id"] for _, o in sorted(row.get("objectives", {}).items())]
        row["pattern"] = row.get("correct_responses", {}).get("0", {}).get("pattern", "")
    return rows


def check_formats(row: dict) -> None:
    assert IDENTIFIER.match(row["id"]), row
    assert CMITIME.match(row["time"]), row
    assert TIMESPAN.match(row["latency"]), row
    assert DECIMAL.match(row["weighting"]), row
    assert row["result"] in ("correct", "wrong", "unanticipated", "neutral"), row
    assert RESPONSE[row["type"]].match(row["student_response"]), row
    if row["pattern"]:
        assert RESPONSE[row["type"]].match(row["pattern"]), row


def test_every_question_type_reported(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    # knowledge checks: graded numeric, ungraded sequencing
    frame.locator("#kc-kc-boil-answer").fill("100")
    frame.locator(".cp-question[data-q='kc-boil'] .cp-check").click()
    kc = frame.locator(".cp-question[data-q='kc-order']")
    for i in range(3):
        pick(kc.locator(f"select[data-i='{i}']"), str((i + 1) % 3 + 1))
    kc.locator(".cp-check").click()
    assert "Not quite." in kc.locator(".cp-feedback").inner_text()

    frame.locator(".cp-next").click()
    answer_everything_right(frame)
    frame.locator(".cp-submit").click()
    assert "Your score: 100%." in frame.locator("form.cp-quiz + .cp-result .cp-result-text").inner_text()

    frame.locator(".cp-next").click()
    frame.locator("input[name='node-scenario-start'][value='0']").check()
    frame.locator(".cp-choose").click()
    assert "Your score: 100%." in frame.locator(".cp-scenario .cp-result-text").inner_text()

    rows = interactions(player)
    for row in rows:
        check_formats(row)
    got = {r["id"]: (r["type"], r["student_response"], r["pattern"], r["result"], r["weighting"],
                     r["objectives"]) for r in rows}
    assert got == {
        "lesson_kc-boil": ("numeric", "100", "100", "correct", "1", ["recall"]),
        "lesson_kc-order": ("sequencing", "2,0,1", "0,1,2", "wrong", "0", []),
        "quiz_q-choice": ("choice", "1", "1", "correct", "1", ["recall"]),
        "quiz_q-multiple": ("choice", "0,2", "0,2", "correct", "2", ["recall"]),
        "quiz_q-tf": ("true-false", "f", "f", "correct", "1", ["recall"]),
        "quiz_q-match": ("matching", "0.0,1.1,2.2", "0.0,1.1,2.2", "correct", "1", ["recall"]),
        "quiz_q-seq": ("sequencing", "0,1,2,3", "0,1,2,3", "correct", "1", ["order"]),
        "quiz_q-fill": ("fill-in", "Resource OFFICER", "officer", "correct", "1", ["recall"]),
        "quiz_q-num": ("numeric", "42", "42", "correct", "1", ["recall"]),
        "quiz_q-range": ("numeric", "15.5", "", "correct", "1", ["recall"]),
        "quiz_q-likert": ("likert", "3", "", "neutral", "0", []),
        "scenario_start": ("choice", "0", "0", "correct", "2", ["judge"]),
    }
    objectives = {o["id"]: (o["score"]["raw"], o["status"])
                  for _, o in sorted(player.cmi()["objectives"].items()) if isinstance(o, dict)}
    assert objectives == {"recall": ("100", "passed"), "order": ("100", "passed"),
                          "judge": ("100", "passed")}
    cmi = player.cmi()
    assert cmi["core"]["lesson_status"] == "passed"
    assert cmi["core"]["score"]["raw"] == "100"
    player.close_page()
    assert player.errors() == []


def test_wrong_answers_score_and_objectives(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    frame.locator(".cp-next").click()
    answer_everything_right(frame)
    q = lambda qid: frame.locator(f".cp-question[data-q='{qid}']")  # noqa: E731
    q("q-multiple").locator("input[value='1']").check()       # one too many: wrong (weight 2)
    pick(q("q-seq").locator("select[data-i='0']"), "2")
    pick(q("q-seq").locator("select[data-i='1']"), "1")  # swapped: wrong
    q("q-range").locator("input").fill("20.5")                 # out of range: wrong
    frame.locator(".cp-submit").click()
    # scored weight 9; wrong: multiple (2) + range (1) -> 6/9 = 67%; sequencing wrong -> 5/9
    assert "Your score: 56%." in frame.locator("form.cp-quiz + .cp-result .cp-result-text").inner_text()
    rows = {r["id"]: r for r in interactions(player)}
    assert rows["quiz_q-multiple"]["student_response"] == "0,1,2"
    assert rows["quiz_q-multiple"]["result"] == "wrong"
    assert rows["quiz_q-seq"]["student_response"] == "1,0,2,3"
    assert rows["quiz_q-range"]["result"] == "wrong"
    objectives = {o["id"]: (o["score"]["raw"], o["status"])
                  for o in player.cmi()["objectives"].values() if isinstance(o, dict)}
    assert objectives == {"recall": ("63", "failed"), "order": ("0", "failed")}
    assert player.cmi()["core"]["lesson_status"] == "failed"
    # show_correct: the answer key appears for wrong answers only
    assert q("q-range").locator("[data-fb='key']").inner_text() == "Correct answer: 10 – 20"
    assert q("q-choice").locator("[data-fb='key']").is_hidden()
    assert player.errors() == []


def test_shuffled_choices_keep_their_meaning(scorm12_player, package):
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    orders = frame.evaluate("""() => ['q-choice', 'q-multiple', 'q-seq'].map(id =>
        [...document.querySelectorAll(`.cp-question[data-q='${id}'] .cp-choice input, .cp-question[data-q='${id}'] .cp-choice select`)]
        .map(el => el.value || el.dataset.i).join(''))""")
    assert sorted(orders[0]) == ["0", "1", "2"]
    assert orders[2] != "0123"  # a sequencing question never starts in the right order
    player.close_page()


DRAW = """
title: Pool
attempts: 0
draw: 3
questions:
""" + "".join(f"""
  - id: p{i}
    type: choice
    prompt: Pool question {i}
    feedback: {{correct: Right., incorrect: Not this time.}}
    objectives: [recall, order]
    choices:
      - {{id: a, text: Right {i}, correct: true}}
      - {{id: b, text: Wrong {i}}}
""" for i in range(8))


@pytest.fixture(scope="module")
def pool_package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pool")
    shutil.copytree(FIXTURES / "alltypes", root, dirs_exist_ok=True)
    write(root, {"scenarios/quiz.yaml": DRAW})
    [path] = build(root, ("scorm12",)).written
    return path


def drawn(frame) -> list[str]:
    return frame.evaluate("""() => [...document.querySelectorAll('form.cp-quiz .cp-question')]
        .filter(fs => !fs.hidden).map(fs => fs.dataset.q)""")


def test_pool_draw_and_resume_mid_assessment(scorm12_player, pool_package):
    player = scorm12_player(pool_package)
    player.open(LEARNER)
    frame = player.frame
    frame.locator(".cp-next").click()
    # the quiz's unit may still be loading (it loads ahead once the first page has painted)
    frame.wait_for_selector("section#pg-quiz:not([hidden]) form.cp-quiz[data-cp-init]")
    first = drawn(frame)
    assert len(first) == 3 and len(set(first)) == 3
    frame.locator(f".cp-question[data-q='{first[0]}'] input[value='1']").check()
    frame.locator(f".cp-question[data-q='{first[2]}'] input[value='0']").check()
    player.close_page()
    assert [c["args"][1] for c in player.calls()
            if c["fn"] == "LMSSetValue" and c["args"][0] == "cmi.core.exit"] == ["suspend"]

    player.open(player.resume_preload())
    frame = player.frame
    assert frame.locator("section.page:not([hidden])").get_attribute("id") == "pg-quiz"
    assert drawn(frame) == first                      # same questions, same order
    assert frame.locator(f".cp-question[data-q='{first[0]}'] input[value='1']").is_checked()
    assert frame.locator(f".cp-question[data-q='{first[2]}'] input[value='0']").is_checked()
    assert not frame.locator(f".cp-question[data-q='{first[1]}'] input:checked").count()
    for qid in first:
        frame.locator(f".cp-question[data-q='{qid}'] input[value='0']").check()
    frame.locator(".cp-submit").click()
    assert "Your score: 100%." in frame.locator("form.cp-quiz + .cp-result .cp-result-text").inner_text()
    assert player.errors() == []


def test_rebuilt_package_with_a_changed_question_keeps_what_did_not_change(
        scorm12_player, package, tmp_path):
    """A choice added to a quiz question: the quiz's unsubmitted answers are dropped (its
    meaning changed), the unchanged knowledge check keeps its answer (resume format 2 keys
    answers by question id and fingerprint), and the learner lands where they left."""
    player = scorm12_player(package)
    player.open(LEARNER)
    frame = player.frame
    frame.locator("#kc-kc-boil-answer").fill("99")
    frame.locator(".cp-question[data-q='kc-boil'] .cp-check").click()
    frame.locator(".cp-next").click()
    frame.locator(".cp-question[data-q='q-choice'] input[value='2']").check()
    player.close_page()
    preload = player.resume_preload()

    root = tmp_path / "v2"
    shutil.copytree(FIXTURES / "alltypes", root)
    path = root / "scenarios/quiz.yaml"
    path.write_text(path.read_text().replace("      - {id: c, text: C}\n", "      - {id: c, text: C}\n      - {id: d, text: D}\n", 1))
    [rebuilt] = build(root, ("scorm12",)).written
    player2 = scorm12_player(rebuilt)
    player2.open(preload)
    frame = player2.frame
    assert frame.locator("section.page:not([hidden])").get_attribute("id") == "pg-quiz"
    assert not frame.locator(".cp-question[data-q='q-choice'] input:checked").count()
    go_to(frame, "pg-lesson--facts")              # the knowledge check's page, a unit before
    assert frame.locator("#kc-kc-boil-answer").input_value() == "99"
    assert player2.errors() == []
