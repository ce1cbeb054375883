"""The default theme's scripts as packages carry them: the same program, without comments,
without the spaces and line breaks the code does not need, with the names declared
inside functions shortened, and in a few shorter spellings.

Every other token of the source (keyword, global name, property, number, string, regular
expression, punctuator) arrives as written. Between two tokens the output keeps

- a space where the two would otherwise run together (``var x``, ``a - -b``, ``x++ +y``,
  a regular expression's flags before a name, ``1 .toString``);
- the source's line break where the line does not end in a punctuator that needs more
  (``;``, ``{``, ``,``, an operator) and the next line does not start with ``}``, unless
  the line ends a block or a function declaration (the places where JavaScript's
  automatic semicolon insertion, or a rule such as "no line break after ``return``", could
  depend on it).

Local names (:func:`rename_locals`): each declaration made inside a function gets the
shortest name free where it is used (no global of the file, no other name of its scope,
no name of an enclosing scope used inside it), so a renamed name can neither capture nor
shadow another.

Shorter spellings, in code :func:`rename_locals` took apart (:func:`_aliased`,
:func:`_shortened`, :func:`_arrows`): the browser's globals a file's wrapper function uses
often passed to it as parameters (so renamed), consecutive ``var`` statements joined, no
``;`` before ``}``, ``true``/``false``/``undefined`` as ``!0``/``!1``/``void 0``, and
anonymous function expressions without ``this`` or ``arguments`` of their own as arrow
functions.

Whatever the scanner does not understand (a template literal, a string continued over
lines, a ``/`` whose meaning depends on more than the token before it, a character outside
ASCII in code) makes :func:`minify` return ``None``, and the caller ships the file with
only its comment lines left out; code outside the subset :func:`rename_locals` handles
keeps its names and spellings. The output is scanned again and must give exactly the
tokens intended; tests/test_targets.py also compares the syntax trees (acorn,
tests/js/same-program.js, which reads the shorter spellings as what they stand for) of
every runtime script as written and as shipped, with each name's declaration.
"""
from __future__ import annotations

import re

#: punctuators, longest first (so that ``>>>=`` is one token, not ``>>`` ``>=``)
_PUNCT = sorted(["{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%",
                 "&", "|", "^", "!", "~", "?", ":", "=", ".", "...", "===", "!==", "==",
                 "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=",
                 "/=", "%=", "&=", "|=", "^=", "**", "**=", "<<", ">>", ">>>", "<<=", ">>=",
                 ">>>=", "&&=", "||=", "??=", "=>"], key=len, reverse=True)
#: after these words a ``/`` starts a regular expression (after other names: a division)
_BEFORE_EXPRESSION = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
                      "throw", "case", "do", "else", "yield", "await"}
#: a line break after these tokens never ends a statement: it can go (every punctuator
#: but those that may end an expression, where automatic semicolon insertion may apply)
_OPENS = set(_PUNCT) - {")", "]", "}", "++", "--"}


class Unsupported(ValueError):
    """Something the scanner does not take apart safely."""


#: one token (or white space, or a comment) at a time; a ``/`` that may start a regular
#: expression is read by :data:`_REGEX_RE` instead, depending on the token before it
_TOKEN_RE = re.compile(
    r"(?P<space>[ \t\f\v]+)|(?P<newline>[\r\n][ \t\r\n\f\v]*)"
    r"|(?P<line>//[^\r\n]*)|(?P<block>/\*.*?\*/)"
    r"|(?P<name>[A-Za-z_$][A-Za-z0-9_$]*)"
    r"|(?P<num>(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?"
    r"(?![A-Za-z0-9_$]))"
    r"|(?P<str>'(?:[^'\\\r\n]|\\[^\r\n])*'|\"(?:[^\"\\\r\n]|\\[^\r\n])*\")"
    r"|(?P<punct>" + "|".join(re.escape(p) for p in _PUNCT) + ")",
    re.DOTALL | re.ASCII)
_REGEX_RE = re.compile(r"/(?:[^/\\\[\r\n]|\\[^\r\n]|\[(?:[^\]\\\r\n]|\\[^\r\n])*\])+/"
                       r"[A-Za-z0-9_$]*")


