"""cmi5 ``cmi5.xml``: the official CourseStructure.xsd, then unique ids, objective
references and the AU launch pages.

The XSD already checks ``moveOn`` (case-sensitive values), ``masteryScore`` (0..1) and the
element order; it has no key constraints, so uniqueness and ``idref`` are checked here.
Absolute AU URLs are allowed by cmi5 (the AU may be hosted elsewhere) and are not reported.
"""

from __future__ import annotations

from builder import xsd
from builder.validator.report import Problem, problem
from builder.validator.targets import check_launch
from builder.validator.xmldoc import elements, parse, qname, shorten, text

_NS = xsd.NS_CMI5
_IDENTIFIED = {"course", "block", "au", "objective"}


def check_cmi5(data: bytes, names: set[str],
               file: str = "cmi5.xml") -> tuple[str, list[Problem]]:
    """("cmi5", problems) of a course structure."""
    root, problems = parse(data, file)
    if root is None:
        return "cmi5", problems
    found = problems + [problem("xsd", file, shorten(e.message, {_NS: ""}), e.line)
                        for e in xsd.validate_cmi5(data)]  # problems: xml-entity
    if qname(root.tag) != (_NS, "courseStructure"):
        return "cmi5", found  # the schema message says what the root should be
    found += unique_ids(root, file) + objective_refs(root, file)
    for au in root.iter(f"{{{_NS}}}au"):
        url = au.find(f"{{{_NS}}}url")
        if text(url):
            found += check_launch(text(url), names, file, url.sourceline,
                                  f"the url of AU '{(au.get('id') or '').strip()}'", None)
    return "cmi5", sorted(found, key=lambda p: p.line)


def unique_ids(root, file: str) -> list[Problem]:
    """Course, block, AU and objective ids are unique within the structure."""
    seen: dict[str, int] = {}
    found = []
    for el in elements(root):
        ns, local = qname(el.tag)
        ident = (el.get("id") or "").strip()
        if ns != _NS or local not in _IDENTIFIED or not ident:
            continue
        if ident in seen:
            found.append(problem("id-duplicate", file, f"<{local} id=\"{ident}\"> is already "
                                                       f"used on line {seen[ident]}",
                                 el.sourceline))
        else:
            seen[ident] = el.sourceline
    return found


def objective_refs(root, file: str) -> list[Problem]:
    """Every ``<objective idref>`` of a block or AU names an objective of the course."""
    declared = {(o.get("id") or "").strip()
                for o in root.iterfind(f"{{{_NS}}}objectives/{{{_NS}}}objective")}
    found = []
    for el in root.iter(f"{{{_NS}}}objective"):
        ref = el.get("idref")
        if ref is not None and ref.strip() not in declared:
            found.append(problem("identifierref-dangling", file,
                                 f"<objective idref=\"{ref.strip()}\"> names no objective "
                                 "of the course", el.sourceline))
    return found
