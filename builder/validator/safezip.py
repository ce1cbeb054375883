"""Open an untrusted zip without unpacking it, and read single members with a size cap.

Nothing here writes to disk. The entry count and central-directory size are checked from the
end-of-central-directory record, and the entries the listing really holds are counted,
*before* :class:`zipfile.ZipFile` loads the listing, so a zip with millions of entries (or
a record that declares few of them) is refused without building millions of objects; member data is
only ever read through :func:`read_member`, which stops at a fixed number of bytes.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CHUNK = 64 * 1024
#: Errors the zip module (and its decompressors) raise on damaged or hostile input.
_DECODE_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, NotImplementedError,
                  RuntimeError, EOFError, OSError, ValueError, struct.error)


@dataclass(frozen=True)
class Limits:
    """Where a package stops looking like a course and starts looking like an attack."""

    max_entries: int = 20_000  #: files and folders in the zip
    max_central_directory: int = 20 * MiB  #: bytes of listing (about 1 KB per entry)
    max_total_size: int = 4 * 1024 * MiB  #: declared unpacked size of all entries together
    max_ratio: int = 200  #: unpacked/packed size of one entry (text rarely exceeds 20)...
    ratio_min_size: int = 10 * MiB  #: ...checked for entries unpacking to more than this
    max_manifest_size: int = 16 * MiB  #: bytes read from one manifest
    warn_package_size: int = 500 * MiB  #: zip file size above which uploads often fail


class Unreadable(Exception):
    """The input is not a zip we can read at all (missing, empty, truncated, not a zip)."""


class MemberUnreadable(Exception):
    """One member cannot be read (damaged, encrypted, unsupported method, or too large)."""


@dataclass(frozen=True)
class Directory:
    """What the end-of-central-directory record declares (``entries``: at least what
    the listing holds, once :func:`open_zip` has counted it)."""

    entries: int
    size: int
    end: int = 0  #: where the listing ends in the file (it starts ``size`` bytes before)


def read_directory_record(path: Path) -> Directory | None:
    """The declared entry count and listing size; None when there is no sound record."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        file_size = fh.tell()
        tail_size = min(file_size, 22 + 0xFFFF + 20 + 56)
        fh.seek(file_size - tail_size)
        tail = fh.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    entries, size, offset = struct.unpack("<HII", tail[at + 10:at + 20])
    record_at = at
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        # zip64: the record sits right before the 20-byte locator that precedes the EOCD
        loc = at - 20
        if loc >= 56 and tail[loc:loc + 4] == _ZIP64_LOCATOR and \
                tail[loc - 56:loc - 52] == _ZIP64_EOCD:
            record_at = loc - 56
            entries, size, offset = struct.unpack("<QQQ", tail[record_at + 32:record_at + 56])
    # the listing must fit before the record, and hold at least 46 bytes per entry
    end = file_size - len(tail) + record_at
    if offset + size > end or entries * 46 > size:
        return None
    return Directory(entries, size, end)


def count_entries(path: Path, record: Directory, stop: int) -> int:
    """How many entries the listing really holds, counted up to ``stop``: the declared
    count is only a number in the record, and a small one must not let a listing of
    hundreds of thousands of entries through. Walks the headers (46 bytes plus three
    lengths each) without building anything; the listing is at most the size limit."""
    with path.open("rb") as fh:
        fh.seek(record.end - record.size)
        data = fh.read(record.size)
    count = at = 0
    while count < stop and at + 46 <= len(data) and data[at:at + 4] == b"PK\x01\x02":
        name, extra, comment = struct.unpack("<HHH", data[at + 28:at + 34])
        at += 46 + name + extra + comment
        count += 1
    return count


def open_zip(path: Path, limits: Limits) -> tuple[zipfile.ZipFile | None, Directory | None]:
    """Open ``path`` for reading. Returns (None, record) when the listing is over the limits.

    Raises :class:`Unreadable` when the file is missing or is not a readable zip.
    """
    if not path.exists():
        raise Unreadable(f"there is no file '{path}'")
    if path.is_dir():
        raise Unreadable(f"'{path}' is a folder, not a zip file")
    try:
        if path.stat().st_size == 0:
            raise Unreadable(f"'{path}' is empty (0 bytes)")
        record = read_directory_record(path)
        if record is None:
            raise Unreadable(f"'{path}' is not a zip file, or it is truncated (no zip "
                             "directory at its end)")
        if record.entries > limits.max_entries or record.size > limits.max_central_directory:
            return None, record
        counted = count_entries(path, record, limits.max_entries + 1)
        if counted > limits.max_entries:
            return None, Directory(counted, record.size, record.end)
        return zipfile.ZipFile(path), record
    except Unreadable:
        raise
    except _DECODE_ERRORS as exc:
        raise Unreadable(f"'{path}' is not a readable zip file: {exc}") from None


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The bytes of one member, refusing to unpack more than ``cap`` bytes."""
    if info.file_size > cap:
        raise MemberUnreadable(f"it declares {info.file_size} bytes, more than the "
                               f"{cap // MiB} MB a manifest may have")
    if info.flag_bits & 0x1:
        raise MemberUnreadable("it is encrypted (password-protected)")
    chunks: list[bytes] = []
    total = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > cap:
                    raise MemberUnreadable(f"it unpacks to more than {cap // MiB} MB")
                chunks.append(chunk)
    except _DECODE_ERRORS as exc:
        raise MemberUnreadable(str(exc) or type(exc).__name__) from None
    return b"".join(chunks)
