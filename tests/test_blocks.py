"""Content blocks (builder/components/blocks/): each renders from Markdown, reports bad
syntax with file and line, ships its script and style only when used, and in Chromium
(the package's Content-Security-Policy in force) passes axe-core in each of its states,
works with the keyboard alone per the WAI-ARIA Authoring Practices, fits 320 px without
sideways scrolling and prints with everything open.

One fixture course, tests/fixtures/blocks/, uses every block; it is built once and played
in one browser page.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator

import pytest

from builder.build import build, check
from builder.components import blocks
from builder.errors import BuildAborted
from tests.conftest import FIXTURES
from tests.support.lms import AXE_JS, WCAG_TAGS, serve
from tests.support.scripts import runtime_scripts, style_sheets

BLOCKS = FIXTURES / "blocks"
MODULE = "modules/03-blocks.md"


def page_html(course, page_id: str) -> str:
    page = next(p for p in course.unit("blocks").pages if p.id == page_id)
    return "".join(b for b in page.blocks if isinstance(b, str))


# -- reading and rendering (no browser) --------------------------------------------------

def test_every_block_renders_from_markdown():
    course, problems = check(BLOCKS)
    assert [p for p in problems if p.level == "error"] == []
    html = {p.id: page_html(course, p.id) for p in course.unit("blocks").pages}
    callouts = html["callouts"]
    assert callouts.count('role="note" data-cp-block=') == 3
    assert '<span class="cp-callout-kind">Warning</span><span class="cp-callout-sep">: ' \
           '</span>Check the date first' in callouts
    assert 'class="term-button pop-button"' in callouts  # glossary terms work inside blocks
    acc = html["accordion"]
    assert re.search(r'<h3 class="cp-acc-head"><button type="button" class="cp-acc-button" '
                     r'id="([\w-]+)-h1" aria-expanded="true" aria-controls="\1-p1">', acc)
    # every panel, card back and answer is in the page (the script closes them): its
    # words count in the reading figures
    assert " hidden" not in acc + html["tabs"] + html["flipcards"] + html["reveal"]
    assert acc.count('role="region"') == 2 and "<li>a prosecutor</li>" in acc
    tabs = html["tabs"]
    assert 'role="tablist" aria-label="The roles"' in tabs
    assert tabs.count('role="tab"') == 3 and tabs.count('role="tabpanel"') == 3
    assert tabs.count('aria-selected="true"') == 1 and tabs.count('tabindex="-1"') == 2
    assert html["flipcards"].count('class="cp-card-flip"') == 2
    steps = html["steps"]
    assert steps.count('class="cp-step"') == 3 and 'class="cp-events"' in steps
    assert '<h3 class="cp-event-when">1994</h3>' in steps
    assert 'aria-controls="blocks-reveal-b1-a"' in html["reveal"]
    figures = html["figures"]
    assert '<img src="media/diagram.svg" alt="A square diagram with one label">' in figures
    assert ('<p class="cp-credit"><span class="cp-credit-label">Credit:</span> '
            'Coursepack tests, 2026.</p>') in figures
    assert 'data-x="20.0" data-y="25.0"' in figures and 'value="2"' in figures
    assert ":::" not in "".join(html.values()) and "{x=" not in figures


def test_scripts_and_styles_ship_only_with_courses_that_use_them(tmp_path):
    with_blocks = build(BLOCKS, ("scorm12",), tmp_path / "b").written[0]
    without = build(FIXTURES / "minimal", ("scorm12",), tmp_path / "m").written[0]
    with zipfile.ZipFile(with_blocks) as zf:
        names = set(zf.namelist())
        index = zf.read("index.html").decode()
        order = list(runtime_scripts(zf))   # the scripts it runs, in order
        styles = list(style_sheets(zf))     # the parts of static/coursepack.css
    assert '<link rel="stylesheet" href="static/coursepack.css">' in index
    assert styles[0] == "static/coursepack.css"
    # video and audio need generated media files: tests/test_media.py checks them
    kinds = [k for k in blocks.kinds() if "media" not in k.names]
    for kind in kinds:
        if kind.style:
            assert kind.style in styles and kind.style not in names, kind.style
        if kind.script:
            assert kind.script in order, kind.script
    assert "static/cp-blocks.js" in order
    # the block scripts load after the registry and before the course logic
    assert order.index("static/cp-blocks.js") < order.index("static/blocks/tabs.js") \
        < order.index("static/coursepack.js")
    with zipfile.ZipFile(without) as zf:
        assert not [n for n in [*zf.namelist(), *runtime_scripts(zf), *style_sheets(zf)]
                    if "block" in n]
        assert "cp-block" not in zf.read("index.html").decode()


def test_a_callout_only_course_gets_its_style_but_no_script(project, tmp_path):
    root = project({"modules/02-basics.md": "---\ntitle: Basics\nduration: 1\n"
                    "objectives: [obj-two]\n---\n\n# The second idea {#second-idea}\n\n"
                    "The second idea builds on the first [@ref-b].\n\n::: tip\nA tip.\n:::\n"})
    with zipfile.ZipFile(build(root, ("web",), tmp_path / "out").written[0]) as zf:
        names = set(zf.namelist())
        scripts = list(runtime_scripts(zf))
        styles = list(style_sheets(zf))
    assert "static/blocks/callout.css" in styles
    assert not [n for n in [*names, *scripts] if n.endswith(".js") and "block" in n]


def test_a_labelled_graphic_brings_the_figure_zoom(project, tmp_path):
    root = project({"modules/02-basics.md": "---\ntitle: Basics\nduration: 1\n"
                    "objectives: [obj-two]\n---\n\n# The second idea {#second-idea}\n\n"
                    "The second idea builds on the first [@ref-b].\n\n::: labelled-graphic\n"
                    "![A square diagram](diagram.svg)\n\n### A point {x=20 y=30}\nText.\n"
                    ":::\n"})
    with zipfile.ZipFile(build(root, ("web",), tmp_path / "out").written[0]) as zf:
        names = set(zf.namelist())
        scripts = list(runtime_scripts(zf))
        styles = list(style_sheets(zf))
    for f in ("static/blocks/graphic.js", "static/blocks/figure.js"):
        assert f in scripts, f
    for f in ("static/blocks/graphic.css", "static/blocks/figure.css"):
        assert f in styles, f
    assert not [n for n in [*names, *scripts, *styles]
                if "blocks/" in n and "graphic" not in n and "figure" not in n]


BAD = """---
title: Basics
duration: 1
objectives: [obj-two]
---

