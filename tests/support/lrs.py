"""The LRS side for xAPI (Tin Can) and cmi5 tests: Ralph, a proxy in front of it, a cmi5 LMS.

Pieces
------
``Ralph``
    Ralph (PyPI ``ralph-malph``) as the real LRS: its FastAPI app under uvicorn on
    127.0.0.1, file-system backend in a temporary directory, HTTP Basic credentials
    made by ``ralph auth``. ``statements()`` reads back through the ``tincan``
    library; ``send()`` posts a statement (the cmi5 LMS writes ``launched`` with it).

``LrsProxy``
    A threaded HTTP server between the browser and Ralph. It adds CORS (courses run
    from another origin), forwards ``/xAPI/...`` to Ralph, records every request and
    injects faults (LRS down, dropped connections, delays, the next n requests
    failing). It also plays the cmi5 LMS's one-time ``fetch`` URL.

    **The State API here is a test double.** Ralph has no State API (its
    ``/xAPI/activities/state`` answers 404) and no Agent Profile API, so the proxy
    serves ``/xAPI/activities/state`` (GET/PUT/POST/DELETE, keyed by activityId,
    agent, registration and stateId, POST merging JSON objects, Basic auth checked
    against Ralph's credentials) and a minimal ``/xAPI/agents/profile`` from
    memory, and answers ``/xAPI/about`` itself. Statements always go to Ralph.

``Cmi5Launcher``
    The LMS side of a cmi5 launch: writes ``LMS.LaunchData`` into the proxy's State
    store, sends ``launched`` to Ralph, registers a fetch token and builds the launch
    URL.

``check_xapi_statement`` / ``check_cmi5_session``
    Return lists of human-readable rule violations (empty = fine) for one statement
    (xAPI 1.0.3 basics) and for the statements of one cmi5 AU session (cmi5 Quartz
    §9, spec-checklist §e.4).

Ralph 5.1.0 quirks this module works around (see ``Ralph``):
  * ``ralph runserver`` always starts uvicorn with the reloader; we run the same app
    (``ralph.api:app``) with ``uvicorn.run(..., reload=False)`` instead.
  * Its fs LRS backend writes with operation type INDEX, which refuses to write when
    ``fs_lrs.jsonl`` exists: only the first POST ever succeeds, later ones get 500
    "Statements bulk indexation failed". The server bootstrap sets the backend's
    default operation type to APPEND.
  * ``ralph.api`` imports ``requests`` (OIDC auth) but the ``lrs`` extra does not
    install it; when it is missing, a stand-in module is registered in the Ralph
    subprocesses only (OIDC is never used here).
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import http.client
import http.server
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tincan import Agent, Group, RemoteLRS

# --------------------------------------------------------------------------- vocabulary

XAPI_VERSION = "1.0.3"

VERB_LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"  # cmi5 §9.3.1
VERB_INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
VERB_ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
VERB_WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
VERB_SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"

CMI5_AU_VERBS = (VERB_INITIALIZED, VERB_COMPLETED, VERB_PASSED, VERB_FAILED, VERB_TERMINATED)
CMI5_LMS_ONLY_VERBS = (VERB_ABANDONED, VERB_WAIVED, VERB_SATISFIED)

CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"

EXT_SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
EXT_MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
EXT_LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
EXT_LAUNCH_URL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
EXT_MOVE_ON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
EXT_LAUNCH_PARAMETERS = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters"
EXT_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"

LAUNCH_DATA_STATE_ID = "LMS.LaunchData"

READY_TIMEOUT_S = 20.0


def utc_now() -> str:
    """The current time as an xAPI timestamp: UTC, millisecond precision, ``Z``."""
    now = _dt.datetime.now(_dt.UTC)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def basic_auth(username: str, password: str) -> str:
    """The value of an ``Authorization`` header for HTTP Basic auth."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- Ralph

# Registers a stand-in for `requests` when it is missing: ralph.api imports it for its
# OIDC auth only, and ralph-malph[lrs] 5.1.0 does not depend on it.
_REQUESTS_SHIM = """
import importlib.util, sys, types
if importlib.util.find_spec("requests") is None:
    shim = types.ModuleType("requests")
    class RequestException(Exception):
        pass
    def _unavailable(*args, **kwargs):
        raise RequestException("requests is not installed (OIDC is unavailable)")
    shim.exceptions = types.SimpleNamespace(RequestException=RequestException)
    shim.get = shim.post = _unavailable
    sys.modules["requests"] = shim
"""

# `ralph auth ...` with the shim (the CLI imports ralph.api).
_AUTH_BOOT = _REQUESTS_SHIM + """
from ralph.cli import cli
cli(args=sys.argv[1:], prog_name="ralph")
"""

# The app `ralph runserver -b fs` serves, without the reloader, with fs writes appending.
# It runs in its own session, so it exits by itself once the test process is gone
# (e.g. pytest killed), instead of living on as an orphan.
_SERVER_BOOT = _REQUESTS_SHIM + """
import os, threading, time
def _exit_with_parent(parent=os.getppid()):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=_exit_with_parent, daemon=True).start()
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", reload=False, access_log=False)
"""


def missing_ralph() -> list[str]:
    """What running Ralph needs and this Python lacks (empty list = all there)."""
    needed = {"ralph": "ralph-malph", "uvicorn": "ralph-malph[lrs]",
              "fastapi": "ralph-malph[lrs]", "bcrypt": "ralph-malph[cli]",
              "click_option_group": "ralph-malph[cli]", "tincan": "tincan"}
    return [f"{module} ({package})" for module, package in needed.items()
            if importlib.util.find_spec(module) is None]


class RalphError(RuntimeError):
    """Ralph did not start, or refused a request."""


class _RawRemoteLRS(RemoteLRS):
    """tincan's RemoteLRS, remembering the last raw HTTP response.

    tincan turns statements into its own objects and fails on the lax statements
    Ralph accepts (e.g. an invalid timestamp: TypeError); the raw JSON body is what
    the checkers must see, exactly as Ralph stored it.
    """

    last_response: Any = None

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr == "last_response":  # tincan's Base allows its own properties only
            object.__setattr__(self, attr, value)
        else:
            super().__setattr__(attr, value)

    def _send_request(self, request: Any) -> Any:
        response = super()._send_request(request)
        self.last_response = response
        return response


