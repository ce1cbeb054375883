"""`coursepack play` on the minimal fixture for every target, on deliberately broken
packages (each must fail and name its problem), on a foreign SCO, and without a browser."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder import bundle
from builder.cli import cli
from tests.conftest import FIXTURES, REPO
from tests.support.buildcache import built
from tests.support.fixtures import missing_browser_tools, require

pytestmark = pytest.mark.browser
TARGETS = ("scorm12", "scorm2004", "xapi", "cmi5")


@pytest.fixture(scope="module")
def minimal_zips(tmp_path_factory) -> dict[str, Path]:
    return built(tmp_path_factory, FIXTURES / "minimal", TARGETS)


@pytest.fixture
def require_browser() -> None:
    require(missing_browser_tools(), "browser test tools missing",
            "run scripts/install-test-tools.sh")


def play(runner, *args) -> tuple[int, dict | str]:
    """The command as a user runs it, in its own process (playwright's sync API does not
    nest in the test process's own browser)."""
    done = subprocess.run([sys.executable, "-m", "builder", "play", *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    if "--format" in args and "json" in args:
        return done.returncode, json.loads(done.stdout)
    return done.returncode, done.stdout + done.stderr


def by_learner(report: dict) -> dict[str, dict]:
    return {r["learner"]: r for r in report["results"]}


def test_every_learner_on_the_minimal_course_in_every_target(runner, tmp_path,
                                                              require_browser):
    # one random learner per target (the default three are played in test_junit_report)
    code, report = play(runner, FIXTURES / "minimal", *sum((["-t", t] for t in TARGETS), []),
                        "--learner", "all", "--random", "1", "--format", "json")
    assert code == 0, json.dumps([r for r in report["results"] if not r["ok"]], indent=1)
    assert report["ok"] is True
    targets = {r["target"] for r in report["results"]}
    assert targets == set(TARGETS)
    for target in TARGETS:
        results = {r["learner"]: r for r in report["results"] if r["target"] == target}
        assert {"pass", "fail", "first-option", "random-1", "resume"} <= set(results)
        passed, failed = results["pass"]["recorded"], results["fail"]["recorded"]
        # what tests/test_scorm12_e2e.py, test_scorm2004_e2e.py and test_xapi_e2e.py expect
        if target == "scorm12":
            assert passed["status"] == "passed" and passed["score"] == "100"
            assert failed["status"] == "failed" and failed["score"] == "0"
            assert set(passed["objectives"]) == {"obj-one", "obj-two"}
            assert set(passed["objectives"].values()) == {"passed"}
        elif target == "scorm2004":
            assert (passed["completion"], passed["success"]) == ("completed", "passed")
            assert passed["scaled"] == "1"
            assert (failed["completion"], failed["success"]) == ("completed", "failed")
        else:
            assert passed["verbs"] == ["completed", "passed"] and passed["score"] == "100"
            assert failed["verbs"] == ["completed", "failed"] and failed["score"] == "0"
        # the quiz allows 2 attempts: "fail" used both (3 answers each) and the check
        assert failed["interactions"] == 7
        assert passed["interactions"] == 4
        assert results["resume"]["recorded"].get("resumed") == ["mid-module", "mid-quiz"]
        for r in results.values():
            assert r["lms_errors"] == [] and r["js_errors"] == [], r


def patched(source: Path, dest: Path, member: str, old: str, new: str) -> Path:
    """A copy of a package zip with one text replaced in one file (which must have it): a
    runtime script (a part of the package's one script file, builder/bundle.py) is
    replaced by its source (packages carry it minified), patched."""
    text = (REPO / "templates" / member).read_text("utf-8")
    assert old in text, (member, old)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w") as zout:
        parts = bundle.split(zin.read(bundle.BUNDLE))
        assert member in dict(parts), member
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == bundle.BUNDLE:
                data = bundle.join([(name, text.replace(old, new, 1).encode("utf-8")
                                     if name == member else part.encode("utf-8"))
                                    for name, part in parts])
            zout.writestr(info, data)
    return dest


def test_a_package_that_never_sets_the_status_fails(runner, minimal_zips, tmp_path,
                                                    require_browser):
    broken = patched(minimal_zips["scorm12"], tmp_path / "no-status.zip",
                     "static/cp-scorm12.js",
                     'if (s.status) this.set("cmi.core.lesson_status", s.status);', "")
    code, out = play(runner, broken, "--learner", "pass")
    assert code == 1
    assert "cmi.core.lesson_status was never set" in out
    assert "FAIL pass" in out


def test_suspend_data_over_the_limit_fails(runner, minimal_zips, tmp_path, require_browser):
    broken = patched(minimal_zips["scorm12"], tmp_path / "big-suspend.zip",
                     "static/cp-scorm12.js", 'this.set("cmi.suspend_data", s.suspend);',
                     'this.set("cmi.suspend_data", s.suspend + new Array(5000).join("x"));')
    code, out = play(runner, broken, "--learner", "pass")
    assert code == 1
    assert re.search(r"suspend_data of \d+ characters, over the limit of 4096", out)
    assert "LMS error: LMSSetValue('cmi.suspend_data'" in out and "error 405" in out


def test_a_js_error_on_page_3_fails(runner, minimal_zips, tmp_path, require_browser):
    broken = patched(minimal_zips["scorm2004"], tmp_path / "js-error.zip",
                     "static/coursepack.js", "function show(index, focus) {\n",
                     "function show(index, focus) {\nif (index === 2) setTimeout("
                     "function () { throw new Error('broken on page 3'); });\n")
    trace = tmp_path / "trace"
    code, out = play(runner, broken, "--learner", "pass", "--trace", trace)
    assert code == 1
    assert "JS error: broken on page 3" in out
    assert (trace / "scorm2004-pass.png").is_file()
    log = json.loads((trace / "scorm2004-pass.json").read_text())
    assert any(c["fn"] == "Terminate" for c in log["calls"])


def test_a_foreign_sco_is_played_as_a_generic_learner(runner, tmp_path, require_browser):
    sco = (Path(__file__).parent / "support" / "sample_sco" / "index.html").read_bytes()
    manifest = """<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
 xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
 <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
 <organizations default="o"><organization identifier="o"><title>T</title>
  <item identifier="i" identifierref="r"><title>T</title></item></organization></organizations>
 <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
  <file href="index.html"/></resource></resources></manifest>"""
    package = tmp_path / "vendor.zip"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("imsmanifest.xml", manifest)
        z.writestr("index.html", sco)
    code, report = play(runner, package, "--format", "json")
    assert code == 0, report
    [result] = report["results"]
    assert result["learner"] == "generic" and result["target"] == "scorm12"
    assert result["recorded"]["finished"] and result["recorded"]["committed"]
    assert result["recorded"]["status"] == "incomplete"
    assert result["recorded"]["bookmark"] == "page-2"


def test_junit_report(runner, minimal_zips, tmp_path, require_browser):
    """Also: ``--learner random`` plays three random learners unless told otherwise."""
    code, out = play(runner, minimal_zips["scorm12"], "--learner", "pass", "--learner", "random",
                     "--format", "junit")
    assert code == 0
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert '<testcase classname="minimal-course-1.0.0-scorm12.zip" name="pass"' in out
    assert re.findall(r'<testcase classname="[^"]*" name="(random-\d+)"', out) == [
        "random-1", "random-2", "random-3"]


@pytest.mark.parametrize("chromium", ["/nonexistent/chromium"])
def test_without_a_chromium_it_says_how_to_get_one(runner, minimal_zips, monkeypatch,
                                                   chromium):
    monkeypatch.setenv("CHROMIUM", chromium)
    result = runner.invoke(cli, ["play", str(minimal_zips["scorm12"])])
    assert result.exit_code == 1
    assert "CHROMIUM=/nonexistent/chromium is not an executable file" in result.output
    assert "pip install 'coursepack[play]'" in result.output
    assert "Traceback" not in result.output
