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
``md.parse``. Such a line that also holds no character where an inline rule of the
parser may begin (:data:`INLINE_START`: most choices and feedback) is one text token: the
inline parser is skipped too (unless the parser's inline rules are not those checked).
tests/test_mdfast.py compares both paths on every text of the SRO course and of a
synthetic course.
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
#: the inline rules whose behaviour was checked, and the characters where each may begin
#: (``text`` takes any other run): a line without any of these is one text token
KNOWN_INLINE = frozenset(["text", "newline", "escape", "backticks", "strikethrough",
                          "emphasis", "citation", "glossary_term", "link", "image",
                          "autolink", "html_inline", "entity"])
INLINE_START = re.compile(r"[\n\\`~*_\[!<&]")
#: the inline post-processing rules: no-ops on a lone text token
KNOWN_INLINE2 = frozenset(["balance_pairs", "strikethrough", "emphasis", "fragments_join"])


_RULES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _core_rules(md: MarkdownIt) -> list | None:
    """The core rules to run after the shortcut, or None when ``md`` is not a parser the
    shortcut was checked against. Kept per parser: configure it before the first parse
    (builder.markdown.make_parser does)."""
    got = _rules(md)
    return got[0] if got else None


def _rules(md: MarkdownIt) -> tuple[list, list | None] | None:
    """(the core rules after the block parser, those after the inline parser or None when
    the plain-text shortcut does not apply), or None: see :func:`_core_rules`."""
    if md in _RULES:
        return _RULES[md]
    block = {r.name for r in md.block.ruler.__rules__ if r.enabled}
    core = [r for r in md.core.ruler.__rules__ if r.enabled]
    ok = (block <= KNOWN_BLOCK and "paragraph" in block
          and [r.name for r in core[:2]] == list(REPLACED_CORE))
    got = None
    if ok:
        inline = {r.name for r in md.inline.ruler.__rules__ if r.enabled}
        inline2 = {r.name for r in md.inline.ruler2.__rules__ if r.enabled}
        plain = (len(core) > 2 and core[2].name == "inline" and inline <= KNOWN_INLINE
                 and inline2 <= KNOWN_INLINE2 and not md.options.get("linkify"))
        got = ([r.fn for r in core[2:]], [r.fn for r in core[3:]] if plain else None)
    _RULES[md] = got
    return got


def parse(md: MarkdownIt, text: str, env: dict) -> list[Token]:
    """``md.parse(text, env)``, without the block parser for one line of prose, and
    without the inline parser when that line holds no character an inline rule begins
    at (then it is one text token)."""
    if not ONE_LINE.match(text):
        return md.parse(text, env)
    rules = _rules(md)
    if rules is None:
        return md.parse(text, env)
    state = StateCore(text, md, env)
    line = text.rstrip("\n")
    content = mdTrim(line)
    plain = rules[1] is not None and not INLINE_START.search(content)
    opening = Token("paragraph_open", "p", 1, map=[0, 1], block=True, level=0)
    inline = Token("inline", "", 0, map=[0, 1], block=True, level=1,
                   content=content, children=[Token("text", "", 0, content=content)]
                   if plain else [])
    closing = Token("paragraph_close", "p", -1, block=True, level=0)
    state.tokens = [opening, inline, closing]
    for rule in rules[1] if plain else rules[0]:
        rule(state)
    return state.tokens
