"""The xAPI and cmi5 packages in reference systems written by others: ADL's LRS (the xAPI
package, launched Tin Can style) and ADL CATAPULT's cmi5 player (the cmi5 package, imported
and launched through the player's API), both built from source and run by the tests
(tests/support/testbeds.py). What counts is what these systems stored and decided."""

from __future__ import annotations

import base64
import json
import shutil
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

import pytest

from builder.build import build
from tests.conftest import FIXTURES
from tests.support.buildcache import built
from tests.support.lms import safe_extract, serve
from tests.support.testbeds import FaultProxy, http
from tests.test_xapi_e2e import EXPECTED_PASS, learner_passes, open_course, outbox_empty, verbs

pytestmark = pytest.mark.browser
COURSE = "urn:coursepack:minimal-course"
STATE = "coursepack-state"
CMI5_STATE = "suspendData"   # the cmi5 package's state id (Open edX's cmi5 XBlock stores no other)


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("beds")
    out = {}
    for target, zip_path in built(tmp_path_factory, FIXTURES / "minimal",
                                  ("xapi", "cmi5")).items():
        out[target + "-zip"] = zip_path
        site = root / f"site-{target}"
        safe_extract(zip_path, site)
        out[target] = site
    return out


def learner() -> dict:
    return {"objectType": "Agent", "name": "Tester",
            "account": {"homePage": "https://lms.example.org", "name": str(uuid.uuid4())}}


def learner_fails(page) -> None:
    page.locator(".cp-menu a", has_text="Final Quiz").click()
    answer_quiz(page, right=False)


def answer_quiz(page, right: bool = True) -> None:
    """On the quiz page: answer every question (all right, or all wrong) and submit."""
    page.locator("input[name='quiz-q-first'][value='%s']" % ("0" if right else "1")).check()
    if right:
        page.locator("input[name='quiz-q-both'][value='0']").check()
        page.locator("input[name='quiz-q-both'][value='1']").check()
    else:
        page.locator("input[name='quiz-q-both'][value='2']").check()
    page.locator("input[name='quiz-q-true'][value='%s']" % ("0" if right else "1")).check()
    page.locator(".cp-submit").click()


def exit_course(page, context) -> None:
    page.locator(".cp-exit").click()
    outbox_empty(page, timeout=20)
    page.wait_for_function("document.querySelector('.cp-notice').textContent.length > 0")
    context.close()


# --------------------------------------------------------------------------- ADL LRS


def tincan_url(base: str, endpoint: str, actor: dict, registration: str) -> str:
    query = urllib.parse.urlencode({
        "endpoint": endpoint, "auth": "Basic " + base64.b64encode(b"tester:testerpass").decode(),
        "actor": json.dumps(actor), "registration": registration, "activity_id": COURSE})
    return f"{base}/index.html?{query}"


@pytest.fixture
def lrs(beds):
    with FaultProxy(beds.lrs_endpoint) as proxy:
        yield beds.lrs, proxy


def stored(lrs_api, registration: str) -> list[dict]:
    return lrs_api.settled(registration=registration)


def assert_exactly_once(statements: list[dict]) -> None:
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    assert verbs(statements)[-1] == "terminated"


def state_puts(proxy) -> list[int | None]:
    return [status for method, path, status in proxy.requests
            if method == "PUT" and path.endswith("/activities/state")]


def assert_saves_stored(proxy) -> None:
    """Every state save stored at last. The ADL LRS answers 500 when two first requests
    of a new learner race to create its agent (a unique-constraint error in its
    Agent.retrieve_or_create): the course saves again, so a 500 may come before a 204,
    but never a 409 (a write without ETag headers over an existing document). How many
    saves a walk makes depends on timing (a save waits for the one in flight and takes its
    changes along), but at least one must overwrite the stored document: two stored."""
    puts = state_puts(proxy)
    assert puts.count(204) >= 2 and puts[-1] == 204, puts
    assert set(puts) <= {204, 500} and puts.count(500) <= 1, puts


