"""`coursepack report` against hostile LRS answers (issue 17, hole 4), and the preview's
test LRS against hostile requests (hole 8), table-driven.

A real HTTP server on 127.0.0.1 plays the LRS and answers each case's way; a second one
plays another host that must never see a request (its ``more`` link or redirect would
carry the credentials there). Every case: exit code as expected, no traceback, the
password never printed, done within 10 s.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from builder.cli import cli

PASSWORD = "s3cret-Pa55"
STATEMENT = {"id": "6b1c1d2e-0000-4000-8000-000000000001",
             "actor": {"mbox": "mailto:a@example.org"},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
             "object": {"id": "https://example.org/course"},
             "stored": "2026-01-01T00:00:00Z"}


@dataclass
class Server:
    """An HTTP server whose answers come from ``answer(path) -> (status, headers, body)``."""

    answer: Callable[[str], tuple[int, dict, bytes]] = lambda path: (404, {}, b"")
    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, self.headers.get("Authorization", "")))
                status, headers, body = server.answer(self.path)
                self.send_response(status)
                for k, v in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:  # the client gave up (the slow case)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    lrs, other = Server(), Server()
    try:
        yield lrs, other
    finally:
        lrs.close()
        other.close()


def page(body) -> tuple[int, dict, bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return 200, {"Content-Type": "application/json"}, data


def first_then(first, then=None):
    """The first page's answer, then ``then`` for any later request."""
    def answer(path: str):
        return page(first) if "limit=" in path else (then or page({"statements": []}))
    return answer


# (case, the LRS's answer given the other host's port, exit code, phrase of the output)
CASES: list[tuple[str, Callable[[int], Callable], int, str]] = [
    ("more-userinfo-to-other-host",  # resolved as a URL, it is a path on the LRS
     lambda o: first_then({"statements": [], "more": f"@127.0.0.1:{o}/steal"}),
     0, "No statements found"),
    ("more-absolute-other-host",
     lambda o: first_then({"statements": [], "more": f"http://127.0.0.1:{o}/steal"}),
     1, "'more' link leads to another host"),
    ("more-scheme-relative-other-host",
     lambda o: first_then({"statements": [], "more": f"//127.0.0.1:{o}/steal"}),
     1, "'more' link leads to another host"),
    ("more-other-scheme",
     lambda o: first_then({"statements": [], "more": "file:///etc/passwd"}),
     1, "'more' link leads to another host"),
    ("more-same-origin-followed",
     lambda o: first_then({"statements": [], "more": "/xAPI/statements?page=2"},
                          page({"statements": [STATEMENT]})),
     0, "a@example.org"),
    ("more-not-text", lambda o: first_then({"statements": [], "more": 5}),
     1, "'more' link is not a text"),
    ("more-repeats-forever",
     lambda o: lambda path: page({"statements": [], "more": "/xAPI/statements?same"}),
     1, "repeats an earlier page"),
    ("body-is-a-list", lambda o: first_then([STATEMENT]), 1, "JSON that is not an object"),
    ("body-is-a-string", lambda o: first_then("statements"), 1, "JSON that is not an object"),
    ("body-is-null", lambda o: first_then(None), 1, "JSON that is not an object"),
    ("body-is-a-number", lambda o: first_then(7), 1, "JSON that is not an object"),
    ("body-not-json", lambda o: first_then(b"<html>login</html>"), 1,
     "did not answer with JSON"),
    ("statements-not-a-list", lambda o: first_then({"statements": "x"}), 1,
     "'statements' is not a list"),
    ("statements-of-odd-values", lambda o: first_then({"statements": [1, None, "x",
                                                                      STATEMENT]}),
     0, "a@example.org"),
    ("redirect-to-other-host",
     lambda o: lambda path: (302, {"Location": f"http://127.0.0.1:{o}/steal"}, b""),
     1, "redirect to http://127.0.0.1"),
    ("unauthorised-echoing-the-header",
     lambda o: lambda path: (401, {}, f"bad credentials for {PASSWORD}".encode()),
     1, "the LRS answered 401"),
    ("slow", lambda o: lambda path: (time.sleep(3), page({"statements": []}))[1],
     1, "did not answer within 0.5 seconds"),
]


