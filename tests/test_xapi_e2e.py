"""xAPI and cmi5 end to end: the packages in Chromium, launched with real launch
parameters, tracked by Ralph (a real LRS) behind a proxy that adds the State API (Ralph
has none: that endpoint is a test double, see tests/support/lrs.py) and injects faults."""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from builder.cli import cli
from tests.conftest import FIXTURES
from tests.support.buildcache import built
from tests.support.lms import safe_extract, serve
from tests.support.lrs import check_cmi5_session, check_xapi_statement, new_actor
from tests.support.site import go_to

pytestmark = pytest.mark.browser
COURSE = "urn:coursepack:minimal-course"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("xapi")
    out = {}
    for target, zip_path in built(tmp_path_factory, FIXTURES / "minimal",
                                  ("xapi", "cmi5")).items():
        site = root / f"site-{target}"
        safe_extract(zip_path, site)
        out[target] = site
    return out


def verbs(statements: list[dict]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def open_course(browser, url: str):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("html[data-cp-ready]")
    return context, page, errors


def outbox_empty(page, timeout: float = 10) -> None:
    page.wait_for_function("""() => Object.keys(localStorage)
        .filter(k => k.startsWith('coursepack-outbox:'))
        .every(k => JSON.parse(localStorage.getItem(k)).length === 0)""", timeout=timeout * 1000)


def learner_passes(page) -> None:
    page.locator(".cp-next").click()
    page.locator("input[name='kc-kc-first'][value='0']").check()
    page.locator(".cp-question[data-q='kc-first'] .cp-check").click()
    for _ in range(3):
        page.locator(".cp-next").click()
    page.locator("input[name='quiz-q-first'][value='0']").check()
    page.locator("input[name='quiz-q-both'][value='0']").check()
    page.locator("input[name='quiz-q-both'][value='1']").check()
    page.locator("input[name='quiz-q-true'][value='0']").check()
    page.locator(".cp-submit").click()


def wait_for_statements(ralph, actor, count: int, timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = ralph.statements(agent=actor)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def tincan_url(base: str, proxy, actor: dict, registration: str) -> str:
    query = urllib.parse.urlencode({
        "endpoint": proxy.endpoint, "auth": proxy.auth_header, "actor": json.dumps(actor),
        "registration": registration, "activity_id": COURSE})
    return f"{base}/index.html?{query}"


EXPECTED_PASS = [
    "initialized",
    "experienced", "progressed",                       # welcome (20%)
    "experienced", "progressed", "answered",           # first idea + knowledge check
    "experienced", "progressed",                       # second idea
    "experienced", "progressed",                       # summary
    "experienced", "progressed", "completed",          # quiz page: every page seen
    "answered", "answered", "answered", "scored", "passed",
    "terminated",
]


def test_tincan_launch_statements_in_ralph(browser, packages, lrs_proxy, ralph):
    actor = new_actor()
    registration = str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        context, page, errors = open_course(browser, tincan_url(base, lrs_proxy, actor,
                                                                 registration))
        learner_passes(page)
        page.locator(".cp-exit").click()
        outbox_empty(page)
        context.close()
    statements = wait_for_statements(ralph, actor, len(EXPECTED_PASS))
    assert verbs(statements) == EXPECTED_PASS
    for s in statements:
        assert check_xapi_statement(s, registration=registration) == [], s
        assert s["context"]["registration"] == registration
        if s["object"]["id"] != COURSE:
            assert {"id": COURSE} in s["context"]["contextActivities"]["grouping"]
    passed = statements[verbs(statements).index("passed")]
    assert passed["result"]["success"] is True
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    answered = [s for s in statements if s["verb"]["id"].endswith("answered")]
    multiple = next(s for s in answered if s["object"]["id"].endswith("/q-both"))
    definition = multiple["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["a[,]b"]
    assert [c["id"] for c in definition["choices"]] == ["a", "b", "c"]
    assert multiple["result"]["response"] == "a[,]b"
    assert multiple["result"]["success"] is True
    assert multiple["context"]["contextActivities"]["parent"] == [{"id": COURSE + "/quiz"}]
    ids = [s["id"] for s in statements]
    assert len(set(ids)) == len(ids)
    assert errors == []


def test_state_api_resume(browser, packages, lrs_proxy, ralph):
    actor = new_actor()
    registration = str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        url = tincan_url(base, lrs_proxy, actor, registration)
        context, page, _ = open_course(browser, url)
        page.locator(".cp-next").click()
        page.locator("input[name='kc-kc-first'][value='1']").check()
        page.locator(".cp-question[data-q='kc-first'] .cp-check").click()
        page.locator(".cp-next").click()
        outbox_empty(page)
        context.close()          # closed without "Save and exit": pagehide saves the state
        doc = lrs_proxy.get_state(COURSE, actor, registration, "coursepack-state")
        assert doc["location"] == "basics/second-idea"
        context, page, errors = open_course(browser, url)   # a fresh browser: no localStorage
        assert page.locator("section.page:not([hidden])").get_attribute("id") == (
            "pg-basics--second-idea")
        go_to(page, "pg-intro--first-idea")       # the answer's page, in the unit before
        assert page.locator("input[name='kc-kc-first'][value='1']").is_checked()
        page.locator(".cp-exit").click()
        outbox_empty(page)
        context.close()
    got = verbs(wait_for_statements(ralph, actor, 100, timeout=2))
    assert got.count("initialized") == 2 and got.count("resumed") == 1
    assert got.count("suspended") >= 1 and got[-1] == "terminated"
    assert errors == []


def test_lrs_down_then_back_every_statement_once(browser, packages, lrs_proxy, ralph):
    actor = new_actor()
    registration = str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        context, page, errors = open_course(browser, tincan_url(base, lrs_proxy, actor,
                                                                 registration))
        lrs_proxy.down = True                      # the LRS goes away mid-course
        learner_passes(page)
        page.wait_for_function("document.querySelector('.cp-notice').textContent.length > 0")
        assert "could not be saved" in page.locator(".cp-notice").inner_text()
        lrs_proxy.down = False                     # and comes back
        outbox_empty(page, timeout=40)             # the backoff retries deliver everything
        assert page.locator(".cp-notice").inner_text() == ""
        lrs_proxy.fail_next(1)                     # one more hiccup on the way out
        page.locator(".cp-exit").click()
        outbox_empty(page, timeout=40)
        context.close()
    statements = wait_for_statements(ralph, actor, len(EXPECTED_PASS))
    assert verbs(statements) == EXPECTED_PASS
    ids = [s["id"] for s in statements]
    assert len(set(ids)) == len(ids)               # none twice
    refused = [r for r in lrs_proxy.statement_requests("POST") if r["status"] == 503]
    assert refused                                 # the faults really happened
    assert errors == []


def cmi5_url(base, launcher, actor, registration, au, **kwargs):
    url, session = launcher.launch_url(f"{base}/index.html", actor=actor,
                                       registration=registration, activity_id=au, **kwargs)
    return url, session


def test_cmi5_session_follows_the_rules(browser, packages, cmi5_launcher, lrs_proxy, ralph):
    actor = new_actor()
    registration = str(uuid.uuid4())
    au = f"https://lms.example.org/au/{uuid.uuid4()}"
    with serve({"/": packages["cmi5"]}) as base:
        url, session = cmi5_url(base, cmi5_launcher, actor, registration, au,
                                mastery_score=0.8, return_url=base + "/returned.html")
        context, page, errors = open_course(browser, url)
        learner_passes(page)
        page.locator(".cp-exit").click()
        page.wait_for_url("**/returned.html", timeout=10000)   # returnURL honoured
        context.close()
    statements = wait_for_statements(ralph, actor, 20)
    ours = [s for s in statements if not s["verb"]["id"].endswith("launched")]
    assert check_cmi5_session(statements, session_id=session, registration=registration,
                              activity_id=au, actor=actor, mastery_score=0.8) == []
    assert verbs(ours)[0] == "initialized" and verbs(ours)[-1] == "terminated"
    completed = next(s for s in ours if s["verb"]["id"].endswith("completed"))
    assert "score" not in completed["result"]
    assert lrs_proxy.fetches and set(lrs_proxy.fetches.values()) == {1}   # token fetched once
    assert errors == []


def test_cmi5_mastery_score_from_launch_data(browser, packages, cmi5_launcher, ralph):
    """The LMS's masteryScore (0.5) decides, not the course's 80%: 67% passes."""
    actor = new_actor()
    registration = str(uuid.uuid4())
    au = f"https://lms.example.org/au/{uuid.uuid4()}"
    with serve({"/": packages["cmi5"]}) as base:
        url, session = cmi5_url(base, cmi5_launcher, actor, registration, au,
                                mastery_score=0.5)
        context, page, errors = open_course(browser, url)
        page.locator(".cp-menu a", has_text="Final Quiz").click()
        page.locator("input[name='quiz-q-first'][value='0']").check()
        page.locator("input[name='quiz-q-both'][value='2']").check()     # wrong
        page.locator("input[name='quiz-q-true'][value='0']").check()
        page.locator(".cp-submit").click()
        assert "Your score: 67%." in page.locator("#pg-quiz .cp-result-text").inner_text()
        assert "You passed." in page.locator("#pg-quiz .cp-result-text").inner_text()
        page.locator(".cp-exit").click()
        outbox_empty(page)
        context.close()
    statements = wait_for_statements(ralph, actor, 10)
    passed = next(s for s in statements if s["verb"]["id"].endswith("passed"))
    assert passed["result"]["score"]["scaled"] == 0.67
    assert passed["context"]["extensions"][
        "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == 0.5
    assert check_cmi5_session(statements, session_id=session, registration=registration,
                              activity_id=au, actor=actor, mastery_score=0.5) == []


def test_cmi5_browse_mode_judges_nothing(browser, packages, cmi5_launcher, ralph):
    actor = new_actor()
    registration = str(uuid.uuid4())
    au = f"https://lms.example.org/au/{uuid.uuid4()}"
    with serve({"/": packages["cmi5"]}) as base:
        url, session = cmi5_url(base, cmi5_launcher, actor, registration, au,
                                launch_mode="Browse")
        context, page, errors = open_course(browser, url)
        learner_passes(page)
        page.locator(".cp-exit").click()
        outbox_empty(page)
        context.close()
    statements = wait_for_statements(ralph, actor, 5)
    got = set(verbs(statements))
    assert not got & {"completed", "passed", "failed"}
    assert check_cmi5_session(statements, session_id=session, registration=registration,
                              activity_id=au, actor=actor, launch_mode="Browse") == []


def test_report_reads_ralph(browser, packages, lrs_proxy, ralph, runner):
    actor = new_actor()
    registration = str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        context, page, _ = open_course(browser, tincan_url(base, lrs_proxy, actor,
                                                            registration))
        learner_passes(page)
        page.locator(".cp-exit").click()
        outbox_empty(page)
        context.close()
    wait_for_statements(ralph, actor, len(EXPECTED_PASS))
    args = ["report", "--endpoint", ralph.endpoint, "--user", ralph.username,
            "--password", ralph.password, "--course-id", COURSE]
    result = runner.invoke(cli, args + ["--format", "csv"])
    assert result.exit_code == 0, result.output
    import csv
    import io

    name = f"{actor['account']['name']}@{actor['account']['homePage']}"
    rows = [r for r in csv.DictReader(io.StringIO(result.output)) if r["learner"] == name]
    assert len(rows) == 4          # one per answered question (knowledge check + 3)
    assert {(r["course"], r["completed"], r["result"], r["score"]) for r in rows} == {
        (COURSE, "yes", "passed", "100")}
    assert float(rows[0]["time_seconds"]) > 0
    answers = {r["question"]: (r["response"], r["correct"]) for r in rows}
    assert answers == {"intro/kc-first": ("a", "yes"), "quiz/q-first": ("a", "yes"),
                       "quiz/q-both": ("a[,]b", "yes"), "quiz/q-true": ("true", "yes")}
    table = runner.invoke(cli, args).output
    assert name in table and "passed" in table


def test_cmi5_reads_preferences_first_and_copes_with_sparse_launch_data(
        browser, packages, cmi5_launcher, lrs_proxy, ralph):
    """Open edX's cmi5 XBlock writes LaunchData with only contextTemplate, launchMode and
    launchParameters: the course uses its own pass mark and moveOn, no returnURL. The
    learner preferences are read before any statement (cmi5 11.0), and initialized goes
    alone in the first statement request."""
    actor = new_actor()
    registration = str(uuid.uuid4())
    au = f"https://lms.example.org/au/{uuid.uuid4()}"
    lrs_proxy.set_agent_profile(actor, "cmi5LearnerPreferences",
                                {"languagePreference": "fr-FR,en-US", "audioPreference": "off"})
    with serve({"/": packages["cmi5"]}) as base:
        url, session = cmi5_url(base, cmi5_launcher, actor, registration, au, mastery_score=0.5)
        launch_data = lrs_proxy.get_state(au, actor, registration, "LMS.LaunchData")
        sparse = {k: launch_data[k] for k in ("contextTemplate", "launchMode")}
        sparse["launchParameters"] = ""
        lrs_proxy.set_state(au, actor, registration, "LMS.LaunchData", sparse)
        context, page, errors = open_course(browser, url)
        info = page.evaluate("() => window.coursepack.lms.prefs")
        assert info == {"languagePreference": "fr-FR,en-US", "audioPreference": "off"}
        learner_passes(page)
        assert "The pass mark is 80%" in page.locator("#pg-quiz .cp-result-text").inner_text()
        page.locator(".cp-exit").click()
        outbox_empty(page)
        assert page.url.startswith(base + "/index.html")       # no returnURL: stays
        context.close()
    profile = [i for i, r in enumerate(lrs_proxy.requests) if r["path"].endswith("/agents/profile")]
    writes = [i for i, r in enumerate(lrs_proxy.requests)
              if r["path"].rstrip("/").endswith("/statements") and r["method"] in ("POST", "PUT")]
    assert profile and writes and profile[0] < writes[0]
    first = json.loads(lrs_proxy.requests[writes[0]]["body"])
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in first] == ["initialized"]
    statements = wait_for_statements(ralph, actor, 20)
    passed = next(s for s in statements if s["verb"]["id"].endswith("passed"))
    assert passed["context"]["extensions"][
        "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == 0.8
    assert check_cmi5_session(statements, session_id=session, registration=registration,
                              activity_id=au, actor=actor) == []
    assert errors == []


def test_first_unit_failing_after_a_late_start_says_so(browser, packages, lrs_proxy, ralph):
    """An xAPI launch starts only once the LRS has answered, after the launch page's script
    of the first unit has already failed: the runtime, which waits for that script rather
    than requesting it again (cp-pages.js), still tells the learner instead of hanging."""
    with serve({"/": packages["xapi"]}) as base:
        context = browser.new_context()
        page = context.new_page()
        page.route("**/content/u0.js", lambda route: route.abort())
        page.goto(tincan_url(base, lrs_proxy, new_actor(), str(uuid.uuid4())))
        page.wait_for_selector("html[data-cp-ready]")
        notice = page.locator(".cp-notice")
        notice.wait_for(state="visible")
        assert "could not be loaded" in notice.inner_text()
        outbox_empty(page)          # the LRS took the statements: that does not clear it
        assert notice.is_visible() and "could not be loaded" in notice.inner_text()
        context.close()