def test_adl_lrs_whole_course_pass(browser, packages, lrs):
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        context, page, errors = open_course(browser, tincan_url(base, proxy.endpoint, actor,
                                                                registration))
        learner_passes(page)
        exit_course(page, context)
    statements = stored(lrs_api, registration)
    assert verbs(statements) == EXPECTED_PASS
    assert_exactly_once(statements)
    status, doc = lrs_api.state(COURSE, actor, registration, STATE)
    assert status == 200 and doc["status"] == "passed"
    assert doc["sent"] == {"completed": True, "passed": True}
    assert_saves_stored(proxy)
    assert errors == []


def test_adl_lrs_resume_mid_quiz_after_closing_the_window_then_reopen_after_passing(
        browser, packages, lrs):
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        url = tincan_url(base, proxy.endpoint, actor, registration)
        context, page, _ = open_course(browser, url)
        page.locator(".cp-menu a", has_text="Final Quiz").click()
        page.locator("input[name='quiz-q-first'][value='0']").check()
        outbox_empty(page)
        page.wait_for_timeout(500)
        # the window closed: no "Save and exit". pagehide sends the last statements with
        # keepalive, which outlive the page but not its browser context (playwright's
        # context.close() cancels requests in flight, which a closed tab does not): close
        # the page, wait until the LRS stored the terminated statement, then the context
        page.close()
        closed = lrs_api.wait_for(1, registration=registration,
                                  verb="http://adlnet.gov/expapi/verbs/terminated")
        assert verbs(closed) == ["terminated"], "closing the window sent no terminated"
        context.close()
        status, doc = lrs_api.state(COURSE, actor, registration, STATE)
        assert doc["location"] == "quiz"
        # a fresh browser (no localStorage): the LRS's state document is all there is
        context, page, errors = open_course(browser, url)
        assert page.locator("section.page:not([hidden])").get_attribute("id") == "pg-quiz"
        assert page.locator("input[name='quiz-q-first'][value='0']").is_checked()
        for unit in ("Introduction", "Basics"):   # every page seen, then the quiz
            page.locator(".cp-menu a", has_text=unit).click()
            page.locator(".cp-next").click()
        page.locator(".cp-next").click()
        answer_quiz(page)
        exit_course(page, context)
        first = stored(lrs_api, registration)
        # reopen the passed course: it stays passed, nothing is judged again
        context, page, errors2 = open_course(browser, url)
        assert page.locator(".cp-outcome").get_attribute("data-status") in ("passed", None)
        page.locator(".cp-menu a", has_text="Basics").click()
        exit_course(page, context)
    statements = stored(lrs_api, registration)
    got = Counter(verbs(statements))
    assert got["completed"] == 1 and got["passed"] == 1 and got["failed"] == 0
    assert got["initialized"] == 3 and got["terminated"] == 3
    # the closed window recorded its session time too
    assert all(s["result"]["duration"].startswith("PT") for s in statements
               if s["verb"]["id"].endswith("terminated"))
    assert len(statements) > len(first)
    assert_exactly_once(statements)
    status, doc = lrs_api.state(COURSE, actor, registration, STATE)
    assert doc["status"] == "passed"
    assert_saves_stored(proxy)
    assert errors == [] and errors2 == []


def test_adl_lrs_fail_then_pass_after_relaunch(browser, packages, lrs):
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        url = tincan_url(base, proxy.endpoint, actor, registration)
        context, page, _ = open_course(browser, url)
        learner_fails(page)
        assert "Attempts left: 1" in page.locator("#pg-quiz .cp-result-text").inner_text()
        exit_course(page, context)
        context, page, errors = open_course(browser, url)
        page.locator(".cp-menu a", has_text="Final Quiz").click()
        page.locator("#pg-quiz .cp-retry").click()
        page.locator(".cp-menu a", has_text="Introduction").click()
        learner_passes(page)
        exit_course(page, context)
    statements = stored(lrs_api, registration)
    got = Counter(verbs(statements))
    assert got["failed"] == 1 and got["passed"] == 1 and got["completed"] == 1
    assert verbs(statements).index("failed") < verbs(statements).index("passed")
    assert_exactly_once(statements)
    assert errors == []


