"""What the browser runtime needs to know about a course, computed once in Python.

The runtime (``templates/static/coursepack.js``) gets a compact JSON description of the
course: pages in order, knowledge checks, assessments with their answer keys and
branching graphs, tracking rules. Python computes every id, index and limit here;
the template only prints the JSON. :class:`CourseData` types it (docs/development.md
describes it).

The resume state is format 2 (:mod:`builder.state` and ``templates/static/cp-state.js``:
keyed by stable ids, packed). Format 1, written by packages before it, is still read when
its ``HASH`` matches the course's structure; it was:

    1|HASH|VISITED|KC|A;A;...[|MEDIA]

- ``1`` is the format version; ``HASH`` is 8 hex digits of the course *structure*
  (page, question, choice and node ids). A package rebuilt with different structure has a
  different hash, and the runtime then keeps only the bookmark, never mis-mapped answers.
- ``VISITED`` is a bitset of visited pages, 6 pages per base64url character.
- ``KC`` is the answer of each knowledge check, in course order, joined by ``,``: the
  chosen choices' positions as ``0-9a-z`` characters ("" when unanswered).
- each ``A`` is one assessment: ``{attempts}{!}{=score}{~seed}:{body}`` where ``!`` marks
  the current attempt as submitted, ``=score`` the last submitted score (0-100), ``~seed``
  (4 base-36 digits, quizzes that draw or shuffle) fixes the questions drawn and the order
  shown for the current attempt, and the body is the answers to the questions shown, in
  the order shown, joined by ``,`` or, for a branching scenario, the position of the
  choice taken at each step.

An answer is the chosen options' positions as ``0-9a-z`` characters (matching: one target
position or ``-`` per source; sequencing: the item positions in the learner's order), or
for fill-in and numeric questions the typed text with ``%``, ``,``, ``;`` and ``|``
percent-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from builder import state
from builder.components.questions import question_type
from builder.graph import longest_path
from builder.model import Assessment, Course, Module, Question
from builder.packagers import packager
from builder.plaintext import plain_text

MAX_ATTEMPT_DIGITS = 4  # the runtime caps the stored attempt counter at 9999


# -- the course data the page carries (docs/development.md describes it) ---------------

class QuestionData(TypedDict, total=False):
    """A knowledge check or quiz question as the runtime reads it."""

    id: str
    iid: str  #: the interaction id (``cmi.interactions.n.id``)
    type: str  #: the question type's name: its runtime script registers under it
    itype: str  #: the SCORM / xAPI interaction type
    weight: float
    scored: bool
    n: int  #: how many options
    correct: list[int]  #: the right options' positions
    objectives: list[str]
    pattern: str  #: the SCORM 1.2 correct response ("" when there is none)
    # what the type adds (QuestionType.runtime_data): fill-in and numeric
    accepted: list[str]
    caseSensitive: bool
    maxLength: int
    min: float | None
    max: float | None
    # targets with responses_2004: the SCORM 2004 and xAPI formats
    ids: list[str]
    targetIds: list[str]
    patterns: list[str]
    description: str
    activity: dict[str, Any]  #: targets with xapi: the xAPI activity with its definition
    page: int  #: knowledge checks: the page's index


class ChoiceData(TypedDict):
    id: str
    score: int
    next: str | None


class NodeData(TypedDict, total=False):
    """A situation of a branching scenario."""

    ending: bool
    iid: str
    objectives: list[str]
    description: str
    activity: dict[str, Any]  #: targets with xapi
    choices: list[ChoiceData]


class AssessmentData(TypedDict, total=False):
    id: str
    unit: int  #: the unit's index in the outline
    attempts: int  #: 0 = unlimited
    branching: bool
    mastery: int | None
    draw: int
    shuffle: bool
    showCorrect: bool
    objectives: list[str]
    feedback: str  #: "immediate" or "after-submit"
    questions: list[QuestionData]  #: quizzes
    start: str | None  #: branching scenarios: the first node
    maxPoints: int  #: branching scenarios: the most points any path gives
    nodes: dict[str, NodeData]  #: branching scenarios


class TrackingData(TypedDict):
    completion: str
    mastery: int | None
    assessment: int | None  #: index of the reported assessment in ``assessments``
    counted: list[int]  #: indexes of the assessments that decide pass or fail


class PageData(TypedDict):
    loc: str  #: the bookmark
    unit: int


class UnitData(TypedDict):
    id: str
    title: str
    first: int  #: the index of its first page
    count: int
    kind: str  #: "module", "quiz" or "branching"


class LimitsData(TypedDict):
    suspend: int | None  #: the target's resume-state limit
    worst: int  #: the longest resume state this course can write


class CourseData(TypedDict, total=False):
    """The JSON the runtime reads from the page (``index.html``)."""

    id: str
    title: str
    version: str
    language: str
    target: str
    hash: str  #: 8 hex digits of the course structure (see the resume-state format)
    tracking: TrackingData
    pages: list[PageData]
    units: list[UnitData]
    kcs: list[QuestionData]
    objectives: list[str]
    assessments: list[AssessmentData]
    limits: LimitsData
    xapi: dict[str, Any]  #: targets with xapi: the course, unit and page activities
    cover: bool  #: only when the course has a cover (a returning learner opens on it)


@dataclass(frozen=True)
class PageRef:
    """One page in the course flow: ``location`` is what the LMS stores as the bookmark."""

    location: str
    unit_index: int
    title: str


def pages(course: Course) -> list[PageRef]:
    out = []
    for i, unit in enumerate(course.outline):
        if isinstance(unit, Module):
            out += [PageRef(f"{unit.id}/{p.id}", i, p.title) for p in unit.pages]
        else:
            out.append(PageRef(unit.id, i, unit.title))
    return out


def knowledge_checks(course: Course) -> list[tuple[int, Question]]:
    """(page index, question) for every knowledge check, in course order."""
    out = []
    index = 0
    for unit in course.outline:
        if isinstance(unit, Module):
            for page in unit.pages:
                out += [(index, q) for q in page.questions]
                index += 1
        else:
            index += 1
    return out


def media_ids(course: Course) -> list[str]:
    """The ids of the course's video and audio blocks, in course order (builder.media)."""
    from builder.components.blocks.media import course_media

    return [m.id for m in course_media(course)]


