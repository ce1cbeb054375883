"""Safe YAML that remembers line numbers, and a reader that checks mappings against
their declarations in :mod:`builder.formats`.

PyYAML's safe loader builds plain dicts and lists and forgets where they came from. The
loader here builds :class:`LDict`/:class:`LList`, which remember the line of every key
and item, so a problem can name the exact line. Duplicate keys are problems too (plain
YAML silently keeps the last one).
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from typing import Any

import yaml

from builder.errors import Problem, did_you_mean
from builder.formats import Key, Mapping, matches

#: deeper nesting than this is a mistake (course files need a handful of levels), and the
#: constructor is recursive: very deep documents would overflow Python's stack
MAX_DEPTH = 50
#: values a document may hold once aliases are expanded: more is a "billion laughs" bomb
MAX_VALUES = 1_000_000
#: numbers beyond this lose precision in the browser (Number.MAX_SAFE_INTEGER)
MAX_NUMBER = 2**53 - 1
#: characters XML 1.0 cannot carry (manifests hold titles and texts): C0 controls but
#: tab and line ends, the non-characters U+FFFE and U+FFFF, and lone surrogates; and the
#: C1 controls, which XML 1.0 discourages and terminals act on
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def control_problem(text: str) -> str:
    """What is wrong with ``text`` if it holds a character XML cannot carry, else ""."""
    m = NOT_XML.search(text)
    return f"holds the invisible character U+{ord(m.group()):04X}, which packages cannot " \
        "carry" if m else ""


CONTROL_HINT = "remove it: it is invisible in most editors (was the text pasted from elsewhere?)"


class LDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict
    flow: bool = False  #: written in flow style, {a: 1, b: 2}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list):
    """A sequence from YAML that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """A safe loader (no Python objects) that builds LDict/LList and reports duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    data = LDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.flow = bool(getattr(node, "flow_style", False))
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in data:
            loader.duplicates.append((str(key), line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: _Loader, node: yaml.SequenceNode):
    data = LList()
    data.line = node.start_mark.line + 1
    data.item_lines = [n.start_mark.line + 1 for n in node.value]
    yield data
    data.extend(loader.construct_object(n, deep=True) for n in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def parse_yaml(text: str, file: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data (None on a syntax error) and the problems.

    ``first_line`` is the line of the file where ``text`` starts (for YAML embedded in
    Markdown front matter or a fenced block).
    """
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        too_big = (_check_size(node) if node is not None and not _small_tree(node, text)
                   else None)
        if too_big:
            return None, [Problem(file, too_big[0] + offset, "", too_big[1], too_big[2])]
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        what = exc.problem or str(exc)
        tag = re.match(r"could not determine a constructor for the tag '(.*)'", what)
        if tag:  # the safe loader builds no Python objects: `!!python/...` and the like
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            return None, [Problem(file, line, "", f"YAML error: the tag '{name}' is not "
                                  "allowed", "course files hold only text, numbers, lists "
                                  "and mappings: remove the tag")]
        if exc.context:
            context = exc.context
            if exc.context_mark and exc.problem_mark and \
                    exc.context_mark.line != exc.problem_mark.line:
                context += f" (from line {exc.context_mark.line + 1 + offset})"
            what = f"{context}, {what}"
        hint = ("indent with spaces: YAML does not allow tabs there" if "tab" in what else
                "check the indentation and quote values that contain ': ' or start "
                "with a special character such as '*', '&', '!', '[', '{' or '@'")
        return None, [Problem(file, line, "", f"YAML syntax error: {what}", hint)]
    except yaml.YAMLError as exc:
        return None, [Problem(file, first_line, "", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    problems = [
        Problem(file, line + offset, key, f"duplicate key '{key}'",
                "each key may appear only once in a mapping; remove one of them")
        for key, line in loader.duplicates
    ]
    if offset:
        _shift(data, offset)
    return data, problems


def _check_size(root: yaml.Node) -> tuple[int, str, str] | None:
    """(line, message, hint) when the composed document nests too deeply, refers to
    itself, or expands (through aliases) to too many values; else None.

    Runs on the node graph before anything is constructed, without recursion: an alias
    is a shared node, so sizes are memoised per node and a bomb costs what its text does.
    """
    done: dict[int, tuple[int, int]] = {}  # id(node) -> (values when expanded, depth)
    open_: set[int] = set()  # the nodes on the path being walked
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if id(node) in done:
            continue
        children = _children(node)
        line = node.start_mark.line + 1
        if not closing:
            open_.add(id(node))
            stack.append((node, True))
            for child, where in zip(children, _child_lines(node), strict=True):
                if id(child) in open_:
                    return (where, "YAML error: an alias refers to the "
                            "mapping or list that contains it (a structure without end)",
                            "replace the alias (*name) with the values it stands for")
                if id(child) not in done:
                    stack.append((child, False))
            if len(open_) > MAX_DEPTH:
                return (line, f"YAML error: values are nested more than {MAX_DEPTH} "
                        "levels deep", "flatten the structure: course files need only a "
                        "few levels")
            continue
        open_.discard(id(node))
        size = 1 + sum(done[id(c)][0] for c in children)
        depth = 1 + max((done[id(c)][1] for c in children), default=0)
        if size > MAX_VALUES:
            return (line, f"YAML error: aliases expand this to more than {MAX_VALUES:,} "
                    "values", "write the values out instead of nesting aliases (*name) of "
                    "aliases")
        done[id(node)] = (size, depth)
    return None


def _small_tree(root: yaml.Node, text: str) -> bool:
    """True when ``text`` (composed to ``root``) has no anchor, so no alias and no shared
    node, and the tree is within :data:`MAX_DEPTH` levels and :data:`MAX_VALUES` values:
    :func:`_check_size` would find nothing. A cheap walk, for the common case; any
    other document goes through :func:`_check_size`, which says what is wrong."""
    if "&" in text:  # an anchor (&name) is the only way to share a node
        return False
    count = 0
    stack = [(root, 1)]
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_VALUES:
            return False
        cls = type(node)
        if cls is mapping:
            stack.extend((n, depth + 1) for pair in node.value for n in pair)
        elif cls is sequence:
            stack.extend((n, depth + 1) for n in node.value)
    return True


def _child_lines(node: yaml.Node) -> list[int]:
    """For each child of ``node``, the line that names it: a mapping value's key line (an
    alias has no position of its own in the node graph), else the child's own line."""
    if isinstance(node, yaml.MappingNode):
        return [k.start_mark.line + 1 for k, _ in node.value for _ in range(2)]
    return [n.start_mark.line + 1 for n in _children(node)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _shift(data: Any, offset: int) -> None:
    """Move every line of ``data`` by ``offset``, once per object (aliases share them)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if not isinstance(item, LDict | LList) or id(item) in seen:
            continue
        seen.add(id(item))
        item.line += offset
        if isinstance(item, LDict):
            item.key_lines = {k: v + offset for k, v in item.key_lines.items()}
            stack.extend(item.values())
        else:
            item.item_lines = [v + offset for v in item.item_lines]
            stack.extend(item)


_DECLARED = object()  #: get(): no default given, take the declared one

_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false",
               list: "a list", dict: "a mapping (key: value pairs)", float: "a number"}


def _wanted(kinds: tuple[type, ...]) -> str:
    """The types in words: "a string or a list"; int beside float is just "a number"."""
    if float in kinds:
        kinds = tuple(k for k in kinds if k is not int)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def number_problem(value: Any) -> str:
    """What is wrong with a number a browser cannot use (infinite, not a number, or too
    large to count exactly), or ""."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value}"
    if abs(value) > MAX_NUMBER:
        return f"is too large (the limit is {MAX_NUMBER:,})"
    return ""


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    for t, name in ((bool, "true/false"), (int, "a number"), (float, "a number"),
                    (str, "a string"), (list, "a list"), (dict, "a mapping")):
        if isinstance(value, t):
            return name
    return type(value).__name__


class Fields:
    """Reads the keys of one YAML mapping as its declaration (:class:`Mapping`) says,
    collecting every problem it finds.

    ``get`` checks presence, type and the declared constraints; ``done`` reports keys the
    declaration does not allow, with a "did you mean" among the allowed ones. Unknown keys
    are errors: a misspelt key that is silently ignored is a bug the author cannot see.
    Asking for a key the declaration lacks, or never asking for one it has, is a bug in
    coursepack (an assertion).
    """

    def __init__(self, data: Any, spec: Mapping, file: str, path: str,
                 problems: list[Problem], line: int = 0):
        self.spec = spec
        self.case: str | None = None  #: the chosen variant (a question's type)
        self.file = file
        self.path = path
        self.problems = problems
        self.read: set[str] = set()  #: the keys asked for
        self.missing: dict[str, Problem] = {}  #: required keys not found, and their problem
        self.ok = isinstance(data, dict)
        self.data: LDict = data if self.ok else LDict()
        if not hasattr(self.data, "key_lines"):
            self.data.key_lines = {}
        self.line = getattr(data, "line", 0) or line
        if not self.ok:
            self.problems.append(Problem(
                file, self.line, path, f"expected a mapping (key: value pairs), got "
                f"{type_name(data)}", "write one 'key: value' per line"))

    def select(self, case: str) -> None:
        """Choose the variant whose keys are allowed (a question's type)."""
        variants = self.spec.variants
        assert variants is not None and case in variants.cases, (self.spec.title, case)
        self.case = case

    def spec_of(self, name: str) -> Key:
        key = _named(self.spec, self.case).get(name)
        assert key is not None, f"{self.spec.title} declares no key '{name}' ({self.case})"
        return key

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def line_of(self, name: str) -> int:
        return self.data.line_of(name) if name in self.data else self.line

    def error(self, name: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, self.line_of(name), self.key(name), message, hint))

    def get(self, name: str, default: Any = _DECLARED) -> Any:
        """The value of ``name`` if it is what the declaration allows, else ``default``
        (the declared default unless one is given here), with the problem noted."""
        key = self.spec_of(name)
        self.read.add(name)
        if default is _DECLARED:
            default = copy.copy(key.default)
        if name not in self.data or self.data[name] is None:
            if name in self.data and key.empty and self.ok:
                self.error(name, *key.empty)
            elif key.required and self.ok:
                self.missing[name] = Problem(
                    self.file, self.line, self.key(name), f"missing required key '{name}'",
                    f"add '{name}: ...' here")
                self.problems.append(self.missing[name])
            return default
        value = self.data[name]
        kinds = key.type if isinstance(key.type, tuple) else (key.type,)
        # YAML reads `yes`/`no`/`1` as bool/int; bool is an int in Python, keep them apart.
        if isinstance(value, bool) and bool not in kinds:
            bad = True
        elif float in kinds and isinstance(value, int) and not isinstance(value, bool):
            bad = False
        else:
            bad = not isinstance(value, kinds)
        if bad and str in kinds and isinstance(value, int | float) \
                and not isinstance(value, bool):
            value, bad = str(value), False  # `version: 1.0` is a float in YAML; take it as text
        if bad:
            want = _wanted(kinds)
            self.error(name, f"'{name}' must be {want}, got {type_name(value)}",
                       "quote the value if it is text" if str in kinds else "")
            return default
        message = number_problem(value) or (control_problem(value) if isinstance(value, str)
                                             else "")
        if message:
            self.error(name, f"'{name}' {message}", CONTROL_HINT if "control" in message else "")
            return default
        if not allowed(key, value):
            self.error(name, *key.problem(value))
            return default
        return value

    def get_list(self, name: str) -> list:
        """A list of plain values (text, numbers); bad items are reported and dropped."""
        key = self.spec_of(name)
        assert not isinstance(key.items, Mapping), name
        value = self.get(name, default=[])
        out = []
        items = key.items if isinstance(key.items, tuple) else (key.items,)
        for i, v in enumerate(value):
            line = value.line_of(i) if isinstance(value, LList) else self.line_of(name)
            if isinstance(v, items) and not (isinstance(v, bool) and bool not in items):
                message = number_problem(v) or (control_problem(v) if isinstance(v, str)
                                                else "")
                if message:
                    self.problems.append(Problem(self.file, line, f"{self.key(name)}[{i}]",
                                                 f"the value {message}"))
                elif key.item_enum and v not in key.item_enum:
                    self.error(name, *key.problem(v, i))  # said of the list, with the index
                else:
                    out.append(v)
            else:
                want = _wanted(items)
                self.problems.append(Problem(
                    self.file, line, f"{self.key(name)}[{i}]",
                    f"expected {want}, got {type_name(v)}"))
        return out

    def fields(self, name: str) -> Fields | None:
        """The mapping under ``name``, to read with its own declaration; None when the key
        is left out (or is not a mapping: reported)."""
        key = self.spec_of(name)
        assert key.mapping is not None, name
        raw = self.get(name)
        if raw is None:
            return None
        return Fields(raw, key.mapping, self.file, self.key(name), self.problems,
                      self.line_of(name))

    def each(self, name: str) -> list[Fields]:
        """The mappings of the list under ``name``, each to read with its declaration."""
        key = self.spec_of(name)
        assert isinstance(key.items, Mapping), name
        raw = self.get(name, default=[])
        return [Fields(item, key.items, self.file, f"{self.key(name)}[{i}]", self.problems,
                       raw.line_of(i) if isinstance(raw, LList) else 0)
                for i, item in enumerate(raw)]

    def done(self) -> None:
        assert self.spec.variants is None or self.case is not None, self.spec.title
        named = _named(self.spec, self.case)
        unread = [name for name in named if name not in self.read]
        assert not unread, f"{self.spec.title}: the loader never reads {unread}"
        for name in self.data:
            if name not in named:
                known = list(named)
                hint = did_you_mean(name, known) or comma_hint(self.data, name) or (
                    "allowed keys here: " + ", ".join(known))
                self.error(str(name), f"unknown key '{name}'", hint)
                # a misspelt required key: "did you mean" says it all, once
                for close in difflib.get_close_matches(str(name), known, n=1, cutoff=0.6):
                    if close in self.missing and self.missing[close] in self.problems:
                        self.problems.remove(self.missing.pop(close))


#: (id of a declaration, variant) -> (the declaration, its allowed keys by name): asked
#: for every key read (a 10,000-page course's quizzes read 100,000 keys)
_NAMED: dict[tuple[int, str | None], tuple[Mapping, dict[str, Key]]] = {}


def _named(spec: Mapping, case: str | None) -> dict[str, Key]:
    """``spec.allowed(case)`` by name (the first key of a name), in order."""
    found = _NAMED.get((id(spec), case))
    if found is None or found[0] is not spec:
        named: dict[str, Key] = {}
        for k in spec.allowed(case):
            named.setdefault(k.name, k)
        found = _NAMED[(id(spec), case)] = (spec, named)
    return found[1]


def allowed(key: Key, value: Any) -> bool:
    """Does ``value`` (of the right type) keep within ``key``'s declared constraints?"""
    if key.enum and value not in key.enum:
        return False
    if key.pattern and isinstance(value, str) and not matches(key.pattern, value):
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if key.minimum is not None and value < key.minimum:
            return False
        if key.maximum is not None and value > key.maximum:
            return False
        if key.above is not None and value <= key.above:
            return False
    return True


def comma_hint(data, name) -> str:
    """In a flow mapping ({text: Yes, it is}) a comma ends the text, and the rest becomes a
    key without a value: say so, and how to quote."""
    if not getattr(data, "flow", False) or data.get(name) is not None:
        return ""
    keys = list(data)
    at = keys.index(name)
    if at == 0 or not isinstance(data[keys[at - 1]], str):
        return ""
    prev = keys[at - 1]
    return (f"a comma ends the text of '{prev}' inside {{...}}, so '{name}' became a key of "
            f"its own: put the text in quotes, e.g. {prev}: \"{data[prev]}, {name}\"")

