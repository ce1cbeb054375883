"""Property tests: whatever the course files hold, loading either works or reports problems.

Hypothesis writes course.yaml, modules and scenarios that start from the minimal course and
are then damaged at random: values of the wrong type, unknown and missing keys, odd
numbers and strings, random characters spliced into the text (YAML and Markdown syntax
errors). The loader and validator must accept the project or raise BuildAborted, never
anything else; an accepted project must also build.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.build import build, check
from builder.errors import BuildAborted
from tests.conftest import FIXTURES

SETTINGS = dict(deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: more examples for a longer hunt: COURSEPACK_PROPERTY_SCALE=20 pytest tests/test_properties.py
SCALE = max(1, int(os.environ.get("COURSEPACK_PROPERTY_SCALE", "1")))

MINIMAL = FIXTURES / "minimal"
COURSE = yaml.safe_load((MINIMAL / "course.yaml").read_text("utf-8"))
QUIZ = yaml.safe_load((MINIMAL / "scenarios/quiz.yaml").read_text("utf-8"))
BRANCHING = {
    "title": "A scenario", "objectives": ["obj-one", "obj-two"], "start": "one",
    "nodes": [
        {"id": "one", "text": "First.", "choices": [
            {"id": "a", "text": "Good", "score": 2, "feedback": "Yes.", "next": "two"},
            {"id": "b", "text": "Bad", "feedback": "No.", "next": "bad-end"}]},
        {"id": "two", "text": "Second.", "choices": [
            {"id": "a", "text": "Finish", "score": 1, "feedback": "Done.", "next": "good-end"}]},
        {"id": "good-end", "ending": True, "text": "Well done."},
        {"id": "bad-end", "ending": True, "text": "Debrief."},
    ],
}
QUESTION_TYPES = ["choice", "multiple", "true-false", "matching", "sequencing", "fill-in",
                  "numeric", "likert", "essay"]

# -- values ----------------------------------------------------------------------------

WORDS = st.sampled_from([
    "obj-one", "obj-two", "intro", "basics", "quiz", "ref-a", "ref-b", "widget", "both",
    "viewed", "passed", "80", "1.0.0", "en", "en-US", "choice", "a", "b", "one", "two",
    "good-end", "scorm12", "web", "true", "", " ", "Ünïcödé", "<b>html</b>", "[@ref-a]",
    "[[widget]]", "![alt](diagram.svg)", "# heading", "{#id}", "---", "```question",
    "../../etc/passwd", "x" * 300, *QUESTION_TYPES])
SCALARS = st.one_of(
    st.none(), st.booleans(), WORDS, WORDS, st.text(max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20), st.integers(-3, 150),
    st.floats(allow_nan=True, allow_infinity=True),
)
KEYS = st.one_of(st.sampled_from([
    "id", "title", "version", "language", "description", "audience", "objectives",
    "outline", "tracking", "completion", "mastery_score", "assessment", "targets",
    "activity_id", "text", "type", "prompt", "choices", "correct", "feedback", "answer",
    "answers", "pairs", "items", "scale", "range", "tolerance", "weight", "graded",
    "attempts", "draw", "shuffle", "show_correct", "start", "nodes", "next", "score",
    "ending", "duration", "intro", "questions", "source", "target", "max_length",
    "case_sensitive", "aliases", "term", "definition", "short", "url"]), st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=8)


def paths(data, prefix=()) -> Iterator[tuple]:
    """Every path (tuple of keys and indexes) into nested dicts and lists."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from paths(v, prefix + (i,))


@st.composite
def damaged(draw, original):
    """``original`` (nested dicts and lists) with a few random changes."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(list(paths(data))))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        op = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if not path:
            if op == "replace":
                data = draw(VALUES)
            continue
        key = path[-1]
        if op == "replace":
            parent[key] = draw(VALUES)
        elif op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(KEYS)] = draw(VALUES)
        elif op == "add":
            parent.insert(draw(st.integers(0, len(parent))), draw(VALUES))
        elif isinstance(parent, list):  # duplicate an item: ids appear twice
            parent.append(copy.deepcopy(parent[key]))
    return data


SPLICE = st.one_of(st.sampled_from([
    "\t", "[", "]", "{", "}", "'", '"', ":", ": ", "- ", "&a ", "*a", "!!str ", "!!python/name:os.system ",
    "%", "@", "`", "|", ">", "#", "\n", "\n  ", "\n---\n", "\r", "\x00", "\ufeff", "\u2028",
    "```", "```question\n", "[@", "[[", "![](", "{#", "# ", "<<: *a\n"]), st.text(max_size=5))


@st.composite
def spliced(draw, text: str):
    """``text`` with a few random insertions and deletions (syntax errors, mostly)."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(SPLICE) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 10)):]
    return text


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


