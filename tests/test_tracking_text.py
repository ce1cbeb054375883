"""Text sent to an LMS or LRS is plain: no glossary definitions, citations or
screen-reader-only labels in interaction descriptions (SCORM 2004 ``description``), xAPI
activity names and descriptions, or the course description (issue 13)."""

from __future__ import annotations

import shutil

import pytest

from builder.loaders import load_course
from builder.plaintext import plain_text
from builder.runtime import course_data
from tests.conftest import FIXTURES

GLOSSARY = ("A small thing used in examples", "Glossary")
CITATION = ("Source", "Author A, 2020")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("marked")
    shutil.copytree(FIXTURES / "alltypes", root, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "minimal" / "glossary.yaml", root / "glossary.yaml")
    shutil.copy(FIXTURES / "minimal" / "references.yaml", root / "references.yaml")
    quiz = root / "scenarios" / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8")
    first_prompt = next(line for line in text.splitlines() if "prompt:" in line)
    quiz.write_text(text.replace(
        first_prompt,
        first_prompt.split("prompt:")[0] + "prompt: 'Which [[widget]] is it [@ref-a]?'", 1),
        encoding="utf-8")
    scenario = root / "scenarios" / "scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace(
        "text: Something happens.", "text: 'Something happens to a [[widget]] [@ref-a].'"),
        encoding="utf-8")
    course_yaml = root / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace(
        "description: A course with one of every question type.",
        "description: 'A course with one of every [[widget]] [@ref-a].'"), encoding="utf-8")
    loaded, problems = load_course(root)
    assert [p.format() for p in problems if p.level == "error"] == []
    return loaded


def clean(text: str) -> None:
    for leak in GLOSSARY + CITATION:
        assert leak not in text, text
    assert "<" not in text, text


def test_plain_text_drops_definitions_and_citations():
    html = ('<p>What is <span class="term"><button type="button" class="term-button" '
            'aria-expanded="false" aria-controls="t1">social engineering</button>'
            '<span class="term-def" id="t1" role="note" hidden>Manipulating people '
            '<a href="#gloss-se" class="term-more">Glossary</a></span></span> '
            '<a class="cite" href="#ref-a"><span class="visually-hidden">Source: </span>'
            '(Smith, 2020)</a>?</p><p>Two<br>lines &amp; <em>more</em></p>')
    assert plain_text(html) == "What is social engineering? Two lines & more"


@pytest.mark.parametrize("target", ["scorm2004", "xapi", "cmi5"])
def test_descriptions_in_tracking_data_are_plain(course, target):
    data = course_data(course, target)
    quiz = next(a for a in data["assessments"] if not a["branching"])
    question = next(q for q in quiz["questions"] if "widget" in q["description"].lower())
    assert question["description"] == "Which widget is it?"
    scenario = next(a for a in data["assessments"] if a["branching"])
    node = scenario["nodes"]["start"]
    assert node["description"].lower() == "something happens to a widget."
    if target != "scorm2004":
        for activity in (question["activity"], node["activity"]):
            for field in ("name", "description"):
                [text] = activity["definition"][field].values()
                clean(text)
        [course_text] = data["xapi"]["course"]["definition"]["description"].values()
        assert course_text == "A course with one of every widget."
