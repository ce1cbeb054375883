"""What the learner sees and hears: the defects of issue 20 and the citation markers of
issue 14, each checked on a small course made for it (the minimal course with a module
that has a table, a glossary term and a citation in a paragraph, and a knowledge check of
every type). Build-level checks need no browser; the rest play the web package in Chromium.
The walk over every page and state of the real courses is in test_accessibility.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder import theme as looks
from builder.build import build, check
from builder.components.questions import question_type
from builder.model import Colours
from builder.render import answer_key, render_site
from tests.conftest import FIXTURES, write
from tests.support.lms import serve
from tests.support.site import all_html, go_to

VIEWS = '''
---
title: Views
objectives: [obj-one]
---

# Tables and terms {#tables}

## Side by side

| | Officer | Guard |
|---|---|---|
| Sworn | yes [@ref-a] | no |

A long paragraph that mentions a [[widget]] in the middle of a sentence, which goes on
for a while so that a definition opened as a block would split it in two, and cites a
second source [@ref-b] before it ends with a few more words about nothing in particular.

# No heading here {#plain}

| Plain | Table |
|---|---|
| a | b |

# Checks {#checks}

```question
id: kc-choice
type: choice
prompt: Which idea comes first?
choices:
  - {id: a, text: The first idea, correct: true}
  - {id: b, text: The second idea}
feedback:
  correct: "Correct. It comes first."
  incorrect: "Not quite. Look again at the title."
```

```question
id: kc-match
type: matching
prompt: Match the capitals.
pairs:
  - {id: fr, source: France, target: Paris}
  - {id: de, source: Germany, target: Berlin}
  - {id: it, source: Italy, target: Rome}
  - {id: es, source: Spain, target: Madrid}
```

```question
id: kc-num
type: numeric
prompt: How many?
answer: 2.9
tolerance: 0.2
```

```question
id: kc-rate
type: likert
prompt: I could explain this to a colleague.
```

```question
id: kc-fill
type: fill-in
prompt: Name it.
answers: [widget]
```
'''


def views_course(root: Path) -> Path:
    course = (root / "course.yaml").read_text()
    write(root, {"modules/03-views.md": VIEWS,
                 "course.yaml": course.replace("  - intro\n", "  - intro\n  - views\n")})
    return root


def page_html(course, module: str, page: str) -> str:
    p = next(p for p in course.unit(module).pages if p.id == page)
    return "".join(b for b in p.blocks if isinstance(b, str))


def question(course, qid: str):
    return next(q for m in course.modules for p in m.pages for q in p.questions if q.id == qid)


# -- building (no browser) ---------------------------------------------------------------

def test_citation_is_a_numbered_marker_that_opens_the_reference(project):
    course, _ = check(views_course(project()))
    html = page_html(course, "views", "tables")
    # ref-b is the second entry of references.yaml: marker 2, named after its source
    marker = re.search(r'<button type="button" class="cite-button pop-button" '
                       r'aria-expanded="false" aria-controls="([^"]+)" data-cite="ref-b" '
                       r'aria-label="Source 2: Author B, 2021">2</button>', html)
    assert marker, html
    note = re.search(rf'<span class="cite-def pop" id="{marker.group(1)}" role="note" hidden>'
                     r'(.*?)</span></span>', html).group(1)
    assert "Author B. Another Book. 2021." in note
    assert '<a href="#ref-ref-b" class="term-more">References</a>' in note
    assert "(Author B, 2021)" not in html            # no inline "(Source, year)" link
    assert "visually-hidden" not in html             # nothing positioned in table cells
    site = all_html(render_site(course, "web"))
    refs = site[site.index('<ol class="cp-references">'):]
    assert refs.index('id="ref-ref-a"') < refs.index('id="ref-ref-b"')  # the list's order
    # printed at the end of the module: the sources it cites, by their numbers
    printed = re.search(r'<div class="cp-print-refs">.*?</div>', site[site.index(
        'id="pg-views--checks"'):], re.S).group(0)
    assert '<li value="1">Author A. A Book About Ideas. 2020.' in printed
    assert '<li value="2">Author B. Another Book. 2021.' in printed


def test_tables_are_named_after_their_heading_and_blank_headers_are_cells(project):
    course, _ = check(views_course(project()))
    named = page_html(course, "views", "tables")
    assert '<div class="cp-table" role="region" aria-label="Side by side" tabindex="0">' in named
    assert "<th></th>" not in named and "<thead>\n<tr>\n<td></td>" in named
    plain = page_html(course, "views", "plain")      # no heading: no landmark, still focusable
    assert '<div class="cp-table" tabindex="0">' in plain
    assert 'aria-label="Table"' not in named + plain


def test_the_runtime_owns_the_verdict(project):
    course, _ = check(views_course(project()))
    q = question(course, "kc-choice")
    assert q.feedback_correct_html == "<p>It comes first.</p>\n"
    assert q.feedback_incorrect_html == "<p>Look again at the title.</p>\n"


def test_numeric_bounds_are_decimal(project):
    course, _ = check(views_course(project()))
    q = question(course, "kc-num")
    assert (q.numeric_min, q.numeric_max) == (2.7, 3.1)
    assert str(answer_key(q, [])) == "2.7 &ndash; 3.1"
    assert question_type(q.type).pattern2004(q) == ["2.7[:]3.1"]


def test_likert_knowledge_check_has_its_own_wording(project):
    course, _ = check(views_course(project()))
    site = all_html(render_site(course, "web"))
    rate = re.search(r'<fieldset[^>]*data-q="kc-rate".*?</fieldset>', site, re.S).group(0)
    assert "Rate yourself" in rate and "Save my rating" in rate
    assert "Check your understanding" not in rate and "Check answer" not in rate


def test_dark_header_is_a_dark_variant_of_the_brand_colour():
    dark = looks.palette(looks.effective(Colours(brand="#f0a6d3"), "dark"))
    header = dark["--header-bg"]
    assert header != dark["--panel"]
    assert looks.contrast(dark["--fg"], header) >= 4.5
    assert looks.contrast("#f0a6d3", header) >= 3
    r, g, b = (int(header[i:i + 2], 16) for i in (1, 3, 5))
    assert r > b > g                                 # a pink, like its brand colour
    assert "--header-bg" not in looks.palette(looks.effective(None, "light"))
    # the default stylesheet's dark header is the same rule applied to the default colours
    css = (Path(__file__).parent.parent / "templates/static/coursepack.css").read_text()
    default = looks.header_colours(looks.DEFAULTS["dark"])["--header-bg"]
    assert f"--header-bg: {default};" in css


# -- in the browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("views") / "course"
    import shutil
    shutil.copytree(FIXTURES / "minimal", root)
    views_course(root)
    out = tmp_path_factory.mktemp("views-out")
    build(root, ("web",), out)
    folder = next(p for p in out.iterdir() if p.is_dir())
    with serve({"/c/": folder}) as base:
        yield base + "/c/index.html"


@pytest.fixture
def page(browser, site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site)
    page.wait_for_selector("html[data-cp-ready]")
    yield page
    context.close()
    assert errors == []


def goto(page, dom_id: str) -> None:
    """Show the page or screen with this id as a link to it does. Its module may not be
    loaded yet (the runtime loads modules on demand): the link loads it first."""
    go_to(page, dom_id)
    page.wait_for_selector(f"#{dom_id}:not([hidden])")


def names(page) -> list[str]:
    """Every name in Chromium's accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [n["name"]["value"] for n in nodes if n.get("name", {}).get("value")]


