"""The JSON Schemas for editors (builder/schemas.py, `coursepack schema`)."""

from __future__ import annotations

import importlib.util
import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from builder.build import build, check
from builder.cli import cli
from builder.errors import BuildAborted
from builder.formats import DOCUMENTS
from builder.loaders import Loader, split_module
from builder.markdown import QuestionBlock
from builder.schemas import dumps, schemas
from builder.validator import inspect_package
from builder.yamlfile import parse_yaml
from tests.conftest import FIXTURES, REPO

NAMES = ["course.schema.json", "module.schema.json", "question.schema.json",
         "assessment.schema.json", "glossary.schema.json", "references.schema.json"]


def test_one_schema_per_kind_of_file_and_each_is_valid_draft_07():
    made = schemas()
    assert list(made) == NAMES == [d.schema_file for d in DOCUMENTS]
    for schema in made.values():
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        Draft7Validator.check_schema(schema)
        assert schema["title"] and schema["description"]


def test_the_output_is_byte_stable():
    assert {n: dumps(s) for n, s in schemas().items()} == {n: dumps(s) for n, s in
                                                         schemas().items()}
    text = dumps(schemas()["course.schema.json"])
    assert text.endswith("}\n") and json.loads(text) == schemas()["course.schema.json"]


def test_every_mapping_is_closed_and_described():
    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") in ("object", ["object", "null"]):
                assert node.get("additionalProperties") is False, where
                assert node.get("title") and node.get("description"), where
                for name, prop in node["properties"].items():
                    assert prop is False or prop.get("description"), f"{where}.{name}"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    for name, schema in schemas().items():
        walk(schema, name)


def question_errors(question: dict) -> list[str]:
    validator = Draft7Validator(schemas()["question.schema.json"])
    return sorted(e.message for e in validator.iter_errors(question))


def test_a_question_type_decides_its_keys():
    base = {"id": "q", "prompt": "Pick one."}
    assert question_errors({**base, "type": "numeric", "answer": 3, "tolerance": 1}) == []
    assert question_errors({**base, "type": "true-false", "answer": False}) == []
    assert question_errors({**base, "type": "true-false"}) == ["'answer' is a required property"]
    assert question_errors({**base, "type": "true-false", "answer": 3}) == [
        "3 is not of type 'boolean'"]
    assert question_errors({**base, "type": "numeric", "answer": 3, "choices": []}) == [
        "False schema does not allow []"]
    assert question_errors({**base, "type": "choice", "choices": [
        {"id": "a", "text": "A", "correct": True}], "graded": True}) == []
    assert question_errors({**base, "type": "essay"})[0].startswith("'essay' is not one of")