@pytest.mark.parametrize("name,answer,code,says", CASES, ids=[c[0] for c in CASES])
def test_report_against_a_hostile_lrs(servers, runner, name, answer, code, says,
                                      monkeypatch):
    lrs, other = servers
    lrs.answer = answer(other.port)
    other.answer = lambda path: page({"statements": [STATEMENT]})
    monkeypatch.setenv("COURSEPACK_LRS_PASSWORD", PASSWORD)
    started = time.monotonic()
    result = runner.invoke(cli, ["report", "--endpoint", f"http://127.0.0.1:{lrs.port}/xAPI/",
                                 "--user", "key", "--timeout", "0.5"])
    assert time.monotonic() - started < 10
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.output
    assert says in result.output
    assert other.requests == [], "a request went to another host"
    assert lrs.requests, "the LRS was never asked"
    shown = result.output.replace(f"bad credentials for {PASSWORD}", "")  # the LRS's words
    assert PASSWORD not in shown


def test_credentials_in_the_endpoint_are_used_and_never_shown(servers, runner):
    lrs, _ = servers
    lrs.answer = lambda path: (500, {}, b"boom")
    endpoint = f"http://key:{PASSWORD}@127.0.0.1:{lrs.port}/xAPI/"
    result = runner.invoke(cli, ["report", "--endpoint", endpoint, "--user", "",
                                 "--password", ""])
    assert result.exit_code == 1
    assert f"http://***@127.0.0.1:{lrs.port}/xAPI/" in result.output
    assert PASSWORD not in result.output
    import base64

    assert lrs.requests[0][1] == "Basic " + base64.b64encode(
        f"key:{PASSWORD}".encode()).decode()


def test_password_from_the_environment_or_a_prompt(servers, runner, monkeypatch):
    lrs, _ = servers
    lrs.answer = lambda path: page({"statements": [STATEMENT]})
    args = ["report", "--endpoint", f"http://127.0.0.1:{lrs.port}/xAPI/", "--user", "key"]
    monkeypatch.setenv("COURSEPACK_LRS_PASSWORD", "from-env")
    assert runner.invoke(cli, args).exit_code == 0
    monkeypatch.delenv("COURSEPACK_LRS_PASSWORD")
    result = runner.invoke(cli, args, input="typed\n")
    assert result.exit_code == 0, result.output
    assert "typed" not in result.output  # hidden input
    import base64

    assert [auth for _, auth in lrs.requests] == [
        "Basic " + base64.b64encode(b"key:" + p).decode() for p in (b"from-env", b"typed")]


def test_the_default_timeout_is_30_seconds():
    from builder.cli import report

    [option] = [p for p in report.params if p.name == "timeout"]
    assert option.default == 30


# -- 8. the preview's test LRS against hostile requests -----------------------------------

AGENT = json.dumps({"account": {"homePage": "http://127.0.0.1", "name": "preview"}})
STATE = "/__lrs/activities/state?" + urlencode({"activityId": "https://example.org/c",
                                                "agent": AGENT, "stateId": "s"})
GOOD = {"actor": {"mbox": "mailto:a@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://example.org/c"}}

