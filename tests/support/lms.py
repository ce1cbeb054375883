"""A SCORM 1.2 test LMS for browser tests: a static server, Chromium, and a player.

The LMS side is scorm-again (npm, installed in tests/js) running in
``player/scorm.html``; this module serves that page, the package under test
and scorm-again from one local HTTP server and drives Debian's Chromium through
playwright. The player page records every SCORM API call with its result and
error code; Scorm12Player reads those records, the data model and what the LMS
stored back into Python.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import posixpath
import re
import shutil
import tempfile
import threading
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

TESTS_DIR = Path(__file__).resolve().parent.parent
PLAYER_DIR = TESTS_DIR / "support" / "player"
PREVIEW_DIR = TESTS_DIR.parent / "templates" / "preview"  # lms-quirks.js
NODE_MODULES = TESTS_DIR / "js" / "node_modules"
SCORM_AGAIN_DIST = NODE_MODULES / "scorm-again" / "dist"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".svg": "image/svg+xml",
    ".map": "application/json",
}

LOG_ERROR = 4  # scorm-again's LogLevel: 1 DEBUG, 2 INFO, 3 WARN, 4 ERROR, 5 NONE


def chromium_path() -> str:
    """The Chromium executable: $COURSEPACK_CHROMIUM, else Debian's."""
    return os.environ.get("COURSEPACK_CHROMIUM") or DEFAULT_CHROMIUM


# --------------------------------------------------------------------------- server


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from the directories mapped to URL prefixes; quiet, uncached."""

    routes: dict[str, Path] = {}
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def translate_path(self, path: str) -> str:
        """Map a URL path onto the directory of its longest matching prefix."""
        path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        for prefix in sorted(self.routes, key=len, reverse=True):
            if path.startswith(prefix):
                rest = posixpath.normpath("/" + path[len(prefix):]).lstrip("/")
                target = self.routes[prefix].joinpath(*[p for p in rest.split("/") if p])
                if path.endswith("/"):
                    return str(target) + os.sep
                return str(target)
        return str(Path(os.devnull) / "not-routed")  # 404

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def send_head(self):  # noqa: ANN201
        """A ``Range: bytes=a-b`` request of a file gets 206 and those bytes (browsers
        seek in video and audio with range requests, as they do on a real LMS)."""
        m = re.match(r"^bytes=(\d*)-(\d*)$", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if not m or not os.path.isfile(path) or m.group(1) == m.group(2) == "":
            return super().send_head()
        size = os.path.getsize(path)
        if m.group(1):
            start, end = int(m.group(1)), min(int(m.group(2) or size - 1), size - 1)
        else:
            start, end = max(0, size - int(m.group(2))), size - 1
        if start > end:
            self.send_error(416)
            return None
        with open(path, "rb") as fh:
            fh.seek(start)
            body = fh.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(routes: dict[str, Path]) -> Iterator[str]:
    """Serve ``{"/prefix/": directory}`` on 127.0.0.1 (free port); yield the base URL."""
    handler = type("RoutedHandler", (_Handler,), {
        "routes": {prefix: Path(directory).resolve() for prefix, directory in routes.items()},
    })
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="lms-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- browser


def launch_chromium(playwright: Any) -> Any:
    """Launch the system Chromium headless with flags that keep it off the network."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def safe_extract(package_zip: Path, dest: Path) -> None:
    """Extract a zip, refusing absolute paths, drive letters, backslashes and '..'."""
    with zipfile.ZipFile(package_zip) as archive:
        for name in archive.namelist():
            parts = PurePosixPath(name).parts
            if (not name or name.startswith("/") or "\\" in name or ":" in name
                    or ".." in parts):
                raise ValueError(f"unsafe file name in {package_zip.name}: {name!r}")
        archive.extractall(dest)


def manifest_launch(package_dir: Path) -> str | None:
    """The href (with parameters) of the first item that launches a resource, if any."""
    manifest = package_dir / "imsmanifest.xml"
    if not manifest.is_file():
        return None
    root = ET.parse(manifest).getroot()
    local = lambda el: el.tag.rsplit("}", 1)[-1]  # noqa: E731
    resources = {r.get("identifier"): r for r in root.iter() if local(r) == "resource"}
    for item in root.iter():
        if local(item) == "item" and item.get("identifierref") in resources:
            href = resources[item.get("identifierref")].get("href")
            if href:
                return href + (item.get("parameters") or "")
    return None


WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(frame: Any, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict]:
    """Run axe-core in a frame and return its violations for the given WCAG tags."""
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return frame.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)",
        list(tags),
    )


# --------------------------------------------------------------------------- player


_UNLOAD_SCO = """ms => Promise.race([
    window.__unloadSco(),
    new Promise((_, reject) => setTimeout(() => reject(new Error("the SCO did not unload")), ms)),
])"""


