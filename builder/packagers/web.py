"""The course as a plain web site: no LMS, progress kept in the browser."""

from __future__ import annotations

from builder.model import Course
from builder.packagers import Packager


class WebPackager(Packager):
    name = "web"
    summary = "static web site (works from any web server or a local folder)"
    standard = "a web site"
    folder = True

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        return dict(site)
