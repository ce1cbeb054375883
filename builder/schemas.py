"""JSON Schemas (draft-07) of the source files, made from :mod:`builder.formats`.

Editors that understand JSON Schema for YAML (VS Code with Red Hat's YAML extension and
others built on yaml-language-server, JetBrains IDEs) use them to complete keys, show
each key's description and flag wrong types, unknown keys and values out of range while
the author types. ``coursepack schema`` writes them, ``coursepack new`` puts them into a
new course's ``schemas/`` folder, and this repository keeps a copy in ``docs/schemas/``.

A schema checks what one key can check, as the loader does with the same declarations;
a question's ``type`` decides its other keys (``if``/``then``). Rules across keys and
files (a quiz has questions, references resolve, the logo exists) are left to
``coursepack check``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builder.formats import DOCUMENTS, Document, Key, Mapping, Variants, matches
from builder.yamlfile import MAX_NUMBER

DRAFT = "http://json-schema.org/draft-07/schema#"
COMMENT = ("Made by `coursepack schema` from the declarations in builder/formats.py; "
           "regenerate it instead of editing it.")
_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array",
               dict: "object"}


def schemas() -> dict[str, dict]:
    """Every schema, by file name (``course.schema.json``, ...)."""
    return {doc.schema_file: document_schema(doc) for doc in DOCUMENTS}


def document_schema(doc: Document) -> dict:
    root = _object(doc.root)
    body: dict[str, Any] = {"type": "array", "items": root} if doc.is_list else root
    head = {"$schema": DRAFT, "$comment": COMMENT, "title": doc.title,
            "description": doc.description}
    return {**head, **{k: v for k, v in body.items() if k not in head}}


def dumps(schema: dict) -> str:
    """The schema as the bytes we write: the same declarations, the same text."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder`` (created when missing); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(dumps(schema), "utf-8")
        written.append(path)
    return written


def _object(spec: Mapping) -> dict:
    properties: dict[str, Any] = {}
    required: list[str] = []
    rules: list[dict] = []
    for item in spec.keys:
        if isinstance(item, Variants):
            union, rules = _variants(item)
            properties.update(union)
            continue
        properties[item.name] = _key(item)
        if item.required:
            required.append(item.name)
    out: dict[str, Any] = {"title": spec.title, "description": spec.description,
                           "type": "object", "properties": properties}
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    if rules:
        out["allOf"] = rules
    return out


def _key(key: Key) -> dict:
    """The schema of one key's value."""
    if key.mapping is not None:
        out = _object(key.mapping)
        out["description"] = key.description
    else:
        out = {"description": key.description, **_value(key.type, key)}
        if key.type is list:
            out["items"] = _items(key)
    if key.nullable:  # an empty value is the same as leaving the key out
        out["type"] = [*_as_list(out["type"]), "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if key.default not in (None, "", []) and not key.required:
        out["default"] = key.default
    return out


def _value(kind: type | tuple[type, ...], key: Key | None = None) -> dict:
    """Type and constraints of a value of ``kind``; ``key`` adds what it declares."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    out: dict[str, Any] = {}
    if float in kinds:
        out["type"] = "number"
    elif kinds == (str,) and key is not None and _numbers_as_text(key):
        # the loader takes a number where text is expected: `version: 1.0` is "1.0"
        out["type"] = ["string", "number"]
    else:
        out["type"] = _JSON_TYPES[kinds[0]]
    if key is not None and key.enum:
        out["enum"] = list(key.enum)
    if key is not None and key.pattern:
        out["pattern"] = key.pattern
        if "number" in out["type"] and not matches(key.pattern, "-1"):
            out["minimum"] = 0  # "-1" breaks the pattern
    if out["type"] in ("integer", "number"):  # the loader refuses what a browser cannot count
        minimum, maximum, above = (key.minimum, key.maximum, key.above) if key else (
            None, None, None)
        if above is not None:
            out["exclusiveMinimum"] = above
        else:
            out["minimum"] = minimum if minimum is not None else -MAX_NUMBER
        out["maximum"] = maximum if maximum is not None else MAX_NUMBER
    return out


def _numbers_as_text(key: Key) -> bool:
    """May a number stand for this key's text? Not when the text is one of a list of
    words, or must match a pattern no number can match (ids start with a letter)."""
    return not key.enum and (not key.pattern or matches(key.pattern, "1"))


def _items(key: Key) -> dict:
    if isinstance(key.items, Mapping):
        return _object(key.items)
    assert key.items is not None
    out = _value(key.items)  # items are taken as they are: no number stands for text
    if key.item_enum:
        out["enum"] = list(key.item_enum)
    return out


def _variants(variants: Variants) -> tuple[dict, list[dict]]:
    """The properties of every case, and one ``if``/``then`` per case that allows only
    its own keys and requires its required ones."""
    uses: dict[str, list[tuple[str, Key]]] = {}
    for case, keys in variants.cases.items():
        for key in keys:
            uses.setdefault(key.name, []).append((case, key))
    properties: dict[str, Any] = {}
    shared: set[str] = set()  #: names declared once, whatever the case
    for name, found in uses.items():
        distinct = list({id(k): k for _, k in found}.values())
        if len(distinct) == 1:
            properties[name] = _key(distinct[0])
            shared.add(name)
            continue
        types: list[str] = []
        for _, key in found:
            for t in _as_list(_key(key)["type"]):
                if t not in types:
                    types.append(t)
        properties[name] = {"description": " ".join(f"{case}: {key.description}"
                                                    for case, key in found),
                            "type": types}
    rules = []
    for case, keys in variants.cases.items():
        own = {k.name for k in keys}
        then_properties: dict[str, Any] = {k.name: _key(k) for k in keys
                                           if k.name not in shared}
        then_properties.update({name: False for name in uses if name not in own})
        then: dict[str, Any] = {"properties": then_properties}
        required = [k.name for k in keys if k.required]
        if required:
            then["required"] = required
        rules.append({"if": {"properties": {variants.on: {"const": case}},
                             "required": [variants.on]}, "then": then})
    return properties, rules


def _as_list(value: str | list[str]) -> list[str]:
    return list(value) if isinstance(value, list) else [value]
