"""builder.yamlfile: the quick size check of a document without anchors agrees with the
full one (_check_size), and the full one still reports what is wrong."""

from __future__ import annotations

import pytest

from builder import yamlfile


def _node(text: str):
    loader = yamlfile._Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _nested(levels: int) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "v"


@pytest.mark.parametrize("text", [
    "a: 1\nb: [1, 2, {c: d}]\n", _nested(50), _nested(51), "[" + "[" * 60 + "]" * 61,
    "- R&D\n- x\n", "a: &x [1, 2]\nb: *x\n",
])
def test_quick_check_agrees_with_the_full_one(text):
    node = _node(text)
    quick = yamlfile._small_tree(node, text)
    if quick:
        assert yamlfile._check_size(node) is None
    if "&" not in text and yamlfile._check_size(node) is None:
        assert quick


def test_too_deep_is_still_reported_with_its_line():
    data, problems = yamlfile.parse_yaml(_nested(52), "f.yaml")
    assert data is None
    assert [(p.line, p.message[:39]) for p in problems] == [
        (51, "YAML error: values are nested more than")]


def test_too_many_values_without_aliases_is_still_reported(monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_VALUES", 10)
    data, problems = yamlfile.parse_yaml("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "f.yaml")
    assert data is None and "expand this to more than 10 values" in problems[0].message
    data, problems = yamlfile.parse_yaml("a: [1, 2, 3]\n", "f.yaml")
    assert data == {"a": [1, 2, 3]} and problems == []
