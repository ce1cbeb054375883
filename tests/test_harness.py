"""Tests of the browser test harness itself (tests/support), using a hand-written SCO."""

from __future__ import annotations

import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.support.lms import axe_violations, safe_extract, serve

# The browser fixtures; conftest.py loads them too, this keeps the file self-contained.
pytest_plugins = ["tests.support.fixtures"]

SAMPLE_SCO = Path(__file__).parent / "support" / "sample_sco" / "index.html"

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="harness" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Harness</title>
      <item identifier="item" identifierref="res"><title>Sample</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="sco/index.html">
      <file href="sco/index.html"/>
    </resource>
  </resources>
</manifest>
"""

LEARNER = {"core": {"student_id": "s-042", "student_name": "Doe, Jane"},
           "student_data": {"mastery_score": "70"}}


@pytest.fixture(scope="module")
def sample_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-SCO package whose manifest launches sco/index.html."""
    path = tmp_path_factory.mktemp("pkg") / "sample.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.write(SAMPLE_SCO, "sco/index.html")
    return path


def test_serve_maps_prefixes_with_content_types(tmp_path: Path) -> None:
    files = {"a.js": "application/javascript", "b.svg": "image/svg+xml", "c.html": "text/html",
             "d.css": "text/css", "e.json": "application/json", "f.xml": "application/xml"}
    (tmp_path / "site").mkdir()
    for name in files:
        (tmp_path / "site" / name).write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    with serve({"/s/": tmp_path / "site"}) as base:
        for name, expected in files.items():
            with urllib.request.urlopen(f"{base}/s/{name}") as response:
                assert response.headers.get_content_type() == expected, name
        for path in ("/other/a.js", "/s/%2e%2e/secret.txt", "/s/missing.js"):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(base + path)
            assert error.value.code == 404, path
            error.value.close()


@pytest.mark.parametrize("name", ["../evil.html", "/abs.html", "a\\b.html", "c:/x.html"])
def test_unsafe_zip_names_are_refused(tmp_path: Path, name: str) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr(name, "x")
    with pytest.raises(ValueError, match="unsafe"):
        safe_extract(bad, tmp_path / "out")


def test_calls_are_recorded_with_results(scorm12_player, sample_zip: Path) -> None:
    player = scorm12_player(sample_zip)
    assert player.launch == "sco/index.html"
    player.open(LEARNER)
    calls = player.calls()
    assert [c["fn"] for c in calls] == (
        ["LMSInitialize", "LMSGetValue", "LMSGetValue"] + ["LMSSetValue"] * 8 + ["LMSCommit"])
    assert calls[1] == {"fn": "LMSGetValue", "args": ["cmi.core.entry"], "result": "", "error": "0"}
    assert {"fn": "LMSSetValue", "args": ["cmi.core.exit", "suspend"],
            "result": "true", "error": "0"} in calls
    assert all(c["result"] == "true" for c in calls if c["fn"] != "LMSGetValue")
    assert player.errors() == []


def test_cmi_shows_what_the_sco_set(scorm12_player, sample_zip: Path) -> None:
    player = scorm12_player(sample_zip)
    player.open(LEARNER)
    cmi = player.cmi()
    assert cmi["suspend_data"] == "visited=1,2"
    assert cmi["student_data"]["mastery_score"] == "70"
    core = cmi["core"]
    assert (core["student_id"], core["student_name"]) == ("s-042", "Doe, Jane")
    assert core["lesson_location"] == "page-2"
    assert core["lesson_status"] == "incomplete"
    assert core["score"] == {"raw": "80", "min": "0", "max": "100"}
    assert core["session_time"] == "00:00:05"  # scorm-again normalises 0000:00:05.00
    assert core["exit"] == "suspend"
    assert player.stored["core"]["lesson_location"] == "page-2"  # the LMSCommit stored it


def test_invalid_value_is_an_error(scorm12_player, sample_zip: Path) -> None:
    player = scorm12_player(sample_zip)
    player.open()
    assert player.errors() == []
    player.frame.get_by_role("button", name="Report time in the wrong format").click()
    errors = player.errors()
    assert {"fn": "LMSSetValue", "args": ["cmi.core.session_time", "PT5S"],
            "result": "false", "error": "405"} in errors
    assert any("405" in e.get("message", "") for e in errors)  # scorm-again's own log
    assert player.cmi()["core"]["session_time"] == "00:00:05"  # the bad value was refused


def test_closing_the_page_records_one_finish(scorm12_player, sample_zip: Path) -> None:
    player = scorm12_player(sample_zip)
    player.open(LEARNER)
    assert "LMSFinish" not in [c["fn"] for c in player.calls()]
    player.close_page()
    finishes = [c for c in player.calls() if c["fn"] == "LMSFinish"]
    assert finishes == [{"fn": "LMSFinish", "args": [""], "result": "true", "error": "0"}]
    assert player.calls()[-1] == finishes[0]
    assert player.errors() == []
    assert player.stored["core"]["total_time"] == "00:00:05"  # added up by the LMS on finish


def test_resumed_launch_sees_suspend_data(scorm12_player, sample_zip: Path) -> None:
    player = scorm12_player(sample_zip)
    player.open(LEARNER)
    player.close_page()
    preload = player.resume_preload()
    assert preload["core"]["entry"] == "resume"
    assert preload["core"]["student_id"] == "s-042"

    player.open(preload)
    cmi = player.cmi()
    assert cmi["core"]["entry"] == "resume"
    assert cmi["core"]["total_time"] == "00:00:05"
    assert cmi["student_data"]["mastery_score"] == "70"
    got = {c["args"][0]: c["result"] for c in player.calls() if c["fn"] == "LMSGetValue"}
    assert got == {"cmi.core.entry": "resume", "cmi.suspend_data": "visited=1,2"}
    assert player.frame.locator("#saved").inner_text() == "Saved progress: visited=1,2"
    player.close_page()
    assert player.resume_preload()["core"]["total_time"] == "00:00:10"
    assert player.errors() == []


def test_axe_finds_no_violations_in_sample(scorm12_player, sample_zip: Path) -> None:
    player = scorm12_player(sample_zip)
    player.open()
    assert axe_violations(player.frame) == []
