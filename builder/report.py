"""``coursepack report``: what learners did, read back from an LRS.

Statements are pulled with the tincan library's RemoteLRS (following ``more`` links) and
summarised per learner and course: completion, success, score, time, and the latest
answer to each question. Filtering is done here, so it works with LRSs that only filter
by agent.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from tincan import RemoteLRS

VERB = "http://adlnet.gov/expapi/verbs/"
DURATION_RE = re.compile(
    r"^P(?:(?P<d>[\d.]+)D)?(?:T(?:(?P<h>[\d.]+)H)?(?:(?P<m>[\d.]+)M)?(?:(?P<s>[\d.]+)S)?)?$")


class ReportError(Exception):
    """The LRS could not be read."""


def fetch(endpoint: str, user: str, password: str, limit: int = 500) -> list[dict]:
    """Every statement the LRS gives these credentials, oldest first."""
    lrs = RemoteLRS(endpoint=endpoint.rstrip("/") + "/", username=user, password=password,
                    version="1.0.3")
    response = lrs.query_statements({"limit": limit, "ascending": True})
    out: list[dict] = []
    while True:
        if not response.success:
            status = getattr(response.response, "status", "?")
            raise ReportError(f"the LRS answered {status}: {str(response.data)[:200]}")
        body = json.loads(response.data)
        out += body.get("statements", [])
        more = body.get("more")
        if not more:
            break
        response = lrs.more_statements(more)
    return out


def seconds(value: str) -> float:
    m = DURATION_RE.match(value or "")
    if not m:
        return 0.0
    parts = {k: float(v) for k, v in m.groupdict().items() if v}
    return (parts.get("d", 0) * 86400 + parts.get("h", 0) * 3600 + parts.get("m", 0) * 60
            + parts.get("s", 0))


def learner(actor: dict) -> str:
    if "account" in actor:
        return f"{actor['account'].get('name')}@{actor['account'].get('homePage')}"
    for key in ("mbox", "openid", "mbox_sha1sum"):
        if key in actor:
            return str(actor[key]).removeprefix("mailto:")
    return actor.get("name", "?")


def related(statement: dict, course: str) -> bool:
    ids = [statement.get("object", {}).get("id", "")]
    for items in statement.get("context", {}).get("contextActivities", {}).values():
        ids += [i.get("id", "") for i in (items if isinstance(items, list) else [items])]
    return any(i == course or i.startswith(course + "/") for i in ids)


def course_of(statement: dict) -> str:
    """The course a statement belongs to: its grouping, else its object."""
    grouping = statement.get("context", {}).get("contextActivities", {}).get("grouping", [])
    for item in grouping if isinstance(grouping, list) else [grouping]:
        return item.get("id", "")
    return statement.get("object", {}).get("id", "")


@dataclass
class Row:
    learner: str
    course: str
    completed: bool = False
    success: str = ""
    score: str = ""
    time: float = 0.0
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)


def summarise(statements: list[dict], course_id: str | None = None) -> list[Row]:
    rows: dict[tuple[str, str], Row] = {}
    for s in statements:
        if course_id and not related(s, course_id):
            continue
        course = course_id or course_of(s)
        who = learner(s.get("actor", {}))
        row = rows.setdefault((who, course), Row(who, course))
        verb = s.get("verb", {}).get("id", "")
        result = s.get("result", {})
        if verb == VERB + "completed":
            row.completed = True
        elif verb in (VERB + "passed", VERB + "failed"):
            row.success = "passed" if verb.endswith("passed") else "failed"
            score = result.get("score", {})
            if "scaled" in score:
                row.score = f"{score['scaled'] * 100:g}"
            elif "raw" in score:
                row.score = f"{score['raw']:g}"
        elif verb == VERB + "terminated":
            row.time += seconds(result.get("duration", ""))
        elif verb == VERB + "answered":
            question = s.get("object", {}).get("id", "")
            if question.startswith(course + "/"):
                question = question[len(course) + 1:]
            correct = {True: "yes", False: "no"}.get(result.get("success"), "-")
            row.answers[question] = (str(result.get("response", "")), correct)
    return sorted(rows.values(), key=lambda r: (r.course, r.learner))


def clock(total: float) -> str:
    total = int(round(total))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def as_table(rows: list[Row]) -> str:
    head = ("Learner", "Course", "Completed", "Result", "Score", "Time")
    body = [(r.learner, r.course, "yes" if r.completed else "no", r.success or "-",
             r.score or "-", clock(r.time)) for r in rows]
    out = [_columns([head, *body])]
    answers = [(r.learner, q, resp, ok) for r in rows for q, (resp, ok) in r.answers.items()]
    if answers:
        out.append("\n" + _columns([("Learner", "Question", "Response", "Correct"), *answers]))
    return "\n".join(out) + "\n"


def _columns(rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def as_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["learner", "course", "completed", "result", "score", "time_seconds",
                "question", "response", "correct"])
    for r in rows:
        base = [r.learner, r.course, "yes" if r.completed else "no", r.success, r.score,
                f"{r.time:.2f}"]
        if not r.answers:
            w.writerow([*base, "", "", ""])
        for q, (resp, ok) in r.answers.items():
            w.writerow([*base, q, resp, ok])
    return buf.getvalue()
