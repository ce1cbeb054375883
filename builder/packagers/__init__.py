"""One packager per standard: each turns the rendered site into the files of its
package (the site plus the standard's manifest and schemas)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from builder.model import Course


class Packager:
    """Base class. ``name`` is the ``--target`` value and the zip name suffix."""

    name = ""
    #: one line for ``coursepack build --help``
    summary = ""

    def __init__(self, env: jinja2.Environment, theme: Path):
        self.env = env
        self.theme = theme

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        raise NotImplementedError

    def file_name(self, course: Course) -> str:
        return f"{course.id}-{course.version}-{self.name}.zip"


def packagers() -> dict[str, type[Packager]]:
    from builder.packagers.scorm12 import Scorm12Packager
    from builder.packagers.scorm2004 import Scorm2004Packager
    from builder.packagers.web import WebPackager
    from builder.packagers.xapi import Cmi5Packager, XapiPackager

    return {p.name: p for p in (Scorm12Packager, Scorm2004Packager, XapiPackager, Cmi5Packager,
                                WebPackager)}
