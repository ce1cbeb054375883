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
from datetime import UTC, datetime

from tincan import RemoteLRS
from tincan.http_request import HTTPRequest

VERB = "http://adlnet.gov/expapi/verbs/"
DURATION_RE = re.compile(
    r"^P(?:(?P<d>[\d.]+)D)?(?:T(?:(?P<h>[\d.]+)H)?(?:(?P<m>[\d.]+)M)?(?:(?P<s>[\d.]+)S)?)?$")


class ReportError(Exception):
    """The LRS could not be read."""


def fetch(endpoint: str, user: str, password: str, limit: int = 500) -> list[dict]:
    """Every statement the LRS gives these credentials, oldest first.

    The requests go through tincan's RemoteLRS; its statement parsing is skipped, since
    it raises on statements that LRSs accept (an odd timestamp, say) and one bad statement
    must not hide every other learner's data.
    """
    lrs = RemoteLRS(endpoint=endpoint.rstrip("/") + "/", username=user, password=password,
                    version="1.0.3")
    request = HTTPRequest(method="GET", resource="statements")
    request.query_params = {"limit": limit}
    out: list[dict] = []
    while True:
        response = lrs._send_request(request)  # noqa: SLF001 - the raw body, see above
        if not response.success:
            status = getattr(response.response, "status", "?")
            raise ReportError(f"the LRS answered {status}: {str(response.data)[:200]}")
        try:
            body = json.loads(response.data)
        except ValueError:
            raise ReportError("the LRS did not answer with JSON") from None
        out += [s for s in body.get("statements", []) if isinstance(s, dict)]
        more = body.get("more")
        if not more:
            break
        request = HTTPRequest(method="GET", resource=lrs.get_endpoint_server_root() + more)
    return sorted(out, key=_when)  # LRSs differ in their default order


def _when(statement: dict) -> datetime:
    for key in ("stored", "timestamp"):
        try:
            when = datetime.fromisoformat(str(statement.get(key, "")))
        except ValueError:
            continue
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime.min.replace(tzinfo=UTC)


def seconds(value: str) -> float:
    m = DURATION_RE.match(value) if isinstance(value, str) else None
    if not m:
        return 0.0
    parts = {k: float(v) for k, v in m.groupdict().items() if v}
    return (parts.get("d", 0) * 86400 + parts.get("h", 0) * 3600 + parts.get("m", 0) * 60
            + parts.get("s", 0))


def learner(actor: dict) -> str:
    if isinstance(actor.get("account"), dict):
        return f"{actor['account'].get('name')}@{actor['account'].get('homePage')}"
    for key in ("mbox", "openid", "mbox_sha1sum"):
        if key in actor:
            return str(actor[key]).removeprefix("mailto:")
    return str(actor.get("name", "?"))


def _activities(statement: dict, kind: str | None = None) -> list[str]:
    """Ids of the context activities (all, or of one kind such as "grouping")."""
    context = statement.get("context")
    found = context.get("contextActivities") if isinstance(context, dict) else None
    if not isinstance(found, dict):
        return []
    ids = []
    for name, items in found.items():
        if kind and name != kind:
            continue
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.append(item["id"])
    return ids


def related(statement: dict, course: str) -> bool:
    ids = [str(statement["object"].get("id", "")), *_activities(statement)]
    return any(i == course or i.startswith(course + "/") for i in ids)


def course_of(statement: dict) -> str:
    """The course a statement belongs to: its grouping, else its object."""
    grouping = _activities(statement, "grouping")
    return grouping[0] if grouping else str(statement["object"].get("id", ""))


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
        if not all(isinstance(s.get(k), dict) for k in ("actor", "verb", "object")):
            continue  # not a statement we can read
        if course_id and not related(s, course_id):
            continue
        course = course_id or course_of(s)
        who = learner(s.get("actor", {}))
        row = rows.setdefault((who, course), Row(who, course))
        verb = s.get("verb", {}).get("id", "")
        result = s.get("result") if isinstance(s.get("result"), dict) else {}
        if verb == VERB + "completed":
            row.completed = True
        elif verb in (VERB + "passed", VERB + "failed"):
            row.success = "passed" if verb.endswith("passed") else "failed"
            score = result.get("score") if isinstance(result.get("score"), dict) else {}
            if isinstance(score.get("scaled"), int | float):
                row.score = f"{score['scaled'] * 100:g}"
            elif isinstance(score.get("raw"), int | float):
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
