"""The project's release history (``state-history.json``, issue 21): an author who
republishes without ``--previous`` still lets learners keep their answers and visited pages.

A small course is built, a learner saves resume state under scorm-again, then a page is
inserted and a choice added to one knowledge check and the course is built again with no
flag: the second package carries the map from the first release's table, which the
build found in the history file it wrote the first time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import state
from builder.build import build
from builder.cli import cli
from builder.loaders import Loader
from tests.conftest import REPO
from tests.support.resume_state import course_data, read
from tests.test_republish import (
    LEARNER12,
    VISITED,
    _choice_added,
    _insert_page,
    base,
    learner_who_failed,
    ready,
    snapshot,
    swap,
)

ZIP = "dist/minimal-course-1.0.0-scorm12.zip"


def run(*args: str):
    result = CliRunner().invoke(cli, ["build", *args, "-t", "scorm12"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def tables(root: Path) -> list[dict]:
    return json.loads((root / state.HISTORY_FILE).read_text())["tables"]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.browser
def test_republish_without_previous_keeps_answers_and_pages(tmp_path, scorm12_player):
    root = base(tmp_path / "course")
    first = run(str(root))
    assert first.exit_code == 0, first.output
    history = root / state.HISTORY_FILE
    [v1] = tables(root)
    assert v1["version"] == "1.0.0" and "intro/first-idea" in v1["pages"]
    assert "Recorded this release in" in first.output and "will lose" not in first.output
    # built again, unchanged: neither the history file nor the package changes
    v1_zip = tmp_path / "v1.zip"
    shutil.copy(root / ZIP, v1_zip)
    before = history.read_bytes(), history.stat().st_mtime_ns
    again = run(str(root))
    assert again.exit_code == 0, again.output
    assert (history.read_bytes(), history.stat().st_mtime_ns) == before
    assert (root / ZIP).read_bytes() == v1_zip.read_bytes()
    assert "Recorded" not in again.output

    preload = learner_who_failed(scorm12_player(v1_zip), LEARNER12)

    _insert_page(root)
    _choice_added(root)
    second = run(str(root))
    assert second.exit_code == 0, second.output
    assert ("Learners of version 1.0.0 (state-history.json) will lose:\n"
            "  knowledge check kc-first: changed (its answer is dropped)\n") in second.output
    v1_again, v2 = tables(root)
    assert v1_again == v1 and "intro/inserted" in v2["pages"] and v2["ref"] != v1["ref"]
    v2_zip = tmp_path / "v2.zip"
    shutil.copy(root / ZIP, v2_zip)
    # the same sources and the same history: the same bytes, and the file as it was
    written = history.read_bytes()
    assert run(str(root)).exit_code == 0
    assert (root / ZIP).read_bytes() == v2_zip.read_bytes()
    assert history.read_bytes() == written
    # the same release without the history: the file is neither read nor written
    bare = run(str(root), "--no-history", "-o", str(tmp_path / "bare"))
    assert bare.exit_code == 0 and "will lose" not in bare.output
    assert history.read_bytes() == written

    player = scorm12_player(v1_zip)
    kept = {}
    for name, package in (("history", v2_zip), ("none", tmp_path / "bare" / Path(ZIP).name)):
        swap(player, package)
        player.open(json.loads(json.dumps(preload)))
        ready(player.frame)
        s = snapshot(player.frame)
        player.close_page()
        # what the package wrote back, read independently against its own table
        data = course_data(package)
        stored = read(player.stored["suspend_data"], data)
        s["visited"] = {p["loc"] for p, seen in zip(data["pages"], stored["visited"],
                                                    strict=True) if seen}
        s["kc"] = {q["id"]: answer for q, answer in zip(data["kcs"], stored["kc"], strict=True)}
        kept[name] = s
    s = kept["history"]
    assert s["page"] == "pg-basics--second-idea"
    assert s["kc"] == {"kc-first": "", "kc-second": "1"}   # the changed one dropped
    assert s["visited"] == VISITED                          # by page id, past the new page
    assert s["asmt"]["quiz"] == {"n": 1, "sub": True, "score": 33}
    # without the history the package cannot read the old table: answers and pages go
    assert kept["none"]["kc"] == {"kc-first": "", "kc-second": ""}
    assert not kept["none"]["visited"] >= VISITED


def test_damaged_history_is_a_problem_and_nothing_is_written(tmp_path):
    root = base(tmp_path / "course")
    assert run(str(root)).exit_code == 0
    dist = files_of(root / "dist")
    history = root / state.HISTORY_FILE
    good = history.read_text()
    cases = {
        "not json": (good[:40], ":2: the release history is not valid JSON"),
        "bad table": (good.replace('"ref": "', '"ref": 7, "x": "', 1), ": [tables[0].ref]"),
        "bad kcs": (good.replace('"n": 2,', '"n": "two",', 1), ": [tables[0].kcs[0]]"),
        "bad format": (good.replace('"format": 1', '"format": 9'), ": [format]"),
        "no tables": ("[]\n", ": [tables]"),
    }
    _choice_added(root)   # a build that would record a new table
    for name, (text, where) in cases.items():
        history.write_text(text)
        result = run(str(root))
        assert result.exit_code == 1, name
        assert f"state-history.json{where}" in result.output, (name, result.output)
        assert "hint: restore state-history.json" in result.output, name
        assert "Nothing was written." in result.output
        assert history.read_text() == text, name
        assert files_of(root / "dist") == dist, name
    # a problem in the sources too: both are reported at once
    (root / "course.yaml").write_text((root / "course.yaml").read_text()
                                      .replace("version: 1.0.0", "version: [1"))
    result = run(str(root))
    assert result.exit_code == 1
    assert "course.yaml" in result.output and "state-history.json" in result.output


def test_failed_write_leaves_the_history_as_it_was(tmp_path):
    root = base(tmp_path / "course")
    (root / "dist").write_text("a file where the folder goes")
    result = run(str(root))
    assert result.exit_code == 1 and "it is a file" in result.output
    assert not (root / state.HISTORY_FILE).exists()


def test_previous_adds_its_release_to_the_history(tmp_path):
    old = base(tmp_path / "old")
    assert run(str(old), "--no-history").exit_code == 0
    root = base(tmp_path / "course")
    _insert_page(root)
    result = run(str(root), "--previous", str(old / ZIP))
    assert result.exit_code == 0, result.output
    first, second = tables(root)
    assert "intro/inserted" not in first["pages"] and "intro/inserted" in second["pages"]
    # next time no flag is needed: the history knows that release
    package = build(root, ("scorm12",), out=tmp_path / "out").written[0]
    via_history = json.loads(json.dumps(_prev_of(package)))
    assert first["ref"] in via_history


def _prev_of(package: Path) -> dict:
    return course_data(package)["state"]["prev"]


def test_preview_check_and_library_builds_never_write_the_history(tmp_path):
    from builder.preview import PreviewServer

    root = base(tmp_path / "course")
    srv = PreviewServer(root, "scorm12", 0)
    srv.start()
    try:
        import urllib.request

        with urllib.request.urlopen(srv.url + "__status") as r:
            assert json.load(r)["ok"] is True
    finally:
        srv.stop()
    assert CliRunner().invoke(cli, ["check", str(root)]).exit_code == 0
    build(root, ("scorm12",))   # coursepack play and the tests build this way
    assert not (root / state.HISTORY_FILE).exists()


def test_history_keeps_the_last_tables_sorted_and_stable():
    made = [{"ref": f"r{i}", "pages": [], "kcs": [], "prev": {}} for i in range(30)]
    kept = state.record([], *made)
    assert [t["ref"] for t in kept] == [f"r{i}" for i in range(10, 30)]
    assert state.record(kept, made[-1]) == kept
    assert all("prev" not in t for t in kept)
    text = state.history_text(kept)
    assert text == state.history_text(json.loads(text)["tables"]) and text.endswith("}\n")


def test_the_repos_history_lists_the_sro_course():
    recorded = state.read_history(REPO / state.HISTORY_FILE)
    course = Loader(REPO).load()
    assert recorded[0]["version"] == "1.1.0"
    assert {t["course"] for t in recorded} == {course.id}