def test_adl_lrs_outage_and_lost_answers_store_each_statement_once(browser, packages, lrs):
    """The LRS is down for a while, then stores batches whose answers are lost (the course
    must send them again): the LRS ends up with each statement exactly once."""
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    with serve({"/": packages["xapi"]}) as base:
        context, page, errors = open_course(browser, tincan_url(base, proxy.endpoint, actor,
                                                                registration))
        outbox_empty(page)
        proxy.down = True
        learner_passes(page)
        page.wait_for_function("document.querySelector('.cp-notice').textContent.length > 0")
        proxy.down = False
        proxy.lose_answers = 2                # stored by the LRS, answer never arrives
        for unit in ("Introduction", "Basics", "Final Quiz"):
            page.locator(".cp-menu a", has_text=unit).click()   # each page sends at once
            page.wait_for_timeout(400)
        outbox_empty(page, timeout=60)        # else the backoff (up to 30 s) delivers them
        proxy.delay = 0.8                     # exit while a batch is on its way
        page.locator(".cp-menu a", has_text="Basics").click()
        page.locator(".cp-exit").click()
        outbox_empty(page, timeout=40)
        context.close()
    statements = stored(lrs_api, registration)
    assert [s for s in proxy.requests if s[2] is None]        # answers really were lost
    assert_exactly_once(statements)
    got = Counter(verbs(statements))
    assert got["passed"] == 1 and got["completed"] == 1 and got["initialized"] == 1
    assert got["terminated"] == 1
    assert errors == []


def test_adl_lrs_behind_an_lms_that_drops_posted_batches(browser, packages, lrs, beds):
    """Open edX's cmi5 XBlock answers POSTed statements 200 {"success": true} and drops
    them; it also answers unknown state ids with that body. The course sends one by one
    by PUT once a batch is not confirmed, and does not take that body for its state."""
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    query = urllib.parse.urlencode({"activityId": COURSE, "agent": json.dumps(actor),
                                    "stateId": STATE, "registration": registration})
    status, _, _ = http("PUT", beds.lrs_endpoint + "activities/state?" + query,
                        body={"success": True},
                        headers={**lrs_api.headers(), "If-None-Match": "*"})
    assert status == 204
    proxy.swallow_posts = True
    with serve({"/": packages["xapi"]}) as base:
        context, page, errors = open_course(browser, tincan_url(base, proxy.endpoint, actor,
                                                                registration))
        assert page.locator("section.page:not([hidden])").get_attribute("id") == "pg-intro--welcome"
        learner_passes(page)
        exit_course(page, context)
    statements = stored(lrs_api, registration)
    assert verbs(statements) == EXPECTED_PASS
    assert_exactly_once(statements)
    posts = [r for r in proxy.requests if r[0] == "POST" and r[1].endswith("/statements")]
    assert len(posts) == 1                    # one unconfirmed batch, then PUT only
    for s in statements:
        assert s["verb"]["display"] == {"en-US": s["verb"]["id"].rsplit("/", 1)[1],
                                        "en": s["verb"]["id"].rsplit("/", 1)[1]}
    status, doc = lrs_api.state(COURSE, actor, registration, STATE)
    assert doc["status"] == "passed"
    assert errors == []


# --------------------------------------------------------------------------- CATAPULT