class Ralph:
    """Ralph as the real LRS on 127.0.0.1 (free port), fs backend in a temp dir.

    ::

        ralph = Ralph(); ralph.start()
        ralph.endpoint            # "http://127.0.0.1:N/xAPI/"
        ralph.send({...}); ralph.statements(agent={...})
        ralph.stop(); ralph.start()   # same port, same data: the LRS down for a while
        ralph.close()                 # stop and delete the temp dir

    Statements accumulate for the lifetime of the instance; tests sharing one Ralph
    should use their own actor (or registration) and filter by it.
    """

    def __init__(self, workdir: Path | None = None, *, port: int | None = None,
                 username: str = "coursepack-lms", password: str | None = None,
                 authority_mbox: str = "mailto:lms@example.org") -> None:
        self._own_dir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="ralph-"))
        self.app_dir = self.workdir / "app"
        self.data_dir = self.workdir / "data"
        self.log_path = self.workdir / "ralph.log"
        self.port = port or _free_port()
        self.username = username
        self.password = password or secrets.token_urlsafe(16)
        self.authority_mbox = authority_mbox
        self.startup_seconds: float | None = None  # of the last start()
        self._proc: subprocess.Popen | None = None
        self._credentials_made = False

    # ----------------------------------------------------------------- properties

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/xAPI/"

    @property
    def auth_header(self) -> str:
        return basic_auth(self.username, self.password)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log(self) -> str:
        """Everything Ralph wrote to stdout/stderr so far (all starts)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    # ----------------------------------------------------------------- lifecycle

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("RALPH_") and k != "SENTRY_DSN"}
        env.update({
            "RALPH_APP_DIR": str(self.app_dir),
            "RALPH_AUTH_FILE": str(self.app_dir / "auth.json"),
            "RALPH_HISTORY_FILE": str(self.app_dir / "history.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def _make_credentials(self) -> None:
        """``ralph auth -u USER -p PASS -s all -M MBOX -w`` into RALPH_AUTH_FILE."""
        self.app_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-c", _AUTH_BOOT, "auth", "-u", self.username,
                   "-p", self.password, "-s", "all", "-M", self.authority_mbox, "-w"]
        result = subprocess.run(command, env=self._env(), cwd=self.workdir,
                                capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0 or not (self.app_dir / "auth.json").is_file():
            raise RalphError(f"`ralph auth` failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
        self._credentials_made = True

    def start(self) -> None:
        """Start (or restart) the server; return once it answers (fail after 20 s)."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self._credentials_made:
            self._make_credentials()
        began = time.monotonic()
        with open(self.log_path, "ab") as log:
            log.write(f"--- start on port {self.port} ---\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _SERVER_BOOT, str(self.port)],
                env=self._env(), cwd=self.workdir, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = began + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise RalphError(f"Ralph exited with {code} while starting:\n{self.log()}")
            if self._answers():
                self.startup_seconds = time.monotonic() - began
                return
            time.sleep(0.05)
        self.stop()
        raise RalphError(f"Ralph did not answer within {READY_TIMEOUT_S:.0f} s:\n{self.log()}")

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=0.5)
        try:
            conn.request("GET", "/__lbheartbeat__")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def stop(self) -> None:
        """Kill Ralph's whole process group (SIGTERM, then SIGKILL after 5 s)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        if proc.poll() is None:
            proc.wait(timeout=5)

    def close(self) -> None:
        """Stop Ralph and delete its directory if this instance created it."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Ralph:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ----------------------------------------------------------------- statements

    def send(self, statement: dict) -> list[str]:
        """POST one statement to Ralph directly; return the ids Ralph answers."""
        body = json.dumps(statement).encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", "/xAPI/statements", body=body, headers={
                "Authorization": self.auth_header, "Content-Type": "application/json",
                "X-Experience-API-Version": XAPI_VERSION})
            response = conn.getresponse()
            data = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        if response.status == 204:  # same id and content already stored
            return [statement["id"]] if "id" in statement else []
        if response.status != 200:
            raise RalphError(f"Ralph refused the statement: {response.status} {data}")
        return json.loads(data)

    def statements(self, agent: dict | Any | None = None, *,
                   page_size: int | None = None) -> list[dict]:
        """Every stored statement (of ``agent``, if given), oldest first, as plain dicts.

        Read through tincan's ``RemoteLRS.query_statements`` (then ``more_statements``
        while Ralph returns a ``more`` link); ``page_size`` is sent as ``limit``.
        The dicts are Ralph's JSON as stored (with ``stored`` and ``authority``),
        not tincan's re-serialisation. Only the agent filter is used: Ralph's fs
        backend ignores ``verb`` and ``activity`` filters (returns nothing).
        """
        lrs = _RawRemoteLRS(endpoint=self.endpoint, username=self.username,
                            password=self.password, version=XAPI_VERSION)
        query: dict[str, Any] = {}
        if agent is not None:
            if isinstance(agent, dict):
                kind = Group if agent.get("objectType") == "Group" else Agent
                agent = kind.from_json(json.dumps(agent))
            query["agent"] = agent
        if page_size:
            query["limit"] = page_size

        def fetch(call: Any, *args: Any) -> dict:
            lrs.last_response = None
            try:
                response = call(*args)
            except Exception:  # tincan could not model a lax statement; use the raw body
                response = lrs.last_response
                if response is None:
                    raise
            if not response.success:
                raise RalphError(f"reading statements failed: {response.response.status} "
                                 f"{response.data}")
            return json.loads(response.data)

        found: list[dict] = []
        page = fetch(lrs.query_statements, query)
        for _ in range(100_000):
            found.extend(page.get("statements", []))
            more = page.get("more")
            if not more or not page.get("statements"):
                break
            page = fetch(lrs.more_statements, more)
        return _in_stored_order(found)


def _parse_time(value: Any) -> _dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed


def _in_stored_order(statements: list[dict]) -> list[dict]:
    """Oldest first by ``stored`` (Ralph's fs backend already returns file order)."""
    epoch = _dt.datetime.min.replace(tzinfo=_dt.UTC)
    return sorted(statements, key=lambda s: _parse_time(s.get("stored")) or epoch)


# --------------------------------------------------------------------------- agents


def new_actor(name: str | None = None, home_page: str = "https://lms.example.org") -> dict:
    """A cmi5-style Agent with an account of its own (a unique name by default)."""
    return {"objectType": "Agent", "name": "Test Learner",
            "account": {"homePage": home_page, "name": name or f"learner-{uuid.uuid4()}"}}


IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def agent_key(agent: dict | str) -> str:
    """A canonical string for an Agent/Group: its inverse functional identifier.

    ``name`` and ``objectType: "Agent"`` do not change who an agent is, so
    ``{"objectType": "Agent", "name": "Jo", "account": {...}}`` and
    ``{"account": {...}}`` give the same key.
    """
    if isinstance(agent, str):
        agent = json.loads(agent)
    if not isinstance(agent, dict):
        raise ValueError(f"an agent must be a JSON object, not {agent!r}")
    ifis = {k: agent[k] for k in IFI_KEYS if k in agent}
    if ifis:
        if agent.get("objectType") == "Group":
            ifis["objectType"] = "Group"
        return json.dumps(ifis, sort_keys=True, separators=(",", ":"))
    rest = {k: v for k, v in agent.items() if k != "name"}
    return json.dumps(rest, sort_keys=True, separators=(",", ":"))


def _same_agent(a: Any, b: Any) -> bool:
    try:
        return agent_key(a) == agent_key(b)
    except (ValueError, TypeError):
        return False


# --------------------------------------------------------------------------- proxy


CORS_ALLOW_HEADERS = ("Authorization, Content-Type, X-Experience-API-Version, "
                      "If-Match, If-None-Match")
CORS_ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
CORS_EXPOSE_HEADERS = "X-Experience-API-Version, ETag, Last-Modified"
CORS_MAX_AGE = "600"

_FORWARD_REQUEST_HEADERS = ("Authorization", "Content-Type", "X-Experience-API-Version",
                            "If-Match", "If-None-Match")
_FORWARD_RESPONSE_HEADERS = ("Content-Type", "X-Experience-API-Version", "ETag",
                             "Last-Modified", "Location")


class _Drop(Exception):
    """Close the connection without answering."""


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    proxy: LrsProxy  # set on the subclass made per proxy
    server_version = "coursepack-lrs-proxy"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_PUT(self) -> None:  # noqa: N802
        self._handle()

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle()

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        record = {
            "method": self.command,
            "path": split.path,
            "query": dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True)),
            "status": None,
            "body": body.decode("utf-8", "replace"),
            "headers": {k: v for k, v in self.headers.items()},
            "response": None,
            "time": time.time(),
        }
        try:
            status, headers, payload = self.proxy._respond(
                self.command, split.path, split.query, self.headers, body)
        except _Drop:
            self.close_connection = True
            self.proxy._record(record)
            return
        record["status"] = status
        record["response"] = payload.decode("utf-8", "replace")
        self.proxy._record(record)
        self.send_response(status)
        sent = set()
        for name, value in headers:
            self.send_header(name, value)
            sent.add(name.lower())
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS)
        self.send_header("Cache-Control", "no-store")
        if "content-length" not in sent:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)


def _json_response(status: int, value: Any) -> tuple[int, list, bytes]:
    return (status, [("Content-Type", "application/json"),
                     ("X-Experience-API-Version", XAPI_VERSION)],
            json.dumps(value).encode())


def _error(status: int, message: str) -> tuple[int, list, bytes]:
    return _json_response(status, {"error": message})


