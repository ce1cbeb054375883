"""`coursepack preview` rebuilds incrementally (builder/readcache.py keeps each unit it
read, builder/markdown.py's RenderCache each text, builder/chunks.py each unit's HTML):
after any edit, what it serves is byte for byte what a fresh preview of the same sources
serves, and an unchanged unit is not read again. Not timed: benchmarks/preview_reload.py
measures save-to-reload."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import builder.preview as preview_module
from builder import readcache
from builder.loaders import Loader
from builder.preview import Preview

FIXTURES = Path(__file__).parent / "fixtures"


def fresh(root: Path, target: str) -> Preview:
    p = Preview(root, target)
    p.rebuild()
    return p


def same_as_fresh(p: Preview) -> None:
    p.rebuild()
    other = fresh(p.root, p.target)
    assert p.error == other.error
    if other.error is None:
        assert sorted(p.files) == sorted(other.files)
        for name, data in other.files.items():
            assert p.files[name] == data, name


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text("utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


# each step changes the sources as an author might; the edits accumulate
STEPS = [
    ("a word in a page", lambda r: edit(r, "modules/02-basics.md", "\n# Summary",
                                       "\nOne more sentence.\n\n# Summary")),
    ("a quiz's feedback", lambda r: edit(r, "scenarios/quiz.yaml", "The first idea comes first.",
                                         "Look at the order of the modules.")),
    # a glossary term early on renumbers the popovers of every later unit
    ("a term used earlier", lambda r: edit(r, "modules/01-intro.md", "The first idea matters.",
                                           "The first idea matters to a [[widget]].")),
    ("a glossary definition", lambda r: edit(r, "glossary.yaml", "A small thing",
                                             "A small, handy thing")),
    ("a reference's text", lambda r: edit(r, "references.yaml", "text:", "text: Revised.")),
    ("a broken module", lambda r: edit(r, "modules/03-blocks.md", "---\n\n#", "---\n\n#x\n\n#")),
    ("the module mended", lambda r: edit(r, "modules/03-blocks.md", "#x\n\n", "")),
    ("a duplicate question id", lambda r: edit(r, "scenarios/quiz.yaml", "id: q-both",
                                               "id: q-first")),
    ("the id mended", lambda r: edit(r, "scenarios/quiz.yaml", "id: q-first\n    type: multiple",
                                     "id: q-both\n    type: multiple")),
    ("a new image", lambda r: (r.joinpath("modules/diagram.svg").write_text(
        r.joinpath("modules/diagram.svg").read_text().replace("</svg>", "<g/></svg>")))),
    ("the interface words", lambda r: edit(r, "course.yaml", "language: en", "language: fr")),
    ("a module renamed", lambda r: r.joinpath("modules/02-basics.md").rename(
        r / "modules/05-basics.md")),
]


@pytest.mark.parametrize("target", ["scorm12", "xapi"])
def test_every_rebuild_serves_what_a_fresh_preview_serves(tmp_path, target):
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "blocks", root)
    p = fresh(root, target)
    assert p.error is None
    for what, change in STEPS:
        change(root)
        same_as_fresh(p)
        assert p.last["rendered"] + p.last["reused"] > 0, what


def test_an_unchanged_unit_is_not_read_again(tmp_path, monkeypatch):
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "blocks", root)
    p = fresh(root, "scorm12")
    read: list[str] = []
    for name in ("module", "assessment"):
        method = getattr(Loader, name)
        monkeypatch.setattr(Loader, name, lambda self, path, uid, _m=method: (
            read.append(path.name), _m(self, path, uid))[1])
    p.rebuild()
    assert read == [] and p.error is None
    edit(root, "modules/02-basics.md", "builds on the first", "EDITED")  # one page's text
    p.rebuild()
    assert read == ["02-basics.md"]
    assert p.last["rendered"] == 1 and p.last["reused"] > 10
    # the same bytes saved as editors do (a new file renamed over the old): another file,
    # read again, once
    read.clear()
    path = root / "modules/01-intro.md"
    path.with_suffix(".tmp").write_bytes(path.read_bytes())
    path.with_suffix(".tmp").replace(path)
    p.rebuild()
    p.rebuild()
    assert read == ["01-intro.md"]


def test_a_build_keeps_nothing(minimal):
    """``coursepack build`` (no cache) reads every unit and keeps none."""
    loader = Loader(minimal)
    loader.load()
    assert loader not in readcache._LOADS


def test_a_save_in_several_writes_is_one_rebuild(monkeypatch):
    """The rebuild waits until the events stop: a write that is not finished (modified,
    not closed) keeps it waiting; the end of a write lets it go at once."""
    monkeypatch.setattr(preview_module, "SETTLE", 2.0)
    monkeypatch.setattr(preview_module, "SETTLE_DONE", 0.01)
    monkeypatch.setattr(preview_module, "SETTLE_MAX", 5.0)
    wake = preview_module.Wake()
    seen: list[str] = []

    def editor() -> None:
        for _ in range(3):  # a large file written in parts
            time.sleep(0.05)
            seen.append("modified")
            wake.change(False)
        time.sleep(0.05)
        seen.append("closed")
        wake.change(True)

    wake.change(False)  # the first event
    writer = threading.Thread(target=editor)
    writer.start()
    started = time.monotonic()
    wake.settle()
    took = time.monotonic() - started
    seen.append("rebuild")
    writer.join()
    assert seen == ["modified"] * 3 + ["closed", "rebuild"]
    assert took < 1.5  # let go by the end of the write, not after SETTLE
    assert not wake.is_set()  # an event from now on is one more rebuild
    # a program that writes all the time: rebuilt after SETTLE_MAX all the same
    monkeypatch.setattr(preview_module, "SETTLE_MAX", 0.2)
    wake.change(False)
    started = time.monotonic()
    wake.settle()
    assert time.monotonic() - started < 1.5


def test_the_browser_reloads_only_the_files_a_rebuild_changed(tmp_path):
    """The course's files are served with their ETag and no-cache: the browser asks
    again on every load, and gets "not modified" for a file the rebuild left as it was."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "blocks", root)
    srv = preview_module.PreviewServer(root, "scorm12", 0)
    srv.start()
    try:
        def get(name: str, tag: str = "") -> tuple[int, str, bytes]:
            request = urllib.request.Request(srv.url + "course/" + name,
                                             headers={"If-None-Match": tag} if tag else {})
            try:
                with urllib.request.urlopen(request) as r:
                    assert r.headers["Cache-Control"] == "no-cache"
                    return r.status, r.headers["ETag"], r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.headers["ETag"], e.read()

        names = ("index.html", "content/u0.js", "content/u1.js")
        first = {n: get(n) for n in names}
        assert all(code == 200 and tag for code, tag, _ in first.values())
        assert get("index.html", first["index.html"][1])[:1] == (304,)
        version = srv.preview.version
        edit(root, "modules/02-basics.md", "builds on the first", "EDITED")
        deadline = time.monotonic() + 30
        while srv.preview.version == version and time.monotonic() < deadline:
            time.sleep(0.02)
        assert srv.preview.version > version
        assert get("content/u0.js", first["content/u0.js"][1])[0] == 304  # unchanged
        code, _, body = get("content/u1.js", first["content/u1.js"][1])
        assert code == 200 and b"EDITED" in body  # the second module, changed
    finally:
        srv.stop()
