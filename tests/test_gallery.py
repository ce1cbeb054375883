"""The component gallery (tests/fixtures/gallery): a course that uses every component
(the cover, a module's opening image, every registered content block, video, audio, a
hosted video, a quiz, the result screen and the certificate) builds for every target,
its packages pass `coursepack validate --strict`, and a learner plays it through under
scorm-again to passed, with the learner's name on the certificate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.build import build
from builder.cli import cli
from builder.components import blocks
from tests.conftest import FIXTURES
from tests.support.lms import axe_violations
from tests.support.media import png, record_webm, silent_mp3
from tests.support.scripts import runtime_scripts
from tests.support.site import all_html

GALLERY = FIXTURES / "gallery"
TARGETS = ("scorm12", "scorm2004", "xapi", "cmi5", "web")


def gallery_course(dest: Path, video: bytes) -> Path:
    """The gallery in ``dest``, with its video, audio and poster made here."""
    shutil.copytree(GALLERY, dest, dirs_exist_ok=True)
    (dest / "modules" / "clip.webm").write_bytes(video)
    (dest / "modules" / "tone.mp3").write_bytes(silent_mp3(1))
    (dest / "modules" / "clip-poster.png").write_bytes(png())
    return dest


@pytest.fixture(scope="module")
def built(browser, tmp_path_factory) -> dict[str, Path]:
    root = gallery_course(tmp_path_factory.mktemp("gallery") / "course",
                          record_webm(browser, 2))
    written = build(root, TARGETS, out=root / "dist").written
    return {t: next(p for p in written if p.name.endswith(f"-{t}.zip")) for t in TARGETS}


def test_the_gallery_holds_no_binaries():
    for path in GALLERY.rglob("*"):
        if path.is_file():
            path.read_text("utf-8")   # text only: the media are made by the tests


@pytest.mark.browser
def test_the_gallery_uses_every_component_and_validates(built, runner):
    import zipfile

    with zipfile.ZipFile(built["scorm12"]) as zf:
        index = all_html(zf)   # the shell and every unit's pages
        names = set(zf.namelist()) | set(runtime_scripts(zf))   # files, and scripts run
    used = set(blocks.USED_RE.findall(index))
    for kind in blocks.kinds():
        assert used & set(kind.names), f"the gallery does not use the {kind.names[0]} block"
    for marker in ('class="cp-cover"', 'class="cp-module-image"', 'id="cp-certificate"',
                   'class="cp-results"', "<video", "<audio", 'data-q="kc-first"',
                   'class="cp-quiz'):
        assert marker in index, marker
    assert {"static/cp-screens.js", "static/cp-blocks.js", "assets/cover.svg",
            "assets/signature.svg", "assets/opening.svg"} <= names
    for target, path in built.items():
        if target == "web":
            continue
        result = runner.invoke(cli, ["validate", "--strict", str(path)])
        assert result.exit_code == 0, (target, result.output)


@pytest.mark.browser
def test_the_gallery_plays_through_to_passed_under_scorm_again(scorm12_player, built):
    player = scorm12_player(built["scorm12"])
    player.open({"core": {"student_id": "g1", "student_name": "Example, Robin"}})
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    assert frame.locator(".cp-start").inner_text() == "Start the course"
    assert axe_violations(frame) == []
    seen = {frame.locator("section.page:not([hidden])").get_attribute("id")}   # the cover
    frame.locator(".cp-start").click()
    while True:
        section = frame.locator("section.page:not([hidden])")
        page_id = section.get_attribute("id")
        seen.add(page_id)
        if page_id.endswith("first-idea"):
            frame.locator("input[name='kc-kc-first'][value='0']").check()
            frame.locator(".cp-question[data-q='kc-first'] .cp-check").click()
        if page_id.endswith("--video"):
            frame.evaluate("() => { const v = document.querySelector('video'); "
                           "v.muted = true; return v.play(); }")
            frame.wait_for_function("document.querySelector('video').ended", timeout=15000)
            frame.wait_for_function("!document.querySelector('.cp-media-done').hidden")
        if page_id.endswith("--audio"):
            frame.evaluate("() => { const a = document.querySelector('audio'); "
                           "a.muted = true; return a.play(); }")
            frame.wait_for_function("document.querySelector('audio').ended", timeout=15000)
        if page_id == "pg-quiz":
            frame.locator("input[name='quiz-q-first'][value='0']").check()
            frame.locator("input[name='quiz-q-both'][value='0']").check()
            frame.locator("input[name='quiz-q-both'][value='1']").check()
            frame.locator("input[name='quiz-q-true'][value='0']").check()
            frame.locator(".cp-submit").click()
        if frame.locator(".cp-next").is_disabled():
            break
        frame.locator(".cp-next").click()
    assert len(seen) == frame.evaluate("window.CoursepackData.pageCount")
    cmi = player.cmi()
    assert cmi["core"]["lesson_status"] == "passed"
    assert cmi["core"]["score"]["raw"] == "100"
    frame.locator(".cp-menu a[href='#cp-complete']").click()
    assert axe_violations(frame) == []
    assert frame.locator("tr[data-unit] .cp-r-status").all_inner_texts() == [
        "Completed", "Completed", "Completed", "Passed"]
    frame.locator(".cp-cert-link a").click()
    assert frame.locator(".cp-cert-name").inner_text() == "Robin Example"
    assert "Coursepack Test Academy" in frame.locator(".cp-cert").inner_text()
    assert axe_violations(frame) == []
    player.close_page()
    assert player.errors() == []
    assert player.stored["core"]["lesson_status"] == "passed"