class LrsProxy:
    """HTTP server on 127.0.0.1 (free port) between the browser and Ralph.

    - ``/xAPI/...`` is forwarded to Ralph (method, query, body, Authorization,
      Content-Type, X-Experience-API-Version); Ralph's status, body and headers come
      back (X-Experience-API-Version: 1.0.3 is added when Ralph leaves it out, which
      Ralph 5.1.0 always does).
    - ``/xAPI/activities/state``: the State API, served here (test double, see the
      module docstring). ``state`` is the store: ``{(activityId, agent_key(agent),
      registration or None, stateId): value}``; JSON documents are kept parsed, other
      bodies as text.
    - ``/xAPI/agents/profile``: a minimal Agent Profile API (GET from
      ``agent_profiles``, else 404; writes stored, or 403 when
      ``agent_profile_read_only``).
    - ``/xAPI/about``: ``{"version": ["1.0.3"]}``.
    - ``POST /fetch/<token>``: the cmi5 fetch URL (``add_fetch_token``).
    - CORS on everything; OPTIONS preflights answered here (never forwarded).

    Fault injection (statement requests = ``/xAPI/statements``; with
    ``fault_state = True`` also the State and Agent Profile APIs):
    ``down`` answers 503; ``fail_next(n)`` makes the next n such requests 503;
    ``drop = True`` turns those 503s into a closed connection without an answer;
    ``delay`` sleeps that many seconds before a request is forwarded/served.
    If Ralph itself is stopped, forwarded requests get 502.

    ``requests`` records every request: ``{method, path, query, status, body,
    headers, response, time}`` (status None when dropped; ``query`` a dict).
    Request bodies are read by Content-Length (browsers and tincan send it).
    """

    def __init__(self, ralph: Ralph) -> None:
        self.ralph = ralph
        self.down = False
        self.drop = False
        self.delay = 0.0
        self.fault_state = False
        self.agent_profile_read_only = False
        self.state: dict[tuple[str, str, str | None, str], Any] = {}
        self.state_types: dict[tuple[str, str, str | None, str], str] = {}
        self.agent_profiles: dict[tuple[str, str], Any] = {}
        self.fetches: dict[str, int] = {}
        self.requests: list[dict] = []
        self._fail_next = 0
        self._fetch_tokens: dict[str, str] = {}
        self._lock = threading.RLock()
        handler = type("LrsProxyHandler", (_ProxyHandler,), {"proxy": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="lrs-proxy", daemon=True)
        self._thread.start()

    # ----------------------------------------------------------------- public API

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/xAPI/"

    @property
    def username(self) -> str:
        return self.ralph.username

    @property
    def password(self) -> str:
        return self.ralph.password

    @property
    def auth_header(self) -> str:
        return self.ralph.auth_header

    def fail_next(self, n: int) -> None:
        """The next ``n`` statement requests get 503 (or are dropped if ``drop``)."""
        with self._lock:
            self._fail_next = n

    def state_key(self, activity_id: str, agent: dict | str, registration: str | None,
                  state_id: str) -> tuple[str, str, str | None, str]:
        return (activity_id, agent_key(agent), registration or None, state_id)

    def set_state(self, activity_id: str, agent: dict | str, registration: str | None,
                  state_id: str, value: Any, content_type: str | None = None) -> None:
        """Store a state document (JSON-able values as application/json)."""
        key = self.state_key(activity_id, agent, registration, state_id)
        with self._lock:
            self.state[key] = copy.deepcopy(value)
            self.state_types[key] = content_type or (
                "text/plain" if isinstance(value, str) else "application/json")

    def get_state(self, activity_id: str, agent: dict | str, registration: str | None,
                  state_id: str, default: Any = None) -> Any:
        key = self.state_key(activity_id, agent, registration, state_id)
        with self._lock:
            return copy.deepcopy(self.state.get(key, default))

    def set_agent_profile(self, agent: dict | str, profile_id: str, value: Any) -> None:
        with self._lock:
            self.agent_profiles[(agent_key(agent), profile_id)] = copy.deepcopy(value)

    def add_fetch_token(self, token: str, auth_token: str | None = None) -> str:
        """Register a one-time fetch token; return its URL. The AU gets ``auth_token``
        (default: base64 of Ralph's ``user:pass``, i.e. the Basic credential)."""
        if auth_token is None:
            auth_token = self.auth_header.split(" ", 1)[1]
        with self._lock:
            self._fetch_tokens[token] = auth_token
            self.fetches.setdefault(token, 0)
        return self.fetch_url(token)

    def fetch_url(self, token: str) -> str:
        return f"{self.base_url}/fetch/{urllib.parse.quote(token, safe='')}"

    def statement_requests(self, method: str | None = None) -> list[dict]:
        """The recorded requests to /xAPI/statements (optionally of one method)."""
        with self._lock:
            return [r for r in self.requests if _is_statements(r["path"])
                    and (method is None or r["method"] == method)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    stop = close

    def __enter__(self) -> LrsProxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ----------------------------------------------------------------- internals

    def _record(self, record: dict) -> None:
        with self._lock:
            self.requests.append(record)

    def _fault(self) -> tuple[int, list, bytes] | None:
        with self._lock:
            failing = self.down
            if not failing and self._fail_next > 0:
                self._fail_next -= 1
                failing = True
            drop = self.drop
        if failing:
            if drop:
                raise _Drop()
            return _error(503, "LRS unavailable (injected test fault)")
        if self.delay:
            time.sleep(self.delay)
        return None

    def _respond(self, method: str, path: str, query: str, headers: Any,
                 body: bytes) -> tuple[int, list, bytes]:
        if method == "OPTIONS":
            preflight = [("Access-Control-Allow-Methods", CORS_ALLOW_METHODS),
                         ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
                         ("Access-Control-Max-Age", CORS_MAX_AGE)]
            if headers.get("Access-Control-Request-Private-Network"):
                preflight.append(("Access-Control-Allow-Private-Network", "true"))
            return 204, preflight, b""
        if path.startswith("/fetch/"):
            return self._fetch(method, urllib.parse.unquote(path[len("/fetch/"):]))
        if _is_statements(path):
            fault = self._fault()
            return fault or self._forward(method, path, query, headers, body)
        if path in ("/xAPI/activities/state", "/xAPI/activities/state/"):
            fault = self._fault() if self.fault_state else None
            return fault or self._state_api(method, query, headers, body)
        if path in ("/xAPI/agents/profile", "/xAPI/agents/profile/"):
            fault = self._fault() if self.fault_state else None
            return fault or self._agent_profile_api(method, query, headers, body)
        if path in ("/xAPI/about", "/xAPI/about/"):
            return _json_response(200, {"version": [XAPI_VERSION]})
        if path.startswith("/xAPI/"):
            if self.delay:
                time.sleep(self.delay)
            return self._forward(method, path, query, headers, body)
        return _error(404, f"nothing at {path}")

    def _forward(self, method: str, path: str, query: str, headers: Any,
                 body: bytes) -> tuple[int, list, bytes]:
        target = path + (f"?{query}" if query else "")
        out = {name: headers[name] for name in _FORWARD_REQUEST_HEADERS if headers.get(name)}
        conn = http.client.HTTPConnection("127.0.0.1", self.ralph.port, timeout=60)
        try:
            conn.request(method, target, body=body if body else None, headers=out)
            response = conn.getresponse()
            payload = response.read()
            back = [(name, response.getheader(name)) for name in _FORWARD_RESPONSE_HEADERS
                    if response.getheader(name)]
            status = response.status
        except OSError as error:
            return _error(502, f"Ralph is not reachable: {error}")
        finally:
            conn.close()
        if not any(name == "X-Experience-API-Version" for name, _ in back):
            back.append(("X-Experience-API-Version", XAPI_VERSION))
        return status, back, payload

    def _authorized(self, headers: Any) -> bool:
        given = (headers.get("Authorization") or "").strip()
        scheme, _, credential = given.partition(" ")
        expected = self.auth_header.split(" ", 1)[1]
        return scheme.lower() == "basic" and secrets.compare_digest(credential.strip(),
                                                                    expected)

    def _state_api(self, method: str, query: str, headers: Any,
                   body: bytes) -> tuple[int, list, bytes]:
        if not self._authorized(headers):
            return _error(401, "invalid or missing credentials")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        activity_id, agent, state_id = (params.get("activityId"), params.get("agent"),
                                        params.get("stateId"))
        registration = params.get("registration") or None
        if not activity_id or not agent:
            return _error(400, "activityId and agent are required")
        try:
            who = agent_key(agent)
        except (ValueError, TypeError) as error:
            return _error(400, f"agent is not a JSON agent: {error}")
        scope = (activity_id, who, registration)
        with self._lock:
            if state_id is None:
                matching = [k for k in self.state if k[:3] == scope]
                if method == "GET":
                    return _json_response(200, [k[3] for k in matching])
                if method == "DELETE":
                    for key in matching:
                        self.state.pop(key, None)
                        self.state_types.pop(key, None)
                    return 204, [("X-Experience-API-Version", XAPI_VERSION)], b""
                return _error(400, "stateId is required")
            key = (*scope, state_id)
            if method in ("GET", "HEAD"):
                if key not in self.state:
                    return _error(404, "no such state document")
                return self._document(self.state[key], self.state_types.get(key))
            if method == "DELETE":
                self.state.pop(key, None)
                self.state_types.pop(key, None)
                return 204, [("X-Experience-API-Version", XAPI_VERSION)], b""
            if method in ("PUT", "POST"):
                status = self._store(self.state, self.state_types, key, method, headers, body)
                if status:
                    return status
                return 204, [("X-Experience-API-Version", XAPI_VERSION)], b""
        return _error(405, f"{method} not allowed on the State API")

    def _agent_profile_api(self, method: str, query: str, headers: Any,
                           body: bytes) -> tuple[int, list, bytes]:
        if not self._authorized(headers):
            return _error(401, "invalid or missing credentials")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        agent, profile_id = params.get("agent"), params.get("profileId")
        if not agent:
            return _error(400, "agent is required")
        try:
            who = agent_key(agent)
        except (ValueError, TypeError) as error:
            return _error(400, f"agent is not a JSON agent: {error}")
        with self._lock:
            if profile_id is None:
                if method != "GET":
                    return _error(400, "profileId is required")
                return _json_response(200, [k[1] for k in self.agent_profiles if k[0] == who])
            key = (who, profile_id)
            if method in ("GET", "HEAD"):
                if key not in self.agent_profiles:
                    return _error(404, "no such agent profile document")
                return self._document(self.agent_profiles[key], None)
            if self.agent_profile_read_only:
                return _error(403, "the LMS keeps this document read-only")
            if method == "DELETE":
                self.agent_profiles.pop(key, None)
                return 204, [("X-Experience-API-Version", XAPI_VERSION)], b""
            if method in ("PUT", "POST"):
                status = self._store(self.agent_profiles, {}, key, method, headers, body)
                if status:
                    return status
                return 204, [("X-Experience-API-Version", XAPI_VERSION)], b""
        return _error(405, f"{method} not allowed on the Agent Profile API")

    @staticmethod
    def _document(value: Any, content_type: str | None) -> tuple[int, list, bytes]:
        if isinstance(value, bytes):
            payload, kind = value, content_type or "application/octet-stream"
        elif isinstance(value, str) and content_type != "application/json":
            payload, kind = value.encode(), content_type or "text/plain"
        else:
            payload, kind = json.dumps(value).encode(), "application/json"
        return 200, [("Content-Type", kind), ("X-Experience-API-Version", XAPI_VERSION)], payload

    @staticmethod
    def _store(store: dict, types: dict, key: Any, method: str, headers: Any,
               body: bytes) -> tuple[int, list, bytes] | None:
        """PUT replaces; POST merges JSON objects (xAPI 1.0.3 Communication §1.2)."""
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        is_json = content_type == "application/json"
        value: Any
        if is_json:
            try:
                value = json.loads(body.decode("utf-8") or "null")
            except (UnicodeDecodeError, json.JSONDecodeError):
                return _error(400, "the body is not valid JSON")
        else:
            try:
                value = body.decode("utf-8")
            except UnicodeDecodeError:
                value = body
        if method == "POST" and key in store:
            old = store[key]
            if not (is_json and isinstance(value, dict) and isinstance(old, dict)):
                return _error(400, "POST merges JSON objects only")
            merged = dict(old)
            merged.update(value)
            store[key] = merged
            return None
        if method == "POST" and is_json and not isinstance(value, dict):
            return _error(400, "POST merges JSON objects only")
        store[key] = value
        types[key] = content_type or "application/octet-stream"
        return None

    def _fetch(self, method: str, token: str) -> tuple[int, list, bytes]:
        if method != "POST":
            return _error(405, "the cmi5 fetch URL takes POST only")
        with self._lock:
            count = self.fetches.get(token, 0) + 1
            self.fetches[token] = count
            auth_token = self._fetch_tokens.get(token)
        if auth_token is None:
            return _json_response(200, {"error-code": "2", "error-text": "unknown token"})
        if count > 1:
            return _json_response(200, {"error-code": "1",
                                        "error-text": "already used"})
        return 200, [("Content-Type", "application/json")], json.dumps(
            {"auth-token": auth_token}).encode()


def _is_statements(path: str) -> bool:
    return path.rstrip("/") == "/xAPI/statements"


# --------------------------------------------------------------------------- cmi5 LMS


class Cmi5Launcher:
    """The LMS side of a cmi5 launch, against Ralph (statements) and the proxy (State).

    ``launch_url(au_url, actor=..., registration=..., activity_id=...)`` returns
    ``(url, session_id)`` after writing ``LMS.LaunchData``, sending ``launched`` and
    registering a one-time fetch token. ``launches`` keeps what each launch wrote.
    """

    def __init__(self, ralph: Ralph, proxy: LrsProxy) -> None:
        self.ralph = ralph
        self.proxy = proxy
        self.launches: list[dict] = []

    def launch_url(self, au_url: str, *, actor: dict, registration: str, activity_id: str,
                   launch_mode: str = "Normal", mastery_score: float | None = None,
                   move_on: str = "CompletedAndPassed", return_url: str | None = None,
                   launch_parameters: str | None = None,
                   publisher_id: str = "https://example.org/course",
                   entitlement_key: dict | None = None) -> tuple[str, str]:
        account = actor.get("account") if isinstance(actor, dict) else None
        if (not isinstance(account, dict) or not account.get("homePage")
                or not account.get("name") or actor.get("objectType", "Agent") != "Agent"):
            raise ValueError("a cmi5 actor is an Agent with account {homePage, name}")
        if launch_mode not in ("Normal", "Browse", "Review"):
            raise ValueError(f"launch_mode {launch_mode!r} is not Normal, Browse or Review")
        if move_on not in ("NotApplicable", "Passed", "Completed", "CompletedAndPassed",
                           "CompletedOrPassed"):
            raise ValueError(f"move_on {move_on!r} is not a cmi5 moveOn value")
        uuid.UUID(registration)

        session_id = str(uuid.uuid4())
        context_template = {
            "contextActivities": {"grouping": [{"id": publisher_id}]},
            "extensions": {EXT_SESSION_ID: session_id},
        }
        launch_data: dict[str, Any] = {
            "contextTemplate": context_template,
            "launchMode": launch_mode,
            "moveOn": move_on,
        }
        if mastery_score is not None:
            launch_data["masteryScore"] = mastery_score
        if return_url is not None:
            launch_data["returnURL"] = return_url
        if launch_parameters is not None:
            launch_data["launchParameters"] = launch_parameters
        if entitlement_key is not None:
            launch_data["entitlementKey"] = entitlement_key
        self.proxy.set_state(activity_id, actor, registration, LAUNCH_DATA_STATE_ID,
                             launch_data)

        extensions: dict[str, Any] = {
            EXT_SESSION_ID: session_id,
            EXT_LAUNCH_MODE: launch_mode,
            EXT_LAUNCH_URL: au_url,
            EXT_MOVE_ON: move_on,
        }
        if launch_parameters is not None:
            extensions[EXT_LAUNCH_PARAMETERS] = launch_parameters
        if mastery_score is not None:
            extensions[EXT_MASTERY_SCORE] = mastery_score
        launched = {
            "id": str(uuid.uuid4()),
            "timestamp": utc_now(),
            "actor": actor,
            "verb": {"id": VERB_LAUNCHED, "display": {"en-US": "Launched"}},
            "object": {"id": activity_id, "objectType": "Activity"},
            "context": {
                "registration": registration,
                "contextActivities": {"grouping": [{"id": publisher_id}],
                                      "category": [{"id": CATEGORY_CMI5}]},
                "extensions": extensions,
            },
        }
        self.ralph.send(launched)

        token = secrets.token_urlsafe(16)
        fetch = self.proxy.add_fetch_token(token)
        params = {
            "endpoint": self.proxy.endpoint,
            "fetch": fetch,
            "actor": json.dumps(actor, separators=(",", ":")),
            "registration": registration,
            "activityId": activity_id,
        }
        url = _add_query(au_url, params)
        self.launches.append({"url": url, "session_id": session_id, "token": token,
                              "launch_data": launch_data, "launched": launched,
                              "actor": actor, "registration": registration,
                              "activity_id": activity_id})
        return url, session_id


def _add_query(url: str, params: dict[str, str]) -> str:
    """Append URL-encoded parameters to a URL that may have a query and fragment."""
    split = urllib.parse.urlsplit(url)
    extra = urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe="")
    query = f"{split.query}&{extra}" if split.query else extra
    return urllib.parse.urlunsplit(split._replace(query=query))


# --------------------------------------------------------------------------- checkers

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
_UTC_TIMESTAMP_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION_RE = re.compile(
    rf"^P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$")
_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")

STATEMENT_PROPERTIES = {"id", "actor", "verb", "object", "result", "context", "timestamp",
                        "stored", "authority", "version", "attachments"}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def is_utc_timestamp(value: Any) -> bool:
    """ISO 8601 date-time in UTC written with ``Z`` (what the builder must send)."""
    return (isinstance(value, str) and bool(_UTC_TIMESTAMP_RE.match(value))
            and _parse_time(value) is not None)


def is_duration(value: Any) -> bool:
    """An ISO 8601 duration such as ``PT1M3.5S`` or ``P1DT2H``."""
    return isinstance(value, str) and bool(_DURATION_RE.match(value))


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI_RE.match(value))


