"""The menu of a long course (issue 18): more than 40 units are listed in groups, each a
disclosure button that draws its units' entries when opened (cp-pages.js), so the menu
never draws the whole course. It stays usable by keyboard and screen reader (WAI-ARIA APG
disclosure pattern), reflows at 320 px and passes axe. A course of up to 40 units keeps
the flat list (the SRO course's menu: tests/test_accessibility.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from builder.build import build
from tests.support.lms import axe_violations, serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synth  # noqa: E402

pytestmark = pytest.mark.browser

MODULES = 60            # and the quiz: 61 units, in 7 groups of 10
SIZE = 10
FOCUSED = "() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 100) : ''; }"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = synth.make_course(tmp_path_factory.mktemp("menu") / "course", MODULES, 2, 5,
                             images=False)
    return build(root, ("web",), out=root.parent / "dist").folders[0]


@pytest.fixture
def course(browser, site):
    with serve({"/": site}) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/index.html")
        page.wait_for_selector("html[data-cp-ready]")
        yield page
        context.close()
        assert errors == []


def tab_to(page, selector: str, back: bool = False, limit: int = 60) -> None:
    """Tab until ``selector`` has focus (with a visible focus ring)."""
    seen = []
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            assert ring[0] != "none" and ring[1] >= 2, (selector, ring)
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
        seen.append(page.evaluate(FOCUSED))
    raise AssertionError(f"Tab never reached {selector}; focus went: {seen[-8:]}")


def group(page, n: int):
    return page.locator(f"button[aria-controls='cp-group-{n}']")


def test_groups_draw_only_the_open_one(course):
    page = course
    assert page.locator(".cp-menu .cp-group").count() == -(-(MODULES + 1) // SIZE)
    # the current page's group is open: its entries and no others
    assert group(page, 0).get_attribute("aria-expanded") == "true"
    assert page.locator(".cp-menu li[data-unit]").count() == SIZE
    for n in range(1, 7):
        assert group(page, n).get_attribute("aria-expanded") == "false"
        assert page.locator(f"#cp-group-{n}").is_hidden()
    # the last group holds the remainder: modules 61 and the quiz
    group(page, 6).click()
    assert page.locator(".cp-menu li[data-unit]").count() == MODULES + 1 - 6 * SIZE
    assert group(page, 0).get_attribute("aria-expanded") == "false"     # one open at a time
    assert page.locator("#cp-group-0 li").count() == 0                  # and nothing drawn
    page.locator(".cp-menu li[data-unit='60'] a").click()               # the quiz
    page.locator("section.page:not([hidden]) .cp-question").first.wait_for()
    assert page.locator(".cp-menu li[data-unit='60'] a").get_attribute("aria-current") == "page"


def test_screen_reader_names_and_state(course):
    page = course
    # each group is a button named by its range; the current page's group says so
    current = page.get_by_role("button", name="Modules 1–10 (contains the current page)")
    assert current.get_attribute("aria-expanded") == "true"
    other = page.get_by_role("button", name="Modules 21–30", exact=True)
    assert other.get_attribute("aria-expanded") == "false"
    assert page.locator("#" + other.get_attribute("aria-controls")).count() == 1
    # the current unit's link is the current page, and its status is read with it
    link = page.locator(".cp-menu a[aria-current='page']")
    assert link.count() == 1
    assert "(current page)" in link.inner_text()
    assert page.locator(".cp-menu li[data-unit='1'] a").inner_text().endswith("(not visited)")
    # a module visited, then the learner moves to another group: it opens, the old closes
    page.locator(".cp-next").click()
    other.click()
    page.locator(".cp-menu li[data-unit='24'] a").click()
    page.locator("#pg-m25--p1:not([hidden])").wait_for()
    assert page.get_by_role("button", name="Modules 21–30 (contains the current page)") \
        .get_attribute("aria-expanded") == "true"
    assert page.get_by_role("button", name="Modules 1–10", exact=True) \
        .get_attribute("aria-expanded") == "false"
    group(page, 0).click()
    assert page.locator(".cp-menu li[data-unit='0'] a").inner_text().endswith("(completed)")
    # Next across a group boundary opens the new current group
    group(page, 2).click()
    page.locator(".cp-menu li[data-unit='29'] a").click()
    page.locator("#pg-m30--p1:not([hidden])").wait_for()
    page.locator(".cp-next").click()
    page.locator(".cp-next").click()
    page.locator("#pg-m31--p1:not([hidden])").wait_for()
    assert group(page, 3).get_attribute("aria-expanded") == "true"
    assert page.locator(".cp-menu li[data-unit='30'] a").get_attribute("aria-current") == "page"


def test_keyboard_only(course):
    page = course
    page.locator("body").focus()
    tab_to(page, "button[aria-controls='cp-group-4']")
    page.keyboard.press("Enter")                          # opens the group
    assert group(page, 4).get_attribute("aria-expanded") == "true"
    assert page.evaluate("s => document.activeElement.matches(s)",
                         "button[aria-controls='cp-group-4']")   # focus stays on it
    tab_to(page, ".cp-menu li[data-unit='40'] a")         # its first entry is next in order
    page.keyboard.press("Tab")
    assert page.evaluate("s => document.activeElement.matches(s)", ".cp-menu li[data-unit='41'] a")
    page.keyboard.press("Enter")                          # a unit not loaded yet
    page.locator("#pg-m42--p1:not([hidden])").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.matches("
                           "'section.page:not([hidden]) h1')")
    # back to the group with Shift+Tab; Space toggles it too: closed, it draws nothing
    tab_to(page, "button[aria-controls='cp-group-4']", back=True)
    page.keyboard.press("Space")
    assert group(page, 4).get_attribute("aria-expanded") == "false"
    assert page.locator(".cp-menu li[data-unit]").count() == 0


@pytest.mark.parametrize("width", [320, 1280])
def test_reflow_and_axe(browser, site, width):
    with serve({"/": site}) as base:
        context = browser.new_context(viewport={"width": width, "height": 700})
        page = context.new_page()
        page.goto(base + "/index.html")
        page.wait_for_selector("html[data-cp-ready]")
        if width == 320:
            page.locator(".cp-menu-toggle").click()       # the menu folds away on phones
        group(page, 3).click()
        page.locator(".cp-menu li[data-unit='35'] a").wait_for()
        assert page.locator("#cp-menu").is_visible()
        # no horizontal scrolling at 320 px (WCAG 1.4.10), every entry at least 44 px high
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        heights = page.evaluate("""() => [...document.querySelectorAll(
            '.cp-group-toggle, .cp-units li[data-unit] a')].map(e => e.getBoundingClientRect().height)""")
        assert min(heights) >= 44
        assert axe_violations(page) == []
        context.close()