@st.composite
def yaml_file(draw, original) -> str:
    text = dump(draw(damaged(original)))
    return draw(spliced(text)) if draw(st.integers(0, 3)) == 0 else text


@st.composite
def question_block(draw) -> str:
    q = copy.deepcopy(QUIZ["questions"][draw(st.integers(0, len(QUIZ["questions"]) - 1))])
    q["id"] = draw(st.sampled_from(["kc-x", "kc-y", "q-first", "kc-first"]))
    q["type"] = draw(st.sampled_from([q["type"]] * 3 + QUESTION_TYPES))
    q = draw(damaged(q))
    return "```question\n" + dump(q) + "```\n"


BLOCKS = st.one_of(
    st.builds(lambda t, i: f"# {t}" + (f" {{#{i}}}" if i else ""), WORDS | st.text(max_size=15),
              st.none() | WORDS),
    WORDS, st.text(max_size=40),
    st.sampled_from(["Text [@ref-b] and [@ref-z].", "A [[widget]], a [[gadget]] and [[x|widget]].",
                     "![A diagram](diagram.svg)", "![](diagram.svg)", "![x](missing.png)",
                     "![x](../../../etc/hosts)", "![x](https://example.org/a.png)",
                     "## Second level", "> quote", "```\n# not a heading\n```", "- a\n- b",
                     "Term\n: definition", "!!! note\n    admonition", "| a | b |\n|---|---|"]),
    question_block(),
)


@st.composite
def module_file(draw) -> str:
    meta = draw(damaged({"title": "Basics", "duration": 10, "objectives": ["obj-two"]}))
    head = draw(st.sampled_from(["---\n", "---\n", "---\r\n", "", "\ufeff---\n"]))
    close = draw(st.sampled_from(["---\n", "---\n", "---\n", "", "--\n"]))
    body = "\n\n".join(draw(st.lists(BLOCKS, max_size=6)))
    text = head + dump(meta) + close + "\n# Basics {#second-idea}\n\nIdea [@ref-b].\n\n" + body
    return draw(spliced(text)) if draw(st.integers(0, 3)) == 0 else text


# -- the property ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="coursepack-props-") as tmp:
        yield Path(tmp)


def loads_or_reports(workdir: Path, files: dict[str, str]) -> None:
    """Write ``files`` over the minimal course; check (and, when accepted, build) it."""
    root = workdir / "course"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(MINIMAL, root)
    for name, text in files.items():
        (root / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        check(root)
    except BuildAborted as exc:
        assert exc.problems, "BuildAborted without a problem"
        assert all(p.file and p.message for p in exc.problems)
        return
    try:
        build(root, ("scorm12",), out=workdir / "out")
    except BuildAborted:
        pass


@settings(max_examples=40 * SCALE, **SETTINGS)
@given(text=yaml_file(COURSE))
def test_any_course_yaml(workdir, text):
    loads_or_reports(workdir, {"course.yaml": text})


@settings(max_examples=45 * SCALE, **SETTINGS)
@given(text=module_file())
def test_any_module(workdir, text):
    loads_or_reports(workdir, {"modules/02-basics.md": text})


@settings(max_examples=45 * SCALE, **SETTINGS)
@given(text=st.one_of(yaml_file(QUIZ), yaml_file(BRANCHING)))
def test_any_scenario(workdir, text):
    loads_or_reports(workdir, {"scenarios/quiz.yaml": text})


@settings(max_examples=20 * SCALE, **SETTINGS)
@given(course=yaml_file(COURSE), module=module_file(),
       scenario=st.one_of(yaml_file(QUIZ), yaml_file(BRANCHING)),
       glossary=yaml_file([{"id": "widget", "term": "Widget", "aliases": ["widgets"],
                            "definition": "A small thing.", "source": "ref-a"}]))
def test_everything_at_once(workdir, course, module, scenario, glossary):
    loads_or_reports(workdir, {"course.yaml": course, "modules/02-basics.md": module,
                               "scenarios/quiz.yaml": scenario, "glossary.yaml": glossary})
