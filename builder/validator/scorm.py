"""SCORM 1.2 and SCORM 2004 ``imsmanifest.xml``: the official XSDs, then what they miss.

The XSDs leave most of what breaks an import unchecked (SOURCES.md "Catalog / import
quirks" 6-8): IDREF targets, file existence, the exact schemaversion strings, the 1.2
value formats, and — in 2004, whose wildcards are lax — misspelled or 1.2-only names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from builder import xsd
from builder.validator import paths
from builder.validator.report import Problem, problem
from builder.validator.targets import locate
from builder.validator.xmldoc import NCNAME, elements, parse, qname, shorten, text

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MANIFEST_NAMES = {"imsmanifest.xml", "cmi5.xml", "tincan.xml"}


@dataclass(frozen=True)
class Version:
    """What differs between the SCORM versions a manifest can claim."""

    label: str
    cp: str  #: IMS Content Packaging namespace (the root element's)
    adlcp: str  #: ADL extension namespace
    scormtype: str  #: spelling of the resource attribute
    schemaversions: dict[str, str]  #: accepted <schemaversion> -> standard label
    validate: Callable[[bytes], list[xsd.XsdError]]
    prefixes: dict[str, str]  #: namespace -> prefix, to shorten schema messages


SCORM12 = Version("SCORM 1.2", xsd.NS_CP12, xsd.NS_ADLCP12, "scormtype",
                  {"1.2": "SCORM 1.2"}, xsd.validate_scorm12,
                  {xsd.NS_CP12: "", xsd.NS_ADLCP12: "adlcp:", xsd.NS_MD12: "imsmd:"})
SCORM2004 = Version("SCORM 2004", xsd.NS_CP2004, xsd.NS_ADLCP2004, "scormType",
                    {"2004 4th Edition": "SCORM 2004 4th Edition",
                     "2004 3rd Edition": "SCORM 2004 3rd Edition",
                     "CAM 1.3": "SCORM 2004 2nd Edition"},
                    xsd.validate_scorm2004,
                    {xsd.NS_CP2004: "", xsd.NS_ADLCP2004: "adlcp:", xsd.NS_IMSSS2004: "imsss:",
                     xsd.NS_ADLSEQ2004: "adlseq:", xsd.NS_ADLNAV2004: "adlnav:",
                     xsd.NS_LOM2004: "lom:"})

#: SCORM 1.2 item elements that a 2004 LMS silently ignores, and what to use instead.
_OLD_ELEMENTS = {
    "masteryscore": "use imsss:primaryObjective satisfiedByMeasure=\"true\" with "
                    "imsss:minNormalizedMeasure (a value from -1 to 1)",
    "prerequisites": "use imsss:sequencingRules preConditionRule",
    "maxtimeallowed": "use imsss:limitConditions attemptAbsoluteDurationLimit",
    "timelimitaction": "the 2004 spelling is adlcp:timeLimitAction",
    "datafromlms": "the 2004 spelling is adlcp:dataFromLMS",
}
#: Our own problems that explain a schema message on the same line (so it is not repeated).
_EXPLAINS_XSD = {"id-invalid": "xs:id", "id-duplicate": "xs:id",
                 "scormtype-spelling": "scormtype"}
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_TIMESPAN = re.compile(r"\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?")


@dataclass
class Manifest:
    """One parsed ``imsmanifest.xml`` and the package it came in."""

    file: str
    root: etree._Element
    v: Version
    names: set[str]  #: file entries of the zip
    quiet: set[str]  #: entries already reported as hazards: not also "unlisted"

    def all(self, local: str) -> list[etree._Element]:
        """Every element named ``local`` in the Content Packaging namespace."""
        return list(self.root.iter(f"{{{self.v.cp}}}{local}"))

    def find(self, el: etree._Element, path: str) -> etree._Element | None:
        """``el.find(path)`` with the ``cp:`` and ``adlcp:`` prefixes of this version."""
        return el.find(path, {"cp": self.v.cp, "adlcp": self.v.adlcp})


def check_scorm(data: bytes, names: set[str], quiet: set[str],
                file: str = "imsmanifest.xml") -> tuple[str | None, list[Problem]]:
    """(standard label, problems) of a SCORM manifest."""
    root, problems = parse(data, file)
    if root is None:
        return "SCORM", problems
    ns, local = qname(root.tag)
    version = {xsd.NS_CP12: SCORM12, xsd.NS_CP2004: SCORM2004}.get(ns)
    if version is None or local != "manifest":
        return None, problems + [problem("manifest-unknown", file,
                              f"the root element is {{{ns}}}{local}; expected <manifest> in "
                              f"{xsd.NS_CP12} (SCORM 1.2) or {xsd.NS_CP2004} (SCORM 2004)",
                              root.sourceline)]
    m = Manifest(file, root, version, names, quiet)
    label, lint = schema_version(m)
    lint += [*identifiers(m), *references(m), *files(m), *launches(m), *scormtypes(m)]
    lint += scorm12_values(m) if version is SCORM12 else version_mixups(m)
    found = problems + _schema_problems(data, m, lint) + lint  # problems: xml-entity
    return label, sorted(found, key=lambda p: p.line)


def _schema_problems(data: bytes, m: Manifest, lint: list[Problem]) -> list[Problem]:
    covered = [(p.line, _EXPLAINS_XSD[p.rule]) for p in lint if p.rule in _EXPLAINS_XSD]
    found = []
    for err in m.v.validate(data):
        if any(err.line == line and key in err.message.lower() for line, key in covered):
            continue
        found.append(problem("xsd", m.file, shorten(err.message, m.v.prefixes), err.line))
    return found


def schema_version(m: Manifest) -> tuple[str, list[Problem]]:
    """The standard label from ``<schemaversion>``, and problems with the two strings."""
    metadata = m.find(m.root, "cp:metadata")
    line = m.root.sourceline if metadata is None else metadata.sourceline
    schema = text(None if metadata is None else m.find(metadata, "cp:schema"))
    version = text(None if metadata is None else m.find(metadata, "cp:schemaversion"))
    expected = " or ".join(f"'{s}'" for s in m.v.schemaversions)
    if version is None:
        return m.v.label, [problem("schema-version", m.file,
                                   f"no <metadata><schemaversion>: LMSs have to guess the "
                                   f"version (expected {expected})", line, "warning")]
    found = []
    if version not in m.v.schemaversions:
        found.append(problem("schema-version", m.file,
                             f"<schemaversion> is '{version}'; a {m.v.label} manifest "
                             f"({m.v.cp}) needs {expected}", line))
    if schema != "ADL SCORM":
        found.append(problem("schema-version", m.file,
                             f"<schema> is {schema and repr(schema) or 'missing'}; it must be "
                             "'ADL SCORM'", line))
    return m.v.schemaversions.get(version, m.v.label), found


def _id(el: etree._Element, attr: str = "identifier") -> str | None:
    """The stripped value of ``attr`` (xs:ID collapses whitespace), None when absent."""
    value = el.get(attr)
    return None if value is None else value.strip()


def identifiers(m: Manifest) -> list[Problem]:
    """Identifiers are NCNames and unique across the whole manifest (one ID space)."""
    seen: dict[str, int] = {}
    found = []
    for el in elements(m.root):
        ident = _id(el)
        if ident is None or qname(el.tag)[0] != m.v.cp:
            continue
        tag = qname(el.tag)[1]
        if not NCNAME.fullmatch(ident):
            found.append(problem("id-invalid", m.file,
                                 f"<{tag} identifier=\"{ident}\">: not a valid XML name",
                                 el.sourceline))
        elif ident in seen:
            found.append(problem("id-duplicate", m.file,
                                 f"<{tag}> identifier '{ident}' is already used on line "
                                 f"{seen[ident]}", el.sourceline))
        else:
            seen[ident] = el.sourceline
    return found


def _name(el: etree._Element) -> str:
    return _id(el) or "(no identifier)"


def _resources(m: Manifest) -> dict[str, etree._Element]:
    """Resources by identifier; the first one wins when an identifier is repeated."""
    found: dict[str, etree._Element] = {}
    for res in m.all("resource"):
        if ident := _id(res):
            found.setdefault(ident, res)
    return found


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def references(m: Manifest) -> list[Problem]:
    """organizations/@default, item and dependency identifierrefs point at something."""
    found = []
    targets = set(_resources(m)) | {i for s in m.all("manifest") if (i := _id(s))}
    orgs = m.find(m.root, "cp:organizations")
    if orgs is not None and (default := _id(orgs, "default")) is not None:
        org_ids = {_id(o) for o in orgs.findall(f"{{{m.v.cp}}}organization")}
        if default not in org_ids:
            found.append(problem("default-org-dangling", m.file,
                                 f"<organizations default=\"{default}\"> names no organization"
                                 + _did_you_mean(default, org_ids - {None}), orgs.sourceline))
    for tag in ("item", "dependency"):
        for el in m.all(tag):
            ref = _id(el, "identifierref")
            if ref is not None and ref not in targets:
                found.append(problem("identifierref-dangling", m.file,
                                     f"<{tag} identifierref=\"{ref}\"> names no resource"
                                     + _did_you_mean(ref, targets), el.sourceline))
    return found


def _base_of(m: Manifest, el: etree._Element) -> str:
    """The folder that relative hrefs on ``el`` start from (nested ``xml:base``)."""
    chain = [a.get(XML_BASE) for a in reversed(list(el.iterancestors()))] + [el.get(XML_BASE)]
    return paths.join_base(*chain)


def files(m: Manifest) -> list[Problem]:
    """Every referenced file exists; every file in the zip is referenced."""
    found: list[Problem] = []
    listed: set[str] = set()
    refs = [(r, r.get("href"), f"href of resource '{_name(r)}'") for r in m.all("resource")]
    refs += [(f, f.get("href"), f"<file> of resource '{_name(f.getparent())}'")
             for f in m.all("file")]
    refs += [(loc, text(loc), "metadata file")
             for loc in m.root.iter(f"{{{m.v.adlcp}}}location")]
    reported: set[str] = set()
    for el, href, what in refs:
        if not href or paths.is_external(href):
            continue
        entry, missing = locate(_base_of(m, el), href, m.names, m.file, el.sourceline, what)
        key = paths.strip_query(href)
        if missing and key not in reported:  # a resource's href is often also its <file>
            found += missing
            reported.add(key)
        if missing and (twin := paths.case_twin(key, m.names)):
            listed.add(twin)  # already named in the href-missing message
        if entry:
            listed.add(entry)
    skip = listed | MANIFEST_NAMES | m.quiet
    for name in sorted(m.names - skip):
        if not name.lower().endswith((".xsd", ".dtd")):
            found.append(problem("file-unlisted", name,
                                 f"'{name}' is in the zip but no <file> element lists it"))
    return found


def _scormtype(res: etree._Element) -> str:
    """The scormtype value under any spelling, lower-cased ("" when absent)."""
    return next((v.strip().lower() for a, v in res.attrib.items()
                 if qname(a)[1].lower() == "scormtype"), "")


def launches(m: Manifest) -> list[Problem]:
    """Each launching item opens a local HTML page (for a SCO) that exists."""
    found = []
    resources = _resources(m)
    items = [i for i in m.all("item") if _id(i, "identifierref")]
    for item in items:
        res = resources.get(_id(item, "identifierref"))
        if res is None:
            continue  # reported as identifierref-dangling
        href = (res.get("href") or "").strip()
        kind = _scormtype(res)
        where = f"item '{_name(item)}' launches resource '{_name(res)}'"
        if not href:
            found.append(problem("launch-missing", m.file, f"{where}, which has no href",
                                 res.sourceline))
        elif paths.is_external(href):
            found.append(problem("external-launch", m.file, f"{where} at {href}",
                                 res.sourceline, "error" if kind == "sco" else "warning"))
        elif kind == "sco" and not paths.is_html(href):
            found.append(problem("launch-not-html", m.file,
                                 f"{where}, a SCO whose launch file '{href}' is not an .html "
                                 "page", res.sourceline))
    if not items:
        has_href = any(r.get("href") for r in resources.values())
        found.append(problem("launch-missing", m.file,
                             "no <item> has an identifierref, so the LMS has nothing to put "
                             "in the course menu", m.root.sourceline,
                             "warning" if has_href else "error"))
    return found


def _spelled(attr: str, m: Manifest) -> str:
    ns, local = qname(attr)
    if ns == m.v.adlcp:
        return f"adlcp:{local}"
    if not ns:
        return f"{local} (without the adlcp: prefix)"
    return f"{local} in the namespace {ns}"


def scormtypes(m: Manifest) -> list[Problem]:
    """Every resource says sco or asset, with this version's spelling of the attribute."""
    found = []
    expected = f"{{{m.v.adlcp}}}{m.v.scormtype}"
    for res in m.all("resource"):
        spellings = [a for a in res.attrib if qname(a)[1].lower() == "scormtype"]
        if expected in spellings:
            continue
        if spellings:
            found.append(problem("scormtype-spelling", m.file,
                                 f"resource '{_name(res)}' has {_spelled(spellings[0], m)}; "
                                 f"{m.v.label} needs adlcp:{m.v.scormtype} ({m.v.adlcp})",
                                 res.sourceline))
        else:
            found.append(problem("scormtype-missing", m.file,
                                 f"resource '{_name(res)}' has no adlcp:{m.v.scormtype}",
                                 res.sourceline))
    return found