def with_move_on(zip_path: Path, move_on: str, out: Path) -> Path:
    """The package with another moveOn in cmi5.xml (CATAPULT judges satisfaction by the
    course structure's moveOn, not by the one a launch passes in LMS.LaunchData)."""
    import re
    import zipfile

    target = out / f"{move_on}.zip"
    if not target.exists():
        with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(target, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "cmi5.xml":
                    data = re.sub(rb'moveOn="[A-Za-z]+"', f'moveOn="{move_on}"'.encode(), data)
                dst.writestr(item, data)
    return target


@pytest.fixture
def tenant(beds, packages, tmp_path_factory):
    """A CATAPULT tenant; ``tenant.course(move_on)`` imports the cmi5 package with that
    moveOn and makes it the tenant's course."""
    t = beds.player.tenant()
    out = tmp_path_factory.mktemp("moveon")

    def course(move_on: str = "CompletedAndPassed") -> int:
        t.course_id = t.import_course(with_move_on(packages["cmi5-zip"], move_on, out))["id"]
        return t.course_id

    t.course = course
    try:
        course()
        yield t
    finally:
        t.close()


class Session:
    """One AU launch in Chromium; records every answer of the player's LRS proxy."""

    def __init__(self, browser, url: str) -> None:
        self.refused: list[str] = []
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def answered(response) -> None:
            absent = response.request.method == "GET" and response.status == 404  # no document yet
            if "/lrs/" in response.url and response.status >= 400 and not absent:
                try:
                    text = response.text()
                except Exception:  # noqa: BLE001 - the body may be gone
                    text = ""
                self.refused.append(f"{response.request.method} {response.url} "
                                    f"{response.status} {text[:300]}")

        self.page.on("response", answered)
        self.page.goto(url)
        self.page.wait_for_selector("html[data-cp-ready='cmi5']")

    def exit(self) -> None:
        self.page.locator(".cp-exit").click()
        outbox_empty(self.page, timeout=20)
        self.page.wait_for_timeout(300)
        self.context.close()


def launch(browser, tenant, actor, reg, **options) -> Session:
    url = tenant.launch_url(tenant.course_id, actor, reg["code"], **options)
    return Session(browser, url)


def au_verdict(verdict: dict) -> dict:
    """The player's verdict on the course's one AU (the registration's own isSatisfied
    column is not updated by CATAPULT 806c0ba; the AU row and the moveOn tree are)."""
    [au] = verdict["aus"]
    return {k: au[k] for k in ("isCompleted", "isPassed", "isSatisfied")}


@pytest.mark.parametrize("move_on", ["Completed", "Passed", "CompletedAndPassed",
                                     "CompletedOrPassed", "NotApplicable"])
def test_catapult_pass_under_each_move_on(browser, beds, tenant, move_on):
    tenant.course(move_on)
    actor = learner()
    reg = tenant.registration(tenant.course_id, actor)
    session = launch(browser, tenant, actor, reg, launchMode="Normal")
    learner_passes(session.page)
    session.exit()
    assert session.refused == []
    verdict = tenant.verdict(reg["id"])
    assert au_verdict(verdict) == {"isCompleted": 1, "isPassed": 1, "isSatisfied": 1}, verdict
    assert verdict["metadata"]["moveOn"]["satisfied"] is True
    assert verdict["aus"][0]["durationNormal"] is not None     # session time from terminated
    # completed and passed are sent whatever the moveOn (cmi5 10.0 launchMode Normal, 9.3)
    got = Counter(verbs(beds.lrs.settled(registration=reg["code"])))
    assert got["completed"] == 1 and got["passed"] == 1 and got["failed"] == 0
    assert session.errors == []


def test_catapult_fail_under_passed_is_not_satisfied(browser, beds, tenant):
    actor = learner()
    reg = tenant.registration(tenant.course_id, actor)
    session = launch(browser, tenant, actor, reg, moveOn="Passed", launchMode="Normal")
    learner_fails(session.page)
    session.exit()
    assert session.refused == []
    assert au_verdict(tenant.verdict(reg["id"])) == {"isCompleted": 0, "isPassed": 0,
                                                      "isSatisfied": 0}
    statements = beds.lrs.settled(registration=reg["code"])
    assert Counter(verbs(statements))["failed"] == 1


def test_catapult_resume_relaunch_and_reopen_after_passing(browser, beds, tenant):
    """Relaunch mid-course (initialized first, alone), pass, reopen in Normal mode:
    the player refuses nothing and nothing is judged twice."""
    actor = learner()
    reg = tenant.registration(tenant.course_id, actor)
    session = launch(browser, tenant, actor, reg, moveOn="CompletedAndPassed",
                     launchMode="Normal")
    session.page.locator(".cp-next").click()
    session.page.locator(".cp-next").click()
    session.exit()
    second = launch(browser, tenant, actor, reg, moveOn="CompletedAndPassed",
                    launchMode="Normal")
    assert second.page.locator("section.page:not([hidden])").get_attribute("id") == (
        "pg-basics--second-idea")
    second.page.locator(".cp-menu a", has_text="Introduction").click()
    learner_passes(second.page)
    second.exit()
    assert au_verdict(tenant.verdict(reg["id"]))["isSatisfied"] == 1
    third = launch(browser, tenant, actor, reg, moveOn="CompletedAndPassed",
                   launchMode="Normal")
    third.page.locator(".cp-menu a", has_text="Basics").click()
    third.exit()
    for s in (session, second, third):
        assert s.refused == [] and s.errors == []
    statements = beds.lrs.settled(registration=reg["code"])
    got = Counter(verbs(statements))
    assert got["completed"] == 1 and got["passed"] == 1
    assert got["initialized"] == 3 and got["terminated"] == 3
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids))


