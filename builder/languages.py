"""Which interface languages the theme (and the project's own templates/) has catalogues
for: a course whose ``language`` has none is built with an English interface, which the
author is told (``language: fr`` would otherwise be accepted silently)."""

from __future__ import annotations

import re
from pathlib import Path

from builder.errors import Problem
from builder.model import Course
from builder.render import template_dirs


def catalogues(root: Path) -> list[str]:
    """The language tags with a catalogue (``i18n/<tag>.yaml``) on the template path."""
    found = {p.stem for d in template_dirs(root) for p in (d / "i18n").glob("*.yaml")
             if p.is_file()}
    return sorted(found)


def language_problems(root: Path, course: Course) -> list[Problem]:
    language = course.language or "en"
    have = catalogues(root)
    if language in have or language.split("-")[0] in have:
        return []
    line = 0
    try:
        text = (root / "course.yaml").read_text("utf-8")
        m = re.search(r"^language\s*:", text, re.M)
        line = text.count("\n", 0, m.start()) + 1 if m else 0
    except (OSError, UnicodeDecodeError):
        pass
    return [Problem(
        "course.yaml", line, "language",
        f"there is no interface catalogue for language '{language}': buttons and messages "
        f"will be in English. Languages with one: {', '.join(have)}",
        f"use one of them, or add templates/i18n/{language}.yaml to the project (copy the "
        "theme's en.yaml and translate it; see docs/authoring.md)", level="warning")]
