"""Reference systems for the xAPI and cmi5 tests: ADL's LRS and ADL CATAPULT's cmi5 player.

Both are built from source snapshots (``adl_lrs-*.tar.gz``, ``catapult-player-*.tar.gz``) by
the recipes in ``tests/testbeds/`` (adapted from the shared test-bed folder), into an
out-of-tree cache (``$COURSEPACK_TESTBEDS``, default ``/var/tmp/coursepack-testbeds``: the
databases run as the OS users ``postgres`` and ``mysql``, which cannot enter root's home).
A session builds them (a no-op of a few seconds once cached), starts them on free ports of
127.0.0.1 and stops them at the end, also on failure.

``AdlLrs``: statements and State API straight from the LRS (``statements()``, ``state()``).
``Catapult``: the management API (tenant, course import, registration, launch URL) and the
player's verdict (``registration()``).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "tests" / "testbeds"
LRS_USER, LRS_PASS = "tester", "testerpass"
API_KEY, API_SECRET = "testbed-key", "testbed-secret"


def cache_dir() -> Path:
    return Path(os.environ.get("COURSEPACK_TESTBEDS") or "/var/tmp/coursepack-testbeds")


def snapshots_dir() -> Path | None:
    """The folder with the source snapshots: ``$COURSEPACK_SHARED_TESTBEDS``, else
    ``shared/testbeds`` beside the clone (CI) or beside the worktrees' folder."""
    candidates = [os.environ.get("COURSEPACK_SHARED_TESTBEDS"),
                  ROOT.parent / "shared" / "testbeds", ROOT.parent.parent / "shared" / "testbeds"]
    for c in candidates:
        if c and list(Path(c).glob("adl_lrs-*.tar.gz")):
            return Path(c)
    return None


def missing_testbeds() -> list[str]:
    """What building the beds needs and this machine lacks."""
    missing = []
    if snapshots_dir() is None:
        missing.append("the source snapshots (shared/testbeds beside the clone, or "
                       "$COURSEPACK_SHARED_TESTBEDS)")
    if os.geteuid() != 0:
        missing.append("root (the databases run as the users postgres and mysql)")
    for tool in ("node", "npm", "curl"):
        if shutil.which(tool) is None:
            missing.append(tool)
    if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))):
        missing.append("postgresql")
    if shutil.which("mariadbd") is None:
        missing.append("mariadb-server")
    return missing


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def http(method: str, url: str, *, body: Any = None, headers: dict | None = None,
         timeout: float = 30) -> tuple[int, dict, bytes]:
    """One request; returns (status, headers, body) for every status."""
    data = body
    headers = dict(headers or {})
    if body is not None and not isinstance(body, bytes):
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class BedError(RuntimeError):
    """A bed did not build or start."""


def _run(cmd: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=900)
    if done.returncode:
        tail = log.read_text(errors="replace")[-3000:]
        raise BedError(f"{' '.join(cmd)} failed ({done.returncode}):\n{tail}")


