"""Real LMSs as test beds (issue 13): where their venvs live and how their servers run.

Each bed runs from its own venv, built out of the repository by scripts/install-testbeds.sh under
``$COURSEPACK_TESTBEDS`` (default ``/var/tmp/coursepack-testbeds``, beside the reference beds), as a child process in its own
process group on 127.0.0.1 (a free port), stopped with its group.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

SUPPORT = Path(__file__).resolve().parent


def beds_dir() -> Path:
    from tests.support.testbeds import cache_dir  # one folder for every bed

    return cache_dir()


def bed_python(name: str) -> Path:
    """The Python of a bed's venv (``openedx-venv``, ``scormhost-venv``)."""
    return beds_dir() / name / "bin" / "python"


def missing_bed(name: str) -> list[str]:
    python = bed_python(name)
    return [] if os.access(python, os.X_OK) else [f"{name} at {python.parent.parent}"]


class BedProcess:
    """A bed's server: started with ``command``; ``start()`` returns the regex match of the first
    output line (stdout and stderr together) that matches ``ready``."""

    def __init__(self, command: list[str], ready: str, env: dict[str, str] | None = None,
                 log: Path | None = None, timeout: float = 90) -> None:
        self.command, self.ready, self.timeout = command, re.compile(ready), timeout
        self.env = {**os.environ, **(env or {})}
        self.log_path = log
        self.proc: subprocess.Popen | None = None
        self.lines: list[str] = []

    def start(self) -> re.Match:
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env, text=True,
                                     start_new_session=True)
        found: queue.Queue = queue.Queue()

        def read() -> None:
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                self.lines.append(line)
                match = self.ready.search(line)
                if match:
                    found.put(match)
            found.put(None)
        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                match = found.get(timeout=0.5)
            except queue.Empty:
                continue
            if match:
                return match
            break
        self.stop()
        raise RuntimeError(f"{self.command[1:2]} did not start:\n" + "".join(self.lines[-40:]))

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        if proc.stdout is not None:
            proc.stdout.close()


class Traffic:
    """The requests of a playwright page: what is in flight, and the LMS calls it made."""

    def __init__(self, page, lms_call=None) -> None:
        self.inflight: set = set()
        self.calls: list = []
        self.http_errors: list[str] = []
        self.page_errors: list[str] = []
        self._lms_call = lms_call
        page.on("request", self._request)
        page.on("requestfinished", lambda r: self.inflight.discard(r))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.http_errors.append(
            f"{r.status} {r.request.method} {r.url}"))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def _request(self, request) -> None:
        self.inflight.add(request)
        if self._lms_call:
            call = self._lms_call(request)
            if call is not None:
                self.calls.append(call)

    def _failed(self, request) -> None:
        self.inflight.discard(request)

    def wait_quiet(self, page, quiet_ms: int = 400, max_s: float = 20.0) -> bool:
        """Wait until no request has been in flight for ``quiet_ms``."""
        deadline, last_busy = time.monotonic() + max_s, time.monotonic()
        while time.monotonic() < deadline:
            if self.inflight:
                last_busy = time.monotonic()
            elif time.monotonic() - last_busy > quiet_ms / 1000:
                return True
            page.wait_for_timeout(100)
        return False


class BedLearner:
    """A learner in Chromium, in one of the real LMSs: each ``open`` is a new browser session
    (its :class:`Traffic` kept in ``sessions``); a subclass says how to launch and where the
    content frame is (``frame``)."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.context = None
        self.page = None
        self.traffic: Traffic | None = None
        self.sessions: list[Traffic] = []

    def _launch(self, context, url: str, lms_call):
        """Open ``url`` in ``context``; the content frame once the course runtime is ready
        and the LMS's calls have drained."""
        self.close()
        self.context = context
        self.page = context.new_page()
        self.traffic = Traffic(self.page, lms_call)
        self.sessions.append(self.traffic)
        self.page.goto(url)
        frame = self.frame
        frame.wait_for_selector("html[data-cp-ready]", state="attached")
        self.traffic.wait_quiet(self.page)
        return frame

    def runtime(self) -> str:
        """Which adapter the course runtime connected with (scorm12, scorm2004, standalone)."""
        return self.frame.evaluate("document.documentElement.getAttribute('data-cp-ready')")

    def settle(self) -> None:
        """Wait until the LMS's calls have drained."""
        assert self.traffic is not None
        self.traffic.wait_quiet(self.page)

    def leave(self) -> None:
        """The learner closes the window: the page goes away (pagehide in the LMS's page and
        the content); whatever the LMS's page manages to send then is all it gets."""
        if self.page is None:
            return
        self.settle()
        self.page.goto("about:blank")
        self.settle()
        self.close()

    def close(self) -> None:
        context, self.context, self.page = self.context, None, None
        if context is not None:
            context.close()
