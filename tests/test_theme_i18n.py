"""The course's look and language: the ``theme:`` of course.yaml (colours checked for
contrast, logo, fonts) and the interface strings of the message catalogues."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import theme as looks
from builder.build import build, check
from builder.errors import BuildAborted
from builder.model import Colours
from tests.conftest import REPO
from tests.support.lms import AXE_JS, WCAG_TAGS, serve
from tests.support.site import all_html

I18N = REPO / "templates" / "i18n"
SHOTS = REPO / "test-artifacts" / "screenshots"
GOOD_THEME = """
theme:
  brand: '#7a1f5c'
  text: '#222222'
  background: '#fffdf8'
  link: '#005a8c'
  logo: assets/logo.svg
  logo_alt: Example Academy
  font: Atkinson Hyperlegible, Verdana
  dark:
    brand: '#f0a6d3'
    background: '#101014'
"""
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<circle cx="20" cy="20" r="17" fill="#7a1f5c" stroke="#ffffff" stroke-width="4"/>'
        '</svg>')


def with_theme(root: Path, theme: str) -> Path:
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets/logo.svg").write_text(LOGO)
    path = root / "course.yaml"
    path.write_text(path.read_text() + theme)
    return root


def problems(root: Path) -> str:
    with pytest.raises(BuildAborted) as info:
        check(root)
    return info.value.format_message()


def course_line(root: Path, text: str) -> int:
    lines = (root / "course.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


# -- the contrast rule -----------------------------------------------------------------------

def test_low_contrast_theme_is_refused_with_file_line_key_ratio_and_hint(minimal):
    root = with_theme(minimal, "theme:\n  text: '#999999'\n  background: '#ffffff'\n")
    message = problems(root)
    line = course_line(root, "text: '#999999'")
    assert (f"course.yaml:{line}: [theme.text] text colour #999999 on background #ffffff has "
            "a contrast ratio of 2.84:1; WCAG 2.1 AA needs at least 4.5:1") in message
    assert "hint: for example text: '#747474', or another background" in message
    assert "Aborted with 1 error." in message


def test_every_pair_is_checked_in_both_colour_schemes(minimal):
    root = with_theme(minimal, """theme:
  brand: '#ffcc00'
  brand_text: '#ffffff'
  dark:
    text: '#333333'
""")
    message = problems(root)
    assert "[theme.brand_text] brand text colour #ffffff on brand colour #ffcc00 has a " \
           "contrast ratio of 1.51:1" in message
    # the link colour defaults to the brand colour, and says so
    assert "[theme.link] link colour #ffcc00 on background #ffffff has a contrast ratio of " \
           "1.51:1; WCAG 2.1 AA needs at least 4.5:1 (the link colour defaults to the brand " \
           "colour)" in message
    assert "[theme.dark.text] text colour #333333 on background #14181d" in message
    assert "Aborted with 3 errors." in message


def test_ratio_is_rounded_down():
    assert looks.ratio_text(4.4999) == "4.49:1"
    assert looks.contrast("#767676", "#ffffff") >= 4.5 > looks.contrast("#777777", "#ffffff")


def test_good_theme_builds_into_css_custom_properties(minimal, tmp_path):
    root = with_theme(minimal, GOOD_THEME)
    course, warnings = check(root)
    assert warnings == []
    assert course.theme.light.brand == "#7a1f5c" and course.theme.dark.background == "#101014"
    assert course.theme.font == ("Atkinson Hyperlegible", "Verdana")
    [zip_path] = build(root, ("scorm12",), tmp_path).written
    with zipfile.ZipFile(zip_path) as zf:
        html = zf.read("static/theme.css").decode()  # a file: packages allow no inline style
        page = zf.read("index.html").decode()
        assert '<link rel="stylesheet" href="static/theme.css">' in page
        assert zf.read("assets/logo.svg").decode() == LOGO
        assert "assets/logo.svg" in zf.read("imsmanifest.xml").decode()
    assert ('--font:"Atkinson Hyperlegible", "Verdana", system-ui, -apple-system, '
            '"Segoe UI", Roboto, "DejaVu Sans", sans-serif') in html
    assert ":root{--bg:#fffdf8;--fg:#222222;" in html
    assert "--brand:#7a1f5c;--brand-fg:#ffffff;--link:#005a8c;" in html
    assert "@media (prefers-color-scheme: dark){:root{--bg:#101014;" in html
    assert '<img class="cp-logo" src="assets/logo.svg" alt="Example Academy">' in page
    assert "url(" not in html     # no web fonts, no remote anything


def test_light_colours_alone_leave_dark_mode_to_the_default_theme(minimal, tmp_path):
    root = with_theme(minimal, "theme:\n  brand: '#7a1f5c'\n")
    [zip_path] = build(root, ("web",), tmp_path).written
    html = zipfile.ZipFile(zip_path).read("static/theme.css").decode()
    assert "@media not all and (prefers-color-scheme: dark){:root{--bg:#ffffff;" in html
    assert "--brand:#7a1f5c;--brand-fg:#ffffff;--link:#7a1f5c;" in html


def test_theme_mistakes_are_clear_errors(minimal):
    root = with_theme(minimal, """theme:
  brand: #1d4f91
  text: navy
  colour: '#000000'
  logo: https://example.org/logo.png
  font: "Inter, url(https://fonts.example/inter.woff2)"
