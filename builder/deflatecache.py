"""The compressed form of zip entries, kept between builds in coursepack's cache.

A build compresses every distinct entry of its zips once (:class:`builder.archive.Deflate`);
most of those bytes are the same from one build to the next: the theme's scripts and style
sheets, the media, every unit of the course but the one just edited. Compressing them is
about a tenth of a small build's CPU (60 ms of the SRO course's five targets, 3.5 MB at
zlib's level 6). This cache keeps each entry's CRC-32 and deflate stream under the SHA-256
of its bytes, in a folder named by the zlib version and the level (zlib's output depends
on nothing else), beside the theme's compiled templates and minified scripts
(:func:`builder.usercache.cache_folder`; ``COURSEPACK_CACHE=off`` turns it off).

The entries a build compressed are written as one file, a pack (creating a file can cost
a millisecond on a busy disk: one per entry would eat what the cache saves). A pack is an
index, then the streams::

    b"cpzp", count (4 bytes, little-endian)
    count x (entry SHA-256 (32), size, CRC-32, offset, length (4 each), stream SHA-256 (32))
    the streams

It never changes what a build writes: an entry's bytes are those zlib gives for them, and a
stream is used only when its own SHA-256 is right (otherwise the entry is compressed
again, and goes into this build's pack). A cache that cannot be read or written is
skipped. Only entries of :data:`MIN_SIZE` to :data:`MAX_SIZE` bytes are kept, at most
:data:`MAX_NEW_BYTES` of streams a build (a 10,000-page course does not copy its packages
into the cache), and the folder is trimmed to :data:`MAX_PACKS` packs and
:data:`MAX_BYTES`, the least recently used first (a pack a build takes a stream from is
touched).
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import zlib
from pathlib import Path

from builder import usercache

#: entries smaller than this are compressed about as fast as they are looked up
MIN_SIZE = 2048
#: larger entries (a 10,000-page course's data) are not kept
MAX_SIZE = 4 << 20
#: the most stream bytes one build writes
MAX_NEW_BYTES = 16 << 20
#: the folder's limits, enforced after a build that wrote to it
MAX_PACKS = 32
MAX_BYTES = 64 << 20
_MAGIC = b"cpzp"
_ENTRY = struct.Struct("<32s4L32s")


class DeflateCache:
    """One build's view of the cache folder (:meth:`open`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._index: dict[bytes, list[tuple[str, int, int, int, int, bytes]]] | None = None
        self._packs: dict[str, bytes | None] = {}  #: the packs read, by path
        self.new: dict[bytes, tuple[int, int, bytes]] = {}  #: key -> size, CRC, stream
        self._new_bytes = 0

    @classmethod
    def open(cls, level: int) -> DeflateCache | None:
        """The cache of streams made at zlib ``level``, or None when there is none."""
        name = (f"deflate-{zlib.ZLIB_RUNTIME_VERSION}-{level}-"
                f"{sys.implementation.cache_tag}")
        folder = usercache.cache_folder(name)
        return cls(folder) if folder else None

    def _read_index(self) -> dict:
        """Every pack's index (key -> [(pack, offset, length, size, CRC, stream SHA-256)]:
        an entry may be in several packs, one of them damaged)."""
        index: dict[bytes, list[tuple[str, int, int, int, int, bytes]]] = {}
        try:
            with os.scandir(self.folder) as it:
                packs = sorted((e.path for e in it if e.name.endswith(".pack")), reverse=True)
        except OSError:
            return index
        for path in packs:
            try:
                with open(path, "rb") as fh:
                    head = fh.read(8)
                    if len(head) < 8 or head[:4] != _MAGIC:
                        continue
                    count = int.from_bytes(head[4:], "little")
                    if 8 + count * _ENTRY.size > os.fstat(fh.fileno()).st_size:
                        continue  # cut short, or not a pack
                    table = fh.read(count * _ENTRY.size)
            except OSError:
                continue
            if len(table) < count * _ENTRY.size:
                continue
            start = 8 + len(table)
            for key, size, crc, offset, length, digest in _ENTRY.iter_unpack(table):
                index.setdefault(key, []).append(
                    (path, start + offset, length, size, crc, digest))
        return index

    def get(self, key: bytes, size: int) -> tuple[int, bytes] | None:
        """(CRC-32, deflate stream) of the ``size`` bytes whose SHA-256 is ``key``."""
        if not MIN_SIZE <= size <= MAX_SIZE:
            return None
        if self._index is None:
            self._index = self._read_index()
        for path, start, length, stored, crc, digest in self._index.get(key, ()):
            if stored != size:
                continue
            if path not in self._packs:
                try:
                    with open(path, "rb") as fh:
                        self._packs[path] = fh.read()
                    os.utime(path)  # recently used: kept when the folder is trimmed
                except OSError:
                    self._packs[path] = None
            blob = self._packs[path]
            packed = blob[start:start + length] if blob is not None else b""
            if len(packed) == length and hashlib.sha256(packed).digest() == digest:
                return crc, packed
        return None  # not kept, or damaged: compressed again, kept in this build's pack

    def put(self, key: bytes, size: int, crc: int, packed: bytes) -> None:
        if (MIN_SIZE <= size <= MAX_SIZE and key not in self.new
                and self._new_bytes + len(packed) <= MAX_NEW_BYTES):
            self.new[key] = (size, crc, packed)
            self._new_bytes += len(packed)

    def save(self) -> None:
        """Write this build's new entries as one pack, then trim the folder."""
        if not self.new:
            return
        table, streams, offset = [], [], 0
        for key, (size, crc, packed) in self.new.items():
            table.append(_ENTRY.pack(key, size, crc, offset, len(packed),
                                     hashlib.sha256(packed).digest()))
            streams.append(packed)
            offset += len(packed)
        data = _MAGIC + len(table).to_bytes(4, "little") + b"".join(table) + b"".join(streams)
        self.new = {}
        path = self.folder / f"{hashlib.sha256(data).hexdigest()[:32]}.pack"
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(data)
            os.replace(temp, path)
        except OSError:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass
            return
        self.trim()

    def trim(self) -> None:
        """The least recently used packs go until the folder is within :data:`MAX_PACKS`
        and :data:`MAX_BYTES`."""
        try:
            packs = []
            with os.scandir(self.folder) as it:
                for e in it:
                    if e.name.endswith(".pack"):
                        st = e.stat()
                        packs.append((st.st_mtime, st.st_size, e.path))
            packs.sort()
            count, total = len(packs), sum(p[1] for p in packs)
            for _, size, path in packs:
                if count <= MAX_PACKS and total <= MAX_BYTES:
                    break
                try:
                    os.unlink(path)
                except OSError:
                    continue
                count -= 1
                total -= size
        except OSError:
            pass
