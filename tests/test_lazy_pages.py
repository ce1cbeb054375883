"""Pages loaded per unit on demand (issue 18): a 2,000-page course under scorm-again and
from a folder. The launch page is a shell; each unit's pages arrive as a script
(content/u<N>.js) when the learner goes there, and the DOM holds the current unit and the
next one, never the course."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from builder.build import build
from builder.chunks import DATA_PREFIX, read_data
from tests.support.lms import Scorm12Player, serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synth  # noqa: E402

pytestmark = pytest.mark.browser

MODULES, PAGES = 200, 10        # 2,000 pages and the quiz's
#: page 1,999 (index 1,998): module m200's ninth page, which holds a knowledge check
#: (five per module, on pages 1, 3, 5, 7 and 9)
LAST_KC_PAGE = 1998
LAST_KC_ID = "pg-m200--p9"

VISIBLE = "section.page:not([hidden])"
#: the units in the DOM (the glossary and references screens aside)
UNITS_IN_DOM = """() => [...document.querySelectorAll('#main > .cp-pages')]
  .map(el => el.dataset.unit).filter(u => u !== 'extras').map(Number)"""


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict[str, Path]:
    root = synth.make_course(tmp_path_factory.mktemp("big") / "course", MODULES, PAGES, 10,
                             kc_per_module=5, mix="choice")
    result = build(root, ("scorm12", "web"), out=root.parent / "dist")
    out = {p.stem.rsplit("-", 1)[1]: p for p in result.written}
    out["web-folder"] = result.folders[0]
    return out


def units_in_dom(frame, expected: list[int]) -> list[int]:
    """The units in the DOM once ``expected`` are (the next unit arrives after the page
    shows, ahead of the learner), or what is there after 10 s."""
    try:
        frame.wait_for_function(f"() => ({UNITS_IN_DOM})().sort((a, b) => a - b).join() === "
                                f"'{','.join(map(str, expected))}'", timeout=10_000)
    except Exception:  # noqa: BLE001 - the assertion that follows says what is there
        pass
    return sorted(frame.evaluate(UNITS_IN_DOM))


def visible(frame) -> str:
    return frame.locator(VISIBLE).get_attribute("id")


#: the menu of 201 units lists them in groups of 20 (cp-pages.js); one group is open
GROUP = 20


def menu_to(frame, unit: int) -> None:
    """Open the menu group that holds ``unit`` (unless it is open) and follow its entry."""
    toggle = frame.locator(f"button[aria-controls='cp-group-{unit // GROUP}']")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    frame.locator(f".cp-menu li[data-unit='{unit}'] a").click()


def test_the_launch_page_is_a_small_shell(big):
    with zipfile.ZipFile(big["scorm12"]) as zf:
        shell = zf.read("index.html")
        data = zf.read("content/course.js")
        units = [n for n in zf.namelist() if n.startswith("content/u")]
    assert len(shell) < 100_000 and b"pg-m2--p1" not in shell   # no page in it
    assert len(units) == MODULES + 1                            # the modules and the quiz
    # the course data, as the browser gets it from JSON.parse (chunks.DATA_PREFIX)
    assert data.startswith(DATA_PREFIX.encode()) and data.endswith(b"');\n")
    text = json.dumps(read_data(data.decode()))
    assert '"pg-m200--p1"' in text and '"pg-m200--p9"' not in text  # no per-page list
    # a quiz question's answer-time data (interaction id, pattern) is in the quiz's file
    with zipfile.ZipFile(big["scorm12"]) as zf:
        quiz = zf.read(f"content/u{MODULES}.js")
    assert '"q-1"' in text and '"quiz_q-1"' not in text and b'"iid":"quiz_q-1"' in quiz


def test_resume_on_page_1999_menu_jump_and_print(browser, big):
    with Scorm12Player(browser, big["scorm12"]) as player:
        page = player.open(preload={"core": {"student_id": "s1", "student_name": "L, A"}})
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        assert visible(frame) == "pg-m1--p1"
        assert units_in_dom(frame, [0, 1]) == [0, 1]          # this unit and the next
        # the menu draws the groups and the entries of the open one, not 201 entries
        assert frame.locator(".cp-menu .cp-group").count() == -(-(MODULES + 1) // GROUP)
        assert frame.locator(".cp-menu li[data-unit]").count() == GROUP

        # the menu jumps to a module that is not loaded
        assert frame.locator("#pg-m151--p1").count() == 0
        menu_to(frame, 150)
        frame.locator("#pg-m151--p1:not([hidden])").wait_for()
        assert visible(frame) == "pg-m151--p1"
        assert units_in_dom(frame, [150, 151]) == [150, 151]
        frame.locator(".cp-back").click()                      # back into the unit before
        assert visible(frame) == "pg-m150--p10"
        assert units_in_dom(frame, [149, 150]) == [149, 150]

        # to page 1,999: module 200 from the menu, then Next
        menu_to(frame, 199)
        frame.locator("#pg-m200--p1:not([hidden])").wait_for()
        for _ in range(8):
            frame.locator(".cp-next").click()
        assert visible(frame) == LAST_KC_ID
        assert frame.evaluate("window.coursepack.state.page") == LAST_KC_PAGE
        kc = frame.locator(f"#{LAST_KC_ID} .cp-question[data-kind='kc']")
        kc.locator("input[value='2']").check()
        kc.locator(".cp-check").click()
        assert kc.locator(".cp-feedback").is_visible()

        # print the module: every page of it is in the DOM and shown for print
        frame.evaluate("window.print = () => { window.__printed = true; }")
        frame.locator(".cp-print").click()
        assert frame.evaluate("window.__printed")
        page.emulate_media(media="print")
        printed = frame.evaluate("""() => [...document.querySelectorAll('section.page')]
          .filter(s => getComputedStyle(s).display !== 'none').map(s => s.id)""")
        assert printed == [f"pg-m200--p{n}" for n in range(1, PAGES + 1)]
        page.emulate_media(media="screen")
        frame.evaluate("window.dispatchEvent(new Event('afterprint'))")

        assert player.cmi()["core"]["lesson_location"] == "m200/p9"
        player.close_page()
        assert player.errors() == []

        # resume: lands on page 1,999 with its answer
        player.open(player.resume_preload())
        frame = player.frame
        frame.wait_for_selector("html[data-cp-ready]")
        assert visible(frame) == LAST_KC_ID
        kc = frame.locator(f"#{LAST_KC_ID} .cp-question[data-kind='kc']")
        assert kc.locator("input[value='2']").is_checked()
        assert kc.locator(".cp-feedback").is_visible()
        assert units_in_dom(frame, [199, 200]) == [199, 200]
        visited = frame.evaluate("window.coursepack.state.visited")
        assert visited[LAST_KC_PAGE] and visited[1500] and not visited[1000]
        assert player.errors() == []


def walk(page) -> list[str]:
    """Across units: Next over a unit boundary, the menu to a unit far away, Back."""
    page.wait_for_selector("html[data-cp-ready]")
    seen = [visible(page)]
    for _ in range(PAGES):
        page.locator(".cp-next").click()
    seen.append(visible(page))
    menu_to(page, 120)
    page.locator("#pg-m121--p1:not([hidden])").wait_for()
    seen.append(visible(page))
    page.locator(".cp-back").click()
    seen.append(visible(page))
    page.locator("a[href='#gloss']").click()
    page.locator("#gloss:not([hidden])").wait_for()
    seen.append(visible(page))
    return seen


WALK = ["pg-m1--p1", "pg-m2--p1", "pg-m121--p1", "pg-m120--p10", "gloss"]


def test_web_build_from_a_folder(browser, big):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.add_init_script(COUNT_UNITS)
    page.goto((big["web-folder"] / "index.html").as_uri())
    assert walk(page) == WALK
    assert errors == [] and all(r.startswith("file://") for r in requests)
    assert any(r.endswith("/content/u120.js") for r in requests)
    assert launched_once(page, requests)
    context.close()


#: records each unit file's run (the units it registers with cp-pages.js)
COUNT_UNITS = """Object.defineProperty(window, "coursepackUnit", {configurable: true,
  get() { return this.__cpUnit; },
  set(fn) { this.__cpUnit = function (u) { (window.__cpRuns = window.__cpRuns || []).push(u);
                                           return fn.apply(this, arguments); }; }});"""


def launched_once(page, urls: list[str]) -> bool:
    """The launch's scripts ran once each: the course data and the runtime (one file) were
    requested once, and the first unit's file ran once: the runtime asks for the first unit
    before that deferred script (after the runtime's) has run, and waits for it rather than
    loading it again (cp-pages.js). Needs COUNT_UNITS as an init script."""
    requested = [sum(u.split("?")[0].endswith("/" + name) for u in urls)
                 for name in ("content/course.js", "static/cp-runtime.js")]
    runs = page.evaluate("window.__cpRuns")
    assert requested == [1, 1] and runs.count(0) == 1, (requested, runs)
    return True


def test_web_build_from_a_server(browser, big):
    with serve({"/": big["web-folder"]}) as base:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.add_init_script(COUNT_UNITS)
        page.goto(base + "/index.html")
        assert walk(page) == WALK
        assert errors == []
        assert launched_once(page, requests)
        context.close()


def test_first_unit_that_fails_to_load_says_so(browser, big):
    """The launch page's own script of the first unit fails (the runtime waits for that
    script rather than requesting the file again): the learner is told, nothing hangs."""
    with serve({"/": big["web-folder"]}) as base:
        context = browser.new_context()
        page = context.new_page()
        page.route("**/content/u0.js", lambda route: route.abort())
        page.goto(base + "/index.html")
        page.wait_for_selector("html[data-cp-ready]")
        notice = page.locator(".cp-notice")
        notice.wait_for(state="visible")
        assert "could not be loaded" in notice.inner_text()
        context.close()


#: records each parse of the quiz questions' string (content/course.js, chunks.QUESTIONS_JOIN):
#: whether a page was shown by then, and whether the course had said it was ready
WATCH_PARSE = """(() => {
  const parse = JSON.parse;
  window.__questionParses = [];
  JSON.parse = function (text) {
    if (typeof text === 'string' && text.startsWith('[[{'))
      window.__questionParses.push({shown: !!document.querySelector("section.page:not([hidden])"),
                                    ready: document.documentElement.hasAttribute('data-cp-ready')});
    return parse.apply(this, arguments);
  };
})();"""


def test_questions_are_read_after_the_first_page_shows(browser, big):
    """A fresh start shows the first page without the quiz questions' definitions (most of
    the course data at 10,000 pages): they are parsed once, by the first save, which comes
    after the page has painted and before the course says it is ready; the save is made."""
    with serve({"/": big["web-folder"]}) as base:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(WATCH_PARSE)
        page.goto(base + "/index.html")
        page.wait_for_selector("html[data-cp-ready]", state="attached")
        assert page.evaluate("window.__questionParses") == [{"shown": True, "ready": False}]
        saved = page.evaluate("Object.keys(localStorage).map(k => JSON.parse(localStorage.getItem(k)))")
        assert len(saved) == 1 and saved[0]["suspend"].startswith("2|"), saved
        assert visible(page) == "pg-m1--p1"
        assert errors == []
        context.close()
