"""`coursepack play --learner all` on the repository's SRO course, SCORM 1.2 and 2004: exit
0, and its JSON agrees with the end-to-end tests (tests/test_course_e2e.py,
tests/test_sro_assessment.py). xAPI and cmi5 are in test_play_sro_lrs.py (a test file
each, so that pytest-xdist plays them side by side)."""

from __future__ import annotations

import pytest

from builder.build import check
from tests.conftest import REPO
from tests.test_play import play, require_browser  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def objectives() -> set[str]:
    course, _ = check(REPO)
    return {o.id for o in course.objectives}


def played(target: str) -> dict[str, dict]:
    # one random learner (not the default three): the suite stays within its 15 minutes
    code, report = play(None, REPO, "-t", target, "--learner", "all", "--random", "1",
                        "--format", "json")
    bad = [r for r in report["results"] if not r["ok"]]
    assert code == 0 and report["ok"], bad
    print(f"play --learner all on the SRO course ({target}): {report['seconds']} s")
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


def test_play_all_learners_sro_scorm12(require_browser, objectives):  # noqa: F811
    results = played("scorm12")
    common(results)
    passed = results["pass"]["recorded"]
    assert passed["status"] == "passed" and passed["score"] == "100"
    assert passed["suspend_data"] < 4096
    assert objectives <= set(passed["objectives"])
    assert {passed["objectives"][o] for o in objectives} == {"passed"}
    assert results["fail"]["recorded"]["status"] == "failed"
    assert results["resume"]["recorded"]["status"] == "passed"


def test_play_all_learners_sro_scorm2004(require_browser, objectives):  # noqa: F811
    results = played("scorm2004")
    common(results)
    passed = results["pass"]["recorded"]
    assert (passed["completion"], passed["success"], passed["scaled"]) == (
        "completed", "passed", "1")
    assert {passed["objectives"][o] for o in objectives} == {"passed"}
    assert results["fail"]["recorded"]["success"] == "failed"
