"""One packager per target: each turns the rendered site into the files of its package
(the site plus the standard's manifest and schemas), and owns everything else about its
target: its name, the runtime scripts its adapter needs, the limits its standard puts on
the bookmark and the resume state, its manifest's name, which response formats its
runtime reports, whether it talks to an LRS, and whether ``coursepack preview`` plays it.
Nothing outside this package names a target: the rest asks the packager."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from builder.model import Course

if TYPE_CHECKING:
    import jinja2


class Packager:
    """Base class. ``name`` is the ``--target`` value and the zip name suffix."""

    name = ""
    #: one line for ``coursepack build --help``
    summary = ""
    #: the target as the help and messages name it ("SCORM 1.2", "a web site")
    standard = ""
    #: the runtime scripts of the target's LMS adapter, in load order (``static/...``)
    scripts: ClassVar[tuple[str, ...]] = ()
    #: the longest resume state (``cmi.suspend_data``) and bookmark (``cmi.location``) the
    #: standard stores; None when no course could reach the limit (xAPI state documents,
    #: localStorage)
    suspend_limit: int | None = None
    location_limit: int | None = None
    #: the manifest file the package carries at its root ("" for none); it is the zip's
    #: first entry
    manifest = ""
    #: the runtime reports learner responses in the SCORM 2004 formats (ids joined with
    #: ``[,]``; xAPI's result.response uses them too), so questions carry their component
    #: ids and correct-response patterns in those formats
    responses_2004 = False
    #: the runtime sends xAPI statements to an LRS: questions carry their xAPI activity, the
    #: course its activities, and the page may connect to the LRS the launch names
    xapi = False
    #: the package is also written as a folder beside its zip (ready to open)
    folder = False
    #: ``coursepack preview --target`` plays this package in its test LMS
    preview = False
    #: launched the cmi5 way (the LMS passes a one-time fetch URL for the auth token, and
    #: launch data in the State API), not the Tin Can way (endpoint and auth in the URL)
    cmi5_launch = False
    #: ``coursepack preview --lms-quirks`` applies (the preview LMS is the SCORM 1.2 API)
    lms_quirks = False

    def __init__(self, env: jinja2.Environment, theme: Path):
        self.env = env
        self.theme = theme

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        raise NotImplementedError

    def file_name(self, course: Course) -> str:
        return f"{course.id}-{course.version}-{self.name}.zip"


def _registry() -> dict[str, type[Packager]]:
    from builder.packagers.scorm12 import Scorm12Packager
    from builder.packagers.scorm2004 import Scorm2004Packager
    from builder.packagers.web import WebPackager
    from builder.packagers.xapi import Cmi5Packager, XapiPackager

    return {p.name: p for p in (Scorm12Packager, Scorm2004Packager, XapiPackager, Cmi5Packager,
                                WebPackager)}


#: every target by name, in the order ``make build`` builds them
PACKAGERS: dict[str, type[Packager]] = _registry()
#: the packages coursepack can build (``--target``), in the order ``make build`` builds them
TARGETS: tuple[str, ...] = tuple(PACKAGERS)
#: what `build` makes when neither --target nor course.yaml's ``targets`` says: the one
#: place the default is decided (the loader, --help and the README follow it)
DEFAULT_TARGETS = TARGETS
#: each target as the help and messages name it
TARGET_NAMES = {name: p.standard for name, p in PACKAGERS.items()}


def packagers() -> dict[str, type[Packager]]:
    return PACKAGERS


def packager(target: str) -> type[Packager]:
    """The packager class of ``target`` (a name from :data:`TARGETS`)."""
    return PACKAGERS[target]
