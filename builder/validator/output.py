"""Print a :class:`~builder.validator.report.Report` for people (text) or pipelines (JSON)."""

from __future__ import annotations

import json
import textwrap

from builder.errors import printable
from builder.validator.report import Report, problem

#: Rules that stop the inspection before any manifest is read.
REFUSED = {"zip-bomb", "entry-count"}


def format_text(report: Report, strict: bool = False) -> str:
    """One line per problem, its advice indented below, then a summary line."""
    lines = []
    for p in report.problems:
        where = (p.file or report.package) + (f":{p.line}" if p.line else "")
        lines.append(f"{p.severity.upper()} {p.rule} {where} {p.message}")
        lines += textwrap.wrap(p.advice, 96, initial_indent="    ", subsequent_indent="    ")
    lines.append(summary(report, strict))
    return printable("\n".join(lines))  # names in a zip may hold escape sequences


def summary(report: Report, strict: bool = False) -> str:
    """The last line: the standard found, the counts and the verdict."""
    if report.standard:
        kind = f"{report.standard} package"
    elif any(p.rule in REFUSED for p in report.problems):
        kind = "refused without reading its manifest"
    else:
        kind = "no SCORM, cmi5 or xAPI manifest at the root of the zip"
    errors = f"{report.errors} error{'s' if report.errors != 1 else ''}"
    warnings = f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
    if report.valid(strict):
        verdict = "valid"
    elif report.errors:
        verdict = "NOT valid"
    else:
        verdict = "NOT valid (--strict counts warnings)"
    return f"{report.package}: {kind}; {errors}, {warnings}: {verdict}."


def format_json(report: Report, strict: bool = False) -> str:
    """The report as one JSON document (see docs/qa.md)."""
    return json.dumps(report.as_dict(strict), indent=2, ensure_ascii=False)


def unreadable_json(package: str, reason: str) -> str:
    """The JSON document for input that is not a readable zip (exit code 2)."""
    report = Report(package, None, [problem("unreadable", "", reason)])
    return format_json(report)
