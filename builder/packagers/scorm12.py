"""SCORM 1.2: one SCO (the whole course) described by ``imsmanifest.xml``.

:class:`ScormPackager` holds what SCORM 1.2 and 2004 share: one SCO whose files are the
site, the official schemas beside the manifest, identifiers in one ID space.
"""

from __future__ import annotations

from builder.model import Course
from builder.packagers import Packager
from builder.standards import XSD_DIR


class ScormPackager(Packager):
    """One SCO per package; subclasses name their schemas and manifest template."""

    schema_dir = ""
    schema_files: tuple[str, ...] = ()
    manifest = "imsmanifest.xml"

    def manifest_context(self, course: Course, site_files: list[str]) -> dict:
        """Values for the manifest template. Identifiers share one ID space."""
        return {
            "identifier": f"MANIFEST-{course.id}",
            "version": course.version[:20],
            "organization": f"ORG-{course.id}",
            "item": f"ITEM-{course.id}",
            "sco": f"SCO-{course.id}",
            "schemas": f"SCHEMAS-{course.id}",
            "title": course.title[:200],
            "launch": "index.html",
            "sco_files": sorted(site_files),
            "schema_files": list(self.schema_files),
        }

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        files = dict(site)
        for name in self.schema_files:
            files[name] = (XSD_DIR / self.schema_dir / name).read_bytes()
        context = self.manifest_context(course, list(site))
        text = self.env.get_template(f"{self.name}/{self.manifest}").render(m=context)
        files[self.manifest] = text.encode("utf-8")
        return files


class Scorm12Packager(ScormPackager):
    name = "scorm12"
    summary = "SCORM 1.2 package (imsmanifest.xml, one SCO)"
    standard = "SCORM 1.2"
    scripts = ("static/cp-scorm.js", "static/cp-scorm12.js")
    suspend_limit = 4096
    location_limit = 255
    preview = True
    lms_quirks = True
    schema_dir = "scorm12"
    schema_files = ("adlcp_rootv1p2.xsd", "ims_xml.xsd", "imscp_rootv1p1p2.xsd",
                    "imsmd_rootv1p2p1.xsd")

    def manifest_context(self, course: Course, site_files: list[str]) -> dict:
        m = super().manifest_context(course, site_files)
        m["mastery_score"] = course.tracking.mastery_score if course.tracking.graded else None
        return m
