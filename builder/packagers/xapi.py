"""xAPI packages: Tin Can launch (``tincan.xml``) and cmi5 (``cmi5.xml``, one AU).

Neither holds credentials: the LMS passes the LRS endpoint and an auth token (Tin Can) or
a one-time fetch URL (cmi5) in the launch URL.
"""

from __future__ import annotations

from builder.model import Course, Module
from builder.packagers import Packager
from builder.plaintext import plain_text as text

MOVE_ON = {"viewed": "Completed", "passed": "Passed", "both": "CompletedAndPassed"}


def _common(course: Course) -> dict:
    return {"course_id": course.activity_id, "lang": course.language,
            "title": course.title, "description": text(course.description_html) or course.title,
            "launch": "index.html"}


class XapiPackager(Packager):
    name = "xapi"
    summary = "xAPI package launched the Tin Can way (tincan.xml)"
    standard = "xAPI"
    scripts = ("static/cp-xapi.js",)
    manifest = "tincan.xml"
    responses_2004 = True
    xapi = True
    preview = True

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        from builder.xapi_activities import TYPES  # tincan is imported only for xAPI packages

        m = _common(course)
        m["activities"] = [
            {"id": f"{course.activity_id}/{u.id}", "name": u.title,
             "type": TYPES["module" if isinstance(u, Module) else "assessment"]}
            for u in course.outline]
        text = self.env.get_template("xapi/tincan.xml").render(m=m)
        return {**site, self.manifest: text.encode("utf-8")}


class Cmi5Packager(Packager):
    name = "cmi5"
    summary = "cmi5 course package (cmi5.xml, one assignable unit)"
    standard = "cmi5"
    scripts = ("static/cp-xapi.js", "static/cp-cmi5.js")
    manifest = "cmi5.xml"
    responses_2004 = True
    xapi = True
    preview = True
    cmi5_launch = True

    def package_files(self, course: Course, site: dict[str, bytes]) -> dict[str, bytes]:
        t = course.tracking
        m = _common(course)
        m.update(
            au_id=f"{course.activity_id}/au",
            move_on=MOVE_ON[t.completion],
            mastery_score=f"{t.mastery_score / 100:.4f}".rstrip("0").rstrip(".")
            if t.graded else None,
            objectives=[{"id": f"{course.activity_id}/objectives/{o.id}", "title": o.text}
                        for o in course.objectives])
        text = self.env.get_template("cmi5/cmi5.xml").render(m=m)
        return {**site, self.manifest: text.encode("utf-8")}
