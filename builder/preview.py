"""``coursepack preview``: the course in a test LMS on 127.0.0.1, rebuilt on every save.

The package is built in memory (never into dist/) and served under ``/course/``; the
preview page at ``/`` plays the LMS (``templates/preview/``). A watcher polls the sources;
each rebuild is announced to the page over server-sent events (``/__events``), and a
failed build shows its problems in the page while the last good build stays served. For
xAPI and cmi5 the server is also a small in-memory LRS under ``/__lrs/`` (statements,
state documents, the cmi5 fetch URL and launch data), so the page can show what the
course sends.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from builder.build import check
from builder.errors import BuilderError
from builder.packagers import packagers
from builder.render import make_env, render_site, template_dirs, theme_dir

PREVIEW_TARGETS = ("scorm12", "xapi", "cmi5")
IGNORED = {"dist", ".git", ".venv", "node_modules", "__pycache__", "test-artifacts"}


def snapshot(root: Path) -> tuple:
    """What the watcher compares: every source file's path, size and modification time."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] in IGNORED or not path.is_file():
            continue
        st = path.stat()
        out.append((rel.as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(out)


class Preview:
    """The state of one preview: the latest good build, the latest error, the mini LRS."""

    def __init__(self, root: Path, target: str, quirks: tuple[str, ...] = ()):
        self.root = root.resolve()
        self.target = target
        self.quirks = tuple(quirks)
        self.files: dict[str, bytes] = {}
        self.error: str | None = None
        self.version = 0
        self.course_id = ""
        self.mastery = ""
        self.changed = threading.Condition()
        self.statements: list[dict] = []
        self.state: dict[str, object] = {}
        self.tokens: dict[str, bool] = {}
        self.registration = str(uuid.uuid4())

    def rebuild(self) -> None:
        try:
            course, _ = check(self.root, (self.target,))
            dirs = template_dirs(self.root)
            env = make_env(dirs)
            packager = packagers()[self.target](env, theme_dir())
            files = packager.package_files(course, render_site(course, self.target, dirs, env))
            error = None
        except BuilderError as exc:
            files, error = None, exc.format_message()
        with self.changed:
            if files is not None:
                self.files = files
                self.course_id = course.activity_id
                self.mastery = "" if course.tracking.mastery_score is None else str(
                    course.tracking.mastery_score)
            self.error = error
            self.version += 1
            self.changed.notify_all()

    def status(self) -> dict:
        return {"version": self.version, "error": self.error, "ok": bool(self.files),
                "target": self.target, "course": self.course_id,
                "masteryScore": self.mastery, "quirks": list(self.quirks)}

    def watch(self, stop: threading.Event, interval: float = 0.25) -> None:
        seen = snapshot(self.root)
        while not stop.wait(interval):
            now = snapshot(self.root)
            if now != seen:
                seen = now
                time.sleep(0.05)  # let an editor finish writing
                self.rebuild()

    # -- the small LRS --------------------------------------------------------------------
    def launch(self, mode: str) -> dict:
        actor = {"objectType": "Agent", "name": "Preview Learner",
                 "account": {"homePage": "http://127.0.0.1", "name": "preview"}}
        params = {"endpoint": "/__lrs/", "actor": json.dumps(actor),
                  "registration": self.registration}
        if self.target == "cmi5":
            token = uuid.uuid4().hex
            self.tokens[token] = False
            activity = f"{self.course_id}/au"
            self.state[self._key(activity, actor, "LMS.LaunchData")] = {
                "contextTemplate": {"extensions": {
                    "https://w3id.org/xapi/cmi5/context/extensions/sessionid":
                        str(uuid.uuid4())}},
                "launchMode": mode, "moveOn": "CompletedAndPassed",
                **({"masteryScore": int(self.mastery) / 100} if self.mastery else {})}
            params.update(fetch=f"/__lrs/fetch/{token}", activityId=activity)
        else:
            params.update(auth="Basic " + base64.b64encode(b"preview:preview").decode(),
                          activity_id=self.course_id)
        return {"query": urllib.parse.urlencode(params)}

    def _key(self, activity: str, agent, state_id: str) -> str:
        if isinstance(agent, str):
            agent = json.loads(agent)
        return json.dumps([activity, agent.get("account") or agent.get("mbox"),
                           self.registration, state_id], sort_keys=True)


def make_handler(preview: Preview, stop: threading.Event):
    assets = theme_dir() / "preview"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def send(self, code: int, body: bytes = b"", ctype: str = "text/plain; charset=utf-8",
                 headers: dict | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_json(self, code: int, data) -> None:
            self.send(code, json.dumps(data).encode(), "application/json",
                      {"X-Experience-API-Version": "1.0.3"})

        def body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            url = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(url.path)
            if path == "/":
                self.send(200, (assets / "player.html").read_bytes(), "text/html; charset=utf-8")
            elif path.startswith("/__preview/"):
                self.static(assets, path[len("/__preview/"):])
            elif path == "/__status":
                self.send_json(200, preview.status())
            elif path == "/__events":
                self.events()
            elif path.startswith("/course/"):
                name = path[len("/course/"):]
                data = preview.files.get(name)
                if data is None:
                    self.send(404, b"not in the package")
                else:
                    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    self.send(200, data, ctype)
            elif path.startswith("/__lrs/"):
                self.lrs_get(path[len("/__lrs/"):], urllib.parse.parse_qs(url.query))
            else:
                self.send(404, b"not found")

        do_HEAD = do_GET

        def static(self, base: Path, name: str) -> None:
            target = (base / name).resolve()
            if not target.is_relative_to(base.resolve()) or not target.is_file():
                self.send(404, b"not found")
                return
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self.send(200, target.read_bytes(), ctype)

        def events(self) -> None:
            """Server-sent events: the build status now, then after every rebuild."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = -1
            try:
                while not stop.is_set():
                    with preview.changed:
                        if preview.version == seen:
                            preview.changed.wait(timeout=10)
                        status = preview.status()
                    if status["version"] != seen:
                        seen = status["version"]
                        self.wfile.write(f"event: build\ndata: {json.dumps(status)}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

        # -- the small LRS ----------------------------------------------------------------
        def lrs_get(self, name: str, q: dict) -> None:
            if name == "log":
                self.send_json(200, preview.statements)
            elif name == "launch":
                self.send_json(200, preview.launch(q.get("mode", ["Normal"])[0]))
            elif name == "statements":
                self.send_json(200, {"statements": preview.statements, "more": ""})
            elif name == "activities/state":
                key = preview._key(q["activityId"][0], q["agent"][0], q["stateId"][0])
                if key in preview.state:
                    self.send_json(200, preview.state[key])
                else:
                    self.send(404, b"no such document")
            else:
                self.send(404, b"not found")

        def do_POST(self) -> None:  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(url.path)
            if path.startswith("/__lrs/fetch/"):
                token = path.rsplit("/", 1)[1]
                if token in preview.tokens and not preview.tokens[token]:
                    preview.tokens[token] = True
                    self.send_json(200, {"auth-token": base64.b64encode(
                        b"preview:preview").decode()})
                else:
                    self.send_json(200, {"error-code": "1", "error-text": "already used"})
            elif path == "/__lrs/statements":
                body = json.loads(self.body() or b"[]")
                items = body if isinstance(body, list) else [body]
                known = {s["id"] for s in preview.statements}
                preview.statements += [s for s in items if s.get("id") not in known]
                self.send_json(200, [s.get("id") for s in items])
            elif path == "/__lrs/reset":
                preview.statements.clear()
                preview.state.clear()
                preview.registration = str(uuid.uuid4())
                self.send(204)
            elif path == "/__lrs/activities/state":
                self.put_state(url, merge=True)
            else:
                self.send(404, b"not found")

        def do_PUT(self) -> None:  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/__lrs/activities/state":
                self.put_state(url, merge=False)
            elif url.path == "/__lrs/statements":
                statement = json.loads(self.body())
                if statement.get("id") not in {s["id"] for s in preview.statements}:
                    preview.statements.append(statement)
                self.send(204)
            else:
                self.send(404, b"not found")

        def put_state(self, url, merge: bool) -> None:
            q = urllib.parse.parse_qs(url.query)
            key = preview._key(q["activityId"][0], q["agent"][0], q["stateId"][0])
            value = json.loads(self.body() or b"null")
            if merge and isinstance(preview.state.get(key), dict) and isinstance(value, dict):
                value = {**preview.state[key], **value}
            preview.state[key] = value
            self.send(204)

    return Handler


class PreviewServer:
    """The preview's HTTP server and watcher threads; ``start()`` then ``stop()``."""

    def __init__(self, root: Path, target: str = "scorm12", port: int = 8000,
                 quirks: tuple[str, ...] = ()):
        self.preview = Preview(root, target, quirks)
        self.stop_event = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port),
                                         make_handler(self.preview, self.stop_event))
        self.httpd.daemon_threads = True
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def start(self) -> None:
        self.preview.rebuild()
        for target in (self.httpd.serve_forever, lambda: self.preview.watch(self.stop_event)):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        with self.preview.changed:
            self.preview.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