class Beds:
    """Both beds, built and started together (the player writes to the LRS)."""

    def __init__(self) -> None:
        self.root = cache_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        self.lrs_dir = self.root / "adl-lrs"
        self.player_dir = self.root / "catapult"
        self.ports = {name: free_port() for name in
                      ("PG_PORT", "LRS_PORT", "MARIADB_PORT", "PLAYER_PORT")}
        self._lock = None
        self.started = False

    # ------------------------------------------------------------- lifecycle

    def start(self) -> None:
        snapshots = snapshots_dir()
        if snapshots is None:
            raise BedError("no source snapshots")
        # one test session at a time uses the cached beds
        self._lock = (self.root / ".lock").open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._stop_all()                     # what a killed session may have left running
        env = {**os.environ, **{k: str(v) for k, v in self.ports.items()},
               "LRS_USER": LRS_USER, "LRS_PASS": LRS_PASS, "API_KEY": API_KEY,
               "API_SECRET": API_SECRET, "LRS_ENDPOINT": self.lrs_endpoint,
               "LRS_USERNAME": LRS_USER, "LRS_PASSWORD": LRS_PASS}
        log = self.root / "build.log"
        log.write_text("")
        [lrs_tar] = sorted(snapshots.glob("adl_lrs-*.tar.gz"))[-1:]
        [player_tar] = sorted(snapshots.glob("catapult-player-*.tar.gz"))[-1:]
        self.started = True
        _run(["bash", str(RECIPES / "build_adl_lrs.sh"), str(lrs_tar), str(self.lrs_dir)], env, log)
        _run([str(self.lrs_dir / "start.sh")], env, log)
        _run(["bash", str(RECIPES / "build_catapult.sh"), str(player_tar), str(self.player_dir)],
             env, log)
        _run([str(self.player_dir / "start.sh")], env, log)
        self.lrs = AdlLrs(self)
        self.player = Catapult(self)

    def _stop_all(self) -> None:
        for work in (self.player_dir, self.lrs_dir):
            stop = work / "stop.sh"
            if stop.is_file():
                subprocess.run([str(stop), "--all"], capture_output=True, timeout=120)

    def stop(self) -> None:
        if self.started:
            self._stop_all()
            self.started = False
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # ------------------------------------------------------------- addresses

    @property
    def lrs_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['LRS_PORT']}/xapi/"

    @property
    def player_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['PLAYER_PORT']}"

    def logs(self) -> str:
        out = []
        for path in (self.lrs_dir / "logs" / "runserver.log", self.player_dir / "logs" / "player.log"):
            if path.is_file():
                out.append(f"--- {path}\n" + path.read_text(errors="replace")[-4000:])
        return "\n".join(out)


class AdlLrs:
    """The ADL LRS of the beds: read what it stored."""

    def __init__(self, beds: Beds) -> None:
        self.endpoint = beds.lrs_endpoint
        self.auth = _basic(LRS_USER, LRS_PASS)

    def headers(self) -> dict[str, str]:
        return {"Authorization": self.auth, "X-Experience-API-Version": "1.0.3"}

    def statements(self, **params: Any) -> list[dict]:
        """Every stored statement matching ``params`` (``agent`` may be a dict), oldest
        first (by ``stored``), following ``more`` links."""
        query = {k: json.dumps(v) if isinstance(v, dict) else str(v) for k, v in params.items()}
        query.setdefault("limit", "500")
        url = self.endpoint + "statements?" + urllib.parse.urlencode(query)
        found: list[dict] = []
        while url:
            status, _, body = http("GET", url, headers=self.headers())
            if status != 200:
                raise BedError(f"GET statements: {status} {body[:300]!r}")
            page = json.loads(body)
            found += page["statements"]
            more = page.get("more")
            url = urllib.parse.urljoin(self.endpoint, more) if more else ""
        return sorted(found, key=lambda s: s["stored"])

    def wait_for(self, count: int, timeout: float = 15, **params: Any) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.statements(**params)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.3)

    def settled(self, quiet: float = 1.5, timeout: float = 20, **params: Any) -> list[dict]:
        """The statements once no new one has arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while True:
            found = self.statements(**params)
            if len(found) != last:
                last, since = len(found), time.monotonic()
            elif time.monotonic() - since >= quiet or time.monotonic() > deadline:
                return found
            time.sleep(0.3)

    def state(self, activity_id: str, agent: dict, registration: str | None,
              state_id: str) -> tuple[int, Any]:
        query = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
        if registration:
            query["registration"] = registration
        status, _, body = http("GET", self.endpoint + "activities/state?" +
                               urllib.parse.urlencode(query), headers=self.headers())
        return status, (json.loads(body) if status == 200 else None)


class Catapult:
    """The CATAPULT cmi5 player's management API, one tenant per ``tenant()``."""

    def __init__(self, beds: Beds) -> None:
        self.base = beds.player_url
        self.basic = _basic(API_KEY, API_SECRET)

    def tenant(self) -> CatapultTenant:
        status, _, body = http("POST", self.base + "/api/v1/tenant",
                               body={"code": f"t-{uuid.uuid4()}"},
                               headers={"Authorization": self.basic})
        if status != 200:
            raise BedError(f"tenant: {status} {body[:300]!r}")
        tenant_id = json.loads(body)["id"]
        status, _, body = http("POST", self.base + "/api/v1/auth",
                               body={"tenantId": tenant_id, "audience": "coursepack-tests"},
                               headers={"Authorization": self.basic})
        if status != 200:
            raise BedError(f"auth: {status} {body[:300]!r}")
        return CatapultTenant(self, tenant_id, json.loads(body)["token"])


