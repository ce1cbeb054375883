"""The Open edX test bed's server: xblock-sdk's workbench with Open edX's SCORM and cmi5 XBlocks, as a
throw-away LMS on 127.0.0.1 (free port). Run by tests/support/openedx.py with the test bed's own venv
(scripts/install-testbeds.sh), never imported by the test suite:

    openedx-venv/bin/python openedx_bed.py DIR '{"scorm-1": "<scorm/>", "cmi5-1": "<cmi5/>"}'

DIR holds the sqlite database, the uploaded packages and server.log. Once serving, prints one line
``READY http://127.0.0.1:PORT {"scorm-1": "<usage id>", ...}`` and serves until killed.
``GET /_bed/state/<scenario>/<learner>`` answers, as JSON, every field of the scenario's block as that
learner sees it, read from the workbench database (what the LMS stored), plus ``grade``.

Adapted from ../shared/testbeds/openedx/lms_scorm_check.py. What Open edX gives a block and the workbench
does not, stood in for here (and in openedx_settings.py):
- ``location.block_id`` a string (both blocks build storage paths from it); the usage id carries a
  ``context_key`` (a course key: the cmi5 block reads the learner's enrollment with it);
- the learner named by a cookie (``workbench_student``) rather than a ``?student=`` query: the SCORM
  block appends package paths to its assets_proxy handler URL, where a query breaks every asset;
- the learner's Open edX user id and username (both blocks read them);
- third-party handler URLs (the cmi5 AU's LRS endpoint and fetch URL) absolute, under /handler_noauth/.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

STUDENT_COOKIE = "workbench_student"
# The SCORM block defines window.API in a jQuery-ready callback, after its content iframe has started
# loading: on loopback a SCO that looks for the API while its page is parsed can win that race. Any real
# network adds latency to package files; so does this bed (ms per package file; 0 shows the race).
ASSET_DELAY_MS = int(os.environ.get("OPENEDX_ASSET_DELAY_MS", "250"))


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _UsageKey(str):
    """A workbench usage id that also says which course it belongs to, like Open edX's UsageKey."""

    context_key = "course-v1:coursepack+beds+2026"


def _patch_workbench(base: str) -> None:
    from workbench import runtime as wb_runtime
    from workbench import views as wb_views

    original_patch = wb_runtime.WorkbenchRuntime._patch_xblock

    def patch_xblock(runtime, block):
        original_patch(runtime, block)
        usage_id = block.scope_ids.usage_id
        if not isinstance(usage_id, _UsageKey):
            block.scope_ids = block.scope_ids._replace(usage_id=_UsageKey(usage_id))
        try:
            block.location.block_id = str(usage_id)
        except AttributeError:
            pass
    wb_runtime.WorkbenchRuntime._patch_xblock = patch_xblock

    original_handler_url = wb_runtime.WorkbenchRuntime.handler_url

    def handler_url(runtime, block, handler_name, suffix="", query="", thirdparty=False):
        if thirdparty:
            url = f"{base}/handler_noauth/{block.scope_ids.usage_id}/{handler_name}/{suffix}"
            return url + ("?" + query if query else "")
        url = original_handler_url(runtime, block, handler_name, suffix, query, thirdparty)
        url = url.replace(f"?student={block.scope_ids.user_id}&", "?", 1)
        return url.replace(f"?student={block.scope_ids.user_id}", "", 1)
    wb_runtime.WorkbenchRuntime.handler_url = handler_url

    original_user_init = wb_runtime.WorkBenchUserService.__init__

    def user_init(service, uid):
        original_user_init(service, uid)
        service._user.opt_attrs["edx-platform.user_id"] = uid
        service._user.opt_attrs["edx-platform.username"] = uid
    wb_runtime.WorkBenchUserService.__init__ = user_init
    wb_views.get_student_id = lambda request: (request.GET.get("student")
                                              or request.COOKIES.get(STUDENT_COOKIE) or "student_1")


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def _exit_with_parent(parent: int) -> None:
    """Stop when the test run that started this server is gone (even if it was killed)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main(argv: list[str]) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    folder, scenario_olx = Path(argv[0]), json.loads(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["TESTBED_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "openedx_settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", run_syncdb=True, verbosity=0)  # the workbench app has no migrations
    httpd_box: list = []

    app = StaticFilesHandler(get_wsgi_application())

    def state(scenario: str, learner: str) -> dict:
        from workbench.runtime import WorkbenchRuntime
        from workbench.scenarios import SCENARIOS
        block = WorkbenchRuntime(learner).get_block(SCENARIOS[scenario].usage_id)
        found = {name: _jsonable(getattr(block, name)) for name in block.fields}
        found["grade"] = block.get_grade()
        return found

    def serve(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_bed/state/"):
            scenario, learner = path[len("/_bed/state/"):].strip("/").split("/")
            try:
                body, status = json.dumps(state(scenario, learner)).encode(), "200 OK"
            except KeyError:
                body, status = b'{"error": "no such scenario"}', "404 Not Found"
            start_response(status, [("Content-Type", "application/json"),
                                    ("Content-Length", str(len(body)))])
            return [body]
        if ASSET_DELAY_MS and "/assets_proxy/" in path:
            time.sleep(ASSET_DELAY_MS / 1000)
        return app(environ, start_response)

    httpd = make_server("127.0.0.1", 0, serve, server_class=_Server, handler_class=_Quiet)
    httpd_box.append(httpd)
    base = f"http://127.0.0.1:{httpd.server_port}"
    settings.LMS_ROOT_URL = base
    _patch_workbench(base)
    from workbench import scenarios

    scenarios.SCENARIOS.clear()
    scenarios.get_scenarios.initialized = True  # only ours, not every installed block's demos
    for name, olx in scenario_olx.items():
        scenarios.add_xml_scenario(name, name, olx)
    ids = {name: scenarios.SCENARIOS[name].usage_id for name in scenario_olx}
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print("READY", base, json.dumps(ids), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
