"""Deterministic zip files, written atomically.

The same files always give the same bytes: entries in a fixed order (the manifest first,
then sorted), one fixed timestamp (``SOURCE_DATE_EPOCH`` when set, else 1980-01-01), fixed
permissions. The zip is written to a temporary file beside the destination and renamed
into place, so the destination never holds a half-written package.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

MANIFESTS = ("imsmanifest.xml", "tincan.xml", "cmi5.xml")
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry


def timestamp() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else ZIP_EPOCH
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


def write_zip(files: dict[str, bytes], dest: Path) -> None:
    """Write ``files`` (package path -> bytes) as a zip at ``dest``, atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            zip_bytes_to(files, fh)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder(files: dict[str, bytes], dest: Path) -> None:
    """Write ``files`` as a folder at ``dest``, replacing an earlier one only once the new
    one is complete."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for name in entry_order(list(files)):
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(dest, old)
        os.replace(tmp, dest)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
