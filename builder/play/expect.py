"""What the LMS recorded for a learner, and what the course's tracking rules say it must
record for what that learner did; ``compare`` lists every difference."""

from __future__ import annotations

import re

from builder.play.learners import Outcome

VERB_NAME = re.compile(r"[^/#]+$")
STATUS_VERBS = ("completed", "passed", "failed")


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


def expected(data: dict, standard: str, out: Outcome) -> dict:
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
    if standard == "scorm12":
        want.update(status=status, score=score)
    elif standard == "scorm2004":
        want.update(completion="completed" if viewed else "incomplete",
                    success=("passed" if j["passed"] else "failed")
                    if j and mastery is not None else "unknown",
                    score=score)
    elif standard in ("xapi", "cmi5"):
        verbs = {"completed"} if viewed else set()
        if j and mastery is not None:
            verbs.add("passed" if j["passed"] else "failed")
        want.update(verbs=sorted(verbs), score=j["score"] if j and mastery is not None else None)
    return want


def recorded(standard: str, stored: dict | None, statements: list[dict],
             state: dict) -> dict:
    """What the LMS (or LRS) keeps for the learner, in the terms the report prints."""
    if standard == "scorm12":
        v = (stored or {}).get("values", {})
        return {
            "status": v.get("cmi.core.lesson_status", "not attempted"),
            "score": v.get("cmi.core.score.raw", ""),
            "time": (stored or {}).get("total", ""),
            "interactions": _count(v, "cmi.interactions"),
            "objectives": _objectives(v, "status"),
            "suspend_data": len(v.get("cmi.suspend_data", "")),
            "bookmark": v.get("cmi.core.lesson_location", ""),
            "exit": (stored or {}).get("exit", ""),
        }
    if standard == "scorm2004":
        v = (stored or {}).get("values", {})
        total = (stored or {}).get("total", 0) or 0
        return {
            "completion": v.get("cmi.completion_status", "unknown"),
            "success": v.get("cmi.success_status", "unknown"),
            "score": v.get("cmi.score.raw", ""),
            "scaled": v.get("cmi.score.scaled", ""),
            "time": f"PT{round(float(total), 2)}S",
            "interactions": _count(v, "cmi.interactions"),
            "objectives": _objectives(v, "success_status"),
            "suspend_data": len(v.get("cmi.suspend_data", "")),
            "bookmark": v.get("cmi.location", ""),
            "exit": (stored or {}).get("exit", ""),
        }
    if standard in ("xapi", "cmi5"):
        verbs = [VERB_NAME.search(s.get("verb", {}).get("id", "")).group(0) for s in statements]
        judged_score = ""
        for s in statements:
            name = VERB_NAME.search(s.get("verb", {}).get("id", "")).group(0)
            scaled = (s.get("result") or {}).get("score", {}).get("scaled")
            if name in ("passed", "failed") and scaled is not None:
                judged_score = str(round(scaled * 100))
        answered = sum(1 for v in verbs if v == "answered")
        import json

        return {
            "verbs": sorted({v for v in verbs if v in STATUS_VERBS}),
            "score": judged_score,
            "statements": len(statements),
            "interactions": answered,
            "statement_verbs": _counts(verbs),
            "state_size": sum(len(json.dumps(v)) for v in state.values()),
        }
    return {}


def _count(v: dict, array: str) -> int:
    n = 0
    while f"{array}.{n}.id" in v:
        n += 1
    return n


def _objectives(v: dict, field: str) -> dict[str, str]:
    return {v[f"cmi.objectives.{n}.id"]: v.get(f"cmi.objectives.{n}.{field}", "")
            for n in range(_count(v, "cmi.objectives"))}


def _counts(items: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def compare(data: dict | None, standard: str, want: dict, got: dict) -> list[str]:
    """Every way ``got`` differs from ``want`` (and from the standard's limits)."""
    problems = []
    if standard == "scorm12":
        if got["status"] == "not attempted":
            problems.append("cmi.core.lesson_status was never set (the LMS keeps "
                            "'not attempted')")
        elif "status" in want and got["status"] != want["status"]:
            problems.append(f"cmi.core.lesson_status is '{got['status']}', the tracking rules "
                            f"say '{want['status']}'")
    if standard == "scorm2004":
        for key, element in (("completion", "completion_status"), ("success", "success_status")):
            if key in want and got[key] != want[key]:
                problems.append(f"cmi.{element} is '{got[key]}', the tracking rules say "
                                f"'{want[key]}'")
        if got["completion"] == "unknown" and "completion" not in want:
            problems.append("cmi.completion_status was never set")
    if standard in ("xapi", "cmi5"):
        if "verbs" in want and got["verbs"] != want["verbs"]:
            problems.append(f"statements say {', '.join(got['verbs']) or 'nothing'} (of "
                            f"completed/passed/failed), the tracking rules say "
                            f"{', '.join(want['verbs']) or 'none of them'}")
    if "score" in want and want["score"] is not None and standard != "web":
        if str(got.get("score", "")) != str(want["score"]):
            problems.append(f"the score recorded is '{got.get('score', '')}', the learner's "
                            f"answers give {want['score']}")
    if data is not None and standard in ("scorm12", "scorm2004"):
        limit = data.get("limits", {}).get("suspend") or (4096 if standard == "scorm12"
                                                          else 64000)
        if got["suspend_data"] > limit:
            problems.append(f"suspend_data is {got['suspend_data']} characters, over the "
                            f"limit of {limit}")
    return problems