# (case, method, path, body, extra headers, status, phrase of the answer)
PREVIEW_CASES = [
    ("statement-without-id", "POST", "/__lrs/statements", json.dumps(GOOD), {}, 200, ""),
    ("statements-without-ids", "POST", "/__lrs/statements", json.dumps([GOOD, GOOD]), {},
     200, ""),
    ("statement-id-not-a-uuid", "POST", "/__lrs/statements",
     json.dumps({**GOOD, "id": "x"}), {}, 400, "is not a UUID"),
    ("statement-id-a-number", "POST", "/__lrs/statements", json.dumps({**GOOD, "id": 5}), {},
     400, "is not a UUID"),
    ("statement-a-string", "POST", "/__lrs/statements", '"hello"', {}, 400,
     "a statement is a JSON object"),
    ("statements-of-numbers", "POST", "/__lrs/statements", "[1, 2]", {}, 400,
     "a statement is a JSON object"),
    ("statement-invalid-json", "POST", "/__lrs/statements", "{not json", {}, 400,
     "the body is not valid JSON"),
    ("statement-not-utf8", "POST", "/__lrs/statements", b"\xff\xfe{", {}, 400,
     "the body is not valid JSON"),
    ("put-statement-invalid-json", "PUT", "/__lrs/statements?statementId="
     "6b1c1d2e-0000-4000-8000-000000000002", "[", {}, 400, "not valid JSON"),
    ("put-statement-a-list", "PUT", "/__lrs/statements", "[]", {}, 400,
     "a statement is a JSON object"),
    ("put-statement-without-id", "PUT", "/__lrs/statements", json.dumps(GOOD), {}, 204, ""),
    ("state-get-without-parameters", "GET", "/__lrs/activities/state", None, {}, 400,
     "missing: activityId, agent, stateId"),
    ("state-put-without-parameters", "PUT", "/__lrs/activities/state", "{}", {}, 400,
     "missing: activityId, agent, stateId"),
    ("state-post-without-parameters", "POST", "/__lrs/activities/state", "{}", {}, 400,
     "missing: activityId, agent, stateId"),
    ("state-agent-not-json", "GET", STATE.replace("account", "acc%22%22ount%7B"), None, {},
     400, "agent is not valid JSON"),
    ("state-agent-a-list", "GET", "/__lrs/activities/state?activityId=a&stateId=s&agent=[]",
     None, {}, 400, "agent is not a JSON object"),
    ("state-put-invalid-json", "PUT", STATE, "{", {}, 400, "not valid JSON"),
    ("content-length-not-a-number", "POST", "/__lrs/statements", None,
     {"Content-Length": "many"}, 400, "Content-Length"),
    ("foreign-host", "GET", "/__status", None, {"Host": "evil.example:80"}, 403,
     "answers only to 127.0.0.1"),
    ("rebound-host-same-port", "GET", "/__lrs/log", None, {"Host": "attacker.example:{port}"},
     403, "answers only to 127.0.0.1"),
    ("foreign-origin-posts", "POST", "/__lrs/statements", json.dumps(GOOD),
     {"Origin": "https://evil.example"}, 403, "other sites are refused"),
    ("foreign-origin-resets", "POST", "/__lrs/reset", "", {"Origin": "null"}, 403,
     "other sites are refused"),
    ("other-port-origin", "PUT", STATE, "{}", {"Origin": "http://127.0.0.1:1"}, 403,
     "other sites are refused"),
    ("own-origin-is-fine", "PUT", STATE, "{}", {"Origin": "http://127.0.0.1:{port}"}, 204, ""),
    ("localhost-is-fine", "GET", "/__status", None, {"Host": "localhost:{port}"}, 200, ""),
]


@pytest.fixture(scope="module")
def xapi_preview(tmp_path_factory):
    import shutil

    from builder.preview import PreviewServer
    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("preview") / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    server = PreviewServer(root, "xapi", 0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def raw_request(port: int, method: str, path: str, body, headers: dict) -> tuple[int, str]:
    """One request with exactly these headers (http.client, so Host can be anything)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = body.encode() if isinstance(body, str) else body
        conn.putrequest(method, path, skip_host="Host" in headers,
                        skip_accept_encoding=True)
        sent = {"Content-Length": str(len(data or b""))} | headers
        for k, v in sent.items():
            conn.putheader(k, v.replace("{port}", str(port)))
        conn.endheaders(data)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("name,method,path,body,headers,status,says", PREVIEW_CASES,
                         ids=[c[0] for c in PREVIEW_CASES])
def test_preview_lrs_against_hostile_requests(xapi_preview, capfd, name, method, path, body,
                                              headers, status, says):
    port = xapi_preview.httpd.server_address[1]
    before = len(xapi_preview.preview.statements)
    got, text = raw_request(port, method, path, body, headers)
    assert (got, says in text) == (status, True), text
    if status >= 400 and method == "POST" and "statements" in path:
        assert len(xapi_preview.preview.statements) == before  # nothing stored
    # the LRS still works afterwards, and nothing printed a traceback
    got, _ = raw_request(port, "POST", "/__lrs/statements", json.dumps(GOOD), {})
    assert got == 200
    assert all("id" in s for s in xapi_preview.preview.statements)
    assert "Traceback" not in capfd.readouterr().err
