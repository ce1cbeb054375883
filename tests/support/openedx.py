"""Open edX as the LMS of end-to-end tests (issue 13): the SCORM XBlock (openedx-scorm-xblock) and the
cmi5 XBlock (openedx-cmi5-xblock) in xblock-sdk's workbench, started once per test session from the
bed's own venv (scripts/install-testbeds.sh) by tests/support/openedx_bed.py.

    bed = OpenEdx(tmp_dir, lrs=ralph).start()
    scenario = bed.block_for(browser, "scorm", package_zip)    # imported through the Studio handler
    learner = OpenEdxScormLearner(bed, browser, scenario, "learner-1")
    frame = learner.open()                                     # the content frame, runtime ready
    ...
    learner.leave()                                            # the learner closes the window
    bed.state(scenario, "learner-1")["scorm_data"]             # what the LMS stored

Each package gets its own block (a pool of scenarios made at start); each test its own learner.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.lmsbeds import SUPPORT, BedLearner, BedProcess, bed_python, missing_bed

VENV = "openedx-venv"
VERSIONS = {"openedx-scorm-xblock": "19.0.5", "openedx-cmi5-xblock": "0.1.3", "xblock-sdk": "0.14.0"}
STUDENT_COOKIE = "workbench_student"
POOL = {"scorm": ("<scorm/>", 4), "cmi5": ("<openedx_cmi5_xblock/>", 2)}


def missing_openedx() -> list[str]:
    return missing_bed(VENV)


class OpenEdx:
    """The workbench server: one per test session."""

    def __init__(self, folder: Path, lrs: Any = None) -> None:
        self.folder = Path(folder)
        self.lrs = lrs
        self.scenarios = {f"{kind}-{n}": olx for kind, (olx, size) in POOL.items() for n in range(size)}
        self._free = {kind: [f"{kind}-{n}" for n in range(size)] for kind, (_, size) in POOL.items()}
        self._imported: dict[tuple[str, str], str] = {}
        env = {}
        if lrs is not None:  # the cmi5 block forwards the statements it understood to this LRS
            env = {"CMI5_LRS_ENDPOINT": lrs.endpoint + "statements", "CMI5_LRS_KEY": lrs.username,
                   "CMI5_LRS_SECRET": lrs.password}
        self.process = BedProcess(
            [str(bed_python(VENV)), str(SUPPORT / "openedx_bed.py"), str(self.folder),
             json.dumps(self.scenarios)],
            ready=r"^READY (\S+) (\{.*\})$", env=env)
        self.base = ""
        self.usage_ids: dict[str, str] = {}

    def start(self) -> OpenEdx:
        match = self.process.start()
        self.base, self.usage_ids = match.group(1), json.loads(match.group(2))
        return self

    def close(self) -> None:
        self.process.stop()

    def log(self) -> str:
        path = self.folder / "server.log"
        return self.process.output() + (path.read_text(errors="replace") if path.is_file() else "")

    # -- the LMS as an author and as a reader of what it stored ------------------------------

    def state(self, scenario: str, learner: str) -> dict:
        """Every field of the scenario's block as ``learner`` sees it, from the LMS's database."""
        with urllib.request.urlopen(f"{self.base}/_bed/state/{scenario}/{learner}", timeout=20) as r:
            return json.load(r)

    def handler_url(self, scenario: str, handler: str) -> str:
        return f"{self.base}/handler/{self.usage_ids[scenario]}/{handler}/"

    def scenario_url(self, scenario: str) -> str:
        return f"{self.base}/scenario/{scenario}/"

    def upload(self, browser: Any, scenario: str, package_zip: Path, **fields: str) -> dict:
        """Import a package as Studio does: the block's studio_submit handler, multipart, with the
        CSRF token of the Studio view. Returns the handler's answer."""
        context = browser.new_context()
        try:
            context.add_cookies([{"name": STUDENT_COOKIE, "value": "author", "url": self.base}])
            page = context.new_page()
            page.goto(f"{self.base}/scenario/{scenario}/studio_view/")
            token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
            form = {"display_name": Path(package_zip).stem, "has_score": "1", "weight": "1",
                    "width": "", "height": ""}
            if scenario.startswith("scorm"):
                form.update({"enable_navigation_menu": "0", "enable_fullscreen_button": "1",
                             "popup_on_launch": "0", "navigation_menu_width": ""})
            form.update(fields)
            form["file"] = {"name": Path(package_zip).name, "mimeType": "application/zip",
                            "buffer": Path(package_zip).read_bytes()}
            response = context.request.post(self.handler_url(scenario, "studio_submit"),
                                            headers={"X-CSRFToken": token}, multipart=form)
            text = response.text()
            try:
                return {"http_status": response.status, **json.loads(text)}
            except ValueError:
                return {"http_status": response.status, "result": "http-error", "errors": [text[-2000:]]}
        finally:
            context.close()

    def block_for(self, browser: Any, kind: str, package_zip: Path, **fields: str) -> str:
        """The scenario holding ``package_zip`` (imported on first use); ``kind`` is scorm or cmi5."""
        key = (kind, f"{Path(package_zip).resolve()}|{sorted(fields.items())}")
        if key not in self._imported:
            if not self._free[kind]:
                raise RuntimeError(f"no free {kind} block left in the pool: raise POOL in {__name__}")
            scenario = self._free[kind].pop(0)
            answer = self.upload(browser, scenario, package_zip, **fields)
            if answer.get("http_status") != 200 or answer.get("errors"):
                raise AssertionError(f"import of {package_zip} failed: {answer}\n{self.log()[-3000:]}")
            self._imported[key] = scenario
        return self._imported[key]


