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


def _packs(cache: Path) -> list[Path]:
    return sorted(cache.glob("deflate-*/*.pack"))


def _streams(pack: Path) -> int:
    return int.from_bytes(pack.read_bytes()[4:8], "little")


def test_kept_entries_change_nothing(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    reference = _zips(minimal, tmp_path / "off")
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    assert _zips(minimal, tmp_path / "cold") == reference  # fills the cache
    [pack] = _packs(cache)  # one file for the build's entries
    assert _streams(pack) >= 5
    with zipfile.ZipFile(tmp_path / "cold" / next(iter(reference))) as zf:
        assert zf.testzip() is None
    os.utime(pack, ns=(1, 1))  # as if last used long ago
    assert _zips(minimal, tmp_path / "warm") == reference  # from the cache
    assert _packs(cache) == [pack], "nothing new to keep"
    assert pack.stat().st_mtime_ns > 1, "a pack a build takes from is marked as used"


def test_a_changed_entry_goes_into_a_new_pack(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    _zips(minimal, tmp_path / "a")
    [first] = _packs(cache)
    module = next((minimal / "modules").glob("*.md"))
    module.write_text(module.read_text("utf-8") + "\nA paragraph added.\n" * 200, "utf-8")
    changed = _zips(minimal, tmp_path / "b")
    [second] = [p for p in _packs(cache) if p != first]
    assert 0 < _streams(second) < _streams(first), "only what changed is compressed again"
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    assert _zips(minimal, tmp_path / "c") == changed


def test_a_damaged_pack_is_not_used(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    reference = _zips(minimal, tmp_path / "off")
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    _zips(minimal, tmp_path / "a")
    [pack] = _packs(cache)
    blob = bytearray(pack.read_bytes())
    blob[-3] ^= 0xFF  # one byte of the last stream changed
    pack.write_bytes(bytes(blob))
    assert _zips(minimal, tmp_path / "b") == reference
    [again] = [p for p in _packs(cache) if p != pack]
    assert _streams(again) == 1, "the damaged entry is compressed again and kept"
    assert _zips(minimal, tmp_path / "c") == reference  # the good copy is found
    pack.write_bytes(bytes(blob[:len(blob) // 2]))  # cut short
    again.write_bytes(b"cpzp\xff\xff\xff\xff")  # an index longer than the file
    assert _zips(minimal, tmp_path / "d") == reference


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
    [pack] = _packs(cache)
    pack.unlink()
    pack.mkdir()  # a pack that cannot be read (a folder in its place)
    assert _zips(minimal, tmp_path / "unreadable") == reference


def test_the_folder_is_trimmed_least_recently_used_first(minimal, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = deflatecache.DeflateCache.open(6).folder
    old = [folder / f"{i:032x}.pack" for i in range(6)]
    for i, p in enumerate(old):
        p.write_bytes(b"cpzp\0\0\0\0")
        os.utime(p, (1000 + i, 1000 + i))
    monkeypatch.setattr(deflatecache, "MAX_PACKS", 4)
    _zips(minimal, tmp_path / "a")
    assert [p.exists() for p in old] == [False, False, False, True, True, True]
    assert len(_packs(cache)) == 4, "this build's pack is kept"
