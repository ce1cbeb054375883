"""Parse a manifest from an untrusted package: no network, no entities, no DTD, no huge trees."""

from __future__ import annotations

import re

from lxml import etree

from builder.validator.report import Problem, problem

#: XML ``NCName`` (what ``xs:ID`` accepts): a letter or '_', then letters, digits, '.', '-', '_'.
NCNAME = re.compile(r"[^\W\d][\w.\-\u00B7\u0300-\u036F\u203F\u2040]*")


def parse(data: bytes, file: str) -> tuple[etree._Element | None, list[Problem]]:
    """The root element of ``data``, or None and an ``xml-malformed`` problem."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False,
                             huge_tree=False, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, etree.ParserError, ValueError) as exc:
        line = getattr(exc, "lineno", 0) or 0
        reason = getattr(exc, "msg", "") or str(exc) or "empty document"
        return None, [problem("xml-malformed", file, f"not well-formed XML: {reason}", line)]
    return root, doctype_problems(root, file)


def doctype_problems(root: etree._Element, file: str) -> list[Problem]:
    """An ``xml-entity`` warning for a DOCTYPE with an external DTD or entity declarations
    (never loaded or resolved here; an LMS's parser may do both)."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    entities = [e for e in dtd.iterentities()] if dtd is not None else []
    external = [e.name for e in entities if e.system_url or e.orig]
    if info.system_url or info.public_id:
        what = f"loads an external DTD ({info.system_url or info.public_id})"
    elif external:
        what = "declares the external entity " + ", ".join(f"'{n}'" for n in external)
    elif entities:
        what = "declares entities (" + ", ".join(f"'{e.name}'" for e in entities) + ")"
    else:
        return []
    return [problem("xml-entity", file, f"the DOCTYPE {what}", 1)]


def elements(root: etree._Element):
    """Every element below and including ``root`` (comments and PIs skipped)."""
    return (el for el in root.iter() if isinstance(el.tag, str))


def qname(el_or_attr: str) -> tuple[str, str]:
    """(namespace, local name) of a Clark-notation name such as ``{ns}local``."""
    q = etree.QName(el_or_attr)
    return q.namespace or "", q.localname


def text(el: etree._Element | None) -> str | None:
    """The stripped text of ``el``; None when the element is absent."""
    return None if el is None else (el.text or "").strip()


def shorten(message: str, prefixes: dict[str, str]) -> str:
    """Write ``{namespace}name`` in libxml2 messages as ``prefix:name``."""
    def repl(m: re.Match) -> str:
        prefix = prefixes.get(m.group(1))
        return m.group(0) if prefix is None else prefix + m.group(2)

    return re.sub(r"\{([^}]*)\}([\w.\-]+)", repl, message)
