"""The HTML of a built course as one text: the launch page (a shell) and the pages of
every unit, which the package carries as scripts (content/*.js, builder/chunks.py)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping


def unit_html(script: str) -> str:
    """The HTML a content file hands to the runtime: ``coursepackUnit(N, meta, html);``."""
    call = script.strip()
    assert call.startswith("coursepackUnit(") and call.endswith(");"), call[:80]
    return json.loads("[" + call[len("coursepackUnit("):-2] + "]")[2]


def all_html(files: Mapping[str, bytes] | zipfile.ZipFile) -> str:
    """index.html followed by the HTML of every unit, in the package's file order."""
    if isinstance(files, zipfile.ZipFile):
        names = files.namelist()
        read = files.read
    else:
        names = list(files)
        read = files.__getitem__
    parts = [read("index.html").decode()]
    units = sorted((n for n in names if n.startswith("content/") and n.endswith(".js")
                    and n != "content/course.js"),
                   key=lambda n: (not n[9:-3].isdigit(), int(n[9:-3] or 0)
                                  if n[9:-3].isdigit() else 0, n))
    parts += [unit_html(read(n).decode()) for n in units]
    return "\n".join(parts)


def go_to(frame, dom_id: str) -> None:
    """Show the page (or screen) with this element id as a link to it does: the runtime
    loads its unit first when it is not in the DOM. Returns once it is shown."""
    frame.evaluate("""id => {
        const a = document.createElement("a");
        a.href = "#" + id;
        document.body.appendChild(a);
        a.click();
        a.remove();
    }""", dom_id)
    frame.locator(f"#{dom_id}").wait_for(state="visible")
