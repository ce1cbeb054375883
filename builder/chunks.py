"""The course split for loading on demand: a small launch page and one script per unit.

``index.html`` is a shell whose size does not depend on the course: the header, an empty
menu (the runtime fills it in from the course data), the result screen and the scripts.
Everything else is a script file, because scripts load from ``file://`` (an offline copy
of the web build) where ``fetch`` does not, and the Content-Security-Policy allows only
the package's own scripts (``script-src 'self'``):

- ``content/course.js``: the course data the runtime needs for the whole course (see
  :func:`builder.runtime.course_data`), without what is per page (the bookmark and xAPI
  activity of every page), plus what the menu shows of each unit (``start``, the element
  id of its first page, and ``minutes``). It sets ``window.CoursepackData`` to the
  ``JSON.parse`` of a string (:func:`data_script`; :func:`read_data` reads it back).
- ``content/u<N>.js``: unit N (a module's pages, a quiz or a scenario) as HTML, with the
  per-page data of its pages. It calls ``coursepackUnit(N, meta, html)``.
- ``content/extras.js``: the glossary and references screens, likewise
  (``coursepackUnit("extras", {}, html)``).

The runtime (``templates/static/cp-pages.js``) loads a unit's file when the learner goes
there, keeps the current unit and the next one in the DOM and calls the content hooks
(``CP.onContent``) for what it inserts. docs/development.md describes the contract.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jinja2

from builder.model import Course, Module

DATA = "content/course.js"
EXTRAS = "content/extras.js"


def unit_path(index: int) -> str:
    return f"content/u{index}.js"


def _js(value: Any) -> str:
    """JSON as a JavaScript expression that is safe in any script file (the separators
    U+2028 and U+2029 are escaped, as ``</`` is for good measure)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("</", "<\\/")


#: ``content/course.js`` is ``DATA_PREFIX + the data's JSON as a '...' string + DATA_SUFFIX``.
#: The first page waits for the course data, and a browser makes it from a JSON string far
#: faster than from the same data written as a JavaScript object literal: at 10,000 pages
#: (680 KB) the literal cost Chromium about 160 ms more than a 10-page course, the string
#: given to JSON.parse about 40 ms (benchmarks/README.md, "Where the time goes"). Single
#: quotes, because JSON has few of them: the file is about as long as the JSON.
DATA_PREFIX = "window.CoursepackData=JSON.parse('"
DATA_SUFFIX = "');\n"
#: what a string literal must escape (JSON text has no line breaks, and no other control
#: character): its quote and backslash, the line separators, and ``</`` for good measure
_QUOTE = {"\\": "\\\\", "'": "\\'", "\u2028": "\\u2028", "\u2029": "\\u2029", "</": "<\\/"}
_QUOTE_RE = re.compile("|".join(re.escape(k) for k in _QUOTE))
_UNQUOTE = {"\\\\": "\\", "\\'": "'", "\\u2028": "\u2028", "\\u2029": "\u2029", "\\/": "/"}
_UNQUOTE_RE = re.compile("|".join(re.escape(k) for k in _UNQUOTE))
#: course.js before the JSON string (coursepack 1.1.0 and earlier): an object literal
OLD_DATA_PREFIX = "window.CoursepackData="


#: ``content/course.js`` of a course with quiz questions: their definitions (nearly all of
#: the data at 10,000 pages, 636 KB of 666) are a second string, after this code, parsed
#: only when the runtime first reads an assessment's ``questions`` (the start shows the
#: first page without them: benchmarks/README.md, "Where the 10,000-page start goes"). In
#: the first string those assessments' ``questions`` are 0; the second is the list, one
#: entry per assessment (null where the first string holds its own). Reading one makes
#: them all plain properties again. No code reads ``questions`` through ``in``.
QUESTIONS_JOIN = (
    "');(function(d,t){var a=d.assessments,q=null;function all(){if(!q){q=JSON.parse(t);"
    "a.forEach(function(x,i){if(q[i])Object.defineProperty(x,'questions',{value:q[i],"
    "writable:true,enumerable:true,configurable:true})})}return q}a.forEach(function(x,i){"
    "if(x.questions===0)Object.defineProperty(x,'questions',{get:function(){return all()[i]},"
    "enumerable:true,configurable:true})})})(window.CoursepackData,'")
#: the text of a ``'...'`` string literal, up to its closing quote (every quote and
#: backslash in it is escaped)
_LITERAL_RE = re.compile(r"[^'\\]*(?:\\.[^'\\]*)*", re.S)


