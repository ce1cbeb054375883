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


def fill(obj: object) -> None:
    """Replace, in place, every :class:`Later` inside ``obj`` (dataclasses, tuples, lists,
    dicts, however deep) by its HTML. The model's dataclasses are frozen for everyone
    else; the render pass is the one writer that finishes them."""
    done: dict[int, object] = {}  # id -> what it became (a tuple is replaced, not changed)
    keep: list[object] = []  # ids stay unique while the walk runs

    def walk(value: object) -> object:
        if isinstance(value, Later):
            return str(value)
        if isinstance(value, (str, int, float, bool, type(None))):
            return value
        if id(value) in done:
            return done[id(value)]
        done[id(value)] = value
        keep.append(value)
        if isinstance(value, tuple):
            new = tuple(walk(v) for v in value)
            if any(a is not b for a, b in zip(new, value, strict=True)):
                done[id(value)] = new
                return new
            return value
        if isinstance(value, list):
            value[:] = [walk(v) for v in value]
        elif isinstance(value, dict):
            for k in value:
                value[k] = walk(value[k])
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                old = getattr(value, f.name)
                new = walk(old)
                if new is not old:
                    object.__setattr__(value, f.name, new)
        return value

    walk(obj)
