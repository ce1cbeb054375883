"""One learner's visits to a package in the test LMS: a fresh browser context (a new
learner's storage), the LMS page, launches and leaves, every API call and JS error."""

from __future__ import annotations

from pathlib import Path

from builder.play.browser import Browser, Lms
from builder.play.standards import standard

TIMEOUT_MS = 15_000


class Session:
    def __init__(self, browser: Browser, lms: Lms, key: str = "coursepack-play") -> None:
        self.lms = lms
        self.package = lms.package
        self.js_errors: list[str] = []
        self.context = browser.chromium.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.js_errors.append(str(e).splitlines()[0]))
        self.page.on("dialog", self._dialog)
        self.page.goto(lms.url(key))
        self.ready = ""
        self._frame = None

    def begin(self, key: str) -> None:
        """A new learner on the same page: their own stored data, a fresh call log."""
        self.page.evaluate("k => window.coursepackPlay.begin(k)", key)
        self.js_errors.clear()
        self.ready = ""

    def _dialog(self, dialog) -> None:
        if dialog.type != "beforeunload":
            self.js_errors.append(f"{dialog.type}: {dialog.message}")
        try:
            dialog.dismiss()
        except Exception:  # noqa: BLE001 - the page may be gone already
            pass

    @property
    def frame(self):
        return self.page.frame_locator("#play-course")

    def launch(self) -> str:
        """Start a session; for a coursepack package wait until the course runs and return
        the LMS adapter it found ("standalone" when it found none)."""
        self._frame = None
        self.page.evaluate("window.coursepackPlay.launch()")
        if self.package.coursepack:
            html = self.frame.locator("html[data-cp-ready]")
            html.wait_for(state="attached")
            self.ready = html.get_attribute("data-cp-ready") or ""
        else:
            self.page.wait_for_function(
                "() => window.coursepackPlay.calls.some(c => c.launch === "
                "window.coursepackPlay.launches && /Initialize$/.test(c.fn))",
                timeout=TIMEOUT_MS)
        return self.ready

    def course_frame(self):
        """The course's frame (playwright Frame), for one-round-trip scripts."""
        if self._frame is None or self._frame.is_detached():
            self._frame = self.page.locator("#play-course").element_handle().content_frame()
        return self._frame

    def leave(self) -> None:
        """Leave as a learner closing the course does (its pagehide saves and finishes),
        once the course has delivered what it was sending."""
        if standard(self.package.standard).lrs:
            self.lms.quiet()
        self.page.evaluate("window.coursepackPlay.leave()")

    def calls(self) -> list[dict]:
        return self.page.evaluate("window.coursepackPlay.calls")

    def stored(self) -> dict | None:
        return self.page.evaluate("window.coursepackPlay.stored()")

    def dump(self) -> dict:
        return self.page.evaluate("window.coursepackPlay.dump()")

    def lms_errors(self) -> list[str]:
        """Every API call that left an error code. A SCORM 2004 GetValue answered 403
        (not initialised) is how the standard says "no value yet"."""
        out = []
        for c in self.calls():
            if c["error"] in ("0", 0, None):
                continue
            if c["fn"] == "GetValue" and str(c["error"]) == "403":
                continue
            args = ", ".join(_short(a) for a in c["args"])
            out.append(f"{c['fn']}({args}) = {c['result']!r}, error {c['error']}")
        return out

    def trace(self, folder: Path, name: str) -> None:
        """Keep a screenshot and the call log (``--trace DIR``)."""
        import json

        folder.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a page that crashed has no picture
            pass
        log = {"calls": self.calls(), "js_errors": self.js_errors,
               "statements": self.lms.preview.statements}
        (folder / f"{name}.json").write_text(json.dumps(log, indent=1), encoding="utf-8")

    def close(self) -> None:
        self.context.close()


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}...' ({len(str(value))} characters)"
