"""HTML the render pass writes, held by the model the reading pass builds.

Loading a course is two passes (builder/loaders.py): the reading pass parses every text
once and checks it (file and line), and holds each text's HTML as a :class:`Later`; once
everything is read (so every link target is known), the render pass turns each text into
HTML and :func:`fill` puts the strings into the model in place of the placeholders.

A :class:`Later` turns into its string only inside :func:`rendering`: code of the reading
pass that looks at HTML fails loudly instead of rendering early. Join pieces with
:func:`concat`, never with ``+``, ``"".join`` or an f-string.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import PosixPath, PurePosixPath

_state = threading.local()


@contextmanager
def rendering() -> Iterator[None]:
    """The render pass: placeholders may turn into HTML."""
    before = getattr(_state, "on", False)
    _state.on = True
    try:
        yield
    finally:
        _state.on = before


class Later:
    """HTML made in the render pass (by ``make``, once)."""

    __slots__ = ("_make", "_html")

    def __init__(self, make: Callable[[], object]):
        self._make: Callable[[], object] | None = make
        self._html: str | None = None

    @classmethod
    def done(cls, html: str) -> Later:
        later = cls(lambda: html)
        later._html, later._make = html, None
        return later

    @property
    def made(self) -> str | None:
        """The HTML when made already (:meth:`done`, or once turned into a string), else
        None: asking does not make it."""
        return self._html

    @property
    def maker(self) -> Callable[[], object] | None:
        """What makes the HTML in the render pass (None once it is made)."""
        return self._make

    def __str__(self) -> str:
        if self._html is None:
            if not getattr(_state, "on", False):
                raise RuntimeError("HTML asked for in the reading pass: it is made in the "
                                   "render pass (builder/deferred.py)")
            assert self._make is not None
            self._html, self._make = str(self._make()), None
        return self._html

    def __bool__(self) -> bool:
        return bool(str(self))

    def __repr__(self) -> str:
        return f"Later({self._html!r})" if self._html is not None else "Later(...)"


def concat(pieces: Iterable[object]) -> Later:
    """The pieces (strings and placeholders) joined, in the render pass."""
    parts = list(pieces)
    return Later(lambda: "".join(str(p) for p in parts))


#: values that hold no placeholder
_ATOMS = frozenset((str, int, float, bool, type(None), bytes, PosixPath, PurePosixPath,
                    frozenset))
#: dataclass type -> its field names (None: not a dataclass)
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def fill(obj: object, filled: Iterable[object] = (),
         into: Callable[[str], object] | None = None) -> None:
    """Replace, in place, every :class:`Later` inside ``obj`` (dataclasses, tuples, lists,
    dicts, however deep) by its HTML. The model's dataclasses are frozen for everyone
    else; the render pass is the one writer that finishes them. ``filled``: objects
    known to hold no placeholder (filled before), not looked into. ``into``: what a
    placeholder becomes, given its HTML (default: the HTML itself)."""
    keep: list[object] = list(filled)  # ids stay unique while the walk runs
    # id -> what it became (a tuple is replaced, not changed)
    done: dict[int, object] = {id(o): o for o in keep}
    setattr_ = object.__setattr__

    def walk(value: object) -> object:
        kind = type(value)
        if kind is Later:
            return str(value) if into is None else into(str(value))
        if kind in _ATOMS:
            return value
        key = id(value)
        if key in done:
            return done[key]
        done[key] = value
        keep.append(value)
        if kind is tuple:
            new = None
            for i, v in enumerate(value):  # type: ignore[arg-type]
                w = walk(v)
                if w is not v:
                    if new is None:
                        new = list(value)  # type: ignore[call-overload]
                    new[i] = w
            if new is not None:
                done[key] = value = tuple(new)
            return value
        if kind is list:
            for i, v in enumerate(value):  # type: ignore[arg-type]
                w = walk(v)
                if w is not v:
                    value[i] = w  # type: ignore[index]
            return value
        if kind is dict:
            for k, v in value.items():  # type: ignore[attr-defined]
                w = walk(v)
                if w is not v:
                    value[k] = w  # type: ignore[index]
            return value
        names = _FIELDS.get(kind, ())
        if names == ():
            names = _FIELDS[kind] = (tuple(f.name for f in dataclasses.fields(value))
                                     if dataclasses.is_dataclass(value) else None)
        for name in names or ():
            old = getattr(value, name)
            new_ = walk(old)
            if new_ is not old:
                setattr_(value, name, new_)
        return value

    walk(obj)
