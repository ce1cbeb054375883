"""Every check ``coursepack validate`` makes, by stable rule id.

A rule id never changes once released: CI pipelines filter on it. Each rule has a default
severity, a one-line meaning and advice written for the LMS administrator who received the
package (not for the person who built it). docs/qa.md lists the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    severity: str  #: default severity; a check may lower it for a milder case
    meaning: str  #: what the rule finds, one line
    advice: str  #: how to fix it, for an LMS administrator


def _r(severity: str, meaning: str, advice: str) -> Rule:
    return Rule(severity, meaning, advice)


RULES: dict[str, Rule] = {
    # --- the zip itself -------------------------------------------------------------------
    "unreadable": _r(
        ERROR, "The file is missing, empty, truncated or not a zip at all (exit code 2).",
        "Download or export the package again; it must be the .zip file the authoring tool "
        "produced for an LMS."),
    "manifest-missing": _r(
        ERROR, "No imsmanifest.xml, cmi5.xml or tincan.xml at the root of the zip.",
        "This is not a SCORM, cmi5 or xAPI package. Ask the author for the package exported "
        "for an LMS (not the source project or a web export)."),
    "web-package": _r(
        WARNING, "A coursepack web package: a site to put on a web server as it is, with no "
        "LMS manifest.",
        "An LMS cannot import it. For an LMS, build the course with `coursepack build "
        "--target scorm12` (or scorm2004, xapi, cmi5) and validate that zip."),
    "manifest-nested": _r(
        ERROR, "The manifest is inside a folder of the zip instead of at its root.",
        "The folder was zipped instead of its contents. Unzip it, open the folder, select "
        "everything inside it and zip that, so the manifest is at the top level."),
    "zip-slip": _r(
        ERROR, "An entry name contains '..' and would be written outside the package folder.",
        "Do not upload this package: an LMS that unpacks it could overwrite its own files. "
        "Ask the author to re-export it."),
    "absolute-path": _r(
        ERROR, "An entry name is an absolute path (starts with '/' or a drive letter).",
        "Do not upload this package: it tries to write outside the package folder. Ask the "
        "author to re-export it with relative paths."),
    "backslash": _r(
        ERROR, "An entry name uses '\\' as folder separator.",
        "The zip was made by a Windows tool that breaks the zip format; LMSs on Linux see "
        "one file with a strange name instead of a folder. Re-zip with a standard tool."),
    "case-duplicate": _r(
        ERROR, "Two entries have names that differ only in upper/lower case.",
        "On Windows or macOS servers one file overwrites the other. Rename one of them in "
        "the course and re-export."),
    "duplicate-entry": _r(
        ERROR, "The same name appears twice in the zip.",
        "LMSs keep one copy at random. Re-zip the package so each file appears once."),
    "symlink": _r(
        ERROR, "An entry is a symbolic link.",
        "Do not upload this package: a link can point at files outside the package. "
        "Re-zip it without links (copy the real files instead)."),
    "encrypted-entry": _r(
        ERROR, "An entry is password-protected.",
        "LMSs cannot read encrypted zips. Re-zip the package without a password."),
    "zip-bomb": _r(
        ERROR, "Declared sizes or compression ratios are far beyond any real course.",
        "The package was refused without unpacking it: it would expand to an enormous size "
        "(a 'zip bomb') or its entries overlap. Do not upload it; ask for a fresh export."),
    "entry-count": _r(
        ERROR, "The zip holds more entries than any course needs.",
        "The package was refused without unpacking it. Ask the author to remove unused files "
        "or to split the course."),
    "zip-in-zip": _r(
        WARNING, "The package contains another zip file.",
        "LMSs do not unpack zips inside the package. If this is the real course, upload "
        "that inner zip instead; otherwise the author should remove it."),
    "filename-chars": _r(
        WARNING, "A file name has spaces, non-ASCII letters or characters such as % # ? .",
        "Some LMSs and web servers cannot serve such files (broken images or pages). Ask "
        "the author to rename them with letters, digits, '-', '_' and '.' only."),
    "package-size": _r(
        WARNING, "The zip is larger than 500 MB.",
        "Many LMSs refuse uploads this large or time out. Ask for compressed media, or host "
        "large videos elsewhere."),
    "zip-extension": _r(
        WARNING, "The package file name does not end in .zip.",
        "Several LMSs only accept files named *.zip. Rename the file to end in .zip."),
    # --- reading the manifest ---------------------------------------------------------------
    "manifest-unreadable": _r(
        ERROR, "The manifest cannot be read out of the zip (corrupt, too large, or an "
               "unsupported compression).",
        "The zip is damaged. Download or export the package again."),
    "xml-malformed": _r(
        ERROR, "The manifest is not well-formed XML.",
        "The LMS will reject the package. The manifest was edited by hand or written by a "
        "broken tool: ask for a fresh export."),
    "xml-entity": _r(
        WARNING, "The manifest has a DOCTYPE that declares entities or loads an external DTD.",
        "coursepack read it without resolving anything, but an LMS's XML parser may: an "
        "external entity can read files of the LMS server or reach other hosts (XXE). No "
        "standard needs a DOCTYPE in its manifest: ask for a manifest without one."),
    "xsd": _r(
        ERROR, "The manifest breaks the official XML schema of its standard.",
        "Strict LMSs reject such a manifest and lenient ones may misread it. Send the "
        "message to the author: it names the element and what the schema expects."),
    "manifest-unknown": _r(
        ERROR, "imsmanifest.xml is not a SCORM 1.2 or SCORM 2004 manifest (unknown root "
               "element or namespace).",
        "The LMS will not recognise the package version. Ask the author for a SCORM 1.2 or "
        "SCORM 2004 export."),
    # --- SCORM manifests ------------------------------------------------------------------------
    "id-invalid": _r(
        ERROR, "An identifier is not a valid XML name (starts with a digit, has spaces or ':').",
        "Strict LMSs reject the manifest. Identifiers must start with a letter or '_' and use "
        "only letters, digits, '.', '-' and '_'."),
    "id-duplicate": _r(
        ERROR, "Two elements share the same identifier (all identifiers share one space).",
        "The LMS may launch or track the wrong item. Each organization, item and resource "
        "needs its own identifier."),
    "identifierref-dangling": _r(
        ERROR, "An identifierref (or a cmi5 objective idref) names nothing in the file.",
        "That item cannot be launched (or that dependency/objective is lost). The author "
        "must point it at an existing resource or objective."),
    "default-org-dangling": _r(
        ERROR, "organizations/@default names no organization.",
        "The LMS cannot tell which table of contents to show and may refuse the package. "
        "The author must set it to an existing organization identifier."),
    "href-missing": _r(
        ERROR, "A file named by the manifest is not in the zip.",
        "Learners will get 'page not found' or a blank screen. Ask the author to re-export; "
        "note that LMSs on Linux treat 'Index.html' and 'index.html' as different files."),
    "file-unlisted": _r(
        WARNING, "A file in the zip is not listed in the manifest.",
        "Usually harmless, but some LMSs only copy listed files, and an LMS that imports "
        "'content only' may drop it. The author should list every file in <file> elements."),
    "scormtype-spelling": _r(
        ERROR, "The scormtype attribute is spelled for the other SCORM version.",
        "SCORM 1.2 uses adlcp:scormtype, SCORM 2004 adlcp:scormType. With the wrong spelling "
        "the LMS treats the SCO as a plain asset and records no progress or score."),
    "scormtype-missing": _r(
        WARNING, "A resource has no scormtype attribute.",
        "The LMS treats it as an asset: if it is the course page, no completion or score will "
        "be recorded. The author should mark it sco or asset."),
    "schema-version": _r(
        ERROR, "metadata/schema or schemaversion is not the exact string of the standard.",
        "LMSs use these strings to choose the SCORM version and may run the package with the "
        "wrong API. Expected 'ADL SCORM' and '1.2' or '2004 4th Edition'."),
    "masteryscore-range": _r(
        ERROR, "SCORM 1.2 adlcp:masteryscore is not a number from 0 to 100.",
        "LMSs compute passed/failed from it (Moodle by default): an invalid value can fail "
        "every learner or break the import. The author must use a number such as 80."),
    "maxtimeallowed-format": _r(
        ERROR, "SCORM 1.2 adlcp:maxtimeallowed is not in HHHH:MM:SS.SS form.",
        "The LMS may ignore the time limit or reject the value. Use a value such as "
        "0000:30:00."),
    "version-mixup": _r(
        ERROR, "A SCORM 2004 manifest uses SCORM 1.2 elements or namespaces.",
        "The LMS silently ignores them (e.g. adlcp:masteryscore has no effect in 2004). The "
        "author must use the 2004 equivalent, or export as SCORM 1.2."),
    "launch-missing": _r(
        ERROR, "Nothing in the package can be launched.",
        "The LMS has no page to open. The manifest must have an item pointing at a resource "
        "with an href (SCORM), or an activity with a <launch> (xAPI)."),
    "launch-not-html": _r(
        ERROR, "The launch file of a SCO or AU is not an HTML page.",
        "Only an HTML page can talk to the LMS, so nothing will be tracked. The author must "
        "launch an .html file."),
    "external-launch": _r(
        ERROR, "The launch address is an external http(s) URL.",
        "The course runs on another web site: SCORM content there cannot reach the LMS "
        "(browsers block access across sites), and it breaks when that site is down. Ask for "
        "a package that contains the course files."),
    # --- xAPI (Tin Can) -------------------------------------------------------------------------
    "tincan-structure": _r(
        ERROR, "tincan.xml lacks the expected structure (root <tincan> in the Tin Can "
               "namespace, <activities>, an activity id).",
        "The LMS cannot register the course. Ask the author for a fresh xAPI export."),
    "launch-multiple": _r(
        WARNING, "More than one activity in tincan.xml has a <launch> element.",
        "Only one is used; LMSs differ in which one. The author should keep one launch."),
}


def advice(rule: str) -> str:
    """The advice of ``rule``."""
    return RULES[rule].advice


def severity(rule: str) -> str:
    """The default severity of ``rule``."""
    return RULES[rule].severity
