"""The cover, the result screen's details and the certificate of completion (issue 16):
their keys are checked; the cover shows and Start/Resume works under scorm-again; the
learner's name from each standard's data model (SCORM 1.2 "Last, First", SCORM 2004,
the xAPI and cmi5 actor) appears on the certificate, and a name the learner typed (no
name from the LMS) is kept in the web package; the certificate prints on exactly
one A4 and one Letter page (Chromium's PDF output, pages counted); axe-core finds nothing
on the cover, the result screen and the certificate, in the light and the dark scheme,
and nothing scrolls sideways at 320 px."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

from builder.build import build
from builder.loaders import load_course
from builder.render import render_site
from tests.conftest import FIXTURES
from tests.support.lms import axe_violations, safe_extract, serve
from tests.support.scripts import runtime_scripts, style_sheets
from tests.support.site import all_html
from tests.test_xapi_e2e import cmi5_url, learner_passes, open_course, tincan_url

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
       '<rect width="{w}" height="{h}" fill="#1d4f91"/></svg>')
EXTRA = """cover:
  image: assets/cover.svg
  image_alt: The course's cover picture
certificate:
  issuer: Example Academy
  signer: Jane Smith, Director of Training
  signature: assets/signature.svg
"""


def make_course(root: Path, extra: str = EXTRA, language: str = "en") -> Path:
    shutil.copytree(FIXTURES / "minimal", root, dirs_exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "cover.svg").write_text(SVG.format(w=800, h=400), "utf-8")
    (root / "assets" / "signature.svg").write_text(SVG.format(w=300, h=80), "utf-8")
    text = (root / "course.yaml").read_text("utf-8").replace("language: en",
                                                              f"language: {language}")
    (root / "course.yaml").write_text(text + extra, "utf-8")
    basics = root / "modules" / "02-basics.md"
    basics.write_text(basics.read_text("utf-8").replace(
        "---\n", "---\nimage: assets/cover.svg\n", 1), "utf-8")
    return root


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("cover"))


@pytest.fixture(scope="module")
def zips(course_dir, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    written = build(course_dir, ("scorm12", "scorm2004", "xapi", "cmi5", "web"), out).written
    return {t: next(p for p in written if p.name.endswith(f"-{t}.zip"))
            for t in ("scorm12", "scorm2004", "xapi", "cmi5", "web")}


@pytest.fixture(scope="module")
def sites(zips, tmp_path_factory) -> dict[str, Path]:
    out = {}
    for target in ("xapi", "cmi5", "web"):
        site = tmp_path_factory.mktemp(f"site-{target}")
        safe_extract(zips[target], site)
        out[target] = site
    return out


# -- keys and checks (no browser) -------------------------------------------------------

def problems_of(tmp_path: Path, extra: str, module_line: str = "") -> list[str]:
    root = make_course(tmp_path / "c", extra)
    if module_line:
        intro = root / "modules" / "01-intro.md"
        intro.write_text(intro.read_text("utf-8").replace("---\n", "---\n" + module_line,
                                                          1), "utf-8")
    try:
        _, problems = load_course(root)
    except Exception as exc:  # BuildAborted carries the problems
        problems = exc.problems
    return [f"{p.file}:{p.line}:{p.key}: {p.message} ({p.hint})" for p in problems]


@pytest.mark.parametrize("extra, module_line, expected", [
    ("cover:\n  image: assets/nothing.png\n", "",
     r"course.yaml:\d+:cover.image: cover image file 'assets/nothing.png' not found"),
    ("cover:\n  image: https://example.org/c.png\n", "",
     r"cover.image: the cover image 'https://example.org/c.png' is not a file in assets/"),
    ("cover:\n  image_alt: A picture\n", "", r"cover.image_alt: image_alt is given but there "
     r"is no image"),
    ("cover:\n", "", r"course.yaml:\d+:cover: 'cover' is empty \(write 'cover: \{\}'"),
    ("cover:\n  colour: red\n", "", r"cover.colour: unknown key 'colour'"),
    ("certificate:\n  signature: assets/signature.svg\n", "",
     r"certificate.signature: a signature image needs the signer's name"),
    ("certificate:\n  issuer: [a, b]\n", "", r"certificate.issuer: 'issuer' must be a string"),
    ("", "image: modules/none.svg\n",
     r"modules/01-intro.md:2:image: module image file 'modules/none.svg' not found"),
])
def test_keys_are_checked_with_file_line_and_key(tmp_path, extra, module_line, expected):
    found = problems_of(tmp_path, extra, module_line)
    assert any(re.search(expected, p) for p in found), found


def test_cover_certificate_and_module_image_render(course_dir):
    course, problems = load_course(course_dir)
    assert problems == []
    files = render_site(course, "scorm12")
    html = all_html(files)
    first = html[html.index('data-page="0"'):html.index('data-page="1"')]
    assert 'class="cp-cover"' in first and "Duration: About 2 minutes" in first
    assert 'src="assets/cover.svg" alt="The course&#39;s cover picture"' in first
    assert ">Start the course</button>" in first
    assert 'id="cp-certificate"' in html and "Issued by Example Academy" in html
    assert 'alt="Signature of Jane Smith, Director of Training"' in html
    assert 'class="cp-module-image" src="assets/cover.svg" alt=""' in html
    assert html.count('class="cp-module-image"') == 1
    for name in ("assets/cover.svg", "assets/signature.svg"):
        assert name in files, name
    assert "static/cp-screens.css" in style_sheets(files)
    scripts = list(runtime_scripts(files))     # the runtime's scripts, in load order
    assert "static/cp-screens.js" in scripts
    assert scripts.index("static/cp-screens.js") < scripts.index("static/coursepack.js")


def test_screens_ship_only_with_a_course_that_uses_them():
    course, _ = load_course(FIXTURES / "minimal")
    files = render_site(course, "scorm12")
    assert "static/cp-screens.js" not in runtime_scripts(files)
    assert "static/cp-screens.css" not in style_sheets(files)
    assert "static/cp-screens.js" not in files and "static/cp-screens.css" not in files
    assert b"cp-screens" not in files["index.html"] and b"cp-cover" not in files["index.html"]


def test_spanish_strings(tmp_path):
    root = make_course(tmp_path / "es", language="es")
    course, _ = load_course(root)
    html = render_site(course, "web")["index.html"].decode()
    for text in ("Comenzar el curso", "Certificado de finalización", "Emitido por Example "
                 "Academy", "Resultados por módulo", "Resultados por objetivo de aprendizaje",
                 "Firma de Jane Smith"):
        assert text in html, text


# -- in Chromium -------------------------------------------------------------------------

def visible_id(frame) -> str:
    return frame.locator("section.page:not([hidden])").get_attribute("id")


def to_certificate(frame) -> None:
    frame.locator(".cp-menu a[href='#cp-complete']").click()
    frame.locator(".cp-cert-link a").click()
    assert visible_id(frame) == "cp-certificate"


@pytest.mark.browser
def test_cover_start_and_resume_under_scorm_again(scorm12_player, zips):
    player = scorm12_player(zips["scorm12"])
    player.open({"core": {"student_id": "s1", "student_name": "Doe, Jane"}})
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    cover = frame.locator(".cp-cover")
    assert cover.is_visible()
    assert frame.locator(".cp-cover-title").inner_text() == "A Minimal Course"
    assert frame.locator(".cp-cover-image").is_visible()
    start = frame.locator(".cp-start")
    assert start.inner_text() == "Start the course"
    assert frame.locator(".cp-about .cp-objectives li").count() == 2   # objectives shown
    start.click()
    assert frame.locator("section.page:not([hidden])").get_attribute("data-page") == "1"
    frame.locator(".cp-next").click()                 # page 2
    where = visible_id(frame)
    bookmark = player.cmi()["core"]["lesson_location"]
    player.close_page()
    # a returning learner opens on the cover, whose Resume button goes to their page
    for _ in range(2):      # leaving from the cover keeps the bookmark
        player.open(player.resume_preload())
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        assert visible_id(frame) != where and frame.locator(".cp-cover").is_visible()
        assert frame.locator(".cp-start").inner_text() == "Resume the course"
        assert player.cmi()["core"]["lesson_location"] == bookmark
        player.close_page()
    player.open(player.resume_preload())
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    frame.locator(".cp-start").click()
    assert visible_id(frame) == where
    assert frame.evaluate("document.activeElement.tagName") == "H1"
    frame.locator(".cp-menu a").first.click()          # back to the cover in a session
    assert frame.locator(".cp-start").inner_text() == "Resume the course"
    frame.locator(".cp-start").click()
    assert visible_id(frame) == where
    assert player.errors() == []


@pytest.mark.browser
def test_without_a_cover_a_returning_learner_opens_at_the_bookmark(scorm12_player, tmp_path):
    root = make_course(tmp_path / "c", "certificate:\n  issuer: Example Academy\n")
    [package] = build(root, ("scorm12",), tmp_path / "out").written
    player = scorm12_player(package)
    player.open({"core": {"student_id": "s1", "student_name": "Doe, Jane"}})
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    assert frame.locator(".cp-cover").count() == 0
    frame.locator(".cp-next").click()
    frame.locator(".cp-next").click()
    where = visible_id(frame)
    player.close_page()
    player.open(player.resume_preload())
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    assert visible_id(frame) == where
    assert player.errors() == []


@pytest.mark.browser
def test_scorm12_name_last_first_on_the_certificate(scorm12_player, zips):
    player = scorm12_player(zips["scorm12"])
    player.open({"core": {"student_id": "s1", "student_name": "Doe, Jane"}})
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    frame.locator(".cp-menu a[href='#cp-complete']").click()
    assert frame.locator(".cp-cert-link").is_hidden()     # not passed yet
    frame.locator(".cp-menu a").first.click()
    learner_passes(frame)
    assert player.cmi()["core"]["lesson_status"] == "passed"
    frame.locator(".cp-menu a[href='#cp-complete']").click()
    rows = frame.locator("tr[data-unit]")
    assert [rows.nth(i).locator(".cp-r-status").inner_text() for i in range(3)] == [
        "Completed", "Completed", "Passed"]
    assert rows.nth(2).locator(".cp-r-score").inner_text() == "100%"
    assert rows.nth(1).locator(".cp-r-score").inner_text() == "2 of 2 pages"
    objectives = frame.locator("tr[data-objective] .cp-r-status")
    assert objectives.all_inner_texts() == ["Met", "Met"]
    to_certificate(frame)
    cert = frame.locator(".cp-cert")
    assert frame.locator(".cp-cert-name").inner_text() == "Jane Doe"
    assert "Score: 100%" in cert.inner_text() and "A Minimal Course" in cert.inner_text()
    assert frame.locator(".cp-cert-name-field").is_hidden()    # the LMS gave the name
    assert frame.locator(".cp-cert-signature").is_visible()
    # today's date, in the course's language (set after the page is drawn)
    frame.wait_for_function("/^Date: \\w+ \\d{1,2}, \\d{4}$/.test("
                            "document.querySelector('.cp-cert-date').textContent)")
    assert player.errors() == []


@pytest.mark.browser
def test_scorm2004_learner_name_on_the_certificate(scorm2004_player, zips):
    player = scorm2004_player(zips["scorm2004"])
    player.open({"learner_id": "s2", "learner_name": "Ana García"})
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    learner_passes(frame)
    to_certificate(frame)
    assert frame.locator(".cp-cert-name").inner_text() == "Ana García"
    assert player.errors() == []


@pytest.mark.browser
def test_xapi_actor_name_on_the_certificate(browser, sites, lrs_proxy, ralph):
    actor = new_actor_named("Kim Lee")
    with serve({"/": sites["xapi"]}) as base:
        context, page, errors = open_course(
            browser, tincan_url(base, lrs_proxy, actor, str(uuid.uuid4())))
        try:
            learner_passes(page)
            to_certificate(page)
            assert page.locator(".cp-cert-name").inner_text() == "Kim Lee"
            assert errors == []
        finally:
            context.close()


@pytest.mark.browser
def test_cmi5_actor_name_on_the_certificate(browser, sites, cmi5_launcher, ralph):
    actor = new_actor_named("Lee, Kim")    # an LMS that sends "Last, First"
    au = f"https://lms.example.org/au/{uuid.uuid4()}"
    with serve({"/": sites["cmi5"]}) as base:
        url, _ = cmi5_url(base, cmi5_launcher, actor, str(uuid.uuid4()), au,
                          mastery_score=0.8)
        context, page, errors = open_course(browser, url)
        try:
            learner_passes(page)
            to_certificate(page)
            assert page.locator(".cp-cert-name").inner_text() == "Kim Lee"
            assert errors == []
        finally:
            context.close()


def new_actor_named(name: str) -> dict:
    return {"objectType": "Agent", "name": name,
            "account": {"homePage": "https://lms.example.org", "name": f"l-{uuid.uuid4()}"}}


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.fixture
def web_page(browser, sites):
    with serve({"/": sites["web"]}) as base:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/index.html")
        page.wait_for_selector("html[data-cp-ready]")
        try:
            yield page
            assert errors == []
        finally:
            context.close()


@pytest.mark.browser
def test_certificate_prints_on_one_page(web_page):
    page = web_page
    learner_passes(page)
    to_certificate(page)
    field = page.locator("#cp-cert-name-input")      # no LMS: the learner types the name
    assert field.is_visible()
    field.fill("Sam Example")
    assert page.locator(".cp-cert-name").inner_text() == "Sam Example"
    page.emulate_media(media="print")
    for chrome in (".cp-header", ".cp-menu", ".cp-footer", ".cp-cert-tools"):
        assert page.locator(chrome).is_hidden(), chrome
    assert page.locator(".cp-cert-name").is_visible()
    for size in ("A4", "Letter"):
        pdf = page.pdf(format=size, print_background=True)
        assert pdf_pages(pdf) == 1, size
    # a long name still fits on the page
    page.emulate_media(media="screen")
    field.fill("Maximiliana Alexandrovna Bartholomew-Fitzgerald de la Cruz y Montenegro")
    page.emulate_media(media="print")
    for size in ("A4", "Letter"):
        assert pdf_pages(page.pdf(format=size)) == 1, size
    # the page count can say more than one: the result screen with its tables, printed
    # on pages the size of a postcard
    page.emulate_media(media="screen")
    page.locator(".cp-certificate-back, #cp-certificate a[href='#cp-complete']").click()
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(width="10cm", height="8cm")) > 1


@pytest.mark.browser
def test_a_typed_name_is_kept_in_the_web_package(web_page):
    page = web_page
    learner_passes(page)
    to_certificate(page)
    page.locator("#cp-cert-name-input").fill("  Sam Example ")
    page.reload()
    page.wait_for_selector("html[data-cp-ready]")
    to_certificate(page)
    assert page.locator(".cp-cert-name").inner_text() == "Sam Example"
    assert page.locator("#cp-cert-name-input").input_value() == "Sam Example"
    # kept beside the progress, under the Standalone key; cleared when the field is
    keys = page.evaluate("Object.keys(localStorage)")
    assert [k for k in keys if k.endswith(":name")] == ["coursepack:minimal-course:1.0.0:name"]
    page.locator("#cp-cert-name-input").fill("")
    page.reload()
    page.wait_for_selector("html[data-cp-ready]")
    to_certificate(page)
    assert page.locator("#cp-cert-name-input").input_value() == ""


@pytest.mark.browser
def test_an_lms_launch_without_a_name_keeps_the_typed_name_for_the_session(
        scorm12_player, zips):
    player = scorm12_player(zips["scorm12"])
    player.open({"core": {"student_id": "s9", "student_name": ""}})
    frame = player.frame
    frame.wait_for_selector("html[data-cp-ready]")
    learner_passes(frame)
    to_certificate(frame)
    frame.locator("#cp-cert-name-input").fill("Robin Roe")
    assert frame.locator(".cp-cert-name").inner_text() == "Robin Roe"
    # not written to this browser: an LMS launch may be a shared computer's
    assert frame.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':name'))") == []
    assert player.errors() == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_and_320px_on_cover_result_and_certificate(web_page, scheme):
    page = web_page
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 320, "height": 640})

    def check(where: str) -> None:
        assert axe_violations(page) == [], where
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 320, (where, wide)

    check("cover")
    page.locator(".cp-start").focus()
    page.keyboard.press("Enter")                      # Start by keyboard
    assert page.locator("section.page:not([hidden])").get_attribute("data-page") == "1"
    page.locator(".cp-menu-toggle").click()
    page.locator(".cp-menu a").first.click()
    learner_passes(page)
    page.locator(".cp-menu-toggle").click()
    page.locator(".cp-menu a[href='#cp-complete']").click()
    check("result")
    page.locator(".cp-cert-link a").focus()
    page.keyboard.press("Enter")
    assert visible_id(page) == "cp-certificate"
    assert page.evaluate("document.activeElement.id") == "cp-certificate-h"
    check("certificate locked name field")
    page.locator("#cp-cert-name-input").fill("Sam Example")
    check("certificate")