def _check_agent(agent: Any, where: str) -> list[str]:
    if not isinstance(agent, dict):
        return [f"{where} is not an object"]
    problems = []
    kind = agent.get("objectType", "Agent")
    if kind not in ("Agent", "Group"):
        problems.append(f"{where}.objectType is {kind!r}, not Agent or Group")
    ifis = [k for k in IFI_KEYS if k in agent]
    if kind == "Group" and not ifis:
        if not isinstance(agent.get("member"), list) or not agent["member"]:
            problems.append(f"{where} is an anonymous Group without members")
    elif len(ifis) != 1:
        problems.append(f"{where} has {len(ifis)} inverse functional identifiers "
                        f"({', '.join(ifis) or 'none'}); exactly one is required")
    if "mbox" in agent and not str(agent["mbox"]).startswith("mailto:"):
        problems.append(f"{where}.mbox {agent['mbox']!r} does not start with 'mailto:'")
    if "account" in agent:
        account = agent["account"]
        if (not isinstance(account, dict) or not account.get("homePage")
                or not account.get("name")):
            problems.append(f"{where}.account needs homePage and name")
        elif not _is_iri(account["homePage"]):
            problems.append(f"{where}.account.homePage {account['homePage']!r} is not an IRI")
    return problems


def _check_extensions(extensions: Any, where: str) -> list[str]:
    if extensions is None:
        return []
    if not isinstance(extensions, dict):
        return [f"{where} is not an object"]
    return [f"{where} key {key!r} is not an IRI" for key in extensions if not _is_iri(key)]


