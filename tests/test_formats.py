"""The declarations of the source formats (builder/formats.py) and the reader that uses them."""

from __future__ import annotations

import pytest

from builder.components.questions import QUESTION_TYPES
from builder.formats import COURSE, DOCUMENTS, KNOWLEDGE_CHECK, QUESTION, TRACKING, Key, Mapping
from builder.yamlfile import Fields, parse_yaml


def fields(text: str, spec: Mapping = TRACKING) -> tuple[Fields, list]:
    data, problems = parse_yaml(text, "course.yaml")
    return Fields(data, spec, "course.yaml", "tracking", problems), problems


def test_asking_for_an_undeclared_key_is_a_bug():
    f, _ = fields("completion: both\n")
    with pytest.raises(AssertionError, match="declares no key 'complete'"):
        f.get("complete")


def test_a_declared_key_the_loader_never_reads_is_a_bug():
    f, _ = fields("completion: both\n")
    f.get("completion")
    with pytest.raises(AssertionError, match=r"never reads \['mastery_score', 'assessment', 'require'\]"):
        f.done()


def test_the_declaration_gives_type_range_and_message():
    f, problems = fields("completion: finished\nmastery_score: 140\nassessment: Quiz\n")
    assert (f.get("completion"), f.get("mastery_score"), f.get("assessment")) == (
        "viewed", None, None)
    assert f.get_list("require") == []
    f.done()
    assert [p.format() for p in problems] == [
        "course.yaml:1: [tracking.completion] completion must be one of viewed, passed, both, "
        "not 'finished'",
        "course.yaml:2: [tracking.mastery_score] mastery_score is a percentage from 0 to 100, "
        "not 140",
        "course.yaml:3: [tracking.assessment] 'Quiz' is not a valid id: use lowercase letters, "
        "digits and hyphens, starting with a letter (e.g. 'define-sro')",
    ]


def test_unknown_keys_list_the_declared_ones_in_order():
    f, problems = fields("completion: both\nzzz: 1\n")
    for name in ("completion", "mastery_score", "assessment"):
        f.get(name)
    f.get_list("require")
    f.done()
    assert problems[-1].hint == ("allowed keys here: completion, mastery_score, assessment, "
                                 "require")


def test_a_question_type_chooses_the_allowed_keys():
    data, problems = parse_yaml("id: q\ntype: numeric\nprompt: P\nanswer: 3\nchoices: []\n", "q")
    f = Fields(data, QUESTION, "q.yaml", "", problems)
    with pytest.raises(AssertionError):
        f.get("answer")  # no variant chosen yet
    f.select(f.get("type"))
    assert f.get("answer") == 3
    with pytest.raises(AssertionError, match="declares no key 'choices'"):
        f.get("choices")


def test_every_question_type_has_its_keys():
    for spec in (QUESTION, KNOWLEDGE_CHECK):
        assert tuple(spec.variants.cases) == QUESTION_TYPES
        for qtype in QUESTION_TYPES:
            names = [k.name for k in spec.allowed(qtype)]
            assert len(names) == len(set(names)), (qtype, names)
    assert "graded" in [k.name for k in KNOWLEDGE_CHECK.allowed("choice")]
    assert "graded" not in [k.name for k in QUESTION.allowed("choice")]


def test_every_key_has_a_one_line_description():
    def walk(spec: Mapping):
        for key in spec.allowed() + [k for v in ([spec.variants] if spec.variants else [])
                                     for case in v.cases.values() for k in case]:
            yield key
            for inner in (key.mapping, key.items):
                if isinstance(inner, Mapping):
                    yield from walk(inner)

    for doc in DOCUMENTS:
        for key in walk(doc.root):
            assert isinstance(key, Key)
            assert key.description and "\n" not in key.description, key.name
            assert key.description.endswith("."), key.name
    assert COURSE.allowed()[0].name == "id"
