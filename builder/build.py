"""The pipeline: load -> validate -> render -> package -> write.

Everything is read, checked and rendered in memory before anything is written, so a
problem anywhere leaves the output folder exactly as it was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder import findcache, quality, runtime, state
from builder.archive import Writer, write_all
from builder.components.blocks import media
from builder.course_rules import validate
from builder.errors import BuildAborted, BuilderError, Problem
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


@dataclass
class BuildResult:
    course: Course
    written: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    worst_suspend: int = 0
    #: with ``previous``: what the learners of that release lose (one line each)
    losses: list[str] | None = None
    #: the most recent earlier table in the release history (``state-history.json``)
    #: that differs from this build's: its version, and what its learners lose
    history_version: str | None = None
    history_losses: list[str] | None = None
    #: the release history file, when this build created or changed it
    history_written: Path | None = None


def check(root: Path, targets: tuple[str, ...] = (),
          cache: RenderCache | None = None, findings: bool = True,
          pending: list | None = None) -> tuple[Course, list[Problem]]:
    """Load and validate; raise :class:`BuildAborted` on any error. Returns the warnings,
    the item-quality and reading-level findings (:mod:`builder.quality`) among them.
    ``cache`` keeps rendered texts for the next check of the same project (the preview).
    ``findings=False`` leaves out those findings and the language check, which are only
    ever warnings (the preview, which shows no warnings, saves their time).

    ``pending`` (a list; :func:`build` passes one): the item-quality findings of a large
    course may still be being found (:mod:`builder.background`) when this returns; then
    ``(place in the warnings, Findings)`` is appended to it, and the caller inserts
    ``Findings.result()`` there before it uses the warnings."""
    loader = Loader(root, cache)
    course = loader.load()
    complete = not loader.unusable
    problems = (loader.problems + template_problems(root)
                + [p for p in validate(course, targets, complete=complete)
                   if not any(p.file == file and f"'{qid}'" in p.message
                              for file, qid in loader.follow_ons)])
    found = None
    if complete and findings:
        if pending is not None:
            found = findcache.start(course)  # kept by an earlier build, or found now
            at = len(problems)
        else:
            problems += quality.check(course)
        problems += language_problems(root, course)
    problems += media.check_course(course, course.media_limits[1])
    if any(p.level == "error" for p in problems):
        if found is not None:
            problems[at:at] = found.result()
        raise BuildAborted(problems)
    if found is not None:
        assert pending is not None
        if found.forked:
            pending.append((at, found))
        else:
            problems[at:at] = found.result()
    return course, problems


def as_errors(warnings: list[Problem]) -> list[Problem]:
    """``--strict``: the warnings, as errors."""
    return [replace(w, level="error") for w in warnings]


def _history_problem(e: state.HistoryError) -> Problem:
    return Problem(state.HISTORY_FILE, e.line, e.key, str(e), state.HISTORY_HINT)


def read_history(root: Path) -> list[dict]:
    """The release history of the project at ``root`` (none if it has no file yet);
    raises :class:`BuildAborted` if it cannot be used."""
    path = root / state.HISTORY_FILE
    if not path.exists() and not path.is_symlink():
        return []
    try:
        return state.read_history(path)
    except state.HistoryError as e:
        raise BuildAborted([_history_problem(e)]) from None


def build(root: Path, targets: tuple[str, ...] = (), out: Path | None = None,
          strict: bool = False, previous: Path | None = None,
          history: str = "read") -> BuildResult:
    """Build the packages of the course at ``root`` into ``out`` (default ``root/dist``).

    ``previous`` is the release learners have now (its package, or the package's folder
    or index.html): the new packages then carry the maps that let its learners' resume
    state through (:mod:`builder.state`), and the result lists what they lose.

    ``history``: ``"read"`` uses the tables of the project's release history
    (``state-history.json``) as if each were given as ``previous``; ``"write"`` also
    records this release's table (and ``previous``'s) in it, written with the packages
    (``coursepack build`` does); ``"off"`` neither reads nor writes it."""
    root = root.resolve()
    old = None
    problems: list[Problem] = []
    if previous is not None:
        try:
            old = state.read_previous(previous)
        except state.PreviousError as e:
            raise BuildAborted([Problem(str(previous), 0, "--previous", str(e),
                                        "give the package (zip) learners have now")]) from e
    recorded: list[dict] = []
    if history != "off":
        try:
            recorded = read_history(root)
        except BuildAborted as e:
            problems = e.problems
    pending: list = []  # a large course's item-quality findings, found meanwhile
    try:
        course, warnings = check(root, targets, pending=pending)
    except BuildAborted as e:
        raise BuildAborted(e.problems + problems) from None

    def findings() -> None:  # before the warnings are used for anything
        for at, found in pending:
            warnings[at:at] = found.result()
        pending.clear()

    if problems:
        findings()
        raise BuildAborted(problems)
    current = state.table(course)
    for i, t in enumerate(recorded):  # what the file's checks let through, tried
        try:
            state.history(t, current)
            state.losses(copy.deepcopy(t), course)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
            raise BuildAborted([_history_problem(state.HistoryError(
                f"the table cannot be read: {type(e).__name__}: {e}",
                key=f"tables[{i}]"))]) from None
    if strict:
        findings()
    if strict and warnings:
        raise BuildAborted(as_errors(warnings))
    targets = targets or course.targets
    out = (out or root / "dist").resolve()
    dirs = template_dirs(root)
    env = make_env(dirs)
    available = packagers()
    packages: dict[Path, dict[str, bytes]] = {}
    folder_too: dict[Path, bool] = {}
    # each target's package is written (to its temporary name) as soon as it is made,
    # and its files let go: all are renamed into place at the end, or removed on failure
    try:
        writer: Writer | None = Writer(len(targets))
    except BuilderError:  # refused when written, after every target is rendered, as ever
        writer = None
    # what the targets have in common, rendered for the first one only
    shared: dict | None = {} if len(targets) > 1 else None
    olds = ([old] if old else []) + [t for t in reversed(recorded)
                                     if not old or t["ref"] != old["ref"]]
    token = state.PREVIOUS.set(olds or None)
    try:
        for target in targets:
            packager = available[target](env, theme_dir())
            site = render_site(course, target, dirs, env, shared)
            with template_errors(dirs, root):
                files = packager.package_files(course, site)
            dest = out / packager.file_name(course)
            folder_too[dest] = packager.folder
            packages[dest] = files if writer is None else {}
            if writer is not None:
                writer.add(dest, files, "zip")
                if packager.folder:
                    writer.add(dest.with_suffix(""), files, "folder")
            del site, files
        state.PREVIOUS.reset(token)
        token = None
        findings()
        result = BuildResult(course, warnings=warnings,
                             worst_suspend=runtime.worst_case_suspend(course),
                             losses=state.losses(copy.deepcopy(old), course) if old else None)
        latest = next((t for t in reversed(recorded) if t["ref"] != current["ref"]), None)
        if latest and not (old and old["ref"] == latest["ref"]):
            result.history_version = latest.get("version") or "?"
            result.history_losses = state.losses(copy.deepcopy(latest), course)
        outputs = []
        for dest, files in packages.items():
            outputs.append((dest, files, "zip"))
            result.written.append(dest)
            if folder_too[dest]:  # the web site also as a folder, ready to open
                folder = dest.with_suffix("")
                outputs.append((folder, files, "folder"))
                result.folders.append(folder)
        if history == "write":
            new = [old] if old and old["ref"] != current["ref"] else []
            tables = state.record(recorded, *new, state.stored_table(course))
            path = root / state.HISTORY_FILE
            if tables != recorded or not path.exists():
                text = state.history_text(tables).encode("utf-8")
                outputs.append((path, {path.name: text}, "file"))
                result.history_written = path
        if writer is None:
            write_all(outputs)
        else:
            for dest, files, kind in outputs:
                if kind == "file":
                    writer.add(dest, files, kind)
            writer.commit()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if token is not None:
            state.PREVIOUS.reset(token)
    return result
