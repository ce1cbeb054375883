"""Inspect one package file: the zip layout first, then each manifest found at its root."""

from __future__ import annotations

import posixpath
import zipfile
from collections import Counter
from pathlib import Path

from builder.validator.cmi5 import check_cmi5
from builder.validator.layout import (
    bomb_problems,
    entry_problems,
    listing_over_limits,
    size_problems,
)
from builder.validator.report import Problem, Report, problem
from builder.validator.safezip import Limits, MemberUnreadable, open_zip, read_member
from builder.validator.scorm import check_scorm
from builder.validator.tincan import check_tincan

#: Manifest file -> (kind of package, checker). cmi5 first: it names the standard best.
CHECKERS = {
    "cmi5.xml": ("cmi5", lambda data, names, quiet: check_cmi5(data, names)),
    "imsmanifest.xml": ("SCORM", check_scorm),
    "tincan.xml": ("xAPI (Tin Can)", lambda data, names, quiet: check_tincan(data, names)),
}
#: Rules whose entries are hazards in themselves: they are not also reported as unlisted.
_HAZARDS = {"zip-slip", "absolute-path", "symlink", "case-duplicate", "duplicate-entry"}
MAX_PER_RULE = 20


def inspect_package(path: Path, limits: Limits | None = None,
                    display: str | None = None) -> Report:
    """Every problem of the package at ``path``; nothing is unpacked or written.

    Raises :class:`~builder.validator.safezip.Unreadable` when ``path`` is not a readable zip.
    """
    limits = limits or Limits()
    report = Report(display or str(path))
    found: list[Problem] = []
    if not path.name.lower().endswith(".zip"):
        found.append(problem("zip-extension", "", f"'{path.name}' does not end in .zip"))
    zf, record = open_zip(path, limits)
    if zf is None:
        report.problems = found + listing_over_limits(record, limits)
        return report
    with zf:
        size = path.stat().st_size
        infos = zf.infolist()
        bombs = bomb_problems(infos, size, limits)
        if bombs:  # refused: nothing else is read
            report.problems = capped(found + bombs)
            return report
        found += entry_problems(infos)
        found += size_problems(size, limits)
        report.standard, more = _manifests(zf, infos, found, limits)
        found += more
    report.problems = capped(found)
    return report


def _manifests(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], layout: list[Problem],
               limits: Limits) -> tuple[str | None, list[Problem]]:
    """Run the checker of each manifest at the zip root; (standard label, problems)."""
    names = {i.filename for i in infos if not i.is_dir()}
    quiet = {p.file for p in layout if p.rule in _HAZARDS}
    present = [n for n in CHECKERS if n in names]
    if not present:
        if _coursepack_web(zf, names, limits):
            return WEB_LABEL, [problem(
                "web-package", "index.html", "this is coursepack's web package, a web site "
                "that runs without an LMS: not for an LMS (no imsmanifest.xml, cmi5.xml or "
                "tincan.xml)")]
        return None, missing_manifest(names)
    labels: list[str] = []
    found: list[Problem] = []
    for name in present:
        try:
            data = read_member(zf, zf.getinfo(name), limits.max_manifest_size)
        except MemberUnreadable as exc:
            found.append(problem("manifest-unreadable", name, f"cannot read {name}: {exc}"))
            labels.append(CHECKERS[name][0])
            continue
        label, problems = CHECKERS[name][1](data, names, quiet)
        labels.append(label or CHECKERS[name][0])
        found += problems
    return " + ".join(labels), found


WEB_LABEL = "web (a site, not for an LMS)"


def _coursepack_web(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> bool:
    """The zip is coursepack's web target: an index.html at the root made by coursepack."""
    if "index.html" not in names:
        return False
    try:
        page = read_member(zf, zf.getinfo("index.html"), limits.max_manifest_size)
    except MemberUnreadable:
        return False
    return b'<meta name="generator" content="coursepack">' in page[:4096]


def missing_manifest(names: set[str]) -> list[Problem]:
    """``manifest-nested`` when a manifest sits in a folder, else ``manifest-missing``."""
    nested = sorted((n.count("/"), n) for n in names
                    if posixpath.basename(n) in CHECKERS and "/" in n)
    if nested:
        inner = nested[0][1]
        folder = posixpath.dirname(inner) + "/"
        return [problem("manifest-nested", inner,
                        f"{posixpath.basename(inner)} is inside the folder '{folder}' instead "
                        "of at the root of the zip")]
    near = sorted(n for n in names if n.lower() in CHECKERS)
    zips = sorted(n for n in names if n.lower().endswith(".zip"))
    message = "no imsmanifest.xml, cmi5.xml or tincan.xml at the root of the zip"
    if near:
        message += f"; found '{near[0]}', but the name must be all lower case"
    elif zips:
        message += f"; it contains '{zips[0]}': maybe the real package is that inner zip"
    return [problem("manifest-missing", "", message)]


def capped(problems: list[Problem], limit: int = MAX_PER_RULE) -> list[Problem]:
    """At most ``limit`` problems per rule, then one line counting the rest."""
    counts = Counter(p.rule for p in problems)
    kept: list[Problem] = []
    shown: Counter = Counter()
    for p in problems:
        shown[p.rule] += 1
        if shown[p.rule] <= limit:
            kept.append(p)
        elif shown[p.rule] == limit + 1:
            rest = counts[p.rule] - limit
            kept.append(problem(p.rule, "", f"... and {rest} more like this", 0, p.severity))
    return kept
