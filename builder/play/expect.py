"""What the LMS recorded for a learner, and what the course's tracking rules say it must
record for what that learner did; ``compare`` lists every difference. What differs from
one standard to another is in :mod:`builder.play.standards`."""

from __future__ import annotations

from builder.play.learners import Outcome
from builder.play.standards import standard


def judged(data: dict, out: Outcome) -> dict | None:
    """The counted assessments judged as one, as the course does (coursepack.js
    combined()): None while none failed and one is unscored."""
    scores, failed, pending, final = [], False, False, False
    for i in data["tracking"]["counted"]:
        a = data["assessments"][i]
        got = out.scores.get(i) or []
        if not got or got[-1] is None:
            pending = True
            continue
        scores.append(got[-1])
        if a.get("mastery") is not None and got[-1] < a["mastery"]:
            failed = True
            if a["attempts"] and len(got) >= a["attempts"]:
                final = True
    if not scores or (pending and not failed):
        return None
    return {"score": min(scores), "passed": not failed, "final": final}


def expected(data: dict, name: str, out: Outcome) -> dict:
    """The status and score the tracking rules give for what the learner did."""
    viewed = len(out.visited) == len(data["pages"])
    j = judged(data, out)
    rule = data["tracking"]["completion"]
    mastery = data["assessments"][data["tracking"]["counted"][0]].get("mastery") \
        if data["tracking"]["counted"] else None
    passed = bool(j) and j["passed"]
    failed = bool(j) and not j["passed"]
    score = None
    if rule == "viewed":
        status = "completed" if viewed else "incomplete"
        score = j["score"] if j else None
    elif rule == "passed":
        status = "passed" if passed else "failed" if failed else "incomplete"
        score = j["score"] if j else None
    else:
        status = "failed" if failed else "passed" if passed and viewed else "incomplete"
        retried = any(len(out.scores.get(i) or []) > 1 for i in data["tracking"]["counted"])
        if j and (status != "incomplete" or retried):
            score = j["score"]
    want: dict = {"viewed_all": viewed}
    want.update(standard(name).expected(status, score, viewed, j, mastery))
    return want


def recorded(name: str, stored: dict | None, statements: list[dict],
             state: dict) -> dict:
    """What the LMS (or LRS) keeps for the learner, in the terms the report prints."""
    return standard(name).recorded(stored, statements, state)


def compare(data: dict | None, name: str, want: dict, got: dict) -> list[str]:
    """Every way ``got`` differs from ``want`` (and from the standard's limits)."""
    std = standard(name)
    problems = std.compare(want, got)
    if "score" in want and want["score"] is not None and std.scored:
        if str(got.get("score", "")) != str(want["score"]):
            problems.append(f"the score recorded is '{got.get('score', '')}', the learner's "
                            f"answers give {want['score']}")
    if data is not None and std.scorm:
        limit = std.limit(data)
        if got["suspend_data"] > limit:
            problems.append(f"suspend_data is {got['suspend_data']} characters, over the "
                            f"limit of {limit}")
    return problems
