"""What the learner gets, checked in Chromium: axe-core (WCAG 2.1 A/AA) on every page type
at desktop and phone widths and in both colour schemes, no horizontal scrolling down to
320 px, a keyboard-only run through a whole course, screenshots for people to look at,
and no request that leaves the package.

The real SRO course gives the content pages; tests/fixtures/alltypes gives every question
type and a branching scenario. Each package is built once and played in one Chromium.
Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder.build import check
from builder.errors import BuildAborted
from tests.conftest import FIXTURES, REPO
from tests.support.buildcache import built
from tests.support.lms import AXE_JS, WCAG_TAGS, Scorm12Player, axe_violations
from tests.support.pagetypes import representatives
from tests.support.site import go_to

SHOTS = REPO / "test-artifacts" / "screenshots"
DESKTOP, TABLET, PHONE, NARROW = 1280, 768, 375, 320
HEIGHT = 900
LEARNER = {"core": {"student_id": "a11y-1", "student_name": "Reader, Kim"}}


# -- building: decorative images (no browser needed) ----------------------------------------

def test_decorative_image_renders_with_empty_alt(project):
    root = project()
    page = root / "modules/02-basics.md"
    page.write_text(page.read_text() + '\n![](diagram.svg "decorative")\n')
    course, _ = check(root)
    html = "".join(b for b in course.unit("basics").pages[-1].blocks if isinstance(b, str))
    assert '<img src="media/diagram.svg" alt="" role="presentation" />' in html
    assert "decorative" not in html


def test_image_without_alt_is_still_an_error(project):
    root = project()
    page = root / "modules/02-basics.md"
    page.write_text(page.read_text() + '\n![](diagram.svg "A title")\n')
    with pytest.raises(BuildAborted) as info:
        check(root)
    message = info.value.format_message()
    assert "image 'diagram.svg' has no alt text" in message
    assert '![](border.svg "decorative")' in message


def test_decorative_image_with_alt_text_is_an_error(project):
    root = project()
    page = root / "modules/02-basics.md"
    page.write_text(page.read_text() + '\n![A square](diagram.svg "decorative")\n')
    with pytest.raises(BuildAborted) as info:
        check(root)
    assert "image 'diagram.svg' is marked decorative but has alt text" in (
        info.value.format_message())


# -- the browser tour ------------------------------------------------------------------------

def page_with(course, needle: str) -> str:
    """The DOM id of the first module page whose HTML contains ``needle``."""
    for m in course.modules:
        for p in m.pages:
            if needle in "".join(b for b in p.blocks if isinstance(b, str)):
                return f"pg-{m.id}--{p.id}"
    raise AssertionError(f"no page contains {needle!r}")


def kc_page(course) -> tuple[str, str]:
    for m in course.modules:
        for p in m.pages:
            if p.questions:
                return f"pg-{m.id}--{p.id}", p.questions[0].id
    raise AssertionError("no knowledge check")


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    return {name: built(tmp_path_factory, source, ("scorm12",))["scorm12"]
            for name, source in (("sro", REPO), ("alltypes", FIXTURES / "alltypes"),
                                 ("minimal", FIXTURES / "minimal"))}


@pytest.fixture(scope="module")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return SHOTS


#: controls that must be at least 44 x 44 px to touch (links, glossary terms and citation
#: markers inside sentences are exempt)
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "button:not(.term-button):not(.cite-button), select, input[type=text], .cp-units a, .cp-tools a, " +
    ".cp-choice label, .cp-to-result, .cp-outcome-next a, .skip-link:focus")]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.height < 44 || r.width < 44)
  .map(([el, r]) => el.outerHTML.slice(0, 60) + " " + Math.round(r.width) + "x" + Math.round(r.height))"""


