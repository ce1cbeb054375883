"""The runtime's scripts a package runs, read back out of its one script file
(``static/cp-runtime.js``, builder/bundle.py), and the theme's style sheets out of
``static/coursepack.css``: tests look at them by name, in load order, as they looked at
the files of the same names before they were joined."""
from __future__ import annotations

import zipfile
from collections.abc import Mapping

from builder.bundle import BUNDLE, STYLES, split


def runtime_scripts(package: zipfile.ZipFile | Mapping[str, bytes]) -> dict[str, str]:
    """name -> script of each part of the package's runtime, in load order. ``package``: a
    zip, or the files of a site (name -> bytes, as ``render_site`` gives them)."""
    return _parts(package, BUNDLE)


def style_sheets(package: zipfile.ZipFile | Mapping[str, bytes]) -> dict[str, str]:
    """name -> style sheet of each part of the package's ``static/coursepack.css``
    (``coursepack.css`` itself first, then the blocks' and screens' the course uses)."""
    return _parts(package, STYLES)


def _parts(package: zipfile.ZipFile | Mapping[str, bytes], name: str) -> dict[str, str]:
    data = package.read(name) if isinstance(package, zipfile.ZipFile) else package[name]
    return dict(split(data))
