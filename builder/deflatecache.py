"""The compressed form of zip entries, kept between builds in coursepack's cache.

A build compresses every distinct entry of its zips once (:class:`builder.archive.Deflate`);
most of those bytes are the same from one build to the next: the theme's scripts and style
sheets, the media, every unit of the course but the one just edited. Compressing them is
about a tenth of a small build's CPU (60 ms of the SRO course's five targets, 3.5 MB at
zlib's level 6). This cache keeps each entry's CRC-32 and deflate stream under the SHA-256
of its bytes, in a folder named by the zlib version and the level (zlib's output depends
on nothing else), beside the theme's compiled templates and minified scripts
(:func:`builder.render.cache_folder`; ``COURSEPACK_CACHE=off`` turns it off).

It never changes what a build writes: an entry's bytes are those zlib gives for them, and a
cache file is used only when its own checksum of the stream is right (a file cut short or
damaged is compressed again and replaced). A cache that cannot be read or written is
skipped. Only entries of :data:`MIN_SIZE` to :data:`MAX_SIZE` bytes are kept, at most
:data:`MAX_NEW` new ones per build (a 10,000-page course does not write thousands of files
for nothing), and the folder is trimmed to :data:`MAX_FILES` files and :data:`MAX_BYTES`,
the least recently used first (a hit touches its file).
"""

from __future__ import annotations

import hashlib
import os
import sys
import zlib
from pathlib import Path

#: entries smaller than this are compressed faster than their file is read
MIN_SIZE = 2048
#: larger entries (a 10,000-page course's data) are not kept
MAX_SIZE = 4 << 20
#: new files one build may write
MAX_NEW = 256
#: the folder's limits, enforced after a build that wrote to it
MAX_FILES = 2000
MAX_BYTES = 64 << 20
#: a file: this, the CRC-32 and size of the entry (4 bytes each, little-endian), the
#: entry's SHA-256 (its name), the stream's SHA-256, the stream
_MAGIC = b"cpz1"
_HEAD = 76


class DeflateCache:
    """One build's view of the cache folder (:meth:`open`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.new = 0

    @classmethod
    def open(cls, level: int) -> DeflateCache | None:
        """The cache of streams made at zlib ``level``, or None when there is none."""
        from builder.render import cache_folder

        name = (f"deflate-{zlib.ZLIB_RUNTIME_VERSION}-{level}-"
                f"{sys.implementation.cache_tag}")
        folder = cache_folder(name)
        return cls(folder) if folder else None

    def _path(self, key: bytes) -> Path:
        return self.folder / f"{key.hex()}.z"

    def get(self, key: bytes, size: int) -> tuple[int, bytes] | None:
        """(CRC-32, deflate stream) of the ``size`` bytes whose SHA-256 is ``key``."""
        if not MIN_SIZE <= size <= MAX_SIZE:
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except OSError:
            return None
        head, packed = blob[:_HEAD], blob[_HEAD:]
        if (len(head) < _HEAD or head[:4] != _MAGIC
                or int.from_bytes(head[8:12], "little") != size or head[12:44] != key
                or hashlib.sha256(packed).digest() != head[44:]):
            return None  # damaged or cut short: made again, and the file replaced
        try:
            os.utime(path)  # recently used: kept when the folder is trimmed
        except OSError:
            pass
        return int.from_bytes(head[4:8], "little"), packed

    def put(self, key: bytes, size: int, crc: int, packed: bytes) -> None:
        if not MIN_SIZE <= size <= MAX_SIZE or self.new >= MAX_NEW:
            return
        self.new += 1
        path = self._path(key)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(_MAGIC + crc.to_bytes(4, "little") + size.to_bytes(4, "little")
                             + key + hashlib.sha256(packed).digest() + packed)
            os.replace(temp, path)
        except OSError:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass

    def trim(self) -> None:
        """After a build that wrote files: the least recently used go until the folder is
        within :data:`MAX_FILES` and :data:`MAX_BYTES`."""
        if not self.new:
            return
        try:
            entries = []
            total = 0
            with os.scandir(self.folder) as it:
                for e in it:
                    if e.name.endswith(".z"):
                        st = e.stat()
                        entries.append((st.st_mtime, st.st_size, e.path))
                        total += st.st_size
            if len(entries) <= MAX_FILES and total <= MAX_BYTES:
                return
            entries.sort()
            count = len(entries)
            for _, size, path in entries:  # down to three quarters, oldest first
                if count <= MAX_FILES * 3 // 4 and total <= MAX_BYTES * 3 // 4:
                    break
                try:
                    os.unlink(path)
                except OSError:
                    continue
                count -= 1
                total -= size
        except OSError:
            pass
