"""``coursepack new``: a small course project that builds and validates as it is, with the
JSON Schemas its files point editors to."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from builder.errors import BuilderError
from builder.formats import ID, matches
from builder.schemas import write_schemas

SCAFFOLD = Path(__file__).parent / "scaffold"


def create(dest: Path, course_id: str | None = None) -> list[Path]:
    """Copy the scaffold to ``dest`` (which must not exist or be empty); return the files."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BuilderError(f"'{dest}' already exists and is not empty: choose a new folder")
    course_id = course_id or re.sub(r"[^a-z0-9]+", "-", dest.resolve().name.lower()).strip("-")
    if not matches(ID, course_id):
        course_id = "my-course"
    shutil.copytree(SCAFFOLD, dest, dirs_exist_ok=True)
    course = dest / "course.yaml"
    text = re.sub(r"(?m)^id: my-course$", f"id: {course_id}", course.read_text("utf-8"),
                  count=1)
    course.write_text(text, "utf-8")
    write_schemas(dest / "schemas")  # the files' `yaml-language-server` lines point here
    return sorted(p for p in dest.rglob("*") if p.is_file())
