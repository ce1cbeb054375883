"""What `coursepack play` needs to know about a package zip: its standard, where it
launches, and, for a coursepack package, the course data its shell carries (pages,
questions with their answers, scenario graphs, tracking rules) for the learner scripts."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

MAX_FILES = 20_000
MAX_BYTES = 512 * 1024 * 1024


class PackageError(Exception):
    """The zip cannot be played; the message says why."""


@dataclass
class Package:
    name: str
    standard: str                     #: scorm12, scorm2004, xapi, cmi5 or web
    launch: str                       #: path (with query) inside the package
    files: dict[str, bytes] = field(repr=False)
    data: dict | None = None          #: the course data of a coursepack package
    activity_id: str = ""             #: xAPI / cmi5 activity (cmi5: the course's, not the AU's)
    move_on: str = "NotApplicable"    #: cmi5
    mastery: str = ""                 #: 0-100, from the manifest / cmi5.xml

    @property
    def coursepack(self) -> bool:
        return self.data is not None


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _xml(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def load(path: Path) -> Package:
    """Read a package zip into memory (names checked as an LMS would refuse them)."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageError(f"'{path}' is not a readable zip: {exc}") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_BYTES:
            raise PackageError(f"'{path}' is too large to play")
        files = {}
        for info in infos:
            parts = PurePosixPath(info.filename).parts
            if info.filename.startswith("/") or "\\" in info.filename or ".." in parts:
                raise PackageError(f"'{path}' holds an unsafe file name: {info.filename!r}")
            files[info.filename] = zf.read(info)
    return describe(path.name, files)


def _course_data(files: dict[str, bytes], folder: PurePosixPath) -> dict | None:
    """The course data of a coursepack package (content/course.js and the unit scripts,
    builder/chunks.py; or, before pages were loaded per unit, the shell's cp-data), else
    None."""
    from builder.state import PreviousError, package_data

    def read(name: str) -> str:
        return files[str(folder / name) if str(folder) != "." else name].decode("utf-8")

    try:
        return package_data(read)
    except (PreviousError, KeyError, ValueError, TypeError, IndexError, UnicodeDecodeError):
        return None


def describe(name: str, files: dict[str, bytes]) -> Package:
    standard, launch, activity, move_on, mastery = _standard(name, files)
    data = None
    page = files.get(launch.split("?")[0])
    if page is not None:
        data = _course_data(files, PurePosixPath(launch.split("?")[0]).parent)
    if data is not None and not mastery and data.get("tracking", {}).get("mastery") is not None:
        mastery = str(data["tracking"]["mastery"])
    return Package(name, standard, launch, files, data, activity, move_on, mastery)


def _standard(name: str, files: dict[str, bytes]) -> tuple[str, str, str, str, str]:
    if "imsmanifest.xml" in files:
        try:
            root = _xml(files["imsmanifest.xml"])
        except etree.XMLSyntaxError as exc:
            raise PackageError(f"{name}: imsmanifest.xml is not well-formed XML: {exc}") from None
        version = "".join(el.text or "" for el in root.iter() if _local(el) == "schemaversion")
        standard = "scorm12" if version.strip() == "1.2" else "scorm2004"
        resources = {r.get("identifier"): r for r in root.iter() if _local(r) == "resource"}
        mastery = ""
        for item in root.iter():
            if _local(item) == "item" and item.get("identifierref") in resources:
                href = resources[item.get("identifierref")].get("href")
                if href:
                    for el in item.iter():
                        if _local(el) == "masteryscore" and el.text:
                            mastery = el.text.strip()
                    return standard, href + (item.get("parameters") or ""), "", "", mastery
        raise PackageError(f"{name}: imsmanifest.xml names no launchable item")
    if "cmi5.xml" in files:
        root = _xml(files["cmi5.xml"])
        au = next((el for el in root.iter() if _local(el) == "au"), None)
        url = next((el.text for el in root.iter() if _local(el) == "url"), None)
        if au is None or not url:
            raise PackageError(f"{name}: cmi5.xml names no AU to launch")
        score = au.get("masteryScore")
        mastery = str(round(float(score) * 100)) if score else ""
        return ("cmi5", url.strip(), au.get("id") or "",
                au.get("moveOn") or "NotApplicable", mastery)
    if "tincan.xml" in files:
        root = _xml(files["tincan.xml"])
        activity = next((el for el in root.iter() if _local(el) == "activity"), None)
        launch = next((el.text for el in root.iter() if _local(el) == "launch"), None)
        if activity is None or not launch:
            raise PackageError(f"{name}: tincan.xml names no activity to launch")
        return "xapi", launch.strip(), activity.get("id") or "", "", ""
    if "index.html" in files:
        return "web", "index.html", "", "", ""
    raise PackageError(f"{name}: not a SCORM, xAPI or cmi5 package (no imsmanifest.xml, "
                       "tincan.xml or cmi5.xml) and no index.html")
