"""A large zip's entries compressed on two cores (builder.archive.Deflate.prefill): the
zip is the same file as one process writes, and a child that fails changes nothing."""

from __future__ import annotations

import io
import os
import random
import zipfile

from builder import background
from builder.archive import _CHUNK, PARALLEL_BYTES, Deflate, zip_bytes_to
from tests.support.model import counting_forks, ran_alone


def _files(seed: int) -> dict[str, bytes]:
    """Many unit-sized entries (past PARALLEL_BYTES in all), some the same, and two large
    ones (which share a prefix) among them."""
    rng = random.Random(seed)
    vocab = ["course", "page", "module", "learner", "score", "<p>", "</p>\n", "quiz"]
    files = {"imsmanifest.xml": b"<manifest/>"}
    for i in range(160):
        text = " ".join(rng.choice(vocab) for _ in range(6_000)).encode()  # ~35 KB
        files[f"content/u{i}.js"] = text
    files["content/copy.js"] = files["content/u3.js"]  # the same bytes twice
    big = " ".join(rng.choice(vocab) for _ in range(200_000)).encode()  # over 2 chunks
    files["index.html"] = big + b"<!-- a -->"
    files["print.html"] = big + b"<!-- b -->"
    assert sum(len(v) for v in files.values()) > PARALLEL_BYTES
    assert len(big) > 2 * _CHUNK
    return files


def _zip(files: dict[str, bytes], deflate: Deflate | None = None) -> bytes:
    fh = io.BytesIO()
    zip_bytes_to(files, fh, deflate)
    return fh.getvalue()


def test_a_large_zip_is_compressed_on_two_cores_into_the_same_bytes(monkeypatch, request):
    if ran_alone(request):  # the fork is only made in a process with no other thread
        return
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = _files(1)
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    alone = _zip(files)
    shared_alone = Deflate(share_prefix=True)
    alone_twice = [_zip(files, shared_alone), _zip(files, shared_alone)]
    monkeypatch.delenv("COURSEPACK_NO_FORK")
    forks = counting_forks(monkeypatch)
    here: list[int] = []  # the entries this process compressed (the child's count its own)
    deflate = Deflate._deflate
    monkeypatch.setattr(Deflate, "_deflate", lambda self, data: here.append(len(data))
                        or deflate(self, data))
    assert _zip(files) == alone
    assert len(forks) == 1
    distinct = len(set(files.values()))
    # the child's streams were taken: about half the bytes were compressed there
    assert len(here) < distinct - 20, (len(here), distinct)
    assert 0.4 < sum(here) / sum(len(d) for d in set(files.values())) < 0.6
    shared = Deflate(share_prefix=True)
    first = _zip(files, shared)
    # the large entries stay here, so the next zip continues from their checkpoints
    assert [len(data) for data, _, _ in shared.large] == [len(files["index.html"]),
                                                         len(files["print.html"])]
    assert [first, _zip(files, shared)] == alone_twice
    assert len(forks) == 2  # the second zip found every entry compressed already
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert zf.testzip() is None
        assert {n: zf.read(n) for n in zf.namelist()} == files


def test_a_child_that_fails_or_cannot_start_leaves_the_work_here(monkeypatch, request):
    if ran_alone(request):
        return
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = _files(2)
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    alone = _zip(files)
    monkeypatch.delenv("COURSEPACK_NO_FORK")
    fork = background.fork
    monkeypatch.setattr(background, "fork", lambda work: fork(lambda: os._exit(3)))
    assert _zip(files) == alone
    monkeypatch.setattr(background, "fork", lambda work: fork(lambda: [(0, b"x")]))
    assert _zip(files) == alone  # a result that does not fit is not taken
    monkeypatch.setattr(background, "fork", lambda work: None)
    assert _zip(files) == alone