@pytest.mark.browser
def test_popovers_do_not_split_the_paragraph(page):
    goto(page, "pg-views--tables")
    page.set_viewport_size({"width": 320, "height": 568})
    para = page.locator("#pg-views--tables p", has=page.locator(".term"))
    before = para.bounding_box()["height"]
    term = para.locator(".term-button")
    term.focus()
    page.keyboard.press("Enter")
    definition = page.locator("#" + term.get_attribute("aria-controls"))
    assert term.get_attribute("aria-expanded") == "true" and definition.is_visible()
    assert para.bounding_box()["height"] == before     # the text did not move
    box = definition.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    cite = para.locator(".cite-button")
    cite.focus()
    page.keyboard.press("Enter")                       # one popover at a time
    assert term.get_attribute("aria-expanded") == "false" and definition.is_hidden()
    note = page.locator("#" + cite.get_attribute("aria-controls"))
    assert note.is_visible() and "Author B. Another Book. 2021." in note.inner_text()
    assert para.bounding_box()["height"] == before
    page.keyboard.press("Escape")
    assert note.is_hidden() and cite.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('cite-button')")
    assert "Source 2: Author B, 2021" in names(page)


@pytest.mark.browser
def test_no_icon_glyph_in_accessible_names(page):
    goto(page, "pg-views--checks")
    kc = page.locator(".cp-question[data-q='kc-choice']")
    kc.locator("input[value='1']").check()
    kc.locator(".cp-check").click()
    assert kc.locator(".cp-verdict").inner_text() == "Not quite."
    assert kc.locator(".cp-feedback").inner_text().count("Not quite") == 1
    kc.locator("input[value='0']").check()
    kc.locator(".cp-check").click()
    for i in range(2):                                  # the first module complete: a ✓
        page.evaluate("i => window.coursepack.show(i, false)", i)
    assert page.locator(".cp-units li.is-complete").count() >= 1
    found = [n for n in names(page) if re.search("[\u2713\u2715]", n)]
    assert found == []