def _handler_call(request: Any) -> list | None:
    """[handler name, JSON body] of a POST to a block handler, else None."""
    if "/handler/" not in request.url or request.method != "POST":
        return None
    name = request.url.split("/handler/", 1)[1].split("/")[1]
    try:
        data = json.loads(request.post_data or "null")
    except ValueError:
        data = request.post_data
    return [name, data]


class OpenEdxScormLearner(BedLearner):
    """A learner taking the SCORM block's package in Chromium: open, play, leave, open again."""

    def __init__(self, bed: OpenEdx, browser: Any, scenario: str, learner: str) -> None:
        super().__init__(browser)
        self.bed, self.scenario, self.learner = bed, scenario, learner

    def open(self, viewport: dict | None = None) -> Any:
        """Launch (a new browser session); return the content frame once the course runtime is ready
        and connected to the LMS's API."""
        context = self.browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": STUDENT_COOKIE, "value": self.learner, "url": self.bed.base}])
        return self._launch(context, self.bed.scenario_url(self.scenario), _handler_call)

    @property
    def frame(self) -> Any:
        self.page.wait_for_selector("iframe.scorm-embedded")
        return self.page.locator("iframe.scorm-embedded").element_handle().content_frame()

    def calls(self, handler: str | None = None) -> list:
        """The LMS handler calls of the last session ([name, body]), optionally of one handler."""
        assert self.sessions
        return [c for c in self.sessions[-1].calls if handler is None or c[0] == handler]

    def set_values(self, element: str) -> list:
        """The values the last session sent the LMS for one element, in order."""
        return [item["value"] for name, body in self.calls("scorm_set_values") for item in body
                if item["name"] == element]

    def stored(self) -> dict:
        return self.bed.state(self.scenario, self.learner)

    def lms_page(self) -> dict:
        """What the LMS's own page shows the learner about this block (a fresh load)."""
        page = self.context.new_page() if self.context else None
        if page is None:
            self.context = self.browser.new_context()
            self.context.add_cookies([{"name": STUDENT_COOKIE, "value": self.learner,
                                       "url": self.bed.base}])
            page = self.context.new_page()
        page.goto(self.bed.scenario_url(self.scenario))
        text = lambda sel: (page.locator(sel).first.text_content() or "").strip() \
            if page.locator(sel).count() else None  # noqa: E731
        shown = {"completion_status": text(".completion-status"), "grade": text(".grade"),
                 "iframe_style": page.locator("iframe.scorm-embedded").get_attribute("style")
                 if page.locator("iframe.scorm-embedded").count() else None}
        page.close()
        return shown

