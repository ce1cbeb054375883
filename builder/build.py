"""The pipeline: load -> validate -> render -> package -> write.

Everything is read, checked and rendered in memory before anything is written, so a
problem anywhere leaves the output folder exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from builder import quality, runtime, state
from builder.archive import write_all
from builder.components.blocks import media
from builder.errors import BuildAborted, Problem
from builder.languages import language_problems
from builder.loaders import Loader
from builder.markdown import RenderCache
from builder.model import Course
from builder.packagers import packagers
from builder.render import (
    make_env,
    render_site,
    template_dirs,
    template_errors,
    template_problems,
    theme_dir,
)
from builder.validate import validate


@dataclass
class BuildResult:
    course: Course
    written: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    worst_suspend: int = 0
    #: with ``previous``: what the learners of that release lose (one line each)
    losses: list[str] | None = None


def check(root: Path, targets: tuple[str, ...] = (),
          cache: RenderCache | None = None) -> tuple[Course, list[Problem]]:
    """Load and validate; raise :class:`BuildAborted` on any error. Returns the warnings,
    the item-quality and reading-level findings (:mod:`builder.quality`) among them.
    ``cache`` keeps rendered texts for the next check of the same project (the preview)."""
    loader = Loader(root, cache)
    course = loader.load()
    complete = not loader.unusable
    problems = (loader.problems + template_problems(root)
                + [p for p in validate(course, targets, complete=complete)
                   if not any(p.file == file and f"'{qid}'" in p.message
                              for file, qid in loader.follow_ons)])
    if complete:
        problems += quality.check(course)
        problems += language_problems(root, course)
    problems += media.check_course(course, course.media_limits[1])
    if any(p.level == "error" for p in problems):
        raise BuildAborted(problems)
    return course, problems


def as_errors(warnings: list[Problem]) -> list[Problem]:
    """``--strict``: the warnings, as errors."""
    return [replace(w, level="error") for w in warnings]


def build(root: Path, targets: tuple[str, ...] = (), out: Path | None = None,
          strict: bool = False, previous: Path | None = None) -> BuildResult:
    """Build the packages of the course at ``root`` into ``out`` (default ``root/dist``).

    ``previous`` is the release learners have now (its package, or the package's folder
    or index.html): the new packages then carry the maps that let its learners' resume
    state through (:mod:`builder.state`), and the result lists what they lose."""
    root = root.resolve()
    old = None
    if previous is not None:
        try:
            old = state.read_previous(previous)
        except state.PreviousError as e:
            raise BuildAborted([Problem(str(previous), 0, "--previous", str(e),
                                        "give the package (zip) learners have now")]) from e
    course, warnings = check(root, targets)
    if strict and warnings:
        raise BuildAborted(as_errors(warnings))
    targets = targets or course.targets
    out = (out or root / "dist").resolve()
    dirs = template_dirs(root)
    env = make_env(dirs)
    available = packagers()
    packages: dict[Path, dict[str, bytes]] = {}
    # what the targets have in common, rendered for the first one only
    shared: dict | None = {} if len(targets) > 1 else None
    token = state.PREVIOUS.set([old] if old else None)
    try:
        for target in targets:
            packager = available[target](env, theme_dir())
            site = render_site(course, target, dirs, env, shared)
            with template_errors(dirs, root):
                packages[out / packager.file_name(course)] = packager.package_files(course, site)
    finally:
        state.PREVIOUS.reset(token)
    result = BuildResult(course, warnings=warnings,
                         worst_suspend=runtime.worst_case_suspend(course),
                         losses=state.losses(old, course) if old else None)
    outputs = []
    for dest, files in packages.items():
        outputs.append((dest, files, "zip"))
        result.written.append(dest)
        if dest.name.endswith("-web.zip"):  # the web site also as a folder, ready to open
            folder = dest.with_suffix("")
            outputs.append((folder, files, "folder"))
            result.folders.append(folder)
    write_all(outputs)
    return result