class Scorm12Player:
    #: the standard the player page (tests/support/player/scorm.html) plays
    standard = "12"

    """Plays one SCORM 1.2 package zip in Chromium with scorm-again as the LMS.

    Use as a context manager (or call ``close()``)::

        with Scorm12Player(browser, zip_path) as player:
            page = player.open(preload={"core": {"student_id": "s1"}})
            ...
            player.close_page()            # the SCO's pagehide/unload handlers run
            assert player.errors() == []
            page = player.open(player.resume_preload())

    ``launch`` is the SCO's path inside the package; by default the first
    launchable item of imsmanifest.xml, else ``index.html``.
    """

    def __init__(self, browser: Any, package_zip: Path, launch: str | None = None,
                 timeout_ms: float = 15_000) -> None:
        self.browser = browser
        self.timeout_ms = timeout_ms
        self._tmp = Path(tempfile.mkdtemp(prefix="coursepack-player-"))
        self.package_dir = self._tmp / "pkg"
        self._context: Any = None
        self.page: Any = None
        self.popup: Any = None  #: the SCO's own window when it runs in a pop-up
        self._final: dict = {"calls": [], "log": [], "stored": None, "notes": []}
        self._page_errors: list[str] = []
        try:
            safe_extract(Path(package_zip), self.package_dir)
            self.launch = launch or manifest_launch(self.package_dir) or "index.html"
            self._server = serve({
                "/pkg/": self.package_dir,
                "/player/": PLAYER_DIR,
                "/preview/": PREVIEW_DIR,
                "/scorm-again/": SCORM_AGAIN_DIST,
            })
            self.base_url = self._server.__enter__()
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise

    def open(self, preload: dict | None = None, faults: dict | None = None,
             quirks: list[str] | tuple[str, ...] = ()) -> Any:
        """Start a new session (fresh browser context); return the page once the SCO loaded.

        ``preload`` is CMI data loaded before the SCO starts, e.g.
        ``{"core": {"student_id": "s1", "entry": "resume"}, "suspend_data": "..."}``
        (a ``{"cmi": {...}}`` wrapper is accepted too). ``faults`` makes the LMS misbehave
        (``window.__faults`` of player/scorm.html), e.g.
        ``{"commit": {"times": 2, "mode": "false"}}`` or ``{"apiInOpener": True}``.
        ``quirks`` names habits of real LMSs (templates/preview/lms-quirks.js, the same
        as ``coursepack preview --lms-quirks``), e.g. ``["entry-empty", "no-count"]``.
        """
        self.close_page()
        self._final = {"calls": [], "log": [], "stored": None, "notes": []}
        self._page_errors = []
        self._context = self.browser.new_context()
        self._context.set_default_timeout(self.timeout_ms)
        if preload is not None:
            self._context.add_init_script(
                f"if (window === window.top) window.__preload = {json.dumps(preload)};")
        if faults is not None:
            self._context.add_init_script(
                f"if (window === window.top) window.__faults = {json.dumps(faults)};")
        if quirks:
            self._context.add_init_script(
                f"if (window === window.top) window.__quirks = {json.dumps(list(quirks))};")
        self.page = self._context.new_page()
        self.page.on("pageerror", lambda error: self._page_errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)
        self._context.on("page", self._on_popup)
        query = urllib.parse.urlencode({"launch": "/pkg/" + self.launch.lstrip("/"),
                                        "standard": self.standard})
        self.page.goto(f"{self.base_url}/player/scorm.html?{query}")
        self.page.wait_for_function("window.__scoLoaded === true")
        return self.page

    def _on_popup(self, page: Any) -> None:
        self.popup = page
        page.on("pageerror", lambda error: self._page_errors.append(str(error)))
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        """Let beforeunload through; note and dismiss alerts, confirms and prompts."""
        if dialog.type == "beforeunload":
            dialog.accept()
        else:
            self._page_errors.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

    @property
    def frame(self) -> Any:
        """The content (SCO) frame of the open page."""
        if self.page is None:
            raise RuntimeError("no page is open")
        if self.popup is not None:
            return self.popup.main_frame
        return self.page.locator("#sco").element_handle().content_frame()

    def _state(self) -> dict:
        """Calls, log and stored data: live from the page, else as the page closed."""
        if self.page is not None:
            return self.page.evaluate(
                "() => ({calls: window.__calls, log: window.__log, stored: window.__stored,"
                " notes: window.__quirkNotes})")
        return self._final

    def cmi(self) -> dict:
        """The whole data model while the page is open; after closing, the last stored data."""
        if self.page is not None:
            return self.page.evaluate("window.__cmi()")
        if self._final["stored"] is None:
            raise RuntimeError("no page is open and the session stored nothing")
        return self._final["stored"]

    @property
    def stored(self) -> dict | None:
        """What the LMS persisted at the last successful LMSCommit/LMSFinish, if any
        (after LMSFinish it includes core.total_time with this session added)."""
        return self._state()["stored"]

    def calls(self) -> list[dict]:
        """Every API call of this session so far: ``{fn, args, result, error}``."""
        return list(self._state()["calls"])

    def quirk_notes(self) -> list[str]:
        """Every call an LMS quirk changed, e.g. ``'GetValue("cmi.entry") = ""  [entry-empty]'``."""
        return list(self._state()["notes"])

    def log(self) -> list[dict]:
        """What scorm-again logged at WARN (3) or ERROR (4): ``{level, message}``."""
        return list(self._state()["log"])

    def errors(self) -> list[dict]:
        """Calls that left an error code, scorm-again's ERROR log lines, JS errors, dialogs."""
        state = self._state()
        return ([c for c in state["calls"] if c["error"] != "0"]
                + [m for m in state["log"] if m["level"] >= LOG_ERROR]
                + [{"pageerror": e} for e in self._page_errors])

    def close_page(self) -> None:
        """End the session as a learner leaving the course does, then close the page.

        The SCO is unloaded first (its beforeunload, pagehide and unload handlers
        run, e.g. an LMSFinish) while the player page lives on, so every record is
        kept. Closing (or navigating) the whole page does fire pagehide in the
        content too, but what it reports is then lost: playwright drops binding
        calls from a page being torn down, and Chromium drops many sendBeacon
        requests made in that page's pagehide handlers.
        """
        if self.page is None:
            return
        try:
            self.page.evaluate(_UNLOAD_SCO, self.timeout_ms)
            self._final = self._state()
        finally:
            self._drop_page()

    def crash(self) -> None:
        """End the session as a browser crash does, as far as the LMS can tell: from this
        instant nothing the SCO does reaches it, so what it stored is exactly what the
        SCO had committed (no LMSFinish, no last save from a pagehide handler).

        The API freezes (``window.__frozen``: every later call fails unrecorded), then the
        page is closed. (Chromium's Page.crash would be closer, but playwright waits
        forever for its answer.)
        """
        if self.page is None:
            return
        try:
            self.page.evaluate("window.__frozen = true")
            self._final = self._state()
        finally:
            self._drop_page()

    def _drop_page(self) -> None:
        page, context, self.page, self._context = self.page, self._context, None, None
        self.popup = None
        try:
            page.close()
        finally:
            context.close()

    def resume_preload(self) -> dict:
        """The data an LMS would hand to the next launch, from this session's stored data.

        entry is 'resume' after exit 'suspend', else ''; suspend_data, lesson_location,
        lesson_status, score and total_time (including this session once it finished)
        carry over, as do the learner's id/name, credit, lesson_mode and the
        manifest-given launch_data and student_data.
        """
        stored = self.stored
        if stored is None:
            raise RuntimeError("the session stored nothing (no successful LMSCommit/LMSFinish)")
        core = stored["core"]
        keep = lambda d, keys: {k: d[k] for k in keys if d.get(k) not in (None, "")}  # noqa: E731
        new_core = keep(core, ("student_id", "student_name", "lesson_location", "lesson_status",
                               "credit", "lesson_mode", "total_time"))
        new_core["entry"] = "resume" if core.get("exit") == "suspend" else ""
        score = keep(core.get("score", {}), ("raw", "min", "max"))
        if score:
            new_core["score"] = score
        preload = {"core": new_core, **keep(stored, ("suspend_data", "launch_data"))}
        student_data = keep(stored.get("student_data", {}),
                            ("mastery_score", "max_time_allowed", "time_limit_action"))
        if student_data:
            preload["student_data"] = student_data
        return preload

    def close(self) -> None:
        """Close the page, stop the server and delete the extracted package."""
        try:
            self.close_page()
        finally:
            self._server.__exit__(None, None, None)
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Scorm12Player:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Scorm2004Player(Scorm12Player):
    """The same, for SCORM 2004 4th Edition packages: scorm-again's Scorm2004API as
    ``window.API_1484_11`` (``player/scorm.html?standard=2004``)."""

    standard = "2004"

    def errors(self) -> list[dict]:
        """As for 1.2, but a GetValue answered 403 (Data Model Element Value Not
        Initialized) is how SCORM 2004 says "no value yet", e.g. cmi.location on a first
        launch, which the course reads whatever cmi.entry says."""
        return [e for e in super().errors()
                if not (e.get("fn") == "GetValue" and e.get("error") == "403")]

    def resume_preload(self) -> dict:
        """What a 2004 LMS hands the next launch: entry 'resume' after exit 'suspend'."""
        stored = self.stored
        if stored is None:
            raise RuntimeError("the session stored nothing (no successful Commit/Terminate)")
        keep = lambda d, keys: {k: d[k] for k in keys if d.get(k) not in (None, "")}  # noqa: E731
        preload = keep(stored, ("learner_id", "learner_name", "location", "suspend_data",
                                "completion_status", "success_status", "credit", "mode",
                                "total_time", "scaled_passing_score", "completion_threshold"))
        preload["entry"] = "resume" if stored.get("exit") == "suspend" else ""
        score = keep(stored.get("score", {}), ("scaled", "raw", "min", "max"))
        if score:
            preload["score"] = score
        return preload