# The second idea {#second-idea}

::: acordion
### One
Text.
:::

::: tabs
### Only one tab
Text.
:::

::: labelled-graphic
![A square diagram](diagram.svg)

### A point {x=20}
Text.
:::

::: figure
Just a caption, no image.
:::

::: accordion
### A [[widget]] title
Text.

```question
id: kc-inside
type: true-false
prompt: Inside?
answer: true
```
:::

:::
Nameless.
:::

::: reveal
### Show
The answer, but no question.
:::

::: note
Never closed.
"""


def test_bad_block_syntax_is_reported_at_once_with_file_and_line(project):
    root = project({"modules/02-basics.md": BAD})
    with pytest.raises(BuildAborted) as info:
        check(root)
    found = {(p.line, p.key, p.message) for p in info.value.problems
             if p.file == "modules/02-basics.md"}
    hints = " ".join(p.hint for p in info.value.problems)
    assert (9, "", "unknown block '::: acordion'") in found
    assert "blocks are: accordion, figure, flipcards" in hints
    assert (14, "", "the 'tabs' block has 1 tabs; it needs at least 2") in found
    assert (22, "y", "the point 'A point' needs y between 0 and 100 (got nothing)") in found
    assert (26, "", "a figure starts with an image") in found
    assert (31, "", "the section title 'A widget title' holds a glossary term, a citation "
            "or a link") in found
    assert (34, "", "a question block cannot sit inside a 'accordion' block") in found
    assert (42, "", "a ':::' line opens a block but names none") in found
    assert (46, "", "the reveal has no question") in found
    assert (51, "", "the block '::: note' is not closed") in found


def test_blocks_nest_with_a_longer_outer_fence(project):
    root = project({"modules/02-basics.md": "---\ntitle: Basics\nduration: 1\n"
                    "objectives: [obj-two]\n---\n\n# The second idea {#second-idea}\n\n"
                    "Cited [@ref-b].\n\n:::: tabs\n### One\n::: warning\nInside a tab.\n:::\n\n"
                    "### Two\nText.\n::::\n"})
    course, _ = check(root)
    html = "".join(b for b in course.unit("basics").pages[0].blocks if isinstance(b, str))
    panel = html[html.index('role="tabpanel"'):]
    assert panel.index('data-cp-block="warning"') < panel.index('role="tabpanel"', 10)


def test_block_interface_strings_follow_the_course_language(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(BLOCKS, root)
    yaml = root / "course.yaml"
    yaml.write_text(yaml.read_text().replace("language: en", "language: es"))
    course, _ = check(root)
    html = "".join(page_html(course, p.id) for p in course.unit("blocks").pages)
    for spanish in ("Advertencia", "Consejo", "Dar la vuelta", "Ampliar la imagen",
                    "Crédito:", "Paso anterior", "Paso siguiente", "Cerrar",
                    "Seleccione un punto numerado"):
        assert spanish in html, spanish


# -- in the browser ------------------------------------------------------------------------

NARROW = 320


@pytest.fixture(scope="module")
def learner(browser, tmp_path_factory) -> Iterator:
    """The fixture course's web site from a local server, in one page with the package's
    Content-Security-Policy in force; page errors and policy violations recorded."""
    site = build(BLOCKS, ("web",), tmp_path_factory.mktemp("blocks")).folders[0]
    with serve({"/": site}) as base:
        context = browser.new_context(bypass_csp=False, viewport={"width": 1024, "height": 800})
        context.add_init_script("""document.addEventListener("securitypolicyviolation",
            e => (window.__csp = window.__csp || []).push(e.violatedDirective));""")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/index.html")
        page.wait_for_selector("html[data-cp-ready]")
        page.errors = errors
        try:
            yield page
        finally:
            context.close()


def show(page, page_id: str) -> str:
    """Show the fixture's page ``page_id`` as a link to it does (the runtime may have to
    load it first); its section's CSS selector."""
    sel = f"#pg-blocks--{page_id}"
    page.evaluate("""id => {
        const a = document.createElement("a");
        a.href = "#" + id;
        document.body.appendChild(a);
        a.click();
        a.remove();
    }""", sel[1:])
    page.locator(sel).wait_for(state="visible")
    return sel


