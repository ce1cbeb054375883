"""`coursepack play --learner all` on the repository's SRO course, SCORM 1.2 and 2004: exit
0, and its JSON agrees with the end-to-end tests (tests/test_course_e2e.py,
tests/test_sro_assessment.py). xAPI and cmi5 are in test_play_sro_lrs.py (a test file
each, so that pytest-xdist plays them side by side)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.build import check
from tests.conftest import REPO
from tests.support.buildcache import built
from tests.test_play import play, require_browser  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def objectives() -> set[str]:
    course, _ = check(REPO)
    return {o.id for o in course.objectives}


@pytest.fixture(scope="module")
def sro_zips(tmp_path_factory) -> Callable[[str], Path]:
    """The SRO course's package of a target, built once for the session's tests
    (tests/test_play.py plays a project folder, which play builds itself)."""
    return lambda target: built(tmp_path_factory, REPO, (target,))[target]


def played(package: Path) -> dict[str, dict]:
    # one random learner (not the default three): the suite stays within its 15 minutes
    code, report = play(None, package, "--learner", "all", "--random", "1", "--format", "json")
    bad = [r for r in report["results"] if not r["ok"]]
    assert code == 0 and report["ok"], bad
    print(f"play --learner all on {package.name}: {report['seconds']} s")
    return {r["learner"]: r for r in report["results"]}


def common(results: dict[str, dict]) -> None:
    assert {"pass", "fail", "first-option", "random-1", "resume"} <= set(results)
    endings = [e for r in results.values() for e in r["recorded"].get("endings", [])]
    # every ending of both scenarios reached once
    assert {"ending-strong-week", "ending-role-gap", "ending-restraint",
            "ending-unassessed-threat", "ending-strong-program"} <= set(endings)
    assert results["resume"]["recorded"]["resumed"] == ["mid-module", "mid-scenario",
                                                         "mid-quiz"]
    for r in results.values():
        assert r["lms_errors"] == [] and r["js_errors"] == [], r


def test_play_all_learners_sro_scorm12(require_browser, objectives, sro_zips):  # noqa: F811
    results = played(sro_zips("scorm12"))
    common(results)
    passed = results["pass"]["recorded"]
    assert passed["status"] == "passed" and passed["score"] == "100"
    assert passed["suspend_data"] < 4096
    assert objectives <= set(passed["objectives"])
    assert {passed["objectives"][o] for o in objectives} == {"passed"}
    assert results["fail"]["recorded"]["status"] == "failed"
    assert results["resume"]["recorded"]["status"] == "passed"


def test_play_all_learners_sro_scorm2004(require_browser, objectives, sro_zips):  # noqa: F811
    results = played(sro_zips("scorm2004"))
    common(results)
    passed = results["pass"]["recorded"]
    assert (passed["completion"], passed["success"], passed["scaled"]) == (
        "completed", "passed", "1")
    assert {passed["objectives"][o] for o in objectives} == {"passed"}
    assert results["fail"]["recorded"]["success"] == "failed"
