"""The Content-Security-Policy of built pages (issue 17, hole 11): declared on every page,
only the package's own scripts and styles, no inline script, and not one violation while
the course is played in Chromium in every target (SCORM under scorm-again, xAPI and cmi5
against a small LRS, the web site from a folder and from a server, the preview)."""

from __future__ import annotations

import re
import shutil
import zipfile
from html import unescape
from pathlib import Path

import pytest

from builder.build import build
from builder.packagers import TARGETS
from tests.conftest import FIXTURES
from tests.support.lms import serve
from tests.test_hostile_lms import Case, LmsLrs

#: records every violation in every frame (init scripts are not subject to the policy)
LISTENER = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("csp") / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    text = (root / "course.yaml").read_text()  # a theme, so theme.css is in play too
    (root / "course.yaml").write_text(text + "theme:\n  brand: '#7a1f5c'\n")
    result = build(root, TARGETS, out=root.parent / "dist")
    out = {p.stem.rsplit("-", 1)[1]: p for p in result.written}
    out["web-folder"] = result.folders[0]
    return out


def test_every_page_declares_the_policy(built):
    for target in TARGETS:
        with zipfile.ZipFile(built[target]) as zf:
            pages = [n for n in zf.namelist() if n.endswith(".html")]
            assert pages
            for name in pages:
                html = zf.read(name).decode()
                [policy] = map(unescape, re.findall(
                    r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html))
                assert "script-src 'self';" in policy and "style-src 'self';" in policy
                assert "default-src 'none'" in policy
                connect = re.search(r"connect-src ([^;]+);", policy).group(1)
                assert connect == ("'self' https: http:" if target in ("xapi", "cmi5")
                                   else "'self'"), (target, connect)
                assert "unsafe" not in policy
                # no inline script: every <script> has a src, or holds JSON data
                for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
                    assert 'src="' in attrs or 'type="application/json"' in attrs, attrs
                    assert 'src="' not in attrs or not body.strip()
                assert "<style" not in html and ' style="' not in html
            assert "static/theme.css" in zf.namelist()


def play(frame) -> None:
    """Through the pages, a knowledge check, the glossary and the quiz, then Exit."""
    frame.locator(".cp-next").click()
    frame.locator("input[name='kc-kc-first'][value='0']").check()
    frame.locator(".cp-question[data-q='kc-first'] .cp-check").click()
    frame.locator(".cp-next").click()
    frame.locator(".cp-menu a", has_text="Final Quiz").click()
    frame.locator("input[name='quiz-q-first'][value='0']").check()
    frame.locator("input[name='quiz-q-both'][value='0']").check()
    frame.locator("input[name='quiz-q-both'][value='1']").check()
    frame.locator("input[name='quiz-q-true'][value='0']").check()
    frame.locator(".cp-submit").click()
    frame.locator(".cp-result-text").first.wait_for()


def violations(page) -> list[str]:
    found = []
    for frame in page.frames:
        try:
            found += frame.evaluate("window.__csp || []")
        except Exception:  # noqa: BLE001 - a frame that navigated away meanwhile
            pass
    return found


class Watched:
    """A browser whose new contexts record CSP violations (for the SCORM players)."""

    def __init__(self, browser):
        self.browser = browser

    def new_context(self, **kwargs):
        context = self.browser.new_context(**{**kwargs, "bypass_csp": False})
        context.add_init_script(LISTENER)
        return context


def new_page(browser):
    context = browser.new_context(bypass_csp=False)  # the policy in force
    context.add_init_script(LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text
            else None)
    return context, page, errors


@pytest.mark.browser
@pytest.mark.parametrize("target", ["scorm12", "scorm2004"])
def test_no_violation_playing_scorm(browser, built, target):
    from tests.support.lms import Scorm12Player, Scorm2004Player

    player = (Scorm12Player if target == "scorm12" else Scorm2004Player)(
        Watched(browser), built[target])
    try:
        page = player.open()
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        assert frame.get_attribute("html", "data-cp-ready") == target
        play(frame)
        assert violations(page) == []
        assert player.errors() == []
    finally:
        player.close()


@pytest.mark.browser
@pytest.mark.parametrize("target", ["xapi", "cmi5"])
def test_no_violation_playing_xapi_and_cmi5(browser, built, target):
    with zipfile.ZipFile(built[target]) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    lms = LmsLrs(files, Case(target=target))
    context, page, errors = new_page(browser)
    try:
        page.goto(lms.launch_url())
        page.wait_for_selector("html[data-cp-ready]")
        assert page.get_attribute("html", "data-cp-ready") == target
        play(page)
        assert any(r.startswith("POST /lrs/statements") for r in lms.requests)  # connected
        assert violations(page) == []
        assert errors == []
    finally:
        context.close()
        lms.close()


@pytest.mark.browser
@pytest.mark.parametrize("where", ["folder", "server"])
def test_no_violation_playing_the_web_site(browser, built, where):
    folder = built["web-folder"]
    context, page, errors = new_page(browser)
    try:
        if where == "folder":
            page.goto((folder / "index.html").as_uri())
            page.wait_for_selector("html[data-cp-ready]")
            play(page)
        else:
            with serve({"/": folder}) as base:
                page.goto(base + "/index.html")
                page.wait_for_selector("html[data-cp-ready]")
                play(page)
        assert page.evaluate("getComputedStyle(document.documentElement)"
                             ".getPropertyValue('--brand').trim()") == "#7a1f5c"  # theme.css
        assert violations(page) == []
        assert errors == []
        # the policy is in force (and the listener hears it): inline script does not run
        page.evaluate("""() => { var s = document.createElement("script");
            s.textContent = "window.__ran = 1"; document.body.appendChild(s); }""")
        page.wait_for_timeout(300)
        assert violations(page)[0].startswith("script-src")
        assert page.evaluate("window.__ran") is None
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("target", ["scorm12", "xapi", "cmi5"])
def test_no_violation_in_the_preview(browser, tmp_path, target):
    from builder.preview import PreviewServer

    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    server = PreviewServer(root, target, 0)
    server.start()
    context, page, errors = new_page(browser)
    try:
        page.goto(server.url)
        frame = page.frame_locator("#pv-course")
        frame.locator("html[data-cp-ready]").wait_for()
        content = page.frame(url=re.compile(r"/course/index\.html"))
        play(content)
        assert violations(page) == []
        assert errors == []
    finally:
        context.close()
        server.stop()