def axe(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate("""tags => axe.run({exclude: [["section.page[hidden]"]]},
        {runOnly: {type: "tag", values: tags}}).then(r => r.violations)""", list(WCAG_TAGS))
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found]


def state_ok(page, state: str, dark: bool = False) -> None:
    """axe-core finds nothing (in the dark scheme too when asked), and nothing scrolls
    sideways at 320 px."""
    assert axe(page) == [], state
    if dark:
        page.emulate_media(color_scheme="dark")
        assert axe(page) == [], state + " (dark)"
        page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": NARROW, "height": 800})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    page.set_viewport_size({"width": 1024, "height": 800})
    assert overflow <= 0, f"{state} scrolls sideways by {overflow}px at 320px"


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.className")


def printed_hidden(page, sel: str) -> list[str]:
    """In print emulation, the block content of the shown page that is not displayed."""
    page.emulate_media(media="print")
    try:
        return page.evaluate("""s => [...document.querySelectorAll(s + " [data-cp-block] " +
              ":is(.cp-acc-panel, .cp-tabpanel, .cp-card-front, .cp-card-back, .cp-step, " +
              ".cp-reveal-answer, .cp-spot-desc, .cp-acc-button, .cp-reveal-button, img)")]
            .filter(el => !el.getClientRects().length).map(el => el.className || el.tagName)""",
                             sel)
    finally:
        page.emulate_media(media="screen")


@pytest.mark.browser
def test_callouts_timeline_and_every_page_at_rest(learner):
    page = learner
    for page_id in ("callouts", "steps"):
        show(page, page_id)
        state_ok(page, page_id, dark=True)


@pytest.mark.browser
def test_accordion_by_keyboard(learner):
    page = learner
    sel = show(page, "accordion")
    buttons = page.locator(f"{sel} .cp-acc-button")
    state_ok(page, "accordion closed", dark=True)
    buttons.nth(0).focus()
    page.keyboard.press("Enter")
    assert buttons.nth(0).get_attribute("aria-expanded") == "true"
    assert page.locator(f"{sel} .cp-acc-panel").nth(0).is_visible()
    page.keyboard.press("ArrowDown")
    assert focused(page).endswith("-h2")
    page.keyboard.press("Space")
    assert page.locator(f"{sel} .cp-acc-panel").nth(1).is_visible()
    state_ok(page, "accordion open", dark=True)
    page.keyboard.press("Home")
    assert focused(page).endswith("-h1")
    page.keyboard.press("End")
    assert focused(page).endswith("-h2")
    page.keyboard.press("ArrowDown")  # wraps
    assert focused(page).endswith("-h1")
    page.keyboard.press("Space")
    assert buttons.nth(0).get_attribute("aria-expanded") == "false"
    assert page.locator(f"{sel} .cp-acc-panel").nth(0).is_hidden()
    # set up again (as for a page inserted later): still one toggle per press
    page.evaluate("() => window.CoursepackBlocks.init(document)")
    page.keyboard.press("Enter")
    assert buttons.nth(0).get_attribute("aria-expanded") == "true"
    assert printed_hidden(page, sel) == []


