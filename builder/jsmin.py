"""The default theme's scripts as packages carry them: the same tokens, in the same order,
without the comments and without the spaces and line breaks that the code does not need.

Nothing is renamed or rewritten: every token of the source (name, keyword, number, string,
regular expression, punctuator) arrives as written. Between two tokens the output keeps

- a space where the two would otherwise run together (``var x``, ``a - -b``, ``x++ +y``,
  a regular expression's flags before a name, ``1 .toString``);
- the source's line break where the line does not end in ``;``, ``{`` or ``,`` and the
  next line does not start with ``}`` (the places where JavaScript's automatic semicolon
  insertion, or a rule such as "no line break after ``return``", could depend on it).

Whatever the scanner does not understand (a template literal, a string continued over
lines, a ``/`` whose meaning depends on more than the token before it, a character outside
ASCII in code) makes :func:`minify` return ``None``, and the caller ships the file with
only its comment lines left out. The output is scanned again and must give exactly the
source's tokens; tests/test_targets.py also compares the syntax trees (acorn) of every
runtime script, source and shipped.
"""
from __future__ import annotations

import re

#: punctuators, longest first (so that ``>>>=`` is one token, not ``>>`` ``>=``)
_PUNCT = sorted(["{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%",
                 "&", "|", "^", "!", "~", "?", ":", "=", ".", "...", "===", "!==", "==",
                 "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=",
                 "/=", "%=", "&=", "|=", "^=", "**", "**=", "<<", ">>", ">>>", "<<=", ">>=",
                 ">>>=", "&&=", "||=", "??=", "=>"], key=len, reverse=True)
_PUNCT_RE = re.compile("|".join(re.escape(p) for p in _PUNCT))
_NAME_RE = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)
_NUMBER_RE = re.compile(r"0[xXoObB][0-9a-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)"
                        r"(?:[eE][+-]?\d+)?n?", re.ASCII)
_SPACE = " \t\r\n\f\v"
#: after these words a ``/`` starts a regular expression (after other names: a division)
_BEFORE_EXPRESSION = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
                      "throw", "case", "do", "else", "yield", "await"}
#: a line break after these tokens never ends a statement: it can go
_OPENS = {";", "{", ","}


class Unsupported(ValueError):
    """Something the scanner does not take apart safely."""


def tokens(text: str) -> list[tuple[str, str, bool]]:
    """``text`` as ``(kind, token, line break before it)`` with kind one of name, num,
    str, re, punct; comments and white space left out."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    newline = False
    while i < n:
        c = text[i]
        if c in _SPACE:
            newline = newline or c in "\r\n"
            i += 1
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise Unsupported("unclosed comment")
            newline = newline or "\n" in text[i:end]
            i = end + 2
            continue
        m = _NAME_RE.match(text, i)
        if m:
            out.append(("name", m.group(), newline))
        elif c.isdigit() or (c == "." and text[i + 1:i + 2].isdigit()):
            m = _NUMBER_RE.match(text, i)
            if not m:
                raise Unsupported("number")
            out.append(("num", m.group(), newline))
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] in "\r\n" or (text[j] == "\\" and text[j + 1:j + 2] in "\r\n"):
                    raise Unsupported("string over lines")
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise Unsupported("unclosed string")
            out.append(("str", text[i:j + 1], newline))
            i = j + 1
            newline = False
            continue
        elif c == "/" and _regex_may_start(out):
            j, in_class = i + 1, False
            while j < n and (in_class or text[j] != "/"):
                if text[j] in "\r\n":
                    raise Unsupported("regular expression")
                if text[j] == "\\":
                    j += 1
                elif text[j] == "[":
                    in_class = True
                elif text[j] == "]":
                    in_class = False
                j += 1
            if j >= n:
                raise Unsupported("unclosed regular expression")
            flags = _NAME_RE.match(text, j + 1)
            end = flags.end() if flags else j + 1
            out.append(("re", text[i:end], newline))
            i = end
            newline = False
            continue
        else:
            m = _PUNCT_RE.match(text, i)
            if not m or (m.group() == "?." and text[i + 2:i + 3].isdigit()):
                raise Unsupported(f"character {c!r}")
            out.append(("punct", m.group(), newline))
        i = m.end()
        newline = False
    return out


def _regex_may_start(before: list[tuple[str, str, bool]]) -> bool:
    """Whether a ``/`` after ``before`` starts a regular expression (else: a division)."""
    if not before:
        return True
    kind, token, _ = before[-1]
    if kind == "punct":
        if token == "}":  # a block's end (regex) or an object literal's (division)
            raise Unsupported("'/' after '}'")
        return token not in (")", "]")
    if kind == "name":
        return token in _BEFORE_EXPRESSION
    return False


def _space_between(a: tuple[str, str, bool], b: tuple[str, str, bool]) -> bool:
    """Whether tokens ``a`` and ``b`` would run together without a space."""
    (ka, ta, _), (kb, tb, _) = a, b
    word_a = ka in ("name", "num", "re")
    word_b = kb in ("name", "num")
    if word_a and word_b:
        return True
    if ka == "num" and tb.startswith("."):
        return True
    last, first = ta[-1], tb[0]
    return ((last == first and last in "+-")
            or (last == "/" and first in "/*")
            or (last == "<" and first == "!")
            or (last == "-" and first == ">"))


def minify(text: str, head: str = "") -> str | None:
    """``text`` without comments and unneeded white space, after ``head``; ``None`` when
    it holds something the scanner does not take apart safely (see the module's text)."""
    try:
        source = tokens(text)
    except Unsupported:
        return None
    parts = [head]
    prev = None
    for tok in source:
        if prev is not None:
            if tok[2] and prev[1] not in _OPENS and tok[1] != "}":
                parts.append("\n")
            elif _space_between(prev, tok):
                parts.append(" ")
        parts.append(tok[1])
        prev = tok
    out = "".join(parts) + "\n"
    try:
        same = [t[:2] for t in tokens(out)] == [t[:2] for t in source]
    except Unsupported:
        same = False
    return out if same else None
