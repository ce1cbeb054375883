"""The course split for loading on demand: a small launch page and one script per unit.

``index.html`` is a shell whose size does not depend on the course: the header, an empty
menu (the runtime fills it in from the course data), the result screen and the scripts.
Everything else is a script file, because scripts load from ``file://`` (an offline copy
of the web build) where ``fetch`` does not, and the Content-Security-Policy allows only
the package's own scripts (``script-src 'self'``):

- ``content/course.js``: the course data the runtime needs for the whole course (see
  :func:`builder.runtime.course_data`), without what is per page (the bookmark and xAPI
  activity of every page), plus what the menu shows of each unit (``start``, the element
  id of its first page, and ``minutes``). It sets ``window.CoursepackData``.
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


def split_data(course: Course, data: dict, units_view: list[dict]) -> tuple[dict, list[dict]]:
    """The whole-course data (without per-page lists) and each unit's per-page data."""
    shell = dict(data)
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
        metas.append(meta)
    shell["units"] = units
    return shell, metas


def render_chunks(env: jinja2.Environment, course: Course, view: dict, t: dict[str, str],
                  target: str) -> dict[str, bytes]:
    """The script files of the course's content (path -> bytes)."""
    shell, metas = split_data(course, view["data"], view["units"])
    files = {DATA: f"window.CoursepackData={_js(shell)};\n".encode()}
    unit_template = env.get_template("partials/unit.html")
    for unit, meta in zip(view["units"], metas, strict=True):
        html = unit_template.render(course=course, view=view, t=t, target=target, unit=unit)
        files[unit_path(unit["index"])] = (
            f"coursepackUnit({unit['index']},{_js(meta)},{_js(html.strip())});\n".encode())
    extras = env.get_template("partials/extras.html").render(
        course=course, view=view, t=t, target=target)
    files[EXTRAS] = f"coursepackUnit(\"extras\",{{}},{_js(extras.strip())});\n".encode()
    return files