def test_schema_command_writes_every_file(runner, tmp_path):
    out = tmp_path / "nested" / "schemas"
    result = runner.invoke(cli, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    for name, schema in schemas().items():
        assert (out / name).read_text("utf-8") == dumps(schema)
        assert f"Wrote {out / name}\n" in result.output


def test_schema_command_defaults_to_schemas_in_the_current_folder(runner, tmp_path,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    assert "Wrote schemas/course.schema.json" in result.output
    assert (tmp_path / "schemas/assessment.schema.json").is_file()


def test_schema_command_cannot_write(runner, tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    result = runner.invoke(cli, ["schema", "--out", str(tmp_path / "taken" / "schemas")])
    assert result.exit_code == 1
    assert "cannot write the schemas into" in result.output
    assert "Traceback" not in result.output


def test_help_lists_the_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert "schema" in result.output
    result = runner.invoke(cli, ["schema", "--help"])
    assert "--out" in result.output and "Editor support" in result.output


# -- the schemas this repository ships, and the files that point to them ------------------

DOCS_SCHEMAS = REPO / "docs" / "schemas"
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")
REGENERATE = "regenerate them: coursepack schema --out docs/schemas"


def test_committed_schemas_are_what_the_generator_makes():
    made = {name: dumps(schema) for name, schema in schemas().items()}
    committed = {p.name: p.read_text("utf-8") for p in sorted(DOCS_SCHEMAS.iterdir())}
    assert sorted(committed) == sorted(made), f"docs/schemas holds other files; {REGENERATE}"
    for name, text in made.items():
        assert committed[name] == text, f"docs/schemas/{name} is out of date; {REGENERATE}"


def modeline_target(path: Path) -> Path | None:
    """The schema file a source file's first line points to, or None."""
    m = MODELINE.match(path.read_text("utf-8"))
    return (path.parent / m.group(1)).resolve() if m else None


def test_the_repository_files_point_to_their_schemas():
    expected = {"course.yaml": "course", "glossary.yaml": "glossary",
                "references.yaml": "references"}
    expected.update({p.relative_to(REPO).as_posix(): "assessment"
                     for p in (REPO / "scenarios").glob("*.yaml")})
    for rel, name in expected.items():
        target = modeline_target(REPO / rel)
        assert target == (DOCS_SCHEMAS / f"{name}.schema.json").resolve(), rel
        assert target.is_file()


def test_a_modeline_changes_no_line_number(project):
    """The modeline is a YAML comment: the loader skips it and counts it as a line."""
    root = project()
    path = root / "course.yaml"
    path.write_text("# yaml-language-server: $schema=schemas/course.schema.json\n"
                    + path.read_text("utf-8").replace("language: en", "langauge: en"), "utf-8")
    with pytest.raises(BuildAborted) as info:
        check(root)
    assert "course.yaml:5: [langauge] unknown key 'langauge'" in info.value.format_message()


def test_new_project_has_the_schemas_its_files_point_to(runner, tmp_path):
    dest = tmp_path / "Safety Basics"
    result = runner.invoke(cli, ["new", str(dest)])
    assert result.exit_code == 0, result.output
    assert "schemas/course.schema.json" in result.output
    for name, schema in schemas().items():
        assert (dest / "schemas" / name).read_text("utf-8") == dumps(schema)
    pointed = {p.relative_to(dest).as_posix(): modeline_target(p)
               for p in sorted(dest.rglob("*.yaml"))}
    assert pointed == {
        "course.yaml": (dest / "schemas/course.schema.json").resolve(),
        "scenarios/check.yaml": (dest / "schemas/assessment.schema.json").resolve(),
    }
    text = (dest / "course.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=schemas/course.schema.json\n")
    assert "\nid: safety-basics\n" in text
    assert_sources_valid(dest)
    built = build(dest)
    assert built.warnings == []
    for path in built.written:
        if not path.name.endswith("-web.zip"):
            assert inspect_package(path).problems == [], path.name


# -- every valid source file is valid against its schema ----------------------------------

VALIDATORS = {name: Draft7Validator(schema) for name, schema in schemas().items()}


def sources(root: Path) -> Iterator[tuple[str, object, str]]:
    """(schema file, data, where) for every YAML mapping or list of a course, read the way
    the loader reads it: whole files, each module's front matter, each ```question block
    (`where` is the file, with the line of the block)."""
    for name, schema in (("course.yaml", "course"), ("glossary.yaml", "glossary"),
                         ("references.yaml", "references")):
        if (root / name).is_file():
            yield f"{schema}.schema.json", load(root / name), name
    for path in sorted((root / "scenarios").glob("*.y*ml")):
        yield "assessment.schema.json", load(path), f"scenarios/{path.name}"
    for path in sorted((root / "modules").glob("*.md")):
        parts = split_module(path.read_text("utf-8"))
        if parts is not None:
            data, _ = parse_yaml(parts[0], path.name, first_line=2)
            yield "module.schema.json", data, f"modules/{path.name}"
    blocks: list[tuple[str, QuestionBlock]] = []

    class Recorder(Loader):
        def inline_question(self, block, rel):
            blocks.append((rel, block))
            return super().inline_question(block, rel)

    try:
        Recorder(root).load()
    except BuildAborted:  # course.yaml is unusable: there are no modules to read
        pass
    for rel, block in blocks:
        data, _ = parse_yaml(block.text, rel, first_line=block.line)
        yield "question.schema.json", data, f"{rel}:{block.line}"


def load(path: Path):
    return parse_yaml(path.read_text("utf-8"), path.name)[0]


def errors(schema: str, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATORS[schema].iter_errors(data)]


def assert_sources_valid(root: Path) -> dict[str, int]:
    count: dict[str, int] = {}
    for schema, data, where in sources(root):
        assert errors(schema, data) == [], where
        count[schema] = count.get(schema, 0) + 1
    course, _ = check(root)  # and coursepack agrees: the course is fine
    return count


def synthetic(dest: Path) -> Path:
    spec = importlib.util.spec_from_file_location("synth", REPO / "benchmarks" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    return synth.make_course(dest, 4, 3, 12, kc_per_module=2)


@pytest.mark.parametrize("name", ["repository", "minimal", "alltypes", "synthetic"])
def test_every_valid_source_file_is_valid_against_its_schema(name, tmp_path):
    root = {"repository": REPO, "minimal": FIXTURES / "minimal",
            "alltypes": FIXTURES / "alltypes"}.get(name) or synthetic(tmp_path / "synth")
    count = assert_sources_valid(root)
    assert count["course.schema.json"] == 1
    assert count["module.schema.json"] >= 1 and count["assessment.schema.json"] >= 1
    if name in ("repository", "synthetic"):
        assert count["question.schema.json"] >= 8  # the knowledge checks
        assert count["glossary.schema.json"] == count["references.schema.json"] == 1


# -- the authoring guide ----------------------------------------------------------------

GUIDE = (REPO / "docs" / "authoring.md").read_text("utf-8")
#: where each file's keys are documented: the guide's sections (knowledge checks have the
#: keys of questions, which the assessments section shows)
SECTIONS = {"course": ["course.yaml", "Item quality"], "module": ["modules/*.md", "Item quality"],
            "question": ["modules/*.md", "scenarios/*.yaml: assessments", "Item quality"],
            "assessment": ["scenarios/*.yaml: assessments", "Item quality"],
            "glossary": ["glossary.yaml"], "references": ["references.yaml"]}


def section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", GUIDE, re.S | re.M)
    assert m, title
    return m.group(1)


def examples(text: str) -> str:
    """The contents of the fenced code blocks of ``text``."""
    return "\n".join(m.group(2) for m in re.finditer(r"^(`{3,})[^\n`]*\n(.*?)^\1$", text,
                                                     re.S | re.M))


def keys_of(node) -> set[str]:
    """Every key name a schema allows, at any depth."""
    out: set[str] = set()
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            if value is not False:
                out.add(name)
        for value in node.values():
            out |= keys_of(value)
    elif isinstance(node, list):
        for value in node:
            out |= keys_of(value)
    return out


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_key_is_in_an_example_of_the_guide(name):
    text = "\n".join(examples(section(title)) for title in SECTIONS[name])
    missing = [key for key in sorted(keys_of(schemas()[f"{name}.schema.json"]))
               if not re.search(rf"(^|[\s{{,]){re.escape(key)}:", text, re.M)]
    assert missing == [], f"docs/authoring.md shows no example of {missing} ({name})"


def test_the_guide_maps_each_schema_to_its_files():
    block = re.search(r"```json\n(\{\n  \"yaml.schemas\".*?)```", GUIDE, re.S).group(1)
    mapped = json.loads(block)["yaml.schemas"]
    expected = {f"./schemas/{d.schema_file}": (list(d.files) if len(d.files) > 1
                                               else d.files[0])
                for d in DOCUMENTS if d.files}
    assert mapped == expected
    for doc in DOCUMENTS:
        assert f"`{doc.schema_file}`" in GUIDE


def yaml_examples(title: str) -> list:
    """The YAML of the guide's examples in a section, parsed (a module example gives its
    front matter and its question blocks)."""
    out = []
    for m in re.finditer(r"^(`{3,})(\w*)\n(.*?)^\1$", section(title), re.S | re.M):
        lang, text = m.group(2), m.group(3)
        if lang == "markdown":
            parts = split_module(text)
            if parts:
                out.append(yaml.safe_load(parts[0]))
            out += [yaml.safe_load(block) for block in
                    re.findall(r"^```question\n(.*?)^```$", text, re.S | re.M)]
        elif lang == "yaml":
            out.append(yaml.safe_load(textwrap.dedent(text)))
    return out


def test_the_guide_examples_are_valid():
    made = schemas()
    quiz_question = made["assessment.schema.json"]["properties"]["questions"]["items"]
    theme = made["course.schema.json"]["properties"]["theme"]
    course, theme_example = yaml_examples("course.yaml")[:2]
    checked = [(made["course.schema.json"], course), (theme, theme_example["theme"])]
    front_matter, knowledge_check = yaml_examples("modules/*.md")
    checked += [(made["module.schema.json"], front_matter),
                (made["question.schema.json"], knowledge_check)]
    quiz, more_questions, branching = yaml_examples("scenarios/*.yaml: assessments")
    checked += [(made["assessment.schema.json"], quiz),
                (made["assessment.schema.json"], branching)]
    checked += [(quiz_question, q) for q in more_questions]
    checked += [(made[f"{name}.schema.json"], yaml_examples(f"{name}.yaml")[0])
                for name in ("references", "glossary")]
    assert len(more_questions) == 8
    for schema, example in checked:
        assert list(Draft7Validator(schema).iter_errors(example)) == [], example
