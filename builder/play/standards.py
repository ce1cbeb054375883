"""The LMS side of each standard `coursepack play` plays a package under, one class each:
what the course must say it runs as, the test LMS it is given, what the LMS keeps for a
learner and how that is read, what the tracking rules expect it to keep, the standard's
limits, the function that finishes a session. play reads any package zip (not only
coursepack's), so this is the LMS's view of a standard, not a packager's; it is the one
place in play that tells standards apart (:func:`standard` by the name in
:attr:`builder.play.package.Package.standard`).
"""

from __future__ import annotations

import json
import re
from typing import ClassVar

VERB_NAME = re.compile(r"[^/#]+$")
STATUS_VERBS = ("completed", "passed", "failed")


class Standard:
    name: ClassVar[str] = ""
    #: what the course's runtime reports it runs as when it finds this LMS
    adapter: ClassVar[str] = ""
    #: the API the test LMS page offers (the preview's: a SCORM API or an LRS)
    lms_api: ClassVar[str] = "scorm12"
    #: the ``standard`` the test LMS page is opened with
    page_standard: ClassVar[str] = ""
    #: statements go to an LRS: wait for it to settle before leaving and comparing
    lrs: ClassVar[bool] = False
    #: the LMS journals SCORM calls: suspend_data, exit and entry are checked
    scorm: ClassVar[bool] = False
    #: the standard's suspend_data limit when the package does not say its own
    suspend_limit: ClassVar[int] = 0
    #: the API functions that end and commit a session (SCORM)
    finish_fn: ClassVar[str] = ""
    commit_fn: ClassVar[str] = ""
    #: the data model element that says whether a launch resumes (SCORM)
    entry_element: ClassVar[str] = ""
    #: recorded field holding the status an untouched session keeps (SCORM)
    status_field: ClassVar[str] = ""
    #: a score is compared at all
    scored: ClassVar[bool] = True
    #: the package is an assignable unit whose moveOn the LMS applies (cmi5)
    assignable_unit: ClassVar[bool] = False

    def expected(self, status: str, score, viewed: bool, judged: dict | None,
                 mastery) -> dict:
        """What the LMS must keep, given the course's status and score (``status``,
        ``score``) and the counted assessments ``judged`` as one."""
        return {}

    def recorded(self, stored: dict | None, statements: list[dict], state: dict) -> dict:
        """What the LMS (or LRS) keeps for the learner, in the terms the report prints."""
        return {}

    def compare(self, want: dict, got: dict) -> list[str]:
        """Every way the status recorded differs from what the rules say."""
        return []

    def facts(self, got: dict) -> list[str]:
        """The report's first facts about what was recorded."""
        return []

    def limit(self, data: dict | None) -> int:
        """The suspend_data limit: the package's own (course data), else the standard's."""
        return (data or {}).get("limits", {}).get("suspend") or self.suspend_limit


class Scorm(Standard):
    scorm = True
    status_field = "completion"
    finish_fn = "Terminate"
    commit_fn = "Commit"
    entry_element = "cmi.entry"

    def _common(self, stored: dict | None, v: dict) -> dict:
        return {"interactions": _count(v, "cmi.interactions"),
                "suspend_data": len(v.get("cmi.suspend_data", "")),
                "exit": (stored or {}).get("exit", "")}


class Scorm12(Scorm):
    name = adapter = page_standard = "scorm12"
    suspend_limit = 4096
    finish_fn = "LMSFinish"
    commit_fn = "LMSCommit"
    entry_element = "cmi.core.entry"
    status_field = "status"

    def expected(self, status, score, viewed, judged, mastery):
        return {"status": status, "score": score}

    def recorded(self, stored, statements, state):
        v = (stored or {}).get("values", {})
        common = self._common(stored, v)
        return {
            "status": v.get("cmi.core.lesson_status", "not attempted"),
            "score": v.get("cmi.core.score.raw", ""),
            "time": (stored or {}).get("total", ""),
            "interactions": common["interactions"],
            "objectives": _objectives(v, "status"),
            "suspend_data": common["suspend_data"],
            "bookmark": v.get("cmi.core.lesson_location", ""),
            "exit": common["exit"],
        }

    def compare(self, want, got):
        if got["status"] == "not attempted":
            return ["cmi.core.lesson_status was never set (the LMS keeps 'not attempted')"]
        if "status" in want and got["status"] != want["status"]:
            return [f"cmi.core.lesson_status is '{got['status']}', the tracking rules say "
                    f"'{want['status']}'"]
        return []

    def facts(self, g):
        return [f"status {g.get('status')}", f"score {g.get('score') or '-'}"]


