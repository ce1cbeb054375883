"""Tests of the LRS test infrastructure itself (tests/support/lrs.py): Ralph, the
proxy (forwarding, CORS, State API double, faults, cmi5 fetch), the cmi5 launcher and
the statement checkers."""

from __future__ import annotations

import copy
import http.client
import json
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests.support.lms import serve
from tests.support.lrs import (
    CATEGORY_CMI5,
    CATEGORY_MOVEON,
    EXT_LAUNCH_MODE,
    EXT_LAUNCH_PARAMETERS,
    EXT_LAUNCH_URL,
    EXT_MASTERY_SCORE,
    EXT_MOVE_ON,
    EXT_SESSION_ID,
    LAUNCH_DATA_STATE_ID,
    VERB_COMPLETED,
    VERB_FAILED,
    VERB_INITIALIZED,
    VERB_LAUNCHED,
    VERB_PASSED,
    VERB_TERMINATED,
    Cmi5Launcher,
    LrsProxy,
    Ralph,
    basic_auth,
    check_cmi5_session,
    check_xapi_statement,
    is_duration,
    new_actor,
    utc_now,
)

# The fixtures; conftest.py loads them too, this keeps the file self-contained.
pytest_plugins = ["tests.support.fixtures", "tests.support.lrs_fixtures"]

ACTIVITY = "https://lms.example.org/au/0f3c"
PUBLISHER = "https://example.org/course/au1"


