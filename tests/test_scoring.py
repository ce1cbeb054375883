"""Scoring of every question type: the JavaScript runtime (run in Chromium) and the
Python side that builds the SCORM 1.2 correct-response patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import check
from builder.components.questions import QUESTIONS, question_type
from builder.runtime import answer_length, worst_case_suspend
from tests.conftest import FIXTURES

STATIC = Path(__file__).parent.parent / "templates/static"
#: the question types' registry, every type's module, and the SCORM 1.2 adapter with what it
#: needs (it sends student_response)
SCRIPTS = ["cp-questions.js", *(qt.script.removeprefix("static/") for qt in QUESTIONS.values()),
           "cp-lms.js", "cp-scorm.js", "cp-scorm12.js"]

CHOICE = {"type": "choice", "n": 3, "correct": [1]}
MULTIPLE = {"type": "multiple", "n": 4, "correct": [0, 2]}
TF = {"type": "true-false", "n": 2, "correct": [1]}
MATCHING = {"type": "matching", "n": 3, "correct": []}
SEQUENCING = {"type": "sequencing", "n": 4, "correct": []}
FILL = {"type": "fill-in", "accepted": ["school resource officer", "SRO"], "caseSensitive": False,
        "maxLength": 40}
FILL_CASE = dict(FILL, caseSensitive=True)
NUMBER = {"type": "numeric", "min": 42, "max": 42, "maxLength": 20}
RANGE = {"type": "numeric", "min": 9.5, "max": 10.5, "maxLength": 20}
LIKERT = {"type": "likert", "n": 5, "correct": []}

CASES = [
    # question, answer, correct?, SCORM 1.2 student_response
    (CHOICE, "1", True, "1"),
    (CHOICE, "0", False, "0"),
    (CHOICE, "", False, ""),
    (MULTIPLE, "02", True, "0,2"),
    (MULTIPLE, "20", True, "2,0"),          # order of selection is irrelevant
    (MULTIPLE, "0", False, "0"),            # partial: wrong (no partial credit)
    (MULTIPLE, "012", False, "0,1,2"),      # one too many
    (TF, "1", True, "f"),
    (TF, "0", False, "t"),
    (MATCHING, "012", True, "0.0,1.1,2.2"),
    (MATCHING, "102", False, "0.1,1.0,2.2"),
    (MATCHING, "0-2", False, "0.0,2.2"),    # one source left unmatched
    (SEQUENCING, "0123", True, "0,1,2,3"),
    (SEQUENCING, "1023", False, "1,0,2,3"),
    (SEQUENCING, "012", False, "0,1,2"),    # incomplete
    (FILL, "School Resource Officer", True, "School Resource Officer"),
    (FILL, "  sro ", True, "  sro "),
    (FILL, "school  resource\tofficer", True, "school  resource\tofficer"),
    (FILL, "officer", False, "officer"),
    (FILL_CASE, "sro", False, "sro"),
    (FILL_CASE, "SRO", True, "SRO"),
    (NUMBER, "42", True, "42"),
    (NUMBER, "42.0", True, "42"),
    (NUMBER, "+42", True, "42"),
    (NUMBER, "41.99", False, "41.99"),
    (NUMBER, "forty-two", False, "NaN"),
    (RANGE, "9.5", True, "9.5"),            # bounds are inclusive
    (RANGE, "10,5", True, "10.5"),          # decimal comma accepted
    (RANGE, "10.51", False, "10.51"),
    (RANGE, ".", False, "NaN"),
    (LIKERT, "3", None, "3"),               # no right answer
]


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>scoring</title><body></body>")
    for name in SCRIPTS:
        page.add_script_tag(content=(STATIC / name).read_text())
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("question", "answer", "correct", "response"), CASES)
def test_javascript_scoring(page, question, answer, correct, response):
    got = page.evaluate("([q, a]) => [CoursepackQuestions.isCorrect(q, a), "
                        "CoursepackQuestions.response12(q, a)]", [question, answer])
    assert got == [correct, response]


@pytest.mark.browser
def test_resume_escaping_round_trips(page):
    texts = ["plain", "a,b;c|d%e", "100%", "%2C", "ünïcödé, 😀", ""]
    got = page.evaluate("ts => ts.map(t => [CoursepackQuestions.escape(t), "
                        "CoursepackQuestions.unescape(CoursepackQuestions.escape(t))])", texts)
    for text, (escaped, back) in zip(texts, got, strict=True):
        assert back == text
        assert not set(",;|") & set(escaped)
        assert len(escaped) <= 3 * len(text)


@pytest.mark.browser
def test_seeded_shuffle_is_repeatable(page):
    a, b, c = page.evaluate("""() => [1, 1, 2].map(seed =>
        CoursepackQuestions.permutation(10, CoursepackQuestions.rng(seed)).join(','))""")
    assert a == b != c
    assert sorted(a.split(","), key=int) == [str(i) for i in range(10)]


def test_patterns_for_every_type():
    course, _ = check(FIXTURES / "alltypes")
    quiz = course.unit("quiz")
    patterns = {q.id: question_type(q.type).pattern12(q) for q in quiz.questions}
    assert patterns == {
        "q-choice": "1", "q-multiple": "0,2", "q-tf": "f", "q-match": "0.0,1.1,2.2",
        "q-seq": "0,1,2,3", "q-fill": "officer", "q-num": "42", "q-range": "", "q-likert": "",
    }
    lengths = {q.id: answer_length(q) for q in quiz.questions}
    assert lengths == {"q-choice": 1, "q-multiple": 3, "q-tf": 1, "q-match": 3, "q-seq": 4,
                       "q-fill": 300, "q-num": 20, "q-range": 20, "q-likert": 1}


def test_worst_case_counts_every_part():
    course, _ = check(FIXTURES / "alltypes")
    # format 2 (builder/state.py): "2|" + course and table 10 + "|" + visited ("r" + 1)
    # + "|" + knowledge checks (sequencing 7 bits: 2 characters, ":", numeric 20) + "|"
    # + quiz (key 4, fingerprint 4, attempts 4, "!", "=100", ":", seed 5; 26 bits of choice,
    #   multiple, true-false, matching, sequencing, likert answers: 5 characters, ":", typed
    #   answers 300 + 20 + 20 and 2 commas) + ";" + scenario (head 18 + 1 step) + "|" + check 4
    assert worst_case_suspend(course) == (2 + 10 + 1 + 2 + 1 + 23 + 1 + (23 + 5 + 1 + 342)
                                          + 1 + 19 + 1 + 4)


def test_longest_path_of_a_very_long_scenario():
    """Iterative: a 2,000-node chain does not hit Python's recursion limit."""
    from builder.model import Assessment, Choice, Node, Source
    from builder.runtime import longest_path

    n = 2000
    nodes = tuple(Node(f"n{i}", "", i == n - 1, () if i == n - 1 else
                       (Choice("a", "", False, "", 1, f"n{i + 1}"),
                        Choice("b", "", False, "", 0, f"n{n - 1}")), Source(""))
                  for i in range(n))
    scenario = Assessment("s", "", "", 0, (), "n0", nodes, (), Source(""))
    assert longest_path(scenario) == (n - 1, n - 1)


def test_broken_message_catalogue_is_a_problem(minimal):
    import pytest

    from builder.build import build
    from builder.errors import BuildAborted

    (minimal / "templates/i18n").mkdir(parents=True)
    (minimal / "templates/i18n/en.yaml").write_text("next: [Weiter\n")
    with pytest.raises(BuildAborted) as info:
        build(minimal, ("scorm12",))
    assert "templates/i18n/en.yaml:2: YAML syntax error" in info.value.format_message()