def check_xapi_statement(statement: Any, *, registration: str | None = None) -> list[str]:
    """xAPI 1.0.3 basics for one statement; a list of violations (empty = fine).

    Checks: only spec top-level properties; ``id`` a UUID; ``actor`` an Agent/Group
    with exactly one IFI (mbox with ``mailto:``, account with homePage and name);
    ``verb.id`` an IRI with a non-empty ``display``; ``object`` present (Activities
    with an IRI id); ``timestamp`` in UTC ending with ``Z``; result score ranges and
    an ISO 8601 ``duration``; ``context.registration`` a UUID (equal to
    ``registration`` when given); ``contextActivities`` values are arrays of
    objects with an IRI ``id``; extension keys are IRIs.

    On a statement read back from Ralph, a missing ``timestamp`` shows up as one
    equal to ``stored`` (Ralph fills it in; reported), while a missing ``id`` cannot
    be seen (Ralph makes one up): check the bodies the proxy recorded for that.
    """
    if not isinstance(statement, dict):
        return ["the statement is not a JSON object"]
    problems: list[str] = []
    extra = sorted(set(statement) - STATEMENT_PROPERTIES)
    if extra:
        problems.append(f"properties not defined by xAPI: {', '.join(extra)}")
    for required in ("actor", "verb", "object"):
        if required not in statement:
            problems.append(f"{required} is missing")
    if "id" not in statement:
        problems.append("id is missing")
    elif not is_uuid(statement["id"]):
        problems.append(f"id {statement['id']!r} is not a UUID")
    if "actor" in statement:
        problems += _check_agent(statement["actor"], "actor")

    verb = statement.get("verb")
    if verb is not None:
        if not isinstance(verb, dict) or not _is_iri(verb.get("id")):
            problems.append(f"verb.id is not an IRI: {verb!r}")
        else:
            display = verb.get("display")
            if (not isinstance(display, dict) or not display
                    or not all(isinstance(v, str) and v for v in display.values())):
                problems.append(f"verb {verb['id']} has no display language map")

    obj = statement.get("object")
    if obj is not None:
        if not isinstance(obj, dict):
            problems.append("object is not an object")
        else:
            kind = obj.get("objectType", "Activity")
            if kind == "Activity":
                if not _is_iri(obj.get("id")):
                    problems.append(f"object.id {obj.get('id')!r} is not an IRI")
                definition = obj.get("definition")
                if isinstance(definition, dict):
                    problems += _check_extensions(definition.get("extensions"),
                                                  "object.definition.extensions")
            elif kind in ("Agent", "Group"):
                problems += _check_agent(obj, "object")
            elif kind == "StatementRef":
                if not is_uuid(obj.get("id")):
                    problems.append("object (StatementRef) id is not a UUID")
            elif kind != "SubStatement":
                problems.append(f"object.objectType {kind!r} is unknown")

    if "timestamp" not in statement:
        problems.append("timestamp is missing")
    elif not is_utc_timestamp(statement["timestamp"]):
        problems.append(f"timestamp {statement['timestamp']!r} is not UTC ISO 8601 ending in Z")
    if "stored" in statement and statement.get("timestamp") == statement["stored"]:
        problems.append("timestamp equals stored: the LRS filled it in, it was not sent")

    result = statement.get("result")
    if result is not None:
        if not isinstance(result, dict):
            problems.append("result is not an object")
        else:
            if "duration" in result and not is_duration(result["duration"]):
                problems.append(f"result.duration {result['duration']!r} is not an ISO 8601 "
                                "duration")
            for flag in ("success", "completion"):
                if flag in result and not isinstance(result[flag], bool):
                    problems.append(f"result.{flag} is not a boolean")
            score = result.get("score")
            if score is not None:
                problems += _check_score(score)
            problems += _check_extensions(result.get("extensions"), "result.extensions")

    context = statement.get("context")
    if context is not None:
        if not isinstance(context, dict):
            problems.append("context is not an object")
        else:
            problems += _check_context(context, registration)
    elif registration is not None:
        problems.append("context (with registration) is missing")
    return problems


