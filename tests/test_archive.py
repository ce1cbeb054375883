"""builder.archive writes zips itself (so that a build's zips share the compressed form of
their common entries): its bytes must be exactly those of Python's zipfile."""

from __future__ import annotations

import io
import random
import zipfile

from builder.archive import _CHUNK, Deflate, _zipfile_to, entry_order, zip_bytes_to


def _site(seed: int, tail: str) -> dict[str, bytes]:
    rng = random.Random(seed)
    words = [rng.choice(["course", "page", "module", "learner", "score", "<p>", "</p>\n"])
             for _ in range(300_000)]
    page = " ".join(words).encode()  # about 2 MB: several chunks
    return {"imsmanifest.xml": b"<manifest/>", "index.html": page + tail.encode(),
            "static/empty.css": b"", "media/caf\u00e9 ol\u00e9.svg": b"<svg/>" * 100,
            "static/coursepack.js": b"var x = 1;\n" * 2000}


def _reference(files: dict[str, bytes]) -> bytes:
    fh = io.BytesIO()
    _zipfile_to(files, fh, entry_order(list(files)))
    return fh.getvalue()


def test_zip_bytes_are_zipfiles(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")  # an odd second: DOS time halves it
    files = _site(1, "<script>1</script>")
    fh = io.BytesIO()
    zip_bytes_to(files, fh)
    assert fh.getvalue() == _reference(files)
    with zipfile.ZipFile(io.BytesIO(fh.getvalue())) as zf:
        assert zf.testzip() is None
        assert zf.read("media/caf\u00e9 ol\u00e9.svg") == files["media/caf\u00e9 ol\u00e9.svg"]


def test_shared_deflate_gives_the_same_bytes():
    """Targets' pages that differ only after the first chunks, or early, or not at all:
    compressed through one Deflate (continuing from a shared zlib state), each zip is
    byte for byte the one zipfile writes alone."""
    base = _site(2, "")
    sites = [{**base, "index.html": base["index.html"] + tail}
             for tail in (b"<script>scorm12</script>", b"<script>web</script>", b"")]
    early = dict(base)
    early["index.html"] = b"<meta csp>" + base["index.html"][10:]
    sites.append(early)
    sites.append({**base, "index.html": base["index.html"][:_CHUNK * 3]})  # cut at a chunk
    deflate = Deflate(share_prefix=True)
    for files in sites:
        fh = io.BytesIO()
        zip_bytes_to(files, fh, deflate)
        assert fh.getvalue() == _reference(files)
    assert len(deflate.large) == len(sites)
