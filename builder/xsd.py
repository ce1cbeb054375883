"""Validate manifests against the official XSDs shipped with coursepack
(:data:`builder.standards.XSD_DIR`).

Three sets are shipped verbatim: ``scorm12/``, ``scorm2004_4th/`` and ``cmi5/``. libxml2 needs
four work-arounds, all applied in memory (the shipped files stay byte-identical):

- ``xsi:schemaLocation`` is ignored, so a small driver schema imports every namespace;
- SCORM 1.2's ``ims_xml.xsd`` binds the default namespace to the XML namespace, which
  libxml2 refuses: the copy it reads drops that one declaration;
- ``imsmd_rootv1p2p1.xsd`` violates Unique Particle Attribution (``##any`` after
  optional elements): the copy it reads uses ``##other``;
- SCORM 2004's ``imscp_v1p1.xsd`` imports ``http://www.w3.org/2001/xml.xsd``: the resolver
  maps that address to the local ``scorm2004_4th/xml.xsd``.

No schema is ever fetched from the network: any other ``http(s)`` address is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from builder.standards import XSD_DIR

NS_CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
NS_ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS_MD12 = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"

NS_CP2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
NS_ADLCP2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
NS_ADLSEQ2004 = "http://www.adlnet.org/xsd/adlseq_v1p3"
NS_ADLNAV2004 = "http://www.adlnet.org/xsd/adlnav_v1p3"
NS_IMSSS2004 = "http://www.imsglobal.org/xsd/imsss"
NS_LOM2004 = "http://ltsc.ieee.org/xsd/LOM"

NS_CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"

_BAD_DEFAULT_NS = re.compile(rb'\s+xmlns="http://www\.w3\.org/XML/1998/namespace"')
_PATCHES = {
    "ims_xml.xsd": lambda b: _BAD_DEFAULT_NS.sub(b"", b, count=1),
    "imsmd_rootv1p2p1.xsd": lambda b: b.replace(b'namespace="##any"', b'namespace="##other"'),
}
#: Remote schema addresses imported by the official files -> (set folder, local file).
_REMOTE = {"http://www.w3.org/2001/xml.xsd": ("scorm2004_4th", "xml.xsd")}


class _LocalResolver(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url in _REMOTE:
            folder, name = _REMOTE[url]
            return self.resolve_filename(str(XSD_DIR / folder / name), context)
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


def _schema_parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalResolver())
    return parser


def _driver(folder: str, imports: list[tuple[str, str]]) -> etree.XMLSchema:
    """A schema that only imports ``imports`` (namespace, file) from ``XSD_DIR/folder``."""
    base = XSD_DIR / folder
    body = "".join(f'<xs:import namespace="{ns}" schemaLocation="{loc}"/>' for ns, loc in imports)
    text = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'targetNamespace="urn:x-coursepack-driver">{body}</xs:schema>')
    doc = etree.fromstring(text.encode(), _schema_parser(), base_url=str(base / "driver.xsd"))
    return etree.XMLSchema(etree.ElementTree(doc))


@cache
def scorm12_schema() -> etree.XMLSchema:
    return _driver("scorm12", [(NS_CP12, "imscp_rootv1p1p2.xsd"),
                               (NS_ADLCP12, "adlcp_rootv1p2.xsd"),
                               (NS_MD12, "imsmd_rootv1p2p1.xsd")])


@cache
def scorm2004_schema() -> etree.XMLSchema:
    """SCORM 2004 4th Edition: IMS CP 1.1.4, the ADL extensions, IMS SS and IEEE LOM."""
    return _driver("scorm2004_4th", [(NS_CP2004, "imscp_v1p1.xsd"),
                                     (NS_ADLCP2004, "adlcp_v1p3.xsd"),
                                     (NS_ADLSEQ2004, "adlseq_v1p3.xsd"),
                                     (NS_ADLNAV2004, "adlnav_v1p3.xsd"),
                                     (NS_IMSSS2004, "imsss_v1p0.xsd"),
                                     (NS_LOM2004, "lom.xsd")])


@cache
def cmi5_schema() -> etree.XMLSchema:
    """cmi5 (Quartz) ``CourseStructure.xsd``: one self-contained file."""
    path = XSD_DIR / "cmi5" / "CourseStructure.xsd"
    doc = etree.fromstring(path.read_bytes(), _schema_parser(), base_url=str(path))
    return etree.XMLSchema(etree.ElementTree(doc))


def _validate(document: bytes, schema: etree.XMLSchema) -> list[XsdError]:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False,
                             huge_tree=False)
    try:
        doc = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        return [XsdError(exc.lineno or 0, f"not well-formed XML: {exc.msg}")]
    try:
        if schema.validate(etree.ElementTree(doc)):
            return []
    except etree.XMLSchemaValidateError:  # libxml2 gives up, e.g. on unexpanded entities
        return [XsdError(0, "the schema validator cannot process this document (it uses "
                            "entity references; remove the DOCTYPE)")]
    return [XsdError(e.line, e.message) for e in schema.error_log]


def validate_scorm12(manifest: bytes) -> list[XsdError]:
    """Problems of a SCORM 1.2 ``imsmanifest.xml`` against the official XSDs."""
    return _validate(manifest, scorm12_schema())


def validate_scorm2004(manifest: bytes) -> list[XsdError]:
    """Problems of a SCORM 2004 ``imsmanifest.xml`` against the 4th Edition XSDs."""
    return _validate(manifest, scorm2004_schema())


def validate_cmi5(course_structure: bytes) -> list[XsdError]:
    """Problems of a ``cmi5.xml`` against the cmi5 ``CourseStructure.xsd``."""
    return _validate(course_structure, cmi5_schema())
