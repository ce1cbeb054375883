"""``coursepack preview``: the course in a test LMS on 127.0.0.1, rebuilt on every save.

The package is built in memory (never into dist/) and served under ``/course/``; the
preview page at ``/`` plays the LMS (``templates/preview/``). A watcher (watchdog: the
system's file events) sees each save; the rebuild renders again only the texts that
changed (:class:`~builder.markdown.RenderCache`); each rebuild is announced to the page
over server-sent events (``/__events``), and a failed build shows its problems in the
page while the last good build stays served. For xAPI and cmi5 the server is also a
small in-memory LRS under ``/__lrs/`` (statements, state documents, the cmi5 fetch URL
and launch data), so the page can show what the course sends.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import re
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from builder.build import check
from builder.errors import BuilderError
from builder.gcmode import Idle
from builder.markdown import RenderCache
from builder.packagers import PACKAGERS, packagers
from builder.packagers.xapi import MOVE_ON
from builder.render import make_env, render_site, template_dirs, template_errors, theme_dir

#: the targets whose packages the preview plays (its LMS is SCORM 1.2 or a small LRS)
PREVIEW_TARGETS = tuple(name for name, p in PACKAGERS.items() if p.preview)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IGNORED = {"dist", ".git", ".venv", "node_modules", "__pycache__", "test-artifacts"}


#: after a file event, wait until no other comes for this long before rebuilding: the
#: rest of a save (an editor writes a temporary file, renames it, sets its time) ...
SETTLE = 0.05
#: ... or for this long only when the last event ended a write (a file closed after
#: writing, renamed into place or deleted): the save is complete unless more follows at
#: once (several files saved together)
SETTLE_DONE = 0.01
#: the longest a rebuild waits for the events to stop (a program writing all the time)
SETTLE_MAX = 0.5
#: file events that end a write
ENDS = frozenset(("closed", "moved", "deleted"))
#: file events that change the sources (not "opened" or "closed without writing": the
#: rebuild reads every file, and must not wake itself)
CHANGES = frozenset(("created", "deleted", "modified", "moved", "closed"))


def snapshot(root: Path) -> tuple:
    """What the polling watcher compares (where file events are not to be had): every
    source file's path, size and modification time."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not _is_source(rel) or not path.is_file():
            continue
        st = path.stat()
        out.append((rel.as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(out)


def source_change(root: Path, path: str) -> bool:
    """Whether a file event at ``path`` concerns the sources: a path inside ``root``
    (by name: the watch does not enter linked folders) outside the ignored folders."""
    try:
        rel = Path(path).relative_to(root)
    except ValueError:
        return False
    return _is_source(rel)


def _is_source(rel: Path) -> bool:
    """Whether ``rel`` (relative to the project) may be a source: not in an ignored
    top-level folder, nor in a ``__pycache__`` at any depth (Python writes bytecode
    there whenever it imports the project's or its tests' modules)."""
    return bool(rel.parts) and rel.parts[0] not in IGNORED and "__pycache__" not in rel.parts


class Wake(threading.Event):
    """Set by every change of the sources; ``done`` tells whether the last one ended a
    write (:data:`ENDS`, or a folder created, moved or deleted; a folder's "modified",
    which follows a change of its entries, leaves it as it was)."""

    done = False

    def change(self, done: bool) -> None:
        self.done = done
        self.set()

    def settle(self) -> None:
        """Wait for the save to complete: until no event has come for :data:`SETTLE`
        (:data:`SETTLE_DONE` after the end of a write), at most :data:`SETTLE_MAX`.
        Returns clear: an event from now on (a save during the rebuild) means one more
        rebuild."""
        end = time.monotonic() + SETTLE_MAX
        while True:
            self.clear()
            quiet = SETTLE_DONE if self.done else SETTLE
            if not self.wait(min(quiet, max(end - time.monotonic(), 0))) \
                    or time.monotonic() >= end:
                self.clear()
                return


def _observer(root: Path, wake: Wake):
    """A started watchdog observer that calls ``wake.change`` on every change of the
    sources under ``root``; None when file events cannot be had (no watchdog, or the
    system's limit on watches reached): the caller polls instead.

    watchdog walks the tree without following links (``os.walk``), so a link to a folder
    outside the project is not watched; the rebuild refuses such links anyway.
    """
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        return None

    watched: set[str] = set()

    def watch_folder(path: Path) -> None:
        """Watch a top-level folder of the project and all below it, unless ignored
        (dist/, .git, .venv, node_modules: thousands of folders nobody edits)."""
        if path.name not in IGNORED and path.name not in watched and path.is_dir() \
                and not path.is_symlink():
            watched.add(path.name)
            observer.schedule(handler, str(path), recursive=True)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type not in CHANGES:
                return
            paths = (event.src_path, getattr(event, "dest_path", "") or "")
            for p in paths:
                if p and source_change(root, os.fsdecode(p)):
                    path = Path(os.fsdecode(p))
                    if path.parent == root and event.event_type in ("created", "moved"):
                        try:
                            watch_folder(path)  # a new top-level folder (templates/)
                        except OSError:
                            pass
                    wake.change(wake.done if event.is_directory and event.event_type
                                == "modified" else event.event_type in ENDS
                                or event.is_directory)

    handler = Handler()
    observer = Observer()
    try:
        # the project folder itself (its files: course.yaml, ...) without recursion, and
        # each of its folders recursively
        observer.schedule(handler, str(root), recursive=False)
        for path in sorted(root.iterdir()):
            watch_folder(path)
        observer.start()
    except OSError:  # e.g. inotify's limit on watches
        observer.stop()
        return None
    return observer


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
        self.move_on = "NotApplicable"  #: cmi5 moveOn, from the course's tracking rules
        self.au_id = ""  #: the cmi5 AU's id when not the course's own + "/au" (coursepack play)
        self.changed = threading.Condition()
        self.statements: list[dict] = []
        self.state: dict[str, object] = {}
        self.tokens: dict[str, bool] = {}
        self.registration = str(uuid.uuid4())
        self.cache = RenderCache()
        self.units: dict = {}  #: each unit's HTML, for the next rebuild (builder.chunks)
        self.collector = Idle()
        self.watching = threading.Event()  #: set once a save would be seen
        #: the last rebuild: milliseconds (wall, CPU), texts rendered and texts reused
        self.last: dict[str, float] = {}
        self.retired: set[str] = set()  #: registrations of learners "Reset learner" forgot

    def retired_statement(self, statement: dict) -> bool:
        """A statement of a learner reset since (sent by the course as it closed)."""
        context = statement.get("context")
        return isinstance(context, dict) and context.get("registration") in self.retired

    def rebuild(self) -> None:
        with self.collector.paused():  # collected when idle (builder/gcmode.py)
            self._rebuild()

    def _rebuild(self) -> None:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            course, _ = check(self.root, (self.target,), self.cache,
                              findings=False)  # warnings are not shown
            dirs = template_dirs(self.root)
            env = make_env(dirs)
            packager = packagers()[self.target](env, theme_dir())
            site = render_site(course, self.target, dirs, env, kept=self.units)
            with template_errors(dirs, self.root):
                files = packager.package_files(course, site)
            error = None
        except BuilderError as exc:
            files, error = None, exc.format_message()
        self.last = {"ms": round((time.perf_counter() - started) * 1000, 1),
                     "cpu_ms": round((time.thread_time() - cpu) * 1000, 1),
                     "rendered": self.cache.misses, "reused": self.cache.hits}
        if error is None:
            self.cache.prune()  # a failed load keeps the cache for the next
        with self.changed:
            if files is not None:
                self.files = files
                self.course_id = course.activity_id
                self.mastery = "" if course.tracking.mastery_score is None else str(
                    course.tracking.mastery_score)
                self.move_on = MOVE_ON[course.tracking.completion]
            self.error = error
            self.version += 1
            self.changed.notify_all()

    def status(self) -> dict:
        return {"version": self.version, "error": self.error, "ok": bool(self.files),
                "target": self.target, "lrs": PACKAGERS[self.target].xapi,
                "course": self.course_id,
                "masteryScore": self.mastery, "quirks": list(self.quirks),
                "rebuild": self.last}

    def watch(self, stop: threading.Event, interval: float = 0.25) -> None:
        """Rebuild after every change of the sources until ``stop``: on the system's file
        events (watchdog), else by polling every ``interval`` seconds."""
        wake = Wake()
        observer = _observer(self.root, wake)
        if observer is None:
            return self._poll(stop, interval)
        self.watching.set()
        try:
            while not stop.is_set():
                if not wake.wait(0.5):
                    self.collector.idle()
                    continue
                wake.settle()  # a save during the rebuild sets it again: one more rebuild
                self.rebuild()
        finally:
            observer.stop()
            observer.join(timeout=5)

    def _poll(self, stop: threading.Event, interval: float) -> None:
        seen = snapshot(self.root)
        self.watching.set()
        while not stop.wait(interval):
            now = snapshot(self.root)
            if now != seen:
                seen = now
                time.sleep(SETTLE)
                self.rebuild()
            else:
                self.collector.idle()

    # -- the small LRS --------------------------------------------------------------------
    def launch(self, mode: str) -> dict:
        actor = {"objectType": "Agent", "name": "Preview Learner",
                 "account": {"homePage": "http://127.0.0.1", "name": "preview"}}
        params = {"endpoint": "/__lrs/", "actor": json.dumps(actor),
                  "registration": self.registration}
        if PACKAGERS[self.target].cmi5_launch:
            token = uuid.uuid4().hex
            self.tokens[token] = False
            activity = self.au_id or f"{self.course_id}/au"
            self.state[self._key(activity, actor, "LMS.LaunchData")] = {
                "contextTemplate": {"extensions": {
                    "https://w3id.org/xapi/cmi5/context/extensions/sessionid":
                        str(uuid.uuid4())}},
                "launchMode": mode, "moveOn": self.move_on,
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
            headers = {"Cache-Control": "no-store", **(headers or {})}
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_json(self, code: int, data) -> None:
            self.send(code, json.dumps(data).encode(), "application/json",
                      {"X-Experience-API-Version": "1.0.3"})

        def body(self) -> bytes:
            length = self.headers.get("Content-Length") or "0"
            if not length.isdigit() or int(length) > MAX_BODY:
                raise BadRequest(f"Content-Length must be a number up to {MAX_BODY}")
            return self.rfile.read(int(length))

        def json_body(self, empty):
            data = self.body()
            try:
                return json.loads(data) if data else empty
            except ValueError as exc:  # not JSON, or not UTF-8
                raise BadRequest(f"the body is not valid JSON: {exc}") from None

        def foreign(self) -> str:
            """Why this request comes from somewhere else ("" when it does not): the
            server answers only to its own host names (a rebound DNS name would let a web
            page read it) and only to pages of its own origin (any site could post)."""
            port = self.server.server_address[1]
            hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
            if self.headers.get("Host", "") not in hosts:
                return f"this server answers only to 127.0.0.1:{port}"
            origin = self.headers.get("Origin")
            if origin is not None and origin not in {f"http://{h}" for h in hosts}:
                return "requests from other sites are refused"
            return ""

        def handle_one_request(self) -> None:
            """Every request: foreign ones refused, bad ones a 400 with the reason,
            never a traceback."""
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def dispatch(self, method) -> None:
            why = self.foreign()
            if why:
                self.close_connection = True
                self.send(403, why.encode())
                return
            try:
                method()
            except BadRequest as exc:
                self.close_connection = True
                self.send(400, str(exc).encode())

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            self.dispatch(self.get)

        def do_POST(self) -> None:  # noqa: N802
            self.dispatch(self.post)

        def do_PUT(self) -> None:  # noqa: N802
            self.dispatch(self.put)

        def get(self) -> None:
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
                    return
                # the browser asks again each time (no-cache) and keeps what did not
                # change: a rebuild reloads only the files it changed
                tag = f'"{hashlib.blake2b(data, digest_size=12).hexdigest()}"'
                cache = {"Cache-Control": "no-cache", "ETag": tag}
                if tag in (self.headers.get("If-None-Match") or "").split(", "):
                    self.send_response(304)  # no body: nor its type and length
                    for k, v in cache.items():
                        self.send_header(k, v)
                    self.end_headers()
                else:
                    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    self.send(200, data, ctype, cache)
            elif path.startswith("/__lrs/"):
                self.lrs_get(path[len("/__lrs/"):], urllib.parse.parse_qs(url.query))
            else:
                self.send(404, b"not found")

        do_HEAD = do_GET  # noqa: N815

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
                key = state_key(q)
                if key in preview.state:
                    self.send_json(200, preview.state[key])
                else:
                    self.send(404, b"no such document")
            else:
                self.send(404, b"not found")

        def post(self) -> None:
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
                body = self.json_body([])
                items = statements(body if isinstance(body, list) else [body])
                known = {s["id"] for s in preview.statements}
                preview.statements += [s for s in items if s["id"] not in known
                                       and not preview.retired_statement(s)]
                self.send_json(200, [s["id"] for s in items])
            elif path == "/__lrs/reset":
                preview.retired.add(preview.registration)  # a late save of the unloaded course
                preview.statements.clear()
                preview.state.clear()
                preview.registration = str(uuid.uuid4())
                self.send(204)
            elif path == "/__lrs/activities/state":
                self.put_state(url, merge=True)
            else:
                self.send(404, b"not found")

        def put(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/__lrs/activities/state":
                self.put_state(url, merge=False)
            elif url.path == "/__lrs/statements":
                body = self.json_body(None)
                q = urllib.parse.parse_qs(url.query)
                given = q.get("statementId", [""])[0]
                if not isinstance(body, dict):
                    raise BadRequest("a statement is a JSON object")
                if given and body.get("id", given) != given:
                    raise BadRequest("the statement's id differs from statementId")
                [statement] = statements([{**body, "id": given or body.get("id")}])
                if (statement["id"] not in {s["id"] for s in preview.statements}
                        and not preview.retired_statement(statement)):
                    preview.statements.append(statement)
                self.send(204)
            else:
                self.send(404, b"not found")

        def put_state(self, url, merge: bool) -> None:
            key = state_key(urllib.parse.parse_qs(url.query))
            value = self.json_body(None)
            if merge and isinstance(preview.state.get(key), dict) and isinstance(value, dict):
                value = {**preview.state[key], **value}
            preview.state[key] = value
            self.send(204)

    def state_key(q: dict) -> str:
        missing = [k for k in ("activityId", "agent", "stateId") if not q.get(k)]
        if missing:
            raise BadRequest("a state request needs activityId, agent and stateId; missing: "
                             + ", ".join(missing))
        try:
            agent = json.loads(q["agent"][0])
        except ValueError:
            raise BadRequest("agent is not valid JSON") from None
        if not isinstance(agent, dict):
            raise BadRequest("agent is not a JSON object")
        return preview._key(q["activityId"][0], agent, q["stateId"][0])

    return Handler


class BadRequest(Exception):
    """A request a real LRS would refuse with 400; the message says why."""


MAX_BODY = 16 * 1024 * 1024


def statements(items: list) -> list[dict]:
    """The statements of a POST, each with an id (given one when it has none, as an LRS
    does); a request with anything else in it is refused."""
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("a statement is a JSON object")
        sid = item.get("id")
        if sid is None:
            item = {**item, "id": str(uuid.uuid4())}
        elif not isinstance(sid, str) or not _UUID.match(sid):
            raise BadRequest(f"the statement id {sid!r} is not a UUID")
        out.append(item)
    return out


class PreviewServer:
    """The preview's HTTP server and watcher threads; ``start()`` then ``stop()``."""

    def __init__(self, root: Path, target: str = PREVIEW_TARGETS[0], port: int = 8000,
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
        self.preview.watching.wait(timeout=30)  # a save right after start() is seen

    def stop(self) -> None:
        self.stop_event.set()
        with self.preview.changed:
            self.preview.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
