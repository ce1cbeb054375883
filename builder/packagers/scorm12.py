"""SCORM 1.2: one SCO (the whole course) described by ``imsmanifest.xml``."""

from __future__ import annotations

from builder.model import Course
from builder.packagers import Packager

SCHEMA_FILES = ("adlcp_rootv1p2.xsd", "ims_xml.xsd", "imscp_rootv1p1p2.xsd",
                "imsmd_rootv1p2p1.xsd")


class Scorm12Packager(Packager):
    name = "scorm12"
    summary = "SCORM 1.2 package (imsmanifest.xml, one SCO)"

    def manifest_context(self, course: Course, site_files: list[str]) -> dict:
        """Values for ``scorm12/imsmanifest.xml``. Identifiers share one ID space."""
        t = course.tracking
        graded = t.completion in ("passed", "both") and t.mastery_score is not None
        return {
            "identifier": f"MANIFEST-{course.id}",
            "version": course.version[:20],
            "organization": f"ORG-{course.id}",
            "item": f"ITEM-{course.id}",
            "sco": f"SCO-{course.id}",
            "schemas": f"SCHEMAS-{course.id}",
            "title": course.title[:200],
            "mastery_score": t.mastery_score if graded else None,
            "launch": "index.html",
            "sco_files": sorted(site_files),
            "schema_files": list(SCHEMA_FILES),
        }

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        files = dict(site)
        for name in SCHEMA_FILES:
            files[name] = (self.theme / "schemas" / "scorm12" / name).read_bytes()
        context = self.manifest_context(course, list(site))
        manifest = self.env.get_template("scorm12/imsmanifest.xml").render(m=context)
        files["imsmanifest.xml"] = manifest.encode("utf-8")
        return files
