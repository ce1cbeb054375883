"""The xAPI activities the build embeds (builder/xapi_activities.py) are what the tincan
library makes of them: read back by tincan and written again (as the build wrote them when
it used the library), every activity of a course with every question type, a branching
scenario and media comes out the same, key order included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder import xapi_activities as xapi
from builder.build import check
from builder.model import Module

tincan = pytest.importorskip("tincan")  # a test dependency (tests/support/lrs.py)

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def as_tincan(activity: dict) -> str:
    return json.dumps(tincan.Activity.from_json(json.dumps(activity)).as_version("1.0.3"))


def activities(course) -> list[dict]:
    out = []
    data = xapi.course_activities(course)
    out += [data["course"], *data["units"], *data["pages"]]
    for a in course.assessments:
        out += [xapi.question_activity(course, a.id, q) for q in a.questions]
        out += [xapi.node_activity(course, a, n) for n in a.nodes]
    for unit in course.outline:
        if isinstance(unit, Module):
            out += [xapi.question_activity(course, unit.id, b) for p in unit.pages
                    for b in p.blocks if not isinstance(b, str)]
    return out


@pytest.mark.parametrize("project", [FIXTURES / "alltypes", FIXTURES / "blocks", REPO])
def test_activities_are_what_tincan_writes(project):
    course, _ = check(project, findings=False)
    found = activities(course)
    kinds = {a["definition"].get("interactionType") for a in found}
    if project.name == "alltypes":  # every interaction type the question types use
        assert {"choice", "true-false", "fill-in", "numeric", "matching", "sequencing",
                "likert"} <= kinds
    assert len(found) > 5
    for activity in found:
        assert json.dumps(activity) == as_tincan(activity)


def test_an_unknown_definition_key_is_refused():
    with pytest.raises(ValueError, match="interaction_type"):
        xapi._activity("urn:x", interaction_type="choice")
