"""The editor schemas and coursepack agree on what a key may hold.

Both come from the declarations in builder/formats.py, but the loader reads YAML with its
own code and the schemas are read by editors: these tests hold the two together. The
broken corpus's mistakes in single keys are refused by the schema as well, and mutations
of valid files (a required key dropped, an unknown key added, a value of another type, a
number out of range, a word outside the allowed ones, text that breaks a pattern) are
refused by both or by neither.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.build import check
from builder.errors import BuildAborted, Problem
from builder.formats import (
    ASSESSMENT,
    COURSE,
    GLOSSARY_ENTRY,
    KNOWLEDGE_CHECK,
    MODULE,
    REFERENCE,
    Key,
    Mapping,
)
from builder.loaders import split_module
from tests.conftest import FIXTURES
from tests.test_broken_corpus import CASES, make_case
from tests.test_properties import BRANCHING as PLAIN_BRANCHING
from tests.test_schemas import errors, sources

# -- the broken corpus ------------------------------------------------------------------

#: the corpus's mistakes that lie in one key (its type, a missing or unknown key, a value
#: out of range or outside its pattern), and the file that holds it
ONE_KEY = {
    "type-title-is-a-list": "course.yaml",
    "type-attempts-is-text": "scenarios/quiz.yaml",
    "type-duration-is-text": "modules/02-basics.md",
    "type-correct-is-text": "scenarios/quiz.yaml",
    "type-course-is-a-list": "course.yaml",
    "weight-is-infinite": "scenarios/quiz.yaml",
    "numeric-range-not-numbers": "scenarios/quiz.yaml",
    "unknown-key-in-tracking": "course.yaml",
    "unknown-key-in-question": "scenarios/quiz.yaml",
    "missing-objective-id": "course.yaml",
    "empty-front-matter": "modules/02-basics.md",
    "mastery-score-140": "scenarios/quiz.yaml",
    "version-with-space": "course.yaml",
    "language-not-a-tag": "course.yaml",
    "reference-url-not-web": "references.yaml",
    "ansi-in-a-key": "course.yaml",
}
ONE_KEY_MESSAGE = re.compile(r"must be|unknown key|missing required key|is not a valid id|"
                             r"expected an? (string|number|mapping|list)|percentage|is not a language tag|is not a web "
                             r"address|finite number")


def test_every_one_key_mistake_of_the_corpus_is_listed():
    found = {name for name, case in CASES.items() if ONE_KEY_MESSAGE.search(case["says"])}
    assert found == set(ONE_KEY)


@pytest.mark.parametrize("name", sorted(ONE_KEY))
def test_the_schema_refuses_the_one_key_mistakes_of_the_corpus(name, tmp_path):
    root = make_case(name, tmp_path)
    with pytest.raises(BuildAborted):
        check(root)
    refused = {where.split(":")[0] for schema, data, where in sources(root)
               if errors(schema, data)}
    assert refused == {ONE_KEY[name]}, CASES[name]["what"]


# -- mutations of valid files -----------------------------------------------------------

SCALE = max(1, int(os.environ.get("COURSEPACK_PROPERTY_SCALE", "1")))


def read(rel: str):
    return yaml.safe_load((FIXTURES / "minimal" / rel).read_text("utf-8"))


def all_types_quiz() -> dict:
    quiz = read("../alltypes/scenarios/quiz.yaml")
    for q in quiz["questions"]:
        q["objectives"] = ["obj-one", "obj-two"]
    quiz.update(draw=8, mastery_score=70)
    quiz["questions"][0]["choices"][0]["feedback"] = "Not B."
    quiz["questions"][1]["weight"] = 2.5
    quiz["questions"][5].update(case_sensitive=True, max_length=40)
    quiz["questions"][6]["tolerance"] = 0.5
    quiz["questions"][8]["scale"] = [{"id": "no", "text": "No"}, {"id": "yes", "text": "Yes"}]
    return quiz


#: the property tests' scenario, with every optional key of an assessment
BRANCHING = {"id": "quiz", **PLAIN_BRANCHING, "intro": "Decide.", "attempts": 1,
             "mastery_score": 50}

THEME = {"brand": "#7a1f5c", "brand_text": "#ffffff", "text": "#222222",
         "background": "#fffdf8", "link": "#005a8c", "logo": "modules/diagram.svg",
         "logo_alt": "Example Academy", "font": "Atkinson Hyperlegible, Verdana",
         "dark": {"brand": "#f0a6d3", "background": "#101014"}}
INTRO = (FIXTURES / "minimal/modules/01-intro.md").read_text("utf-8")
KC_TEXT = INTRO.split("```question\n")[1].split("```")[0]


@dataclass(frozen=True)
class Base:
    """A valid document of the minimal course, and where it is written."""

    label: str
    file: str  #: relative to the course folder
    form: str  #: "yaml" (the whole file), "front matter" or "question block"
    spec: Mapping
    data: object
    path: str = ""  #: the loader's key path of the root mapping
    is_list: bool = False


BASES = [
    Base("course", "course.yaml", "yaml", COURSE,
         {**read("course.yaml"), "targets": ["scorm12", "web"],
          "activity_id": "https://example.org/courses/minimal", "theme": THEME}),
    Base("quiz", "scenarios/quiz.yaml", "yaml", ASSESSMENT, read("scenarios/quiz.yaml")),
    Base("all-types quiz", "scenarios/quiz.yaml", "yaml", ASSESSMENT, all_types_quiz()),
    Base("branching", "scenarios/quiz.yaml", "yaml", ASSESSMENT, BRANCHING),
    Base("front matter", "modules/01-intro.md", "front matter", MODULE,
         {"id": "intro", **yaml.safe_load(split_module(INTRO)[0])}),
    Base("knowledge check", "modules/01-intro.md", "question block", KNOWLEDGE_CHECK,
         {**yaml.safe_load(KC_TEXT), "objectives": ["obj-one"], "weight": 2, "graded": True},
         path="question"),
    Base("glossary", "glossary.yaml", "yaml", GLOSSARY_ENTRY, read("glossary.yaml"),
         is_list=True),
    Base("references", "references.yaml", "yaml", REFERENCE, read("references.yaml"),
         is_list=True),
]


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def write(root: Path, base: Base, data) -> None:
    path = root / base.file
    if base.form == "yaml":
        text = dump(data)
    elif base.form == "front matter":
        text = "---\n" + dump(data) + "---\n" + split_module(INTRO)[1]
    else:
        text = INTRO.replace(KC_TEXT, dump(data))
    path.write_text(text, "utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("agreement") / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    return root


def schema_and_loader(root: Path, base: Base, data) -> tuple[list[str], list[Problem]]:
    """The schema's errors for ``data`` written as ``base``, and the loader's errors."""
    original = {p: (root / p).read_text("utf-8") for p in ("course.yaml", base.file)}
    try:
        write(root, base, data)
        found = [(schema, d) for schema, d, where in sources(root)
                 if where.split(":")[0] == base.file
                 and (base.form != "question block") == (schema != "question.schema.json")]
        assert len(found) == 1, found
        schema_errors = errors(*found[0])
        try:
            check(root)
            problems: list[Problem] = []
        except BuildAborted as exc:
            problems = [p for p in exc.problems if p.level == "error"]
    finally:
        for rel, text in original.items():
            (root / rel).write_text(text, "utf-8")
    return schema_errors, problems


@pytest.mark.parametrize("base", BASES, ids=[b.label for b in BASES])
def test_the_valid_documents_are_valid_for_both(course, base):
    assert schema_and_loader(course, base, base.data) == ([], [])


@dataclass(frozen=True)
class Place:
    """A mapping inside a document: how to reach it, its declaration and key path."""

    steps: tuple
    spec: Mapping
    case: str | None
    path: str


def places(data, spec: Mapping, path: str, steps: tuple = ()) -> list[Place]:
    case = data.get(spec.variants.on) if spec.variants else None
    out = [Place(steps, spec, case, path)]
    for key in spec.allowed(case):
        value = data.get(key.name)
        inner = f"{path}.{key.name}" if path else key.name
        if key.mapping is not None and isinstance(value, dict):
            out += places(value, key.mapping, inner, (*steps, key.name))
        elif isinstance(key.items, Mapping) and isinstance(value, list):
            for i, item in enumerate(value):
                out += places(item, key.items, f"{inner}[{i}]", (*steps, key.name, i))
    return out


def document_places(base: Base) -> list[Place]:
    if base.is_list:
        return [p for i, item in enumerate(base.data)
                for p in places(item, base.spec, f"[{i}]", (i,))]
    return places(base.data, base.spec, base.path)


#: values of every kind; a "wrong type" is one whose kind the key does not declare
OTHERS = [7, -3, 2.5, True, False, "some words", ["x"], {"a": 1}, None]
NAMES = sorted({"zzz", "Title", "promt", "answer", "choices", "graded", "nodes", "score",
                "correct", "items", "range", "next", "theme", "url", "type", "weight"})


def declared(key: Key, value) -> bool:
    """Is ``value`` of the kind ``key`` declares (as Python sees it)?"""
    kinds = key.type if isinstance(key.type, tuple) else (key.type,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


@dataclass(frozen=True)
class Mutation:
    base: Base
    data: object  #: the mutated document
    place: Place  #: the mapping that was changed
    name: str  #: the key that was changed
    op: str  #: what was done to it
    value: object = None

    @property
    def key_path(self) -> str:
        return f"{self.place.path}.{self.name}" if self.place.path else self.name

    def __repr__(self) -> str:
        what = f" = {self.value!r}" if self.op not in ("drop",) else ""
        return f"<{self.base.label}: {self.op} {self.key_path}{what}>"


@st.composite
def mutations(draw) -> Mutation:
    base = draw(st.sampled_from(BASES))
    place = draw(st.sampled_from(document_places(base)))
    data = copy.deepcopy(base.data)
    mapping = data
    for step in place.steps:
        mapping = mapping[step]
    keys = place.spec.allowed(place.case)
    allowed = {k.name for k in keys}
    present = [k for k in keys if k.name in mapping]
    ops = ["unknown", "retype"]
    ops += ["drop"] if any(k.required for k in present) else []
    ops += ["range"] if any(k.minimum is not None or k.maximum is not None or
                            k.above is not None for k in keys) else []
    ops += ["enum"] if any(k.enum for k in keys) else []
    ops += ["pattern"] if any(k.pattern for k in keys) else []
    op = draw(st.sampled_from(ops))
    if op == "drop":
        key = draw(st.sampled_from([k for k in present if k.required]))
        del mapping[key.name]
        return Mutation(base, data, place, key.name, op)
    if op == "unknown":
        name = draw(st.sampled_from([n for n in NAMES if n not in allowed]))
        mapping[name] = value = draw(st.sampled_from(OTHERS))
        return Mutation(base, data, place, name, op, value)
    if op == "retype":
        key = draw(st.sampled_from(keys))
        value = draw(st.sampled_from([v for v in OTHERS if not declared(key, v)]))
    elif op == "range":
        key = draw(st.sampled_from([k for k in keys if k.minimum is not None or
                                    k.maximum is not None or k.above is not None]))
        low = key.minimum - 1 if key.minimum is not None else (
            key.above if key.above is not None else None)
        high = key.maximum + 1 if key.maximum is not None else None
        value = draw(st.sampled_from([v for v in (low, high) if v is not None]))
    elif op == "enum":
        key = draw(st.sampled_from([k for k in keys if k.enum]))
        value = "nonsense"
    else:
        key = draw(st.sampled_from([k for k in keys if k.pattern]))
        value = "Not valid!"
    mapping[key.name] = value
    return Mutation(base, data, place, key.name, op, value)


#: keys where coursepack checks more than one key's declaration can say: a rule across
#: keys or the file system. The schema may accept a value coursepack refuses here (the
#: build says why), but never the reverse.
BEYOND_ONE_KEY = {
    ("Theme", "logo"),  # the image must be a file in assets/ or modules/
    ("Cover", "image"),  # the same for the images of the cover, certificate and modules
    ("Certificate", "signature"),  # (and a signature needs its signer)
    ("Module front matter", "image"),
    ("Cover", "image_alt"),  # a text alternative needs its image
    ("Module front matter", "image_alt"),
    ("Theme", "font"),  # each family must be a font name
    ("Tracking", "assessment"),  # completion passed or both needs it, and it must exist
    ("Tracking", "mastery_score"),  # completion passed or both needs it
    ("Assessment", "start"),  # a branching scenario needs it
    ("Question", "answer"),  # numeric: answer or range
    ("Knowledge check", "answer"),
}


@settings(max_examples=300 * SCALE, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutation=mutations())
def test_loader_and_schema_agree_on_each_key(course, mutation):
    m = mutation
    schema_errors, problems = schema_and_loader(course, m.base, m.data)
    at_key = [p for p in problems if p.file == m.base.file and (
        p.key == m.key_path or p.key.startswith((m.key_path + ".", m.key_path + "[")))]
    if schema_errors:  # the schema refuses: coursepack must refuse it too, at that key
        assert at_key, f"{m}: only the schema refuses: {schema_errors}"
    elif (m.place.spec.title, m.name) not in BEYOND_ONE_KEY:
        assert not at_key, f"{m}: only coursepack refuses: {[p.format() for p in at_key]}"


def changed(base: Base, change) -> object:
    data = copy.deepcopy(base.data)
    change(data)
    return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


BEYOND_EXAMPLES = {
    ("Theme", "logo"): (BASES[0], lambda d: d["theme"].update(logo="assets/missing.svg"),
                        "logo file 'assets/missing.svg' not found"),
    ("Cover", "image"): (BASES[0], lambda d: d.update(cover={"image": "assets/none.png"}),
                         "cover image file 'assets/none.png' not found"),
    ("Cover", "image_alt"): (BASES[0], lambda d: d.update(cover={"image_alt": "A picture"}),
                             "image_alt is given but there is no image"),
    ("Certificate", "signature"): (BASES[0], lambda d: d.update(certificate={
        "signature": "assets/none.png"}), "signature file 'assets/none.png' not found"),
    ("Module front matter", "image"): (BASES[4], lambda d: d.update(image="assets/none.png"),
                                       "module image file 'assets/none.png' not found"),
    ("Module front matter", "image_alt"): (BASES[4], lambda d: d.update(image_alt="A picture"),
                                           "image_alt is given but there is no image"),
    ("Theme", "font"): (BASES[0], lambda d: d["theme"].update(font="Verdana, -3"),
                        "'-3' is not a font family name"),
    ("Tracking", "assessment"): (BASES[0], lambda d: d["tracking"].update(assessment="basics"),
                                 "'basics' is a module, not an assessment"),
    ("Tracking", "mastery_score"): (BASES[0], lambda d: d["tracking"].pop("mastery_score"),
                                    "completion 'both' needs a pass mark"),
    ("Assessment", "start"): (BASES[3], lambda d: d.pop("start"),
                              "a branching scenario needs 'start'"),
    ("Question", "answer"): (BASES[2], lambda d: d["questions"][6].pop("answer"),
                             "a numeric question needs 'answer'"),
    ("Knowledge check", "answer"): (BASES[5], lambda d: d.update(type="numeric", choices=None),
                                    "a numeric question needs 'answer'"),
}


@pytest.mark.parametrize("title_name", sorted(BEYOND_ONE_KEY), ids="-".join)
def test_what_only_coursepack_checks(course, title_name):
    """Each key that coursepack checks beyond its declaration: the schema lets the value
    through, the build refuses it (docs/authoring.md, "Editor support", lists them)."""
    base, change, says = BEYOND_EXAMPLES[title_name]
    schema_errors, problems = schema_and_loader(course, base, changed(base, change))
    assert schema_errors == []
    assert any(says in p.message for p in problems), [p.format() for p in problems]