class CatapultTenant:
    def __init__(self, player: Catapult, tenant_id: int, token: str) -> None:
        self.player = player
        self.id = tenant_id
        self.bearer = {"Authorization": f"Bearer {token}"}

    def api(self, method: str, path: str, body: Any = None,
            headers: dict | None = None) -> Any:
        status, _, payload = http(method, self.player.base + "/api/v1" + path, body=body,
                                  headers={**self.bearer, **(headers or {})})
        if status not in (200, 204):
            raise BedError(f"{method} {path}: {status} {payload[:500]!r}")
        return json.loads(payload) if payload else None

    def import_course(self, zip_path: Path) -> dict:
        return self.api("POST", "/course", body=Path(zip_path).read_bytes(),
                        headers={"Content-Type": "application/zip"})

    def registration(self, course_id: int, actor: dict) -> dict:
        return self.api("POST", "/registration", body={"courseId": course_id, "actor": actor})

    def launch_url(self, course_id: int, actor: dict, reg_code: str, **options: Any) -> str:
        """A new session's launch URL (options: launchMode, moveOn, masteryScore, returnUrl)."""
        answer = self.api("POST", f"/course/{course_id}/launch-url/0",
                          body={"actor": actor, "reg": reg_code, **options})
        return answer["url"]

    def verdict(self, registration_id: int) -> dict:
        """What the player decided for the (only) AU: isCompleted/isPassed/isSatisfied..."""
        return self.api("GET", f"/registration/{registration_id}")

    def close(self) -> None:
        http("DELETE", self.player.base + f"/api/v1/tenant/{self.id}",
             headers={"Authorization": self.player.basic})


# --------------------------------------------------------------------------- faults


class FaultProxy:
    """A threaded HTTP proxy on 127.0.0.1 in front of an LRS (the browser talks to it):
    forwards every request, and injects faults into statement requests (``/statements``):

    - ``down = True``: 503 without forwarding (LRS outage);
    - ``lose_answers = n``: the next n statement requests reach the LRS, which stores
      them, and the connection is then closed without an answer (the course cannot
      know they arrived: it must send again, and the LRS must end up with one copy);
    - ``delay``: seconds to wait before forwarding a statement request;
    - ``swallow_posts = True``: a POST of statements is answered ``200 {"success": true}``
      and dropped, as Open edX's cmi5 XBlock 0.1.3 does (statements sent by PUT pass).

    ``requests`` records ``(method, path, status)`` (status None when the answer was lost).
    """

    def __init__(self, target: str) -> None:
        import http.client
        import http.server
        import threading

        split = urllib.parse.urlsplit(target)
        self.target_port = split.port
        self.down = False
        self.lose_answers = 0
        self.delay = 0.0
        self.swallow_posts = False
        self.requests: list[tuple[str, str, int | None]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                path = urllib.parse.urlsplit(self.path).path
                statements = path.rstrip("/").endswith("/statements") and self.command != "OPTIONS"
                lose = False
                if statements:
                    with proxy._lock:
                        down = proxy.down
                        if not down and proxy.lose_answers > 0:
                            proxy.lose_answers -= 1
                            lose = True
                    if down or (proxy.swallow_posts and self.command == "POST"):
                        code = 503 if down else 200
                        proxy.requests.append((self.command, path, code))
                        payload = b'{"error": "injected outage"}' if down else b'{"success": true}'
                        self.send_response(code)
                        self.send_header("Access-Control-Allow-Origin", "*")
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)
                        return
                    if proxy.delay:
                        time.sleep(proxy.delay)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection", "content-length")}
                conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=60)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    back = [(k, v) for k, v in response.getheaders()
                            if k.lower() not in ("transfer-encoding", "connection",
                                                 "content-length")]
                    status = response.status
                finally:
                    conn.close()
                if lose:
                    proxy.requests.append((self.command, path, None))
                    self.close_connection = True
                    return
                proxy.requests.append((self.command, path, status))
                self.send_response(status)
                for k, v in back:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = _any

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}{split.path}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
