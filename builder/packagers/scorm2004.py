"""SCORM 2004 4th Edition: one SCO, free navigation, separate completion and success."""

from __future__ import annotations

from builder.model import Course
from builder.packagers.scorm12 import ScormPackager


class Scorm2004Packager(ScormPackager):
    name = "scorm2004"
    summary = "SCORM 2004 4th Edition package (imsmanifest.xml, one SCO)"
    standard = "SCORM 2004"
    scripts = ("static/cp-scorm.js", "static/cp-scorm2004.js")
    suspend_limit = 64000
    location_limit = 1000
    responses_2004 = True
    schema_dir = "scorm2004_4th"
    #: shipped beside the manifest (the set imsss_v1p0.xsd and imscp_v1p1.xsd pull in)
    schema_files = (
        "adlcp_v1p3.xsd", "adlnav_v1p3.xsd", "adlseq_v1p3.xsd", "datatypes.dtd",
        "imscp_v1p1.xsd", "imsss_v1p0.xsd", "imsss_v1p0auxresource.xsd",
        "imsss_v1p0control.xsd", "imsss_v1p0delivery.xsd", "imsss_v1p0limit.xsd",
        "imsss_v1p0objective.xsd", "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd",
        "imsss_v1p0seqrule.xsd", "imsss_v1p0util.xsd", "xml.xsd", "XMLSchema.dtd",
    )

    def manifest_context(self, course: Course, site_files: list[str]) -> dict:
        m = super().manifest_context(course, site_files)
        m["objective"] = f"{course.id}-mastery"
        m["passing_score"] = (f"{course.tracking.mastery_score / 100:.2f}" if course.tracking.graded
                              else None)
        return m