def _check_score(score: Any) -> list[str]:
    if not isinstance(score, dict):
        return ["result.score is not an object"]
    problems = []
    for key in ("scaled", "raw", "min", "max"):
        if key in score and (isinstance(score[key], bool)
                             or not isinstance(score[key], (int, float))):
            problems.append(f"result.score.{key} is not a number")
    if problems:
        return problems
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        problems.append(f"result.score.scaled {score['scaled']} is outside -1..1")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and low > high:
        problems.append("result.score.min is greater than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        problems.append(f"result.score.raw {raw} is outside min..max")
    return problems


def _check_context(context: dict, registration: str | None) -> list[str]:
    problems = []
    if "registration" in context:
        if not is_uuid(context["registration"]):
            problems.append(f"context.registration {context['registration']!r} is not a UUID")
        elif registration is not None and context["registration"] != registration:
            problems.append(f"context.registration {context['registration']} is not the "
                            f"launch registration {registration}")
    elif registration is not None:
        problems.append("context.registration is missing")
    activities = context.get("contextActivities")
    if activities is not None:
        if not isinstance(activities, dict):
            problems.append("context.contextActivities is not an object")
        else:
            for key, value in activities.items():
                if key not in CONTEXT_ACTIVITY_KEYS:
                    problems.append(f"context.contextActivities.{key} is not parent, "
                                    "grouping, category or other")
                if not isinstance(value, list):
                    problems.append(f"context.contextActivities.{key} is not an array")
                    continue
                for item in value:
                    if not isinstance(item, dict) or not _is_iri(item.get("id")):
                        problems.append(f"context.contextActivities.{key} holds an item "
                                        f"without an IRI id: {item!r}")
    problems += _check_extensions(context.get("extensions"), "context.extensions")
    return problems


def _categories(statement: dict) -> list[str]:
    context = statement.get("context")
    if not isinstance(context, dict):
        return []
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        return []
    category = activities.get("category") or []
    if isinstance(category, dict):
        category = [category]
    return [c.get("id") for c in category if isinstance(c, dict)]


def _grouping(statement: dict) -> list[str]:
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    grouping = activities.get("grouping") if isinstance(activities, dict) else None
    if isinstance(grouping, dict):
        grouping = [grouping]
    return [g.get("id") for g in grouping or [] if isinstance(g, dict)]


def _extensions(statement: dict) -> dict:
    context = statement.get("context")
    extensions = context.get("extensions") if isinstance(context, dict) else None
    return extensions if isinstance(extensions, dict) else {}


def _verb(statement: dict) -> str | None:
    verb = statement.get("verb")
    return verb.get("id") if isinstance(verb, dict) else None


def _short(verb_id: str | None) -> str:
    return (verb_id or "?").rstrip("/").rsplit("/", 1)[-1]


def check_cmi5_session(statements: Iterable[dict], *, session_id: str, registration: str,
                       activity_id: str, actor: dict, mastery_score: float | None = None,
                       launch_mode: str = "Normal",
                       publisher_id: str | None = None) -> list[str]:
    """cmi5 rules (spec-checklist §e.4, cmi5 §9) for the statements of ONE AU session.

    The session's statements are those whose ``sessionid`` context extension equals
    ``session_id``, plus statements without any session id that carry the launch
    ``registration`` (or, without a registration, the launch ``actor``) — those are
    reported as missing the session id. The LMS's ``launched`` is left out. Order
    is by ``timestamp`` (cmi5 §9.3), ties in the given (stored) order.
    ``publisher_id``, if given, must be in every statement's grouping (it comes
    with the contextTemplate). Returns human-readable violations; empty = OK.
    """
    statements = list(statements)
    session: list[dict] = []
    launched = 0
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        sid = _extensions(statement).get(EXT_SESSION_ID)
        context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
        if sid is None:
            belongs = (context.get("registration") == registration
                       or ("registration" not in context
                           and _same_agent(statement.get("actor"), actor)))
        else:
            belongs = sid == session_id
        if not belongs:
            continue
        if _verb(statement) == VERB_LAUNCHED:
            launched += 1
            continue
        session.append(statement)

    problems: list[str] = []
    if launched > 1:
        problems.append(f"{launched} launched statements in the session (the LMS sends one)")
    if not session:
        return problems + ["no AU statements in the session"]

    times = [_parse_time(s.get("timestamp")) for s in session]
    if all(t is not None for t in times):
        ordered = [s for _, _, s in sorted(zip(times, range(len(session)), session, strict=True),
                                           key=lambda item: (item[0], item[1]))]
    else:
        ordered = session  # timestamp problems are reported per statement below

    def label(index: int, statement: dict) -> str:
        return f"#{index + 1} {_short(_verb(statement))} ({statement.get('id', 'no id')})"

    seen_ids: dict[str, int] = {}
    defined_seen: dict[str, int] = {}
    passed_seen = False
    for index, statement in enumerate(ordered):
        where = label(index, statement)
        verb = _verb(statement)
        problems += [f"{where}: {p}" for p in check_xapi_statement(statement)]

        sid = _extensions(statement).get(EXT_SESSION_ID)
        if sid is None:
            problems.append(f"{where}: the session id extension is missing")
        context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
        if context.get("registration") != registration:
            problems.append(f"{where}: context.registration is "
                            f"{context.get('registration')!r}, not {registration}")
        if not _same_agent(statement.get("actor"), actor):
            problems.append(f"{where}: actor {statement.get('actor')!r} is not the launch actor")
        stmt_id = statement.get("id")
        if isinstance(stmt_id, str):
            if stmt_id in seen_ids:
                problems.append(f"{where}: id is not unique (also #{seen_ids[stmt_id] + 1})")
            seen_ids.setdefault(stmt_id, index)
        if publisher_id is not None and publisher_id not in _grouping(statement):
            problems.append(f"{where}: the publisher id {publisher_id} is not in "
                            "contextActivities.grouping")

        categories = _categories(statement)
        has_cmi5 = CATEGORY_CMI5 in categories
        has_moveon = CATEGORY_MOVEON in categories
        result = statement.get("result") if isinstance(statement.get("result"), dict) else {}

        if verb in CMI5_LMS_ONLY_VERBS:
            problems.append(f"{where}: {_short(verb)} is sent by the LMS only")
            continue
        if verb not in CMI5_AU_VERBS:  # a "cmi5 allowed" statement
            if has_cmi5:
                problems.append(f"{where}: a cmi5 allowed statement must not carry the cmi5 "
                                "category")
            if has_moveon:
                problems.append(f"{where}: only completed/passed/failed carry the moveon "
                                "category")
            progress = (result.get("extensions") or {}).get(EXT_PROGRESS) \
                if isinstance(result.get("extensions"), dict) else None
            if progress is not None and (isinstance(progress, bool)
                                         or not isinstance(progress, int)
                                         or not 0 <= progress <= 100):
                problems.append(f"{where}: progress {progress!r} is not an integer 0..100")
            continue

        # a cmi5 defined verb
        name = _short(verb)
        if not has_cmi5:
            problems.append(f"{where}: {name} without the cmi5 category (the LMS will not "
                            "count it as cmi5 defined)")
        obj = statement.get("object") if isinstance(statement.get("object"), dict) else {}
        if obj.get("id") != activity_id:
            problems.append(f"{where}: object.id {obj.get('id')!r} is not the launch "
                            f"activityId {activity_id}")
        if defined_seen.get(verb) is not None:
            problems.append(f"{where}: {name} is duplicated in the session")
        defined_seen.setdefault(verb, index)
        judged = verb in (VERB_COMPLETED, VERB_PASSED, VERB_FAILED)
        if judged and not has_moveon:
            problems.append(f"{where}: {name} lacks the moveon category")
        if not judged and has_moveon:
            problems.append(f"{where}: {name} must not carry the moveon category")
        if judged and launch_mode in ("Browse", "Review"):
            problems.append(f"{where}: {name} sent in {launch_mode} mode")
        if verb in (VERB_COMPLETED, VERB_PASSED, VERB_FAILED, VERB_TERMINATED) \
                and "duration" not in result:
            problems.append(f"{where}: {name} has no result.duration")
        if verb != VERB_PASSED and verb != VERB_FAILED and "score" in result:
            problems.append(f"{where}: {name} must not have a score")
        if verb != VERB_PASSED and verb != VERB_FAILED and "success" in result:
            problems.append(f"{where}: {name} must not have result.success")
        if verb != VERB_COMPLETED and "completion" in result:
            problems.append(f"{where}: {name} must not have result.completion")
        if verb == VERB_COMPLETED:
            if result.get("completion") is not True:
                problems.append(f"{where}: completed needs result.completion true")
            extensions = result.get("extensions")
            if isinstance(extensions, dict) and EXT_PROGRESS in extensions:
                problems.append(f"{where}: completed should not carry the progress extension")
        if verb in (VERB_PASSED, VERB_FAILED):
            wanted = verb == VERB_PASSED
            if result.get("success") is not wanted:
                problems.append(f"{where}: {name} needs result.success {str(wanted).lower()}")
            score = result.get("score") if isinstance(result.get("score"), dict) else {}
            if "raw" in score and ("min" not in score or "max" not in score):
                problems.append(f"{where}: result.score.raw without min and max")
            scaled = score.get("scaled")
            if isinstance(scaled, (int, float)) and not isinstance(scaled, bool):
                if not 0 <= scaled <= 1:
                    problems.append(f"{where}: result.score.scaled {scaled} is outside 0..1")
                if mastery_score is not None:
                    if wanted and scaled < mastery_score:
                        problems.append(f"{where}: passed with scaled {scaled} below the "
                                        f"masteryScore {mastery_score}")
                    if not wanted and scaled >= mastery_score:
                        problems.append(f"{where}: failed with scaled {scaled} at or above "
                                        f"the masteryScore {mastery_score}")
            if mastery_score is not None:
                given = _extensions(statement).get(EXT_MASTERY_SCORE)
                if given is None:
                    problems.append(f"{where}: {name} lacks the masteryscore context "
                                    "extension")
                elif given != mastery_score:
                    problems.append(f"{where}: masteryscore extension {given!r} is not the "
                                    f"launch masteryScore {mastery_score}")
            if verb == VERB_PASSED:
                if passed_seen:
                    problems.append(f"{where}: a second passed")
                passed_seen = True
            elif passed_seen:
                problems.append(f"{where}: failed after passed")
    if VERB_PASSED in defined_seen and VERB_FAILED in defined_seen:
        problems.append("both passed and failed in one session")

    first, last = ordered[0], ordered[-1]
    initialized = [s for s in ordered if _verb(s) == VERB_INITIALIZED]
    terminated = [s for s in ordered if _verb(s) == VERB_TERMINATED]
    if not initialized:
        problems.append("no initialized statement")
    elif _verb(first) != VERB_INITIALIZED:
        problems.append(f"the first statement is {label(0, first)}, not initialized")
    if not terminated:
        problems.append("no terminated statement")
    elif _verb(last) != VERB_TERMINATED:
        problems.append(f"the last statement is {label(len(ordered) - 1, last)}, "
                        "not terminated")
    return problems
