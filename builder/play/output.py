"""The report of `coursepack play`: text to read, JSON for tools, JUnit XML for CI."""

from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

from builder.play.run import Result
from builder.play.standards import standard


def _facts(r: Result) -> str:
    g = r.recorded
    parts = standard(r.target).facts(g)
    if "time" in g:
        parts.append(f"time {g['time']}")
    if "interactions" in g:
        parts.append(f"interactions {g['interactions']}")
    if g.get("objectives"):
        done = sum(1 for v in g["objectives"].values() if v in ("passed", "completed"))
        parts.append(f"objectives {done}/{len(g['objectives'])} met")
    if "suspend_data" in g:
        parts.append(f"suspend_data {g['suspend_data']} chars")
    if g.get("bookmark"):
        parts.append(f"bookmark {g['bookmark']}")
    if g.get("endings"):
        parts.append(f"endings {', '.join(g['endings'])}")
    return ", ".join(parts)


def as_text(results: list[Result], seconds: float) -> str:
    lines = []
    package = None
    for r in results:
        if r.package != package:
            package = r.package
            lines.append(f"{package} ({r.target})")
        lines.append(f"  {'ok  ' if r.ok else 'FAIL'} {r.learner:<24} {_facts(r)}"
                     f"  [{r.seconds:.1f} s]")
        for p in r.problems:
            lines.append(f"       problem: {p}")
        for e in r.lms_errors:
            lines.append(f"       LMS error: {e}")
        for e in r.js_errors:
            lines.append(f"       JS error: {e}")
        for w in r.warnings:
            lines.append(f"       warning: {w}")
    bad = sum(1 for r in results if not r.ok)
    lines.append(f"{len(results)} learners played in {seconds:.1f} s: "
                 + (f"{bad} with problems." if bad else "all as the tracking rules say."))
    return "\n".join(lines) + "\n"


def as_json(results: list[Result], seconds: float) -> str:
    return json.dumps({"ok": all(r.ok for r in results), "seconds": round(seconds, 2),
                       "results": [r.as_json() for r in results]}, indent=2,
                      ensure_ascii=False) + "\n"


def as_junit(results: list[Result], seconds: float) -> str:
    suites: dict[str, list[Result]] = {}
    for r in results:
        suites.setdefault(r.package, []).append(r)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="coursepack play" tests="{len(results)}" '
           f'failures="{sum(1 for r in results if not r.ok)}" time="{seconds:.2f}">']
    for name, rs in suites.items():
        out.append(f'  <testsuite name={quoteattr(name)} tests="{len(rs)}" '
                   f'failures="{sum(1 for r in rs if not r.ok)}" '
                   f'time="{sum(r.seconds for r in rs):.2f}">')
        for r in rs:
            out.append(f'    <testcase classname={quoteattr(name)} '
                       f'name={quoteattr(r.learner)} time="{r.seconds:.2f}">')
            found = r.problems + [f"LMS error: {e}" for e in r.lms_errors] + \
                [f"JS error: {e}" for e in r.js_errors]
            if found:
                out.append(f'      <failure message={quoteattr(found[0])}>'
                           f'{_esc(chr(10).join(found))}</failure>')
            out.append(f'      <system-out>{_esc(_facts(r))}</system-out>')
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
