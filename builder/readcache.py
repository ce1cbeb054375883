"""What ``coursepack preview`` keeps of the files it read, from one rebuild to the next.

A save changes one file: the others' parsed YAML is taken again from here as long as
their text is the same (compared in full: a cheap comparison next to parsing). One entry
per file, the latest text, so the memory stays that of one copy of the course's data.
The entries belong to the preview's :class:`~builder.markdown.RenderCache` (a build
without one reads everything afresh).

The parsed data is shared between rebuilds: nothing that reads it may change it (the
loaders only read it, into new model objects).
"""

from __future__ import annotations

import weakref
from typing import Any

from builder.errors import Problem
from builder.yamlfile import parse_yaml

#: RenderCache -> {file: (text, first_line, data, problems)}
_FILES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def parse(cache: object | None, text: str, file: str, first_line: int = 1
          ) -> tuple[Any, list[Problem]]:
    """:func:`builder.yamlfile.parse_yaml`, from ``cache``'s entry for ``file`` when its
    text is the same as last time."""
    if cache is None:
        return parse_yaml(text, file, first_line)
    files = _FILES.setdefault(cache, {})
    entry = files.get(file)
    if entry is None or entry[0] != text or entry[1] != first_line:
        data, problems = parse_yaml(text, file, first_line)
        entry = files[file] = (text, first_line, data, problems)
    return entry[2], list(entry[3])
