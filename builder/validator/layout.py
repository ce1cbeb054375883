"""Checks on the zip listing alone: hostile sizes, unsafe or fragile names, links.

Everything here reads the central directory (names, declared sizes, attributes); no member
data is unpacked.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections import defaultdict

from builder.validator.report import Problem, problem
from builder.validator.safezip import Directory, Limits, MiB

#: Characters every LMS and web server serves without trouble (besides '/').
_SAFE_CHAR = re.compile(r"[A-Za-z0-9._\-()~@!,=$\[\]/]")
_DRIVE = re.compile(r"^[A-Za-z]:")


def listing_over_limits(record: Directory, limits: Limits) -> list[Problem]:
    """The ``entry-count`` problem of a zip refused before its listing was loaded."""
    return [problem("entry-count", "",
                    f"the zip holds at least {record.entries} entries (a {record.size // 1024} KB "
                    f"listing); the limit is {limits.max_entries} entries")]


def bomb_problems(infos: list[zipfile.ZipInfo], archive_size: int,
                  limits: Limits) -> list[Problem]:
    """Sizes no course has: refuse before unpacking anything."""
    found: list[Problem] = []
    total = 0
    packed = 0
    for info in infos:
        total += info.file_size
        packed += info.compress_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_total_size:
            found.append(problem("zip-bomb", info.filename,
                                 f"declares {info.file_size // MiB} MB unpacked"))
        elif info.file_size > limits.ratio_min_size and ratio > limits.max_ratio:
            found.append(problem("zip-bomb", info.filename,
                                 f"{info.compress_size} bytes unpack to "
                                 f"{info.file_size // MiB} MB (ratio {ratio:.0f}:1, the limit "
                                 f"is {limits.max_ratio}:1)"))
        elif info.header_offset + info.compress_size > archive_size:
            found.append(problem("zip-bomb", info.filename,
                                 "its data would extend past the end of the zip file"))
    if total > limits.max_total_size and not found:
        found.append(problem("zip-bomb", "", f"the entries declare {total // MiB} MB unpacked "
                                             f"in total (limit {limits.max_total_size // MiB} MB)"))
    if packed > archive_size and not found:
        found.append(problem("zip-bomb", "", f"the entries declare {packed} packed bytes in a "
                                             f"{archive_size}-byte file: they overlap"))
    return found


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def name_problems(name: str) -> list[Problem]:
    """Unsafe or fragile characters and paths in one entry name."""
    found: list[Problem] = []
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        found.append(problem("zip-slip", name, f"'{name}' climbs out of the package folder"))
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        found.append(problem("absolute-path", name, f"'{name}' is an absolute path"))
    if "\\" in name:
        found.append(problem("backslash", name, f"'{name}' uses '\\' instead of '/'"))
    odd = sorted({c for c in name if c != "\\" and not _SAFE_CHAR.match(c)})
    if odd:
        shown = ", ".join("space" if c == " " else repr(c) for c in odd)
        found.append(problem("filename-chars", name, f"'{name}' contains {shown}"))
    return found


def entry_problems(infos: list[zipfile.ZipInfo]) -> list[Problem]:
    """Names, duplicates, links, encryption and nested zips, entry by entry."""
    found: list[Problem] = []
    by_name: dict[str, list[str]] = defaultdict(list)
    for info in infos:
        name = info.filename
        found += name_problems(name)
        if _is_symlink(info):
            found.append(problem("symlink", name, f"'{name}' is a symbolic link"))
        if info.flag_bits & 0x1:
            found.append(problem("encrypted-entry", name, f"'{name}' is encrypted"))
        if not info.is_dir() and name.lower().endswith(".zip"):
            found.append(problem("zip-in-zip", name, f"'{name}' is a zip inside the package"))
        key = name.rstrip("/").lower()
        for earlier in by_name[key]:
            if earlier == name:
                found.append(problem("duplicate-entry", name, f"'{name}' appears twice"))
                break
        else:
            if by_name[key]:
                found.append(problem("case-duplicate", name,
                                     f"'{name}' and '{by_name[key][0]}' differ only in case"))
        by_name[key].append(name)
    return found + _folder_case_problems([i.filename for i in infos])


def _folder_case_problems(names: list[str]) -> list[Problem]:
    """Folders spelled two ways ("Images/" and "images/"): one folder on Windows servers."""
    spellings: dict[str, list[str]] = defaultdict(list)
    for name in names:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth]) + "/"
            if folder not in spellings[folder.lower()]:
                spellings[folder.lower()].append(folder)
    return [problem("case-duplicate", other, f"folders '{other}' and '{variants[0]}' differ "
                                             "only in case")
            for variants in spellings.values() for other in variants[1:]]


def size_problems(archive_size: int, limits: Limits) -> list[Problem]:
    """A warning for a zip larger than many LMSs accept as an upload."""
    if archive_size <= limits.warn_package_size:
        return []
    return [problem("package-size", "", f"the zip is {archive_size / MiB:.0f} MB "
                                        f"(over {limits.warn_package_size // MiB} MB)")]
