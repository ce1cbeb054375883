"""Deterministic zip files, written atomically.

The same files always give the same bytes: entries in a fixed order (the manifest first,
then sorted), one fixed timestamp (``SOURCE_DATE_EPOCH`` when set, else 1980-01-01), fixed
permissions. The zip is written to a temporary file beside the destination and renamed
into place, so the destination never holds a half-written package. :func:`write_all`
writes every output of a build that way, and renames them only once all are written:
a build replaces all of its outputs or none.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from builder.errors import BuilderError
from builder.packagers import PACKAGERS

#: the targets' manifests: a package's manifest is its first entry
MANIFESTS = tuple(dict.fromkeys(p.manifest for p in PACKAGERS.values() if p.manifest))
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry
ZIP_END = 4354819199  # 2107-12-31T23:59:59Z, the latest (the year is 7 bits from 1980)


def timestamp() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else ZIP_EPOCH
    if seconds > ZIP_END:
        raise BuilderError(f"SOURCE_DATE_EPOCH={epoch} is after 2107-12-31, the last day a "
                           "zip file can record; set it to an earlier time (or unset it)")
    seconds = max(seconds, ZIP_EPOCH)
    return time.gmtime(seconds)[:6]


def entry_order(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: (n not in MANIFESTS, n))


def zip_bytes_to(files: dict[str, bytes], fh) -> None:
    stamp = timestamp()
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in entry_order(list(files)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, files[name])


def _remove(path: Path) -> None:
    """Remove a file, a link (never what it points to) or a folder; nothing if missing."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path)


def _stage_folder(files: dict[str, bytes], dest: Path) -> Path:
    """``files`` written into a new hidden folder beside ``dest``. The folder is made with
    ``mkdir`` (not ``mkdtemp``), so it gets the permissions the user's umask gives any
    new folder, and a web server running as another user can read it."""
    while True:
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.mkdir()
            break
        except FileExistsError:
            continue
    try:
        for name in entry_order(list(files)):
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _stage_zip(files: dict[str, bytes], dest: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            zip_bytes_to(files, fh)
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_all(outputs: list[tuple[Path, dict[str, bytes], str]]) -> None:
    """Write every output (destination, files, "zip" or "folder") of one build: all are
    written to temporary names first, then renamed into place, so a failure (a full
    disk, a read-only folder, ``dist`` being a file) leaves every destination as it was.
    Raises :class:`BuilderError` with the reason."""
    timestamp()  # a SOURCE_DATE_EPOCH zips cannot hold: refused before anything is written
    staged: list[tuple[Path, Path, str]] = []
    folder = outputs[0][0].parent if outputs else Path(".")
    try:
        if folder.exists() and not folder.is_dir():
            raise BuilderError(f"cannot write into '{folder}': it is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        for dest, files, kind in outputs:
            tmp = _stage_zip(files, dest) if kind == "zip" else _stage_folder(files, dest)
            staged.append((tmp, dest, kind))
        # a folder's earlier version moves aside first: clear what is in the way
        for _, dest, kind in staged:
            if kind == "zip" and dest.is_dir() and not dest.is_symlink():
                raise BuilderError(f"cannot write '{dest}': a folder has that name; "
                                   "nothing was replaced")
            if kind == "folder":
                _remove(dest.with_name(f".{dest.name}.old"))
                if dest.is_symlink() or dest.is_file():
                    dest.unlink()
    except BaseException as exc:
        for tmp, _, _kind in staged:
            _remove(tmp)
        if isinstance(exc, OSError):
            raise BuilderError(f"cannot write into '{folder}': "
                               f"{exc.strerror or exc}; nothing was replaced") from None
        raise
    for tmp, dest, kind in staged:
        if kind == "zip":
            os.replace(tmp, dest)
            continue
        old = dest.with_name(f".{dest.name}.old")
        if dest.exists():
            os.replace(dest, old)
        os.replace(tmp, dest)
        shutil.rmtree(old, ignore_errors=True)