SEED_LENGTH = 4


def answer_length(q: Question) -> int:
    """The longest resume-state answer to ``q`` (its type knows)."""
    return question_type(q.type).answer_length(q)


def assessment_length(a: Assessment) -> int:
    head = MAX_ATTEMPT_DIGITS + 1 + len("=100") + 1
    if a.branching:
        return head + longest_path(a)[0]
    shown = a.draw or len(a.questions)
    longest = sorted((answer_length(q) for q in a.questions), reverse=True)[:shown]
    seed = 1 + SEED_LENGTH if (a.draw or a.shuffle) else 0
    return head + seed + sum(longest) + max(shown - 1, 0)


def worst_case_suspend(course: Course) -> int:
    """The longest suspend_data the runtime can write for this course (format 2: see
    :mod:`builder.state`)."""
    return state.worst_case(course)


def worst_case_suspend_v1(course: Course) -> int:
    """The longest suspend_data of format 1 (before 0.2), kept for comparison."""
    n_pages = len(pages(course))
    kcs = knowledge_checks(course)
    kc = sum(answer_length(q) for _, q in kcs) + max(len(kcs) - 1, 0)
    assessments = [assessment_length(a) for a in course.assessments]
    media = len(media_ids(course))  # "|" and a bitset of media watched, 6 per character
    return (len("1|") + 8 + 1 + -(-n_pages // 6) + 1 + kc + 1 + sum(assessments)
            + max(len(assessments) - 1, 0) + (1 + -(-media // 6) if media else 0))


def interaction_id(scope: str, q_id: str) -> str:
    """A CMIIdentifier: our ids are ``[a-z0-9-]``, so ``_`` joins them unambiguously."""
    return f"{scope}_{q_id}"


def _question(q: Question, scope: str, course: Course, target: str) -> QuestionData:
    kind = question_type(q.type)
    out: QuestionData = {"id": q.id, "iid": interaction_id(scope, q.id), "type": q.type,
                         "itype": kind.interaction, "weight": q.weight, "scored": q.scored,
                         "n": len(q.choices),
                         "correct": [i for i, c in enumerate(q.choices) if c.correct],
                         "objectives": list(q.objectives), "pattern": kind.pattern12(q),
                         "fp": state.question_fp(q)}
    out.update(kind.runtime_data(q))  # type: ignore[typeddict-item]
    target_class = packager(target)
    if target_class.responses_2004:  # responses in the SCORM 2004 formats
        ids, targets = kind.component_ids(q)
        out.update(ids=ids, targetIds=targets, patterns=kind.pattern2004(q) or [],
                   description=plain_text(q.prompt_html)[:250])
    if target_class.xapi:  # the activity with its interaction definition
        out["activity"] = _xapi().question_activity(course, scope, q)
    return out


def _flavour(target: str) -> tuple[bool, bool]:
    """Targets whose question and node data are alike (the same response formats, the
    same LRS or none): ``course_data`` for another target of the same flavour reuses them
    (``memo``)."""
    p = packager(target)
    return p.responses_2004, p.xapi


def _memo(memo: dict, key, make):
    if key not in memo:
        memo[key] = make()
    return memo[key]


def course_data(course: Course, target: str, memo: dict | None = None) -> CourseData:
    """The JSON the runtime reads from the page. ``memo`` (a dict kept for the build's
    targets) keeps the parts another target needs too: the same data, computed once."""
    if memo is None:
        memo = {}
    flavour = _flavour(target)
    return {**_memo(memo, ("data", flavour), lambda: _course_data(course, target)),
            "target": target,
            "limits": {"suspend": packager(target).suspend_limit,
                       "worst": _memo(memo, "worst", lambda: worst_case_suspend(course))}}


def _course_data(course: Course, target: str) -> CourseData:
    xapi_course = packager(target).xapi
    page_list = pages(course)
    units: list[UnitData] = []
    first = 0
    for unit in course.outline:
        count = len(unit.pages) if isinstance(unit, Module) else 1
        units.append({"id": unit.id, "title": unit.title, "first": first, "count": count,
                      "kind": unit.kind if isinstance(unit, Module) else
                      ("branching" if unit.branching else "quiz")})
        first += count
    assessments: list[AssessmentData] = []
    for a in course.assessments:
        mastery = a.mastery_score if a.mastery_score is not None else \
            course.tracking.mastery_score
        item: AssessmentData = {
            "id": a.id, "unit": course.outline.index(a), "attempts": a.attempts,
            "branching": a.branching, "mastery": mastery, "draw": a.draw,
            "shuffle": a.shuffle, "showCorrect": a.show_correct,
            "objectives": list(a.objectives), "feedback": a.feedback,
            "key": state.assessment_key(a), "fp": state.assessment_fp(a)}
        if a.branching:
            item["start"] = a.start
            item["maxPoints"] = longest_path(a)[1]
            item["nodes"] = {n.id: {"ending": n.ending, "iid": interaction_id(a.id, n.id),
                                    "objectives": list(n.objectives or a.objectives),
                                    "description": plain_text(n.html)[:250],
                                    **({"activity": _xapi().node_activity(course, a, n)}
                                       if xapi_course else {}),
                                    "choices": [{"id": c.id, "score": c.score, "next": c.next}
                                                for c in n.choices]} for n in a.nodes}
        else:
            item["questions"] = [_question(q, a.id, course, target) for q in a.questions]
        assessments.append(item)
    ids = [a.id for a in course.assessments]
    tracking = course.tracking
    return {
        "id": course.id,
        "title": course.title,
        "version": course.version,
        "language": course.language,
        "target": target,
        "hash": state.structure_hash(course),   # format 1 of the resume state (still read)
        "state": state.course_state(course),
        "tracking": {"completion": tracking.completion, "mastery": tracking.mastery_score,
                     "assessment": ids.index(tracking.assessment)
                     if tracking.assessment in ids else None,
                     "counted": [ids.index(c) for c in tracking.counted if c in ids]},
        "pages": [{"loc": p.location, "unit": p.unit_index} for p in page_list],
        "units": units,
        "kcs": [dict(_question(q, course.outline[page_list[page].unit_index].id, course, target),
                     page=page) for page, q in knowledge_checks(course)],
        "objectives": [o.id for o in course.objectives],
        "assessments": assessments,
        "limits": {"suspend": packager(target).suspend_limit, "worst": worst_case_suspend(course)},
        **({"xapi": _xapi().course_activities(course)} if xapi_course else {}),
        **({"media": media_data(course, target)} if media_ids(course) else {}),
        **({"cover": True} if course.cover is not None else {}),
    }


def media_data(course: Course, target: str) -> list[dict]:
    """What cp-media.js needs about each video and audio block, in course order (its
    position is its place in the resume state's bitset of media watched)."""
    from builder.components.blocks.media import COMPLETION, course_media

    starts = []  # (file, line of the page heading, page index), in course order
    index = 0
    for unit in course.outline:
        for page in unit.pages if isinstance(unit, Module) else ():
            starts.append((page.source.file, page.source.line, index))
            index += 1
        index += 0 if isinstance(unit, Module) else 1
    out = []
    for m in course_media(course):
        page = max((s for s in starts if s[0] == m.source.file and s[1] <= m.source.line),
                   key=lambda s: s[1], default=("", 0, 0))[2]
        item = {"id": m.id, "key": state.media_key(m.id), "kind": m.kind,
                "required": m.required and m.tracked,
                "threshold": COMPLETION, "page": page}
        if packager(target).xapi and m.tracked:
            item["activity"] = _xapi().media_activity(course, m)
        out.append(item)
    return out


def _xapi():
    """:mod:`builder.xapi_activities`, imported on first use: it imports tincan (about 25 ms), which
    only xAPI and cmi5 packages need."""
    from builder import xapi_activities as xapi

    return xapi
