"""How pytest-xdist hands out the test files under ``--dist loadfile`` (make test, CI).

xdist's own loadfile scheduler gives out the files with the most tests first, and a worker
its next file as soon as two tests of its current one are left. The tests that take long
are few per file (a browser plays a whole course, a reference LMS or LRS serves it), so
those files came last: the heaviest started when the others were nearly done, and the
workers finished minutes apart. Here the files go out heaviest first (longest processing
time first, by the seconds in ``SECONDS``), and a worker is given its next file when one
test of its current one is left (xdist runs a test only once it knows the one after it).
Which worker runs which file still follows who is free first; every file still runs
whole on one worker, as under loadfile, and the files in ``TOGETHER`` on the same one (they
start the same slow servers).

``SECONDS`` are each file's seconds from one run of the whole suite (``pytest -n 3
--dist loadfile --file-durations=0`` prints them; the figures need not be exact, only in
the right order). A file not listed counts ``DEFAULT_PER_TEST`` seconds a test.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

#: seconds per test file, measured 2026-12-05 14:47-15:06 UTC on the shared 2-core machine
#: (load average 10-18; -n 3 --dist loadfile, the suite 19 min 32 s there, about 12 quiet)
SECONDS: dict[str, float] = {
    "tests/test_reference_beds_e2e.py": 398, "tests/test_accessibility.py": 275,
    "tests/test_lms_quirks.py": 274, "tests/test_openedx_scorm.py": 182,
    "tests/test_sro_assessment.py": 160, "tests/test_faulty_lms.py": 156,
    "tests/test_play.py": 132, "tests/test_loadfork.py": 98, "tests/test_republish.py": 88,
    "tests/test_scormhost.py": 86, "tests/test_hostile_lms.py": 82,
    "tests/test_play_sro.py": 80, "tests/test_cover_certificate.py": 79,
    "tests/test_play_sro_lrs.py": 76, "tests/test_xapi_e2e.py": 74,
    "tests/test_course_e2e.py": 68, "tests/test_schema_agreement.py": 68,
    "tests/test_targets.py": 61, "tests/test_scorm12_e2e.py": 57,
    "tests/test_openedx_cmi5.py": 55, "tests/test_properties.py": 53,
    "tests/test_lazy_pages.py": 47, "tests/test_csp.py": 41,
    "tests/test_assessment_e2e.py": 40, "tests/test_scorm2004_e2e.py": 36,
    "tests/test_media.py": 35, "tests/test_hostile.py": 29, "tests/test_bigbuild.py": 25,
    "tests/test_menu_scale.py": 25, "tests/test_gallery.py": 23, "tests/test_preview.py": 21,
    "tests/test_lrs_support.py": 21, "tests/test_learner_view.py": 20,
    "tests/test_hostile_lrs.py": 20, "tests/test_harness.py": 20,
    "tests/test_preview_defects.py": 19, "tests/test_loaders.py": 17, "tests/test_blocks.py": 17,
    "tests/test_preview_incremental.py": 12, "tests/test_theme_i18n.py": 12,
    "tests/test_broken_corpus.py": 11, "tests/test_scoring.py": 11,
    "tests/test_package.py": 10, "tests/test_web_e2e.py": 9, "tests/test_validate_cmd.py": 9,
    "tests/test_preview_watch.py": 9, "tests/test_history.py": 9,
    "tests/test_lazy_imports.py": 8, "tests/test_jsmin.py": 7, "tests/test_quality.py": 7,
    "tests/test_question_type_guide.py": 7, "tests/test_import_graph.py": 7,
}
DEFAULT_PER_TEST = 0.3
#: files that go to one worker together, one after the other (file: the group's first file):
#: both start the Open edX workbench and the Ralph LRS it sends to (session fixtures, once per
#: worker), 15 to 37 s of set-up each time
TOGETHER: dict[str, str] = {"tests/test_openedx_cmi5.py": "tests/test_openedx_scorm.py"}


def seconds(path: str, tests: int) -> float:
    return SECONDS.get(path, DEFAULT_PER_TEST * tests)


def heaviest_first_scheduler(config: pytest.Config, log):
    """xdist's LoadFileScheduling, ordered by ``SECONDS`` and topped up one test earlier."""
    from xdist.scheduler import LoadFileScheduling

    class HeaviestFirst(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return TOGETHER.get(path, path)

        def schedule(self) -> None:
            # LoadScopeScheduling.schedule, with the work units sorted by their seconds
            assert self.collection_is_completed
            if self.collection is not None:
                for node in self.nodes:
                    self._reschedule(node)
                return
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            self.collection = list(next(iter(self.registered_collections.values())))
            if not self.collection:
                return
            units: dict[str, dict[str, bool]] = {}
            for nodeid in self.collection:
                units.setdefault(self._split_scope(nodeid), {})[nodeid] = False

            def weight(scope: str) -> float:
                paths = {nodeid.split("::", 1)[0] for nodeid in units[scope]}
                return sum(seconds(p, sum(n.startswith(p + "::") for n in units[scope]))
                           for p in paths)

            for scope in sorted(units, key=weight, reverse=True):
                self.workqueue[scope] = units[scope]
            for _ in range(len(self.nodes) - len(self.workqueue)):
                unused, _assigned = self.assigned_work.popitem()
                unused.shutdown()
            for node in self.nodes:
                self._assign_work_unit(node)
            for node in self.nodes:
                self._reschedule(node)
            if not self.workqueue:
                for node in self.nodes:
                    node.shutdown()

        def _reschedule(self, node) -> None:
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            # the worker runs a test once it has the next one: top up at one test left
            if self._pending_of(self.assigned_work[node]) > 1:
                return
            self._assign_work_unit(node)

    return HeaviestFirst(config, log)


#: what HeaviestFirst uses of xdist's LoadFileScheduling beyond its public face (xdist 3.5-3.8)
_XDIST_PARTS = ("_split_scope", "_assign_work_unit", "_pending_of", "_reschedule",
                "_check_nodes_have_same_collection", "schedule")


def _xdist_fits() -> bool:
    """Whether this xdist's LoadFileScheduling still has the parts HeaviestFirst builds on;
    if a later release changed them, xdist's own loadfile order is used instead."""
    try:
        from xdist.scheduler import LoadFileScheduling
    except ImportError:
        return False
    return all(callable(getattr(LoadFileScheduling, name, None)) for name in _XDIST_PARTS)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") == "loadfile" and _xdist_fits():
        return heaviest_first_scheduler(config, log)
    return None


# -- what each file and worker took (--file-durations) ---------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--file-durations", type=int, default=None, metavar="N",
                     help="show the N slowest test files (0: all) and, under xdist, when "
                          "each worker finished: the figures for SECONDS in "
                          "tests/support/schedule.py")


class _Durations:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.files: dict[str, float] = defaultdict(float)
        self.busy: dict[str, float] = defaultdict(float)
        self.last: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.files[report.nodeid.split("::", 1)[0]] += report.duration
        node = getattr(report, "node", None)
        if node is not None:
            worker = node.gateway.id
            self.busy[worker] += report.duration
            self.last[worker] = time.monotonic() - self.started

    def pytest_terminal_summary(self, terminalreporter, config: pytest.Config) -> None:
        count = config.getoption("file_durations")
        tr = terminalreporter
        tr.write_sep("=", "test files by seconds (setup + call + teardown)")
        ranked = sorted(self.files.items(), key=lambda kv: -kv[1])
        for path, secs in ranked[:count or None]:
            tr.write_line(f"{secs:8.1f}s {path}")
        for worker in sorted(self.last):
            tr.write_line(f"worker {worker}: busy {self.busy[worker]:.0f} s, last test done "
                          f"{self.last[worker]:.0f} s after the session began")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("file_durations") is not None and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Durations(), "coursepack-file-durations")
