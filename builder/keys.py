"""The language the source formats are declared in (:mod:`builder.formats`): a :class:`Key`
of a mapping, the keys that depend on another key's value (:class:`Variants`), a
:class:`Mapping` of keys and a :class:`Document`. Question types
(:mod:`builder.components.questions`) declare their own keys with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: the whole value must match these (they read the same in Python and in JSON Schema)
ID = r"^[a-z][a-z0-9-]*$"
ID_HINT = "use lowercase letters, digits and hyphens, starting with a letter (e.g. 'define-sro')"

TEXT = str
WHOLE = int
NUMBER = (int, float)
FLAG = bool
LIST = list
MAPPING = dict

Message = str | Callable[[Any], str]


@dataclass(frozen=True)
class Key:
    """One key of a mapping.

    ``message`` (and ``hint``) is what the author reads when the value breaks ``enum``,
    ``pattern``, ``minimum``, ``maximum`` or ``above``: a template with ``{name}``,
    ``{value}`` (and ``{index}`` for an item of a list), or a function of the value.
    """

    name: str
    type: type | tuple[type, ...]
    description: str  #: one line, for editors (hover) and the key reference
    required: bool = False
    #: the value when the key is left out (or empty); None when that means "nothing"
    #: or something the description explains (such as an id made from the file name)
    default: Any = None
    enum: tuple = ()
    pattern: str = ""  #: the whole text must match
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  #: the value must be greater than this
    #: lists: the type of each item, or the mapping each item is
    items: type | tuple[type, ...] | Mapping | None = None
    item_enum: tuple = ()  #: lists: the values an item may take
    mapping: Mapping | None = None  #: mappings: the keys inside
    message: Message = ""
    hint: Message = ""
    #: when set, an empty value (``key:`` with nothing after it) is this problem
    #: (message, hint); otherwise an empty value counts as leaving the key out
    empty: tuple[str, str] | None = None

    def __post_init__(self):
        assert (self.type is list) == (self.items is not None), self.name
        assert (self.type is dict) == (self.mapping is not None), self.name

    @property
    def nullable(self) -> bool:
        """May the key be present with an empty value?"""
        return not self.required and self.empty is None

    def problem(self, value: Any, index: int | None = None) -> tuple[str, str]:
        """(message, hint) for a value that breaks this key's constraints."""
        return (_say(self.message, self, value, index) or self._default_message(value),
                _say(self.hint, self, value, index))

    def _default_message(self, value: Any) -> str:
        if self.enum or self.item_enum:
            allowed = ", ".join(self.enum or self.item_enum)
            return f"{self.name} must be one of {allowed}, not '{value}'"
        if self.pattern:
            return f"'{value}' is not a valid {self.name}"
        return f"{self.name} is out of range: {value}"


def _say(message: Message, key: Key, value: Any, index: int | None) -> str:
    if callable(message):
        return message(value)
    return message.format(name=key.name, value=value, index=index)


@dataclass(frozen=True)
class Variants:
    """Keys that depend on the value of another key: a question's ``type`` decides which
    keys it has."""

    on: str
    cases: dict[str, tuple[Key, ...]] = field(hash=False)


@dataclass(frozen=True)
class Mapping:
    """The keys of one kind of YAML mapping, in the order they are documented."""

    title: str
    description: str
    keys: tuple[Key | Variants, ...]

    @property
    def variants(self) -> Variants | None:
        return next((k for k in self.keys if isinstance(k, Variants)), None)

    def allowed(self, case: str | None = None) -> list[Key]:
        """The keys allowed in this mapping; with variants, those of ``case``."""
        out: list[Key] = []
        for k in self.keys:
            if isinstance(k, Key):
                out.append(k)
            elif case is not None:
                out.extend(k.cases[case])
        return out


@dataclass(frozen=True)
class Document:
    """One kind of source file and the schema file that describes it."""

    name: str  #: the schema file is ``<name>.schema.json``
    title: str
    description: str
    root: Mapping
    is_list: bool = False  #: the file is a list of ``root`` mappings
    #: glob patterns of the YAML files it is for, relative to the course folder; none for
    #: YAML inside Markdown (front matter, question blocks), which editors do not map
    files: tuple[str, ...] = ()

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"


def id_key(name: str, description: str, *, required: bool = True) -> Key:
    return Key(name, TEXT, description, required=required, pattern=ID,
               message="'{value}' is not a valid id: " + ID_HINT)