def request(proxy_or_url: LrsProxy | str, method: str, path: str, *, body: object = None,
            headers: dict | None = None, auth: str | None = None,
            query: dict | None = None) -> tuple[int, dict, bytes]:
    """One HTTP request to the proxy (or a base URL); (status, headers, body)."""
    base = proxy_or_url.base_url if isinstance(proxy_or_url, LrsProxy) else proxy_or_url
    split = urllib.parse.urlsplit(base)
    target = path + ("?" + urllib.parse.urlencode(query) if query else "")
    sent = {"X-Experience-API-Version": "1.0.3", **(headers or {})}
    if auth:  # None or "" sends no Authorization header
        sent["Authorization"] = auth
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection(split.hostname, split.port, timeout=10)
    try:
        conn.request(method, target, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def statement(actor: dict, verb: str = "http://adlnet.gov/expapi/verbs/experienced",
              **extra: object) -> dict:
    return {"id": str(uuid.uuid4()), "timestamp": utc_now(), "actor": actor,
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": {"id": ACTIVITY, "objectType": "Activity"}, **extra}


def post(proxy: LrsProxy, stmt: dict, auth: str | None = None) -> tuple[int, dict, bytes]:
    return request(proxy, "POST", "/xAPI/statements", body=stmt,
                   auth=proxy.auth_header if auth is None else auth)


# --------------------------------------------------------------------------- Ralph


def test_ralph_stores_statements_posted_through_the_proxy(ralph: Ralph,
                                                          lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    first, second = statement(actor), statement(actor, VERB_COMPLETED)
    status, headers, body = post(lrs_proxy, first)
    assert status == 200, body
    assert json.loads(body) == [first["id"]]
    assert headers["x-experience-api-version"] == "1.0.3"
    assert headers["access-control-allow-origin"] == "*"
    # a second POST works too (Ralph's fs backend needs the APPEND bootstrap for this)
    assert post(lrs_proxy, second)[0] == 200

    stored = ralph.statements(agent=actor)
    assert [s["id"] for s in stored] == [first["id"], second["id"]]
    assert stored[0]["actor"] == actor and stored[0]["timestamp"] == first["timestamp"]
    assert stored[0]["authority"] == {"mbox": "mailto:lms@example.org", "objectType": "Agent"}
    assert "stored" in stored[0]
    assert lrs_proxy.statement_requests("POST")[0]["status"] == 200


def test_ralph_rejects_a_wrong_password(ralph: Ralph, lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    status, headers, _ = post(lrs_proxy, statement(actor),
                              auth=basic_auth(ralph.username, "wrong"))
    assert status == 401
    assert headers["access-control-allow-origin"] == "*"
    assert "www-authenticate" not in headers  # would make a browser prompt
    assert post(lrs_proxy, statement(actor), auth="")[0] == 401
    assert ralph.statements(agent=actor) == []


def test_statements_follow_more_links_in_stored_order(ralph: Ralph) -> None:
    actor, other = new_actor(), new_actor()
    ids = []
    for n in range(5):
        ids.append(ralph.send(statement(actor, result={"response": str(n)}))[0])
        ralph.send(statement(other))
    assert [s["id"] for s in ralph.statements(agent=actor, page_size=2)] == ids
    assert [s["id"] for s in ralph.statements(agent=actor)] == ids
    everything = [s["id"] for s in ralph.statements()]
    assert [i for i in everything if i in ids] == ids


def test_statements_keeps_lax_statements_tincan_cannot_parse(ralph: Ralph) -> None:
    actor = new_actor()
    broken = statement(actor)
    broken["timestamp"] = "yesterday"
    broken["result"] = {"duration": "5 minutes"}
    ralph.send(broken)  # Ralph accepts it: it validates hardly anything
    [back] = ralph.statements(agent=actor)
    assert back["timestamp"] == "yesterday"
    problems = check_xapi_statement(back)
    assert any("timestamp" in p for p in problems) and any("duration" in p for p in problems)
    # a statement sent without a timestamp gets Ralph's `stored` time (not in UTC "Z" form)
    undated = statement(actor)
    del undated["timestamp"]
    ralph.send(undated)
    back = ralph.statements(agent=actor)[-1]
    assert back["id"] == undated["id"] and back["timestamp"] == back["stored"]
    assert "the LRS filled it in" in "\n".join(check_xapi_statement(back))


def test_ralph_restart_keeps_statements(ralph: Ralph, lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    before = statement(actor)
    assert post(lrs_proxy, before)[0] == 200
    port = ralph.port
    try:
        ralph.stop()
        assert not ralph.running
        status, headers, _ = post(lrs_proxy, statement(actor))
        assert status == 502 and headers["access-control-allow-origin"] == "*"
    finally:
        ralph.start()
    assert ralph.port == port
    after = statement(actor)
    assert post(lrs_proxy, after)[0] == 200
    assert [s["id"] for s in ralph.statements(agent=actor)] == [before["id"], after["id"]]


# --------------------------------------------------------------------------- proxy


def test_cors_preflight_is_answered(lrs_proxy: LrsProxy) -> None:
    status, headers, body = request(lrs_proxy, "OPTIONS", "/xAPI/statements", headers={
        "Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version"})
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == "*"
    for method in ("GET", "POST", "PUT", "DELETE", "OPTIONS"):
        assert method in headers["access-control-allow-methods"]
    allowed = headers["access-control-allow-headers"].lower()
    for name in ("authorization", "content-type", "x-experience-api-version"):
        assert name in allowed
    assert "x-experience-api-version" in headers["access-control-expose-headers"].lower()
    assert int(headers["access-control-max-age"]) > 0
    # preflights are answered by the proxy, even while the LRS is "down"
    lrs_proxy.down = True
    assert request(lrs_proxy, "OPTIONS", "/xAPI/activities/state")[0] == 204
    assert lrs_proxy.requests[0]["method"] == "OPTIONS"


def _state(proxy: LrsProxy, method: str, actor: dict, state_id: str | None = "bookmark",
           body: object = None, registration: str | None = None,
           auth: str | None = None, content_type: str | None = None) -> tuple[int, dict, bytes]:
    query = {"activityId": ACTIVITY, "agent": json.dumps(actor)}
    if state_id is not None:
        query["stateId"] = state_id
    if registration:
        query["registration"] = registration
    headers = {"Content-Type": content_type} if content_type else None
    return request(proxy, method, "/xAPI/activities/state", query=query, body=body,
                   auth=proxy.auth_header if auth is None else auth, headers=headers)


def test_state_api_round_trip(lrs_proxy: LrsProxy) -> None:
    actor, registration = new_actor(), str(uuid.uuid4())
    assert _state(lrs_proxy, "GET", actor, registration=registration)[0] == 404
    assert _state(lrs_proxy, "PUT", actor, body={"page": 2, "seen": [1]},
                  registration=registration)[0] == 204
    status, headers, body = _state(lrs_proxy, "GET", actor, registration=registration)
    assert status == 200 and json.loads(body) == {"page": 2, "seen": [1]}
    assert headers["content-type"] == "application/json"
    assert headers["access-control-allow-origin"] == "*"
    assert _state(lrs_proxy, "POST", actor, body={"page": 3, "score": 0.5},
                  registration=registration)[0] == 204
    assert json.loads(_state(lrs_proxy, "GET", actor, registration=registration)[2]) == {
        "page": 3, "seen": [1], "score": 0.5}
    assert lrs_proxy.get_state(ACTIVITY, actor, registration, "bookmark")["page"] == 3

    # keyed by registration, and by the agent's identifier (not its name/objectType)
    assert _state(lrs_proxy, "GET", actor)[0] == 404
    assert _state(lrs_proxy, "GET", actor, registration=str(uuid.uuid4()))[0] == 404
    same = {"account": actor["account"]}
    assert _state(lrs_proxy, "GET", same, registration=registration)[0] == 200
    assert _state(lrs_proxy, "GET", new_actor(), registration=registration)[0] == 404

    # text documents, the list of ids, POST merging JSON objects only
    assert _state(lrs_proxy, "PUT", actor, "note", body=b"plain text",
                  registration=registration, content_type="text/plain")[0] == 204
    status, headers, body = _state(lrs_proxy, "GET", actor, "note", registration=registration)
    assert (status, body, headers["content-type"]) == (200, b"plain text", "text/plain")
    assert _state(lrs_proxy, "POST", actor, "note", body={"a": 1},
                  registration=registration)[0] == 400
    assert sorted(json.loads(_state(lrs_proxy, "GET", actor, None,
                                    registration=registration)[2])) == ["bookmark", "note"]

    assert _state(lrs_proxy, "DELETE", actor, registration=registration)[0] == 204
    assert _state(lrs_proxy, "GET", actor, registration=registration)[0] == 404
    assert _state(lrs_proxy, "GET", actor, "note", registration=registration)[0] == 200
    assert _state(lrs_proxy, "DELETE", actor, None, registration=registration)[0] == 204
    assert _state(lrs_proxy, "GET", actor, "note", registration=registration)[0] == 404


def test_state_api_checks_credentials_and_parameters(ralph: Ralph,
                                                     lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    lrs_proxy.set_state(ACTIVITY, actor, None, "bookmark", {"page": 1})
    assert _state(lrs_proxy, "GET", actor, auth="")[0] == 401
    assert _state(lrs_proxy, "GET", actor, auth=basic_auth(ralph.username, "nope"))[0] == 401
    assert _state(lrs_proxy, "PUT", actor, body={"page": 9}, auth="Bearer x")[0] == 401
    assert lrs_proxy.get_state(ACTIVITY, actor, None, "bookmark") == {"page": 1}
    assert json.loads(_state(lrs_proxy, "GET", actor)[2]) == {"page": 1}
    status, _, _ = request(lrs_proxy, "GET", "/xAPI/activities/state",
                           query={"stateId": "bookmark"}, auth=lrs_proxy.auth_header)
    assert status == 400
    assert _state(lrs_proxy, "PUT", actor, body=b"{not json", content_type="application/json"
                  )[0] == 400


def test_fault_down_then_up(ralph: Ralph, lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    lrs_proxy.down = True
    lost = statement(actor)
    status, headers, _ = post(lrs_proxy, lost)
    assert status == 503 and headers["access-control-allow-origin"] == "*"
    # only statements are affected by default; the State API still answers
    assert _state(lrs_proxy, "GET", actor)[0] == 404
    lrs_proxy.down = False
    kept = statement(actor)
    assert post(lrs_proxy, kept)[0] == 200
    assert [s["id"] for s in ralph.statements(agent=actor)] == [kept["id"]]
    assert [r["status"] for r in lrs_proxy.statement_requests("POST")] == [503, 200]
    lrs_proxy.fault_state = True
    lrs_proxy.down = True
    assert _state(lrs_proxy, "GET", actor)[0] == 503


def test_fault_fail_next(ralph: Ralph, lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    lrs_proxy.fail_next(2)
    statuses = [post(lrs_proxy, statement(actor))[0] for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert len(ralph.statements(agent=actor)) == 1


def test_fault_drop_closes_the_connection(ralph: Ralph, lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    lrs_proxy.down = True
    lrs_proxy.drop = True
    with pytest.raises(http.client.RemoteDisconnected):
        post(lrs_proxy, statement(actor))
    assert lrs_proxy.requests[-1]["status"] is None
    assert lrs_proxy.requests[-1]["method"] == "POST"
    lrs_proxy.down = False
    lrs_proxy.fail_next(1)
    with pytest.raises(http.client.RemoteDisconnected):
        post(lrs_proxy, statement(actor))
    assert post(lrs_proxy, statement(actor))[0] == 200
    assert len(ralph.statements(agent=actor)) == 1


def test_fault_delay(lrs_proxy: LrsProxy) -> None:
    lrs_proxy.delay = 0.4
    began = time.monotonic()
    assert post(lrs_proxy, statement(new_actor()))[0] == 200
    assert time.monotonic() - began >= 0.4


def test_requests_are_recorded(lrs_proxy: LrsProxy) -> None:
    actor = new_actor()
    stmt = statement(actor)
    post(lrs_proxy, stmt)
    _state(lrs_proxy, "GET", actor, registration="abc")
    posted, state = lrs_proxy.requests
    assert posted["method"] == "POST" and posted["path"] == "/xAPI/statements"
    assert json.loads(posted["body"]) == stmt and posted["status"] == 200
    assert posted["headers"]["X-Experience-API-Version"] == "1.0.3"
    assert state["query"]["registration"] == "abc" and state["status"] == 404
    assert json.loads(state["query"]["agent"]) == actor


def test_fetch_url_answers_once(lrs_proxy: LrsProxy) -> None:
    url = lrs_proxy.add_fetch_token("tok-1")
    assert url == f"{lrs_proxy.base_url}/fetch/tok-1"
    status, headers, body = request(lrs_proxy, "POST", "/fetch/tok-1")
    assert status == 200 and headers["content-type"] == "application/json"
    token = json.loads(body)["auth-token"]
    assert f"Basic {token}" == lrs_proxy.auth_header
    status, _, body = request(lrs_proxy, "POST", "/fetch/tok-1")
    assert status == 200 and json.loads(body)["error-code"] == "1"
    assert lrs_proxy.fetches["tok-1"] == 2
    assert json.loads(request(lrs_proxy, "POST", "/fetch/unknown")[2])["error-code"] == "2"
    assert request(lrs_proxy, "GET", "/fetch/tok-1")[0] == 405


# --------------------------------------------------------------------------- cmi5 launch


def test_launch_url(ralph: Ralph, lrs_proxy: LrsProxy, cmi5_launcher: Cmi5Launcher) -> None:
    actor, registration = new_actor(), str(uuid.uuid4())
    au_url = "http://127.0.0.1:9/course/au1/index.html?lang=en#start"
    url, session_id = cmi5_launcher.launch_url(
        au_url, actor=actor, registration=registration, activity_id=ACTIVITY,
        mastery_score=0.8, move_on="Passed", return_url="http://127.0.0.1:9/lms?x=1&y=2",
        launch_parameters='{"mode": "quiz"}', publisher_id=PUBLISHER)
    assert uuid.UUID(session_id)

    split = urllib.parse.urlsplit(url)
    assert (split.scheme, split.netloc, split.path, split.fragment) == (
        "http", "127.0.0.1:9", "/course/au1/index.html", "start")
    for raw in ("{", "}", '"', " ", "/", ":"):  # every value URL-encoded
        assert raw not in split.query
    params = dict(urllib.parse.parse_qsl(split.query, strict_parsing=True))
    assert params.pop("lang") == "en"
    assert params.keys() == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert params["endpoint"] == lrs_proxy.endpoint
    assert json.loads(params["actor"]) == actor
    assert params["registration"] == registration and params["activityId"] == ACTIVITY

    launch_data = lrs_proxy.get_state(ACTIVITY, actor, registration, LAUNCH_DATA_STATE_ID)
    assert launch_data == {
        "contextTemplate": {"contextActivities": {"grouping": [{"id": PUBLISHER}]},
                            "extensions": {EXT_SESSION_ID: session_id}},
        "launchMode": "Normal", "moveOn": "Passed", "masteryScore": 0.8,
        "returnURL": "http://127.0.0.1:9/lms?x=1&y=2", "launchParameters": '{"mode": "quiz"}'}
    # the AU reads it back with the credential from the fetch URL
    fetch_path = urllib.parse.urlsplit(params["fetch"]).path
    token = json.loads(request(lrs_proxy, "POST", fetch_path)[2])["auth-token"]
    status, _, body = _state(lrs_proxy, "GET", json.loads(params["actor"]),
                             LAUNCH_DATA_STATE_ID, registration=registration,
                             auth=f"Basic {token}")
    assert status == 200 and json.loads(body) == launch_data

    [launched] = ralph.statements(agent=actor)
    assert launched["verb"]["id"] == VERB_LAUNCHED
    assert launched["object"]["id"] == ACTIVITY and launched["actor"] == actor
    context = launched["context"]
    assert context["registration"] == registration
    assert {"id": CATEGORY_CMI5} in context["contextActivities"]["category"]
    assert context["contextActivities"]["grouping"] == [{"id": PUBLISHER}]
    assert context["extensions"] == {
        EXT_SESSION_ID: session_id, EXT_LAUNCH_MODE: "Normal", EXT_LAUNCH_URL: au_url,
        EXT_MOVE_ON: "Passed", EXT_LAUNCH_PARAMETERS: '{"mode": "quiz"}',
        EXT_MASTERY_SCORE: 0.8}
    assert check_xapi_statement(launched, registration=registration) == []


def test_launch_url_refuses_an_actor_without_account(cmi5_launcher: Cmi5Launcher) -> None:
    with pytest.raises(ValueError, match="account"):
        cmi5_launcher.launch_url("http://127.0.0.1:9/au.html",
                                 actor={"mbox": "mailto:x@example.org"},
                                 registration=str(uuid.uuid4()), activity_id=ACTIVITY)


# --------------------------------------------------------------------------- checkers


def cmi5_session(actor: dict, registration: str, session_id: str, *,
                 mastery_score: float | None = 0.8) -> list[dict]:
    """A correct Normal-mode session: initialized, progressed, completed, passed,
    terminated (timestamps one second apart)."""
    start = time.time() - 60

    def make(index: int, verb: str, *, defined: bool = True, result: dict | None = None,
             moveon: bool = False, extensions: dict | None = None) -> dict:
        categories = [{"id": CATEGORY_CMI5}] if defined else []
        if moveon:
            categories.append({"id": CATEGORY_MOVEON})
        context = {"registration": registration,
                   "contextActivities": {"grouping": [{"id": PUBLISHER}]},
                   "extensions": {EXT_SESSION_ID: session_id, **(extensions or {})}}
        if categories:
            context["contextActivities"]["category"] = categories
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start + index)) + ".250Z"
        built = {"id": str(uuid.uuid4()), "timestamp": stamp, "actor": actor,
                 "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
                 "object": {"id": ACTIVITY, "objectType": "Activity"}, "context": context}
        if result is not None:
            built["result"] = result
        return built

    passed_ext = {EXT_MASTERY_SCORE: mastery_score} if mastery_score is not None else {}
    return [
        make(0, VERB_INITIALIZED),
        make(1, "http://adlnet.gov/expapi/verbs/progressed", defined=False,
             result={"extensions": {"https://w3id.org/xapi/cmi5/result/extensions/progress":
                                    50}}),
        make(2, VERB_COMPLETED, moveon=True, result={"completion": True, "duration": "PT2S"}),
        make(3, VERB_PASSED, moveon=True, extensions=passed_ext,
             result={"success": True, "duration": "PT3S",
                     "score": {"scaled": 0.9, "raw": 9, "min": 0, "max": 10}}),
        make(4, VERB_TERMINATED, result={"duration": "PT4.5S"}),
    ]


def _check(session: list[dict], actor: dict, registration: str, session_id: str,
           **kwargs: object) -> list[str]:
    options = {"mastery_score": 0.8, "publisher_id": PUBLISHER, **kwargs}
    return check_cmi5_session(session, session_id=session_id, registration=registration,
                              activity_id=ACTIVITY, actor=actor, **options)


@pytest.fixture
def good() -> tuple[list[dict], dict, str, str]:
    actor, registration, session_id = new_actor(), str(uuid.uuid4()), str(uuid.uuid4())
    return cmi5_session(actor, registration, session_id), actor, registration, session_id


def test_check_cmi5_session_accepts_a_correct_session(good) -> None:  # noqa: ANN001
    session, actor, registration, session_id = good
    assert _check(session, actor, registration, session_id) == []
    # order is by timestamp, not by list order; statements of other sessions are ignored
    other = cmi5_session(actor, registration, str(uuid.uuid4()))
    mixed = [session[0], other[0], session[2], session[1], other[4], session[4], session[3]]
    assert _check(mixed, actor, registration, session_id) == []


def test_check_cmi5_session_passes_a_session_stored_in_ralph(
        ralph: Ralph, cmi5_launcher: Cmi5Launcher) -> None:
    actor, registration = new_actor(), str(uuid.uuid4())
    _, session_id = cmi5_launcher.launch_url(
        "http://127.0.0.1:9/au.html", actor=actor, registration=registration,
        activity_id=ACTIVITY, mastery_score=0.8, publisher_id=PUBLISHER)
    for stmt in cmi5_session(actor, registration, session_id):
        ralph.send(stmt)
    stored = ralph.statements(agent=actor)
    assert len(stored) == 6  # launched + 5 from the AU
    assert _check(stored, actor, registration, session_id) == []


def _edit(session: list[dict], verb: str, change) -> list[dict]:  # noqa: ANN001
    session = copy.deepcopy(session)
    for stmt in session:
        if stmt["verb"]["id"] == verb:
            change(stmt)
    return session


def _timestamp_after_all(stmt: dict) -> None:
    stmt["timestamp"] = "2999-01-01T00:00:00.000Z"


BROKEN = {
    "completed with a score": (
        lambda s: _edit(s, VERB_COMPLETED, lambda x: x["result"].update(score={"scaled": 1})),
        ["completed must not have a score"]),
    "completed with success": (
        lambda s: _edit(s, VERB_COMPLETED, lambda x: x["result"].update(success=True)),
        ["completed must not have result.success"]),
    "completed without completion": (
        lambda s: _edit(s, VERB_COMPLETED, lambda x: x["result"].pop("completion")),
        ["completed needs result.completion true"]),
    "missing session id": (
        lambda s: _edit(s, "http://adlnet.gov/expapi/verbs/progressed",
                        lambda x: x["context"]["extensions"].clear()),
        ["the session id extension is missing"]),
    "terminated not last": (
        lambda s: _edit(s, VERB_PASSED, _timestamp_after_all),
        ["the last statement is", "not terminated"]),
    "initialized not first": (
        lambda s: _edit(s, VERB_INITIALIZED,
                        lambda x: x.update(timestamp="2999-01-01T00:00:00.000Z")),
        ["the first statement is", "not initialized"]),
    "no terminated": (lambda s: s[:-1], ["no terminated statement"]),
    "duplicate initialized": (
        lambda s: [s[0], {**copy.deepcopy(s[0]), "id": str(uuid.uuid4())}, *s[1:]],
        ["initialized is duplicated"]),
    "passed below mastery": (
        lambda s: _edit(s, VERB_PASSED, lambda x: x["result"]["score"].update(scaled=0.5)),
        ["passed with scaled 0.5 below the masteryScore 0.8"]),
    "passed without masteryscore extension": (
        lambda s: _edit(s, VERB_PASSED, lambda x: x["context"]["extensions"].pop(
            EXT_MASTERY_SCORE)),
        ["passed lacks the masteryscore context extension"]),
    "passed without success": (
        lambda s: _edit(s, VERB_PASSED, lambda x: x["result"].pop("success")),
        ["passed needs result.success true"]),
    "failed after passed": (
        lambda s: [*s[:4], {**copy.deepcopy(s[3]), "id": str(uuid.uuid4()),
                            "verb": {"id": VERB_FAILED, "display": {"en-US": "failed"}},
                            "result": {"success": False, "duration": "PT1S"},
                            "timestamp": s[3]["timestamp"].replace(".250Z", ".500Z")}, s[4]],
        ["failed after passed", "both passed and failed"]),
    "passed without moveon category": (
        lambda s: _edit(s, VERB_PASSED, lambda x: x["context"]["contextActivities"].update(
            category=[{"id": CATEGORY_CMI5}])),
        ["passed lacks the moveon category"]),
    "terminated without duration": (
        lambda s: _edit(s, VERB_TERMINATED, lambda x: x.pop("result")),
        ["terminated has no result.duration"]),
    "bad duration": (
        lambda s: _edit(s, VERB_COMPLETED, lambda x: x["result"].update(duration="2 seconds")),
        ["is not an ISO 8601 duration"]),
    "allowed statement with cmi5 category": (
        lambda s: _edit(s, "http://adlnet.gov/expapi/verbs/progressed",
                        lambda x: x["context"]["contextActivities"].update(
                            category=[{"id": CATEGORY_CMI5}])),
        ["cmi5 allowed statement must not carry the cmi5 category"]),
    "wrong object id": (
        lambda s: _edit(s, VERB_INITIALIZED, lambda x: x["object"].update(
            id="https://example.org/course/au1")),
        ["is not the launch activityId"]),
    "wrong registration": (
        lambda s: _edit(s, VERB_TERMINATED, lambda x: x["context"].update(
            registration=str(uuid.uuid4()))),
        ["context.registration is"]),
    "other actor": (
        lambda s: _edit(s, VERB_TERMINATED, lambda x: x.update(actor=new_actor())),
        ["is not the launch actor"]),
    "local timestamp": (
        lambda s: _edit(s, VERB_INITIALIZED, lambda x: x.update(
            timestamp=x["timestamp"].replace("Z", "+00:00"))),
        ["is not UTC ISO 8601 ending in Z"]),
    "id not a uuid": (
        lambda s: _edit(s, VERB_INITIALIZED, lambda x: x.update(id="stmt-1")),
        ["is not a UUID"]),
    "duplicate id": (
        lambda s: _edit(s, VERB_TERMINATED, lambda x: x.update(id=s[0]["id"])),
        ["id is not unique"]),
    "missing publisher grouping": (
        lambda s: _edit(s, VERB_COMPLETED, lambda x: x["context"]["contextActivities"].pop(
            "grouping")),
        ["the publisher id https://example.org/course/au1 is not in"]),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_check_cmi5_session_reports_violations(good, case: str) -> None:  # noqa: ANN001
    session, actor, registration, session_id = good
    breaker, expected = BROKEN[case]
    problems = _check(breaker(session), actor, registration, session_id)
    assert problems, case
    text = "\n".join(problems)
    for fragment in expected:
        assert fragment in text, f"{case}: {fragment!r} not in\n{text}"


def test_check_cmi5_session_browse_mode_and_mastery(good) -> None:  # noqa: ANN001
    session, actor, registration, session_id = good
    browse = _check(session, actor, registration, session_id, launch_mode="Browse")
    assert any("completed sent in Browse mode" in p for p in browse)
    assert any("passed sent in Browse mode" in p for p in browse)
    only_bounds = [session[0], session[1], session[4]]
    assert _check(only_bounds, actor, registration, session_id, launch_mode="Review") == []
    # without a masteryScore, no masteryscore extension is demanded
    no_mastery = _edit(session, VERB_PASSED, lambda x: x["context"]["extensions"].pop(
        EXT_MASTERY_SCORE))
    assert _check(no_mastery, actor, registration, session_id, mastery_score=None) == []
    assert _check([], actor, registration, session_id) == ["no AU statements in the session"]


def test_check_xapi_statement() -> None:
    actor = new_actor()
    good_statement = statement(actor, context={
        "registration": str(uuid.uuid4()),
        "contextActivities": {"parent": [{"id": ACTIVITY}]}}, result={
        "duration": "PT1M3.5S", "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}})
    assert check_xapi_statement(good_statement) == []
    registration = good_statement["context"]["registration"]
    assert check_xapi_statement(good_statement, registration=registration) == []
    assert check_xapi_statement(good_statement, registration=str(uuid.uuid4()))

    def problems(**changes: object) -> str:
        changed = copy.deepcopy(good_statement)
        for key, value in changes.items():
            if value is None:
                changed.pop(key)
            else:
                changed[key] = value
        return "\n".join(check_xapi_statement(changed))

    assert "verb" in problems(verb=None)
    assert "object is missing" in problems(object=None)
    assert "no display" in problems(verb={"id": "http://adlnet.gov/expapi/verbs/x"})
    assert "exactly one" in problems(actor={"mbox": "mailto:a@example.org",
                                            "account": actor["account"]})
    assert "exactly one" in problems(actor={"name": "nobody"})
    assert "mailto:" in problems(actor={"mbox": "a@example.org"})
    assert "timestamp is missing" in problems(timestamp=None)
    assert "ending in Z" in problems(timestamp="2024-01-01T10:00:00+02:00")
    assert "not a UUID" in problems(id="1234")
    assert "not an array" in problems(context={"contextActivities": {"parent": {"id": ACTIVITY}}})
    assert "not a UUID" in problems(context={"registration": "abc"})
    assert "not defined by xAPI" in problems(custom=1)
    assert "outside -1..1" in problems(result={"score": {"scaled": 2}})
    assert "ISO 8601 duration" in problems(result={"duration": "PT"})
    assert "not an IRI" in problems(context={"extensions": {"progress": 1}})


@pytest.mark.parametrize("value, ok", [
    ("PT1M3.5S", True), ("PT0S", True), ("P1DT2H", True), ("P3W", True), ("PT1.25S", True),
    ("PT", False), ("P", False), ("1M", False), ("PT1.S", False), ("PT-1S", False), (5, False),
])
def test_is_duration(value: object, ok: bool) -> None:
    assert is_duration(value) is ok


# --------------------------------------------------------------------------- browser

AU_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AU</title>
<script>
window.runAu = async () => {
  const q = new URLSearchParams(location.search);
  const endpoint = q.get("endpoint"), actor = JSON.parse(q.get("actor"));
  const registration = q.get("registration"), activityId = q.get("activityId");
  const token = (await (await fetch(q.get("fetch"), {method: "POST"})).json())["auth-token"];
  const headers = {"Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3"};
  const stateUrl = endpoint + "activities/state?" + new URLSearchParams({
    activityId, agent: JSON.stringify(actor), registration, stateId: "LMS.LaunchData"});
  const launchData = await (await fetch(stateUrl, {headers})).json();
  const send = async (verb, result, ms) => {
    const context = structuredClone(launchData.contextTemplate);
    context.registration = registration;
    context.contextActivities.category = [{id: "__CMI5__"}];
    const response = await fetch(endpoint + "statements", {method: "POST",
      headers: {...headers, "Content-Type": "application/json"},
      body: JSON.stringify({id: crypto.randomUUID(), actor, context,
        timestamp: new Date(Date.now() + ms).toISOString(),
        verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"en-US": verb}},
        object: {id: activityId, objectType: "Activity"}, ...(result ? {result} : {})})});
    return [response.status, response.headers.get("X-Experience-API-Version")];
  };
  const first = await send("initialized", null, 0);
  const last = await send("terminated", {duration: "PT1S"}, 5);
  const bookmark = await fetch(endpoint + "activities/state?" + new URLSearchParams({
    activityId, agent: JSON.stringify(actor), registration, stateId: "bookmark"}),
    {method: "PUT", headers: {...headers, "Content-Type": "application/json"},
     body: JSON.stringify({page: 3})});
  const again = await (await fetch(q.get("fetch"), {method: "POST"})).json();
  return {first, last, bookmark: bookmark.status, again, launchMode: launchData.launchMode};
};
</script></head><body><main><h1>AU</h1></main></body></html>
""".replace("__CMI5__", CATEGORY_CMI5)


@pytest.mark.browser
def test_chromium_runs_a_cmi5_session_across_origins(
        browser, ralph: Ralph, lrs_proxy: LrsProxy,  # noqa: ANN001
        cmi5_launcher: Cmi5Launcher, tmp_path: Path) -> None:
    (tmp_path / "au.html").write_text(AU_PAGE, encoding="utf-8")
    actor, registration = new_actor(), str(uuid.uuid4())
    with serve({"/course/": tmp_path}) as base:
        url, session_id = cmi5_launcher.launch_url(
            f"{base}/course/au.html", actor=actor, registration=registration,
            activity_id=ACTIVITY, launch_mode="Browse", publisher_id=PUBLISHER)
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url)
            outcome = page.evaluate("window.runAu()")
        finally:
            context.close()
    assert outcome["first"] == [200, "1.0.3"] and outcome["last"] == [200, "1.0.3"]
    assert outcome["bookmark"] == 204 and outcome["launchMode"] == "Browse"
    assert outcome["again"]["error-code"] == "1"
    assert lrs_proxy.get_state(ACTIVITY, actor, registration, "bookmark") == {"page": 3}
    preflights = [r for r in lrs_proxy.requests if r["method"] == "OPTIONS"]
    assert preflights, "Chromium sent no CORS preflight"
    stored = ralph.statements(agent=actor)
    assert [s["verb"]["id"] for s in stored] == [VERB_LAUNCHED, VERB_INITIALIZED,
                                                 VERB_TERMINATED]
    assert _check(stored, actor, registration, session_id, launch_mode="Browse",
                  mastery_score=None) == []