class Scorm2004(Scorm):
    name = adapter = page_standard = "scorm2004"
    suspend_limit = 64000

    def expected(self, status, score, viewed, judged, mastery):
        return {"completion": "completed" if viewed else "incomplete",
                "success": ("passed" if judged["passed"] else "failed")
                if judged and mastery is not None else "unknown",
                "score": score}

    def recorded(self, stored, statements, state):
        v = (stored or {}).get("values", {})
        total = (stored or {}).get("total", 0) or 0
        common = self._common(stored, v)
        return {
            "completion": v.get("cmi.completion_status", "unknown"),
            "success": v.get("cmi.success_status", "unknown"),
            "score": v.get("cmi.score.raw", ""),
            "scaled": v.get("cmi.score.scaled", ""),
            "time": f"PT{round(float(total), 2)}S",
            "interactions": common["interactions"],
            "objectives": _objectives(v, "success_status"),
            "suspend_data": common["suspend_data"],
            "bookmark": v.get("cmi.location", ""),
            "exit": common["exit"],
        }

    def compare(self, want, got):
        problems = []
        for key, element in (("completion", "completion_status"), ("success", "success_status")):
            if key in want and got[key] != want[key]:
                problems.append(f"cmi.{element} is '{got[key]}', the tracking rules say "
                                f"'{want[key]}'")
        if got["completion"] == "unknown" and "completion" not in want:
            problems.append("cmi.completion_status was never set")
        return problems

    def facts(self, g):
        return [f"completion {g.get('completion')}", f"success {g.get('success')}",
                f"score {g.get('score') or '-'} ({g.get('scaled') or '-'})"]


class Xapi(Standard):
    name = adapter = page_standard = lms_api = "xapi"
    lrs = True

    def expected(self, status, score, viewed, judged, mastery):
        verbs = {"completed"} if viewed else set()
        if judged and mastery is not None:
            verbs.add("passed" if judged["passed"] else "failed")
        return {"verbs": sorted(verbs),
                "score": judged["score"] if judged and mastery is not None else None}

    def recorded(self, stored, statements, state):
        verbs = [VERB_NAME.search(s.get("verb", {}).get("id", "")).group(0) for s in statements]
        judged_score = ""
        for s in statements:
            name = VERB_NAME.search(s.get("verb", {}).get("id", "")).group(0)
            scaled = (s.get("result") or {}).get("score", {}).get("scaled")
            if name in ("passed", "failed") and scaled is not None:
                judged_score = str(round(scaled * 100))
        return {
            "verbs": sorted({v for v in verbs if v in STATUS_VERBS}),
            "score": judged_score,
            "statements": len(statements),
            "interactions": sum(1 for v in verbs if v == "answered"),
            "statement_verbs": _counts(verbs),
            "state_size": sum(len(json.dumps(v)) for v in state.values()),
        }

    def compare(self, want, got):
        if "verbs" in want and got["verbs"] != want["verbs"]:
            return [f"statements say {', '.join(got['verbs']) or 'nothing'} (of "
                    f"completed/passed/failed), the tracking rules say "
                    f"{', '.join(want['verbs']) or 'none of them'}"]
        return []

    def facts(self, g):
        return [f"verbs {','.join(g.get('verbs', [])) or '-'}", f"score {g.get('score') or '-'}",
                f"statements {g.get('statements', 0)}", f"state {g.get('state_size', 0)} B"]


class Cmi5(Xapi):
    name = adapter = page_standard = lms_api = "cmi5"
    assignable_unit = True


class Web(Standard):
    """No LMS: the course runs on its own."""

    name = "web"
    adapter = "standalone"
    page_standard = "none"
    scored = False


STANDARDS: dict[str, Standard] = {s.name: s for s in (Scorm12(), Scorm2004(), Xapi(), Cmi5(),
                                                       Web())}


def standard(name: str) -> Standard:
    """The standard called ``name`` (a package's, as play detected it)."""
    return STANDARDS[name]


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