def tokens(text: str) -> list[tuple[str, str, bool]]:
    """``text`` as ``(kind, token, line break before it)`` with kind one of name, num,
    str, re, punct; comments and white space left out."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    newline = False
    match = _TOKEN_RE.match
    while i < n:
        if text[i] == "/" and not text.startswith(("//", "/*"), i) and _regex_may_start(out):
            m = _REGEX_RE.match(text, i)
            if not m:
                raise Unsupported("regular expression")
            out.append(("re", m.group(), newline))
            newline = False
            i = m.end()
            continue
        m = match(text, i)
        if not m or (m.lastgroup == "punct" and text.startswith("/*", i)):
            raise Unsupported(f"character {text[i]!r}")  # or a comment never closed
        kind = m.lastgroup
        i = m.end()
        if kind == "space" or kind == "line":
            continue
        if kind == "newline":
            newline = True
            continue
        if kind == "block":
            newline = newline or "\n" in m.group() or "\r" in m.group()
            continue
        token = m.group()
        if kind == "punct" and token == "?." and text[i:i + 1].isdigit():
            raise Unsupported("'?.' before a digit")
        out.append((kind, token, newline))  # type: ignore[arg-type]
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


def _may_end(before: tuple[str, str, bool]) -> bool:
    """Whether a line break after ``before`` may end a statement (and so is kept)."""
    return before[0] != "punct" or before[1] not in _OPENS


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


def minify(text: str, head: str = "", rename: bool = True) -> str | None:
    """``text`` without comments and unneeded white space, after ``head``; ``None`` when
    it holds something the scanner does not take apart safely (see the module's text)."""
    try:
        source = tokens(text)
    except Unsupported:
        return None
    if rename:
        try:
            ends: set[int] = set()
            source = _arrows(_shortened(rename_locals(_aliased(source), ends), ends))
        except Unsupported:
            pass  # shipped with its names as written
    parts = [head]
    prev = None
    for tok in source:
        if prev is not None:
            if tok[2] and _may_end(prev) and tok[1] != "}":
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


# ---------------------------------------------------------------------------------------
# Local names. A name declared inside a function (``var``, a parameter, a function
# declaration, a named function expression, a ``catch`` parameter) gets a short name that
# no global of the file uses and that is free wherever the declaration is used (see
# :func:`_renamed`), so no renamed name can capture or shadow another: only which
# declaration a name refers to has to be right. Properties (``a.name``), object
# keys and every name not declared in a function (globals, the browser's API) stay as
# written. Files outside the subset this handles (let/const/class, arrow functions,
# destructuring, shorthand properties, labels, with/eval, block-level function
# declarations) are left unrenamed.

_UNSUPPORTED_NAMES = {"let", "const", "class", "with", "eval", "async", "await", "yield",
                      "import", "export", "super", "static", "enum", "debugger"}
_UNSUPPORTED_PUNCT = {"=>", "...", "`"}
_RESERVED = {"break", "case", "catch", "continue", "default", "delete", "do", "else",
             "finally", "for", "function", "if", "in", "instanceof", "new", "return",
             "switch", "this", "throw", "try", "typeof", "var", "void", "while", "null",
             "true", "false", "arguments", "undefined", "NaN", "Infinity",
             *_UNSUPPORTED_NAMES}
#: never given as a new name either
_NOT_NEW = _RESERVED | {"of", "get", "set", "int", "new", "try", "var", "for", "let"}
#: before these, a ``{`` opens an object literal (else a block)
_OBJECT_AFTER_PUNCT = {"(", "[", ",", "=", ":", "?", "||", "&&", "??", "!", "+", "-",
                       "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "===", "!==",
                       "+=", "-=", "||=", "&&=", "??=", "|", "&", "^", "~"}
_OBJECT_AFTER_NAME = {"return", "typeof", "in", "of", "void", "delete", "throw", "case",
                      "new", "instanceof"}


class _Scope:
    def __init__(self, parent: _Scope | None, kind: str):
        self.parent, self.kind = parent, kind
        self.names: dict[str, int] = {}
        self.statement = kind == "catch"    # its body's "}" ends a statement

    def function(self) -> _Scope:
        scope = self
        while scope.kind == "catch":
            scope = scope.parent  # type: ignore[assignment]
        return scope


def _short_names(taken: set[str]):
    first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
    rest = first + "0123456789"
    for a in first:
        if a not in taken:
            yield a
    for a in first:
        for b in rest:
            if a + b not in taken and a + b not in _NOT_NEW:
                yield a + b
    for a in first:
        for b in rest:
            for c in rest:
                if a + b + c not in taken and a + b + c not in _NOT_NEW:
                    yield a + b + c


def rename_locals(toks: list[tuple[str, str, bool]],
                  ends: set[int] | None = None) -> list[tuple[str, str, bool]]:
    """``toks`` with the names declared in functions shortened; raises
    :class:`Unsupported` for code outside the subset this handles. ``ends`` receives the
    indexes of the ``}`` that end a statement (a block, a function declaration)."""
    if ends is None:
        ends = set()
    n = len(toks)
    text = [t[1] for t in toks]
    kind = [t[0] for t in toks]
    for i, (k, t) in enumerate(zip(kind, text, strict=True)):
        property_name = i > 0 and text[i - 1] in (".", "?.") and kind[i - 1] == "punct"
        if (k == "name" and t in _UNSUPPORTED_NAMES and not property_name) or \
                (k == "punct" and t in _UNSUPPORTED_PUNCT):
            raise Unsupported(t)
    bindings: list[list[int]] = []          # binding -> the token indexes naming it
    home: list[_Scope] = []                 # binding -> the scope declaring it
    bound: dict[int, int] = {}              # token index -> binding
    scope_at: list[_Scope | None] = [None] * n
    keep: set[int] = set()                  # properties and keys: never renamed
    top = _Scope(None, "global")
    cur = top
    stack: list[tuple[str, _Scope | None]] = []   # open brackets: (kind, scope to leave)
    pending: _Scope | None = None           # a function whose "(" comes next
    body_next: _Scope | None = None         # a function whose "{" comes next

    def declare(scope: _Scope, i: int) -> None:
        if kind[i] != "name" or text[i] in _RESERVED:
            raise Unsupported(f"declaration {text[i]!r}")
        if scope.kind == "global":
            return  # a global: stays as written
        if text[i] not in scope.names:
            scope.names[text[i]] = len(bindings)
            bindings.append([])
            home.append(scope)
        bound[i] = scope.names[text[i]]

    def prev(i: int) -> tuple[str, str]:
        return (kind[i - 1], text[i - 1]) if i > 0 else ("", "")

    def key_position(i: int) -> bool:
        return bool(stack) and stack[-1][0] == "object" and text[i - 1] in ("{", ",")

    i = 0
    while i < n:
        k, t = kind[i], text[i]
        scope_at[i] = cur
        if k == "name" and i > 0 and text[i - 1] in (".", "?.") and kind[i - 1] == "punct":
            keep.add(i)
        elif k in ("name", "str", "num") and key_position(i):
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt == ":":
                keep.add(i)
            elif nxt == "(" and k == "name":      # a method: name(params) { body }
                keep.add(i)
                pending = _Scope(cur, "function")
            elif t in ("get", "set") and k == "name" and i + 2 < n and text[i + 2] == "(":
                keep.update((i, i + 1))
                pending = _Scope(cur, "function")
                scope_at[i + 1] = cur
                i += 1
            else:
                raise Unsupported("object literal")
        elif k == "name" and t == "function":
            pt = prev(i)[1]
            declaration = pt in ("", ";", "{", "}") and (
                not stack or stack[-1][0] in ("block", "fbody"))
            fn = _Scope(cur, "function")
            fn.statement = declaration
            j = i + 1
            if kind[j] == "name":
                scope_at[j] = cur
                if declaration:
                    if stack and (stack[-1][0] != "fbody" or stack[-1][1] is not cur
                                  or cur.kind != "function"):
                        raise Unsupported("function declared in a block")
                    declare(cur.function(), j)
                else:
                    declare(fn, j)
                j += 1
            elif declaration and pt != "":
                raise Unsupported("function statement without a name")
            if text[j] != "(":
                raise Unsupported("function")
            pending = fn
            i = j
            continue
        elif k == "name" and t == "catch":
            if not (text[i + 1] == "(" and kind[i + 2] == "name" and text[i + 3] == ")"
                    and text[i + 4] == "{"):
                raise Unsupported("catch")
            cur = _Scope(cur, "catch")
            for j in range(i + 1, i + 5):
                scope_at[j] = cur
            declare(cur, i + 2)
            stack.append(("fbody", cur))
            i += 5
            continue
        elif k == "name" and t == "var":
            _declare_vars(toks, i, cur.function(), declare)
        elif k == "name" and t in ("break", "continue") and i + 1 < n and kind[i + 1] == "name" \
                and not toks[i + 1][2]:
            raise Unsupported("label")
        elif k == "punct" and t == "(":
            if pending is not None:
                cur, pending = pending, None
                scope_at[i] = cur
                j = i + 1
                while text[j] != ")":
                    declare(cur, j)
                    scope_at[j] = cur
                    j += 1
                    if text[j] == ",":
                        scope_at[j] = cur
                        j += 1
                    elif text[j] != ")":
                        raise Unsupported("parameters")
                scope_at[j] = cur
                if text[j + 1] != "{":
                    raise Unsupported("function body")
                body_next = cur
                i = j + 1
                continue
            stack.append(("paren", None))
        elif k == "punct" and t == "[":
            stack.append(("bracket", None))
        elif k == "punct" and t == "{":
            pk, pt = prev(i)
            if body_next is not None:
                stack.append(("fbody", body_next))
                body_next = None
            elif (pk == "punct" and pt in _OBJECT_AFTER_PUNCT) or \
                    (pk == "name" and pt in _OBJECT_AFTER_NAME):
                if pt == ":" and _after_case(toks, i):
                    raise Unsupported("block after case")
                stack.append(("object", None))
            else:
                if pk == "name" and pt not in ("else", "do", "try", "finally"):
                    raise Unsupported("'{' after a name")
                stack.append(("block", None))
        elif k == "punct" and t in (")", "]", "}"):
            if not stack:
                raise Unsupported("unbalanced")
            opened, scope = stack.pop()
            if (t == ")") != (opened == "paren") or (t == "]") != (opened == "bracket"):
                raise Unsupported("unbalanced")
            if opened == "fbody" and scope is not None:
                cur = scope.parent  # type: ignore[assignment]
                if scope.statement:
                    ends.add(i)
            elif opened == "block":
                ends.add(i)
        elif k == "name" and t not in _RESERVED and i + 1 < n and text[i + 1] == ":" and \
                prev(i)[1] in ("", ";", "{", "}") and (not stack or stack[-1][0] != "object"):
            raise Unsupported("label")
        i += 1
    if stack or pending is not None or body_next is not None:
        raise Unsupported("unbalanced")
    # every other name: the declaration it refers to, innermost first
    for i in range(n):
        if kind[i] != "name" or i in keep or i in bound or text[i] in _RESERVED:
            continue
        scope = scope_at[i]
        while scope is not None and text[i] not in scope.names:
            scope = scope.parent
        if scope is not None:
            bound[i] = scope.names[text[i]]
    for i, b in bound.items():
        bindings[b].append(i)
    return _renamed(toks, bindings, home, scope_at, {
        t for i, (k, t) in enumerate(zip(kind, text, strict=True))
        if k == "name" and i not in keep and i not in bound})


def _renamed(toks, bindings, home, scope_at, free: set[str]):
    """``toks`` with each binding given the shortest name free where it is used: scopes in
    order from the outside in, and in each scope the most used binding first. A name is
    free in a scope when no binding of that scope has it, no binding of an enclosing scope
    with that name is used inside it, and it is not one of the ``free`` names the file uses
    as written (globals), so every use still refers to the same declaration."""
    order: dict[_Scope, int] = {}
    for scope in home:
        order.setdefault(scope, len(order))
    used: dict[_Scope, set[str]] = {}
    new: list[str] = [""] * len(bindings)
    for b in sorted(range(len(bindings)), key=lambda b: (order[home[b]], -len(bindings[b]))):
        scope = home[b]
        here = used.setdefault(scope, set())
        new[b] = name = next(_short_names(here | free))
        for i in bindings[b]:  # the scopes from each use out to the declaration
            at = scope_at[i]
            path = []
            while at is not None and at is not scope:
                path.append(at)
                at = at.parent
            for s in (path if at is scope else []) + [scope]:
                used.setdefault(s, set()).add(name)
    out = list(toks)
    for b, indexes in enumerate(bindings):
        for i in indexes:
            out[i] = ("name", new[b], toks[i][2])
    return out


# ---------------------------------------------------------------------------------------
# Shorter spellings of the same program, on code :func:`rename_locals` took apart:
# consecutive ``var`` statements of a statement list joined (``var a;var b;`` ->
# ``var a,b;``), the ``;`` before a ``}`` left to automatic semicolon insertion (not when
# it is the whole body of an ``if``, ``for``, ``while``, ``with`` or ``else``), ``true``,
# ``false`` and ``undefined`` as ``!0``, ``!1`` and ``void 0`` where they are a value
# (not a property, a key or before ``.``, ``(``, ``[``, ``**``, an assignment), and no line
# break after the ``}`` that ends a block or a function declaration.
# tests/js/same-program.js reads these as the same syntax tree.

#: after ``true``, ``false`` or ``undefined``, these leave it a whole operand
_VALUE_END = {")", "]", "}", ";", ",", ":", "?", "||", "&&", "??", "===", "!==", "==", "!="}
#: a ``;`` right after ``if (...)`` and these is an empty statement, the whole body
_HEADS = ("if", "for", "while", "with")
_SHORTER = {"true": (("punct", "!"), ("num", "0")), "false": (("punct", "!"), ("num", "1")),
            "undefined": (("name", "void"), ("num", "0"))}


def _shortened(toks: list[tuple[str, str, bool]], ends: set[int]) -> list[tuple[str, str, bool]]:
    n = len(toks)
    opener: dict[int, int] = {}
    parens: list[int] = []
    for i, (k, t, _) in enumerate(toks):
        if k == "punct" and t == "(":
            parens.append(i)
        elif k == "punct" and t == ")":
            opener[i] = parens.pop()
    joined = _joined_vars(toks)
    out: list[tuple[str, str, bool]] = []
    for i, tok in enumerate(toks):
        k, t, newline = tok
        if newline and i - 1 in ends and k != "re":
            tok = (k, t, False)
        if i in joined:
            if joined[i] == ",":
                out.append(("punct", ",", tok[2]))
            continue
        if k == "name" and t in _SHORTER:
            before = toks[i - 1] if i else ("", "", False)
            after = toks[i + 1] if i + 1 < n else ("punct", ";", False)
            if before[1] not in (".", "?.") and after[0] == "punct" and after[1] in _VALUE_END \
                    and not (after[1] == ":" and before[1] in ("{", ",")):
                first, second = _SHORTER[t]
                out += [(*first, tok[2]), (*second, False)]
                continue
        elif k == "punct" and t == ";" and i + 1 < n and toks[i + 1][:2] == ("punct", "}"):
            before = toks[i - 1]
            if not (before[1] == "else" or (before[1] == ")" and opener.get(i - 1, 0) > 0
                                            and toks[opener[i - 1] - 1][1] in _HEADS)):
                continue
        out.append(tok)
    return out


#: globals a file's wrapper function may take as parameters, so that the renaming gives
#: them short names: the browser's, which no script replaces
_ALIASED = ("document", "window", "Math", "JSON", "Object", "Array", "String", "Promise", "Error",
            "encodeURIComponent")


def _aliased(toks: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """A file that is one call of a function expression, ``(function (a) {...})(b);``,
    with the :data:`_ALIASED` globals its function uses often enough (each use then costs
    one character instead of the global's name) added as parameters given those globals,
    ``(function (a, document) {...})(b, document);``: the renaming then shortens them as
    any parameter (a declaration of the same name inside the function shadows it as it
    did the global). Not when the function reads ``arguments``."""
    n = len(toks)
    text = [t[1] for t in toks]
    if n < 8 or text[:3] != ["(", "function", "("] or "arguments" in text:
        return toks
    match = _matching(toks)
    params_end = match[2]
    body_end = match.get(params_end + 1, -1)
    if text[params_end + 1] != "{" or match[0] != body_end + 1 or \
            text[body_end + 2:body_end + 3] != ["("]:
        return toks
    args_end = match[body_end + 2]
    if text[args_end + 1:] not in ([], [";"]):
        return toks
    uses = dict.fromkeys(_ALIASED, 0)
    for i in range(params_end + 1, body_end):
        if text[i] in uses and text[i - 1] not in (".", "?.") and toks[i][0] == "name":
            uses[text[i]] += 1
    names = [g for g in _ALIASED if uses[g] * (len(g) - 1) > len(g) + 2
             and g not in text[3:params_end]]    # not a parameter's name already
    if not names:
        return toks

    def listed(first: bool) -> list[tuple[str, str, bool]]:
        out: list[tuple[str, str, bool]] = []
        for g in names:
            if out or not first:
                out.append(("punct", ",", False))
            out.append(("name", g, False))
        return out

    return (toks[:params_end] + listed(params_end == 3) + toks[params_end:args_end]
            + listed(args_end == body_end + 3) + toks[args_end:])


def _matching(toks: list[tuple[str, str, bool]]) -> dict[int, int]:
    """Where each opening bracket's token is closed: {index of "(", "[" or "{": index of
    its closing token}."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, (k, t, _) in enumerate(toks):
        if k == "punct" and t in ("(", "[", "{"):
            stack.append(i)
        elif k == "punct" and t in (")", "]", "}"):
            match[stack.pop()] = i
    return match


#: an arrow function may stand (as an assignment expression) after these ...
_ARROW_AFTER = {"(", ",", "=", ":", "?", "[", "return"}
#: ... and before these
_ARROW_BEFORE = {")", ",", ";", "]", "}", ":"}


def _arrows(toks: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """Anonymous function expressions that use neither ``this`` nor ``arguments`` of their
    own as arrow functions (``function(a){return a.b}`` -> ``a=>a.b``): the same program
    for code that never calls them with ``new`` (a function called with ``new`` here is
    declared, or assigned to a name that is never ``new``'s operand: checked) and never
    reads their ``prototype``. Only where an arrow can stand without parentheses."""
    n = len(toks)
    text = [t[1] for t in toks]
    match = _matching(toks)
    constructed = {text[i + 1] for i in range(n - 1)
                   if text[i] == "new" and toks[i + 1][0] == "name"}
    functions = []                          # (function token, "(", "{", "}")
    for i, (k, t, _) in enumerate(toks):
        if k == "name" and t == "function" and (not i or text[i - 1] not in (".", "?.")):
            paren = i + 1 if text[i + 1] == "(" else i + 2
            body = match[paren] + 1
            functions.append((i, paren, body, match[body]))
    own_this: set[int] = set()
    for i, (k, t, _) in enumerate(toks):
        if k == "name" and t in ("this", "arguments") and text[i - 1] not in (".", "?."):
            inside = [f for f in functions if f[2] < i < f[3]]
            if inside:
                own_this.add(max(inside, key=lambda f: f[2])[0])
    replace: dict[int, tuple[int, list[tuple[str, str, bool]]]] = {}
    for start, paren, body, end in functions:
        before = text[start - 1] if start else ""
        after = text[end + 1] if end + 1 < n else ""
        if paren != start + 1 or start in own_this or before not in _ARROW_AFTER or \
                after not in _ARROW_BEFORE or toks[end + 1][0] != "punct" or \
                (before == "=" and text[start - 2] in constructed):
            continue
        params = toks[paren + 1:body - 1]
        named = [t for k, t, _ in params if k == "name"]
        if len(set(named)) != len(named):
            continue        # an arrow cannot repeat a parameter (a sloppy function can)
        if len(params) != 1:
            params = [("punct", "(", False), *params, ("punct", ")", False)]
        head = [(k, t, False) for k, t, _ in params] + [("punct", "=>", False)]
        head[0] = (head[0][0], head[0][1], toks[start][2])
        inner = toks[body + 1:end]
        if inner and inner[-1][1] == ";":
            inner = inner[:-1]
        if len(inner) > 1 and inner[0][:2] == ("name", "return") and not inner[1][2] and \
                _one_expression(inner[1:]):
            # "function (...) { return" -> "(...) =>"; "; }" after the expression goes (the
            # functions inside it are rewritten on their own)
            wrap = inner[1][1] == "{" or "," in _top_level(inner[1:])
            replace[start] = (body + 1, head + [("punct", "(", False)] * wrap)
            replace[body + len(inner) + 1] = (end, [("punct", ")", False)] * wrap)
        else:
            replace[start] = (body - 1, head)
    out: list[tuple[str, str, bool]] = []
    i = 0
    while i < n:
        if i in replace:
            last, tokens_ = replace[i]
            out += tokens_
            i = last + 1
        else:
            out.append(toks[i])
            i += 1
    return out


def _top_level(toks: list[tuple[str, str, bool]]) -> list[str]:
    """The tokens of ``toks`` outside any brackets."""
    depth, out = 0, []
    for k, t, _ in toks:
        if k == "punct" and t in ("(", "[", "{"):
            depth += 1
        elif k == "punct" and t in (")", "]", "}"):
            depth -= 1
        elif depth == 0:
            out.append(t)
    return out


def _one_expression(toks: list[tuple[str, str, bool]]) -> bool:
    """Whether ``toks`` (a ``return``'s operand to the end of a body) is one expression: no
    ``;`` and no line break where a semicolon could be inserted, outside brackets."""
    depth = 0
    for j, (k, t, newline) in enumerate(toks):
        if depth == 0 and j and newline and _may_end(toks[j - 1]):
            return False
        if k == "punct" and t in ("(", "[", "{"):
            depth += 1
        elif k == "punct" and t in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and k == "punct" and t == ";":
            return False
    return True


def _joined_vars(toks: list[tuple[str, str, bool]]) -> dict[int, str]:
    """Where consecutive ``var`` statements join: ``{index of ';': ",", index of the next
    'var': "drop"}``. Only statements in a list (after ``;``, ``{``, ``}`` or at the start),
    each but the last ended by ``;`` with no line break before it where a semicolon could be
    inserted."""
    n = len(toks)
    out: dict[int, str] = {}
    for i in range(n):
        if toks[i][:2] != ("name", "var") or i in out or \
                (i and toks[i - 1][1] not in (";", "{", "}")):
            continue
        depth, j, joins = 0, i + 1, []
        while j < n:
            k, t, newline = toks[j]
            if depth == 0 and newline and _may_end(toks[j - 1]):
                break                           # perhaps the end of the statement
            if k == "punct" and t in ("(", "[", "{"):
                depth += 1
            elif k == "punct" and t in (")", "]", "}"):
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and k == "punct" and t == ";":
                if j + 1 < n and toks[j + 1][:2] == ("name", "var"):
                    joins.append(j)
                    j += 2
                    continue
                break
            j += 1
        for x in joins:  # nothing after a statement's end (";" or a line break) changes
            out[x], out[x + 1] = ",", "drop"
    return out


def _declare_vars(toks, i, scope, declare) -> None:
    """Declare the names of the ``var`` statement at ``i`` in ``scope``."""
    depth = 0
    j = i + 1
    declare(scope, j)
    after = toks[j + 1][1] if j + 1 < len(toks) else ""
    if after not in ("=", ",", ";", "in", "of", ")"):
        raise Unsupported("var")
    j += 1
    while j < len(toks):
        k, t, _ = toks[j]
        if k == "punct" and t in ("(", "[", "{"):
            depth += 1
        elif k == "punct" and t in (")", "]", "}"):
            depth -= 1
            if depth < 0:
                return
        elif depth == 0 and ((k == "punct" and t == ";") or (k == "name" and t in ("in", "of"))):
            return
        elif depth == 0 and k == "punct" and t == ",":
            declare(scope, j + 1)
            after = toks[j + 2][1] if j + 2 < len(toks) else ""
            if after not in ("=", ",", ";", "in", "of", ")"):
                raise Unsupported("var")
        elif depth == 0 and k == "name" and t in ("var", "return", "if", "for"):
            raise Unsupported("var without ';'")
        j += 1
    raise Unsupported("var")


def _after_case(toks, i) -> bool:
    """Whether the ``:`` before ``toks[i]`` ends a ``case`` or ``default`` label."""
    depth = 0
    for j in range(i - 2, -1, -1):
        k, t, _ = toks[j]
        if k == "punct" and t in (")", "]", "}"):
            depth += 1
        elif k == "punct" and t in ("(", "[", "{"):
            if depth == 0:
                return False
            depth -= 1
        elif depth == 0 and k == "name" and t in ("case", "default"):
            return True
        elif depth == 0 and k == "punct" and t in (";", "?", ","):
            return False
    return False
