"""A large course's units read on two cores (issue 18: the 10,000-page build).

Reading the units (parsing and rendering each module's Markdown, each quiz's YAML and
texts) is most of a large build's time, and each unit reads on its own but for three
things that run through the course: the popover numbers (``term-<scope>-<n>``, counted
in reading order), the media ids (unique across the course) and the order of the
problems. :func:`start` forks a child (:func:`builder.background.fork`, with its rules:
Linux, one thread, ``COURSEPACK_NO_FORK``) that reads the last units of the outline while
the loader reads the first ones; when the loader comes to the child's first unit it takes
the child's units, in order, as if it had read them itself:

- the child renders each popover number after a mark no text holds (random, per build:
  :attr:`builder.markdown.MarkdownRenderer.marks`), counted on from where the loader
  stood when it forked; the loader, which then knows how many popovers its own units
  numbered, gives every marked text its HTML with the course's numbers in the render pass
  (:class:`_Shifted`), so the HTML is byte for byte the one-process reading's;
- each unit comes with the problems, unusable files, follow-on questions and texts its
  reading added, which the loader adds where its own reading would have;
- a media id the child met that the loader's units also hold (which the one-process
  reading reports as a duplicate in the child's units) makes the loader drop the child's
  work and read those units itself.

The modules' reading figures (the item-quality check's, most of its time) are measured
where the modules are read: the child measures its own, the loader its own while it waits
for the child; the check measures the rest (:func:`builder.quality.remember_reading`).
Where the child's units start (:func:`_split`) weighs these costs.

Whatever goes wrong in the child (no fork, an exception, killed, a result that does not
fit) the loader reads the units itself, as without the child. Only a build reads this way
(the preview keeps what it read between rebuilds: :mod:`builder.readcache`), and only a
course of :data:`MIN_BYTES` or more.

Memory: the child starts as a copy of the loader before the units (a few tens of MB) and
holds its units until it has sent them; the loader then holds every unit, as it would.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder import background, quality, readcache
from builder.deferred import Later, fill, rendering
from builder.model import Html, Module

#: the size of the units' files (a quiz's YAML counted :data:`YAML_WEIGHT` times) from
#: which a build reads them on two cores: about 1,000 pages (reading them takes about a
#: second; a fork and sending the units back cost about 20 ms plus a tenth of it)
MIN_BYTES = 1_500_000
#: the costs that set where the child's units start, per byte of a module's Markdown
#: read (parsed, checked and rendered): a byte of a quiz's or scenario's YAML (many short
#: texts, each read on its own, and their keys checked) ...
YAML_WEIGHT = 3.5
#: ... measuring a module's reading figures (the item-quality check's) ...
READING_WEIGHT = 0.85
#: ... the child's sending of its units (and the loader's taking them), on all it does ...
SEND_WEIGHT = 1.1
#: ... and the share of its own modules' figures the loader measures while the child
#: still reads; the item-quality check measures the others alongside the build's render
#: (benchmarks/README.md: the 10,000-page build)
HERE_SHARE = 0.5

Read = Callable[[Path, str], Any]


class _Shift:
    """How far the child's popover numbers are from the course's: set by the loader once
    its own units are read (one object, shared by all the child's texts)."""

    def __init__(self) -> None:
        self.by = 0
        self.mark = ""


class _Shifted:
    """The HTML of a text the child rendered with marked popover numbers, made with the
    course's numbers (a :class:`Later`'s maker, so it can be pickled)."""

    __slots__ = ("html", "shift")

    def __init__(self, html: str, shift: _Shift):
        self.html, self.shift = html, shift

    def __call__(self) -> str:
        by = self.shift.by
        return re.sub(re.escape(self.shift.mark) + r"(\d+)",
                      lambda m: str(int(m.group(1)) + by), self.html)


class _Joined:
    """The HTML of a page's text: its blocks' HTML joined (sent as the blocks themselves,
    not a second copy of the page's HTML)."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[Later]):
        self.parts = parts

    def __call__(self) -> str:
        return "".join(str(p) for p in self.parts)


def _html_of(later: Later) -> str:
    """The HTML a placeholder of the child's holds (before any shift)."""
    made = later.made
    return made if made is not None else later.maker.html  # type: ignore[union-attr]


def _share_pages(read: _Read) -> None:
    """A module page's text (model.Html, for the checks) holds the page's HTML again:
    made the join of the page's blocks, so that the HTML is sent once."""
    if not isinstance(read.unit, Module):
        return
    pages: dict[str, list[Later]] = {}
    for page in read.unit.pages:
        parts = [b for b in page.blocks if isinstance(b, Later)]
        pages.setdefault("".join(_html_of(p) for p in parts), parts)
    for text in read.texts:
        if isinstance(text, Html) and isinstance(text.html, Later):
            parts = pages.get(_html_of(text.html))  # type: ignore[assignment]
            if parts is not None:
                object.__setattr__(text, "html", Later(_Joined(parts)))


@dataclass
class _Read:
    """One unit the child read, with what its reading added to the loader."""

    path: Path
    unit: Any
    problems: list
    unusable: list
    follow_ons: set
    texts: list
    reading: Any = None  #: a module's reading figures (builder.quality.Reading)


def _measure(module: Any, language: Any, html: Callable[[object], str] = str) -> Any:
    """A module's reading figures (the item-quality check's, builder.quality), measured
    where the module is read; None for another unit, or if they cannot be measured here
    (the check then measures them)."""
    if not isinstance(module, Module) or not isinstance(language, str):
        return None
    try:
        with rendering():
            return quality.measure_module(module, language, html)
    except Exception:  # noqa: BLE001 - the check measures it, and says what is wrong
        return None


def _costs(path: Path) -> tuple[float, float, float]:
    """The weighted size of the unit at ``path``, and what reading it costs here and in
    the child."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0.0, 0.0, 0.0
    if path.suffix in (".yaml", ".yml"):
        return size * YAML_WEIGHT, size * YAML_WEIGHT, size * YAML_WEIGHT * SEND_WEIGHT
    return (size, size * (1 + READING_WEIGHT * HERE_SHARE),
            size * (1 + READING_WEIGHT) * SEND_WEIGHT)


def _split(jobs: list[tuple[Path, str, Read]]) -> int:
    """Where the child's units start (len(jobs): none for it): the cut that ends soonest
    by the costs above."""
    costs = [_costs(path) for path, _, _ in jobs]
    if sum(w for w, _, _ in costs) < MIN_BYTES or len(jobs) < 2:
        return len(jobs)
    best, at = sum(c for _, c, _ in costs), len(jobs)  # all read here
    head, tail = 0.0, sum(c for _, _, c in costs)
    for i in range(1, len(jobs)):
        head += costs[i - 1][1]
        tail -= costs[i - 1][2]
        if max(head, tail) < best:
            best, at = max(head, tail), i
    return at


def _read_in_child(loader: Any, jobs: list[tuple[Path, str, Read]], mark: str) -> tuple:
    """The child's work: read ``jobs``, render them, and give them back."""
    renderer = loader.renderer
    renderer.marks = mark
    media = renderer.media
    ids_before = set(media.ids) if media is not None else set()
    count = renderer._term_count
    out: list[_Read] = []
    for path, uid, read in jobs:
        problems, unusable = len(loader.problems), list(loader.unusable)
        follow_ons, texts = set(loader.follow_ons), len(loader.texts)
        unit = readcache.unit(loader, path, uid, read)
        if loader.unusable[:len(unusable)] != unusable:
            raise RuntimeError("the reading took an unusable file off the list")
        out.append(_Read(path, unit, loader.problems[problems:],
                         loader.unusable[len(unusable):], loader.follow_ons - follow_ons,
                         loader.texts[texts:]))
    for r in out:  # the reading level of the page as it will be: the numbers do not count
        r.reading = _measure(r.unit, loader.language,
                             lambda block: str(block).replace(mark, ""))
    shift = _Shift()
    shift.mark = mark

    def into(html: str) -> Later:
        return Later(_Shifted(html, shift)) if mark in html else Later.done(html)
    with rendering():
        fill(out, into=into)
    for r in out:
        _share_pages(r)
    new_ids = [(k, v) for k, v in media.ids.items() if k not in ids_before] if media else []
    return out, renderer._term_count - count, new_ids, shift


class Ahead:
    """The units a child reads for the loader (see the module's docstring)."""

    def __init__(self, loader: Any, theirs: list[Path], child: background.Child,
                 count: int):
        self.loader = loader
        self.theirs = set(theirs)
        self.child: background.Child | None = child
        self.count = count  #: the popover count when the child was forked
        self.got: dict[Path, _Read] | None = None
        self.mine: list[Any] = []  #: the units read here

    def unit(self, path: Path, uid: str, read: Read) -> Any:
        """The unit at ``path``: the child's, or read here."""
        if path not in self.theirs:
            got = readcache.unit(self.loader, path, uid, read)
            self.mine.append(got)
            return got
        if self.got is None:
            self.got = self._take()
        got = self.got.pop(path, None)
        if got is None:
            return readcache.unit(self.loader, path, uid, read)
        loader = self.loader
        loader.problems.extend(got.problems)
        loader.unusable.extend(got.unusable)
        loader.follow_ons |= got.follow_ons
        loader.texts.extend(got.texts)
        if got.reading is not None:
            quality.remember_reading(got.unit, loader.language, got.reading)
        return got.unit

    def _take(self) -> dict[Path, _Read]:
        """The child's units, its numbering joined to the loader's; {} if there are none
        to take (the loader then reads them)."""
        child, self.child = self.child, None
        # while the child still reads, the reading figures of the units read here (those
        # not measured by then are measured by the item-quality check, as ever)
        for unit in self.mine:
            if child is None or child.ready():
                break
            reading = _measure(unit, self.loader.language)
            if reading is not None:
                quality.remember_reading(unit, self.loader.language, reading)
        self.mine = []
        got = child.result() if child is not None else None
        renderer = self.loader.renderer
        media = renderer.media
        try:
            reads, counted, new_ids, shift = got  # type: ignore[misc]
            if ({r.path for r in reads} != self.theirs
                    or (media is not None and any(k in media.ids for k, _ in new_ids))):
                return {}
        except (TypeError, ValueError, AttributeError):
            return {}
        shift.by = renderer._term_count - self.count
        renderer._term_count += counted
        if media is not None:
            media.ids.update(new_ids)
        return {r.path: r for r in reads}


def start(loader: Any, jobs: list[tuple[Path, str, Read]]) -> Ahead | None:
    """Fork a child to read the last of ``jobs`` (path, unit id, the loader's reading of
    it; in outline order) for a large course; None to read them all here."""
    if loader.cache is not None or loader.renderer is None or not background.can_fork():
        return None
    at = _split(jobs)
    if at >= len(jobs):
        return None
    theirs = jobs[at:]
    mark = f"\x01{secrets.token_hex(8)}-"
    child = background.fork(lambda: _read_in_child(loader, theirs, mark))
    if child is None:
        return None
    return Ahead(loader, [path for path, _, _ in theirs], child, loader.renderer._term_count)
