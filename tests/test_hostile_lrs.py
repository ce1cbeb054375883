"""`coursepack report` against hostile LRS answers (issue 17, hole 4), table-driven.

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