def test_catapult_resume_from_the_state_id_of_earlier_packages(browser, beds, tenant):
    """The cmi5 package keeps its state under "suspendData" (the one id Open edX's cmi5 XBlock
    stores); packages before it used "coursepack-state". A learner whose place is only there
    resumes, and the next save goes to "suspendData" (none yet: If-None-Match: *), with
    nothing refused by the player."""
    actor = learner()
    reg = tenant.registration(tenant.course_id, actor)
    session = launch(browser, tenant, actor, reg, launchMode="Normal")
    session.page.locator(".cp-next").click()
    session.page.locator(".cp-next").click()
    session.exit()

    def url(state_id: str) -> str:
        return beds.lrs_endpoint + "activities/state?" + urllib.parse.urlencode({
            "activityId": COURSE, "agent": json.dumps(actor), "stateId": state_id,
            "registration": reg["code"]})

    # what an earlier package left: the same document under the old id, none under the new
    status, headers, body = http("GET", url(CMI5_STATE), headers=beds.lrs.headers())
    assert status == 200 and json.loads(body)["location"] == "basics/second-idea"
    status, _, _ = http("PUT", url(STATE), body=json.loads(body),
                        headers={**beds.lrs.headers(), "If-None-Match": "*"})
    assert status == 204
    status, _, _ = http("DELETE", url(CMI5_STATE),
                        headers={**beds.lrs.headers(), "If-Match": headers["ETag"]})
    assert status == 204
    assert beds.lrs.state(COURSE, actor, reg["code"], CMI5_STATE)[0] == 404

    second = launch(browser, tenant, actor, reg, launchMode="Normal")
    assert second.page.locator("section.page:not([hidden])").get_attribute("id") == (
        "pg-basics--second-idea")
    second.page.locator(".cp-menu a", has_text="Introduction").click()
    # the menu loads the unit's pages first (content/u<N>.js): the page shows, then is saved
    second.page.wait_for_selector("#pg-intro--welcome:not([hidden])")
    second.exit()
    assert session.refused == [] and second.refused == []
    assert session.errors == [] and second.errors == []
    status, doc = beds.lrs.state(COURSE, actor, reg["code"], CMI5_STATE)
    assert status == 200 and doc["location"] == "intro/welcome", doc


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_catapult_browse_and_review_modes(browser, beds, tenant, mode):
    actor = learner()
    reg = tenant.registration(tenant.course_id, actor)
    session = launch(browser, tenant, actor, reg, launchMode=mode)
    learner_passes(session.page)
    session.exit()
    assert session.refused == [] and session.errors == []
    statements = beds.lrs.settled(registration=reg["code"])
    got = set(verbs(statements))
    assert "initialized" in got and "terminated" in got
    assert not got & {"completed", "passed", "failed"}