class Tour:
    """One package open in the SCORM player; puts the course into a state, then checks it
    at several widths."""

    def __init__(self, player: Scorm12Player, name: str, shots: Path):
        self.player = player
        self.name = name
        self.shots = shots
        self.page = player.open(LEARNER)
        self.frame = player.frame
        self.frame.wait_for_selector("html[data-cp-ready]")
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.results: dict[str, list] = {}
        self.scheme = "light"

    def colour_scheme(self, scheme: str) -> None:
        self.page.emulate_media(color_scheme=scheme)
        self.scheme = scheme

    def goto(self, dom_id: str) -> None:
        """Show the page (or glossary, references, result) with this id, as a link does."""
        self.frame.evaluate("""id => {   // its unit may not be loaded: the link loads it
            const a = document.createElement("a");
            a.href = "#" + id;
            document.body.appendChild(a);
            a.click();
            a.remove();
        }""", dom_id)
        self.frame.wait_for_selector(f"#{dom_id}:not([hidden])")

    def width(self, px: int) -> None:
        self.page.set_viewport_size({"width": px, "height": HEIGHT})

    def scroll_overflow(self) -> int:
        """How far the page scrolls sideways (0 is right)."""
        return self.frame.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")

    def check(self, state: str, widths=(DESKTOP, TABLET, PHONE, NARROW),
              axe_at=(DESKTOP, PHONE), shoot_at=(DESKTOP, TABLET, PHONE),
              dark: bool = False) -> None:
        """No sideways scrolling at each width; axe at ``axe_at``; screenshots. ``dark``
        checks the state once more in the dark colour scheme."""
        if dark:
            self.check(state, widths, axe_at, shoot_at)
            self.colour_scheme("dark")
            try:
                self.check(state, (DESKTOP, PHONE), (DESKTOP,), (DESKTOP, PHONE))
            finally:
                self.colour_scheme("light")
            return
        for px in widths:
            self.width(px)
            overflow = self.scroll_overflow()
            assert overflow <= 0, f"{self.name}/{state} scrolls sideways by {overflow}px at {px}px"
            if px == PHONE:
                small = self.frame.evaluate(SMALL_TARGETS)
                assert small == [], f"{self.name}/{state}: touch targets under 44 px: {small}"
            if px in shoot_at:
                suffix = "" if self.scheme == "light" else f"-{self.scheme}"
                self.page.screenshot(path=self.shots / f"{self.name}-{state}-{px}{suffix}.png",
                                     full_page=False)
            if px in axe_at:
                found = axe_violations(self.frame) if not self.results else axe_shown(self.frame)
                self.results[f"{self.scheme}:{state}@{px}"] = summary(found)

    def violations(self) -> dict[str, list]:
        """Every run's violations (also written to test-artifacts/axe-<course>.json)."""
        (self.shots.parent / f"axe-{self.name}.json").write_text(
            json.dumps(self.results, indent=1, sort_keys=True))
        return {k: v for k, v in self.results.items() if v}


