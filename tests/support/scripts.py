"""The runtime's scripts a package runs, read back out of its one script file
(``static/cp-runtime.js``, builder/bundle.py): tests look at them by name, in load order,
as they looked at the files of the same names before they were joined."""
from __future__ import annotations

import zipfile
from collections.abc import Mapping

from builder.bundle import BUNDLE, split


def runtime_scripts(package: zipfile.ZipFile | Mapping[str, bytes]) -> dict[str, str]:
    """name -> script of each part of the package's runtime, in load order. ``package``: a
    zip, or the files of a site (name -> bytes, as ``render_site`` gives them)."""
    data = package.read(BUNDLE) if isinstance(package, zipfile.ZipFile) else package[BUNDLE]
    return dict(split(data))
