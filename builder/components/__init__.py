"""What a page can hold, one module per kind, each registered by name.

- :mod:`builder.components.questions`: question types (knowledge checks and quiz
  questions), one module per type;
- :mod:`builder.components.blocks`: content blocks (callouts, accordions, ...), one module
  per block.

A component module owns everything about its kind: the source keys it adds (declared with
:mod:`builder.keys`, so the loader and the editor schemas take them from it), how those
keys are read into the model, the checks on what was read, the data it hands the runtime,
its template partial and its runtime script. Each registry is a :class:`Registry`; see
docs/development.md for adding a component.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Components of one kind by name, in the order they were registered (the order the
    documentation, the editor schemas and error messages list them in).

    ``register`` is a class decorator: it makes one instance of the class and files it
    under the class's ``name``, or under each of its ``names`` (a content block written
    under several names: ``::: note``, ``::: tip``)::

        @QUESTIONS.register
        class Choice(QuestionType):
            name = "choice"
    """

    def __init__(self, kind: str):
        self.kind = kind  #: what the components are, for messages ("question type")
        self._items: dict[str, T] = {}

    def register(self, cls: type[T]) -> type[T]:
        names = getattr(cls, "names", ()) or (getattr(cls, "name", ""),)
        assert all(names), f"a {self.kind} needs a name"
        item = cls()
        for name in names:
            assert name not in self._items, f"two {self.kind}s are named '{name}'"
            self._items[name] = item
        return cls

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> tuple[str, ...]:
        return tuple(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def values(self) -> list[T]:
        """Each component once (one with several names too), in registration order."""
        return list({id(v): v for v in self._items.values()}.values())
