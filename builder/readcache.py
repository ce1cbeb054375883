"""What ``coursepack preview`` keeps of the files it read, from one rebuild to the next.

A save changes one file. The others' parsed YAML is taken again from here as long as their
text is the same (compared in full: a cheap comparison next to parsing), and so is each
unit (a module or an assessment, :func:`unit`) whose file and whatever its reading depends
on are the same: its model objects, HTML and all, without reading a single key again. One
entry per file, the latest text, so the memory stays that of one copy of the course's
data. The entries belong to the preview's :class:`~builder.markdown.RenderCache` (a build
without one reads everything afresh).

The parsed data and the units are shared between rebuilds: nothing that reads them may
change them (the loaders only read the data, into new model objects; the render pass fills
a unit's HTML once, before it is kept).
"""

from __future__ import annotations

import os
import stat
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.errors import Problem
from builder.markdown import _same_image
from builder.yamlfile import parse_yaml

#: RenderCache -> {file: (text, first_line, data, problems)}
_FILES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: RenderCache -> {path: _Unit}: the units of the last load that completed
_UNITS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Loader -> _Load: the load in progress
_LOADS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


@dataclass(eq=False)
class _Unit:
    """A unit as one load read it, with what reading it again would depend on."""

    data: bytes  #: the file's bytes
    ident: tuple[int, int]  #: its device and inode
    context: tuple  #: what the loader brought to the reading (see _context)
    unit: Any  #: the Module or Assessment
    texts: tuple  #: the model's Html of its texts, in reading order
    term_count: int  #: the popover count after it (the numbering runs through the course)
    keys: frozenset  #: its texts' RenderCache keys (kept in the cache while it is)
    images: tuple  #: what its texts' images were: (as written, path, size, mtime)
    files: tuple  #: other files its reading checked (the module's image): (path, size, mtime)


class _Load:
    """One load's units: those it read and may keep, those it took from the last load."""

    def __init__(self, loader: Any) -> None:
        r = loader.renderer
        media = r.media
        #: what reading any unit depends on besides its own file and the popover count:
        #: the references, glossary and interface words (the renderer's key of them), the
        #: whole message catalogue (content blocks, media, the verdict words feedback
        #: loses), the media reader's settings
        self.context = (str(loader.root), r._links_key, tuple(loader.verdicts),
                        tuple(r.links.messages.items()),
                        (media.language, media.max_file, tuple(media.labels.items()))
                        if media is not None else None)
        self.units: dict[Path, _Unit] = {}
        self.reused: list[_Unit] = []


def _stat(path: Path) -> tuple[os.stat_result, bytes] | None:
    """The file's own status (not a link's target) and bytes; None if it cannot be read or
    is not a regular file (the loader then says why)."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return None
        return info, path.read_bytes()
    except OSError:
        return None


def _same_files(kept: _Unit) -> bool:
    for path, size, mtime in kept.files:
        try:
            info = os.stat(path)
        except OSError:
            return False
        if info.st_size != size or info.st_mtime_ns != mtime:
            return False
    return all(_same_image(*seen) for seen in kept.images)


def unit(loader: Any, path: Path, uid: str, read: Callable[[Path, str], Any]) -> Any:
    """``read(path, uid)`` (the loader's reading of a module or assessment file), or the
    unit the last load read from the same bytes, in the same context, without a problem.
    Without a cache (``coursepack build``) it is ``read`` itself."""
    cache = loader.cache
    if cache is None or loader.renderer is None:
        return read(path, uid)
    load = _LOADS.get(loader)
    if load is None:
        load = _LOADS[loader] = _Load(loader)
    context = (uid, loader.renderer._term_count, load.context)
    now = _stat(path)
    kept = _UNITS.get(cache, {}).get(path)
    if (kept is not None and now is not None and kept.context == context
            and kept.ident == (now[0].st_dev, now[0].st_ino) and kept.data == now[1]
            and _same_files(kept)):
        cache.used |= kept.keys
        cache.hits += len(kept.texts)
        loader.texts.extend(kept.texts)
        loader.renderer._term_count = kept.term_count
        load.units[path] = kept
        load.reused.append(kept)
        return kept.unit
    # read it, noting what reading it did
    counts = (len(loader.problems), len(loader.unusable), len(loader.follow_ons))
    first_text, first_read = len(loader.texts), len(loader.renderer._read)
    outer, cache.used = cache.used, set()
    try:
        got = read(path, uid)
    finally:
        mine, cache.used = cache.used, outer
        cache.used |= mine
    after = _stat(path)
    new_reads = loader.renderer._read[first_read:]
    if (got is None or now is None or after is None or after[1] != now[1]
            or (after[0].st_dev, after[0].st_ino) != (now[0].st_dev, now[0].st_ino)
            or counts != (len(loader.problems), len(loader.unusable), len(loader.follow_ons))
            or any(key is None for key, *_ in new_reads)):
        return got  # a problem, or the file changed while it was read: read it next time
    image = getattr(got, "image", None)
    files = ()
    if image is not None:
        try:
            info = os.stat(image.project_path)
        except OSError:
            return got
        files = ((image.project_path, info.st_size, info.st_mtime_ns),)
    images = tuple(seen for key in mine if key in cache.entries
                   for seen in cache.entries[key][2]) + tuple(
        seen for *_, seen_images in new_reads for seen in seen_images)
    load.units[path] = _Unit(now[1], (now[0].st_dev, now[0].st_ino), context, got,
                       tuple(loader.texts[first_text:]), loader.renderer._term_count,
                       frozenset(mine | {key for key, *_ in new_reads}), images, files)
    return got


def kept_units(loader: Any) -> list:
    """The units (and their texts) the load in progress took from the last one: their
    HTML is in place already (:func:`builder.deferred.fill` need not look inside)."""
    load = _LOADS.get(loader)
    out: list = []
    for kept in load.reused if load is not None else ():
        out.append(kept.unit)
        out.extend(kept.texts)
    return out


def loaded(loader: Any) -> None:
    """The load completed (its HTML is in place): its units are the ones the next load
    may take again; the others are forgotten."""
    if loader.cache is not None:
        load = _LOADS.pop(loader, None)
        _UNITS[loader.cache] = load.units if load is not None else {}
