"""coursepack's cache folder, where builds keep what they can reuse between runs (compiled
templates, minified scripts, compressed zip entries, item-quality findings), and its
checksummed files.

Nothing kept there changes what a build writes: each kind of entry is keyed by
everything its value depends on, and a file kept by :func:`write` starts with the SHA-256
of the rest, so that :func:`read` never returns a file cut short or damaged (the build
then makes it again). A cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_folder(name: str) -> Path | None:
    """The folder ``name`` of coursepack's cache (created): under ``$COURSEPACK_CACHE``,
    else ``$XDG_CACHE_HOME/coursepack`` or ``~/.cache/coursepack``; None when
    ``COURSEPACK_CACHE=off`` or the folder cannot be made."""
    setting = os.environ.get("COURSEPACK_CACHE", "")
    if setting.lower() == "off":
        return None
    try:
        base = Path(setting) if setting else Path(
            os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coursepack"
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return folder


def read(path: Path) -> bytes | None:
    """What :func:`write` kept at ``path``, when its checksum is right (the file is then
    marked as used, for caches that let the least recently used go); else None."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    digest, data = blob[:32], blob[32:]
    if len(digest) < 32 or hashlib.sha256(data).digest() != digest:
        return None
    try:
        os.utime(path)
    except OSError:
        pass
    return data


def write(path: Path, data: bytes) -> bool:
    """Keep ``data`` at ``path`` behind its checksum, written whole or not at all (a
    temporary file renamed into place); False when that cannot be done."""
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(hashlib.sha256(data).digest() + data)
        os.replace(temp, path)
        return True
    except OSError:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
