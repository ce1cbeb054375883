"""xAPI (Tin Can) ``tincan.xml``: the launch convention (no official schema exists).

Expected shape: ``<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>`` with
activities that have an ``id``; exactly one of them has a ``<launch>`` naming an HTML page
in the zip.
"""

from __future__ import annotations

from builder.validator.report import Problem, problem
from builder.validator.targets import check_launch
from builder.validator.xmldoc import elements, parse, qname, text

NS_TINCAN = "http://projecttincan.com/tincan.xsd"
LABEL = "xAPI (Tin Can)"


def check_tincan(data: bytes, names: set[str],
                 file: str = "tincan.xml") -> tuple[str, list[Problem]]:
    """(label, problems) of a tincan.xml."""
    root, problems = parse(data, file)
    if root is None:
        return LABEL, problems
    found: list[Problem] = problems  # xml-entity
    ns, local = qname(root.tag)
    if (ns, local) != (NS_TINCAN, "tincan"):
        found.append(problem("tincan-structure", file,
                             f"the root element is {{{ns}}}{local}; expected <tincan> in "
                             f"{NS_TINCAN}", root.sourceline))
    if not any(qname(el.tag)[1] == "activities" for el in root):
        found.append(problem("tincan-structure", file, "no <activities> element",
                             root.sourceline))
    launching = [a for a in elements(root) if qname(a.tag)[1] == "activity"
                 and any(qname(c.tag)[1] == "launch" for c in a if isinstance(c.tag, str))]
    if not launching:
        found.append(problem("launch-missing", file, "no <activity> has a <launch> element",
                             root.sourceline))
    for extra in launching[1:]:
        found.append(problem("launch-multiple", file,
                             f"activity '{extra.get('id')}' also has a <launch> (the first "
                             f"is on line {launching[0].sourceline})", extra.sourceline))
    for activity in launching[:1]:
        found += _launch(activity, names, file)
    return LABEL, sorted(found, key=lambda p: p.line)


def _launch(activity, names: set[str], file: str) -> list[Problem]:
    ident = (activity.get("id") or "").strip()
    found = []
    if not ident:
        found.append(problem("tincan-structure", file, "the launching <activity> has no id "
                                                       "(the xAPI activity IRI)",
                             activity.sourceline))
    launch = next(c for c in activity if isinstance(c.tag, str) and qname(c.tag)[1] == "launch")
    url = text(launch)
    if not url:
        return found + [problem("launch-missing", file, "the <launch> element is empty",
                                launch.sourceline)]
    return found + check_launch(url, names, file, launch.sourceline,
                                f"the launch page of activity '{ident}'", "warning")
