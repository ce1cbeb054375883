"""The repository's own SRO course (release 1.1): its objectives are the course description's 22,
word for word and in order, and its knowledge checks give no position, length or true/false cue."""

from __future__ import annotations

import pytest

from builder.build import check
from tests.conftest import REPO

#: the 22 objectives as the course description words them, in order (review of 1.0.0, issue 14)
SEED_OBJECTIVES = (
    "Define school resource officer",
    "Differentiate a School Resource Officer from a school security guard",
    "Review the history of school-based law enforcement programs",
    "Examine data related to crime in schools",
    "Describe the mission and goals of NASRO",
    "Define the triad concept of school-based policing",
    "Identify four different roles of a School Resource Officer in an educational setting",
    "Describe the responsibilities associated with each School Resource Officer role in a "
    "school-based policing program",
    "Apply knowledge of School Resource Officer roles and responsibilities to a scenario-based "
    "assessment",
    "Describe positive outcomes of partnerships between public safety organizations and schools",
    "Explore stakeholder concerns surrounding the presence of law enforcement in schools",
    "Identify recommendations for addressing concerns about law enforcement in schools",
    "Reflect on complex issues and how they impact the role of a School Resource Officer",
    "Explore collaborative best practices",
    "Identify the three essential components of an effective School Resource Officer program, as "
    "stated by NASRO",
    "Describe the purpose and importance of a Memorandum of Understanding (MOU)",
    "Explain the importance of training as a key aspect of a successful school-based law "
    "enforcement program",
    "Explore key recommendations for the selection and training of School Resource Officers",
    "Apply knowledge of best practices to a scenario-based assessment",
    "Describe the purpose of the NASRO Standards and Best Practices",
    "Summarize the benefits of adopting the NASRO Standards and Best Practices",
    "Summarize the training offerings of the NASRO",
)


@pytest.fixture(scope="module")
def course():
    course, warnings = check(REPO)
    assert warnings == []
    return course


def test_objectives_are_the_22_seed_wordings_in_order(course):
    assert len(SEED_OBJECTIVES) == 22
    assert tuple(o.text for o in course.objectives) == SEED_OBJECTIVES
    assert course.version == "1.1.0"
