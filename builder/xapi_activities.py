"""xAPI activities of a course: ids, names and interaction definitions.

The definitions are built at build time and embedded in the package, so the runtime sends
complete ``answered`` statements without computing patterns in the browser. Activity ids
extend the course's IRI (``activity_id`` in course.yaml): ``<course>/<module>/<page>``,
``<course>/<assessment>/<question>``.

The objects are plain JSON (xAPI 1.0.3, section 2.4.4.1): an activity is ``id``,
``objectType`` and ``definition``; a definition's keys come in the order of
:data:`DEFINITION_KEYS`, those without a value left out. That is the form and order the
tincan library wrote when the build used it; the library took about 35 ms to import (it
imports an HTTP client, ssl and email parsing) for nothing the build needs, so the
build writes the same objects itself (tests/test_xapi_activities.py compares the two).
"""

from __future__ import annotations

from builder.components.questions import question_type
from builder.model import Assessment, Course, Module, Node, Question
from builder.plaintext import plain_text as text

ADL = "http://adlnet.gov/expapi/activities/"
TYPES = {
    "course": ADL + "course",
    "module": ADL + "module",
    "page": "http://activitystrea.ms/schema/1.0/page",
    "assessment": ADL + "assessment",
    "interaction": ADL + "cmi.interaction",
    # the xAPI Video Profile's type; it defines none for audio: Activity Streams' audio
    "video": "https://w3id.org/xapi/video/activity-type/video",
    "audio": "http://activitystrea.ms/schema/1.0/audio",
}
#: an activity definition's keys (xAPI's names), in the order they are written
DEFINITION_KEYS = ("name", "description", "type", "moreInfo", "interactionType",
                   "correctResponsesPattern", "choices", "scale", "source", "target",
                   "steps", "extensions")


def lang_map(course: Course, html: str) -> dict[str, str]:
    return {course.language: text(html) or "-"}


def _components(course: Course, ids: list[str], choices) -> list[dict]:
    return [{"id": str(i), "description": lang_map(course, c.html or c.id)}
            for i, c in zip(ids, choices, strict=True)]


def _activity(iri: str, **definition) -> dict:
    """An activity with the definition's values (xAPI names), in xAPI's order."""
    unknown = set(definition) - set(DEFINITION_KEYS)
    if unknown:
        raise ValueError(f"not keys of an activity definition: {sorted(unknown)}")
    return {"id": str(iri), "objectType": "Activity",
            "definition": {k: definition[k] for k in DEFINITION_KEYS
                           if definition.get(k) is not None}}


def question_activity(course: Course, scope: str, q: Question) -> dict:
    kind = question_type(q.type)
    definition = {"type": TYPES["interaction"], "name": lang_map(course, q.prompt_html),
                  "description": lang_map(course, q.prompt_html),
                  "interactionType": kind.interaction,
                  "correctResponsesPattern": kind.pattern2004(q)}
    for attribute, (ids, options) in kind.xapi_components(q).items():
        definition[attribute] = _components(course, ids, options)
    return _activity(f"{course.activity_id}/{scope}/{q.id}", **definition)


def node_activity(course: Course, a: Assessment, node: Node) -> dict:
    best = max((c.score for c in node.choices), default=0)
    return _activity(f"{course.activity_id}/{a.id}/{node.id}",
                     type=TYPES["interaction"], name=lang_map(course, node.html),
                     description=lang_map(course, node.html), interactionType="choice",
                     correctResponsesPattern=[c.id for c in node.choices if c.score == best],
                     choices=_components(course, [c.id for c in node.choices], node.choices))


def activity(course: Course, iri: str, kind: str, name: str, description: str = "") -> dict:
    return _activity(iri, type=TYPES[kind], name={course.language: name or "-"},
                     description={course.language: description} if description else None)


def course_activities(course: Course) -> dict:
    """What the runtime needs: the course, unit and page activities (by position)."""
    units = []
    pages = []
    for unit in course.outline:
        kind = "module" if isinstance(unit, Module) else "assessment"
        units.append(activity(course, f"{course.activity_id}/{unit.id}", kind, unit.title))
        if isinstance(unit, Module):
            pages += [activity(course, f"{course.activity_id}/{unit.id}/{p.id}", "page",
                               p.title) for p in unit.pages]
        else:
            pages.append(units[-1])
    return {
        "course": activity(course, course.activity_id, "course", course.title,
                           text(course.description_html)),
        "units": units,
        "pages": pages,
    }


def media_activity(course: Course, media) -> dict:
    """A video or audio block (builder.media.Media) as the object of Video Profile
    statements: ``<course>/media/<id>``."""
    return activity(course, f"{course.activity_id}/media/{media.id}", media.kind, media.title)
