"""A large course's units read on two cores (builder/loadfork.py, issue 18) give what
reading them in one process gives: the same packages byte for byte, the same problems in
the same order, whatever the child does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.model import counting_forks, ran_alone, synth, values

REPO = Path(__file__).resolve().parent.parent


def _sro(dest: Path) -> Path:
    """A copy of the SRO course (a build writes next to course.yaml)."""
    dest.mkdir()
    for name in ("course.yaml", "glossary.yaml", "references.yaml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("modules", "scenarios"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def _taken(monkeypatch) -> list[int]:
    """Record, for each load, how many units the loader took from a child."""
    from builder import loadfork

    took: list[int] = []
    take = loadfork.Ahead._take

    def recording(self):
        got = take(self)
        took.append(len(got))
        return got
    monkeypatch.setattr(loadfork.Ahead, "_take", recording)
    return took


def _entries(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _problems(root: Path) -> list:
    from builder.build import check
    from builder.errors import BuildAborted

    try:
        return check(root)[1]
    except BuildAborted as e:
        return e.problems


def test_forked_reading_builds_what_one_process_builds(tmp_path, monkeypatch, request):
    if ran_alone(request):  # the fork is only made in a process with no other thread
        return
    from builder import build, loadfork, quality

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    courses = [_sro(tmp_path / "sro"),
               synth().make_course(tmp_path / "synth", 12, 4, 40, kc_per_module=2)]
    targets = ("scorm12", "web")
    for course in courses:
        monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
        here = build.build(course, targets, tmp_path / course.name / "a", history="off")
        rows_here = quality.reading_lines(here.course, full=True)
        monkeypatch.delenv("COURSEPACK_NO_FORK")
        monkeypatch.setattr(loadfork, "MIN_BYTES", 0)
        forks = counting_forks(monkeypatch)
        took = _taken(monkeypatch)
        there = build.build(course, targets, tmp_path / course.name / "b", history="off")
        assert len(forks) == 1 and took and took[0] > 0  # the child read units, and gave them
        assert there.warnings == here.warnings
        # the reading figures measured as the units were read are the check's
        assert quality.reading_lines(there.course, full=True) == rows_here
        for a, b in zip(here.written, there.written, strict=True):
            assert _entries(a) == _entries(b)
            assert a.read_bytes() == b.read_bytes()
        monkeypatch.undo()
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_child_numbers_popovers_on_from_the_loader(tmp_path, monkeypatch, request):
    """Popovers in the child's units carry the course's numbers (they run through the
    course in reading order), not the child's own."""
    if ran_alone(request):
        return
    from builder import loadfork
    from builder.build import check

    course = _sro(tmp_path / "sro")
    monkeypatch.setattr(loadfork, "MIN_BYTES", 0)
    took = _taken(monkeypatch)
    forked, _ = check(course, findings=False)
    assert took and took[0] > 0
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    alone, _ = check(course, findings=False)
    assert forked.outline == alone.outline
    ids = [v for v in values(forked) if isinstance(v, str) and 'id="term-' in v]
    assert ids and not any("\x01" in v for v in values(forked) if isinstance(v, str))


def test_problems_come_in_the_order_one_process_finds_them(tmp_path, monkeypatch, request):
    if ran_alone(request):
        return
    from builder import loadfork
    from tests.test_broken_corpus import CASES, make_case

    cases = [make_case(name, tmp_path / name) for name in sorted(CASES)]
    assert len(cases) > 50
    # a course with problems in the units of both processes, and one unit unreadable
    mixed = synth().make_course(tmp_path / "mixed", 8, 3, 20, kc_per_module=1)
    mods = sorted((mixed / "modules").glob("*.md"))
    for n in (1, len(mods) - 1):
        text = mods[n].read_text("utf-8")
        mods[n].write_text(text.replace("](fig-", "](missing-", 1) + "\n![](x.png)\n",
                           "utf-8")
    (mods[-2]).write_bytes(b"---\ntitle: x\n---\n\x00")
    # the same media id in a unit of each process: the child's work is dropped
    video = ("\n```video\nid: same\ntitle: A clip\nhosted: https://www.youtube.com/watch?"
             "v=aaaaaaaaaaa\nspeech: false\n```\n")
    twice = synth().make_course(tmp_path / "twice", 4, 2, 0)
    for path in sorted((twice / "modules").glob("*.md")):
        path.write_text(path.read_text("utf-8") + video, "utf-8")
    monkeypatch.setattr(loadfork, "MIN_BYTES", 0)
    took = _taken(monkeypatch)
    for root in [*cases, mixed, twice]:
        forks = counting_forks(monkeypatch)
        took.clear()
        forked = _problems(root)
        monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
        alone = _problems(root)
        monkeypatch.delenv("COURSEPACK_NO_FORK")
        assert forked == alone, root.parent.name
        if root == twice:
            assert took == [0]  # read again here
            assert any("two media have the id 'same'" in p.message for p in alone)
        if root == mixed:
            assert took and took[0] > 0 and len(forks) >= 1
            assert sum("not found" in p.message for p in alone) >= 2


def test_a_child_that_fails_leaves_the_reading_to_the_loader(tmp_path, monkeypatch,
                                                              request):
    if ran_alone(request):
        return
    import pickle

    from builder import build, loadfork

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    course = _sro(tmp_path / "sro")
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    here = build.build(course, ("scorm12",), tmp_path / "a", history="off")
    monkeypatch.delenv("COURSEPACK_NO_FORK")
    monkeypatch.setattr(loadfork, "MIN_BYTES", 0)

    def broken(*_a, **_k):
        raise pickle.PicklingError("no")
    monkeypatch.setattr(pickle, "dump", broken)  # only the child pickles
    forks = counting_forks(monkeypatch)
    took = _taken(monkeypatch)
    there = build.build(course, ("scorm12",), tmp_path / "b", history="off")
    assert len(forks) == 1 and took == [0]
    assert there.warnings == here.warnings
    assert here.written[0].read_bytes() == there.written[0].read_bytes()


def test_a_small_course_or_the_preview_reads_in_one_process(tmp_path, monkeypatch):
    from builder import loadfork
    from builder.build import check
    from builder.markdown import RenderCache

    course = _sro(tmp_path / "sro")
    forks = counting_forks(monkeypatch)
    check(course, findings=False)  # below MIN_BYTES
    monkeypatch.setattr(loadfork, "MIN_BYTES", 0)
    check(course, cache=RenderCache(), findings=False)  # the preview keeps what it reads
    assert forks == []


@pytest.mark.parametrize("sizes,at", [([10] * 10, 6), ([1] * 9 + [50], 10),
                                      ([50] + [1] * 9, 1), ([5, 5], 1), ([0, 0], 2)])
def test_the_child_takes_the_last_units_a_little_less_than_half(sizes, at, tmp_path,
                                                                monkeypatch):
    from builder import loadfork

    jobs = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"{i}.md"
        path.write_bytes(b"x" * size)
        jobs.append((path, str(i), None))
    monkeypatch.setattr(loadfork, "MIN_BYTES", 0)
    assert loadfork._split(jobs) == at
    monkeypatch.setattr(loadfork, "MIN_BYTES", sum(sizes) + 1)
    assert loadfork._split(jobs) == len(jobs)
