"""builder.mdfast: one line of prose skips markdown-it's block parser with the same tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import markdown as md_module
from builder import mdfast
from builder.build import check
from builder.markdown import make_parser
from tests.support.model import synth

REPO = Path(__file__).parent.parent


def _tokens(tokens) -> list[dict]:
    return [t.as_dict() for t in tokens]


def _same(md, text: str) -> bool:
    env_a, env_b = {"scope": "x"}, {"scope": "x"}
    a, b = md.parse(text, env_a), mdfast.parse(md, text, env_b)
    return (_tokens(a) == _tokens(b) and env_a == env_b
            and md.renderer.render(a, md.options, env_a)
            == md.renderer.render(b, md.options, env_b))


@pytest.mark.parametrize("text", [
    "Plain words.", "Words with *emphasis*, `code` and a [link](https://example.org).",
    "A citation [@S2] and a [[term]] and [[shown|term-id]].\n",
    "Trailing spaces   \n\n", "Émile's café & co &amp; <b>raw</b>", "Tab\tinside  line",
    "Ends with a hard break  ", "Strike ~~this~~ \\* escaped",
    # not one line of prose: the full parser (and the same result, trivially)
    "# Heading", "- item", "1. item", "> quote", "    code", "```\nx\n```", "---",
    "[ref]: https://example.org", "!!! note\n    body", "::: tabs\n:::", "| a | b |",
    "Term\n: definition", "Title\n=====", "Two\nlines", "9 lives", "\r\nCR", "NUL\0",
    # one text token: no character an inline rule begins at
    "Plain: a-b, c+d = e; 50% #1 @x ^y {z} $5 (ok) 'q' \"dq\" > less é ü", "Ends   ",
    "Tab\tand  two spaces", "Unicode ‘quotes’ — dash… and ß",
    *(f"Has {c} inside it" for c in "\\`~*_[]!<>&"),
    "Entity &amp; here", "Autolink <https://example.org> here", "Image ![a](b.png) x",
])
def test_same_tokens_as_markdown_it(text):
    md = make_parser()
    assert _same(md, text)


def test_only_one_line_of_prose_takes_the_shortcut():
    assert mdfast.ONE_LINE.match("Plain words.\n\n")
    for text in ("# H", "- a", "Two\nlines", " indented", "9 lives", "CR\r", "[x]: y"):
        assert not mdfast.ONE_LINE.match(text), text


def test_an_unknown_parser_is_not_shortcut():
    md = make_parser()
    md.block.ruler.before("paragraph", "mine", lambda *a: False)
    assert mdfast._core_rules(md) is None
    assert _same(md, "Plain words.")


def test_a_parser_with_other_inline_rules_parses_inline_text():
    from markdown_it.rules_inline import StateInline

    def dollar(state: StateInline, silent: bool) -> bool:  # a rule at a plain character
        if state.src[state.pos] != "$":
            return False
        if not silent:
            state.push("math", "", 0)
        state.pos += 1
        return True
    md = make_parser()
    md.inline.ruler.before("text", "dollar", dollar)
    md.add_render_rule("math", lambda *a: "<math/>")
    rules = mdfast._rules(md)
    assert rules is not None and rules[1] is None  # the block shortcut only
    assert _same(md, "Costs $5 here")
    assert "<math/>" in md.render("Costs $5 here")


def test_plain_text_skips_the_inline_parser(monkeypatch):
    md = make_parser()
    calls: list[str] = []
    parse = md.inline.parse
    monkeypatch.setattr(md.inline, "parse", lambda src, *a: (calls.append(src),
                                                             parse(src, *a))[1])
    mdfast.parse(md, "Plain words, with: punctuation.", {})
    assert calls == []
    mdfast.parse(md, "Now *emphasis*.", {})
    assert calls == ["Now *emphasis*."]


def _course_texts(root: Path, monkeypatch) -> list[str]:
    texts: list[str] = []
    orig = md_module.MarkdownRenderer._parse

    def record(self, text, *args, **kwargs):
        texts.append(text)
        return orig(self, text, *args, **kwargs)

    monkeypatch.setattr(md_module.MarkdownRenderer, "_parse", record)
    check(root)
    return texts


def test_every_text_of_the_sro_and_a_synthetic_course(monkeypatch, tmp_path):
    synth().make_course(tmp_path / "c", 3, 4, 12, kc_per_module=2)
    texts = _course_texts(REPO, monkeypatch) + _course_texts(tmp_path / "c", monkeypatch)
    shortcut = [t for t in texts if mdfast.ONE_LINE.match(t)]
    assert len(shortcut) > 100 and len(texts) > len(shortcut)
    md = make_parser()
    assert [t for t in texts if not _same(md, t)] == []
