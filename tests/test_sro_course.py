"""The repository's own SRO course (release 1.1): its objectives are the course description's 22,
word for word and in order, and its knowledge checks give no position, length or true/false cue."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from builder.build import check
from builder.model import Question
from tests.conftest import REPO

#: the 22 objectives as the course description words them, in order (review of 1.0.0, issue 14)
SEED_OBJECTIVES = (
    "Define school resource officer",
    "Differentiate a School Resource Officer from a school security guard",
    "Review the history of school-based law enforcement programs",
    "Examine data related to crime in schools",
    "Describe the mission and goals of NASRO",
    "Define the triad concept of school-based policing",
    "Identify four different roles of a School Resource Officer in an educational setting",
    "Describe the responsibilities associated with each School Resource Officer role in a "
    "school-based policing program",
    "Apply knowledge of School Resource Officer roles and responsibilities to a scenario-based "
    "assessment",
    "Describe positive outcomes of partnerships between public safety organizations and schools",
    "Explore stakeholder concerns surrounding the presence of law enforcement in schools",
    "Identify recommendations for addressing concerns about law enforcement in schools",
    "Reflect on complex issues and how they impact the role of a School Resource Officer",
    "Explore collaborative best practices",
    "Identify the three essential components of an effective School Resource Officer program, as "
    "stated by NASRO",
    "Describe the purpose and importance of a Memorandum of Understanding (MOU)",
    "Explain the importance of training as a key aspect of a successful school-based law "
    "enforcement program",
    "Explore key recommendations for the selection and training of School Resource Officers",
    "Apply knowledge of best practices to a scenario-based assessment",
    "Describe the purpose of the NASRO Standards and Best Practices",
    "Summarize the benefits of adopting the NASRO Standards and Best Practices",
    "Summarize the training offerings of the NASRO",
)


@pytest.fixture(scope="module")
def course():
    course, _warnings = check(REPO)  # item-quality warnings are judged by their own rule
    return course


def test_objectives_are_the_22_seed_wordings_in_order(course):
    assert len(SEED_OBJECTIVES) == 22
    assert tuple(o.text for o in course.objectives) == SEED_OBJECTIVES
    assert course.version == "1.1.0"


def knowledge_checks(course) -> list[Question]:
    return [b for m in course.modules for p in m.pages for b in p.blocks if isinstance(b, Question)]


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def key_cues(questions: list[Question]) -> dict[str, float]:
    """The shares the key-distribution rule limits (issue 14):
    - ``top_position``: the largest share of 4-option choice items whose key is at one position;
    - ``true`` / ``false``: the share of true/false items keyed each way;
    - ``longest``: the share of choice and "select all" items whose longest option (by text
      length, ties included) is a correct one."""
    four = [q for q in questions if q.type == "choice" and len(q.choices) == 4]
    positions = Counter(next(i for i, c in enumerate(q.choices) if c.correct) for q in four)
    tf = [q for q in questions if q.type == "true-false"]
    keyed_true = sum(1 for q in tf if next(c for c in q.choices if c.correct).id == "true")
    options = [q for q in questions if q.type in ("choice", "multiple")]

    def longest_is_correct(q: Question) -> bool:
        longest = max(len(plain(c.html)) for c in q.choices)
        return any(c.correct and len(plain(c.html)) == longest for c in q.choices)

    return {
        "top_position": max(positions.values()) / len(four) if four else 0.0,
        "true": keyed_true / len(tf) if tf else 0.5,
        "false": (len(tf) - keyed_true) / len(tf) if tf else 0.5,
        "longest": sum(map(longest_is_correct, options)) / len(options) if options else 0.0,
    }


def test_knowledge_checks_give_no_position_length_or_true_false_cue(course):
    questions = knowledge_checks(course)
    assert len(questions) >= 15
    cues = key_cues(questions)
    assert cues["top_position"] <= 0.40, cues
    assert cues["true"] >= 1 / 3 and cues["false"] >= 1 / 3, cues
    assert cues["longest"] <= 0.40, cues


def test_select_all_items_vary_their_number_of_right_answers(course):
    multiple = [q for q in knowledge_checks(course) if q.type == "multiple"]
    assert len(multiple) >= 3
    rights = [sum(c.correct for c in q.choices) for q in multiple]
    assert len(set(rights)) >= 2, rights
    for q in multiple:  # no "three right answers and one absurd one": two wrong options at least
        assert sum(not c.correct for c in q.choices) >= 2, q.id


def test_no_absolute_word_gives_a_wrong_option_away(course):
    absolute = re.compile(r"\b(never|always|all|any|none|nothing|every|only)\b", re.I)
    for q in knowledge_checks(course):
        for c in q.choices:
            if not c.correct and q.type in ("choice", "multiple"):
                assert not absolute.search(plain(c.html)), (q.id, plain(c.html))


def test_the_key_rule_catches_an_always_first_key(course):
    """The rule can fail: an always-A, always-false, longest-right set of checks breaks it."""
    from dataclasses import replace

    from builder.model import Choice

    def first(q: Question) -> Question:
        choices = [replace(c, correct=(i == 0), html="x" * (99 if i == 0 else 3))
                   for i, c in enumerate(q.choices)]
        return replace(q, choices=tuple(choices))

    rigged = [first(q) for q in knowledge_checks(course) if q.type == "choice"]
    rigged += [replace(q, choices=(Choice("true", "True"), Choice("false", "False", correct=True)))
               for q in knowledge_checks(course) if q.type == "true-false"]
    cues = key_cues(rigged)
    assert cues["top_position"] == 1.0 and cues["false"] == 1.0 and cues["longest"] == 1.0


def numbered_modules(course) -> list:
    """The modules learners know as "Module 1", "Module 2", ...: those that teach objectives,
    in outline order (the About and resources pages are not numbered)."""
    return [m for m in course.modules if m.objectives]


def test_module_numbers_named_in_the_course_are_the_right_ones(course):
    modules = numbered_modules(course)
    assert len(modules) == 6
    about = next(m for m in course.modules if m.id == "about")
    about_html = "".join(b for p in about.pages for b in p.blocks if isinstance(b, str))
    for n, m in enumerate(modules, 1):
        assert f"Module {n}: {m.title}" in about_html, (n, m.title)
    # "Review Module N" in an assessment's feedback names the module teaching the objective
    teaches = {o: n for n, m in enumerate(modules, 1) for o in m.objectives}
    checked = 0
    for a in course.assessments:
        for q in a.questions:
            html = q.feedback_correct_html + q.feedback_incorrect_html + q.prompt_html
            for named in map(int, re.findall(r"Module (\d)", html)):
                assert named in {teaches[o] for o in q.objectives}, (a.id, q.id, named)
                checked += 1
    assert checked >= 20  # the final assessment's feedback points to the modules


def test_no_module_is_more_than_twice_the_median_length(course):
    """Issue 14: Module 1 (history and data) is split so that no module is more than twice
    the median length, counting the words of each module's pages (knowledge checks apart)."""
    import statistics

    def words(module) -> int:
        text = " ".join(re.sub(r"<[^>]+>", " ", b) for p in module.pages for b in p.blocks
                        if isinstance(b, str))
        return len(re.findall(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*|\d+(?:[.,]\d+)*", text))

    sizes = {m.id: words(m) for m in course.modules}
    median = statistics.median(sizes.values())
    assert max(sizes.values()) <= 2 * median, (sizes, median)
