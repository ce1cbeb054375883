"""xAPI activities of a course: ids, names and interaction definitions.

The definitions are built at build time with the tincan library's models and embedded in
the package, so the runtime sends complete ``answered`` statements without computing
patterns in the browser. Activity ids extend the course's IRI (``activity_id`` in
course.yaml): ``<course>/<module>/<page>``, ``<course>/<assessment>/<question>``.
"""

from __future__ import annotations

from tincan import (
    Activity,
    ActivityDefinition,
    InteractionComponent,
    InteractionComponentList,
    LanguageMap,
)

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


def lang_map(course: Course, html: str) -> LanguageMap:
    return LanguageMap({course.language: text(html) or "-"})


def _components(course: Course, ids: list[str], choices) -> InteractionComponentList:
    return InteractionComponentList([
        InteractionComponent(id=i, description=lang_map(course, c.html or c.id))
        for i, c in zip(ids, choices, strict=True)])


def question_activity(course: Course, scope: str, q: Question) -> dict:
    kind = question_type(q.type)
    definition = ActivityDefinition(
        type=TYPES["interaction"], name=lang_map(course, q.prompt_html),
        description=lang_map(course, q.prompt_html),
        interaction_type=kind.interaction)
    patterns = kind.pattern2004(q)
    if patterns is not None:
        definition.correct_responses_pattern = patterns
    for attribute, (ids, options) in kind.xapi_components(q).items():
        setattr(definition, attribute, _components(course, ids, options))
    activity = Activity(id=f"{course.activity_id}/{scope}/{q.id}", definition=definition)
    return activity.as_version("1.0.3")


def node_activity(course: Course, a: Assessment, node: Node) -> dict:
    best = max((c.score for c in node.choices), default=0)
    definition = ActivityDefinition(
        type=TYPES["interaction"], name=lang_map(course, node.html),
        description=lang_map(course, node.html), interaction_type="choice",
        correct_responses_pattern=[c.id for c in node.choices if c.score == best],
        choices=_components(course, [c.id for c in node.choices], node.choices))
    return Activity(id=f"{course.activity_id}/{a.id}/{node.id}",
                    definition=definition).as_version("1.0.3")


def activity(course: Course, iri: str, kind: str, name: str, description: str = "") -> dict:
    definition = ActivityDefinition(type=TYPES[kind],
                                    name=LanguageMap({course.language: name or "-"}))
    if description:
        definition.description = LanguageMap({course.language: description})
    return Activity(id=iri, definition=definition).as_version("1.0.3")


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
