"""The compressed zip entries kept between builds (builder/deflatecache.py): a build with
the cache writes exactly the bytes of a build without it, whatever the cache holds."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from builder import deflatecache
from builder.build import build


def _zips(root: Path, out: Path) -> dict[str, bytes]:
    result = build(root, ("scorm12", "web"), out, history="off")
    return {p.name: p.read_bytes() for p in result.written}


def _cached(cache: Path) -> list[Path]:
    return sorted(cache.glob("deflate-*/*.z"))


def test_cached_entries_change_nothing(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    reference = _zips(minimal, tmp_path / "off")
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    assert _zips(minimal, tmp_path / "cold") == reference  # fills the cache
    kept = _cached(cache)
    assert kept, "no entry was kept"
    # every kept stream is the entry's: a zip made of them reads back
    with zipfile.ZipFile(tmp_path / "cold" / next(iter(reference))) as zf:
        assert zf.testzip() is None
    for p in kept:  # as if last used long ago
        os.utime(p, ns=(1, 1))
    assert _zips(minimal, tmp_path / "warm") == reference  # from the cache
    assert all(p.stat().st_mtime_ns > 1 for p in kept), "a hit marks its file as used"


def test_a_damaged_cache_is_made_again(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    reference = _zips(minimal, tmp_path / "a")
    kept = _cached(cache)
    cut, flipped, other = kept[0], kept[1], kept[2]
    cut.write_bytes(cut.read_bytes()[:50])  # cut short
    blob = bytearray(flipped.read_bytes())
    blob[-3] ^= 0xFF  # one byte of the stream changed
    flipped.write_bytes(bytes(blob))
    other.write_bytes(kept[3].read_bytes())  # another entry's stream, checksum and all
    assert _zips(minimal, tmp_path / "b") == reference
    assert len(cut.read_bytes()) > 50 and bytes(blob) != flipped.read_bytes(), \
        "damaged files are replaced"
    assert _zips(minimal, tmp_path / "c") == reference


def test_an_unusable_cache_is_skipped(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    reference = _zips(minimal, tmp_path / "off")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSEPACK_CACHE", str(blocker / "cache"))
    assert _zips(minimal, tmp_path / "blocked") == reference
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    _zips(minimal, tmp_path / "fill")
    kept = _cached(cache)
    for p in kept[:3]:  # an entry's file that cannot be read (a folder in its place)
        p.unlink()
        p.mkdir()
    assert _zips(minimal, tmp_path / "unreadable") == reference


def test_the_folder_is_trimmed_least_recently_used_first(minimal, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = deflatecache.DeflateCache.open(6).folder
    old = [folder / f"{i:064x}.z" for i in range(40)]
    for i, p in enumerate(old):
        p.write_bytes(b"stale")
        os.utime(p, (1000 + i, 1000 + i))
    monkeypatch.setattr(deflatecache, "MAX_FILES", 40)
    _zips(minimal, tmp_path / "a")
    left = _cached(cache)
    assert len(left) <= 30
    gone = [p for p in old if not p.exists()]
    assert gone and all(not p.exists() for p in old[:len(gone)]), "oldest first"
    fresh = [p for p in left if p not in old]
    assert fresh, "this build's entries are kept"
