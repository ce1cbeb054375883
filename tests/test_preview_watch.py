"""`coursepack preview` sees saves through the system's file events (watchdog) and
rebuilds only what changed: a save rebuilds and reloads the course, texts that did not
change are reused, and nothing outside the project's sources (dist/, a folder linked in
from outside) wakes it. Not timed: benchmarks/run.py measures save-to-reload."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

import builder.preview as preview_module
from builder.preview import PreviewServer, source_change


def status(srv) -> dict:
    with urllib.request.urlopen(srv.url + "__status") as r:
        return json.load(r)


def wait_for_version(srv, above: int, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = status(srv)
        if now["version"] > above:
            return now
        time.sleep(0.05)
    raise AssertionError(f"no rebuild after version {above} within {timeout} s")


def served(srv, name: str) -> str:
    with urllib.request.urlopen(srv.url + "course/" + name) as r:
        return r.read().decode()


@pytest.fixture
def server(minimal):
    srv = PreviewServer(minimal, "scorm12", 0)
    srv.start()
    yield srv
    srv.stop()


def test_a_save_rebuilds_only_what_changed(server, minimal):
    first = status(server)
    assert first["ok"] and first["rebuild"]["reused"] == 0
    module = minimal / "modules/02-basics.md"
    module.write_text(module.read_text().replace("builds on the first", "WATCHED EDIT"))
    after = wait_for_version(server, first["version"])
    assert after["ok"] and after["error"] is None
    assert "WATCHED EDIT" in served(server, "content/u1.js")  # the second module
    # the edited page rendered again; the other module, the glossary and the quiz reused
    assert 1 <= after["rebuild"]["rendered"] <= 2
    assert after["rebuild"]["reused"] >= 5


def test_files_outside_the_sources_do_not_wake_it(server, minimal, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    version = status(server)["version"]
    (minimal / "modules/linked").symlink_to(outside, target_is_directory=True)
    wait_for_version(server, version)  # the link itself is a change of the sources
    time.sleep(0.5)
    version = status(server)["version"]
    (minimal / "dist").mkdir()
    (minimal / "dist/old.zip").write_bytes(b"zip")
    (outside / "notes.md").write_text("# Not in the course\n")
    time.sleep(1.5)
    assert status(server)["version"] == version
    assert not source_change(minimal, str(outside / "notes.md"))
    assert not source_change(minimal, str(minimal / "dist/old.zip"))
    assert source_change(minimal, str(minimal / "modules/01-intro.md"))
    assert not source_change(minimal, str(minimal / "tests/__pycache__/test_x.cpython-311.pyc"))


def test_polls_where_there_are_no_file_events(minimal, monkeypatch):
    monkeypatch.setattr(preview_module, "_observer", lambda root, wake: None)
    srv = PreviewServer(minimal, "scorm12", 0)
    srv.start()
    try:
        version = status(srv)["version"]
        course = minimal / "course.yaml"
        course.write_text(course.read_text().replace("A Minimal Course", "A Polled Course"))
        wait_for_version(srv, version)
        assert "A Polled Course" in served(srv, "index.html")
    finally:
        srv.stop()


@pytest.mark.browser
def test_a_save_reloads_the_course_in_the_page(browser, server, minimal):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url)
        frame = page.frame_locator("#pv-course")
        frame.locator("html[data-cp-ready]").wait_for(state="attached")
        version = status(server)["version"]
        module = Path(minimal / "modules/01-intro.md")
        text = module.read_text()
        title = next(line for line in text.splitlines() if line.startswith("# "))
        module.write_text(text.replace(title, "# Saved And Reloaded", 1))
        wait_for_version(server, version)
        frame.locator("section.page:not([hidden]) h1", has_text="Saved And Reloaded").wait_for(
            timeout=15_000)
    finally:
        context.close()


def test_a_new_folder_is_watched(server, minimal):
    """Folders are watched one by one (not dist/ or .venv): one made after the start,
    here the course's own templates/, is watched from then on."""
    version = status(server)["version"]
    (minimal / "templates").mkdir()
    wait_for_version(server, version)
    time.sleep(0.3)
    (minimal / "templates/partials").mkdir()
    (minimal / "templates/partials/about.html").write_text("<p>Our own about box</p>")
    deadline = time.monotonic() + 15
    while "Our own about box" not in served(server, "content/u0.js"):  # the first page
        assert time.monotonic() < deadline, "the new folder's file was not seen"
        time.sleep(0.1)
