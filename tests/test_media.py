"""Video and audio blocks: build-time checks, and the player in Chromium under scorm-again
(captions, chapters by keyboard, axe-core, completion held back until watched to 95%, the
watched bit resumed) and with Ralph (xAPI Video Profile statements).

The test video is recorded by Chromium when the tests run (tests/support/media.py)."""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid
import zipfile
from pathlib import Path

import pytest

from builder.build import build
from builder.errors import BuildAborted
from tests.support.lms import axe_violations, safe_extract, serve
from tests.support.lrs import check_xapi_statement, new_actor
from tests.support.media import FIXTURE, media_course, png, record_webm, silent_mp3
from tests.support.scripts import runtime_scripts
from tests.support.site import all_html

# a file that is WebM by its first bytes (EBML header, DocType webm), for checks that
# never play it
FAKE_WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d") + bytes(64)
FAKE_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64)
EXT = "https://w3id.org/xapi/video/extensions/"


def course(tmp_path: Path, video: bytes = FAKE_WEBM) -> Path:
    return media_course(tmp_path / "media-course", video)


def problems(root: Path, targets=("scorm12",)) -> list[str]:
    with pytest.raises(BuildAborted) as caught:
        build(root, targets, out=root / "refused")
    assert not (root / "refused").exists()
    return [p.format() for p in caught.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


# -- build time -------------------------------------------------------------------------

def test_video_without_captions_is_refused_unless_it_has_no_speech(tmp_path):
    root = course(tmp_path)
    module = root / "modules" / "01-watch.md"
    edit(module, "captions: clip.vtt\n", "")
    found = problems(root)
    assert any("01-watch.md" in p and "a video with speech needs captions" in p
               and "speech: false" in p for p in found), found
    edit(module, "required: true\n", "required: true\nspeech: false\n")
    build(root, ("scorm12",), out=root / "dist")


def test_type_by_content_not_by_name(tmp_path):
    root = course(tmp_path)
    (root / "modules" / "tone.mp3").write_bytes(png())          # an image named .mp3
    (root / "modules" / "clip.webm").write_bytes(FAKE_MP4)       # MP4 named .webm
    (root / "modules" / "clip-poster.png").write_bytes(b"not an image at all" * 4)
    found = problems(root)
    assert any("'tone.mp3' is a png file by its content" in p for p in found), found
    assert any("'clip.webm' holds mp4 but its name says webm" in p for p in found), found
    assert any("'clip-poster.png' is not a file of a known type" in p for p in found), found


def test_webvtt_problems_reported_at_once_with_lines(tmp_path):
    root = course(tmp_path)
    (root / "modules" / "clip.vtt").write_text(
        "WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nA comma, as in SRT.\n\n"
        "00:00:03.000 --> 00:00:02.000\nEnds before it starts.\n", "utf-8")
    (root / "modules" / "clip-chapters.vtt").write_text("1\n00:00.000 --> 00:01.000\nx\n",
                                                         "utf-8")
    found = problems(root)
    assert any("modules/clip.vtt:3" in p and "'00:00:01,000' is not a WebVTT time" in p
               for p in found), found
    assert any("modules/clip.vtt:6" in p and "ends before it starts" in p for p in found), found
    assert any("modules/clip-chapters.vtt:1" in p and "first line must be WEBVTT" in p
               for p in found), found


def test_size_limits_from_course_yaml(tmp_path, runner):
    from builder.cli import cli

    root = course(tmp_path)
    result = runner.invoke(cli, ["build", str(root), "-t", "scorm12"])
    assert result.exit_code == 0, result.output
    assert "Media: 3 block(s) (2 file(s), 1 hosted)" in result.output
    assert "250 MB allowed per package, 1 required" in result.output
    (root / "modules" / "tone.mp3").write_bytes(silent_mp3(4))   # about 64 KB
    with (root / "course.yaml").open("a") as fh:
        fh.write("media:\n  max_file_mb: 0.05\n  max_package_mb: 0.01\n")
    found = problems(root)
    assert any("'tone.mp3' is too large" in p and "0 MB per file" in p for p in found), found
    edit(root / "course.yaml", "max_file_mb: 0.05", "max_file_mb: 1")
    found = problems(root)
    assert any("course.yaml" in p and "the limit is 0 MB per package" in p for p in found), found


def test_hosted_video_loads_nothing_until_asked(tmp_path):
    root = course(tmp_path)
    module = root / "modules" / "01-watch.md"
    edit(module, "# Done {#done}", "# Hosted {#hosted-two}\n\n```video\ntitle: On YouTube\n"
         "hosted: https://www.youtube.com/watch?v=dQw4w9WgXcQ\nrequired: true\n```\n\n"
         "# Done {#done}")
    found = problems(root)
    assert any("a hosted video cannot be required" in p for p in found), found
    assert any("a hosted video with speech needs a transcript" in p for p in found), found
    edit(module, "required: true\n```\n\n# Done", "speech: false\n```\n\n# Done")
    [zip_path] = build(root, ("scorm12",), out=root / "dist").written
    site = tmp_path / "site"
    safe_extract(zip_path, site)
    html = all_html(zipfile.ZipFile(zip_path))
    assert "<iframe" not in html and "youtube.com/embed" not in html
    assert 'data-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "frame-src https://www.youtube-nocookie.com\"" in html or \
        "frame-src https://www.youtube-nocookie.com&#34;" in html or \
        "; frame-src https://www.youtube-nocookie.com" in html


def test_media_code_only_with_media(tmp_path, minimal):
    """Issue 16: the learner JS of a course without media stays under 60 KB raw in every
    target (scenario, drawn-quiz, screens and media code ship only to courses that use
    them), and carries no media code."""
    targets = ("scorm12", "scorm2004", "xapi", "cmi5", "web")
    plain = build(minimal, targets, out=tmp_path / "plain").written
    assert len(plain) == len(targets)
    for zip_path in plain:
        with zipfile.ZipFile(zip_path) as zf:
            scripts = [i for i in zf.infolist()
                       if i.filename.startswith("static/") and i.filename.endswith(".js")]
            parts = runtime_scripts(zf)     # the scripts in the one file (builder/bundle.py)
            assert scripts and not any("media" in n for n in [*parts, *(i.filename for i in scripts)]
                                       ), zip_path.name
            assert "static/cp-lms.js" in parts
            # every script is counted: the runtime's one file, as long as its parts
            total = sum(i.file_size for i in scripts)
            assert total >= sum(len(t.encode()) for t in parts.values())
            assert total < 60 * 1024, f"{zip_path.name}: {total} bytes of learner JS"
    root = course(tmp_path)
    [with_media] = build(root, ("scorm12",), out=root / "dist").written
    safe_extract(with_media, tmp_path / "media-site")
    with zipfile.ZipFile(with_media) as zf:
        assert "static/blocks/media.js" in runtime_scripts(zf)


def test_worst_case_suspend_counts_the_watched_bits(tmp_path, minimal):
    from builder.loaders import load_course
    from builder.runtime import worst_case_suspend

    plain, _ = load_course(minimal)
    media, _ = load_course(course(tmp_path))
    assert worst_case_suspend(media) > 0
    # the media course: 4 pages, no checks, no assessments, 3 media: "|" and the
    # 4-character key of each one watched (resume format 2, builder/state.py)
    from builder.state import worst_length

    assert worst_case_suspend(media) == worst_length(4, [], [], 3)
    assert worst_length(4, [], [], 3) - worst_length(4, [], [], 0) == 1 + 3 * 4
    assert worst_case_suspend(plain) > 0


# -- in Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def video(browser) -> bytes:
    return record_webm(browser, 3)


@pytest.fixture(scope="module")
def packages(video, tmp_path_factory) -> dict[str, Path]:
    root = media_course(tmp_path_factory.mktemp("media") / "course", video)
    out = {}
    for target in ("scorm12", "xapi", "web"):
        [zip_path] = build(root, (target,), out=root / "dist").written
        out[target] = zip_path
    return out


def _play_to_end(frame) -> None:
    frame.evaluate("() => { const v = document.querySelector('video'); v.muted = true; "
                   "return v.play(); }")
    frame.wait_for_function("document.querySelector('video').ended", timeout=15000)


@pytest.mark.browser
def test_video_plays_with_captions_keyboard_axe_and_completion(scorm12_player, packages):
    player = scorm12_player(packages["scorm12"])
    player.open()
    frame = player.frame
    frame.wait_for_function("document.querySelector('video').readyState >= 1")
    assert 2 <= frame.evaluate("document.querySelector('video').duration") <= 3.1
    # captions: the track is shown and its cues are loaded
    frame.wait_for_function("""() => { const t = document.querySelector('video').textTracks[0];
        return t.kind === 'captions' && t.mode === 'showing' && t.cues && t.cues.length === 2; }""")
    assert axe_violations(frame) == []
    # keyboard only: from the page's heading, Tab reaches the player (and its own
    # controls), then the chapters; Enter on a chapter seeks
    frame.locator("section:not([hidden]) h1").focus()
    reached = []
    for _ in range(20):
        frame.page.keyboard.press("Tab")
        reached.append(frame.evaluate("document.activeElement.tagName + ' ' + "
                                      "document.activeElement.textContent"))
        if reached[-1].endswith("The end"):
            break
    assert "VIDEO " in reached and reached[-2].endswith("The start"), reached
    # the browser's player by keyboard: Space on the focused video plays and pauses it
    frame.locator("video").focus()
    frame.page.keyboard.press("Space")
    frame.wait_for_function("!document.querySelector('video').paused")
    frame.page.keyboard.press("Space")
    frame.wait_for_function("document.querySelector('video').paused")
    frame.locator(".cp-chapter").last.focus()
    frame.page.keyboard.press("Enter")
    frame.wait_for_function("document.querySelector('video').currentTime >= 1.4")
    assert frame.evaluate("document.activeElement.tagName") == "VIDEO"
    # every page seen, the required video not played: incomplete, and the result screen
    # points to the video's page
    for _ in range(3):
        frame.locator(".cp-next").click()
    assert player.cmi()["core"]["lesson_status"] == "incomplete"
    assert "The video" in frame.locator("#cp-complete .cp-outcome-next a").text_content()
    for _ in range(3):
        frame.locator(".cp-back").click()
    frame.evaluate("document.querySelector('video').currentTime = 0")
    # playing: a caption cue is active on the way
    frame.evaluate("() => { const v = document.querySelector('video'); v.muted = true; "
                   "return v.play(); }")
    frame.wait_for_function("document.querySelector('video').textTracks[0].activeCues.length > 0")
    frame.wait_for_function("document.querySelector('video').ended", timeout=15000)
    frame.wait_for_function("!document.querySelector('.cp-media-done').hidden")
    # printed: the transcript is open
    page = frame.page
    page.emulate_media(media="print")
    frame.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert frame.evaluate("document.querySelector('details.cp-transcript').open")
    assert frame.locator(".cp-transcript-text").first.is_visible()
    frame.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert not frame.evaluate("document.querySelector('details.cp-transcript').open")
    assert player.cmi()["core"]["lesson_status"] == "completed"
    suspend = player.cmi()["suspend_data"]
    # resume format 2: the key of each media block watched, before the check characters
    keys = frame.evaluate("window.CoursepackData.media.map(m => m.key)")
    assert suspend.split("|")[-2] == keys[0]      # the first media block watched
    assert axe_violations(frame) == []
    assert player.errors() == []
    # a new session resumes with the video watched
    player.open(player.resume_preload())
    player.frame.wait_for_function("!document.querySelector('.cp-media-done').hidden")
    # the audio plays (the generated MP3 is a real one)
    frame = player.frame
    frame.locator(".cp-next").click()
    frame.evaluate("() => { const a = document.querySelector('audio'); a.muted = true; "
                   "return a.play(); }")
    frame.wait_for_function("document.querySelector('audio').ended", timeout=15000)


@pytest.mark.browser
def test_hosted_video_contacts_the_host_only_when_asked(browser, packages, tmp_path):
    """With the package's Content-Security-Policy in force: nothing from the host until the
    learner presses the button (by keyboard), then the host's player in a frame the policy
    allows; axe-core finds nothing before and after."""
    site = tmp_path / "web"
    safe_extract(packages["web"], site)
    asked: list[str] = []
    context = browser.new_context(bypass_csp=False)
    context.add_init_script("""document.addEventListener("securitypolicyviolation", (e) => {
        (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI); });""")
    context.route("https://www.youtube-nocookie.com/**", lambda route: (
        asked.append(route.request.url),
        route.fulfill(body="<!doctype html><title>player</title><p>player", status=200,
                      content_type="text/html")))
    context.on("request", lambda r: asked.append(r.url) if "youtube" in r.url else None)
    try:
        with serve({"/": site}) as base:
            page = context.new_page()
            page.goto(f"{base}/index.html")
            page.wait_for_selector("html[data-cp-ready]")
            for _ in range(2):
                page.locator(".cp-next").click()
            button = page.locator("section:not([hidden]) .cp-hosted-load")
            button.wait_for()
            assert page.locator("iframe").count() == 0
            assert asked == []
            assert axe_violations(page.main_frame) == []
            button.focus()
            page.keyboard.press("Enter")
            page.locator("iframe.cp-hosted-frame").wait_for()
            frame = page.locator("iframe.cp-hosted-frame")
            assert frame.get_attribute("src") == \
                "https://www.youtube-nocookie.com/embed/aaaaaaaaaaa"
            assert frame.get_attribute("title") == "A video on a video host"
            page.wait_for_timeout(300)
            assert any(u.startswith("https://www.youtube-nocookie.com/embed/") for u in asked)
            assert page.evaluate("window.__csp || []") == []
            assert page.evaluate("document.activeElement.tagName") == "IFRAME"
            assert axe_violations(page.main_frame) == []
    finally:
        context.close()


@pytest.mark.browser
def test_video_profile_statements_in_ralph(browser, packages, lrs_proxy, ralph, tmp_path):
    site = tmp_path / "xapi"
    safe_extract(packages["xapi"], site)
    actor = new_actor()
    registration = str(uuid.uuid4())
    with serve({"/": site}) as base:
        query = urllib.parse.urlencode({
            "endpoint": lrs_proxy.endpoint, "auth": lrs_proxy.auth_header,
            "actor": json.dumps(actor), "registration": registration,
            "activity_id": "urn:coursepack:media-course"})
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/index.html?{query}")
        page.wait_for_selector("html[data-cp-ready]")
        page.wait_for_function("document.querySelector('video').readyState >= 1")
        page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; "
                      "return v.play(); }")
        page.wait_for_function("document.querySelector('video').currentTime > 1")
        page.evaluate("document.querySelector('video').pause()")
        page.evaluate("document.querySelector('video').currentTime = 0.5")
        page.wait_for_function("!document.querySelector('video').seeking")
        page.evaluate("document.querySelector('video').play()")
        page.wait_for_function("document.querySelector('video').ended", timeout=15000)
        page.wait_for_function("""() => Object.keys(localStorage)
            .filter(k => k.startsWith('coursepack-outbox:'))
            .every(k => JSON.parse(localStorage.getItem(k)).length === 0)""", timeout=10000)
        context.close()
    deadline = time.monotonic() + 10
    while True:
        statements = [s for s in ralph.statements(agent=actor)
                      if s["object"]["id"].endswith("/media/clip")]
        if any(s["verb"]["id"].endswith("/completed") for s in statements) \
                or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    verbs = [s["verb"]["id"] for s in statements]
    assert verbs[:4] == ["http://adlnet.gov/expapi/verbs/initialized",
                         "https://w3id.org/xapi/video/verbs/played",
                         "https://w3id.org/xapi/video/verbs/paused",
                         "https://w3id.org/xapi/video/verbs/seeked"], verbs
    assert "http://adlnet.gov/expapi/verbs/completed" in verbs
    by_verb = {s["verb"]["id"].rsplit("/", 1)[1]: s for s in statements}
    for s in statements:
        assert check_xapi_statement(s, registration=registration) == [], s
        assert {"id": "https://w3id.org/xapi/video"} in s["context"]["contextActivities"]["category"]
        ext = s["context"]["extensions"]
        assert 2 <= ext[EXT + "length"] <= 3.1
        assert ext[EXT + "completion-threshold"] == 0.95
        assert ext[EXT + "cc-subtitle-lang"] == "en"
        assert len({x["context"]["extensions"][EXT + "session-id"] for x in statements}) == 1
    assert s["object"]["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video"
    paused = by_verb["paused"]["result"]["extensions"]
    assert 1 <= paused[EXT + "time"] <= 3
    assert 0.3 <= paused[EXT + "progress"] <= 1
    assert paused[EXT + "played-segments"].startswith("0[.]")
    seeked = by_verb["seeked"]["result"]["extensions"]
    assert seeked[EXT + "time-to"] == pytest.approx(0.5, abs=0.05)
    assert seeked[EXT + "time-from"] >= 1
    completed = by_verb["completed"]["result"]
    assert completed["completion"] is True
    assert completed["extensions"][EXT + "progress"] >= 0.95
    assert "[,]" in completed["extensions"][EXT + "played-segments"]
    assert errors == []


def test_fixture_folder_holds_no_binaries():
    """The media fixture's video, audio and poster are made by the tests."""
    binaries = [p for p in FIXTURE.rglob("*") if p.suffix in (".webm", ".mp4", ".mp3", ".png")]
    assert binaries == []


def test_media_outside_module_pages_and_unknown_keys(tmp_path):
    root = course(tmp_path)
    edit(root / "course.yaml", "description: |\n",
         "description: |\n  ```video\n  src: clip.webm\n  title: x\n  ```\n\n")
    edit(root / "modules" / "01-watch.md", "required: true\n", "required: true\nsrcs: x\n")
    found = problems(root)
    assert any(p.startswith("course.yaml:6") and "a video block is not allowed here" in p
               for p in found), found
    assert any("[video.srcs] unknown key 'srcs'" in p and "did you mean 'src'" in p
               for p in found), found
