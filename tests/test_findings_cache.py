"""The item-quality and reading-level findings kept between builds (builder/findcache.py):
a build that takes them from the cache prints exactly what a build that finds them prints,
and any change to the course finds them again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder import findcache, quality
from builder.build import build
from builder.cli import cli
from tests.test_quality import OPTIONS, choice_q, with_quiz


def _build(runner, root: Path, out: Path) -> str:
    """What a build says: the command's output, and each warning in full (the command
    prints only the number of item-quality findings)."""
    result = runner.invoke(cli, ["build", str(root), "--no-history", "--out", str(out),
                                 "-t", "scorm12"])
    assert result.exit_code == 0, result.output
    built = build(root, ("scorm12",), out, history="off")
    return "\n".join([result.output, *(w.format() for w in built.warnings),
                      *quality.reading_lines(built.course, full=True)])


def _no_check(course):
    raise AssertionError("quality.check ran: the findings were not taken from the cache")


@pytest.fixture
def biased(minimal):
    """The minimal course with a quiz whose right answer is always A (a finding)."""
    return with_quiz(minimal, [choice_q(f"k{i}", OPTIONS, 0) for i in range(6)])


def test_kept_findings_print_the_same(runner, biased, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    reference = _build(runner, biased, tmp_path / "out")
    assert "right answer is option A in 6 of 6" in reference
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    assert _build(runner, biased, tmp_path / "out") == reference  # found, and kept
    assert len(list(cache.glob("findings-*/*.pickle"))) == 1
    findcache._code_signature.cache_clear()
    monkeypatch.setattr(quality, "check", _no_check)
    assert _build(runner, biased, tmp_path / "out") == reference  # from the cache


def test_a_changed_course_is_checked_again(runner, biased, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEPACK_CACHE", str(tmp_path / "cache"))
    first = _build(runner, biased, tmp_path / "out")
    quiz = biased / "scenarios" / "extra.yaml"
    quiz.write_text("# moved down a line\n" + quiz.read_text("utf-8"), "utf-8")
    moved = _build(runner, biased, tmp_path / "out")
    assert moved != first  # the finding's line changed with the file
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    assert _build(runner, biased, tmp_path / "out") == moved
    quiz.write_text(quiz.read_text("utf-8").replace("shuffle: true\n", "shuffle: true\n"
                                                    "quality_ignore: {key_position: tested}\n"))
    monkeypatch.setenv("COURSEPACK_CACHE", str(tmp_path / "cache"))
    quiet = _build(runner, biased, tmp_path / "out")
    assert "right answer is option A" not in quiet


def test_a_damaged_entry_is_found_again(runner, biased, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    reference = _build(runner, biased, tmp_path / "out")
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    _build(runner, biased, tmp_path / "out")
    [entry] = cache.glob("findings-*/*.pickle")
    for damage in (entry.read_bytes()[:40], b"\0" * 32 + entry.read_bytes()[32:]):
        entry.write_bytes(damage)
        assert _build(runner, biased, tmp_path / "out") == reference
        assert entry.read_bytes() != damage, "the damaged entry is replaced"


def test_a_code_change_is_a_new_key(tmp_path):
    code = tmp_path / "builder"
    (code / "sub").mkdir(parents=True)
    (code / "a.py").write_text("x = 1\n")
    (code / "sub" / "b.py").write_text("y = 2\n")
    first = findcache.signature(code)
    assert findcache.signature(code) == first
    (code / "sub" / "b.py").write_text("y = 22\n")  # another size
    second = findcache.signature(code)
    assert second != first
    os.utime(code / "a.py", ns=(1, 1))  # the same size, another time
    assert findcache.signature(code) not in (first, second)
    (code / "c.py").write_text("")  # a new module
    assert findcache.signature(code) != second
