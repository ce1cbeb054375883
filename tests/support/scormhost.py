"""scormhost (PyPI, SCORM 1.2/2004 on FastAPI) as the LMS of end-to-end tests (issue 13), started once
per test session from the bed's own venv (scripts/install-testbeds.sh) on 127.0.0.1.

    host = ScormHost(tmp_dir).start()
    package_id = host.package_for(browser, package_zip)        # uploaded through POST /api/packages
    learner = ScormHostLearner(host, browser, package_id, "learner1")
    frame = learner.open()                                     # /launch/<id>, runtime ready
    ...
    learner.leave()
    learner.stored()                                           # GET /api/scorm/<id>/cmi

The first registered account is scormhost's admin (it uploads); a learner is a guest, named by
scormhost's own guest cookie, which the learner keeps from launch to launch.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.lmsbeds import BedLearner, BedProcess, bed_python, missing_bed

VENV = "scormhost-venv"
VERSION = "0.1.0"
GUEST_COOKIE = "scormhost_guest_id"

# Bind a free port first (so the tests learn it at once), then hand the socket to uvicorn.
_SERVER = """
import os, socket, sys, threading, time, uvicorn
from scormhost import create_scorm_app
def exit_with_parent(parent):  # stop when the test run is gone, even if it was killed
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)
threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
sock = socket.socket(); sock.bind(("127.0.0.1", 0)); sock.listen(64)
print("READY http://127.0.0.1:%d" % sock.getsockname()[1], flush=True)
app = create_scorm_app(data_dir=sys.argv[1], secret_key=sys.argv[2], title="coursepack test bed")
uvicorn.run(app, fd=sock.fileno(), log_level="warning")
"""


def missing_scormhost() -> list[str]:
    return missing_bed(VENV)


class ScormHost:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.process = BedProcess([str(bed_python(VENV)), "-c", _SERVER, str(self.folder / "data"),
                                   secrets.token_urlsafe(24)], ready=r"^READY (\S+)$")
        self.base = ""
        self._packages: dict[str, str] = {}
        self._admin: dict | None = None

    def start(self) -> ScormHost:
        self.base = self.process.start().group(1)
        import time

        deadline = time.monotonic() + 60
        while True:  # migrations run at startup, before the first answer
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=5) as r:
                    if r.status == 200:
                        return self
            except OSError as error:
                if time.monotonic() > deadline or self.process.proc is None \
                        or self.process.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("scormhost did not answer:\n"
                                       + self.process.output()[-3000:]) from error
            time.sleep(0.3)

    def close(self) -> None:
        self.process.stop()

    def package_for(self, browser: Any, package_zip: Path) -> str:
        """Upload ``package_zip`` (once) as the admin, through scormhost's API; its package id."""
        key = str(Path(package_zip).resolve())
        if key in self._packages:
            return self._packages[key]
        context = browser.new_context()
        try:
            if self._admin is None:
                self._admin = {"email": "admin@example.org", "username": "bedadmin",
                               "password": secrets.token_urlsafe(16), "display_name": "Bed admin"}
                answer = context.request.post(self.base + "/api/auth/register", data=self._admin)
            else:
                answer = context.request.post(self.base + "/api/auth/login", data={
                    "email": self._admin["email"], "password": self._admin["password"]})
            assert answer.ok, answer.text()
            wanted = "cp-" + hashlib.sha1(key.encode()).hexdigest()[:10]
            upload = context.request.post(
                f"{self.base}/api/packages?package_id={wanted}",
                multipart={"file": {"name": Path(package_zip).name, "mimeType": "application/zip",
                                    "buffer": Path(package_zip).read_bytes()}})
            assert upload.status == 201, upload.text()
            self._packages[key] = upload.json()["id"]
        finally:
            context.close()
        return self._packages[key]


class ScormHostLearner(BedLearner):
    """A learner (a scormhost guest with a fixed id) taking one package in Chromium."""

    def __init__(self, host: ScormHost, browser: Any, package_id: str, learner: str) -> None:
        super().__init__(browser)
        self.host, self.package_id = host, package_id
        self.guest_id = "guest-" + hashlib.sha1(learner.encode()).hexdigest()[:16]

    def open(self) -> Any:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": GUEST_COOKIE, "value": self.guest_id, "url": self.host.base}])
        return self._launch(context, f"{self.host.base}/launch/{self.package_id}", _cmi_put)

    @property
    def frame(self) -> Any:
        self.page.wait_for_selector("#scormhost-content")
        handle = self.page.locator("#scormhost-content").element_handle()
        self.page.wait_for_function("el => el.contentWindow && el.src", arg=handle)
        return handle.content_frame()

    def stored(self) -> dict:
        """The CMI elements scormhost stored for this learner (its own API, as the learner)."""
        request = urllib.request.Request(
            f"{self.host.base}/api/scorm/{self.package_id}/cmi?launch=index.html",
            headers={"Cookie": f"{GUEST_COOKIE}={self.guest_id}"})
        with urllib.request.urlopen(request, timeout=20) as r:
            return json.load(r)["elements"]


def _cmi_put(request: Any) -> dict | None:
    if request.method == "PUT" and "/api/scorm/" in request.url:
        try:
            return json.loads(request.post_data or "{}").get("elements")
        except ValueError:
            return None
    return None