def axe_shown(frame) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations in what the learner sees: the hidden pages of
    the course (display: none, outside the accessibility tree) are left out, which halves
    the time of a run. One run per course covers the whole document."""
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return frame.evaluate("""tags => axe.run({exclude: [["section.page[hidden]"]]},
        {runOnly: {type: "tag", values: tags}}).then(r => r.violations)""", list(WCAG_TAGS))


def summary(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:3]) for v in violations]


@pytest.fixture(scope="module")
def tour(browser, packages, shots) -> Iterator[Callable[[str], Tour]]:
    players: list[Scorm12Player] = []

    def open_tour(name: str) -> Tour:
        player = Scorm12Player(browser, packages[name])
        players.append(player)
        return Tour(player, name, shots)

    yield open_tour
    for player in players:
        player.close()


@pytest.mark.browser
def test_sro_course_page_types(tour):
    course, _ = check(REPO)
    t = tour("sro")
    frame = t.frame
    assert frame.locator("section.page:not([hidden]) ul").count()
    t.check("start")                                     # course description, objectives, lists
    t.width(PHONE)
    frame.locator(".cp-menu-toggle").click()              # the menu, folded on phones
    assert frame.locator("#cp-menu").is_visible()
    t.check("menu", widths=(NARROW, PHONE), axe_at=(PHONE,), shoot_at=(PHONE,))  # 768: a sidebar
    t.page.keyboard.press("Escape")                      # Escape folds it again
    assert not frame.locator("#cp-menu").is_visible()
    t.width(DESKTOP)
    frame.locator("section.page:not([hidden]) .term-button").first.click()
    assert frame.locator("section.page:not([hidden]) .term-def:not([hidden])").count() == 1
    t.check("glossary-term-open", dark=True)
    t.goto(page_with(course, "<img"))
    frame.locator("section.page:not([hidden]) img").first.scroll_into_view_if_needed()
    t.check("content-image", dark=True)
    t.goto(page_with(course, "<table"))
    frame.locator("section.page:not([hidden]) table").first.scroll_into_view_if_needed()
    t.check("content-table")
    page_id, qid = kc_page(course)
    t.goto(page_id)
    kc = frame.locator(f".cp-question[data-q='{qid}']")
    kc.locator("input").first.check()
    kc.locator(".cp-check").click()
    assert kc.locator(".cp-feedback").is_visible()
    kc.scroll_into_view_if_needed()
    t.check("knowledge-check-feedback")
    scenario = next(a for a in course.assessments if a.branching)
    t.goto(f"pg-{scenario.id}")
    t.check("scenario-node")
    # graded scenarios hold their feedback until the ending: play to an ending, where every
    # decision is listed with its feedback
    nodes = {n.id: n for n in scenario.nodes}
    while frame.locator(f"#pg-{scenario.id} .cp-result").is_hidden():
        node = frame.locator(f"#pg-{scenario.id} .cp-node:not([hidden])")
        scores = [c.score for c in nodes[node.get_attribute("data-node")].choices]
        node.locator(f"input[value='{scores.index(max(scores))}']").check()
        node.locator(".cp-choose").click()
    assert frame.locator(f"#pg-{scenario.id} .cp-last-feedback li").count() >= 3
    t.check("scenario-feedback")
    final = course.unit(course.tracking.assessment)
    t.goto(f"pg-{final.id}")
    t.check("final-assessment", axe_at=(DESKTOP,))
    t.goto("gloss")
    t.check("glossary")
    t.goto("refs")
    t.check("references")
    t.goto("cp-complete")
    assert frame.locator(".cp-outcome").get_attribute("data-status") == "incomplete"
    t.check("result-in-progress", dark=True)
    assert t.violations() == {}
    assert [u for u in t.requests if not u.startswith(t.player.base_url)] == []
    assert t.player.errors() == []


def answer_alltypes_quiz(frame) -> None:
    """Right answers except the single-choice question: 8 of 9 points, a pass at 75%."""
    quiz = frame.locator("form.cp-quiz")

    def q(qid):
        return quiz.locator(f".cp-question[data-q='{qid}']")

    q("q-choice").locator("input[value='0']").check()          # wrong (B is right)
    q("q-multiple").locator("input[value='0']").check()
    q("q-multiple").locator("input[value='2']").check()
    q("q-tf").locator("input[value='1']").check()
    for i in range(3):
        q("q-match").locator(f"select[data-i='{i}']").select_option(str(i))
    for i in range(4):
        q("q-seq").locator(f"select[data-i='{i}']").select_option(str(i + 1))
    q("q-fill").locator("input").fill("officer")
    q("q-num").locator("input").fill("42")
    q("q-range").locator("input").fill("15")
    q("q-likert").locator("input[value='3']").check()


@pytest.mark.browser
def test_alltypes_question_types_and_results(tour):
    t = tour("alltypes")
    frame = t.frame
    t.check("lesson-knowledge-checks")
    frame.locator("#kc-kc-boil-answer").fill("99")
    frame.locator(".cp-question[data-q='kc-boil'] .cp-check").click()
    for i in range(3):
        frame.locator(f".cp-question[data-q='kc-order'] select[data-i='{i}']").select_option(
            str(i + 1))
    frame.locator(".cp-question[data-q='kc-order'] .cp-check").click()
    assert frame.locator(".cp-question[data-q='kc-order'] .cp-feedback.is-correct").is_visible()
    t.check("lesson-feedback", widths=(DESKTOP, PHONE, NARROW))
    t.goto("pg-quiz")
    t.check("quiz-every-type")
    answer_alltypes_quiz(frame)
    frame.locator(".cp-submit").click()
    assert "You passed." in frame.locator("#pg-quiz .cp-result-text").inner_text()
    t.check("quiz-feedback", dark=True)
    frame.locator("#pg-quiz .cp-question[data-q='q-choice']").scroll_into_view_if_needed()
    t.check("quiz-feedback-answer-key", widths=(DESKTOP, PHONE), axe_at=())
    t.goto("pg-scenario")
    t.check("scenario-start")
    frame.locator("#pg-scenario .cp-node:not([hidden]) input[value='1']").check()
    frame.locator("#pg-scenario .cp-node:not([hidden]) .cp-choose").click()
    assert frame.locator("#pg-scenario .cp-result").is_visible()
    t.check("scenario-ending")
    t.goto("pg-quiz")                       # the quiz's unit left the DOM: back to it
    frame.locator("#pg-quiz .cp-to-result").dispatch_event("click")
    assert frame.locator("#cp-complete").is_visible()
    assert frame.locator(".cp-outcome").get_attribute("data-status") == "passed"
    assert "89%" in frame.locator(".cp-outcome-score").inner_text()
    t.check("result-passed", dark=True)
    assert t.violations() == {}
    assert t.player.cmi()["core"]["lesson_status"] == "passed"
    assert [u for u in t.requests if not u.startswith(t.player.base_url)] == []
    assert t.player.errors() == []


# -- keyboard only ---------------------------------------------------------------------------

POINTER_SPY = """() => {
    window.__pointer = [];
    for (const type of ["pointerdown", "pointerup", "mousedown", "mouseup", "touchstart",
                        "click", "contextmenu", "wheel"]) {
        window.addEventListener(type, e => {
            /* a click that Enter or Space makes has detail 0 and no pointer type */
            if (type === "click" && e.detail === 0 && !e.pointerType) return;
            window.__pointer.push(type + " on " + (e.target && e.target.tagName));
        }, true);
    }
}"""
FOCUSED = """() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : ""; }"""


class Keyboard:
    """Drives the content frame with the keyboard alone: Tab / Shift+Tab to a control,
    then Enter, Space, arrow keys or typing."""

    def __init__(self, page, frame):
        self.page, self.frame = page, frame
        self.keys = page.keyboard

    def at(self, selector: str) -> bool:
        return self.frame.evaluate(
            "sel => !!document.activeElement && document.activeElement.matches(sel)", selector)

    def tab_to(self, selector: str, back: bool = False, limit: int = 80) -> None:
        """Tab until ``selector`` has focus; it must show a visible focus indicator."""
        seen = []
        for _ in range(limit):
            if self.at(selector):
                style = self.frame.evaluate("""() => {
                    const s = getComputedStyle(document.activeElement);
                    return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
                assert style[0] != "none" and style[1] >= 2, (selector, style)
                return
            self.keys.press("Shift+Tab" if back else "Tab")
            seen.append(self.frame.evaluate(FOCUSED))
        raise AssertionError(f"Tab never reached {selector}; focus went: {seen[-10:]}")

    def press(self, key: str) -> None:
        self.keys.press(key)

    def heading_has_focus(self) -> str:
        """The text of the visible page's h1, which must have focus."""
        assert self.at("section.page:not([hidden]) h1"), self.frame.evaluate(FOCUSED)
        return self.frame.evaluate("() => document.activeElement.textContent")

    def next_page(self) -> str:
        self.tab_to("button.cp-next")
        self.press("Enter")
        return self.heading_has_focus()

    def choose(self, fieldset: str, value: str) -> None:
        """Pick the radio with ``value`` in a group: Tab in, then arrow keys."""
        self.tab_to(f"{fieldset} input[type=radio]")
        for _ in range(12):
            if self.at(f"{fieldset} input[value='{value}']"):
                break
            self.press("ArrowDown")
        if not self.frame.locator(f"{fieldset} input[value='{value}']").is_checked():
            self.press("Space")
        assert self.frame.locator(f"{fieldset} input[value='{value}']").is_checked()

    def tick(self, fieldset: str, values: list[str]) -> None:
        for value in values:
            self.tab_to(f"{fieldset} input[value='{value}']")
            self.press("Space")

    def select(self, selector: str, value: str) -> None:
        """Set a closed <select> with the arrow keys."""
        self.tab_to(selector)
        options = self.frame.evaluate(
            "sel => [...document.querySelector(sel).options].map(o => o.value)", selector)
        current = self.frame.locator(selector).input_value()
        key = "ArrowDown" if options.index(value) > options.index(current) else "ArrowUp"
        for _ in range(len(options)):
            if self.frame.locator(selector).input_value() == value:
                return
            self.press(key)
        assert self.frame.locator(selector).input_value() == value

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.keys.type(text)


@pytest.mark.browser
def test_keyboard_only_run_through_the_alltypes_course(browser, packages):
    """Every page, every question type and the scenario with the keyboard alone; the
    learner passes, and not one pointer event fires."""
    player = Scorm12Player(browser, packages["alltypes"])
    try:
        page = player.open(LEARNER)
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        page.evaluate(POINTER_SPY)
        frame.evaluate(POINTER_SPY)
        k = Keyboard(page, frame)

        # the skip link comes first and moves focus to the page heading
        k.tab_to("a.skip-link")
        k.press("Enter")
        assert k.heading_has_focus() == "Facts"

        # knowledge checks: numeric and sequencing
        kc = ".cp-question[data-q='kc-boil']"
        k.type_into(f"{kc} input", "100")
        k.tab_to(f"{kc} .cp-check")
        k.press("Enter")
        assert frame.locator(f"{kc} .cp-feedback.is-correct").is_visible()
        frame.wait_for_function(
            "() => document.getElementById('cp-announce').textContent.includes('Correct.')")
        kc = ".cp-question[data-q='kc-order']"
        for i in range(3):
            k.select(f"{kc} select[data-i='{i}']", str(i + 1))
        k.tab_to(f"{kc} .cp-check")
        k.press("Space")
        assert frame.locator(f"{kc} .cp-feedback.is-correct").is_visible()

        # the quiz: every question type, then submit
        assert k.next_page() == "Quiz"
        frame.wait_for_function(   # progress is announced (the live region refills after 50 ms)
            "() => document.getElementById('cp-announce').textContent === "
            "'Page 2 of 3. 67% complete'")
        quiz = "form.cp-quiz .cp-question"
        k.choose(f"{quiz}[data-q='q-choice']", "1")
        k.tick(f"{quiz}[data-q='q-multiple']", ["0", "2"])
        k.choose(f"{quiz}[data-q='q-tf']", "1")
        for i in range(3):
            k.select(f"{quiz}[data-q='q-match'] select[data-i='{i}']", str(i))
        for i in range(4):
            k.select(f"{quiz}[data-q='q-seq'] select[data-i='{i}']", str(i + 1))
        k.type_into(f"{quiz}[data-q='q-fill'] input", "resource officer")
        k.type_into(f"{quiz}[data-q='q-num'] input", "42")
        k.type_into(f"{quiz}[data-q='q-range'] input", "12,5")
        k.choose(f"{quiz}[data-q='q-likert']", "4")
        k.tab_to("button.cp-submit")
        k.press("Enter")
        assert k.at("#pg-quiz .cp-result")
        assert "Your score: 100%." in frame.locator("#pg-quiz .cp-result-text").inner_text()
        frame.wait_for_function(
            "() => document.getElementById('cp-announce').textContent.includes('You passed.')")

        # the branching scenario
        assert k.next_page() == "A Decision"
        node = "#pg-scenario .cp-node[data-node='start']"
        k.choose(node, "0")
        k.tab_to(f"{node} .cp-choose")
        k.press("Enter")
        assert k.at("#pg-scenario .cp-result")
        frame.wait_for_function(
            "() => document.getElementById('cp-announce').textContent.includes('Good.')")

        # the course result, from the menu, back with Shift+Tab
        k.tab_to(".cp-tools a[href='#cp-complete']", back=True)
        k.press("Enter")
        assert k.heading_has_focus() == "Your result"
        assert frame.locator(".cp-outcome").get_attribute("data-status") == "passed"
        frame.wait_for_function(
            "() => document.getElementById('cp-announce').textContent.includes('Passed.')")

        # nothing traps focus: from the skip link, Tab reaches the footer at the end (the
        # result screen's footer has Back only)
        k.tab_to("a.skip-link", back=True)
        k.tab_to("button.cp-back")

        assert player.cmi()["core"]["lesson_status"] == "passed"
        assert player.cmi()["core"]["score"]["raw"] == "100"
        assert frame.evaluate("window.__pointer") == []
        assert page.evaluate("window.__pointer") == []
        assert player.errors() == []
    finally:
        player.close()


@pytest.mark.browser
def test_keyboard_glossary_term_menu_and_escape(browser, packages, shots):
    """A glossary term opens and closes in place; on a phone the menu opens, and Escape
    closes it with focus back on its button."""
    player = Scorm12Player(browser, packages["sro"])
    try:
        page = player.open(LEARNER)
        page.set_viewport_size({"width": PHONE, "height": HEIGHT})
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        frame.evaluate(POINTER_SPY)
        k = Keyboard(page, frame)
        k.tab_to("section.page:not([hidden]) .term-button")
        k.press("Enter")
        term = frame.locator("section.page:not([hidden]) .term-button").first
        assert term.get_attribute("aria-expanded") == "true"
        definition = frame.locator("#" + term.get_attribute("aria-controls"))
        assert definition.is_visible()
        k.press("Escape")
        assert term.get_attribute("aria-expanded") == "false" and definition.is_hidden()
        assert k.at("section.page:not([hidden]) .term-button")
        k.tab_to("button.cp-menu-toggle", back=True)
        k.press("Enter")
        assert frame.locator("#cp-menu").is_visible()
        k.tab_to(".cp-units li:nth-child(2) a")
        k.press("Escape")
        assert frame.locator("#cp-menu").is_hidden() and k.at("button.cp-menu-toggle")
        k.press("Enter")
        k.tab_to(".cp-units li:nth-child(2) a")
        k.press("Enter")                              # a menu link opens its module's page
        assert frame.locator("#cp-menu").is_hidden()
        assert k.heading_has_focus() == frame.locator(
            "section.page:not([hidden]) h1").inner_text()
        assert frame.evaluate("window.__pointer") == []
        assert player.errors() == []
    finally:
        player.close()


@pytest.mark.browser
def test_print_reduced_motion_and_large_text(browser, packages, shots):
    """Print shows the page (or the whole module) without the course's controls; reduced
    motion turns transitions off; text at 200% needs no sideways scrolling."""
    player = Scorm12Player(browser, packages["sro"])
    try:
        page = player.open(LEARNER)
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        shown = "() => [...document.querySelectorAll('section.page')]" \
                ".filter(s => getComputedStyle(s).display !== 'none').map(s => s.id)"
        page.emulate_media(media="print")
        assert frame.evaluate(shown) == ["pg-about--welcome"]
        for chrome in (".cp-header", ".cp-menu", ".cp-footer", ".cp-next"):
            assert frame.locator(chrome).is_hidden(), chrome
        assert frame.locator("#pg-about--welcome .term-button").first.is_visible()  # terms stay
        page.emulate_media(media="screen")
        assert frame.locator(".cp-print-refs").filter(visible=True).count() == 0
        frame.evaluate("window.print = () => { window.__printed = true; }")
        frame.locator(".cp-print").click()
        assert frame.evaluate("window.__printed")
        page.emulate_media(media="print")
        module = frame.evaluate(shown)
        assert module[0] == "pg-about--welcome" and len(module) > 1
        assert all(id.startswith("pg-about--") for id in module)
        # the module ends with the numbered list of the sources it cites; no popover prints
        refs = frame.locator(".cp-print-refs").filter(visible=True)
        assert refs.count() == 1 and refs.locator("li").first.get_attribute("value").isdigit()
        assert frame.locator(".cite-button").filter(visible=True).count() > 0
        page.screenshot(path=shots / "sro-print-module.png", full_page=True)
        frame.evaluate("window.dispatchEvent(new Event('afterprint'))")
        assert frame.evaluate(shown) == ["pg-about--welcome"]
        page.emulate_media(media="screen")

        bar = "() => getComputedStyle(document.querySelector('.cp-bar span')).transitionDuration"
        assert frame.evaluate(bar) == "0.3s"
        page.emulate_media(reduced_motion="reduce")
        assert frame.evaluate(bar) == "0s"

        frame.evaluate("document.documentElement.style.fontSize = '200%'")
        for px in (DESKTOP, DESKTOP // 2):          # 200% of 1280 px is 640 px of room
            page.set_viewport_size({"width": px, "height": HEIGHT})
            for dom_id in ("pg-about--welcome", "pg-what-is-an-sro--sro-vs-guard", "cp-complete"):
                go_to(frame, dom_id)
                overflow = frame.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (px, dom_id, overflow)
        page.screenshot(path=shots / "sro-text-200-percent-640.png")
        assert player.errors() == []
    finally:
        player.close()


@pytest.mark.browser
def test_result_screen_states_a_failed_course(tour):
    """The minimal course (2 attempts): a failed attempt sends the learner back to the quiz;
    when the attempts are used up, the result says so."""
    t = tour("minimal")
    frame = t.frame
    t.goto("pg-quiz")

    def fail() -> None:
        frame.locator("input[name='quiz-q-first'][value='1']").check()
        frame.locator("input[name='quiz-q-both'][value='2']").check()
        frame.locator("input[name='quiz-q-true'][value='1']").check()
        frame.locator(".cp-submit").click()

    fail()
    frame.locator("#pg-quiz .cp-to-result").click()
    outcome = frame.locator(".cp-outcome")
    assert outcome.get_attribute("data-status") == "failed"
    assert [line for line in outcome.inner_text().split("\n") if line] == [
        "Not passed", "You can take the assessment again.",
        "Your score: 0%. The pass mark is 80%."]
    assert frame.locator(".cp-fact-status").inner_text() == "Course status: not passed yet."
    frame.wait_for_function("() => document.getElementById('cp-announce').textContent === "
                            "'Not passed. You can take the assessment again. Your score: 0%. "
                            "The pass mark is 80%.'")
    t.check("result-failed", widths=(DESKTOP, PHONE))
    frame.locator(".cp-outcome-next a", has_text="Go to the assessment: Final Quiz").click()
    frame.locator("#pg-quiz .cp-retry").click()
    fail()
    t.goto("cp-complete")
    assert frame.locator(".cp-outcome-summary").inner_text() == "You have used all your attempts."
    assert frame.locator(".cp-outcome-next").is_hidden()
    assert t.violations() == {}
    assert t.player.cmi()["core"]["lesson_status"] == "failed"
    assert t.player.errors() == []


# -- every page and state, every display mode -------------------------------------------------

#: every page of the course laid out at once, one under the other: the sections are siblings
#: in <main> with the same width and styles, so each lays out as when it is shown alone, and
#: one measurement (or one axe run) covers all of them
SHOW_ALL = "section.page[hidden] { display: block !important; }"
#: WCAG 2.1 1.4.12 Text Spacing: the values a learner's style sheet may set
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: .12em !important; "
                "word-spacing: .16em !important; } p { margin-bottom: 2em !important; }")
STYLE = """([id, css]) => {
    let s = document.getElementById(id);
    if (!s) { s = document.createElement("style"); s.id = id; document.head.appendChild(s); }
    s.textContent = css;
}"""
#: how far the page scrolls sideways, and the elements that stick out (none inside a table's
#: own scroll box, unless positioned out of it)
OVERFLOW = """() => {
    const W = window.innerWidth;
    const over = document.documentElement.scrollWidth - W;
    if (over <= 0) return null;
    const out = [...document.querySelectorAll("body *")].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > W + 1 && (!e.parentElement.closest(".cp-table") ||
               getComputedStyle(e).position === "absolute");
    });
    return {over, culprits: out.slice(-5).map(e => ((e.closest("section.page") || {}).id || "")
                                             + ": " + e.outerHTML.slice(0, 100))};
}"""
#: the screen shown: its title, footer and print button
LOOK = """() => {
    const s = document.querySelector("section.page:not([hidden])");
    return {id: s.id, title: document.title,
        h1: s.querySelector("h1").textContent, info: document.querySelector(".cp-pageinfo").textContent,
        next: !document.querySelector(".cp-next").hidden, nextOff: document.querySelector(".cp-next").disabled,
        print: !document.querySelector(".cp-print").closest("li").hidden};
}"""
#: the screens outside the page flow (result, glossary, references)
AUX = """() => [...document.querySelectorAll("section.page:not([data-page])")].map(s => s.id)"""
#: put the course in its answered state: every question answered (first option, a match
#: and a position each, "1" typed), every knowledge check checked, every quiz submitted and
#: every scenario one decision further
ANSWER_ALL = """() => {
    for (const fs of document.querySelectorAll("fieldset.cp-question")) {
        const radio = fs.querySelector("input[type=radio]");
        if (radio) radio.checked = true;
        const box = fs.querySelector("input[type=checkbox]");
        if (box) box.checked = true;
        fs.querySelectorAll("select").forEach((s, k) => {
            s.value = s.options[(k % (s.options.length - 1)) + 1].value; });
        fs.querySelectorAll("input[type=text]").forEach(i => { i.value = "1"; });
    }
    document.querySelectorAll(".cp-check").forEach(b => b.click());
    document.querySelectorAll("form.cp-quiz").forEach(f => f.requestSubmit());
    document.querySelectorAll(".cp-node:not([hidden]) .cp-choose").forEach(b => b.click());
}"""
OPEN_POPOVERS = """() => document.querySelectorAll(".pop-button").forEach(b => {
    b.setAttribute("aria-expanded", "true");
    document.getElementById(b.getAttribute("aria-controls")).hidden = false; })"""
MODES = ("light", "dark", "forced")
#: per display mode (dark, forced), the pages of the DOM whose layout one of the mode's own
#: style rules changes: rules that set more than colours (paint-only properties, and
#: custom properties holding a colour, are left out), matched against the elements laid
#: out now (every element, for rules that set what is shown: display, visibility,
#: content). A style sheet that cannot be read or a selector that cannot be matched takes
#: every page.
MODE_LAYOUT_PAGES = """() => {
    const PAINT = /^(color|background-(color|image|position.*|repeat.*|size|attachment|origin|clip)|border-(top|right|bottom|left)-color|outline-.*|box-shadow|text-shadow|fill|stroke|forced-color-adjust|color-scheme|accent-color|caret-color|text-decoration-.*|opacity|filter|-webkit-text-fill-color)$/;
    const SHOWN = /^(display|visibility|content)$/;
    const MODES = {dark: /prefers-color-scheme:\\s*dark/, forced: /forced-colors:\\s*active/};
    const pages = [...document.querySelectorAll("#main section.page")];
    const hit = {dark: new Set(), forced: new Set()};
    const visit = (rules, modes) => {
        for (const r of rules) {
            if (r.media && r.cssRules) {
                visit(r.cssRules, modes.concat(Object.keys(MODES).filter(m => MODES[m].test(r.media.mediaText))));
                continue;
            }
            if (r.cssRules && !r.style) { visit(r.cssRules, modes); continue; }
            if (!modes.length || !r.style) continue;
            const layout = [...r.style].filter(p => p.startsWith("--")
                ? !CSS.supports("color", r.style.getPropertyValue(p).trim()) : !PAINT.test(p));
            if (!layout.length) continue;
            const any = layout.some(p => SHOWN.test(p));
            const sel = r.selectorText.replace(/::?(before|after|marker|placeholder|first-line|first-letter)/g, "");
            for (const s of pages) {
                let matched = true;
                try {
                    matched = [s, ...s.querySelectorAll(sel)].some(e => e.matches(sel)
                        && (any || e.getClientRects().length > 0));
                } catch (e) { /* every page */ }
                if (matched) modes.forEach(m => hit[m].add(s.id));
            }
        }
    };
    for (const sheet of document.styleSheets) {
        try { visit(sheet.cssRules, []); }
        catch (e) { pages.forEach(s => { hit.dark.add(s.id); hit.forced.add(s.id); }); }
    }
    return {dark: [...hit.dark], forced: [...hit.forced]};
}"""


def axe_everything(frame, within: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations in the whole document (every page shown), or
    in the elements ``within`` selects."""
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return frame.evaluate("""([tags, within]) => axe.run(within ? {include: within.map(s => [s])}
        : document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
        .then(r => r.violations)""", [list(WCAG_TAGS), within])


def show_only(ids: list[str]) -> str:
    """SHOW_ALL for these pages only."""
    if not ids:
        return ""
    return ("section.page[hidden]:is(" + ", ".join(f"#{i}" for i in ids)
            + ") { display: block !important; }")


class Walk:
    """One course in the player: its screens walked one by one, then its layout checked
    with every page shown, in each display mode, width and text spacing."""

    def __init__(self, tour: Tour):
        self.t = tour
        self.frame = tour.frame
        self.problems: list[str] = []
        self.in_modes: set[str] = set()   # the pages checked in the dark and forced modes

    def mode(self, name: str) -> None:
        self.t.page.emulate_media(color_scheme="dark" if name == "dark" else "light",
                                  forced_colors="active" if name == "forced" else "none")

    def screens(self) -> list[dict]:
        """Every screen in turn, as the learner reaches it (a page's unit loads first)."""
        seen = []
        for i in range(self.frame.evaluate("window.CoursepackData.pageCount")):
            self.frame.evaluate("i => window.coursepack.show(i, true)", i)
            self.frame.locator(f"section.page[data-page='{i}']").wait_for(state="visible")
            seen.append(self.frame.evaluate(LOOK))
        for dom_id in self.frame.evaluate(AUX):
            go_to(self.frame, dom_id)
            seen.append(self.frame.evaluate(LOOK))
        course = self.frame.evaluate("window.CoursepackData.title")
        total = sum(1 for s in seen if s["id"].startswith("pg-"))
        for n, s in enumerate(seen):
            want = f"{s['h1']} \u2013 {course}"
            if s["title"] != want:
                self.problems.append(f"{s['id']}: document.title {s['title']!r}, not {want!r}")
            if n < total:
                expected = (f"Page {n + 1} of {total}", True, True)
            else:   # the result, glossary and references: their own footer, nothing to print
                expected = (s["h1"], False, False)
            if (s["info"], s["next"], s["print"]) != expected:
                self.problems.append(f"{s['id']}: footer/print {s['info']!r} next={s['next']} "
                                     f"print={s['print']}, expected {expected}")
        return seen

    def layout(self, state: str, axe_at=(("light", DESKTOP), ("dark", NARROW)),
               within: list[str] | None = None, few: list[str] | None = None) -> None:
        """``few``: the pages (DOM ids) to check in the dark and forced-colours modes,
        which lay out as the light mode but for their own rules (MODE_LAYOUT_PAGES); the
        light mode checks every page (and the page shown is checked in every mode)."""
        try:
            changed: dict[str, list[str]] = {}
            for mode in MODES:
                if mode == "light" or few is None:
                    self.frame.evaluate(STYLE, ["cp-test-all", SHOW_ALL])
                else:
                    ids = sorted(set(few + changed[mode]))
                    self.frame.evaluate(STYLE, ["cp-test-all", show_only(ids)])
                    there = self.frame.evaluate("ids => ids.filter(i => document.getElementById(i))",
                                                ids)
                    if there != ids:
                        self.problems.append(f"{state} {mode}: pages not in the DOM: "
                                             f"{sorted(set(ids) - set(there))}")
                self.mode(mode)
                if mode == "light" and few is not None:    # every page laid out, light
                    changed = self.frame.evaluate(MODE_LAYOUT_PAGES)
                    self.in_modes.update(few + changed["dark"] + changed["forced"])
                for px in (DESKTOP, NARROW):
                    self.t.width(px)
                    for spacing in (False, True):
                        self.frame.evaluate(STYLE, ["cp-test-spacing",
                                                    TEXT_SPACING if spacing else ""])
                        found = self.frame.evaluate(OVERFLOW)
                        if found:
                            self.problems.append(
                                f"{state} {mode} {px}px{' text-spacing' if spacing else ''}: "
                                f"scrolls sideways by {found['over']}px: {found['culprits']}")
                    self.frame.evaluate(STYLE, ["cp-test-spacing", ""])
                    if (mode, px) in axe_at:
                        for v in summary(axe_everything(self.frame, within)):
                            self.problems.append(f"{state} {mode} {px}px axe: {v}")
        finally:
            self.mode("light")
            self.t.width(DESKTOP)
            self.frame.evaluate(STYLE, ["cp-test-all", ""])

    def units(self) -> Iterator[int]:
        """Show the units two at a time (the DOM holds the unit shown and the next one):
        yields the first of each pair once both are in the DOM."""
        starts = self.frame.evaluate("window.CoursepackData.units.map(u => u.first)")
        for u in range(0, len(starts), 2):
            self.frame.evaluate("i => window.coursepack.show(i, false)", starts[u])
            for v in range(u, min(u + 2, len(starts))):
                self.frame.locator(f"#main > .cp-pages[data-unit='{v}']").wait_for(
                    state="attached")
            yield u

    def said_once(self) -> int:
        """No feedback says the verdict twice; scenario feedback repeats the choice made.
        Returns how many feedback boxes are shown."""
        texts = self.frame.evaluate("""() => [...document.querySelectorAll(
            ".cp-feedback:not([hidden]), .cp-last-feedback:not([hidden])")]
            .map(e => [e.className, e.textContent.replace(/\\s+/g, " ").trim()])""")
        for cls, text in texts:
            for verdict in ("Correct.", "Not quite."):
                if text.count(verdict) > 1:
                    self.problems.append(f"said twice: {text[:80]!r}")
            if "cp-last-feedback" in cls and not text.startswith("You chose: "):
                self.problems.append(f"scenario feedback without the choice: {text[:80]!r}")
        return len(texts)


@pytest.mark.browser
@pytest.mark.parametrize("name", ["sro", "alltypes"])
def test_every_page_and_state_in_every_display_mode(tour, packages, name):
    """Each screen sets its title and footer; every page, fresh and answered, with every
    popover open and with the menu open, reflows at 320 px with and without text spacing
    in the light mode. The dark and forced-colours modes differ from it in colours, and in
    layout only where their own style rules say so: in them the same checks run on every
    page such a rule reaches, and on pages that between them hold every kind of element
    the course's pages hold (tests/support/pagetypes.py), in each state. axe checks the
    answered state (every page with its feedback and results: a superset of the fresh one)
    light at 1280 px on every page and dark at 320 px on those pages, and the open menu at
    320 px."""
    walk = Walk(tour(name))
    frame = walk.frame
    walk.screens()
    picked = representatives(packages[name])
    assert sum(map(len, picked.values())) >= 3, picked
    shown = 0
    for u in walk.units():     # every page of two units at once, as the DOM holds them
        few = picked.get(u, []) + picked.get(u + 1, [])
        walk.layout(f"unit {u}+ fresh", axe_at=(), few=few)
        frame.evaluate(ANSWER_ALL)
        shown += walk.said_once()
        walk.layout(f"unit {u}+ answered", few=few)
        frame.evaluate(OPEN_POPOVERS)
        walk.layout(f"unit {u}+ popovers-open", axe_at=(), few=few)
    assert shown, "no feedback shown"
    # every picked page was in the DOM with its pair, and so checked in every mode
    assert {p for ids in picked.values() for p in ids} <= walk.in_modes
    frame.evaluate("() => window.coursepack.show(0, false)")
    frame.locator("section.page[data-page='0']").wait_for(state="visible")
    walk.t.width(NARROW)
    frame.locator(".cp-menu-toggle").click()
    walk.layout("menu-open", axe_at=(("light", NARROW),), within=[".cp-header", "#cp-menu"])
    assert walk.problems == []
    assert walk.t.player.errors() == []
