"""The course in Chromium against hostile LMS/LRS data (issue 17, holes 3 and 9), one table.

A small LMS+LRS on 127.0.0.1 serves the xAPI or cmi5 package and answers each case's way:
launch parameters (the actor, the endpoint), cmi5's LMS.LaunchData (returnURL and the
other values), the State API document the course saved earlier, and the LRS's answers to
statements. In every case the course starts within 10 s (with the LMS, or standalone with
a message saying why), throws no uncaught error, and Exit never runs a URL that is not
http(s) or relative.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.parse
import uuid
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from builder.build import build
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

ACTOR = {"objectType": "Agent", "name": "Learner",
         "account": {"homePage": "https://lms.example.org", "name": "learner-1"}}
PWN = "document.title='PWNED';document.documentElement.dataset.pwned=1"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("hostile-lms") / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    out = {}
    for path in build(root, ("xapi", "cmi5"), out=root.parent / "dist").written:
        with zipfile.ZipFile(path) as zf:
            out[path.stem.rsplit("-", 1)[1]] = {n: zf.read(n) for n in zf.namelist()}
    return out


@dataclass
class Case:
    target: str = "cmi5"
    params: dict = field(default_factory=dict)   #: launch parameters to replace (None: drop)
    launch_data: object = None                   #: LMS.LaunchData (None: a sound one)
    saved: object = None                         #: the course's saved state document (JSON)
    statements: tuple[int, bytes] = (200, b"[]")  #: the LRS's answer to statements
    ready: str = ""                              #: data-cp-ready expected ("" = the target)
    notice: str = ""                             #: phrase of the notice shown
    exit_to: str | None = None                   #: where Exit goes (None: stays)


def launch_data(**values) -> dict:
    return {"contextTemplate": {"extensions": {
        "https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"}},
        "launchMode": "Normal", "moveOn": "Completed", **values}


DAMAGED = "The link that opened this course is damaged"
CASES: dict[str, Case] = {
    # -- cmi5 returnURL: only http(s) and relative URLs are followed on Exit
    "return-javascript": Case(launch_data=launch_data(returnURL=f"javascript:{PWN}")),
    "return-javascript-upper": Case(launch_data=launch_data(returnURL=f"JavaScript:{PWN}")),
    "return-javascript-tab": Case(launch_data=launch_data(returnURL=f"java\tscript:{PWN}")),
    "return-javascript-space": Case(launch_data=launch_data(
        returnURL=f" \u0001javascript:{PWN}")),
    "return-data-html": Case(launch_data=launch_data(
        returnURL="data:text/html,<script>parent.document.title='PWNED'</script>")),
    "return-vbscript": Case(launch_data=launch_data(returnURL="vbscript:msgbox(1)")),
    "return-not-a-string": Case(launch_data=launch_data(returnURL={"href": "javascript:1"})),
    "return-http-absolute": Case(launch_data=launch_data(returnURL="{base}/returned?x=1"),
                                 exit_to="/returned?x=1"),
    "return-relative": Case(launch_data=launch_data(returnURL="/returned"),
                            exit_to="/returned"),
    # -- other LaunchData values of the wrong type
    "launch-data-a-list": Case(launch_data=[1, 2]),
    "launch-data-a-string": Case(launch_data="Normal"),
    "launch-mode-a-number": Case(launch_data=launch_data(launchMode=7)),
    "context-template-a-string": Case(launch_data=launch_data(contextTemplate="x")),
    "mastery-out-of-range": Case(launch_data=launch_data(masteryScore=7)),
    # -- launch parameters
    "actor-not-json": Case(params={"actor": "{name: x"}, ready="standalone", notice=DAMAGED),
    "actor-null": Case(params={"actor": "null"}, ready="standalone", notice=DAMAGED),
    "actor-a-list": Case(params={"actor": "[1]"}, ready="standalone", notice=DAMAGED),
    "actor-account-null": Case(params={"actor": '{"account": null}'}, ready="standalone",
                               notice=DAMAGED),
    "actor-xapi-not-json": Case(target="xapi", params={"actor": "}"}, ready="standalone",
                                notice=DAMAGED),
    "endpoint-javascript": Case(target="xapi", params={"endpoint": f"javascript:{PWN}//"}),
    "registration-missing": Case(params={"registration": None}, ready="standalone"),
    # -- the State API document saved earlier
    "saved-a-string": Case(saved="resume me"),
    "saved-fields-of-odd-types": Case(saved={"location": {"x": 1}, "suspend": 5,
                                             "status": ["c"], "sent": "all"}),
    "saved-suspend-garbage": Case(target="xapi", saved={"suspend": "%%%not-ours{[", "location":
                                                        "nowhere", "status": "passed"}),
    # -- the LRS's answers to statements
    "statements-500": Case(target="xapi", statements=(500, b"<html>oops</html>")),
    "statements-not-json": Case(target="xapi", statements=(200, b"not json")),
}


class LmsLrs:
    """Package files under /course/, an LRS under /lrs/, a page to return to."""

    def __init__(self, files: dict[str, bytes], case: Case):
        self.case = case
        self.files = files
        self.requests: list[str] = []
        lms = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def answer(self, code: int, body: bytes = b"",
                       ctype: str = "application/json") -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                lms.requests.append("GET " + self.path)
                url = urllib.parse.urlsplit(self.path)
                if url.path.startswith("/course/"):
                    name = url.path[len("/course/"):]
                    kind = ("text/html" if name.endswith(".html") else "text/css"
                            if name.endswith(".css") else "text/javascript"
                            if name.endswith(".js") else "application/octet-stream")
                    if name in lms.files:
                        self.answer(200, lms.files[name], kind)
                    else:
                        self.answer(404)
                elif url.path == "/returned":
                    self.answer(200, b"<title>returned</title>", "text/html")
                elif url.path == "/lrs/activities/state":
                    state = urllib.parse.parse_qs(url.query)["stateId"][0]
                    doc = lms.case.launch_data if state == "LMS.LaunchData" else lms.case.saved
                    if state == "LMS.LaunchData" and doc is None:
                        doc = launch_data()
                    if doc is None:
                        self.answer(404)
                    else:
                        base = f"http://127.0.0.1:{lms.port}"
                        self.answer(200, json.dumps(doc).replace("{base}", base).encode())
                else:
                    self.answer(404)

            def body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self) -> None:  # noqa: N802
                lms.requests.append("POST " + self.path)
                self.body()
                if self.path.startswith("/lrs/fetch"):
                    self.answer(200, b'{"auth-token": "dXNlcjpwYXNz"}')
                elif self.path.startswith("/lrs/statements"):
                    self.answer(*lms.case.statements)
                else:
                    self.answer(204)

            do_PUT = do_POST  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def launch_url(self) -> str:
        base = f"http://127.0.0.1:{self.port}"
        params = {"endpoint": base + "/lrs/", "actor": json.dumps(ACTOR),
                  "registration": str(uuid.uuid4())}
        if self.case.target == "cmi5":
            params.update(fetch=base + "/lrs/fetch", activityId="urn:coursepack:minimal/au")
        else:
            params.update(auth="Basic dXNlcjpwYXNz", activity_id="urn:coursepack:minimal")
        for k, v in self.case.params.items():
            if v is None:
                params.pop(k, None)
            else:
                params[k] = v
        return f"{base}/course/index.html?" + urllib.parse.urlencode(params)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_lms_data(browser, packages, name):
    case = CASES[name]
    lms = LmsLrs(packages[case.target], case)
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
        page.goto(lms.launch_url())
        page.wait_for_selector("html[data-cp-ready]", timeout=10_000)
        assert page.get_attribute("html", "data-cp-ready") == (case.ready or case.target)
        if case.notice:
            assert case.notice in page.locator(".cp-notice").inner_text()
        page.locator(".cp-next").click()
        page.locator(".cp-exit").click()
        if case.exit_to:
            page.wait_for_url(f"http://127.0.0.1:{lms.port}{case.exit_to}", timeout=10_000)
        else:
            page.wait_for_timeout(400)  # time for a navigation that must not come
            assert page.url.startswith(f"http://127.0.0.1:{lms.port}/course/index.html")
            assert page.title() != "PWNED"
            assert page.get_attribute("html", "data-pwned") is None
        assert errors == []
    finally:
        context.close()
        lms.close()
