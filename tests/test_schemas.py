"""The JSON Schemas for editors (builder/schemas.py, `coursepack schema`)."""

from __future__ import annotations

import json

from jsonschema import Draft7Validator

from builder.cli import cli
from builder.formats import DOCUMENTS
from builder.schemas import dumps, schemas

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
