"""The compiled methods of coursepack's dataclasses, kept between runs.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``
and, frozen, ``__setattr__`` and ``__delattr__`` as Python source and compiles it when
the class is created: for the 53 dataclasses a build imports, about 38 ms of CPU on the
benchmark machine (a fifth of all the imports), every run, for the same source every
time. :func:`install` (run by ``builder/__init__.py``, before any of them is created)
keeps the compiled code, as Python keeps a module's in ``__pycache__`` and coursepack the
theme's compiled templates: the source ``dataclasses`` generates for one of coursepack's
classes is compiled once, and found again by its exact text in the next run. What is
compiled, and so every class, is the same as without the cache; only the compiling is
saved. Classes of other packages are left alone.

The file is ``classes-<coursepack version>-<Python's cache tag>.marshal`` in the folder
of the template cache (``$COURSEPACK_CACHE``, else ``$XDG_CACHE_HOME/coursepack`` or
``~/.cache/coursepack``); ``COURSEPACK_CACHE=off`` turns both off. It is written, when a
run compiled something new, as the run ends (to a temporary file, then renamed); a file
that cannot be read or written is ignored.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import os
import sys
from pathlib import Path

from builder import __version__

#: source text -> compiled code
_codes: dict[str, object] = {}
_state = {"loaded": False, "new": False}


def cache_root() -> Path | None:
    """The folder of coursepack's caches; None when turned off."""
    setting = os.environ.get("COURSEPACK_CACHE", "")
    if setting.lower() == "off":
        return None
    try:
        return Path(setting) if setting else Path(
            os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coursepack"
    except RuntimeError:  # no home folder to be found
        return None


def _file() -> Path | None:
    root = cache_root()
    return root / f"classes-{__version__}-{sys.implementation.cache_tag}.marshal" \
        if root is not None else None


def _load() -> None:
    _state["loaded"] = True
    path = _file()
    try:
        codes = marshal.loads(path.read_bytes()) if path is not None else {}
    except (OSError, ValueError, EOFError, TypeError):
        return
    if isinstance(codes, dict):
        _codes.update(codes)


def _exec(source, globals=None, locals=None, /):
    """``exec`` as ``dataclasses`` calls it: a class of coursepack's gets its methods from
    code compiled before, or compiled now and kept."""
    if type(source) is str and type(globals) is dict \
            and str(globals.get("__name__", "")).startswith("builder."):
        if not _state["loaded"]:
            _load()
        code = _codes.get(source)
        if code is None:
            # as exec compiles it inside dataclasses (which has no __future__ imports)
            code = _codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _state["new"] = True
        source = code
    if globals is None:  # never done by dataclasses; as it would be run there
        globals = vars(dataclasses)
    return builtins.exec(source, globals, locals)


def _save() -> None:
    if not _state["new"]:
        return
    path = _file()
    if path is None:
        return
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".classes-")
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps(_codes))
        os.replace(temp, path)
    except (OSError, ValueError):
        pass


def install() -> None:
    """Compile coursepack's dataclasses' methods through the cache from now on (unless
    the caches are turned off)."""
    if cache_root() is not None and getattr(dataclasses, "exec", None) is not _exec:
        dataclasses.exec = _exec  # found before the builtin by _create_fn's lookup
        atexit.register(_save)
