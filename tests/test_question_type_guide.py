"""docs/development.md, "Adding a question type", followed for a test type: ``yes-no``
(tests/fixtures/question-type/: its Python module, runtime script and template partial).
A course using it builds, ships the type's script, and plays under scorm-again with the
type's own SCORM 1.2 responses.

The type is registered in a separate Python process: registering it here would change the
registry for every test file that runs later in this worker.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder.build import check
from builder.errors import BuildAborted
from tests.conftest import FIXTURES
from tests.support.scripts import runtime_scripts
from tests.support.site import all_html, go_to
from tests.test_assessment_e2e import interactions

TYPE = FIXTURES / "question-type"
#: builds with the type registered: its module imported before coursepack reads anything
BUILD = ("import sys; sys.path.insert(0, sys.argv[1]); import yes_no; "
         "from builder.cli import cli; cli(sys.argv[2:])")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("yes-no")
    shutil.copytree(FIXTURES / "minimal", root, dirs_exist_ok=True)
    shutil.copytree(TYPE / "templates", root / "templates")
    module = root / "modules/02-basics.md"
    module.write_text(module.read_text() + (TYPE / "knowledge-check.md").read_text())
    return root


@pytest.fixture(scope="module")
def built(course) -> dict[str, Path]:
    proc = subprocess.run([sys.executable, "-c", BUILD, str(TYPE), "build", str(course),
                           "-t", "scorm12", "-t", "web"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {p.stem.rsplit("-", 1)[1]: p for p in (course / "dist").glob("*.zip")}


def test_an_unregistered_type_is_refused(course):
    with pytest.raises(BuildAborted) as caught:
        check(course)
    assert "unknown question type 'yes-no'" in caught.value.format_message()


def test_the_package_ships_the_type(built):
    with zipfile.ZipFile(built["web"]) as zf:
        scripts = list(runtime_scripts(zf))    # the runtime's scripts, in load order
        pages = all_html(zf)
    assert "static/questions/yes-no.js" in scripts
    assert scripts.index("static/cp-questions.js") < scripts.index("static/questions/yes-no.js")
    assert 'class="cp-choices cp-yes-no"' in pages  # its own template partial
    # the types the course does not use stay out
    assert "static/questions/matching.js" not in scripts


@pytest.mark.browser
def test_the_type_plays_under_scorm_again(scorm12_player, built):
    player = scorm12_player(built["scorm12"])
    player.open({"core": {"student_id": "learner-1", "student_name": "Doe, Jane"}})
    frame = player.frame
    question = frame.locator(".cp-question[data-q='kc-yes']")
    go_to(frame, "pg-basics--summary")  # the page the knowledge check was added to
    question.wait_for(state="visible")
    frame.locator("input[name='kc-kc-yes'][value='1']").check()
    question.locator(".cp-check").click()
    assert "Not quite." in question.locator(".cp-feedback").inner_text()
    frame.locator("input[name='kc-kc-yes'][value='0']").check()
    question.locator(".cp-check").click()
    assert "Correct." in question.locator(".cp-feedback").inner_text()
    rows = [r for r in interactions(player) if r["id"] == "basics_kc-yes"]
    assert [(r["type"], r["student_response"], r["pattern"], r["result"]) for r in rows] == [
        ("true-false", "f", "t", "wrong"), ("true-false", "t", "t", "correct")]
    assert player.errors() == []
