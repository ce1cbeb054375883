"""Validate manifests against the official XSDs shipped in the theme (``schemas/``).

libxml2 needs three work-arounds, all applied in memory (the shipped files stay verbatim):

- ``xsi:schemaLocation`` is ignored, so a small driver schema imports every namespace;
- SCORM 1.2's ``ims_xml.xsd`` binds the default namespace to the XML namespace, which
  libxml2 refuses: the copy it reads drops that one declaration;
- ``imsmd_rootv1p2p1.xsd`` violates Unique Particle Attribution (``##any`` after
  optional elements): the copy it reads uses ``##other``.

No schema is ever fetched from the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from builder.render import theme_dir

NS_CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
NS_ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS_MD12 = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"

_BAD_DEFAULT_NS = re.compile(rb'\s+xmlns="http://www\.w3\.org/XML/1998/namespace"')
_PATCHES = {
    "ims_xml.xsd": lambda b: _BAD_DEFAULT_NS.sub(b"", b, count=1),
    "imsmd_rootv1p2p1.xsd": lambda b: b.replace(b'namespace="##any"', b'namespace="##other"'),
}


class _LocalResolver(etree.Resolver):
    def resolve(self, url, pubid, context):
        name = Path(url or "").name
        if name in _PATCHES:
            path = url.removeprefix("file://")
            return self.resolve_string(_PATCHES[name](Path(path).read_bytes()), context,
                                       base_url=path)
        if url and url.startswith(("http://", "https://")):
            raise OSError(f"refusing to fetch {url}: schemas must be local")
        return None


@dataclass(frozen=True)
class XsdError:
    line: int
    message: str


@cache
def scorm12_schema() -> etree.XMLSchema:
    base = theme_dir() / "schemas" / "scorm12"
    imports = [(NS_CP12, "imscp_rootv1p1p2.xsd"), (NS_ADLCP12, "adlcp_rootv1p2.xsd"),
               (NS_MD12, "imsmd_rootv1p2p1.xsd")]
    body = "".join(f'<xs:import namespace="{ns}" schemaLocation="{loc}"/>' for ns, loc in imports)
    text = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'targetNamespace="urn:x-coursepack-driver">{body}</xs:schema>')
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalResolver())
    doc = etree.fromstring(text.encode(), parser, base_url=str(base / "driver.xsd"))
    return etree.XMLSchema(etree.ElementTree(doc))


def validate_scorm12(manifest: bytes) -> list[XsdError]:
    """Problems of a SCORM 1.2 ``imsmanifest.xml`` against the official XSDs."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        doc = etree.fromstring(manifest, parser)
    except etree.XMLSyntaxError as exc:
        return [XsdError(exc.lineno or 0, f"not well-formed XML: {exc.msg}")]
    schema = scorm12_schema()
    if schema.validate(etree.ElementTree(doc)):
        return []
    return [XsdError(e.line, e.message) for e in schema.error_log]
