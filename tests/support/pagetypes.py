"""The page types of a built course, read from the unit files it ships (content/u<N>.js,
builder/chunks.py): a few pages that between them hold every kind of element the course's
pages have, so that a check too slow for every page still meets each kind once.

A page's kinds are what its markup is made of: each element's tag with its classes, each
such element inside each such parent (a link in a callout is not a link in a table) and
each media file it shows (an image's own size sets its layout). A new block, question
type or page layout brings new kinds, and some page that has them is then picked.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from lxml import html

_UNIT = re.compile(r"content/u(\d+)\.js")


def unit_pages(package: Path) -> dict[int, list]:
    """Each unit's page sections (lxml elements), from the package zip's unit files."""
    units: dict[int, list] = {}
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            m = _UNIT.fullmatch(name)
            if not m:
                continue
            text = zf.read(name).decode("utf-8").strip()
            assert text.startswith("coursepackUnit(") and text.endswith(");"), name
            number, _meta, markup = json.loads("[" + text[len("coursepackUnit("):-2] + "]")
            assert number == int(m.group(1)), name
            root = html.fragment_fromstring(markup, create_parent="div")
            units[number] = [s for s in root.iter("section")
                             if "page" in (s.get("class") or "").split()]
    return units


def _kind(el) -> str:
    return el.tag + "." + ".".join(sorted((el.get("class") or "").split()))


def kinds(section) -> set[str]:
    found = set()
    for el in section.iter():
        if not isinstance(el.tag, str):
            continue
        found.add(_kind(el))
        parent = el.getparent()
        if parent is not None and el is not section:
            found.add(_kind(parent) + " > " + _kind(el))
        for attr in ("src", "poster", "data"):
            if el.get(attr):
                found.add(f"{el.tag}[{attr}={el.get(attr)}]")
    return found


def representatives(package: Path) -> dict[int, list[str]]:
    """Per unit, the DOM ids of its pages picked so that the picks of all units hold every
    kind the course's pages hold (greedy: the page with the most kinds not yet met first,
    ties to the earlier page)."""
    pages = {s.get("id"): (unit, kinds(s)) for unit, sections in sorted(unit_pages(package).items())
             for s in sections}
    assert pages, f"no pages in {package}"
    left = set().union(*(k for _, k in pages.values()))
    picked: dict[int, list[str]] = {}
    while left:
        best = max(pages, key=lambda p: len(pages[p][1] & left))
        picked.setdefault(pages[best][0], []).append(best)
        left -= pages[best][1]
    return picked