def scorm12_values(m: Manifest) -> list[Problem]:
    """masteryscore is a 0-100 decimal; maxtimeallowed is a CMITimespan."""
    found = []
    for el in m.root.iter(f"{{{m.v.adlcp}}}masteryscore"):
        value = text(el)
        if not _DECIMAL.fullmatch(value) or not 0 <= float(value) <= 100:
            found.append(problem("masteryscore-range", m.file,
                                 f"<adlcp:masteryscore> is '{value}'; expected a number from "
                                 "0 to 100", el.sourceline))
    for el in m.root.iter(f"{{{m.v.adlcp}}}maxtimeallowed"):
        value = text(el)
        if not _TIMESPAN.fullmatch(value):
            found.append(problem("maxtimeallowed-format", m.file,
                                 f"<adlcp:maxtimeallowed> is '{value}'; expected HHHH:MM:SS "
                                 "such as 0000:30:00", el.sourceline))
    return found


def version_mixups(m: Manifest) -> list[Problem]:
    """SCORM 1.2 names in a 2004 manifest: valid for the lax 2004 XSD, ignored by LMSs."""
    found = []
    old = {xsd.NS_CP12, xsd.NS_ADLCP12}
    for el in elements(m.root):
        ns, local = qname(el.tag)
        if ns in old or (ns == m.v.adlcp and local in _OLD_ELEMENTS):
            hint = _OLD_ELEMENTS.get(local, "use the SCORM 2004 namespaces")
            found.append(problem("version-mixup", m.file,
                                 f"<{local}> ({ns}) is SCORM 1.2 and is ignored in SCORM "
                                 f"2004: {hint}", el.sourceline))
        for attr in el.attrib:
            a_ns, a_local = qname(attr)
            if a_ns in old and a_local.lower() != "scormtype":
                found.append(problem("version-mixup", m.file,
                                     f"attribute {a_local} ({a_ns}) is SCORM 1.2 and is "
                                     "ignored in SCORM 2004", el.sourceline))
    return found
