"""``coursepack new``: a small course project that builds and validates as it is."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from builder.errors import BuilderError

SCAFFOLD = Path(__file__).parent / "scaffold"


def create(dest: Path, course_id: str | None = None) -> list[Path]:
    """Copy the scaffold to ``dest`` (which must not exist or be empty); return the files."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BuilderError(f"'{dest}' already exists and is not empty: choose a new folder")
    course_id = course_id or re.sub(r"[^a-z0-9]+", "-", dest.resolve().name.lower()).strip("-")
    if not re.match(r"^[a-z][a-z0-9-]*$", course_id):
        course_id = "my-course"
    shutil.copytree(SCAFFOLD, dest, dirs_exist_ok=True)
    course = dest / "course.yaml"
    course.write_text(course.read_text("utf-8").replace("id: my-course", f"id: {course_id}"),
                      "utf-8")
    return sorted(p for p in dest.rglob("*") if p.is_file())