def _quote(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _QUOTE_RE.sub(lambda m: _QUOTE[m.group()], text)


def data_script(data: dict) -> bytes:
    """``content/course.js`` for the course data ``data`` (quiz questions apart:
    :data:`QUESTIONS_JOIN`)."""
    assessments = data.get("assessments") or []
    late = [a.get("questions") or None if isinstance(a, dict) else None for a in assessments]
    if not any(late):
        return (DATA_PREFIX + _quote(data) + DATA_SUFFIX).encode()
    shell = {**data, "assessments": [{**a, "questions": 0} if q else a
                                     for a, q in zip(assessments, late, strict=True)]}
    return (DATA_PREFIX + _quote(shell) + QUESTIONS_JOIN + _quote(late) + DATA_SUFFIX).encode()


def _unquote(text: str) -> Any:
    return json.loads(_UNQUOTE_RE.sub(lambda m: _UNQUOTE[m.group()], text))


def read_data(text: str) -> dict:
    """The course data of a ``content/course.js`` (:func:`data_script`'s, with or without
    its questions apart, or an earlier release's object literal). Raises ValueError when
    it holds none."""
    if text.startswith(DATA_PREFIX):
        end = _LITERAL_RE.match(text, len(DATA_PREFIX)).end()
        data = _unquote(text[len(DATA_PREFIX):end])
        rest = text[end:].rstrip()
        if rest.startswith(QUESTIONS_JOIN) and isinstance(data, dict):
            start = end + len(QUESTIONS_JOIN)
            end = _LITERAL_RE.match(text, start).end()
            late = _unquote(text[start:end])
            rest = text[end:].rstrip()
            assessments = data.get("assessments")
            if (not isinstance(late, list) or not isinstance(assessments, list)
                    or len(late) != len(assessments)):
                raise ValueError("content/course.js: the questions do not match the assessments")
            for a, q in zip(assessments, late, strict=True):
                if q is not None:
                    if not isinstance(a, dict):
                        raise ValueError("content/course.js: an assessment is not an object")
                    a["questions"] = q
        if rest != "');":
            raise ValueError("content/course.js: the course data does not end")
    elif text.startswith(OLD_DATA_PREFIX):
        data, _ = json.JSONDecoder().raw_decode(text, len(OLD_DATA_PREFIX))
    else:
        raise ValueError("content/course.js does not hold course data")
    if not isinstance(data, dict):
        raise ValueError("content/course.js: the course data is not an object")
    return data


#: what a quiz question's entry holds that the runtime uses only when the question is
#: answered, its quiz's unit being in the DOM then: the interaction's id, type and correct
#: pattern(s), its description and xAPI activity. They go in the quiz's unit file
#: (``meta["questions"]``, one object per question), not in course.js; the rest of the
#: entry (type, answer key, weight, objectives, fingerprint) reads the resume state and
#: scores, so it is needed from the start.
ANSWER_TIME_KEYS = ("iid", "itype", "pattern", "patterns", "description", "activity")


def _split_questions(assessments: list[dict]) -> tuple[list[dict], dict[int, list[dict]]]:
    """The assessments without their questions' answer-time keys, and those keys by unit."""
    kept, late = [], {}
    for a in assessments:
        questions = a.get("questions") or []
        kept.append({**a, "questions": [{k: v for k, v in q.items() if k not in ANSWER_TIME_KEYS}
                                        for q in questions]} if questions else a)
        if questions:
            late[a["unit"]] = [{k: q[k] for k in ANSWER_TIME_KEYS if k in q} for q in questions]
    return kept, late


def split_data(course: Course, data: dict, units_view: list[dict]) -> tuple[dict, list[dict]]:
    """The whole-course data (without per-page lists and answer-time question data) and
    each unit's per-page data (and its questions' answer-time data)."""
    shell = dict(data)
    shell["assessments"], late = _split_questions(data["assessments"])
    per_page = shell.pop("pages")
    xapi = dict(shell["xapi"]) if "xapi" in shell else None
    xapi_pages = xapi.pop("pages") if xapi else None
    if xapi is not None:
        shell["xapi"] = xapi
    shell["pageCount"] = len(per_page)
    units = []
    metas = []
    for unit, view_unit, model in zip(data["units"], units_view, course.outline, strict=True):
        first, count = unit["first"], unit["count"]
        menu = {"start": view_unit["first_dom_id"]}
        if isinstance(model, Module) and model.duration:
            menu["minutes"] = model.duration
        units.append({**unit, **menu})
        meta: dict[str, Any] = {"locs": [p["loc"] for p in per_page[first:first + count]]}
        if xapi_pages is not None:
            meta["xapi"] = xapi_pages[first:first + count]
        if len(metas) in late:
            meta["questions"] = late[len(metas)]
        metas.append(meta)
    shell["units"] = units
    return shell, metas


def render_chunks(env: jinja2.Environment, course: Course, view: dict, t: dict[str, str],
                  target: str, shared: dict | None = None,
                  kept: dict | None = None) -> dict[str, bytes]:
    """The script files of the course's content (path -> bytes).

    ``shared`` (one dict per build, given for each target) keeps the units' HTML, which
    does not depend on the target: it is rendered for the first target only (see
    :func:`_neutral`). ``kept`` (one dict per preview, given to each rebuild) keeps each
    unit's HTML for the next rebuild (see :func:`_render`). Without them every call
    renders afresh; the files are the same."""
    shell, metas = split_data(course, view["data"], view["units"])
    files = {DATA: data_script(shell)}
    html = (_render(env, kept, course=course, view=view, t=t, target=target)
            if kept is not None and shared is None else
            _neutral(env, shared, course=course, view=view, t=t, target=target))
    for unit, meta in zip(view["units"], metas, strict=True):
        files[unit_path(unit["index"])] = (
            f"coursepackUnit({unit['index']},{_js(meta)},{html[unit['index']]});\n".encode())
    files[EXTRAS] = f"coursepackUnit(\"extras\",{{}},{html['extras']});\n".encode()
    return files


#: what differs between targets: the units' templates may not use it to be rendered once
_PER_TARGET = ("target",)
_PER_TARGET_VIEW = ("scripts", "runtime_scripts", "data", "csp")


#: the course's fields the default theme's unit partials use (partials/unit.html and what
#: it includes): with ``kept``, a unit is rendered again when one of them changes
#: (tests/test_build_once.py checks the list against the templates)
UNIT_COURSE_FIELDS = ("title", "audience", "objectives")


def _render(env: jinja2.Environment, kept: dict | None = None, **context: Any
            ) -> dict[int | str, str]:
    """Each unit's HTML and the extras' (key "extras"), as JavaScript strings.

    ``kept`` (the preview's, from one rebuild to the next; default theme only) holds each
    unit's view and HTML: a unit whose view, and everything else its templates see (the
    messages, the view but the units, the course fields of :data:`UNIT_COURSE_FIELDS`),
    is equal to last time's keeps its HTML."""
    unit_template = env.get_template("partials/unit.html")
    if kept is not None and not env.sandboxed:
        course, view = context["course"], context["view"]
        rest = (context["t"], context["target"],
                {k: v for k, v in view.items() if k != "units"},
                tuple(getattr(course, f) for f in UNIT_COURSE_FIELDS))
        if kept.get("rest") != rest:
            kept.clear()
            kept["rest"] = rest
    else:
        kept = None
    out: dict[int | str, str] = {}
    for unit in context["view"]["units"]:
        old = kept.get(unit["index"]) if kept is not None else None
        if old is not None and old[0] == unit:
            out[unit["index"]] = old[1]
            continue
        out[unit["index"]] = _js(unit_template.render(context, unit=unit).strip())
        if kept is not None:
            kept[unit["index"]] = (unit, out[unit["index"]])
    out["extras"] = _js(env.get_template("partials/extras.html").render(context).strip())
    return out


def _neutral(env: jinja2.Environment, shared: dict | None, **context: Any
             ) -> dict[int | str, str]:
    """The units' HTML for ``context``, from ``shared`` when an earlier target rendered it.

    The units are rendered without the target's values (where StrictUndefined makes any
    use of them an error); that text is the units' for every target. The default theme's
    partials never use them. A course's own templates (the sandbox) are also rendered
    with the target's values for the first target, and the texts compared: any
    difference, or an error without them, renders the units for each target."""
    if shared is None:
        return _render(env, **context)
    if "units" not in shared:
        neutral = {k: v for k, v in context.items() if k not in _PER_TARGET}
        neutral["view"] = {k: v for k, v in context["view"].items()
                           if k not in _PER_TARGET_VIEW}
        try:
            shared["units"] = _render(env, **neutral)
        except jinja2.UndefinedError:
            shared["units"] = None
        if env.sandboxed and shared["units"] is not None:
            full = _render(env, **context)
            if full != shared["units"]:
                shared["units"] = None
            return full
    return shared["units"] if shared["units"] is not None else _render(env, **context)