@pytest.mark.browser
def test_title_footer_and_print_per_screen(page):
    goto(page, "pg-views--checks")
    assert page.title() == "Checks \u2013 A Minimal Course"
    assert page.locator(".cp-pageinfo").inner_text() == "Page 5 of 8"
    assert page.locator(".cp-print").is_visible()
    for dom_id, title in (("gloss", "Glossary"), ("refs", "References"),
                          ("cp-complete", "Your result")):
        goto(page, dom_id)
        assert page.title() == f"{title} \u2013 A Minimal Course"
        assert page.locator(".cp-pageinfo").inner_text() == title
        assert page.locator(".cp-next").is_hidden()
        assert page.locator(".cp-print").is_hidden()
    page.locator(".cp-back").click()                    # back to the page the learner left
    assert page.locator("#pg-views--checks").is_visible()
    assert page.locator(".cp-next").is_visible() and page.locator(".cp-print").is_visible()


@pytest.mark.browser
def test_check_answer_says_what_is_missing(page):
    goto(page, "pg-views--checks")
    cases = [("kc-choice", None, "Choose an answer first."),
             ("kc-match", None, "Choose a match for every item first."),
             ("kc-num", "four", "Type your answer as a number first, for example 12 or 2.5."),
             ("kc-fill", None, "Type your answer first."),
             ("kc-rate", None, "Choose a rating first.")]
    for qid, typed, message in cases:
        kc = page.locator(f".cp-question[data-q='{qid}']")
        if typed:
            kc.locator("input").fill(typed)
        kc.locator(".cp-check").click()
        assert kc.locator(".cp-missing").inner_text() == message, qid
        assert kc.locator(".cp-feedback").is_hidden(), qid     # not marked wrong
    page.wait_for_function("() => document.getElementById('cp-announce').textContent === "
                           "'Choose a rating first.'")
    kc = page.locator(".cp-question[data-q='kc-num']")
    kc.locator("input").fill("2.7")
    kc.locator(".cp-check").click()
    assert kc.locator(".cp-missing").is_hidden()
    assert kc.locator(".cp-feedback.is-correct").is_visible()


@pytest.mark.browser
def test_matching_targets_are_shuffled_the_same_way_each_time(page):
    goto(page, "pg-views--checks")

    def order() -> list[list[str]]:
        return page.evaluate("""() => [...document.querySelectorAll(
            ".cp-question[data-q='kc-match'] select")].map(s =>
            [...s.options].slice(1).map(o => o.value))""")

    first = order()
    assert first[0] != ["0", "1", "2", "3"]            # never in the answer order
    assert all(o == first[0] for o in first)
    page.reload()
    page.wait_for_selector("html[data-cp-ready]")
    assert order() == first


@pytest.mark.browser
def test_dark_forced_colours_and_phone_header(page):
    header = "() => getComputedStyle(document.querySelector('.cp-header')).backgroundColor"
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(header) == "rgb(68, 88, 114)"  # #445872, not the grey panel
    page.emulate_media(color_scheme="light", forced_colors="active")
    bar = page.evaluate("""() => {
        const bar = getComputedStyle(document.querySelector('.cp-bar'));
        const fill = getComputedStyle(document.querySelector('.cp-bar span'));
        const head = getComputedStyle(document.querySelector('.cp-header'));
        return [bar.borderTopStyle, parseFloat(bar.borderTopWidth), bar.borderTopColor,
                fill.backgroundColor, head.backgroundColor]; }""")
    style, width, edge, fill, back = bar
    assert style == "solid" and width >= 1 and edge != back, bar   # the track is drawn
    assert fill not in (back, "rgba(0, 0, 0, 0)"), bar           # and the fill shows
    page.emulate_media(forced_colors="none")
    page.set_viewport_size({"width": 320, "height": 568})
    height = page.locator(".cp-header").bounding_box()["height"]
    assert height <= 72, height                                  # was 116 px of 568
