"""SCORM 2004 4th Edition: one SCO, free navigation, separate completion and success."""

from __future__ import annotations

from builder.model import Course
from builder.packagers import Packager

#: shipped beside the manifest (the set imsss_v1p0.xsd and imscp_v1p1.xsd pull in)
SCHEMA_FILES = (
    "adlcp_v1p3.xsd", "adlnav_v1p3.xsd", "adlseq_v1p3.xsd", "datatypes.dtd", "imscp_v1p1.xsd",
    "imsss_v1p0.xsd", "imsss_v1p0auxresource.xsd", "imsss_v1p0control.xsd",
    "imsss_v1p0delivery.xsd", "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd",
    "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd", "imsss_v1p0seqrule.xsd",
    "imsss_v1p0util.xsd", "xml.xsd", "XMLSchema.dtd",
)


class Scorm2004Packager(Packager):
    name = "scorm2004"
    summary = "SCORM 2004 4th Edition package (imsmanifest.xml, one SCO)"

    def manifest_context(self, course: Course, site_files: list[str]) -> dict:
        t = course.tracking
        graded = t.completion in ("passed", "both") and t.mastery_score is not None
        return {
            "identifier": f"MANIFEST-{course.id}",
            "version": course.version[:20],
            "organization": f"ORG-{course.id}",
            "item": f"ITEM-{course.id}",
            "sco": f"SCO-{course.id}",
            "schemas": f"SCHEMAS-{course.id}",
            "objective": f"{course.id}-mastery",
            "title": course.title[:200],
            "passing_score": f"{t.mastery_score / 100:.2f}" if graded else None,
            "launch": "index.html",
            "sco_files": sorted(site_files),
            "schema_files": list(SCHEMA_FILES),
        }

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        files = dict(site)
        for name in SCHEMA_FILES:
            files[name] = (self.theme / "schemas" / "scorm2004_4th" / name).read_bytes()
        context = self.manifest_context(course, list(site))
        manifest = self.env.get_template("scorm2004/imsmanifest.xml").render(m=context)
        files["imsmanifest.xml"] = manifest.encode("utf-8")
        return files
