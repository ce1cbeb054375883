"""The course's own screens around the pages: the cover (``cover:`` of course.yaml), the
certificate of completion (``certificate:``), the detailed result screen, and the
modules' opening images. What the templates (partials/cover.html, certificate.html,
results.html) print is prepared here; the runtime part is static/cp-screens.js, which a
package carries only when its course has a cover or a certificate.
"""

from __future__ import annotations

from typing import Any

from builder.model import Asset, Course, Module

#: the runtime and style sheet of these screens, shipped only with a course that uses them
SCRIPT = "static/cp-screens.js"
STYLE = "static/cp-screens.css"


def used(course: Course) -> bool:
    """Does the course have a cover or a certificate (and so ships the screens' code)?"""
    return course.cover is not None or course.certificate is not None


def _image(asset: Asset | None, alt: str) -> dict[str, str] | None:
    return {"src": asset.package_path, "alt": alt} if asset else None


def minutes(course: Course) -> int:
    """The modules' estimated minutes added up."""
    return sum(u.duration or 0 for u in course.modules)


def duration_text(course: Course, t: dict[str, str]) -> str:
    """What the cover says about the course's length: the author's words, else the
    modules' minutes ("About 80 minutes", "About 1 h 50 min"), else nothing."""
    assert course.cover is not None
    if course.cover.duration:
        return course.cover.duration
    n = minutes(course)
    if not n:
        return ""
    if n < 60:
        return t["cover_minutes"].replace("{n}", str(n))
    return t["cover_hours"].replace("{h}", str(n // 60)).replace("{m}", str(n % 60))


def view(course: Course, t: dict[str, str]) -> dict[str, Any]:
    """The part of the templates' view for these screens."""
    cover = cert = None
    if course.cover is not None:
        cover = {"image": _image(course.cover.image, course.cover.image_alt),
                 "duration": duration_text(course, t)}
    if course.certificate is not None:
        c = course.certificate
        cert = {"issuer": c.issuer, "signer": c.signer,
                "signature": _image(c.signature, t["certificate_signature_of"].replace(
                    "{name}", c.signer))}
    return {
        "screens": used(course),
        "cover": cover,
        "certificate": cert,
        "result_units": [{"index": i, "title": u.title, "kind": u.kind}
                         for i, u in enumerate(course.outline)] if used(course) else [],
    }


def module_image(unit: Module) -> dict[str, str] | None:
    return _image(unit.image, unit.image_alt)


def assets(course: Course) -> list[Asset]:
    """The image files these screens put into the package."""
    out = [u.image for u in course.modules if u.image]
    if course.cover and course.cover.image:
        out.append(course.cover.image)
    if course.certificate and course.certificate.signature:
        out.append(course.certificate.signature)
    return out