@pytest.mark.browser
def test_tabs_by_keyboard(learner):
    page = learner
    sel = show(page, "tabs")
    tabs = page.locator(f"{sel} [role=tab]")
    panels = page.locator(f"{sel} [role=tabpanel]")

    def selected() -> int:
        states = [tabs.nth(i).get_attribute("aria-selected") for i in range(3)]
        assert states.count("true") == 1
        i = states.index("true")
        assert [panels.nth(k).is_visible() for k in range(3)] == [k == i for k in range(3)]
        assert focused(page) == tabs.nth(i).get_attribute("id")
        assert tabs.nth(i).get_attribute("tabindex") is None
        return i

    tabs.nth(0).focus()
    assert selected() == 0
    state_ok(page, "tab 1", dark=True)
    page.keyboard.press("ArrowRight")
    assert selected() == 1
    state_ok(page, "tab 2")
    page.keyboard.press("End")
    assert selected() == 2
    state_ok(page, "tab 3")
    page.keyboard.press("ArrowRight")  # wraps to the first
    assert selected() == 0
    page.keyboard.press("ArrowLeft")  # and back to the last
    assert selected() == 2
    page.keyboard.press("Home")
    assert selected() == 0
    page.keyboard.press("Tab")  # out of the tab list, into the panel
    assert focused(page) == panels.nth(0).get_attribute("id")
    assert printed_hidden(page, sel) == []
    page.emulate_media(media="print")
    assert page.locator(f"{sel} .cp-print-title").nth(2).is_visible()
    page.emulate_media(media="screen")


@pytest.mark.browser
def test_flip_cards_and_reveal_by_keyboard(learner):
    page = learner
    sel = show(page, "flipcards")
    flips = page.locator(f"{sel} .cp-card-flip")
    state_ok(page, "cards front")
    for i in range(2):
        flips.nth(i).focus()
        page.keyboard.press("Enter")
        assert flips.nth(i).get_attribute("aria-expanded") == "true"
        page.locator(f"{sel} .cp-card-back").nth(i).wait_for(timeout=2000)  # turning
        assert page.locator(f"{sel} .cp-card-front").nth(i).is_hidden()
    state_ok(page, "cards flipped", dark=True)
    assert printed_hidden(page, sel) == []
    flips.nth(1).focus()  # (print hides the buttons, and the focus with them)
    page.keyboard.press("Space")  # the last card turns back
    page.locator(f"{sel} .cp-card-front").nth(1).wait_for(timeout=2000)
    assert page.locator(f"{sel} .cp-card-back").nth(1).is_hidden()

    sel = show(page, "reveal")
    button = page.locator(f"{sel} .cp-reveal-button")
    state_ok(page, "reveal closed")
    assert printed_hidden(page, sel) == []
    button.focus()
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator(f"{sel} .cp-reveal-answer").is_visible()
    state_ok(page, "reveal open", dark=True)


@pytest.mark.browser
def test_steps_by_keyboard(learner):
    page = learner
    sel = show(page, "steps")
    steps = page.locator(f"{sel} .cp-step")
    status = page.locator(f"{sel} .cp-step-status")
    nxt, prev = page.locator(f"{sel} .cp-step-next"), page.locator(f"{sel} .cp-step-prev")
    assert status.inner_text() == "Step 1 of 3"
    assert [steps.nth(i).is_visible() for i in range(3)] == [True, False, False]
    assert prev.get_attribute("aria-disabled") == "true"
    nxt.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert status.inner_text() == "Step 3 of 3"
    assert [steps.nth(i).is_visible() for i in range(3)] == [False, False, True]
    assert nxt.get_attribute("aria-disabled") == "true"
    page.keyboard.press("Enter")  # at the end: nothing moves, focus stays
    assert status.inner_text() == "Step 3 of 3" and "cp-step-next" in focused(page)
    state_ok(page, "last step", dark=True)
    page.keyboard.press("Shift+Tab")  # the status between them takes no focus
    assert "cp-step-prev" in focused(page)
    page.keyboard.press("Space")
    assert status.inner_text() == "Step 2 of 3"
    assert printed_hidden(page, sel) == []
    page.emulate_media(media="print")
    assert page.locator(f"{sel} .cp-step-nav").is_hidden()
    page.emulate_media(media="screen")