""")
    message = problems(root)
    assert "[theme.brand] 'brand' is empty: in YAML, '#' starts a comment\n" \
           "    hint: quote the colour: brand: '#1d4f91'" in message
    assert "[theme.text] 'navy' is not a colour: write it as '#rrggbb' or '#rgb'" in message
    assert "[theme.colour] unknown key 'colour'" in message
    assert "[theme.logo] the logo 'https://example.org/logo.png' is not a file in assets/ " \
           "or modules/" in message
    assert "[theme.font] 'url(https://fonts.example/inter.woff2)' is not a font family name" \
           in message


def test_missing_logo(minimal):
    root = with_theme(minimal, "theme:\n  logo: assets/missing.svg\n")
    assert "[theme.logo] logo file 'assets/missing.svg' not found" in problems(root)


def colour():
    return st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


@settings(max_examples=300, deadline=None)
@given(colour(), colour(), colour(), colour())
def test_derived_colours_stay_readable(text, background, brand, link):
    """Whatever five colours pass the rule, every colour derived from them keeps 4.5:1."""
    colours = looks.effective(Colours(brand=brand, text=text, background=background,
                                            link=link), "light")
    if looks.low_contrast(colours):
        return
    p = looks.palette(colours)
    ok = looks.MIN_CONTRAST
    for fg in ("--fg", "--link", "--muted", "--ok", "--bad"):
        for bg in ("--bg", "--panel"):
            assert looks.contrast(p[fg], p[bg]) >= ok, (fg, bg, p)
    for bg in ("--ok-bg", "--bad-bg"):
        assert looks.contrast(p["--fg"], p[bg]) >= ok, (bg, p)
    assert looks.contrast(p["--brand-fg"], p["--brand"]) >= ok


# -- the message catalogues ------------------------------------------------------------------

def catalogue(lang: str) -> dict:
    return yaml.safe_load((I18N / f"{lang}.yaml").read_text("utf-8"))


def test_spanish_catalogue_has_exactly_the_english_keys():
    en, es = catalogue("en"), catalogue("es")
    assert sorted(set(en) - set(es)) == []
    assert sorted(set(es) - set(en)) == []
    for key, text in en.items():   # the same placeholders, every string translated
        assert sorted(_placeholders(es[key])) == sorted(_placeholders(text)), key
        assert es[key].strip(), key


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\{(\w+)\}", text)


def test_templates_and_runtime_only_use_catalogue_keys():
    import re

    keys = set(catalogue("en"))
    used = set()
    for path in [*(REPO / "templates").rglob("*.html"), *(REPO / "templates/static").glob("*.js")]:
        used |= set(re.findall(r"(?<![\w.$])t\.([a-z_]+)", path.read_text("utf-8")))
    assert used and used - keys == set()


def spanish(root: Path) -> Path:
    path = root / "course.yaml"
    path.write_text(path.read_text().replace("language: en", "language: es"))
    return root


def test_spanish_course_renders_spanish_interface(minimal, tmp_path):
    root = spanish(minimal)
    [zip_path] = build(root, ("scorm12",), tmp_path).written
    html = all_html(zipfile.ZipFile(zip_path))
    assert '<html lang="es">' in html
    for text in ("Saltar al contenido", "Guardar y salir", "Menú del curso", "Glosario",
                 "Referencias", "Su resultado", "Imprimir este módulo",
                 'aria-label="Fuente 1: Author A, 2020"', "Ver el glosario",
                 "Pregunta 1 de 3", "Comprobar respuesta", "Enviar respuestas", "Verdadero",
                 "Compruebe lo que ha aprendido", "Objetivos de aprendizaje"):
        assert text in html, text
    for english in ("Skip to content", "Save and exit", ">Glossary<", "Source: ",
                    "Check answer", "Submit answers", "Question 1"):
        assert english not in html, english


# -- in the browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def web_sites(tmp_path_factory) -> dict[str, Path]:
    import shutil

    from tests.conftest import FIXTURES

    out = {}
    for name, change in (("es", spanish),
                         ("themed", lambda r: with_theme(r, GOOD_THEME))):
        root = tmp_path_factory.mktemp(name) / "course"
        shutil.copytree(FIXTURES / "minimal", root)
        out[name] = build(change(root), ("web",)).folders[0]
    return out


def axe(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate("""tags => axe.run({exclude: [["section.page[hidden]"]]},
        {runOnly: {type: "tag", values: tags}}).then(r => r.violations)""", list(WCAG_TAGS))
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found]


@pytest.mark.browser
def test_spanish_course_in_the_browser(browser, web_sites):
    with serve({"/": web_sites["es"]}) as base:
        page = browser.new_page()
        try:
            page.goto(base + "/index.html")
            page.wait_for_selector("html[data-cp-ready]")
            assert page.locator(".cp-pageinfo").inner_text() == "Página 1 de 5"
            assert page.locator(".cp-progress-text").inner_text() == "20 % completado"
            assert page.locator(".cp-unit-status").first.text_content() == " (página actual)"
            page.locator(".cp-next").click()
            page.wait_for_function("() => document.getElementById('cp-announce').textContent"
                                   " === 'Página 2 de 5. 40 % completado'")
            page.locator("input[name='kc-kc-first'][value='1']").check()
            page.locator(".cp-check").click()
            assert page.locator(".cp-verdict").first.inner_text() == "No del todo."
            page.locator(".cp-tools a[href='#cp-complete']").click()
            assert page.locator(".cp-outcome-status").inner_text() == "En curso"
            assert page.locator(".cp-fact-pages").inner_text() == "Ha visto 2 de 5 páginas."
            assert axe(page) == []
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / "spanish-result-1280.png")
        finally:
            page.close()


@pytest.mark.browser
def test_themed_course_in_the_browser(browser, web_sites):
    with serve({"/": web_sites["themed"]}) as base:
        context = browser.new_context()
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        try:
            page.goto(base + "/index.html")
            page.wait_for_selector("html[data-cp-ready]")
            style = page.evaluate("""() => {
                const s = getComputedStyle(document.querySelector('.cp-header'));
                const logo = document.querySelector('.cp-logo');
                return [s.backgroundColor, s.color, logo.naturalWidth,
                        getComputedStyle(document.body).fontFamily]; }""")
            assert style[:3] == ["rgb(122, 31, 92)", "rgb(255, 255, 255)", 40]
            assert style[3].startswith('"Atkinson Hyperlegible", Verdana, system-ui')
            page.locator(".term-button").first.click()
            assert axe(page) == []
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / "themed-start-1280.png")
            page.emulate_media(color_scheme="dark")
            assert page.evaluate("getComputedStyle(document.querySelector('.cp-next'))"
                                 ".backgroundColor") == "rgb(240, 166, 211)"
            assert axe(page) == []
            page.screenshot(path=SHOTS / "themed-start-1280-dark.png")
            assert all(r.startswith(base) for r in requests), requests
        finally:
            context.close()
