"""The item-quality and reading-level findings of a course, kept between builds in
coursepack's cache (issue 18: a small build's fixed costs).

Those findings (:func:`builder.quality.check` and each module's reading figures) are a
pure function of the course as loaded (the model: every text, question, option, setting
and source line) and of coursepack's code; for the SRO course they are about 80 ms of a
build's CPU, the same on every build until the course changes. :func:`start` takes them
from the cache when an earlier build of the same course by the same coursepack found them,
else finds them as ever (:func:`builder.background.start`) and keeps what it found.

The key is the SHA-256 of the course model as pickled (pickle writes the objects in a
fixed order: the same sources give the same bytes) and of the code's signature: the
path, size and modification time of every module of the builder package (what Python
trusts to reuse a module's bytecode) and the Python version. Any change to the course or
to coursepack makes a new key; an entry whose own checksum is wrong, or that cannot be
read, is found again. Only courses below :data:`builder.background.MIN_PAGES` pages are
kept: pickling a 10,000-page course to make its key would cost more than it saves, and
those courses' findings are found on the other core anyway. ``COURSEPACK_CACHE=off``
turns the cache off; at most :data:`MAX_FILES` entries are kept, the least recently used
going first.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path

from builder import background, quality, usercache
from builder.errors import Problem
from builder.model import Course

MAX_FILES = 64


class _Kept:
    """Findings taken from the cache (the interface of :class:`background.Findings`)."""

    forked = False

    def __init__(self, course: Course, problems: list[Problem], readings: list):
        self.course, self.problems, self.readings = course, problems, readings

    def result(self) -> list[Problem]:
        quality.remember_readings(self.course, self.readings)
        return list(self.problems)


class _Keeping:
    """Findings found now (:class:`background.Findings`), kept in the cache when asked for."""

    def __init__(self, found: background.Findings, path: Path):
        self.found, self.path = found, path
        self.forked = found.forked

    def result(self) -> list[Problem]:
        problems = self.found.result()
        if self.path is not None:
            path, self.path = self.path, None
            course = self.found.course
            try:
                readings = [quality.module_reading_of(m, course.language)
                            for m in course.modules]
                data = pickle.dumps((problems, readings), protocol=5)
            except Exception:  # noqa: BLE001 - not kept; the build goes on as ever
                return problems
            _write(path, data)
        return problems


def start(course: Course):
    """:func:`builder.background.start`, or the findings an earlier build kept."""
    pages = sum(len(m.pages) for m in course.modules) + len(course.assessments)
    folder = _folder() if pages < background.MIN_PAGES else None
    if folder is None:
        return background.start(course)
    try:
        key = hashlib.sha256(_code_signature() + pickle.dumps(course, protocol=5))
    except Exception:  # noqa: BLE001 - a model pickle cannot write: no cache, as before
        return background.start(course)
    path = folder / f"{key.hexdigest()}.pickle"
    got = usercache.read(path)
    if got is not None:
        try:
            problems, readings = pickle.loads(got)
        except Exception:  # noqa: BLE001 - damaged: found again
            pass
        else:
            if (isinstance(problems, list) and isinstance(readings, list)
                    and len(readings) == len(course.modules)):
                return _Kept(course, problems, readings)
    return _Keeping(background.start(course), path)


def _folder() -> Path | None:
    from builder import __version__

    return usercache.cache_folder(f"findings-{__version__}")


@functools.lru_cache(maxsize=1)
def _code_signature() -> bytes:
    return signature(Path(__file__).resolve().parent)


def signature(base: Path) -> bytes:
    """The modules under ``base`` as Python judges bytecode current: path, size and
    modification time of each; and the Python version."""
    parts = [sys.version.encode()]
    for path in sorted(base.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.relative_to(base)}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return b"\n".join(parts)


def _write(path: Path, data: bytes) -> None:
    """Keep an entry, then let the least recently used go beyond :data:`MAX_FILES`."""
    if not usercache.write(path, data):
        return
    try:
        entries = sorted((e.stat().st_mtime, e.path) for e in os.scandir(path.parent)
                         if e.name.endswith(".pickle"))
        for _, old in entries[:max(0, len(entries) - MAX_FILES)]:
            os.unlink(old)
    except OSError:
        pass