@pytest.mark.browser
def test_figure_zoom_and_labelled_graphic_by_keyboard(learner):
    page = learner
    sel = show(page, "figures")
    state_ok(page, "figures at rest", dark=True)
    opener = page.locator(f"{sel} .cp-figure .cp-zoom-open")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#cp-zoom")
    assert dialog.is_visible()
    assert dialog.get_attribute("aria-label") == "A square diagram with one label"
    assert "cp-zoom-close" in focused(page)
    img = page.locator("#cp-zoom .cp-zoom-view img")
    before = img.bounding_box()["width"]
    page.keyboard.press("+")
    assert img.bounding_box()["width"] > before * 1.4
    state_ok(page, "zoom open", dark=True)
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert "cp-zoom-open" in focused(page)   # focus back on the image
    # the labelled graphic's image opens in the same dialog
    graphic_opener = page.locator(f"{sel} .cp-graphic .cp-zoom-open")
    assert page.locator(f"{sel} .cp-graphic .cp-zoom-hint").is_visible()
    graphic_opener.focus()
    page.keyboard.press("Enter")
    assert dialog.is_visible() and page.locator("dialog#cp-zoom").count() == 1
    assert dialog.get_attribute("aria-label") == "A square diagram with one label, with two points"
    assert "cp-zoom-close" in focused(page)
    before = img.bounding_box()["width"]
    page.keyboard.press("+")
    assert img.bounding_box()["width"] > before * 1.4
    state_ok(page, "graphic zoom open", dark=True)
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert graphic_opener.evaluate("el => el === document.activeElement")

    spots = page.locator(f"{sel} .cp-spot")
    descs = page.locator(f"{sel} .cp-spot-desc")
    assert spots.count() == 2 and descs.nth(0).is_hidden() and descs.nth(1).is_hidden()
    box, stage = spots.nth(1).bounding_box(), page.locator(
        f"{sel} .cp-graphic-stage").bounding_box()
    # the second point sits at 80 % across, 75 % down the image
    assert abs(box["x"] + box["width"] / 2 - (stage["x"] + .8 * stage["width"])) < 3
    assert abs(box["y"] + box["height"] / 2 - (stage["y"] + .75 * stage["height"])) < 3
    spots.nth(0).focus()
    page.keyboard.press("Enter")
    assert spots.nth(0).get_attribute("aria-expanded") == "true" and descs.nth(0).is_visible()
    state_ok(page, "hotspot open", dark=True)
    page.keyboard.press("Tab")   # to the second point: the first stays open
    page.keyboard.press("Enter")  # one open at a time
    assert descs.nth(0).is_hidden() and descs.nth(1).is_visible()
    page.keyboard.press("Escape")
    assert descs.nth(1).is_hidden() and focused(page) == "cp-spot"
    assert spots.nth(1).evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.locator(f"{sel} .cp-spot-desc:not([hidden]) .cp-spot-close").focus()
    page.keyboard.press("Enter")  # its Close button: closed, focus on its point
    assert descs.nth(1).is_hidden() and spots.nth(1).evaluate(
        "el => el === document.activeElement")
    assert printed_hidden(page, sel) == []
    assert page.evaluate("window.__csp || []") == [] and page.errors == []


def test_the_authoring_guide_examples_build(project):
    """Every block example in docs/authoring.md builds as written."""
    from tests.conftest import REPO

    guide = (REPO / "docs/authoring.md").read_text()
    section = guide[guide.index("### Content blocks"):guide.index("## scenarios/")]
    examples = re.findall(r"```markdown\n(.*?)```\n", section, re.S)
    assert len(examples) >= 10
    root = project({"modules/02-basics.md": "---\ntitle: Basics\nduration: 2\n"
                    "objectives: [obj-two]\n---\n\n# The second idea {#second-idea}\n\n"
                    "Cited [@ref-b].\n\n" + "\n".join(examples)})
    for name in ("triad.svg", "plan.svg"):
        shutil.copy(root / "modules/diagram.svg", root / "modules" / name)
    course, problems = check(root)
    assert [p for p in problems if p.level == "error"] == []
    html = "".join(b for b in course.unit("basics").pages[0].blocks if isinstance(b, str))
    assert html.count("data-cp-block=") == len(examples) + 1  # the nested tip
