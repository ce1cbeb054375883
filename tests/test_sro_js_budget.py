"""Issue 16 for the real course: the learner JS of "An Introduction to SRO Programs" (no
media) stays under 60 KB raw in every target.

The repo root is both the course and the theme, so an in-place build ships the scripts
minified as the installed theme's are; history "read" writes no state-history.json."""
from __future__ import annotations

import zipfile

import pytest

from builder.build import build
from tests.conftest import REPO

LIMIT = 60 * 1024
TARGETS = ("scorm12", "scorm2004", "xapi", "cmi5", "web")


@pytest.fixture(scope="module")
def learner_js(tmp_path_factory):
    out = tmp_path_factory.mktemp("sro-js")
    sizes = {}
    for zip_path in build(REPO, TARGETS, out=out, history="read").written:
        with zipfile.ZipFile(zip_path) as zf:
            target = zip_path.stem.rsplit("-", 1)[1]
            sizes[target] = sum(i.file_size for i in zf.infolist()
                                if i.filename.startswith("static/") and i.filename.endswith(".js"))
    assert set(sizes) == set(TARGETS)
    return sizes


@pytest.mark.parametrize("target", TARGETS)
def test_sro_learner_js_under_60_kb(learner_js, target):
    assert learner_js[target] < LIMIT, f"{target}: {learner_js[target]} bytes of learner JS"

