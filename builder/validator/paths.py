"""Package paths: from an ``href`` in a manifest to an entry name in the zip.

Manifests hold URI references (``lesson%201/index.html?page=2#top``, relative to an optional
``xml:base``); zips hold plain names (``lesson 1/index.html``). These helpers bridge the two.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")  # 2+ letters: not "C:"


def is_external(href: str) -> bool:
    """True for an absolute URL (``https://…``, ``//host/…``, ``mailto:…``)."""
    href = href.strip()
    return href.startswith("//") or bool(_SCHEME.match(href))


def strip_query(href: str) -> str:
    """``href`` without its ``?query`` and ``#fragment``."""
    return re.split(r"[?#]", href.strip(), maxsplit=1)[0]


def join(base: str, href: str) -> str | None:
    """The package path of ``href`` below folder ``base``; None when it leaves the package."""
    path = strip_query(href)
    if not path or path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


def join_base(*bases: str | None) -> str:
    """Combine nested ``xml:base`` values (outermost first) into one folder path."""
    folder = ""
    for base in bases:
        if not base or is_external(base):
            continue
        base = base.strip()
        folder = base if base.startswith("/") else posixpath.join(folder, base)
    return folder.strip("/")


def find_entry(path: str, names: set[str]) -> str | None:
    """The zip entry that ``path`` (possibly percent-encoded) names, if any."""
    for candidate in (path, unquote(path)):
        if candidate in names:
            return candidate
    return None


def case_twin(path: str, names: set[str]) -> str | None:
    """An entry whose name equals ``path`` ignoring case (a hint for a missing file)."""
    lower = unquote(path).lower()
    return next((n for n in sorted(names) if n.lower() == lower), None)


def is_html(path: str) -> bool:
    """True when ``path`` names an HTML page (by its extension, as web servers do)."""
    return strip_query(path).lower().endswith(HTML_SUFFIXES)
