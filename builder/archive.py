"""Deterministic zip files, written atomically.

The same files always give the same bytes: entries in a fixed order (the manifest first,
then sorted), one fixed timestamp (``SOURCE_DATE_EPOCH`` when set, else 1980-01-01), fixed
permissions. The zip is written to a temporary file beside the destination and renamed
into place, so the destination never holds a half-written package. :func:`write_all`
writes every output of a build that way, and renames them only once all are written:
a build replaces all of its outputs or none.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

from builder.deflatecache import DeflateCache
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


#: zip format figures, as Python's zipfile writes them (its defaults for a deflated entry)
_VERSION = 20  #: "version made by" and "needed to extract": 2.0, deflate
_UNIX = 3  #: "made by" system: permissions are Unix mode bits
_MODE = 0o100644 << 16  #: a regular file, rw-r--r--
_UTF8_NAME = 0x800
_ZIP64_LIMIT = (1 << 31) - 1
_MAX_ENTRIES = (1 << 16) - 1
#: zlib's level 6: what zipfile uses for an entry given as a ZipInfo (the packages have
#: always been written so; a ZipFile's own compresslevel applies to names only)
_LEVEL = 6
_CHUNK = 1 << 18  #: input is fed to zlib in chunks of at least this size, states kept between
#: from this many bytes still to compress in one zip, a forked child compresses about half of
#: them meanwhile (:meth:`Deflate.prefill`): about 0.1 s of zlib's work, against a fork and
#: sending the streams back (a few ms)
PARALLEL_BYTES = 4 << 20


class Deflate:
    """The compressed form of each entry of a build's zips, each content compressed once.

    One build writes the same theme files, media and (nearly) the same ``index.html``
    into every target's zip. An entry whose bytes were compressed before is taken as it
    was; with ``share_prefix``, a large entry that starts like one compressed before (the
    targets' pages differ only near the end) continues from zlib's state at the end of
    the last chunk both share (``compressobj.copy()``). zlib's output depends only on the input
    bytes, not on how they are fed to it, so each entry's bytes are those of a
    compression in one go: the zips stay byte-identical (tests/test_reproducible.py).
    With ``cache`` (:class:`builder.deflatecache.DeflateCache`), entries compressed by an
    earlier build are taken from coursepack's cache, and new ones kept there.
    """

    def __init__(self, share_prefix: bool = False, cache: DeflateCache | None = None):
        self.share_prefix = share_prefix
        self.cache = cache
        self.done: dict[bytes, tuple[int, bytes]] = {}  #: sha256 -> (CRC-32, deflated)
        #: large entries: (data, [(offset, zlib state there, compressed parts before)])
        self.large: list[tuple[bytes, list[tuple[int, object, int]], list[bytes]]] = []
        #: id(data) -> (data, its SHA-256): the digests :meth:`prefill` worked out
        self._keys: dict[int, tuple[bytes, bytes]] = {}

    def _key(self, data: bytes) -> bytes:
        got = self._keys.pop(id(data), None)
        if got is not None and got[0] is data:
            return got[1]
        return hashlib.sha256(data).digest()

    def _known(self, key: bytes, data: bytes) -> tuple[int, bytes] | None:
        """What this build or the cache already has for ``data`` (kept in :attr:`done`)."""
        found = self.done.get(key)
        if found is None and self.cache:
            found = self.cache.get(key, len(data))
            if found is not None:
                self.done[key] = found
        return found

    def __call__(self, data: bytes) -> tuple[int, bytes]:
        """(CRC-32, raw deflate stream) of ``data``."""
        # kept by digest, not by the bytes: a build that writes each package as soon as
        # it is made (builder.build) lets go of its files
        key = self._key(data)
        found = self._known(key, data)
        if found is None:
            found = (zlib.crc32(data), self._deflate(data))
            self._add(key, data, found)
        return found

    def _add(self, key: bytes, data: bytes, found: tuple[int, bytes]) -> None:
        if self.cache:
            self.cache.put(key, len(data), *found)
        self.done[key] = found

    def prefill(self, datas: list[bytes]) -> None:
        """Compress the entries ``datas`` (one zip's, in its order) on two cores when
        there are :data:`PARALLEL_BYTES` or more still to compress: a forked child
        (:func:`builder.background.fork`, with its rules: Linux, one thread,
        ``COURSEPACK_NO_FORK``) compresses the last of them, about half the bytes, while
        this process compresses the others; the streams are zlib's either way, so the
        zip's bytes do not change. With ``share_prefix`` the child takes only entries
        too small to share a prefix (the large ones keep their checkpoints here). If the
        child fails in any way, its entries are compressed here as they come."""
        pending: dict[bytes, bytes] = {}
        for data in datas:
            key = hashlib.sha256(data).digest()
            self._keys[id(data)] = (data, key)
            if key not in pending and self._known(key, data) is None:
                pending[key] = data
        total = sum(len(d) for d in pending.values())
        if total < PARALLEL_BYTES:
            return
        from builder import background  # only a large build comes here

        if not background.can_fork():
            return
        theirs: list[tuple[bytes, bytes]] = []
        got = 0
        for key, data in reversed(pending.items()):
            if 2 * got >= total:
                break
            if self.share_prefix and len(data) >= 2 * _CHUNK:
                continue
            theirs.append((key, data))
            got += len(data)
        if not theirs:
            return
        child = background.fork(lambda: [(zlib.crc32(d), self._deflate(d)) for _, d in theirs])
        if child is None:
            return
        mine = set(pending).difference(k for k, _ in theirs)
        for key, data in pending.items():  # this process's share, meanwhile
            if key in mine:
                self._add(key, data, (zlib.crc32(data), self._deflate(data)))
        streams = child.result()
        if not isinstance(streams, list) or len(streams) != len(theirs):
            return  # compressed here as they come
        for (key, data), found in zip(theirs, streams, strict=True):
            if (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], bytes)
                    and found[0] == zlib.crc32(data)):
                self._add(key, data, found)

    def _deflate(self, data: bytes) -> bytes:
        start, state, parts, points = 0, None, [], []
        if self.share_prefix and len(data) >= 2 * _CHUNK:
            for prev, prev_points, prev_parts in self.large:
                # the last checkpoint whose whole prefix both share (prefixes nest)
                lo, hi = 0, len(prev_points)
                while lo < hi:
                    mid = (lo + hi) // 2
                    off = prev_points[mid][0]
                    if off <= len(data) and data.startswith(memoryview(prev)[:off]):
                        lo = mid + 1
                    else:
                        hi = mid
                if lo and prev_points[lo - 1][0] > start:
                    start, state, n = prev_points[lo - 1]
                    parts, points = prev_parts[:n], prev_points[:lo]
        comp = state.copy() if state else zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
        keep = self.share_prefix and len(data) >= 2 * _CHUNK
        # at most about 16 states kept per entry (each is about 270 KB)
        step = max(_CHUNK, -(-len(data) // 16))
        for off in range(start, len(data), step):
            if keep and off > start:
                points.append((off, comp.copy(), len(parts)))
            parts.append(comp.compress(data[off:off + step]))
        parts.append(comp.flush())
        if keep:
            self.large.append((data, points, parts))
        return b"".join(parts)


def zip_bytes_to(files: dict[str, bytes], fh, deflate: Deflate | None = None) -> None:
    """Write ``files`` as a zip into ``fh`` (a new file), entries in :func:`entry_order`.

    The bytes are those Python's zipfile writes for the same entries (a ZipInfo each,
    deflated, Unix mode 644, the :func:`timestamp`); written here so that the compressed
    form of an entry can come from ``deflate``, which the zips of a build share.
    """
    names = entry_order(list(files))
    if len(names) > _MAX_ENTRIES or sum(len(d) for d in files.values()) > _ZIP64_LIMIT // 2:
        return _zipfile_to(files, fh, names)  # Zip64 territory: zipfile's own writer
    deflate = deflate or Deflate()
    deflate.prefill([files[name] for name in names])
    y, mo, d, h, mi, sec = timestamp()
    dosdate = (y - 1980) << 9 | mo << 5 | d
    dostime = h << 11 | mi << 5 | sec // 2
    offset = fh.tell()
    central = []
    for name in names:
        data = files[name]
        crc, packed = deflate(data)
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), _UTF8_NAME
        head = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, flags, zipfile.ZIP_DEFLATED,
                           dostime, dosdate, crc, len(packed), len(data), len(raw), 0)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", _VERSION, _UNIX, _VERSION,
                                   0, flags, zipfile.ZIP_DEFLATED, dostime, dosdate, crc,
                                   len(packed), len(data), len(raw), 0, 0, 0, 0, _MODE, offset)
                       + raw)
        fh.write(head + raw)
        fh.write(packed)
        offset += len(head) + len(raw) + len(packed)
    deflate._keys.clear()
    directory = b"".join(central)
    fh.write(directory)
    fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(names), len(names),
                         len(directory), offset, 0))


def _zipfile_to(files: dict[str, bytes], fh, names: list[str]) -> None:
    stamp = timestamp()
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX
            info.external_attr = _MODE
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
        tmp = dest.with_name(f".{dest.name}.{os.urandom(4).hex()}.tmp")
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


def _stage_zip(files: dict[str, bytes], dest: Path, deflate: Deflate) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            zip_bytes_to(files, fh, deflate)
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _stage_file(data: bytes, dest: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_all(outputs: list[tuple[Path, dict[str, bytes], str]]) -> None:
    """Write every output (destination, files, "zip", "folder" or "file") of one build:
    all are written to temporary names first, then renamed into place, so a failure (a
    full disk, a read-only folder, ``dist`` being a file) leaves every destination as it
    was. A "file" (the project's release history) is the one value of its ``files``,
    written as it is beside its destination. Raises :class:`BuilderError` with the
    reason."""
    writer = Writer(sum(kind == "zip" for _, _, kind in outputs))
    for dest, files, kind in outputs:
        writer.add(dest, files, kind)
    writer.commit()


def _make_folder(folder: Path) -> None:
    """The output folder, made if it is not there; refused if a file has its name."""
    if folder.exists() and not folder.is_dir():
        raise BuilderError(f"cannot write into '{folder}': it is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)


class Writer:
    """:func:`write_all` one output at a time: each output is written to its temporary
    name when it is added, so that the build can let go of its files (a 10,000-page
    course's five targets held about 200 MB until the end); :meth:`commit` renames them
    all into place, and a failure before that (:meth:`abort`) removes what was written.
    ``zips``: how many zips the build writes (their entries' compression is shared)."""

    def __init__(self, zips: int):
        timestamp()  # a SOURCE_DATE_EPOCH zips cannot hold: refused before anything
        self.staged: list[tuple[Path, Path, str]] = []
        self.folder: Path | None = None
        self.made: list[Path] = []
        self.deflate = Deflate(share_prefix=zips > 1,
                               cache=DeflateCache.open(_LEVEL) if zips else None)

    def add(self, dest: Path, files: dict[str, bytes], kind: str) -> None:
        if self.folder is None:
            self.folder = dest.parent
        try:
            if not self.staged:
                self.made = [d for d in (self.folder, *self.folder.parents)
                             if not d.exists()]  # deepest first; removed again on abort
                _make_folder(self.folder)
            tmp = (_stage_zip(files, dest, self.deflate) if kind == "zip"
                   else _stage_file(next(iter(files.values())), dest) if kind == "file"
                   else _stage_folder(files, dest))
            self.staged.append((tmp, dest, kind))
        except BaseException as exc:
            self._failed(exc)

    def abort(self) -> None:
        """Remove what was written: nothing is replaced."""
        for tmp, _, _kind in self.staged:
            _remove(tmp)
        self.staged = []
        for folder in self.made:  # the folders this made, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        self.made = []

    def _failed(self, exc: BaseException) -> None:
        self.abort()
        if isinstance(exc, OSError):
            raise BuilderError(f"cannot write into '{self.folder}': "
                               f"{exc.strerror or exc}; nothing was replaced") from None
        raise exc

    def commit(self) -> None:
        staged = self.staged
        try:
            if not staged:
                _make_folder(self.folder or Path("."))
            # a folder's earlier version moves aside first: clear what is in the way
            for _, dest, kind in staged:
                if kind in ("zip", "file") and dest.is_dir() and not dest.is_symlink():
                    raise BuilderError(f"cannot write '{dest}': a folder has that name; "
                                       "nothing was replaced")
                if kind == "folder":
                    _remove(dest.with_name(f".{dest.name}.old"))
                    if dest.is_symlink() or dest.is_file():
                        dest.unlink()
        except BaseException as exc:
            self._failed(exc)
        self.staged = []
        for tmp, dest, kind in staged:
            if kind in ("zip", "file"):
                os.replace(tmp, dest)
                continue
            old = dest.with_name(f".{dest.name}.old")
            if dest.exists():
                os.replace(dest, old)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        if self.deflate.cache:  # the outputs are in place: only then the cache
            self.deflate.cache.save()
