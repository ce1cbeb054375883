"""``coursepack report``: what learners did, read back from an LRS.

Statements are pulled over HTTP (following ``more`` links on the endpoint's own origin) and
summarised per learner and course: completion, success, score, time, and the latest
answer to each question. Filtering is done here, so it works with LRSs that only filter
by agent.
"""

from __future__ import annotations

import base64
import csv
import http.client
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime

from builder.errors import printable

VERB = "http://adlnet.gov/expapi/verbs/"
DURATION_RE = re.compile(
    r"^P(?:(?P<d>[\d.]+)D)?(?:T(?:(?P<h>[\d.]+)H)?(?:(?P<m>[\d.]+)M)?(?:(?P<s>[\d.]+)S)?)?$")


class ReportError(Exception):
    """The LRS could not be read."""


def redact(endpoint: str) -> str:
    """``endpoint`` as it may be shown: a ``user:password@`` in it becomes ``***@``."""
    parts = urllib.parse.urlsplit(endpoint)
    if "@" not in parts.netloc:
        return endpoint
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def fetch(endpoint: str, user: str, password: str, limit: int = 500,
          timeout: float = 30) -> list[dict]:
    """Every statement the LRS gives these credentials, oldest first.

    Statements are read as raw JSON (a library's statement parsing would raise on
    statements that LRSs accept, an odd timestamp say, and one bad statement must not
    hide every other learner's data). ``more`` links are followed only on the endpoint's
    own origin (scheme, host and port), so the credentials never go to another host;
    every request gives up after ``timeout`` seconds. Errors never show credentials.
    """
    try:
        parts = urllib.parse.urlsplit(endpoint)
        origin = _origin(parts)
    except ValueError as exc:  # a port that is not a number, say
        raise ReportError(f"the endpoint is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReportError("the endpoint must be an http:// or https:// URL")
    if "@" in parts.netloc:  # user:password@host: take them from there when not given
        userinfo = parts.netloc.rsplit("@", 1)[0]
        name, _, secret = userinfo.partition(":")
        user = user or urllib.parse.unquote(name)
        password = password or urllib.parse.unquote(secret)
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    base = urllib.parse.urlunsplit(parts._replace(query="", fragment="")).rstrip("/") + "/"
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3",
               "Accept": "application/json"}
    url = base + "statements?" + urllib.parse.urlencode({"limit": limit})
    out: list[dict] = []
    seen: set[str] = set()
    while True:
        body = _get(url, headers, timeout)
        if not isinstance(body, dict):
            raise ReportError("the LRS answered with JSON that is not an object (expected "
                              '{"statements": [...], "more": ...})')
        statements = body.get("statements", [])
        if not isinstance(statements, list):
            raise ReportError("the LRS's 'statements' is not a list")
        out += [s for s in statements if isinstance(s, dict)]
        more = body.get("more")
        if not more:
            break
        if not isinstance(more, str):
            raise ReportError("the LRS's 'more' link is not a text")
        url = urllib.parse.urljoin(base, more)
        try:
            same = _origin(urllib.parse.urlsplit(url)) == origin and "@" not in (
                urllib.parse.urlsplit(url).netloc)
        except ValueError:
            same = False
        if not same:
            raise ReportError("the LRS's 'more' link leads to another host; it is not "
                              "followed (the credentials would go there)")
        if url in seen:
            raise ReportError("the LRS's 'more' link repeats an earlier page")
        seen.add(url)
    return sorted(out, key=_when)  # LRSs differ in their default order


def _get(url: str, headers: dict[str, str], timeout: float):
    request = urllib.request.Request(url, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        with exc:  # closes the connection
            body = exc.read(200) if exc.fp else b""
        text = printable(body.decode("utf-8", "replace") or str(exc.reason))
        raise ReportError(f"the LRS answered {exc.code}: {text}") from None
    except TimeoutError:
        raise ReportError(f"the LRS did not answer within {timeout:g} seconds") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise ReportError(f"the LRS did not answer within {timeout:g} seconds") from None
        raise ReportError(f"cannot reach the LRS: {getattr(reason, 'strerror', None) or reason}"
                          ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise ReportError(f"cannot reach the LRS: {type(exc).__name__}") from None
    try:
        return json.loads(data)
    except ValueError:
        raise ReportError("the LRS did not answer with JSON") from None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the Authorization header elsewhere: it is an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        fp.close()
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {redact(newurl)} "
                                     "(not followed)", headers, None)


_OPENER = urllib.request.build_opener(_NoRedirects)


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
    return printable("\n".join(out) + "\n")  # names and answers come from the LRS


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