def test_adl_lrs_state_written_meanwhile_by_another_session(browser, packages, lrs, beds):
    """Another session (another tab) changes the state document while the course runs: the
    course's next save gets 412 (its If-Match no longer matches), reads the document again,
    keeps what the other session recorded as sent, and saves."""
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    query = urllib.parse.urlencode({"activityId": COURSE, "agent": json.dumps(actor),
                                    "stateId": STATE, "registration": registration})
    url = beds.lrs_endpoint + "activities/state?" + query
    with serve({"/": packages["xapi"]}) as base:
        context, page, errors = open_course(browser, tincan_url(base, proxy.endpoint, actor,
                                                                registration))
        page.locator(".cp-next").click()
        outbox_empty(page)
        page.wait_for_timeout(800)
        status, headers, body = http("GET", url, headers=lrs_api.headers())
        assert status == 200
        other = {**json.loads(body), "sent": {"completed": True}}
        status, _, _ = http("PUT", url, body=other,
                            headers={**lrs_api.headers(), "If-Match": headers["ETag"]})
        assert status == 204
        page.locator(".cp-next").click()
        page.wait_for_timeout(1500)
        exit_course(page, context)
    status, doc = lrs_api.state(COURSE, actor, registration, STATE)
    assert doc["location"] == "basics/second-idea"
    assert doc["sent"].get("completed") is True
    puts = state_puts(proxy)
    assert 412 in puts and puts[-1] == 204
    assert errors == []


DECISION = """title: A Decision
objectives: [obj-two]
start: first
nodes:
  - id: first
    text: Something happens.
    choices:
      - {id: good, text: Do the right thing, score: 2, next: second, feedback: Good.}
      - {id: bad, text: Do the wrong thing, score: 0, next: second, feedback: Not good.}
  - id: second
    text: Then something else happens.
    choices:
      - {id: good, text: Do the right thing again, score: 2, next: end, feedback: Good.}
      - {id: bad, text: Do the wrong thing now, score: 0, next: end, feedback: Not good.}
  - id: end
    ending: true
    text: It is over.
"""


@pytest.fixture(scope="module")
def scenario_site(tmp_path_factory) -> Path:
    """The minimal course with a two-step branching scenario before its quiz."""
    root = tmp_path_factory.mktemp("scenario")
    shutil.copytree(FIXTURES / "minimal", root, dirs_exist_ok=True)
    (root / "scenarios" / "decision.yaml").write_text(DECISION)
    course = (root / "course.yaml").read_text()
    (root / "course.yaml").write_text(course.replace("  - quiz\n", "  - decision\n  - quiz\n", 1))
    [zip_path] = build(root, ("xapi",)).written
    safe_extract(zip_path, root / "site")
    return root / "site"


def test_adl_lrs_resume_mid_scenario(browser, scenario_site, lrs):
    lrs_api, proxy = lrs
    actor, registration = learner(), str(uuid.uuid4())
    with serve({"/": scenario_site}) as base:
        url = tincan_url(base, proxy.endpoint, actor, registration)
        context, page, _ = open_course(browser, url)
        page.locator(".cp-menu a", has_text="A Decision").click()
        page.locator("input[name='node-decision-first'][value='0']").check()
        page.locator(".cp-node[data-node='first'] .cp-choose").click()
        assert page.locator(".cp-node[data-node='second']").is_visible()
        outbox_empty(page)
        page.wait_for_timeout(800)
        context.close()                              # the window closed mid-scenario
        context, page, errors = open_course(browser, url)
        assert page.locator(".cp-node[data-node='second']").is_visible()
        assert not page.locator(".cp-node[data-node='first']").is_visible()
        page.locator("input[name='node-decision-second'][value='0']").check()
        page.locator(".cp-node[data-node='second'] .cp-choose").click()
        assert "Your score: 100%." in page.locator(".cp-scenario .cp-result-text").inner_text()
        exit_course(page, context)
    statements = stored(lrs_api, registration)
    assert_exactly_once(statements)
    got = Counter(verbs(statements))
    assert got["initialized"] == 2 and got["terminated"] == 2 and got["scored"] == 1
    assert errors == []
