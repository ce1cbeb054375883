"""The runtime's scripts as one file, ``static/cp-runtime.js``, and the theme's style
sheets as one, ``static/coursepack.css``.

A package's launch page used to load each script of the runtime (``render.scripts()``:
the page loader, the question types' registry and the types the course uses, the resume
state, the LMS adapter, the features, ``coursepack.js``) as a file of its own, 14 to 17
requests before the first page could show. A learner's browser, and more so an LMS that
serves each file through its own code (a Python or PHP handler, a permission check),
pays for each request: in the benchmark's LMS frame they were most of the time before the
first page showed (benchmarks/README.md, "Where the time goes"). So the build joins them,
in the same order, into one script: :data:`BUNDLE`, what ``view.scripts`` lists.

Each part is the script as packages carried it on its own (:func:`builder.render.shipped_text`:
the default theme's minified, with its first line naming the commented source,
``/* coursepack <version> templates/static/<name> */``; a course's own copy as written),
and each keeps its wrapper: the parts share no names but the globals they always shared.
A default-theme part ends with ``;`` and a line break and is written as it is, so the
bundle is exactly as long as the parts were; any other part is preceded by a line that
names it (``/* static/<name> */``) and followed by a line holding ``;`` (so that what
follows never continues its last statement). :func:`split` gives the parts back, by name:
tests and tools read a part as they read the file before.

What changes for a script: it runs in the same order as before, before
``DOMContentLoaded``, but an exception at the top level of one part stops the parts after
it (each file's code runs in its own function, where errors are caught as before), and a
syntax error in a course's own copy of a script stops the whole bundle, where it stopped
that file only.

The style sheets likewise (:data:`STYLES`): ``coursepack.css`` first, then those of the
content blocks and screens the course uses (``view.style_parts``), each as shipped on its
own (a course's own copy is followed by a line break instead of ``;``). They block the
first paint: five requests for the SRO course, one now. The file keeps the name of the
first part, which every copy of ``base.html`` links; the others are no longer linked. A
course's own copy of one of them must not use ``@import`` or ``@charset`` (only the first
rules of a file may) nor ``url()`` paths relative to ``static/blocks/`` (they now resolve
from ``static/``). The course theme's ``static/theme.css`` stays a file of its own.
"""

from __future__ import annotations

import re

BUNDLE = "static/cp-runtime.js"
STYLES = "static/coursepack.css"

#: the first line of a default-theme file as shipped (builder.render.shipped_text)
_THEME_HEAD = re.compile(r"/\* coursepack \S+ templates/(static/\S+\.(?:js|css)) \*/\n")
#: where a part starts: its head line, after the line break that ends the part before
_PART = re.compile(r"^/\* (?:coursepack \S+ templates/)?(static/\S+\.(?:js|css)) \*/\n",
                   re.M)


def _end(name: str) -> str:
    """What follows a part that is not the default theme's (a script's last statement
    must not continue into the next part)."""
    return "\n;\n" if name.endswith(".js") else "\n"


def join(parts: list[tuple[str, bytes]]) -> bytes:
    """The bundle of ``parts`` ((name, script or style sheet) in load order)."""
    out = []
    for name, data in parts:
        text = data.decode("utf-8")
        head = _THEME_HEAD.match(text)
        if head and head.group(1) == name and text.endswith(";\n" if name.endswith(".js")
                                                            else "\n"):
            out.append(text)
        else:
            out.append(f"/* {name} */\n{text}{_end(name)}")
    return "".join(out).encode("utf-8")


def split(data: bytes) -> list[tuple[str, str]]:
    """The parts of a bundle ((name, text) in load order), as :func:`join` was given them
    (a course's own file without what join added after it)."""
    text = data.decode("utf-8")
    heads = list(_PART.finditer(text))
    if not heads or heads[0].start() != 0:
        raise ValueError("no part starts the bundle")
    parts = []
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.start():after.start() if after else len(text)]
        if not head.group(0).startswith("/* coursepack "):
            body = body[len(head.group(0)):].removesuffix(_end(head.group(1)))
        parts.append((head.group(1), body))
    return parts
