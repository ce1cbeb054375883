"""Chromium for `coursepack play`: playwright (the optional extra ``coursepack[play]``)
driving a system Chromium, and the test LMS it plays packages in.

The LMS is the preview's (builder/preview.py): its HTTP server serves the package under
``/course/`` and, for xAPI and cmi5, is the small in-memory LRS; the page
``templates/preview/play.html`` hosts the package with the strict SCORM 1.2 or SCORM 2004
API and records every call. One browser serves every learner and target; each learner
gets a fresh browser context (a new learner's storage).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
import urllib.parse
from http.server import ThreadingHTTPServer
from pathlib import Path

from builder.play.package import Package
from builder.play.standards import standard

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
HOW_TO_GET = (
    "`coursepack play` needs playwright and a Chromium:\n"
    "  pip install 'coursepack[play]'     (in the venv coursepack runs from; with\n"
    "                                      `make build`: .venv/bin/pip install -e '.[play]')\n"
    "  then either a system Chromium (Debian/Ubuntu: sudo apt-get install chromium;\n"
    "  set CHROMIUM=/path/to/chrome to choose one) or playwright's own:\n"
    "  python -m playwright install chromium")


class BrowserMissing(Exception):
    """No playwright or no Chromium; the message says how to get them."""


def find_chromium() -> str | None:
    """$CHROMIUM (or $COURSEPACK_CHROMIUM) when set, else the first Chromium on PATH; None
    lets playwright use its own download, when there is one."""
    chosen = os.environ.get("CHROMIUM") or os.environ.get("COURSEPACK_CHROMIUM")
    if chosen:
        if not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
            raise BrowserMissing(f"CHROMIUM={chosen} is not an executable file.\n" + HOW_TO_GET)
        return chosen
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """playwright and one headless Chromium; ``close()`` ends both."""

    def __init__(self) -> None:
        if importlib.util.find_spec("playwright") is None:
            raise BrowserMissing("playwright is not installed.\n" + HOW_TO_GET)
        from playwright.sync_api import Error, sync_playwright

        executable = find_chromium()
        self._pw = sync_playwright().start()
        try:
            self.chromium = self._pw.chromium.launch(executable_path=executable,
                                                     args=CHROMIUM_ARGS)
        except Error as exc:
            self._pw.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "failed"
            raise BrowserMissing(f"cannot start Chromium ({executable or 'playwright'}s own): "
                                 f"{first}\n" + HOW_TO_GET) from None

    def close(self) -> None:
        try:
            self.chromium.close()
        finally:
            self._pw.stop()


class Lms:
    """The test LMS for one package: the preview's server (package files and mini LRS) on
    127.0.0.1, a free port. ``url(key)`` is the LMS page for a learner."""

    def __init__(self, package: Package) -> None:
        from builder.preview import Preview, make_handler

        self.package = package
        std = standard(package.standard)
        self.preview = Preview(Path("."), std.lms_api)
        self.preview.files = package.files
        self.preview.version = 1
        self.preview.mastery = package.mastery
        if std.assignable_unit:
            self.preview.au_id = package.activity_id
            self.preview.course_id = package.activity_id
            self.preview.move_on = package.move_on
        else:
            self.preview.course_id = package.activity_id
        self._stop = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.preview, self._stop))
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def url(self, key: str) -> str:
        query = {"standard": standard(self.package.standard).page_standard,
                 "launch": self.package.launch, "key": key, "mastery": self.package.mastery}
        return self.base + "__preview/play.html?" + urllib.parse.urlencode(query)

    def reset_lrs(self) -> None:
        """A new learner for the LRS: statements and state forgotten, a new registration."""
        import uuid

        self.preview.retired.add(self.preview.registration)  # late saves of the last one
        self.preview.statements.clear()
        self.preview.state.clear()
        self.preview.registration = str(uuid.uuid4())

    def quiet(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until the course has sent nothing for ``quiet`` seconds: a learner reads a
        page before closing it; one who closes it with a send in flight leaves the rest
        for the next launch (cp-xapi.js), which is not what a play compares."""
        import time

        deadline = time.monotonic() + timeout
        seen, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            if len(self.preview.statements) != seen:
                seen, since = len(self.preview.statements), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.01)

    def settle(self, timeout: float = 5.0, quiet: float = 0.1) -> bool:
        """Wait until the course's session ended at the LRS: its terminated statement came
        and nothing more for ``quiet`` seconds (statements sent as the page closed arrive
        after it closed). False when no terminated statement came."""
        import time

        deadline = time.monotonic() + timeout
        seen, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            items = list(self.preview.statements)
            if len(items) != seen:
                seen, since = len(items), time.monotonic()
            ended = any(str(s.get("verb", {}).get("id", "")).endswith("/terminated")
                        for s in items)
            if ended and time.monotonic() - since >= quiet:
                return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
