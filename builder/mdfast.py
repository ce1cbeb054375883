"""A shortcut through markdown-it for the commonest course text: one line of prose.

Most texts of a course are a single line (a choice, a prompt, a feedback, a title): for
them markdown-it's block parser tries every block rule on the line only to make it a
paragraph. :func:`parse` makes those tokens directly, exactly as the block parser does
(``paragraph_open``, ``inline``, ``paragraph_close``), and runs the other core rules
(inline, text_join, ...) as markdown-it would: the tokens, and so the HTML, are the same.

A text takes the shortcut only when no block rule but the paragraph can match it: one
line (trailing line ends aside) that starts with a letter, so not a heading, list, quote,
fence, rule, table, reference, admonition, container or indented code; and no character
that markdown-it's ``normalize`` rule would change (CR, NUL). Any other text, or a parser
whose block or core rules are not the ones this was checked against, goes through
``md.parse``. tests/test_mdfast.py compares both paths on every text of the SRO course
and of a synthetic course.
"""

from __future__ import annotations

import re
import weakref

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: one line starting with a letter, then only line ends; no CR or NUL anywhere
ONE_LINE = re.compile(r"[^\W\d_][^\n\r\0]*\n*\Z")
#: the block rules whose behaviour on such a line was checked: only ``paragraph`` matches
KNOWN_BLOCK = frozenset(["table", "code", "admonition", "container_block", "fence",
                         "blockquote", "hr", "list", "reference", "html_block", "heading",
                         "lheading", "deflist", "paragraph"])
#: the core rules the shortcut stands in for (the rest run as they are)
REPLACED_CORE = ("normalize", "block")


_RULES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _core_rules(md: MarkdownIt) -> list | None:
    """The core rules to run after the shortcut, or None when ``md`` is not a parser the
    shortcut was checked against. Kept per parser: configure it before the first parse
    (builder.markdown.make_parser does)."""
    if md in _RULES:
        return _RULES[md]
    block = {r.name for r in md.block.ruler.__rules__ if r.enabled}
    core = [r for r in md.core.ruler.__rules__ if r.enabled]
    ok = (block <= KNOWN_BLOCK and "paragraph" in block
          and [r.name for r in core[:2]] == list(REPLACED_CORE))
    rules = [r.fn for r in core[2:]] if ok else None
    _RULES[md] = rules
    return rules


def parse(md: MarkdownIt, text: str, env: dict) -> list[Token]:
    """``md.parse(text, env)``, without the block parser for one line of prose."""
    if not ONE_LINE.match(text):
        return md.parse(text, env)
    rules = _core_rules(md)
    if rules is None:
        return md.parse(text, env)
    state = StateCore(text, md, env)
    line = text.rstrip("\n")
    opening = Token("paragraph_open", "p", 1, map=[0, 1], block=True, level=0)
    inline = Token("inline", "", 0, map=[0, 1], block=True, level=1,
                   content=mdTrim(line), children=[])
    closing = Token("paragraph_close", "p", -1, block=True, level=0)
    state.tokens = [opening, inline, closing]
    for rule in rules:
        rule(state)
    return state.tokens
